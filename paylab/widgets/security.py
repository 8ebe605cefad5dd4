"""A biometric threshold slider: move the threshold, watch FAR and FRR trade places."""

from __future__ import annotations

import html

import ipywidgets as widgets
import pandas as pd

from paylab.auth.biometrics import equal_error_rate, error_rates

__all__ = ["ThresholdSlider", "rates_html", "threshold_slider"]


def rates_html(scores: pd.DataFrame, threshold: float) -> str:
    """FAR, FRR and what they mean per 10,000 attempts, as a small HTML table."""
    far, frr = error_rates(scores, threshold)
    rows = [("threshold", f"{threshold:.2f}"),
            ("false accept rate (FAR)", f"{far:.3%} — impostors let in per 10,000 tries: {far * 10_000:.0f}"),
            ("false reject rate (FRR)", f"{frr:.2%} — customers refused per 10,000 tries: {frr * 10_000:.0f}")]
    body = "".join(f"<tr><td>{html.escape(k)}</td><td><b>{html.escape(v)}</b></td></tr>" for k, v in rows)
    return f"<p><i>synthetic match scores</i></p><table>{body}</table>"


class ThresholdSlider(widgets.VBox):
    """The slider and its table; its plain-text form states the current rates instead of listing widgets."""

    def __init__(self, children: list, scores: pd.DataFrame, slider: widgets.FloatSlider) -> None:
        super().__init__(children)
        self._scores, self._slider = scores, slider

    def __repr__(self) -> str:
        far, frr = error_rates(self._scores, self._slider.value)
        return (f"Biometric threshold slider at {self._slider.value:.2f}: FAR {far:.2%}, FRR {frr:.2%} "
                "(synthetic scores; run the notebook to move it)")


def threshold_slider(scores: pd.DataFrame, threshold: float | None = None) -> ThresholdSlider:
    """A slider over the decision threshold (default: the equal-error point); shows its state at once."""
    start = round(equal_error_rate(scores)[0], 2) if threshold is None else float(threshold)
    slider = widgets.FloatSlider(value=start, min=0.0, max=1.0, step=0.01, description="threshold",
                                 continuous_update=False)
    out = widgets.HTML(rates_html(scores, start))

    def refresh(_change=None) -> None:
        out.value = rates_html(scores, slider.value)

    slider.observe(refresh, names="value")
    return ThresholdSlider([slider, out], scores, slider)
