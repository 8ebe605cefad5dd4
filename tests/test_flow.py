"""Tests of paylab.flow: the intent state machine, the gateway's six steps, idempotency,
webhooks, escrow and faults."""

from __future__ import annotations

import base64
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from paylab import methods, postings
from paylab.clock import FixedClock
from paylab.errors import (
    IdempotencyConflict,
    InvalidInput,
    InvalidTransition,
    NotFound,
    SignatureError,
    SimulatedFault,
    TamperedError,
)
from paylab.flow import (
    CANCELED,
    PROCESSING,
    REQUIRES_ACTION,
    REQUIRES_CAPTURE,
    REQUIRES_CONFIRMATION,
    REQUIRES_PAYMENT_METHOD,
    STATES,
    STEPS,
    SUCCEEDED,
    TRANSITIONS,
    Faults,
    Gateway,
    IdempotencyStore,
    MerchantInbox,
    PaymentIntent,
    allowed,
    decrypt_notice,
    encrypt_notice,
    escrow_timeline,
    open_payment_data,
    seal_payment_data,
    sign_webhook,
    transition,
    verify_webhook,
)
from paylab.flow.books import lines
from paylab.flow.gateway import fee_minor
from paylab.ledger import Ledger
from paylab.money import Money, currency
from paylab.settlement import day_of, reconcile, settlement_batch

CNY = "CNY"


def cny(x: str) -> Money:
    return Money(x, CNY)


@pytest.fixture
def world():
    clock = FixedClock()
    ledger = Ledger()
    gw = Gateway(ledger, clock)
    inbox = MerchantInbox("whsec_shop", clock)
    gw.add_merchant("shop", webhook_secret="whsec_shop", endpoint=inbox)
    gw.add_customer("alice")
    src = {
        "wallet": gw.add_funding_source("alice", "wallet", balance=cny("500.00")),
        "card": gw.add_funding_source("alice", "card", credit_limit=cny("5000.00")),
        "bank": gw.add_funding_source("alice", "bank_account", balance=cny("800.00")),
        "prepaid": gw.add_funding_source("alice", "prepaid", balance=cny("1500.00")),
        "declining": gw.add_funding_source("alice", "card", credit_limit=cny("5000.00"), declines=True),
    }
    return gw, ledger, clock, inbox, src


def paid_to_customers(gw: Gateway) -> int:
    """What left customers' funding sources (debits less refunds), per the bank."""
    return sum(gw.bank.debits.values()) - sum(gw.bank.refunds.values())


def platform_owes(ledger: Ledger) -> int:
    """What the books say the payments became: merchant receivables + fees + escrow (credits)."""
    bal = ledger.balances_minor()
    return -sum(v for k, v in bal.items() if k.startswith(("merchant:", "revenue:", "escrow:")))


# --- the state machine ------------------------------------------------------------------------

@pytest.mark.parametrize("src", STATES)
@pytest.mark.parametrize("dst", STATES)
def test_every_transition_legal_or_refused(src, dst):
    pi = PaymentIntent("pi_x", "shop", 100, currency(CNY), None, status=src)
    if dst in TRANSITIONS[src]:
        transition(pi, dst, 5.0)
        assert pi.status == dst and pi.history[-1] == (5.0, dst)
        assert allowed(src, dst)
    else:
        with pytest.raises(InvalidTransition) as exc:
            transition(pi, dst)
        assert exc.value.field == "status" and pi.status == src
        assert not allowed(src, dst)


def test_terminal_states_and_unknown_state():
    assert TRANSITIONS[SUCCEEDED] == frozenset() and TRANSITIONS[CANCELED] == frozenset()
    pi = PaymentIntent("pi_x", "shop", 100, currency(CNY), None)
    with pytest.raises(InvalidTransition, match="unknown state"):
        transition(pi, "paid")


# --- the six steps ------------------------------------------------------------------------------

def test_automatic_payment_runs_the_six_steps(world):
    gw, ledger, clock, inbox, src = world
    pi = gw.create_intent("shop", cny("120.00"), src["card"])
    assert pi.status == REQUIRES_CONFIRMATION and pi.trade_status == "WAIT_BUYER_PAY"
    gw.confirm(pi.id)
    assert pi.status == SUCCEEDED and pi.received == cny("120.00")
    assert pi.fee_minor == methods.fee("card_domestic", cny("120.00")).minor_units
    steps = [e.step for e in gw.trace(pi.id)]
    assert steps == sorted(steps) and set(steps) == {1, 2, 3, 4, 5}
    assert [e.seq for e in gw.trace(pi.id)] == sorted(e.seq for e in gw.trace(pi.id))
    first = gw.trace(pi.id)[0]
    assert (first.step_zh, first.step_en) == STEPS[1] == ("交易发起", "initiation")
    assert inbox.fulfilled == {pi.id: 1}
    assert ledger.balance("merchant:shop:receivable:CNY") == -(cny("120.00") - cny("0.72"))
    ledger.check_invariants()
    table = gw.trace_table(pi.id)
    assert list(table["step"]) == steps


def test_step6_query_refund_recorded(world):
    gw, *_ , src = world
    pi = gw.pay("shop", cny("50.00"), src["wallet"])
    gw.retrieve(pi.id)
    gw.refund(pi.id, cny("10.00"))
    tail = gw.trace(pi.id)[-5:]
    assert all(e.step == 6 for e in tail)
    assert {e.type for e in tail} >= {"payment_intent.retrieved", "refund.requested", "charge.refunded"}


