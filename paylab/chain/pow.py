"""Proof of work: find a nonce whose SHA-256 header hash starts with ``difficulty`` zero bits.

Each attempt succeeds with probability 2**-difficulty, so the number of attempts
is geometric with mean 2**difficulty: one more bit of difficulty doubles the
expected work. Nonces are tried in order from a start value, so every run is
reproducible.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Annotated

from paylab.errors import InvalidInput
from paylab.validation import Count, MaxLength, Seed

__all__ = ["MAX_DIFFICULTY", "MiningResult", "leading_zero_bits", "meets_difficulty", "mine",
           "expected_attempts", "pow_experiment"]

#: Upper bound for difficulty in this book's labs: 2**20 expected attempts, a few seconds in Python
#: (2**24 would be most of a minute).
MAX_DIFFICULTY = 20
#: the most hashes pow_experiment may expect to compute (trials × Σ 2**difficulty): a few seconds
MAX_EXPERIMENT_WORK = 2**21


def _check_difficulty(difficulty: int) -> int:
    if isinstance(difficulty, bool) or not isinstance(difficulty, int):
        raise InvalidInput("difficulty", "an int number of zero bits",
                           f"difficulty must be an int, not {type(difficulty).__name__}")
    if not 0 <= difficulty <= MAX_DIFFICULTY:
        raise InvalidInput("difficulty", f"0 <= difficulty <= {MAX_DIFFICULTY}",
                           f"difficulty {difficulty} is outside 0..{MAX_DIFFICULTY} zero bits")
    return difficulty


def leading_zero_bits(digest: bytes) -> int:
    """How many zero bits a hash starts with."""
    value = int.from_bytes(digest, "big")
    return len(digest) * 8 - value.bit_length()


def meets_difficulty(digest: bytes, difficulty: int) -> bool:
    """True when ``digest`` starts with at least ``difficulty`` zero bits."""
    return leading_zero_bits(digest) >= _check_difficulty(difficulty)


def expected_attempts(difficulty: int) -> int:
    """The mean number of attempts at this difficulty: 2**difficulty."""
    return 2 ** _check_difficulty(difficulty)


@dataclass(frozen=True)
class MiningResult:
    """The nonce found, the hash it gives and how many nonces were tried."""

    nonce: int
    digest: bytes
    attempts: int

    @property
    def hash(self) -> str:
        return self.digest.hex()


def mine(header: bytes, difficulty: int, *, start_nonce: Count[2**64 - 1] = 0,
         max_attempts: int | None = None) -> MiningResult:
    """Try nonces ``start_nonce, start_nonce+1, …`` until SHA-256(header || nonce) meets the target.

    The nonce is appended as 8 big-endian bytes. Raises ``InvalidInput`` if
    ``max_attempts`` runs out first.
    """
    if not isinstance(header, (bytes, bytearray)):
        raise InvalidInput("header", "bytes", f"header must be bytes, not {type(header).__name__}")
    _check_difficulty(difficulty)
    if isinstance(start_nonce, bool) or not isinstance(start_nonce, int) or start_nonce < 0:
        raise InvalidInput("start_nonce", "a non-negative int", "start_nonce must be an int >= 0")
    if max_attempts is not None and (not isinstance(max_attempts, int) or max_attempts < 1):
        raise InvalidInput("max_attempts", "a positive int", "max_attempts must be an int >= 1")
    target = 1 << (256 - difficulty)
    base = hashlib.sha256(bytes(header))
    nonce = start_nonce
    attempts = 0
    while max_attempts is None or attempts < max_attempts:
        attempts += 1
        h = base.copy()
        h.update(nonce.to_bytes(8, "big"))
        digest = h.digest()
        if int.from_bytes(digest, "big") < target:
            return MiningResult(nonce, digest, attempts)
        nonce += 1
    raise InvalidInput("max_attempts", "enough attempts for the difficulty",
                       f"no nonce found in {max_attempts} attempts at difficulty {difficulty} "
                       f"(expected about {2 ** difficulty})")


def pow_experiment(difficulties: Annotated[list[int] | range, MaxLength(64)], trials: Count[1, 10_000] = 20,
                   seed: Seed = 0) -> list[dict]:
    """Mine ``trials`` different headers at each difficulty; expected vs measured attempts.

    Headers are derived from ``seed`` and the trial number, so the result is
    the same on every run. Returns one record per difficulty.
    """
    if isinstance(trials, bool) or not isinstance(trials, int) or trials < 1:
        raise InvalidInput("trials", "a positive int", "trials must be an int >= 1")
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise InvalidInput("seed", "an int", "seed must be an int")
    for d in difficulties:
        _check_difficulty(d)
    if trials * sum(2 ** d for d in difficulties) > MAX_EXPERIMENT_WORK:
        raise InvalidInput("trials", f"trials × Σ 2**difficulty <= {MAX_EXPERIMENT_WORK:,}",
                           f"that many trials at those difficulties expects more than {MAX_EXPERIMENT_WORK:,} "
                           "hashes (the maximum, a few seconds): use fewer trials or lower difficulties")
    rows = []
    for d in difficulties:
        counts = [mine(f"paylab-pow seed={seed} difficulty={d} trial={t}".encode(), d).attempts
                  for t in range(trials)]
        rows.append({"difficulty": d, "expected": 2 ** d, "measured_mean": sum(counts) / trials,
                     "measured_min": min(counts), "measured_max": max(counts), "trials": trials})
    return rows
