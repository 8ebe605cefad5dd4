"""The dashboard's model: evaluate one design for one merchant, compare designs, sweep the threshold.

Fees, limits and settlement delays come from :mod:`paylab.methods`; the other
effects from the sub-models in :mod:`paylab.dashboard.submodels`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from types import MappingProxyType

import pandas as pd

from paylab import methods as pm
from paylab.dashboard.records import (
    MARKET_PREFERENCES,
    Assumptions,
    Config,
    EscrowEffect,
    MerchantProfile,
    Targets,
    _dec,
)
from paylab.dashboard.submodels import DEFAULT_MODELS, Models
from paylab.errors import InvalidInput, PaymentDeclined
from paylab.money import Money


@dataclass(frozen=True)
class Outcome:
    """The dashboard's answer for one configuration and merchant (per month)."""

    config: Config
    profile: MerchantProfile
    conversion: float          # share of genuine checkout attempts that end in a payment
    cost_per_payment: Money    # fees + challenges + running the methods, per successful payment
    fraud_loss: Money          # fraudulent payments charged back + chargeback fees, per month
    fraud_loss_bp: float       # fraud loss in basis points of genuine sales
    settlement_days: float     # average days from sale to cash (T+n plus escrow hold)
    cash_tied_up: Money        # net sales waiting for settlement on an average day
    profit: Money              # margin on sales - payment costs - fraud loss - float cost, per month
    sales: Money               # genuine sales per month
    payments: int              # successful genuine payments per month
    challenge_rate: float      # share of genuine payments challenged
    false_decline_rate: float  # share of genuine payments declined by the risk threshold
    fraud_caught: float        # share of fraudulent attempts stopped (threshold + authentication)
    mix: Mapping[str, float]   # share of successful payments per method

    @property
    def cost_rate(self) -> float:
        """Cost per payment as a share of the average order."""
        return float(self.cost_per_payment.amount / self.profile.average_order)

    def as_row(self) -> dict[str, object]:
        return {
            "conversion": round(self.conversion, 4),
            "cost / payment": self.cost_per_payment,
            "cost %": round(100 * self.cost_rate, 3),
            "fraud loss / month": self.fraud_loss,
            "fraud loss (bp)": round(self.fraud_loss_bp, 2),
            "days to cash": round(self.settlement_days, 2),
            "cash tied up": self.cash_tied_up,
            "profit / month": self.profit,
            "challenged": round(self.challenge_rate, 4),
            "false declines": round(self.false_decline_rate, 4),
            "fraud stopped": round(self.fraud_caught, 4),
        }


def _usable(method: str, profile: MerchantProfile) -> bool:
    """A method is usable when the average order is within its per-payment limit."""
    try:
        pm.check_limits(method, profile.order)
    except PaymentDeclined:
        return False
    return True


def market_coverage(methods: Sequence[str], profile: MerchantProfile,
                    assumptions: Assumptions | None = None) -> dict[str, float]:
    """Per market, the share of buyers who find a method they will pay with.

    A buyer pays with the first-choice method if offered (and the order is within its
    limit); otherwise ``switch_rate`` of them use another offered method their market uses.
    """
    a = assumptions or DEFAULT_MODELS.assumptions
    ids = [pm.get(m).id for m in methods]
    out = {}
    for market in profile.markets:
        prefs = MARKET_PREFERENCES[market]
        offered = [m for m in ids if prefs.get(m, 0) > 0 and _usable(m, profile)]
        first = float(sum(prefs[m] for m in offered))
        out[market] = first + a.switch_rate * (1 - first) if offered else 0.0
    return out


def method_mix(methods: Sequence[str], profile: MerchantProfile,
               assumptions: Assumptions | None = None) -> dict[str, float]:
    """Share of successful payments going through each offered method (sums to 1, or empty)."""
    a = assumptions or DEFAULT_MODELS.assumptions
    ids = [pm.get(m).id for m in methods]
    volume = dict.fromkeys(ids, 0.0)
    for market, share in profile.markets.items():
        prefs = MARKET_PREFERENCES[market]
        offered = [m for m in ids if prefs.get(m, 0) > 0 and _usable(m, profile)]
        if not offered:
            continue
        first = float(sum(prefs[m] for m in offered))
        switchers = a.switch_rate * (1 - first)
        for m in offered:  # first choices, plus switchers spread like the offered preferences
            p = float(prefs[m])
            volume[m] += float(share) * (p + switchers * p / first)
    total = sum(volume.values())
    return {m: v / total for m, v in volume.items()} if total > 0 else {}


