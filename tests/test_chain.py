"""paylab.chain: Merkle proofs, proof of work, the validating chain and tamper detection."""

from __future__ import annotations

import hashlib
from dataclasses import replace

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from paylab import Money
from paylab.chain import (
    GENESIS_PREV,
    Blockchain,
    MerkleStep,
    Wallet,
    expected_attempts,
    leading_zero_bits,
    merkle_levels,
    merkle_proof,
    merkle_root,
    mine,
    pow_experiment,
    verify_merkle_proof,
)
from paylab.chain.merkle import leaf_hash, node_hash
from paylab.clock import SteppingClock
from paylab.errors import InvalidInput, LedgerError, SignatureError, TamperedError


def h(i: int) -> bytes:
    return hashlib.sha256(f"tx{i}".encode()).digest()


hashes = st.lists(st.binary(min_size=32, max_size=32), min_size=1, max_size=40, unique=True)


# --- Merkle ------------------------------------------------------------------------------

def test_root_of_one_and_two_leaves_follows_the_definition():
    assert merkle_root([h(0)]) == hashlib.sha256(b"\x00" + h(0)).digest()
    expected = hashlib.sha256(b"\x01" + leaf_hash(h(0)) + leaf_hash(h(1))).digest()
    assert merkle_root([h(0), h(1)]) == expected
    # an odd last node moves up unchanged
    assert merkle_root([h(0), h(1), h(2)]) == node_hash(expected, leaf_hash(h(2)))


def test_hex_and_bytes_give_the_same_root():
    assert merkle_root([h(0).hex(), h(1).hex()]) == merkle_root([h(0), h(1)])


def test_levels_shrink_to_one_root():
    levels = merkle_levels([h(i) for i in range(5)])
    assert [len(level) for level in levels] == [5, 3, 2, 1]


def test_proof_length_is_logarithmic():
    txs = [h(i) for i in range(1024)]
    assert len(merkle_proof(txs, 700)) == 10


@given(hashes, st.data())
def test_every_leaf_verifies_and_every_other_leaf_fails(txs, data):
    root = merkle_root(txs)
    i = data.draw(st.integers(0, len(txs) - 1))
    proof = merkle_proof(txs, i)
    assert verify_merkle_proof(txs[i], proof, root)
    for j, other in enumerate(txs):
        if j != i:
            assert not verify_merkle_proof(other, proof, root)


@given(hashes, st.data(), st.binary(min_size=32, max_size=32))
def test_a_foreign_leaf_or_a_changed_sibling_fails(txs, data, stranger):
    assume(stranger not in txs)
    root = merkle_root(txs)
    i = data.draw(st.integers(0, len(txs) - 1))
    proof = merkle_proof(txs, i)
    assert not verify_merkle_proof(stranger, proof, root)
    if proof:
        k = data.draw(st.integers(0, len(proof) - 1))
        flipped = bytes([proof[k].sibling[0] ^ 1]) + proof[k].sibling[1:]
        bent = proof[:k] + (MerkleStep(flipped, proof[k].side),) + proof[k + 1:]
        assert not verify_merkle_proof(txs[i], bent, root)


def test_merkle_bad_inputs_name_the_field():
    with pytest.raises(InvalidInput) as e:
        merkle_root([])
    assert e.value.field == "tx_hashes"
    with pytest.raises(InvalidInput) as e:
        merkle_root([h(0), b"short"])
    assert e.value.field == "tx_hashes[1]"
    with pytest.raises(InvalidInput) as e:
        merkle_root([h(0), "zz" * 32])
    assert e.value.field == "tx_hashes[1]"
    with pytest.raises(InvalidInput) as e:
        merkle_proof([h(0)], 1)
    assert e.value.field == "index"
    with pytest.raises(InvalidInput) as e:
        verify_merkle_proof(h(0), ["not a step"], merkle_root([h(0)]))
    assert e.value.field == "proof[0]"
    with pytest.raises(InvalidInput) as e:
        verify_merkle_proof(h(0), (), b"x")
    assert e.value.field == "root"


