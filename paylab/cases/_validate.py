"""Input checks shared by the case models: each raises ``InvalidInput`` naming the field."""

from __future__ import annotations

from decimal import Decimal

from paylab.errors import InvalidInput
from paylab.money import Money, _to_decimal


def prob(value: object, field: str) -> float:
    """A probability in [0, 1] (floats allowed: rates are not money)."""
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        raise InvalidInput(field, "a number in [0, 1]", f"{field} must be a number in [0, 1]")
    v = float(value)
    if not 0.0 <= v <= 1.0:
        raise InvalidInput(field, "a number in [0, 1]", f"{field} must lie in [0, 1], got {value!r}")
    return v


def nonneg(value: object, field: str) -> float:
    """A finite non-negative number (a rate, a count of days, a multiplier)."""
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        raise InvalidInput(field, "a non-negative number", f"{field} must be a non-negative number")
    v = float(value)
    if not v >= 0.0 or v == float("inf"):
        raise InvalidInput(field, "a non-negative number", f"{field} must be finite and >= 0, got {value!r}")
    return v


def count(value: object, field: str, minimum: int = 0) -> int:
    """An integer count of at least ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInput(field, f"an integer >= {minimum}", f"{field} must be an int, not {type(value).__name__}")
    if value < minimum:
        raise InvalidInput(field, f"an integer >= {minimum}", f"{field} must be >= {minimum}, got {value}")
    return value


def rate(value: object, field: str) -> Decimal:
    """A non-negative exact rate (Decimal, int or str; no floats because it multiplies money)."""
    d = _to_decimal(value, field)
    if d < 0:
        raise InvalidInput(field, "non-negative", f"{field} must not be negative, got {d}")
    return d


def money(value: object, field: str, *, positive: bool = False) -> Money:
    """A Money value (non-negative; strictly positive if ``positive``)."""
    if not isinstance(value, Money):
        raise InvalidInput(field, "must be Money", f"{field} must be paylab.money.Money, not {type(value).__name__}")
    if value.amount < 0 or (positive and value.amount == 0):
        rule = "positive" if positive else "non-negative"
        raise InvalidInput(field, rule, f"{field} must be {rule}, got {value}")
    return value


def policy(value: object, field: str, allowed: tuple[str, ...]) -> str:
    """One of the named policies."""
    if value not in allowed:
        raise InvalidInput(field, f"one of {', '.join(allowed)}",
                           f"{field} must be one of {', '.join(allowed)}, got {value!r}")
    return str(value)
