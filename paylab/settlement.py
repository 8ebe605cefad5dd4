"""Settlement: end-of-day batches, multilateral netting and reconciliation.

* **End-of-day batches** — each payment method settles ``T+n`` days after the
  payment (``settlement_days`` in :mod:`paylab.methods`); :func:`settlement_batch`
  collects the payments due on a day and works out each merchant's payout (gross
  less fees less refunds), and :func:`post_payouts` writes those payouts to the
  ledger with :func:`paylab.postings.payout`, one transaction for the batch.
* **Netting** — :func:`netting` replaces many gross obligations between parties
  with each party's single net position and a short list of transfers that
  settles them (at most ``parties - 1``), as a clearing house does.
* **Reconciliation** — :func:`reconcile` matches the gateway's records with a
  bank statement and reports what is missing, duplicated, mismatched or
  unexpected; :func:`simulate_day` makes a seeded day with planted errors and
  returns the truth so a notebook can show that all of them are found.

Amounts in every table are **integer minor units** (fen for CNY) in an
``amount`` column next to a ``currency`` column. All generated data is synthetic.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Annotated

import numpy as np
import pandas as pd

from paylab import methods as _methods
from paylab import postings as _postings
from paylab.clock import EPOCH_2026
from paylab.errors import InvalidInput
from paylab.ledger import Ledger
from paylab.money import Money, currency
from paylab.validation import Between, Count, Finite, Seed

__all__ = [
    "RECORD_COLUMNS",
    "DAY",
    "day_of",
    "settlement_day",
    "records_frame",
    "settlement_batch",
    "settlement_calendar",
    "post_payouts",
    "NettingResult",
    "net_positions",
    "minimal_transfers",
    "bilateral_net",
    "obligations_from_records",
    "netting",
    "random_obligations",
    "Report",
    "reconcile",
    "Injected",
    "simulate_day",
]

#: Seconds in a day.
DAY = 86400

#: Columns of the gateway's payment records (amounts in minor units).
#: one synthetic day holds at most this many payments (about a second to simulate)
MAX_DAY_PAYMENTS = 10_000
#: a time zone's offset from UTC in whole hours (UTC-12 to UTC+14)
TzHours = Annotated[int, Between(-12, 14, integer=True)]

RECORD_COLUMNS = ("id", "merchant", "customer", "method", "currency", "amount", "fee", "refunded",
                  "status", "at")


def day_of(at: Finite, *, tz_hours: TzHours = 8, start: Finite = EPOCH_2026) -> int:
    """The business day number of epoch time ``at`` (day 0 starts at ``start`` in local time
    ``UTC+tz_hours``; Beijing time by default)."""
    if isinstance(at, bool) or not isinstance(at, (int, float, np.integer, np.floating)):
        raise InvalidInput("at", "epoch seconds", "at must be epoch seconds")
    return int((float(at) - start + tz_hours * 3600) // DAY)


def settlement_day(at: Finite, method: str | _methods.PaymentMethod, *, tz_hours: TzHours = 8) -> int:
    """The day a payment made at ``at`` settles: its day plus the method's ``T+n``."""
    return day_of(at, tz_hours=tz_hours) + _methods.get(method).settlement_days


def _rows(data: object, where: str) -> list:
    """``list(data)`` for an iterable of rows; ``InvalidInput`` naming ``where`` otherwise."""
    if isinstance(data, (str, bytes)):
        raise InvalidInput(where, "a DataFrame or an iterable of rows", f"{where} must be a table, not text")
    try:
        return list(data)  # type: ignore[call-overload]
    except TypeError:
        raise InvalidInput(where, "a DataFrame or an iterable of rows",
                           f"{where} must be a DataFrame or an iterable of rows, not {type(data).__name__}") from None


def _int_column(frame: pd.DataFrame, name: str, where: str) -> None:
    col = frame[name]
    if not pd.api.types.is_integer_dtype(col.dtype):
        if col.dtype == object and all(isinstance(v, (int, np.integer)) and not isinstance(v, bool)
                                       for v in col):
            frame[name] = col.astype("int64")
            return
        raise InvalidInput(f"{where}.{name}", "integer minor units",
                           f"{where} column {name!r} must hold integer minor units (no floats)")


