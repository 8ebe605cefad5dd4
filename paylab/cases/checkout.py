"""Frictionless checkout (Amazon Pay one-click, Amazon One palm recognition): the checkout funnel.

Every step of a checkout loses some buyers, and so does every authentication
challenge. Fraudsters do not mind steps, but a challenge stops most of them.
This module computes, for a funnel of steps and a challenge policy, the share of
genuine buyers who finish (the *conversion*), the share of fraud that gets
through, and revenue and fraud loss in money.

Challenge rates can be set directly or taken from a step-up policy of
:mod:`paylab.auth.stepup` replayed over its synthetic payments
(:func:`rates_from_stepup`). Step drop-offs and the presets are **illustrative**.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from paylab.cases import _validate as v
from paylab.errors import InvalidInput
from paylab.money import Money
from paylab.parameters import param
from paylab.validation import Count, Seed

__all__ = ["CheckoutParams", "PRESETS", "funnel", "conversion", "fraud_pass_rate", "checkout_outcome",
           "friction_sweep", "threshold_rates", "threshold_sweep", "rates_from_stepup"]


@dataclass(frozen=True)
class CheckoutParams:
    """A checkout (illustrative values)."""

    steps: tuple[tuple[str, float], ...] = param(
        (("address form", 0.12), ("card details", 0.10), ("review order", 0.04)),
        meaning="checkout steps and the share of buyers who leave at each", unit="(step, share)", symbol="d_i",
        meaning_zh="结账步骤及每步流失比例")
    challenge_rate: float = param(0.10, meaning="share of genuine buyers asked for a second factor", unit="share",
                                  symbol="c_g", meaning_zh="被要求二次验证的真实买家比例")
    challenge_drop: float = param(0.15, meaning="share of challenged genuine buyers who give up", unit="share",
                                  symbol="q", meaning_zh="被验证后放弃的买家比例")
    fraud_share: float = param(0.02, meaning="share of checkout attempts that are fraud", unit="share",
                               symbol="φ", meaning_zh="欺诈尝试占比")
    fraud_challenge_rate: float = param(0.60, meaning="share of fraud attempts the policy challenges", unit="share",
                                        symbol="c_f", meaning_zh="被挑战的欺诈比例")
    challenge_stop: float = param(0.95, meaning="share of challenged fraud the challenge stops", unit="share",
                                  symbol="k", meaning_zh="挑战拦下的欺诈比例")
    order_minor: int = param(30000, meaning="order value", unit="minor", symbol="P", meaning_zh="订单金额")
    currency: str = "USD"

    def validate(self) -> CheckoutParams:
        """Check every field; returns self."""
        if not isinstance(self.steps, (tuple, list)):
            raise InvalidInput("steps", "a tuple of (name, drop) pairs", "steps must be (name, drop) pairs")
        for step in self.steps:
            if not (isinstance(step, (tuple, list)) and len(step) == 2 and isinstance(step[0], str)):
                raise InvalidInput("steps", "a tuple of (name, drop) pairs", f"bad step {step!r}")
            v.prob(step[1], "steps")
        for name in ("challenge_rate", "challenge_drop", "fraud_share", "fraud_challenge_rate",
                     "challenge_stop"):
            v.prob(getattr(self, name), name)
        v.count(self.order_minor, "order_minor", 1)
        Money.zero(self.currency)
        return self


#: Illustrative checkouts: a guest checkout, one-click with a stored account, palm recognition.
PRESETS = {
    "guest checkout": CheckoutParams(),
    "one-click (stored account)": CheckoutParams(steps=(("confirm", 0.03),), challenge_rate=0.05,
                                                 fraud_challenge_rate=0.5),
    "palm recognition (in store)": CheckoutParams(steps=(("hover palm", 0.01),), challenge_rate=0.0,
                                                  fraud_challenge_rate=0.0, fraud_share=0.002),
}


def funnel(params: CheckoutParams) -> pd.DataFrame:
    """Share of genuine buyers still in the checkout after each step and after the challenge."""
    params.validate()
    rows, left = [("start", 1.0)], 1.0
    for name, drop in params.steps:
        left *= 1.0 - drop
        rows.append((name, left))
    left *= 1.0 - params.challenge_rate * params.challenge_drop
    rows.append(("authentication", left))
    return pd.DataFrame(rows, columns=["step", "remaining"]).set_index("step")


def conversion(params: CheckoutParams) -> float:
    """Share of genuine buyers who complete the checkout: ∏(1 − dropᵢ) × (1 − challenge_rate × challenge_drop)."""
    return float(funnel(params)["remaining"].iloc[-1])


def fraud_pass_rate(params: CheckoutParams) -> float:
    """Share of fraud attempts that get through (fraudsters do not abandon steps)."""
    params.validate()
    return 1.0 - params.fraud_challenge_rate * params.challenge_stop


def checkout_outcome(params: CheckoutParams, attempts: Count[1, 10**9] = 100_000) -> dict[str, object]:
    """Expected result of ``attempts`` checkout attempts: orders, fraud orders, revenue and fraud loss."""
    params.validate()
    v.count(attempts, "attempts")
    genuine = attempts * (1 - params.fraud_share)
    fraud = attempts * params.fraud_share
    orders = round(genuine * conversion(params))
    fraud_orders = round(fraud * fraud_pass_rate(params))
    return {"conversion": conversion(params), "fraud_pass_rate": fraud_pass_rate(params),
            "orders": orders, "fraud_orders": fraud_orders,
            "revenue": Money.from_minor(orders * params.order_minor, params.currency),
            "fraud_loss": Money.from_minor(fraud_orders * params.order_minor, params.currency)}


def friction_sweep(params: CheckoutParams, challenge_rates: Sequence[float], *,
                   attempts: int = 100_000) -> pd.DataFrame:
    """Conversion, fraud pass rate, revenue and fraud loss as the challenge rate rises.

    The fraud challenge rate rises with it: a policy challenging a share c of
    genuine buyers is assumed to challenge fraud at min(1, c × lift), where
    lift = fraud_challenge_rate / challenge_rate of ``params`` (1 when that is 0).
    """
    params.validate()
    lift = params.fraud_challenge_rate / params.challenge_rate if params.challenge_rate > 0 else 1.0
    rows = []
    for c in challenge_rates:
        v.prob(c, "challenge_rates")
        p = replace(params, challenge_rate=float(c), fraud_challenge_rate=min(1.0, float(c) * lift))
        out = checkout_outcome(p, attempts)
        rows.append({"challenge_rate": float(c), **out})
    return pd.DataFrame(rows).set_index("challenge_rate")


def _survival(z: float) -> float:
    return 0.5 * math.erfc(z / math.sqrt(2.0))


def threshold_rates(threshold: float, separation: float = 2.0) -> tuple[float, float]:
    """Challenge rates of a risk-score threshold: genuine scores ~ N(0, 1), fraud ~ N(separation, 1);
    a score above ``threshold`` is challenged. Returns (genuine rate, fraud rate)."""
    if isinstance(threshold, bool) or not isinstance(threshold, (int, float)) or not math.isfinite(threshold):
        raise InvalidInput("threshold", "a finite number", "threshold must be a finite number")
    v.nonneg(separation, "separation")
    return _survival(threshold), _survival(threshold - separation)


def threshold_sweep(params: CheckoutParams, thresholds: Sequence[float], *, separation: float = 2.0,
                    attempts: int = 100_000) -> pd.DataFrame:
    """Conversion vs fraud as a risk threshold moves (lower threshold = more friction)."""
    rows = []
    for t in thresholds:
        g, f = threshold_rates(float(t), separation)
        out = checkout_outcome(replace(params, challenge_rate=g, fraud_challenge_rate=f), attempts)
        rows.append({"threshold": float(t), "challenge_rate": g, **out})
    return pd.DataFrame(rows).set_index("threshold")


def rates_from_stepup(policy, *, n: Count[1, 200_000] = 5000, seed: Seed = 0,
                      fraud_rate: float = 0.02) -> tuple[float, float]:
    """(genuine challenge rate, fraud challenge rate) of a :class:`paylab.auth.stepup.StepUpPolicy`
    (or any ``payment -> bool``) replayed over seeded synthetic payments of chapter 4."""
    from paylab.auth.stepup import synthetic_payments

    if not callable(policy):
        raise InvalidInput("policy", "callable", "policy must be a StepUpPolicy or a payment -> bool function")
    pay = synthetic_payments(n, seed=seed, fraud_rate=fraud_rate)
    challenged = np.array([bool(policy(r)) for r in pay.to_dict("records")])
    fraud = pay["is_fraud"].to_numpy(bool)
    g = float(challenged[~fraud].mean()) if (~fraud).any() else 0.0
    f = float(challenged[fraud].mean()) if fraud.any() else 0.0
    return g, f
