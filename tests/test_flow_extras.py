"""Tests of the payment-flow lab checks, the chapter-3 simulations, the sourced market table
and the flow plots."""

from __future__ import annotations

import hashlib
import hmac

import matplotlib.pyplot as plt
import pytest

from paylab.checks import check, questions
from paylab.clock import FixedClock
from paylab.errors import InvalidInput
from paylab.flow import TRANSITIONS, Gateway, escrow_timeline, market, simulate
from paylab.ledger import Ledger
from paylab.money import Money
from paylab.plots.flow import escrow_timeline_plot, retry_curve_plot, sequence_diagram, state_diagram

# --- reference answers (right) and plausible mistakes (wrong) ---------------------------------

def drive_ok(gw, merchant, source, amount):
    pi = gw.create_intent(merchant, amount, source, capture="manual")
    gw.confirm(pi.id)
    if pi.status == "requires_action":
        gw.authenticate(pi.id)
    if pi.status == "requires_capture":
        gw.capture(pi.id)
    return pi


def drive_automatic(gw, merchant, source, amount):
    pi = gw.create_intent(merchant, amount, source)
    gw.confirm(pi.id)
    if pi.status == "requires_action":
        gw.authenticate(pi.id)
    return pi


def verify_ok(payload, header, secret, now, tolerance=300):
    ts, sigs = None, []
    for part in header.split(","):
        k, sep, v = part.partition("=")
        if not sep:
            return False
        if k == "t":
            if not v.isdigit():
                return False
            ts = int(v)
        elif k == "v1":
            sigs.append(v)
    if ts is None or not sigs:
        return False
    want = hmac.new(secret.encode(), f"{ts}.".encode() + payload, hashlib.sha256).hexdigest()
    return any(hmac.compare_digest(want, s) for s in sigs) and abs(now - ts) <= tolerance


def verify_no_time(payload, header, secret, now, tolerance=300):
    ts = header.split(",")[0][2:]
    sig = header.split(",")[1][3:]
    return hmac.compare_digest(hmac.new(secret.encode(), f"{ts}.".encode() + payload,
                                        hashlib.sha256).hexdigest(), sig)


def inbox_ok(deliveries):
    seen, out = set(), []
    for e in deliveries:
        if e["id"] not in seen:
            seen.add(e["id"])
            if e["type"] == "payment_intent.succeeded":
                out.append(e["data"]["object"]["id"])
    return out


def inbox_naive(deliveries):
    return [e["data"]["object"]["id"] for e in deliveries if e["type"] == "payment_intent.succeeded"]


def net_ok(obligations):
    net = {}
    for a, b, x in obligations:
        net[a] = net.get(a, 0) - x
        net[b] = net.get(b, 0) + x
    return net


def net_backwards(obligations):
    return {k: -v for k, v in net_ok(obligations).items()}


def rec_ok(records, statement):
    ours = records.groupby("id")["amount"].agg(["first", "size"])
    theirs = statement.groupby("ref")["amount"].agg(["first", "size"])
    both = ours.index.intersection(theirs.index)
    return {"missing": set(ours.index.difference(theirs.index)),
            "unexpected": set(theirs.index.difference(ours.index)),
            "duplicated": set(ours.index[ours["size"] > 1]) | set(theirs.index[theirs["size"] > 1]),
            "mismatched": {r for r in both if ours.at[r, "first"] != theirs.at[r, "first"]}}


def rec_no_dups(records, statement):
    out = rec_ok(records, statement)
    out["duplicated"] = set()
    return out


def escrow_ok(paid, confirm, dispute, day, auto_days=10):
    if paid is None or day < paid:
        return "WAIT_BUYER_PAY"
    release = paid + auto_days
    if confirm is not None:
        release = min(release, confirm)
    if dispute is not None and dispute < release and dispute <= day:
        return "TRADE_CLOSED"
    return "TRADE_FINISHED" if day >= release else "TRADE_SUCCESS"


