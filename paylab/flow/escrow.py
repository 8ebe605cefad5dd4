"""Escrow (担保交易), the model Alipay made famous: the platform holds the buyer's money.

The buyer pays; the money sits in the platform's escrow account, not the
merchant's; when the buyer confirms receipt — or, if the buyer says nothing,
after an automatic period (Alipay: 10 days, per China Daily 2013) — it is
released to the merchant. A dispute before release sends it back to the buyer.
Alipay's trade statuses run alongside the intent states:

==================  ===========================================  ==========================
Alipay status       meaning                                       intent state
==================  ===========================================  ==========================
WAIT_BUYER_PAY      order created, not paid yet                   requires_* / processing
TRADE_SUCCESS       paid; money held, refunds still possible      succeeded
TRADE_FINISHED      released to the merchant; no more refunds     succeeded
TRADE_CLOSED        canceled unpaid, or fully refunded            canceled / succeeded
==================  ===========================================  ==========================
"""

from __future__ import annotations

from typing import Any

from paylab.errors import InvalidInput
from paylab.flow.gateway import Gateway
from paylab.flow.intents import PaymentIntent

__all__ = ["AUTO_CONFIRM_DAYS", "TRADE_STATUSES", "trade_status", "escrow_timeline"]

#: Days after which an unconfirmed escrow payment is released automatically (Alipay's rule).
AUTO_CONFIRM_DAYS = 10

TRADE_STATUSES = {
    "WAIT_BUYER_PAY": "order created, waiting for the buyer to pay",
    "TRADE_SUCCESS": "paid; funds held (escrow) or settled, refunds possible",
    "TRADE_FINISHED": "finished: funds released to the merchant, no more refunds",
    "TRADE_CLOSED": "closed: canceled before payment, or fully refunded",
}


def trade_status(intent: PaymentIntent) -> str:
    """The Alipay-style trade status of a PaymentIntent."""
    if not isinstance(intent, PaymentIntent):
        raise InvalidInput("intent", "a PaymentIntent",
                           f"trade_status takes a PaymentIntent, not {type(intent).__name__}")
    return intent.trade_status


def escrow_timeline(gateway: Gateway, intent_id: str) -> list[dict[str, Any]]:
    """The money's path through one escrow payment: day, event, Alipay status after it and
    where the money sits (buyer, escrow, merchant). For the chapter and the lab."""
    pi = gateway.retrieve(intent_id, record=False)
    if not pi.escrow:
        raise InvalidInput("intent_id", "escrow payment", f"{intent_id} is not an escrow payment")
    start = pi.created
    rows: list[dict[str, Any]] = [{"day": 0.0, "event": "order created", "trade_status": "WAIT_BUYER_PAY",
                                   "held_in_escrow": 0, "to_merchant": 0, "back_to_buyer": 0}]
    held = merchant = buyer = 0
    for ev in gateway.trace(intent_id):
        status = None
        if ev.type == "ledger.posted":
            held += ev.data["amount"]
            status = "TRADE_SUCCESS"
            label = "buyer paid: money held in escrow"
        elif ev.type == "refund.posted":
            held -= ev.data["amount"]
            buyer += ev.data["amount"]
            status = "TRADE_CLOSED" if held == 0 else "TRADE_SUCCESS"
            label = "dispute/refund: money back to buyer"
        elif ev.type == "escrow.released" and ev.dst == "ledger":
            merchant += held
            held = 0
            status = "TRADE_FINISHED"
            label = "receipt confirmed: released to merchant"
        elif ev.type == "payment_intent.canceled":
            status, label = "TRADE_CLOSED", "order canceled unpaid"
        if status is not None:
            rows.append({"day": round((ev.created - start) / 86400, 2), "event": label, "trade_status": status,
                         "held_in_escrow": held, "to_merchant": merchant, "back_to_buyer": buyer})
    return rows
