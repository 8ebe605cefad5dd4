"""The payment flow of chapter 3: a gateway in test mode, with the six steps made explicit.

``Gateway`` runs :class:`PaymentIntent` objects (Stripe's states) through
initiation, encrypted transmission, account processing, settlement (posted to a
:class:`paylab.ledger.Ledger`), confirmation and after-sale service; plus
idempotency keys, signed and encrypted notices, a merchant inbox that handles
each event once, escrow with Alipay's trade statuses, and injected faults.
"""

from paylab.flow import market, simulate
from paylab.flow.bank import fee_minor
from paylab.flow.escrow import AUTO_CONFIRM_DAYS, TRADE_STATUSES, escrow_timeline, trade_status
from paylab.flow.faults import Faults
from paylab.flow.gateway import (
                                 SOURCE_KINDS,
                                 STEPS,
                                 Bank,
                                 Event,
                                 FundingSource,
                                 Gateway,
                                 Merchant,
                                 Refund,
                                 open_payment_data,
                                 seal_payment_data,
                                 threshold_policy,
)
from paylab.flow.idempotency import MAX_KEY_LENGTH, IdempotencyStore
from paylab.flow.intents import (
                                 CANCELED,
                                 PROCESSING,
                                 REQUIRES_ACTION,
                                 REQUIRES_CAPTURE,
                                 REQUIRES_CONFIRMATION,
                                 REQUIRES_PAYMENT_METHOD,
                                 STATES,
                                 SUCCEEDED,
                                 TERMINAL,
                                 TRANSITIONS,
                                 PaymentIntent,
                                 allowed,
                                 transition,
)
from paylab.flow.stepup import policy_from, risk_signals
from paylab.flow.webhooks import (
                                 MerchantInbox,
                                 decrypt_notice,
                                 encrypt_notice,
                                 parse_header,
                                 sign_webhook,
                                 verify_webhook,
)

__all__ = [
    "Gateway", "PaymentIntent", "Event", "Refund", "FundingSource", "Merchant", "Bank", "Faults",
    "IdempotencyStore", "MerchantInbox", "STEPS", "STATES", "TRANSITIONS", "TERMINAL", "SOURCE_KINDS",
    "REQUIRES_PAYMENT_METHOD", "REQUIRES_CONFIRMATION", "REQUIRES_ACTION", "PROCESSING",
    "REQUIRES_CAPTURE", "SUCCEEDED", "CANCELED", "AUTO_CONFIRM_DAYS", "TRADE_STATUSES", "MAX_KEY_LENGTH",
    "allowed", "transition", "sign_webhook", "verify_webhook", "parse_header", "encrypt_notice",
    "decrypt_notice", "escrow_timeline", "trade_status", "threshold_policy", "seal_payment_data",
    "open_payment_data", "simulate", "market", "risk_signals", "policy_from", "fee_minor",
]
