"""The books: a double-entry ledger on SQLite, amounts in integer minor units.

Every movement of money is a :class:`JournalEntry` of two or more
:class:`Posting` lines that sum to zero in each currency, so money is never
created or lost inside the books. The sign convention is **debit-positive**:
a posting's amount is positive for a debit and negative for a credit, and an
account's balance is the sum of its postings. Asset and expense accounts
therefore normally show a positive balance, liability, equity and revenue
accounts a negative one (a "credit balance"); :meth:`Ledger.trial_balance`
also shows the usual debit and credit columns.

:class:`Ledger` keeps the books in SQLite (the standard library ``sqlite3``):
``Ledger()`` lives in memory, ``Ledger("books.db")`` is a file that survives
the process. Each :meth:`Ledger.post` and each :meth:`Ledger.post_many` is one
SQLite transaction, so a failure, or the process dying half way, leaves either
the whole entry (or batch) or nothing. A file ledger runs SQLite in WAL mode with
``synchronous=NORMAL``: a committed batch survives the process being killed; after a
power cut the last few commits may be lost, but never half of one. ``durable=True``
(``synchronous=FULL``) also keeps those, at the cost of a disk flush per commit.

Four ways in: :meth:`Ledger.post` / :meth:`Ledger.post_many` take
:class:`JournalEntry` objects (built by :mod:`paylab.postings`);
:meth:`Ledger.post_lines` takes one entry as plain ``(account, minor units)`` lines (the
gateway's per-payment fast path); :meth:`Ledger.post_minor_batch` takes plain
``(entry, account, minor units)`` lines; :meth:`Ledger.post_columns` takes numpy columns
for batch engines. All of them check the same rules before anything is written.

**Several writers on one file.** Two notebooks (two kernels, two processes) may open the same
``books.db``, and one :class:`Ledger` may be used from several threads. Three rules keep the
books right:

- *One writer at a time, waiting politely.* Every write is one ``BEGIN IMMEDIATE`` transaction,
  which takes SQLite's write lock up front. A writer that finds the lock taken waits (SQLite's
  busy timeout, ``busy_timeout`` seconds), then retries with a growing pause (0.05 s, doubling,
  at most 1 s) up to ``retries`` times; after that it raises :class:`~paylab.errors.LedgerError`
  with ``code="locked"``. No raw ``sqlite3`` error leaves a public method.
- *Accounts are created inside the write lock.* ``open_account`` looks the name up again once it
  holds the lock and inserts only if it is still missing, so when two processes open the same
  account at once, the second one simply finds it (the same type and currency, or a
  ``LedgerError`` if it was opened differently).
- *The account cache never lies.* Accounts are never changed or deleted, so the in-memory cache
  can only miss, never be wrong: a miss (an account another process opened) reads the
  ``accounts`` table again before saying "unknown account", and listings (:meth:`Ledger.accounts`,
  :meth:`Ledger.trial_balance`, :meth:`Ledger.balances_minor`) first load the accounts opened
  since.

Threads share the ledger's single SQLite connection, opened with ``check_same_thread=False``;
a re-entrant lock (``threading.RLock``) lets one thread at a time use it, so a transaction
begun by one thread is never interleaved with another thread's statements.
"""

from __future__ import annotations

import functools
import math
import sqlite3
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import pandas as pd

from paylab.errors import CurrencyMismatch, InvalidInput, LedgerError, PaylabError
from paylab.money import Currency, Money, currency

__all__ = [
    "ACCOUNT_TYPES",
    "NORMAL_SIDE",
    "Posting",
    "JournalEntry",
    "Ledger",
    "BUSY_TIMEOUT",
    "MAX_BUSY_TIMEOUT",
    "RETRIES",
    "MAX_RETRIES",
]

#: Seconds SQLite waits for another connection's write lock before a retry (default, maximum).
BUSY_TIMEOUT = 5.0
MAX_BUSY_TIMEOUT = 60.0
#: Retries after a lock time-out (default, maximum); the pause between them doubles from
#: :data:`_FIRST_PAUSE` up to :data:`_MAX_PAUSE` seconds.
RETRIES = 3
MAX_RETRIES = 20
_FIRST_PAUSE = 0.05
_MAX_PAUSE = 1.0

_F = TypeVar("_F", bound=Callable[..., Any])


def _is_lock_error(exc: BaseException) -> bool:
    """True for SQLite's "database is locked / busy" (SQLITE_BUSY, SQLITE_LOCKED)."""
    if not isinstance(exc, sqlite3.OperationalError):
        return False
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (5, 6)
    text = str(exc).lower()
    return "locked" in text or "busy" in text