def escrow_no_auto(paid, confirm, dispute, day, auto_days=10):
    return escrow_ok(paid, confirm, dispute, day, auto_days=10**6)


@pytest.mark.parametrize("qid,right,wrong", [
    ("payment_flow.q1", drive_ok, drive_automatic),
    ("payment_flow.q2", verify_ok, verify_no_time),
    ("payment_flow.q3", inbox_ok, inbox_naive),
    ("payment_flow.q4", net_ok, net_backwards),
    ("payment_flow.q5", rec_ok, rec_no_dups),
    ("payment_flow.q6", escrow_ok, escrow_no_auto),
])
def test_checks_pass_right_and_fail_wrong(qid, right, wrong):
    assert check(qid, right).passed
    fb = check(qid, wrong)
    assert fb.status == "wrong" and fb.message

    def stub(*args, **kwargs):
        raise NotImplementedError()

    assert check(qid, stub).status == "not yet"


def test_lab_has_six_questions():
    qs = questions("payment_flow")
    assert [q.id for q in qs] == [f"payment_flow.q{i}" for i in range(1, 7)]
    assert all(q.points == 2 and q.hint for q in qs)


# --- simulations ----------------------------------------------------------------------------

def test_retry_experiment_keys_prevent_double_charges():
    with_keys = simulate.retry_experiment(120, timeout_rate=0.3, max_retries=3, use_keys=True, seed=1)
    without = simulate.retry_experiment(120, timeout_rate=0.3, max_retries=3, use_keys=False, seed=1)
    assert with_keys["charged_twice"] == 0 and with_keys["overcharged_minor"] == 0
    assert without["charged_twice"] > 0 and without["overcharged_minor"] > 0
    assert with_keys["success_end_of_day"] == 1.0


def test_retry_curve_rises_with_retries():
    curve = simulate.retry_curve((0.2,), max_retries=3, n=80, seed=2)
    col = curve.iloc[:, 0].tolist()
    assert col == sorted(col) and col[0] < 1.0 and col[-1] >= 0.99
    assert simulate.retry_experiment(50, timeout_rate=0.0, max_retries=0)["success_at_checkout"] == 1.0


def test_notification_experiment():
    good = simulate.notification_experiment(100, drop=0.2, duplicate=0.2, idempotent=True, seed=3)
    bad = simulate.notification_experiment(100, drop=0.2, duplicate=0.2, idempotent=False, seed=3)
    assert good["shipped_twice"] == 0 and bad["shipped_twice"] > 0
    assert good["not_notified_at_first"] > 0 and good["not_notified_after_retries"] == 0
    none = simulate.notification_experiment(20, drop=0.0, duplicate=0.0, redeliver_rounds=0)
    assert none["not_notified_at_first"] == 0 and none["duplicate_deliveries"] == 0


def test_timeout_day_reconciles_after_sync():
    from paylab.settlement import reconcile

    day = simulate.timeout_day(150, timeout_rate=0.1, seed=5)
    report = reconcile(day.movements(), day.statement())
    stuck = {p for p, pi in day.intents.items() if pi.status == "processing" and p in day.bank.debits}
    assert report.refs("unexpected") == stuck and stuck
    for ref in stuck:
        day.sync(ref)
    assert reconcile(day.movements(), day.statement()).clean


@pytest.mark.parametrize("call", [
    lambda: simulate.retry_experiment(0),
    lambda: simulate.retry_experiment(5, max_retries=-1),
    lambda: simulate.notification_experiment(5, redeliver_rounds=True),
    lambda: simulate.timeout_day(-3),
])
def test_simulation_bad_inputs(call):
    with pytest.raises(InvalidInput):
        call()


# --- sourced figures ------------------------------------------------------------------------

