"""The books under concurrency: several processes on one ledger file, several threads on one
ledger and one gateway. Every test counts what each writer says it committed and checks that
the books hold exactly that."""

from __future__ import annotations

import multiprocessing as mp
import sqlite3
import sys
import threading
import time
from contextlib import contextmanager

import numpy as np
import pytest

from paylab import batch
from paylab.clock import FixedClock
from paylab.errors import LedgerError
from paylab.flow import Gateway
from paylab.ledger import JournalEntry, Ledger, Posting
from paylab.money import Money

SPAWN = mp.get_context("spawn")  # a fresh interpreter per worker, as a second notebook kernel is
WORKERS = 3
DEADLINE = 120  # seconds any multi-process test may take before it fails


@contextmanager
def fast_switching():
    """Switch threads every microsecond so that races show up in a short test."""
    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        yield
    finally:
        sys.setswitchinterval(old)


def _run_workers(target, args_list):
    """Start one process per argument tuple, wait for all (bounded), return their results."""
    queue = SPAWN.Queue()
    procs = [SPAWN.Process(target=target, args=(queue, *args)) for args in args_list]
    for p in procs:
        p.start()
    results = []
    deadline = time.monotonic() + DEADLINE
    try:
        for _ in procs:
            results.append(queue.get(timeout=max(1.0, deadline - time.monotonic())))
    finally:
        for p in procs:
            p.join(timeout=max(1.0, deadline - time.monotonic()))
            if p.is_alive():
                p.kill()
                p.join()
    assert all(p.exitcode == 0 for p in procs), [p.exitcode for p in procs]
    return results


# --- workers (module level, so a spawned process can import them) ---------------------------
def _open_race(queue, path, barrier, worker):
    try:
        led = Ledger(path)
        barrier.wait(timeout=60)
        led.open_account("shared:cash", "asset", "CNY")        # everyone opens the same accounts
        led.open_account("shared:sales", "revenue", "CNY")
        led.open_accounts([("bulk:a", "asset", "CNY"), ("bulk:b", "revenue", "CNY"),
                           (f"own:{worker}", "asset", "CNY")])
        eid = led.post_lines([("shared:cash", 100 + worker), ("shared:sales", -(100 + worker))], ref=f"w{worker}")
        led.close()
        queue.put(("ok", worker, eid))
    except BaseException as exc:  # report, do not hang the parent
        queue.put(("error", worker, f"{type(exc).__name__}: {exc}"))


def _writer(queue, path, barrier, worker, rounds):
    """Post through every write path; report how many entries and how much cash it committed."""
    try:
        led = Ledger(path, busy_timeout=0.5, retries=10)
        led.open_account("cash", "asset", "CNY")
        led.open_account("sales", "revenue", "CNY")
        barrier.wait(timeout=60)
        entries = cash = 0
        cny = lambda units: Money.from_minor(units, "CNY")  # noqa: E731
        for i in range(rounds):
            units = 1 + worker * 1000 + i
            kind = i % 4
            if kind == 0:
                led.post_lines([("cash", units), ("sales", -units)], ref=f"w{worker}-{i}")
                entries, cash = entries + 1, cash + units
            elif kind == 1:
                led.post(JournalEntry((Posting("cash", cny(units)), Posting("sales", cny(-units))),
                                      ref=f"w{worker}-{i}"))
                entries, cash = entries + 1, cash + units
            elif kind == 2:
                led.post_many([JournalEntry((Posting("cash", cny(units)), Posting("sales", cny(-units))))] * 3)
                entries, cash = entries + 3, cash + 3 * units
            else:
                led.post_columns(memo=["a", "b"], ref=[None, None], at=[None, None],
                                 line_entry=np.array([0, 0, 1, 1]),
                                 line_account=["cash", "sales", "cash", "sales"],
                                 line_amount=np.array([units, -units, units, -units]))
                entries, cash = entries + 2, cash + 2 * units
        led.close()
        queue.put(("ok", worker, entries, cash))
    except BaseException as exc:
        queue.put(("error", worker, f"{type(exc).__name__}: {exc}"))


def _open_and_post_once(queue, path):
    try:
        led = Ledger(path)
        led.open_account("late:cash", "asset", "CNY")
        led.open_account("late:sales", "revenue", "CNY")
        led.post_lines([("late:cash", 700), ("late:sales", -700)])
        led.close()
        queue.put(("ok",))
    except BaseException as exc:
        queue.put(("error", f"{type(exc).__name__}: {exc}"))


