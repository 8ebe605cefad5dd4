"""Escrow and trust (Alipay 担保交易): will buyers pay a stranger?

A buyer pays a stranger only if the good is worth the price *plus* the loss
she expects from fraud. Three policies change that expected loss:

* ``"none"`` — the buyer pays the seller directly and bears every fraud;
* ``"escrow"`` — the platform holds the money until the buyer confirms receipt
  or an auto-confirm period runs out (Alipay releases it after 10 days,
  China Daily 2013, key ``chinadaily2013``); a buyer who notices a parcel that never came, in
  time, gets a refund, but a fake or broken good needs a dispute;
* ``"escrow_dispute"`` — escrow plus dispute handling, which also recovers
  not-as-described frauds with probability ``dispute_win_rate``.

Fraudsters stay only while fraud pays: the fraud rate scales with the share
of a fraud that still reaches them (``deterrence``). Buyers learn the loss rate
from experience round after round. Every number in :class:`EscrowParams` is
**illustrative**.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from paylab.cases import _validate as v
from paylab.errors import InvalidInput
from paylab.money import Money
from paylab.parameters import param
from paylab.validation import Count, Seed

__all__ = [
    "POLICIES",
    "EscrowParams",
    "MarketOutcome",
    "notice_probability",
    "loss_given_fraud",
    "effective_fraud_rate",
    "seller_days_to_cash",
    "simulate_market",
    "compare_policies",
    "auto_confirm_tradeoff",
    "fraud_sweep",
]

#: the most market rounds one call simulates (each round is one month of trades)
MAX_ROUNDS = 1_000

POLICIES = ("none", "escrow", "escrow_dispute")


@dataclass(frozen=True)
class EscrowParams:
    """Market of strangers (illustrative values)."""

    buyers: int = param(5000, meaning="buyers who look at an offer each round", unit="buyers", symbol="N",
                        meaning_zh="每轮看到商品的买家数")
    price_minor: int = param(20000, meaning="price of the good", unit="minor", symbol="P", meaning_zh="商品价格")
    currency: str = "CNY"
    value_low: float = param(0.8, meaning="lowest buyer valuation, as a multiple of the price", unit="× price",
                             symbol="v_lo", meaning_zh="买家估值下限（价格倍数）")
    value_high: float = param(1.6, meaning="highest buyer valuation, as a multiple of the price", unit="× price",
                              symbol="v_hi", meaning_zh="买家估值上限（价格倍数）")
    fraud_rate: float = param(0.10, meaning="share of sellers who cheat when fraud pays in full", unit="share",
                              symbol="f_0", meaning_zh="欺诈完全得手时的欺诈卖家比例")
    nondelivery_share: float = param(0.6, meaning="share of frauds where the parcel is never sent", unit="share",
                                     symbol="s", meaning_zh="欺诈中不发货的比例")
    deterrence: float = param(1.0, meaning="how strongly fraudsters leave as fraud stops paying", unit="exponent",
                              symbol="d", meaning_zh="威慑弹性")
    auto_confirm_days: float = param(10.0, meaning="days after which escrow releases the money",
                                     unit="days", source="cite:chinadaily2013", symbol="D",
                                     meaning_zh="自动确认收货期限")
    delivery_days: float = param(3.0, meaning="days a parcel normally takes to arrive", unit="days", symbol="t_d",
                                 meaning_zh="正常送达天数")
    attention_days: float = param(2.0, meaning="mean extra days before a buyer notices a problem", unit="days",
                                  symbol="a", meaning_zh="买家发现问题的平均延迟")
    dispute_win_rate: float = param(0.85, meaning="chance an honest buyer wins a not-as-described dispute",
                                    unit="share", symbol="w", meaning_zh="买家赢得货不对板纠纷的概率")
    confirm_days: float = param(1.5, meaning="days after delivery an honest buyer confirms receipt", unit="days",
                                symbol="t_c", meaning_zh="收货后确认的天数")
    confirm_rate: float = param(0.7, meaning="share of honest buyers who confirm at all (the rest auto-confirm)",
                                unit="share", symbol="c", meaning_zh="主动确认收货的买家比例")
    prior_loss: float = param(0.10, meaning="loss per trade a new buyer expects, as a share of the price",
                              unit="share", symbol="L_0", meaning_zh="新买家预期的每笔损失")
    learning: float = param(0.5, meaning="weight of last round's observed loss in buyers' expectations",
                            unit="share", symbol="λ", meaning_zh="学习权重")

    def validate(self) -> EscrowParams:
        """Check every field; returns self so calls chain."""
        v.count(self.buyers, "buyers", 1)
        v.count(self.price_minor, "price_minor", 1)
        Money.zero(self.currency)
        for name in ("fraud_rate", "nondelivery_share", "dispute_win_rate", "confirm_rate",
                     "prior_loss", "learning"):
            v.prob(getattr(self, name), name)
        for name in ("value_low", "value_high", "deterrence", "auto_confirm_days", "delivery_days",
                     "attention_days", "confirm_days"):
            v.nonneg(getattr(self, name), name)
        if self.value_high <= self.value_low:
            raise InvalidInput("value_high", "greater than value_low", "value_high must exceed value_low")
        return self


@dataclass(frozen=True)
class MarketOutcome:
    """One policy's result over all rounds (money in minor units and as Money)."""

    policy: str
    rounds: int
    trades: int
    frauds: int
    volume: Money
    buyer_losses: Money
    loss_rate: float          # buyer losses / volume
    fraud_rate: float         # effective share of cheating sellers
    trades_per_round: tuple[int, ...]


