"""Tests for paylab.ledger: double entry, atomicity, typed errors, crash safety."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from paylab.clock import FixedClock
from paylab.errors import CurrencyMismatch, InvalidInput, LedgerError
from paylab.ledger import ACCOUNT_TYPES, JournalEntry, Ledger, Posting
from paylab.money import Money

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def cny(x: str) -> Money:
    return Money(x, "CNY")


def entry(*lines: tuple[str, str], cur: str = "CNY", **kw) -> JournalEntry:
    return JournalEntry(tuple(Posting(a, Money(x, cur)) for a, x in lines), **kw)


@pytest.fixture
def books() -> Ledger:
    led = Ledger()
    led.open_account("cash", "asset", "CNY")
    led.open_account("sales", "revenue", "CNY")
    led.open_account("payable", "liability", "CNY")
    led.open_account("usd_cash", "asset", "USD")
    led.open_account("usd_payable", "liability", "USD")
    return led


def test_account_types_constant():
    assert ACCOUNT_TYPES == ("asset", "liability", "equity", "revenue", "expense")


def test_open_account_idempotent_and_conflicts(books):
    assert books.open_account("cash", "asset", "CNY") == "cash"
    assert len(books.accounts()) == 5
    with pytest.raises(LedgerError) as e:
        books.open_account("cash", "liability", "CNY")
    assert e.value.field == "name"
    with pytest.raises(LedgerError):
        books.open_account("cash", "asset", "USD")
    with pytest.raises(InvalidInput) as e:
        books.open_account("x", "income", "CNY")
    assert e.value.field == "type"
    with pytest.raises(InvalidInput) as e:
        books.open_account("x", "asset", "XXX")
    assert e.value.field == "currency"
    with pytest.raises(InvalidInput) as e:
        books.open_account("  ", "asset", "CNY")
    assert e.value.field == "name"


def test_accounts_frame(books):
    df = books.accounts()
    assert list(df.columns) == ["type", "currency", "normal side"]
    assert df.loc["sales", "normal side"] == "credit"
    assert df.loc["usd_cash", "currency"] == "USD"


def test_post_balance_trial_balance(books):
    eid = books.post(entry(("cash", "12.50"), ("sales", "-12.50"), memo="sale", ref="o1"))
    assert eid == 1
    assert books.balance("cash") == cny("12.50")
    assert books.balance("sales") == cny("-12.50")  # debit-positive: a credit balance is negative
    tb = books.trial_balance()
    assert tb.loc["cash", "debit"] == Decimal("12.50")
    assert tb.loc["sales", "credit"] == Decimal("12.50")
    assert tb.groupby("currency")["balance"].sum().eq(0).all()
    books.check_invariants()


def test_entries_filters(books):
    books.post(entry(("cash", "1"), ("sales", "-1"), ref="a"))
    books.post(entry(("cash", "2"), ("payable", "-2"), ref="b"))
    books.post(entry(("usd_cash", "3"), ("usd_payable", "-3"), cur="USD", ref="c"))
    assert len(books.entries()) == 6
    by_ref = books.entries(ref="b")
    assert set(by_ref["account"]) == {"cash", "payable"}
    by_acc = books.entries(account="cash")
    assert sorted(set(by_acc["entry"])) == [1, 2]
    assert len(books.entries(account="cash", ref="a")) == 2
    with pytest.raises(LedgerError):
        books.entries(account="nope")


def test_multi_currency_entry_balances_per_currency(books):
    e = JournalEntry((Posting("cash", cny("7.00")), Posting("payable", cny("-7.00")),
                      Posting("usd_cash", Money("1", "USD")), Posting("usd_payable", Money("-1", "USD"))))
    books.post(e)
    assert e.currencies == ("CNY", "USD")
    assert e.total_debits("CNY") == cny("7.00")
    books.check_invariants()


def test_unbalanced_and_malformed_entries_rejected():
    with pytest.raises(LedgerError) as e:
        entry(("cash", "10"), ("sales", "-9.99"))
    assert e.value.field == "postings" and e.value.rule == "sum to zero per currency"
    with pytest.raises(LedgerError) as e:  # balanced in total but not per currency
        JournalEntry((Posting("a", cny("1")), Posting("b", Money("-1", "USD"))))
    assert e.value.rule == "sum to zero per currency"
    with pytest.raises(LedgerError) as e:
        JournalEntry((Posting("cash", cny("1")),))
    assert e.value.rule == "at least two postings"
    with pytest.raises(InvalidInput) as e:
        Posting("cash", cny("0"))
    assert e.value.field == "amount"
    with pytest.raises(InvalidInput) as e:
        Posting("cash", 5)  # type: ignore[arg-type]
    assert e.value.field == "amount"
    with pytest.raises(InvalidInput) as e:
        Posting("", cny("1"))
    assert e.value.field == "account"
    with pytest.raises(InvalidInput) as e:
        entry(("a", "1"), ("b", "-1"), at=float("nan"))
    assert e.value.field == "at"
    with pytest.raises(InvalidInput):
        JournalEntry((Posting("a", cny("1")), "b"))  # type: ignore[arg-type]


def test_currency_mismatch_and_unknown_account_write_nothing(books):
    with pytest.raises(CurrencyMismatch) as e:
        books.post(entry(("cash", "1"), ("usd_payable", "-1"), cur="USD"))
    assert e.value.field == "amount"
    with pytest.raises(LedgerError) as e:
        books.post(entry(("cash", "1"), ("ghost", "-1")))
    assert e.value.field == "account"
    with pytest.raises(InvalidInput) as e:
        books.post("not an entry")  # type: ignore[arg-type]
    assert e.value.field == "entry"
    assert books.entry_count() == 0
    assert len(books.entries()) == 0


def test_post_many_is_all_or_nothing(books):
    good = entry(("cash", "5"), ("sales", "-5"))
    bad = entry(("cash", "5"), ("ghost", "-5"))
    with pytest.raises(LedgerError):
        books.post_many([good, good, bad])
    assert books.entry_count() == 0

    def boom(i: int) -> None:
        if i == 1:
            raise RuntimeError("crash between entries")

    with pytest.raises(RuntimeError):
        books.post_many([good, good, good], _after_each=boom)
    assert books.entry_count() == 0
    assert books.balance("cash") == cny("0")
    assert books.post_many([good, good]) == [1, 2]
    assert books.balance("cash") == cny("10")


def test_balance_as_of_time_and_clock():
    clock = FixedClock(1000)
    led = Ledger(clock=clock)
    led.open_account("cash", "asset", "CNY")
    led.open_account("sales", "revenue", "CNY")
    led.post(entry(("cash", "1"), ("sales", "-1")))  # dated by the clock: 1000
    clock.advance(100)
    led.post(entry(("cash", "2"), ("sales", "-2")))  # 1100
    led.post(entry(("cash", "4"), ("sales", "-4"), at=5000))
    assert led.balance("cash", at=999) == cny("0")
    assert led.balance("cash", at=1000) == cny("1")
    assert led.balance("cash", at=1100) == cny("3")
    assert led.balance("cash") == cny("7")
    assert list(led.entries()["at"].drop_duplicates()) == [1000.0, 1100.0, 5000.0]
    with pytest.raises(InvalidInput) as e:
        led.balance("cash", at="yesterday")  # type: ignore[arg-type]
    assert e.value.field == "at"
    with pytest.raises(LedgerError):
        led.balance("nope")


def test_bad_constructor_arguments():
    with pytest.raises(InvalidInput) as e:
        Ledger(123)  # type: ignore[arg-type]
    assert e.value.field == "path"
    with pytest.raises(InvalidInput) as e:
        Ledger(clock=5)  # type: ignore[arg-type]
    assert e.value.field == "clock"


def test_check_invariants_detects_tampering(books):
    books.post(entry(("cash", "1"), ("sales", "-1")))
    books.check_invariants()
    books._db.execute("UPDATE postings SET amount = amount + 1 WHERE rowid = 1")
    with pytest.raises(LedgerError) as e:
        books.check_invariants()
    assert e.value.rule == "every entry sums to zero"


def test_check_invariants_detects_one_line_entry(books):
    books._db.execute("INSERT INTO entries(memo) VALUES ('orphan')")
    with pytest.raises(LedgerError) as e:
        books.check_invariants()
    assert e.value.rule == "at least two postings"


def test_post_minor_batch_checks_and_writes(books):
    ids = books.post_minor_batch([(0, "cash", 100), (0, "sales", -100), (1, "cash", 50), (1, "payable", -50)],
                                 memos=["a", "b"], refs=["r1", None])
    assert ids == [1, 2]
    assert books.balance("cash") == cny("1.50")
    with pytest.raises(LedgerError) as e:
        books.post_minor_batch([(0, "cash", 100), (0, "sales", -99)], memos=["x"], refs=[None])
    assert e.value.rule == "sum to zero per currency"
    with pytest.raises(LedgerError):
        books.post_minor_batch([(0, "cash", 100)], memos=["x"], refs=[None])
    with pytest.raises(LedgerError):
        books.post_minor_batch([(0, "cash", 1), (0, "ghost", -1)], memos=["x"], refs=[None])
    with pytest.raises(InvalidInput):
        books.post_minor_batch([(0, "cash", 1.0), (0, "sales", -1)], memos=["x"], refs=[None])
    with pytest.raises(InvalidInput):
        books.post_minor_batch([(3, "cash", 1), (3, "sales", -1)], memos=["x"], refs=[None])
    with pytest.raises(InvalidInput):
        books.post_minor_batch([], memos=["x"], refs=[])
    assert books.entry_count() == 2
    books.check_invariants()


def test_file_ledger_persists(tmp_path):
    path = tmp_path / "books.db"
    with Ledger(path, durable=True) as led:
        led.open_account("cash", "asset", "CNY")
        led.open_account("sales", "revenue", "CNY")
        led.post(entry(("cash", "3"), ("sales", "-3")))
    again = Ledger(path)
    assert again._db.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL by default
    assert again._db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert again.balance("cash") == cny("3")
    assert again.accounts().loc["sales", "type"] == "revenue"
    again.check_invariants()
    again.close()


_CHILD = textwrap.dedent("""
    import os, sys, time
    sys.path.insert(0, {root!r})
    from paylab.ledger import JournalEntry, Ledger, Posting
    from paylab.money import Money
    led = Ledger({path!r})
    led.open_account("cash", "asset", "CNY")
    led.open_account("sales", "revenue", "CNY")
    led.post(JournalEntry((Posting("cash", Money("1", "CNY")), Posting("sales", Money("-1", "CNY")))))
    batch = [JournalEntry((Posting("cash", Money("2", "CNY")), Posting("sales", Money("-2", "CNY"))))
             for _ in range(2000)]
    mode = {mode!r}
    def hook(i):
        if i == 1000:
            if mode == "exit":
                os._exit(3)
            if mode == "wait":
                print("mid-batch", flush=True)
                time.sleep(60)
    led.post_many(batch, _after_each=hook)
    print("done", flush=True)