@pytest.mark.parametrize("source,amount,code", [
    ("wallet", "600.00", "insufficient_funds"),
    ("prepaid", "1200.00", "limit_exceeded"),
    ("declining", "10.00", "card_declined"),
    ("card", "5000.01", "insufficient_funds"),
])
def test_step3_declines_go_back_to_requires_payment_method(world, source, amount, code):
    gw, ledger, _, inbox, src = world
    gw.step_up = lambda intent: False
    pi = gw.create_intent("shop", cny(amount), src[source])
    gw.confirm(pi.id)
    assert pi.status == REQUIRES_PAYMENT_METHOD
    assert pi.last_payment_error["code"] == code
    assert pi.amount_received == 0 and paid_to_customers(gw) == 0
    assert inbox.processed[-1]["type"] == "payment_intent.payment_failed"
    # the buyer tries another method
    gw.confirm(pi.id, method=src["card"]) if cny(amount) <= cny("2000") else None


def test_retry_with_other_method_after_decline(world):
    gw, _, _, _, src = world
    pi = gw.create_intent("shop", cny("600.00"), src["wallet"])
    gw.confirm(pi.id)
    assert pi.last_payment_error["code"] == "insufficient_funds"
    gw.confirm(pi.id, method=src["card"])
    assert pi.status == SUCCEEDED and pi.last_payment_error is None and pi.method == src["card"]


def test_daily_limit(world):
    gw, _, _, _, src = world
    pid = gw.add_funding_source("alice", "prepaid", balance=cny("9000.00"))
    for _ in range(5):
        assert gw.pay("shop", cny("1000.00"), pid).status == SUCCEEDED
    pi = gw.pay("shop", cny("1.00"), pid)
    assert pi.last_payment_error["code"] == "limit_exceeded"
    gw.clock.advance(days=1)
    assert gw.pay("shop", cny("1.00"), pid).status == SUCCEEDED


def test_step_up_authentication(world):
    gw, _, _, _, src = world
    pi = gw.create_intent("shop", cny("2500.00"), src["card"])
    gw.confirm(pi.id)
    assert pi.status == REQUIRES_ACTION and pi.next_action == "authenticate"
    gw.authenticate(pi.id)
    assert pi.status == SUCCEEDED
    pi2 = gw.create_intent("shop", cny("2500.00"), src["card"])
    gw.confirm(pi2.id)
    gw.authenticate(pi2.id, passed=False)
    assert pi2.status == REQUIRES_PAYMENT_METHOD
    assert pi2.last_payment_error["code"] == "authentication_failed"
    with pytest.raises(InvalidTransition):
        gw.authenticate(pi.id)


def test_custom_step_up_policy():
    gw = Gateway(None, FixedClock(), step_up=lambda intent: True)
    gw.add_merchant("m")
    gw.add_customer("c")
    s = gw.add_funding_source("c", "card", credit_limit=cny("100.00"))
    pi = gw.pay("m", cny("1.00"), s)
    assert pi.status == REQUIRES_ACTION


def test_auth_step_up_policy_object():
    from paylab.auth import StepUpPolicy

    gw = Gateway(None, FixedClock(), step_up=StepUpPolicy("risky devices", risk_threshold=30))
    gw.add_merchant("m")
    gw.add_customer("c")
    s = gw.add_funding_source("c", "card", credit_limit=cny("100.00"))
    assert gw.pay("m", cny("1.00"), s).status == SUCCEEDED             # known device at home
    pi = gw.create_intent("m", cny("1.00"), s, metadata={"known_device": False})
    gw.confirm(pi.id)
    assert pi.status == REQUIRES_ACTION                                   # unknown device: score 30
    with pytest.raises(InvalidInput) as exc:
        Gateway(None, FixedClock(), step_up=42)
    assert exc.value.field == "step_up"


def test_manual_capture_partial_releases_rest(world):
    gw, ledger, _, _, src = world
    pi = gw.create_intent("shop", cny("300.00"), src["card"], capture="manual")
    gw.confirm(pi.id)
    assert pi.status == REQUIRES_CAPTURE and pi.amount_capturable == 30000
    assert gw.source(src["card"]).available == 500000 - 30000
    gw.capture(pi.id, cny("200.00"))
    assert pi.status == SUCCEEDED and pi.amount_received == 20000
    assert gw.source(src["card"]).available == 500000 - 20000
    with pytest.raises(InvalidTransition):
        gw.capture(pi.id)
    assert platform_owes(ledger) == paid_to_customers(gw) == 20000


def test_capture_bad_amounts(world):
    gw, _, _, _, src = world
    pi = gw.create_intent("shop", cny("300.00"), src["card"], capture="manual")
    gw.confirm(pi.id)
    with pytest.raises(InvalidInput) as exc:
        gw.capture(pi.id, cny("300.01"))
    assert exc.value.field == "amount"
    with pytest.raises(InvalidInput):
        gw.capture(pi.id, Money("1.00", "USD"))
    with pytest.raises(InvalidInput):
        gw.capture(pi.id, 100)  # type: ignore[arg-type]


@pytest.mark.parametrize("stage", ["requires_payment_method", "requires_confirmation", "requires_action",
                                   "requires_capture"])
