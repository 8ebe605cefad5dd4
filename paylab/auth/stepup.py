"""Step-up (risk-based) authentication in the style of EMV 3-D Secure 2 and PSD2 SCA.

Every payment gets a risk score from a few signals (unknown device, unusual place,
new payee, recent failed logins, amount). A :class:`StepUpPolicy` then decides:
*frictionless* (approve without asking) or *challenge* (ask for a second factor,
e.g. an SMS or app code). :func:`evaluate_policies` replays seeded synthetic
payments through several policies and counts how many are challenged and how much
fraud gets through. The signals, weights and fraud rates are illustrative, not
measured from any real payment system.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from paylab.errors import InvalidInput
from paylab.money import Money
from paylab.parameters import param
from paylab.validation import Seed

__all__ = ["LOCATIONS", "RiskWeights", "DEFAULT_WEIGHTS", "risk_score", "synthetic_payments", "Decision",
           "StepUpPolicy", "standard_policies", "evaluate_policies", "MAX_PAYMENTS"]

LOCATIONS = ("home", "domestic", "foreign")
#: Most synthetic payments one call generates.
MAX_PAYMENTS = 1_000_000


@dataclass(frozen=True)
class RiskWeights:
    """Points the step-up score adds per signal; the score is their sum, capped at 100 (illustrative)."""

    unknown_device: int = param(30, meaning="points when the device has not been seen on this account",
                                unit="points", symbol="w_dev", meaning_zh="陌生设备加分")
    domestic: int = param(10, meaning="points when the payment comes from elsewhere in the country",
                          unit="points", symbol="w_dom", meaning_zh="异地（境内）加分")
    foreign: int = param(30, meaning="points when the payment comes from abroad", unit="points",
                         symbol="w_abr", meaning_zh="境外加分")
    new_payee: int = param(15, meaning="points when the payee is new to this customer", unit="points",
                           symbol="w_pay", meaning_zh="新收款方加分")
    per_failed_login: int = param(5, meaning="points per failed login in the last 24 hours", unit="points",
                                  symbol="w_fail", meaning_zh="每次失败登录加分")
    max_failed_logins: int = param(3, meaning="failed logins counted at most", unit="logins", symbol="f_max",
                                   meaning_zh="计入的失败登录次数上限")
    large_amount_minor: int = param(100_000, meaning="amount from which a payment counts as large", unit="minor",
                                    symbol="A_large", meaning_zh="大额阈值")
    large_amount: int = param(10, meaning="points for a large payment", unit="points", symbol="w_amt",
                              meaning_zh="大额加分")
    currency: str = "CNY"

    def __post_init__(self) -> None:
        for f in ("unknown_device", "domestic", "foreign", "new_payee", "per_failed_login", "max_failed_logins",
                  "large_amount_minor", "large_amount"):
            value = getattr(self, f)
            if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= (10**12 if f ==
                                                                                          "large_amount_minor"
                                                                                          else 100):
                raise InvalidInput(f, "integer 0..100 (amount: minor units)", f"{f} is a whole number of points")


DEFAULT_WEIGHTS = RiskWeights()
_REQUIRED = ("amount_minor", "known_device", "location", "new_payee", "failed_logins_24h")


def _field(payment: Mapping, name: str) -> object:
    try:
        return payment[name]
    except (KeyError, TypeError):
        raise InvalidInput(name, "present", f"a payment needs the field {name!r}") from None


def risk_score(payment: Mapping, weights: RiskWeights = DEFAULT_WEIGHTS) -> int:
    """Points 0..100 from the payment's signals (higher = riskier); ``weights`` are illustrative."""
    if not isinstance(weights, RiskWeights):
        raise InvalidInput("weights", "a RiskWeights record", "weights must be a RiskWeights record")
    amount = _field(payment, "amount_minor")
    if isinstance(amount, bool) or not isinstance(amount, (int, np.integer)) or amount <= 0:
        raise InvalidInput("amount_minor", "positive integer (fen)", "amount_minor is a positive integer of fen")
    location = _field(payment, "location")
    if location not in LOCATIONS:
        raise InvalidInput("location", "home, domestic or foreign", f"unknown location {location!r}")
    failed = _field(payment, "failed_logins_24h")
    if isinstance(failed, bool) or not isinstance(failed, (int, np.integer)) or failed < 0:
        raise InvalidInput("failed_logins_24h", "non-negative integer", "failed_logins_24h counts failures")
    score = 0 if bool(_field(payment, "known_device")) else weights.unknown_device
    score += {"home": 0, "domestic": weights.domestic, "foreign": weights.foreign}[location]
    score += weights.new_payee if bool(_field(payment, "new_payee")) else 0
    score += weights.per_failed_login * min(int(failed), weights.max_failed_logins)
    score += weights.large_amount if amount >= weights.large_amount_minor else 0
    return min(score, 100)


