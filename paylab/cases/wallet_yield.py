"""Money-market wallet (Yu'e Bao 余额宝): income per 10,000 units, seven-day yield, redemption limits.

A money-market fund keeps its unit price at 1 and pays its income daily. It
publishes two numbers each day: the *daily income per 10,000 units* (万份收益,
in currency units) and the *seven-day annualised yield* (七日年化收益率)
computed from the last seven of those. Two conventions exist: ``"compound"``
(income reinvested daily, [∏(1 + Rᵢ/10000)]^(365/7) − 1) and ``"simple"``
((ΣRᵢ/10000) × 365/7). Redemption to a bank card is instant only up to a daily
limit; the rest arrives the next working day.

The default series and limits are **illustrative**, not the fund's published data.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_EVEN, Decimal, localcontext

import numpy as np
import pandas as pd

from paylab.cases import _validate as v
from paylab.errors import InvalidInput
from paylab.money import Money, _to_decimal
from paylab.parameters import param
from paylab.validation import Count, Seed

__all__ = [
    "WalletParams",
    "Redemption",
    "income_per_10k",
    "seven_day_yield",
    "seven_day_series",
    "daily_income",
    "accrue",
    "synthetic_income_series",
    "redeem",
]

_TEN_K = Decimal(10000)
_Q4 = Decimal("0.0001")


@dataclass(frozen=True)
class WalletParams:
    """Wallet rules (illustrative values)."""

    instant_limit: Decimal = param(Decimal("10000"), meaning="instant (T+0) redemption per user per day",
                                   unit="currency units", source="cite:caixin2018mmf", symbol="Q",
                                   meaning_zh="每人每日快速赎回额度")
    days_per_year: int = param(365, meaning="annualisation basis", unit="days", symbol="365",
                               meaning_zh="年化天数")
    income_rounding: str = param(ROUND_DOWN, meaning="how a holder's daily income is cut to the fen",
                                 unit="rounding mode", meaning_zh="每日收益舍入方式")


def income_per_10k(net_income: Money, units: Decimal | int | str) -> Decimal:
    """万份收益: the fund's net income for a day per 10,000 units, to 4 decimals.

    ``net_income`` is the day's income of the whole fund, ``units`` the units
    outstanding (a unit is worth 1 currency unit in a money-market fund).
    """
    if not isinstance(net_income, Money):
        raise InvalidInput("net_income", "must be Money", "net_income must be Money")
    u = _to_decimal(units, "units")
    if u <= 0:
        raise InvalidInput("units", "positive", "units outstanding must be positive")
    return (net_income.amount * _TEN_K / u).quantize(_Q4, rounding=ROUND_HALF_EVEN)


def _series(values: Sequence[Decimal | int | str], field: str) -> list[Decimal]:
    if isinstance(values, (str, bytes)) or not hasattr(values, "__iter__"):
        raise InvalidInput(field, "a sequence of Decimal", f"{field} must be a sequence of numbers")
    out = [_to_decimal(x, field) for x in values]
    if any(x <= -_TEN_K for x in out):
        raise InvalidInput(field, "greater than -10000", "a day cannot lose the whole 10,000 units")
    return out


def seven_day_yield(income_series: Sequence[Decimal | int | str], *, method: str = "compound",
                    days_per_year: int = 365) -> Decimal:
    """Seven-day annualised yield from the last seven 万份收益 values, as a fraction
    (``Decimal('0.0219')`` is 2.19 %), to 6 decimals.

    ``method="compound"``: [∏(1 + Rᵢ/10000)]^(365/7) − 1 (income reinvested daily);
    ``method="simple"``: (ΣRᵢ/10000) × 365/7.
    """
    v.policy(method, "method", ("compound", "simple"))
    v.count(days_per_year, "days_per_year", 1)
    series = _series(income_series, "income_series")
    if len(series) < 7:
        raise InvalidInput("income_series", "at least 7 days",
                           f"a seven-day yield needs 7 daily values, got {len(series)}")
    last = series[-7:]
    with localcontext() as ctx:
        ctx.prec = 40
        if method == "simple":
            y = sum(last) / _TEN_K * days_per_year / 7
        else:
            growth = Decimal(1)
            for r in last:
                growth *= 1 + r / _TEN_K
            y = (growth.ln() * days_per_year / 7).exp() - 1
    return y.quantize(Decimal("0.000001"), rounding=ROUND_HALF_EVEN)


def seven_day_series(income_series: Sequence[Decimal | int | str], *, method: str = "compound",
                     days_per_year: int = 365) -> list[Decimal | None]:
    """The seven-day yield for each day (None for the first six, which lack a week)."""
    series = _series(income_series, "income_series")
    return [None if i < 6 else seven_day_yield(series[i - 6:i + 1], method=method,
                                                 days_per_year=days_per_year)
            for i in range(len(series))]


def daily_income(balance: Money, income_10k: Decimal | str | int,
                 params: WalletParams = WalletParams()) -> Money:
    """A holder's income for one day: balance × 万份收益 / 10,000, cut to the minor unit."""
    v.money(balance, "balance")
    r = _to_decimal(income_10k, "income_10k")
    return Money.of(balance.amount * r / _TEN_K, balance.currency, rounding=params.income_rounding)