def test_cancel_from_each_cancellable_state(world, stage):
    gw, _, _, _, src = world
    if stage == "requires_payment_method":
        pi = gw.create_intent("shop", cny("10.00"))
    elif stage == "requires_confirmation":
        pi = gw.create_intent("shop", cny("10.00"), src["card"])
    elif stage == "requires_action":
        pi = gw.create_intent("shop", cny("2100.00"), src["card"])
        gw.confirm(pi.id)
    else:
        pi = gw.create_intent("shop", cny("10.00"), src["card"], capture="manual")
        gw.confirm(pi.id)
    assert pi.status == stage
    gw.cancel(pi.id, reason="abandoned")
    assert pi.status == CANCELED and pi.trade_status == "TRADE_CLOSED"
    assert gw.source(src["card"]).available == 500000
    with pytest.raises(InvalidTransition):
        gw.cancel(pi.id)


def test_cannot_cancel_succeeded(world):
    gw, _, _, _, src = world
    pi = gw.pay("shop", cny("10.00"), src["card"])
    with pytest.raises(InvalidTransition):
        gw.cancel(pi.id)


def test_confirm_needs_method_and_legal_state(world):
    gw, _, _, _, src = world
    pi = gw.create_intent("shop", cny("10.00"))
    with pytest.raises(InvalidInput) as exc:
        gw.confirm(pi.id)
    assert exc.value.field == "method"
    gw.confirm(pi.id, method=src["card"])
    with pytest.raises(InvalidTransition):
        gw.confirm(pi.id)


def test_refunds_partial_full_never_exceed(world):
    gw, ledger, _, inbox, src = world
    pi = gw.pay("shop", cny("100.00"), src["bank"])
    gw.refund(pi.id, cny("30.00"), reason="damaged")
    assert pi.refunded == cny("30.00") and pi.trade_status == "TRADE_SUCCESS"
    with pytest.raises(InvalidInput) as exc:
        gw.refund(pi.id, cny("70.01"))
    assert exc.value.field == "amount"
    r = gw.refund(pi.id)
    assert r.amount == cny("70.00") and pi.trade_status == "TRADE_CLOSED"
    with pytest.raises(InvalidInput):
        gw.refund(pi.id, cny("0.01"))
    assert gw.source(src["bank"]).balance == 80000
    assert platform_owes(ledger) == paid_to_customers(gw) == 0
    # the fee is not returned: the merchant bears it
    assert ledger.balance("merchant:shop:receivable:CNY").minor_units == pi.fee_minor
    ledger.check_invariants()
    assert inbox.processed[-1]["type"] == "charge.refunded"


def test_refund_needs_succeeded(world):
    gw, _, _, _, src = world
    pi = gw.create_intent("shop", cny("10.00"), src["card"])
    with pytest.raises(InvalidTransition):
        gw.refund(pi.id)


def test_bad_inputs_are_typed(world):
    gw, _, _, _, src = world
    with pytest.raises(NotFound) as exc:
        gw.create_intent("nobody", cny("1.00"), src["card"])
    assert exc.value.field == "merchant"
    with pytest.raises(InvalidInput) as exc:
        gw.create_intent("shop", cny("0.00"), src["card"])
    assert exc.value.field == "amount"
    with pytest.raises(InvalidInput):
        gw.create_intent("shop", 10, src["card"])  # type: ignore[arg-type]
    with pytest.raises(InvalidInput) as exc:
        gw.create_intent("shop", Money("1.00", "USD"), src["card"])
    assert exc.value.field == "amount"
    with pytest.raises(InvalidInput) as exc:
        gw.create_intent("shop", cny("1.00"), src["card"], capture="later")
    assert exc.value.field == "capture"
    with pytest.raises(NotFound) as exc:
        gw.create_intent("shop", cny("1.00"), "pm_nope")
    assert exc.value.field == "method"
    with pytest.raises(NotFound):
        gw.retrieve("pi_nope")
    with pytest.raises(InvalidInput) as exc:
        gw.add_funding_source("alice", "cheque", balance=cny("1.00"))
    assert exc.value.field == "kind"
    with pytest.raises(InvalidInput) as exc:
        gw.add_funding_source("alice", "card", balance=cny("1.00"))
    assert exc.value.field == "credit_limit"
    with pytest.raises(NotFound):
        gw.add_funding_source("bob", "wallet", balance=cny("1.00"))
    with pytest.raises(InvalidInput):
        gw.add_merchant("shop")
    with pytest.raises(InvalidInput):
        Gateway(None, FixedClock(), escrow_days=-1)
    for kwargs, field in [({"clock": "now"}, "clock"), ({"faults": 0.5}, "faults"), ({"ledger": {}}, "ledger")]:
        with pytest.raises(InvalidInput) as exc:
            Gateway(**kwargs)
        assert exc.value.field == field
    with pytest.raises(InvalidInput) as exc:
        gw.pay("shop", 12, src["card"], idempotency_key="k")  # type: ignore[arg-type]
    assert exc.value.field == "amount"


def test_failing_endpoint_keeps_notice_for_redelivery():
    calls = []

    def flaky(payload, header):
        calls.append(payload)
        if len(calls) == 1:
            raise RuntimeError("merchant server error")

    gw = Gateway(None, FixedClock())
    gw.add_merchant("shop", endpoint=flaky)
    gw.add_customer("a")
    card = gw.add_funding_source("a", "card", credit_limit=cny("100.00"))
    gw.pay("shop", cny("1.00"), card)
    assert len(gw.outbox) == 1
    assert gw.redeliver() == 1 and not gw.outbox and len(calls) == 2


