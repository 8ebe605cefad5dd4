"""Questions of the capstone lab, *Design a merchant's payment stack* (labs/capstone.ipynb).

Every check measures the student's own choices with :mod:`paylab.dashboard`: a design
passes when the dashboard says it meets the targets, so different designs can pass.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from paylab import dashboard as db
from paylab import methods as pm
from paylab.checks import expect, question, written
from paylab.money import Money

#: The capstone merchant and its targets (fictional, illustrative).
MERCHANT = db.EXAMPLE_PROFILES["tea"]
TARGETS = db.Targets(min_conversion=0.84, max_fraud_loss_bp=25, max_cost_per_payment=Decimal("3.50"),
                     max_settlement_days=3)
#: A second merchant the design function must also serve (a marketplace of strangers).
MARKET = db.EXAMPLE_PROFILES["marketplace"]
MARKET_TARGETS = db.Targets(min_conversion=0.85, max_fraud_loss_bp=25, max_cost_per_payment=Decimal("0.85"),
                            max_settlement_days=8)
COVERAGE, MAX_METHODS = 0.90, 4
#: A well-known brand whose buyers already trust it, with expensive money (fictional).
TRUSTED = db.MerchantProfile(name="Old Well Porcelain (fictional)", orders_per_month=4000,
                             average_order=Decimal("900"), margin=Decimal("0.40"), fraud_pressure=0.005,
                             trust_gap=0.0, cost_of_funds=Decimal("0.12"))


def _as_config(answer: object, who: str) -> db.Config:
    expect(isinstance(answer, db.Config), "{who} must return a paylab.dashboard.Config", who=who)
    return answer  # type: ignore[return-value]


@question("capstone.q1", title="Pick methods for the markets", points=2,
          hint="Use dashboard.MARKET_PREFERENCES: in each market add the most preferred methods until "
               "dashboard.market_coverage reaches 0.90; then take the union.")
def _q1(pick_methods) -> None:
    for key in ("tea", "gadgets", "marketplace", "wholesale"):
        profile = db.EXAMPLE_PROFILES[key]
        chosen = pick_methods(profile)
        expect(isinstance(chosen, (tuple, list)) and all(isinstance(m, str) for m in chosen),
               "pick_methods must return a tuple of method ids (strings)")
        unknown = [m for m in chosen if m not in pm.CATALOGUE]
        expect(not unknown, "unknown method ids {unknown}; see paylab.methods.CATALOGUE", unknown=unknown)
        expect(len(set(chosen)) == len(chosen), "a method is listed twice")
        expect(1 <= len(chosen) <= MAX_METHODS,
               "for {name} you offer {n} methods; each costs money to run, keep it to {most} at most",
               name=profile.name, n=len(chosen), most=MAX_METHODS)
        cov = db.market_coverage(chosen, profile)
        short = {m: round(c, 3) for m, c in cov.items() if c < COVERAGE}
        expect(not short, "for {name} too few buyers find a way to pay in {short} (need {need} in every market)",
               name=profile.name, short=short, need=COVERAGE)


@question("capstone.q2", title="Fee of an average payment", points=2,
          hint="Weight paylab.methods.fee(method, profile.order) by dashboard.method_mix(methods, profile).")
def _q2(fee_per_payment) -> None:
    cases = [(("platform_balance", "qr_code", "card_cross_border"), MERCHANT),
             (("qr_code",), MERCHANT), (("online_banking", "platform_balance", "ewallet"), MARKET),
             (("corporate_banking", "online_banking", "platform_balance"), db.EXAMPLE_PROFILES["wholesale"])]
    for methods, profile in cases:
        got = fee_per_payment(methods, profile)
        expect(isinstance(got, Money), "return the fee as Money (never a float)")
        expect(got.currency.code == profile.currency, "the fee must be in {currency}", currency=profile.currency)
        mix = db.method_mix(methods, profile)
        want = sum((pm.fee(m, profile.order).amount * Decimal(repr(s)) for m, s in mix.items()), Decimal(0))
        expect(abs(got.amount - want) <= Decimal("0.01"),
               "for {methods} at {order} the fee of an average payment is off: you have {got}; "
               "is each method weighted by its share of payments?", methods=methods, order=profile.order, got=got)


@question("capstone.q3", title="Set the risk threshold", points=2,
          hint="Walk the thresholds 0.05, 0.10, …, 1.00 and keep the highest one whose fraud loss (bp) "
               "stays within the limit; a higher threshold declines fewer good buyers.")
def _q3(set_threshold) -> None:
    cases = [(db.Config(), MERCHANT, 25.0), (db.Config(auth_policy="none"), MERCHANT, 40.0),
             (db.Config(methods=("platform_balance", "qr_code"), escrow=True), MARKET, 15.0)]
    for config, profile, limit in cases:
        t = set_threshold(config, profile, limit)
        expect(isinstance(t, float) and 0 < t <= 1, "return the threshold as a float in (0, 1]")
        here = db.evaluate(replace(config, risk_threshold=t), profile)
        expect(here.fraud_loss_bp <= limit,
               "at threshold {t} the fraud loss of {name} is {loss:.1f} bp, above {limit}",
               t=t, name=profile.name, loss=here.fraud_loss_bp, limit=limit)
        if t <= 0.95:
            looser = db.evaluate(replace(config, risk_threshold=min(1.0, t + 0.05)), profile)
            expect(looser.fraud_loss_bp > limit,
                   "threshold {t} is stricter than needed for {name}: {looser:.2f} still keeps "
                   "fraud within {limit} bp and declines fewer good buyers",
                   t=t, name=profile.name, looser=t + 0.05, limit=limit)


@question("capstone.q4", title="Choose the authentication policy", points=2,
          hint="Try each of dashboard.AUTH_POLICIES with the other levers fixed; return one that meets "
               "both the conversion and the fraud target, or None when none does.")
def _q4(pick_auth) -> None:
    cases = [(db.Config(risk_threshold=0.6), MERCHANT, TARGETS),
             (db.Config(risk_threshold=0.6), MERCHANT, db.Targets(min_conversion=0.5, max_fraud_loss_bp=200)),
             (db.Config(risk_threshold=1.0), MERCHANT, db.Targets(min_conversion=0.95, max_fraud_loss_bp=5)),
             (db.Config(methods=("platform_balance", "qr_code"), escrow=True, risk_threshold=0.7), MARKET,
              db.Targets(min_conversion=0.80, max_fraud_loss_bp=30))]
    for config, profile, targets in cases:
        names = ("conversion", "fraud loss (bp)")
        valid = [p for p in db.AUTH_POLICIES
                 if all(v for k, v in db.targets_met(db.evaluate(replace(config, auth_policy=p), profile),
                                                     targets).items() if k in names)]
        got = pick_auth(profile, config, targets)
        if not valid:
            expect(got is None, "with {config} no policy meets the targets; return None", config=config.describe())
            continue
        expect(got in db.AUTH_POLICIES, "return one of {policies} (or None)", policies=db.AUTH_POLICIES)
        expect(got in valid, "with {config} policy {got!r} misses the conversion or fraud target",
               config=config.describe(), got=got)


@question("capstone.q5", title="Decide on escrow", points=2,
          hint="Compare evaluate() with escrow on and off: turn it on only when it raises monthly profit "
               "and the days-to-cash target still holds.")
def _q5(decide_escrow) -> None:
    cases = [(db.Config(), MERCHANT, TARGETS), (db.Config(), MERCHANT, db.Targets()),
             (db.Config(methods=("platform_balance", "qr_code")), MARKET, MARKET_TARGETS),
             (db.Config(methods=("corporate_banking", "online_banking")), db.EXAMPLE_PROFILES["wholesale"],
              db.Targets()),
             (db.Config(), TRUSTED, db.Targets())]
    for config, profile, targets in cases:
        on = db.evaluate(replace(config, escrow=True), profile)
        off = db.evaluate(replace(config, escrow=False), profile)
        days_ok = targets.max_settlement_days is None or on.settlement_days <= targets.max_settlement_days
        want = on.profit > off.profit and days_ok
        got = decide_escrow(profile, config, targets)
        expect(isinstance(got, bool), "return True (escrow on) or False")
        if want:
            expect(got, "for {name} with targets {targets} escrow should be on: compare profit and days to cash",
                   name=profile.name, targets=targets)
        else:
            expect(not got, "for {name} with targets {targets} escrow should be off: compare profit and days to cash",
                   name=profile.name, targets=targets)


@question("capstone.q6", title="Design the whole stack", points=3,
          hint="Start from pick_methods, then search auth policies, thresholds and escrow with evaluate() "
               "and keep a design for which every value of targets_met is True.")
def _q6(design_stack) -> None:
    for profile, targets in ((MERCHANT, TARGETS), (MARKET, MARKET_TARGETS)):
        config = _as_config(design_stack(profile, targets), "design_stack")
        met = db.targets_met(db.evaluate(config, profile), targets)
        missed = [k for k, ok in met.items() if not ok]
        expect(not missed, "for {name} the design {design} misses: {missed}",
               name=profile.name, design=config.describe(), missed=", ".join(missed))


@question("capstone.q7", title="Justify the design with numbers", points=2,
          hint="Evaluate both configurations and subtract: profit and fraud loss are Money, conversion a share.")
def _q7(justify) -> None:
    baseline = db.Config(auth_policy="none", risk_threshold=1.0)
    for profile, design in ((MERCHANT, db.Config(risk_threshold=0.6)),
                            (MARKET, db.Config(methods=("platform_balance", "qr_code"), escrow=True))):
        got = justify(profile, baseline, design)
        expect(isinstance(got, dict), "return a dict")
        a, b = db.evaluate(baseline, profile), db.evaluate(design, profile)
        for key, want in (("profit_gain", b.profit - a.profit), ("fraud_loss_saved", a.fraud_loss - b.fraud_loss)):
            expect(isinstance(got.get(key), Money), "{key} must be Money", key=key)
            expect(got[key] == want, "{key} for {name} is off: you have {got}",
                   key=key, name=profile.name, got=got[key])
        gain = got.get("conversion_gain")
        expect(isinstance(gain, float) and abs(gain - (b.conversion - a.conversion)) < 1e-9,
               "conversion_gain is the design's conversion minus the baseline's (a float share)")


written("capstone.q8", title="Recommend the design in writing", points=3, rubric=(
    "1 point: names the target that was hardest to meet and the lever (method, authentication, threshold or "
    "escrow) that moved it, with the dashboard's number before and after.",
    "1 point: states the trade-off the design accepts (for example conversion given up for lower fraud loss, "
    "or cost per payment for coverage) and why it is acceptable for this merchant.",
    "1 point: links at least one choice to a recommendation of chapter 7 (section 7.2) and says what the "
    "dashboard cannot tell the merchant (its parameters are illustrative).",
))
