"""The fraud cost model: what a policy costs when each fraud case is counted once.

A fraud case can span several rows: an account takeover is a TRANSFER to a mule *and* the
mule's CASH_OUT of the same money; a card-testing burst is several small PAYMENTs. The case is
stopped when any of its rows is flagged, and its loss is the money it moves out of the victim's
account, counted once. Counting the loss on every fraud row (as :func:`paylab.fraud.cost_curve`
does when given the row amounts) counts a takeover's money twice.

The total cost of flagging every row with score ≥ t is

    C(t) = c_r · flagged(t) + c_f · good_challenged(t) + Σ_{cases missed at t} L_case

and a payment whose fraud probability is p and whose loss would be L is worth challenging when
p · L ≥ c_r + (1 − p) · c_f, i.e. when p ≥ (c_r + c_f) / (L + c_f) (:func:`breakeven_probability`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from paylab.errors import InvalidInput
from paylab.fraud.generate import CURRENCY
from paylab.fraud.threshold import ThresholdChoice, _arrays
from paylab.money import Money
from paylab.parameters import param

__all__ = ["FraudCosts", "case_losses", "case_cost_curve", "choose_case_threshold", "what_would_move",
           "breakeven_probability", "expected_loss_flags", "policy_cost"]


@dataclass(frozen=True)
class FraudCosts:
    """The ILLUSTRATIVE costs of the chapter-5 fraud cost model, in minor units of ``currency``."""

    review: int = param(500, meaning="cost of one manual review or challenge (staff, SMS)", unit="minor",
                        symbol="c_r", meaning_zh="一次人工审核或验证的成本")
    friction: int = param(200, meaning="extra cost when a good customer is challenged (delay, lost sales)",
                          unit="minor", symbol="c_f", meaning_zh="打扰一位正常客户的额外成本")
    currency: str = CURRENCY

    def __post_init__(self) -> None:
        for name in ("review", "friction"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < 0:
                raise InvalidInput(name, "an int >= 0 (minor units)", f"{name} must be integer minor units >= 0")

    def money(self, minor: int) -> Money:
        """Minor units of this record's currency as Money."""
        return Money.from_minor(int(minor), self.currency)


def _costs(costs: object) -> FraudCosts:
    if not isinstance(costs, FraudCosts):
        raise InvalidInput("costs", "a FraudCosts record", f"costs must be FraudCosts, not {type(costs).__name__}")
    return costs


