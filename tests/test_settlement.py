"""Tests for paylab.settlement: T+n batches, payouts, netting and reconciliation."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from paylab import settlement as S
from paylab.clock import EPOCH_2026
from paylab.errors import InvalidInput, NotFound
from paylab.ledger import Ledger
from paylab.money import Money

T0 = EPOCH_2026 - 8 * 3600  # midnight of day 0, Beijing time


def test_day_of_and_settlement_day():
    assert S.day_of(T0) == 0
    assert S.day_of(T0 + S.DAY - 1) == 0
    assert S.day_of(T0 + S.DAY) == 1
    assert S.day_of(T0, tz_hours=0) == -1  # 16:00 UTC the day before
    assert S.settlement_day(T0 + 10, "ewallet") == 0           # T+0
    assert S.settlement_day(T0 + 10, "platform_balance") == 1  # T+1
    assert S.settlement_day(T0 + 10, "card_cross_border") == 2  # T+2
    with pytest.raises(InvalidInput) as e:
        S.day_of("today")  # type: ignore[arg-type]
    assert e.value.field == "at"
    with pytest.raises(NotFound):
        S.settlement_day(T0, "cheque")


def _records():
    return [
        {"id": "p1", "merchant": "m1", "method": "ewallet", "currency": "CNY", "amount": 10000, "fee": 20,
         "at": T0 + 100},
        {"id": "p2", "merchant": "m1", "method": "platform_balance", "currency": "CNY", "amount": 5000,
         "fee": 30, "refunded": 1000, "at": T0 + 200},
        {"id": "p3", "merchant": "m2", "method": "platform_balance", "currency": "CNY", "amount": 7000,
         "fee": 42, "at": T0 + 300},
        {"id": "p4", "merchant": "m2", "method": "platform_balance", "currency": "CNY", "amount": 9000,
         "fee": 54, "status": "requires_payment_method", "at": T0 + 400},
        {"id": "p5", "merchant": "m1", "method": "platform_balance", "currency": "CNY", "amount": 100,
         "fee": 1, "refunded": 100, "at": T0 + 500},
    ]


def test_records_frame_defaults_and_validation():
    frame = S.records_frame(_records())
    assert list(frame.columns) == list(S.RECORD_COLUMNS)
    assert frame.loc[0, "refunded"] == 0 and frame.loc[0, "status"] == "succeeded"
    bad = _records()
    bad[0]["amount"] = 100.0
    with pytest.raises(InvalidInput) as e:
        S.records_frame(bad)
    assert e.value.field == "records.amount"
    with pytest.raises(InvalidInput) as e:
        S.records_frame([{"id": "x", "amount": 1}])
    assert e.value.field == "records"
    bad = _records()
    bad[1]["refunded"] = 6000
    with pytest.raises(InvalidInput) as e:
        S.records_frame(bad)
    assert e.value.field == "records.refunded"
    bad = _records()
    bad[2]["fee"] = -1
    with pytest.raises(InvalidInput):
        S.records_frame(bad)


def test_settlement_batch_t_plus_n():
    day0 = S.settlement_batch(_records(), 0)
    assert day0.to_dict("records") == [{"merchant": "m1", "currency": "CNY", "payments": 1, "gross": 10000,
                                        "fees": 20, "refunds": 0, "payout": 9980}]
    day1 = S.settlement_batch(_records(), 1).set_index("merchant")
    assert day1.loc["m1", "payments"] == 2  # p2 and p5; p4 failed and is left out
    assert day1.loc["m1", "payout"] == 5000 - 30 - 1000 + 100 - 1 - 100
    assert day1.loc["m2", "payout"] == 7000 - 42
    assert S.settlement_batch(_records(), 2).empty
    assert S.settlement_batch([], 0).empty


def test_post_payouts_to_ledger():
    led = Ledger()
    batch = S.settlement_batch(_records(), 1)
    ids = S.post_payouts(led, batch, day=1, at=T0 + 2 * S.DAY)
    assert len(ids) == 2
    assert led.balance("merchant:m1:receivable:CNY") == Money("39.69", "CNY")
    assert led.balance("clearing:CNY") == -Money("39.69", "CNY") - Money("69.58", "CNY")
    assert set(led.entries()["ref"]) == {"payout:m1:CNY:day1", "payout:m2:CNY:day1"}
    negative = pd.DataFrame([{"merchant": "m3", "currency": "CNY", "payout": -5}])
    assert S.post_payouts(led, negative) == []
    led.check_invariants()


def test_netting_hand_example():
    obligations = [("A", "B", 100), ("B", "C", 100), ("C", "A", 50), ("B", "A", 30)]
    result = S.netting(obligations)
    assert result.positions.to_dict() == {"A": -20, "B": -30, "C": 50}
    assert result.gross_total == 280
    assert result.transfers.to_dict("records") == [{"payer": "B", "payee": "C", "amount": 30},
                                                    {"payer": "A", "payee": "C", "amount": 20}]
    assert result.net_total == 50
    assert result.bilateral.to_dict("records") == [{"payer": "A", "payee": "B", "amount": 70},
                                                    {"payer": "C", "payee": "A", "amount": 50},
                                                    {"payer": "B", "payee": "C", "amount": 100}]
    summary = result.summary()
    assert list(summary["transfers"]) == [4, 3, 2]
    assert summary.loc["multilateral netting", "share of gross"] == "17.8%"


def test_netting_bad_inputs():
    with pytest.raises(InvalidInput) as e:
        S.netting([("A", "A", 5)])
    assert e.value.field == "obligations.payee"
    with pytest.raises(InvalidInput) as e:
        S.netting([("A", "B", 0)])
    assert e.value.field == "obligations.amount"
    with pytest.raises(InvalidInput) as e:
        S.netting(pd.DataFrame({"payer": ["A"], "payee": ["B"], "amount": [1.5]}))
    assert e.value.field == "obligations.amount"
    with pytest.raises(InvalidInput) as e:
        S.netting(pd.DataFrame({"from": ["A"], "payee": ["B"], "amount": [1]}))
    assert e.value.field == "obligations"
    with pytest.raises(InvalidInput) as e:
        S.minimal_transfers({"A": 5, "B": -4})
    assert e.value.field == "positions"
    with pytest.raises(InvalidInput):
        S.random_obligations(["solo"], 3, seed=1)


def test_random_obligations_seeded():
    a = S.random_obligations(6, 50, seed=3)
    b = S.random_obligations(6, 50, seed=3)
    pd.testing.assert_frame_equal(a, b)
    assert (a["payer"] != a["payee"]).all()
    assert not a.equals(S.random_obligations(6, 50, seed=4))


@given(st.lists(st.tuples(st.sampled_from("ABCDEFG"), st.sampled_from("ABCDEFG"), st.integers(1, 10**9))
                .filter(lambda t: t[0] != t[1]), min_size=1, max_size=40))
def test_netting_preserves_every_net_position(obligations):
    result = S.netting(obligations)
    assert int(result.positions.sum()) == 0
    for transfers in (result.transfers, result.bilateral):
        after = S.net_positions(transfers) if len(transfers) else pd.Series(dtype="int64")
        expected = result.positions[result.positions != 0]
        assert after.reindex(expected.index, fill_value=0).to_dict() == expected.to_dict()
        assert set(after[after != 0].index) == set(expected.index)
    nonzero = int((result.positions != 0).sum())
    assert len(result.transfers) <= max(nonzero - 1, 0)
    assert result.net_total <= result.bilateral["amount"].sum() <= result.gross_total


# --- reconciliation -----------------------------------------------------------------------
def test_reconcile_hand_example():
    gateway = [{"id": "a", "amount": 100, "currency": "CNY"}, {"id": "b", "amount": 200, "currency": "CNY"},
               {"id": "c", "amount": 300, "currency": "CNY"}, {"id": "d", "amount": 400, "currency": "CNY"}]
    bank = [{"ref": "a", "amount": 100, "currency": "CNY"}, {"ref": "b", "amount": 250, "currency": "CNY"},
            {"ref": "d", "amount": 400, "currency": "CNY"}, {"ref": "d", "amount": 400, "currency": "CNY"},
            {"ref": "z", "amount": 9, "currency": "CNY"}]
    rep = S.reconcile(gateway, bank)
    assert rep.refs("matched") == {"a", "d"}
    assert rep.refs("missing") == {"c"}
    assert rep.refs("mismatched") == {"b"}
    assert rep.mismatched.loc[0, "difference"] == 50
    assert rep.refs("duplicated") == {"d"}
    assert rep.duplicated.loc[0, "side"] == "bank" and rep.duplicated.loc[0, "extra amount"] == 400
    assert rep.refs("unexpected") == {"z"}
    assert not rep.clean
    summary = rep.summary()
    assert summary.loc["missing", "amount"] == 300
    assert summary.loc["mismatched", "amount"] == 50
    assert summary.loc["unexpected", "items"] == 1
    with pytest.raises(InvalidInput) as e:
        rep.refs("lost")
    assert e.value.field == "kind"


def test_reconcile_currency_mismatch_and_gateway_duplicates():
    gw = [{"id": "a", "amount": 100, "currency": "CNY"}, {"id": "a", "amount": 100, "currency": "CNY"}]
    bank = [{"ref": "a", "amount": 100, "currency": "USD"}]
    rep = S.reconcile(gw, bank)
    assert rep.refs("mismatched") == {"a"}
    assert rep.duplicated.loc[0, "side"] == "gateway"


def test_reconcile_clean_and_bad_inputs():
    records, statement, _ = S.simulate_day(1, 50, missing=0, duplicated=0, mismatched=0, unexpected=0)
    rep = S.reconcile(records, statement)
    assert rep.clean and len(rep.matched) == 50
    with pytest.raises(InvalidInput) as e:
        S.reconcile(records, statement.drop(columns=["amount"]))
    assert e.value.field == "bank_statement"
    bad = statement.copy()
    bad["amount"] = bad["amount"].astype(float)
    with pytest.raises(InvalidInput) as e:
        S.reconcile(records, bad)
    assert e.value.field == "bank_statement.amount"
    with pytest.raises(InvalidInput) as e:
        S.simulate_day(1, 3, missing=2, duplicated=2)
    assert e.value.field == "n"
    with pytest.raises(InvalidInput) as e:
        S.simulate_day(1, 10, missing=-1)
    assert e.value.field == "missing"


def test_simulate_day_is_seeded():
    a = S.simulate_day(11, 100)
    b = S.simulate_day(11, 100)
    pd.testing.assert_frame_equal(a[0], b[0])
    pd.testing.assert_frame_equal(a[1], b[1])
    assert a[2] == b[2]
    assert a[2].as_frame()["planted"].to_dict() == {"missing": 3, "duplicated": 2, "mismatched": 3,
                                                    "unexpected": 2}


@given(st.integers(0, 10**6), st.integers(20, 300), st.integers(0, 5), st.integers(0, 5), st.integers(0, 5),
       st.integers(0, 5))
def test_reconcile_finds_exactly_the_planted_errors(seed, n, missing, duplicated, mismatched, unexpected):
    records, statement, truth = S.simulate_day(seed, n, missing=missing, duplicated=duplicated,
                                               mismatched=mismatched, unexpected=unexpected)
    rep = S.reconcile(records, statement)
    assert rep.refs("missing") == truth.missing
    assert rep.refs("duplicated") == truth.duplicated
    assert rep.refs("mismatched") == truth.mismatched
    assert rep.refs("unexpected") == truth.unexpected
    assert len(rep.matched) == n - missing - mismatched


def test_reconcile_a_gateway_run():
    """flow's gateway keeps records and a bank statement in settlement's format."""
    flow = pytest.importorskip("paylab.flow")
    from paylab.clock import FixedClock

    g = flow.Gateway(Ledger(), FixedClock(EPOCH_2026))
    g.add_merchant("m1")
    g.add_customer("c1")
    pm = g.add_funding_source("c1", "wallet", balance=Money("500", "CNY"))
    p1 = g.pay("m1", Money("120", "CNY"), pm)
    g.pay("m1", Money("30", "CNY"), pm)
    g.refund(p1.id, Money("20", "CNY"))
    rep = S.reconcile(g.movements(), g.statement())
    assert rep.clean and len(rep.matched) == 3
    batch = S.settlement_batch(g.records(), S.day_of(EPOCH_2026) + 1)
    assert batch.loc[0, "gross"] == 15000 and batch.loc[0, "refunds"] == 2000


def test_plots():
    import matplotlib.pyplot as plt

    from paylab.plots import settlement as PS

    result = S.netting(S.random_obligations(5, 20, seed=2))
    records, statement, truth = S.simulate_day(5, 200)
    report = S.reconcile(records, statement)
    figs = [PS.plot_netting(result), PS.plot_positions(result), PS.plot_netting_savings(result),
            PS.plot_reconciliation(report, truth), PS.plot_reconciliation(report)]
    assert "synthetic" in figs[0]._suptitle.get_text()
    assert figs[1].axes[0].get_title().endswith("(synthetic)")
    assert len(figs[1].axes[0].patches) == 5
    assert len(figs[3].axes[0].patches) == 8
    for f in figs:
        plt.close(f)
    with pytest.raises(InvalidInput) as e:
        PS.plot_netting("not a result")  # type: ignore[arg-type]
    assert e.value.field == "result"
    with pytest.raises(InvalidInput) as e:
        PS.plot_reconciliation(report, truth="everything")  # type: ignore[arg-type]
    assert e.value.field == "truth"


def test_obligations_from_records():
    records = [
        {"id": "p1", "merchant": "m1", "customer": "c1", "currency": "CNY", "amount": 1000, "at": T0},
        {"id": "p2", "merchant": "m1", "customer": "c2", "currency": "CNY", "amount": 500, "refunded": 100,
         "at": T0},
        {"id": "p3", "merchant": "m2", "customer": "c1", "currency": "CNY", "amount": 700, "at": T0},
        {"id": "p4", "merchant": "m2", "customer": "c3", "currency": "CNY", "amount": 300, "at": T0},
        {"id": "p5", "merchant": "m2", "customer": "c3", "currency": "CNY", "amount": 900, "at": T0,
         "status": "canceled"},
    ]
    banks = {"c1": "ICBC", "c2": "CCB", "c3": "BOC", "m1": "CCB", "m2": "ICBC"}
    ob = S.obligations_from_records(records, banks)
    assert ob.to_dict("records") == [{"payer": "BOC", "payee": "ICBC", "amount": 300},
                                     {"payer": "ICBC", "payee": "CCB", "amount": 1000}]
    assert S.netting(ob).positions.to_dict() == {"BOC": -300, "CCB": 1000, "ICBC": -700}
    with pytest.raises(InvalidInput) as e:
        S.obligations_from_records(records, {"c1": "ICBC"})
    assert e.value.field == "bank_of"
    assert S.obligations_from_records(records[:1], {"c1": "X", "m1": "X"}).empty


def test_not_a_table_is_a_typed_error():
    one = [{"id": "a", "amount": 1, "currency": "CNY"}]
    for call, field in ((lambda: S.reconcile(5, []), "gateway_records"),
                        (lambda: S.reconcile(one, "statement"), "bank_statement"),
                        (lambda: S.records_frame(7), "records"),
                        (lambda: S.records_frame([1, 2]), "records"),
                        (lambda: S.netting(3), "obligations"),
                        (lambda: S.netting([(1, 2)]), "obligations"),
                        (lambda: S.minimal_transfers({"A": 1.5, "B": -1.5}), "positions")):
        with pytest.raises(InvalidInput) as e:
            call()
        assert e.value.field == field
    assert S.minimal_transfers({}).empty


def test_settlement_calendar_and_plot():
    import matplotlib.pyplot as plt

    from paylab.plots import settlement as PS

    cal = S.settlement_calendar(_records())
    assert cal.to_dict("records") == [
        {"paid_day": 0, "method": "ewallet", "settlement": "T+0", "settle_day": 0, "payments": 1, "gross": 10000,
         "net": 9980},
        {"paid_day": 0, "method": "platform_balance", "settlement": "T+1", "settle_day": 1, "payments": 3,
         "gross": 12100, "net": 12100 - 30 - 1000 - 42 - 1 - 100}]
    for day in (0, 1):  # the calendar and the day's batch agree
        batch = S.settlement_batch(_records(), day)
        assert batch["payout"].sum() == cal.loc[cal["settle_day"] == day, "net"].sum()
    assert S.settlement_calendar([]).empty
    fig = PS.plot_settlement_calendar(cal)
    assert len(fig.axes[0].patches) == 4
    plt.close(fig)
    with pytest.raises(InvalidInput) as e:
        PS.plot_settlement_calendar(pd.DataFrame({"x": [1]}))
    assert e.value.field == "calendar"
