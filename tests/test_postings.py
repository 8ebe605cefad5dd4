"""Tests for paylab.postings: the posting rules and the standard accounts."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from paylab import postings as P
from paylab.errors import CurrencyMismatch, InvalidInput, NotFound
from paylab.ledger import Ledger
from paylab.money import Money


def cny(x: str) -> Money:
    return Money(x, "CNY")


@pytest.fixture
def setup():
    led = Ledger()
    acc = P.open_accounts(led, P.accounts_for("m1", "c1", "CNY"))
    return led, acc


def test_account_names_and_types():
    acc = P.accounts_for("shop", "alice", "cny")
    assert acc.customer == "customer:alice:CNY"
    assert acc.merchant == "merchant:shop:receivable:CNY"
    assert acc.clearing == "clearing:CNY"
    assert acc.escrow == "escrow:CNY"
    assert acc.fees == "revenue:fees:CNY"
    assert [P.account_type(n) for n in acc.names()] == ["liability", "liability", "asset", "liability", "revenue"]
    assert acc.payer("stored") == acc.customer and acc.payer("external") == acc.clearing
    with pytest.raises(InvalidInput) as e:
        P.accounts_for("a:b", "c")
    assert e.value.field == "merchant_id"
    with pytest.raises(InvalidInput) as e:
        P.accounts_for("m", "")
    assert e.value.field == "customer_id"
    with pytest.raises(InvalidInput) as e:
        P.account_type("cash")
    assert e.value.field == "name"
    with pytest.raises(InvalidInput) as e:
        acc.payer("card")
    assert e.value.field == "funding"


def test_open_accounts_idempotent(setup):
    led, acc = setup
    P.open_accounts(led, acc)
    P.open_accounts(led, P.accounts_for("m2", "c1"))
    assert len(led.accounts()) == 6  # the shared clearing, escrow and fee accounts once


def test_funding_for_catalogue():
    assert P.funding_for("ewallet") == "stored"
    assert P.funding_for("prepaid_card") == "stored"
    assert P.funding_for("platform_balance") == "stored"
    assert P.funding_for("online_banking") == "external"
    assert P.funding_for("card_cross_border") == "external"
    with pytest.raises(NotFound):
        P.funding_for("cash")


def test_capture_stored_and_external(setup):
    led, a = setup
    led.post(P.top_up(a.customer, a.clearing, cny("100")))
    e = P.capture(a.customer, a.clearing, a.merchant, a.fees, cny("50"), cny("0.30"), ref="pi_1", at=5.0)
    assert [(p.account, p.amount) for p in e.postings] == [
        (a.customer, cny("50")), (a.merchant, cny("-49.70")), (a.fees, cny("-0.30"))]
    assert e.ref == "pi_1" and e.at == 5.0 and e.memo == "capture"
    led.post(e)
    assert led.balance(a.customer) == cny("-50")  # customer funds still held: 50
    ext = P.capture(a.customer, a.clearing, a.merchant, a.fees, cny("20"), cny("0"), funding="external")
    assert [p.account for p in ext.postings] == [a.clearing, a.merchant]  # zero fee line dropped
    led.post(ext)
    assert led.balance(a.merchant) == cny("-69.70")
    assert led.balance(a.fees) == cny("-0.30")
    led.check_invariants()


def test_refund_keeps_fee_and_returns_money_the_way_it_came(setup):
    led, a = setup
    led.post(P.top_up(a.customer, a.clearing, cny("100")))
    led.post(P.capture(a.customer, a.clearing, a.merchant, a.fees, cny("40"), cny("1")))
    led.post(P.refund(a.customer, a.clearing, a.merchant, cny("40")))
    assert led.balance(a.customer) == cny("-100")
    assert led.balance(a.merchant) == cny("1")  # merchant owes back the fee it bore
    assert led.balance(a.fees) == cny("-1")
    led.post(P.capture(a.customer, a.clearing, a.merchant, a.fees, cny("10"), cny("0.10"), funding="external"))
    led.post(P.refund(a.customer, a.clearing, a.merchant, cny("4"), funding="external"))
    assert led.balance(a.clearing) == cny("106")
    led.check_invariants()


def test_escrow_cycle(setup):
    led, a = setup
    led.post(P.top_up(a.customer, a.clearing, cny("300")))
    led.post(P.escrow_hold(a.customer, a.clearing, a.escrow, cny("100")))
    assert led.balance(a.escrow) == cny("-100")
    led.post(P.escrow_release(a.escrow, a.merchant, a.fees, cny("100"), cny("0.60")))
    assert led.balance(a.escrow) == cny("0")
    assert led.balance(a.merchant) == cny("-99.40")
    led.post(P.escrow_hold(a.customer, a.clearing, a.escrow, cny("50"), funding="external"))
    led.post(P.escrow_refund(a.escrow, a.customer, a.clearing, cny("50"), funding="external"))
    assert led.balance(a.escrow) == cny("0")
    led.post(P.payout(a.merchant, a.clearing, cny("99.40")))
    assert led.balance(a.merchant) == cny("0")
    assert led.balance(a.clearing) == cny("200.60")
    led.check_invariants()


def test_minimum_fee_above_a_tiny_amount_leaves_the_merchant_owing(setup):
    led, a = setup
    entry = P.capture(a.customer, a.clearing, a.merchant, a.fees, cny("0.05"), cny("0.10"), funding="external")
    assert [(p.account, p.amount) for p in entry.postings] == \
        [(a.clearing, cny("0.05")), (a.merchant, cny("0.05")), (a.fees, cny("-0.10"))]
    led.post(entry)
    assert led.balance(a.merchant) == cny("0.05")  # a debit: the merchant owes the platform 0.05
    led.check_invariants()


def test_bad_inputs(setup):
    _, a = setup
    with pytest.raises(InvalidInput) as e:
        P.capture(a.customer, a.clearing, a.merchant, a.fees, cny("0"), cny("0"))
    assert e.value.field == "amount"
    with pytest.raises(InvalidInput) as e:
        P.capture(a.customer, a.clearing, a.merchant, a.fees, cny("1"), cny("-0.01"))
    assert e.value.field == "fee"
    with pytest.raises(CurrencyMismatch) as e:
        P.capture(a.customer, a.clearing, a.merchant, a.fees, cny("1"), Money("0.01", "USD"))
    assert e.value.field == "fee"
    with pytest.raises(InvalidInput) as e:
        P.capture(a.customer, a.clearing, a.merchant, a.fees, cny("1"), 0)  # type: ignore[arg-type]
    assert e.value.field == "fee"
    with pytest.raises(InvalidInput) as e:
        P.refund(a.customer, a.clearing, a.merchant, 5)  # type: ignore[arg-type]
    assert e.value.field == "amount"
    with pytest.raises(InvalidInput) as e:
        P.payout(a.merchant, a.clearing, cny("-1"))
    assert e.value.field == "amount"
    with pytest.raises(InvalidInput) as e:
        P.escrow_hold(a.customer, a.clearing, a.escrow, cny("1"), funding="card")
    assert e.value.field == "funding"


events = st.lists(st.tuples(st.sampled_from(["topup", "capture", "refund", "hold", "release", "payout"]),
                            st.integers(1, 10**7), st.integers(0, 100), st.sampled_from(P.FUNDING)),
                  max_size=25)


@given(events)
def test_every_rule_is_balanced_and_conserves_money(evs):
    led = Ledger()
    a = P.open_accounts(led, P.accounts_for("m", "c"))
    for kind, units, pct, funding in evs:
        amt = Money.from_minor(units, "CNY")
        fee = Money.from_minor(units * pct // 1000, "CNY")
        if kind == "topup":
            e = P.top_up(a.customer, a.clearing, amt)
        elif kind == "capture":
            e = P.capture(a.customer, a.clearing, a.merchant, a.fees, amt, fee, funding=funding)
        elif kind == "refund":
            e = P.refund(a.customer, a.clearing, a.merchant, amt, funding=funding)
        elif kind == "hold":
            e = P.escrow_hold(a.customer, a.clearing, a.escrow, amt, funding=funding)
        elif kind == "release":
            e = P.escrow_release(a.escrow, a.merchant, a.fees, amt, fee)
        else:
            e = P.payout(a.merchant, a.clearing, amt)
        led.post(e)
    bal = led.balances_minor()
    assert sum(bal.values()) == 0
    # the books' identity: assets = liabilities + revenue (credit balances are negative)
    assert bal[a.clearing] == -(bal[a.customer] + bal[a.merchant] + bal[a.escrow] + bal[a.fees])
    led.check_invariants()


# --- the integer rules (what the gateway and the batch engine book) ------------------------------
def test_integer_rules_lines():
    assert P.capture_lines("p", "m", "f", 1000, 6) == [("p", 1000), ("m", -994), ("f", -6)]
    assert P.capture_lines("p", "m", "f", 1000, 0) == [("p", 1000), ("m", -1000)]       # no fee line
    assert P.capture_lines("p", "m", "f", 10, 10) == [("p", 10), ("f", -10)]            # no merchant line
    assert P.capture_lines("p", "m", "f", 10, 25) == [("p", 10), ("m", 15), ("f", -25)]  # minimum fee > amount
    assert P.refund_lines("m", "p", 40) == [("m", 40), ("p", -40)]
    assert P.escrow_hold_lines("p", "e", 300) == [("p", 300), ("e", -300)]
    assert P.escrow_release_lines("e", "m", "f", 300, 2) == [("e", 300), ("m", -298), ("f", -2)]
    assert P.escrow_refund_lines("e", "p", 50) == [("e", 50), ("p", -50)]
    assert P.payout_lines("m", "c", 70) == [("m", 70), ("c", -70)]
    assert P.top_up_lines("cust", "c", 90) == [("c", 90), ("cust", -90)]


@pytest.mark.parametrize("call, field", [
    (lambda: P.capture_lines("p", "m", "f", 0, 0), "amount"),
    (lambda: P.capture_lines("p", "m", "f", 10, -1), "fee"),
    (lambda: P.refund_lines("m", "p", -5), "amount"),
    (lambda: P.top_up_lines("c", "k", 1.5), "amount"),
    (lambda: P.payout_lines("m", "c", True), "amount"),
    (lambda: P.capture_lines("p", "m", "f", 10, 0.5), "fee"),
    (lambda: P.capture_lines("p", "m", "f", [10, 0], [1, 0]), "amount"),
    (lambda: P.capture_lines("p", "m", "f", [10, 20], [1, -1]), "fee"),
    (lambda: P.escrow_hold_lines("p", "e", [1.0, 2.0]), "amount"),
])
def test_integer_rules_refuse_bad_amounts(call, field):
    with pytest.raises(InvalidInput) as e:
        call()
    assert e.value.field == field


def test_integer_rules_work_on_columns():
    import numpy as np

    a, f = np.array([1000, 10, 50]), np.array([6, 10, 0])
    lines = P.capture_lines(np.array([0, 1, 0]), np.array([5, 5, 6]), 9, a, f)
    assert [acc.tolist() if hasattr(acc, "tolist") else acc for acc, _ in lines] == [[0, 1, 0], [5, 5, 6], 9]
    assert [amt.tolist() for _, amt in lines] == [[1000, 10, 50], [-994, 0, -50], [-6, -10, 0]]  # zeros kept
    assert sum(amt for _, amt in lines).tolist() == [0, 0, 0]


@given(st.integers(1, 10**12), st.integers(0, 10**12), st.sampled_from(P.FUNDING))
def test_money_rules_are_the_integer_rules(amount, fee, funding):
    """Every Money rule books exactly its integer rule's lines (same accounts, order, amounts)."""
    fee = min(fee, amount)
    acc = P.accounts_for("shop", "alice", "CNY")
    a, f = Money.from_minor(amount, "CNY"), Money.from_minor(fee, "CNY")
    payer = acc.payer(funding)

    def minor(entry):
        return [(p.account, p.amount.minor_units) for p in entry.postings]

    assert minor(P.capture(acc.customer, acc.clearing, acc.merchant, acc.fees, a, f, funding=funding)) == \
        P.capture_lines(payer, acc.merchant, acc.fees, amount, fee)
    assert minor(P.refund(acc.customer, acc.clearing, acc.merchant, a, funding=funding)) == \
        P.refund_lines(acc.merchant, payer, amount)
    assert minor(P.escrow_hold(acc.customer, acc.clearing, acc.escrow, a, funding=funding)) == \
        P.escrow_hold_lines(payer, acc.escrow, amount)
    assert minor(P.escrow_release(acc.escrow, acc.merchant, acc.fees, a, f)) == \
        P.escrow_release_lines(acc.escrow, acc.merchant, acc.fees, amount, fee)
    assert minor(P.escrow_refund(acc.escrow, acc.customer, acc.clearing, a, funding=funding)) == \
        P.escrow_refund_lines(acc.escrow, payer, amount)
    assert minor(P.payout(acc.merchant, acc.clearing, a)) == P.payout_lines(acc.merchant, acc.clearing, amount)
    assert minor(P.top_up(acc.customer, acc.clearing, a)) == P.top_up_lines(acc.customer, acc.clearing, amount)
    # and every line set balances
    assert sum(u for _, u in P.capture_lines(payer, acc.merchant, acc.fees, amount, fee)) == 0
