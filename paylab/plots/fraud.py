"""Plots for AI risk control: PR and ROC curves, cost against threshold, feature importance.

Every title says the data are synthetic (PaySim-style, ``paylab.fraud``).
Money is plotted in currency units; that float conversion is for display only.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from paylab.plots import PALETTE, new_axes, use_style
from paylab.validation import NonEmpty

__all__ = ["pr_roc_curves", "cost_vs_threshold", "importance_bar", "rule_report_bar", "reliability_plot",
           "cost_curves_compared"]


def pr_roc_curves(scores: NonEmpty[np.ndarray | pd.Series | list[float]],
                  labels: NonEmpty[np.ndarray | pd.Series | list[int]], title: str = "Fraud model on synthetic data", *,
                  marks: dict[str, float] | None = None):
    """Precision–recall curve (left) and ROC curve (right) of one score, with optional threshold marks."""
    from sklearn.metrics import average_precision_score, precision_recall_curve, roc_auc_score, roc_curve

    y = np.asarray(labels).astype(int)
    s = np.asarray(scores, dtype=float)
    use_style()
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 4.2))
    p, r, _ = precision_recall_curve(y, s)
    ax1.plot(r, p, color=PALETTE[0], label=f"model (PR-AUC {average_precision_score(y, s):.2f})")
    ax1.axhline(y.mean(), color=PALETTE[7], ls=":", label=f"guessing ({y.mean():.2%})")
    ax1.set(xlabel="recall (share of fraud caught)", ylabel="precision (share of alerts that are fraud)",
            xlim=(0, 1.01), ylim=(0, 1.02), title="Precision–recall")
    fpr, tpr, _ = roc_curve(y, s)
    ax2.plot(fpr, tpr, color=PALETTE[1], label=f"model (ROC-AUC {roc_auc_score(y, s):.3f})")
    ax2.plot([0, 1], [0, 1], color=PALETTE[7], ls=":", label="guessing")
    ax2.set(xlabel="false positive rate (good customers flagged)", ylabel="true positive rate (recall)",
            title="ROC")
    for i, (name, t) in enumerate((marks or {}).items()):
        flag = s >= t
        rec = (flag & (y == 1)).sum() / max(1, y.sum())
        prec = (flag & (y == 1)).sum() / max(1, flag.sum())
        fp = (flag & (y == 0)).sum() / max(1, (y == 0).sum())
        c = PALETTE[(i + 2) % len(PALETTE)]
        ax1.plot([rec], [prec], "o", color=c, label=f"{name} (t={t:.3g})")
        ax2.plot([fp], [rec], "o", color=c, label=f"{name} (t={t:.3g})")
    ax1.legend(loc="lower left", fontsize=8)
    ax2.legend(loc="lower right", fontsize=8)
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def cost_vs_threshold(curve: pd.DataFrame, chosen: float | None = None, *, currency: str = "USD",
                      title: str = "Expected cost by threshold (synthetic data, illustrative costs)"):
    """The total cost (and its parts) of each threshold, from :func:`paylab.fraud.cost_curve`."""
    c = curve[np.isfinite(curve["threshold"])]
    fig, ax = new_axes(title, "threshold (flag if score ≥ threshold)", f"cost, thousand {currency}")
    k = 100 * 1000          # minor units per thousand currency units (display only)
    ax.plot(c["threshold"], c["cost"] / k, color=PALETTE[3], lw=2, label="total cost")
    ax.plot(c["threshold"], c["money_lost"] / k, color=PALETTE[0], ls="--", label="fraud lost")
    ax.plot(c["threshold"], (c["cost"] - c["money_lost"]) / k, color=PALETTE[2], ls="--",
            label="reviews + friction")
    if chosen is not None and np.isfinite(chosen):
        ax.axvline(chosen, color=PALETTE[7], ls=":", label=f"cheapest: {chosen:.3g}")
    ax.set_xscale("log")
    ax.set_yscale("symlog", linthresh=1.0)     # fraud losses dwarf review costs: show both
    ax.set_ylim(bottom=0)
    ax.legend()
    return fig


def importance_bar(importance: pd.Series, title: str = "Permutation importance (synthetic data)"):
    """Horizontal bars: how much PR-AUC drops when each feature is shuffled."""
    imp = importance.sort_values()
    fig, ax = new_axes(title, "drop in PR-AUC when the feature is shuffled", "")
    ax.barh(imp.index, imp.to_numpy(), color=PALETTE[0])
    return fig


def rule_report_bar(report: pd.DataFrame, title: str = "Rules on synthetic data: precision and recall"):
    """Precision and recall of each rule from :meth:`paylab.fraud.RuleEngine.report`."""
    fig, ax = new_axes(title, "", "share")
    x = np.arange(len(report))
    ax.bar(x - 0.2, report["precision"].fillna(0), 0.4, label="precision", color=PALETTE[0])
    ax.bar(x + 0.2, report["recall"].fillna(0), 0.4, label="recall", color=PALETTE[1])
    ax.set_xticks(x, report.index, rotation=15)
    ax.set_ylim(0, 1)
    ax.legend()
    return fig


def reliability_plot(table: pd.DataFrame, title: str = "Calibration on the test weeks (synthetic data)"):
    """Observed fraud rate against mean score per bin (from :func:`paylab.fraud.reliability`), log axes.

    Points on the diagonal are calibrated; above it the model under-states the risk. Marker area
    grows with the number of rows in the bin.
    """
    fig, ax = new_axes(title, "mean score in the bin (model's probability)", "observed fraud rate in the bin")
    x = table["mean score"].to_numpy(float)
    y = table["fraud rate"].to_numpy(float)
    floor = min(1e-5, x.min() / 2)
    lo = min(floor, x.min())
    ax.plot([lo, 1], [lo, 1], color=PALETTE[7], ls=":", label="perfectly calibrated")
    size = 20 + 180 * np.sqrt(table["rows"].to_numpy(float) / table["rows"].max())
    ax.scatter(x, np.maximum(y, floor), s=size, color=PALETTE[0], zorder=3, label="score bin (area ~ rows)")
    ax.plot(x, np.maximum(y, floor), color=PALETTE[0], lw=1)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.legend(loc="upper left")
    return fig


def cost_curves_compared(curves: dict[str, pd.DataFrame], chosen: dict[str, float] | None = None, *,
                         currency: str = "USD",
                         title: str = "Total cost by threshold (synthetic data, illustrative costs)"):
    """Total cost against threshold for several cost settings, both axes logarithmic.

    ``curves`` maps a label to a frame with ``threshold`` and ``cost`` (minor units), e.g. from
    :func:`paylab.fraud.case_cost_curve`; ``chosen`` marks the cheapest threshold of each.
    """
    fig, ax = new_axes(title, "threshold (flag if score ≥ threshold), log scale", f"total cost, {currency} (log scale)")
    for i, (name, curve) in enumerate(curves.items()):
        c = curve[np.isfinite(curve["threshold"]) & (curve["threshold"] > 0)]
        colour = PALETTE[(2 * i) % len(PALETTE)]
        ax.plot(c["threshold"], c["cost"] / 100, color=colour, lw=2, label=name, drawstyle="steps-post")
        t = (chosen or {}).get(name)
        if t is not None and np.isfinite(t):
            ax.axvline(t, color=colour, ls=":", label=f"cheapest for {name}: {t:.3g}")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.legend(fontsize=8)
    return fig
