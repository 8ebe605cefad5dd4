"""The trade-off dashboard of chapter 7: one merchant, one payment-stack design, five numbers.

A :class:`Config` (which methods to offer, how to authenticate, where to set the
risk threshold, escrow on or off) is evaluated for a :class:`MerchantProfile`
(volume, average order, margin, fraud pressure, markets) into an
:class:`Outcome`: cost per payment, conversion, fraud loss, time to cash and
the cash tied up — plus the monthly profit that weighs them against each other.

Fees, limits and settlement delays come from :mod:`paylab.methods`. The other
effects are sub-models held in a :class:`Models` record, so each can be
swapped: the book's default uses small, documented, **illustrative**
parametric curves (:func:`illustrative_auth`, :func:`beta_scores`,
:func:`illustrative_friction`, :func:`illustrative_escrow`); pass your own to
model a real merchant. All parameters here are illustrative, not market data.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import lru_cache
from types import MappingProxyType

import pandas as pd

from paylab import methods as pm
from paylab.errors import InvalidInput, PaymentDeclined
from paylab.money import Money

__all__ = [
    "AUTH_POLICIES",
    "MARKET_PREFERENCES",
    "Assumptions",
    "AuthEffect",
    "Config",
    "EscrowEffect",
    "MerchantProfile",
    "Models",
    "Outcome",
    "Targets",
    "DEFAULT_MODELS",
    "ILLUSTRATIVE_MODELS",
    "STEPUP_RULES",
    "stepup_auth",
    "cases_escrow",
    "cases_friction",
    "beta_scores",
    "illustrative_auth",
    "illustrative_escrow",
    "illustrative_friction",
    "fraud_scores",
    "market_coverage",
    "method_mix",
    "evaluate",
    "compare",
    "frontier",
    "targets_met",
    "target_table",
    "EXAMPLE_PROFILES",
]

#: Authentication policies the dashboard knows, weakest first.
AUTH_POLICIES = ("none", "risk_based", "always")

#: Share of buyers in each market who would choose each method first (illustrative).
#: ``domestic``: consumers at home; ``cross_border``: foreign consumers;
#: ``b2b``: business buyers. Each row sums to 1.
MARKET_PREFERENCES: Mapping[str, Mapping[str, Decimal]] = MappingProxyType({
    "domestic": MappingProxyType({
        "platform_balance": Decimal("0.46"), "qr_code": Decimal("0.26"),
        "online_banking": Decimal("0.12"), "ewallet": Decimal("0.06"),
        "prepaid_card": Decimal("0.05"), "card_cross_border": Decimal("0.05"),
    }),
    "cross_border": MappingProxyType({
        "card_cross_border": Decimal("0.70"), "platform_balance": Decimal("0.15"),
        "ewallet": Decimal("0.10"), "qr_code": Decimal("0.05"),
    }),
    "b2b": MappingProxyType({
        "corporate_banking": Decimal("0.70"), "online_banking": Decimal("0.20"),
        "card_cross_border": Decimal("0.10"),
    }),
})


def _prob(value: object, name: str, *, low: float = 0.0, high: float = 1.0,
          open_low: bool = False, open_high: bool = False) -> float:
    """A probability-like number checked to lie in its interval (typed error otherwise)."""
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        raise InvalidInput(name, "a number", f"{name} must be a number, not {type(value).__name__}")
    x = float(value)
    if x != x or (x < low or (open_low and x == low)) or (x > high or (open_high and x == high)):
        lo = "(" if open_low else "["
        hi = ")" if open_high else "]"
        raise InvalidInput(name, f"in {lo}{low}, {high}{hi}", f"{name} = {value!r} is outside {lo}{low}, {high}{hi}")
    return x


def _dec(x: float) -> Decimal:
    """A float share as a Decimal, to scale Money without ever storing money as float."""
    return Decimal(repr(float(x)))


def _share(value: object, name: str, upper: Decimal | None = None) -> Decimal:
    """An exact non-negative rate (Decimal, int or str; never a float), below ``upper`` if given."""
    if isinstance(value, (bool, float)) or not isinstance(value, (Decimal, int, str)):
        raise InvalidInput(name, "Decimal, int or str", f"{name} must be an exact number (Decimal or str), "
                           f"not {type(value).__name__}")
    try:
        d = Decimal(value) if not isinstance(value, str) else Decimal(value.strip())
    except ArithmeticError:
        raise InvalidInput(name, "a number", f"{name} {value!r} is not a number") from None
    if not d.is_finite() or d < 0 or (upper is not None and d >= upper):
        rule = f"in [0, {upper})" if upper is not None else ">= 0"
        raise InvalidInput(name, rule, f"{name} = {value!r} must be {rule}")
    return d


def _money(value: object, name: str, currency: str) -> Money:
    if isinstance(value, Money):
        if value.currency.code != currency:
            raise InvalidInput(name, f"in {currency}", f"{name} must be in {currency}, not {value.currency.code}")
        return value
    try:
        return Money.of(value, currency)  # type: ignore[arg-type]
    except InvalidInput as exc:
        raise InvalidInput(name, exc.rule or "a money amount", f"{name}: {exc.message}") from None


# --------------------------------------------------------------------------- records
@dataclass(frozen=True)
class MerchantProfile:
    """A merchant: how much it sells, to whom, at what margin and under what fraud pressure."""

    name: str = "Example merchant (fictional)"
    orders_per_month: int = 20_000          # checkout attempts by genuine buyers a month
    average_order: Decimal = Decimal("200")  # in ``currency``
    currency: str = "CNY"
    margin: Decimal = Decimal("0.30")       # gross margin on sales, before payment costs
    fraud_pressure: float = 0.01            # fraudulent attempts per genuine attempt
    markets: Mapping[str, Decimal] = field(  # share of buyers per market (sums to 1)
        default_factory=lambda: {"domestic": Decimal("0.8"), "cross_border": Decimal("0.2")})
    trust_gap: float = 0.05                 # share of buyers who will not pay a stranger without escrow
    cost_of_funds: Decimal = Decimal("0.06")  # yearly rate paid on cash waiting for settlement

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name.strip():
            raise InvalidInput("name", "non-empty text", "a merchant profile needs a name")
        if isinstance(self.orders_per_month, bool) or not isinstance(self.orders_per_month, int) \
                or self.orders_per_month <= 0:
            raise InvalidInput("orders_per_month", "positive integer", "orders per month must be a positive integer")
        avg = _money(self.average_order, "average_order", self.currency).amount
        if avg <= 0:
            raise InvalidInput("average_order", "positive", "the average order must be positive")
        object.__setattr__(self, "average_order", avg)
        object.__setattr__(self, "margin", _share(self.margin, "margin", upper=Decimal(1)))
        object.__setattr__(self, "fraud_pressure", _prob(self.fraud_pressure, "fraud_pressure"))
        object.__setattr__(self, "trust_gap", _prob(self.trust_gap, "trust_gap", open_high=True))
        object.__setattr__(self, "cost_of_funds", _share(self.cost_of_funds, "cost_of_funds"))
        if not isinstance(self.markets, Mapping) or not self.markets:
            raise InvalidInput("markets", "non-empty mapping", "markets must map market names to shares")
        shares: dict[str, Decimal] = {}
        for market, share in self.markets.items():
            if market not in MARKET_PREFERENCES:
                raise InvalidInput("markets", f"one of {sorted(MARKET_PREFERENCES)}", f"unknown market {market!r}")
            try:
                shares[market] = _share(share, "markets")
            except InvalidInput:
                raise InvalidInput("markets", "non-negative exact shares",
                                   f"market share of {market!r} must be a non-negative Decimal or str") from None
        if abs(sum(shares.values()) - 1) > Decimal("0.0001"):
            raise InvalidInput("markets", "shares sum to 1", f"market shares sum to {sum(shares.values())}, not 1")
        object.__setattr__(self, "markets", MappingProxyType(dict(sorted(shares.items()))))

    def __hash__(self) -> int:
        return hash((self.name, self.orders_per_month, self.average_order, tuple(self.markets.items())))

    @property
    def order(self) -> Money:
        """The average order as Money."""
        return Money.of(self.average_order, self.currency)


@dataclass(frozen=True)
class Config:
    """One design of the payment stack: the four levers of the dashboard."""

    methods: tuple[str, ...] = ("platform_balance", "qr_code", "card_cross_border")  # offered at checkout
    auth_policy: str = "risk_based"  # "none", "risk_based" (step-up) or "always" (challenge every payment)
    risk_threshold: float = 0.8      # decline when the risk score >= threshold; lower = stricter
    escrow: bool = False             # hold the buyer's money until delivery is confirmed

    def __post_init__(self) -> None:
        ms = self.methods
        if isinstance(ms, str) or not isinstance(ms, Iterable):
            raise InvalidInput("methods", "a sequence of method ids", "methods must be a list of method ids")
        ms = tuple(pm.get(m).id for m in ms)
        if not ms:
            raise InvalidInput("methods", "at least one", "offer at least one payment method")
        if len(set(ms)) != len(ms):
            raise InvalidInput("methods", "no duplicates", "a method is listed twice")
        object.__setattr__(self, "methods", ms)
        if self.auth_policy not in AUTH_POLICIES:
            raise InvalidInput("auth_policy", f"one of {AUTH_POLICIES}", f"unknown policy {self.auth_policy!r}")
        object.__setattr__(self, "risk_threshold",
                           _prob(self.risk_threshold, "risk_threshold", open_low=True))
        if not isinstance(self.escrow, bool):
            raise InvalidInput("escrow", "True or False", "escrow must be a bool")

    def describe(self) -> str:
        return (f"{'+'.join(self.methods)} · auth={self.auth_policy} · "
                f"threshold={self.risk_threshold:g} · escrow={'on' if self.escrow else 'off'}")


@dataclass(frozen=True)
class AuthEffect:
    """What an authentication policy does: genuine payments challenged, fraud let through."""

    challenge_rate: float  # share of genuine payments asked for a second factor
    fraud_pass: float      # share of fraudulent attempts that get past authentication

    def __post_init__(self) -> None:
        object.__setattr__(self, "challenge_rate", _prob(self.challenge_rate, "challenge_rate"))
        object.__setattr__(self, "fraud_pass", _prob(self.fraud_pass, "fraud_pass"))


@dataclass(frozen=True)
class EscrowEffect:
    """What escrow does: share of the trust gap it closes and the days it holds the money."""

    trust_recovered: float  # 0..1 of the buyers lost for lack of trust who now buy
    hold_days: float        # extra days before the merchant is paid

    def __post_init__(self) -> None:
        object.__setattr__(self, "trust_recovered", _prob(self.trust_recovered, "trust_recovered"))
        if isinstance(self.hold_days, bool) or not isinstance(self.hold_days, (int, float)) or self.hold_days < 0:
            raise InvalidInput("hold_days", "non-negative", "escrow hold days must be >= 0")


@dataclass(frozen=True)
class Assumptions:
    """Illustrative constants of the dashboard model (all may be changed)."""

    switch_rate: float = 0.6                      # buyers whose first method is missing who use another
    challenge_cost: Decimal = Decimal("0.05")     # cost of one challenge (an SMS code), per challenge
    chargeback_fee: Decimal = Decimal("15")       # fee per fraudulent payment charged back
    method_monthly_cost: Decimal = Decimal("500")  # running one more method: integration, reconciliation
    days_per_month: int = 30

    def __post_init__(self) -> None:
        object.__setattr__(self, "switch_rate", _prob(self.switch_rate, "switch_rate"))
        for name in ("challenge_cost", "chargeback_fee", "method_monthly_cost"):
            v = getattr(self, name)
            if not isinstance(v, Decimal) or v < 0:
                raise InvalidInput(name, "Decimal >= 0", f"{name} must be a non-negative Decimal")
        if isinstance(self.days_per_month, bool) or not isinstance(self.days_per_month, int) \
                or self.days_per_month <= 0:
            raise InvalidInput("days_per_month", "positive integer", "days per month must be a positive integer")


# ------------------------------------------------------------------ default sub-models
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


def beta_scores(genuine_shape: float = 4.0, fraud_shape: float = 2.0) -> Callable[[float], tuple[float, float]]:
    """An illustrative risk-score model: genuine scores ~ Beta(1, g), fraud scores ~ Beta(f, 1).

    The returned function maps a threshold ``t`` to (share of genuine payments declined,
    share of fraud caught) when payments scoring ``>= t`` are declined; both fall as ``t`` rises.
    """
    if genuine_shape <= 0 or fraud_shape <= 0:
        raise InvalidInput("shape", "positive", "Beta shapes must be positive")

    def scores(threshold: float) -> tuple[float, float]:
        t = _prob(threshold, "risk_threshold", open_low=True)
        return (1.0 - t) ** genuine_shape, 1.0 - t ** fraud_shape

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

    escrow.__doc__ = f"escrow effect of paylab.cases.escrow_trust ({policy})"
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

    friction.__doc__ = "authentication-step loss of paylab.cases.checkout"
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


def stepup_auth(n: int = 20_000, seed: int = 7,
                challenge_defeat: float = 0.15) -> Callable[[str, MerchantProfile], AuthEffect]:
    """Authentication effects measured with chapter 4's step-up module (:mod:`paylab.auth.stepup`).

    Replays ``n`` seeded synthetic payments through a never / risk-score >= 45 / always
    policy and reads the share of genuine payments challenged and of fraud let through.
    That module assumes a challenge always stops a fraudster; here a challenged fraudster
    still passes with probability ``challenge_defeat`` (SIM swap, phished codes; illustrative).
    """
    _prob(challenge_defeat, "challenge_defeat")
    if isinstance(n, bool) or not isinstance(n, int) or n < 1000:
        raise InvalidInput("n", "integer >= 1000", "replay at least 1,000 payments")

    def auth(policy: str, profile: MerchantProfile) -> AuthEffect:
        if policy not in STEPUP_RULES:
            raise InvalidInput("auth_policy", f"one of {AUTH_POLICIES}", f"unknown policy {policy!r}")
        return _stepup_rates(n, seed, float(challenge_defeat))[policy]

    auth.__doc__ = f"step-up replay of {n} synthetic payments (seed {seed})"
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


# ----------------------------------------------------------------------- outcome
@dataclass(frozen=True)
class Outcome:
    """The dashboard's answer for one configuration and merchant (per month)."""

    config: Config
    profile: MerchantProfile
    conversion: float          # share of genuine checkout attempts that end in a payment
    cost_per_payment: Money    # fees + challenges + running the methods, per successful payment
    fraud_loss: Money          # fraudulent payments charged back + chargeback fees, per month
    fraud_loss_bp: float       # fraud loss in basis points of genuine sales
    settlement_days: float     # average days from sale to cash (T+n plus escrow hold)
    cash_tied_up: Money        # net sales waiting for settlement on an average day
    profit: Money              # margin on sales - payment costs - fraud loss - float cost, per month
    sales: Money               # genuine sales per month
    payments: int              # successful genuine payments per month
    challenge_rate: float      # share of genuine payments challenged
    false_decline_rate: float  # share of genuine payments declined by the risk threshold
    fraud_caught: float        # share of fraudulent attempts stopped (threshold + authentication)
    mix: Mapping[str, float]   # share of successful payments per method

    @property
    def cost_rate(self) -> float:
        """Cost per payment as a share of the average order."""
        return float(self.cost_per_payment.amount / self.profile.average_order)

    def as_row(self) -> dict[str, object]:
        return {
            "conversion": round(self.conversion, 4),
            "cost / payment": self.cost_per_payment,
            "cost %": round(100 * self.cost_rate, 3),
            "fraud loss / month": self.fraud_loss,
            "fraud loss (bp)": round(self.fraud_loss_bp, 2),
            "days to cash": round(self.settlement_days, 2),
            "cash tied up": self.cash_tied_up,
            "profit / month": self.profit,
            "challenged": round(self.challenge_rate, 4),
            "false declines": round(self.false_decline_rate, 4),
            "fraud stopped": round(self.fraud_caught, 4),
        }


