"""The vectorized batch engine: settle a whole day of payments at once with numpy and pandas.

It applies the gateway's rules (``paylab.flow.Gateway``) to arrays instead of
objects: a step-up threshold (``requires_action``), issuer declines, per-payment
and daily limits of each method, balance or credit checks in time order, the
method's fee, and the posting rules of :mod:`paylab.postings` (stored-value
payments debit the customer's funds, bank and card payments come in through
clearing; the merchant's receivable gets the amount less the fee). All ledger
lines go to SQLite with ``executemany`` in **one transaction**, so a batch is
on the books entirely or not at all.

:func:`generate` makes a seeded synthetic scenario (customers with funding
sources, merchants, payments over a day); :func:`run` settles it in a ledger;
:func:`run_gateway` drives the object-level gateway through the same scenario,
so a test can require identical statuses and balances from both engines.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import pandas as pd

from paylab import methods as _methods
from paylab import postings as _postings
from paylab.clock import EPOCH_2026
from paylab.errors import InvalidInput
from paylab.ledger import Ledger
from paylab.money import Currency, Money, currency

__all__ = [
    "SOURCE_METHODS",
    "STEP_UP_THRESHOLD",
    "Scenario",
    "BatchResult",
    "generate",
    "fees_minor",
    "decide",
    "ledger_lines",
    "run",
    "run_gateway",
    "nonzero_balances",
]

#: Funding-source kinds and the catalogue method each pays with (as in ``paylab.flow``).
SOURCE_METHODS = {"bank_account": "online_banking", "card": "card_cross_border",
                  "wallet": "platform_balance", "prepaid": "prepaid_card"}

#: The gateway's default step-up threshold: CNY 2,000 (illustrative), in minor units.
STEP_UP_THRESHOLD = 200_000

_DAY = 86400
_STATUS_OK = "succeeded"
_STATUS_DECLINED = "requires_payment_method"
_STATUS_ACTION = "requires_action"
# outcome codes: index -> (status, decline code)
_OUTCOMES = [(_STATUS_OK, None), (_STATUS_DECLINED, "card_declined"), (_STATUS_DECLINED, "limit_exceeded"),
             (_STATUS_DECLINED, "insufficient_funds"), (_STATUS_ACTION, None)]
_OK, _CARD_DECLINED, _LIMIT, _FUNDS, _ACTION, _UNDECIDED = 0, 1, 2, 3, 4, -1


@dataclass(frozen=True)
class Scenario:
    """A seeded synthetic day: funding ``sources`` (one row per source, in creation order),
    ``merchants`` and ``payments`` (in processing order). Amounts in minor units."""

    currency: str
    merchants: tuple[str, ...]
    sources: pd.DataFrame
    payments: pd.DataFrame
    start: float

    def __len__(self) -> int:
        return len(self.payments)


@dataclass(frozen=True)
class BatchResult:
    """What :func:`run` did: per-payment ``outcomes``, the entry ids and the time each phase took."""

    outcomes: pd.DataFrame
    entry_ids: np.ndarray
    seconds: dict[str, float]

    def counts(self) -> pd.Series:
        """Number of payments per status."""
        return self.outcomes["status"].value_counts().sort_index()


def generate(n: int, seed: int, *, customers: int | None = None, merchants: int = 20,
             currency_code: str = "CNY", start: float = EPOCH_2026, days: int = 1,
             kinds: dict[str, float] | None = None) -> Scenario:
    """A seeded synthetic scenario of ``n`` payments (illustrative balances, limits and amounts).

    Each customer has one funding source; about one payment in a hundred is large enough to
    need step-up, some hit a limit or run out of money, and 1 % of cards are declined.
    """
    for name, value in (("n", n), ("merchants", merchants), ("days", days)):
        if isinstance(value, bool) or not isinstance(value, int) or value < (0 if name == "n" else 1):
            raise InvalidInput(name, "positive integer", f"{name} must be a positive integer")
    ncust = customers if customers is not None else max(n // 10, 1)
    if isinstance(ncust, bool) or not isinstance(ncust, int) or ncust < 1:
        raise InvalidInput("customers", "positive integer", "customers must be a positive integer")
    cur = currency(currency_code)
    scale = 10 ** cur.exponent
    weights = kinds or {"wallet": 0.4, "bank_account": 0.25, "card": 0.25, "prepaid": 0.1}
    if not weights or any(k not in SOURCE_METHODS for k in weights) or any(w < 0 for w in weights.values()) \
            or sum(weights.values()) <= 0:
        raise InvalidInput("kinds", f"weights over {sorted(SOURCE_METHODS)}", "bad funding-source mix")
    rng = np.random.default_rng(seed)
    names = list(weights)
    p = np.array([weights[k] for k in names], dtype=float)
    kind = np.array(names, dtype=object)[rng.choice(len(names), ncust, p=p / p.sum())]
    # illustrative balances (whole currency units) by kind
    top = {"wallet": 5_000, "bank_account": 20_000, "prepaid": 1_500, "card": 30_000}
    tops = np.array([top[k] for k in kind], dtype=np.int64)
    funds = (rng.random(ncust) * (tops + 1)).astype(np.int64) * scale
    is_card = kind == "card"
    sources = pd.DataFrame({
        "source": [f"pm_{i + 1:06d}" for i in range(ncust)],
        "customer": [f"c{i + 1}" for i in range(ncust)],
        "kind": kind,
        "method": [SOURCE_METHODS[k] for k in kind],
        "balance": np.where(is_card, 0, funds).astype(np.int64),
        "credit_limit": np.where(is_card, funds, 0).astype(np.int64),
        "declines": is_card & (rng.random(ncust) < 0.01),
    })
    mnames = tuple(f"m{i + 1}" for i in range(merchants))
    # amounts: log-normal around CNY 80, a few very large ones; at least one minor unit
    amount = np.maximum(np.round(np.exp(rng.normal(math.log(80), 1.2, n)) * scale), 1).astype(np.int64)
    big = rng.random(n) < 0.01
    amount[big] = rng.integers(1_500, 60_000, big.sum()) * scale
    at = np.round(start + np.sort(rng.uniform(0, days * _DAY, n)), 3)
    payments = pd.DataFrame({
        "id": [f"pi_{i + 1:07d}" for i in range(n)],
        "merchant": np.array(mnames, dtype=object)[rng.integers(0, merchants, n)],
        "source": rng.integers(0, ncust, n),
        "amount": amount,
        "at": at,
    })
    return Scenario(cur.code, mnames, sources, payments, float(start))


# --- fees -----------------------------------------------------------------------------------
def _fee_params(method: str, cur: Currency) -> tuple[int, int, int, int | None, int]:
    fm = _methods.get(method).fee
    scale = 10 ** cur.exponent
    parts = [Fraction(fm.percent) / 100, Fraction(fm.fixed) * scale, Fraction(fm.minimum) * scale]
    cap = None if fm.cap is None else Fraction(fm.cap) * scale
    den = math.lcm(*(f.denominator for f in parts + ([cap] if cap is not None else [])))
    a, b, mn = (int(f * den) for f in parts)
    return a, b, mn, (None if cap is None else int(cap * den)), den


def fees_minor(methods: np.ndarray | pd.Series | list, amounts: np.ndarray,
               currency_code: str = "CNY") -> np.ndarray:
    """The merchant fee of each payment in minor units, exactly ``paylab.methods.fee`` (percent
    plus fixed, held within [minimum, cap], rounded half-up) computed on integers."""
    cur = currency(currency_code)
    units = np.asarray(amounts)
    if not np.issubdtype(units.dtype, np.integer):
        raise InvalidInput("amounts", "integer minor units", "amounts must be integer minor units")
    units = units.astype(np.int64)
    codes, uniques = pd.factorize(np.asarray(methods, dtype=object))
    out = np.zeros(len(units), dtype=np.int64)
    for i, m in enumerate(uniques):
        a, b, mn, cap, den = _fee_params(m, cur)
        sel = codes == i
        num = units[sel] * a + b
        num = np.maximum(num, mn)
        if cap is not None:
            num = np.minimum(num, cap)
        out[sel] = (2 * num + den) // (2 * den)
    return out


# --- decisions ------------------------------------------------------------------------------
def _limits(method: str, cur: Currency) -> tuple[int, int]:
    m = _methods.get(method)
    scale = 10 ** cur.exponent
    big = np.iinfo(np.int64).max // 4
    return tuple(big if v is None else int(v * scale) for v in (m.per_txn_limit, m.daily_limit))  # type: ignore[return-value]


def decide(scenario: Scenario, *, step_up_threshold: int | None = STEP_UP_THRESHOLD) -> pd.DataFrame:
    """Each payment's outcome, vectorized: ``id``, ``status``, ``code`` (decline reason),
    ``fee`` (minor units, 0 unless succeeded), in the gateway's order of checks."""
    cur = currency(scenario.currency)
    pay, src_df = scenario.payments, scenario.sources
    n = len(pay)
    src = pay["source"].to_numpy(np.int64)
    amount = pay["amount"].to_numpy(np.int64)
    day = (pay["at"].to_numpy(float) // _DAY).astype(np.int64)
    methods = src_df["method"].to_numpy(object)
    lim = {m: _limits(m, cur) for m in set(methods)}
    per_txn = np.array([lim[m][0] for m in methods], dtype=np.int64)[src]
    daily = np.array([lim[m][1] for m in methods], dtype=np.int64)
    avail0 = np.where(src_df["kind"].to_numpy(object) == "card", src_df["credit_limit"].to_numpy(np.int64),
                      src_df["balance"].to_numpy(np.int64))
    declines = src_df["declines"].to_numpy(bool)[src]

    out = np.full(n, _UNDECIDED, dtype=np.int8)
    if step_up_threshold is not None:
        out[amount >= step_up_threshold] = _ACTION
    out[(out == _UNDECIDED) & declines] = _CARD_DECLINED
    out[(out == _UNDECIDED) & (amount > per_txn)] = _LIMIT

    # time order within each source; the day is non-decreasing inside a source's run
    order = np.lexsort((np.arange(n), src))
    for _ in range(64):
        o = order[out[order] == _UNDECIDED]
        if len(o) == 0:
            break
        s, a, d = src[o], amount[o], day[o]
        new_src = np.r_[True, s[1:] != s[:-1]]
        new_day = new_src | np.r_[True, d[1:] != d[:-1]]
        cs = np.cumsum(a)
        base_src = np.maximum.accumulate(np.where(new_src, cs - a, 0))
        base_day = np.maximum.accumulate(np.where(new_day, cs - a, 0))
        cum_src, cum_day = cs - base_src, cs - base_day
        over_day = cum_day > daily[s]
        over_funds = cum_src > avail0[s]
        bad = np.flatnonzero(over_day | over_funds)
        if len(bad) == 0:
            out[o] = _OK
            break
        # the first violation of each source fails; everything before it in that source is fine
        group = np.cumsum(new_src)[bad]
        first = bad[np.r_[True, group[1:] != group[:-1]]]
        out[o[first]] = np.where(over_day[first], _LIMIT, _FUNDS)
    else:  # pragma: no cover - only for pathological inputs: finish the rest one by one
        _sequential(out, order, src, amount, day, daily, avail0)
    status = np.array([s for s, _ in _OUTCOMES], dtype=object)[out]
    code = np.array([c for _, c in _OUTCOMES], dtype=object)[out]
    fee = np.zeros(n, dtype=np.int64)
    ok = out == _OK
    fee[ok] = fees_minor(methods[src[ok]], amount[ok], cur.code)
    return pd.DataFrame({"id": pay["id"].to_numpy(object), "status": status, "code": code, "fee": fee})


def _sequential(out, order, src, amount, day, daily, avail0) -> None:  # pragma: no cover
    spent: dict[tuple[int, int], int] = {}
    used: dict[int, int] = {}
    for i in order:
        if out[i] != _UNDECIDED:
            if out[i] == _OK:
                spent[(src[i], day[i])] = spent.get((src[i], day[i]), 0) + amount[i]
                used[src[i]] = used.get(src[i], 0) + amount[i]
            continue
        sp = spent.get((src[i], day[i]), 0)
        if sp + amount[i] > daily[src[i]]:
            out[i] = _LIMIT
        elif used.get(src[i], 0) + amount[i] > avail0[src[i]]:
            out[i] = _FUNDS
        else:
            out[i] = _OK
            spent[(src[i], day[i])] = sp + amount[i]
            used[src[i]] = used.get(src[i], 0) + amount[i]


# --- posting --------------------------------------------------------------------------------
def ledger_lines(scenario: Scenario, outcomes: pd.DataFrame, *, granularity: str = "payment"
                 ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The journal, column-wise: ``entries`` (memo, ref, at) and ``lines`` (entry, account, amount),
    by the rules of :mod:`paylab.postings`: one top-up entry per stored-value source with money
    on it, one capture entry per succeeded payment (``granularity="payment"``, as the gateway
    books them), or the same lines summed per account into two entries (``"summary"``)."""
    if granularity not in ("payment", "summary"):
        raise InvalidInput("granularity", "payment or summary", f"unknown granularity {granularity!r}")
    cur = scenario.currency
    clearing, fees_acc = _postings.clearing_account(cur), _postings.fee_account(cur)
    src_df, pay = scenario.sources, scenario.payments
    stored_m = {m: _postings.funding_for(m) == "stored" for m in set(src_df["method"])}
    stored_src = src_df["method"].map(stored_m).to_numpy(bool)
    cust_acc = np.array([f"customer:{c}:{cur}" for c in src_df["customer"]], dtype=object)
    # top-ups (postings.top_up): clearing +B, customer -B
    tu = np.flatnonzero(stored_src & (src_df["balance"].to_numpy(np.int64) > 0))
    bal = src_df["balance"].to_numpy(np.int64)[tu]
    k = len(tu)
    tu_entries = pd.DataFrame({"memo": "top-up", "ref": src_df["source"].to_numpy(object)[tu],
                               "at": scenario.start})
    tu_lines = pd.DataFrame({"entry": np.repeat(np.arange(k), 2),
                             "account": np.column_stack([np.full(k, clearing, dtype=object), cust_acc[tu]]).ravel(),
                             "amount": np.column_stack([bal, -bal]).ravel()})
    # captures (postings.capture): payer +A, merchant -(A - fee), fees -fee; zero lines dropped
    ok = np.flatnonzero(outcomes["status"].to_numpy(object) == _STATUS_OK)
    s = pay["source"].to_numpy(np.int64)[ok]
    a = pay["amount"].to_numpy(np.int64)[ok]
    f = outcomes["fee"].to_numpy(np.int64)[ok]
    m = len(ok)
    payer = np.where(stored_src[s], cust_acc[s], clearing)
    merch = ("merchant:" + pay["merchant"].to_numpy(object)[ok] + f":receivable:{cur}") if m else \
        np.array([], dtype=object)
    cap_lines = pd.DataFrame({"entry": np.repeat(np.arange(m) + k, 3),
                              "account": np.column_stack([payer, merch, np.full(m, fees_acc, dtype=object)]).ravel(),
                              "amount": np.column_stack([a, -(a - f), -f]).ravel()})
    cap_lines = cap_lines[cap_lines["amount"] != 0]
    cap_entries = pd.DataFrame({"memo": "capture", "ref": pay["id"].to_numpy(object)[ok],
                                "at": pay["at"].to_numpy(float)[ok]})
    if granularity == "payment":
        return (pd.concat([tu_entries, cap_entries], ignore_index=True),
                pd.concat([tu_lines, cap_lines], ignore_index=True))
    parts, entries = [], []
    for memo, lines in (("batch top-ups", tu_lines), ("batch captures", cap_lines)):
        summed = lines.groupby("account", sort=True)["amount"].sum()
        summed = summed[summed != 0]
        if len(summed):
            parts.append(pd.DataFrame({"entry": len(entries), "account": summed.index.to_numpy(object),
                                       "amount": summed.to_numpy(np.int64)}))
            entries.append({"memo": memo, "ref": f"batch:{memo.split()[1]}",
                            "at": float(pay["at"].max()) if len(pay) else scenario.start})
    lines = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=["entry", "account", "amount"])
    return pd.DataFrame(entries, columns=["memo", "ref", "at"]), lines


def _open_accounts(ledger: Ledger, scenario: Scenario, lines: pd.DataFrame) -> None:
    for name in pd.unique(lines["account"]):
        ledger.open_account(name, _postings.account_type(name), scenario.currency)


def run(ledger: Ledger, scenario: Scenario, *, granularity: str = "payment",
        step_up_threshold: int | None = STEP_UP_THRESHOLD, detail: bool = True) -> BatchResult:
    """Settle a scenario: decide every payment, build its ledger lines, and write them (and,
    with ``detail``, a ``batch_payments`` row per payment) in one SQLite transaction."""
    if not isinstance(ledger, Ledger):
        raise InvalidInput("ledger", "a paylab.ledger.Ledger", "run() needs a Ledger")
    t0 = time.perf_counter()
    outcomes = decide(scenario, step_up_threshold=step_up_threshold)
    t1 = time.perf_counter()
    entries, lines = ledger_lines(scenario, outcomes, granularity=granularity)
    _open_accounts(ledger, scenario, lines)
    t2 = time.perf_counter()

    def write_detail(db) -> None:
        db.execute("CREATE TABLE IF NOT EXISTS batch_payments (id TEXT PRIMARY KEY, status TEXT NOT NULL, "
                   "code TEXT, fee INTEGER NOT NULL)")
        db.executemany("INSERT INTO batch_payments(id, status, code, fee) VALUES (?, ?, ?, ?)",
                       zip(outcomes["id"].tolist(), outcomes["status"].tolist(), outcomes["code"].tolist(),
                           outcomes["fee"].tolist(), strict=True))

    ids = ledger.post_columns(memo=entries["memo"].tolist(), ref=entries["ref"].tolist(),
                              at=entries["at"].tolist(), line_entry=lines["entry"].to_numpy(np.int64),
                              line_account=lines["account"].to_numpy(object),
                              line_amount=lines["amount"].to_numpy(np.int64),
                              also=write_detail if detail else None)
    t3 = time.perf_counter()
    return BatchResult(outcomes, ids, {"decide": t1 - t0, "build": t2 - t1, "write": t3 - t2,
                                       "total": t3 - t0})


def run_gateway(gateway, scenario: Scenario) -> pd.DataFrame:
    """Drive an object-level ``paylab.flow.Gateway`` through the same scenario, one payment at a
    time (its clock is set to each payment's time), and return the outcomes as :func:`decide`
    does. The gateway's clock must have a ``set(seconds)`` method (``FixedClock``)."""
    cur = scenario.currency
    gateway.clock.set(scenario.start)
    for m in scenario.merchants:
        gateway.add_merchant(m)
    sids = []
    for row in scenario.sources.itertuples(index=False):
        gateway.add_customer(row.customer)
        if row.kind == "card":
            limit = Money.from_minor(int(row.credit_limit), cur)
            sid = gateway.add_funding_source(row.customer, "card", credit_limit=limit,
                                             declines=bool(row.declines))
        else:
            sid = gateway.add_funding_source(row.customer, row.kind, balance=Money.from_minor(int(row.balance), cur),
                                             declines=bool(row.declines))
        sids.append(sid)
    if sids != scenario.sources["source"].tolist():
        raise InvalidInput("gateway", "a fresh gateway", "the gateway's source ids differ from the scenario's")
    rows = []
    set_time = gateway.clock.set
    for pid, merchant, s, units, at in zip(scenario.payments["id"].tolist(), scenario.payments["merchant"].tolist(),
                                           scenario.payments["source"].tolist(),
                                           scenario.payments["amount"].tolist(),
                                           scenario.payments["at"].tolist(), strict=True):
        set_time(at)
        pi = gateway.pay(merchant, Money.from_minor(units, cur), sids[s])
        if pi.id != pid:
            raise InvalidInput("gateway", "a fresh gateway", f"intent id {pi.id} differs from {pid}")
        err = pi.last_payment_error
        rows.append((pi.id, pi.status, err["code"] if err else None, int(pi.fee_minor or 0)))
    return pd.DataFrame(rows, columns=["id", "status", "code", "fee"])


def nonzero_balances(ledger: Ledger) -> dict[str, int]:
    """Every account with a non-zero balance, in minor units (engines may open different
    sets of empty accounts; this is what must agree)."""
    return {k: v for k, v in ledger.balances_minor().items() if v != 0}
