"""Plots and the threshold widget of paylab.fraud."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from paylab.errors import InvalidInput
from paylab.fraud import RuleEngine, add_features, cost_curve, generate_transactions
from paylab.plots.fraud import cost_vs_threshold, importance_bar, pr_roc_curves, rule_report_bar
from paylab.widgets.fraud import outcome_html, threshold_widget

SCORES = np.array([0.9, 0.7, 0.4, 0.2, 0.05, 0.01])
LABELS = np.array([1, 0, 1, 0, 0, 0])
AMOUNTS = np.array([10_000, 500, 25_050, 700, 800, 900])


def test_pr_roc_curves_labels():
    fig = pr_roc_curves(SCORES, LABELS, marks={"cheapest": 0.4})
    ax1, ax2 = fig.axes
    assert "recall" in ax1.get_xlabel() and "precision" in ax1.get_ylabel()
    assert "false positive" in ax2.get_xlabel()
    assert "synthetic" in fig._suptitle.get_text()
    plt.close(fig)


def test_cost_and_importance_plots():
    curve = cost_curve(SCORES, LABELS, AMOUNTS, 100, 200)
    fig = cost_vs_threshold(curve, chosen=0.4)
    ax = fig.axes[0]
    assert "synthetic" in ax.get_title() and len(ax.lines) == 4
    plt.close(fig)
    fig = importance_bar(pd.Series({"velocity_1h": 0.3, "hour": 0.1}))
    assert "synthetic" in fig.axes[0].get_title()
    plt.close(fig)
    df = add_features(generate_transactions(n_steps=24, n_customers=300, fraud_rate=0.01, seed=0))
    fig = rule_report_bar(RuleEngine().report(df))
    assert len(fig.axes[0].patches) == 2 * 4
    plt.close(fig)


def test_widget_default_state_and_update():
    w = threshold_widget(SCORES, LABELS, AMOUNTS, threshold=0.5)
    slider, out = w.children
    assert "fraud caught" in out.value and "1 of 2" in out.value and "USD 250.50" in out.value
    slider.value = 0.3
    assert "2 of 2" in out.value and "USD 0.00" in out.value
    assert "good customers challenged" in outcome_html(SCORES, LABELS, AMOUNTS, 0.01)


def test_widget_bad_amounts():
    with pytest.raises(InvalidInput) as e:
        threshold_widget(SCORES, LABELS, AMOUNTS / 100)
    assert e.value.field == "amounts"


def test_reliability_plot_has_log_axes_and_a_diagonal():
    from paylab.fraud import reliability
    from paylab.plots.fraud import reliability_plot

    fig = reliability_plot(reliability(SCORES, LABELS))
    ax = fig.axes[0]
    assert ax.get_xscale() == "log" and ax.get_yscale() == "log"
    assert "synthetic" in ax.get_title()
    plt.close(fig)


def test_cost_curves_compared_on_log_axes():
    from paylab.fraud import FraudCosts, case_cost_curve
    from paylab.plots.fraud import cost_curves_compared

    cases = np.array([0, -1, 1, -1, -1, -1])
    losses = np.array([10_000, 25_050])
    curves = {f"friction {f}": case_cost_curve(SCORES, LABELS, cases, losses, FraudCosts(500, f)) for f in (200, 2000)}
    fig = cost_curves_compared(curves, {"friction 200": 0.4})
    ax = fig.axes[0]
    assert ax.get_xscale() == "log" and ax.get_yscale() == "log"
    assert any("cheapest" in t.get_text() for t in ax.get_legend().get_texts())
    plt.close(fig)


def test_widget_text_form_states_the_outcome():
    w = threshold_widget(SCORES, LABELS, AMOUNTS, threshold=0.5)
    text = repr(w)
    assert "1 of 2 fraud rows caught" in text and "1 of 4 good customers challenged" in text
    assert "VBox(" not in text and "synthetic" in text