def _usable(method: str, profile: MerchantProfile) -> bool:
    """A method is usable when the average order is within its per-payment limit."""
    try:
        pm.check_limits(method, profile.order)
    except PaymentDeclined:
        return False
    return True


def market_coverage(methods: Sequence[str], profile: MerchantProfile,
                    assumptions: Assumptions | None = None) -> dict[str, float]:
    """Per market, the share of buyers who find a method they will pay with.

    A buyer pays with the first-choice method if offered (and the order is within its
    limit); otherwise ``switch_rate`` of them use another offered method their market uses.
    """
    a = assumptions or DEFAULT_MODELS.assumptions
    ids = [pm.get(m).id for m in methods]
    out = {}
    for market in profile.markets:
        prefs = MARKET_PREFERENCES[market]
        offered = [m for m in ids if prefs.get(m, 0) > 0 and _usable(m, profile)]
        first = float(sum(prefs[m] for m in offered))
        out[market] = first + a.switch_rate * (1 - first) if offered else 0.0
    return out


def method_mix(methods: Sequence[str], profile: MerchantProfile,
               assumptions: Assumptions | None = None) -> dict[str, float]:
    """Share of successful payments going through each offered method (sums to 1, or empty)."""
    a = assumptions or DEFAULT_MODELS.assumptions
    ids = [pm.get(m).id for m in methods]
    volume = dict.fromkeys(ids, 0.0)
    for market, share in profile.markets.items():
        prefs = MARKET_PREFERENCES[market]
        offered = [m for m in ids if prefs.get(m, 0) > 0 and _usable(m, profile)]
        if not offered:
            continue
        first = float(sum(prefs[m] for m in offered))
        switchers = a.switch_rate * (1 - first)
        for m in offered:  # first choices, plus switchers spread like the offered preferences
            p = float(prefs[m])
            volume[m] += float(share) * (p + switchers * p / first)
    total = sum(volume.values())
    return {m: v / total for m, v in volume.items()} if total > 0 else {}


