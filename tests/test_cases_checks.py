"""The cases lab's checkers: reference answers pass, typical mistakes are 'wrong', stubs are 'not yet'."""

from __future__ import annotations

from dataclasses import replace
from decimal import ROUND_CEILING, Decimal
from itertools import combinations

import pytest

from paylab.cases import checkout, credit, disputes, escrow_trust, social, wallet_yield
from paylab.checks import check, questions
from paylab.errors import InvalidInput
from paylab.money import Money


def ref_q1(principal, n, rate):
    a = credit.instalment_apr(principal, n, rate)
    return a.nominal_apr, a.effective_annual


def ref_q2(incomes):
    if len(incomes) < 7:
        raise InvalidInput("incomes", "at least 7 days")
    return wallet_yield.seven_day_yield(incomes)


def ref_q3(params, target):
    for d in range(1, 61):
        if escrow_trust.loss_given_fraud(replace(params, auto_confirm_days=float(d)), "escrow_dispute") <= target:
            return d
    raise InvalidInput("max_loss_given_fraud", "reachable")


def ref_q4(daily, rate, window, hold, safety):
    amount = disputes.chargeback_reserve(daily, rate, window, safety)
    share = (amount.amount / (daily.amount * hold)).quantize(Decimal("0.001"), rounding=ROUND_CEILING)
    return amount, share


def ref_q5(params, target):
    steps = checkout.conversion(replace(params, challenge_rate=0.0))
    if steps < target:
        raise InvalidInput("min_conversion", "reachable")
    return max(0.0, min(1.0, (1 - target / steps) / params.challenge_drop))


def ref_q6(rules, limit):
    best, best_fake = [], 1.0
    for k in range(len(rules) + 1):
        for combo in combinations(rules, k):
            real, fake = social.rule_pass_rates([rules[c] for c in combo])
            if 1 - real <= limit + 1e-12 and fake < best_fake:
                best, best_fake = list(combo), fake
    return best


def ref_q7(balance, rate, daily):
    plan = credit.minimum_payment_plan(balance, credit.RevolvingParams(min_payment_rate=rate,
                                                                       daily_interest_rate=daily))
    return len(plan), sum(plan["interest"], Money.zero(balance.currency))


REFERENCE = {"cases.q1": ref_q1, "cases.q2": ref_q2, "cases.q3": ref_q3, "cases.q4": ref_q4,
             "cases.q5": ref_q5, "cases.q6": ref_q6, "cases.q7": ref_q7}


def test_the_lab_has_at_least_six_questions():
    qs = questions("cases")
    assert [q.id for q in qs] == list(REFERENCE)
    assert sum(q.points for q in qs) >= 12


@pytest.mark.parametrize("qid", list(REFERENCE))
def test_reference_answers_pass(qid):
    fb = check(qid, REFERENCE[qid])
    assert fb.passed, str(fb)


@pytest.mark.parametrize("qid", list(REFERENCE))
def test_stub_is_not_yet(qid):
    def stub(*args):
        raise NotImplementedError()

    assert check(qid, stub).status == "not yet"


WRONG = {
    "cases.q1": lambda p, n, r: (12 * r, 12 * r),                       # the flat rate
    "cases.q2": lambda s: wallet_yield.seven_day_yield(s, method="simple") if len(s) >= 7 else 1 / 0,
    "cases.q3": lambda p, t: 10,                                          # always the default
    "cases.q4": lambda d, r, w, h, s: (Money.of(d.amount * w * Decimal(str(r)) * s, d.currency),
                                       Decimal("0.1")),                  # rounded half-even, share too big
    "cases.q5": lambda p, t: 0.0,                                         # safe but not the largest
    "cases.q6": lambda rules, limit: list(rules),                         # every rule
    "cases.q7": lambda b, r, d: (10, Money.zero(b.currency)),
}


@pytest.mark.parametrize("qid", list(WRONG))
def test_typical_mistakes_are_wrong_without_revealing_the_answer(qid):
    fb = check(qid, WRONG[qid])
    assert fb.status == "wrong", str(fb)
    assert fb.hint


def test_q1_feedback_does_not_print_the_reference_rate():
    fb = check("cases.q1", WRONG["cases.q1"])
    assert "0.1303" not in fb.message and "13.03" not in fb.message
