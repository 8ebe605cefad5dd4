"""Tests of paylab.fraud: the PaySim-style generator, features, rules, split, model, threshold."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from paylab.errors import CurrencyMismatch, InvalidInput
from paylab.fraud import (
    COLUMNS,
    FLAG_LIMIT_MINOR,
    TYPES,
    Rule,
    RuleEngine,
    add_features,
    choose_threshold,
    cost_curve,
    evaluate,
    expected_cost,
    feature_importance,
    generate_transactions,
    inconsistent_rows,
    outcome_at,
    random_split,
    read_paysim,
    split_comparison,
    time_split,
    to_money,
    train_model,
)
from paylab.money import Money


@pytest.fixture(scope="module")
def small() -> pd.DataFrame:
    return generate_transactions(n_steps=96, n_customers=600, n_merchants=50, fraud_rate=0.01, seed=7)


@pytest.fixture(scope="module")
def featured(small) -> pd.DataFrame:
    return add_features(small)


gen_params = st.fixed_dictionaries({
    "n_steps": st.integers(1, 72),
    "n_customers": st.integers(20, 300),
    "n_merchants": st.integers(1, 30),
    "fraud_rate": st.sampled_from([0.0, 0.0013, 0.01, 0.03]),
    "seed": st.integers(0, 2**32),
    "n_transactions": st.integers(1, 1500),
})


def _generate(params: dict) -> pd.DataFrame:
    """Generate, or skip the example when it asks for more fraud cases than half the customers."""
    try:
        return generate_transactions(**params)
    except InvalidInput as e:
        assert e.field == "fraud_rate" and params["fraud_rate"] * params["n_transactions"] > 20
        assume(False)
        raise


def _replay_balances(df: pd.DataFrame) -> list[int]:
    """Independent, row-by-row bookkeeping: rows whose balances do not follow from the last ones."""
    last: dict[str, int] = {}
    bad = []
    for i, r in enumerate(df.itertuples(index=False)):
        sign = 1 if r.type == "CASH_IN" else -1
        o, d = str(r.nameOrig), str(r.nameDest)
        ok = r.newbalanceOrig == r.oldbalanceOrg + sign * r.amount and r.newbalanceOrig >= 0
        ok &= last.get(o, r.oldbalanceOrg) == r.oldbalanceOrg
        last[o] = r.newbalanceOrig
        if d.startswith("M"):
            ok &= r.oldbalanceDest == 0 and r.newbalanceDest == 0
        else:
            ok &= r.newbalanceDest == r.oldbalanceDest - sign * r.amount and r.newbalanceDest >= 0
            ok &= last.get(d, r.oldbalanceDest) == r.oldbalanceDest
            last[d] = r.newbalanceDest
        if not ok:
            bad.append(i)
    return bad


# ---- generator ------------------------------------------------------------------------

def test_schema_and_types(small):
    assert list(small.columns[: len(COLUMNS)]) == list(COLUMNS)
    assert set(small["type"].astype(str)) <= set(TYPES)
    for c in ("amount", "oldbalanceOrg", "newbalanceOrig", "oldbalanceDest", "newbalanceDest"):
        assert small[c].dtype == np.int64, c          # money is integer minor units, never float
    assert small["step"].between(1, 96).all()
    assert (np.diff(small["step"].to_numpy()) >= 0).all()
    assert len(small) == 600 * 96 // 24
    assert small.attrs["amount_unit"].startswith("minor units")
    assert to_money(12345) == Money("123.45", "USD")


def test_default_fraud_share_is_paysim_like():
    df = generate_transactions(n_steps=48, n_customers=20_000, seed=1)
    assert df["isFraud"].sum() == round(0.0013 * len(df))
    assert set(df.loc[df.isFraud == 1, "fraudPattern"].astype(str)) == {
        "takeover_transfer", "mule_cash_out", "card_testing"}


def test_deterministic_per_seed():
    a = generate_transactions(n_steps=24, n_customers=100, seed=3)
    b = generate_transactions(n_steps=24, n_customers=100, seed=3)
    c = generate_transactions(n_steps=24, n_customers=100, seed=4)
    pd.testing.assert_frame_equal(a, b)
    assert not a["amount"].equals(c["amount"])


def test_balances_replay(small):
    assert _replay_balances(small) == []
    assert inconsistent_rows(small).empty


def test_inconsistent_rows_finds_a_tampered_balance(small):
    bad = small.copy()
    i = bad.index[len(bad) // 2]
    bad.loc[i, "newbalanceOrig"] += 1
    assert i in inconsistent_rows(bad).index
    chain = small.copy()
    j = chain.index[(chain["type"].astype(str) == "CASH_OUT").to_numpy()][5]
    chain.loc[j, ["oldbalanceOrg", "newbalanceOrig"]] += 100      # row fine, chain broken
    found = inconsistent_rows(chain)
    assert len(found) >= 1
    acc = chain.loc[j, "nameOrig"]
    assert ((found["nameOrig"] == acc) | (found["nameDest"] == acc)).all()


@given(gen_params)
def test_generator_balances_consistent(params):
    df = _generate(params)
    assert len(df) == params["n_transactions"]
    assert inconsistent_rows(df).empty
    assert _replay_balances(df) == []


def _check_fraud_pattern(df: pd.DataFrame) -> None:
    pattern = df["fraudPattern"].astype(str).to_numpy()
    assert ((pattern != "none") == (df["isFraud"] == 1)).all()
    flagged = (df["type"].astype(str) == "TRANSFER") & (df["amount"] > FLAG_LIMIT_MINOR)
    assert (df["isFlaggedFraud"] == flagged.astype(int)).all()
    rows = df.reset_index(drop=True)
    for case, g in rows[rows.fraudCase >= 0].groupby("fraudCase"):
        kinds = list(g["fraudPattern"].astype(str))
        if kinds[0] == "card_testing":
            assert set(kinds) == {"card_testing"} and 1 <= len(g) <= 8
            assert (g["type"].astype(str) == "PAYMENT").all()
            assert g["amount"].between(100, 500).all()
            assert g["nameOrig"].nunique() == 1 and g["step"].nunique() == 1
            assert g["nameDest"].astype(str).str.startswith("M").all()
            continue
        # account takeover: TRANSFER victim -> mule, then the mule's CASH_OUT of the same amount
        assert kinds == ["takeover_transfer", "mule_cash_out"], (case, kinds)
        t, c = g.iloc[0], g.iloc[1]
        assert t["type"] == "TRANSFER" and c["type"] == "CASH_OUT"
        assert c["nameOrig"] == t["nameDest"] and c["amount"] == t["amount"] > 0
        assert c["step"] == t["step"] and c.name > t.name
        assert 0 <= t["newbalanceOrig"] < t["oldbalanceOrg"]
        assert t["amount"] >= t["oldbalanceOrg"] // 2          # all of it or at least half
        assert t["oldbalanceDest"] + t["amount"] == t["newbalanceDest"]
        victim = t["nameOrig"]
        later = rows.loc[t.name + 1:]
        assert not (later["nameOrig"] == victim).any()          # the account is frozen
        mule_rows = rows[(rows.nameOrig == t["nameDest"])]
        assert (mule_rows["fraudPattern"].astype(str) == "mule_cash_out").all()


def test_fraud_pattern_small(small):
    _check_fraud_pattern(small)
    assert (small["fraudPattern"].astype(str) == "takeover_transfer").sum() > 5


@given(gen_params)
def test_fraud_labels_follow_pattern(params):
    _check_fraud_pattern(_generate(params))


def test_drift_changes_fraud_over_time():
    def takeovers(drift: bool) -> pd.DataFrame:
        df = add_features(generate_transactions(n_steps=720, n_customers=5_000, n_transactions=100_000,
                                                fraud_rate=0.01, seed=2, drift=drift))
        return df[(df.fraudPattern.astype(str) == "takeover_transfer") & (df.prev_count > 0)]

    t = takeovers(True)
    early, late = t[t.step <= 240], t[t.step > 480]
    assert early["device_change"].mean() > late["device_change"].mean() + 0.4
    assert early["location_change"].mean() > late["location_change"].mean() + 0.4
    t = takeovers(False)
    assert abs(t[t.step <= 240]["device_change"].mean() - t[t.step > 480]["device_change"].mean()) < 0.15


@pytest.mark.parametrize("kwargs, field", [
    ({"n_steps": 0}, "n_steps"),
    ({"n_steps": 2.5}, "n_steps"),
    ({"n_customers": 1}, "n_customers"),
    ({"fraud_rate": 0.7}, "fraud_rate"),
    ({"fraud_rate": "1%"}, "fraud_rate"),
    ({"fraud_rate": 0.2, "n_customers": 10, "n_transactions": 1000}, "fraud_rate"),
    ({"seed": -1}, "seed"),
    ({"n_transactions": 0}, "n_transactions"),
    ({"type_mix": {"CASH_IN": 1.0}}, "type_mix"),
])
def test_generator_bad_input(kwargs, field):
    with pytest.raises(InvalidInput) as e:
        generate_transactions(**{"n_steps": 24, "n_customers": 50, **kwargs})
    assert e.value.field == field


def test_progress_bar_only_on_request(capsys):
    generate_transactions(n_steps=24, n_customers=50, progress=False)
    assert capsys.readouterr().err == ""
    generate_transactions(n_steps=24, n_customers=50, progress=True)
    assert "generate_transactions" in capsys.readouterr().err


@given(st.lists(st.integers(0, 2**32 - 1), max_size=300))
def test_radix_order_is_a_stable_argsort(keys):
    from paylab.fraud.generate import _stable_order
    a = np.array(keys, dtype=np.int64)
    np.testing.assert_array_equal(_stable_order(a), np.argsort(a, kind="stable"))


# ---- features -------------------------------------------------------------------------

def test_features_against_brute_force(featured):
    f = featured.reset_index(drop=True).iloc[:1500]
    seen_pairs: set = set()
    history: dict[str, list] = {}
    for r in f.itertuples(index=False):
        o = str(r.nameOrig)
        past = history.get(o, [])
        assert r.hour == (r.step - 1) % 24
        assert r.prev_count == len(past)
        assert r.velocity_1h == sum(1 for s, _, _ in past if s >= r.step - 1)
        if past:
            mean = sum(a for _, a, _ in past) / len(past)
            assert r.amount_ratio == pytest.approx(r.amount / mean)
            assert r.device_change == int(past[-1][2] != r.device)
        else:
            assert r.amount_ratio == 1.0 and r.device_change == 0
        assert r.new_payee == int((o, str(r.nameDest)) not in seen_pairs)
        seen_pairs.add((o, str(r.nameDest)))
        history.setdefault(o, []).append((r.step, r.amount, r.device))
        assert TYPES[r.type_code] == r.type
        assert 0 <= r.balance_share <= 1
    names_before: set = set()
    for r in f.itertuples(index=False):
        assert r.dest_is_new_account == int(str(r.nameDest) not in names_before and
                                            str(r.nameDest) != str(r.nameOrig))
        names_before |= {str(r.nameOrig), str(r.nameDest)}


def test_features_work_on_plain_strings(small):
    plain = small.iloc[:800].astype({"nameOrig": str, "nameDest": str, "type": str})
    a = add_features(plain)
    b = add_features(small.iloc[:800])
    for c in ("velocity_1h", "new_payee", "amount_ratio", "dest_is_new_account"):
        np.testing.assert_array_equal(a[c].to_numpy(), b[c].to_numpy())


def test_features_bad_input(small):
    with pytest.raises(InvalidInput) as e:
        add_features(small.iloc[::-1])
    assert e.value.rule == "time order"
    with pytest.raises(InvalidInput) as e:
        add_features(small.assign(amount=small.amount / 100))
    assert e.value.rule == "integer minor units"
    with pytest.raises(InvalidInput) as e:
        add_features(small.drop(columns=["nameDest"]))
    assert e.value.field == "df"
    with pytest.raises(InvalidInput):
        add_features("not a frame")
    with pytest.raises(InvalidInput) as e:
        add_features(small.assign(type=small["type"].astype(str).replace("DEBIT", "WIRE")))
    assert e.value.rule == "PaySim types"
    holes = small.copy()
    holes.loc[holes.index[3], "nameDest"] = np.nan
    with pytest.raises(InvalidInput) as e:
        add_features(holes)
    assert e.value.rule == "no missing names"


# ---- rules ----------------------------------------------------------------------------

def test_rules_hits_and_report(featured):
    rules = [
        Rule("big", "amount_over", {"amount": Money("1000.00", "USD")}, ("TRANSFER",)),
        {"name": "fast", "kind": "velocity_over", "count": 3},
        {"name": "bl", "kind": "blacklist", "names": [str(featured.nameDest.iloc[0])]},
        Rule("np", "new_payee_amount_over", {"amount": 50_000_00}),
    ]
    eng = RuleEngine(rules)
    hits = eng.evaluate(featured)
    np.testing.assert_array_equal(hits["big"], (featured.type == "TRANSFER") & (featured.amount > 100_000))
    np.testing.assert_array_equal(hits["fast"], featured.velocity_1h >= 3)
    assert hits["bl"].iloc[0]
    np.testing.assert_array_equal(hits["np"], (featured.new_payee == 1) & (featured.amount > 50_000_00))
    np.testing.assert_array_equal(hits["any"], hits[["big", "fast", "bl", "np"]].any(axis=1))
    rep = eng.report(featured)
    y = featured.isFraud.to_numpy() == 1
    for name in ("big", "fast", "any"):
        h = hits[name].to_numpy()
        assert rep.loc[name, "hits"] == h.sum()
        assert rep.loc[name, "hit_rate"] == pytest.approx(h.mean())
        assert rep.loc[name, "recall"] == pytest.approx((h & y).sum() / y.sum())
        if h.sum():
            assert rep.loc[name, "precision"] == pytest.approx((h & y).sum() / h.sum())
    assert rep.loc["fast", "precision"] > featured.isFraud.mean() * 5       # bursts are caught


@pytest.mark.parametrize("rule, field", [
    ({"name": "x", "kind": "nope"}, "kind"),
    ({"name": "x", "kind": "amount_over"}, "params"),
    ({"name": "x", "kind": "amount_over", "amount": 10.5}, "amount"),
    ({"name": "x", "kind": "velocity_over", "count": 0}, "count"),
    ({"name": "x", "kind": "blacklist", "names": "C1"}, "names"),
    ({"name": "x", "kind": "velocity_over", "count": 2, "types": ["WIRE"]}, "types"),
    ({"name": "", "kind": "velocity_over", "count": 2}, "name"),
])
def test_rule_bad_input(rule, field):
    with pytest.raises(InvalidInput) as e:
        Rule.from_dict(rule)
    assert e.value.field == field


def test_rule_engine_needs_features(small):
    with pytest.raises(InvalidInput) as e:
        RuleEngine([Rule("v", "velocity_over", {"count": 2})]).evaluate(small)
    assert e.value.field == "df"
    with pytest.raises(InvalidInput) as e:
        RuleEngine([Rule("a", "velocity_over", {"count": 2}), Rule("a", "velocity_over", {"count": 3})])
    assert e.value.field == "rules"


# ---- split and model -------------------------------------------------------------------

@given(steps=st.lists(st.integers(1, 50), min_size=2, max_size=200), frac=st.floats(0.01, 0.99))
def test_time_split_never_trains_on_the_future(steps, frac):
    df = pd.DataFrame({"step": sorted(steps)})
    if len(set(steps)) < 2:
        with pytest.raises(InvalidInput):
            time_split(df, frac)
        return
    train, test = time_split(df, frac)
    assert len(train) and len(test) and len(train) + len(test) == len(df)
    assert train["step"].max() < test["step"].min()


def test_time_split_bad_input():
    df = pd.DataFrame({"step": [1, 2, 3]})
    for frac in (0, 1, 1.5, "0.7", True):
        with pytest.raises(InvalidInput) as e:
            time_split(df, frac)
        assert e.value.field == "train_frac"
    with pytest.raises(InvalidInput) as e:
        time_split(pd.DataFrame({"step": [4, 4]}))
    assert e.value.field == "df"


def test_random_split_mixes_time():
    df = pd.DataFrame({"step": np.arange(1, 1001)})
    train, test = random_split(df, 0.7, seed=1)
    assert train["step"].max() > test["step"].min()
    assert len(train) + len(test) == 1000


@pytest.fixture(scope="module")
def trained():
    df = add_features(generate_transactions(n_steps=168, n_customers=3000, fraud_rate=0.008, seed=11))
    train, test = time_split(df, 0.7)
    return train, test, train_model(train, seed=0)


def test_model_scores_and_metrics(trained):
    train, test, model = trained
    s = model.score(test)
    assert s.shape == (len(test),) and (s >= 0).all() and (s <= 1).all()
    y = test["isFraud"].to_numpy()
    ev = evaluate(s, y, threshold=0.5)
    cm = ev["confusion"].to_numpy()
    assert cm.sum() == len(test) and cm[1].sum() == y.sum()
    tn, fp, fn, tp = cm.ravel()
    assert ev["precision"] == pytest.approx(tp / (tp + fp)) and ev["recall"] == pytest.approx(tp / (tp + fn))
    assert ev["pr_auc"] > 5 * y.mean()              # far better than guessing
    assert ev["roc_auc"] > 0.9
    again = train_model(train, seed=0).score(test)
    np.testing.assert_array_equal(s, again)          # seeded, deterministic
    logit = train_model(train, kind="logistic")
    assert evaluate(logit.score(test), y)["pr_auc"] > 2 * y.mean()


def test_feature_importance(trained):
    _, test, model = trained
    imp = feature_importance(model, test, n_repeats=2, seed=0)
    assert set(imp.index) == set(model.features)
    assert imp.is_monotonic_decreasing and imp.iloc[0] > 0


def test_model_bad_input(trained):
    train, test, model = trained
    with pytest.raises(InvalidInput) as e:
        train_model(train, kind="forest")
    assert e.value.field == "kind"
    with pytest.raises(InvalidInput) as e:
        train_model(train, features=["no_such"])
    assert e.value.field == "features"
    with pytest.raises(InvalidInput) as e:
        train_model(train[train.isFraud == 0])
    assert e.value.field == "train"
    with pytest.raises(InvalidInput) as e:
        train_model(train.assign(amount_ratio=np.nan), kind="logistic")
    assert e.value.rule == "finite features"
    with pytest.raises(InvalidInput) as e:
        model.score(test.drop(columns=["velocity_1h"]))
    assert e.value.field == "df"
    ev = evaluate([0.1, 0.2], [0, 0])
    assert np.isnan(ev["roc_auc"]) and ev["precision"] == 0.0


def test_split_comparison_measures_the_leak(trained):
    train, test, _ = trained
    df = pd.concat([train, test])
    cmp = split_comparison(df, 0.7, seed=0)
    assert cmp.loc["time split", "test rows before last train step"] == 0
    assert cmp.loc["random split", "test rows before last train step"] > 0.9
    assert cmp.loc["time split", "test fraud with case in train"] == 0
    assert cmp.loc["random split", "test fraud with case in train"] > 0.5


# ---- threshold ---------------------------------------------------------------------------

def _brute(scores, labels, loss, review, friction):
    best = None
    for t in sorted(set(scores) | {np.inf}):
        flag = scores >= t
        cost = review * flag.sum() + friction * (flag & ~labels).sum() + loss[labels & ~flag].sum()
        if best is None or cost <= best[1]:
            best = (t, int(cost))
    return best


@given(
    data=st.lists(st.tuples(st.integers(0, 20), st.booleans(), st.integers(0, 10_000)), min_size=1, max_size=60),
    review=st.integers(0, 500), friction=st.integers(0, 2000), per_row=st.booleans(),
)
def test_choose_threshold_is_optimal(data, review, friction, per_row):
    scores = np.array([d[0] / 20 for d in data])
    labels = np.array([d[1] for d in data])
    loss = np.array([d[2] for d in data], dtype=np.int64) if per_row else np.full(len(data), 777, np.int64)
    cost_fraud = loss if per_row else 777
    choice = choose_threshold(scores, labels, cost_fraud, review, friction)
    t, cost = _brute(scores, labels, loss, review, friction)
    assert choice.cost == cost
    assert choice.threshold == t              # the highest of the cheapest thresholds
    assert expected_cost(scores, labels, choice.threshold, cost_fraud, review, friction) == cost
    for other in np.linspace(-0.1, 1.1, 13):  # no threshold at all is cheaper
        assert expected_cost(scores, labels, other, cost_fraud, review, friction) >= cost
    assert choice.fraud_caught + choice.fraud_missed == labels.sum()


def test_choose_threshold_with_money():
    scores = [0.9, 0.8, 0.3, 0.1]
    labels = [1, 0, 1, 0]
    c = choose_threshold(scores, labels, Money("100.00", "EUR"), Money("1.00", "EUR"), Money("5.00", "EUR"))
    assert c.threshold == 0.3 and c.cost == Money("8.00", "EUR") and c.money_lost == Money("0.00", "EUR")
    c = choose_threshold(scores, labels, Money("3.00", "EUR"), Money("1.00", "EUR"), Money("5.00", "EUR"))
    assert c.threshold == 0.9 and c.cost == Money("4.00", "EUR")
    with pytest.raises(CurrencyMismatch):
        choose_threshold(scores, labels, Money("1", "EUR"), Money("1", "USD"), 0)


def test_cost_curve_columns():
    curve = cost_curve([0.2, 0.5, 0.5, 0.9], [0, 1, 0, 1], 1000, 10, 50)
    assert list(curve["threshold"]) == [0.2, 0.5, 0.9, np.inf]
    assert list(curve["flagged"]) == [4, 3, 1, 0]
    assert list(curve["good_challenged"]) == [2, 1, 0, 0]
    assert list(curve["cost"]) == [140, 80, 1010, 2000]


@pytest.mark.parametrize("args, field", [
    (([], [], 1, 1, 1), "scores"),
    (([0.1, np.nan], [0, 1], 1, 1, 1), "scores"),
    (([0.1, 0.2], [0], 1, 1, 1), "labels"),
    (([0.1, 0.2], [0, 2], 1, 1, 1), "labels"),
    (([0.1, 0.2], [0, 1], 1.5, 1, 1), "cost_fraud"),
    (([0.1, 0.2], [0, 1], 1, -1, 1), "cost_review"),
    (([0.1, 0.2], [0, 1], 1, 1, 0.5), "cost_friction"),
    (([0.1, 0.2], [0, 1], [1.0, 2.0], 1, 1), "cost_fraud"),
])
def test_threshold_bad_input(args, field):
    with pytest.raises(InvalidInput) as e:
        choose_threshold(*args)
    assert e.value.field == field


def test_outcome_at():
    o = outcome_at([0.9, 0.6, 0.4, 0.1], [1, 0, 1, 0], 0.5, amounts=np.array([100, 200, 300, 400]))
    assert o["fraud_caught"] == 1 and o["good_challenged"] == 1 and o["money_lost"] == 300
    assert o["recall"] == 0.5 and o["challenge_rate"] == 0.5
    with pytest.raises(InvalidInput) as e:
        outcome_at([0.1], [1], float("nan"))
    assert e.value.field == "threshold"
    with pytest.raises(InvalidInput) as e:
        outcome_at([0.1], [1], 0.5, amounts=[1.5])
    assert e.value.field == "amounts"


# ---- reading a PaySim CSV -----------------------------------------------------------------

CSV = ",".join(COLUMNS) + """
1,PAYMENT,9839.64,C1231006815,170136.0,160296.36,M1979787155,0.0,0.0,0,0
1,TRANSFER,181.0,C1305486145,181.0,0.0,C553264065,0.0,0.0,1,0
1,CASH_OUT,181.0,C840083671,181.0,0.0,C38997010,21182.0,0.0,1,0
2,CASH_IN,0.1,C1,5,5.10,C2,100.00,99.90,0,0
"""


def test_read_paysim_exact_cents():
    import io
    df = read_paysim(io.StringIO(CSV))
    assert list(df.columns) == list(COLUMNS)
    assert df["amount"].tolist() == [983_964, 18_100, 18_100, 10]
    assert df["newbalanceOrig"].tolist() == [16_029_636, 0, 0, 510]
    assert df["oldbalanceDest"].dtype == np.int64
    f = add_features(df)
    assert f["new_payee"].tolist() == [1, 1, 1, 1]


@pytest.mark.parametrize("bad, field", [("9839.645", "amount"), ("1e5", "amount"), ("abc", "amount")])
def test_read_paysim_bad_amounts(bad, field):
    import io
    with pytest.raises(InvalidInput) as e:
        read_paysim(io.StringIO(CSV.replace("9839.64", bad)))
    assert e.value.field == field


def test_read_paysim_bad_source():
    import io
    with pytest.raises(InvalidInput) as e:
        read_paysim(io.StringIO(CSV.replace("PAYMENT", "WIRE")))
    assert e.value.field == "type"
    with pytest.raises(InvalidInput) as e:
        read_paysim(io.StringIO("step,type\n1,PAYMENT\n"))
    assert e.value.field == "source"
    with pytest.raises(InvalidInput) as e:
        read_paysim("/no/such/paysim.csv")
    assert e.value.field == "source"
    assert read_paysim(pd.read_csv(io.StringIO(CSV), dtype=str))["amount"].iloc[0] == 983_964
    with pytest.raises(InvalidInput) as e:
        read_paysim(io.StringIO(CSV.replace("\n2,CASH_IN", "\nx,CASH_IN")))
    assert e.value.field == "step"
