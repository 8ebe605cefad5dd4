"""The swappable sub-models of the dashboard: authentication, risk scores, friction, escrow.

Each is a plain function. The illustrative ones are small parametric curves; the
others read their effect from the book's own modules (chapter 4's step-up replay,
chapter 5's fraud scores, chapter 6's checkout funnel and escrow market).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from types import MappingProxyType

from paylab.dashboard.records import (
    AUTH_POLICIES,
    Assumptions,
    AuthEffect,
    EscrowEffect,
    MerchantProfile,
    _prob,
)
from paylab.errors import InvalidInput
from paylab.parameters import param

#: (challenge rate of genuine payments, fraud let through) per policy — illustrative,
#: in the spirit of 3-D Secure 2: risk-based step-up challenges a few payments and
#: stops most fraud, challenging everyone stops a little more at a large friction cost.
_AUTH_TABLE = {"none": (0.0, 1.0), "risk_based": (0.10, 0.30), "always": (1.0, 0.15)}


def illustrative_auth(policy: str, profile: MerchantProfile) -> AuthEffect:
    """Illustrative step-up model: risk-based challenges ~10 % (more under high fraud pressure)."""
    if policy not in _AUTH_TABLE:
        raise InvalidInput("auth_policy", f"one of {AUTH_POLICIES}", f"unknown policy {policy!r}")
    challenge, fraud_pass = _AUTH_TABLE[policy]
    if policy == "risk_based":  # a risk engine challenges more when more fraud is around
        challenge = min(1.0, challenge + 2 * profile.fraud_pressure)
    return AuthEffect(challenge, fraud_pass)


@dataclass(frozen=True)
class ScoreCurves:
    """The illustrative risk-score curves: genuine scores ~ Beta(1, g), fraud scores ~ Beta(f, 1)."""

    genuine_shape: float = param(4.0, meaning="shape g of the illustrative Beta(1, g) curve of genuine "
                                 "buyers' scores: larger g crowds them nearer 0", symbol="g",
                                 meaning_zh="真实买家风险分 Beta(1, g) 的形状参数")
    fraud_shape: float = param(2.0, meaning="shape f of the illustrative Beta(f, 1) curve of fraudsters' "
                               "scores: larger f crowds them nearer 1", symbol="f",
                               meaning_zh="欺诈交易风险分 Beta(f, 1) 的形状参数")

    def __post_init__(self) -> None:
        for name in ("genuine_shape", "fraud_shape"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not v > 0 or v != v:
                raise InvalidInput("shape", "positive", f"Beta shape {name} must be positive, not {v!r}")


def beta_scores(genuine_shape: float | ScoreCurves = 4.0,
                fraud_shape: float = 2.0) -> Callable[[float], tuple[float, float]]:
    """An illustrative risk-score model: genuine scores ~ Beta(1, g), fraud scores ~ Beta(f, 1).

    The returned function maps a threshold ``t`` to (share of genuine payments declined,
    share of fraud caught) = ((1 - t)^g, 1 - t^f) when payments scoring ``>= t`` are declined.
    Pass the shapes or a :class:`ScoreCurves` record.
    """
    curves = genuine_shape if isinstance(genuine_shape, ScoreCurves) else ScoreCurves(genuine_shape, fraud_shape)
    g, f = curves.genuine_shape, curves.fraud_shape

    def scores(threshold: float) -> tuple[float, float]:
        t = _prob(threshold, "risk_threshold", open_low=True)
        return (1.0 - t) ** g, 1.0 - t ** f

    scores.__doc__ = f"illustrative Beta score curves (g = {g:g}, f = {f:g})"
    return scores


def fraud_scores(scores: Sequence[float], labels: Sequence[int]) -> Callable[[float], tuple[float, float]]:
    """A risk-score model read off real model scores, e.g. those of chapter 5's fraud model.

    For a threshold ``t`` it returns, through :func:`paylab.fraud.outcome_at`, the share of good
    rows flagged (declined) and the recall (fraud caught) of ``scores >= t`` on ``labels``.
    """
    from paylab.fraud import outcome_at

    first = outcome_at(scores, labels, 0.0)  # validates once; needs both classes
    if not first["fraud_total"] or not first["good_total"]:
        raise InvalidInput("labels", "both classes", "scores need both fraud and good rows")
    cache: dict[float, tuple[float, float]] = {}

    def model(threshold: float) -> tuple[float, float]:
        t = _prob(threshold, "risk_threshold", open_low=True)
        if t not in cache:
            out = outcome_at(scores, labels, t)
            cache[t] = (out["challenge_rate"], out["recall"])
        return cache[t]

    model.__doc__ = f"empirical score model over {first['good_total'] + first['fraud_total']} scored rows"
    return model


def illustrative_friction(challenge_rate: float) -> float:
    """Share of genuine buyers lost at checkout when ``challenge_rate`` of them are challenged
    (illustrative: 12 % of challenged buyers abandon)."""
    return 0.12 * _prob(challenge_rate, "challenge_rate")


def illustrative_escrow(profile: MerchantProfile) -> EscrowEffect:
    """Illustrative escrow: closes the whole trust gap and holds money 7 days (delivery plus
    confirmation; Alipay auto-confirms after 10 days)."""
    return EscrowEffect(trust_recovered=1.0, hold_days=7.0)


def cases_escrow(params: object | None = None,
                 policy: str = "escrow_dispute") -> Callable[[MerchantProfile], EscrowEffect]:
    """Escrow effects from the market of strangers of chapter 6 (:mod:`paylab.cases.escrow_trust`).

    In that model a buyer buys when her valuation covers the price plus the loss she
    expects from fraud. The trust recovered is the share of the buyers lost to that
    expected loss without protection whom ``policy`` wins back (in the steady state);
    the hold is the honest seller's mean days to cash under ``policy``.
    """
    from paylab.cases.escrow_trust import (
        POLICIES,
        EscrowParams,
        effective_fraud_rate,
        loss_given_fraud,
        seller_days_to_cash,
    )

    params = EscrowParams() if params is None else params
    if not isinstance(params, EscrowParams):
        raise InvalidInput("params", "paylab.cases.escrow_trust.EscrowParams", "pass EscrowParams or None")
    if policy not in POLICIES or policy == "none":
        raise InvalidInput("policy", "escrow or escrow_dispute", f"{policy!r} is not an escrow policy")
    params.validate()

    def expected_loss(pol: str) -> float:
        return effective_fraud_rate(params, pol) * loss_given_fraud(params, pol)

    def buyers(loss: float) -> float:  # share of valuations ~ U(low, high) at or above 1 + loss
        span = params.value_high - params.value_low
        return min(1.0, max(0.0, (params.value_high - 1.0 - loss) / span))

    lost = buyers(0.0) - buyers(expected_loss("none"))
    won_back = buyers(expected_loss(policy)) - buyers(expected_loss("none"))
    effect = EscrowEffect(trust_recovered=won_back / lost if lost > 0 else 1.0,
                          hold_days=seller_days_to_cash(params, policy))

    def escrow(profile: MerchantProfile) -> EscrowEffect:
        return effect

    escrow.__doc__ = f"chapter 6's market of strangers (paylab.cases.escrow_trust, {policy})"
    return escrow


def cases_friction(params: object | None = None) -> Callable[[float], float]:
    """Buyers lost to challenges, from the checkout funnel of chapter 6 (:mod:`paylab.cases.checkout`).

    The funnel's other steps (address, review) are the same for every payment design,
    so only the authentication step's loss is used: 1 − conversion(c) / conversion(0).
    """
    from paylab.cases.checkout import CheckoutParams, conversion

    params = CheckoutParams() if params is None else params
    if not isinstance(params, CheckoutParams):
        raise InvalidInput("params", "paylab.cases.checkout.CheckoutParams", "pass CheckoutParams or None")
    base = conversion(replace(params, challenge_rate=0.0))

    def friction(challenge_rate: float) -> float:
        c = _prob(challenge_rate, "challenge_rate")
        return 1.0 - conversion(replace(params, challenge_rate=c)) / base if base > 0 else 0.0

    friction.__doc__ = "payment-step loss of chapter 6's checkout funnel (paylab.cases.checkout)"
    return friction


#: How the dashboard's three policies map onto :class:`paylab.auth.stepup.StepUpPolicy` rules.
STEPUP_RULES = {"none": {}, "risk_based": {"risk_threshold": 45}, "always": {"default_challenge": True}}


@lru_cache(maxsize=8)
def _stepup_rates(n: int, seed: int, challenge_defeat: float) -> Mapping[str, AuthEffect]:
    from paylab.auth.stepup import StepUpPolicy, evaluate_policies, synthetic_payments

    payments = synthetic_payments(n, seed=seed, fraud_rate=0.2)  # many fraud rows: stable rates
    genuine = int((~payments["is_fraud"]).sum())
    policies = [StepUpPolicy(name, **rule) for name, rule in STEPUP_RULES.items()]
    table = evaluate_policies(policies, payments).set_index("policy")
    out = {}
    for name in STEPUP_RULES:
        row = table.loc[name]
        through = row["fraud let through"] / row["fraud payments"]
        # a challenged fraudster still gets through with probability challenge_defeat
        out[name] = AuthEffect(row["genuine challenged"] / genuine, through + challenge_defeat * (1 - through))
    return MappingProxyType(out)


@dataclass(frozen=True)
class StepUpReplay:
    """How the dashboard measures its authentication policies on chapter 4's step-up replay."""

    n: int = param(20_000, meaning="synthetic payments replayed through the three policies (at least 1,000)",
                   unit="payments", meaning_zh="重放的合成支付笔数（至少 1,000）")
    seed: int = param(7, meaning="seed of the synthetic payments, so every run gives the same rates",
                      meaning_zh="合成数据的随机种子")
    challenge_defeat: float = param(0.15, meaning="chance that a challenged fraudster still gets through "
                                    "(SIM swap, phished codes)", unit="probability", symbol="δ",
                                    meaning_zh="被要求验证的欺诈者仍能通过的概率")


