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

import itertools
import math
import time
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import pandas as pd

from paylab import methods as _methods
from paylab import postings as _postings
from paylab.clock import EPOCH_2026
from paylab.errors import InvalidInput, NotFound
from paylab.ledger import Ledger
from paylab.money import Currency, Money, currency
from paylab.validation import Count, Seed

__all__ = [
    "SOURCE_METHODS",
    "STEP_UP_THRESHOLD",
    "Scenario",
    "BatchResult",
    "generate",
    "fees_minor",
    "decide",
    "Journal",
    "ledger_lines",
    "run",
    "read_details",
    "run_gateway",
    "nonzero_balances",
    "MAX_PAYMENTS",
]

#: Funding-source kinds and the catalogue method each pays with (as in ``paylab.flow``).
SOURCE_METHODS = {"bank_account": "online_banking", "card": "card_domestic",
                  "wallet": "platform_balance", "prepaid": "prepaid_card"}

#: The gateway's default step-up threshold: CNY 2,000 (illustrative), in minor units.
STEP_UP_THRESHOLD = 200_000
#: the most payments one synthetic scenario holds (a laptop kernel: ~1 s and ~300 MB at the maximum)
MAX_PAYMENTS = 1_000_000

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


def generate(n: Count[MAX_PAYMENTS], seed: Seed, *, customers: Count[1, MAX_PAYMENTS] | None = None,
             merchants: Count[1, 100_000] = 20, currency_code: str = "CNY", start: float = EPOCH_2026,
             days: Count[1, 3_650] = 1,
             kinds: dict[str, float] | None = None) -> Scenario:
    """A seeded synthetic scenario of ``n`` payments (illustrative balances, limits and amounts).

    At most ``MAX_PAYMENTS`` (a million: about a second and 300 MB to generate and decide).

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
        "merchant": pd.Categorical.from_codes(rng.integers(0, merchants, n), categories=list(mnames)),
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
    units = np.asarray(amounts)
    if not np.issubdtype(units.dtype, np.integer):
        raise InvalidInput("amounts", "integer minor units", "amounts must be integer minor units")
    codes, uniques = pd.factorize(np.asarray(methods, dtype=object))
    return _fees_by_code(codes, list(uniques), units.astype(np.int64), currency(currency_code))


def _fees_by_code(codes: np.ndarray, uniques: list[str], units: np.ndarray, cur: Currency) -> np.ndarray:
    """Fees for ``units`` where ``codes`` index the method of each payment in ``uniques``:
    per-method integer parameters gathered once, then one vectorized pass."""
    params = [_fee_params(m, cur) for m in uniques]
    big = np.iinfo(np.int64).max // 4
    a, b, mn, cap, den = (np.array([p[i] if p[i] is not None else big for p in params], dtype=np.int64)
                          for i in range(5))
    if len(units) == 0:
        return np.zeros(0, dtype=np.int64)
    if len(params) == 1:  # one method: scalars, no gathers
        a, b, mn, cap, den = (int(x[0]) for x in (a, b, mn, cap, den))
    else:
        a, b, mn, cap, den = (x[codes] for x in (a, b, mn, cap, den))
    num = units * a
    num += b
    np.maximum(num, mn, out=num)
    np.minimum(num, cap, out=num)
    num *= 2
    num += den
    return num // (2 * den)


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
    mcodes, muniq = pd.factorize(src_df["method"])
    muniq = list(muniq)
    lim = np.array([_limits(m, cur) for m in muniq], dtype=np.int64).reshape(-1, 2)
    per_txn = lim[mcodes, 0][src]
    daily = lim[mcodes, 1]
    avail0 = np.where(np.asarray(src_df["kind"] == "card"), src_df["credit_limit"].to_numpy(np.int64),
                      src_df["balance"].to_numpy(np.int64))
    declines = src_df["declines"].to_numpy(bool)[src]

    out = np.full(n, _UNDECIDED, dtype=np.int8)
    if step_up_threshold is not None:
        out[amount >= step_up_threshold] = _ACTION
    out[(out == _UNDECIDED) & declines] = _CARD_DECLINED
    out[(out == _UNDECIDED) & (amount > per_txn)] = _LIMIT

    _resolve(out, src, amount, day, daily, avail0)
    fee = np.zeros(n, dtype=np.int64)
    ok = out == _OK
    fee[ok] = _fees_by_code(mcodes[src[ok]], muniq, amount[ok], cur)
    status = pd.Categorical.from_codes(_STATUS_CODE[out], categories=list(_STATUSES))
    code = pd.Categorical.from_codes(_CODE_CODE[out], categories=list(_CODES))
    return pd.DataFrame({"id": pay["id"], "status": status, "code": code, "fee": fee})


_STATUSES = (_STATUS_OK, _STATUS_DECLINED, _STATUS_ACTION)
_CODES = ("card_declined", "limit_exceeded", "insufficient_funds")
_STATUS_CODE = np.array([_STATUSES.index(s) for s, _ in _OUTCOMES], dtype=np.int8)
_CODE_CODE = np.array([-1 if c is None else _CODES.index(c) for _, c in _OUTCOMES], dtype=np.int8)


def _resolve(out: np.ndarray, src: np.ndarray, amount: np.ndarray, day: np.ndarray, daily: np.ndarray,
             avail0: np.ndarray) -> None:
    """Decide the undecided payments in time order per source, in rounds.

    A round assumes every remaining payment succeeds and finds, per source, the first one
    that breaks the daily limit or the available funds: everything before it succeeds, it
    fails, and the source's state (money left, spent that day) moves on to it. A source whose
    money left is below all its remaining amounts can never pay again: its remaining payments
    fail at once. So the rounds touch fewer payments each time."""
    nsrc = len(avail0)
    rem = avail0.astype(np.int64).copy()
    dday = np.full(nsrc, -1, dtype=np.int64)
    dspent = np.zeros(nsrc, dtype=np.int64)
    n = len(src)
    order = np.argsort(src.astype(np.int64) * n + np.arange(n))  # by source, then time (unique keys)
    o = order[out[order] == _UNDECIDED]
    for _ in range(10_000):
        if len(o) == 0:
            return
        s, a, d = src[o], amount[o], day[o]
        new_src = np.empty(len(o), dtype=bool)
        new_src[0] = True
        np.not_equal(s[1:], s[:-1], out=new_src[1:])
        new_day = new_src.copy()
        new_day[1:] |= d[1:] != d[:-1]
        cs = np.cumsum(a)
        before = cs - a
        cum_src = cs - np.maximum.accumulate(np.where(new_src, before, 0))
        cum_day = cs - np.maximum.accumulate(np.where(new_day, before, 0))
        cum_day += np.where(d == dday[s], dspent[s], 0)
        over_day = cum_day > daily[s]
        over_funds = cum_src > rem[s]
        bad = np.flatnonzero(over_day | over_funds)
        if len(bad) == 0:
            out[o] = _OK
            return
        gid = np.cumsum(new_src) - 1
        gb = gid[bad]
        first = bad[np.r_[True, gb[1:] != gb[:-1]]]
        fp = np.full(gid[-1] + 1, len(o), dtype=np.int64)
        fp[gid[first]] = first
        pos_fp = fp[gid]
        pos = np.arange(len(o))
        out[o[pos < pos_fp]] = _OK
        out[o[first]] = np.where(over_day[first], _LIMIT, _FUNDS)
        sf, af = s[first], a[first]
        rem[sf] -= cum_src[first] - af
        dday[sf] = d[first]
        dspent[sf] = cum_day[first] - af
        rest = pos > pos_fp
        o, s, a, d = o[rest], s[rest], a[rest], d[rest]
        if len(o) == 0:
            return
        # sources that cannot pay any of their remaining amounts: all of those fail now
        starts = np.flatnonzero(np.r_[True, s[1:] != s[:-1]])
        lo = np.minimum.reduceat(a, starts)
        lo_pos = np.repeat(lo, np.diff(np.r_[starts, len(s)]))
        dead = rem[s] < lo_pos
        if dead.any():
            spent = np.where(d[dead] == dday[s[dead]], dspent[s[dead]], 0)
            out[o[dead]] = np.where(spent + a[dead] > daily[s[dead]], _LIMIT, _FUNDS)
            o = o[~dead]
    _sequential(out, order, src, amount, day, daily, avail0)  # pragma: no cover


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
@dataclass(frozen=True)
class Journal:
    """A batch's journal, column-wise: ``accounts`` (names), ``entries`` (memo, ref, at) and
    line columns ``line_entry``, ``line_account`` (index into ``accounts``), ``line_amount``."""

    accounts: np.ndarray
    entries: pd.DataFrame
    line_entry: np.ndarray
    line_account: np.ndarray
    line_amount: np.ndarray

    def lines(self) -> pd.DataFrame:
        """The lines as a table with account names (for inspection and tests)."""
        return pd.DataFrame({"entry": self.line_entry, "account": self.accounts[self.line_account],
                             "amount": self.line_amount})


def ledger_lines(scenario: Scenario, outcomes: pd.DataFrame, *, granularity: str = "payment") -> Journal:
    """The journal a batch writes, by the rules of :mod:`paylab.postings`: one top-up entry per
    stored-value source with money on it (``top_up``: clearing +B, customer -B) and one capture
    entry per succeeded payment (``capture``: payer +A, merchant -(A - fee), fees -fee; zero
    lines dropped), as the gateway books them (``granularity="payment"``); or the same lines
    summed per account into two summary entries (``"summary"``)."""
    if granularity not in ("payment", "summary"):
        raise InvalidInput("granularity", "payment or summary", f"unknown granularity {granularity!r}")
    cur = scenario.currency
    src_df, pay = scenario.sources, scenario.payments
    nsrc = len(src_df)
    # account table: 0 clearing, 1 fees, 2.. customers (one per source), then merchants
    accounts = np.array([_postings.clearing_account(cur), _postings.fee_account(cur)]
                        + [f"customer:{c}:{cur}" for c in src_df["customer"].to_numpy(object).tolist()]
                        + [f"merchant:{m}:receivable:{cur}" for m in scenario.merchants], dtype=object)
    clearing, fees = 0, 1
    cust = 2 + np.arange(nsrc)
    mcode = {m: 2 + nsrc + j for j, m in enumerate(scenario.merchants)}
    mcodes, muniq = pd.factorize(src_df["method"])
    stored = np.array([_postings.funding_for(m) == "stored" for m in muniq], dtype=bool)[mcodes]
    balance = src_df["balance"].to_numpy(np.int64)
    tu = np.flatnonzero(stored & (balance > 0))
    k = len(tu)
    b = balance[tu]
    tu_entry = np.repeat(np.arange(k), 2)
    tu_acc = np.column_stack([np.full(k, clearing), cust[tu]]).ravel()
    tu_amt = np.column_stack([b, -b]).ravel()
    ok = np.flatnonzero(np.asarray(outcomes["status"] == _STATUS_OK))
    m = len(ok)
    s = pay["source"].to_numpy(np.int64)[ok]
    a = pay["amount"].to_numpy(np.int64)[ok]
    f = outcomes["fee"].to_numpy(np.int64)[ok]
    mc_codes, m_uniq = pd.factorize(pay["merchant"])
    strangers = [x for x in m_uniq if x not in mcode]
    if strangers:
        raise InvalidInput("scenario.payments", "merchants listed in scenario.merchants",
                           f"payments name unknown merchant(s) {strangers[:3]}")
    m_of = np.array([mcode[x] for x in m_uniq], dtype=np.int64)[mc_codes[ok]] if m else np.zeros(0, np.int64)
    if granularity == "payment":
        payer = np.where(stored[s], cust[s], clearing)
        cap_entry = np.repeat(np.arange(m) + k, 3)
        cap_acc = np.column_stack([payer, m_of, np.full(m, fees)]).ravel()
        cap_amt = np.column_stack([a, -(a - f), -f]).ravel()
        entries = pd.DataFrame({
            "memo": np.r_[np.full(k, "top-up", dtype=object), np.full(m, "capture", dtype=object)],
            "ref": np.r_[src_df["source"].to_numpy(object)[tu], pay["id"].to_numpy(object)[ok]],
            "at": np.r_[np.full(k, scenario.start), pay["at"].to_numpy(float)[ok]]})
        le, la, lm = np.r_[tu_entry, cap_entry], np.r_[tu_acc, cap_acc], np.r_[tu_amt, cap_amt]
    else:
        # the same capture lines summed per account, without materialising them: the payer
        # lines (+A) by customer or clearing, the merchant lines -(A - fee), the fee line -fee
        size = len(accounts)
        cap_sum = _sum_by(np.where(stored[s], cust[s], clearing), a, size)
        cap_sum -= _sum_by(m_of, a - f, size)
        cap_sum[fees] -= int(f.sum())
        tu_sum = np.zeros(size, dtype=np.int64)
        tu_sum[clearing] = int(b.sum())
        tu_sum[cust[tu]] -= b
        at_end = float(pay["at"].max()) if len(pay) else scenario.start
        rows, le_parts, la_parts, lm_parts = [], [], [], []
        for memo, ref, summed in (("batch top-ups", "batch:top-ups", tu_sum),
                                  ("batch captures", "batch:captures", cap_sum)):
            used = np.flatnonzero(summed)
            if len(used):
                le_parts.append(np.full(len(used), len(rows)))
                la_parts.append(used)
                lm_parts.append(summed[used])
                rows.append({"memo": memo, "ref": ref, "at": at_end})
        entries = pd.DataFrame(rows, columns=["memo", "ref", "at"])
        le, la, lm = (np.concatenate(p) if p else np.zeros(0, np.int64) for p in (le_parts, la_parts, lm_parts))
    keep = lm != 0
    return Journal(accounts, entries, le[keep].astype(np.int64), la[keep].astype(np.int64),
                   lm[keep].astype(np.int64))


def _sum_by(codes: np.ndarray, amounts: np.ndarray, size: int) -> np.ndarray:
    """Exact integer sums of ``amounts`` per code. ``np.bincount`` adds in float64, which is
    exact while every partial sum stays below 2**53 minor units; beyond that, ``np.add.at``."""
    if len(amounts) == 0 or int(np.abs(amounts).sum()) < 2**53:
        return np.rint(np.bincount(codes, weights=amounts, minlength=size)).astype(np.int64)
    out = np.zeros(size, dtype=np.int64)  # pragma: no cover - astronomically large batches
    np.add.at(out, codes, amounts)
    return out


_DETAIL_MODES = (None, "blob", "rows")


def run(ledger: Ledger, scenario: Scenario, *, granularity: str = "payment",
        step_up_threshold: int | None = STEP_UP_THRESHOLD, detail: str | None = "blob",
        batch_ref: str = "batch") -> BatchResult:
    """Settle a scenario: decide every payment, build its journal (:func:`ledger_lines`), and
    write it in one SQLite transaction together with each payment's outcome: ``detail="rows"``
    keeps one row per payment in table ``batch_payments``, ``"blob"`` one compact row per batch
    in ``batch_blobs`` (read back with :func:`read_details`), ``None`` no detail."""
    if not isinstance(ledger, Ledger):
        raise InvalidInput("ledger", "a paylab.ledger.Ledger", "run() needs a Ledger")
    if detail not in _DETAIL_MODES:
        raise InvalidInput("detail", "None, 'blob' or 'rows'", f"unknown detail mode {detail!r}")
    t0 = time.perf_counter()
    outcomes = decide(scenario, step_up_threshold=step_up_threshold)
    t1 = time.perf_counter()
    journal = ledger_lines(scenario, outcomes, granularity=granularity)
    used = np.flatnonzero(np.bincount(journal.line_account, minlength=len(journal.accounts)))
    types = {"customer": "liability", "merchant": "liability", "clearing": "asset", "revenue": "revenue"}
    ledger.open_accounts([(name, types[name[:name.index(":")]], scenario.currency)
                          for name in journal.accounts[used].tolist()])
    t2 = time.perf_counter()

    def write_detail(db) -> None:
        if detail == "rows":
            db.execute("CREATE TABLE IF NOT EXISTS batch_payments (batch TEXT NOT NULL, id TEXT NOT NULL, "
                       "status TEXT NOT NULL, code TEXT, fee INTEGER NOT NULL)")
            db.executemany("INSERT INTO batch_payments(batch, id, status, code, fee) VALUES (?, ?, ?, ?, ?)",
                           zip(itertools.repeat(batch_ref), outcomes["id"].tolist(),
                               outcomes["status"].astype(object).tolist(),
                               outcomes["code"].astype(object).where(outcomes["code"].notna(), None).tolist(),
                               outcomes["fee"].tolist()))
        else:
            db.execute("CREATE TABLE IF NOT EXISTS batch_blobs (batch TEXT PRIMARY KEY, n INTEGER NOT NULL, "
                       "ids TEXT NOT NULL, status BLOB NOT NULL, code BLOB NOT NULL, fee BLOB NOT NULL)")
            db.execute("INSERT INTO batch_blobs VALUES (?, ?, ?, ?, ?, ?)",
                       (batch_ref, len(outcomes), "\n".join(outcomes["id"].tolist()),
                        outcomes["status"].cat.codes.to_numpy(np.int8).tobytes(),
                        outcomes["code"].cat.codes.to_numpy(np.int8).tobytes(),
                        outcomes["fee"].to_numpy(np.int64).tobytes()))

    ids = ledger.post_columns(memo=journal.entries["memo"].tolist(), ref=journal.entries["ref"].tolist(),
                              at=journal.entries["at"].tolist(), line_entry=journal.line_entry,
                              line_account=journal.line_account, account_names=journal.accounts,
                              line_amount=journal.line_amount, also=None if detail is None else write_detail)
    t3 = time.perf_counter()
    return BatchResult(outcomes, ids, {"decide": t1 - t0, "build": t2 - t1, "write": t3 - t2,
                                       "total": t3 - t0})


def read_details(ledger: Ledger, batch_ref: str = "batch") -> pd.DataFrame:
    """The per-payment outcomes a ``detail="blob"`` batch stored (id, status, code, fee)."""
    row = ledger.query("SELECT n, ids, status, code, fee FROM batch_blobs WHERE batch = ?", (batch_ref,))
    if not row:
        raise NotFound(f"no stored batch {batch_ref!r}", field="batch_ref")
    n, ids, status, code, fee = row[0]
    return pd.DataFrame({
        "id": ids.split("\n") if n else [],
        "status": pd.Categorical.from_codes(np.frombuffer(status, np.int8), categories=list(_STATUSES)),
        "code": pd.Categorical.from_codes(np.frombuffer(code, np.int8), categories=list(_CODES)),
        "fee": np.frombuffer(fee, np.int64).copy()})


def run_gateway(gateway, scenario: Scenario) -> pd.DataFrame:
    """Drive an object-level ``paylab.flow.Gateway`` through the same scenario, one payment at a
    time (its clock is set to each payment's time; amounts go in as integer minor units through
    ``Gateway.pay_minor``), and return the outcomes as :func:`decide` does. The gateway's clock
    must have a ``set(seconds)`` method (``FixedClock``)."""
    cur = currency(scenario.currency)
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
    set_time, pay = gateway.clock.set, gateway.pay_minor
    for pid, merchant, s, units, at in zip(scenario.payments["id"].tolist(), scenario.payments["merchant"].tolist(),
                                           scenario.payments["source"].tolist(),
                                           scenario.payments["amount"].tolist(),
                                           scenario.payments["at"].tolist(), strict=True):
        set_time(at)
        pi = pay(merchant, units, cur, sids[s])  # integer minor units, checked once by the gateway
        if pi.id != pid:
            raise InvalidInput("gateway", "a fresh gateway", f"intent id {pi.id} differs from {pid}")
        err = pi.last_payment_error
        rows.append((pi.id, pi.status, err["code"] if err else None, int(pi.fee_minor or 0)))
    return pd.DataFrame(rows, columns=["id", "status", "code", "fee"])


def nonzero_balances(ledger: Ledger) -> dict[str, int]:
    """Every account with a non-zero balance, in minor units (engines may open different
    sets of empty accounts; this is what must agree)."""
    return {k: v for k, v in ledger.balances_minor().items() if v != 0}
