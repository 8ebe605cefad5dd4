"""Choosing the alert threshold that costs least: missed fraud vs reviews vs annoyed customers.

Flag a transaction when its score is at or above the threshold. Each flag costs
a review (``cost_review``); a flagged good customer also costs friction
(``cost_friction``: a challenge, an abandoned purchase); each fraud that is not
flagged costs its loss (``cost_fraud``: one amount for every fraud, or one per
row, e.g. the transaction amounts). All costs are ``Money`` or integer minor
units, and all sums are exact integers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from paylab.errors import CurrencyMismatch, InvalidInput
from paylab.money import Money

__all__ = ["ThresholdChoice", "choose_threshold", "cost_curve", "outcome_at", "expected_cost"]


@dataclass(frozen=True)
class ThresholdChoice:
    """The cost-optimal threshold and what it does on the data it was chosen on.

    ``threshold`` is ``inf`` when flagging nothing is cheapest. ``cost`` (and
    ``money_lost``) are ``Money`` if any cost was given as Money, else int minor units.
    """

    threshold: float
    cost: Money | int
    flagged: int
    fraud_caught: int
    good_challenged: int
    fraud_missed: int
    money_lost: Money | int


def _arrays(scores: object, labels: object) -> tuple[np.ndarray, np.ndarray]:
    try:
        s = np.asarray(scores, dtype=np.float64).ravel()
        y = np.asarray(labels).ravel()
    except (TypeError, ValueError):
        raise InvalidInput("scores", "numbers", "scores must be an array of numbers") from None
    if s.size == 0:
        raise InvalidInput("scores", "non-empty", "no scores given")
    if not np.all(np.isfinite(s)):
        raise InvalidInput("scores", "finite", "scores contain NaN or infinity")
    if y.shape != s.shape:
        raise InvalidInput("labels", "same length as scores", f"{y.size} labels for {s.size} scores")
    if not np.isin(y, (0, 1, True, False)).all():
        raise InvalidInput("labels", "0 or 1", "labels must be 0 (good) or 1 (fraud)")
    return s, y.astype(bool)


def _costs(cost_fraud: object, cost_review: object, cost_friction: object,
           n: int) -> tuple[np.ndarray, int, int, str | None]:
    currency: str | None = None

    def minor(v: object, field: str) -> int:
        nonlocal currency
        if isinstance(v, Money):
            code = v.currency.code
            if currency is not None and code != currency:
                raise CurrencyMismatch(field, "one currency", f"{field} is {code}, other costs are {currency}")
            currency = code
            units = v.minor_units
        elif isinstance(v, (int, np.integer)) and not isinstance(v, bool):
            units = int(v)
        else:
            raise InvalidInput(field, "Money or int minor units",
                               f"{field} must be Money or integer minor units, got {type(v).__name__}"
                               " (never a float)")
        if units < 0:
            raise InvalidInput(field, ">= 0", f"{field} cannot be negative")
        return units

    review = minor(cost_review, "cost_review")
    friction = minor(cost_friction, "cost_friction")
    if isinstance(cost_fraud, (Money, int, np.integer)) and not isinstance(cost_fraud, bool):
        loss = np.full(n, minor(cost_fraud, "cost_fraud"), np.int64)
    else:
        loss = np.asarray(cost_fraud)
        if loss.shape != (n,) or loss.dtype.kind not in "iu":
            raise InvalidInput("cost_fraud", "Money, int, or one int per row",
                               "cost_fraud per row must be integer minor units, one per score")
        if (loss < 0).any():
            raise InvalidInput("cost_fraud", ">= 0", "fraud losses cannot be negative")
        loss = loss.astype(np.int64)
    return loss, review, friction, currency


def _wrap(units: int, currency: str | None) -> Money | int:
    return Money.from_minor(int(units), currency) if currency else int(units)


def cost_curve(scores, labels, cost_fraud, cost_review, cost_friction) -> pd.DataFrame:
    """Cost at every distinct threshold (each distinct score, plus ``inf`` = flag nothing).

    Columns: threshold, flagged, fraud_caught, good_challenged, fraud_missed,
    money_lost and cost (int minor units), in increasing threshold order.
    """
    s, y = _arrays(scores, labels)
    loss, review, friction, _ = _costs(cost_fraud, cost_review, cost_friction, s.size)
    order = np.argsort(-s, kind="stable")
    s, y, loss = s[order], y[order], loss[order]
    ends = np.flatnonzero(np.r_[s[1:] != s[:-1], True])     # last index of each distinct score
    k = np.r_[0, ends + 1]                                   # flagged count, threshold = +inf first
    caught = np.r_[0, np.cumsum(y)[ends]]
    caught_loss = np.r_[0, np.cumsum(np.where(y, loss, 0))[ends]]
    total_loss = int(np.where(y, loss, 0).sum())
    lost = total_loss - caught_loss
    good = k - caught
    cost = review * k + friction * good + lost
    curve = pd.DataFrame({
        "threshold": np.r_[np.inf, s[ends]], "flagged": k, "fraud_caught": caught,
        "good_challenged": good, "fraud_missed": int(y.sum()) - caught, "money_lost": lost, "cost": cost,
    })
    return curve.iloc[::-1].reset_index(drop=True)


def expected_cost(scores, labels, threshold: float, cost_fraud, cost_review, cost_friction) -> Money | int:
    """Total cost of flagging ``score >= threshold`` (Money if any cost was Money)."""
    s, y = _arrays(scores, labels)
    loss, review, friction, cur = _costs(cost_fraud, cost_review, cost_friction, s.size)
    flag = s >= threshold
    units = review * int(flag.sum()) + friction * int((flag & ~y).sum()) + int(loss[y & ~flag].sum())
    return _wrap(units, cur)


def choose_threshold(scores, labels, cost_fraud, cost_review, cost_friction) -> ThresholdChoice:
    """The threshold with the least total cost on (scores, labels); ties go to the higher threshold.

    Exact: it tries every distinct score (any threshold between two scores flags
    the same rows), so no other threshold can cost less on this data.
    """
    s, y = _arrays(scores, labels)
    _, _, _, cur = _costs(cost_fraud, cost_review, cost_friction, s.size)
    curve = cost_curve(s, y, cost_fraud, cost_review, cost_friction)
    costs = curve["cost"].to_numpy()
    best = int(np.flatnonzero(costs == costs.min())[-1])       # highest threshold among the cheapest
    r = curve.iloc[best]
    return ThresholdChoice(float(r["threshold"]), _wrap(int(r["cost"]), cur), int(r["flagged"]),
                           int(r["fraud_caught"]), int(r["good_challenged"]), int(r["fraud_missed"]),
                           _wrap(int(r["money_lost"]), cur))


def outcome_at(scores, labels, threshold: float, amounts=None) -> dict[str, int | float]:
    """What a threshold does: fraud caught, good customers challenged, money lost (minor units).

    ``amounts`` (int minor units per row) values the missed fraud; without it
    ``money_lost`` is 0 and only counts are given. Used by the threshold widget.
    """
    s, y = _arrays(scores, labels)
    if isinstance(threshold, bool) or not isinstance(threshold, (int, float, np.floating)) or np.isnan(threshold):
        raise InvalidInput("threshold", "a number", f"threshold must be a number, got {threshold!r}")
    flag = s >= threshold
    lost = 0
    if amounts is not None:
        a = np.asarray(amounts)
        if a.shape != s.shape or a.dtype.kind not in "iu":
            raise InvalidInput("amounts", "int minor units, one per score", "amounts must be integers per row")
        lost = int(a[y & ~flag].sum())
    n_fraud, n_good = int(y.sum()), int((~y).sum())
    caught, challenged = int((flag & y).sum()), int((flag & ~y).sum())
    return {"threshold": float(threshold), "flagged": int(flag.sum()), "fraud_caught": caught,
            "fraud_total": n_fraud, "recall": caught / n_fraud if n_fraud else float("nan"),
            "good_challenged": challenged, "good_total": n_good,
            "challenge_rate": challenged / n_good if n_good else float("nan"), "money_lost": lost}
