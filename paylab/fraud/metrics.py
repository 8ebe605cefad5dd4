"""Judging a detector on a test set: confusion matrix, precision, recall, accuracy, calibration.

A detector is anything that flags rows: a rule set, or a model's score at a threshold. All of
them are judged on the same rows (the time-split test set), so their numbers can be compared.
At a fraud rate of a fraction of a percent, accuracy says almost nothing (flagging nothing is
99.9 % accurate); precision, recall and the areas under the PR and ROC curves are what count.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from paylab.errors import InvalidInput
from paylab.fraud.threshold import _arrays

__all__ = ["confusion_table", "flag_metrics", "compare_detectors", "ranking_metrics", "reliability",
           "RELIABILITY_EDGES"]

#: Score bins of the reliability table: finer near 0, where almost every score lies when fraud is rare.
RELIABILITY_EDGES = (0.0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 0.6, 1.0)


def _flags(flags: object, labels: object) -> tuple[np.ndarray, np.ndarray]:
    try:
        f = np.asarray(flags)
    except ValueError:  # ragged nested lists
        raise InvalidInput("flags", "booleans", "flags must be one True/False (or 0/1) per row") from None
    if f.dtype != bool:
        if not np.isin(f, (0, 1)).all():
            raise InvalidInput("flags", "booleans", "flags must be True/False (or 0/1) per row")
        f = f.astype(bool)
    _, y = _arrays(np.zeros(f.size), labels)
    if f.shape != y.shape:
        raise InvalidInput("flags", "one per label", f"{f.size} flags for {y.size} labels")
    return f.ravel(), y


def confusion_table(flags, labels) -> pd.DataFrame:
    """The 2×2 confusion matrix: rows actual good / actual fraud, columns not flagged / flagged."""
    f, y = _flags(flags, labels)
    tp, fp = int((f & y).sum()), int((f & ~y).sum())
    fn, tn = int((~f & y).sum()), int((~f & ~y).sum())
    return pd.DataFrame({"actual": ["good", "fraud"], "not flagged": [tn, fn], "flagged": [fp, tp]})


def flag_metrics(flags, labels) -> dict[str, float | int]:
    """Counts and rates of one detector: TP, FP, FN, TN, precision, recall, accuracy, challenge rate.

    precision = TP / (TP + FP); recall = TP / (TP + FN); accuracy = (TP + TN) / all;
    challenge rate = FP / (FP + TN), the share of good customers flagged.
    """
    f, y = _flags(flags, labels)
    tp, fp = int((f & y).sum()), int((f & ~y).sum())
    fn, tn = int((~f & y).sum()), int((~f & ~y).sum())
    nan = float("nan")
    return {"TP": tp, "FP": fp, "FN": fn, "TN": tn,
            "precision": tp / (tp + fp) if tp + fp else nan,
            "recall": tp / (tp + fn) if tp + fn else nan,
            "accuracy": (tp + tn) / f.size,
            "challenge rate": fp / (fp + tn) if fp + tn else nan}


def ranking_metrics(scores, labels) -> dict[str, float]:
    """PR-AUC (average precision) and ROC-AUC of a score: how well it ranks fraud above good rows."""
    from sklearn.metrics import average_precision_score, roc_auc_score

    s, y = _arrays(scores, labels)
    if not 0 < y.sum() < y.size:
        raise InvalidInput("labels", "both classes", "PR-AUC and ROC-AUC need fraud and good rows")
    return {"PR-AUC": float(average_precision_score(y, s)), "ROC-AUC": float(roc_auc_score(y, s))}


def compare_detectors(labels, detectors: Mapping[str, object],
                      scores: Mapping[str, object] | None = None) -> pd.DataFrame:
    """One row per detector on the same labels: flagged, caught, precision, recall, accuracy, PR-AUC.

    ``detectors`` maps a name to its flags; ``scores`` (optional) maps a name to the score its flags
    came from, for PR-AUC and ROC-AUC (a rule set's score can be the number of rules that fire).
    """
    if not isinstance(detectors, Mapping) or not detectors:
        raise InvalidInput("detectors", "a non-empty mapping name -> flags", "give at least one detector")
    rows = []
    for name, flags in detectors.items():
        m = flag_metrics(flags, labels)
        row = {"detector": str(name), "flagged": m["TP"] + m["FP"], "fraud caught": m["TP"],
               "fraud missed": m["FN"], "good challenged": m["FP"], "precision": m["precision"],
               "recall": m["recall"], "accuracy": m["accuracy"], "challenge rate": m["challenge rate"]}
        if scores is not None:
            r = ranking_metrics(scores[name], labels) if name in scores else {}
            row["PR-AUC"] = r.get("PR-AUC", float("nan"))
            row["ROC-AUC"] = r.get("ROC-AUC", float("nan"))
        rows.append(row)
    return pd.DataFrame(rows)


def reliability(scores, labels, edges=RELIABILITY_EDGES) -> pd.DataFrame:
    """Calibration by score bin: rows, mean score and observed fraud rate (empty bins left out).

    A calibrated score has fraud rate ≈ mean score in every bin; a rate above the score means the
    model under-states the risk (as it does when fraud drifts after training).
    """
    s, y = _arrays(scores, labels)
    e = np.asarray(edges, dtype=np.float64)
    if e.ndim != 1 or e.size < 2 or np.any(np.diff(e) <= 0) or e[0] > s.min() or e[-1] < s.max():
        raise InvalidInput("edges", "increasing, covering every score", "edges must rise and cover all scores")
    k = np.clip(np.searchsorted(e, s, side="right") - 1, 0, e.size - 2)
    rows = []
    for b in range(e.size - 1):
        m = k == b
        if m.any():
            rows.append({"score bin": f"{e[b]:g}–{e[b + 1]:g}", "rows": int(m.sum()),
                         "fraud rows": int(y[m].sum()), "mean score": float(s[m].mean()),
                         "fraud rate": float(y[m].mean())})
    return pd.DataFrame(rows)
