"""paylab.plots.chain: each plot draws what it says, with English labels and honest titles."""

from __future__ import annotations

import hashlib
from dataclasses import replace

import matplotlib.pyplot as plt

from paylab import Money
from paylab.chain import THROUGHPUT, Blockchain, Wallet, compare_settlement, pow_experiment, simulate_double_spend
from paylab.plots.chain import (
    plot_chain,
    plot_double_spend,
    plot_merkle_proof,
    plot_pow,
    plot_settlement,
    plot_throughput,
)


def small_chain() -> Blockchain:
    a, b = Wallet("plot-a"), Wallet("plot-b")
    chain = Blockchain({a.address: 1000}, difficulty=4)
    chain.add_block([a.transfer(b, 10, 0)])
    chain.add_block([a.transfer(b, 10, 1)])
    return chain


def test_plot_chain_marks_the_bad_block_in_red():
    chain = small_chain()
    fig = plot_chain(chain)
    assert len(fig.axes[0].patches) == 3
    colours = [p.get_edgecolor() for p in fig.axes[0].patches]
    assert len(set(colours)) == 1
    b = chain.blocks[1]
    chain.blocks[1] = replace(b, transactions=(replace(b.transactions[0], amount=11),))
    fig2 = plot_chain(chain)
    edge = [p.get_edgecolor() for p in fig2.axes[0].patches]
    assert edge[1] != edge[0] and edge[0] == edge[2]
    plt.close("all")


def test_plot_merkle_proof_colours_path_and_siblings():
    txs = [hashlib.sha256(bytes([i])).digest() for i in range(5)]
    fig = plot_merkle_proof(txs, 2)
    assert "Merkle" in fig.axes[0].get_title()
    assert len(fig.axes[0].collections) == 5 + 3 + 2 + 1
    plt.close("all")


def test_plot_pow_and_double_spend_use_log_scales():
    fig = plot_pow(pow_experiment([0, 2, 4], trials=3))
    assert fig.axes[0].get_yscale() == "log"
    sims = [simulate_double_spend(0.3, z, 2000, seed=0) for z in (0, 5)]
    fig = plot_double_spend(simulations=sims)
    assert fig.axes[0].get_yscale() == "log" and "Nakamoto" in fig.axes[0].get_title()
    plt.close("all")


def test_plot_throughput_has_one_bar_per_fact_on_a_log_axis():
    fig = plot_throughput(THROUGHPUT)
    ax = fig.axes[0]
    assert ax.get_xscale() == "log" and len(ax.patches) == len(THROUGHPUT)
    assert "sources" in ax.get_title()
    plt.close("all")


def test_plot_settlement_says_illustrative():
    fig = plot_settlement(compare_settlement([Money("200.00", "USD")]))
    assert "ILLUSTRATIVE" in fig._suptitle.get_text()
    assert len(fig.axes) == 2 and len(fig.axes[0].patches) == 2
    plt.close("all")
