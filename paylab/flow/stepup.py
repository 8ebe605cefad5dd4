"""When step 3 asks the buyer to authenticate (step-up): a simple amount threshold, or a
:class:`paylab.auth.StepUpPolicy` fed with the payment's risk signals."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from paylab.errors import InvalidInput
from paylab.flow.intents import PaymentIntent
from paylab.money import Money

__all__ = ["threshold_policy", "risk_signals", "policy_from", "RISK_DEFAULTS"]


def threshold_policy(threshold: Money) -> Callable[[PaymentIntent], bool]:
    """A simple step-up policy: challenge every payment at or above ``threshold``
    (same currency). Any callable ``policy(intent) -> bool`` can replace it."""
    limit, cur = threshold.minor_units, threshold.currency

    def policy(intent: PaymentIntent) -> bool:
        return intent.amount_minor >= limit and (intent.currency is cur or intent.currency == cur)

    return policy


#: Risk signals a step-up policy reads, with the values assumed when the order does not say.
RISK_DEFAULTS = {"known_device": True, "location": "home", "new_payee": False, "failed_logins_24h": 0}


def risk_signals(intent: PaymentIntent) -> dict[str, Any]:
    """The payment as a :mod:`paylab.auth` step-up policy sees it: the amount plus the risk
    signals given in ``create_intent(..., metadata={...})`` (defaults: a known device at home)."""
    out = {"amount_minor": intent.amount_minor}
    for name, default in RISK_DEFAULTS.items():
        out[name] = intent.metadata.get(name, default)
    return out


def policy_from(step_up: Any) -> Callable[[PaymentIntent], bool]:
    """Accept a ``paylab.auth.StepUpPolicy`` (anything with ``decide(payment)``), or a plain
    callable ``policy(intent) -> bool``."""
    if hasattr(step_up, "decide"):
        return lambda intent: bool(step_up.decide(risk_signals(intent)).challenge)
    if callable(step_up):
        return step_up
    raise InvalidInput("step_up", "StepUpPolicy or callable", "step_up must be a policy or a callable")
