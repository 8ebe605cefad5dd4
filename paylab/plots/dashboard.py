"""Static views of the trade-off dashboard (chapter 7): a design comparison and the threshold frontier."""

from __future__ import annotations

from collections.abc import Mapping

import matplotlib.pyplot as plt
import pandas as pd

from paylab import dashboard as db
from paylab.dashboard.records import _domestic_card
from paylab.plots import PALETTE, new_axes, use_style

__all__ = ["DEFAULT_DESIGNS", "default_table", "compare_plot", "frontier_plot"]

#: Four contrasting designs shown by default (the widget's starting point is the first).
DEFAULT_DESIGNS: Mapping[str, db.Config] = {
    "balanced": db.Config(),
    "no controls": db.Config(auth_policy="none", risk_threshold=1.0),
    "lock-down": db.Config(auth_policy="always", risk_threshold=0.4),
    "escrow + wide choice": db.Config(methods=("platform_balance", "qr_code", "online_banking", "ewallet",
                                               _domestic_card(), "card_cross_border"), escrow=True),
}


def default_table(profile: db.MerchantProfile | None = None,
                  designs: Mapping[str, db.Config] | None = None,
                  models: db.Models = db.DEFAULT_MODELS) -> pd.DataFrame:
    """The dashboard's numbers for the default designs (a table for the static site)."""
    return db.compare(designs or DEFAULT_DESIGNS, profile, models)


def compare_plot(table: pd.DataFrame, title: str = "Four designs, one merchant (illustrative parameters)"):
    """Four small bar charts: conversion, cost per payment, fraud loss and days to cash."""
    use_style()
    currency = table["cost / payment"].iloc[0].currency.code if len(table) else ""
    panels = [("conversion", "conversion", lambda s: s.astype(float)),
              ("cost / payment", f"cost per payment ({currency})", lambda s: s.map(lambda m: float(m.amount))),
              ("fraud loss (bp)", "fraud loss (bp of sales)", lambda s: s.astype(float)),
              ("days to cash", "days from sale to cash", lambda s: s.astype(float))]
    fig, axes = plt.subplots(1, 4, figsize=(12, 3.4))
    for ax, (col, label, conv) in zip(axes, panels, strict=True):
        values = conv(table[col])
        ax.barh(range(len(values)), values, color=PALETTE[: len(values)])
        ax.set_yticks(range(len(values)), table.index if ax is axes[0] else [""] * len(values))
        ax.invert_yaxis()
        ax.set_title(label, fontsize=10)
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def frontier_plot(config: db.Config | None = None, profile: db.MerchantProfile | None = None,
                  models: db.Models = db.DEFAULT_MODELS):
    """Fraud loss against conversion as the risk threshold moves, one curve per authentication policy."""
    config = config or db.Config()
    profile = profile or db.MerchantProfile()
    fig, ax = new_axes(f"Risk threshold trade-off — {profile.name} (illustrative)",
                       "conversion (share of genuine buyers who pay)", "fraud loss (bp of sales)")
    for colour, policy in zip(PALETTE, db.AUTH_POLICIES, strict=False):
        cfg = db.Config(config.methods, policy, config.risk_threshold, config.escrow)
        fr = db.frontier(cfg, profile, models=models)
        ax.plot(fr["conversion"], fr["fraud loss (bp)"], marker=".", color=colour, label=f"auth: {policy}")
    here = db.evaluate(config, profile, models)
    ax.plot([here.conversion], [here.fraud_loss_bp], marker="o", markersize=10, color="black",
            linestyle="none", label=f"this design (threshold {config.risk_threshold:g})")
    ax.legend(fontsize=8)
    return fig