def evaluate(config: Config, profile: MerchantProfile | None = None,
             models: Models = DEFAULT_MODELS) -> Outcome:
    """Cost per payment, conversion, fraud loss, time to cash and profit of one design."""
    if not isinstance(config, Config):
        raise InvalidInput("config", "a dashboard.Config", "evaluate() takes a Config")
    profile = profile if profile is not None else MerchantProfile()
    if not isinstance(profile, MerchantProfile):
        raise InvalidInput("profile", "a dashboard.MerchantProfile", "evaluate() takes a MerchantProfile")
    a, cur, order = models.assumptions, profile.currency, profile.order

    # 1. methods: who finds a way to pay, and with what
    coverage = market_coverage(config.methods, profile, a)
    covered = sum(float(s) * coverage[m] for m, s in profile.markets.items())
    mix = method_mix(config.methods, profile, a)

    # 2. risk threshold and authentication
    declined_genuine, caught_by_score = models.scores(config.risk_threshold)
    auth = models.auth(config.auth_policy, profile)
    lost_to_friction = models.friction(auth.challenge_rate)
    # 3. escrow: closes (part of) the trust gap, holds the money longer
    esc = models.escrow(profile) if config.escrow else EscrowEffect(0.0, 0.0)
    trust = 1 - profile.trust_gap * (1 - esc.trust_recovered)

    conversion = covered * (1 - declined_genuine) * (1 - lost_to_friction) * trust
    conversion = min(1.0, max(0.0, conversion))
    payments = int(round(profile.orders_per_month * conversion))

    # fraud: attempts scale with volume; those not caught by score, then not stopped by auth, succeed
    fraud_attempts = profile.orders_per_month * profile.fraud_pressure
    fraud_pass = (1 - caught_by_score) * auth.fraud_pass
    fraud_payments = fraud_attempts * fraud_pass if mix else 0.0
    fraud_loss = (order + Money.of(a.chargeback_fee, cur)).scale(_dec(fraud_payments))

    # costs: processing fee per method mix, challenges, fixed cost of running each method
    fee_per_payment = sum((pm.fee(m, order).scale(_dec(s)) for m, s in mix.items()), Money.zero(cur))
    all_payments = payments + fraud_payments
    fees = fee_per_payment.scale(_dec(all_payments))
    challenges = Money.of(a.challenge_cost, cur).scale(_dec(auth.challenge_rate * profile.orders_per_month * covered))
    running = Money.of(a.method_monthly_cost, cur) * len(config.methods)
    total_cost = fees + challenges + running
    cost_per_payment = (total_cost.scale(Decimal(1) / Decimal(payments)) if payments else total_cost)

    # time to cash: T+n of each method plus the escrow hold
    days = sum(pm.get(m).settlement_days * s for m, s in mix.items()) + esc.hold_days
    sales = order * payments
    net_daily = (sales - fees).scale(Decimal(1) / Decimal(a.days_per_month))
    cash_tied_up = net_daily.scale(_dec(days))
    float_cost = cash_tied_up.scale(profile.cost_of_funds / 12)

    gross = (order.scale(_dec(all_payments))).scale(profile.margin)
    profit = gross - total_cost - fraud_loss - float_cost
    fraud_bp = float(fraud_loss.amount / sales.amount * 10_000) if payments else 0.0
    caught_total = 1 - fraud_pass
    return Outcome(config, profile, conversion, cost_per_payment, fraud_loss, fraud_bp, float(days),
                   cash_tied_up, profit, sales, payments, auth.challenge_rate, declined_genuine,
                   caught_total, MappingProxyType(mix))