# --- proof of work ------------------------------------------------------------------------

def test_mined_hash_meets_the_target_and_is_reproducible():
    r = mine(b"header", 8)
    assert leading_zero_bits(r.digest) >= 8
    assert r.digest == hashlib.sha256(b"header" + r.nonce.to_bytes(8, "big")).digest()
    assert r.attempts == r.nonce + 1
    assert mine(b"header", 8) == r
    # no earlier nonce would have done
    for n in range(r.nonce):
        assert leading_zero_bits(hashlib.sha256(b"header" + n.to_bytes(8, "big")).digest()) < 8


def test_expected_attempts_double_per_bit():
    assert [expected_attempts(d) for d in (0, 1, 8, 12)] == [1, 2, 256, 4096]


def test_measured_attempts_track_the_expectation():
    rows = pow_experiment([4, 8], trials=40, seed=1)
    for row in rows:
        # geometric mean 2**d, sd ~ 2**d; 40 trials: the mean lies within a factor 2 easily
        assert row["expected"] / 2 < row["measured_mean"] < row["expected"] * 2
    assert pow_experiment([4], trials=5, seed=1) == pow_experiment([4], trials=5, seed=1)


def test_pow_bad_inputs():
    with pytest.raises(InvalidInput) as e:
        mine(b"x", 99)
    assert e.value.field == "difficulty"
    with pytest.raises(InvalidInput) as e:
        mine("text", 4)
    assert e.value.field == "header"
    with pytest.raises(InvalidInput) as e:
        mine(b"x", 20, max_attempts=3)
    assert e.value.field == "max_attempts"


# --- the chain ------------------------------------------------------------------------------

ALICE, BOB, CAROL = Wallet("alice"), Wallet("bob"), Wallet("carol")


def cny(x: str) -> Money:
    return Money(x, "CNY")


def build_chain() -> Blockchain:
    chain = Blockchain({ALICE.address: cny("1000.00"), BOB.address: cny("50.00")}, difficulty=6)
    chain.add_block([ALICE.transfer(BOB, cny("100.00"), 0), ALICE.transfer(CAROL, cny("20.00"), 1)])
    chain.add_block([BOB.transfer(CAROL, cny("30.00"), 0)])
    chain.add_block([CAROL.transfer(ALICE, cny("5.00"), 0)])
    return chain


CHAIN = build_chain()


def test_balances_and_links():
    assert CHAIN.balance(ALICE) == cny("885.00")
    assert CHAIN.balance(BOB) == cny("120.00")
    assert CHAIN.balance(CAROL) == cny("45.00")
    assert CHAIN.blocks[0].prev_hash == GENESIS_PREV
    for a, b in zip(CHAIN.blocks, CHAIN.blocks[1:], strict=False):
        assert b.prev_hash == a.hash
        assert leading_zero_bits(bytes.fromhex(b.hash)) >= 6
    assert CHAIN.validate() == []
    CHAIN.assert_valid()
    assert CHAIN.tip == CHAIN.blocks[-1].hash and CHAIN.height == 3


def test_the_same_inputs_give_the_same_chain():
    assert [b.hash for b in build_chain().blocks] == [b.hash for b in CHAIN.blocks]


def test_block_timestamps_come_from_the_clock():
    chain = Blockchain({ALICE.address: 100}, difficulty=0, clock=SteppingClock(1000, step=60))
    chain.add_block([ALICE.transfer(BOB, 1, 0)])
    assert [b.timestamp for b in chain.blocks] == [1000, 1060]


def test_double_spend_is_refused_and_nothing_is_added():
    chain = CHAIN.copy()
    first = ALICE.transfer(BOB, cny("1.00"), 2)
    again = ALICE.transfer(CAROL, cny("1.00"), 2)   # same nonce, other payee
    with pytest.raises(LedgerError) as e:
        chain.add_block([first, again])
    assert e.value.code == "double_spend" and e.value.field == "nonce"
    assert chain.height == CHAIN.height
    chain.add_block([first])
    with pytest.raises(LedgerError) as e:
        chain.add_block([again])
    assert e.value.code == "double_spend"


