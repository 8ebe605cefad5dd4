"""The double-spend race of Nakamoto (2008), section 11: closed form and Monte Carlo.

An attacker with a share ``q`` of the hash power pays a merchant, and secretly
mines a chain in which the coins go back to himself. The merchant ships after
``z`` confirmations. The attacker wins if his secret chain ever catches up.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np

from paylab.errors import InvalidInput
from paylab.validation import Count, Seed

__all__ = ["WHITEPAPER_PRINTED", "WHITEPAPER_MIN_Z", "whitepaper_rows", "whitepaper_min_z_rows",
           "double_spend_probability",
           "double_spend_probability_exact", "min_confirmations", "simulate_double_spend",
           "SimulationResult", "wilson_interval"]

#: Every value printed in section 11 of Nakamoto (2008), as printed: (q, z) -> text. The paper's two
#: tables: q = 0.1 for z = 0..10, and q = 0.3 for z = 0, 5, ..., 50.
WHITEPAPER_PRINTED = {
    (0.1, 0): "1.0000000", (0.1, 1): "0.2045873", (0.1, 2): "0.0509779", (0.1, 3): "0.0131722",
    (0.1, 4): "0.0034552", (0.1, 5): "0.0009137", (0.1, 6): "0.0002428", (0.1, 7): "0.0000647",
    (0.1, 8): "0.0000173", (0.1, 9): "0.0000046", (0.1, 10): "0.0000012",
    (0.3, 0): "1.0000000", (0.3, 5): "0.1773523", (0.3, 10): "0.0416605", (0.3, 15): "0.0101008",
    (0.3, 20): "0.0024804", (0.3, 25): "0.0006132", (0.3, 30): "0.0001522", (0.3, 35): "0.0000379",
    (0.3, 40): "0.0000095", (0.3, 45): "0.0000024", (0.3, 50): "0.0000006",
}
#: The whitepaper's "z needed for P < 0.001" table, every row: q -> z.
WHITEPAPER_MIN_Z = {0.10: 5, 0.15: 8, 0.20: 11, 0.25: 15, 0.30: 24, 0.35: 41, 0.40: 89, 0.45: 340}


#: the largest number of confirmations the formulas take (a second or two of arithmetic)
MAX_Z = 1_000_000


def _check_q(q: float) -> float:
    if isinstance(q, bool) or not isinstance(q, (int, float)) or not math.isfinite(q):
        raise InvalidInput("q", "a number in [0, 1]", f"q must be a hash-power share, not {q!r}")
    if not 0 <= q <= 1:
        raise InvalidInput("q", "0 <= q <= 1", f"q = {q} is not a share between 0 and 1")
    return float(q)


def _check_z(z: int) -> int:
    if isinstance(z, bool) or not isinstance(z, int):
        raise InvalidInput("z", "an int number of blocks", f"z must be an int, not {type(z).__name__}")
    if z < 0:
        raise InvalidInput("z", "z >= 0", f"z = {z}: confirmations cannot be negative")
    return z


def double_spend_probability(q: float, z: Count[MAX_Z]) -> float:
    """Probability that an attacker with hash share ``q`` ever catches up from ``z`` blocks behind.

    The whitepaper's formula: the attacker's progress while the merchant waits is
    Poisson with mean z*q/p, and from a deficit d he catches up with
    probability (q/p)**d (gambler's ruin). Equals 1 when q >= 1/2.
    """
    q = _check_q(q)
    z = _check_z(z)
    p = 1.0 - q
    if q >= p:
        return 1.0
    if q == 0:
        return 1.0 if z == 0 else 0.0
    r = q / p
    lam = z * r
    # Written as a sum of positive terms (no 1 - Σ cancellation), so tiny values stay exact:
    # P = Σ_{k<=z} Pois(k) r^(z-k) + Σ_{k>z} Pois(k)
    return _mix(lambda k: -lam + k * math.log(lam) - math.lgamma(k + 1) if lam > 0 else
                (0.0 if k == 0 else -math.inf), z, r)


def _mix(log_weight, z: int, r: float) -> float:
    """Σ_k w(k)·min(1, r^(z-k)) for a distribution w over k = 0, 1, … given by its log."""
    total = 0.0
    for k in range(z + 1):
        lw = log_weight(k)
        if lw > -math.inf:
            total += math.exp(lw + (z - k) * math.log(r))
    k = z + 1
    while True:  # the tail k > z: terms shrink geometrically once k is past the mean
        lw = log_weight(k)
        term = math.exp(lw) if lw > -math.inf else 0.0
        total += term
        if term <= 1e-300 or (term < total * 1e-18 and k > 2 * z + 10):
            break
        k += 1
    return min(total, 1.0)


def double_spend_probability_exact(q: float, z: Count[MAX_Z]) -> float:
    """The same race without the Poisson shortcut (attacker blocks negative-binomial).

    The merchant waits for z honest blocks, however long they take
    (Rosenfeld 2014). Slightly higher than the whitepaper's value.
    """
    q = _check_q(q)
    z = _check_z(z)
    p = 1.0 - q
    if q >= p:
        return 1.0
    if z == 0:
        return 1.0
    if q == 0:
        return 0.0
    # attacker blocks before the z-th honest block: negative binomial, C(m+z-1, m) p^z q^m
    lp, lq = math.log(p), math.log(q)
    return _mix(lambda m: math.lgamma(m + z) - math.lgamma(m + 1) - math.lgamma(z) + z * lp + m * lq,
                z, q / p)


def min_confirmations(q: float, p_max: float = 0.001, *, z_limit: Count[MAX_Z] = 10_000) -> int:
    """The smallest z with ``double_spend_probability(q, z) < p_max`` (P falls as z grows: a binary search)."""
    q = _check_q(q)
    if isinstance(p_max, bool) or not isinstance(p_max, (int, float)) or not 0 < p_max < 1:
        raise InvalidInput("p_max", "0 < p_max < 1", f"p_max = {p_max!r} must be a probability in (0, 1)")
    if q >= 0.5:
        raise InvalidInput("q", "q < 0.5", "with half the hash power or more the attacker always "
                           "catches up: no number of confirmations is enough")
    if not double_spend_probability(q, z_limit) < p_max:
        raise InvalidInput("z_limit", "large enough", f"no z <= {z_limit} reaches P < {p_max}")
    lo, hi = 0, z_limit  # P(hi) < p_max; find the first such z
    while lo < hi:
        mid = (lo + hi) // 2
        if double_spend_probability(q, mid) < p_max:
            hi = mid
        else:
            lo = mid + 1
    return lo


def wilson_interval(successes: int, trials: int, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson score interval for a proportion (sensible even when successes is 0)."""
    if trials < 1 or not 0 <= successes <= trials:
        raise InvalidInput("trials", "0 <= successes <= trials, trials >= 1",
                           f"cannot form an interval from {successes}/{trials}")
    if not 0 < confidence < 1:
        raise InvalidInput("confidence", "0 < confidence < 1", f"confidence {confidence} is not in (0, 1)")
    zc = NormalDist().inv_cdf(0.5 + confidence / 2)
    phat = successes / trials
    denom = 1 + zc**2 / trials
    centre = (phat + zc**2 / (2 * trials)) / denom
    half = zc * math.sqrt(phat * (1 - phat) / trials + zc**2 / (4 * trials**2)) / denom
    return max(0.0, centre - half), min(1.0, centre + half)


@dataclass(frozen=True)
class SimulationResult:
    """A Monte Carlo estimate of the attacker's success and its confidence interval."""

    q: float
    z: int
    trials: int
    successes: int
    ci_low: float
    ci_high: float
    confidence: float
    model: str

    @property
    def estimate(self) -> float:
        return self.successes / self.trials

    def contains(self, p: float) -> bool:
        """True when ``p`` lies inside the confidence interval."""
        return self.ci_low <= p <= self.ci_high


def simulate_double_spend(q: float, z: Count[10_000], trials: Count[1, 500_000] = 100_000, seed: Seed = 0, *,
                          model: str = "poisson", confidence: float = 0.95,
                          give_up_after: Count[1, 10_000] = 60) -> SimulationResult:
    """Play the race ``trials`` times and count the attacker's wins.

    ``model="poisson"`` follows the whitepaper (attacker blocks while the merchant
    waits ~ Poisson(z q/p)); ``model="race"`` mines block by block (each block is
    the attacker's with probability q) until the honest chain has z blocks.
    Then the catch-up is a random walk; a trial that falls ``give_up_after``
    blocks further behind counts as a loss (the chance of returning from there
    is (q/p)**give_up_after, negligible for the q used here).
    """
    q = _check_q(q)
    z = _check_z(z)
    if isinstance(trials, bool) or not isinstance(trials, int) or trials < 1:
        raise InvalidInput("trials", "a positive int", "trials must be an int >= 1")
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise InvalidInput("seed", "an int", "seed must be an int")
    if model not in ("poisson", "race"):
        raise InvalidInput("model", "'poisson' or 'race'", f"unknown model {model!r}")
    if not isinstance(give_up_after, int) or give_up_after < 1:
        raise InvalidInput("give_up_after", "a positive int", "give_up_after must be an int >= 1")
    rng = np.random.default_rng(seed)
    p = 1.0 - q
    if q >= p:
        wins = trials
    else:
        if model == "poisson":
            k = rng.poisson(z * q / p, size=trials) if z > 0 else np.zeros(trials, dtype=np.int64)
        else:  # attacker blocks found before the z-th honest block: negative binomial
            k = rng.negative_binomial(z, p, size=trials) if z > 0 else np.zeros(trials, dtype=np.int64)
        deficit = z - k  # blocks the attacker is behind; <= 0 means caught up
        won = deficit <= 0
        active = np.flatnonzero(~won)
        d = deficit[active]
        limit = d + give_up_after
        while active.size:
            step = np.where(rng.random(active.size) < q, -1, 1)
            d = d + step
            caught = d <= 0
            won[active[caught]] = True
            keep = ~caught & (d < limit)
            active, d, limit = active[keep], d[keep], limit[keep]
        wins = int(won.sum())
    lo, hi = wilson_interval(wins, trials, confidence)
    return SimulationResult(q, z, trials, wins, lo, hi, confidence, model)


def whitepaper_rows(q: float) -> list[dict[str, object]]:
    """The whitepaper's printed table for ``q`` (0.1 or 0.3) beside the closed form, row by row.

    Each row: q, z, the value as printed, the closed form to seven decimals, and whether they agree.
    """
    q = _check_q(q)
    zs = sorted(z for (qq, z) in WHITEPAPER_PRINTED if qq == q)
    if not zs:
        raise InvalidInput("q", "0.1 or 0.3", f"the whitepaper prints no table for q = {q}")
    rows = []
    for z in zs:
        computed = f"{double_spend_probability(q, z):.7f}"
        printed = WHITEPAPER_PRINTED[(q, z)]
        rows.append({"q": q, "z": z, "whitepaper": printed, "closed form": computed,
                     "same to 7 decimals": computed == printed})
    return rows


def whitepaper_min_z_rows(p_max: float = 0.001) -> list[dict[str, object]]:
    """The whitepaper's "z needed for P < 0.1 %" table beside :func:`min_confirmations`, row by row."""
    return [{"q": q, "whitepaper z": z, "computed z": min_confirmations(q, p_max),
             "same": min_confirmations(q, p_max) == z} for q, z in WHITEPAPER_MIN_Z.items()]
