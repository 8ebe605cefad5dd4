"""The payment methods of chapter 2 as data: who takes part, where the money sits,
what it costs, what the limits are and how long confirmation and settlement take.

All fees, limits and delays in :data:`CATALOGUE` are **illustrative** round
numbers chosen to show how the methods differ; they are not any provider's
price list. Pass your own :class:`PaymentMethod` to every function to model a
real contract.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd

from paylab.errors import InvalidInput, NotFound, PaymentDeclined
from paylab.money import Money, _to_decimal
from paylab.parameters import param
from paylab.validation import Count, NonEmpty

__all__ = [
    "FeeModel",
    "PaymentMethod",
    "CATALOGUE",
    "KINDS",
    "get",
    "card_method",
    "fee",
    "net_amount",
    "check_limits",
    "as_frame",
    "cost_table",
    "cash_curve",
    "float_cost",
]

#: Method kinds, with the Chinese term the book uses.
KINDS = {
    "online_banking": "网银支付",
    "third_party": "第三方支付",
    "mobile_qr": "移动支付·二维码",
    "mobile_nfc": "移动支付·NFC",
    "card": "银行卡在线支付",
    "prepaid": "预付卡",
    "ewallet": "电子钱包",
}


@dataclass(frozen=True)
class FeeModel:
    """Merchant fee = ``percent`` of the amount + ``fixed``, then held within [minimum, cap]."""

    percent: Decimal = param(Decimal("0"), meaning="share of the amount charged", unit="% of the amount",
                             symbol="$p$", meaning_zh="按金额收取的费率")
    fixed: Decimal = param(Decimal("0"), meaning="fixed charge per payment", unit="yuan per payment",
                           symbol="$c$", meaning_zh="每笔固定费用")
    minimum: Decimal = param(Decimal("0"), meaning="lowest fee per payment", unit="yuan", symbol="$m$",
                             meaning_zh="每笔最低手续费")
    cap: Decimal | None = param(None, meaning="highest fee per payment (none: no cap)", unit="yuan",
                                symbol="$M$", meaning_zh="每笔手续费上限（无则不封顶）")

    def __post_init__(self) -> None:
        for name in ("percent", "fixed", "minimum", "cap"):
            value = getattr(self, name)
            if value is None:
                continue
            d = _to_decimal(value, name)
            if d < 0:
                raise InvalidInput(name, "non-negative", f"fee {name} must not be negative")
            object.__setattr__(self, name, d)
        if self.percent >= 100:
            raise InvalidInput("percent", "below 100", "a fee percentage must be below 100")
        if self.cap is not None and self.cap < self.minimum:
            raise InvalidInput("cap", "cap >= minimum", "fee cap is below the minimum fee")

    def of(self, amount: Money) -> Money:
        """The fee on ``amount``, rounded half-up to the minor unit as card schemes do."""
        if not isinstance(amount, Money):
            raise InvalidInput("amount", "must be Money", "fee() takes a Money amount")
        if amount.amount < 0:
            raise InvalidInput("amount", "non-negative", "fees are computed on non-negative amounts")
        raw = amount.amount * self.percent / 100 + self.fixed
        raw = max(raw, self.minimum)
        if self.cap is not None:
            raw = min(raw, self.cap)
        return Money.of(raw, amount.currency, rounding=ROUND_HALF_UP)

    def describe(self) -> str:
        parts = []
        if self.percent:
            parts.append(f"{self.percent.normalize()}%")
        if self.fixed:
            parts.append(f"{self.fixed.normalize()} fixed")
        text = " + ".join(parts) or "free"
        if self.minimum:
            text += f", min {self.minimum.normalize()}"
        if self.cap is not None:
            text += f", cap {self.cap.normalize()}"
        return text


@dataclass(frozen=True)
class PaymentMethod:
    """One way to pay, as a rail: its parties, funds location, fee, limits and timings."""

    id: str
    name: str
    name_zh: str
    kind: str
    parties: tuple[str, ...]
    funds_held_by: str
    funding: str  # "balance" (debit), "credit" (a credit line) or "stored_value"
    fee: FeeModel
    currency: str = "CNY"
    per_txn_limit: Decimal | None = None
    daily_limit: Decimal | None = None
    confirm_seconds: float = 5.0
    settlement_days: int = 1
    typical_use: str = ""
    notes: str = field(default="illustrative parameters", compare=False)

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise InvalidInput("kind", f"one of {sorted(KINDS)}", f"unknown method kind {self.kind!r}")
        if self.funding not in ("balance", "credit", "stored_value"):
            raise InvalidInput("funding", "balance, credit or stored_value", f"unknown funding {self.funding!r}")
        if not isinstance(self.settlement_days, int) or self.settlement_days < 0:
            raise InvalidInput("settlement_days", "integer >= 0", "settlement delay is T+n with n >= 0")
        if self.confirm_seconds < 0:
            raise InvalidInput("confirm_seconds", "non-negative", "confirmation time cannot be negative")
        for name in ("per_txn_limit", "daily_limit"):
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, _to_decimal(value, name))

    @property
    def settlement(self) -> str:
        return f"T+{self.settlement_days}"


def _m(pct: str = "0", fixed: str = "0", minimum: str = "0", cap: str | None = None) -> FeeModel:
    return FeeModel(Decimal(pct), Decimal(fixed), Decimal(minimum), None if cap is None else Decimal(cap))


_METHODS = [
    PaymentMethod("online_banking", "Online banking (B2C gateway)", "网银支付（个人）", "online_banking",
                  ("buyer", "buyer's bank", "payment gateway", "merchant's bank"), "buyer's bank",
                  "balance", _m("0.30", minimum="0.10"), per_txn_limit="50000", daily_limit="200000",
                  confirm_seconds=60, settlement_days=1,
                  typical_use="larger online purchases paid from a bank account"),
    PaymentMethod("corporate_banking", "Corporate online banking (B2B)", "企业网银", "online_banking",
                  ("buyer firm", "buyer's bank", "clearing system", "seller's bank"), "buyer's bank",
                  "balance", _m(fixed="5.00"), per_txn_limit="5000000", daily_limit="50000000",
                  confirm_seconds=300, settlement_days=0, typical_use="B2B orders and large transfers"),
    PaymentMethod("platform_balance", "Third-party platform (balance / quick pay)", "第三方支付", "third_party",
                  ("buyer", "payment platform", "clearing house", "banks", "merchant"),
                  "payment platform (customer reserve funds)", "balance", _m("0.60"),
                  per_txn_limit="50000", daily_limit="200000", confirm_seconds=3, settlement_days=1,
                  typical_use="everyday online shopping, escrow on marketplaces"),
    PaymentMethod("qr_code", "Mobile QR code", "扫码支付", "mobile_qr",
                  ("buyer's app", "payment platform", "acquirer", "merchant"),
                  "payment platform (customer reserve funds)", "balance", _m("0.38"),
                  per_txn_limit="50000", daily_limit="200000", confirm_seconds=2, settlement_days=1,
                  typical_use="in-shop and small online payments"),
    PaymentMethod("nfc_contactless", "NFC contactless (phone or card)", "NFC 近场支付", "mobile_nfc",
                  ("buyer's device", "card scheme", "issuer", "acquirer", "merchant"), "issuing bank",
                  "credit", _m("0.60"), per_txn_limit="1000", daily_limit="5000", confirm_seconds=1,
                  settlement_days=1, typical_use="tap-to-pay at a till"),
    PaymentMethod("card_domestic", "Domestic bank card / quick pay", "银行卡快捷支付", "card",
                  ("cardholder", "issuing bank", "UnionPay / NetsUnion", "acquirer or payment institution",
                   "merchant"), "issuing bank", "credit", _m("0.60"), per_txn_limit="50000",
                  daily_limit="200000", confirm_seconds=3, settlement_days=1,
                  typical_use="a card issued in China paying a shop in China (the usual case)",
                  notes="illustrative: near the sum of the 2016 caps on issuer (0.45 % credit, 0.35 % debit) "
                        "and network (0.0325 % merchant side) fees plus a market-priced acquirer margin"),
    PaymentMethod("card_cross_border", "International card online", "国际信用卡在线支付", "card",
                  ("cardholder", "issuer", "card scheme", "acquirer", "merchant"), "issuing bank (credit line)",
                  "credit", _m("2.90", fixed="2.00"), per_txn_limit="100000", daily_limit="200000",
                  confirm_seconds=5, settlement_days=2,
                  typical_use="cross-border purchases; chargebacks possible for months"),
    PaymentMethod("prepaid_card", "Prepaid card", "预付卡", "prepaid",
                  ("holder", "card issuer", "merchant network"), "card issuer (prepaid funds)",
                  "stored_value", _m("0.50"), per_txn_limit="1000", daily_limit="5000",
                  confirm_seconds=2, settlement_days=1, typical_use="gift and shopping cards"),
    PaymentMethod("ewallet", "Stored-value e-wallet", "电子钱包", "ewallet",
                  ("holder", "wallet operator", "merchant"), "wallet operator", "stored_value", _m("0.20"),
                  per_txn_limit="5000", daily_limit="20000", confirm_seconds=1, settlement_days=0,
                  typical_use="small, frequent payments inside one ecosystem"),
]

#: The illustrative catalogue, by id.
CATALOGUE: dict[str, PaymentMethod] = {m.id: m for m in _METHODS}


def get(method: str | PaymentMethod) -> PaymentMethod:
    """A method by id (or the method itself, so functions accept either)."""
    if isinstance(method, PaymentMethod):
        return method
    try:
        return CATALOGUE[method]
    except (KeyError, TypeError):
        raise NotFound(f"no payment method {method!r}; known: {', '.join(CATALOGUE)}",
                       field="method") from None


def card_method(merchant_currency: str = "CNY", card_currency: str | None = None, *,
                cross_border: bool = False) -> str:
    """The catalogue id a card payment is priced with: ``card_domestic`` when card and merchant
    share a currency (a card issued in China paying a shop in China), ``card_cross_border`` when
    the sale is marked ``cross_border`` or the card is in another currency."""
    for name, code in (("merchant_currency", merchant_currency), ("card_currency", card_currency)):
        if code is not None and (not isinstance(code, str) or len(code) != 3 or not code.isalpha()):
            raise InvalidInput(name, "ISO 4217 code", f"{name} must be a three-letter currency code")
    if not isinstance(cross_border, bool):
        raise InvalidInput("cross_border", "True or False", "cross_border must be a bool")
    foreign = card_currency is not None and card_currency.upper() != merchant_currency.upper()
    return "card_cross_border" if cross_border or foreign else "card_domestic"


def fee(method: str | PaymentMethod, amount: Money) -> Money:
    """The merchant's fee for one payment of ``amount`` with ``method``."""
    return get(method).fee.of(amount)