def stepup_auth(n: int | StepUpReplay = 20_000, seed: int = 7,
                challenge_defeat: float = 0.15) -> Callable[[str, MerchantProfile], AuthEffect]:
    """Authentication effects measured with chapter 4's step-up module (:mod:`paylab.auth.stepup`).

    Replays ``n`` seeded synthetic payments through a never / risk-score >= 45 / always
    policy and reads the share of genuine payments challenged and of fraud let through.
    That module assumes a challenge always stops a fraudster; here a challenged fraudster
    still passes with probability ``challenge_defeat`` (SIM swap, phished codes; illustrative).
    Pass the numbers or a :class:`StepUpReplay` record.
    """
    if isinstance(n, StepUpReplay):
        n, seed, challenge_defeat = n.n, n.seed, n.challenge_defeat
    _prob(challenge_defeat, "challenge_defeat")
    if isinstance(n, bool) or not isinstance(n, int) or n < 1000:
        raise InvalidInput("n", "integer >= 1000", "replay at least 1,000 payments")

    def auth(policy: str, profile: MerchantProfile) -> AuthEffect:
        if policy not in STEPUP_RULES:
            raise InvalidInput("auth_policy", f"one of {AUTH_POLICIES}", f"unknown policy {policy!r}")
        return _stepup_rates(n, seed, float(challenge_defeat))[policy]

    auth.__doc__ = f"chapter 4's step-up replay of {n:,} synthetic payments (seed {seed})"
    return auth


@dataclass(frozen=True)
class Models:
    """The swappable sub-models of :func:`evaluate` (each a plain function)."""

    auth: Callable[[str, MerchantProfile], AuthEffect] = field(default_factory=stepup_auth)
    scores: Callable[[float], tuple[float, float]] = field(default_factory=beta_scores)
    friction: Callable[[float], float] = field(default_factory=cases_friction)
    escrow: Callable[[MerchantProfile], EscrowEffect] = field(default_factory=cases_escrow)
    assumptions: Assumptions = field(default_factory=Assumptions)
    source: str = ("step-up replay (paylab.auth.stepup), checkout funnel and escrow market (paylab.cases), "
                   "illustrative risk-score curves")


#: The book's default: sub-models of chapters 4 and 6, illustrative score curves.
DEFAULT_MODELS = Models()
#: Every sub-model illustrative and parametric (no replay), for comparison.
ILLUSTRATIVE_MODELS = Models(auth=illustrative_auth, friction=illustrative_friction, escrow=illustrative_escrow,
                             source="illustrative parametric sub-models")
