"""A walk over paylab's whole public surface: any value of any type gives a result or a ``PaylabError``.

For every name in the ``__all__`` of every paylab module (functions, classes, and the public
methods of instances the walk can build), hypothesis draws arguments of many types — None,
bools, ints (huge and negative), floats (nan, inf), numpy scalars, text (non-ASCII), bytes,
lists, dicts, Money — mixed with plausible values taken from each parameter's annotation and
default, and calls. A call fails the walk when it raises anything that is not a ``PaylabError``,
runs over ``CALL_SECONDS`` of CPU time, or grows the address space by more than ``CALL_MEMORY`` bytes
(``resource.setrlimit`` turns that into a ``MemoryError``). Run this file as a script for a
table of escaping exceptions by function: ``python tests/test_public_api.py``.
"""

from __future__ import annotations

import contextlib
import importlib
import inspect
import math
import os
import pkgutil
import resource
import signal
import sys
import typing
from collections import Counter
from decimal import Decimal

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import paylab
from paylab.errors import PaylabError
from paylab.money import Money

CALL_SECONDS = 4.0  # a call at any input returns or refuses within this much CPU time
WALL_SECONDS = 30.0  # and this much wall-clock time (a call that waits on a lock or a socket)
CALL_MEMORY = 768 * 2**20  # and grows the address space by at most this
EXAMPLES = int(os.environ.get("PAYLAB_WALK_EXAMPLES", "6"))

# Modules outside the walk: the command line, the mechanism itself, and the Sphinx extensions the
# book build loads (Sphinx calls their hooks with its own application object, never a reader).
SKIP_MODULES = {"paylab.__main__", "paylab.cli", "paylab.validation", "paylab.site", "paylab.translation"}
# Names that act on the outside world by design (write files, serve) rather than compute.
SKIP_NAMES = {
    "paylab.release.release",  # writes a student copy of a directory tree
}


class CallTimeout(BaseException):
    """Raised by the interval timer inside a call that runs too long (not an Exception on purpose)."""


def _modules() -> list:
    mods = []
    for info in pkgutil.walk_packages(paylab.__path__, "paylab."):
        if info.name in SKIP_MODULES:
            continue
        mods.append(importlib.import_module(info.name))
    return mods


def _public_targets() -> list[tuple[str, object]]:
    """(qualified name, object) for every public callable, each object once, named by its home module."""
    seen: dict[int, tuple[str, object]] = {}
    for mod in _modules():
        for name in getattr(mod, "__all__", ()):
            obj = getattr(mod, name, None)
            if obj is None or not callable(obj) or id(obj) in seen:
                continue
            if inspect.isclass(obj) and issubclass(obj, BaseException):
                continue
            home = getattr(obj, "__module__", mod.__name__) or mod.__name__
            if not home.startswith("paylab."):
                continue  # a re-exported typing or library name
            qual = f"{home}.{getattr(obj, '__qualname__', name)}"
            if qual in SKIP_NAMES:
                continue
            seen[id(obj)] = (qual, obj)
    return sorted(seen.values(), key=lambda t: t[0])


# --- argument strategies -------------------------------------------------------------------------

_MONEY = [Money("12.34", "CNY"), Money("0", "CNY"), Money("-5.00", "CNY"), Money("100", "USD"), Money("7", "JPY")]

WILD = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-5, max_value=50),
    st.sampled_from([-1, 0, 1, 2**31, 2**63, 10**9, 10**12, -(10**30), 10**30]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([math.nan, math.inf, -math.inf, -0.5, 1e300, 0.5]),
    st.integers(min_value=-3, max_value=3).map(np.int64),
    st.floats(min_value=-3, max_value=3).map(np.float64),
    st.sampled_from([Decimal("NaN"), Decimal("1E+40"), Decimal("-1"), Decimal("0.005")]),
    st.text(max_size=8),
    st.sampled_from(["", "CNY", "half_up", "é", "支付宝", "A" * 300, "2026-01-01", "x" * 100_000]),
    st.binary(max_size=16),
    st.sampled_from([b"", b"\x00" * 64, b"\xff" * 100_000]),
    st.lists(st.integers(min_value=-2, max_value=5), max_size=4),
    st.lists(st.text(max_size=3), max_size=3),
    st.sampled_from([[], (), {}, set(), [[1, 2], [3]], {"a": 1}, {1: "x"}, [None], [math.nan]]),
    st.dictionaries(st.text(max_size=3), st.integers(-2, 5), max_size=3),
    st.sampled_from(_MONEY),
    st.lists(st.sampled_from(_MONEY), max_size=3),
    st.sampled_from([object(), np.array([1.0, math.nan]), np.array([], dtype=float)]),
)


