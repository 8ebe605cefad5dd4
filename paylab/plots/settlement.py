"""Plots for settlement: netting networks, net positions, netting savings, reconciliation results.

Every function takes the pure result (:class:`paylab.settlement.NettingResult`,
:class:`paylab.settlement.Report`) and returns the matplotlib figure; titles say
"synthetic" by default because the book's data here is generated.
"""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.patches import FancyArrowPatch
from matplotlib.ticker import MaxNLocator

from paylab import methods as _methods
from paylab.errors import InvalidInput, NotFound
from paylab.plots import PALETTE, new_axes, use_style
from paylab.settlement import Injected, NettingResult, Report

__all__ = ["plot_netting", "plot_positions", "plot_netting_savings", "plot_reconciliation",
           "plot_settlement_calendar"]


def _check(result: object, kind: type, name: str) -> None:
    if not isinstance(result, kind):
        raise InvalidInput(name, f"a {kind.__name__}", f"{name} must be a paylab.settlement.{kind.__name__}")


def _network(ax, parties: list[str], flows, title: str, scale: float, color: str) -> None:
    n = len(parties)
    pos = {p: (math.cos(2 * math.pi * i / n + math.pi / 2), math.sin(2 * math.pi * i / n + math.pi / 2))
           for i, p in enumerate(parties)}
    for payer, payee, amount in flows:
        (x0, y0), (x1, y1) = pos[payer], pos[payee]
        width = 0.6 + 5.0 * amount / scale
        ax.add_patch(FancyArrowPatch((x0, y0), (x1, y1), arrowstyle="-|>", mutation_scale=12,
                                     connectionstyle="arc3,rad=0.15", linewidth=width, color=color,
                                     alpha=0.7, shrinkA=14, shrinkB=14))
    for p, (x, y) in pos.items():
        ax.scatter([x], [y], s=650, color="white", edgecolor="black", zorder=3)
        ax.text(x, y, p, ha="center", va="center", fontsize=9, zorder=4)
    ax.set_xlim(-1.35, 1.35)
    ax.set_ylim(-1.35, 1.35)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title(title, fontsize=10)


def plot_netting(result: NettingResult, *, title: str = "Gross obligations vs multilateral netting (synthetic)"):
    """Two networks side by side: every gross obligation, then the few net transfers that
    settle the same positions (arrow width ~ amount)."""
    _check(result, NettingResult, "result")
    use_style()
    parties = sorted(set(result.obligations["payer"]) | set(result.obligations["payee"]))
    scale = max(int(result.obligations["amount"].max()) if len(result.obligations) else 1, 1)
    fig, (left, right) = plt.subplots(1, 2, figsize=(9.0, 4.4))
    gross = list(result.obligations.itertuples(index=False, name=None))
    net = list(result.transfers.itertuples(index=False, name=None))
    _network(left, parties, gross, f"Gross: {len(gross)} payments", scale, PALETTE[0])
    _network(right, parties, net, f"Net: {len(net)} transfers", scale, PALETTE[3])
    fig.suptitle(title)
    return fig


def plot_positions(result: NettingResult, *, unit: int = 100, currency: str = "CNY",
                   title: str = "Net position per party (synthetic)"):
    """Bar chart of each party's net position (receives minus pays), in currency units."""
    _check(result, NettingResult, "result")
    fig, ax = new_axes(title, "party", f"net position ({currency})")
    pos = result.positions / unit
    colors = [PALETTE[2] if v >= 0 else PALETTE[3] for v in pos]
    ax.bar([str(p) for p in pos.index], pos.to_numpy(float), color=colors)
    ax.axhline(0, color="black", linewidth=0.8)
    return fig


