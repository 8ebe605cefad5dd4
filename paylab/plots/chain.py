"""Plots for chapter 5's blockchain section: the chain, a Merkle proof, proof of work,
the double-spend race, settlement routes and throughput."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated

import matplotlib.pyplot as plt
from matplotlib.patches import FancyBboxPatch

from paylab.chain import (
    THROUGHPUT,
    Blockchain,
    SimulationResult,
    ThroughputFact,
    double_spend_probability,
    merkle_levels,
    merkle_proof,
)
from paylab.chain.clearing import Settlement
from paylab.plots import PALETTE, new_axes, use_style
from paylab.validation import Count, MaxLength, NonEmpty

__all__ = ["plot_chain", "plot_merkle_proof", "plot_pow", "plot_double_spend", "plot_throughput",
           "plot_settlement"]


def plot_chain(chain: Blockchain, *, title: str = "A hash chain: each block stores the previous hash"):
    """Blocks as boxes linked by their hashes; blocks that ``validate`` flags are red."""
    bad = {p.index for p in chain.validate()}
    n = len(chain.blocks)
    fig, ax = new_axes(title, figsize=(max(6.0, 2.2 * n), 2.6))
    ax.axis("off")
    for i, b in enumerate(chain.blocks):
        colour = PALETTE[3] if i in bad else PALETTE[0]
        ax.add_patch(FancyBboxPatch((i * 2.2, 0), 1.8, 1.6, boxstyle="round,pad=0.05",
                                    fc="white", ec=colour, lw=2))
        ax.text(i * 2.2 + 0.9, 1.35, f"block {b.index}", ha="center", fontsize=10, weight="bold")
        ax.text(i * 2.2 + 0.9, 0.95, f"prev {b.prev_hash[:8]}", ha="center", fontsize=8, family="monospace")
        ax.text(i * 2.2 + 0.9, 0.6, f"hash {b.hash[:8]}", ha="center", fontsize=8, family="monospace")
        ax.text(i * 2.2 + 0.9, 0.25, f"{len(b.transactions)} tx, nonce {b.nonce}", ha="center", fontsize=8)
        if i:
            ax.annotate("", xy=(i * 2.2 - 0.05, 0.8), xytext=(i * 2.2 - 0.35, 0.8),
                        arrowprops={"arrowstyle": "->", "color": "grey"})
    ax.set_xlim(-0.2, n * 2.2)
    ax.set_ylim(-0.2, 1.8)
    return fig


def plot_merkle_proof(tx_hashes: Sequence[bytes | str], index: int, *,
                      title: str = "Merkle proof: the leaf, its siblings (orange) and the root"):
    """The tree, with the proven leaf's path in blue and the proof's siblings in orange."""
    levels = merkle_levels(tx_hashes)
    siblings = {s.sibling for s in merkle_proof(tx_hashes, index)}
    path, i = set(), index
    for depth in range(len(levels)):
        path.add((depth, i))
        i //= 2
    width = len(levels[0])
    fig, ax = new_axes(title, figsize=(max(6.0, 0.9 * width), 0.9 * len(levels) + 1))
    ax.axis("off")
    pos = {}
    for depth, level in enumerate(levels):
        for j, node in enumerate(level):
            span = width / len(level)
            x, y = (j + 0.5) * span, depth
            pos[(depth, j)] = (x, y)
            colour = PALETTE[0] if (depth, j) in path else PALETTE[1] if node in siblings else "lightgrey"
            ax.scatter([x], [y], s=500, color=colour, zorder=3)
            ax.text(x, y - 0.32, node.hex()[:6], ha="center", fontsize=7, family="monospace")
            if depth:
                for child in (2 * j, 2 * j + 1):
                    if (depth - 1, child) in pos and child < len(levels[depth - 1]):
                        cx, cy = pos[(depth - 1, child)]
                        ax.plot([cx, x], [cy, y], color="grey", lw=1, zorder=1)
    ax.set_ylim(-0.7, len(levels) - 0.5)
    return fig


def plot_pow(rows: NonEmpty[Sequence[dict]], *, title: str = "Proof of work: expected vs measured attempts"):
    """Mean attempts per difficulty (log scale) against the expectation 2**d."""
    fig, ax = new_axes(title, "difficulty (leading zero bits)", "attempts (log scale)")
    d = [r["difficulty"] for r in rows]
    ax.plot(d, [r["expected"] for r in rows], "--", label="expected 2^d")
    ax.plot(d, [r["measured_mean"] for r in rows], "o", label=f"measured mean ({rows[0]['trials']} blocks)")
    ax.vlines(d, [r["measured_min"] for r in rows], [r["measured_max"] for r in rows], alpha=0.4,
              label="measured min–max")
    ax.set_yscale("log", base=2)
    ax.legend()
    return fig


def plot_double_spend(qs: Annotated[Sequence[float], MaxLength(20)] = (0.1, 0.2, 0.3, 0.4), z_max: Count[1, 2_000] = 30,
                      simulations: Sequence[SimulationResult] = (), *,
                      title: str = "Attacker success vs confirmations (Nakamoto 2008, section 11)"):
    """P(attacker catches up) against z for several q (log scale), with simulated points and CIs."""
    fig, ax = new_axes(title, "confirmations z", "probability (log scale)")
    zs = list(range(z_max + 1))
    for k, q in enumerate(qs):
        ps = [double_spend_probability(q, z) for z in zs]
        ax.plot(zs, ps, color=PALETTE[k % len(PALETTE)], label=f"q = {q} (closed form)")
    for s in simulations:
        if s.successes:
            k = list(qs).index(s.q) if s.q in qs else 7
            err = [[max(0.0, s.estimate - s.ci_low)], [max(0.0, s.ci_high - s.estimate)]]
            ax.errorbar([s.z], [s.estimate], yerr=err, fmt="o", color=PALETTE[k % len(PALETTE)], capsize=3)
    ax.set_yscale("log")
    ax.set_ylim(1e-7, 1.5)
    ax.axhline(1e-3, color="grey", ls=":", lw=1)
    ax.text(z_max, 1.2e-3, "P = 0.001", ha="right", fontsize=8, color="grey")
    ax.legend(fontsize=8)
    return fig


def plot_throughput(facts: Sequence[ThroughputFact] = THROUGHPUT, *,
                    title: str = "Transactions per second, log scale (sources in the text)"):
    """Horizontal bars on a log scale: public chains vs card networks vs Double-11 peaks."""
    fig, ax = new_axes(title, "per second (log scale)", figsize=(7.5, 0.45 * len(facts) + 1.2))
    labels = [f"{f.system} {f.year}" for f in facts]
    colours = [PALETTE[3] if "Bitcoin" in f.system else PALETTE[0] if "Visa" in f.system else PALETTE[2]
               for f in facts]
    ax.barh(labels, [f.tps for f in facts], color=colours)
    for y, f in enumerate(facts):
        ax.text(f.tps * 1.15, y, f"{f.tps:,} ({f.measure})", va="center", fontsize=7)
    ax.set_xscale("log")
    ax.set_xlim(1, 1e7)
    ax.invert_yaxis()
    ax.grid(axis="y", visible=False)
    return fig


def plot_settlement(rows: Sequence[Settlement], *,
                    title: str = "Cross-border settlement, ILLUSTRATIVE parameters"):
    """Cost share and hours for each route and amount (two panels)."""
    use_style()
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(9, 3.4))
    fig.suptitle(title)
    labels = [f"{r.route.split(' (')[0]}\n{r.sent}" for r in rows]
    colours = [PALETTE[0] if r.hops > 1 else PALETTE[2] for r in rows]
    a1.bar(range(len(rows)), [float(r.cost_share) * 100 for r in rows], color=colours)
    a1.set_ylabel("total cost, % of amount sent")
    a2.bar(range(len(rows)), [float(r.hours) for r in rows], color=colours)
    a2.set_ylabel("hours until the money arrives")
    for x, r in enumerate(rows):
        a1.text(x, float(r.cost_share) * 100, f"{float(r.cost_share) * 100:.2f}%", ha="center",
                va="bottom", fontsize=8)
        a2.text(x, float(r.hours), f"{r.hours} h", ha="center", va="bottom", fontsize=8)
    for a in (a1, a2):
        a.set_xticks(range(len(rows)), labels, fontsize=7)
    fig.tight_layout()
    return fig
