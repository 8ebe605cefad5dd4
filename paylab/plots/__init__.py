"""Shared plotting set-up: one style, English labels, CJK glyphs only through a fallback list.

Domain plots live in ``paylab.plots.<domain>`` and import matplotlib; pure
computation modules never import this package.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
from matplotlib import font_manager

__all__ = ["CJK_FALLBACK", "PALETTE", "use_style", "new_axes"]

#: Fonts tried, in order, for Chinese glyphs; only those installed are used,
#: so a machine without CJK fonts renders the English labels with no warning.
CJK_FALLBACK = (
    "Noto Sans CJK SC",
    "Noto Sans CJK JP",
    "Noto Sans SC",
    "Source Han Sans SC",
    "WenQuanYi Zen Hei",
    "SimHei",
    "Microsoft YaHei",
)

#: Colour per payment-method kind (and general series), colour-blind safe (Okabe–Ito).
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000")


def use_style() -> list[str]:
    """Apply the book's plot style; returns the font families in use (first is the main one)."""
    installed = {f.name for f in font_manager.fontManager.ttflist}
    families = ["DejaVu Sans"] + [f for f in CJK_FALLBACK if f in installed]
    plt.rcParams.update({
        "font.family": "sans-serif",
        "font.sans-serif": families,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.grid": True,
        "grid.alpha": 0.3,
        "axes.prop_cycle": plt.cycler(color=list(PALETTE)),
        "figure.figsize": (7.0, 4.0),
        "figure.dpi": 100,
        "savefig.bbox": "tight",
        "svg.hashsalt": "paylab",
    })
    return families


def new_axes(title: str, xlabel: str = "", ylabel: str = "", *, figsize=None):
    """A styled figure with one axes, titled and labelled (English labels)."""
    use_style()
    fig, ax = plt.subplots(figsize=figsize)
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    return fig, ax
