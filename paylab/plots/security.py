"""Plots for chapter 4: risk heat maps, biometric ROC/DET, brute-force cost, step-up trade-off, IDS matrix."""

from __future__ import annotations

from statistics import NormalDist

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.colors import ListedColormap

from paylab.plots import PALETTE, new_axes, use_style

__all__ = ["risk_heat_map", "roc_det", "score_histogram", "brute_force_plot", "stepup_tradeoff",
           "confusion_plot"]



def _probit(p) -> np.ndarray:
    """Normal deviate of each probability (the DET curve's axis scale)."""
    inv = NormalDist().inv_cdf
    return np.array([inv(float(v)) for v in np.atleast_1d(p)])


_ZONES = ListedColormap(["#d9f0d3", "#fff2b3", "#fdd0a2", "#f4a6a6"])


def _zone_grid() -> np.ndarray:
    lik = np.arange(5, 0, -1)[:, None]
    imp = np.arange(1, 6)[None, :]
    score = lik * imp
    return np.select([score <= 4, score <= 9, score <= 15], [0, 1, 2], 3)


def risk_heat_map(register: pd.DataFrame, title: str = "Risk register (illustrative scores)"):
    """Two 5x5 grids, before and after controls, coloured by level, with the risk ids in each cell."""
    use_style()
    fig, axes = plt.subplots(1, 2, figsize=(10, 4.4), sharey=True)
    for ax, residual, label in ((axes[0], False, "before controls"), (axes[1], True, "after controls")):
        lik, imp = ("residual likelihood", "residual impact") if residual else ("likelihood", "impact")
        ax.imshow(_zone_grid(), cmap=_ZONES, vmin=0, vmax=3, extent=(0.5, 5.5, 0.5, 5.5))
        for li in range(1, 6):
            for im in range(1, 6):
                ids = register.loc[(register[lik] == li) & (register[imp] == im), "id"].tolist()
                if ids:
                    text = "\n".join(", ".join(ids[k:k + 3]) for k in range(0, len(ids), 3))
                    ax.text(im, li, text, ha="center", va="center", fontsize=7.5)
        ax.set_xticks(range(1, 6))
        ax.set_yticks(range(1, 6))
        ax.set_xlabel("impact (1-5)")
        ax.set_title(label)
        ax.grid(False)
    axes[0].set_ylabel("likelihood (1-5)")
    fig.suptitle(title)
    return fig


def score_histogram(scores: pd.DataFrame, threshold: float | None = None,
                    title: str = "Simulated match scores (synthetic)"):
    """Histograms of genuine and impostor scores, with the decision threshold."""
    fig, ax = new_axes(title, "match score", "share of attempts")
    bins = np.linspace(0, 1, 51)
    for genuine, colour, label in ((True, PALETTE[0], "genuine"), (False, PALETTE[3], "impostor")):
        values = scores.loc[scores["genuine"] == genuine, "score"]
        ax.hist(values, bins=bins, weights=np.full(len(values), 1 / len(values)), alpha=0.6, color=colour,
                label=label)
    if threshold is not None:
        ax.axvline(threshold, color="black", linestyle="--", label=f"threshold {threshold:.2f}")
    ax.legend()
    return fig


def roc_det(table: pd.DataFrame, eer: tuple[float, float] | None = None,
            title: str = "Biometric matcher on synthetic scores"):
    """ROC (TAR against FAR, log x) and DET (FRR against FAR on normal-deviate axes) side by side."""
    use_style()
    fig, (roc, det) = plt.subplots(1, 2, figsize=(10, 4.2))
    ok = (table["FAR"] > 0) & (table["FAR"] < 1)
    roc.plot(table.loc[ok, "FAR"], table.loc[ok, "TAR"], color=PALETTE[0])
    roc.set_xscale("log")
    roc.set_xlabel("false accept rate (FAR)")
    roc.set_ylabel("true accept rate (1 - FRR)")
    roc.set_title("ROC")
    ok &= (table["FRR"] > 0) & (table["FRR"] < 1)
    det.plot(_probit(table.loc[ok, "FAR"]), _probit(table.loc[ok, "FRR"]), color=PALETTE[3])
    ticks = np.array([0.001, 0.01, 0.05, 0.2, 0.5])
    det.set_xticks(_probit(ticks), [f"{t:g}" for t in ticks])
    det.set_yticks(_probit(ticks), [f"{t:g}" for t in ticks])
    det.set_xlabel("false accept rate (FAR)")
    det.set_ylabel("false reject rate (FRR)")
    det.set_title("DET (normal-deviate axes)")
    if eer is not None:
        det.plot(_probit(eer[1]), _probit(eer[1]), "o", color="black", label=f"EER {eer[1]:.1%}")
        det.legend()
    fig.suptitle(title)
    return fig


def brute_force_plot(table: pd.DataFrame, title: str = "scrypt cost, measured on this machine"):
    """Days one core needs to search each password space, per scrypt setting (log scale)."""
    cols = [c for c in table.columns if c.startswith("days: ")]
    fig, ax = new_axes(title, "password space", "days for one core (log scale)", figsize=(8, 4.2))
    width = 0.8 / len(table)
    x = np.arange(len(cols))
    for i, (_, row) in enumerate(table.iterrows()):
        ax.bar(x + i * width, [row[c] for c in cols], width, label=row["parameters"])
    ax.set_yscale("log")
    ax.set_xticks(x + width * (len(table) - 1) / 2, [c[6:] for c in cols], fontsize=8)
    ax.axhline(365, color="black", linewidth=0.8, linestyle=":")
    ax.text(x[-1] + 0.4, 365, "1 year", va="bottom", ha="right", fontsize=8)
    ax.legend(fontsize=8)
    return fig


def stepup_tradeoff(evaluation: pd.DataFrame, title: str = "Step-up policies on synthetic payments"):
    """Each policy as a point: share of payments challenged vs share of fraud value let through."""
    fig, ax = new_axes(title, "payments challenged (friction)", "fraud value let through")
    for i, row in evaluation.reset_index(drop=True).iterrows():
        ax.scatter(row["challenged share"], row["share of fraud value let through"], s=60,
                   color=PALETTE[i % len(PALETTE)], label=row["policy"], zorder=3)
    ax.set_xscale("symlog", linthresh=0.01)
    ax.set_xlim(-0.001, 1.5)
    ax.set_ylim(-0.05, 1.05)
    ax.xaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{v:.0%}"))
    ax.yaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{v:.0%}"))
    ax.legend(fontsize=8, loc="upper right")
    return fig


def confusion_plot(matrix: pd.DataFrame, title: str = "IDS alerts against ground truth (synthetic log)"):
    """A 2x2 confusion matrix as an annotated grid."""
    fig, ax = new_axes(title, "predicted", "actual", figsize=(4.8, 4))
    ax.imshow(matrix.to_numpy(), cmap="Blues")
    for (i, j), value in np.ndenumerate(matrix.to_numpy()):
        ax.text(j, i, str(value), ha="center", va="center", fontsize=13,
                color="white" if value > matrix.to_numpy().max() / 2 else "black")
    ax.set_xticks(range(2), list(matrix.columns))
    ax.set_yticks(range(2), list(matrix.index))
    ax.grid(False)
    return fig