def accrue(balance: Money, income_series: Sequence[Decimal | int | str],
           params: WalletParams = WalletParams()) -> pd.DataFrame:
    """Hold ``balance`` through the series, reinvesting each day's income.

    Columns: ``day``, ``income_10k``, ``income`` (Money), ``balance`` (Money after the day).
    """
    v.money(balance, "balance")
    rows = []
    for day, r in enumerate(_series(income_series, "income_series"), start=1):
        inc = daily_income(balance, r, params)
        balance = balance + inc
        rows.append({"day": day, "income_10k": r, "income": inc, "balance": balance})
    return pd.DataFrame(rows)


def synthetic_income_series(days: Count[1, 36_500], *, start_yield: float = 0.025, end_yield: float = 0.018,
                            noise: float = 0.03, weekend_effect: bool = True,
                            seed: Seed = 0) -> list[Decimal]:
    """An **illustrative** 万份收益 series drifting from ``start_yield`` to ``end_yield`` a year.

    Multiplicative noise of relative size ``noise``; with ``weekend_effect`` the
    Friday value carries the weekend's income (three days) and Saturday and
    Sunday show none, as fund calendars do. Values to 4 decimals.
    """
    v.count(days, "days", 1)
    v.nonneg(start_yield, "start_yield")
    v.nonneg(end_yield, "end_yield")
    v.nonneg(noise, "noise")
    rng = np.random.default_rng(seed)
    annual = np.linspace(start_yield, end_yield, days)
    daily = 10000 * ((1 + annual) ** (1 / 365) - 1) * (1 + noise * rng.standard_normal(days))
    daily = np.maximum(daily, 0.0)
    out: list[Decimal] = []
    for i, x in enumerate(daily):
        weekday = i % 7  # day 0 is a Monday
        if weekend_effect and weekday == 4:
            x = x * 3
        elif weekend_effect and weekday in (5, 6):
            x = 0.0
        out.append(Decimal(repr(float(x))).quantize(_Q4))
    return out


@dataclass(frozen=True)
class Redemption:
    """How a redemption request is paid: ``instant`` now, ``next_day`` on the next working day."""

    instant: Money
    next_day: Money
    instant_left: Money  # instant allowance left today after this request


def redeem(amount: Money, *, used_today: Money | None = None,
           params: WalletParams = WalletParams()) -> Redemption:
    """Split a redemption into the instant part (within today's limit) and the next-day rest."""
    v.money(amount, "amount", positive=True)
    cur = amount.currency
    used = Money.zero(cur) if used_today is None else v.money(used_today, "used_today")
    limit = Money.of(v.rate(params.instant_limit, "instant_limit"), cur)
    left = max(limit - used, Money.zero(cur))
    instant = min(amount, left)
    return Redemption(instant=instant, next_day=amount - instant, instant_left=left - instant)