def records_frame(records: pd.DataFrame | Iterable[Mapping]) -> pd.DataFrame:
    """Validate the gateway's payment records (columns :data:`RECORD_COLUMNS`; ``fee``,
    ``refunded`` default to 0 and ``status`` to ``"succeeded"``) and return a clean copy."""
    defaults = {"fee": 0, "refunded": 0, "status": "succeeded", "customer": "", "method": "platform_balance"}
    if isinstance(records, pd.DataFrame):
        frame = records.copy()
    else:
        try:
            frame = pd.DataFrame([{**defaults, **dict(r)} for r in _rows(records, "records")])
        except (TypeError, ValueError):
            raise InvalidInput("records", "rows of column: value", "each record must be a mapping") from None
        if frame.empty:
            frame = pd.DataFrame(columns=list(RECORD_COLUMNS))
    for name, default in defaults.items():
        if name not in frame.columns:
            frame[name] = default
    missing = [c for c in RECORD_COLUMNS if c not in frame.columns]
    if missing:
        raise InvalidInput("records", "columns " + ", ".join(RECORD_COLUMNS),
                           f"records lack column(s) {', '.join(missing)}")
    for name in ("amount", "fee", "refunded"):
        _int_column(frame, name, "records")
    if len(frame) and ((frame["amount"] <= 0).any() or (frame["fee"] < 0).any()
                       or (frame["refunded"] < 0).any()):
        raise InvalidInput("records.amount", "amount > 0, fee >= 0, refunded >= 0",
                           "records hold a non-positive amount or a negative fee/refund")
    if len(frame) and (frame["refunded"] > frame["amount"]).any():
        raise InvalidInput("records.refunded", "refunded <= amount", "a refund exceeds its payment")
    return frame[list(RECORD_COLUMNS)].reset_index(drop=True)


