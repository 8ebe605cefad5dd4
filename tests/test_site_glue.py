"""The site glue without a browser: widget snapshots, figure alt text, table headers, MathJax files."""

from __future__ import annotations

import base64

import ipywidgets as widgets
import matplotlib.pyplot as plt
import pytest
from IPython.core.interactiveshell import InteractiveShell

from paylab import plots, site
from paylab import widgets as pw
from paylab.errors import InvalidInput


def test_snapshot_shows_labels_values_outputs_and_the_note():
    out = widgets.Output()
    out.outputs = ({"output_type": "display_data", "data": {"text/html": "<table><tr><td>7</td></tr></table>"},
                    "metadata": {}},)
    box = widgets.VBox([widgets.HBox([widgets.Dropdown(options=[("Card", "card"), ("QR", "qr")], value="qr",
                                                        description="pay with"),
                                      widgets.FloatLogSlider(value=0.01, base=10, min=-4, max=0,
                                                             readout_format=".4f", description="threshold")]),
                        widgets.Checkbox(value=True, description="escrow"),
                        widgets.SelectMultiple(options=["a", "b", "c"], value=("a", "c"), description="methods"),
                        widgets.HTML("<p>hello</p>"), out])
    html = pw.snapshot_html(box)
    for text in ("pay with</span>: <b>QR</b>", "threshold</span>: <b>0.0100</b>", "escrow</span>: <b>yes</b>",
                 "methods</span>: <b>a, c</b>", "<p>hello</p>", "<td>7</td>", pw.NOTE):
        assert text in html


def test_every_widget_bundle_carries_the_snapshot():
    bundle = widgets.IntSlider(5, description="n")._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert "n</span>: <b>5</b>" in bundle["text/html"]
    shell = InteractiveShell.instance()
    data, _ = shell.display_formatter.format(widgets.VBox([widgets.Label("x")]))
    assert pw.NOTE in data["text/html"]


def test_with_snapshot_checks_its_input():
    with pytest.raises(InvalidInput):
        pw.with_snapshot("not a widget")


def test_alt_text_names_title_axes_and_series():
    fig, ax = plots.new_axes("Fees by method", "method", "fee (CNY)")
    ax.plot([1, 2], [3, 4], label="card")
    ax.legend()
    alt = plots.alt_text(fig)
    assert "Fees by method" in alt and "x axis: method" in alt and "y axis: fee (CNY)" in alt and "card" in alt
    plots.describe(fig, "Two  fees\n compared")
    assert plots.alt_text(fig) == "Two fees compared"
    data, meta = plots.png_with_alt(fig)
    assert base64.b64decode(data)[:8] == b"\x89PNG\r\n\x1a\n" and meta == {"alt": "Two fees compared"}
    plt.close(fig)
    with pytest.raises(InvalidInput):
        plots.describe(fig, " ")


def test_the_png_formatter_adds_alt_metadata():
    shell = InteractiveShell.instance()
    assert plots.register_alt_formatter(shell)
    fig, ax = plots.new_axes("Share by method", "share", "method")
    ax.barh(["card", "QR"], [0.3, 0.7])
    data, meta = shell.display_formatter.format(fig)
    plt.close(fig)
    assert "image/png" in data and "Share by method" in meta["image/png"]["alt"]


def test_empty_header_cells_become_data_cells():
    html = '<tr><th></th><th>fee</th><th class="blank level0">&nbsp;</th><th class="head"><p></p></th></tr>'
    fixed = '<tr><td></td><th>fee</th><td class="blank level0"></td><td class="head"></td></tr>'
    assert site.fix_empty_headers(html) == fixed


def test_mathjax_is_installed_and_copied(tmp_path):
    src = site.mathjax_source()
    dst = site.copy_mathjax(tmp_path / "_static")
    assert (dst / "tex-chtml.js").read_bytes() == (src / "tex-chtml.js").read_bytes()
    assert any((dst / "output/chtml/fonts/woff-v2").glob("MathJax_Main-Regular.woff"))
    with pytest.raises(InvalidInput):
        site.copy_mathjax(tmp_path)  # not a _static folder
    with pytest.raises(InvalidInput):
        site.fix_empty_headers(None)