def _guarded(field_: str, rule: str) -> Callable[[_F], _F]:
    """Run a ledger method holding the ledger's lock; retry a lock time-out with a growing pause,
    then turn any remaining ``sqlite3`` error into ``LedgerError`` (``field_``, ``rule``)."""

    def wrap(fn: _F) -> _F:
        @functools.wraps(fn)
        def method(self: Ledger, *args: Any, **kwargs: Any) -> Any:
            # a retry calls the method again: an iterator (a generator of entries, say) would be
            # empty the second time, so it is read into a list once, up front
            if any(isinstance(a, Iterator) for a in args):
                args = tuple(list(a) if isinstance(a, Iterator) else a for a in args)
            if kwargs and any(isinstance(v, Iterator) for v in kwargs.values()):
                kwargs = {k: list(v) if isinstance(v, Iterator) else v for k, v in kwargs.items()}
            with self._lock:
                return self._retrying(fn.__name__, field_, rule, lambda: fn(self, *args, **kwargs))

        return method  # type: ignore[return-value]

    return wrap

#: The five account types of double-entry bookkeeping.
ACCOUNT_TYPES = ("asset", "liability", "equity", "revenue", "expense")

#: Which side an account type normally carries its balance on.
NORMAL_SIDE = {"asset": "debit", "expense": "debit",
               "liability": "credit", "equity": "credit", "revenue": "credit"}

_SCHEMA = """
CREATE TABLE IF NOT EXISTS accounts (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    type TEXT NOT NULL,
    currency TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS entries (
    id INTEGER PRIMARY KEY,
    memo TEXT NOT NULL DEFAULT '',
    ref TEXT,
    at REAL
);
CREATE TABLE IF NOT EXISTS postings (
    entry_id INTEGER NOT NULL REFERENCES entries(id),
    account_id INTEGER NOT NULL REFERENCES accounts(id),
    amount INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS postings_entry ON postings(entry_id);
CREATE INDEX IF NOT EXISTS entries_ref ON entries(ref);
"""


#: The index behind per-account reads (balance, entries by account). A file ledger has it
#: from the start; an in-memory ledger builds it in one pass on the first read that needs it,
#: so a burst of writes does not maintain it row by row (the answers are the same either way).
_ACCOUNT_INDEX = "CREATE INDEX IF NOT EXISTS postings_account ON postings(account_id)"

#: Lines per entry written with one multi-row ``INSERT`` (larger entries use ``executemany``).
_MAX_VALUES_ROWS = 64
_POSTINGS_SQL: dict[int, str] = {}


def _postings_sql(k: int) -> str:
    """``INSERT INTO postings ... VALUES (?, ?, ?), ...`` for ``k`` lines (built once per ``k``)."""
    sql = _POSTINGS_SQL.get(k)
    if sql is None:
        sql = _POSTINGS_SQL[k] = ("INSERT INTO postings(entry_id, account_id, amount) VALUES "
                                  + ", ".join(["(?, ?, ?)"] * k))
    return sql


@dataclass(frozen=True)
class Posting:
    """One line of a journal entry: ``amount`` > 0 debits ``account``, < 0 credits it."""

    account: str
    amount: Money

    def __post_init__(self) -> None:
        if not isinstance(self.account, str) or not self.account.strip():
            raise InvalidInput("account", "non-empty string", "a posting needs an account name")
        if not isinstance(self.amount, Money):
            raise InvalidInput("amount", "must be Money",
                               f"a posting amount must be Money, not {type(self.amount).__name__}")
        if self.amount.is_zero():
            raise InvalidInput("amount", "non-zero", f"posting to {self.account!r} has a zero amount")

    @property
    def side(self) -> str:
        """``"debit"`` or ``"credit"``."""
        return "debit" if self.amount.amount > 0 else "credit"


@dataclass(frozen=True)
class JournalEntry:
    """A balanced set of postings: at least two lines, summing to zero in each currency."""

    postings: tuple[Posting, ...]
    memo: str = ""
    ref: str | None = None
    at: float | None = None
    _sums: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        postings = self.postings
        if not isinstance(postings, tuple):
            try:
                postings = tuple(postings)
            except TypeError:
                raise InvalidInput("postings", "a sequence of Posting",
                                   "postings must be a sequence of Posting") from None
            object.__setattr__(self, "postings", postings)
        if len(postings) < 2:
            raise LedgerError("a journal entry needs at least two postings (double entry)",
                              field="postings", rule="at least two postings")
        sums: dict[str, int] = defaultdict(int)
        for p in postings:
            if not isinstance(p, Posting):
                raise InvalidInput("postings", "a sequence of Posting",
                                   f"every line must be a Posting, not {type(p).__name__}")
            sums[p.amount.currency.code] += p.amount.minor_units
        off = {c: s for c, s in sums.items() if s != 0}
        if off:
            what = ", ".join(f"{c} {Money.from_minor(s, c).amount:+}" for c, s in sorted(off.items()))
            raise LedgerError(f"entry does not balance: debits minus credits is {what}",
                              field="postings", rule="sum to zero per currency",
                              code="unbalanced")
        if not isinstance(self.memo, str):
            raise InvalidInput("memo", "string", "memo must be a string")
        if self.ref is not None and not isinstance(self.ref, str):
            raise InvalidInput("ref", "string or None", "ref must be a string or None")
        if self.at is not None:
            if isinstance(self.at, bool) or not isinstance(self.at, (int, float)) or not math.isfinite(self.at):
                raise InvalidInput("at", "epoch seconds", "at must be finite epoch seconds (or None)")
            object.__setattr__(self, "at", float(self.at))
        self._sums.update(sums)

    @property
    def currencies(self) -> tuple[str, ...]:
        return tuple(sorted(self._sums))

    def total_debits(self, currency_code: str) -> Money:
        """The sum of the debit lines in one currency (equal to the credits)."""
        cur = currency(currency_code)
        units = sum(p.amount.minor_units for p in self.postings
                    if p.amount.currency == cur and p.amount.amount > 0)
        return Money.from_minor(units, cur)