""")


def _child(tmp_path, mode):
    path = str(tmp_path / f"crash-{mode}.db")
    code = _CHILD.format(root=ROOT, path=path, mode=mode)
    return path, [sys.executable, "-c", code]


@pytest.mark.parametrize("mode", ["exit", "wait"])
def test_crash_mid_batch_leaves_none_of_it(tmp_path, mode):
    path, cmd = _child(tmp_path, mode)
    if mode == "exit":  # the process ends abruptly (os._exit) half way through the batch
        rc = subprocess.run(cmd, capture_output=True, timeout=60).returncode
        assert rc == 3
    else:  # the process is killed with SIGKILL half way through the batch
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
        assert proc.stdout.readline().strip() == "mid-batch"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        proc.stdout.close()
    led = Ledger(path)
    assert led.entry_count() == 1  # only the entry committed before the batch
    assert led.balance("cash") == cny("1")
    led.check_invariants()
    led.close()


def test_completed_batch_is_all_there(tmp_path):
    path, cmd = _child(tmp_path, "none")
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "done"
    led = Ledger(path)
    assert led.entry_count() == 2001
    assert led.balance("cash") == cny("4001")
    led.close()


# --- properties ------------------------------------------------------------------------
NAMES = ["a1", "a2", "l1", "r1", "x1"]
TYPES = ["asset", "asset", "liability", "revenue", "expense"]


def _fresh() -> Ledger:
    led = Ledger()
    for n, t in zip(NAMES, TYPES, strict=True):
        led.open_account(n, t, "CNY")
    return led


balanced_entry = st.lists(
    st.tuples(st.sampled_from(NAMES), st.sampled_from(NAMES), st.integers(1, 10**9)),
    min_size=1, max_size=4,
).filter(lambda moves: all(d != c for d, c, _ in moves))


@given(st.lists(balanced_entry, min_size=1, max_size=12))
def test_valid_entries_keep_trial_balance_at_zero(entries):
    led = _fresh()
    expected = dict.fromkeys(NAMES, 0)
    for moves in entries:
        lines = []
        for debit, credit, units in moves:
            lines += [Posting(debit, Money.from_minor(units, "CNY")), Posting(credit, Money.from_minor(-units, "CNY"))]
            expected[debit] += units
            expected[credit] -= units
        led.post(JournalEntry(tuple(lines)))
    assert led.balances_minor() == expected
    assert sum(led.balances_minor().values()) == 0
    led.check_invariants()


@given(st.lists(st.tuples(st.sampled_from(NAMES), st.integers(-10**6, 10**6).filter(bool)), min_size=2, max_size=6)
       .filter(lambda ls: sum(u for _, u in ls) != 0))
def test_unbalanced_entry_rejected_and_nothing_written(lines):
    led = _fresh()
    with pytest.raises(LedgerError):
        led.post(JournalEntry(tuple(Posting(a, Money.from_minor(u, "CNY")) for a, u in lines)))
    assert led.entry_count() == 0
    assert all(v == 0 for v in led.balances_minor().values())


# --- bulk paths used by engines ------------------------------------------------------------
def test_open_accounts_bulk(books):
    fresh = books.open_accounts([("a:1", "asset", "CNY"), ("a:2", "liability", "CNY"), ("cash", "asset", "CNY"),
                                 ("a:1", "asset", "CNY")])
    assert fresh == ["a:1", "a:2"]
    assert books.accounts().loc["a:2", "type"] == "liability"
    with pytest.raises(LedgerError):
        books.open_accounts([("cash", "liability", "CNY")])
    with pytest.raises(LedgerError):
        books.open_accounts([("n:1", "asset", "CNY"), ("n:1", "asset", "USD")])
    with pytest.raises(InvalidInput) as e:
        books.open_accounts([("n:2", "gift", "CNY")])
    assert e.value.field == "type"
    with pytest.raises(InvalidInput) as e:
        books.open_accounts([("", "asset", "CNY")])
    assert e.value.field == "name"
    assert not books.has_account("n:1")


def test_query_reads_only(books):
    books.post(entry(("cash", "1"), ("sales", "-1")))
    assert books.query("SELECT COUNT(*) FROM postings") == [(2,)]
    with pytest.raises(InvalidInput) as e:
        books.query("DELETE FROM postings")
    assert e.value.field == "sql"
    with pytest.raises(LedgerError):
        books.query("SELECT nothing FROM nowhere")


def test_post_columns_by_name_and_by_index(books):
    import numpy as np

    ids = books.post_columns(memo=["a", "b"], ref=["r1", "r2"], at=[1.0, None],
                             line_entry=np.array([0, 0, 1, 1, 1]),
                             line_account=["cash", "sales", "cash", "sales", "payable"],
                             line_amount=np.array([500, -500, 300, -100, -200]))
    assert ids.tolist() == [1, 2]
    assert books.balance("cash") == cny("8")
    names = np.array(["cash", "sales", "usd_cash", "usd_payable"], dtype=object)
    books.post_columns(memo=["c"], ref=[None], at=[2.0], line_entry=np.array([0, 0, 0, 0]),
                       line_account=np.array([0, 1, 2, 3]), account_names=names,
                       line_amount=np.array([7, -7, 9, -9]))
    assert books.balance("usd_cash") == Money("0.09", "USD")
    books.check_invariants()


@pytest.mark.parametrize("lines,error,field", [
    (([0, 0], ["cash", "sales"], [5, -4]), LedgerError, "postings"),
    (([0], ["cash"], [5]), LedgerError, "postings"),
    (([0, 0], ["cash", "ghost"], [5, -5]), LedgerError, "account"),
    (([0, 0], ["cash", "sales"], [5.0, -5.0]), InvalidInput, "line_amount"),
    (([0, 0], ["cash", "sales"], [0, 0]), InvalidInput, "line_amount"),
    (([0, 1], ["cash", "sales"], [5, -5]), InvalidInput, "line_entry"),
    (([0, 0, 0], ["cash", "sales"], [5, -5, 0]), InvalidInput, "line_entry"),
    (([0, 0], ["cash", "usd_payable"], [5, -5]), LedgerError, "postings"),  # CNY and USD each unbalanced
])
def test_post_columns_refuses_and_writes_nothing(books, lines, error, field):
    import numpy as np

    le, acc, amt = lines
    with pytest.raises(error) as e:
        books.post_columns(memo=["x"], ref=[None], at=[None], line_entry=np.array(le), line_account=acc,
                           line_amount=np.array(amt))
    assert e.value.field == field
    assert books.entry_count() == 0


def test_post_columns_index_checks_and_rollback(books):
    import numpy as np

    names = ["cash", "sales"]
    with pytest.raises(InvalidInput) as e:
        books.post_columns(memo=["x"], ref=[None], at=[None], line_entry=np.array([0, 0]),
                           line_account=np.array([0, 5]), account_names=names, line_amount=np.array([1, -1]))
    assert e.value.field == "line_account"
    with pytest.raises(InvalidInput):
        books.post_columns(memo=["x"], ref=[None], at=[None], line_entry=np.array([0, 0]),
                           line_account=np.array(["cash", "sales"]), account_names=names,
                           line_amount=np.array([1, -1]))
    with pytest.raises(InvalidInput) as e:
        books.post_columns(memo=["x"], ref=[], at=[None], line_entry=np.array([0, 0]),
                           line_account=names, line_amount=np.array([1, -1]))
    assert e.value.field == "ref"

    def fail(db):
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        books.post_columns(memo=["x"], ref=[None], at=[None], line_entry=np.array([0, 0]),
                           line_account=names, line_amount=np.array([1, -1]), also=fail)
    assert books.entry_count() == 0 and books.balance("cash") == cny("0")


# --- post_lines: the single-entry integer fast path -------------------------------------------
def test_post_lines_writes_one_entry(books):
    eid = books.post_lines([("cash", 1250), ("sales", -1250)], memo="sale", ref="o1", at=7.0)
    assert eid == 1 and books.entry_count() == 1
    assert books.balance("cash") == cny("12.50") and books.balance("sales") == cny("-12.50")
    row = books.entries(ref="o1")
    assert row["memo"].tolist() == ["sale", "sale"] and row["at"].tolist() == [7.0, 7.0]
    assert row["account"].tolist() == ["cash", "sales"]
    assert books.post_lines([("cash", 1), ("payable", -1)]) == 2  # ids continue; no SELECT MAX(id)
    assert books.entries(ref=None)["at"].isna().sum() == 2  # undated without a clock
    multi = books.post_lines([("cash", 5), ("sales", -5), ("usd_cash", 7), ("usd_payable", -7)])
    assert multi == 3 and books.balance("usd_cash") == Money("0.07", "USD")
    books.check_invariants()


def test_post_lines_dates_entries_with_the_clock():
    led = Ledger(clock=FixedClock(123.0))
    led.open_account("a", "asset", "CNY")
    led.open_account("b", "liability", "CNY")
    led.post_lines([("a", 1), ("b", -1)], memo="m")
    assert led.entries()["at"].tolist() == [123.0, 123.0]


def test_post_lines_many_lines_use_executemany(books):
    lines = [("cash", 1)] * 100 + [("sales", -100)]
    eid = books.post_lines(lines, memo="many")
    assert eid == 1 and (books.entries()["entry"] == eid).sum() == 101
    assert books.balance("cash") == cny("1.00")
    books.check_invariants()


@pytest.mark.parametrize("lines, error, field", [
    ([("cash", 100), ("sales", -99)], LedgerError, "postings"),              # unbalanced
    ([("cash", 100)], LedgerError, "postings"),                              # one line
    ([], LedgerError, "postings"),                                           # no line
    ([("cash", 1), ("ghost", -1)], LedgerError, "account"),                  # not open
    ([("cash", 1.0), ("sales", -1)], InvalidInput, "amount"),               # a float
    ([("cash", True), ("sales", -1)], InvalidInput, "amount"),              # a bool
    ([("cash", 0), ("sales", 0)], InvalidInput, "amount"),                  # a zero line
    ([("cash", 5), ("usd_cash", -5)], LedgerError, "postings"),              # mixed currencies
    ([("cash", 5), ("sales", -5), ("usd_cash", 3), ("usd_payable", -2)], LedgerError, "postings"),
    ([("cash",), ("sales", -1)], InvalidInput, "lines"),                     # not a pair
    (5, InvalidInput, "lines"),                                              # not a sequence
    ([(["cash"], 1), ("sales", -1)], LedgerError, "account"),               # unhashable name
])
def test_post_lines_refuses_and_writes_nothing(books, lines, error, field):
    with pytest.raises(error) as e:
        books.post_lines(lines, memo="x")
    assert e.value.field == field
    assert books.entry_count() == 0 and not books._db.in_transaction


@pytest.mark.parametrize("kw, field", [({"memo": 1}, "memo"), ({"ref": 2}, "ref"), ({"at": "noon"}, "at"),
                                       ({"at": float("nan")}, "at"), ({"at": True}, "at")])
def test_post_lines_checks_memo_ref_at(books, kw, field):
    with pytest.raises(InvalidInput) as e:
        books.post_lines([("cash", 1), ("sales", -1)], **kw)
    assert e.value.field == field
    assert books.entry_count() == 0
    assert books.post_lines([("cash", 1), ("sales", -1)], at=5) == 1  # an int time is fine


def test_post_lines_is_atomic_when_sqlite_fails(books):
    books._db.execute("CREATE TRIGGER no_big BEFORE INSERT ON postings WHEN NEW.amount > 1000 "
                      "BEGIN SELECT RAISE(ABORT, 'too big'); END")
    with pytest.raises(LedgerError) as e:
        books.post_lines([("sales", -5000), ("cash", 5000)], memo="big", ref="r")
    assert e.value.field == "entry"
    assert books.entry_count() == 0 and not books._db.in_transaction  # the entry row was rolled back
    books.post_lines([("cash", 10), ("sales", -10)])
    books.check_invariants()


def test_post_lines_refuses_inside_an_open_write(books):
    books._db.execute("BEGIN")
    with pytest.raises(LedgerError) as e:
        books.post_lines([("cash", 1), ("sales", -1)])
    assert e.value.rule == "one transaction at a time"
    books._db.execute("ROLLBACK")


@given(st.lists(st.tuples(st.sampled_from(NAMES), st.sampled_from(NAMES), st.integers(1, 10**12)),
                min_size=1, max_size=5).filter(lambda moves: all(d != c for d, c, _ in moves)))
def test_post_lines_books_what_post_books(moves):
    """Same lines through post(JournalEntry) and post_lines: same rows, same balances."""
    lines = [x for d, c, u in moves for x in ((d, u), (c, -u))]
    a, b = _fresh(), _fresh()
    a.post(JournalEntry(tuple(Posting(n, Money.from_minor(u, "CNY")) for n, u in lines), memo="m", ref="r", at=1.0))
    b.post_lines(lines, memo="m", ref="r", at=1.0)
    cols = ["entry", "at", "ref", "memo", "account", "amount"]
    assert a.entries()[cols].equals(b.entries()[cols])
    assert a.balances_minor() == b.balances_minor()


_CHILD_LINES = textwrap.dedent("""
    import os, sys
    sys.path.insert(0, {root!r})
    from paylab.ledger import Ledger
    led = Ledger({path!r})
    led.open_account("cash", "asset", "CNY")
    led.open_account("sales", "revenue", "CNY")

    class Dying:  # dies between the entry row and its posting lines of the 500th entry
        def __init__(self, cursor):
            self.cursor, self.n = cursor, 0
        @property
        def lastrowid(self):
            return self.cursor.lastrowid
        def execute(self, sql, *args):
            if sql.startswith("INSERT INTO postings"):
                self.n += 1
                if self.n == 500:
                    os._exit(3)
            return self.cursor.execute(sql, *args)
    led._cursor = Dying(led._cursor)
    for i in range(1000):
        led.post_lines([("cash", 2), ("sales", -2)], memo="sale", ref=f"o{{i}}")
