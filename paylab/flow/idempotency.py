"""Idempotency keys: a retried request returns the first result and never charges twice.

A client that times out cannot know whether its payment went through. It
retries with the same ``Idempotency-Key``; the gateway recognises the key and
returns what the first attempt returned. The same key with *different*
parameters is a client bug and raises :class:`~paylab.errors.IdempotencyConflict`.
Keys are kept for at least 24 hours of the injected clock, as Stripe does.

The store is safe to share between threads: a re-entrant lock makes each look-up atomic, and
:meth:`IdempotencyStore.run` holds it while the request runs, so two threads retrying with one
key run the request once and both get its result.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

from paylab.clock import Clock
from paylab.errors import IdempotencyConflict, InvalidInput

__all__ = ["IdempotencyStore", "Record", "MAX_KEY_LENGTH", "MIN_TTL"]

MAX_KEY_LENGTH = 255
MIN_TTL = 24 * 3600.0


@dataclass(slots=True)
class Record:
    """What the store remembers about one key: the request, its result and when."""

    key: str
    operation: str
    params: Hashable
    created: float
    result: Any = None
    done: bool = False


def check_key(key: object) -> str:
    """Return ``key`` if it is a usable idempotency key, else raise ``InvalidInput``."""
    if not isinstance(key, str):
        raise InvalidInput("idempotency_key", "must be a string",
                           f"an idempotency key is a string, not {type(key).__name__}")
    if not key or len(key) > MAX_KEY_LENGTH:
        raise InvalidInput("idempotency_key", f"1 to {MAX_KEY_LENGTH} characters",
                           f"an idempotency key has 1 to {MAX_KEY_LENGTH} characters, got {len(key)}")
    return key


class IdempotencyStore:
    """Remembers each key's request and result for ``ttl`` seconds (at least 24 h)."""

    def __init__(self, clock: Clock, ttl: float = MIN_TTL) -> None:
        if isinstance(ttl, bool) or not isinstance(ttl, (int, float)) or ttl < MIN_TTL:
            raise InvalidInput("ttl", ">= 86400 seconds",
                               "idempotency keys must be kept at least 24 hours")
        self.clock = clock
        self.ttl = float(ttl)
        self._records: OrderedDict[str, Record] = OrderedDict()
        self._lock = threading.RLock()

    def __len__(self) -> int:
        with self._lock:
            self._expire(self.clock())
            return len(self._records)

    def __contains__(self, key: object) -> bool:
        return self.get(key) is not None  # type: ignore[arg-type]

    def _expire(self, now: float) -> None:
        records = self._records
        while records:
            first = next(iter(records.values()))
            if now - first.created < self.ttl:
                break
            records.popitem(last=False)

    def get(self, key: str) -> Record | None:
        """The live record of ``key``, or None if unknown or expired."""
        with self._lock:
            self._expire(self.clock())
            return self._records.get(key)

    def begin(self, key: str, operation: str, params: Hashable) -> Record:
        """Look ``key`` up for ``operation(params)``: return its record if the same request
        was seen (check ``record.done``), else open a new record. Different params or a
        different operation under the same key raise ``IdempotencyConflict``."""
        check_key(key)
        with self._lock:
            now = self.clock()
            self._expire(now)
            rec = self._records.get(key)
            if rec is None:
                rec = Record(key, operation, params, now)
                self._records[key] = rec
                return rec
        if rec.operation != operation or rec.params != params:
            raise IdempotencyConflict(
                f"idempotency key {key!r} was first used for {rec.operation} with other "
                "parameters; use a new key for a new request", field="idempotency_key",
                rule="same key, same request")
        return rec

    def finish(self, record: Record, result: Any) -> Any:
        """Store the result of the request opened by ``begin``."""
        record.result = result
        record.done = True
        return result

    def run(self, key: str, operation: str, params: Hashable, fn: Callable[[], Any]) -> Any:
        """Run ``fn`` once for this key; a repeat with the same params returns the first result.
        If ``fn`` raises, the key is released so the client may retry."""
        with self._lock:
            rec = self.begin(key, operation, params)
            if rec.done:
                return rec.result
            try:
                return self.finish(rec, fn())
            except BaseException:
                self._records.pop(key, None)
                raise