def synthetic_payments(n: int = 20000, *, seed: Seed = 0, fraud_rate: float = 0.01) -> pd.DataFrame:
    """Seeded synthetic card-not-present payments in CNY with a ground-truth ``is_fraud`` column.

    Fraudsters more often use an unknown device, pay from abroad, pay a new payee,
    follow failed logins and spend more: the probabilities are invented for teaching.
    """
    if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= MAX_PAYMENTS:
        raise InvalidInput("n", f"integer 1..{MAX_PAYMENTS:,}", "n must be a positive whole number")
    if not isinstance(fraud_rate, float) or not 0 < fraud_rate < 0.5:
        raise InvalidInput("fraud_rate", "0 < rate < 0.5", "fraud_rate is a fraction below one half")
    rng = np.random.default_rng(seed)
    fraud = rng.random(n) < fraud_rate
    known = np.where(fraud, rng.random(n) < 0.30, rng.random(n) < 0.90)
    loc_genuine = rng.choice(3, n, p=[0.85, 0.12, 0.03])
    loc_fraud = rng.choice(3, n, p=[0.35, 0.30, 0.35])
    location = np.array(LOCATIONS)[np.where(fraud, loc_fraud, loc_genuine)]
    new_payee = np.where(fraud, rng.random(n) < 0.80, rng.random(n) < 0.25)
    failed = np.where(fraud, rng.poisson(1.2, n), rng.poisson(0.1, n))
    # amounts in fen: genuine median about CNY 120, fraud median about CNY 600
    amount = np.where(fraud, rng.lognormal(np.log(60_000), 1.0, n), rng.lognormal(np.log(12_000), 1.0, n))
    amount = np.maximum(100, np.round(amount)).astype(np.int64)
    frame = pd.DataFrame({"amount_minor": amount, "known_device": known, "location": location,
                          "new_payee": new_payee, "failed_logins_24h": failed.astype(np.int64),
                          "is_fraud": fraud})
    frame["risk_score"] = [risk_score(row) for row in frame.to_dict("records")]
    return frame


@dataclass(frozen=True)
class Decision:
    """A policy's answer for one payment: challenge or not, and why."""

    challenge: bool
    reason: str
    score: int

    @property
    def flow(self) -> str:
        return "challenge" if self.challenge else "frictionless"