def compare(configs: Mapping[str, Config] | Sequence[Config], profile: MerchantProfile | None = None,
            models: Models = DEFAULT_MODELS) -> pd.DataFrame:
    """One row per configuration with the dashboard's numbers (names or descriptions as index)."""
    items = configs.items() if isinstance(configs, Mapping) else [(c.describe(), c) for c in configs]
    rows, names = [], []
    for name, cfg in items:
        rows.append(evaluate(cfg, profile, models).as_row())
        names.append(name)
    if not rows:
        raise InvalidInput("configs", "at least one", "compare() needs at least one configuration")
    return pd.DataFrame(rows, index=pd.Index(names, name="design"))


def frontier(config: Config, profile: MerchantProfile | None = None,
             thresholds: Iterable[float] | None = None, models: Models = DEFAULT_MODELS) -> pd.DataFrame:
    """The fraud-loss / conversion trade-off as the risk threshold moves (other levers fixed)."""
    ts = list(thresholds) if thresholds is not None else [round(0.05 * k, 2) for k in range(2, 21)]
    if not ts:
        raise InvalidInput("thresholds", "at least one", "frontier() needs at least one threshold")
    rows = []
    for t in ts:
        o = evaluate(replace(config, risk_threshold=t), profile, models)
        rows.append({"threshold": o.config.risk_threshold, "conversion": o.conversion,
                     "false declines": o.false_decline_rate, "fraud stopped": o.fraud_caught,
                     "fraud loss (bp)": o.fraud_loss_bp, "profit / month": o.profit.amount})
    return pd.DataFrame(rows).set_index("threshold")


