"""Password storage: scrypt with its parameters written into the stored string.

A stored hash looks like ``scrypt$n=16384,r=8,p=1$<salt b64>$<hash b64>`` so a
server can raise the cost later and still check old hashes. Checking compares
in constant time. :func:`brute_force_table` times the hash on *this* machine to
show what the parameters cost a guessing attacker.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import time
from collections.abc import Callable, Mapping, Sequence

import pandas as pd

from paylab.errors import InvalidInput
from paylab.validation import Count

__all__ = ["DEFAULT_PARAMS", "hash_password", "verify_password", "parse_hash", "needs_rehash",
           "brute_force_table", "guess_space", "weak_hash", "crack_unsalted"]

#: scrypt cost parameters used when none are given (n = CPU/memory cost, r = block size, p = lanes).
DEFAULT_PARAMS = {"n": 2**14, "r": 8, "p": 1}
_DKLEN = 32
_SALT_LEN = 16


def _check_params(n: int, r: int, p: int) -> None:
    for name, value in (("n", n), ("r", r), ("p", p)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise InvalidInput(name, "positive integer", f"scrypt parameter {name} must be a positive integer")
    if n < 2 or n & (n - 1):
        raise InvalidInput("n", "power of two > 1", "scrypt n must be a power of two greater than 1")
    if n * r > 2**22:
        raise InvalidInput("n", "n*r <= 2**22", "scrypt memory (128*n*r bytes) is capped at 512 MiB here")
    if n * r * p > 2**23:
        raise InvalidInput("p", "n*r*p <= 2**23", "scrypt work (n*r*p) is capped at 2**23 here: a few seconds")


def _scrypt(password: bytes, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(password, salt=salt, n=n, r=r, p=p, dklen=_DKLEN, maxmem=256 * n * r * p + 2**20)


def _password_bytes(pw: str) -> bytes:
    if not isinstance(pw, str):
        raise InvalidInput("pw", "str", "a password must be a str")
    if not pw:
        raise InvalidInput("pw", "non-empty", "a password must not be empty")
    return pw.encode("utf-8")


def hash_password(pw: str, *, n: Count[2, 2**22] = DEFAULT_PARAMS["n"], r: Count[1, 64] = DEFAULT_PARAMS["r"],
                  p: Count[1, 16] = DEFAULT_PARAMS["p"], salt: bytes | None = None) -> str:
    """Hash ``pw`` with scrypt and a fresh 16-byte salt; the parameters travel in the string."""
    data = _password_bytes(pw)
    _check_params(n, r, p)
    if salt is None:
        salt = os.urandom(_SALT_LEN)
    elif not isinstance(salt, bytes) or len(salt) < 8:
        raise InvalidInput("salt", "bytes, at least 8", "salt must be at least 8 bytes")
    digest = _scrypt(data, salt, n, r, p)
    b64 = base64.b64encode
    return f"scrypt$n={n},r={r},p={p}${b64(salt).decode()}${b64(digest).decode()}"


def parse_hash(stored: str) -> dict:
    """Split a stored hash into ``n``, ``r``, ``p``, ``salt`` and ``hash``; malformed -> InvalidInput."""
    if not isinstance(stored, str):
        raise InvalidInput("stored", "str", "a stored hash must be a str")
    parts = stored.split("$")
    if len(parts) != 4 or parts[0] != "scrypt":
        raise InvalidInput("stored", "scrypt$n=..,r=..,p=..$salt$hash", "not a paylab scrypt hash")
    try:
        params = dict(item.split("=", 1) for item in parts[1].split(","))
        n, r, p = int(params["n"]), int(params["r"]), int(params["p"])
        salt = base64.b64decode(parts[2], validate=True)
        digest = base64.b64decode(parts[3], validate=True)
    except (ValueError, KeyError, binascii.Error):
        raise InvalidInput("stored", "scrypt$n=..,r=..,p=..$salt$hash", "malformed parameters or base64") from None
    try:
        _check_params(n, r, p)
    except InvalidInput as exc:
        raise InvalidInput("stored", exc.rule or "valid parameters", f"stored parameters: {exc.message}") from None
    if len(digest) != _DKLEN or len(salt) < 8:
        raise InvalidInput("stored", "32-byte hash, salt >= 8 bytes", "hash or salt has the wrong length")
    return {"n": n, "r": r, "p": p, "salt": salt, "hash": digest}


def verify_password(pw: str, stored: str) -> bool:
    """True when ``pw`` matches ``stored``; the comparison takes the same time wherever bytes differ."""
    parsed = parse_hash(stored)
    if not isinstance(pw, str):
        raise InvalidInput("pw", "str", "a password must be a str")
    candidate = _scrypt(pw.encode("utf-8"), parsed["salt"], parsed["n"], parsed["r"], parsed["p"])
    return hmac.compare_digest(candidate, parsed["hash"])


def needs_rehash(stored: str, *, n: int = DEFAULT_PARAMS["n"], r: int = DEFAULT_PARAMS["r"],
                 p: int = DEFAULT_PARAMS["p"]) -> bool:
    """True when ``stored`` was made with weaker parameters than the current policy."""
    parsed = parse_hash(stored)
    return parsed["n"] * parsed["r"] * parsed["p"] < n * r * p


#: Sizes of a few password spaces an attacker might search.
def guess_space() -> dict[str, int]:
    """Number of candidates in some common password spaces (for the cost table)."""
    return {
        "6-digit PIN": 10**6,
        "8 lower-case letters": 26**8,
        "8 of 62 letters/digits": 62**8,
        "12 of 62 letters/digits": 62**12,
    }


def brute_force_table(params: Sequence[dict] | None = None, *, repeats: Count[1, 10] = 3,
                      timer: Callable[[], float] = time.perf_counter) -> pd.DataFrame:
    """Time one hash per parameter set on this machine and turn it into attacker cost.

    Columns: parameters, memory per guess, seconds per guess (median of ``repeats``),
    guesses per second for one core of this machine, and days to search each space in
    :func:`guess_space`. The numbers are *measured here*, so they vary between runs.
    """
    if params is None:
        params = [{"n": 2**10, "r": 8, "p": 1}, {"n": 2**12, "r": 8, "p": 1},
                  {"n": 2**14, "r": 8, "p": 1}, {"n": 2**15, "r": 8, "p": 1}]
    if isinstance(repeats, bool) or not isinstance(repeats, int) or repeats < 1:
        raise InvalidInput("repeats", "positive integer", "repeats must be at least 1")
    rows = []
    for ps in params:
        if not isinstance(ps, dict) or set(ps) != {"n", "r", "p"}:
            raise InvalidInput("params", "dicts with n, r, p", "each parameter set needs exactly n, r and p")
        _check_params(ps["n"], ps["r"], ps["p"])
        times = []
        for _ in range(repeats):
            start = timer()
            _scrypt(b"correct horse", b"saltsaltsaltsalt", ps["n"], ps["r"], ps["p"])
            times.append(timer() - start)
        seconds = sorted(times)[len(times) // 2]
        rate = 1.0 / max(seconds, 1e-9)
        row = {"parameters": f"n=2^{ps['n'].bit_length() - 1}, r={ps['r']}, p={ps['p']}",
               "memory (MiB)": 128 * ps["n"] * ps["r"] * ps["p"] / 2**20,
               "ms per guess": 1000 * seconds, "guesses/s (1 core, this machine)": rate}
        for label, size in guess_space().items():
            row[f"days: {label}"] = size / rate / 86400
        rows.append(row)
    return pd.DataFrame(rows)


def weak_hash(pw: str) -> str:
    """DELIBERATELY INSECURE: unsalted SHA-256 (hex), the way many early systems stored passwords.

    Exists only so :func:`crack_unsalted` can show why it fails; use :func:`hash_password`.
    """
    return hashlib.sha256(_password_bytes(pw)).hexdigest()


def crack_unsalted(leaked: Mapping[str, str], *, digits: int = 6) -> tuple[dict[str, str], int]:
    """Recover every PIN of exactly ``digits`` digits from a leak of :func:`weak_hash` values.

    One pass over the 10**digits candidates serves *every* account at once, because
    without a salt equal passwords give equal hashes. Returns ({user: pin}, guesses made).
    """
    if isinstance(digits, bool) or not isinstance(digits, int) or not 1 <= digits <= 7:
        raise InvalidInput("digits", "1..7", "PIN length must be 1 to 7 digits (the search is exhaustive)")
    if not isinstance(leaked, Mapping):
        raise InvalidInput("leaked", "mapping user -> hex digest", "leaked must map users to digests")
    wanted: dict[str, list[str]] = {}
    for user, digest in leaked.items():
        if not isinstance(digest, str) or len(digest) != 64:
            raise InvalidInput("leaked", "64-hex-digit SHA-256", f"digest of {user!r} is not a SHA-256 hex string")
        wanted.setdefault(digest.lower(), []).append(user)
    found: dict[str, str] = {}
    guesses = 0
    for candidate in range(10**digits):
        if not wanted:
            break
        pin = str(candidate).zfill(digits)
        guesses += 1
        users = wanted.pop(hashlib.sha256(pin.encode()).hexdigest(), None)
        for user in users or ():
            found[user] = pin
    return found, guesses