def notice_probability(params: EscrowParams) -> float:
    """Chance a buyer raises a problem before the auto-confirm period ends.

    She can only notice after the normal delivery time, and then after an
    exponential delay with mean ``attention_days``.
    """
    params.validate()
    spare = params.auto_confirm_days - params.delivery_days
    if spare <= 0:
        return 0.0
    if params.attention_days == 0:
        return 1.0
    return 1.0 - math.exp(-spare / params.attention_days)


def loss_given_fraud(params: EscrowParams, policy: str) -> float:
    """Share of the price a buyer loses when her seller cheats, under ``policy``."""
    v.policy(policy, "policy", POLICIES)
    if policy == "none":
        return 1.0
    p = notice_probability(params)
    nd = params.nondelivery_share
    recovered = nd * p
    if policy == "escrow_dispute":
        recovered += (1 - nd) * p * params.dispute_win_rate
    return 1.0 - recovered


def effective_fraud_rate(params: EscrowParams, policy: str) -> float:
    """Share of sellers who cheat: fraudsters leave as fraud stops paying."""
    return params.fraud_rate * loss_given_fraud(params, policy) ** params.deterrence


def seller_days_to_cash(params: EscrowParams, policy: str) -> float:
    """Mean days from payment until an honest seller can use the money."""
    v.policy(policy, "policy", POLICIES)
    params.validate()
    if policy == "none":
        return 0.0
    confirmed = params.delivery_days + params.confirm_days
    return (params.confirm_rate * min(confirmed, params.auto_confirm_days)
            + (1 - params.confirm_rate) * params.auto_confirm_days)


