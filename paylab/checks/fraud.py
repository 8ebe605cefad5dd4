"""Questions of the fraud lab (labs/lab_fraud.ipynb): AI risk control on synthetic PaySim-style data.

Every checker runs the student's function on seeded synthetic frames of its own
(``paylab.fraud.generate_transactions``) and on small hand-made cases, compares
with ``paylab.fraud``, and says what is wrong without giving the answer.
"""

from __future__ import annotations

import inspect

import numpy as np
import pandas as pd

from paylab.checks import expect, question
from paylab.fraud import (
    TYPES,
    add_features,
    choose_threshold,
    evaluate,
    expected_cost,
    generate_transactions,
    random_split,
    time_split,
)

_CACHE: dict[str, pd.DataFrame] = {}


def _frame(name: str) -> pd.DataFrame:
    """Seeded frames the checkers share (built once per session)."""
    if name not in _CACHE:
        if name == "raw":
            _CACHE[name] = generate_transactions(n_steps=96, n_customers=400, fraud_rate=0.01, seed=9)
        elif name == "featured":
            _CACHE[name] = add_features(generate_transactions(n_steps=240, n_customers=2500,
                                                              fraud_rate=0.008, seed=3))
    return _CACHE[name].copy()


def _ref_velocity(df: pd.DataFrame, limit: int) -> np.ndarray:
    seen: dict[str, list[int]] = {}
    out = []
    for payer, step in zip(df["nameOrig"].astype(str), df["step"], strict=True):
        past = seen.setdefault(payer, [])
        out.append(sum(1 for s in past if s >= step - 1) >= limit)
        past.append(int(step))
    return np.array(out, dtype=bool)


REASONS = ("new device", "new location", "new payee", "burst", "unusual amount", "night")


def _ref_reasons(row: pd.Series) -> list[str]:
    tests = (row["device_change"] == 1, row["location_change"] == 1, row["new_payee"] == 1,
             row["velocity_1h"] >= 2, row["amount_ratio"] >= 3, row["hour"] < 6)
    return [r for r, t in zip(REASONS, tests, strict=True) if t]


def _uses(fn, *names: str) -> bool:
    try:
        src = inspect.getsource(fn)
    except (OSError, TypeError):
        return False
    return any(n in src for n in names)


@question("fraud.q1", title="Fraud share by transaction type", points=1,
          hint="group the rows by `type` and take the mean of `isFraud`; give all five types, "
               "0.0 for a type with no rows.")
def _q1(fraud_share_by_type) -> None:
    for seed in (5, 6):
        df = generate_transactions(n_steps=48, n_customers=800, fraud_rate=0.01, seed=seed)
        got = fraud_share_by_type(df)
        expect(isinstance(got, pd.Series), "return a pandas Series, not {kind}", kind=type(got).__name__)
        expect(set(map(str, got.index)) == set(TYPES), "the index must hold the five types {types}", types=TYPES)
        got = got.copy()
        got.index = got.index.map(str)
        for t in TYPES:
            rows = df[df["type"].astype(str) == t]
            want = float(rows["isFraud"].mean()) if len(rows) else 0.0
            expect(abs(float(got[t]) - want) < 1e-12, "the share for {type} is off (seed {seed})", type=t, seed=seed)
    tiny = pd.DataFrame({"type": ["TRANSFER", "TRANSFER", "PAYMENT"], "isFraud": [1, 0, 0]})
    got = fraud_share_by_type(tiny)
    got.index = got.index.map(str)
    expect(abs(float(got["TRANSFER"]) - 0.5) < 1e-12, "on 2 TRANSFERs with 1 fraud the share is wrong")
    expect(float(got["CASH_IN"]) == 0.0, "a type with no rows should get 0.0 (not NaN)")


@question("fraud.q2", title="A velocity rule", points=2,
          hint="walk the rows in order and remember, per payer, the steps of their earlier rows; a row "
               "is flagged when at least `limit` of them are in this step or the one before.")
def _q2(velocity_flags) -> None:
    df = _frame("raw").iloc[:1500]
    for limit in (1, 2, 3):
        got = np.asarray(velocity_flags(df, limit))
        expect(got.shape == (len(df),), "return one flag per row ({n}), got shape {shape}", n=len(df),
               shape=got.shape)
        expect(got.dtype == bool, "return booleans")
        want = _ref_velocity(df, limit)
        wrong = np.flatnonzero(got != want)
        expect(wrong.size == 0, "limit={limit}: {n} rows flagged wrongly, the first at position {first}",
               limit=limit, n=wrong.size, first=wrong[0] if wrong.size else 0)
    half = df.iloc[:700]
    expect((np.asarray(velocity_flags(half, 2)) == np.asarray(velocity_flags(df, 2))[:700]).all(),
           "a flag changed when later rows were removed: the rule must look only at the past")
    hand = pd.DataFrame({"step": [1, 1, 2, 4, 4, 4], "nameOrig": ["A", "A", "A", "A", "B", "A"]})
    expect(list(np.asarray(velocity_flags(hand, 2))) == [False, False, True, False, False, False],
           "on a hand-made case (A at steps 1, 1, 2, 4, 4 and B at 4) the flags for limit 2 are wrong; "
           "the last hour is this step and the previous one")


@question("fraud.q3", title="Train with a time split", points=2,
          hint="use time_split(df, 0.7), train_model on the training part and score the test part; "
               "return (test, scores).")
