"""Seller protection and disputes (eBay / PayPal): chargebacks, win rates, reserves.

When a card holder disputes a payment, the issuer pulls the money back (a
*chargeback*) and the merchant pays a fee; the merchant may contest with
evidence and wins some cases. A marketplace can instead offer *seller
protection* (it absorbs eligible claims for a fee) and hold a *rolling reserve*
(a share of each day's sales kept back for some days) to cover chargebacks that
arrive months later. This module prices each policy as a cost per order.

Every number in :class:`DisputeParams` is **illustrative**, not any provider's tariff.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal

import numpy as np
import pandas as pd

from paylab.cases import _validate as v
from paylab.errors import InvalidInput
from paylab.money import Money
from paylab.parameters import param
from paylab.validation import Count, Seed

__all__ = ["POLICIES", "DisputeParams", "cost_per_order", "compare_policies",
           "chargeback_reserve", "rolling_reserve", "simulate_chargebacks"]

POLICIES = ("accept_all", "contest", "seller_protection")


@dataclass(frozen=True)
class DisputeParams:
    """A merchant's dispute exposure (illustrative values)."""

    order_minor: int = param(5000, meaning="order value", unit="minor", symbol="P", meaning_zh="订单金额")
    currency: str = "USD"
    goods_cost_share: Decimal = param(Decimal("0.6"), meaning="cost of the goods lost with a chargeback, share of P",
                                      unit="share", symbol="g", meaning_zh="拒付时损失的货品成本占比")
    chargeback_rate: float = param(0.01, meaning="chargebacks per order", unit="per order", symbol="b",
                                   meaning_zh="每单拒付率")
    chargeback_fee_minor: int = param(1500, meaning="fee per chargeback", unit="minor", symbol="f",
                                      meaning_zh="每笔拒付手续费")
    contest_cost_minor: int = param(1000, meaning="staff time and evidence per contested case", unit="minor",
                                    symbol="e", meaning_zh="每次申诉成本")
    win_rate: float = param(0.40, meaning="share of contested cases the merchant wins", unit="share", symbol="w",
                            meaning_zh="商户申诉胜诉率")
    protection_fee_rate: Decimal = param(Decimal("0.004"), meaning="seller-protection fee, share of the order value",
                                         unit="share", symbol="p", meaning_zh="卖家保护费率")
    protection_coverage: float = param(0.8, meaning="share of chargebacks the protection covers", unit="share",
                                       symbol="κ", meaning_zh="卖家保护覆盖比例")
    reserve_rate: Decimal = param(Decimal("0.05"), meaning="rolling reserve held back from each sale", unit="share",
                                  symbol="ρ", meaning_zh="滚动保证金比例")
    reserve_days: int = param(90, meaning="days the reserve is held", unit="days", symbol="H",
                              meaning_zh="保证金留存天数")
    capital_cost_annual: Decimal = param(Decimal("0.10"), meaning="yearly cost of the merchant's money held back",
                                         unit="per year", symbol="i", meaning_zh="资金年成本")

    def validate(self) -> DisputeParams:
        """Check every field; returns self."""
        for name in ("order_minor", "chargeback_fee_minor", "contest_cost_minor", "reserve_days"):
            v.count(getattr(self, name), name)
        Money.zero(self.currency)
        for name in ("chargeback_rate", "win_rate", "protection_coverage"):
            v.prob(getattr(self, name), name)
        for name in ("goods_cost_share", "protection_fee_rate", "reserve_rate", "capital_cost_annual"):
            v.rate(getattr(self, name), name)
        return self


def _minor(x: float | Decimal) -> Decimal:
    return Decimal(repr(float(x))) if isinstance(x, float) else Decimal(x)