def test_funding_sources_map_to_catalogue(world):
    gw, _, _, _, src = world
    assert gw.source(src["bank"]).method_id == "online_banking"
    assert gw.source(src["card"]).method_id == "card_domestic"
    assert gw.source(src["wallet"]).method_id == "platform_balance"
    assert gw.source(src["prepaid"]).method_id == "prepaid_card"
    qr = gw.add_funding_source("alice", "wallet", balance=cny("5.00"), method="qr_code")
    assert gw.source(qr).method_id == "qr_code"


# --- step 2 -------------------------------------------------------------------------------------

def test_step2_seal_and_open():
    key = bytes(32)
    nonce, sealed = seal_payment_data(key, 7, {"amount": 100})
    assert open_payment_data(key, nonce, sealed) == {"amount": 100}
    assert b"amount" not in sealed
    bad = sealed[:-1] + bytes([sealed[-1] ^ 1])
    with pytest.raises(TamperedError):
        open_payment_data(key, nonce, bad)
    with pytest.raises(TamperedError):
        open_payment_data(bytes(range(32)), nonce, sealed)
    with pytest.raises(InvalidInput):
        seal_payment_data(key, -1, {})
    assert seal_payment_data(key, 8, {"amount": 100})[0] != nonce  # the counter moves the nonce


def test_step2_gateways_use_their_own_keys():
    a, b = Gateway(None, FixedClock()), Gateway(None, FixedClock())
    assert a._key != b._key and len(a._key) == 32


# --- fees and the books ---------------------------------------------------------------------------

@given(st.integers(1, 10**9), st.sampled_from(sorted(methods.CATALOGUE)))
def test_integer_fee_equals_catalogue_fee(units, method_id):
    expected = methods.fee(method_id, Money.from_minor(units, CNY)).minor_units
    assert fee_minor(method_id, units, currency(CNY)) == expected


@given(st.integers(1, 10**9), st.integers(0, 10**9), st.sampled_from(postings.FUNDING))
def test_fast_lines_equal_posting_rules(amount, fee, funding):
    fee = min(fee, amount)
    acc = postings.accounts_for("shop", "alice", CNY)
    a, f = Money.from_minor(amount, CNY), Money.from_minor(fee, CNY)

    def as_lines(entry):
        return [(p.account, p.amount.minor_units) for p in entry.postings]

    assert lines("capture", acc, funding, amount, fee) == as_lines(
        postings.capture(acc.customer, acc.clearing, acc.merchant, acc.fees, a, f, funding=funding))
    assert lines("refund", acc, funding, amount) == as_lines(
        postings.refund(acc.customer, acc.clearing, acc.merchant, a, funding=funding))
    assert lines("escrow_hold", acc, funding, amount) == as_lines(
        postings.escrow_hold(acc.customer, acc.clearing, acc.escrow, a, funding=funding))
    assert lines("escrow_release", acc, funding, amount, fee) == as_lines(
        postings.escrow_release(acc.escrow, acc.merchant, acc.fees, a, f))
    assert lines("escrow_refund", acc, funding, amount) == as_lines(
        postings.escrow_refund(acc.escrow, acc.customer, acc.clearing, a, funding=funding))


def test_fast_and_rule_books_agree():
    results = []
    for fast in (True, False):
        clock = FixedClock()
        ledger = Ledger()
        gw = Gateway(ledger, clock, fast_books=fast)
        gw.add_merchant("shop")
        gw.add_customer("alice")
        w = gw.add_funding_source("alice", "wallet", balance=cny("900.00"))
        c = gw.add_funding_source("alice", "card", credit_limit=cny("900.00"))
        p1 = gw.pay("shop", cny("100.00"), w)
        gw.refund(p1.id, cny("40.00"))
        p2 = gw.pay("shop", cny("200.00"), c, escrow=True)
        gw.dispute(p2.id, cny("50.00"))
        gw.confirm_receipt(p2.id)
        ledger.check_invariants()
        results.append(ledger.balances_minor())
    assert results[0] == results[1]
    with pytest.raises(InvalidInput):
        lines("chargeback", postings.accounts_for("m", "c", CNY), "stored", 1)


# --- idempotency --------------------------------------------------------------------------------

def test_idempotent_create_and_conflict(world):
    gw, *_, src = world
    a = gw.create_intent("shop", cny("10.00"), src["card"], idempotency_key="k1")
    b = gw.create_intent("shop", cny("10.00"), src["card"], idempotency_key="k1")
    assert a is b and len(gw.intents) == 1
    with pytest.raises(IdempotencyConflict) as exc:
        gw.create_intent("shop", cny("11.00"), src["card"], idempotency_key="k1")
    assert exc.value.field == "idempotency_key"
    with pytest.raises(IdempotencyConflict):
        gw.refund(a.id, idempotency_key="k1")


def test_retried_pay_never_charges_twice(world):
    gw, ledger, _, _, src = world
    first = gw.pay("shop", cny("42.00"), src["card"], idempotency_key="order-7")
    again = gw.pay("shop", cny("42.00"), src["card"], idempotency_key="order-7")
    assert first is again and len(gw.bank.debits) == 1
    no_key = [gw.pay("shop", cny("42.00"), src["card"]) for _ in range(2)]
    assert no_key[0] is not no_key[1] and len(gw.bank.debits) == 3  # without a key: charged twice


