"""A learned fraud score: a time-based split, a scikit-learn model, metrics and importances.

Transactions arrive in time, and a deployed model only ever scores the future.
So the test set must lie *after* the training set (:func:`time_split`); a random
split (:func:`random_split`) mixes rows of the same fraud campaign and of later
weeks into training and reports a score the model will not reach in production.

scikit-learn runs single-threaded here (``threadpoolctl``): the data are small, and
OpenMP threads on a busy machine make a one-second fit take half a minute.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from paylab.errors import InvalidInput
from paylab.fraud.features import FEATURES
from paylab.validation import Seed

__all__ = ["MODEL_FEATURES", "RISK_FEATURES", "FraudModel", "time_split", "random_split", "train_model", "evaluate",
           "feature_importance", "split_comparison"]

#: Features the model uses by default: all of ``FEATURES`` except ``balance_share``. In
#: PaySim-style data fraud empties the account, so the payer's balance gives the answer
#: away (a known artefact of the simulator); a real model rarely sees such a clean signal.
MODEL_FEATURES = tuple(f for f in FEATURES if f != "balance_share")

#: The chapter-5 model's features: ``MODEL_FEATURES`` plus ``pass_through`` (money received in the
#: last hour per unit sent, from :func:`paylab.fraud.add_pass_through`), the mark of a mule account.
RISK_FEATURES = MODEL_FEATURES + ("pass_through",)


def _check_frac(train_frac: object) -> float:
    if isinstance(train_frac, bool) or not isinstance(train_frac, (int, float)) or not 0 < train_frac < 1:
        raise InvalidInput("train_frac", "0 < train_frac < 1", f"train_frac must be in (0, 1), got {train_frac!r}")
    return float(train_frac)


def time_split(df: pd.DataFrame, train_frac: float = 0.7) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split by ``step``: train = the earliest steps (about ``train_frac`` of rows), test = the rest.

    Every training row has a smaller step than every test row; a step is never cut in two.
    """
    frac = _check_frac(train_frac)
    if "step" not in df.columns:
        raise InvalidInput("df", "a step column", "time_split needs the step column")
    steps = np.sort(df["step"].to_numpy())
    if steps.size == 0 or steps[0] == steps[-1]:
        raise InvalidInput("df", "at least two distinct steps", "cannot split a single step in time")
    cut = steps[min(int(frac * steps.size), steps.size - 1)]
    if cut == steps[0]:                       # keep the training set non-empty
        cut = steps[np.searchsorted(steps, cut, side="right")]
    mask = df["step"].to_numpy() < cut
    return df[mask], df[~mask]