def cost_per_order(params: DisputeParams, policy: str, *, with_reserve: bool = True) -> Money:
    """Expected dispute cost per order for the merchant under ``policy`` (rounded to the minor unit).

    A lost chargeback refunds the sale while the goods are gone, so the merchant
    loses what the goods cost (``goods_cost_share`` of the value) plus the fee.
    ``accept_all`` refunds every chargeback without a fight; ``contest`` pays
    ``contest_cost`` per case and recovers the value on a win (the fee stays).
    ``seller_protection`` pays a fee on every order and the platform absorbs the
    covered share. The reserve adds its cost of capital.
    """
    params.validate()
    v.policy(policy, "policy", POLICIES)
    value = Decimal(params.order_minor)
    cb = _minor(params.chargeback_rate)
    loss = value * params.goods_cost_share
    fee = Decimal(params.chargeback_fee_minor)
    if policy == "accept_all":
        cost = cb * (loss + fee)
    elif policy == "contest":
        win = _minor(params.win_rate)
        cost = cb * ((1 - win) * loss + fee + params.contest_cost_minor)
    else:
        cover = _minor(params.protection_coverage)
        cost = value * params.protection_fee_rate + cb * (1 - cover) * (loss + fee)
    if with_reserve:
        cost += value * params.reserve_rate * params.capital_cost_annual * params.reserve_days / 365
    return Money.of(cost / 10 ** Money.zero(params.currency).currency.exponent, params.currency)


def compare_policies(params: DisputeParams = DisputeParams()) -> pd.DataFrame:
    """Cost per order and as a share of the order value, for each policy."""
    rows = []
    for pol in POLICIES:
        c = cost_per_order(params, pol)
        rows.append({"policy": pol, "cost_per_order": c,
                     "share_of_value": float(c.minor_units / params.order_minor)})
    return pd.DataFrame(rows).set_index("policy")


def chargeback_reserve(daily_sales: Money, chargeback_rate: float, window_days: Count[3_650],
                       safety_factor: Decimal | int | str = 1) -> Money:
    """Reserve covering the chargebacks still to come on the last ``window_days`` of sales:
    daily sales × window × chargeback rate × safety factor, rounded **up** to the minor unit."""
    v.money(daily_sales, "daily_sales")
    r = v.prob(chargeback_rate, "chargeback_rate")
    v.count(window_days, "window_days")
    s = v.rate(safety_factor, "safety_factor")
    need = daily_sales.amount * window_days * _minor(r) * s
    return Money.of(need, daily_sales.currency, rounding=ROUND_CEILING)


def rolling_reserve(sales: Sequence[Money], reserve_rate: Decimal | str, hold_days: Count[3_650]) -> pd.DataFrame:
    """Day by day: the part of each day's sales held back and the balance held.

    Each day ``reserve_rate`` of that day's sales is held and released
    ``hold_days`` later. Columns: ``day``, ``sales``, ``held_today``,
    ``released``, ``balance`` (Money)."""
    rate = v.rate(reserve_rate, "reserve_rate")
    if rate > 1:
        raise InvalidInput("reserve_rate", "at most 1", "a reserve cannot exceed the sale")
    v.count(hold_days, "hold_days", 1)
    sales = list(sales)
    if not sales:
        raise InvalidInput("sales", "at least one day", "sales must not be empty")
    cur = v.money(sales[0], "sales").currency
    held = [v.money(s, "sales").scale(rate) for s in sales]
    rows, balance = [], Money.zero(cur)
    for day, s in enumerate(sales):
        rel = held[day - hold_days] if day >= hold_days else Money.zero(cur)
        balance = balance + held[day] - rel
        rows.append({"day": day, "sales": s, "held_today": held[day], "released": rel, "balance": balance})
    return pd.DataFrame(rows)


def simulate_chargebacks(params: DisputeParams, orders_per_day: Count[1_000_000], days: Count[1, 3_650], *,
                         lag_days: float = 45.0, seed: Seed = 0) -> pd.DataFrame:
    """Seeded simulation: chargebacks per day on daily orders, each arriving after an
    exponential lag (mean ``lag_days``). Columns: ``day``, ``chargebacks``,
    ``amount_minor`` (order value of the chargebacks arriving that day)."""
    params.validate()
    v.count(orders_per_day, "orders_per_day")
    v.count(days, "days", 1)
    v.nonneg(lag_days, "lag_days")
    rng = np.random.default_rng(seed)
    counts = rng.binomial(orders_per_day, params.chargeback_rate, size=days)
    arrive = np.zeros(days, dtype=np.int64)
    for day, k in enumerate(counts):
        lags = rng.exponential(lag_days, size=int(k)) if lag_days > 0 else np.zeros(int(k))
        for lag in lags:
            t = day + int(math.floor(lag))
            if t < days:
                arrive[t] += 1
    return pd.DataFrame({"day": np.arange(days), "chargebacks": arrive,
                         "amount_minor": arrive * params.order_minor})