def test_idempotent_refund_and_capture(world):
    gw, _, _, _, src = world
    pi = gw.pay("shop", cny("42.00"), src["card"])
    r1 = gw.refund(pi.id, cny("2.00"), idempotency_key="r1")
    r2 = gw.refund(pi.id, cny("2.00"), idempotency_key="r1")
    assert r1 is r2 and pi.refunded == cny("2.00")
    pm = gw.create_intent("shop", cny("42.00"), src["card"], capture="manual")
    gw.confirm(pm.id, idempotency_key="c0")
    assert gw.confirm(pm.id, idempotency_key="c0") is pm
    gw.capture(pm.id, cny("40.00"), idempotency_key="c1")
    assert gw.capture(pm.id, cny("40.00"), idempotency_key="c1") is pm
    assert pm.amount_received == 4000


def test_idempotency_keys_expire_after_24h():
    clock = FixedClock()
    store = IdempotencyStore(clock)
    calls = []
    assert store.run("k", "op", (1,), lambda: calls.append(1) or "first") == "first"
    clock.advance(hours=23, minutes=59)
    assert store.run("k", "op", (1,), lambda: calls.append(1) or "second") == "first"
    with pytest.raises(IdempotencyConflict):
        store.run("k", "op", (2,), lambda: "x")
    clock.advance(minutes=1)
    assert "k" not in store and len(store) == 0
    assert store.run("k", "op", (2,), lambda: "third") == "third"
    assert calls == [1]


def test_idempotency_key_rules():
    store = IdempotencyStore(FixedClock())
    with pytest.raises(InvalidInput) as exc:
        store.run("x" * 256, "op", (), lambda: 1)
    assert exc.value.field == "idempotency_key"
    assert store.run("x" * 255, "op", (), lambda: 1) == 1
    with pytest.raises(InvalidInput):
        store.run("", "op", (), lambda: 1)
    with pytest.raises(InvalidInput):
        store.run(7, "op", (), lambda: 1)  # type: ignore[arg-type]
    with pytest.raises(InvalidInput) as exc:
        IdempotencyStore(FixedClock(), ttl=3600)
    assert exc.value.field == "ttl"


def test_failed_request_releases_key():
    store = IdempotencyStore(FixedClock())

    def boom():
        raise InvalidInput("amount", "positive")

    with pytest.raises(InvalidInput):
        store.run("k", "op", (), boom)
    assert store.run("k", "op", (), lambda: "ok") == "ok"


# --- faults -------------------------------------------------------------------------------------

@pytest.mark.parametrize("step", [2, 3, 4, 5])
def test_crash_between_steps_then_retry_resumes_once(step):
    clock = FixedClock()
    ledger = Ledger()
    gw = Gateway(ledger, clock, faults=Faults(crash_after_step=step))
    gw.add_merchant("shop")
    gw.add_customer("alice")
    card = gw.add_funding_source("alice", "card", credit_limit=cny("900.00"))
    if step == 5:  # no crash point after 5 inside confirm; nothing happens
        pi = gw.pay("shop", cny("10.00"), card, idempotency_key="o1")
        assert pi.status == SUCCEEDED
        return
    with pytest.raises(SimulatedFault) as exc:
        gw.pay("shop", cny("10.00"), card, idempotency_key="o1")
    assert exc.value.code == "crash"
    pi = gw.pay("shop", cny("10.00"), card, idempotency_key="o1")  # the client retries
    assert pi.status == SUCCEEDED and len(gw.intents) == 1
    assert gw.bank.debits == {pi.id: 1000}
    assert platform_owes(ledger) == paid_to_customers(gw) == 1000
    assert len(ledger.entries(ref=pi.id)) == 3  # one capture entry: three lines, posted once
    ledger.check_invariants()


def test_bank_timeout_resolved_by_query():
    clock = FixedClock()
    ledger = Ledger()
    gw = Gateway(ledger, clock, faults=Faults(bank_timeout=1.0, seed=3))
    gw.add_merchant("shop")
    gw.add_customer("alice")
    card = gw.add_funding_source("alice", "card", credit_limit=cny("900.00"))
    outcomes = set()
    for _ in range(8):
        pi = gw.create_intent("shop", cny("10.00"), card)
        with pytest.raises(SimulatedFault) as exc:
            gw.confirm(pi.id)
        assert exc.value.code == "bank_timeout" and pi.status == PROCESSING
        debited = pi.id in gw.bank.debits
        gw.sync(pi.id)
        outcomes.add(debited)
        assert pi.status == (SUCCEEDED if debited else REQUIRES_PAYMENT_METHOD)
    assert outcomes == {True, False}
    assert platform_owes(ledger) == paid_to_customers(gw)


def test_dropped_and_duplicated_notifications():
    clock = FixedClock()
    gw = Gateway(None, clock, faults=Faults(drop_notification=0.5, duplicate_notification=0.5, seed=1))
    inbox = MerchantInbox("s", clock)
    gw.add_merchant("shop", webhook_secret="s", endpoint=inbox)
    gw.add_customer("alice")
    card = gw.add_funding_source("alice", "card", credit_limit=cny("9000.00"))
    pis = [gw.pay("shop", cny("1.00"), card) for _ in range(40)]
    assert gw.outbox and inbox.duplicates > 0
    while gw.outbox:
        gw.redeliver()
    assert inbox.fulfilled == {p.id: 1 for p in pis}  # every order shipped exactly once