def simulate_market(params: EscrowParams, policy: str, *, rounds: Count[1, MAX_ROUNDS] = 12,
                    seed: Seed = 0) -> MarketOutcome:
    """Run ``rounds`` rounds of the market under ``policy`` (seeded).

    Each round every buyer draws a valuation and buys if value ≥ price × (1 +
    expected loss share); trades meet a cheating seller with the effective fraud
    rate; the realised loss per trade updates the buyers' expectation.
    """
    params.validate()
    v.policy(policy, "policy", POLICIES)
    v.count(rounds, "rounds", 1)
    rng = np.random.default_rng(seed)
    fr = effective_fraud_rate(params, policy)
    p_notice = notice_probability(params)
    nd = params.nondelivery_share
    win = params.dispute_win_rate if policy == "escrow_dispute" else 0.0
    expected = params.prior_loss
    price = params.price_minor
    trades = frauds = loss_minor = 0
    per_round = []
    for _ in range(rounds):
        values = rng.uniform(params.value_low, params.value_high, params.buyers)
        n = int(np.count_nonzero(values >= 1.0 + expected))
        cheated = rng.random(n) < fr
        k = int(cheated.sum())
        if policy == "none":
            lost = k
        else:
            kind_nd = rng.random(k) < nd
            noticed = rng.random(k) < p_notice
            won = rng.random(k) < win
            lost = int(np.count_nonzero(~(noticed & (kind_nd | won))))
        trades += n
        frauds += k
        loss_minor += lost * price
        per_round.append(n)
        observed = lost / n if n else expected
        expected = (1 - params.learning) * expected + params.learning * observed
    cur = params.currency
    volume = trades * price
    return MarketOutcome(policy=policy, rounds=rounds, trades=trades, frauds=frauds,
                         volume=Money.from_minor(volume, cur), buyer_losses=Money.from_minor(loss_minor, cur),
                         loss_rate=loss_minor / volume if volume else 0.0, fraud_rate=fr,
                         trades_per_round=tuple(per_round))


def compare_policies(params: EscrowParams = EscrowParams(), *, rounds: Count[1, MAX_ROUNDS] = 12,
                     seed: Seed = 0) -> pd.DataFrame:
    """One row per policy: trades, volume, buyer losses, loss rate, fraud rate, seller days to cash."""
    rows = []
    for pol in POLICIES:
        out = simulate_market(params, pol, rounds=rounds, seed=seed)
        rows.append({"policy": pol, "trades": out.trades, "volume": out.volume,
                     "buyer_losses": out.buyer_losses, "loss_rate": round(out.loss_rate, 4),
                     "fraud_rate": round(out.fraud_rate, 4),
                     "loss_given_fraud": round(loss_given_fraud(params, pol), 4),
                     "seller_days_to_cash": round(seller_days_to_cash(params, pol), 2)})
    return pd.DataFrame(rows).set_index("policy")


def auto_confirm_tradeoff(params: EscrowParams = EscrowParams(), days: range | list[float] = range(1, 31),
                          policy: str = "escrow_dispute") -> pd.DataFrame:
    """For each auto-confirm period: buyer loss given fraud, expected loss per trade
    (share of price) and the honest seller's mean days to cash."""
    rows = []
    for d in days:
        p = replace(params, auto_confirm_days=float(d))
        lgf = loss_given_fraud(p, policy)
        rows.append({"auto_confirm_days": d, "loss_given_fraud": lgf,
                     "loss_per_trade": effective_fraud_rate(p, policy) * lgf,
                     "seller_days_to_cash": seller_days_to_cash(p, policy)})
    return pd.DataFrame(rows).set_index("auto_confirm_days")


def fraud_sweep(params: EscrowParams = EscrowParams(), fraud_rates: list[float] | None = None, *,
                rounds: Count[1, MAX_ROUNDS] = 12, seed: Seed = 0) -> pd.DataFrame:
    """Trades over all rounds for each policy as the base fraud rate rises (index: fraud rate).

    Shows when a market of strangers without protection shrinks while escrow keeps it open."""
    rates = fraud_rates if fraud_rates is not None else [i / 20 for i in range(0, 9)]
    rows = []
    for f in rates:
        p = replace(params, fraud_rate=v.prob(f, "fraud_rates"))
        rows.append({"fraud_rate": f, **{pol: simulate_market(p, pol, rounds=rounds, seed=seed).trades
                                          for pol in POLICIES}})
    return pd.DataFrame(rows).set_index("fraud_rate")