class Ledger:
    """A double-entry ledger stored in SQLite (``":memory:"`` or a file path).

    ``clock`` (a zero-argument callable returning epoch seconds) dates entries
    that arrive without ``at``; without a clock such entries stay undated.
    ``durable=True`` flushes a file ledger to disk on every commit. An in-memory
    ledger builds its per-account index on the first read that needs it
    (:meth:`balance`, :meth:`entries` by account, :meth:`query`) rather than
    row by row during a burst of writes; a file ledger keeps it from the start.
    """

    def __init__(self, path: str | Path = ":memory:", *, clock: Callable[[], float] | None = None,
                 durable: bool = False, busy_timeout: float = BUSY_TIMEOUT, retries: int = RETRIES) -> None:
        if not isinstance(path, (str, Path)):
            raise InvalidInput("path", "str or Path", "path must be ':memory:' or a file path")
        if clock is not None and not callable(clock):
            raise InvalidInput("clock", "callable", "clock must be a zero-argument callable")
        if (isinstance(busy_timeout, bool) or not isinstance(busy_timeout, (int, float))
                or not 0 <= busy_timeout <= MAX_BUSY_TIMEOUT):
            raise InvalidInput("busy_timeout", f"0 to {MAX_BUSY_TIMEOUT:g} seconds",
                               f"busy_timeout is seconds to wait for a lock, at most {MAX_BUSY_TIMEOUT:g}")
        if isinstance(retries, bool) or not isinstance(retries, int) or not 0 <= retries <= MAX_RETRIES:
            raise InvalidInput("retries", f"integer 0 to {MAX_RETRIES}",
                               f"retries after a lock time-out: a whole number, at most {MAX_RETRIES}")
        self.path = str(path)
        self.clock = clock
        self.busy_timeout = float(busy_timeout)
        self.retries = retries
        self._lock = threading.RLock()
        self._shared = self.path != ":memory:"  # other connections may write to a file ledger
        self._accounts: dict[str, tuple[int, str, Currency]] = {}
        self._ids: dict[str, tuple[int, str]] = {}  # name -> (id, currency code), for post_lines
        self._max_account = 0  # the highest account id in the cache
        try:
            self._db = sqlite3.connect(self.path, isolation_level=None, timeout=self.busy_timeout,
                                       check_same_thread=False)
        except sqlite3.Error as exc:
            raise LedgerError(f"cannot open ledger at {self.path!r}: {exc}", field="path",
                              rule="openable SQLite file") from None
        with self._lock:
            self._retrying("Ledger", "path", "openable SQLite file", lambda: self._setup(durable))

    def _setup(self, durable: bool) -> None:
        if self._shared:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL" if durable else "PRAGMA synchronous=NORMAL")
        self._db.executescript(_SCHEMA)
        self._account_index = self._shared
        if self._account_index:
            self._db.execute(_ACCOUNT_INDEX)
        self._cursor = self._db.cursor()
        self._refresh(always=True)

    def _retrying(self, what: str, field_: str, rule: str, fn: Callable[[], Any]) -> Any:
        """Call ``fn``; on a lock time-out roll back, pause and try again (at most ``retries``
        times); any ``sqlite3`` error left over becomes ``LedgerError``."""
        pause, attempt = _FIRST_PAUSE, 0
        while True:
            try:
                return fn()
            except sqlite3.Error as exc:
                try:
                    if self._db.in_transaction:
                        self._db.execute("ROLLBACK")
                except sqlite3.Error:
                    pass
                if _is_lock_error(exc):
                    if attempt < self.retries:
                        attempt += 1
                        time.sleep(pause)
                        pause = min(2 * pause, _MAX_PAUSE)
                        continue
                    raise LedgerError(
                        f"{what}: the ledger {self.path!r} stayed locked by another writer "
                        f"({attempt + 1} tries, {self.busy_timeout:g} s each): {exc}", field="path",
                        rule="write lock free within busy_timeout and retries", code="locked") from None
                raise LedgerError(f"{what} failed: {exc}", field=field_, rule=rule) from None

    def _remember(self, name: str, aid: int, typ: str, cur: Currency) -> None:
        self._accounts[name] = (aid, typ, cur)
        self._ids[name] = (aid, cur.code)
        if aid > self._max_account:
            self._max_account = aid

    def _refresh(self, always: bool = False) -> None:
        """Load the accounts other connections opened since (a file ledger; accounts are never
        changed or deleted, so the cache only ever misses, it is never wrong)."""
        if self._shared or always:
            for aid, name, typ, cur in self._db.execute(
                    "SELECT id, name, type, currency FROM accounts WHERE id > ? ORDER BY id", (self._max_account,)):
                self._remember(name, aid, typ, currency(cur))

    def _known(self, name: Any) -> tuple[int, str, Currency] | None:
        """The cached account, after one look at the file if the cache misses."""
        try:
            return self._accounts[name]
        except KeyError:
            if not self._shared or type(name) is not str:
                return None
        except TypeError:
            return None
        self._refresh()
        return self._accounts.get(name)

    def _lookup(self, name: Any) -> tuple[int, str, Currency]:
        """The account ``(id, type, currency)``, or ``LedgerError`` naming it if it is not open."""
        known = self._known(name)
        if known is None:
            raise LedgerError(f"unknown account {name!r}: open it first", field="account",
                              rule="account must be open", code="unknown_account")
        return known

    # --- accounts ----------------------------------------------------------------
    @_guarded("name", "account opened in one transaction")
    def open_account(self, name: str, type: str, currency_code: str | Currency) -> str:
        """Open an account (idempotent for the same type and currency); returns its name."""
        if not isinstance(name, str) or not name.strip():
            raise InvalidInput("name", "non-empty string", "an account needs a name")
        if type not in ACCOUNT_TYPES:
            raise InvalidInput("type", f"one of {', '.join(ACCOUNT_TYPES)}",
                               f"unknown account type {type!r}; use one of {', '.join(ACCOUNT_TYPES)}")
        known = self._accounts.get(name)
        if known is not None and known[1] == type and known[2].code == currency_code:
            return name  # fast path: already open as asked
        cur = currency(currency_code)
        if known is None:
            known = self._known(name)
        if known is None:  # take the write lock, then look again: another process may have won
            self._begin()
            try:
                self._refresh()
                known = self._accounts.get(name)
                if known is None:
                    cursor = self._db.execute("INSERT INTO accounts(name, type, currency) VALUES (?, ?, ?)",
                                              (name, type, cur.code))
                    aid = cursor.lastrowid
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")
            if known is None:
                self._remember(name, aid, type, cur)
                return name
        if known[1] != type or known[2] != cur:
            raise LedgerError(f"account {name!r} is already open as {known[1]} in {known[2].code}",
                              field="name", rule="one type and currency per account",
                              code="account_conflict")
        return name

    @_guarded("rows", "accounts opened in one transaction")
    def open_accounts(self, rows: Iterable[tuple[str, str, str | Currency]]) -> list[str]:
        """Open many accounts ``(name, type, currency)`` at once, in one transaction (each
        checked as :meth:`open_account` does; already open ones must match)."""
        rows = list(rows)
        if not rows:
            return []
        try:
            names, types, codes = (list(col) for col in zip(*rows, strict=True))
        except (TypeError, ValueError):
            raise InvalidInput("rows", "(name, type, currency) triples",
                               "open_accounts takes (name, type, currency) triples") from None
        for typ in set(types):
            if typ not in ACCOUNT_TYPES:
                raise InvalidInput("type", f"one of {', '.join(ACCOUNT_TYPES)}", f"unknown account type {typ!r}")
        curs = {c: currency(c) for c in set(codes)}
        if not all(type(n) is str and n and not n.isspace() for n in names):
            raise InvalidInput("name", "non-empty string", "an account needs a name")
        fresh = self._fresh(names, types, codes, curs)
        if fresh:
            self._begin()
            try:
                if self._shared:  # under the write lock: drop what another process opened meanwhile
                    self._refresh()
                    fresh = self._fresh(names, types, codes, curs)
                first = self._db.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM accounts").fetchone()[0]
                rows_ = [(first + i, n, t, c.code) for i, (n, (t, c)) in enumerate(fresh.items())]
                self._db.executemany("INSERT INTO accounts(id, name, type, currency) VALUES (?, ?, ?, ?)", rows_)
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")
            for aid, n, t, _ in rows_:
                self._remember(n, aid, t, fresh[n][1])
        return list(fresh)

    def _fresh(self, names: list, types: list, codes: list, curs: dict) -> dict[str, tuple[str, Currency]]:
        """The accounts among ``names`` not open yet; a conflict with an open one raises."""
        fresh: dict[str, tuple[str, Currency]] = {}
        known_all = self._accounts
        for name, typ, code in zip(names, types, codes, strict=True):
            cur = curs[code]
            known = known_all.get(name)
            if known is None:
                seen = fresh.get(name)
                if seen is None:
                    fresh[name] = (typ, cur)
                    continue
                known = (0, *seen)
            if known[1] != typ or known[2] != cur:
                raise LedgerError(f"account {name!r} is already open as {known[1]} in {known[2].code}",
                                  field="name", rule="one type and currency per account", code="account_conflict")
        return fresh

    def _index_accounts(self) -> None:
        """Build the per-account index if this in-memory ledger has not needed it yet."""
        if not self._account_index:
            self._db.execute(_ACCOUNT_INDEX)
            self._account_index = True

    @_guarded("sql", "valid SQL")
    def query(self, sql: str, params: Sequence[object] = ()) -> list[tuple]:
        """Run a read-only ``SELECT`` on the ledger's database (for reports and tests)."""
        if not isinstance(sql, str) or not sql.lstrip().upper().startswith("SELECT"):
            raise InvalidInput("sql", "a SELECT statement", "query() only reads: pass a SELECT")
        self._index_accounts()
        try:
            params = tuple(params)
        except TypeError:
            raise InvalidInput("params", "a sequence", "params must be a sequence of values") from None
        return self._db.execute(sql, params).fetchall()

    @_guarded("account", "readable ledger")
    def has_account(self, name: str) -> bool:
        return self._known(name) is not None

    @_guarded("account", "readable ledger")
    def account(self, name: str) -> tuple[str, Currency]:
        """``(type, currency)`` of an open account; ``LedgerError`` if it is not open."""
        _, typ, cur = self._lookup(name)
        return typ, cur

    @_guarded("accounts", "readable ledger")
    def accounts(self) -> pd.DataFrame:
        """All accounts: name (index), type, currency, normal side."""
        self._refresh()
        rows = [{"account": n, "type": t, "currency": c.code, "normal side": NORMAL_SIDE[t]}
                for n, (_, t, c) in sorted(self._accounts.items(), key=lambda kv: kv[1][0])]
        frame = pd.DataFrame(rows, columns=["account", "type", "currency", "normal side"])
        return frame.set_index("account")

    # --- posting -----------------------------------------------------------------
    def _rows(self, entry: JournalEntry) -> list[tuple[int, int]]:
        if not isinstance(entry, JournalEntry):
            raise InvalidInput("entry", "must be a JournalEntry",
                               f"post() takes a JournalEntry, not {type(entry).__name__}")
        rows = []
        for p in entry.postings:
            aid, _, cur = self._lookup(p.account)
            if p.amount.currency != cur:
                raise CurrencyMismatch("amount", "posting currency equals the account's currency",
                                       f"account {p.account!r} is kept in {cur.code}, "
                                       f"the posting is in {p.amount.currency.code}")
            rows.append((aid, p.amount.minor_units))
        return rows

    def _write(self, entry: JournalEntry, rows: list[tuple[int, int]]) -> int:
        at = entry.at if entry.at is not None else (float(self.clock()) if self.clock else None)
        cursor = self._db.execute("INSERT INTO entries(memo, ref, at) VALUES (?, ?, ?)",
                                  (entry.memo, entry.ref, at))
        eid = cursor.lastrowid
        self._db.executemany("INSERT INTO postings(entry_id, account_id, amount) VALUES (?, ?, ?)",
                             [(eid, aid, amt) for aid, amt in rows])
        return eid

    @_guarded("entry", "written in one transaction")
    def post(self, entry: JournalEntry) -> int:
        """Write one balanced entry atomically; returns its id."""
        rows = self._rows(entry)
        self._begin()
        try:
            eid = self._write(entry, rows)
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")
        return eid

    @_guarded("entries", "written in one transaction")
    def post_many(self, entries: Iterable[JournalEntry], *, _after_each: Callable[[int], None] | None = None
                  ) -> list[int]:
        """Write a batch of entries in one transaction: all of them or none; returns their ids."""
        entries = list(entries)
        checked = [(e, self._rows(e)) for e in entries]
        self._begin()
        ids = []
        try:
            for i, (entry, rows) in enumerate(checked):
                ids.append(self._write(entry, rows))
                if _after_each is not None:  # test hook: lets a crash test die mid-batch
                    _after_each(i)
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")
        return ids

    @_guarded("lines", "written in one transaction")
    def post_minor_batch(self, lines: Sequence[tuple[int, str, int]], *, memos: Sequence[str],
                         refs: Sequence[str | None], at: float | None = None) -> list[int]:
        """Fast path for engines: entries given as ``(entry_index, account, minor_units)`` lines.

        Checks the same rules as :meth:`post` (open accounts, each entry at least two lines
        summing to zero per currency) on plain integers, then writes everything in one
        transaction with ``executemany``.
        """
        if len(memos) != len(refs):
            raise InvalidInput("refs", "one per memo", "memos and refs must have the same length")
        n = len(memos)
        sums: dict[tuple[int, str], int] = defaultdict(int)
        counts = [0] * n
        rows = []
        for idx, name, units in lines:
            if not 0 <= idx < n:
                raise InvalidInput("lines", "entry index in range", f"entry index {idx} out of range")
            aid, _, cur = self._lookup(name)
            if isinstance(units, bool) or not isinstance(units, int) or units == 0:
                raise InvalidInput("amount", "non-zero int minor units",
                                   f"line for {name!r} must carry non-zero integer minor units")
            sums[(idx, cur.code)] += units
            counts[idx] += 1
            rows.append((idx, aid, units))
        if any(c < 2 for c in counts):
            raise LedgerError("a journal entry needs at least two postings (double entry)",
                              field="postings", rule="at least two postings")
        bad = [k for k, s in sums.items() if s != 0]
        if bad:
            raise LedgerError(f"entry {bad[0][0]} does not balance in {bad[0][1]}", field="postings",
                              rule="sum to zero per currency", code="unbalanced")
        when = at if at is not None else (float(self.clock()) if self.clock else None)
        self._begin()
        try:
            if n == 1:  # the common case of a gateway: one entry, no id arithmetic needed
                first = self._db.execute("INSERT INTO entries(memo, ref, at) VALUES (?, ?, ?)",
                                         (memos[0], refs[0], when)).lastrowid
            else:
                first = self._db.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM entries").fetchone()[0]
                self._db.executemany("INSERT INTO entries(id, memo, ref, at) VALUES (?, ?, ?, ?)",
                                     [(first + i, memos[i], refs[i], when) for i in range(n)])
            self._db.executemany("INSERT INTO postings(entry_id, account_id, amount) VALUES (?, ?, ?)",
                                 [(first + i, a, u) for i, a, u in rows])
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")
        return list(range(first, first + n))

    @_guarded("entry", "written in one transaction")
    def post_lines(self, lines: Sequence[tuple[str, int]], *, memo: str = "", ref: str | None = None,
                   at: float | None = None) -> int:
        """Write one entry given as ``(account, minor units)`` lines, debit-positive; returns its id.

        The single-entry fast path of a gateway: the same rules as :meth:`post` (open accounts,
        non-zero integer amounts, at least two lines summing to zero per currency), checked on
        plain integers, then one SQLite transaction of two ``INSERT`` statements (the entry id
        comes from the insert itself, with no ``SELECT MAX(id)``).
        """
        known = self._ids
        params: list[Any] = []  # (entry id, account id, amount) per line; the entry id comes later
        codes: list[str] = []
        code0 = None
        total = 0
        try:
            for name, units in lines:
                try:
                    aid, code = known[name]
                except (KeyError, TypeError):
                    aid, _, cur_ = self._lookup(name)  # another process may have opened it
                    code = cur_.code
                if type(units) is not int:
                    if isinstance(units, bool) or not isinstance(units, int):
                        raise InvalidInput("amount", "non-zero int minor units",
                                           f"line for {name!r} must carry non-zero integer minor units")
                    units = int(units)
                if not units:
                    raise InvalidInput("amount", "non-zero int minor units",
                                       f"line for {name!r} has a zero amount")
                if code0 is None:
                    code0 = code
                total += units
                params += (None, aid, units)
                codes.append(code)
        except PaylabError:
            raise
        except (TypeError, ValueError):
            raise InvalidInput("lines", "(account, minor units) pairs",
                               "post_lines takes a sequence of (account, minor units) pairs") from None
        k = len(codes)
        if k < 2:
            raise LedgerError("a journal entry needs at least two postings (double entry)",
                              field="postings", rule="at least two postings")
        if codes.count(code0) != k:  # several currencies: each must balance on its own
            sums: dict[str, int] = defaultdict(int)
            for code, units in zip(codes, params[2::3], strict=True):
                sums[code] += units
            off = sorted(c for c, v in sums.items() if v)
            if off:
                raise LedgerError(f"entry does not balance in {', '.join(off)}", field="postings",
                                  rule="sum to zero per currency", code="unbalanced")
        elif total:
            raise LedgerError(f"entry does not balance: debits minus credits is {total:+} minor units of "
                              f"{code0}", field="postings", rule="sum to zero per currency", code="unbalanced")
        if type(memo) is not str:
            raise InvalidInput("memo", "string", "memo must be a string")
        if ref is not None and type(ref) is not str:
            if not isinstance(ref, str):
                raise InvalidInput("ref", "string or None", "ref must be a string or None")
        if at is None:
            at = float(self.clock()) if self.clock else None
        elif type(at) is not float:
            if isinstance(at, bool) or not isinstance(at, (int, float)) or not math.isfinite(at):
                raise InvalidInput("at", "epoch seconds", "at must be finite epoch seconds (or None)")
            at = float(at)
        elif not math.isfinite(at):
            raise InvalidInput("at", "epoch seconds", "at must be finite epoch seconds (or None)")
        db, cursor = self._db, self._cursor
        if db.in_transaction:
            raise LedgerError("another write is still open on this ledger", field="entry",
                              rule="one transaction at a time")
        execute = cursor.execute
        execute("BEGIN IMMEDIATE")  # a lock time-out here is retried by _guarded
        try:
            execute("INSERT INTO entries(memo, ref, at) VALUES (?, ?, ?)", (memo, ref, at))
            eid = cursor.lastrowid
            params[0::3] = [eid] * k
            if k <= _MAX_VALUES_ROWS:
                execute(_postings_sql(k), params)
            else:
                cursor.executemany("INSERT INTO postings(entry_id, account_id, amount) VALUES (?, ?, ?)",
                                   zip(params[0::3], params[1::3], params[2::3], strict=True))
            execute("COMMIT")
        except BaseException:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise
        return eid

    @_guarded("entries", "written in one transaction")
    def post_columns(self, *, memo: Sequence[str], ref: Sequence[str | None], at: Sequence[float | None],
                     line_entry: np.ndarray, line_account: Sequence[str] | np.ndarray,
                     line_amount: np.ndarray, account_names: Sequence[str] | np.ndarray | None = None,
                     also: Callable[[sqlite3.Connection], None] | None = None) -> np.ndarray:
        """Vectorized posting for batch engines: ``len(memo)`` entries given column-wise.

        Line ``k`` puts ``line_amount[k]`` minor units on ``line_account[k]`` within entry
        ``line_entry[k]`` (an index into ``memo``/``ref``/``at``). The same rules as
        :meth:`post` are checked with numpy (open accounts, at least two lines per entry,
        zero sum per entry and currency, no zero lines); with ``account_names`` given,
        ``line_account`` holds integer indices into it instead of names. Entries and lines are written
        with ``executemany`` in one transaction, together with whatever ``also(connection)``
        writes (e.g. a batch's payment details). Returns the entry ids.
        """
        n = len(memo)
        if len(ref) != n or len(at) != n:
            raise InvalidInput("ref", "one per entry", "memo, ref and at must have the same length")
        le = np.asarray(line_entry)
        amt = np.asarray(line_amount)
        if le.ndim != 1 or amt.shape != le.shape or len(line_account) != len(le):
            raise InvalidInput("line_entry", "equal-length 1-d columns",
                               "line_entry, line_account and line_amount must have the same length")
        if not np.issubdtype(amt.dtype, np.integer) or not np.issubdtype(le.dtype, np.integer):
            raise InvalidInput("line_amount", "integer minor units",
                               "line amounts and entry indices must be integer arrays (no floats)")
        amt = amt.astype(np.int64, copy=False)
        le = le.astype(np.int64, copy=False)
        if len(le) and (le.min() < 0 or le.max() >= n):
            raise InvalidInput("line_entry", "entry index in range", "a line points at no entry")
        if (amt == 0).any():
            raise InvalidInput("line_amount", "non-zero", "a posting line has a zero amount")
        if account_names is None:
            codes, uniques = pd.factorize(np.asarray(line_account, dtype=object), sort=False)
            used = range(len(uniques))
        else:
            codes = np.asarray(line_account)
            uniques = np.asarray(account_names, dtype=object)
            if not np.issubdtype(codes.dtype, np.integer):
                raise InvalidInput("line_account", "integer indices into account_names",
                                   "with account_names, line_account must hold integer indices")
            if len(codes) and (codes.min() < 0 or codes.max() >= len(uniques)):
                raise InvalidInput("line_account", "index in range", "a line points at no account")
            used = np.flatnonzero(np.bincount(codes, minlength=len(uniques))).tolist()
        ids = np.zeros(len(uniques), dtype=np.int64)
        curs = np.zeros(len(uniques), dtype=np.int64)
        cur_codes: dict[str, int] = {}
        for i in used:
            aid, _, cur = self._lookup(uniques[i])
            ids[i] = aid
            curs[i] = cur_codes.setdefault(cur.code, len(cur_codes))
        line_ids = ids[codes]
        counts = np.bincount(le, minlength=n)
        if n and counts.min() < 2:
            raise LedgerError("a journal entry needs at least two postings (double entry)",
                              field="postings", rule="at least two postings")
        key = le * max(len(cur_codes), 1) + curs[codes]
        order = np.argsort(key, kind="stable")
        k_sorted = key[order]
        starts = np.flatnonzero(np.r_[True, k_sorted[1:] != k_sorted[:-1]]) if len(key) else np.array([], int)
        sums = np.add.reduceat(amt[order], starts) if len(key) else np.array([], np.int64)
        if (sums != 0).any():
            bad = int(k_sorted[starts[np.flatnonzero(sums)[0]]] // max(len(cur_codes), 1))
            raise LedgerError(f"entry {bad} does not balance", field="postings",
                              rule="sum to zero per currency", code="unbalanced")
        when = [a if a is not None else (float(self.clock()) if self.clock else None) for a in at] \
            if any(a is None for a in at) else at
        self._begin()
        try:
            first = self._db.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM entries").fetchone()[0]
            self._db.executemany("INSERT INTO entries(id, memo, ref, at) VALUES (?, ?, ?, ?)",
                                 zip(range(first, first + n), memo, ref, when, strict=True))
            self._db.executemany("INSERT INTO postings(entry_id, account_id, amount) VALUES (?, ?, ?)",
                                 zip((le + first).tolist(), line_ids.tolist(), amt.tolist(), strict=True))
            if also is not None:
                also(self._db)
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")
        return np.arange(first, first + n, dtype=np.int64)

    def _begin(self) -> None:
        if self._db.in_transaction:
            raise LedgerError("another write is still open on this ledger", field="entry",
                              rule="one transaction at a time")
        self._db.execute("BEGIN IMMEDIATE")

    # --- reading -----------------------------------------------------------------
    @_guarded("account", "readable ledger")
    def balance(self, account: str, at: float | None = None) -> Money:
        """Debit-positive balance (sum of postings) of ``account``, optionally as of time ``at``.

        Liability, equity and revenue accounts normally come out negative (a credit balance).
        Undated entries count at every ``at``.
        """
        aid, typ, cur = self._lookup(account)
        self._index_accounts()
        if at is None:
            (units,) = self._db.execute("SELECT COALESCE(SUM(amount), 0) FROM postings WHERE account_id = ?",
                                        (aid,)).fetchone()
        else:
            if isinstance(at, bool) or not isinstance(at, (int, float)):
                raise InvalidInput("at", "epoch seconds", "at must be epoch seconds")
            (units,) = self._db.execute(
                "SELECT COALESCE(SUM(p.amount), 0) FROM postings p JOIN entries e ON e.id = p.entry_id "
                "WHERE p.account_id = ? AND (e.at IS NULL OR e.at <= ?)", (aid, float(at))).fetchone()
        return Money.from_minor(int(units), cur)

    @_guarded("accounts", "readable ledger")
    def balances_minor(self) -> dict[str, int]:
        """Every account's debit-positive balance in minor units (zero for unused accounts)."""
        self._refresh()
        by_id = dict(self._db.execute("SELECT account_id, SUM(amount) FROM postings GROUP BY account_id"))
        return {name: int(by_id.get(aid, 0)) for name, (aid, _, _) in self._accounts.items()}

    @_guarded("accounts", "readable ledger")
    def trial_balance(self) -> pd.DataFrame:
        """One row per account: type, currency, debit and credit columns, debit-positive balance.

        The ``balance`` column sums to zero in each currency when the books are sound.
        """
        bal = self.balances_minor()
        rows = []
        for name, (_, typ, cur) in sorted(self._accounts.items(), key=lambda kv: kv[1][0]):
            units = bal[name]
            amount = Money.from_minor(units, cur).amount
            rows.append({"account": name, "type": typ, "currency": cur.code,
                         "debit": amount if units > 0 else Decimal(0).quantize(cur.quantum),
                         "credit": -amount if units < 0 else Decimal(0).quantize(cur.quantum),
                         "balance": amount})
        cols = ["account", "type", "currency", "debit", "credit", "balance"]
        return pd.DataFrame(rows, columns=cols).set_index("account")

    @_guarded("account", "readable ledger")
    def entries(self, account: str | None = None, ref: str | None = None) -> pd.DataFrame:
        """Posting lines (one row each) with their entry id, time, ref and memo; filter by
        ``account`` (entries touching it, all their lines) and/or ``ref``."""
        sql = ("SELECT e.id, e.at, e.ref, e.memo, a.name, a.currency, p.amount FROM postings p "
               "JOIN entries e ON e.id = p.entry_id JOIN accounts a ON a.id = p.account_id")
        where, args = [], []
        if account is not None:
            aid = self._lookup(account)[0]
            self._index_accounts()
            where.append("e.id IN (SELECT entry_id FROM postings WHERE account_id = ?)")
            args.append(aid)
        if ref is not None:
            where.append("e.ref = ?")
            args.append(ref)
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY e.id, p.rowid"
        rows = []
        for eid, at, r, memo, name, cur, units in self._db.execute(sql, args):
            c = currency(cur)
            amount = Money.from_minor(int(units), c).amount
            rows.append({"entry": eid, "at": at, "ref": r, "memo": memo, "account": name,
                         "currency": cur, "debit": amount if units > 0 else None,
                         "credit": -amount if units < 0 else None, "amount": amount})
        cols = ["entry", "at", "ref", "memo", "account", "currency", "debit", "credit", "amount"]
        return pd.DataFrame(rows, columns=cols)

    @_guarded("entries", "readable ledger")
    def entry_count(self) -> int:
        return int(self._db.execute("SELECT COUNT(*) FROM entries").fetchone()[0])

    @_guarded("entries", "readable ledger")
    def check_invariants(self) -> None:
        """Raise ``LedgerError`` unless every entry sums to zero per currency, has two or more
        lines, and the trial balance sums to zero per currency."""
        bad = self._db.execute(
            "SELECT p.entry_id, a.currency, SUM(p.amount) FROM postings p JOIN accounts a "
            "ON a.id = p.account_id GROUP BY p.entry_id, a.currency HAVING SUM(p.amount) != 0 LIMIT 1"
        ).fetchone()
        if bad:
            raise LedgerError(f"entry {bad[0]} does not balance in {bad[1]} (off by {bad[2]} minor units)",
                              field="entries", rule="every entry sums to zero", code="unbalanced")
        short = self._db.execute(
            "SELECT e.id FROM entries e LEFT JOIN postings p ON p.entry_id = e.id GROUP BY e.id "
            "HAVING COUNT(p.entry_id) < 2 LIMIT 1").fetchone()
        if short:
            raise LedgerError(f"entry {short[0]} has fewer than two postings", field="entries",
                              rule="at least two postings")
        for cur, total in self._db.execute(
                "SELECT a.currency, SUM(p.amount) FROM postings p JOIN accounts a ON a.id = p.account_id "
                "GROUP BY a.currency"):
            if total != 0:
                raise LedgerError(f"trial balance in {cur} is off by {total} minor units",
                                  field="trial_balance", rule="sums to zero per currency",
                                  code="unbalanced")

    def close(self) -> None:
        """Close the database connection (a file ledger can be reopened later)."""
        with self._lock:
            self._db.close()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Ledger({self.path!r}, accounts={len(self._accounts)})"

