"""Tests for paylab.batch: the vectorized engine agrees with the posting rules and the gateway."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from paylab import batch as B
from paylab import methods as M
from paylab import postings as P
from paylab.clock import EPOCH_2026, FixedClock
from paylab.errors import InvalidInput, LedgerError, NotFound
from paylab.ledger import Ledger
from paylab.money import Money

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _as_objects(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.astype(object)
    return out.where(out.notna(), None)


def test_generate_is_seeded_and_well_formed():
    a, b = B.generate(500, seed=9), B.generate(500, seed=9)
    pd.testing.assert_frame_equal(a.payments, b.payments)
    pd.testing.assert_frame_equal(a.sources, b.sources)
    assert len(a) == 500 and len(a.sources) == 50
    assert a.payments["id"].iloc[0] == "pi_0000001" and a.sources["source"].iloc[-1] == "pm_000050"
    assert a.payments["at"].is_monotonic_increasing
    assert (a.payments["amount"] > 0).all()
    assert set(a.sources["kind"]) <= set(B.SOURCE_METHODS)
    assert ((a.sources["kind"] == "card") | (a.sources["credit_limit"] == 0)).all()
    assert not a.payments.equals(B.generate(500, seed=10).payments)
    for bad in ({"n": -1}, {"merchants": 0}, {"customers": 0}, {"kinds": {"cash": 1.0}}):
        with pytest.raises(InvalidInput) as e:
            B.generate(**{"n": 10, "seed": 1, **bad})
        assert e.value.field == next(iter(bad))


def test_source_methods_match_the_gateway():
    flow = pytest.importorskip("paylab.flow.gateway")
    assert B.SOURCE_METHODS == {k: v[0] for k, v in flow.SOURCE_KINDS.items()}


@given(st.sampled_from(sorted(M.CATALOGUE)), st.lists(st.integers(1, 10**10), min_size=1, max_size=30))
def test_fees_equal_methods_fee(method, units):
    got = B.fees_minor([method] * len(units), np.array(units, dtype=np.int64), "CNY")
    want = [M.fee(method, Money.from_minor(u, "CNY")).minor_units for u in units]
    assert got.tolist() == want


def test_fees_reject_floats_and_handle_zero_exponent():
    with pytest.raises(InvalidInput) as e:
        B.fees_minor(["ewallet"], np.array([1.5]))
    assert e.value.field == "amounts"
    got = B.fees_minor(["card_cross_border"], np.array([1000]), "JPY")
    assert got.tolist() == [M.fee("card_cross_border", Money(1000, "JPY")).minor_units]


def _scenario(sources: list[dict], payments: list[tuple[str, int, int, float]]) -> B.Scenario:
    src = pd.DataFrame([{"source": f"pm_{i + 1:06d}", "customer": f"c{i + 1}", "balance": 0, "credit_limit": 0,
                         "declines": False, **s} for i, s in enumerate(sources)])
    src["method"] = src["kind"].map(B.SOURCE_METHODS)
    pay = pd.DataFrame([{"id": f"pi_{i + 1:07d}", "merchant": m, "source": s, "amount": a, "at": t}
                        for i, (m, s, a, t) in enumerate(payments)])
    return B.Scenario("CNY", ("m1", "m2"), src[["source", "customer", "kind", "method", "balance",
                                                "credit_limit", "declines"]], pay, EPOCH_2026)


DAY0 = (EPOCH_2026 // 86400) * 86400


def _hand() -> B.Scenario:
    return _scenario(
        [{"kind": "wallet", "balance": 100_000},               # 0: CNY 1,000 in a wallet
         {"kind": "card", "credit_limit": 500_000, "declines": True},  # 1: declined by its issuer
         {"kind": "prepaid", "balance": 900_000},              # 2: prepaid, daily limit CNY 5,000, per payment 1,000
         {"kind": "card", "credit_limit": 1_000_000}],         # 3: a good card
        [("m1", 0, 60_000, DAY0 + 10),    # ok
         ("m1", 0, 50_000, DAY0 + 20),    # insufficient (40,000 left)
         ("m2", 0, 40_000, DAY0 + 30),    # ok: exactly what is left
         ("m1", 1, 1_000, DAY0 + 40),     # card_declined
         ("m1", 2, 150_000, DAY0 + 50),   # limit_exceeded: above CNY 1,000 per payment
         ("m1", 2, 100_000, DAY0 + 60),   # ok
         ("m1", 2, 100_000, DAY0 + 70),   # ok
         ("m1", 2, 100_000, DAY0 + 80),   # ok
         ("m1", 2, 100_000, DAY0 + 90),   # ok
         ("m1", 2, 100_000, DAY0 + 100),  # ok: 5,000 spent today
         ("m1", 2, 100, DAY0 + 110),      # limit_exceeded: daily limit
         ("m1", 2, 100_000, DAY0 + 86_400 + 5),  # ok: a new day
         ("m2", 3, 250_000, DAY0 + 120),  # requires_action: step-up from CNY 2,000
         ("m2", 3, 199_999, DAY0 + 130)])  # ok


def test_decide_hand_scenario():
    out = B.decide(_hand())
    assert out["status"].tolist() == [
        "succeeded", "requires_payment_method", "succeeded", "requires_payment_method", "requires_payment_method",
        "succeeded", "succeeded", "succeeded", "succeeded", "succeeded", "requires_payment_method", "succeeded",
        "requires_action", "succeeded"]
    codes = _as_objects(out)["code"].tolist()
    assert codes == [None, "insufficient_funds", None, "card_declined", "limit_exceeded", None, None, None, None,
                     None, "limit_exceeded", None, None, None]
    assert out["fee"].iloc[0] == M.fee("platform_balance", Money("600", "CNY")).minor_units
    assert out["fee"].iloc[1] == 0
    no_step_up = B.decide(_hand(), step_up_threshold=None)
    assert no_step_up["status"].iloc[12] == "succeeded"


def _reference(scenario: B.Scenario, threshold: int | None = B.STEP_UP_THRESHOLD) -> list[tuple]:
    """A plain loop over the payments with the gateway's checks, as the reference."""
    src = scenario.sources
    left = [int(r.credit_limit if r.kind == "card" else r.balance) for r in src.itertuples()]
    spent: dict[tuple[int, int], int] = {}
    out = []
    for p in scenario.payments.itertuples():
        r = src.iloc[p.source]
        m = M.get(r.method)
        day = int(p.at // 86400)
        per_txn = int(m.per_txn_limit * 100) if m.per_txn_limit is not None else 10**18
        daily = int(m.daily_limit * 100) if m.daily_limit is not None else 10**18
        sp = spent.get((p.source, day), 0)
        if threshold is not None and p.amount >= threshold:
            out.append(("requires_action", None))
        elif r.declines:
            out.append(("requires_payment_method", "card_declined"))
        elif p.amount > per_txn or sp + p.amount > daily:
            out.append(("requires_payment_method", "limit_exceeded"))
        elif left[p.source] < p.amount:
            out.append(("requires_payment_method", "insufficient_funds"))
        else:
            left[p.source] -= p.amount
            spent[(p.source, day)] = sp + p.amount
            out.append(("succeeded", None))
    return out


@given(st.integers(0, 10**6), st.integers(1, 400), st.integers(1, 30), st.integers(1, 3))
def test_decide_equals_a_plain_loop(seed, n, customers, days):
    sc = B.generate(n, seed=seed, customers=customers, days=days)
    got = _as_objects(B.decide(sc))
    assert list(zip(got["status"], got["code"], strict=True)) == _reference(sc)


def test_decide_with_empty_and_broke_sources():
    sc = B.generate(300, seed=4, customers=3)
    broke = sc.sources.assign(balance=0, credit_limit=0)
    sc2 = B.Scenario(sc.currency, sc.merchants, broke, sc.payments, sc.start)
    got = _as_objects(B.decide(sc2))
    assert list(zip(got["status"], got["code"], strict=True)) == _reference(sc2)
    assert (got["status"] != "succeeded").all()


def _post_one_by_one(scenario: B.Scenario, outcomes: pd.DataFrame) -> Ledger:
    """The same day booked with paylab.postings and Ledger.post, one entry at a time."""
    led = Ledger()
    cur = scenario.currency
    for r in scenario.sources.itertuples():
        if P.funding_for(r.method) == "stored" and r.balance > 0:
            acc = P.open_accounts(led, P.accounts_for("m1", r.customer, cur))
            led.post(P.top_up(acc.customer, acc.clearing, Money.from_minor(int(r.balance), cur), ref=r.source))
    for p, o in zip(scenario.payments.itertuples(), outcomes.itertuples(), strict=True):
        if o.status != "succeeded":
            continue
        r = scenario.sources.iloc[p.source]
        acc = P.open_accounts(led, P.accounts_for(p.merchant, r.customer, cur))
        led.post(P.capture(acc.customer, acc.clearing, acc.merchant, acc.fees, Money.from_minor(int(p.amount), cur),
                           Money.from_minor(int(o.fee), cur), funding=P.funding_for(r.method), ref=p.id))
    return led


def _lines_by_ref(led: Ledger) -> set[tuple]:
    df = led.entries()
    return set(zip(df["ref"], df["memo"], df["account"], df["amount"], strict=True))


@pytest.mark.parametrize("granularity", ["payment", "summary"])
def test_batch_equals_postings_one_by_one(granularity):
    sc = B.generate(2000, seed=21, customers=150)
    led = Ledger()
    res = B.run(led, sc, granularity=granularity)
    ref = _post_one_by_one(sc, res.outcomes)
    assert B.nonzero_balances(led) == B.nonzero_balances(ref)
    led.check_invariants()
    if granularity == "payment":
        assert _lines_by_ref(led) == _lines_by_ref(ref)
        assert led.entry_count() == ref.entry_count()
    else:
        assert led.entry_count() == 2
        assert set(led.entries()["ref"]) == {"batch:top-ups", "batch:captures"}


def test_batch_equals_the_gateway():
    """The vectorized engine and flow's object gateway: same statuses, codes, fees, balances, lines."""
    flow = pytest.importorskip("paylab.flow")
    sc = B.generate(3000, seed=2019, customers=250, days=2)
    g_led = Ledger()
    gateway = flow.Gateway(g_led, FixedClock(EPOCH_2026), record_events=False)
    by_gateway = B.run_gateway(gateway, sc)
    b_led = Ledger()
    res = B.run(b_led, sc, granularity="payment")
    pd.testing.assert_frame_equal(_as_objects(res.outcomes), _as_objects(by_gateway))
    assert set(res.outcomes["status"]) == {"succeeded", "requires_payment_method", "requires_action"}
    assert set(res.outcomes["code"].dropna()) == {"card_declined", "limit_exceeded", "insufficient_funds"}
    assert B.nonzero_balances(b_led) == B.nonzero_balances(g_led)
    assert _lines_by_ref(b_led) == _lines_by_ref(g_led)
    s_led = Ledger()
    B.run(s_led, sc, granularity="summary")
    assert B.nonzero_balances(s_led) == B.nonzero_balances(g_led)
    g_led.check_invariants()


def test_details_blob_and_rows():
    sc = B.generate(300, seed=2)
    led = Ledger()
    res = B.run(led, sc, granularity="summary", detail="blob", batch_ref="day1")
    back = B.read_details(led, "day1")
    pd.testing.assert_frame_equal(_as_objects(back), _as_objects(res.outcomes))
    with pytest.raises(NotFound) as e:
        B.read_details(led, "day2")
    assert e.value.field == "batch_ref"
    led2 = Ledger()
    B.run(led2, sc, detail="rows", batch_ref="day1")
    rows = led2.query("SELECT status, COUNT(*) FROM batch_payments GROUP BY status ORDER BY status")
    assert dict(rows) == res.counts().to_dict()
    with pytest.raises(InvalidInput) as e:
        B.run(Ledger(), sc, detail="csv")
    assert e.value.field == "detail"
    with pytest.raises(InvalidInput) as e:
        B.run(Ledger(), sc, granularity="weekly")
    assert e.value.field == "granularity"
    with pytest.raises(InvalidInput) as e:
        B.run("books.db", sc)  # type: ignore[arg-type]
    assert e.value.field == "ledger"


def test_batch_refused_as_a_whole():
    sc = B.generate(200, seed=3)
    led = Ledger()
    led.open_account("clearing:CNY", "liability", "CNY")  # conflicts with the standard asset account
    with pytest.raises(LedgerError):
        B.run(led, sc)
    assert led.entry_count() == 0


_CHILD = textwrap.dedent("""
    import os, sys
    sys.path.insert(0, {root!r})
    from paylab import batch
    from paylab.ledger import Ledger
    led = Ledger({path!r})
    sc = batch.generate(2000, seed=8)
    journal = batch.ledger_lines(sc, batch.decide(sc))
    led.open_accounts([(n, "liability" if not n.startswith(("clearing", "revenue")) else
                        ("asset" if n.startswith("clearing") else "revenue"), "CNY") for n in journal.accounts])
    def die(db):
        os._exit(5)  # the process dies after every line is written, before COMMIT
    led.post_columns(memo=journal.entries["memo"].tolist(), ref=journal.entries["ref"].tolist(),
                     at=journal.entries["at"].tolist(), line_entry=journal.line_entry,
                     line_account=journal.line_account, account_names=journal.accounts,
                     line_amount=journal.line_amount, also=die)
""")


def test_crash_mid_batch_leaves_nothing(tmp_path):
    path = str(tmp_path / "batch.db")
    rc = subprocess.run([sys.executable, "-c", _CHILD.format(root=ROOT, path=path)], capture_output=True,
                        timeout=120).returncode
    assert rc == 5
    led = Ledger(path)
    assert led.entry_count() == 0
    assert all(v == 0 for v in led.balances_minor().values())
    assert len(led.accounts()) > 0  # the accounts were opened before the batch
    led.close()


def test_result_counts_and_timings():
    res = B.run(Ledger(), B.generate(100, seed=1))
    assert res.counts().sum() == 100
    assert set(res.seconds) == {"decide", "build", "write", "total"}
    assert len(res.entry_ids) == int((res.outcomes["status"] == "succeeded").sum()) + int(
        ((B.generate(100, seed=1).sources["kind"].isin(["wallet", "prepaid"]))
         & (B.generate(100, seed=1).sources["balance"] > 0)).sum())


def test_journal_lines_view():
    sc = _hand()
    journal = B.ledger_lines(sc, B.decide(sc))
    lines = journal.lines()
    assert lines.groupby("entry")["amount"].sum().eq(0).all()
    first = lines[lines["entry"] == journal.entries.index[journal.entries["ref"] == "pi_0000001"][0]]
    fee = M.fee("platform_balance", Money("600", "CNY")).minor_units
    assert first[["account", "amount"]].values.tolist() == [
        ["customer:c1:CNY", 60_000], ["merchant:m1:receivable:CNY", -(60_000 - fee)], ["revenue:fees:CNY", -fee]]
    assert Decimal(fee) == Decimal("360")


def test_unknown_merchant_is_a_typed_error():
    sc = _hand()
    pay = sc.payments.copy()
    pay.loc[0, "merchant"] = "m9"
    bad = B.Scenario(sc.currency, sc.merchants, sc.sources, pay, sc.start)
    with pytest.raises(InvalidInput) as e:
        B.ledger_lines(bad, B.decide(bad))
    assert e.value.field == "scenario.payments"