def test_non_idempotent_inbox_ships_twice():
    clock = FixedClock()
    gw = Gateway(None, clock, faults=Faults(duplicate_notification=1.0))
    inbox = MerchantInbox("s", clock, idempotent=False)
    gw.add_merchant("shop", webhook_secret="s", endpoint=inbox)
    gw.add_customer("alice")
    card = gw.add_funding_source("alice", "card", credit_limit=cny("90.00"))
    pi = gw.pay("shop", cny("1.00"), card)
    assert inbox.shipped_twice() == [pi.id]


def test_faults_validation():
    with pytest.raises(InvalidInput) as exc:
        Faults(drop_notification=1.5)
    assert exc.value.field == "drop_notification"
    with pytest.raises(InvalidInput):
        Faults(crash_after_step=7)
    assert not Faults().active and Faults(bank_timeout=0.1).active


# --- webhooks -----------------------------------------------------------------------------------

def test_sign_format_and_verify():
    payload = b'{"id":"evt_1"}'
    header = sign_webhook(payload, "whsec_a", 1767225600)
    ts, _, sig = header.partition(",")
    assert ts == "t=1767225600" and sig.startswith("v1=") and len(sig) == 3 + 64
    assert verify_webhook(payload, header, "whsec_a", now=1767225600 + 299) == 1767225600


def test_signature_known_value():
    import hashlib
    import hmac

    expected = hmac.new(b"secret", b"100.hello", hashlib.sha256).hexdigest()
    assert sign_webhook(b"hello", "secret", 100) == f"t=100,v1={expected}"


def test_verify_rejects_bad_signature_tamper_and_replay():
    payload = b'{"id":"evt_1","amount":100}'
    header = sign_webhook(payload, "whsec_a", 1000)
    with pytest.raises(SignatureError):
        verify_webhook(payload, header, "whsec_b", now=1000)
    with pytest.raises(SignatureError):
        verify_webhook(payload.replace(b"100", b"900"), header, "whsec_a", now=1000)
    with pytest.raises(SignatureError) as exc:
        verify_webhook(payload, header, "whsec_a", now=1000 + 301)
    assert exc.value.field == "timestamp"
    forged = header.replace("t=1000", "t=5000")  # moving the timestamp breaks the MAC
    with pytest.raises(SignatureError):
        verify_webhook(payload, forged, "whsec_a", now=5000)
    for bad in ("", "v1=abc", "t=1000", "t=x,v1=ab", "garbage"):
        with pytest.raises(SignatureError):
            verify_webhook(payload, bad, "whsec_a", now=1000)
    with pytest.raises(InvalidInput):
        verify_webhook("text", header, "whsec_a", now=1000)  # type: ignore[arg-type]
    with pytest.raises(InvalidInput):
        sign_webhook(payload, "", 1)
    with pytest.raises(InvalidInput):
        sign_webhook(payload, "s", -1)


def test_secret_rotation():
    payload = b"{}"
    both = sign_webhook(payload, ["whsec_new", "whsec_old"], 10)
    assert both.count("v1=") == 2
    verify_webhook(payload, both, "whsec_old", now=10)
    verify_webhook(payload, both, "whsec_new", now=10)
    old_only = sign_webhook(payload, "whsec_old", 10)
    verify_webhook(payload, old_only, ["whsec_new", "whsec_old"], now=10)
    with pytest.raises(SignatureError):
        verify_webhook(payload, old_only, "whsec_new", now=10)


def test_inbox_processes_each_event_once_and_rejects_replay():
    clock = FixedClock(1000)
    inbox = MerchantInbox("s", clock)
    body = json.dumps({"id": "evt_9", "type": "payment_intent.succeeded",
                       "data": {"object": {"id": "pi_9"}}}).encode()
    header = sign_webhook(body, "s", 1000)
    assert inbox.receive(body, header) is True
    assert inbox.receive(body, header) is False
    assert inbox.duplicates == 1 and inbox.fulfilled == {"pi_9": 1}
    clock.advance(3600)
    with pytest.raises(SignatureError):
        inbox.receive(body, header)  # an old capture replayed an hour later
    assert inbox.rejected == 1


# --- WeChat Pay v3 style notice -------------------------------------------------------------------

KEY = "0123456789abcdef0123456789abcdef"


def test_notice_roundtrip_and_format():
    resource = {"out_trade_no": "order-1", "trade_state": "SUCCESS", "amount": {"total": 100}}
    notice = encrypt_notice(resource, KEY, nonce="fdasflkja484")
    res = notice["resource"]
    assert res["algorithm"] == "AEAD_AES_256_GCM" and notice["event_type"] == "TRANSACTION.SUCCESS"
    assert len(base64.b64decode(res["ciphertext"])) == len(json.dumps(resource, separators=(",", ":"))) + 16
    assert decrypt_notice(notice, KEY) == resource


