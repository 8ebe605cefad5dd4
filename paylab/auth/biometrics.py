"""Biometric matching as a threshold on a score: FAR, FRR, EER, ROC and DET.

Scores are *simulated* (seeded Beta distributions), not from a real sensor: a genuine
attempt (the enrolled finger) tends to score high, an impostor low, and the two
overlap. Raising the threshold lets fewer impostors in (FAR falls) and turns more
genuine users away (FRR rises): fraud is traded for friction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from paylab.errors import InvalidInput
from paylab.parameters import param
from paylab.validation import Seed

__all__ = ["BiometricModel", "simulate_scores", "far_frr", "error_rates", "equal_error_rate", "threshold_for_far",
           "MAX_ATTEMPTS"]

#: Most simulated attempts of one kind (genuine or impostor) in one call.
MAX_ATTEMPTS = 5_000_000


def simulate_scores(n_genuine: int = 2000, n_impostor: int = 20000, *, seed: Seed = 0,
                    genuine: tuple[float, float] = (8.0, 2.5), impostor: tuple[float, float] = (2.5, 8.0)
                    ) -> pd.DataFrame:
    """Seeded synthetic match scores in [0, 1]: columns ``score`` and ``genuine`` (bool).

    ``genuine`` and ``impostor`` are the (a, b) parameters of Beta distributions.
    """
    for name, value in (("n_genuine", n_genuine), ("n_impostor", n_impostor)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise InvalidInput(name, "positive integer", f"{name} must be a positive whole number")
        if value > MAX_ATTEMPTS:
            raise InvalidInput(name, f"at most {MAX_ATTEMPTS:,}", f"{name} is capped to keep a run short")
    for name, pair in (("genuine", genuine), ("impostor", impostor)):
        if len(pair) != 2 or min(pair) <= 0:
            raise InvalidInput(name, "(a, b) > 0", f"{name} must be two positive Beta parameters")
    rng = np.random.default_rng(seed)
    scores = np.concatenate([rng.beta(*genuine, n_genuine), rng.beta(*impostor, n_impostor)])
    labels = np.concatenate([np.ones(n_genuine, bool), np.zeros(n_impostor, bool)])
    return pd.DataFrame({"score": scores, "genuine": labels})


@dataclass(frozen=True)
class BiometricModel:
    """The simulated matcher of chapter 4: two Beta score distributions and the sample sizes."""

    n_genuine: int = param(2000, meaning="genuine attempts simulated (the enrolled finger)", unit="attempts",
                           symbol="n_g", meaning_zh="模拟的真实用户尝试次数")
    n_impostor: int = param(20000, meaning="impostor attempts simulated (someone else's finger)", unit="attempts",
                            symbol="n_i", meaning_zh="模拟的冒用者尝试次数")
    genuine_a: float = param(8.0, meaning="Beta shape a of genuine scores (mean a/(a+b) = 0.76)", symbol="a_g",
                             meaning_zh="真实用户得分 Beta 分布参数 a")
    genuine_b: float = param(2.5, meaning="Beta shape b of genuine scores", symbol="b_g",
                             meaning_zh="真实用户得分 Beta 分布参数 b")
    impostor_a: float = param(2.5, meaning="Beta shape a of impostor scores (mean 0.24)", symbol="a_i",
                              meaning_zh="冒用者得分 Beta 分布参数 a")
    impostor_b: float = param(8.0, meaning="Beta shape b of impostor scores", symbol="b_i",
                              meaning_zh="冒用者得分 Beta 分布参数 b")
    seed: Seed = param(0, meaning="seed of the random generator (same seed, same scores)", symbol="—",
                      meaning_zh="随机数种子")

    def simulate(self) -> pd.DataFrame:
        """Scores under this model (see :func:`simulate_scores`)."""
        return simulate_scores(self.n_genuine, self.n_impostor, seed=self.seed,
                               genuine=(self.genuine_a, self.genuine_b), impostor=(self.impostor_a, self.impostor_b))


def _split(scores: pd.DataFrame | tuple) -> tuple[np.ndarray, np.ndarray]:
    if isinstance(scores, pd.DataFrame):
        if not {"score", "genuine"} <= set(scores.columns):
            raise InvalidInput("scores", "columns score, genuine", "a score table needs score and genuine columns")
        s = scores["score"].to_numpy(float)
        g = scores["genuine"].to_numpy(bool)
        gen, imp = s[g], s[~g]
    else:
        try:
            gen, imp = (np.asarray(x, float) for x in scores)
        except (TypeError, ValueError):
            raise InvalidInput("scores", "(genuine, impostor)", "give a DataFrame or two arrays of scores") from None
    if gen.size == 0 or imp.size == 0:
        raise InvalidInput("scores", "both classes present", "need genuine and impostor scores")
    if np.isnan(gen).any() or np.isnan(imp).any():
        raise InvalidInput("scores", "no NaN", "scores must be numbers")
    return gen, imp


def error_rates(scores: pd.DataFrame | tuple, threshold: float) -> tuple[float, float]:
    """(FAR, FRR) when a score >= ``threshold`` is accepted."""
    gen, imp = _split(scores)
    return float(np.mean(imp >= threshold)), float(np.mean(gen < threshold))


def far_frr(scores: pd.DataFrame | tuple, thresholds: Sequence[float] | None = None) -> pd.DataFrame:
    """FAR, FRR and TAR (= 1 - FRR) at each threshold (default: 201 points on [0, 1])."""
    gen, imp = _split(scores)
    t = np.linspace(0, 1, 201) if thresholds is None else np.asarray(thresholds, float)
    gen_sorted, imp_sorted = np.sort(gen), np.sort(imp)
    far = 1.0 - np.searchsorted(imp_sorted, t, side="left") / imp.size
    frr = np.searchsorted(gen_sorted, t, side="left") / gen.size
    return pd.DataFrame({"threshold": t, "FAR": far, "FRR": frr, "TAR": 1.0 - frr})


def equal_error_rate(scores: pd.DataFrame | tuple) -> tuple[float, float]:
    """(threshold, rate) where FAR and FRR cross, searched over every observed score."""
    gen, imp = _split(scores)
    table = far_frr((gen, imp), np.unique(np.concatenate([gen, imp])))
    i = int(np.argmin(np.abs(table["FAR"] - table["FRR"]).to_numpy()))
    row = table.iloc[i]
    return float(row["threshold"]), float((row["FAR"] + row["FRR"]) / 2)


def threshold_for_far(scores: pd.DataFrame | tuple, target_far: float) -> float:
    """The lowest threshold whose FAR is at most ``target_far`` (so FRR is as low as it can be)."""
    if isinstance(target_far, bool) or not isinstance(target_far, (int, float)) or not 0 <= target_far < 1:
        raise InvalidInput("target_far", "0 <= FAR < 1", "target_far is a rate between 0 and 1")
    gen, imp = _split(scores)
    imp_sorted = np.sort(imp)
    allowed = int(np.floor(target_far * imp.size + 1e-9))       # impostors we may accept
    if allowed >= imp.size:
        return float(min(gen.min(), imp_sorted[0]))
    # accept strictly above the (allowed+1)-th highest impostor score
    return float(np.nextafter(imp_sorted[imp.size - allowed - 1], np.inf))