@dataclass(frozen=True)
class StepUpPolicy:
    """Rules tried in order: amount cap, risk threshold, low-value exemption, default.

    ``challenge_over``: challenge every payment at or above this amount. ``risk_threshold``:
    challenge when the score reaches it. ``low_value``: below this amount, no challenge
    (a simplified low-value exemption). ``default_challenge``: what happens otherwise.
    """

    name: str = param("policy", meaning="a label for tables and plots", symbol="—", meaning_zh="策略名称")
    challenge_over: Money | None = param(None, meaning="challenge every payment at or above this amount "
                                         "(none: no amount rule)", unit="money", symbol="A_max",
                                         meaning_zh="超过此金额一律验证")
    risk_threshold: int | None = param(None, meaning="challenge when the risk score reaches this (none: no score "
                                       "rule)", unit="points", symbol="θ", meaning_zh="风险分阈值")
    low_value: Money | None = param(None, meaning="below this amount, no challenge (simplified low-value "
                                    "exemption)", unit="money", symbol="A_low", meaning_zh="小额免验证金额")
    default_challenge: bool = param(False, meaning="challenge when no rule above decides", symbol="—",
                                    meaning_zh="默认是否验证")

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name:
            raise InvalidInput("name", "non-empty str", "a policy needs a name")
        for field in ("challenge_over", "low_value"):
            value = getattr(self, field)
            if value is not None and (not isinstance(value, Money) or value.currency.code != "CNY"):
                raise InvalidInput(field, "Money in CNY or None", f"{field} must be a CNY Money amount")
        if self.risk_threshold is not None and (isinstance(self.risk_threshold, bool) or
                                                not isinstance(self.risk_threshold, int) or
                                                not 0 <= self.risk_threshold <= 100):
            raise InvalidInput("risk_threshold", "0..100 or None", "risk_threshold is a score from 0 to 100")

    def decide(self, payment: Mapping) -> Decision:
        """Frictionless or challenge for one payment (a mapping with the synthetic columns)."""
        score = risk_score(payment)
        amount = int(payment["amount_minor"])
        if self.challenge_over is not None and amount >= self.challenge_over.minor_units:
            return Decision(True, f"amount >= {self.challenge_over}", score)
        if self.risk_threshold is not None and score >= self.risk_threshold:
            return Decision(True, f"risk score {score} >= {self.risk_threshold}", score)
        if self.low_value is not None and amount < self.low_value.minor_units:
            return Decision(False, f"low-value exemption (< {self.low_value})", score)
        return Decision(self.default_challenge, "default", score)

    def __call__(self, payment: Mapping) -> bool:
        return self.decide(payment).challenge


def standard_policies() -> list[StepUpPolicy]:
    """Five illustrative policies, from never asking to always asking."""
    cny = lambda v: Money(v, "CNY")  # noqa: E731
    return [
        StepUpPolicy("never challenge"),
        StepUpPolicy("challenge >= CNY 1,000", challenge_over=cny(1000)),
        StepUpPolicy("risk score >= 45", risk_threshold=45),
        StepUpPolicy("risk >= 45 or >= CNY 5,000", challenge_over=cny(5000), risk_threshold=45),
        StepUpPolicy("challenge all (full SCA)", default_challenge=True),
    ]


def evaluate_policies(policies: Sequence[StepUpPolicy | Callable[[Mapping], bool]], payments: pd.DataFrame, *,
                      names: Sequence[str] | None = None) -> pd.DataFrame:
    """Challenge share and fraud let through for each policy over ``payments``.

    Assumes a challenge stops a fraudster (who holds the card data but not the
    customer's phone or finger): an illustrative simplification. A policy may be a
    :class:`StepUpPolicy` or any function ``payment -> bool`` (True = challenge).
    """
    missing = [c for c in (*_REQUIRED, "is_fraud") if c not in getattr(payments, "columns", [])]
    if missing:
        raise InvalidInput("payments", "synthetic_payments columns", f"payments lack columns {missing}")
    if names is not None and len(names) != len(policies):
        raise InvalidInput("names", "one per policy", "give one name per policy")
    records = payments.to_dict("records")
    fraud = payments["is_fraud"].to_numpy(bool)
    amount = payments["amount_minor"].to_numpy(np.int64)
    total_fraud_value = int(amount[fraud].sum())
    rows = []
    for i, policy in enumerate(policies):
        if not callable(policy):
            raise InvalidInput("policies", "callables", "each policy must be callable on a payment")
        name = names[i] if names is not None else getattr(policy, "name", getattr(policy, "__name__", f"policy {i}"))
        challenged = np.array([bool(policy(r)) for r in records])
        through = fraud & ~challenged
        value_through = int(amount[through].sum())
        rows.append({
            "policy": name,
            "challenged share": float(challenged.mean()),
            "genuine challenged": int((challenged & ~fraud).sum()),
            "fraud payments": int(fraud.sum()),
            "fraud let through": int(through.sum()),
            "fraud value let through": Money.from_minor(value_through, "CNY"),
            "share of fraud value let through": value_through / total_fraud_value if total_fraud_value else 0.0,
        })
    return pd.DataFrame(rows)
