"""Input checks and time helpers shared by the ``paylab.crypto`` modules (private)."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from paylab.clock import Clock, system_clock
from paylab.errors import InvalidInput

AES_KEY_SIZES = (16, 24, 32)


def need_bytes(value: object, field: str) -> bytes:
    """``value`` as ``bytes`` (bytearray/memoryview accepted), else InvalidInput naming ``field``."""
    if type(value) is bytes:
        return value
    if isinstance(value, (bytearray, memoryview)):
        return bytes(value)
    raise InvalidInput(field, "bytes", f"{field} must be bytes, not {type(value).__name__}")


def need_aes_key(key: object, field: str = "key") -> bytes:
    """An AES key of 16, 24 or 32 bytes."""
    key = need_bytes(key, field)
    if len(key) not in AES_KEY_SIZES:
        raise InvalidInput(field, "16, 24 or 32 bytes",
                           f"{field} must be 16, 24 or 32 bytes long (AES-128/192/256), got {len(key)}")
    return key


def as_datetime(when: float | int | datetime | None, field: str,
                clock: Clock | None = None) -> datetime:
    """A timezone-aware UTC datetime from epoch seconds, a datetime, or (``None``) the clock."""
    if when is None:
        when = (clock or system_clock)()
    if isinstance(when, datetime):
        if when.tzinfo is None:
            raise InvalidInput(field, "timezone-aware datetime", f"{field} needs a timezone")
        return when.astimezone(UTC)
    if isinstance(when, bool) or not isinstance(when, (int, float)):
        raise InvalidInput(field, "epoch seconds or datetime",
                           f"{field} must be epoch seconds or a datetime")
    try:
        return datetime.fromtimestamp(float(when), UTC)
    except (OverflowError, ValueError, OSError):
        raise InvalidInput(field, "a representable time", f"{field} is out of range") from None


def seeded_bytes(seed: int, label: str, n: int = 32) -> bytes:
    """``n`` reproducible bytes from ``seed`` and ``label`` (for teaching examples only).

    Real keys come from the operating system's CSPRNG; a seed makes the book's
    outputs repeatable and is therefore never secret.
    """
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise InvalidInput("seed", "int", "seed must be an int")
    out = b""
    counter = 0
    while len(out) < n:
        out += hashlib.sha256(f"paylab-seed|{seed}|{label}|{counter}".encode()).digest()
        counter += 1
    return out[:n]
