"""Checks for labs/lab_blockchain.ipynb: tampering, Merkle proofs, mining, the double-spend race, escrow.

Each checker calls the student's function on cases built here and compares it with
``paylab.chain``. Feedback says what went wrong, never the expected value.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import replace

from paylab.chain import (
    WHITEPAPER_PRINTED,
    Blockchain,
    MerkleStep,
    Wallet,
    double_spend_probability,
    escrow_step,
    escrow_timeout,
    merkle_root,
    mine,
    new_escrow,
    verify_merkle_proof,
)
from paylab.chain.escrow import DAY
from paylab.checks import expect, question
from paylab.clock import SteppingClock
from paylab.errors import InvalidTransition
from paylab.money import Money

__all__: list[str] = []


class _NoValidate(Blockchain):
    """A chain whose ``validate`` is off limits: the student must check the blocks themselves."""

    def validate(self):  # noqa: D102
        raise RuntimeError("do not call chain.validate() here: check the block fields yourself")

    def assert_valid(self):  # noqa: D102
        raise RuntimeError("do not call chain.assert_valid() here: check the block fields yourself")


def _lab_chain(difficulty: int = 6) -> Blockchain:
    a, b, c = Wallet("lab-a"), Wallet("lab-b"), Wallet("lab-c")
    chain = Blockchain({a.address: Money("100.00", "CNY"), b.address: Money("40.00", "CNY")},
                       difficulty=difficulty, clock=SteppingClock(0, step=600))
    chain.add_block([a.transfer(b, Money("10.00", "CNY"), 0), a.transfer(c, Money("5.00", "CNY"), 1)])
    chain.add_block([b.transfer(c, Money("20.00", "CNY"), 0)])
    chain.add_block([c.transfer(a, Money("1.00", "CNY"), 0)])
    chain.add_block([a.transfer(c, Money("2.00", "CNY"), 2)])
    chain.__class__ = _NoValidate
    return chain


def _tampered_cases() -> list[tuple[str, Blockchain, int | None]]:
    """(description, chain, index of the first bad block or None)."""
    cases: list[tuple[str, Blockchain, int | None]] = [("an untouched chain", _lab_chain(), None)]
    for k in (1, 2, 4):
        ch = _lab_chain()
        b = ch.blocks[k]
        tx = replace(b.transactions[0], amount=b.transactions[0].amount + 1)
        ch.blocks[k] = replace(b, transactions=(tx,) + b.transactions[1:])
        cases.append((f"an amount changed in block {k}", ch, k))
    for k in (1, 3):  # the forger also fixes the Merkle root and redoes the work
        ch = _lab_chain()
        b = ch.blocks[k]
        txs = (replace(b.transactions[0], amount=b.transactions[0].amount * 2),) + b.transactions[1:]
        fixed = replace(b, transactions=txs, merkle_root=merkle_root([t.txid for t in txs]).hex())
        ch.blocks[k] = replace(fixed, nonce=mine(fixed.header(), ch.difficulty).nonce)
        cases.append((f"block {k} rewritten with a fixed Merkle root and a fresh proof of work", ch, k))
    for k in (2, 4):  # a nonce that breaks the proof of work
        ch = _lab_chain()
        b = ch.blocks[k]
        n = b.nonce + 1
        while int(replace(b, nonce=n).hash[:2], 16) < 256 >> ch.difficulty:
            n += 1
        ch.blocks[k] = replace(b, nonce=n)
        cases.append((f"the nonce of block {k} changed", ch, k))
    ch = _lab_chain()
    last = ch.blocks[-1]
    other = replace(last, timestamp=last.timestamp + 1)
    ch.blocks[-1] = replace(other, nonce=mine(other.header(), ch.difficulty).nonce)
    cases.append(("the last block replaced by a different valid block", ch, len(ch.blocks) - 1))
    return cases


@question("blockchain.q1", title="Find the first tampered block", points=2,
          hint="Walk the blocks in order: the link to the previous hash, the Merkle root of the "
               "transaction ids, the leading zero bits of the hash, every signature (tx.verify()) "
               "outside the genesis block, and finally the last hash against chain.tip.")
def _q1(first_tampered) -> None:
    for what, chain, expected in _tampered_cases():
        got = first_tampered(chain)
        if expected is None:
            expect(got is None, "on {what} your function returned {got!r} instead of None", what=what, got=got)
        else:
            expect(got is not None, "with {what} your function found nothing", what=what)
            expect(got == expected, "with {what} your function pointed at block {got}, "
                   "which is not the first bad one", what=what, got=got)


def _trees():
    for n in (1, 2, 3, 5, 8, 13):
        yield [hashlib.sha256(f"lab-tx-{n}-{i}".encode()).digest() for i in range(n)]


@question("blockchain.q2", title="Build a Merkle proof", points=2,
          hint="Use merkle_levels(tx_hashes): at each level the sibling of node i is i-1 (left) or "
               "i+1 (right); an odd last node has no sibling on that level. Then i //= 2.")
def _q2(build_proof) -> None:
    for txs in _trees():
        root = merkle_root(txs)
        for i in range(len(txs)):
            proof = list(build_proof(txs, i))
            expect(all(isinstance(s, MerkleStep) for s in proof),
                   "the proof must be a list of MerkleStep(sibling, side)")
            expect(verify_merkle_proof(txs[i], proof, root),
                   "the proof for leaf {leaf} of a {n}-leaf tree does not lead to the root", leaf=i, n=len(txs))
            expect(len(proof) <= max(1, math.ceil(math.log2(len(txs)))) or len(txs) == 1,
                   "the proof for leaf {leaf} of {n} leaves is longer than log2(n) steps", leaf=i, n=len(txs))


@question("blockchain.q3", title="Verify a Merkle proof", points=2,
          hint="Start from leaf_hash(leaf); for a 'left' sibling compute node_hash(sibling, h), for a "
               "'right' one node_hash(h, sibling); compare the result with the root.")
def _q3(verify) -> None:
    from paylab.chain import merkle_proof

    for txs in _trees():
        root = merkle_root(txs)
        for i in range(len(txs)):
            proof = merkle_proof(txs, i)
            expect(verify(txs[i], proof, root) is True,
                   "a correct proof for leaf {leaf} of {n} leaves was rejected", leaf=i, n=len(txs))
            for j in range(len(txs)):
                if j != i:
                    expect(verify(txs[j], proof, root) is False,
                           "leaf {other} was accepted with the proof of leaf {leaf}", other=j, leaf=i)
            if proof:
                swapped = [MerkleStep(s.sibling, "left" if s.side == "right" else "right") for s in proof]
                expect(verify(txs[i], swapped, root) is False,
                       "a proof with the sides swapped was accepted: the order of the two hashes matters")


@question("blockchain.q4", title="Mine at a difficulty", points=2,
          hint="Try nonce = 0, 1, 2, …: hash header + nonce.to_bytes(8, 'big') with SHA-256 and stop "
               "at the first digest with at least `difficulty` leading zero bits.")
def _q4(mine_nonce) -> None:
    for d in (0, 1, 4, 8, 10):
        for header in (b"lab block A", b"lab block B"):
            got = mine_nonce(header, d)
            expect(isinstance(got, int), "return the nonce as an int")
            digest = hashlib.sha256(header + got.to_bytes(8, "big")).digest()
            zeros = 256 - int.from_bytes(digest, "big").bit_length()
            expect(zeros >= d, "at difficulty {d} your nonce gives a hash with only {zeros} zero bits",
                   d=d, zeros=zeros)
            expect(got == mine(header, d).nonce,
                   "at difficulty {d} your nonce works but is not the smallest one: start at 0", d=d)


@question("blockchain.q5", title="Reproduce the whitepaper", points=2,
          hint="p = 1 - q, lambda = z*q/p; start from 1 and subtract, for k = 0..z, "
               "Poisson(k; lambda) * (1 - (q/p)**(z-k)). If q >= p the attacker always wins.")
def _q5(attacker_success) -> None:
    for (q, z), printed in WHITEPAPER_PRINTED.items():
        got = attacker_success(q, z)
        expect(isinstance(got, float), "return a float probability")
        expect(f"{got:.7f}" == printed, "for q = {q}, z = {z} your value differs from the whitepaper's table",
               q=q, z=z)
    for q, z in ((0.2, 3), (0.45, 7), (0.05, 2)):
        expect(abs(attacker_success(q, z) - double_spend_probability(q, z)) < 1e-9,
               "for q = {q}, z = {z} your value is off", q=q, z=z)
    expect(attacker_success(0.5, 10) == 1.0 and attacker_success(0.7, 3) == 1.0,
           "an attacker with half the hash power or more always catches up")
    expect(attacker_success(0.1, 0) == 1.0, "with z = 0 the merchant has not waited at all")


@question("blockchain.q6", title="Attack with q = 0.3", points=2,
          hint="Use rng = np.random.default_rng(seed); draw k ~ Poisson(z*q/p) per trial; the attacker "
               "wins if k > z, else with probability (q/p)**(z-k). Return the share of wins.")
def _q6(attack) -> None:
    trials = 20_000
    for z in (2, 5, 10):
        p_true = double_spend_probability(0.3, z)
        est = attack(0.3, z, trials, 1)
        expect(isinstance(est, float) and 0.0 <= est <= 1.0, "return the share of wins as a float in [0, 1]")
        se = math.sqrt(p_true * (1 - p_true) / trials)
        expect(abs(est - p_true) <= 4.5 * se + 1e-4,
               "for q = 0.3, z = {z} your estimate is far outside the closed form's sampling error", z=z)
        expect(attack(0.3, z, trials, 1) == est, "the same seed must give the same estimate")
    expect(attack(0.3, 5, trials, 1) != attack(0.3, 5, trials, 2),
           "different seeds gave identical estimates: is the seed used?")


def _escrow_states():
    base = new_escrow("B", "S", "A", 5000, ship_window=3 * DAY, confirm_window=10 * DAY)
    funded = escrow_step(base, "deposit", "B", 1000, amount=5000)[0]
    shipped = escrow_step(funded, "ship", "S", 1000 + DAY)[0]
    disputed = escrow_step(shipped, "dispute", "B", 1000 + 2 * DAY)[0]
    released = escrow_step(shipped, "confirm", "B", 1000 + 2 * DAY)[0]
    return [("awaiting deposit", base), ("funded", funded), ("shipped", shipped), ("disputed", disputed),
            ("released", released)]


@question("blockchain.q7", title="Write the escrow timeout", points=2,
          hint="Two deadlines: state.ship_deadline while funded (refund the buyer), state.confirm_deadline "
               "while shipped (pay the seller). The deadline itself is still on time: compare with >. "
               "Any other case raises InvalidTransition.")
def _q7(timeout) -> None:
    times = [0, 1000 + 3 * DAY, 1000 + 3 * DAY + 1, 1000 + 11 * DAY, 1000 + 11 * DAY + 1, 1000 + 60 * DAY]
    for name, state in _escrow_states():
        for now in times:
            try:
                want = escrow_timeout(state, now)
            except InvalidTransition:
                want = None
            try:
                got = timeout(state, now)
            except InvalidTransition:
                got = None
            if want is None:
                expect(got is None, "a {state} escrow at t = {now} must refuse the timeout "
                       "(raise InvalidTransition)", state=name, now=now)
                continue
            expect(got is not None, "a {state} escrow at t = {now} refused a timeout that is due",
                   state=name, now=now)
            new, payouts = got
            expect(new.status == want[0].status,
                   "a {state} escrow at t = {now} ended as {status!r}, which is the wrong outcome",
                   state=name, now=now, status=new.status)
            expect(new.balance == 0, "after a timeout the contract must hold nothing")
            expect(tuple(payouts) == want[1], "a {state} escrow at t = {now} paid the wrong party or amount",
                   state=name, now=now)