def test_notice_matches_independent_aesgcm():
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    ct = AESGCM(KEY.encode()).encrypt(b"nonce1234567", b'{"a":1}', b"transaction")
    notice = {"resource": {"algorithm": "AEAD_AES_256_GCM", "ciphertext": base64.b64encode(ct).decode(),
                           "nonce": "nonce1234567", "associated_data": "transaction"}}
    assert decrypt_notice(notice, KEY) == {"a": 1}


@pytest.mark.parametrize("change", ["key", "aad", "nonce", "ciphertext"])
def test_notice_tamper_detected(change):
    notice = encrypt_notice({"x": 1}, KEY, nonce="abcdefghijkl")
    key = KEY
    res = notice["resource"]
    if change == "key":
        key = KEY[::-1]
    elif change == "aad":
        res["associated_data"] = "refund"
    elif change == "nonce":
        res["nonce"] = "abcdefghijkm"
    else:
        raw = bytearray(base64.b64decode(res["ciphertext"]))
        raw[0] ^= 1
        res["ciphertext"] = base64.b64encode(bytes(raw)).decode()
    with pytest.raises(TamperedError):
        decrypt_notice(notice, key)


def test_gateway_wechat_notice():
    gw = Gateway(None, FixedClock())
    gw.add_merchant("shop", api_v3_key=KEY)
    gw.add_merchant("plain")
    gw.add_customer("a")
    card = gw.add_funding_source("a", "card", credit_limit=cny("100.00"))
    pi = gw.pay("shop", cny("12.00"), card)
    res = decrypt_notice(gw.wechat_notice(pi.id), KEY)
    assert res["trade_state"] == "SUCCESS" and res["amount"]["total"] == 1200 and res["out_trade_no"] == pi.id
    gw.refund(pi.id, cny("2.00"))
    assert decrypt_notice(gw.wechat_notice(pi.id), KEY)["trade_state"] == "REFUND"
    n1, n2 = gw.wechat_notice(pi.id), gw.wechat_notice(pi.id)
    assert n1["resource"]["nonce"] != n2["resource"]["nonce"]
    with pytest.raises(TamperedError):
        decrypt_notice(n1, KEY[::-1])
    failed = gw.pay("shop", cny("200.00"), card)
    assert decrypt_notice(gw.wechat_notice(failed.id), KEY)["trade_state"] == "PAYERROR"
    with pytest.raises(InvalidInput):
        gw.wechat_notice(gw.pay("plain", cny("1.00"), card).id)


def test_notice_bad_inputs():
    with pytest.raises(InvalidInput) as exc:
        decrypt_notice({"resource": {}}, KEY)
    assert exc.value.field == "notice"
    with pytest.raises(InvalidInput):
        encrypt_notice({}, "short", nonce="abcdefghijkl")
    with pytest.raises(InvalidInput):
        encrypt_notice({}, KEY, nonce="short")
    n = encrypt_notice({}, KEY, nonce="abcdefghijkl")
    n["resource"]["algorithm"] = "AES_128_CBC"
    with pytest.raises(InvalidInput):
        decrypt_notice(n, KEY)
    n["resource"]["algorithm"] = "AEAD_AES_256_GCM"
    n["resource"]["ciphertext"] = "***"
    with pytest.raises(InvalidInput):
        decrypt_notice(n, KEY)


# --- escrow -------------------------------------------------------------------------------------

def test_escrow_confirm_receipt(world):
    gw, ledger, clock, _, src = world
    pi = gw.pay("shop", cny("200.00"), src["card"], escrow=True)
    assert pi.trade_status == "TRADE_SUCCESS"
    assert ledger.balance("escrow:CNY") == -cny("200.00")
    assert ledger.balance("merchant:shop:receivable:CNY").is_zero()
    clock.advance(days=3)
    gw.confirm_receipt(pi.id)
    assert pi.trade_status == "TRADE_FINISHED" and ledger.balance("escrow:CNY").is_zero()
    assert -ledger.balance("merchant:shop:receivable:CNY") == cny("200.00") - methods.fee(
        "card_domestic", cny("200.00"))
    with pytest.raises(InvalidTransition):
        gw.refund(pi.id)
    with pytest.raises(InvalidTransition):
        gw.confirm_receipt(pi.id)
    rows = escrow_timeline(gw, pi.id)
    assert [r["trade_status"] for r in rows] == ["WAIT_BUYER_PAY", "TRADE_SUCCESS", "TRADE_FINISHED"]
    assert rows[-1]["day"] == 3 and rows[-1]["to_merchant"] == 20000


def test_escrow_auto_confirm_after_ten_days(world):
    gw, _, clock, _, src = world
    assert gw.escrow_days == 10
    pi = gw.pay("shop", cny("50.00"), src["card"], escrow=True)
    clock.advance(days=9, hours=23)
    assert gw.auto_confirm() == [] and pi.trade_status == "TRADE_SUCCESS"
    clock.advance(hours=1)
    assert gw.auto_confirm() == [pi.id] and pi.trade_status == "TRADE_FINISHED"


def test_escrow_dispute_refunds_buyer(world):
    gw, ledger, clock, _, src = world
    pi = gw.pay("shop", cny("80.00"), src["wallet"], escrow=True)
    gw.dispute(pi.id)
    assert pi.trade_status == "TRADE_CLOSED" and gw.source(src["wallet"]).balance == 50000
    clock.advance(days=11)
    assert gw.auto_confirm() == []
    assert ledger.balance("escrow:CNY").is_zero()
    assert ledger.balance("customer:alice:CNY") == -cny("2000.00")  # wallet 500 + prepaid 1500 held
    with pytest.raises(InvalidInput):
        gw.dispute(gw.pay("shop", cny("1.00"), src["card"]).id)
    rows = escrow_timeline(gw, pi.id)
    assert rows[-1]["trade_status"] == "TRADE_CLOSED" and rows[-1]["back_to_buyer"] == 8000


