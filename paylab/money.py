"""Money: an exact amount in one currency, stored as ``Decimal`` (never a float).

An amount always fits its currency's minor unit (CNY to the fen, JPY to the
yen), so every Money maps one-to-one to an integer number of minor units —
the form ledgers and payment APIs store. Arithmetic mixing currencies raises.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from fractions import Fraction
from functools import cached_property
from typing import Literal

import iso4217 as _iso4217

from paylab.errors import CurrencyMismatch, InvalidInput

__all__ = [
    "Currency",
    "CURRENCIES",
    "ISO4217_PUBLISHED",
    "currency",
    "Money",
    "convert",
    "ROUND_HALF_EVEN",
    "MAX_MINOR_UNITS",
    "Rounding",
]


@dataclass(frozen=True)
class Currency:
    """An ISO 4217 currency: alphabetic code, numeric code and minor-unit exponent."""

    code: str
    numeric: str
    exponent: int
    name: str

    @cached_property
    def quantum(self) -> Decimal:
        """The smallest amount, e.g. ``Decimal('0.01')`` for CNY."""
        return Decimal(1).scaleb(-self.exponent)


def _iso4217_table() -> dict[str, Currency]:
    """Every current ISO 4217 currency with a minor unit, from the maintained ``iso4217`` package.

    Codes whose minor unit is "N.A." in the standard (gold XAU, the SDR XDR, the
    "no currency" XXX, …) are left out: they have no smallest amount, so no Money.
    """
    table = {}
    for c in _iso4217.Currency:
        if c.exponent is None or c.number is None:
            continue
        table[c.code] = Currency(c.code, f"{c.number:03d}", int(c.exponent), c.currency_name)
    return table


CURRENCIES: dict[str, Currency] = _iso4217_table()
_BY_NUMERIC = {c.numeric: c for c in CURRENCIES.values()}
#: the ISO 4217 list the table was built from (publication date of the maintenance agency's file)
ISO4217_PUBLISHED: str = str(_iso4217.__published__)
_NO_MINOR_UNIT = {c.code for c in _iso4217.Currency if c.exponent is None} | {
    f"{c.number:03d}" for c in _iso4217.Currency if c.exponent is None and c.number is not None}


def currency(code: str | Currency) -> Currency:
    """Look up a currency by alphabetic (``"CNY"``) or numeric (``"156"``) ISO 4217 code."""
    if isinstance(code, Currency):
        return code
    if not isinstance(code, str):
        raise InvalidInput("currency", "must be an ISO 4217 code string",
                           f"currency must be a string like 'CNY', not {type(code).__name__}")
    key = code.strip().upper()
    found = CURRENCIES.get(key) or _BY_NUMERIC.get(key)
    if found is None:
        if key in _NO_MINOR_UNIT:
            raise InvalidInput("currency", "has a minor unit",
                               f"{code!r} is an ISO 4217 code without a minor unit (a metal, the SDR "
                               "or 'no currency'), so it cannot price a payment")
        raise InvalidInput("currency", "unknown ISO 4217 code",
                           f"unknown currency {code!r}: not in the ISO 4217 list of {ISO4217_PUBLISHED} "
                           "(write it like 'CNY' or '156')")
    return found


def _to_decimal(value: object, field: str = "amount") -> Decimal:
    """Turn an int, str or Decimal into a finite Decimal; refuse floats and bools."""
    if isinstance(value, bool) or isinstance(value, float):
        raise InvalidInput(field, "no floats",
                           f"{field} must be a Decimal, int or str, not {type(value).__name__} "
                           f"({value!r}): binary floats cannot hold 0.1 exactly")
    if isinstance(value, Decimal):
        d = value
    elif isinstance(value, int):
        d = Decimal(value)
    elif isinstance(value, str):
        try:
            d = Decimal(value.strip().replace(",", "").replace("_", ""))
        except InvalidOperation:
            raise InvalidInput(field, "not a number", f"{field} {value!r} is not a number") from None
    else:
        raise InvalidInput(field, "must be Decimal, int or str",
                           f"{field} must be a Decimal, int or str, not {type(value).__name__}")
    if not d.is_finite():
        raise InvalidInput(field, "must be finite", f"{field} must be finite, got {value!r}")
    return d


#: the largest amount in minor units: a signed 64-bit integer, as SQLite, numpy and payment APIs store it
MAX_MINOR_UNITS = 2**63 - 1
#: the rounding modes of :mod:`decimal`, by name (``rounding="ROUND_HALF_UP"``, not ``"half_up"``)
Rounding = Literal["ROUND_HALF_EVEN", "ROUND_HALF_UP", "ROUND_HALF_DOWN", "ROUND_UP", "ROUND_DOWN",
                   "ROUND_CEILING", "ROUND_FLOOR", "ROUND_05UP"]


def _fits(d: Decimal, cur: Currency, field: str = "amount") -> Decimal:
    """``d`` unchanged if it fits MAX_MINOR_UNITS in ``cur``'s minor unit, else InvalidInput."""
    if abs(d) > Decimal(MAX_MINOR_UNITS).scaleb(-cur.exponent):
        raise InvalidInput(field, f"at most {MAX_MINOR_UNITS:,} minor units",
                           f"{field} {d:.3e} {cur.code} is more than a 64-bit count of minor units holds")
    return d


