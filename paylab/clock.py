"""Injectable clocks: a clock is any zero-argument callable returning epoch seconds.

Logic takes ``clock`` as a parameter so tests and notebooks control time:
``FixedClock`` stands still until told to move, ``SteppingClock`` advances by a
fixed step each time it is read. ``system_clock`` is the real one.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime

from paylab.errors import InvalidInput

__all__ = ["Clock", "FixedClock", "SteppingClock", "system_clock", "EPOCH_2026"]

Clock = Callable[[], float]

#: 2026-01-01T00:00:00Z, the default start of the book's simulated clocks.
EPOCH_2026 = 1767225600.0


def system_clock() -> float:
    """The machine's wall-clock time (use only at the edge, never inside logic)."""
    return time.time()


def _seconds(value: float | int | datetime, field: str) -> float:
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise InvalidInput(field, "timezone-aware datetime", f"{field} needs a timezone")
        return value.timestamp()
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InvalidInput(field, "seconds or datetime", f"{field} must be epoch seconds or a datetime")
    return float(value)


class FixedClock:
    """A clock that reads the same time until ``advance`` or ``set`` moves it."""

    def __init__(self, start: float | int | datetime = EPOCH_2026) -> None:
        self.now = _seconds(start, "start")

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float = 0, *, minutes: float = 0, hours: float = 0,
                days: float = 0) -> float:
        """Move forward (never back) and return the new time."""
        delta = seconds + 60 * minutes + 3600 * hours + 86400 * days
        if delta < 0:
            raise InvalidInput("seconds", "non-negative", "a clock does not run backwards")
        self.now += delta
        return self.now

    def set(self, when: float | int | datetime) -> None:
        """Jump to ``when`` (which may be earlier: useful to replay a recorded day)."""
        self.now = _seconds(when, "when")

    def isoformat(self) -> str:
        return datetime.fromtimestamp(self.now, UTC).isoformat()

    def __repr__(self) -> str:
        return f"FixedClock({self.isoformat()})"


class SteppingClock(FixedClock):
    """A clock that moves ``step`` seconds forward every time it is read."""

    def __init__(self, start: float | int | datetime = EPOCH_2026, step: float = 1.0) -> None:
        super().__init__(start)
        if step < 0:
            raise InvalidInput("step", "non-negative", "step must not be negative")
        self.step = float(step)

    def __call__(self) -> float:
        now = self.now
        self.now += self.step
        return now