def case_losses(df: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Per row, its fraud case (-1 on good rows); per case 0..k-1, the money it moves, counted once.

    A takeover's loss is its TRANSFER (the mule's CASH_OUT moves the same money again and is not
    added); a burst's loss is the sum of its payments. Needs ``isFraud``, ``amount``, ``fraudCase``
    and ``fraudPattern`` (generated frames have them); returns (case index per row, loss per case).
    """
    missing = [c for c in ("isFraud", "amount", "fraudCase", "fraudPattern") if c not in df.columns]
    if missing:
        raise InvalidInput("df", "a generated frame", f"case losses need column(s) {missing}")
    fraud = df["isFraud"].to_numpy().astype(bool)
    pattern = df["fraudPattern"].astype(str).to_numpy()
    raw = df["fraudCase"].to_numpy(np.int64)
    if (fraud != (raw >= 0)).any():
        raise InvalidInput("df", "a case id on every fraud row only", "fraudCase and isFraud disagree")
    ids, case_of_fraud = np.unique(raw[fraud], return_inverse=True)   # ids 0..k-1 in the order of the ids
    case = np.full(len(df), -1, np.int64)
    case[fraud] = case_of_fraud
    counted = fraud & (pattern != "mule_cash_out")
    loss = np.zeros(ids.size, np.int64)
    np.add.at(loss, case[counted], df["amount"].to_numpy(np.int64)[counted])
    return case, loss


def _case_inputs(scores, labels, cases, losses):
    s, y = _arrays(scores, labels)
    c = np.asarray(cases)
    lo = np.asarray(losses)
    if c.shape != s.shape or c.dtype.kind not in "iu":
        raise InvalidInput("cases", "one int per row", "cases must be an int case index per row (-1 = good)")
    if lo.ndim != 1 or lo.dtype.kind not in "iu" or (lo < 0).any():
        raise InvalidInput("losses", "int minor units >= 0, one per case", "losses must be ints per case")
    if ((c >= 0) != y).any() or (c.size and c.max(initial=-1) >= lo.size):
        raise InvalidInput("cases", "a case for every fraud row and none for good rows",
                           "cases and labels disagree (use case_losses(df))")
    return s, y, c, lo.astype(np.int64)


def case_cost_curve(scores, labels, cases, losses, costs: FraudCosts) -> pd.DataFrame:
    """Cost of each threshold (every distinct score, plus ``inf``) with each case counted once.

    Columns: threshold, flagged, good_challenged, cases_caught, cases_missed, money_lost, cost
    (int minor units), in increasing threshold order.
    """
    k = _costs(costs)
    s, y, c, lo = _case_inputs(scores, labels, cases, losses)
    thresholds = np.r_[np.unique(s), np.inf]
    desc = np.sort(s)[::-1]
    flagged = np.searchsorted(-desc, -thresholds, side="right")            # rows with score >= t
    good_desc = np.sort(s[~y])[::-1]
    good = np.searchsorted(-good_desc, -thresholds, side="right")
    case_max = np.full(lo.size, -np.inf)
    np.maximum.at(case_max, c[y], s[y])
    order = np.argsort(-case_max, kind="stable")
    cm, cl = case_max[order], lo[order]
    caught = np.searchsorted(-cm, -thresholds, side="right")               # cases with max score >= t
    caught_loss = np.r_[0, np.cumsum(cl)][caught]
    lost = int(lo.sum()) - caught_loss
    cost = k.review * flagged + k.friction * good + lost
    return pd.DataFrame({"threshold": thresholds, "flagged": flagged, "good_challenged": good,
                         "cases_caught": caught, "cases_missed": lo.size - caught, "money_lost": lost,
                         "cost": cost})


def choose_case_threshold(scores, labels, cases, losses, costs: FraudCosts) -> ThresholdChoice:
    """The cheapest threshold under the case-level cost model (ties go to the higher threshold).

    ``fraud_caught``/``fraud_missed`` of the result count cases, not rows; money is ``Money``.
    """
    curve = case_cost_curve(scores, labels, cases, losses, costs)
    v = curve["cost"].to_numpy()
    r = curve.iloc[int(np.flatnonzero(v == v.min())[-1])]
    return ThresholdChoice(float(r["threshold"]), costs.money(int(r["cost"])), int(r["flagged"]),
                           int(r["cases_caught"]), int(r["good_challenged"]), int(r["cases_missed"]),
                           costs.money(int(r["money_lost"])))


def what_would_move(scores, labels, cases, losses, costs: FraudCosts) -> dict[str, object]:
    """Why the cheapest threshold sits where it does, and the friction cost that would move it up.

    The cheapest threshold is the highest score of some case (the *setting case*). Raising it to the
    next case's highest score lets that case through (losing ``L``) and saves ``Δflagged`` reviews, of
    which ``Δgood`` are good customers. The two costs balance at friction
    ``c_f* = (L − c_r · Δflagged) / Δgood``; below it the choice cannot move up.
    """
    k = _costs(costs)
    s, y, c, lo = _case_inputs(scores, labels, cases, losses)
    best = choose_case_threshold(s, y, c, lo, k)
    case_max = np.full(lo.size, -np.inf)
    np.maximum.at(case_max, c[y], s[y])
    caught = case_max >= best.threshold
    if not caught.any():
        return {"threshold": best.threshold, "setting case loss": k.money(0), "next threshold": float("inf"),
                "reviews saved": 0, "good customers spared": 0, "friction that moves it": None}
    at = case_max == case_max[caught].min()                      # the case(s) that set the threshold
    above = case_max[case_max > case_max[at].max()]
    nxt = float(above.min()) if above.size else float("inf")
    saved = int(((s >= best.threshold) & (s < nxt)).sum())
    spared = int(((s >= best.threshold) & (s < nxt) & ~y).sum())
    loss = int(lo[at].sum())
    move = None if spared == 0 else k.money(max(0, -(-(loss - k.review * saved) // spared)))
    return {"threshold": best.threshold, "setting case loss": k.money(loss), "next threshold": nxt,
            "reviews saved": saved, "good customers spared": spared, "friction that moves it": move}


def breakeven_probability(loss, costs: FraudCosts) -> float:
    """The fraud probability above which challenging pays: (c_r + c_f) / (L + c_f).

    ``loss`` is Money in the costs' currency or int minor units.
    """
    k = _costs(costs)
    if isinstance(loss, Money):
        if loss.currency.code != k.currency:
            raise InvalidInput("loss", f"Money in {k.currency}", f"loss is in {loss.currency.code}")
        loss = loss.minor_units
    if isinstance(loss, bool) or not isinstance(loss, (int, np.integer)) or loss < 0:
        raise InvalidInput("loss", "Money or int minor units >= 0", f"loss must be money, got {loss!r}")
    if int(loss) + k.friction == 0:
        return 1.0
    return min(1.0, (k.review + k.friction) / (int(loss) + k.friction))


def expected_loss_flags(scores, amounts, costs: FraudCosts) -> np.ndarray:
    """Flag a row when score × amount ≥ c_r + (1 − score) × c_f: the decision rule for calibrated scores.

    Unlike one threshold for all rows, it asks for more evidence before challenging a small payment.
    """
    k = _costs(costs)
    s = np.asarray(scores, dtype=np.float64)
    a = np.asarray(amounts)
    if a.shape != s.shape or a.dtype.kind not in "iu":
        raise InvalidInput("amounts", "int minor units, one per score", "amounts must be ints per row")
    if not np.isfinite(s).all() or (s < 0).any() or (s > 1).any():
        raise InvalidInput("scores", "probabilities in [0, 1]", "scores must be probabilities")
    return s * a >= k.review + (1.0 - s) * k.friction


def policy_cost(flags, labels, cases, losses, costs: FraudCosts) -> dict[str, object]:
    """What a set of flags costs under the case-level model: flagged, challenged, cases missed, Money."""
    k = _costs(costs)
    f = np.asarray(flags).astype(bool)
    _, y, c, lo = _case_inputs(np.zeros(f.size), labels, cases, losses)
    if f.shape != y.shape:
        raise InvalidInput("flags", "one per row", f"{f.size} flags for {y.size} rows")
    stopped = np.zeros(lo.size, bool)
    stopped[c[f & y]] = True
    lost = int(lo[~stopped].sum())
    flagged, good = int(f.sum()), int((f & ~y).sum())
    return {"flagged": flagged, "good challenged": good, "cases caught": int(stopped.sum()),
            "cases missed": int((~stopped).sum()), "money lost": k.money(lost),
            "cost": k.money(k.review * flagged + k.friction * good + lost)}