@dataclass(frozen=True, eq=False)
class Money:
    """An exact amount of one currency. ``Money("12.50", "CNY")``; floats are refused."""

    amount: Decimal
    currency: Currency

    def __init__(self, amount: Decimal | int | str, currency_code: str | Currency) -> None:
        cur = currency(currency_code)
        d = _fits(_to_decimal(amount), cur)
        if d != d.quantize(cur.quantum, rounding=ROUND_HALF_EVEN):
            raise InvalidInput("amount", f"at most {cur.exponent} decimal places for {cur.code}",
                               f"{d} has more decimal places than {cur.code} allows "
                               f"({cur.exponent}); round it first with Money.of(..., rounding=)")
        object.__setattr__(self, "amount", d.quantize(cur.quantum))
        object.__setattr__(self, "currency", cur)

    # --- construction -------------------------------------------------------------
    @classmethod
    def of(cls, amount: Decimal | int | str, currency_code: str | Currency, *,
           rounding: Rounding = ROUND_HALF_EVEN) -> Money:
        """Build Money from a value with too many decimals by rounding it explicitly."""
        cur = currency(currency_code)
        return cls(_fits(_to_decimal(amount), cur).quantize(cur.quantum, rounding=rounding), cur)

    @classmethod
    def from_minor(cls, units: int, currency_code: str | Currency) -> Money:
        """Build Money from integer minor units: ``Money.from_minor(1250, "CNY")`` is 12.50."""
        if isinstance(units, bool) or not isinstance(units, int):
            raise InvalidInput("units", "must be an int",
                               f"minor units must be an int, not {type(units).__name__}")
        if abs(units) > MAX_MINOR_UNITS:
            raise InvalidInput("units", f"at most {MAX_MINOR_UNITS:,} minor units",
                               f"{units:.3e} minor units do not fit a 64-bit integer, as ledgers store them")
        cur = currency_code if isinstance(currency_code, Currency) else currency(currency_code)
        # integer minor units are exact by construction: skip the checks of __init__
        money = object.__new__(cls)
        object.__setattr__(money, "amount", Decimal(units).scaleb(-cur.exponent).quantize(cur.quantum))
        object.__setattr__(money, "currency", cur)
        return money

    @classmethod
    def zero(cls, currency_code: str | Currency) -> Money:
        """Zero in the given currency."""
        return cls(0, currency_code)

    @classmethod
    def parse(cls, text: str) -> Money:
        """Parse ``"CNY 12.50"``, ``"12.50 CNY"`` or ``"12.50CNY"`` (thousands commas allowed)."""
        if not isinstance(text, str):
            raise InvalidInput("text", "must be a string", "Money.parse takes a string")
        s = text.strip()
        if len(s) >= 3 and s[:3].isalpha():
            code, num = s[:3], s[3:]
        elif len(s) >= 3 and s[-3:].isalpha():
            code, num = s[-3:], s[:-3]
        else:
            raise InvalidInput("text", "needs a currency code",
                               f"cannot parse {text!r}: write it like 'CNY 12.50'")
        return cls(num.strip(), code)

    # --- views ---------------------------------------------------------------------
    @property
    def minor_units(self) -> int:
        """The amount as an integer count of minor units (fen, cents, yen …)."""
        return int(self.amount.scaleb(self.currency.exponent))

    def is_zero(self) -> bool:
        return self.amount == 0

    def __str__(self) -> str:
        return f"{self.currency.code} {self.amount:,}"

    def __repr__(self) -> str:
        return f"Money('{self.amount}', '{self.currency.code}')"

    def __hash__(self) -> int:
        return hash((self.amount, self.currency.code))

    # --- arithmetic ----------------------------------------------------------------
    def _same(self, other: object, op: str) -> Money:
        if not isinstance(other, Money):
            raise InvalidInput("other", "must be Money",
                               f"cannot {op} Money and {type(other).__name__}")
        if other.currency != self.currency:
            raise CurrencyMismatch("currency", "one currency per operation",
                                   f"cannot {op} {self.currency.code} and {other.currency.code}; "
                                   "convert() one of them first")
        return other

    def __add__(self, other: Money) -> Money:
        o = self._same(other, "add")
        return Money(self.amount + o.amount, self.currency)

    def __radd__(self, other: object) -> Money:
        if isinstance(other, int) and not isinstance(other, bool) and other == 0:
            return self  # lets sum() start from 0
        return self.__add__(other)  # type: ignore[arg-type]

    def __sub__(self, other: Money) -> Money:
        o = self._same(other, "subtract")
        return Money(self.amount - o.amount, self.currency)

    def __neg__(self) -> Money:
        return Money(-self.amount, self.currency)

    def __abs__(self) -> Money:
        return Money(abs(self.amount), self.currency)

    def __mul__(self, factor: int) -> Money:
        if isinstance(factor, bool) or not isinstance(factor, int):
            raise InvalidInput("factor", "must be an int",
                               "Money * int only; for a rate use money.scale(rate, rounding=...)")
        return Money(self.amount * factor, self.currency)

    __rmul__ = __mul__

    def scale(self, factor: Decimal | int | str, *, rounding: Rounding = ROUND_HALF_EVEN) -> Money:
        """Multiply by a rate (a fee of 0.6 % is ``scale("0.006")``) and round explicitly."""
        f = _to_decimal(factor, "factor")
        return Money.of(self.amount * f, self.currency, rounding=rounding)

    def allocate(self, ratios: Sequence[int | Decimal | str]) -> list[Money]:
        """Split by ratios so the parts add up exactly; leftover minor units go to the
        largest remainders (ties to the earliest part)."""
        if len(ratios) == 0:
            raise InvalidInput("ratios", "at least one ratio", "allocate needs at least one ratio")
        rs = [Fraction(_to_decimal(r, "ratios")) for r in ratios]
        if any(r < 0 for r in rs):
            raise InvalidInput("ratios", "non-negative", "ratios must not be negative")
        total = sum(rs)
        if total == 0:
            raise InvalidInput("ratios", "positive sum", "ratios must not all be zero")
        units = self.minor_units
        sign = -1 if units < 0 else 1
        units = abs(units)
        exact = [units * r / total for r in rs]
        parts = [int(e) for e in exact]  # floor, since all non-negative
        left = units - sum(parts)
        order = sorted(range(len(rs)), key=lambda i: (-(exact[i] - parts[i]), i))
        for i in order[:left]:
            parts[i] += 1
        return [Money.from_minor(sign * p, self.currency) for p in parts]

    # --- comparison ----------------------------------------------------------------
    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Money):
            return NotImplemented
        return self.currency == other.currency and self.amount == other.amount

    def __lt__(self, other: Money) -> bool:
        return self.amount < self._same(other, "compare").amount

    def __le__(self, other: Money) -> bool:
        return self.amount <= self._same(other, "compare").amount

    def __gt__(self, other: Money) -> bool:
        return self.amount > self._same(other, "compare").amount

    def __ge__(self, other: Money) -> bool:
        return self.amount >= self._same(other, "compare").amount