# ------------------------------------------------------------------------- targets
@dataclass(frozen=True)
class Targets:
    """Goals a design must meet; ``None`` means no goal on that number."""

    min_conversion: float | None = None
    max_cost_per_payment: Decimal | None = None   # in the merchant's currency
    max_fraud_loss_bp: float | None = None
    max_settlement_days: float | None = None
    min_profit: Decimal | None = None             # per month

    def __post_init__(self) -> None:
        if self.min_conversion is not None:
            object.__setattr__(self, "min_conversion", _prob(self.min_conversion, "min_conversion"))
        for name in ("max_cost_per_payment", "min_profit"):
            v = getattr(self, name)
            if v is not None:
                if isinstance(v, (bool, float)) or not isinstance(v, (int, str, Decimal)):
                    raise InvalidInput(name, "Decimal, int or str", f"{name} must be an exact amount, not a float")
                object.__setattr__(self, name, Decimal(str(v)))
        for name in ("max_fraud_loss_bp", "max_settlement_days"):
            v = getattr(self, name)
            if v is not None and (isinstance(v, bool) or not isinstance(v, (int, float)) or v < 0):
                raise InvalidInput(name, "non-negative number", f"{name} must be a non-negative number")


def target_table(outcome: Outcome, targets: Targets) -> pd.DataFrame:
    """For each goal set: the outcome's value, the limit and whether it is met."""
    if not isinstance(outcome, Outcome):
        raise InvalidInput("outcome", "a dashboard.Outcome", "pass the result of evaluate()")
    if not isinstance(targets, Targets):
        raise InvalidInput("targets", "a dashboard.Targets", "pass a Targets record")
    rows = []
    checks = [
        ("conversion", outcome.conversion, targets.min_conversion, ">="),
        ("cost per payment", outcome.cost_per_payment.amount, targets.max_cost_per_payment, "<="),
        ("fraud loss (bp)", outcome.fraud_loss_bp, targets.max_fraud_loss_bp, "<="),
        ("days to cash", outcome.settlement_days, targets.max_settlement_days, "<="),
        ("profit / month", outcome.profit.amount, targets.min_profit, ">="),
    ]
    for name, value, limit, op in checks:
        if limit is None:
            continue
        met = value >= limit if op == ">=" else value <= limit
        rows.append({"target": name, "value": value, "rule": f"{op} {limit}", "met": bool(met)})
    return pd.DataFrame(rows, columns=["target", "value", "rule", "met"]).set_index("target")