def plot_netting_savings(result: NettingResult, *, unit: int = 100, currency: str = "CNY",
                         title: str = "Transfers and money moved (synthetic)"):
    """Transfers needed and money moved under gross, bilateral and multilateral settlement."""
    _check(result, NettingResult, "result")
    use_style()
    summary = result.summary()
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(9.0, 3.8))
    labels = ["gross", "bilateral", "multilateral"]
    a1.bar(labels, summary["transfers"].to_numpy(), color=PALETTE[:3])
    a1.set_ylabel("transfers")
    a1.yaxis.set_major_locator(MaxNLocator(integer=True))
    a2.bar(labels, (summary["amount"] / unit).to_numpy(float), color=PALETTE[:3])
    a2.set_ylabel(f"money moved ({currency})")
    fig.suptitle(title)
    return fig


_KINDS = ("missing", "duplicated", "mismatched", "unexpected")


def plot_reconciliation(report: Report, truth: Injected | None = None, *,
                        title: str = "Reconciliation of a synthetic day"):
    """Items found per error category, next to the planted ones when ``truth`` is given."""
    _check(report, Report, "report")
    if truth is not None:
        _check(truth, Injected, "truth")
    fig, ax = new_axes(title, "category", "items")
    found = [len(report.refs(k)) for k in _KINDS]
    x = range(len(_KINDS))
    if truth is None:
        ax.bar(list(_KINDS), found, color=PALETTE[0])
    else:
        planted = [len(getattr(truth, k)) for k in _KINDS]
        ax.bar([i - 0.2 for i in x], planted, width=0.4, label="planted", color=PALETTE[1])
        ax.bar([i + 0.2 for i in x], found, width=0.4, label="found by reconcile", color=PALETTE[0])
        ax.set_xticks(list(x), list(_KINDS))
        ax.set_ylim(0, max(planted + found + [1]) * 1.35)
        ax.legend(loc="upper right", ncol=2)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    return fig


def plot_settlement_calendar(calendar: pd.DataFrame, *, unit: int = 100, currency: str = "CNY",
                             title: str = "Net amount settled per day, by method (synthetic)"):
    """Stacked bars of the net amount reaching merchants each settlement day, one colour per
    method (legend: name and T+n), from :func:`paylab.settlement.settlement_calendar`: T+0 money
    lands the same day, T+2 money two days later. Every day in the range gets a slot and a total
    label, so a day on which nothing settles reads as such instead of an empty bar."""
    if not isinstance(calendar, pd.DataFrame) or not {"settle_day", "method", "net"} <= set(calendar.columns):
        raise InvalidInput("calendar", "a settlement_calendar() table",
                           "pass the DataFrame returned by paylab.settlement.settlement_calendar")
    if isinstance(unit, bool) or not isinstance(unit, int) or unit <= 0:
        raise InvalidInput("unit", "positive integer", "unit is minor units per currency unit (100 for CNY)")
    fig, ax = new_axes(title, "settlement day (day 0 = first day of sales)", f"net settled ({currency})")
    if calendar.empty:
        ax.text(0.5, 0.5, "no settled payments", ha="center", va="center", transform=ax.transAxes)
        return fig
    table = calendar.pivot_table(index="settle_day", columns="method", values="net", aggfunc="sum", fill_value=0)
    days = list(range(int(table.index.min()), int(table.index.max()) + 1))
    table = table.reindex(days, fill_value=0)
    bottom = None
    for i, method in enumerate(table.columns):
        values = (table[method] / unit).to_numpy(float)
        try:
            label = f"{_methods.get(method).name} ({_methods.get(method).settlement})"
        except NotFound:
            label = str(method)
        ax.bar(days, values, bottom=bottom, label=label, color=PALETTE[i % len(PALETTE)])
        bottom = values if bottom is None else bottom + values
    top = float(bottom.max()) if bottom is not None and len(bottom) else 0.0
    for day, total in zip(days, bottom if bottom is not None else [], strict=False):
        ax.annotate(f"{total:,.2f}" if total else "nothing settles", (day, total), xytext=(0, 3),
                    textcoords="offset points", ha="center", fontsize=8)
    ax.set_xticks(days, [f"day {d}" for d in days])
    ax.set_ylim(0, max(top, 1.0) * 1.15)
    ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.18), ncol=2, frameon=False)
    return fig
