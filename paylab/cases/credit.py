"""Instalment credit (Huabei 花呗, JD Baitiao 京东白条): schedules, the true APR, minimum payments.

A consumer-credit instalment plan usually quotes a *monthly fee on the original
principal*. Because the principal is repaid month by month while the fee stays
on the full amount, the borrower pays the fee on money already returned: the
internal rate of return of the cash flows is almost twice the quoted
"12 × monthly fee". :func:`effective_apr` computes that rate exactly.

All rates in the ``Params`` records are **illustrative**, not a lender's price list.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal, localcontext

import pandas as pd

from paylab.cases import _validate as v
from paylab.errors import CurrencyMismatch, InvalidInput
from paylab.money import Money
from paylab.parameters import param
from paylab.validation import Count

__all__ = [
    "AprResult",
    "RevolvingParams",
    "instalment_schedule",
    "effective_apr",
    "instalment_apr",
    "irr",
    "minimum_payment_plan",
    "late_fee",
]


def instalment_schedule(principal: Money, n: Count[1, 600], monthly_fee_rate: Decimal | str | int) -> pd.DataFrame:
    """Repayment plan of ``principal`` in ``n`` equal monthly parts plus a fee of
    ``monthly_fee_rate`` × the *original* principal each month.

    Principal parts come from ``Money.allocate`` so they add up to the principal
    exactly in minor units; the total fee (principal × rate × n, rounded half-even)
    is spread the same way. Columns: ``period``, ``principal``, ``fee``,
    ``payment``, ``balance`` (principal still owed after the payment), all Money.
    """
    v.money(principal, "principal", positive=True)
    v.count(n, "n", 1)
    rate = v.rate(monthly_fee_rate, "monthly_fee_rate")
    parts = principal.allocate([1] * n)
    total_fee = principal.scale(rate * n)
    fees = total_fee.allocate([1] * n)
    rows = []
    owed = principal
    for k, (p, f) in enumerate(zip(parts, fees, strict=True), start=1):
        owed = owed - p
        rows.append({"period": k, "principal": p, "fee": f, "payment": p + f, "balance": owed})
    frame = pd.DataFrame(rows)
    frame.attrs["currency"] = principal.currency.code
    return frame


def irr(cash_flows: Sequence[int], *, low: Decimal = Decimal("-0.99"),
        high: Decimal = Decimal("10")) -> Decimal:
    """Internal rate of return per period of integer cash flows (flow ``k`` at period ``k``).

    Solved by bisection in 50-digit Decimal arithmetic; needs one sign change
    (e.g. ``[+loan, -payment, -payment, ...]``). Returned to 12 decimal places.
    """
    if len(cash_flows) < 2:
        raise InvalidInput("cash_flows", "at least two flows", "an IRR needs at least two cash flows")
    flows = [Decimal(v.count(abs(c), "cash_flows")) * (1 if c >= 0 else -1) for c in cash_flows]
    if all(c >= 0 for c in flows) or all(c <= 0 for c in flows):
        raise InvalidInput("cash_flows", "needs a sign change",
                           "an IRR needs money flowing both ways (a loan and its repayments)")
    with localcontext() as ctx:
        ctx.prec = 50

        def npv(r: Decimal) -> Decimal:
            disc, total = Decimal(1), Decimal(0)
            for c in flows:
                total += c * disc
                disc /= (1 + r)
            return total

        lo, hi = low, high
        f_lo, f_hi = npv(lo), npv(hi)
        if f_lo == 0:
            return lo
        if (f_lo > 0) == (f_hi > 0):
            raise InvalidInput("cash_flows", f"IRR between {low} and {high}",
                               "no rate in the search interval makes the flows balance")
        for _ in range(170):
            mid = (lo + hi) / 2
            f_mid = npv(mid)
            if f_mid == 0:
                lo = hi = mid
                break
            if (f_mid > 0) == (f_lo > 0):
                lo, f_lo = mid, f_mid
            else:
                hi = mid
        return ((lo + hi) / 2).quantize(Decimal("1e-12"), rounding=ROUND_HALF_EVEN)


@dataclass(frozen=True)
class AprResult:
    """The cost of a credit plan: rate per period, nominal APR, effective annual rate,
    and the naive "flat" annual rate (total fee ÷ principal per year) quoted in adverts."""

    periodic_rate: Decimal
    nominal_apr: Decimal
    effective_annual: Decimal
    flat_rate: Decimal

    def as_percent(self) -> dict[str, str]:
        """The four rates as percentages with two decimals, for display."""
        return {k: f"{getattr(self, k) * 100:.2f} %" for k in
                ("periodic_rate", "nominal_apr", "effective_annual", "flat_rate")}


def effective_apr(principal: Money, payments: Sequence[Money] | pd.DataFrame, *,
                  periods_per_year: int = 12) -> AprResult:
    """APR of a loan of ``principal`` repaid by ``payments`` (one per period, at the period's end).

    ``payments`` is a list of Money or a schedule from :func:`instalment_schedule`.
    ``nominal_apr`` = periodic IRR × periods per year; ``effective_annual`` =
    (1 + IRR)^periods − 1.
    """
    v.money(principal, "principal", positive=True)
    v.count(periods_per_year, "periods_per_year", 1)
    if isinstance(payments, pd.DataFrame):
        if "payment" not in payments.columns:
            raise InvalidInput("payments", "a schedule with a 'payment' column",
                               "pass instalment_schedule(...) or a list of Money")
        payments = list(payments["payment"])
    pays = list(payments)
    if not pays:
        raise InvalidInput("payments", "at least one payment", "a loan needs at least one repayment")
    for p in pays:
        v.money(p, "payments")
        if p.currency != principal.currency:
            raise CurrencyMismatch("payments", "one currency per loan",
                                   f"payments in {p.currency.code} for a loan in {principal.currency.code}")
    r = irr([principal.minor_units] + [-p.minor_units for p in pays])
    total = sum(pays, Money.zero(principal.currency))
    years = Decimal(len(pays)) / periods_per_year
    with localcontext() as ctx:
        ctx.prec = 50
        eff = (1 + r) ** periods_per_year - 1
        flat = (total - principal).amount / principal.amount / years
    q = Decimal("1e-10")
    return AprResult(periodic_rate=r, nominal_apr=(r * periods_per_year).quantize(q),
                     effective_annual=eff.quantize(q), flat_rate=flat.quantize(q))


def instalment_apr(principal: Money, n: Count[1, 600], monthly_fee_rate: Decimal | str | int) -> AprResult:
    """APR of the plan :func:`instalment_schedule` builds (shortcut for the two calls)."""
    return effective_apr(principal, instalment_schedule(principal, n, monthly_fee_rate))


@dataclass(frozen=True)
class RevolvingParams:
    """Revolving credit when only the minimum is paid (illustrative values)."""

    min_payment_rate: Decimal = param(Decimal("0.10"), meaning="share of the statement due as the minimum payment",
                                      unit="share", symbol="m", meaning_zh="最低还款比例")
    min_payment_floor: Decimal = param(Decimal("10"), meaning="the minimum due is never below this",
                                       unit="currency units", symbol="F", meaning_zh="最低还款下限")
    daily_interest_rate: Decimal = param(Decimal("0.0005"), meaning="interest a day on what is left unpaid",
                                         unit="per day", symbol="r_d", meaning_zh="未还部分的日利率")
    days_per_month: int = param(30, meaning="interest days per statement cycle", unit="days", symbol="T",
                                meaning_zh="每个账单周期的计息天数")
    late_fee_daily_rate: Decimal = param(Decimal("0.0005"), meaning="penalty a day on an overdue amount",
                                         unit="per day", symbol="r_l", meaning_zh="逾期日罚息率")


def _check_revolving(params: RevolvingParams) -> None:
    if not isinstance(params, RevolvingParams):
        raise InvalidInput("params", "a RevolvingParams", "params must be a RevolvingParams")
    for name in ("min_payment_rate", "min_payment_floor", "daily_interest_rate", "late_fee_daily_rate"):
        v.rate(getattr(params, name), name)
    if not 0 < params.min_payment_rate <= 1:
        raise InvalidInput("min_payment_rate", "in (0, 1]", "min_payment_rate must be in (0, 1]")
    v.count(params.days_per_month, "days_per_month", 1)


def minimum_payment_plan(balance: Money, params: RevolvingParams = RevolvingParams(), *,
                         max_months: int = 240) -> pd.DataFrame:
    """Month-by-month statement when the borrower pays only the minimum due.

    Each month: minimum = max(rate × statement, floor), capped at the statement;
    interest accrues on the unpaid rest for ``days_per_month`` days and joins the
    next statement. Columns: ``month``, ``statement``, ``payment``, ``interest``,
    ``carried`` (Money). Stops when repaid or after ``max_months``.
    """
    v.money(balance, "balance", positive=True)
    _check_revolving(params)
    v.count(max_months, "max_months", 1)
    cur = balance.currency
    floor = Money.of(params.min_payment_floor, cur)
    month_rate = params.daily_interest_rate * params.days_per_month
    rows = []
    statement = balance
    for month in range(1, max_months + 1):
        due = max(statement.scale(params.min_payment_rate), floor)
        pay = min(due, statement)
        rest = statement - pay
        interest = rest.scale(month_rate)
        rows.append({"month": month, "statement": statement, "payment": pay,
                     "interest": interest, "carried": rest + interest})
        statement = rest + interest
        if statement.is_zero():
            break
    frame = pd.DataFrame(rows)
    frame.attrs["currency"] = cur.code
    return frame


def late_fee(overdue: Money, days_late: Count[36_500], params: RevolvingParams = RevolvingParams()) -> Money:
    """Penalty on an overdue amount: overdue × daily rate × days (rounded half-even)."""
    v.money(overdue, "overdue")
    v.count(days_late, "days_late")
    _check_revolving(params)
    return overdue.scale(params.late_fee_daily_rate * days_late)
