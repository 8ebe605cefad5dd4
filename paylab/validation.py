"""One mechanism for bad input: a public function's annotations are its rules, checked at the boundary.

``paylab/__init__.py`` calls ``install("paylab")`` first: from then on every paylab module, as it
is imported, has each function in its ``__all__``, and the constructor and public methods of each
class there, wrapped so that its arguments are checked against their type hints before the body
runs (``guard(namespace)`` does the wrapping; ``@validated`` is the same check for one function).
A value of the wrong type, or one that breaks a rule carried in an ``Annotated`` hint, raises
``InvalidInput`` naming the parameter and the rule, instead of an ``AttributeError`` or a library
error from deep inside.

The rules a signature can carry (see ``Count``, ``Seed``, ``Finite``, ``Between``, ``NonEmpty``):

- ``n: Count[10_000]`` — an integer in [0, 10 000]; the maximum bounds the work a call may do and
  the error names it. ``Count[1, 64]`` sets a minimum too.
- ``seed: Seed`` — a seed numpy and ``random`` both accept: an integer in [0, 2**63 - 1].
- ``x: Finite`` — a float that is neither NaN nor infinite; ``Between(0, 1)`` for a closed range.
- ``items: NonEmpty[list[Money]]`` — a collection with at least one element.
- ``data: Annotated[bytes, MaxLength(4096)]`` — at most that many bytes, characters or items.
- ``key: Annotated[str, Pattern("[0-9a-f]+", "hex digits")]`` — a text of that form.

Also, for every parameter, without any annotation beyond its type: numpy scalars are accepted
wherever an ``int``, ``float`` or ``bool`` is (and handed on as the Python number), and NaN (or
a non-finite ``Decimal``) is refused outright. A value of another type than its hint (a
``bytearray`` for ``bytes``, an array for a ``Sequence[float]``, ``True`` for an ``int``) is still
handed to the body, which may take it or refuse it with its own, finer ``PaylabError``; if the
body fails with anything else, the caller gets the ``InvalidInput`` the hint implies (the raw
exception is chained as its cause), so the answer for every input a function took before is unchanged.
"""

from __future__ import annotations

import collections.abc as cabc
import functools
import importlib.abc
import importlib.machinery
import inspect
import math
import numbers
import sys
import types
import typing
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from typing import Annotated, Any

from paylab.errors import InvalidInput

__all__ = ["Between", "Count", "Seed", "Finite", "NonEmpty", "MaxLength", "Pattern", "MAX_SEED", "guard",
           "validated", "install", "Rule"]

#: largest seed the walk guarantees: numpy and ``random`` both take any non-negative int up to here
MAX_SEED = 2**63 - 1


class Rule:
    """A check carried in ``Annotated[T, rule]``: ``check(value, field)`` raises ``InvalidInput``."""

    def check(self, value: Any, field: str) -> None:  # pragma: no cover - overridden
        raise NotImplementedError


@dataclass(frozen=True)
class Between(Rule):
    """A number in [low, high] (either end may be None for unbounded); NaN is outside every range."""

    low: float | None = None
    high: float | None = None
    integer: bool = False

    def describe(self) -> str:
        kind = "an integer" if self.integer else "a number"
        if self.low is not None and self.high is not None:
            return f"{kind} in [{self.low:,}, {self.high:,}]"
        if self.low is not None:
            return f"{kind} >= {self.low:,}"
        if self.high is not None:
            return f"{kind} <= {self.high:,}"
        return f"{kind}, finite"

    def check(self, value: Any, field: str) -> None:
        if not isinstance(value, numbers.Real | Decimal):
            return  # another member of a Union (``Iterable[str] | Count[…]``) took the value
        try:
            ok = not (isinstance(value, float | Decimal) and (value != value or abs(value) == math.inf))
            ok = ok and (self.low is None or value >= self.low) and (self.high is None or value <= self.high)
        except TypeError:
            ok = False
        if not ok:
            rule = self.describe()
            cap = f" (the maximum, {self.high:,}, keeps one call within a laptop's seconds and memory)" \
                if self.integer and self.high is not None and self.high >= 10 and value > self.high else ""
            raise InvalidInput(field, rule, f"{field} must be {rule}, got {value!r:.60}{cap}")


class _NonEmptyRule(Rule):
    def check(self, value: Any, field: str) -> None:
        try:
            empty = len(value) == 0
        except TypeError:
            empty = False
        if empty:
            raise InvalidInput(field, "not empty", f"{field} must have at least one element")