def test_market_tables_cite_known_keys(repo_root):
    bib = (repo_root / "references.bib").read_text(encoding="utf-8")
    for frame in (market.shares_frame(), market.scale_frame()):
        assert len(frame) and frame["source"].map(lambda k: "{" + k + "," in bib).all()
    shares = market.shares_frame()
    assert shares[shares["period"] == "2020 Q1"]["share (%)"].tolist() == ["55.4", "38.8"]


# --- plots --------------------------------------------------------------------------------------

def _paid_gateway():
    clock = FixedClock()
    gw = Gateway(Ledger(), clock)
    gw.add_merchant("shop")
    gw.add_customer("a")
    card = gw.add_funding_source("a", "card", credit_limit=Money("900.00", "CNY"))
    return gw, clock, card


def test_sequence_and_state_diagrams_draw_every_event():
    gw, _, card = _paid_gateway()
    pi = gw.pay("shop", Money("10.00", "CNY"), card)
    gw.refund(pi.id)
    fig = sequence_diagram(gw.trace(pi.id))
    texts = {t.get_text() for t in fig.axes[0].texts}
    assert {e.type for e in gw.trace(pi.id)} <= texts
    assert {"1 initiation", "4 settlement", "6 after-sale service"} <= texts
    plt.close(fig)
    fig = state_diagram([s for _, s in pi.history])
    labels = [t for t in fig.axes[0].texts if t.get_text()]
    assert len(labels) == 7 and len(fig.axes[0].texts) == 7 + sum(len(v) for v in TRANSITIONS.values())
    plt.close(fig)


def test_retry_and_escrow_plots():
    curve = simulate.retry_curve((0.1,), max_retries=1, n=20)
    fig = retry_curve_plot(curve)
    assert len(fig.axes[0].lines) == 1 and "synthetic" in fig.axes[0].get_title()
    plt.close(fig)
    gw, clock, card = _paid_gateway()
    pi = gw.pay("shop", Money("10.00", "CNY"), card, escrow=True)
    clock.advance(days=10)
    gw.auto_confirm()
    fig = escrow_timeline_plot(escrow_timeline(gw, pi.id))
    assert len(fig.axes[0].lines) == 3
    plt.close(fig)
    with pytest.raises(InvalidInput):
        escrow_timeline(gw, gw.pay("shop", Money("1.00", "CNY"), card).id)


def test_demo_checkout_and_widget():
    from paylab.widgets.flow import checkout_html, checkout_playground

    _, pi = simulate.demo_checkout("card", Money("2500.00", "CNY"), capture="manual")
    assert pi.status == "succeeded" and "requires_action" in [s for _, s in pi.history]
    _, pi = simulate.demo_checkout("prepaid", Money("1200.00", "CNY"))
    assert pi.last_payment_error["code"] == "limit_exceeded"
    _, pi = simulate.demo_checkout("card", Money("2500.00", "CNY"), passes_challenge=False)
    assert pi.last_payment_error["code"] == "authentication_failed"
    text = checkout_html("wallet", 4000, "automatic", False, True)
    assert "insufficient_funds" in text and "synthetic" in text.lower()
    box = checkout_playground()
    assert "succeeded" in box.children[-1].value


def test_minimum_fee_above_a_tiny_payment_books_the_same_in_both_modes():
    from paylab.clock import FixedClock
    from paylab.flow import Gateway
    from paylab.ledger import Ledger
    from paylab.money import Money

    books = []
    for fast in (True, False):
        gw = Gateway(Ledger(), FixedClock(), fast_books=fast)
        gw.add_merchant("m")
        gw.add_customer("c")
        src = gw.add_funding_source("c", "bank_account", balance=Money("100.00", "CNY"))
        intent = gw.pay("m", Money("0.05", "CNY"), src)  # online banking: minimum fee CNY 0.10
        assert intent.status == "succeeded" and intent.fee_minor == 10
        gw.ledger.check_invariants()
        books.append(gw.ledger.balances_minor())
    assert books[0] == books[1]
    assert books[0]["merchant:m:receivable:CNY"] == 5  # the merchant owes the platform CNY 0.05