def test_escrow_partial_dispute_then_release(world):
    gw, ledger, _, _, src = world
    pi = gw.pay("shop", cny("100.00"), src["card"], escrow=True)
    gw.dispute(pi.id, cny("40.00"))
    assert pi.trade_status == "TRADE_SUCCESS"
    gw.confirm_receipt(pi.id)
    assert pi.fee_minor == methods.fee("card_domestic", cny("60.00")).minor_units
    assert platform_owes(ledger) == paid_to_customers(gw) == 6000


def test_records_and_statement_agree(world):
    gw, _, _, _, src = world
    pi = gw.pay("shop", cny("10.00"), src["card"])
    gw.refund(pi.id, cny("1.00"))
    rec, mov, stm = gw.records(), gw.movements(), gw.statement()
    assert list(rec["id"]) == [pi.id] and rec["refunded"].tolist() == [100]
    assert sorted(mov["ref"]) == sorted(stm["ref"])
    assert mov["amount"].sum() == stm["amount"].sum() == 1100
    report = reconcile(mov, stm)
    assert report.clean
    batch = settlement_batch(rec, day_of(pi.created) + 1)  # domestic cards settle T+1
    assert batch["payout"].tolist() == [1000 - pi.fee_minor - 100]
    assert gw.summary() == {SUCCEEDED: 1}
    assert [e.type for e in gw.list_events(pi.id, type="charge.refunded")] == ["charge.refunded"]
    with pytest.raises(NotFound):
        gw.list_events("pi_none")


def test_crash_after_posting_on_file_ledger(tmp_path):
    path = tmp_path / "books.db"
    ledger = Ledger(path)
    gw = Gateway(ledger, FixedClock(), faults=Faults(crash_after_step=4))
    gw.add_merchant("shop")
    gw.add_customer("alice")
    card = gw.add_funding_source("alice", "card", credit_limit=cny("900.00"))
    with pytest.raises(SimulatedFault):
        gw.pay("shop", cny("25.00"), card, idempotency_key="o9")
    other = Ledger(path)                      # another process opens the books after the crash
    assert other.entry_count() == 1 and other.balance("clearing:CNY") == cny("25.00")
    other.check_invariants()
    other.close()
    pi = gw.pay("shop", cny("25.00"), card, idempotency_key="o9")
    assert pi.status == SUCCEEDED and ledger.entry_count() == 1  # resumed, not posted twice
    ledger.close()
    again = Ledger(path)
    assert again.entry_count() == 1
    again.check_invariants()
    again.close()


# --- a gateway students can read -----------------------------------------------------------
STEP_METHODS = ["_initiation", "_transmission", "_account_processing", "_settlement", "_confirmation"]


def test_pay_walks_the_steps_in_order_one_method_each(monkeypatch):
    """Following one payment from pay(): steps 1 to 5, one named method each, in order, and
    the method's catalogue record looked up once for the payment."""
    import dataclasses

    from paylab.flow import gateway as G

    calls: list[str] = []
    for name in STEP_METHODS:
        original = getattr(G.Gateway, name)

        def spy(self, *args, _name=name, _original=original, **kwargs):
            calls.append(_name)
            return _original(self, *args, **kwargs)

        monkeypatch.setattr(G.Gateway, name, spy)
    looked_up: list[str] = []
    original_of = G.MethodTerms.of.__func__
    monkeypatch.setattr(G.MethodTerms, "of", classmethod(
        lambda cls, method_id, cur: looked_up.append(method_id) or original_of(cls, method_id, cur)))
    original_get = G._methods.get

    def get(m):  # a lookup by id (get(record) just hands the record back)
        if isinstance(m, str):
            looked_up.append(m)
        return original_get(m)

    monkeypatch.setattr(G._methods, "get", get)
    gw = Gateway(Ledger(), FixedClock())
    gw.add_merchant("shop")
    gw.add_customer("alice")
    card = gw.add_funding_source("alice", "card", credit_limit=cny("5000.00"))
    looked_up.clear()
    pi = gw.pay("shop", cny("88.00"), card)
    assert pi.status == SUCCEEDED and calls == STEP_METHODS
    assert looked_up == [pi.method_id, pi.method_id]  # MethodTerms.of, then its one methods.get
    steps = [e.step for e in gw.trace(pi.id)]
    assert steps == sorted(steps) and set(steps) == {1, 2, 3, 4, 5}
    assert all(dataclasses.is_dataclass(e) for e in gw.trace(pi.id))   # plain records
    calls.clear()
    looked_up.clear()
    gw.pay("shop", cny("12.00"), card)                 # the same method again: terms reused
    assert calls == STEP_METHODS and looked_up == []


def test_step_methods_are_named_after_the_steps():
    from paylab.flow import gateway as G

    for number, name in zip(range(1, 6), STEP_METHODS, strict=True):
        doc = getattr(G.Gateway, name).__doc__
        assert doc.startswith(f"Step {number}, {STEPS[number][0]}"), name