# --- several processes, one file ------------------------------------------------------------
def test_processes_opening_one_account_all_see_it(tmp_path):
    path = str(tmp_path / "books.db")
    Ledger(path).close()
    barrier = SPAWN.Barrier(WORKERS)
    results = _run_workers(_open_race, [(path, barrier, w) for w in range(WORKERS)])
    assert [r[0] for r in results] == ["ok"] * WORKERS, results
    led = Ledger(path)
    names = [r[0] for r in led.query("SELECT name FROM accounts")]
    assert names.count("shared:cash") == 1 and names.count("bulk:a") == 1
    assert {f"own:{w}" for w in range(WORKERS)} <= set(names)
    assert led.entry_count() == WORKERS
    assert led.balance("shared:cash") == Money.from_minor(sum(100 + w for w in range(WORKERS)), "CNY")
    led.check_invariants()
    led.close()


def test_processes_writing_at_once_lose_nothing(tmp_path):
    path = str(tmp_path / "books.db")
    rounds = 40
    barrier = SPAWN.Barrier(WORKERS)
    results = _run_workers(_writer, [(path, barrier, w, rounds) for w in range(WORKERS)])
    assert all(r[0] == "ok" for r in results), results
    led = Ledger(path)
    assert led.entry_count() == sum(r[2] for r in results)        # what each writer committed
    assert led.balance("cash").minor_units == sum(r[3] for r in results)
    led.check_invariants()
    led.close()


def test_an_account_opened_by_another_process_is_found(tmp_path):
    path = str(tmp_path / "books.db")
    mine = Ledger(path)
    mine.open_account("cash", "asset", "CNY")
    assert not mine.has_account("late:cash")
    assert _run_workers(_open_and_post_once, [(path,)]) == [("ok",)]
    assert mine.has_account("late:cash")                            # the cache did not go stale
    assert mine.balance("late:cash") == Money("7.00", "CNY")
    mine.post_lines([("late:cash", 5), ("late:sales", -5)])
    assert "late:sales" in mine.accounts().index
    assert mine.balances_minor()["late:cash"] == 705
    assert mine.trial_balance().loc["late:sales", "balance"] == -Money("7.05", "CNY").amount
    with pytest.raises(LedgerError) as e:                           # opened differently elsewhere
        mine.open_account("late:cash", "liability", "CNY")
    assert e.value.code == "account_conflict"
    mine.close()


# --- lock time-outs -------------------------------------------------------------------------
@contextmanager
def write_lock(path):
    """Another connection holding the file's write lock (as a busy second kernel would)."""
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        yield other
    finally:
        other.execute("ROLLBACK")
        other.close()


@contextmanager
def write_lock_released_after(path, seconds):
    """Another connection holding the write lock, released by a timer while the ledger backs off."""
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    timer = threading.Timer(seconds, lambda: other.execute("ROLLBACK"))
    timer.start()
    try:
        yield
    finally:
        timer.join()
        other.close()


def _books(path, **kw):
    led = Ledger(path, **kw)
    led.open_account("cash", "asset", "CNY")
    led.open_account("sales", "revenue", "CNY")
    return led


def test_every_write_path_gives_ledger_error_after_bounded_retries(tmp_path):
    path = str(tmp_path / "books.db")
    led = _books(path, busy_timeout=0.01, retries=2)
    scenario = batch.generate(20, seed=1)
    e1 = JournalEntry((Posting("cash", Money("1", "CNY")), Posting("sales", Money("-1", "CNY"))))
    calls = {
        "post": lambda: led.post(e1),
        "post_many": lambda: led.post_many([e1, e1]),
        "post_lines": lambda: led.post_lines([("cash", 1), ("sales", -1)]),
        "post_minor_batch": lambda: led.post_minor_batch([(0, "cash", 1), (0, "sales", -1)], memos=["m"],
                                                         refs=[None]),
        "post_columns": lambda: led.post_columns(memo=["m"], ref=[None], at=[None], line_entry=np.array([0, 0]),
                                                 line_account=["cash", "sales"], line_amount=np.array([1, -1])),
        "open_account": lambda: led.open_account("new", "asset", "CNY"),
        "open_accounts": lambda: led.open_accounts([("new2", "asset", "CNY")]),
        "batch.run": lambda: batch.run(led, scenario),
    }
    with write_lock(path):
        for name, call in calls.items():
            t0 = time.monotonic()
            with pytest.raises(LedgerError) as e:
                call()
            took = time.monotonic() - t0
            assert e.value.code == "locked", name
            assert 0.1 < took < 5, (name, took)  # it waited (0.05 + 0.1 s of pauses), but not for ever
            assert not led._db.in_transaction
    assert led.entry_count() == 0 and not led.has_account("new")
    led.post_lines([("cash", 1), ("sales", -1)])  # the lock is free again: writing works
    led.check_invariants()
    led.close()


def test_a_lock_released_during_the_backoff_lets_the_write_through(tmp_path):
    path = str(tmp_path / "books.db")
    led = _books(path, busy_timeout=0.01, retries=8)
    with write_lock_released_after(path, 0.2):
        assert led.post_lines([("cash", 3), ("sales", -3)]) == 1
    assert led.balance("cash") == Money("0.03", "CNY")
    led.close()


