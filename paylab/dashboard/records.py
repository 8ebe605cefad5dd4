"""Records of the trade-off dashboard: merchant profile, design, effects, assumptions, targets.

Every field is checked on construction and a bad value raises ``InvalidInput``
naming the field and the rule. Shares are floats in [0, 1]; money and money
rates are exact (``Decimal``, ``int`` or ``str``, never ``float``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from types import MappingProxyType

from paylab import methods as pm
from paylab.errors import InvalidInput
from paylab.money import Money
from paylab.parameters import ILLUSTRATIVE, param

#: Authentication policies the dashboard knows, weakest first.
AUTH_POLICIES = ("none", "risk_based", "always")

def _domestic_card() -> str:
    """The method a card issued at home is priced with (``card_domestic`` once the catalogue has it)."""
    pick = getattr(pm, "card_method", None)
    return pick("CNY") if pick is not None else "card_cross_border"


#: Share of buyers in each market who would choose each method first (illustrative).
#: ``domestic``: consumers at home; ``cross_border``: foreign consumers;
#: ``b2b``: business buyers at home. Each row sums to 1. A card issued at home is a domestic
#: bank-card / quick-pay payment (paylab.methods.card_method); only foreign buyers pay by
#: international card at the cross-border rate.
MARKET_PREFERENCES: Mapping[str, Mapping[str, Decimal]] = MappingProxyType({
    "domestic": MappingProxyType({
        "platform_balance": Decimal("0.46"), "qr_code": Decimal("0.26"),
        "online_banking": Decimal("0.12"), "ewallet": Decimal("0.06"),
        "prepaid_card": Decimal("0.05"), _domestic_card(): Decimal("0.05"),
    }),
    "cross_border": MappingProxyType({
        "card_cross_border": Decimal("0.70"), "platform_balance": Decimal("0.15"),
        "ewallet": Decimal("0.10"), "qr_code": Decimal("0.05"),
    }),
    "b2b": MappingProxyType({
        "corporate_banking": Decimal("0.70"), "online_banking": Decimal("0.20"),
        _domestic_card(): Decimal("0.10"),
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

    name: str = param("Example merchant (fictional)", meaning="the merchant (every example is fictional)",
                      meaning_zh="商户名称（均为虚构）")
    orders_per_month: int = param(20_000, meaning="checkout attempts by genuine buyers per month",
                                  unit="orders / month", symbol="N", meaning_zh="每月真实买家的结账次数")
    average_order: Decimal = param(Decimal("200"), meaning="average order value", unit="yuan",
                                   symbol="x̄", meaning_zh="平均订单金额")
    currency: str = "CNY"
    margin: Decimal = param(Decimal("0.30"), meaning="gross margin on sales, before payment costs",
                            unit="share of sales", symbol="μ", meaning_zh="毛利率（未扣支付成本）")
    fraud_pressure: float = param(0.01, meaning="fraudulent attempts per genuine attempt",
                                  unit="ratio", symbol="φ", meaning_zh="每笔真实交易对应的欺诈尝试数")
    markets: Mapping[str, Decimal] = field(
        default_factory=lambda: {"domestic": Decimal("0.8"), "cross_border": Decimal("0.2")},
        metadata={"meaning": "share of buyers in each market (sums to 1)", "unit": "share of buyers",
                  "source": ILLUSTRATIVE, "symbol": "wⱼ", "meaning_zh": "各市场买家占比（合计为 1）"})
    trust_gap: float = param(0.05, meaning="share of buyers who will not pay a stranger without escrow",
                             unit="share of buyers", symbol="γ", meaning_zh="没有担保就不愿付款的买家占比")
    cost_of_funds: Decimal = param(Decimal("0.06"), meaning="yearly rate paid on cash waiting for settlement",
                                   unit="per year", symbol="r", meaning_zh="等待结算资金的年化资金成本")

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

    methods: tuple[str, ...] = param(("platform_balance", "qr_code", "card_cross_border"),
                                     meaning="payment methods offered at checkout (ids of paylab.methods)",
                                     unit="method ids", symbol="O", meaning_zh="结账时提供的支付方式")
    auth_policy: str = param("risk_based", meaning="authentication: none, risk_based (step-up) or always",
                             symbol="a", meaning_zh="身份认证策略：不验证、按风险加强认证或全部验证")
    risk_threshold: float = param(0.8, meaning="decline a payment whose risk score is at or above this",
                                  unit="score in (0, 1]", symbol="t",
                                  meaning_zh="风控阈值：风险分不低于该值的支付被拒绝")
    escrow: bool = param(False, meaning="hold the buyer's money until delivery is confirmed",
                         symbol="e", meaning_zh="是否采用担保交易（确认收货后放款）")

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

    switch_rate: float = param(0.6, meaning="buyers whose first method is missing who pay with another",
                               unit="share of buyers", symbol="s", meaning_zh="首选方式缺失时改用其他方式的买家占比")
    challenge_cost: Decimal = param(Decimal("0.05"), meaning="cost of one challenge (an SMS code)",
                                    unit="yuan / challenge", symbol="kₛ", meaning_zh="每次验证（短信验证码）的成本")
    chargeback_fee: Decimal = param(Decimal("15"), meaning="fee per fraudulent payment charged back",
                                    unit="yuan / chargeback", symbol="χ", meaning_zh="每笔拒付的手续费")
    method_monthly_cost: Decimal = param(Decimal("500"), meaning="running one more method: integration, "
                                         "reconciliation", unit="yuan / method / month", symbol="kₘ",
                                         meaning_zh="每多接入一种支付方式的月运营成本")
    days_per_month: int = param(30, meaning="days in a month, to turn monthly sales into daily ones",
                                unit="days", symbol="M", meaning_zh="每月天数")

    def __post_init__(self) -> None:
        object.__setattr__(self, "switch_rate", _prob(self.switch_rate, "switch_rate"))
        for name in ("challenge_cost", "chargeback_fee", "method_monthly_cost"):
            v = getattr(self, name)
            if not isinstance(v, Decimal) or v < 0:
                raise InvalidInput(name, "Decimal >= 0", f"{name} must be a non-negative Decimal")
        if isinstance(self.days_per_month, bool) or not isinstance(self.days_per_month, int) \
                or self.days_per_month <= 0:
            raise InvalidInput("days_per_month", "positive integer", "days per month must be a positive integer")


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