def settlement_batch(records: pd.DataFrame | Iterable[Mapping], day: int, *, tz_hours: TzHours = 8
                     ) -> pd.DataFrame:
    """The end-of-day batch for ``day``: succeeded payments whose ``T+n`` falls on it, totalled
    per merchant and currency: count, gross, fees, refunds and the net payout."""
    frame = records_frame(records)
    cols = ["merchant", "currency", "payments", "gross", "fees", "refunds", "payout"]
    if frame.empty:
        return pd.DataFrame(columns=cols)
    ok = frame[frame["status"] == "succeeded"].copy()
    t_plus = ok["method"].map(lambda m: _methods.get(m).settlement_days)
    days = ((ok["at"].astype(float) - EPOCH_2026 + tz_hours * 3600) // DAY).astype(int)
    due = ok[(days + t_plus) == day]
    if due.empty:
        return pd.DataFrame(columns=cols)
    g = due.groupby(["merchant", "currency"], sort=True)
    out = pd.DataFrame({"payments": g.size(), "gross": g["amount"].sum(), "fees": g["fee"].sum(),
                        "refunds": g["refunded"].sum()}).reset_index()
    out["payout"] = out["gross"] - out["fees"] - out["refunds"]
    return out[cols].astype({c: "int64" for c in cols[2:]})


def settlement_calendar(records: pd.DataFrame | Iterable[Mapping], *, tz_hours: TzHours = 8) -> pd.DataFrame:
    """Every succeeded payment's way to the merchant's bank: payment day, ``T+n`` and the day
    it settles, totalled per (payment day, settlement day, method): payments, gross, net."""
    frame = records_frame(records)
    frame = frame[frame["status"] == "succeeded"]
    cols = ["paid_day", "method", "settlement", "settle_day", "payments", "gross", "net"]
    if frame.empty:
        return pd.DataFrame(columns=cols)
    t_plus = frame["method"].map(lambda m: _methods.get(m).settlement_days).astype("int64")
    paid = ((frame["at"].astype(float) - EPOCH_2026 + tz_hours * 3600) // DAY).astype("int64")
    df = pd.DataFrame({"paid_day": paid, "method": frame["method"], "settlement": "T+" + t_plus.astype(str),
                       "settle_day": paid + t_plus, "gross": frame["amount"],
                       "net": frame["amount"] - frame["fee"] - frame["refunded"]})
    g = df.groupby(["paid_day", "method", "settlement", "settle_day"], sort=True)
    out = pd.DataFrame({"payments": g.size(), "gross": g["gross"].sum(), "net": g["net"].sum()}).reset_index()
    return out[cols].astype({"payments": "int64", "gross": "int64", "net": "int64"})


def post_payouts(ledger: Ledger, batch: pd.DataFrame, *, day: int | None = None,
                 at: float | None = None) -> list[int]:
    """Post one :func:`paylab.postings.payout` per merchant with a positive payout in ``batch``,
    all in one transaction; returns the entry ids."""
    entries = []
    for row in batch.itertuples(index=False):
        if row.payout <= 0:
            continue
        acc = _postings.accounts_for(row.merchant, "_", row.currency)
        ledger.open_account(acc.merchant, "liability", acc.currency)
        ledger.open_account(acc.clearing, "asset", acc.currency)
        ref = f"payout:{row.merchant}:{row.currency}" + (f":day{day}" if day is not None else "")
        entries.append(_postings.payout(acc.merchant, acc.clearing,
                                        Money.from_minor(int(row.payout), row.currency), ref=ref, at=at))
    return ledger.post_many(entries)


# --- netting ------------------------------------------------------------------------------
def _obligations(obligations: pd.DataFrame | Iterable[tuple[str, str, int]]) -> pd.DataFrame:
    if isinstance(obligations, pd.DataFrame):
        frame = obligations.copy()
    else:
        try:
            frame = pd.DataFrame(_rows(obligations, "obligations"), columns=["payer", "payee", "amount"])
        except (TypeError, ValueError):
            raise InvalidInput("obligations", "(payer, payee, amount) rows",
                               "obligations must be (payer, payee, amount) rows") from None
    for c in ("payer", "payee", "amount"):
        if c not in frame.columns:
            raise InvalidInput("obligations", "columns payer, payee, amount", f"obligations lack {c!r}")
    _int_column(frame, "amount", "obligations")
    if len(frame) and (frame["amount"] <= 0).any():
        raise InvalidInput("obligations.amount", "positive", "every obligation must be positive")
    if len(frame) and (frame["payer"] == frame["payee"]).any():
        raise InvalidInput("obligations.payee", "payer != payee", "a party cannot owe itself")
    return frame[["payer", "payee", "amount"]].reset_index(drop=True)


def net_positions(obligations: pd.DataFrame | Iterable[tuple[str, str, int]]) -> pd.Series:
    """Each party's net position: what it receives minus what it pays (sums to zero)."""
    frame = _obligations(obligations)
    receives = frame.groupby("payee")["amount"].sum()
    pays = frame.groupby("payer")["amount"].sum()
    parties = sorted(set(receives.index) | set(pays.index))
    pos = receives.reindex(parties, fill_value=0) - pays.reindex(parties, fill_value=0)
    pos.index.name = "party"
    return pos.astype("int64").rename("net")


def minimal_transfers(positions: pd.Series | Mapping[str, int]) -> pd.DataFrame:
    """Transfers that settle the net positions: each step pays the largest debtor's debt to
    the largest creditor, so there are at most ``parties - 1`` transfers."""
    pos = positions if isinstance(positions, pd.Series) else pd.Series(dict(positions) if positions else {},
                                                                       dtype=object)
    if not all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in pos.tolist()):
        raise InvalidInput("positions", "integer minor units", "net positions must be integers (no floats)")
    if int(pos.sum()) != 0:
        raise InvalidInput("positions", "sum to zero", "net positions must sum to zero")
    creditors = sorted(((int(v), k) for k, v in pos.items() if v > 0), key=lambda t: (-t[0], str(t[1])))
    debtors = sorted(((int(-v), k) for k, v in pos.items() if v < 0), key=lambda t: (-t[0], str(t[1])))
    rows = []
    i = j = 0
    creditors = [list(c) for c in creditors]
    debtors = [list(d) for d in debtors]
    while i < len(debtors) and j < len(creditors):
        amt = min(debtors[i][0], creditors[j][0])
        rows.append({"payer": debtors[i][1], "payee": creditors[j][1], "amount": amt})
        debtors[i][0] -= amt
        creditors[j][0] -= amt
        if debtors[i][0] == 0:
            i += 1
        if creditors[j][0] == 0:
            j += 1
    return pd.DataFrame(rows, columns=["payer", "payee", "amount"]).astype({"amount": "int64"})


def bilateral_net(obligations: pd.DataFrame | Iterable[tuple[str, str, int]]) -> pd.DataFrame:
    """Bilateral netting: each pair of parties settles only the difference of what they owe
    each other (the step between gross settlement and multilateral netting)."""
    frame = _obligations(obligations)
    pair = {}
    for payer, payee, amount in frame.itertuples(index=False):
        a, b = sorted((payer, payee))
        pair[(a, b)] = pair.get((a, b), 0) + (amount if payer == a else -amount)
    rows = [{"payer": a, "payee": b, "amount": v} if v > 0 else {"payer": b, "payee": a, "amount": -v}
            for (a, b), v in sorted(pair.items()) if v != 0]
    return pd.DataFrame(rows, columns=["payer", "payee", "amount"]).astype({"amount": "int64"})


def obligations_from_records(records: pd.DataFrame | Iterable[Mapping], bank_of: Mapping[str, str]
                             ) -> pd.DataFrame:
    """Interbank obligations from a day's payments: each succeeded payment (less refunds) makes
    the customer's bank owe the merchant's bank; payments inside one bank drop out; the rest
    are summed per (payer bank, payee bank). ``bank_of`` maps customer and merchant ids to banks."""
    frame = records_frame(records)
    frame = frame[frame["status"] == "succeeded"]
    unknown = sorted(set(frame["customer"]).union(frame["merchant"]) - set(bank_of))
    if unknown:
        raise InvalidInput("bank_of", "a bank for every customer and merchant",
                           f"no bank for {', '.join(map(str, unknown[:5]))}")
    out = pd.DataFrame({"payer": frame["customer"].map(bank_of), "payee": frame["merchant"].map(bank_of),
                        "amount": frame["amount"] - frame["refunded"]})
    out = out[(out["payer"] != out["payee"]) & (out["amount"] > 0)]
    if out.empty:
        return pd.DataFrame({"payer": [], "payee": [], "amount": np.array([], dtype="int64")})
    return out.groupby(["payer", "payee"], sort=True)["amount"].sum().astype("int64").reset_index()


@dataclass(frozen=True)
class NettingResult:
    """Gross obligations, bilateral and multilateral netting of them, and what netting saves."""

    obligations: pd.DataFrame
    positions: pd.Series
    bilateral: pd.DataFrame
    transfers: pd.DataFrame

    @property
    def gross_total(self) -> int:
        return int(self.obligations["amount"].sum())

    @property
    def net_total(self) -> int:
        return int(self.transfers["amount"].sum())

    def summary(self) -> pd.DataFrame:
        """Transfers and money moved under gross, bilateral and multilateral settlement."""
        rows = [("gross", len(self.obligations), self.gross_total),
                ("bilateral netting", len(self.bilateral), int(self.bilateral["amount"].sum())),
                ("multilateral netting", len(self.transfers), self.net_total)]
        out = pd.DataFrame(rows, columns=["settlement", "transfers", "amount"]).set_index("settlement")
        gross = max(self.gross_total, 1)
        out["share of gross"] = (out["amount"] * 1000 // gross).map(lambda v: f"{v / 10:.1f}%")
        return out


def netting(obligations: pd.DataFrame | Iterable[tuple[str, str, int]]) -> NettingResult:
    """Net a set of gross obligations between parties (amounts in minor units, one currency)."""
    frame = _obligations(obligations)
    pos = net_positions(frame)
    return NettingResult(frame, pos, bilateral_net(frame), minimal_transfers(pos))


def random_obligations(parties: Iterable[str] | Count[2, 10_000], n: Count[100_000], *, seed: Seed,
                       max_amount: Count[1, 10**15] = 1_000_000) -> pd.DataFrame:
    """``n`` seeded random obligations between parties (synthetic; amounts in minor units)."""
    names = [f"P{i + 1}" for i in range(parties)] if isinstance(parties, int) else list(parties)
    if len(names) < 2:
        raise InvalidInput("parties", "at least two", "netting needs at least two parties")
    if not isinstance(n, int) or n < 0:
        raise InvalidInput("n", "non-negative int", "n must be a non-negative integer")
    rng = np.random.default_rng(seed)
    payer = rng.integers(0, len(names), n)
    payee = (payer + rng.integers(1, len(names), n)) % len(names)
    amount = rng.integers(100, max_amount + 1, n)
    return pd.DataFrame({"payer": [names[i] for i in payer], "payee": [names[i] for i in payee],
                         "amount": amount.astype("int64")})


# --- reconciliation ------------------------------------------------------------------------
@dataclass(frozen=True)
class Report:
    """What reconciling gateway records against a bank statement found.

    ``missing``: in the records, not on the statement; ``unexpected``: on the statement,
    not in the records; ``duplicated``: a reference more than once (``side`` says where);
    ``mismatched``: in both with a different amount or currency. Amounts in minor units.
    """

    matched: pd.DataFrame
    missing: pd.DataFrame
    duplicated: pd.DataFrame
    mismatched: pd.DataFrame
    unexpected: pd.DataFrame
    totals: pd.DataFrame = field(repr=False)

    @property
    def clean(self) -> bool:
        """True when nothing is missing, duplicated, mismatched or unexpected."""
        return all(len(getattr(self, k)) == 0 for k in ("missing", "duplicated", "mismatched", "unexpected"))

    def refs(self, kind: str) -> set[str]:
        """The references found in one category (``missing``, ``duplicated`` …)."""
        if kind not in ("matched", "missing", "duplicated", "mismatched", "unexpected"):
            raise InvalidInput("kind", "a report category", f"unknown category {kind!r}")
        return set(getattr(self, kind)["ref"])

    def summary(self) -> pd.DataFrame:
        """One row per category: number of items and the amount involved."""
        return self.totals.copy()


def _statement(frame: pd.DataFrame | Iterable[Mapping], where: str, ref_col: str) -> pd.DataFrame:
    if isinstance(frame, pd.DataFrame):
        df = frame.copy()
    else:
        try:
            df = pd.DataFrame(_rows(frame, where))
        except (TypeError, ValueError):
            raise InvalidInput(where, "rows of column: value", f"{where} rows must be mappings") from None
    if ref_col not in df.columns and "ref" in df.columns:
        ref_col = "ref"
    for c in (ref_col, "amount", "currency"):
        if c not in df.columns:
            raise InvalidInput(where, f"columns {ref_col}, amount, currency", f"{where} lacks column {c!r}")
    _int_column(df, "amount", where)
    out = df[[ref_col, "amount", "currency"]].rename(columns={ref_col: "ref"}).copy()
    out["ref"] = out["ref"].astype(str)
    out["currency"] = out["currency"].map(lambda c: currency(c).code)
    return out.reset_index(drop=True)


def reconcile(gateway_records: pd.DataFrame | Iterable[Mapping],
              bank_statement: pd.DataFrame | Iterable[Mapping]) -> Report:
    """Match the gateway's records (``id``/``ref``, ``amount``, ``currency``) with the bank's
    statement lines (``ref``, ``amount``, ``currency``) one to one by reference."""
    gw = _statement(gateway_records, "gateway_records", "id")
    bank = _statement(bank_statement, "bank_statement", "ref")
    dup_rows = []
    for side, df in (("gateway", gw), ("bank", bank)):
        counts = df.groupby("ref").size()
        for ref in counts[counts > 1].index:
            lines = df[df["ref"] == ref]
            dup_rows.append({"ref": ref, "side": side, "copies": int(len(lines)),
                             "extra amount": int(lines["amount"].iloc[1:].sum()),
                             "currency": lines["currency"].iloc[0]})
    duplicated = pd.DataFrame(dup_rows, columns=["ref", "side", "copies", "extra amount", "currency"])
    g1 = gw.drop_duplicates("ref", keep="first").set_index("ref")
    b1 = bank.drop_duplicates("ref", keep="first").set_index("ref")
    both = g1.merge(b1, how="inner", left_index=True, right_index=True, suffixes=("_gateway", "_bank"))
    diff = (both["amount_gateway"] != both["amount_bank"]) | (both["currency_gateway"] != both["currency_bank"])
    mismatched = both[diff].reset_index()
    mismatched["difference"] = mismatched["amount_bank"] - mismatched["amount_gateway"]
    matched = both[~diff].reset_index()[["ref", "amount_gateway", "currency_gateway"]].rename(
        columns={"amount_gateway": "amount", "currency_gateway": "currency"})
    missing = g1[~g1.index.isin(b1.index)].reset_index()
    unexpected = b1[~b1.index.isin(g1.index)].reset_index()
    totals = pd.DataFrame([
        ("matched", len(matched), int(matched["amount"].sum())),
        ("missing", len(missing), int(missing["amount"].sum())),
        ("duplicated", len(duplicated), int(duplicated["extra amount"].sum())),
        ("mismatched", len(mismatched), int(mismatched["difference"].abs().sum())),
        ("unexpected", len(unexpected), int(unexpected["amount"].sum())),
    ], columns=["category", "items", "amount"]).set_index("category")
    return Report(matched=matched, missing=missing, duplicated=duplicated,
                  mismatched=mismatched[["ref", "amount_gateway", "amount_bank", "difference",
                                         "currency_gateway", "currency_bank"]],
                  unexpected=unexpected, totals=totals)


@dataclass(frozen=True)
class Injected:
    """The truth of a simulated day: which references had which error planted."""

    missing: frozenset[str]
    duplicated: frozenset[str]
    mismatched: frozenset[str]
    unexpected: frozenset[str]

    def as_frame(self) -> pd.DataFrame:
        return pd.DataFrame([(k, len(getattr(self, k))) for k in ("missing", "duplicated", "mismatched",
                                                                   "unexpected")],
                            columns=["category", "planted"]).set_index("category")


def simulate_day(seed: Seed, n: Count[MAX_DAY_PAYMENTS] = 1000, *, missing: int = 3, duplicated: int = 2,
                 mismatched: int = 3, unexpected: Count[MAX_DAY_PAYMENTS] = 2, currency_code: str = "CNY",
                 merchants: Count[1, 1_000] = 5,
                 start: float = EPOCH_2026) -> tuple[pd.DataFrame, pd.DataFrame, Injected]:
    """A seeded synthetic day: the gateway's ``records``, the bank's ``statement`` with planted
    errors (lines dropped, doubled, altered, or foreign), and the :class:`Injected` truth."""
    for name, value in (("n", n), ("missing", missing), ("duplicated", duplicated),
                        ("mismatched", mismatched), ("unexpected", unexpected), ("merchants", merchants)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise InvalidInput(name, "non-negative int", f"{name} must be a non-negative integer")
    if missing + duplicated + mismatched > n:
        raise InvalidInput("n", "at least missing + duplicated + mismatched",
                           "not enough payments to plant that many errors")
    if merchants < 1:
        raise InvalidInput("merchants", "at least one", "need at least one merchant")
    code = currency(currency_code).code
    rng = np.random.default_rng(seed)
    ids = [f"pay_{seed}_{i:06d}" for i in range(n)]
    amounts = rng.integers(100, 500_000, n).astype("int64")
    methods = list(_methods.CATALOGUE)
    method = [methods[i] for i in rng.integers(0, len(methods), n)]
    fee = np.array([_methods.fee(m, Money.from_minor(int(a), code)).minor_units
                    for m, a in zip(method, amounts, strict=True)], dtype="int64")
    records = pd.DataFrame({
        "id": ids, "merchant": [f"m{i + 1}" for i in rng.integers(0, merchants, n)],
        "customer": [f"c{i + 1}" for i in rng.integers(0, max(n // 3, 1), n)],
        "method": method, "currency": code, "amount": amounts, "fee": fee, "refunded": 0,
        "status": "succeeded", "at": start + np.sort(rng.uniform(0, DAY, n)).round(3),
    })
    picks = rng.permutation(n)
    miss = [ids[i] for i in picks[:missing]]
    dup = [ids[i] for i in picks[missing:missing + duplicated]]
    mism = [ids[i] for i in picks[missing + duplicated:missing + duplicated + mismatched]]
    statement = pd.DataFrame({"ref": ids, "amount": amounts.copy(), "currency": code,
                              "value_date": records["at"].map(lambda t: day_of(t))})
    delta = rng.integers(1, 1000, mismatched) * rng.choice([-1, 1], mismatched)
    for ref, d in zip(mism, delta, strict=True):
        i = statement.index[statement["ref"] == ref][0]
        new = int(statement.at[i, "amount"] + d)
        statement.at[i, "amount"] = new if new > 0 else int(statement.at[i, "amount"] + abs(d))
    statement = statement[~statement["ref"].isin(miss)]
    extra = pd.DataFrame({"ref": [f"bank_{seed}_{i:04d}" for i in range(unexpected)],
                          "amount": rng.integers(100, 500_000, unexpected).astype("int64"),
                          "currency": code, "value_date": day_of(start)})
    statement = pd.concat([statement, statement[statement["ref"].isin(dup)], extra], ignore_index=True)
    statement = statement.sample(frac=1.0, random_state=int(rng.integers(0, 2**31 - 1))).reset_index(drop=True)
    truth = Injected(frozenset(miss), frozenset(dup), frozenset(mism), frozenset(extra["ref"]))
    return records, statement, truth
