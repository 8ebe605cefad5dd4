"""Questions of the cases lab, *Case studies as models* (labs/lab_cases.ipynb)."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from itertools import combinations

from paylab.cases import checkout, credit, disputes, escrow_trust, social, wallet_yield
from paylab.checks import expect, question
from paylab.errors import InvalidInput
from paylab.money import Money


def _raises_invalid(fn, args: tuple, field: str) -> bool:
    try:
        fn(*args)
    except InvalidInput as exc:
        return exc.field == field
    except NotImplementedError:
        raise
    except Exception:  # noqa: BLE001 - any other error is the wrong kind
        return False
    return False


@question("cases.q1", title="The true APR of an instalment plan", points=3,
          hint="Cash flows: +principal now, −payment at the end of each month. Find r with NPV(r) = 0 "
               "by bisection; nominal = 12 r, effective = (1 + r)^12 − 1.")
def _q1(instalment_apr) -> None:
    cases = [(Money("1200", "CNY"), 12, Decimal("0.006")), (Money("3000", "CNY"), 6, Decimal("0.0075")),
             (Money("999.99", "CNY"), 24, Decimal("0.005")), (Money("500", "CNY"), 3, Decimal("0.01")),
             (Money("800", "CNY"), 12, Decimal("0"))]
    for principal, n, rate in cases:
        got = instalment_apr(principal, n, rate)
        expect(isinstance(got, tuple) and len(got) == 2,
               "return a pair (nominal APR, effective annual rate) as fractions")
        nominal, effective = (Decimal(str(x)) for x in got)
        ref = credit.instalment_apr(principal, n, rate)
        expect(abs(nominal - ref.nominal_apr) < Decimal("1e-6"),
               "the nominal APR of {principal} over {n} months at {rate} a month is off "
               "(is it 12 × the flat fee? the fee is charged on the original principal every month)",
               principal=principal, n=n, rate=rate)
        expect(abs(effective - ref.effective_annual) < Decimal("1e-6"),
               "the effective annual rate of {principal} over {n} months at {rate} a month is off",
               principal=principal, n=n, rate=rate)


@question("cases.q2", title="Seven-day annualised yield", points=2,
          hint="Use the last seven values only; multiply (1 + R/10000) and raise to 365/7. Fewer than seven "
               "values: raise InvalidInput with field 'incomes'.")
def _q2(seven_day_yield) -> None:
    series = [["0.6"] * 7, ["0.5", "0.6", "0.7", "0.6", "1.8", "0", "0"],
              ["9", "9", "0.52", "0.51", "0.50", "0.50", "1.49", "0", "0"],
              [str(x) for x in wallet_yield.synthetic_income_series(10, seed=5)]]
    for s in series:
        got = seven_day_yield([Decimal(x) for x in s])
        ref = wallet_yield.seven_day_yield(s)
        expect(abs(Decimal(str(got)) - ref) < Decimal("1e-6"),
               "the seven-day yield of {series} is off (compound convention, last 7 days, as a fraction)",
               series=s)
    expect(_raises_invalid(seven_day_yield, ([Decimal("0.6")] * 6,), "incomes"),
           "six values are not a week: raise InvalidInput with field 'incomes'")


@question("cases.q3", title="Choose the auto-confirm period", points=2,
          hint="Try whole days from 1 upwards with escrow_trust.loss_given_fraud(replace(params, "
               "auto_confirm_days=d), 'escrow_dispute'); stop at the first that meets the target.")
def _q3(choose_auto_confirm) -> None:
    base = escrow_trust.EscrowParams()
    cases = [(base, 0.10), (base, 0.3), (replace(base, attention_days=4.0, delivery_days=5.0), 0.10),
             (replace(base, attention_days=0.5), 0.2), (replace(base, dispute_win_rate=0.5), 0.25)]
    for p, target in cases:
        d = choose_auto_confirm(p, target)
        expect(isinstance(d, int) and not isinstance(d, bool), "return a whole number of days (an int)")
        lgf = escrow_trust.loss_given_fraud(replace(p, auto_confirm_days=float(d)), "escrow_dispute")
        expect(lgf <= target, "with {days} days the buyer still loses {loss:.1%} of the price, above {target:.0%}",
               days=d, loss=lgf, target=target)
        if d > 1:
            shorter = escrow_trust.loss_given_fraud(replace(p, auto_confirm_days=float(d - 1)), "escrow_dispute")
            expect(shorter > target, "{days} days already meet the target of {target:.0%}: choose the shortest",
                   days=d - 1, target=target)
    expect(_raises_invalid(choose_auto_confirm, (replace(base, dispute_win_rate=0.0), 0.01),
                           "max_loss_given_fraud"),
           "a target no period up to 60 days can meet must raise InvalidInput with field 'max_loss_given_fraud'")


@question("cases.q4", title="A reserve for chargebacks", points=2,
          hint="Amount: daily sales × window × rate × safety, rounded up to the cent. A rolling reserve "
               "of rate r held h days holds r × daily × h; take the smallest r in steps of 0.001 that covers it.")
def _q4(reserve_plan) -> None:
    cases = [(Money("10000", "USD"), 0.01, 120, 90, Decimal("1.5")),
             (Money("2500.50", "USD"), 0.004, 180, 60, Decimal("1")),
             (Money("80000", "CNY"), 0.02, 90, 180, Decimal("1.2"))]
    for daily, rate, window, hold, safety in cases:
        got = reserve_plan(daily, rate, window, hold, safety)
        expect(isinstance(got, tuple) and len(got) == 2, "return (reserve amount as Money, reserve rate as Decimal)")
        amount, share = got
        expect(isinstance(amount, Money) and amount.currency == daily.currency,
               "the reserve amount is Money in the currency of the sales")
        expect(amount == disputes.chargeback_reserve(daily, rate, window, safety),
               "the reserve for {daily} a day, {rate:.1%} chargebacks over {window} days is off "
               "(did you round up to the minor unit?)", daily=daily, rate=rate, window=window)
        share = Decimal(str(share))
        expect(share == share.quantize(Decimal("0.001")), "give the reserve rate in steps of 0.1 % (0.001)")
        held = daily.amount * share * hold
        expect(held >= amount.amount, "a rolling reserve of {share} held {hold} days does not cover {amount}",
               share=share, hold=hold, amount=amount)
        expect(daily.amount * (share - Decimal("0.001")) * hold < amount.amount,
               "a lower rate than {share} already covers {amount}: choose the smallest", share=share, amount=amount)


@question("cases.q5", title="How much friction can the checkout afford?", points=2,
          hint="conversion = ∏(1 − dropᵢ) × (1 − c × challenge_drop); solve for c and clip it to [0, 1]. "
               "If even c = 0 misses the target, raise InvalidInput with field 'min_conversion'.")
def _q5(max_challenge_rate) -> None:
    base = checkout.CheckoutParams()
    cases = [(base, 0.70), (base, 0.745), (base, 0.5), (replace(base, challenge_drop=0.4), 0.72),
             (checkout.PRESETS["one-click (stored account)"], 0.95)]
    for p, target in cases:
        c = float(max_challenge_rate(p, target))
        expect(0.0 <= c <= 1.0, "a challenge rate is a share between 0 and 1")
        conv = checkout.conversion(replace(p, challenge_rate=c))
        expect(conv >= target - 1e-9,
               "challenging {rate:.3f} of buyers brings conversion to {conv:.4f}, below {target}",
               rate=c, conv=conv, target=target)
        if c < 1.0:
            more = checkout.conversion(replace(p, challenge_rate=min(1.0, c + 0.001)))
            expect(more < target, "you could challenge more than {rate:.3f} and still convert {target}",
                   rate=c, target=target)
    expect(_raises_invalid(max_challenge_rate, (base, 0.9), "min_conversion"),
           "a target the steps alone already miss must raise InvalidInput with field 'min_conversion'")


def _best_fake_pass(rules: dict[str, social.RiskRule], max_blocked: float) -> float:
    best = 1.0
    names = list(rules)
    for k in range(len(names) + 1):
        for combo in combinations(names, k):
            real, fake = social.rule_pass_rates([rules[n] for n in combo])
            if 1 - real <= max_blocked + 1e-12:
                best = min(best, fake)
    return best


@question("cases.q6", title="Stop coupon abuse without stopping customers", points=3,
          hint="Try every subset of the rules (itertools.combinations); keep those that block at most the "
               "allowed share of real users; among them take the one that lets the fewest fakes through.")
def _q6(choose_rules) -> None:
    custom = {"captcha": social.RiskRule("captcha", 0.3, 0.04), "sim_age": social.RiskRule("SIM age", 0.65, 0.06),
              "ip_rate": social.RiskRule("IP rate limit", 0.45, 0.01)}
    for rules, limit in [(social.RULES, 0.03), (social.RULES, 0.08), (social.RULES, 0.20), (custom, 0.05),
                         (custom, 0.0)]:
        chosen = choose_rules(rules, limit)
        expect(isinstance(chosen, (list, tuple)) and all(c in rules for c in chosen),
               "return a list of rule names (keys of the rules dict)")
        expect(len(set(chosen)) == len(chosen), "name each rule once")
        real, fake = social.rule_pass_rates([rules[c] for c in chosen])
        expect(1 - real <= limit + 1e-12,
               "your rules block {blocked:.1%} of real users, more than the {limit:.0%} allowed",
               blocked=1 - real, limit=limit)
        expect(fake <= _best_fake_pass(rules, limit) + 1e-12,
               "another set of rules within the {limit:.0%} limit lets fewer fakes through", limit=limit)


@question("cases.q7", title="Paying only the minimum", points=2,
          hint="Loop: due = max(rate × statement, floor) but at most the statement; the rest earns "
               "daily_rate × 30 days of interest (Money.scale rounds half-even); count months until zero.")
def _q7(months_to_repay) -> None:
    cases = [(Money("1000", "CNY"), Decimal("0.10"), Decimal("0.0005")),
             (Money("3000", "CNY"), Decimal("0.05"), Decimal("0.0005")),
             (Money("250.75", "CNY"), Decimal("0.20"), Decimal("0.0003")),
             (Money("8", "CNY"), Decimal("0.10"), Decimal("0.0005"))]
    for balance, rate, daily in cases:
        got = months_to_repay(balance, rate, daily)
        expect(isinstance(got, tuple) and len(got) == 2, "return (months, total interest as Money)")
        months, interest = got
        params = credit.RevolvingParams(min_payment_rate=rate, daily_interest_rate=daily)
        plan = credit.minimum_payment_plan(balance, params)
        expect(months == len(plan), "{balance} at a {rate:.0%} minimum takes a different number of months",
               balance=balance, rate=rate)
        expect(interest == sum(plan["interest"], Money.zero(balance.currency)),
               "the total interest on {balance} at a {rate:.0%} minimum is off", balance=balance, rate=rate)
