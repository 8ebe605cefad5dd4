"""The simulated bank side of the gateway: funding sources, holds, debits, refunds and the
bank's own statement, plus the catalogue's fees and limits in integer minor units.

Each funding source maps to a :mod:`paylab.methods` catalogue id (bank account → online
banking, card → domestic bank card / quick pay, wallet → platform balance, prepaid → prepaid
card). The simulated gateway is a domestic one, so a card is priced as a domestic card unless the
sale is cross-border: pass ``method=source_method("card", cross_border=True)``.
The bank is idempotent per reference: asking it twice to debit for one payment debits once.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from paylab import errors as _errors
from paylab import methods as _methods
from paylab.money import Currency

__all__ = ["SOURCE_KINDS", "FundingSource", "Bank", "fee_minor", "source_method"]

#: Funding-source kinds -> (default catalogue method id, funding type).
SOURCE_KINDS: dict[str, tuple[str, str]] = {
    "bank_account": ("online_banking", "balance"),
    "card": ("card_domestic", "credit"),
    "wallet": ("platform_balance", "balance"),
    "prepaid": ("prepaid_card", "stored_value"),
}


def source_method(kind: str, *, cross_border: bool = False) -> str:
    """The catalogue id a funding source of ``kind`` pays with; a card on a cross-border sale
    is priced as an international card (``card_cross_border``), every other card as domestic."""
    if kind not in SOURCE_KINDS:
        raise _errors.InvalidInput("kind", f"one of {sorted(SOURCE_KINDS)}", f"unknown funding source {kind!r}")
    if kind == "card":
        return _methods.card_method(cross_border=cross_border)
    if not isinstance(cross_border, bool):
        raise _errors.InvalidInput("cross_border", "True or False", "cross_border must be a bool")
    return SOURCE_KINDS[kind][0]


@dataclass(slots=True)
class FundingSource:
    """A customer's way to pay, held at a (simulated) bank or wallet operator."""

    id: str
    customer: str
    kind: str
    method_id: str
    currency: Any
    balance: int = 0          # minor units available (balance / stored value)
    credit_limit: int = 0     # minor units (card)
    credit_used: int = 0
    held: int = 0             # authorised, not yet captured
    declines: bool = False    # the issuer refuses every payment (card_declined)

    @property
    def available(self) -> int:
        if self.kind == "card":
            return self.credit_limit - self.credit_used - self.held
        return self.balance - self.held


_FEES: dict[tuple[str, str], tuple[int, int, int, int, int | None]] = {}
_LIMITS: dict[tuple[str, str], tuple[float, float]] = {}