def test_overspending_and_forged_signatures_are_refused():
    chain = CHAIN.copy()
    with pytest.raises(LedgerError) as e:
        chain.add_block([BOB.transfer(ALICE, cny("500.00"), 1)])
    assert e.value.code == "insufficient_funds"
    forged = replace(BOB.transfer(BOB, cny("10.00"), 1), sender=ALICE.public_key, nonce=3)
    with pytest.raises(SignatureError):
        chain.add_block([forged])
    mint = replace(ALICE.transfer(BOB, 5, 3), sender="", signature="")
    with pytest.raises(LedgerError) as e:
        chain.add_block([mint])
    assert e.value.code == "mint"


def test_chain_bad_inputs():
    with pytest.raises(InvalidInput) as e:
        Blockchain({})
    assert e.value.field == "allocations"
    with pytest.raises(InvalidInput) as e:
        Blockchain({ALICE.address: 1.5})
    assert e.value.field.startswith("allocations")
    with pytest.raises(InvalidInput) as e:
        CHAIN.copy().add_block([])
    assert e.value.field == "transactions"
    with pytest.raises(InvalidInput) as e:
        Blockchain({ALICE.address: 1}, difficulty=-1)
    assert e.value.field == "difficulty"


def test_wrong_currency_transaction_is_refused():
    with pytest.raises(LedgerError) as e:
        CHAIN.copy().add_block([ALICE.transfer(BOB, Money("1.00", "USD"), 2)])
    assert e.value.field == "currency"


def test_tampered_amount_is_found_with_its_reason():
    chain = CHAIN.copy()
    b = chain.blocks[1]
    chain.blocks[1] = replace(b, transactions=(replace(b.transactions[0], amount=1),) + b.transactions[1:])
    problems = chain.validate()
    assert problems and problems[0].index == 1 and problems[0].part == "merkle_root"
    assert any("signed" in p.reason for p in problems)
    with pytest.raises(TamperedError) as e:
        chain.assert_valid()
    assert e.value.field == "blocks[1]"


def test_a_rebuilt_block_breaks_the_next_link():
    """Even a tamperer who fixes the Merkle root and redoes the work breaks the next block's link."""
    chain = CHAIN.copy()
    b = chain.blocks[1]
    txs = (replace(b.transactions[0], amount=1),) + b.transactions[1:]
    fixed = replace(b, transactions=txs, merkle_root=merkle_root([t.txid for t in txs]).hex())
    fixed = replace(fixed, nonce=mine(fixed.header(), 6).nonce)
    chain.blocks[1] = fixed
    parts = {(p.index, p.part) for p in chain.validate()}
    assert (2, "prev_hash") in parts


HEADER_FIELDS = ["index", "timestamp", "prev_hash", "merkle_root", "difficulty", "nonce"]


@given(st.integers(0, 3), st.sampled_from(HEADER_FIELDS + ["tx_amount", "tx_recipient", "drop_tx"]),
       st.integers(1, 2**20))
def test_any_change_to_any_block_is_detected(index, what, delta):
    chain = CHAIN.copy()
    b = chain.blocks[index]
    if what == "tx_amount":
        changed = replace(b, transactions=(replace(b.transactions[0], amount=b.transactions[0].amount + delta),)
                          + b.transactions[1:])
    elif what == "tx_recipient":
        changed = replace(b, transactions=(replace(b.transactions[0], recipient=f"{delta:040x}"),)
                          + b.transactions[1:])
    elif what == "drop_tx":
        assume(len(b.transactions) > 1)
        changed = replace(b, transactions=b.transactions[1:])
    elif what in ("prev_hash", "merkle_root"):
        old = getattr(b, what)
        changed = replace(b, **{what: f"{(int(old, 16) ^ delta) % 2**256:064x}"})
    else:
        changed = replace(b, **{what: getattr(b, what) + delta})
    chain.blocks[index] = changed
    problems = chain.validate()
    assert problems, f"changing {what} of block {index} went unnoticed"
    assert min(p.index for p in problems) == index
