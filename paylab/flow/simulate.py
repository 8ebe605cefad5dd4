"""Seeded simulations for chapter 3.3: what retries, idempotency keys, duplicate notices
and reconciliation do about failures. All data is synthetic; fault rates are illustrative."""

from __future__ import annotations

import pandas as pd

from paylab.clock import FixedClock
from paylab.errors import InvalidInput, SimulatedFault
from paylab.flow.faults import Faults
from paylab.flow.gateway import Gateway
from paylab.flow.intents import PROCESSING, SUCCEEDED
from paylab.flow.webhooks import MerchantInbox
from paylab.ledger import Ledger
from paylab.money import Money
from paylab.validation import Count, Seed

__all__ = ["retry_experiment", "retry_curve", "notification_experiment", "timeout_day", "demo_checkout"]


#: the most simulated payment attempts one call makes (n × (max_retries + 1), over every curve point):
#: about five seconds through the gateway
MAX_ATTEMPTS = 20_000


def _work(n: int, per_payment: int) -> None:
    if n * per_payment > MAX_ATTEMPTS:
        raise InvalidInput("n", f"n × attempts per payment <= {MAX_ATTEMPTS:,}",
                           f"{n:,} payments × {per_payment:,} attempts is more than the maximum, {MAX_ATTEMPTS:,} "
                           "simulated attempts (about five seconds): use fewer payments or retries")