def _fee_model(method: str | _methods.PaymentMethod, cur: Currency) -> tuple[int, int, int, int, int | None]:
    """The catalogue fee of ``method`` (an id or the catalogue record) in minor units of ``cur`` as
    exact integer fractions over one common denominator: (denominator, percent-of-units numerator,
    fixed, minimum, cap)."""
    fm = _methods.get(method).fee
    scale = Decimal(10) ** cur.exponent
    parts = [fm.percent / 100, fm.fixed * scale, fm.minimum * scale] + ([] if fm.cap is None else [fm.cap * scale])
    ratios = [d.as_integer_ratio() for d in parts]
    den = math.lcm(*(q for _, q in ratios))
    nums = [p * (den // q) for p, q in ratios]
    return den, nums[0], nums[1], nums[2], nums[3] if fm.cap is not None else None


def fee_minor(method_id: str, units: int, cur: Currency) -> int:
    """The merchant fee in minor units, equal to ``paylab.methods.fee(method, amount)``
    (same formula, held within [minimum, cap], rounded half up), computed exactly on
    integers for the hot path: ``units * percent / 100 + fixed`` is one fraction."""
    key = (method_id, cur.code)
    model = _FEES.get(key)
    if model is None:
        model = _FEES[key] = _fee_model(method_id, cur)
    return _apply_fee(model, units)


def _apply_fee(model: tuple[int, int, int, int, int | None], units: int) -> int:
    """A fee model of :func:`_fee_model` applied to ``units`` minor units (ROUND_HALF_UP)."""
    den, pct, fixed, minimum, cap = model
    raw = units * pct + fixed
    if raw < minimum:
        raw = minimum
    if cap is not None and raw > cap:
        raw = cap
    if raw >= 0:  # ROUND_HALF_UP: halves away from zero
        q, r = divmod(raw, den)
        return q + 1 if 2 * r >= den else q
    q, r = divmod(-raw, den)
    return -(q + 1 if 2 * r >= den else q)


def _limits_minor(method: str | _methods.PaymentMethod, cur: Currency) -> tuple[float, float]:
    """The per-payment and daily limits of ``method`` (an id or the catalogue record) in minor units."""
    key = (method if isinstance(method, str) else method.id, cur.code)
    lim = _LIMITS.get(key)
    if lim is None:
        m = _methods.get(method)
        scale = Decimal(10) ** cur.exponent
        lim = _LIMITS[key] = tuple(float("inf") if v is None else int(v * scale)  # type: ignore[assignment]
                                   for v in (m.per_txn_limit, m.daily_limit))
    return lim


class Bank:
    """The banks and wallet operators behind the funding sources, simulated as one party.

    Idempotent per reference: a second debit for the same intent returns the first. Its
    ``statement`` is the independent record reconciliation compares the gateway against.
    """

    def __init__(self) -> None:
        self.sources: dict[str, FundingSource] = {}
        self.debits: dict[str, int] = {}      # intent id -> captured minor units
        self.holds: dict[str, int] = {}       # intent id -> authorised minor units
        self.refunds: dict[str, int] = {}     # refund id -> minor units
        # the statement's lines as tuples (ref, type, source, intent or None, amount, currency,
        # time); :attr:`statement` gives them as dicts
        self._lines: list[tuple[str, str, str, str | None, int, str, float]] = []
        self._statement: list[dict[str, Any]] = []

    @property
    def statement(self) -> list[dict[str, Any]]:
        """The bank's own record, one dict per debit or refund (ref, type, source, [intent,]
        amount_minor, currency, time), oldest first."""
        built, lines = self._statement, self._lines
        for ref, type_, source, intent, amount, cur, when in lines[len(built):]:
            row = {"ref": ref, "type": type_, "source": source, "amount_minor": amount, "currency": cur,
                   "time": when}
            if intent is not None:
                row = {"ref": ref, "type": type_, "source": source, "intent": intent, "amount_minor": amount,
                       "currency": cur, "time": when}
            built.append(row)
        return built

    def _spend(self, src: FundingSource, amount: int) -> None:
        if src.kind == "card":
            src.credit_used += amount
        else:
            src.balance -= amount

    def authorize(self, ref: str, src: FundingSource, amount: int) -> None:
        if ref in self.holds or ref in self.debits:
            return
        src.held += amount
        self.holds[ref] = amount

    def capture(self, ref: str, src: FundingSource, amount: int, when: float) -> None:
        if ref in self.debits:
            return
        hold = self.holds.pop(ref, None)
        if hold is not None:
            src.held -= hold
        self._spend(src, amount)
        self.debits[ref] = amount
        self._lines.append((ref, "debit", src.id, None, amount, src.currency.code, when))

    def release(self, ref: str, src: FundingSource) -> None:
        hold = self.holds.pop(ref, None)
        if hold is not None:
            src.held -= hold

    def credit(self, ref: str, intent_ref: str, src: FundingSource, amount: int, when: float) -> None:
        if ref in self.refunds:
            return
        if src.kind == "card":
            src.credit_used -= amount
        else:
            src.balance += amount
        self.refunds[ref] = amount
        self._lines.append((ref, "refund", src.id, intent_ref, amount, src.currency.code, when))
