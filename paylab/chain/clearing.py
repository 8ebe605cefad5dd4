"""Cross-border settlement: a chain of correspondent banks vs one shared ledger.

A correspondent payment hops from bank to bank; each hop may take a fee and
adds delay (cut-off times, time zones, compliance checks), and the currency is
converted at a spread. A shared ledger moves the value in one step and waits
only for finality. Every parameter here is ILLUSTRATIVE (chosen for teaching,
not measured); the chapter says so wherever it prints them. The throughput
figures at the end are sourced facts with their citation keys.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from paylab.errors import InvalidInput
from paylab.money import Money, _to_decimal
from paylab.parameters import param

__all__ = ["Hop", "Route", "Settlement", "correspondent_settlement", "shared_ledger_settlement",
           "illustrative_correspondent_route", "compare_settlement", "ThroughputFact", "THROUGHPUT",
           "bitcoin_capacity_tps", "ClearingParams", "smallest_amount_below_share"]


@dataclass(frozen=True)
class Hop:
    """One bank on the way: the fee it deducts and the hours it adds."""

    bank: str
    fee: Money
    hours: int


@dataclass(frozen=True)
class Route:
    """A named correspondent route: its hops and the FX spread charged at conversion."""

    name: str
    hops: tuple[Hop, ...]
    fx_spread: Decimal


@dataclass(frozen=True)
class Settlement:
    """What a payment costs and how long it takes; fees are in the sending currency."""

    route: str
    sent: Money
    fees: Money
    fx_cost: Money
    received: Money
    hours: Decimal
    hops: int

    @property
    def total_cost(self) -> Money:
        return self.fees + self.fx_cost

    @property
    def cost_share(self) -> Decimal:
        """Total cost as a fraction of the amount sent, rounded to four decimals (for display)."""
        return (self.total_cost.amount / self.sent.amount).quantize(Decimal("0.0001"))

    @property
    def cost_share_exact(self) -> Decimal:
        """Total cost as a fraction of the amount sent, unrounded: compare this one with a target."""
        return self.total_cost.amount / self.sent.amount


def _rate(value: Decimal | int | str, fld: str, *, below_one: bool = False) -> Decimal:
    d = _to_decimal(value, fld)
    if d < 0 or (below_one and d >= 1):
        raise InvalidInput(fld, "0 <= value < 1" if below_one else "non-negative",
                           f"{fld} = {d} is out of range")
    return d


def _convert(net: Money, fx_rate: Decimal, spread: Decimal, target: str) -> tuple[Money, Money]:
    fx_cost = net.scale(spread)
    received = Money.of((net.amount - fx_cost.amount) * fx_rate, target)
    return received, fx_cost


def correspondent_settlement(amount: Money, route: Route, *, fx_rate: Decimal | str,
                             target_currency: str) -> Settlement:
    """Send ``amount`` along ``route``: each hop takes its fee and time, then FX at the spread."""
    if not isinstance(amount, Money) or amount.amount <= 0:
        raise InvalidInput("amount", "positive Money", "amount must be positive Money")
    if not isinstance(route, Route) or not route.hops:
        raise InvalidInput("route", "a Route with at least one hop", "route must be a Route with hops")
    rate = _rate(fx_rate, "fx_rate")
    fees = Money.zero(amount.currency)
    for hop in route.hops:
        fees = fees + hop.fee
    if fees >= amount:
        raise InvalidInput("amount", "larger than the fees on the route",
                           f"the route's fees {fees} eat the whole {amount}")
    received, fx_cost = _convert(amount - fees, rate, route.fx_spread, target_currency)
    hours = Decimal(sum(h.hours for h in route.hops))
    return Settlement(route.name, amount, fees, fx_cost, received, hours, len(route.hops))


def shared_ledger_settlement(amount: Money, *, network_fee: Money, fx_rate: Decimal | str,
                             fx_spread: Decimal | str, target_currency: str, block_seconds: int,
                             confirmations: int, name: str = "shared ledger") -> Settlement:
    """Send ``amount`` in one ledger transaction: one fee, one conversion, wait for finality."""
    if not isinstance(amount, Money) or amount.amount <= 0:
        raise InvalidInput("amount", "positive Money", "amount must be positive Money")
    if isinstance(block_seconds, bool) or not isinstance(block_seconds, int) or block_seconds <= 0:
        raise InvalidInput("block_seconds", "a positive int", "block_seconds must be a positive int")
    if isinstance(confirmations, bool) or not isinstance(confirmations, int) or confirmations < 0:
        raise InvalidInput("confirmations", "an int >= 0", "confirmations must be an int >= 0")
    if network_fee >= amount:
        raise InvalidInput("amount", "larger than the network fee", "the fee eats the whole amount")
    received, fx_cost = _convert(amount - network_fee, _rate(fx_rate, "fx_rate"),
                                 _rate(fx_spread, "fx_spread", below_one=True), target_currency)
    hours = (Decimal(block_seconds * confirmations) / 3600).quantize(Decimal("0.01"))
    return Settlement(name, amount, network_fee, fx_cost, received, hours, 1)


def illustrative_correspondent_route(currency_code: str = "USD") -> Route:
    """An ILLUSTRATIVE four-bank route (not measured): fees and hours chosen for teaching."""
    def m(x: str) -> Money:
        return Money(x, currency_code)
    return Route("correspondent banks (illustrative)", (
        Hop("sender's bank", m("8.00"), 24),
        Hop("correspondent bank 1", m("5.00"), 12),
        Hop("correspondent bank 2", m("5.00"), 12),
        Hop("beneficiary's bank", m("2.00"), 24),
    ), Decimal("0.015"))


def compare_settlement(amounts: Sequence[Money], *, fx_rate: Decimal | str = "7.10",
                       target_currency: str = "CNY", params: ClearingParams | None = None) -> list[Settlement]:
    """Both ILLUSTRATIVE routes for each amount: the bank chain and a shared ledger with 12 s
    blocks and 75 confirmations (about 15 minutes, Ethereum's quoted time to finality).

    ``params`` (a :class:`ClearingParams`) replaces every default, ``fx_rate`` included.
    """
    if params is not None and not isinstance(params, ClearingParams):
        raise InvalidInput("params", "a ClearingParams", f"params must be ClearingParams, not {type(params).__name__}")
    out = []
    for a in amounts:
        if not isinstance(a, Money):
            raise InvalidInput("amounts", "Money values", f"every amount must be Money, not {type(a).__name__}")
        cur = a.currency.code
        if params is None:
            route, rate = illustrative_correspondent_route(cur), fx_rate
            fee, spread, block, conf = Money("0.50", cur), "0.005", 12, 75
        else:
            if cur != params.currency:
                raise InvalidInput("amounts", f"in {params.currency}", f"{a} is not in the parameters' currency")
            route, rate = params.route(), params.fx_rate
            fee, spread = Money.from_minor(params.ledger_fee, cur), params.ledger_spread
            block, conf = params.block_seconds, params.confirmations
        out.append(correspondent_settlement(a, route, fx_rate=rate, target_currency=target_currency))
        out.append(shared_ledger_settlement(a, network_fee=fee, fx_rate=rate, fx_spread=spread,
                                            target_currency=target_currency, block_seconds=block,
                                            confirmations=conf, name="shared ledger (illustrative)"))
    return out


@dataclass(frozen=True)
class ClearingParams:
    """The ILLUSTRATIVE parameters of :func:`compare_settlement` (the defaults reproduce it exactly)."""

    sender_fee: int = param(800, meaning="fee of the sender's bank", unit="minor", symbol="f_1",
                            meaning_zh="汇款行手续费")
    correspondent_fee: int = param(500, meaning="fee of each of the two correspondent banks", unit="minor",
                                   symbol="f_2, f_3", meaning_zh="每家代理行的手续费")
    beneficiary_fee: int = param(200, meaning="fee of the beneficiary's bank", unit="minor", symbol="f_4",
                                 meaning_zh="收款行手续费")
    bank_hours: int = param(72, meaning="hours on the bank route (24 + 12 + 12 + 24)", unit="hours",
                            symbol="T_b", meaning_zh="银行路线耗时")
    bank_spread: str = param("0.015", meaning="FX spread at conversion on the bank route", unit="share",
                             symbol="s_b", meaning_zh="银行路线汇兑价差")
    ledger_fee: int = param(50, meaning="network fee of one ledger transaction", unit="minor", symbol="f_L",
                            meaning_zh="账本网络手续费")
    ledger_spread: str = param("0.005", meaning="FX spread when the token is converted", unit="share",
                               symbol="s_L", meaning_zh="账本路线汇兑价差")
    block_seconds: int = param(12, meaning="seconds per block", unit="s", source="cite:ethereum_blocks",
                               symbol="b", meaning_zh="出块间隔")
    confirmations: int = param(75, meaning="blocks waited for finality (75 × 12 s = 15 min)", unit="blocks",
                               source="cite:ethereum_blocks", symbol="k", meaning_zh="确认区块数")
    fx_rate: str = param("7.10", meaning="exchange rate, CNY per USD", unit="CNY/USD", symbol="x",
                         meaning_zh="汇率")
    currency: str = "USD"

    def route(self) -> Route:
        """The four-bank route these parameters describe (hours split 1/3, 1/6, 1/6, rest)."""
        def m(units: int) -> Money:
            return Money.from_minor(units, self.currency)
        h = self.bank_hours
        return Route("correspondent banks (illustrative)", (
            Hop("sender's bank", m(self.sender_fee), h // 3),
            Hop("correspondent bank 1", m(self.correspondent_fee), h // 6),
            Hop("correspondent bank 2", m(self.correspondent_fee), h // 6),
            Hop("beneficiary's bank", m(self.beneficiary_fee), h - h // 3 - 2 * (h // 6)),
        ), Decimal(self.bank_spread))

    @property
    def bank_fees(self) -> Money:
        """The flat fees of the four banks together."""
        return Money.from_minor(self.sender_fee + 2 * self.correspondent_fee + self.beneficiary_fee,
                                self.currency)


def smallest_amount_below_share(target: Decimal | str, params: ClearingParams | None = None) -> Money:
    """The smallest whole-unit amount whose bank-route cost share is below ``target`` (unrounded).

    The share (F + s·(A − F)) / A falls toward the spread s as A grows, so it crosses a target above s
    once, near A = F·(1 − s) / (target − s); the exact costs (cents included) then decide the amount.
    """
    p = params or ClearingParams()
    t = _rate(target, "target", below_one=True)
    spread = Decimal(p.bank_spread)
    if t <= spread:
        raise InvalidInput("target", f"above the spread {spread}",
                           f"the cost share never falls below the FX spread {spread}: no amount reaches {t}")
    fees = p.bank_fees.amount
    guess = int(fees * (1 - spread) / (t - spread))
    route = p.route()

    def below(a: int) -> bool:
        if Decimal(a) <= fees:
            return False
        s = correspondent_settlement(Money(a, p.currency), route, fx_rate=p.fx_rate, target_currency="CNY")
        return s.cost_share_exact < t

    a = max(1, guess - 3)
    while below(a) and a > 1:          # step back if the estimate overshot
        a -= 1
    while not below(a):
        a += 1
    return Money(a, p.currency)


# --- throughput: sourced figures (citation keys in references.bib / bib/trends.bib) ----------

@dataclass(frozen=True)
class ThroughputFact:
    """A transactions-per-second figure, what exactly it measures, and its source key."""

    system: str
    tps: int
    measure: str
    year: int
    cite: str


def bitcoin_capacity_tps(block_bytes: int = 1_000_000, tx_bytes: int = 250,
                         block_seconds: int = 600) -> Decimal:
    """Upper bound of transactions per second: block size / transaction size / block interval."""
    for fld, v in (("block_bytes", block_bytes), ("tx_bytes", tx_bytes), ("block_seconds", block_seconds)):
        if isinstance(v, bool) or not isinstance(v, int) or v <= 0:
            raise InvalidInput(fld, "a positive int", f"{fld} must be a positive int")
    return (Decimal(block_bytes) / tx_bytes / block_seconds).quantize(Decimal("0.1"))


THROUGHPUT: tuple[ThroughputFact, ...] = (
    ThroughputFact("Bitcoin", 7, "capacity, upper end of 3–7", 2008,
                   "bytetree_tps"),
    ThroughputFact("Visa (busiest minute)", 11_000, "peak average, 23 Dec 2010", 2010, "visa2011"),
    ThroughputFact("VisaNet (capacity)", 24_000, "stated capacity", 2013, "visa2013"),
    ThroughputFact("Alipay, Double 11", 85_900, "peak payments/s", 2015, "alipay2015peak"),
    ThroughputFact("Alipay, Double 11", 120_000, "peak payments/s", 2016, "nbd2016"),
    ThroughputFact("Alipay, Double 11", 256_000, "peak payments/s", 2017, "orientaldaily2017"),
    ThroughputFact("Tmall, Double 11", 544_000, "peak orders/s", 2019, "xinhua2019"),
    ThroughputFact("Tmall, Double 11", 583_000, "peak order creation/s", 2020, "alibabacloud2020"),
)
