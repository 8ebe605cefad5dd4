"""Tests of the chapter-5 additions to paylab.fraud: pass-through feature, metrics, case-level costs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from paylab.errors import InvalidInput
from paylab.fraud import (
    RISK_FEATURES,
    FraudCosts,
    add_features,
    add_pass_through,
    add_risk_features,
    breakeven_probability,
    case_cost_curve,
    case_losses,
    choose_case_threshold,
    compare_detectors,
    confusion_table,
    expected_loss_flags,
    flag_metrics,
    generate_transactions,
    policy_cost,
    ranking_metrics,
    reliability,
    time_split,
    train_model,
    what_would_move,
)
from paylab.money import Money
from paylab.parameters import parameter_table


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    return add_risk_features(generate_transactions(n_steps=96, n_customers=600, n_merchants=50,
                                                   fraud_rate=0.01, seed=7))


def _tiny() -> pd.DataFrame:
    return pd.DataFrame({"step": [1, 1, 2, 4], "amount": [1000, 600, 2000, 500],
                         "nameOrig": ["A", "B", "B", "B"], "nameDest": ["B", "C", "D", "E"]})


# ---- pass-through -------------------------------------------------------------------------------

def test_pass_through_counts_money_received_in_the_last_hour():
    out = add_pass_through(_tiny())
    # B received 1000 in step 1, then sends 600 (capped at 1), 2000 in step 2 (1000/2000),
    # and 500 in step 4 (nothing received in steps 3-4)
    assert out["pass_through"].tolist() == [0.0, 1.0, 0.5, 0.0]


def test_pass_through_marks_mule_cash_outs(frame):
    mule = frame["fraudPattern"].astype(str) == "mule_cash_out"
    assert (frame.loc[mule, "pass_through"] == 1.0).all()
    assert frame.loc[~mule, "pass_through"].mean() < 0.05


def test_pass_through_bad_input():
    with pytest.raises(InvalidInput) as e:
        add_pass_through(_tiny().drop(columns="nameDest"))
    assert e.value.field == "df"
    with pytest.raises(InvalidInput):
        add_pass_through(_tiny().assign(amount=[1.0, 2.0, 3.0, 4.0]))
    with pytest.raises(InvalidInput):
        add_pass_through(_tiny().iloc[::-1])
    with pytest.raises(InvalidInput):
        add_pass_through([1, 2])


def test_risk_features_add_to_the_old_ones(frame):
    assert set(RISK_FEATURES) <= set(frame.columns)
    plain = add_features(generate_transactions(n_steps=96, n_customers=600, n_merchants=50,
                                               fraud_rate=0.01, seed=7))
    assert "pass_through" not in plain.columns


# ---- metrics ------------------------------------------------------------------------------------

def test_confusion_and_metrics_by_hand():
    labels = [1, 1, 0, 0, 0, 0]
    flags = [True, False, True, False, False, False]
    cm = confusion_table(flags, labels)
    assert cm.to_dict("list") == {"actual": ["good", "fraud"], "not flagged": [3, 1], "flagged": [1, 1]}
    m = flag_metrics(flags, labels)
    assert (m["precision"], m["recall"], m["accuracy"], m["challenge rate"]) == (0.5, 0.5, 4 / 6, 0.25)


def test_flagging_nothing_is_accurate_and_useless():
    labels = np.r_[np.ones(13, int), np.zeros(9987, int)]        # a 0.13 % fraud rate
    m = flag_metrics(np.zeros(labels.size, bool), labels)
    assert m["accuracy"] == pytest.approx(0.9987) and m["recall"] == 0.0


def test_compare_detectors_and_ranking():
    labels = np.array([1, 0, 1, 0, 0])
    scores = np.array([0.9, 0.1, 0.4, 0.5, 0.0])
    t = compare_detectors(labels, {"model": scores >= 0.45, "none": np.zeros(5, bool)}, {"model": scores})
    assert t["detector"].tolist() == ["model", "none"]
    assert t.loc[0, "fraud caught"] == 1 and t.loc[0, "good challenged"] == 1
    assert np.isnan(t.loc[1, "PR-AUC"])
    r = ranking_metrics(scores, labels)
    assert r["ROC-AUC"] == pytest.approx(5 / 6)
    with pytest.raises(InvalidInput):
        ranking_metrics([0.1, 0.2], [0, 0])
    with pytest.raises(InvalidInput):
        compare_detectors(labels, {})
    with pytest.raises(InvalidInput):
        flag_metrics([2, 0], [0, 1])


def test_reliability_bins():
    scores = [0.0005, 0.0005, 0.2, 0.2, 0.9]
    labels = [0, 0, 0, 1, 1]
    r = reliability(scores, labels)
    assert r["rows"].sum() == 5
    assert r["fraud rate"].tolist() == [0.0, 0.5, 1.0]
    with pytest.raises(InvalidInput) as e:
        reliability(scores, labels, edges=(0.5, 0.1))
    assert e.value.field == "edges"


@given(st.lists(st.tuples(st.floats(0, 1), st.booleans()), min_size=1, max_size=40))
def test_reliability_accounts_for_every_row(pairs):
    s, y = zip(*pairs, strict=True)
    r = reliability(list(s), [int(v) for v in y])
    assert r["rows"].sum() == len(pairs) and r["fraud rows"].sum() == sum(y)


# ---- case-level costs ---------------------------------------------------------------------------

def test_case_losses_count_a_takeover_once(frame):
    case, loss = case_losses(frame)
    fraud = frame["isFraud"].to_numpy().astype(bool)
    assert ((case >= 0) == fraud).all()
    takeover = frame["fraudPattern"].astype(str) == "takeover_transfer"
    total = int(frame.loc[takeover, "amount"].sum()) + int(
        frame.loc[frame["fraudPattern"].astype(str) == "card_testing", "amount"].sum())
    assert int(loss.sum()) == total
    assert loss.size == frame.loc[fraud, "fraudCase"].nunique()


def _toy():
    # rows: fraud case 0 (two rows), good, good, fraud case 1
    scores = np.array([0.9, 0.2, 0.5, 0.1, 0.3])
    labels = np.array([1, 1, 0, 0, 1])
    cases = np.array([0, 0, -1, -1, 1])
    losses = np.array([10_000, 100])
    return scores, labels, cases, losses


def test_case_cost_curve_by_hand():
    s, y, c, lo = _toy()
    k = FraudCosts(review=10, friction=20)
    curve = case_cost_curve(s, y, c, lo, k)
    row = curve.set_index("threshold").loc[0.3]
    # flags 0.9, 0.5, 0.3: both cases stopped, one good challenged
    assert (row["flagged"], row["good_challenged"], row["cases_caught"], row["money_lost"]) == (3, 1, 2, 0)
    assert row["cost"] == 3 * 10 + 20
    top = curve.set_index("threshold").loc[np.inf]
    assert top["cost"] == 10_100 and top["cases_missed"] == 2
    best = choose_case_threshold(s, y, c, lo, k)
    assert best.threshold == 0.3 and best.cost == Money("0.50", "USD")
    # with a dear challenge, letting the small case through is cheaper
    dear = choose_case_threshold(s, y, c, lo, FraudCosts(review=10, friction=500))
    assert dear.threshold == 0.9 and dear.money_lost == Money("1.00", "USD")


def test_what_would_move_names_the_setting_case_and_the_friction():
    s, y, c, lo = _toy()
    k = FraudCosts(review=10, friction=20)
    w = what_would_move(s, y, c, lo, k)
    # threshold 0.3 is set by case 1 (loss 100); moving to 0.9 saves 2 reviews, one good customer
    assert w["threshold"] == 0.3 and w["setting case loss"] == Money("1.00", "USD")
    assert (w["next threshold"], w["reviews saved"], w["good customers spared"]) == (0.9, 2, 1)
    assert w["friction that moves it"] == Money("0.80", "USD")
    moved = choose_case_threshold(s, y, c, lo, FraudCosts(review=10, friction=81))
    assert moved.threshold == 0.9
    assert choose_case_threshold(s, y, c, lo, FraudCosts(review=10, friction=79)).threshold == 0.3


def test_policy_cost_matches_the_curve():
    s, y, c, lo = _toy()
    k = FraudCosts(review=10, friction=20)
    got = policy_cost(s >= 0.3, y, c, lo, k)
    assert got["cost"] == Money("0.50", "USD") and got["cases missed"] == 0


@given(st.integers(0, 10**7), st.integers(0, 10**5), st.integers(0, 10**5))
def test_breakeven_balances_the_two_costs(loss, review, friction):
    k = FraudCosts(review=review, friction=friction)
    p = breakeven_probability(loss, k)
    assert 0 <= p <= 1
    if p < 1:
        assert p * loss == pytest.approx(review + (1 - p) * friction, abs=1e-6 * max(1, loss))


def test_breakeven_and_expected_loss_flags():
    k = FraudCosts(review=500, friction=200)
    assert breakeven_probability(Money("70.00", "USD"), k) == pytest.approx(700 / 7200)
    flags = expected_loss_flags([0.5, 0.01, 0.5], np.array([100, 10_000_000, 1_000_000]), k)
    assert flags.tolist() == [False, True, True]
    with pytest.raises(InvalidInput):
        breakeven_probability(Money("1.00", "CNY"), k)
    with pytest.raises(InvalidInput):
        expected_loss_flags([1.5], np.array([1]), k)


def test_cost_inputs_are_checked():
    s, y, c, lo = _toy()
    with pytest.raises(InvalidInput) as e:
        FraudCosts(review=-1)
    assert e.value.field == "review"
    with pytest.raises(InvalidInput) as e:
        case_cost_curve(s, y, np.array([0, 0, 0, -1, 1]), lo, FraudCosts())
    assert e.value.field == "cases"
    with pytest.raises(InvalidInput):
        case_cost_curve(s, y, c, lo, costs="cheap")
    with pytest.raises(InvalidInput):
        case_losses(pd.DataFrame({"amount": [1]}))


def test_parameter_table_documents_the_costs():
    t = parameter_table(FraudCosts())
    assert t.frame["value"].tolist() == ["USD 5.00", "USD 2.00"]


def test_chapter_model_beats_the_rules_on_the_same_test_set():
    """The chapter-5 set-up: the model ranks fraud far better than the rules, on the same test rows."""
    from paylab.fraud import RuleEngine

    data = add_risk_features(generate_transactions(n_steps=240, n_customers=2000, fraud_rate=0.01, seed=0))
    train, test = time_split(data, 0.7)
    model = train_model(train, RISK_FEATURES, seed=0)
    y = test["isFraud"].to_numpy()
    hits = RuleEngine().evaluate(test)
    model_r = ranking_metrics(model.score(test), y)
    rules_r = ranking_metrics(hits.drop(columns="any").sum(axis=1).to_numpy(), y)
    assert model_r["PR-AUC"] > 0.5 > 0.1 > rules_r["PR-AUC"]
    # every takeover's cash-out carries the mule signal, so a low threshold stops every case
    case, loss = case_losses(test)
    best = choose_case_threshold(model.score(test), y, case, loss, FraudCosts())
    assert best.fraud_missed == 0 and best.good_challenged < 0.01 * (y == 0).sum()
