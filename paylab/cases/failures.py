"""Lessons from failure: a breach replay, growth without risk control, poor experience, compliance.

Four small cost models for the four kinds of failure the source book names:

* :func:`breach_replay` — card data leaks; fraudsters use the cards in a wave
  over the following days until issuers block them. Tokenization makes the
  leaked data useless outside the merchant; step-up challenges stop most uses.
* :func:`growth_without_risk_control` — volume grows fast, fraudsters find the
  platform and their share grows faster; without controls losses outgrow the margin.
* :func:`experience_loss` — payment failures, slowness and extra steps make
  buyers leave, some of them for good.
* :func:`compliance_cost` — expected fines and suspension when compliance is
  skipped, against the cost of a compliance programme.

Every number in the ``Params`` records is **illustrative**, not a measured incident. Each model echoes a
real case of :mod:`paylab.cases.real` without being calibrated to it: the breach replay the British Airways
breach of 2018, growth without risk control Wirecard (2020), poor experience the Visa Europe outage of
1 June 2018, compliance the People's Bank of China penalties on Gopay and UMF (2018).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_EVEN, Decimal

import numpy as np
import pandas as pd

from paylab.cases import _validate as v
from paylab.errors import InvalidInput
from paylab.money import Money
from paylab.parameters import param
from paylab.validation import Seed

__all__ = ["BreachParams", "breach_replay", "compare_breach_defences", "GrowthParams",
           "growth_without_risk_control", "ExperienceParams", "experience_loss", "experience_sweep",
           "ComplianceParams", "compliance_cost", "compare_compliance", "compliance_break_even", "growth_money",
           "first_loss_month"]


@dataclass(frozen=True)
class BreachParams:
    """A card-data breach (illustrative values)."""

    leaked_cards: int = param(50_000, meaning="card records stolen", unit="cards", symbol="C",
                              meaning_zh="被盗卡数据条数")
    days: int = param(30, meaning="days replayed", unit="days", symbol="T", meaning_zh="回放天数")
    usable_share: float = param(0.6, meaning="records complete enough to use (number, expiry, CVV)", unit="share",
                                symbol="u", meaning_zh="可直接使用的记录比例")
    uses_per_card: float = param(1.5, meaning="fraud attempts per usable card over the wave", unit="per card",
                                 symbol="n", meaning_zh="每张可用卡的盗刷次数")
    peak_day: float = param(4.0, meaning="day after the leak on which the fraud wave peaks", unit="days",
                            symbol="μ", meaning_zh="盗刷高峰日")
    spread_days: float = param(3.0, meaning="width of the fraud wave", unit="days", symbol="σ",
                               meaning_zh="盗刷波宽度")
    detection_day: int = param(7, meaning="day the breach is found and issuers start blocking cards", unit="day",
                               symbol="t_0", meaning_zh="发现泄露的日期")
    block_per_day: float = param(0.35, meaning="share of still-open cards blocked each day after detection",
                                 unit="per day", symbol="β", meaning_zh="发现后每日冻结比例")
    mean_fraud_minor: int = param(40000, meaning="mean fraud amount", unit="minor", symbol="A",
                                  meaning_zh="平均盗刷金额")
    currency: str = "CNY"
    token_coverage: float = param(0.9, meaning="with tokenization, share of leaked records that are only tokens",
                                  unit="share", symbol="τ", meaning_zh="令牌化覆盖比例")
    stepup_catch: float = param(0.85, meaning="with step-up, share of fraud attempts a challenge stops",
                                unit="share", symbol="k", meaning_zh="加强认证拦截比例")

    def validate(self) -> BreachParams:
        for name in ("leaked_cards", "days", "detection_day", "mean_fraud_minor"):
            v.count(getattr(self, name), name)
        v.count(self.days, "days", 1)
        for name in ("usable_share", "block_per_day", "token_coverage", "stepup_catch"):
            v.prob(getattr(self, name), name)
        for name in ("uses_per_card", "peak_day", "spread_days"):
            v.nonneg(getattr(self, name), name)
        Money.zero(self.currency)
        return self


def breach_replay(params: BreachParams = BreachParams(), *, tokenization: bool = False,
                  step_up: bool = False, seed: Seed = 0) -> pd.DataFrame:
    """Day by day after the leak: fraud attempts, successful frauds, loss (minor units) and cumulative loss.

    Attempts follow a bell-shaped wave (peak ``peak_day``, width ``spread_days``)
    over the usable cards still open; after ``detection_day`` a share
    ``block_per_day`` of open cards is blocked each day. Counts are Poisson,
    amounts exponential around the mean (seeded).
    """
    params.validate()
    rng = np.random.default_rng(seed)
    usable = params.leaked_cards * params.usable_share
    if tokenization:
        usable *= 1 - params.token_coverage
    days = np.arange(params.days)
    wave = np.exp(-0.5 * ((days - params.peak_day) / max(params.spread_days, 1e-9)) ** 2)
    wave = wave / wave.sum()
    open_share, rows, cum = 1.0, [], 0
    for d in days:
        if d >= params.detection_day:
            open_share *= 1 - params.block_per_day
        attempts = int(rng.poisson(usable * params.uses_per_card * wave[d] * open_share))
        ok = int(rng.binomial(attempts, 1 - params.stepup_catch)) if step_up else attempts
        loss = int(np.round(rng.exponential(params.mean_fraud_minor, size=ok)).sum()) if ok else 0
        cum += loss
        rows.append({"day": int(d), "open_cards_share": open_share, "attempts": attempts, "frauds": ok,
                     "loss_minor": loss, "cumulative_minor": cum})
    frame = pd.DataFrame(rows).set_index("day")
    frame.attrs["currency"] = params.currency
    return frame


def compare_breach_defences(params: BreachParams = BreachParams(), *, seed: Seed = 0) -> pd.DataFrame:
    """Total fraud loss (Money) for the four combinations of tokenization and step-up."""
    rows = []
    for tok in (False, True):
        for su in (False, True):
            d = breach_replay(params, tokenization=tok, step_up=su, seed=seed)
            rows.append({"tokenization": tok, "step_up": su, "frauds": int(d["frauds"].sum()),
                         "loss": Money.from_minor(int(d["loss_minor"].sum()), params.currency)})
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class GrowthParams:
    """A platform growing fast (illustrative values)."""

    months: int = param(24, meaning="months simulated", unit="months", symbol="T", meaning_zh="模拟月数")
    start_volume_minor: int = param(1_000_000_000, meaning="first month's payment volume", unit="minor",
                                    symbol="V_0", meaning_zh="首月交易额")
    currency: str = "CNY"
    volume_growth: float = param(0.15, meaning="growth of volume a month", unit="per month", symbol="g",
                                 meaning_zh="交易额月增长率")
    margin_rate: Decimal = param(Decimal("0.006"), meaning="platform's take per unit of volume", unit="share",
                                 symbol="m", meaning_zh="平台费率")
    base_fraud_rate: float = param(0.0005, meaning="fraud loss per unit of volume at the start", unit="share",
                                   symbol="f_0", meaning_zh="初始欺诈损失率")
    attack_growth: float = param(0.25, meaning="growth of the fraud rate a month without controls", unit="per month",
                                 symbol="h", meaning_zh="无风控时欺诈率月增长")
    control_cap: float = param(0.0008, meaning="with controls the fraud rate never passes this", unit="share",
                               symbol="f_max", meaning_zh="有风控时欺诈率上限")
    control_cost_rate: Decimal = param(Decimal("0.0005"), meaning="cost of risk control per unit of volume",
                                       unit="share", symbol="k", meaning_zh="风控成本率")

    def validate(self) -> GrowthParams:
        v.count(self.months, "months", 1)
        v.count(self.start_volume_minor, "start_volume_minor")
        for name in ("volume_growth", "attack_growth"):
            v.nonneg(getattr(self, name), name)
        for name in ("base_fraud_rate", "control_cap"):
            v.prob(getattr(self, name), name)
        v.rate(self.margin_rate, "margin_rate")
        v.rate(self.control_cost_rate, "control_cost_rate")
        Money.zero(self.currency)
        return self


def _dec(x: float) -> Decimal:
    return Decimal(repr(float(x)))


def growth_without_risk_control(params: GrowthParams = GrowthParams()) -> pd.DataFrame:
    """Month by month, with and without risk control: volume, fraud loss and profit (minor units).

    Profit = margin − fraud loss (− control cost when controlled). Without
    control the fraud rate compounds at ``attack_growth``; with control it is
    capped at ``control_cap``.
    """
    params.validate()
    rows = []
    for m in range(params.months):
        vol = int(round(params.start_volume_minor * (1 + params.volume_growth) ** m))
        rate_free = min(1.0, params.base_fraud_rate * (1 + params.attack_growth) ** m)
        rate_ctl = min(rate_free, params.control_cap)
        margin = int((vol * params.margin_rate).to_integral_value(ROUND_HALF_EVEN))
        loss_free = int((vol * _dec(rate_free)).to_integral_value(ROUND_HALF_EVEN))
        loss_ctl = int((vol * _dec(rate_ctl)).to_integral_value(ROUND_HALF_EVEN))
        ctl_cost = int((vol * params.control_cost_rate).to_integral_value(ROUND_HALF_EVEN))
        rows.append({"month": m, "volume_minor": vol, "fraud_rate_uncontrolled": rate_free,
                     "loss_uncontrolled_minor": loss_free, "profit_uncontrolled_minor": margin - loss_free,
                     "fraud_rate_controlled": rate_ctl, "loss_controlled_minor": loss_ctl,
                     "profit_controlled_minor": margin - loss_ctl - ctl_cost})
    frame = pd.DataFrame(rows).set_index("month")
    frame.attrs["currency"] = params.currency
    return frame


@dataclass(frozen=True)
class ExperienceParams:
    """A checkout with a poor experience (illustrative values)."""

    attempts: int = param(100_000, meaning="payment attempts in a month", unit="attempts", symbol="N",
                          meaning_zh="每月支付尝试次数")
    order_minor: int = param(20000, meaning="order value", unit="minor", symbol="P", meaning_zh="订单金额")
    currency: str = "CNY"
    failure_rate: float = param(0.08, meaning="share of payments failing for technical reasons", unit="share",
                                symbol="e", meaning_zh="技术失败率")
    retry_rate: float = param(0.6, meaning="share of buyers who retry once after a failure", unit="share",
                              symbol="r", meaning_zh="失败后重试比例")
    latency_s: float = param(6.0, meaning="seconds the payment page takes", unit="seconds", symbol="t",
                             meaning_zh="支付页面耗时")
    latency_drop_per_s: float = param(0.01, meaning="share of buyers lost per second beyond 2 s", unit="per second",
                                      symbol="δ", meaning_zh="超过 2 秒后每秒流失比例")
    extra_steps: int = param(2, meaning="needless steps (re-typing, captcha …)", unit="steps", symbol="s",
                             meaning_zh="多余步骤数")
    step_drop: float = param(0.05, meaning="share of buyers lost per needless step", unit="share", symbol="q",
                             meaning_zh="每个多余步骤的流失比例")
    churn_share: float = param(0.3, meaning="share of lost buyers who never come back", unit="share", symbol="χ",
                               meaning_zh="流失后不再回来的比例")
    repeat_orders: int = param(6, meaning="orders a retained buyer would place in the next year", unit="orders",
                               symbol="R", meaning_zh="留存买家下一年的订单数")

    def validate(self) -> ExperienceParams:
        for name in ("attempts", "order_minor", "extra_steps", "repeat_orders"):
            v.count(getattr(self, name), name)
        for name in ("failure_rate", "retry_rate", "latency_drop_per_s", "step_drop", "churn_share"):
            v.prob(getattr(self, name), name)
        v.nonneg(self.latency_s, "latency_s")
        Money.zero(self.currency)
        return self


def experience_loss(params: ExperienceParams = ExperienceParams()) -> dict[str, object]:
    """Completion rate, orders lost this month and revenue lost now and from churn (Money)."""
    params.validate()
    keep_latency = max(0.0, 1 - params.latency_drop_per_s * max(0.0, params.latency_s - 2.0))
    keep_steps = (1 - params.step_drop) ** params.extra_steps
    f = params.failure_rate
    pay_ok = (1 - f) + f * params.retry_rate * (1 - f)   # one retry after a failure
    completion = keep_latency * keep_steps * pay_ok
    lost = round(params.attempts * (1 - completion))
    churned = round(lost * params.churn_share)
    cur = params.currency
    return {"completion": completion, "orders_lost": lost,
            "revenue_lost": Money.from_minor(lost * params.order_minor, cur),
            "buyers_churned": churned,
            "future_revenue_lost": Money.from_minor(churned * params.repeat_orders * params.order_minor, cur)}


def experience_sweep(params: ExperienceParams = ExperienceParams(),
                     failure_rates: list[float] | None = None) -> pd.DataFrame:
    """:func:`experience_loss` for a range of payment failure rates (index: failure rate)."""
    rates = failure_rates if failure_rates is not None else [i / 100 for i in range(0, 21, 2)]
    rows = [{"failure_rate": f, **experience_loss(replace(params, failure_rate=f))} for f in rates]
    return pd.DataFrame(rows).set_index("failure_rate")


@dataclass(frozen=True)
class ComplianceParams:
    """Compliance as a cost model (illustrative values)."""

    monthly_margin_minor: int = param(500_000_000, meaning="the business's monthly margin", unit="minor",
                                      symbol="M", meaning_zh="月毛利")
    currency: str = "CNY"
    programme_cost_minor: int = param(30_000_000, meaning="yearly cost of a compliance programme", unit="minor",
                                      symbol="K", meaning_zh="合规项目年成本")
    inspection_probability: float = param(0.3, meaning="chance of an inspection in a year", unit="per year",
                                          symbol="p", meaning_zh="每年被检查的概率")
    violation_found: float = param(0.9, meaning="chance an inspection finds the violations", unit="share",
                                   symbol="q", meaning_zh="检查发现违规的概率")
    fine_minor: int = param(100_000_000, meaning="fine when found", unit="minor", symbol="F", meaning_zh="罚款")
    suspension_days: int = param(30, meaning="days the business is suspended when found", unit="days", symbol="S",
                                 meaning_zh="停业天数")
    lost_customers_share: float = param(0.05, meaning="customers lost for good after a suspension", unit="share",
                                        symbol="ℓ", meaning_zh="停业后永久流失的客户比例")

    def validate(self) -> ComplianceParams:
        for name in ("monthly_margin_minor", "programme_cost_minor", "fine_minor", "suspension_days"):
            v.count(getattr(self, name), name)
        for name in ("inspection_probability", "violation_found", "lost_customers_share"):
            v.prob(getattr(self, name), name)
        Money.zero(self.currency)
        return self


def compliance_cost(params: ComplianceParams = ComplianceParams(), *, compliant: bool) -> Money:
    """Expected yearly cost: the programme if ``compliant``; otherwise P(caught) × (fine +
    margin lost during the suspension + a year of margin from customers lost for good)."""
    params.validate()
    cur = params.currency
    if compliant:
        return Money.from_minor(params.programme_cost_minor, cur)
    p = _dec(params.inspection_probability) * _dec(params.violation_found)
    daily = Decimal(params.monthly_margin_minor) * 12 / 365
    suspension = daily * params.suspension_days
    churn = Decimal(params.monthly_margin_minor) * 12 * _dec(params.lost_customers_share)
    cost = p * (params.fine_minor + suspension + churn)
    return Money.from_minor(int(cost.to_integral_value(ROUND_HALF_EVEN)), cur)


def compare_compliance(params: ComplianceParams = ComplianceParams(),
                       probabilities: list[float] | None = None) -> pd.DataFrame:
    """Expected yearly cost of skipping compliance vs the programme, over inspection probabilities."""
    probabilities = probabilities if probabilities is not None else [i / 10 for i in range(11)]
    rows = []
    for q in probabilities:
        p = replace(params, inspection_probability=q)
        rows.append({"inspection_probability": q,
                     "skip_compliance": compliance_cost(p, compliant=False),
                     "compliance_programme": compliance_cost(p, compliant=True)})
    return pd.DataFrame(rows).set_index("inspection_probability")



def compliance_break_even(params: ComplianceParams = ComplianceParams()) -> float:
    """Inspection probability above which skipping compliance costs more, in expectation,
    than the programme (1.0 or more means skipping never costs more within a year)."""
    params.validate()
    at_one = compliance_cost(replace(params, inspection_probability=1.0), compliant=False)
    if at_one.is_zero():
        return float("inf")
    return params.programme_cost_minor / at_one.minor_units


def growth_money(params: GrowthParams = GrowthParams(), months: Sequence[int] | None = None) -> pd.DataFrame:
    """:func:`growth_without_risk_control` with money as Money (for display), for the chosen months."""
    g = growth_without_risk_control(params)
    if months is not None:
        for m in months:
            v.count(m, "months")
            if m >= params.months:
                raise InvalidInput("months", f"below {params.months}", f"month {m} is not simulated")
        g = g.loc[list(months)]
    cur = params.currency
    out = pd.DataFrame({"volume": [Money.from_minor(int(x), cur) for x in g["volume_minor"]],
                        "fraud rate, no control": g["fraud_rate_uncontrolled"].to_list(),
                        "profit, no control": [Money.from_minor(int(x), cur) for x in g["profit_uncontrolled_minor"]],
                        "profit, with control": [Money.from_minor(int(x), cur) for x in g["profit_controlled_minor"]]},
                       index=g.index)
    return out


def first_loss_month(params: GrowthParams = GrowthParams()) -> int | None:
    """The first month in which the uncontrolled platform makes a loss (None if it never does)."""
    g = growth_without_risk_control(params)
    neg = g.index[g["profit_uncontrolled_minor"] < 0]
    return int(neg[0]) if len(neg) else None
