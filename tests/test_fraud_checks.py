"""The fraud lab's checkers: right answers pass, typical mistakes are caught, stubs say 'not yet'."""

from __future__ import annotations

import numpy as np
import pytest

from paylab.checks import check, questions
from paylab.fraud import choose_threshold, expected_cost, random_split, time_split, train_model

TYPES = ["CASH_IN", "CASH_OUT", "DEBIT", "PAYMENT", "TRANSFER"]


def share_ok(df):
    return df.groupby(df["type"].astype(str))["isFraud"].mean().reindex(TYPES, fill_value=0.0).astype(float)


def share_nan(df):                           # forgets the empty types
    return df.groupby(df["type"].astype(str))["isFraud"].mean().reindex(TYPES).astype(float)


def velocity_ok(df, limit):
    seen, out = {}, []
    for payer, step in zip(df["nameOrig"].astype(str), df["step"], strict=True):
        past = seen.setdefault(payer, [])
        out.append(sum(1 for s in past if s >= step - 1) >= limit)
        past.append(int(step))
    return np.array(out, dtype=bool)


def velocity_same_step_only(df, limit):     # forgets the previous step
    seen, out = {}, []
    for payer, step in zip(df["nameOrig"].astype(str), df["step"], strict=True):
        past = seen.setdefault(payer, [])
        out.append(sum(1 for s in past if s == step) >= limit)
        past.append(int(step))
    return np.array(out, dtype=bool)


def velocity_future(df, limit):              # counts the whole step, later rows too
    counts = df.groupby([df["nameOrig"].astype(str), df["step"]])["step"].transform("size").to_numpy()
    return counts - 1 >= limit


def split_ok(df):
    train, test = time_split(df, 0.7)
    return test, train_model(train, seed=0).score(test)


def split_random(df):
    train, test = random_split(df, 0.7, seed=0)
    return test, train_model(train, seed=0).score(test)


def cheapest_ok(scores, labels, amounts, review, friction):
    scores, labels, amounts = np.asarray(scores), np.asarray(labels) == 1, np.asarray(amounts)
    best_t, best = float("inf"), int(amounts[labels].sum())
    for t in np.unique(scores):
        flag = scores >= t
        cost = review * int(flag.sum()) + friction * int((flag & ~labels).sum()) + int(amounts[labels & ~flag].sum())
        if cost < best:
            best_t, best = float(t), cost
    return best_t


def cheapest_no_friction(scores, labels, amounts, review, friction):
    return cheapest_ok(scores, labels, amounts, review, 0)


def cheapest_library(scores, labels, amounts, review, friction):
    return choose_threshold(scores, labels, amounts, review, friction).threshold


def reasons_ok(row):
    rules = [("new device", row["device_change"] == 1), ("new location", row["location_change"] == 1),
             ("new payee", row["new_payee"] == 1), ("burst", row["velocity_1h"] >= 2),
             ("unusual amount", row["amount_ratio"] >= 3), ("night", row["hour"] < 6)]
    return [n for n, hit in rules if hit]


def reasons_strict(row):                     # > instead of >=
    return [r for r in reasons_ok(row) if r != "burst" or row["velocity_1h"] > 2]


def premium_ok(scores, labels, amounts, review, friction, t):
    return int(expected_cost(scores, labels, t, amounts, review, friction)
               - choose_threshold(scores, labels, amounts, review, friction).cost)


def premium_total(scores, labels, amounts, review, friction, t):   # forgets to subtract the optimum
    return int(expected_cost(scores, labels, t, amounts, review, friction))


def leak_ok(train, test):
    seen = set(train.loc[train["fraudCase"] >= 0, "fraudCase"])
    cases = test.loc[test["fraudCase"] >= 0, "fraudCase"]
    return float(cases.isin(seen).mean()) if len(cases) else 0.0


def leak_all_rows(train, test):              # divides by all test rows
    seen = set(train.loc[train["fraudCase"] >= 0, "fraudCase"])
    return float(test["fraudCase"].isin(seen).mean())


def stub(*_args):
    raise NotImplementedError()


CASES = [
    ("fraud.q1", share_ok, [share_nan]),
    ("fraud.q2", velocity_ok, [velocity_same_step_only, velocity_future]),
    ("fraud.q3", split_ok, [split_random]),
    ("fraud.q4", cheapest_ok, [cheapest_no_friction, cheapest_library]),
    ("fraud.q5", reasons_ok, [reasons_strict]),
    ("fraud.q6", premium_ok, [premium_total]),
    ("fraud.q7", leak_ok, [leak_all_rows]),
]


def test_lab_has_seven_questions():
    assert [q.id for q in questions("fraud")] == [f"fraud.q{i}" for i in range(1, 8)]


@pytest.mark.parametrize("qid, right, wrongs", CASES, ids=[c[0] for c in CASES])
def test_checker(qid, right, wrongs):
    assert check(qid, right).passed, check(qid, right)
    for wrong in wrongs:
        fb = check(qid, wrong)
        assert fb.status == "wrong", (wrong.__name__, fb)
    assert check(qid, stub).status == "not yet"
