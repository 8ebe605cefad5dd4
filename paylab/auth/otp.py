"""One-time passwords: HOTP (RFC 4226) and TOTP (RFC 6238) with a replay guard.

``hotp`` is the RFC's algorithm step by step (HMAC, dynamic truncation, modulo);
``totp`` feeds it the number of ``step``-second intervals since ``t0``.
``verify_totp`` accepts codes from ``window`` steps either side (clock drift)
and refuses a step it has already accepted (RFC 6238 section 5.2).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import math
from collections.abc import MutableSet
from urllib.parse import quote, urlencode

from paylab.errors import AuthError, InvalidInput

__all__ = ["ALGORITHMS", "hotp", "totp", "time_step", "verify_totp", "provisioning_uri"]

#: Hash functions RFC 6238 allows, by their otpauth names.
ALGORITHMS = {"SHA1": hashlib.sha1, "SHA256": hashlib.sha256, "SHA512": hashlib.sha512}


def _check_common(secret: bytes, digits: int, algorithm: str) -> None:
    if not isinstance(secret, bytes):
        raise InvalidInput("secret", "bytes", "the shared secret must be bytes")
    if len(secret) < 16:
        raise InvalidInput("secret", "at least 16 bytes", "RFC 4226 asks for a secret of at least 128 bits")
    if isinstance(digits, bool) or not isinstance(digits, int) or not 6 <= digits <= 10:
        raise InvalidInput("digits", "6..10", "an OTP has 6 to 10 digits")
    if algorithm not in ALGORITHMS:
        raise InvalidInput("algorithm", "SHA1, SHA256 or SHA512", f"unknown algorithm {algorithm!r}")


def hotp(secret: bytes, counter: int, digits: int = 6, algorithm: str = "SHA1") -> str:
    """The HOTP value for ``counter`` (RFC 4226 section 5.3), as a zero-padded string."""
    _check_common(secret, digits, algorithm)
    if isinstance(counter, bool) or not isinstance(counter, int) or not 0 <= counter < 2**64:
        raise InvalidInput("counter", "0 <= counter < 2**64", "the counter is an unsigned 64-bit integer")
    mac = hmac.new(secret, counter.to_bytes(8, "big"), ALGORITHMS[algorithm]).digest()
    offset = mac[-1] & 0x0F                                     # dynamic truncation
    binary = int.from_bytes(mac[offset:offset + 4], "big") & 0x7FFFFFFF
    return str(binary % 10**digits).zfill(digits)


def time_step(at: float, step: int = 30, t0: int = 0) -> int:
    """The TOTP counter T = floor((at - t0) / step)."""
    if isinstance(at, bool) or not isinstance(at, (int, float)) or not math.isfinite(at):
        raise InvalidInput("at", "epoch seconds", "at must be a finite number of seconds")
    if isinstance(step, bool) or not isinstance(step, int) or step < 1:
        raise InvalidInput("step", "positive integer", "the time step is a positive number of seconds")
    if isinstance(t0, bool) or not isinstance(t0, int):
        raise InvalidInput("t0", "integer", "t0 is an integer number of seconds")
    if at < t0:
        raise InvalidInput("at", "at >= t0", "time before t0 has no TOTP counter")
    return int((at - t0) // step)


def totp(secret: bytes, at: float, step: int = 30, digits: int = 6, algorithm: str = "SHA1",
         t0: int = 0) -> str:
    """The TOTP value at time ``at`` (RFC 6238 section 4)."""
    return hotp(secret, time_step(at, step, t0), digits, algorithm)


def verify_totp(secret: bytes, code: str, at: float, window: int = 1, *, used: MutableSet[int] | None = None,
                step: int = 30, digits: int = 6, algorithm: str = "SHA1", t0: int = 0) -> int:
    """Check ``code`` against steps T-window..T+window; return the matching step.

    ``used`` holds the steps already accepted for this secret: a code of a step at or
    before one of them is refused as a replay, and a success adds its step. Refusals are
    ``AuthError`` with ``code`` ``"otp_invalid"`` or ``"otp_replayed"``.
    """
    if isinstance(window, bool) or not isinstance(window, int) or not 0 <= window <= 10:
        raise InvalidInput("window", "0..10", "the drift window is 0 to 10 steps")
    if not isinstance(code, str):
        raise InvalidInput("code", "str", "the code is a string of digits (leading zeros matter)")
    now = time_step(at, step, t0)
    _check_common(secret, digits, algorithm)
    if len(code) != digits or not code.isdigit():
        raise AuthError(f"the code must be {digits} digits", field="code", code="otp_invalid")
    matched = None
    for candidate in range(max(0, now - window), now + window + 1):
        # compare every candidate, in constant time, so timing does not reveal which step matched
        if hmac.compare_digest(hotp(secret, candidate, digits, algorithm), code) and matched is None:
            matched = candidate
    if matched is None:
        raise AuthError("the code does not match any step in the window", field="code", code="otp_invalid")
    if used is not None:
        if any(s >= matched for s in used):
            raise AuthError("this code (or a later one) was already used", field="code", code="otp_replayed")
        used.add(matched)
    return matched


def provisioning_uri(secret: bytes, account: str, issuer: str, *, digits: int = 6, period: int = 30,
                     algorithm: str = "SHA1") -> str:
    """The ``otpauth://totp/...`` URI an authenticator app reads from a QR code."""
    _check_common(secret, digits, algorithm)
    for name, value in (("account", account), ("issuer", issuer)):
        if not isinstance(value, str) or not value or ":" in value:
            raise InvalidInput(name, "non-empty, no ':'", f"{name} must be a non-empty string without ':'")
    if isinstance(period, bool) or not isinstance(period, int) or period < 1:
        raise InvalidInput("period", "positive integer", "the period is a positive number of seconds")
    label = quote(f"{issuer}:{account}")
    query = urlencode({"secret": base64.b32encode(secret).decode().rstrip("="), "issuer": issuer,
                       "algorithm": algorithm, "digits": digits, "period": period}, quote_via=quote)
    return f"otpauth://totp/{label}?{query}"