def test_timeout_and_retries_are_bounded():
    for kw in ({"busy_timeout": -1}, {"busy_timeout": 61}, {"busy_timeout": float("nan")},
               {"retries": -1}, {"retries": 21}, {"retries": 2.0}, {"retries": True}):
        with pytest.raises(Exception) as e:
            Ledger(**kw)
        assert type(e.value).__name__ == "InvalidInput" and e.value.field in kw


# --- threads on one ledger ------------------------------------------------------------------
@pytest.mark.parametrize("where", ["memory", "file"])
def test_threads_share_one_ledger(tmp_path, where):
    led = _books(":memory:" if where == "memory" else str(tmp_path / "books.db"))
    n_threads, rounds = 8, 60
    committed = [0] * n_threads
    errors: list[BaseException] = []

    def work(t):
        try:
            for i in range(rounds):
                led.open_account(f"t{t}", "asset", "CNY")
                led.post_lines([(f"t{t}", 1 + i), ("sales", -(1 + i))])
                committed[t] += 1
                led.balance("cash")
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    with fast_switching():
        threads = [threading.Thread(target=work, args=(t,)) for t in range(n_threads)]
        for th in threads:
            th.start()
        for th in threads:
            th.join(timeout=60)
    assert not errors, errors
    assert led.entry_count() == sum(committed) == n_threads * rounds
    assert -led.balance("sales").minor_units == n_threads * rounds * (rounds + 1) // 2
    led.check_invariants()
    led.close()


# --- threads on one gateway -----------------------------------------------------------------
def _gateway(ledger):
    gw = Gateway(ledger, FixedClock())
    gw.add_merchant("shop")
    gw.add_customer("alice")
    card = gw.add_funding_source("alice", "card", credit_limit=Money("100000.00", "CNY"))
    return gw, card


def _in_threads(n, fn):
    results: list = [None] * n
    errors: list[BaseException] = []
    start = threading.Barrier(n)

    def run(i):
        try:
            start.wait(timeout=30)
            results[i] = fn(i)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    with fast_switching():
        threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
        for th in threads:
            th.start()
        for th in threads:
            th.join(timeout=60)
    assert not errors, errors
    return results


def test_concurrent_retries_with_one_key_charge_once():
    for round_ in range(15):
        gw, card = _gateway(Ledger())
        got = _in_threads(8, lambda i, gw=gw, card=card, key=f"order-{round_}": gw.pay(
            "shop", Money("12.34", "CNY"), card, idempotency_key=key))
        assert len({pi.id for pi in got}) == 1, round_
        assert len(gw.intents) == 1 and len(gw.bank.debits) == 1
        assert gw.source(card).credit_used == 1234
        assert gw.ledger.entry_count() == 1
        gw.ledger.check_invariants()


def test_file_ledger_gateway_in_threads_books_every_debit(tmp_path):
    gw, card = _gateway(Ledger(str(tmp_path / "books.db")))
    n, per_thread = 8, 25

    def shop(i):
        out = []
        for k in range(per_thread):
            out.append(gw.pay("shop", Money.from_minor(100 + i * per_thread + k, "CNY"), card,
                              idempotency_key=f"t{i}-{k}").id)
            if k % 5 == 0:  # a retry of an earlier order, from the same thread
                again = gw.pay("shop", Money.from_minor(100 + i * per_thread, "CNY"), card,
                               idempotency_key=f"t{i}-0")
                assert again.id == out[0]
        return out

    ids = [pid for part in _in_threads(n, shop) for pid in part]
    assert len(set(ids)) == n * per_thread == len(gw.bank.debits)
    assert all(gw.intents[pid].status == "succeeded" for pid in ids)
    books = gw.ledger
    booked = {r[0] for r in books.query("SELECT ref FROM entries WHERE memo = 'capture'")}
    assert booked == set(gw.bank.debits)                              # no debit without booking
    assert sum(gw.bank.debits.values()) == sum(100 + j for j in range(n * per_thread))
    books.check_invariants()
    books.close()


def test_a_generator_of_entries_survives_a_retry(tmp_path):
    """A retried post_many gets the whole batch again, not an exhausted generator."""
    path = str(tmp_path / "books.db")
    led = _books(path, busy_timeout=0.01, retries=8)
    cny = Money("1", "CNY")
    with write_lock_released_after(path, 0.2):
        ids = led.post_many(JournalEntry((Posting("cash", cny), Posting("sales", -cny))) for _ in range(5))
    assert len(ids) == 5 and led.entry_count() == 5
    led.close()


def test_idempotency_store_runs_a_request_once_across_threads():
    from paylab.flow import IdempotencyStore

    store = IdempotencyStore(FixedClock())
    ran = []

    def request():
        ran.append(1)
        time.sleep(0.001)
        return len(ran)

    got = _in_threads(8, lambda i: store.run("order-9", "pay", ("shop", 100), request))
    assert ran == [1] and got == [1] * 8