def _plausible(hint: object) -> st.SearchStrategy | None:
    """A value of the annotated type in its usual range (the walk mixes these with WILD ones)."""
    origin = typing.get_origin(hint)
    if origin is typing.Annotated:
        return _plausible(typing.get_args(hint)[0])
    if origin in (typing.Union, getattr(__import__("types"), "UnionType", None)):
        parts = [p for a in typing.get_args(hint) if (p := _plausible(a)) is not None]
        return st.one_of(parts) if parts else None
    if hint is bool:
        return st.booleans()
    if hint is int:
        return st.integers(min_value=0, max_value=6)
    if hint is float:
        return st.floats(min_value=0, max_value=1)
    if hint is str:
        return st.sampled_from(["CNY", "a", "card", "alipay", "2026-01-01", "order-1"])
    if hint is bytes:
        return st.binary(min_size=0, max_size=32)
    if hint is Money:
        return st.sampled_from(_MONEY)
    if hint is Decimal:
        return st.sampled_from([Decimal("0.006"), Decimal("1"), Decimal("0")])
    if origin in (list, tuple, typing.Sequence, __import__("collections.abc").abc.Sequence):
        return st.lists(st.integers(0, 5), max_size=3)
    return None


_TYPICAL = {bool: False, int: 1, float: 0.5, str: "CNY", bytes: b"payload", Money: Money("12.34", "CNY"),
            Decimal: Decimal("0.006")}


def _typical(hint: object) -> object:
    """One ordinary value of the annotated type (None when the walk cannot make one)."""
    origin = typing.get_origin(hint)
    if origin is typing.Annotated:
        return _typical(typing.get_args(hint)[0])
    if origin in (typing.Union, getattr(__import__("types"), "UnionType", None)):
        for arg in typing.get_args(hint):
            if arg is not type(None) and (v := _typical(arg)) is not None:
                return v
        return None
    return _TYPICAL.get(hint)


def _is_int_hint(hint: object) -> bool:
    origin = typing.get_origin(hint)
    if origin is typing.Annotated:
        return _is_int_hint(typing.get_args(hint)[0])
    if origin in (typing.Union, getattr(__import__("types"), "UnionType", None)):
        return any(_is_int_hint(a) for a in typing.get_args(hint))
    return hint is int


def _int_probes(targets: list[tuple[str, object]]) -> list[tuple[str, object, dict]]:
    """For each int parameter of each callable: the call with that parameter huge or negative, the rest typical."""
    probes = []
    for qual, target in targets:
        fn = getattr(target[0], target[1]) if isinstance(target, tuple) else target
        try:
            sig = inspect.signature(fn)
        except (TypeError, ValueError):
            continue
        hints = _hints(fn.__init__ if inspect.isclass(fn) else fn)
        base = {}
        for name, p in sig.parameters.items():
            if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD) or name in ("self", "cls"):
                continue
            base[name] = p.default if p.default is not p.empty else _typical(hints.get(name))
        for name in base:
            if _is_int_hint(hints.get(name)):
                for value in (10**9, 2**63, -1):
                    probes.append((f"{qual}:{name}={value}", target, {**base, name: value}))
    return probes


def _hints(fn: object) -> dict:
    try:
        return typing.get_type_hints(fn, include_extras=True)
    except Exception:
        return {}


def _arguments(fn: object) -> st.SearchStrategy:
    """A strategy of keyword arguments for ``fn``: each parameter gets its default, a plausible or a wild value."""
    if inspect.isclass(fn) and not any("__init__" in vars(k) and k.__module__.startswith("paylab.")
                                       for k in fn.__mro__ if k is not object):
        return st.just({})  # a widget's constructor is the library's: the walk tests paylab, not ipywidgets
    try:
        sig = inspect.signature(fn)
    except (TypeError, ValueError):
        return st.just({})
    hints = _hints(fn.__init__ if inspect.isclass(fn) else fn)
    fields = {}
    for name, p in sig.parameters.items():
        if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD) or name in ("self", "cls"):
            continue
        options = [WILD]
        plausible = _plausible(hints.get(name))
        if plausible is not None:
            options.append(plausible)
        if p.default is not p.empty:
            options.append(st.just(p.default))
            options.append(st.just(p.default))
        fields[name] = st.one_of(options)
    return st.fixed_dictionaries(fields)


# --- building instances for methods ----------------------------------------------------------------