""")


def test_crash_inside_post_lines_leaves_whole_entries_only(tmp_path):
    path = str(tmp_path / "crash-lines.db")
    out = subprocess.run([sys.executable, "-c", _CHILD_LINES.format(root=ROOT, path=path)],
                         capture_output=True, timeout=60)
    assert out.returncode == 3, out.stderr
    led = Ledger(path)
    assert led.entry_count() == 499  # the half-written 500th entry is gone, not half there
    assert led.balance("cash") == cny("9.98")
    led.check_invariants()
    led.close()


def _indexes(led: Ledger) -> set[str]:
    return {r[0] for r in led._db.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}


def test_memory_ledger_builds_the_account_index_when_first_needed(books, tmp_path):
    for i in range(50):
        books.post_lines([("cash", i + 1), ("sales", -(i + 1))], ref=f"r{i}")
    assert "postings_account" not in _indexes(books)        # writes did not maintain it
    assert books.balance("cash") == Money.from_minor(1275, "CNY")
    assert "postings_account" in _indexes(books)            # the first per-account read built it
    books.post_lines([("cash", 5), ("payable", -5)])
    assert books.balance("cash") == Money.from_minor(1280, "CNY")  # and it is kept up to date after
    assert len(books.entries(account="payable")) == 2
    fresh = Ledger()
    fresh.open_account("cash", "asset", "CNY")
    fresh.query("SELECT 1")
    assert "postings_account" in _indexes(fresh)
    with Ledger(tmp_path / "f.db") as led:                  # a file ledger has it from the start
        assert "postings_account" in _indexes(led)