def random_split(df: pd.DataFrame, train_frac: float = 0.7, seed: Seed = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A random row split — shown only to measure how much it flatters a model (it leaks)."""
    frac = _check_frac(train_frac)
    rng = np.random.default_rng(seed)
    mask = rng.random(len(df)) < frac
    return df[mask], df[~mask]


@dataclass
class FraudModel:
    """A fitted scikit-learn classifier and the feature columns it reads."""

    estimator: Any = field(repr=False)
    features: tuple[str, ...]
    kind: str

    def score(self, df: pd.DataFrame) -> np.ndarray:
        """The fraud score (estimated probability, 0–1) of each row of a featured frame."""
        missing = [f for f in self.features if f not in df.columns]
        if missing:
            raise InvalidInput("df", "featured frame", f"columns {missing} missing: call add_features(df)")
        try:
            x = df[list(self.features)].to_numpy(np.float64)
        except (TypeError, ValueError):
            raise InvalidInput("df", "numeric features", "feature columns must hold numbers: call add_features(df)") \
                from None
        if np.isinf(x).any() or (self.kind != "gbm" and np.isnan(x).any()):
            raise InvalidInput("df", "finite features", f"a {self.kind} model scores finite features only "
                               "(gradient boosting also takes NaN as 'missing'); fill or drop those rows")
        with threadpool_limits(1):
            return self.estimator.predict_proba(x)[:, 1]


def train_model(train: pd.DataFrame, features: tuple[str, ...] | list[str] | None = None,
                kind: str = "gbm", seed: Seed = 0, label: str = "isFraud") -> FraudModel:
    """Fit a fraud model on a featured frame: ``kind="gbm"`` (HistGradientBoosting) or ``"logistic"``."""
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    feats = tuple(f for f in MODEL_FEATURES if f in train.columns) if features is None else tuple(features)
    missing = [f for f in feats if f not in train.columns]
    if not feats or missing:
        raise InvalidInput("features", "columns of the frame", f"missing feature column(s) {missing or feats}")
    if label not in train.columns:
        raise InvalidInput("label", "a column of the frame", f"no label column {label!r}")
    y = train[label].to_numpy().astype(int)
    if y.min(initial=1) == y.max(initial=0) or len(np.unique(y)) < 2:
        raise InvalidInput("train", "both classes", "the training set needs fraud and good rows")
    X = train[list(feats)].to_numpy(np.float64)
    if kind == "gbm":
        est = HistGradientBoostingClassifier(max_iter=100, learning_rate=0.1, max_leaf_nodes=15,
                                             l2_regularization=1.0, early_stopping=False, random_state=seed)
    elif kind == "logistic":
        est = make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000, C=1.0, random_state=seed))
    else:
        raise InvalidInput("kind", "'gbm' or 'logistic'", f"unknown model kind {kind!r}")
    if not np.isfinite(X).all():
        raise InvalidInput("train", "finite features", "feature columns hold NaN or infinity")
    with threadpool_limits(1):
        est.fit(X, y)
    return FraudModel(est, feats, kind)


def evaluate(scores, labels, threshold: float = 0.5) -> dict[str, Any]:
    """Precision, recall (at ``threshold``), PR-AUC, ROC-AUC and the confusion matrix.

    PR-AUC is scikit-learn's average precision; with rare fraud it is the
    honest summary (ROC-AUC looks good even for weak models). The confusion
    matrix is a 2×2 frame: rows actual good/fraud, columns flagged no/yes.
    """
    from sklearn.metrics import average_precision_score, roc_auc_score

    from paylab.fraud.threshold import _arrays
    s, y = _arrays(scores, labels)
    flag = s >= threshold
    tp, fp = int((flag & y).sum()), int((flag & ~y).sum())
    fn, tn = int((~flag & y).sum()), int((~flag & ~y).sum())
    both = 0 < y.sum() < y.size
    return {
        "threshold": float(threshold),
        "precision": tp / (tp + fp) if tp + fp else 0.0,
        "recall": tp / (tp + fn) if tp + fn else float("nan"),
        "pr_auc": float(average_precision_score(y, s)) if both else float("nan"),
        "roc_auc": float(roc_auc_score(y, s)) if both else float("nan"),
        "confusion": pd.DataFrame([[tn, fp], [fn, tp]], index=["actual good", "actual fraud"],
                                  columns=["not flagged", "flagged"]),
    }


def feature_importance(model: FraudModel, df: pd.DataFrame, n_repeats: int = 5, seed: Seed = 0,
                       label: str = "isFraud") -> pd.Series:
    """Permutation importance: how much PR-AUC drops when one feature is shuffled (largest first)."""
    from sklearn.inspection import permutation_importance

    X = df[list(model.features)].to_numpy(np.float64)
    y = df[label].to_numpy().astype(int)
    if len(np.unique(y)) < 2:
        raise InvalidInput("df", "both classes", "importance needs fraud and good rows")
    with threadpool_limits(1):
        r = permutation_importance(model.estimator, X, y, scoring="average_precision",
                                   n_repeats=n_repeats, random_state=seed)
    return pd.Series(r.importances_mean, index=list(model.features), name="PR-AUC drop").sort_values(
        ascending=False)


def split_comparison(df: pd.DataFrame, train_frac: float = 0.7, seed: Seed = 0, kind: str = "gbm",
                     features=None) -> pd.DataFrame:
    """PR-AUC and ROC-AUC of the same model under a time split and a random split.

    The random split usually reports more than the time split: it trains on
    later weeks (after the fraudsters changed tactics) and on sibling rows of the
    same fraud cases it is tested on — information a live model never has. The
    two leak columns measure that: the share of test rows older than the newest
    training row, and the share of test frauds whose case also has rows in training.
    """
    rows = []
    for name, (tr, te) in (("time split", time_split(df, train_frac)),
                           ("random split", random_split(df, train_frac, seed))):
        m = train_model(tr, features, kind=kind, seed=seed)
        ev = evaluate(m.score(te), te["isFraud"].to_numpy())
        row = {"split": name, "train rows": len(tr), "test rows": len(te),
               "test fraud": int(te["isFraud"].sum()),
               "test rows before last train step": float((te["step"].to_numpy() < tr["step"].max()).mean())}
        if "fraudCase" in df.columns:
            seen = set(tr.loc[tr["fraudCase"] >= 0, "fraudCase"].tolist())
            cases = te.loc[te["fraudCase"] >= 0, "fraudCase"]
            row["test fraud with case in train"] = float(cases.isin(seen).mean()) if len(cases) else 0.0
        row.update({"PR-AUC": ev["pr_auc"], "ROC-AUC": ev["roc_auc"]})
        rows.append(row)
    return pd.DataFrame(rows).set_index("split")