def _instance(cls: type) -> object | None:
    """An instance of ``cls`` built from its defaults (None when it needs arguments the walk cannot guess)."""
    builders = {
        "Money": lambda: Money("12.34", "CNY"),
    }
    if cls.__name__ in builders:
        return builders[cls.__name__]()
    try:
        return cls()
    except Exception:
        return None


def _method_targets(targets: list[tuple[str, object]]) -> list[tuple[str, object]]:
    out = []
    for qual, obj in targets:
        if not inspect.isclass(obj):
            continue
        if _instance(obj) is None:
            continue
        for name, member in vars(obj).items():
            if name.startswith("_") or not callable(member) or isinstance(member, (staticmethod, classmethod)):
                continue
            out.append((f"{qual}.{name}", (obj, name)))
    return out


TARGETS = _public_targets()
METHODS = _method_targets(TARGETS)
INT_PROBES = _int_probes(TARGETS + METHODS)


# --- one call under a clock and a memory cap -------------------------------------------------------

def _vm_bytes() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[0]) * resource.getpagesize()


@contextlib.contextmanager
def _bounded():
    """Run the body under CALL_SECONDS of wall clock and CALL_MEMORY more address space."""
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    cap = _vm_bytes() + CALL_MEMORY
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)

    def _alarm(signum, frame):
        raise CallTimeout(f"over {CALL_SECONDS} s of CPU (or {WALL_SECONDS} s of wall clock)")

    # CPU time, so a busy shared machine does not fail a quick call; a wall clock for calls that wait
    old = signal.signal(signal.SIGPROF, _alarm), signal.signal(signal.SIGALRM, _alarm)
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    signal.setitimer(signal.ITIMER_PROF, CALL_SECONDS)
    signal.setitimer(signal.ITIMER_REAL, WALL_SECONDS)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.setitimer(signal.ITIMER_REAL, 0)
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))
        signal.signal(signal.SIGPROF, old[0])
        signal.signal(signal.SIGALRM, old[1])


def _call(target: object, kwargs: dict) -> str | None:
    """Call and classify: None when it returned or raised a PaylabError, else a short failure label."""
    import matplotlib.pyplot as plt

    if isinstance(target, tuple):
        cls, name = target
        obj = _instance(cls)
        fn = getattr(obj, name)
    else:
        fn = target
    try:
        with _bounded():
            fn(**kwargs)
    except PaylabError:
        return None
    except CallTimeout:
        return "timeout"
    except MemoryError:
        return "memory"
    except Exception as exc:  # the walk's whole point: anything else escaped
        return type(exc).__name__
    finally:
        plt.close("all")
    return None


def _walk_one(qual: str, target: object, data: st.DataObject) -> None:
    fn = getattr(target[0], target[1]) if isinstance(target, tuple) else target
    kwargs = data.draw(_arguments(fn), label="kwargs")
    failure = _call(target, kwargs)
    assert failure is None, f"{qual}({_show(kwargs)}) escaped: {failure}"


def _show(kwargs: dict) -> str:
    return ", ".join(f"{k}={v!r:.60}" for k, v in kwargs.items())


WALK = settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                suppress_health_check=list(HealthCheck))


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path, monkeypatch):
    """Functions that take a path write inside a throw-away directory."""
    monkeypatch.chdir(tmp_path)


@pytest.mark.parametrize(("qual", "target"), TARGETS + METHODS, ids=[q for q, _ in TARGETS + METHODS])
@WALK
@given(data=st.data())
def test_public_call_returns_or_raises_paylab_error(qual, target, data):
    _walk_one(qual, target, data)


@pytest.mark.parametrize(("label", "target", "kwargs"), INT_PROBES, ids=[p[0] for p in INT_PROBES])
def test_huge_or_negative_int_is_refused_or_quick(label, target, kwargs):
    """Every int parameter at 10**9, 2**63 and -1: a PaylabError (naming a maximum) or a quick result."""
    failure = _call(target, kwargs)
    assert failure is None, f"{label} escaped: {failure}"


