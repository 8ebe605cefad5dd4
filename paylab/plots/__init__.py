"""Shared plotting set-up: one style, English labels, CJK glyphs only through a fallback list.

Domain plots live in ``paylab.plots.<domain>`` and import matplotlib; pure
computation modules never import this package.
"""

from __future__ import annotations

import base64
import io

import matplotlib.pyplot as plt
from matplotlib import font_manager
from matplotlib.figure import Figure

__all__ = ["CJK_FALLBACK", "PALETTE", "use_style", "new_axes", "describe", "alt_text", "png_with_alt",
           "register_alt_formatter"]

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


#: Resolution of the PNG a notebook saves: 700 × 400 px at the default size, sharp in the
#: book's text column without bloating the page (see bench/page_weight.py).
PNG_DPI = 100
#: Longest alt text kept (a screen reader reads it whole); longer ones are cut at a word.
MAX_ALT = 600
_ALT_ATTR = "_paylab_alt"


def _check_figure(fig: object) -> None:
    if not isinstance(fig, Figure):
        from paylab.errors import InvalidInput

        raise InvalidInput("fig", "a matplotlib Figure", f"fig must be a matplotlib Figure, not {type(fig).__name__}")


def describe(fig: Figure, text: str) -> Figure:
    """Give ``fig`` an explicit description for screen readers (its alt text on the site)."""
    _check_figure(fig)
    if not isinstance(text, str) or not text.strip():
        from paylab.errors import InvalidInput

        raise InvalidInput("text", "a non-empty string", "say what the figure shows")
    setattr(fig, _ALT_ATTR, " ".join(text.split()))
    return fig


def _clean(text: str) -> str:
    return " ".join(text.replace("$", "").split())


def _kind(ax) -> str:
    if ax.images:
        return "image"
    if any(type(p).__name__ == "Rectangle" for p in ax.patches) and len(ax.patches) > 1:
        return "bar chart"
    if ax.collections and not ax.lines:
        return "scatter plot"
    if ax.lines:
        return "line chart"
    return "chart"


def _axes_text(ax, n: int, many: bool) -> str:
    title = _clean(ax.get_title() or ax.get_title("left") or ax.get_title("right"))
    head = f"{_kind(ax)}" + (f" {n}" if many else "") + (f" \u201c{title}\u201d" if title else "")
    bits = []
    for name, label in (("x axis", ax.get_xlabel()), ("y axis", ax.get_ylabel())):
        if _clean(label):
            bits.append(f"{name}: {_clean(label)}")
    legend = ax.get_legend()
    series = ([_clean(t.get_text()) for t in legend.get_texts()] if legend is not None else
              [_clean(h.get_label()) for h in ax.lines + ax.collections if not str(h.get_label()).startswith("_")])
    series = [s for s in series if s]
    if series:
        bits.append("series: " + ", ".join(series[:12]) + (" …" if len(series) > 12 else ""))
    return head + (" (" + "; ".join(bits) + ")" if bits else "")


def alt_text(fig: Figure) -> str:
    """What ``fig`` shows, for a screen reader: the text given to :func:`describe`, or one built
    from the figure's title, each panel's kind, title, axis labels and legend."""
    _check_figure(fig)
    explicit = getattr(fig, _ALT_ATTR, None)
    if explicit:
        return explicit
    sup = fig.get_suptitle() if hasattr(fig, "get_suptitle") else ""
    axes = [ax for ax in fig.axes if ax.get_visible() and ax.get_label() != "<colorbar>"]
    panels = [_axes_text(ax, i, len(axes) > 1) for i, ax in enumerate(axes, 1)]
    text = (f"Figure: {_clean(sup)}. " if _clean(sup) else "Figure: ")
    text += ("; ".join(panels) if panels else "no axes") + "."
    for legend in fig.legends:
        labels = [_clean(t.get_text()) for t in legend.get_texts() if _clean(t.get_text())]
        if labels:
            text += " Legend: " + ", ".join(labels[:12]) + "."
    if len(text) > MAX_ALT:
        text = text[:MAX_ALT].rsplit(" ", 1)[0] + " …"
    return text


def _small_png(data: bytes) -> bytes:
    """The PNG re-encoded with an adaptive 256-colour palette when that is smaller (charts lose nothing visible)."""
    try:
        from PIL import Image
    except ImportError:  # pragma: no cover - Pillow ships with matplotlib
        return data
    with Image.open(io.BytesIO(data)) as img:
        rgb = img.convert("RGB")
        out = io.BytesIO()
        rgb.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(
            out, format="PNG", optimize=True)
    small = out.getvalue()
    return small if len(small) < len(data) else data


def png_with_alt(fig: Figure):
    """IPython's PNG for ``fig`` with ``{"alt": ...}`` metadata: (base64 PNG, metadata), or None if empty."""
    _check_figure(fig)
    if not fig.axes and not fig.lines:
        return None
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=PNG_DPI, bbox_inches="tight",
                facecolor=fig.get_facecolor(), edgecolor=fig.get_edgecolor())
    data = _small_png(buf.getvalue())
    return base64.b64encode(data).decode("ascii"), {"alt": alt_text(fig)}


def register_alt_formatter(shell=None) -> bool:
    """Make IPython save every matplotlib figure as a PNG carrying its alt text; returns whether
    an IPython shell was found. Called on import of this package."""
    if shell is None:
        try:
            from IPython import get_ipython
        except ImportError:  # pragma: no cover
            return False
        shell = get_ipython()
    if shell is None:
        return False
    if not hasattr(shell, "display_formatter") or not hasattr(shell, "events"):
        from paylab.errors import InvalidInput

        raise InvalidInput("shell", "an IPython shell or None",
                           f"shell must be an IPython shell, not {type(shell).__name__}")

    getattr(plt, "_get_backend_mod", lambda: None)()  # load the inline backend now, so it registers first

    def _register(*_info) -> None:
        shell.display_formatter.formatters["image/png"].for_type(Figure, png_with_alt)

    _register()
    # matplotlib's inline backend (re-)registers its own PNG formatter when pyplot first
    # draws or its options change; take the slot back before each cell runs.
    if not getattr(shell, "_paylab_alt_hook", False):
        shell.events.register("pre_run_cell", _register)
        shell._paylab_alt_hook = True
    return True


register_alt_formatter()
