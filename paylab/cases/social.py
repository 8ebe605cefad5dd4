"""Social buying (Pinduoduo 拼团), coupons and red packets, abuse by fake accounts and the rules that stop it.

A *group buy* opens at a discount when enough people join within a time
window; the initiator shares the link with friends, each of whom joins with
some probability. New users get a coupon from a fixed budget, which attracts
*coupon farmers*: abusers who register fake accounts to claim it. Risk rules
(one account per device, phone verification, account age …) each stop a share
of fakes and, by mistake, a share of real users.

Every number in :class:`CampaignParams` and :data:`RULES` is **illustrative**.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import MISSING, dataclass

import numpy as np
import pandas as pd

from paylab.cases import _validate as v
from paylab.errors import InvalidInput
from paylab.money import Money
from paylab.parameters import param
from paylab.validation import Count, Seed

__all__ = ["GroupParams", "group_success_probability", "simulate_groups", "RiskRule", "RULES", "rules_frame",
           "rule_pass_rates", "CampaignParams", "simulate_campaign", "compare_rule_sets",
           "split_red_packet"]


@dataclass(frozen=True)
class GroupParams:
    """One group-buy offer (illustrative values)."""

    group_size: int = param(3, meaning="members needed, the initiator included", unit="people", symbol="k",
                            meaning_zh="成团人数（含发起人）")
    shares: int = param(8, meaning="friends the initiator sends the link to", unit="friends", symbol="n",
                        meaning_zh="分享好友数")
    join_probability: float = param(0.2, meaning="chance each friend joins within the window", unit="share",
                                    symbol="q", meaning_zh="每位好友参团概率")

    def validate(self) -> GroupParams:
        v.count(self.group_size, "group_size", 1)
        v.count(self.shares, "shares", 0)
        v.prob(self.join_probability, "join_probability")
        return self


def group_success_probability(params: GroupParams) -> float:
    """P(at least group_size − 1 of the ``shares`` friends join) (binomial tail)."""
    params.validate()
    need = params.group_size - 1
    n, q = params.shares, params.join_probability
    return float(sum(math.comb(n, k) * q ** k * (1 - q) ** (n - k) for k in range(need, n + 1)))


def simulate_groups(params: GroupParams, groups: Count[1, 1_000_000] = 10_000, *, seed: Seed = 0) -> dict[str, float]:
    """Seeded Monte Carlo of ``groups`` group buys: share formed and mean joiners per group."""
    params.validate()
    v.count(groups, "groups", 1)
    rng = np.random.default_rng(seed)
    joins = rng.binomial(params.shares, params.join_probability, size=groups)
    formed = joins >= params.group_size - 1
    return {"formed_share": float(formed.mean()), "mean_joiners": float(joins.mean()),
            "new_buyers_per_group": float(np.where(formed, params.group_size - 1, 0).mean())}


@dataclass(frozen=True)
class RiskRule:
    """A rule against fake accounts: share of fakes it stops, share of real users it stops by mistake."""

    name: str = param(MISSING, meaning="what the rule checks", unit="text", meaning_zh="规则内容")
    catch_rate: float = param(MISSING, meaning="share of fake accounts the rule stops", unit="share", symbol="c",
                              meaning_zh="拦截假账户比例")
    false_positive_rate: float = param(MISSING, meaning="share of real users the rule stops by mistake",
                                       unit="share", symbol="e", meaning_zh="误拦真实用户比例")

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name:
            raise InvalidInput("name", "non-empty str", "a rule needs a name")
        v.prob(self.catch_rate, "catch_rate")
        v.prob(self.false_positive_rate, "false_positive_rate")


#: Illustrative rules, assumed to act independently.
RULES = {
    "device_limit": RiskRule("one coupon per device", 0.60, 0.02),
    "phone_verify": RiskRule("real-name phone verification", 0.50, 0.05),
    "account_age": RiskRule("account older than 7 days", 0.70, 0.15),
    "graph_check": RiskRule("sharing-graph cluster check", 0.55, 0.01),
    "payment_link": RiskRule("bound payment card required", 0.40, 0.08),
}


def _rules(rules: Iterable[RiskRule | str]) -> list[RiskRule]:
    out = []
    for r in rules:
        if isinstance(r, str):
            if r not in RULES:
                raise InvalidInput("rules", f"one of {', '.join(RULES)}", f"unknown rule {r!r}")
            r = RULES[r]
        if not isinstance(r, RiskRule):
            raise InvalidInput("rules", "RiskRule or rule name", f"{r!r} is not a rule")
        out.append(r)
    return out


def rule_pass_rates(rules: Iterable[RiskRule | str]) -> tuple[float, float]:
    """(share of real users who pass every rule, share of fakes who pass every rule)."""
    real = fake = 1.0
    for r in _rules(rules):
        real *= 1 - r.false_positive_rate
        fake *= 1 - r.catch_rate
    return real, fake


@dataclass(frozen=True)
class CampaignParams:
    """A new-user coupon campaign (illustrative values)."""

    days: int = param(30, meaning="days the campaign runs", unit="days", symbol="T", meaning_zh="活动天数")
    real_signups_per_day: int = param(2000, meaning="real new users arriving each day", unit="per day",
                                      symbol="λ_r", meaning_zh="每日真实新用户")
    fake_signups_per_day: int = param(3000, meaning="fake accounts registered by coupon farmers each day",
                                      unit="per day", symbol="λ_f", meaning_zh="每日羊毛党假账户")
    coupon_minor: int = param(1000, meaning="coupon per new account", unit="minor", symbol="B",
                              meaning_zh="每个新账户的优惠券")
    budget_minor: int = param(50_000_000, meaning="campaign budget", unit="minor", symbol="W", meaning_zh="活动预算")
    currency: str = "CNY"
    farmer_give_up: float = param(0.5, meaning="share by which fakes drop each day once most are blocked",
                                  unit="per day", symbol="γ", meaning_zh="羊毛党每日放弃比例")

    def validate(self) -> CampaignParams:
        for name in ("days", "real_signups_per_day", "fake_signups_per_day", "coupon_minor", "budget_minor"):
            v.count(getattr(self, name), name)
        v.prob(self.farmer_give_up, "farmer_give_up")
        Money.zero(self.currency)
        return self


def simulate_campaign(params: CampaignParams = CampaignParams(), rules: Sequence[RiskRule | str] = (),
                      *, seed: Seed = 0) -> pd.DataFrame:
    """Day by day: sign-ups, coupons paid to real and to fake accounts, budget left (minor units).

    Sign-ups are Poisson around the daily means; each passes the rules with the
    rates of :func:`rule_pass_rates`. When fewer than half of the fakes get
    through, farmers give up ``farmer_give_up`` of their effort each day. The
    campaign stops when the budget cannot pay another coupon.
    """
    params.validate()
    real_pass, fake_pass = rule_pass_rates(rules)
    rng = np.random.default_rng(seed)
    budget = params.budget_minor
    fake_rate = float(params.fake_signups_per_day)
    rows = []
    for day in range(params.days):
        real_in = int(rng.poisson(params.real_signups_per_day))
        fake_in = int(rng.poisson(fake_rate))
        real_ok = int(rng.binomial(real_in, real_pass))
        fake_ok = int(rng.binomial(fake_in, fake_pass))
        can_pay = budget // params.coupon_minor if params.coupon_minor else real_ok + fake_ok
        total_ok = real_ok + fake_ok
        if total_ok > can_pay:  # the last coupons go first come, first served: share them pro rata
            real_paid = can_pay * real_ok // total_ok if total_ok else 0
            fake_paid = can_pay - real_paid
        else:
            real_paid, fake_paid = real_ok, fake_ok
        budget -= (real_paid + fake_paid) * params.coupon_minor
        rows.append({"day": day, "real_signups": real_in, "fake_signups": fake_in,
                     "real_blocked": real_in - real_ok, "fake_blocked": fake_in - fake_ok,
                     "real_paid": real_paid, "fake_paid": fake_paid, "budget_left_minor": budget})
        if fake_pass < 0.5:
            fake_rate *= 1 - params.farmer_give_up
    return pd.DataFrame(rows).set_index("day")


def compare_rule_sets(params: CampaignParams = CampaignParams(),
                      rule_sets: dict[str, Sequence[RiskRule | str]] | None = None, *, seed: Seed = 0) -> pd.DataFrame:
    """Per rule set: real users acquired, real users wrongly blocked, coupons lost to fakes (Money),
    cost per real user acquired (Money) and the day the budget ran out (None if it lasted)."""
    if rule_sets is None:
        rule_sets = {"no rules": (), "device limit": ("device_limit",),
                     "device + graph": ("device_limit", "graph_check"),
                     "device + graph + phone": ("device_limit", "graph_check", "phone_verify"),
                     "all five": tuple(RULES)}
    rows = []
    cur = params.currency
    for name, rules in rule_sets.items():
        d = simulate_campaign(params, rules, seed=seed)
        real = int(d["real_paid"].sum())
        spent = params.budget_minor - int(d["budget_left_minor"].iloc[-1])
        out_days = d.index[d["budget_left_minor"] < params.coupon_minor]
        rows.append({"rules": name, "real_acquired": real, "real_blocked": int(d["real_blocked"].sum()),
                     "fake_paid": int(d["fake_paid"].sum()),
                     "lost_to_fakes": Money.from_minor(int(d["fake_paid"].sum()) * params.coupon_minor, cur),
                     "cost_per_real_user": Money.of(Money.from_minor(spent, cur).amount / max(real, 1), cur),
                     "budget_out_day": int(out_days[0]) if len(out_days) else None})
    frame = pd.DataFrame(rows).set_index("rules")
    frame["budget_out_day"] = frame["budget_out_day"].astype("Int64")
    return frame


def split_red_packet(total: Money, n: Count[1, 100_000], *, seed: Seed = 0) -> list[Money]:
    """Split a red packet (红包) of ``total`` into ``n`` random parts that add up exactly.

    The "twice the mean" rule: each draw is uniform between one minor unit and
    twice the mean of what is left, so every part gets at least one minor unit.
    """
    v.money(total, "total", positive=True)
    v.count(n, "n", 1)
    units = total.minor_units
    if units < n:
        raise InvalidInput("n", "at most one part per minor unit",
                           f"{total} cannot give {n} people at least one minor unit each")
    rng = np.random.default_rng(seed)
    parts, left = [], units
    for k in range(n, 1, -1):
        hi = max(1, min(left - (k - 1), 2 * left // k))
        draw = int(rng.integers(1, hi + 1))
        parts.append(draw)
        left -= draw
    parts.append(left)
    return [Money.from_minor(p, total.currency) for p in parts]


def rules_frame(rules: dict[str, RiskRule] | None = None) -> pd.DataFrame:
    """The anti-fake-account rules side by side: what each checks, fakes it stops, real users it stops."""
    r = rules or RULES
    return pd.DataFrame([{"rule": k, "checks": x.name, "fakes stopped": x.catch_rate,
                          "real users stopped": x.false_positive_rate} for k, x in r.items()])
