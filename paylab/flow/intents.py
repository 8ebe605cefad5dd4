"""PaymentIntent: one payment's state machine, with the states of Stripe's API.

A payment moves through ``requires_payment_method`` → ``requires_confirmation``
→ (``requires_action``) → ``processing`` → ``requires_capture`` or
``succeeded``; ``canceled`` ends it early. A decline in account processing
sends it back to ``requires_payment_method`` with the reason, so the buyer can
try another method. Any other move raises :class:`~paylab.errors.InvalidTransition`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from paylab.errors import InvalidTransition
from paylab.money import Currency, Money

__all__ = [
    "REQUIRES_PAYMENT_METHOD", "REQUIRES_CONFIRMATION", "REQUIRES_ACTION", "PROCESSING",
    "REQUIRES_CAPTURE", "SUCCEEDED", "CANCELED", "STATES", "TRANSITIONS", "TERMINAL",
    "PaymentIntent", "transition", "allowed",
]

REQUIRES_PAYMENT_METHOD = "requires_payment_method"
REQUIRES_CONFIRMATION = "requires_confirmation"
REQUIRES_ACTION = "requires_action"
PROCESSING = "processing"
REQUIRES_CAPTURE = "requires_capture"
SUCCEEDED = "succeeded"
CANCELED = "canceled"

#: The seven states, in the order a payment usually meets them.
STATES = (REQUIRES_PAYMENT_METHOD, REQUIRES_CONFIRMATION, REQUIRES_ACTION, PROCESSING,
          REQUIRES_CAPTURE, SUCCEEDED, CANCELED)

#: Legal moves: state -> states it may go to next.
TRANSITIONS: dict[str, frozenset[str]] = {
    REQUIRES_PAYMENT_METHOD: frozenset({REQUIRES_CONFIRMATION, CANCELED}),
    REQUIRES_CONFIRMATION: frozenset({REQUIRES_ACTION, PROCESSING, REQUIRES_PAYMENT_METHOD, CANCELED}),
    REQUIRES_ACTION: frozenset({PROCESSING, REQUIRES_PAYMENT_METHOD, CANCELED}),
    PROCESSING: frozenset({REQUIRES_CAPTURE, SUCCEEDED, REQUIRES_PAYMENT_METHOD}),
    REQUIRES_CAPTURE: frozenset({SUCCEEDED, CANCELED}),
    SUCCEEDED: frozenset(),
    CANCELED: frozenset(),
}

#: States a payment never leaves (refunds do not change the state, as in Stripe).
TERMINAL = frozenset({SUCCEEDED, CANCELED})


def allowed(src: str, dst: str) -> bool:
    """True when the state machine allows ``src`` → ``dst``."""
    return dst in TRANSITIONS.get(src, ())


@dataclass(slots=True, eq=False)
class PaymentIntent:
    """One payment. Amounts are kept in integer minor units; the ``*_money`` views give Money."""

    id: str
    merchant: str
    amount_minor: int
    currency: Currency
    method: str | None  # funding-source id ("pm_…")
    capture_method: str = "automatic"
    escrow: bool = False
    status: str = REQUIRES_PAYMENT_METHOD
    created: float = 0.0
    customer: str | None = None
    method_id: str | None = None  # paylab.methods catalogue id of the funding source
    amount_capturable: int = 0
    amount_received: int = 0
    amount_refunded: int = 0
    fee_minor: int = 0
    last_payment_error: dict[str, str] | None = None
    next_action: str | None = None
    cancellation_reason: str | None = None
    trade_status: str = "WAIT_BUYER_PAY"  # Alipay-style status, kept alongside
    escrow_released: bool = False
    history: list[tuple[float, str]] = field(default_factory=list)
    metadata: dict[str, Any] = field(default_factory=dict)

    @property
    def amount(self) -> Money:
        return Money.from_minor(self.amount_minor, self.currency)

    @property
    def received(self) -> Money:
        """What was captured (the customer's money that actually moved)."""
        return Money.from_minor(self.amount_received, self.currency)

    @property
    def refunded(self) -> Money:
        return Money.from_minor(self.amount_refunded, self.currency)

    @property
    def refundable(self) -> Money:
        return Money.from_minor(self.amount_received - self.amount_refunded, self.currency)

    def as_dict(self) -> dict[str, Any]:
        """A plain view (what an API would return as JSON)."""
        return {
            "id": self.id, "object": "payment_intent", "status": self.status,
            "amount": str(self.amount.amount), "currency": self.currency.code,
            "merchant": self.merchant, "customer": self.customer, "payment_method": self.method,
            "method": self.method_id, "capture_method": self.capture_method, "escrow": self.escrow,
            "amount_capturable": self.amount_capturable, "amount_received": self.amount_received,
            "amount_refunded": self.amount_refunded, "fee": self.fee_minor,
            "last_payment_error": self.last_payment_error, "next_action": self.next_action,
            "trade_status": self.trade_status,
        }

    def __repr__(self) -> str:
        return (f"PaymentIntent({self.id}, {self.status}, {self.amount}, "
                f"received={self.received.amount}, refunded={self.refunded.amount})")


def transition(intent: PaymentIntent, dst: str, now: float = 0.0) -> None:
    """Move ``intent`` to ``dst`` or raise ``InvalidTransition`` naming both states."""
    src = intent.status
    if dst not in TRANSITIONS.get(src, ()):
        if dst not in TRANSITIONS:
            raise InvalidTransition(f"unknown state {dst!r}; states are {', '.join(STATES)}",
                                    field="status", rule="known state")
        ok = ", ".join(sorted(TRANSITIONS[src])) or "nothing (terminal state)"
        raise InvalidTransition(f"payment {intent.id} cannot go from {src} to {dst}; "
                                f"from {src} it may go to {ok}", field="status", rule=f"{src}->{dst}")
    intent.status = dst
    intent.history.append((now, dst))