def targets_met(outcome: Outcome, targets: Targets) -> dict[str, bool]:
    """Which goals the outcome meets (``all(targets_met(...).values())`` for a pass)."""
    table = target_table(outcome, targets)
    return {name: bool(met) for name, met in table["met"].items()}


#: Fictional merchants used in chapter 7 and the capstone (illustrative numbers).
EXAMPLE_PROFILES: Mapping[str, MerchantProfile] = MappingProxyType({
    "tea": MerchantProfile(name="Lotus Leaf Tea (fictional)", orders_per_month=12_000,
                           average_order=Decimal("180"), margin=Decimal("0.35"), fraud_pressure=0.012,
                           markets={"domestic": Decimal("0.6"), "cross_border": Decimal("0.4")},
                           trust_gap=0.04),
    "gadgets": MerchantProfile(name="Nimbus Gadgets (fictional)", orders_per_month=30_000,
                               average_order=Decimal("650"), margin=Decimal("0.18"), fraud_pressure=0.02,
                               markets={"domestic": Decimal("0.9"), "cross_border": Decimal("0.1")},
                               trust_gap=0.03),
    "marketplace": MerchantProfile(name="Second Spring marketplace (fictional)", orders_per_month=50_000,
                                   average_order=Decimal("90"), margin=Decimal("0.12"),
                                   fraud_pressure=0.008, markets={"domestic": Decimal("1")},
                                   trust_gap=0.25),
    "wholesale": MerchantProfile(name="Red Brick Wholesale (fictional)", orders_per_month=800,
                                 average_order=Decimal("12000"), margin=Decimal("0.10"),
                                 fraud_pressure=0.003, markets={"b2b": Decimal("0.8"),
                                                                "domestic": Decimal("0.2")},
                                 trust_gap=0.02),
})