def _q3(train_time_split) -> None:
    df = _frame("featured")
    out = train_time_split(df)
    expect(isinstance(out, tuple) and len(out) == 2, "return a pair (test rows, scores)")
    test, scores = out
    expect(isinstance(test, pd.DataFrame), "the first item must be the test DataFrame")
    expect(set(test.index) <= set(df.index), "the test rows must come from df (keep its index)")
    scores = np.asarray(scores, dtype=float)
    expect(scores.shape == (len(test),), "one score per test row")
    rest = df.drop(index=test.index)
    expect(len(rest) > 0 and len(test) > 0, "both the training and the test part must be non-empty")
    expect(rest["step"].max() < test["step"].min(),
           "some training rows are later than some test rows: split by step, not at random")
    share = len(test) / len(df)
    expect(0.2 <= share <= 0.4, "the test part is {share:.0%} of the rows; keep about 30 %", share=share)
    y = test["isFraud"].to_numpy()
    pr = evaluate(scores, y)["pr_auc"]
    expect(pr > 5 * y.mean(), "the scores rank fraud badly (PR-AUC {pr:.3f}); train a model on the "
                              "training part", pr=pr)


@question("fraud.q4", title="The cost-optimal threshold", points=2,
          hint="the cost only changes at a score value: try every distinct score (and 'flag nothing'), "
               "cost = review × flagged + friction × good flagged + amounts of missed fraud.")
def _q4(cheapest_threshold) -> None:
    expect(not _uses(cheapest_threshold, "choose_threshold", "cost_curve"),
           "write the search yourself, without choose_threshold or cost_curve")
    rng = np.random.default_rng(44)
    cases = [(np.array([0.9, 0.8, 0.3, 0.1]), np.array([1, 0, 1, 0]), np.array([100, 1, 5000, 1]), 10, 50),
             (np.array([0.9, 0.5]), np.array([0, 1]), np.array([10, 20]), 1000, 1000)]  # flag nothing
    for _ in range(40):
        n = int(rng.integers(1, 80))
        s = np.round(rng.random(n), 2)
        y = (rng.random(n) < s * 0.6).astype(int)
        cases.append((s, y, rng.integers(0, 100_000, n), int(rng.integers(0, 3000)), int(rng.integers(0, 5000))))
    for s, y, a, review, friction in cases:
        t = cheapest_threshold(s, y, a, review, friction)
        expect(isinstance(t, (int, float, np.floating)), "return the threshold as a number")
        best = choose_threshold(s, y, a, review, friction).cost
        got = expected_cost(s, y, float(t), a, review, friction)
        expect(got == best, "with {n} scores, review {review} and friction {friction} your threshold "
                            "costs {got} minor units; a cheaper one exists",
               n=len(s), review=review, friction=friction, got=got)


@question("fraud.q5", title="Explain a false positive", points=1,
          hint="check the six red flags in the order of the table and keep those that hold.")
def _q5(risk_reasons) -> None:
    df = _frame("featured")
    rng = np.random.default_rng(55)
    for i in rng.choice(len(df), 60, replace=False):
        row = df.iloc[int(i)]
        got = risk_reasons(row)
        expect(isinstance(got, list), "return a list of strings")
        expect(got == _ref_reasons(row), "row {row}: the red flags differ (check each rule and the order)",
               row=int(i))
    base = df.iloc[0].copy()
    for col, val in (("device_change", 0), ("location_change", 0), ("new_payee", 0), ("velocity_1h", 0),
                     ("amount_ratio", 1.0), ("hour", 12)):
        base[col] = val
    expect(risk_reasons(base) == [], "a row with no red flag should give []")
    edge = base.copy()
    edge["velocity_1h"], edge["amount_ratio"], edge["hour"] = 2, 3.0, 5
    expect(risk_reasons(edge) == ["burst", "unusual amount", "night"],
           "check the limits: 2 rows in the last hour, 3 times the usual amount, before 06:00")


@question("fraud.q6", title="The price of a too-strict policy", points=2,
          hint="cost of the strict threshold (reviews + friction + missed fraud) minus the least cost "
               "over all thresholds; expected_cost and choose_threshold help.")
def _q6(strict_premium) -> None:
    rng = np.random.default_rng(66)
    for k in range(25):
        n = int(rng.integers(5, 300))
        s = np.round(rng.random(n), 3)
        y = (rng.random(n) < 0.1 + 0.5 * s).astype(int)
        a = rng.integers(100, 500_000, n)
        review, friction = int(rng.integers(0, 2000)), int(rng.integers(0, 5000))
        strict = float(rng.choice([0.0, 0.05, 0.2, 0.5]))
        got = strict_premium(s, y, a, review, friction, strict)
        expect(isinstance(got, (int, np.integer)), "return the premium as int minor units")
        want = expected_cost(s, y, strict, a, review, friction) - choose_threshold(s, y, a, review, friction).cost
        expect(got >= 0, "case {case}: a premium over the cheapest policy cannot be negative", case=k)
        expect(got == want, "case {case}: strict threshold {strict}, the premium is off", case=k, strict=strict)


@question("fraud.q7", title="What a random split leaks", points=1,
          hint="take the fraudCase values of the fraud rows in train; among the test fraud rows, the "
               "share whose fraudCase is in that set.")
def _q7(case_leak_share) -> None:
    df = _frame("featured")
    for name, (tr, te) in (("time", time_split(df, 0.7)), ("random", random_split(df, 0.7, seed=1)),
                           ("random", random_split(df, 0.5, seed=2))):
        got = case_leak_share(tr, te)
        seen = set(tr.loc[tr["fraudCase"] >= 0, "fraudCase"])
        cases = te.loc[te["fraudCase"] >= 0, "fraudCase"]
        want = float(cases.isin(seen).mean())
        expect(abs(float(got) - want) < 1e-12, "{split} split: the share is off", split=name)
    none = df[df["isFraud"] == 0]
    expect(float(case_leak_share(none, none)) == 0.0, "with no fraud in test, return 0.0")