def evaluate(config: Config, profile: MerchantProfile | None = None,
             models: Models = DEFAULT_MODELS) -> Outcome:
    """Cost per payment, conversion, fraud loss, time to cash and profit of one design."""
    if not isinstance(config, Config):
        raise InvalidInput("config", "a dashboard.Config", "evaluate() takes a Config")
    profile = profile if profile is not None else MerchantProfile()
    if not isinstance(profile, MerchantProfile):
        raise InvalidInput("profile", "a dashboard.MerchantProfile", "evaluate() takes a MerchantProfile")
    a, cur, order = models.assumptions, profile.currency, profile.order

    # 1. methods: who finds a way to pay, and with what
    coverage = market_coverage(config.methods, profile, a)
    covered = sum(float(s) * coverage[m] for m, s in profile.markets.items())
    mix = method_mix(config.methods, profile, a)

    # 2. risk threshold and authentication
    declined_genuine, caught_by_score = models.scores(config.risk_threshold)
    auth = models.auth(config.auth_policy, profile)
    lost_to_friction = models.friction(auth.challenge_rate)
    # 3. escrow: closes (part of) the trust gap, holds the money longer
    esc = models.escrow(profile) if config.escrow else EscrowEffect(0.0, 0.0)
    trust = 1 - profile.trust_gap * (1 - esc.trust_recovered)

    conversion = covered * (1 - declined_genuine) * (1 - lost_to_friction) * trust
    conversion = min(1.0, max(0.0, conversion))
    payments = int(round(profile.orders_per_month * conversion))

    # fraud: attempts scale with volume; those not caught by score, then not stopped by auth, succeed
    fraud_attempts = profile.orders_per_month * profile.fraud_pressure
    fraud_pass = (1 - caught_by_score) * auth.fraud_pass
    fraud_payments = fraud_attempts * fraud_pass if mix else 0.0
    fraud_loss = (order + Money.of(a.chargeback_fee, cur)).scale(_dec(fraud_payments))

    # costs: processing fee per method mix, challenges, fixed cost of running each method
    fee_per_payment = sum((pm.fee(m, order).scale(_dec(s)) for m, s in mix.items()), Money.zero(cur))
    all_payments = payments + fraud_payments
    fees = fee_per_payment.scale(_dec(all_payments))
    challenges = Money.of(a.challenge_cost, cur).scale(_dec(auth.challenge_rate * profile.orders_per_month * covered))
    running = Money.of(a.method_monthly_cost, cur) * len(config.methods)
    total_cost = fees + challenges + running
    cost_per_payment = (total_cost.scale(Decimal(1) / Decimal(payments)) if payments else total_cost)

    # time to cash: T+n of each method plus the escrow hold
    days = sum(pm.get(m).settlement_days * s for m, s in mix.items()) + esc.hold_days
    sales = order * payments
    net_daily = (sales - fees).scale(Decimal(1) / Decimal(a.days_per_month))
    cash_tied_up = net_daily.scale(_dec(days))
    float_cost = cash_tied_up.scale(profile.cost_of_funds / 12)

    gross = (order.scale(_dec(all_payments))).scale(profile.margin)
    profit = gross - total_cost - fraud_loss - float_cost
    fraud_bp = float(fraud_loss.amount / sales.amount * 10_000) if payments else 0.0
    caught_total = 1 - fraud_pass
    return Outcome(config, profile, conversion, cost_per_payment, fraud_loss, fraud_bp, float(days),
                   cash_tied_up, profit, sales, payments, auth.challenge_rate, declined_genuine,
                   caught_total, MappingProxyType(mix))


def compare(configs: Mapping[str, Config] | Sequence[Config], profile: MerchantProfile | None = None,
            models: Models = DEFAULT_MODELS) -> pd.DataFrame:
    """One row per configuration with the dashboard's numbers (names or descriptions as index)."""
    items = configs.items() if isinstance(configs, Mapping) else [(c.describe(), c) for c in configs]
    rows, names = [], []
    for name, cfg in items:
        rows.append(evaluate(cfg, profile, models).as_row())
        names.append(name)
    if not rows:
        raise InvalidInput("configs", "at least one", "compare() needs at least one configuration")
    return pd.DataFrame(rows, index=pd.Index(names, name="design"))


def frontier(config: Config, profile: MerchantProfile | None = None,
             thresholds: Iterable[float] | None = None, models: Models = DEFAULT_MODELS) -> pd.DataFrame:
    """The fraud-loss / conversion trade-off as the risk threshold moves (other levers fixed)."""
    ts = list(thresholds) if thresholds is not None else [round(0.05 * k, 2) for k in range(2, 21)]
    if not ts:
        raise InvalidInput("thresholds", "at least one", "frontier() needs at least one threshold")
    rows = []
    for t in ts:
        o = evaluate(replace(config, risk_threshold=t), profile, models)
        rows.append({"threshold": o.config.risk_threshold, "conversion": o.conversion,
                     "false declines": o.false_decline_rate, "fraud stopped": o.fraud_caught,
                     "fraud loss (bp)": o.fraud_loss_bp, "profit / month": o.profit.amount})
    return pd.DataFrame(rows).set_index("threshold")


def target_table(outcome: Outcome, targets: Targets) -> pd.DataFrame:
    """For each goal set: the outcome's value, the limit and whether it is met."""
    if not isinstance(outcome, Outcome):
        raise InvalidInput("outcome", "a dashboard.Outcome", "pass the result of evaluate()")
    if not isinstance(targets, Targets):
        raise InvalidInput("targets", "a dashboard.Targets", "pass a Targets record")
    rows = []
    checks = [
        ("conversion", outcome.conversion, targets.min_conversion, ">="),
        ("cost per payment", outcome.cost_per_payment.amount, targets.max_cost_per_payment, "<="),
        ("fraud loss (bp)", outcome.fraud_loss_bp, targets.max_fraud_loss_bp, "<="),
        ("days to cash", outcome.settlement_days, targets.max_settlement_days, "<="),
        ("profit / month", outcome.profit.amount, targets.min_profit, ">="),
    ]
    for name, value, limit, op in checks:
        if limit is None:
            continue
        met = value >= limit if op == ">=" else value <= limit
        rows.append({"target": name, "value": value, "rule": f"{op} {limit}", "met": bool(met)})
    return pd.DataFrame(rows, columns=["target", "value", "rule", "met"]).set_index("target")


def targets_met(outcome: Outcome, targets: Targets) -> dict[str, bool]:
    """Which goals the outcome meets (``all(targets_met(...).values())`` for a pass)."""
    table = target_table(outcome, targets)
    return {name: bool(met) for name, met in table["met"].items()}