def _issue_examples() -> list[tuple[str, object, str]]:
    """The escapes issue 15 lists, each as (label, call, the parameter the error must name)."""
    from paylab import batch, methods, risk, settlement
    from paylab.auth import passwords
    from paylab.cases import credit
    from paylab.chain import doublespend
    from paylab.crypto import attacks
    from paylab.flow import simulate

    return [
        ("Money(10**30, 'JPY')", lambda: Money(10**30, "JPY"), "amount"),
        ("scale(rounding='half_up')", lambda: Money("1", "CNY").scale("1.5", rounding="half_up"), "rounding"),
        ("simulate_day(seed=-1)", lambda: settlement.simulate_day(-1), "seed"),
        ("day_of(nan)", lambda: settlement.day_of(math.nan), "at"),
        ("day_of(inf)", lambda: settlement.day_of(math.inf), "at"),
        ("as_frame([])", lambda: methods.as_frame([]), "methods"),
        ("risk_register(())", lambda: risk.risk_register(()), "risks"),
        ("hash_password(p=1024)", lambda: passwords.hash_password("pw", p=1024), "p"),
        ("batch.generate(2**63, 1)", lambda: batch.generate(2**63, 1), "n"),
        ("instalment_apr(n=10**12)", lambda: credit.instalment_apr(Money("100", "CNY"), 10**12, "0.006"), "n"),
        ("double_spend_probability(z=10**9)", lambda: doublespend.double_spend_probability(0.1, 10**9), "z"),
        ("retry_curve(max_retries=10**9)", lambda: simulate.retry_curve(max_retries=10**9), "max_retries"),
        ("padding_oracle_attack(100 kB)", lambda: attacks.padding_oracle_attack(
            lambda iv, ct: True, bytes(16), bytes(100_000)), "ciphertext"),
        ("simulate_day(n=10**9)", lambda: settlement.simulate_day(0, n=10**9), "n"),
    ]


@pytest.mark.parametrize(("label", "call", "field"), _issue_examples(), ids=[e[0] for e in _issue_examples()])
def test_issue_examples_are_refused_naming_the_parameter(label, call, field):
    with pytest.raises(PaylabError) as err:
        with _bounded():
            call()
    assert err.value.field == field


def test_numpy_scalars_are_accepted_where_numbers_are():
    """A numpy int from a DataFrame works like an int (Wallet.transfer signs JSON of it)."""
    from paylab.chain.blocks import Wallet
    from paylab.settlement import day_of

    alice, bob = Wallet("alice", seed=1), Wallet("bob", seed=2)
    assert alice.transfer(bob, np.int64(500), np.int64(0)) == alice.transfer(bob, 500, 0)
    assert day_of(np.float64(1767225600.0)) == day_of(1767225600.0)
    assert Money(np.int64(7), "CNY") == Money(7, "CNY")


def test_a_maximum_is_named_in_the_error():
    from paylab import batch

    with pytest.raises(PaylabError) as err:
        batch.generate(batch.MAX_PAYMENTS + 1, 1)
    assert "1,000,000" in str(err.value) and err.value.field == "n"


def test_walk_covers_the_public_surface():
    """The walk sees every module's ``__all__``: hundreds of functions, classes and methods."""
    assert len(TARGETS) > 300 and len(METHODS) > 30


def _survey(examples: int) -> Counter:
    """Call every target ``examples`` times with hypothesis-drawn arguments; count failures by target."""
    failures: Counter = Counter()
    kinds: dict[str, Counter] = {}
    for qual, target in TARGETS + METHODS:
        fn = getattr(target[0], target[1]) if isinstance(target, tuple) else target
        strategy = _arguments(fn)
        seen: list[str] = []

        def probe_once(kwargs, seen=seen, target=target):
            failure = _call(target, kwargs)
            if failure:
                seen.append(failure)

        @settings(max_examples=examples, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        @given(kwargs=strategy)
        def probe(kwargs):
            probe_once(kwargs)

        probe()
        if seen:
            failures[qual] = len(seen)
            kinds[qual] = Counter(seen)
    for label, target, kwargs in INT_PROBES:
        failure = _call(target, kwargs)
        if failure:
            qual = label.split(":")[0]
            failures[qual] += 1
            kinds.setdefault(qual, Counter())[f"{label.split(':')[1]}:{failure}"] += 1
    lines = [f"{n:3d}  {qual}  {dict(kinds[qual])}" for qual, n in failures.most_common()]
    lines.append(f"{len(failures)} of {len(TARGETS) + len(METHODS)} public callables let a non-PaylabError escape")
    # written at the end through a fresh file: a walked call handed a small int as a path may close fd 1
    with open(os.environ.get("PAYLAB_WALK_REPORT", "/dev/stderr"), "w") as out:
        out.write("\n".join(lines) + "\n")
    return failures


if __name__ == "__main__":
    import tempfile

    import matplotlib

    matplotlib.use("Agg")
    os.chdir(tempfile.mkdtemp())
    sys.exit(0 if not _survey(int(sys.argv[1]) if len(sys.argv) > 1 else EXAMPLES) else 1)
