"""Plots for chapter 3: a sequence diagram drawn from a real ``Gateway.trace``, the intent
state diagram, the retry curve and an escrow timeline."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import matplotlib.pyplot as plt
import pandas as pd

from paylab.errors import InvalidInput
from paylab.flow.gateway import STEPS, Event
from paylab.flow.intents import STATES, TRANSITIONS
from paylab.plots import PALETTE, new_axes, use_style

__all__ = ["sequence_diagram", "state_diagram", "retry_curve_plot", "escrow_timeline_plot", "LANES"]

#: Sequence-diagram lanes: participant -> (column, label).
LANES = {"customer": (0, "customer / app"), "gateway": (1, "gateway"), "bank": (2, "bank / ledger"),
         "ledger": (2, "bank / ledger"), "merchant": (3, "merchant")}


def sequence_diagram(events: Iterable[Event], *, title: str = "One payment, step by step"):
    """Draw the events of one trace as a sequence diagram, one arrow per event, coloured by
    step (1–6), lanes customer/app, gateway, bank/ledger, merchant. Returns the figure."""
    evs = list(events)
    use_style()
    fig, ax = plt.subplots(figsize=(8.0, 0.42 * len(evs) + 1.6))
    ax.set_title(title)
    ax.grid(False)
    for side in ("left", "bottom"):
        ax.spines[side].set_visible(False)
    cols = sorted({c for c, _ in LANES.values()})
    labels = {c: lab for c, lab in LANES.values()}
    n = len(evs)
    for c in cols:
        ax.plot([c, c], [0.6, -n - 0.2], color="#999999", lw=1, zorder=0)
        ax.text(c, 1.0, labels[c], ha="center", va="bottom", fontsize=9, fontweight="bold")
    seen_steps: set[int] = set()
    for i, ev in enumerate(evs):
        y = -i
        x0, x1 = LANES[ev.src][0], LANES[ev.dst][0]
        colour = PALETTE[(ev.step - 1) % len(PALETTE)]
        if x0 == x1:
            ax.annotate("", xy=(x0 + 0.02, y - 0.25), xytext=(x0 + 0.02, y + 0.05),
                        arrowprops={"arrowstyle": "->", "color": colour,
                                    "connectionstyle": "arc3,rad=-1.2"})
            ax.text(x0 + 0.18, y - 0.05, ev.type, fontsize=7, va="center", color=colour)
        else:
            ax.annotate("", xy=(x1, y), xytext=(x0, y),
                        arrowprops={"arrowstyle": "-|>", "color": colour, "lw": 1.4})
            ax.text((x0 + x1) / 2, y + 0.08, ev.type, fontsize=7, ha="center", va="bottom", color=colour)
        if ev.step not in seen_steps:
            seen_steps.add(ev.step)
            ax.text(-0.35, y, f"{ev.step} {STEPS[ev.step][1]}", fontsize=8, ha="right", va="center",
                    color=colour, fontweight="bold")
    ax.set_xlim(-1.6, max(cols) + 0.6)
    ax.set_ylim(-n - 0.3, 1.5)
    ax.set_xticks([])
    ax.set_yticks([])
    return fig


_POS = {
    "requires_payment_method": (0.0, 1.0),
    "requires_confirmation": (2.6, 1.0),
    "requires_action": (5.2, 2.3),
    "processing": (5.2, 0.4),
    "requires_capture": (7.6, -0.5),
    "succeeded": (9.6, 1.0),
    "canceled": (2.6, -1.1),
}


_RAD = {("processing", "requires_payment_method"): 0.32}


def state_diagram(path: Sequence[str] | None = None, *, title: str = "PaymentIntent states (as in Stripe's API)"):
    """The state machine: every legal move as an arrow; the moves along ``path`` (a list of
    states, e.g. ``[s for _, s in intent.history]``) drawn bold. Returns the figure."""
    fig, ax = new_axes(title, figsize=(9.5, 4.2))
    ax.grid(False)
    ax.set_axis_off()
    taken = set(zip(path[:-1], path[1:], strict=True)) if path else set()
    for src in STATES:
        for dst in sorted(TRANSITIONS[src]):
            (x0, y0), (x1, y1) = _POS[src], _POS[dst]
            bold = (src, dst) in taken
            back = (dst, src) in {(a, b) for a in STATES for b in TRANSITIONS[a]}
            ax.annotate("", xy=(x1, y1), xytext=(x0, y0),
                        arrowprops={"arrowstyle": "-|>", "lw": 2.4 if bold else 0.9,
                                    "color": PALETTE[3] if bold else "#888888", "shrinkA": 34, "shrinkB": 34,
                                    "connectionstyle": f"arc3,rad={_RAD.get((src, dst), 0.25 if back else 0.08)}"})
    for state, (x, y) in _POS.items():
        visited = path is not None and state in path
        ax.text(x, y, state.replace("_", "_\n", 1) if len(state) > 12 else state, ha="center", va="center",
                fontsize=8, bbox={"boxstyle": "round,pad=0.4", "fc": "#FFE8CC" if visited else "white",
                                  "ec": PALETTE[0]})
    ax.set_xlim(-1.0, 10.4)
    ax.set_ylim(-1.5, 2.7)
    return fig


def retry_curve_plot(frame: pd.DataFrame, *,
                     title: str = "Checkout success vs retries (synthetic, illustrative rates)"):
    """Plot :func:`paylab.flow.simulate.retry_curve`: success rate by retries allowed."""
    fig, ax = new_axes(title, "retries allowed", "share of checkouts that succeed")
    for col in frame.columns:
        ax.plot(frame.index, frame[col], marker="o", label=col)
    ax.set_xticks(list(frame.index))
    ax.set_ylim(min(0.6, float(frame.min().min()) - 0.05), 1.01)
    ax.legend(title="bank time-out rate")
    return fig


def escrow_timeline_plot(rows: Sequence[dict], *, title: str = "Where the money sits in an escrow trade (synthetic)",
                         unit: int = 100, currency: str = "CNY"):
    """Plot :func:`paylab.flow.escrow_timeline`: money held in escrow, released to the merchant
    and returned to the buyer, by day, in currency units (``unit`` minor units each)."""
    frame = pd.DataFrame(rows)
    cols = ("held_in_escrow", "to_merchant", "back_to_buyer")
    if frame.empty or not set(cols) | {"day", "trade_status"} <= set(frame.columns):
        raise InvalidInput("rows", "escrow_timeline() rows", "pass the rows returned by paylab.flow.escrow_timeline")
    if isinstance(unit, bool) or not isinstance(unit, int) or unit <= 0:
        raise InvalidInput("unit", "positive integer", "unit is minor units per currency unit (100 for CNY)")
    fig, ax = new_axes(title, "days after the order", f"amount ({currency})")
    for col, label in zip(cols, ("held in escrow", "released to merchant", "returned to buyer"), strict=True):
        ax.step(frame["day"], frame[col] / unit, where="post", label=label, marker="o")
    for _, r in frame.iterrows():
        ax.annotate(r["trade_status"], (r["day"], max(r[c] for c in cols) / unit),
                    textcoords="offset points", xytext=(4, 6), fontsize=7)
    ax.legend()
    return fig
