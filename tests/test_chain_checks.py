"""The blockchain lab's checks: right answers pass, stubs are "not yet", wrong answers fail."""

from __future__ import annotations

import math

import numpy as np
import pytest

from paylab.chain import (
    Blockchain,
    MerkleStep,
    double_spend_probability,
    escrow_timeout,
    merkle_proof,
    mine,
    simulate_double_spend,
    verify_merkle_proof,
)
from paylab.chain.escrow import REFUNDED, Payout
from paylab.checks import check, questions


def good_q1(chain):
    problems = Blockchain.validate(chain)
    return min((p.index for p in problems), default=None)


def good_q6(q, z, trials, seed):
    return simulate_double_spend(q, z, trials, seed).estimate


GOOD = {
    "blockchain.q1": good_q1,
    "blockchain.q2": lambda txs, i: list(merkle_proof(txs, i)),
    "blockchain.q3": verify_merkle_proof,
    "blockchain.q4": lambda header, d: mine(header, d).nonce,
    "blockchain.q5": double_spend_probability,
    "blockchain.q6": good_q6,
    "blockchain.q7": escrow_timeout,
}


def stub(*args, **kwargs):
    raise NotImplementedError()


def q1_only_links(chain):  # forgets the Merkle root, signatures and the tip
    for i, b in enumerate(chain.blocks[1:], 1):
        if b.prev_hash != chain.blocks[i - 1].hash:
            return i
    return None


def q2_wrong_sides(txs, i):
    return [MerkleStep(s.sibling, "left") for s in merkle_proof(txs, i)]


def q3_ignores_order(leaf, proof, root):
    from paylab.chain.merkle import leaf_hash, node_hash
    h = leaf_hash(leaf)
    for s in proof:
        h = node_hash(*sorted((h, s.sibling)))
    return h == root or verify_merkle_proof(leaf, proof, root)


def q4_not_smallest(header, d):
    return mine(header, d, start_nonce=5).nonce


def q5_forgets_majority(q, z):
    p = 1 - q
    lam = z * q / p
    return 1 - sum(math.exp(-lam) * lam**k / math.factorial(k) * (1 - (q / p) ** (z - k)) for k in range(z + 1))


def q6_unseeded(q, z, trials, seed):
    return float(np.random.default_rng().random() < 2) * double_spend_probability(q, z) + 0.5


def q7_pays_seller_always(state, now):
    new, payouts = escrow_timeout(state, now)
    return new, (Payout(state.seller, state.balance),)


def q7_off_by_one(state, now):
    return escrow_timeout(state, now + 1)


WRONG = {
    "blockchain.q1": [q1_only_links, lambda chain: None],
    "blockchain.q2": [q2_wrong_sides, lambda txs, i: []],
    "blockchain.q3": [q3_ignores_order, lambda leaf, proof, root: True],
    "blockchain.q4": [q4_not_smallest, lambda header, d: 0],
    "blockchain.q5": [q5_forgets_majority, lambda q, z: round(double_spend_probability(q, z), 3)],
    "blockchain.q6": [q6_unseeded, lambda q, z, trials, seed: double_spend_probability(q, z) * 1.5],
    "blockchain.q7": [q7_pays_seller_always, q7_off_by_one,
                      lambda state, now: (state, ())],
}


def test_the_lab_has_at_least_six_graded_questions():
    qs = questions("blockchain")
    assert [q.id for q in qs] == sorted(GOOD)
    assert all(q.points > 0 and q.hint for q in qs)


@pytest.mark.parametrize("qid", sorted(GOOD))
def test_reference_answer_passes(qid):
    fb = check(qid, GOOD[qid])
    assert fb.passed, str(fb)


@pytest.mark.parametrize("qid", sorted(GOOD))
def test_stub_is_not_yet(qid):
    assert check(qid, stub).status == "not yet"


@pytest.mark.parametrize(("qid", "k"), [(q, k) for q in sorted(WRONG) for k in range(len(WRONG[q]))])
def test_wrong_answers_fail_without_revealing_the_answer(qid, k):
    fb = check(qid, WRONG[qid][k])
    assert fb.status == "wrong", str(fb)
    assert "0.0009137" not in fb.message and "0.2045873" not in fb.message


def test_q1_refuses_a_shortcut_through_validate():
    fb = check("blockchain.q1", lambda chain: min((p.index for p in chain.validate()), default=None))
    assert fb.status == "wrong" and "validate" in fb.message


def test_q7_refund_really_refunds():
    from paylab.chain.escrow import escrow_step, new_escrow
    s = escrow_step(new_escrow("b", "s", "a", 10), "deposit", "b", 0, amount=10)[0]
    assert escrow_timeout(s, 10**9)[0].status == REFUNDED
