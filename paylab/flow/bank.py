"""The simulated bank side of the gateway: funding sources, holds, debits, refunds and the
bank's own statement, plus the catalogue's fees and limits in integer minor units.

Each funding source maps to a :mod:`paylab.methods` catalogue id (bank account → online
banking, card → international card, wallet → platform balance, prepaid → prepaid card).
The bank is idempotent per reference: asking it twice to debit for one payment debits once.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from paylab import methods as _methods
from paylab.money import Currency

__all__ = ["SOURCE_KINDS", "FundingSource", "Bank", "fee_minor"]

_ONE = Decimal(1)

#: Funding-source kinds -> (default catalogue method id, funding type).
SOURCE_KINDS: dict[str, tuple[str, str]] = {
    "bank_account": ("online_banking", "balance"),
    "card": ("card_cross_border", "credit"),
    "wallet": ("platform_balance", "balance"),
    "prepaid": ("prepaid_card", "stored_value"),
}


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


_FEES: dict[tuple[str, str], tuple[Decimal, Decimal, Decimal, Decimal | None]] = {}
_LIMITS: dict[tuple[str, str], tuple[float, float]] = {}


def fee_minor(method_id: str, units: int, cur: Currency) -> int:
    """The merchant fee in minor units, equal to ``paylab.methods.fee(method, amount)``
    (same formula and half-up rounding, computed on integers for the hot path)."""
    key = (method_id, cur.code)
    model = _FEES.get(key)
    if model is None:
        fm = _methods.get(method_id).fee
        scale = Decimal(10) ** cur.exponent
        model = _FEES[key] = (fm.percent, fm.fixed * scale, fm.minimum * scale,
                              None if fm.cap is None else fm.cap * scale)
    pct, fixed, minimum, cap = model
    raw = max(Decimal(units) * pct / 100 + fixed, minimum)
    if cap is not None:
        raw = min(raw, cap)
    return int(raw.quantize(_ONE, rounding=ROUND_HALF_UP))


def _limits_minor(method_id: str, cur: Currency) -> tuple[float, float]:
    key = (method_id, cur.code)
    lim = _LIMITS.get(key)
    if lim is None:
        m = _methods.get(method_id)
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
        self.statement: list[dict[str, Any]] = []

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
        self.statement.append({"ref": ref, "type": "debit", "source": src.id, "amount_minor": amount,
                               "currency": src.currency.code, "time": when})

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
        self.statement.append({"ref": ref, "type": "refund", "source": src.id, "intent": intent_ref,
                               "amount_minor": amount, "currency": src.currency.code, "time": when})