@dataclass(frozen=True)
class MaxLength(Rule):
    """A text, bytes or collection of at most ``limit`` elements (the work grows with the length)."""

    limit: int

    def check(self, value: Any, field: str) -> None:
        try:
            n = len(value)
        except TypeError:
            return
        if n > self.limit:
            raise InvalidInput(field, f"at most {self.limit:,} long",
                               f"{field} holds {n:,} elements; the maximum, {self.limit:,}, keeps one call "
                               "within a laptop's seconds and memory")


@dataclass(frozen=True)
class Pattern(Rule):
    """A text that matches ``regex`` in full (``what`` says what it should look like)."""

    regex: str
    what: str

    def check(self, value: Any, field: str) -> None:
        import re

        if isinstance(value, str) and re.fullmatch(self.regex, value) is None:
            raise InvalidInput(field, self.what, f"{field} must be {self.what}, got {value!r:.40}")


class _FiniteRule(Rule):
    def check(self, value: Any, field: str) -> None:
        if isinstance(value, float | Decimal | numbers.Real) and not math.isfinite(value):
            raise InvalidInput(field, "finite", f"{field} must be a finite number, got {value!r}")


class Count:
    """``Count[high]`` or ``Count[low, high]``: an ``int`` in the range; the maximum bounds the work."""

    def __class_getitem__(cls, bounds: int | tuple[int, int]) -> Any:
        low, high = bounds if isinstance(bounds, tuple) else (0, bounds)
        return Annotated[int, Between(low, high, integer=True)]


class NonEmpty:
    """``NonEmpty[list[X]]``: the collection must hold at least one element."""

    def __class_getitem__(cls, hint: Any) -> Any:
        return Annotated[hint, _NonEmptyRule()]


Seed = Annotated[int, Between(0, MAX_SEED, integer=True)]
Finite = Annotated[float, _FiniteRule()]


# --- checking a value against a hint ---------------------------------------------------------------

_NUMPY_INT = _NUMPY_FLOAT = _NUMPY_BOOL = ()
try:  # numpy is a dependency, but keep the checker importable without it
    import numpy as _np

    _NUMPY_INT, _NUMPY_FLOAT, _NUMPY_BOOL = (_np.integer,), (_np.floating,), (_np.bool_,)
except ImportError:  # pragma: no cover
    pass


class _Mismatch(Exception):
    """A value does not fit its hint. ``hard``: never acceptable (NaN); else the body may still take it."""

    def __init__(self, expected: str, *, hard: bool = False, where: str = "") -> None:
        self.expected = expected
        self.hard = hard
        self.where = where


def _name(hint: Any) -> str:
    if isinstance(hint, type):
        return hint.__name__
    return str(hint).replace("typing.", "").replace("collections.abc.", "")


def _accept(value: Any) -> Any:
    return value