RateTable = Mapping[object, Decimal | int | str]


def _rate(rates: RateTable, src: str, dst: str) -> Decimal:
    for key in ((src, dst), f"{src}/{dst}"):
        if key in rates:
            r = _to_decimal(rates[key], "rates")
            if r <= 0:
                raise InvalidInput("rates", "positive rate", f"rate {src}/{dst} must be positive")
            return r
    for key in ((dst, src), f"{dst}/{src}"):
        if key in rates:
            r = _to_decimal(rates[key], "rates")
            if r <= 0:
                raise InvalidInput("rates", "positive rate", f"rate {dst}/{src} must be positive")
            return Decimal(1) / r
    raise InvalidInput("rates", "rate for the pair",
                       f"no rate for {src}/{dst} (or {dst}/{src}) in the table")


def convert(money: Money, to: str | Currency, rates: RateTable, *,
            rounding: Rounding = ROUND_HALF_EVEN) -> Money:
    """Convert with an explicit rate table (``{("USD", "CNY"): "7.10"}`` or ``{"USD/CNY": …}``);
    an inverse pair is used when only the other direction is listed."""
    if not isinstance(money, Money):
        raise InvalidInput("money", "must be Money", "convert() takes a Money")
    dst = currency(to)
    if dst == money.currency:
        return money
    r = _rate(rates, money.currency.code, dst.code)
    return Money.of(money.amount * r, dst, rounding=rounding)


def total(amounts: Iterable[Money], currency_code: str | Currency) -> Money:
    """Sum Money values, starting from zero in ``currency_code`` (so an empty list works)."""
    acc = Money.zero(currency_code)
    for m in amounts:
        acc = acc + m
    return acc


__all__.append("total")