def _count(name: str, value: object, low: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        raise InvalidInput(name, f"integer >= {low}", f"{name} must be an integer >= {low}")
    return value


def _world(n: int, faults: Faults, seed: int) -> tuple[Gateway, list[str], list[Money]]:
    import numpy as np

    gw = Gateway(Ledger(), FixedClock(), faults=faults)
    gw.add_merchant("shop")
    rng = np.random.default_rng(seed)
    cards = []
    for i in range(n):
        gw.add_customer(f"c{i}")
        cards.append(gw.add_funding_source(f"c{i}", "card", credit_limit=Money("10000.00", "CNY")))
    amounts = [Money.from_minor(int(u), "CNY") for u in rng.integers(1_000, 150_000, n)]
    return gw, cards, amounts


def retry_experiment(n: Count[1, MAX_ATTEMPTS] = 300, *, timeout_rate: float = 0.2, max_retries: Count[100] = 3,
                     use_keys: bool = True, seed: Seed = 0) -> dict[str, float]:
    """``n`` checkouts against a bank that times out with probability ``timeout_rate``; the
    client retries up to ``max_retries`` times, with or without an idempotency key. At the
    end of the day the gateway queries the bank about payments left ``processing``.
    Returns the success rates and how many orders were charged more than once."""
    _count("n", n, 1)
    _count("max_retries", max_retries)
    _work(n, max_retries + 1)
    gw, cards, amounts = _world(n, Faults(bank_timeout=timeout_rate, seed=seed), seed)
    tries = 0
    ok_now = 0
    order_of: dict[str, int] = {}
    for i in range(n):
        for _attempt in range(max_retries + 1):
            tries += 1
            key = f"order-{i}" if use_keys else None
            try:
                pi = gw.pay("shop", amounts[i], cards[i], idempotency_key=key)
            except SimulatedFault:
                for pid in gw.intents:
                    order_of.setdefault(pid, i)
                continue
            order_of.setdefault(pi.id, i)
            ok_now += pi.status == SUCCEEDED
            break
    for pid, pi in gw.intents.items():   # end of day: status queries resolve the unknowns
        order_of.setdefault(pid, -1)
        if pi.status == PROCESSING:
            gw.sync(pid)
    charged: dict[int, int] = {}
    for pid, pi in gw.intents.items():
        if pi.status == SUCCEEDED:
            charged[order_of[pid]] = charged.get(order_of[pid], 0) + 1
    doubles = [o for o, c in charged.items() if c > 1]
    over = sum(amounts[o].minor_units * (charged[o] - 1) for o in doubles)
    return {"orders": n, "attempts": tries, "success_at_checkout": ok_now / n,
            "success_end_of_day": len(charged) / n, "charged_twice": len(doubles),
            "overcharged_minor": over}


def retry_curve(timeout_rates: tuple[float, ...] = (0.05, 0.1, 0.2, 0.3), max_retries: Count[100] = 4,
                n: Count[1, MAX_ATTEMPTS] = 200, seed: Seed = 0) -> pd.DataFrame:
    """Success at checkout by number of retries allowed (rows) and bank time-out rate (columns)."""
    _count("max_retries", max_retries)
    _work(n, len(timeout_rates) * (max_retries + 1) * (max_retries + 2) // 2)
    data = {}
    for p in timeout_rates:
        data[f"timeout {p:.0%}"] = [retry_experiment(n, timeout_rate=p, max_retries=r, seed=seed)
                                    ["success_at_checkout"] for r in range(max_retries + 1)]
    frame = pd.DataFrame(data, index=pd.RangeIndex(max_retries + 1, name="retries allowed"))
    return frame


def notification_experiment(n: Count[1, MAX_ATTEMPTS] = 200, *, drop: float = 0.1, duplicate: float = 0.1,
                            idempotent: bool = True, redeliver_rounds: Count[100] = 3,
                            seed: Seed = 0) -> dict[str, int]:
    """``n`` payments whose notices are dropped or duplicated at the given rates; the gateway
    retries undelivered notices ``redeliver_rounds`` times. Counts what the merchant saw."""
    _count("n", n, 1)
    _count("redeliver_rounds", redeliver_rounds)
    clock = FixedClock()
    gw = Gateway(None, clock, faults=Faults(drop_notification=drop, duplicate_notification=duplicate,
                                             seed=seed))
    inbox = MerchantInbox("whsec_demo", clock, idempotent=idempotent)
    gw.add_merchant("shop", webhook_secret="whsec_demo", endpoint=inbox)
    gw.add_customer("c")
    card = gw.add_funding_source("c", "card", credit_limit=Money("100000000.00", "CNY"))
    for _ in range(n):
        gw.pay("shop", Money("10.00", "CNY"), card)
    missing_first = n - len(inbox.fulfilled)
    for _ in range(redeliver_rounds):
        clock.advance(minutes=5)
        gw.redeliver()
    return {"payments": n, "not_notified_at_first": missing_first,
            "not_notified_after_retries": n - len(inbox.fulfilled),
            "duplicate_deliveries": inbox.duplicates + sum(c - 1 for c in inbox.fulfilled.values()),
            "shipped_twice": len(inbox.shipped_twice())}


def timeout_day(n: Count[1, MAX_ATTEMPTS] = 200, *, timeout_rate: float = 0.05, seed: Seed = 0) -> Gateway:
    """A day of ``n`` payments (no client retries) against a bank that sometimes times out;
    the returned gateway still has the unknowns ``processing`` — reconcile it against the
    bank statement to find them, then ``sync`` them."""
    _count("n", n, 1)
    gw, cards, amounts = _world(n, Faults(bank_timeout=timeout_rate, seed=seed), seed)
    for i in range(n):
        try:
            gw.pay("shop", amounts[i], cards[i], idempotency_key=f"order-{i}")
        except SimulatedFault:
            pass
    return gw


def demo_checkout(kind: str = "card", amount: Money | None = None, *, capture: str = "automatic",
                  escrow: bool = False, passes_challenge: bool = True, balance: Money | None = None):
    """One checkout on a fresh gateway (merchant ``shop``, buyer ``buyer`` with one funding source
    of ``kind`` holding ``balance``, default CNY 3,000): confirm, answer a step-up challenge,
    capture if manual. Returns ``(gateway, intent)`` for the widget and the exercises."""
    amount = amount if amount is not None else Money("268.00", "CNY")
    balance = balance if balance is not None else Money("3000.00", "CNY")
    gw = Gateway(Ledger(), FixedClock())
    gw.add_merchant("shop")
    gw.add_customer("buyer")
    key = "credit_limit" if kind == "card" else "balance"
    source = gw.add_funding_source("buyer", kind, **{key: balance})
    pi = gw.create_intent("shop", amount, source, capture=capture, escrow=escrow)
    gw.confirm(pi.id)
    if pi.status == "requires_action":
        gw.authenticate(pi.id, passed=passes_challenge)
    if pi.status == "requires_capture":
        gw.capture(pi.id)
    return gw, pi