def _compile(hint: Any) -> Any:
    """A checker for ``hint``: value -> value (numpy scalars as Python numbers), or raise _Mismatch.

    Built once per parameter, so a call pays a few isinstance tests, not a walk over typing objects.
    """
    if hint is Any or hint is object or isinstance(hint, typing.TypeVar | str) or hint is typing.NoReturn:
        return _accept
    if hint is None or hint is type(None):
        def none(value: Any) -> Any:
            if value is None:
                return value
            raise _Mismatch("None")
        return none
    origin = typing.get_origin(hint)
    if origin is Annotated:
        return _compile(typing.get_args(hint)[0])
    if origin is typing.Union or origin is types.UnionType:
        members = typing.get_args(hint)
        checkers = [_compile(m) for m in members]
        if _accept in checkers:
            return _accept
        plain = tuple(m for m in members if isinstance(m, type) and m not in (int, float, bool, Decimal)
                      and typing.get_origin(m) is None and not getattr(m, "_is_protocol", False))
        expected = " or ".join(_name(m) for m in members)

        def union(value: Any) -> Any:
            if plain and isinstance(value, plain):
                return value
            for check in checkers:
                try:
                    return check(value)
                except _Mismatch:
                    pass
            raise _Mismatch(expected)
        return union
    if origin is typing.Literal:
        choices = typing.get_args(hint)
        expected = "one of " + ", ".join(repr(c) for c in choices)

        def literal(value: Any) -> Any:
            if any(value == c and type(value) is type(c) for c in choices):
                return value
            raise _Mismatch(expected)
        return literal
    if hint is int:
        def integer(value: Any) -> Any:
            if isinstance(value, int) and not isinstance(value, bool):
                return value
            if isinstance(value, _NUMPY_INT):
                return int(value)
            raise _Mismatch("an integer (not True/False)" if isinstance(value, bool) else "an integer")
        return integer
    if hint is float:
        def real(value: Any) -> Any:
            if isinstance(value, float | int) and not isinstance(value, bool):
                if value != value:
                    raise _Mismatch("a number (not NaN)", hard=True)
                return value
            if isinstance(value, _NUMPY_FLOAT + _NUMPY_INT):
                v = value.item()
                if v != v:
                    raise _Mismatch("a number (not NaN)", hard=True)
                return v
            raise _Mismatch("a number (not True/False)" if isinstance(value, bool) else "a number")
        return real
    if hint is bool:
        def boolean(value: Any) -> Any:
            if isinstance(value, bool):
                return value
            if isinstance(value, _NUMPY_BOOL):
                return bool(value)
            raise _Mismatch("True or False")
        return boolean
    if hint is Decimal:
        def decimal(value: Any) -> Any:
            if isinstance(value, Decimal):
                if not value.is_finite():
                    raise _Mismatch("a finite Decimal", hard=True)
                return value
            raise _Mismatch("a Decimal")
        return decimal
    if origin is not None:
        return _compile_generic(hint, origin)
    if hint is cabc.Callable:
        return _callable
    if isinstance(hint, type):
        if getattr(hint, "_is_protocol", False) and not getattr(hint, "_is_runtime_protocol", False):
            return _accept
        expected = _name(hint)

        def instance(value: Any) -> Any:
            if isinstance(value, hint):
                return value
            raise _Mismatch(expected)
        return instance
    return _accept  # a hint this checker does not know: trust the function


def _callable(value: Any) -> Any:
    if callable(value):
        return value
    raise _Mismatch("a callable")


def _compile_generic(hint: Any, origin: Any) -> Any:
    args = typing.get_args(hint)
    if origin is cabc.Callable:
        return _callable
    if not isinstance(origin, type):
        return _accept
    expected = _name(hint)
    inner = [_compile(a) if a is not Ellipsis else None for a in args]
    text_ok = not args or args[0] in (str, Any)
    fixed_tuple = origin is tuple and args and not (len(args) == 2 and args[1] is Ellipsis)

    def generic(value: Any) -> Any:
        if not isinstance(value, origin):
            raise _Mismatch(expected)
        if isinstance(value, str | bytes) and origin is not str and origin is not bytes and not text_ok:
            raise _Mismatch(expected)
        if not args:
            return value
        where = ""
        try:
            if isinstance(value, cabc.Mapping) and len(args) == 2:
                for k, v in value.items():
                    where = f"[{k!r:.20}]"
                    inner[0](k)
                    inner[1](v)
                return value
            if fixed_tuple:
                if len(value) != len(args):
                    raise _Mismatch(expected)
                for i, (item, check) in enumerate(zip(value, inner, strict=True)):
                    where = f"[{i}]"
                    check(item)
                return value
            if isinstance(value, list | tuple | set | frozenset | dict | cabc.KeysView | cabc.ValuesView):
                check = inner[0]
                if check is not _accept:
                    for i, item in enumerate(value):
                        where = f"[{i}]"
                        check(item)
        except _Mismatch as m:
            raise _Mismatch(m.expected, hard=m.hard, where=where + m.where) from None
        return value
    return generic


# --- the decorator -----------------------------------------------------------------------------------

def _rules(hint: Any) -> list[Rule]:
    """Rules carried in Annotated metadata, also inside ``X | None``."""
    found = []
    if typing.get_origin(hint) is Annotated:
        found += [m for m in typing.get_args(hint)[1:] if isinstance(m, Rule)]
    elif typing.get_origin(hint) in (typing.Union, types.UnionType):
        for arg in typing.get_args(hint):
            found += _rules(arg)
    return found


