"""Tests for the gateway's fast paths: integer amounts (pay_minor), the lazy event log and bank
statement, integer fees in every currency — each must give exactly what the plain path gives."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from paylab import methods
from paylab.clock import FixedClock, SteppingClock
from paylab.errors import IdempotencyConflict, InvalidInput, NotFound
from paylab.flow import Gateway, MerchantInbox
from paylab.flow.gateway import fee_minor
from paylab.ledger import Ledger
from paylab.money import Money, currency


def _world(clock=None):
    clock = clock if clock is not None else FixedClock()
    gw = Gateway(Ledger(), clock)
    gw.add_merchant("shop", webhook_secret="whsec_shop", endpoint=MerchantInbox("whsec_shop", clock))
    gw.add_customer("alice")
    card = gw.add_funding_source("alice", "card", credit_limit=Money("5000.00", "CNY"))
    wallet = gw.add_funding_source("alice", "wallet", balance=Money("300.00", "CNY"))
    return gw, card, wallet


def _story(gw, card, wallet, minor: bool):
    pay = (lambda m, units, src, **kw: gw.pay_minor(m, units, "CNY", src, **kw)) if minor else \
        (lambda m, units, src, **kw: gw.pay(m, Money.from_minor(units, "CNY"), src, **kw))
    a = pay("shop", 12_050, card)
    b = pay("shop", 9_999, wallet)
    c = pay("shop", 45_000, wallet)                  # more than the wallet holds: declined
    d = pay("shop", 300_000, card)                   # step-up: requires_action
    e = pay("shop", 30_000, card, escrow=True)
    gw.refund(a.id, Money("20.00", "CNY"))
    gw.confirm_receipt(e.id)
    return [a, b, c, d, e]


def test_pay_minor_is_pay():
    runs = []
    for minor in (False, True):
        gw, card, wallet = _world(SteppingClock(step=1.5))
        pis = _story(gw, card, wallet, minor)
        runs.append(([(p.id, p.status, p.amount_minor, p.currency, p.fee_minor, p.history,
                       p.last_payment_error) for p in pis],
                     gw.ledger.balances_minor(), gw.ledger.entries(), [e.as_dict() for e in gw.events],
                     gw.statement()))
    (pa, ba, ea, va, sa), (pb, bb, eb, vb, sb) = runs
    assert pa == pb and ba == bb and va == vb
    assert ea.equals(eb) and sa.equals(sb)


def test_pay_minor_checks_its_input():
    gw, card, _ = _world()
    for bad, field in ((12.5, "amount"), (True, "amount"), ("100", "amount"), (0, "amount"), (-5, "amount")):
        with pytest.raises(InvalidInput) as e:
            gw.pay_minor("shop", bad, "CNY", card)
        assert e.value.field in (field, "amount_minor")  # the amount, by either name
    with pytest.raises(InvalidInput) as e:
        gw.pay_minor("shop", 100, "XXX", card)
    assert e.value.field == "currency"
    with pytest.raises(InvalidInput) as e:
        gw.pay_minor("shop", 100, "USD", card)   # the card pays in CNY
    assert e.value.field == "amount"
    with pytest.raises(NotFound):
        gw.pay_minor("nobody", 100, "CNY", card)
    with pytest.raises(NotFound):
        gw.pay_minor("shop", 100, "CNY", "pm_missing")
    assert gw.intents == {} and gw.ledger.entry_count() == 1  # only the wallet's top-up


def test_pay_minor_and_pay_share_idempotency_keys():
    gw, card, _ = _world()
    first = gw.pay("shop", Money("10.00", "CNY"), card, idempotency_key="order-1")
    again = gw.pay_minor("shop", 1000, currency("CNY"), card, idempotency_key="order-1")
    assert again is first and len(gw.bank.debits) == 1
    with pytest.raises(IdempotencyConflict):
        gw.pay_minor("shop", 1001, "CNY", card, idempotency_key="order-1")


def test_lazy_events_match_the_trace_and_grow():
    gw, card, wallet = _world(SteppingClock(step=2.0))
    a = gw.pay("shop", Money("10.00", "CNY"), card)
    first = gw.events
    assert [e.seq for e in first] == list(range(1, len(first) + 1))
    assert all(e.id == f"evt_{e.seq:07d}" for e in first)
    assert [e for e in first if e.intent_id == a.id] == gw.trace(a.id)
    n = len(first)
    b = gw.pay("shop", Money("5.00", "CNY"), wallet)
    gw.refund(a.id)
    assert gw.events is first and len(first) > n            # the same list, extended
    assert gw.trace(a.id)[:len(gw.trace(a.id))] == [e for e in first if e.intent_id == a.id]
    assert gw.trace(a.id)[-1].type == "charge.refunded"
    assert gw.trace(a.id)[0] is first[0]                     # built once, shared
    assert [e.created for e in first] == sorted(e.created for e in first)
    assert {e.step for e in gw.trace(b.id)} == {1, 2, 3, 4, 5}
    assert [e.type for e in gw.list_events(type="charge.refunded")] == ["charge.refunded"]


def test_events_off_records_nothing_but_still_pays():
    gw = Gateway(Ledger(), FixedClock(), record_events=False)
    gw.add_merchant("shop")
    gw.add_customer("bob")
    card = gw.add_funding_source("bob", "card", credit_limit=Money("100.00", "CNY"))
    pi = gw.pay_minor("shop", 2_000, "CNY", card)
    assert pi.status == "succeeded" and gw.events == [] and gw.trace(pi.id) == []
    gw.ledger.check_invariants()


def test_bank_statement_rows():
    gw, card, _ = _world(FixedClock(100.0))
    pi = gw.pay("shop", Money("10.00", "CNY"), card)
    r = gw.refund(pi.id, Money("4.00", "CNY"))
    rows = gw.bank.statement
    assert rows == [
        {"ref": pi.id, "type": "debit", "source": card, "amount_minor": 1000, "currency": "CNY", "time": 100.0},
        {"ref": r.id, "type": "refund", "source": card, "intent": pi.id, "amount_minor": 400, "currency": "CNY",
         "time": 100.0}]
    assert gw.bank.statement is rows
    assert gw.statement()["amount"].tolist() == [1000, 400]


@given(st.integers(0, 10**15), st.sampled_from(sorted(methods.CATALOGUE)), st.sampled_from(["CNY", "JPY", "KWD"]))
def test_integer_fee_equals_catalogue_fee_in_every_exponent(units, method_id, code):
    expected = methods.fee(method_id, Money.from_minor(units, code)).minor_units
    assert fee_minor(method_id, units, currency(code)) == expected
