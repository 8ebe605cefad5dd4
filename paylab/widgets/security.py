"""A biometric threshold slider: move the threshold, watch FAR and FRR trade places."""

from __future__ import annotations

import html

import ipywidgets as widgets
import pandas as pd

from paylab.auth.biometrics import equal_error_rate, error_rates

__all__ = ["rates_html", "threshold_slider"]


def rates_html(scores: pd.DataFrame, threshold: float) -> str:
    """FAR, FRR and what they mean per 10,000 attempts, as a small HTML table."""
    far, frr = error_rates(scores, threshold)
    rows = [("threshold", f"{threshold:.2f}"),
            ("false accept rate (FAR)", f"{far:.3%} — impostors let in per 10,000 tries: {far * 10_000:.0f}"),
            ("false reject rate (FRR)", f"{frr:.2%} — customers refused per 10,000 tries: {frr * 10_000:.0f}")]
    body = "".join(f"<tr><td>{html.escape(k)}</td><td><b>{html.escape(v)}</b></td></tr>" for k, v in rows)
    return f"<p><i>synthetic match scores</i></p><table>{body}</table>"


def threshold_slider(scores: pd.DataFrame, threshold: float | None = None) -> widgets.VBox:
    """A slider over the decision threshold (default: the equal-error point); shows its state at once."""
    start = round(equal_error_rate(scores)[0], 2) if threshold is None else float(threshold)
    slider = widgets.FloatSlider(value=start, min=0.0, max=1.0, step=0.01, description="threshold",
                                 continuous_update=False)
    out = widgets.HTML(rates_html(scores, start))

    def refresh(_change=None) -> None:
        out.value = rates_html(scores, slider.value)

    slider.observe(refresh, names="value")
    return widgets.VBox([slider, out])