def _resolve(fn: Any, owner: type | None) -> dict[str, Any]:
    """The function's type hints, resolving each one alone so one unknown name loses one check only."""
    try:
        return typing.get_type_hints(fn, include_extras=True)
    except Exception:
        pass
    raw = dict(getattr(fn, "__annotations__", {}) or {})
    if owner is not None:
        try:  # a dataclass __init__: its field annotations live on the class
            raw = {**typing.get_type_hints(owner, include_extras=True), **raw}
        except Exception:
            pass
    ns = dict(getattr(fn, "__globals__", {}))
    if owner is not None:
        ns.update(vars(inspect.getmodule(owner) or owner))
    out = {}
    for name, ann in raw.items():
        if isinstance(ann, str):
            try:
                ann = eval(ann, ns)  # noqa: S307 - the package's own annotations
            except Exception:
                continue
        out[name] = ann
    return out


def _fast(hint: Any) -> frozenset:
    """Exact types that pass ``hint`` unchanged and unchecked (so a call with them skips the checker)."""
    if typing.get_origin(hint) is Annotated:
        return frozenset() if _rules(hint) else _fast(typing.get_args(hint)[0])
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        out: frozenset = frozenset()
        for arg in typing.get_args(hint):
            out |= _fast(arg)
        return out
    if hint is None or hint is type(None):
        return frozenset({type(None)})
    if hint in (int, bool, str, bytes):
        return frozenset({hint})
    origin = typing.get_origin(hint)
    if origin in (list, dict, tuple, set, frozenset) and all(
            _compile(a) is _accept for a in typing.get_args(hint) if a is not Ellipsis):
        return frozenset({origin})
    if isinstance(hint, type) and origin is None and hint not in (float, Decimal) \
            and not getattr(hint, "_is_protocol", False):
        return frozenset({hint})
    return frozenset()


def _checker(fn: Any, owner: type | None) -> tuple[list, dict]:
    """(positional checks as (index, name, fast types, spec), keyword checks name -> (fast types, spec))."""
    sig = inspect.signature(fn)
    hints = _resolve(fn, owner)
    positional, keyword = [], {}
    index = 0
    for name, p in sig.parameters.items():
        if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
            continue
        at = index if p.kind != p.KEYWORD_ONLY else None
        if at is not None:
            index += 1
        hint = hints.get(name)
        if hint is None or name in ("self", "cls"):
            continue
        spec = (_compile(hint), _rules(hint), p.default, _name(hint))
        if spec[0] is _accept and not spec[1]:
            continue  # Any, object, a TypeVar: nothing to check
        fast = _fast(hint)
        if at is not None and p.kind != p.POSITIONAL_ONLY:
            positional.append((at, name, fast, spec))
        elif at is not None:
            positional.append((at, name, fast, spec))
        if p.kind != p.POSITIONAL_ONLY:
            keyword[name] = (fast, spec)
    return positional, keyword


def _refusal(field: str, value: Any, m: _Mismatch) -> InvalidInput:
    field = field + m.where
    return InvalidInput(field, f"must be {m.expected}",
                        f"{field} must be {m.expected}, not {type(value).__name__} {value!r:.60}")


def _check(field: str, value: Any, spec: tuple) -> Any:
    """The checked value; raises InvalidInput for a hard mismatch or a broken rule, _Mismatch for a soft one."""
    checker, rules, _default, hint = spec
    try:
        value = checker(value)
    except _Mismatch as m:
        if m.hard:
            raise _refusal(field, value, m) from None
        raise
    except (TypeError, ValueError, AttributeError):  # an exotic value that breaks len()/iteration
        raise _Mismatch(hint) from None
    if value is not None:
        for rule in rules:
            rule.check(value, field)
    return value


def _call_anyway(fn: Any, args: Any, kwargs: Any, field: str, value: Any, m: _Mismatch) -> Any:
    """A value of another type than the hint says: the body may still take it (a bytearray for bytes,
    an array for a sequence, its own finer error); if it fails with anything but a PaylabError, the
    caller gets the InvalidInput the hint implies instead of the raw exception."""
    from paylab.errors import PaylabError

    try:
        return fn(*args, **kwargs)
    except PaylabError:
        raise
    except Exception as exc:
        raise _refusal(field, value, m) from exc