def net_amount(method: str | PaymentMethod, amount: Money) -> Money:
    """What the merchant receives: amount less the fee."""
    return amount - fee(method, amount)


def check_limits(method: str | PaymentMethod, amount: Money, spent_today: Money | None = None) -> None:
    """Raise ``PaymentDeclined(code="limit_exceeded")`` when a per-payment or daily limit is hit."""
    m = get(method)
    if amount.amount <= 0:
        raise InvalidInput("amount", "positive", "a payment amount must be positive")
    spent = spent_today.amount if spent_today is not None else Decimal(0)
    if m.per_txn_limit is not None and amount.amount > m.per_txn_limit:
        raise PaymentDeclined(f"{amount} is above the {m.name} limit of {m.per_txn_limit} per payment",
                              field="amount", code="limit_exceeded", rule="per_txn_limit")
    if m.daily_limit is not None and spent + amount.amount > m.daily_limit:
        raise PaymentDeclined(f"{amount} would take today's total above the daily limit of {m.daily_limit}",
                              field="amount", code="limit_exceeded", rule="daily_limit")


def as_frame(methods: NonEmpty[Iterable[str | PaymentMethod]] | None = None) -> pd.DataFrame:
    """The catalogue as a table, one row per method (for the chapter's comparison)."""
    rows = []
    for m in (get(x) for x in (methods if methods is not None else CATALOGUE)):
        rows.append({
            "id": m.id,
            "method": m.name,
            "中文": m.name_zh,
            "kind": m.kind,
            "parties": len(m.parties),
            "funds held by": m.funds_held_by,
            "funding": m.funding,
            "fee": m.fee.describe(),
            "per-payment limit": m.per_txn_limit,
            "daily limit": m.daily_limit,
            "confirm (s)": m.confirm_seconds,
            "settles": m.settlement,
        })
    return pd.DataFrame(rows).set_index("id")


