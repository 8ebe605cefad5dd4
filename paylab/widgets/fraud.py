"""A threshold slider for the fraud score: fraud caught, good customers challenged, money lost."""

from __future__ import annotations

import html

import ipywidgets as widgets
import numpy as np

from paylab.fraud.generate import CURRENCY, to_money
from paylab.fraud.threshold import outcome_at

__all__ = ["ThresholdWidget", "outcome_html", "threshold_widget"]


def outcome_html(scores, labels, amounts, threshold: float, currency: str = CURRENCY) -> str:
    """What the threshold does on (synthetic) test data, as a small HTML table."""
    o = outcome_at(scores, labels, threshold, amounts=np.asarray(amounts))
    rows = [
        ("threshold (flag if score ≥)", f"{threshold:.3f}"),
        ("fraud caught", f"{o['fraud_caught']} of {o['fraud_total']} ({o['recall']:.0%})"),
        ("good customers challenged", f"{o['good_challenged']} of {o['good_total']:,} ({o['challenge_rate']:.2%})"),
        ("money lost to missed fraud", str(to_money(o["money_lost"], currency))),
    ]
    body = "".join(f"<tr><td>{html.escape(k)}</td><td><b>{html.escape(v)}</b></td></tr>" for k, v in rows)
    return f"<p><i>synthetic data (PaySim-style)</i></p><table>{body}</table>"


class ThresholdWidget(widgets.VBox):
    """The slider and its table; its plain-text form states the outcome instead of listing widgets."""

    def __init__(self, children: list, slider: widgets.FloatLogSlider, data: tuple, currency: str) -> None:
        super().__init__(children)
        self._slider, self._data, self._currency = slider, data, currency

    def __repr__(self) -> str:
        s, y, a = self._data
        o = outcome_at(s, y, self._slider.value, amounts=a)
        return (f"Fraud threshold slider at {self._slider.value:.4f}: {o['fraud_caught']} of {o['fraud_total']} "
                f"fraud rows caught, {o['good_challenged']} of {o['good_total']:,} good customers challenged, "
                f"{to_money(o['money_lost'], self._currency)} lost (synthetic data; run the notebook to move it)")


def threshold_widget(scores, labels, amounts, threshold: float = 0.5, currency: str = CURRENCY) -> ThresholdWidget:
    """A log-scale slider over the score threshold; shows the default state at once.

    ``amounts`` are the rows' integer minor units (the loss when a fraud is missed).
    """
    s, y, a = np.asarray(scores, float), np.asarray(labels), np.asarray(amounts)
    slider = widgets.FloatLogSlider(value=threshold, base=10, min=-4, max=0, step=0.05,
                                    description="threshold", readout_format=".4f", continuous_update=False)
    out = widgets.HTML(outcome_html(s, y, a, threshold, currency))

    def refresh(_change=None) -> None:
        out.value = outcome_html(s, y, a, slider.value, currency)

    slider.observe(refresh, names="value")
    return ThresholdWidget([slider, out], slider, (s, y, a), currency)