def validated(fn: Any = None, *, owner: type | None = None) -> Any:
    """Decorate a function so every argument is checked against its annotation before the body runs."""
    if fn is None:
        return functools.partial(validated, owner=owner)
    if getattr(fn, "__paylab_validated__", False):
        return fn
    state: dict[str, Any] = {}
    home = (owner.__module__ if owner is not None else getattr(fn, "__module__", None)) or ""
    area = ".".join(home.split(".")[:2])  # paylab.flow, paylab.money …: calls from inside it are trusted
    frame = sys._getframe

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        caller = frame(1).f_globals.get("__name__", "")
        if caller.startswith(area) and (len(caller) == len(area) or caller[len(area)] == "."):
            return fn(*args, **kwargs)  # a call inside one module or package: its own boundary was checked
        if not state:  # resolve lazily: forward references exist by the first call
            state["pos"], state["kw"] = _checker(fn, owner)
        soft = None
        checked = None
        for i, name, fast, spec in state["pos"]:
            if i >= len(args):
                break
            value = args[i]
            if type(value) in fast or value is spec[2]:
                continue
            if checked is None:
                checked = list(args)
            try:
                checked[i] = _check(name, value, spec)
            except _Mismatch as m:
                soft = soft or (name, value, m)
        if checked is not None:
            args = tuple(checked)
        if kwargs:
            kw = state["kw"]
            for key, value in kwargs.items():
                entry = kw.get(key)
                if entry is None or type(value) in entry[0] or value is entry[1][2]:
                    continue
                try:
                    kwargs[key] = _check(key, value, entry[1])
                except _Mismatch as m:
                    soft = soft or (key, value, m)
        if soft is not None:
            return _call_anyway(fn, args, kwargs, *soft)
        return fn(*args, **kwargs)

    wrapper.__paylab_validated__ = True  # type: ignore[attr-defined]
    return wrapper


def _guard_class(cls: type) -> None:
    if issubclass(cls, BaseException | Enum) or getattr(cls, "_is_protocol", False):
        return
    if getattr(cls, "__paylab_guarded__", None) is cls:
        return
    for name, member in list(vars(cls).items()):
        if name.startswith("_") and name != "__init__":
            continue
        if isinstance(member, staticmethod):
            setattr(cls, name, staticmethod(validated(member.__func__, owner=cls)))
        elif isinstance(member, classmethod):
            setattr(cls, name, classmethod(validated(member.__func__, owner=cls)))
        elif inspect.isfunction(member):
            if name == "__init__" and cls.__init__ is object.__init__:
                continue
            setattr(cls, name, validated(member, owner=cls))
    cls.__paylab_guarded__ = cls  # type: ignore[attr-defined]


def guard(namespace: dict[str, Any]) -> None:
    """Wrap every function and class method named in the module's ``__all__`` (call at the module's end)."""
    module = namespace.get("__name__")
    for name in namespace.get("__all__", ()):
        obj = namespace.get(name)
        home = getattr(obj, "__module__", None) or ""
        if home.split(".")[0] != module.split(".")[0]:
            continue  # a library's name re-exported: not ours to wrap
        if home != module and name in getattr(sys.modules.get(home), "__all__", ()):
            continue  # a re-export: its home module guards it
        if inspect.isclass(obj):
            if hasattr(obj, "_fields") and issubclass(obj, tuple):
                continue  # NamedTuple: its __new__ is generated C-fast; leave it
            _guard_class(obj)
        elif inspect.isfunction(obj):
            namespace[name] = validated(obj)


# --- applying it to a whole package as its modules are imported ----------------------------------------

_SKIP = {"paylab.errors", "paylab.validation"}


class _GuardingLoader(importlib.abc.Loader):
    """Runs the real loader, then guards the module's public names before any importer sees them."""

    def __init__(self, loader: Any) -> None:
        self._loader = loader

    def create_module(self, spec: Any) -> Any:
        return self._loader.create_module(spec)

    def exec_module(self, module: types.ModuleType) -> None:
        self._loader.exec_module(module)
        guard(vars(module))

    def __getattr__(self, name: str) -> Any:  # get_source, get_resource_reader, is_package …
        return getattr(self._loader, name)


class _GuardingFinder(importlib.abc.MetaPathFinder):
    def __init__(self, package: str) -> None:
        self.package = package

    def find_spec(self, fullname: str, path: Any = None, target: Any = None) -> Any:
        if not fullname.startswith(self.package + ".") or fullname in _SKIP:
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, path, target)
        if spec is not None and spec.loader is not None and hasattr(spec.loader, "exec_module"):
            spec.loader = _GuardingLoader(spec.loader)
        return spec


def install(package: str) -> None:
    """Guard every module of ``package`` imported from now on (idempotent)."""
    if not any(isinstance(f, _GuardingFinder) and f.package == package for f in sys.meta_path):
        sys.meta_path.insert(0, _GuardingFinder(package))