def cost_table(amounts: Iterable[Money], methods: Iterable[str | PaymentMethod] | None = None) -> pd.DataFrame:
    """Fee (as Money) for each amount (rows) and method (columns)."""
    ms = [get(x) for x in (methods if methods is not None else CATALOGUE)]
    amounts = list(amounts)
    data = {m.id: [fee(m, a) for a in amounts] for m in ms}
    return pd.DataFrame(data, index=[str(a) for a in amounts])


def cash_curve(method: str | PaymentMethod, daily_sales: Money, days: Count[1, 36_500]) -> pd.DataFrame:
    """Day by day: cumulative sales, cumulative cash received (net of fees) and money still
    owed to the merchant, when each day's sales settle ``settlement_days`` later."""
    m = get(method)
    if not isinstance(days, int) or days <= 0:
        raise InvalidInput("days", "positive integer", "days must be a positive integer")
    net = net_amount(m, daily_sales)
    rows = []
    for day in range(1, days + 1):
        sold = daily_sales * day
        settled_days = max(0, day - m.settlement_days)
        received = net * settled_days
        rows.append({"day": day, "sales": sold.amount, "received": received.amount,
                     "outstanding": (net * day - received).amount})
    return pd.DataFrame(rows).set_index("day")


def float_cost(method: str | PaymentMethod, daily_sales: Money, annual_rate: Decimal | str) -> Money:
    """Yearly cost of waiting for settlement: the money in transit (daily net sales × T+n days)
    financed at ``annual_rate`` (simple interest)."""
    m = get(method)
    rate = _to_decimal(annual_rate, "annual_rate")
    if rate < 0:
        raise InvalidInput("annual_rate", "non-negative", "an interest rate cannot be negative")
    outstanding = net_amount(m, daily_sales).amount * m.settlement_days
    return Money.of(outstanding * rate, daily_sales.currency)
