"""Logistics and payment together (JD 京东): cash on delivery vs prepaid vs escrow.

A merchant chooses when the buyer's money moves:

* ``"cod"`` — cash on delivery: more buyers dare to order, but some refuse the
  parcel at the door (two shipping legs paid, no sale), the courier charges a
  collection fee and remits the cash days later;
* ``"prepaid"`` — the buyer pays online first: fewer orders from wary buyers,
  a payment fee, settlement at T+1, returns refunded;
* ``"escrow"`` — paid online but held until the buyer confirms or an
  auto-confirm period ends: trust close to COD, cash later than prepaid.

The model is an expected-value calculation per month (no randomness); amounts
are computed in integer minor units. Every number in :class:`LogisticsParams`
is **illustrative**.
"""

from __future__ import annotations

from dataclasses import MISSING, dataclass
from decimal import Decimal

import pandas as pd

from paylab.cases import _validate as v
from paylab.money import Money
from paylab.parameters import param
from paylab.validation import Count

__all__ = ["METHODS", "MethodTerms", "LogisticsParams", "DEFAULT_TERMS", "fulfilment_outcome",
           "compare_fulfilment", "cash_curve", "terms_frame"]

METHODS = ("cod", "prepaid", "escrow")


@dataclass(frozen=True)
class MethodTerms:
    """How one payment method behaves for the merchant (illustrative values)."""

    conversion: float = param(MISSING, meaning="share of shoppers who order with this method", unit="share",
                              symbol="c", meaning_zh="下单转化率")
    refusal_rate: float = param(MISSING, meaning="share of parcels refused at the door (COD, in practice)",
                                unit="share", symbol="r", meaning_zh="拒收率")
    return_rate: float = param(MISSING, meaning="share of delivered orders sent back", unit="share", symbol="u",
                               meaning_zh="退货率")
    fee_rate: Decimal = param(MISSING, meaning="payment or cash-collection fee, share of the order value",
                              unit="share", symbol="φ", meaning_zh="支付或代收费率")
    days_to_cash: float = param(MISSING, meaning="days from dispatch until the merchant can use the money",
                                unit="days", symbol="t", meaning_zh="回款天数")


#: Illustrative terms per method.
DEFAULT_TERMS = {
    "cod": MethodTerms(conversion=0.060, refusal_rate=0.08, return_rate=0.04,
                       fee_rate=Decimal("0.010"), days_to_cash=9.0),
    "prepaid": MethodTerms(conversion=0.045, refusal_rate=0.0, return_rate=0.05,
                           fee_rate=Decimal("0.006"), days_to_cash=1.0),
    "escrow": MethodTerms(conversion=0.055, refusal_rate=0.0, return_rate=0.05,
                          fee_rate=Decimal("0.006"), days_to_cash=6.0),
}


@dataclass(frozen=True)
class LogisticsParams:
    """A merchant's month (illustrative values)."""

    shoppers: int = param(100_000, meaning="visitors who reach checkout in a month", unit="shoppers", symbol="N",
                          meaning_zh="每月到达结账页的访客")
    order_minor: int = param(15000, meaning="order value", unit="minor", symbol="P", meaning_zh="订单金额")
    currency: str = "CNY"
    gross_margin: Decimal = param(Decimal("0.25"), meaning="margin on a kept sale, before payment and shipping",
                                  unit="share", symbol="m", meaning_zh="毛利率")
    shipping_minor: int = param(800, meaning="cost of one shipping leg", unit="minor", symbol="s",
                                meaning_zh="单程运费")
    capital_cost_annual: Decimal = param(Decimal("0.08"), meaning="yearly cost of cash in transit", unit="per year",
                                         symbol="i", meaning_zh="在途资金年成本")


def fulfilment_outcome(params: LogisticsParams, method: str,
                       terms: dict[str, MethodTerms] | None = None) -> dict[str, object]:
    """Expected month for one method: orders, sales kept, costs and profit (Money), days to cash."""
    v.policy(method, "method", METHODS)
    v.count(params.shoppers, "shoppers", 0)
    v.count(params.order_minor, "order_minor", 1)
    v.count(params.shipping_minor, "shipping_minor", 0)
    margin = v.rate(params.gross_margin, "gross_margin")
    capital = v.rate(params.capital_cost_annual, "capital_cost_annual")
    t = (terms or DEFAULT_TERMS)[method]
    for name in ("conversion", "refusal_rate", "return_rate"):
        v.prob(getattr(t, name), name)
    fee_rate = v.rate(t.fee_rate, "fee_rate")
    v.nonneg(t.days_to_cash, "days_to_cash")
    cur = params.currency
    orders = round(params.shoppers * t.conversion)
    refused = round(orders * t.refusal_rate)
    delivered = orders - refused
    returned = round(delivered * t.return_rate)
    kept = delivered - returned
    sales = kept * params.order_minor
    margin_minor = int((Decimal(sales) * margin).to_integral_value())
    # shipping: every order goes out; refused and returned parcels come back too
    shipping = (orders + refused + returned) * params.shipping_minor
    # fees: COD collects on delivered parcels; online methods charge on every paid order
    fee_base = delivered if method == "cod" else orders
    fees = int((Decimal(fee_base * params.order_minor) * fee_rate).to_integral_value())
    float_cost = int((Decimal(sales) * capital * Decimal(repr(t.days_to_cash)) / 365).to_integral_value())
    profit = margin_minor - shipping - fees - float_cost
    m = lambda x: Money.from_minor(int(x), cur)  # noqa: E731
    return {"method": method, "orders": orders, "refused": refused, "returned": returned, "kept": kept,
            "sales": m(sales), "margin": m(margin_minor), "shipping": m(shipping), "fees": m(fees),
            "float_cost": m(float_cost), "profit": m(profit),
            "profit_per_order": Money.of(Money.from_minor(profit, cur).amount / max(orders, 1), cur),
            "days_to_cash": t.days_to_cash}


def compare_fulfilment(params: LogisticsParams = LogisticsParams(),
                       terms: dict[str, MethodTerms] | None = None) -> pd.DataFrame:
    """One row per method (see :func:`fulfilment_outcome`)."""
    return pd.DataFrame([fulfilment_outcome(params, m, terms) for m in METHODS]).set_index("method")


def cash_curve(params: LogisticsParams = LogisticsParams(), days: Count[1, 36_500] = 30,
               terms: dict[str, MethodTerms] | None = None) -> pd.DataFrame:
    """Cumulative cash received (minor units) per day when orders are spread evenly over
    ``days`` and each method pays ``days_to_cash`` after dispatch. One column per method."""
    v.count(days, "days", 1)
    out = {}
    for m in METHODS:
        o = fulfilment_outcome(params, m, terms)
        sales = o["sales"].minor_units
        lag = o["days_to_cash"]
        # orders dispatched on days 0..days-1; day d has paid those dispatched by d - lag
        out[m] = [sales * max(0, min(days, int(d - lag) + 1)) // days for d in range(0, 2 * days)]
    frame = pd.DataFrame(out)
    frame.index.name = "day"
    return frame


def terms_frame(terms: dict[str, MethodTerms] | None = None) -> pd.DataFrame:
    """The terms of each method side by side (one row per method), for display next to the model."""
    t = terms or DEFAULT_TERMS
    return pd.DataFrame([{"method": m, "conversion": x.conversion, "refused at door": x.refusal_rate,
                          "returned": x.return_rate, "fee rate": x.fee_rate, "days to cash": x.days_to_cash}
                         for m, x in t.items()])
