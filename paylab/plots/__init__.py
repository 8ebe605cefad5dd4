"""Shared plotting set-up: one style, English labels, CJK glyphs only through a fallback list.

Domain plots live in ``paylab.plots.<domain>`` and import matplotlib; pure
computation modules never import this package.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Iterator
from contextlib import contextmanager

import matplotlib.pyplot as plt
from matplotlib import font_manager
from matplotlib.figure import Figure

__all__ = ["CJK_FALLBACK", "PALETTE", "use_style", "new_axes", "describe", "alt_text", "png_with_alt",
           "register_alt_formatter", "cjk_fonts", "cjk_notice", "translated"]

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


def cjk_fonts() -> list[str]:
    """The fonts of :data:`CJK_FALLBACK` installed here, in order (empty: Chinese labels cannot render)."""
    installed = {f.name for f in font_manager.fontManager.ttflist}
    return [f for f in CJK_FALLBACK if f in installed]


_NOTICE = ("paylab: no Chinese font found (Debian: apt install fonts-noto-cjk); "
           "Chinese labels in figures show as boxes")
_noticed: list[bool] = []


def cjk_notice() -> bool:
    """Print, once per kernel, a one-line notice when no CJK font is installed; returns whether one is."""
    if cjk_fonts():
        return True
    if not _noticed:
        import sys

        print(_NOTICE, file=sys.stderr)
        _noticed.append(True)
    return False


def use_style() -> list[str]:
    """Apply the book's plot style; returns the font families in use (first is the main one)."""
    families = ["DejaVu Sans"] + cjk_fonts()
    plt.rcParams.update({
        "font.family": families,  # a list, not "sans-serif": matplotlib falls back glyph by glyph only along it
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


#: The words of a generated description, per language.
_ALT_WORDS = {
    "en": {"image": "image", "bar chart": "bar chart", "scatter plot": "scatter plot", "line chart": "line chart",
           "chart": "chart", "x axis": "x axis", "y axis": "y axis", "series": "series", "Figure": "Figure",
           "Legend": "Legend", "no axes": "no axes", "open": "\u201c", "close": "\u201d", "colon": ": ",
           "sep": "; ", "list": ", ", "stop": ".", "space": " "},
    "zh_CN": {"image": "图像", "bar chart": "柱状图", "scatter plot": "散点图", "line chart": "折线图",
              "chart": "图表", "x axis": "横轴", "y axis": "纵轴", "series": "数据系列", "Figure": "图",
              "Legend": "图例", "no axes": "无坐标轴", "open": "\u300c", "close": "\u300d", "colon": "：",
              "sep": "；", "list": "、", "stop": "。", "space": ""},
}


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


def _axes_text(ax, n: int, many: bool, w: dict[str, str]) -> str:
    title = _clean(ax.get_title() or ax.get_title("left") or ax.get_title("right"))
    head = w[_kind(ax)] + (f" {n}" if many else "") + (f"{w['space']}{w['open']}{title}{w['close']}"
                                                       if title else "")
    bits = []
    for name, label in (("x axis", ax.get_xlabel()), ("y axis", ax.get_ylabel())):
        if _clean(label):
            bits.append(f"{w[name]}{w['colon']}{_clean(label)}")
    legend = ax.get_legend()
    series = ([_clean(t.get_text()) for t in legend.get_texts()] if legend is not None else
              [_clean(h.get_label()) for h in ax.lines + ax.collections if not str(h.get_label()).startswith("_")])
    series = [s for s in series if s]
    if series:
        bits.append(w["series"] + w["colon"] + w["list"].join(series[:12]) + (" …" if len(series) > 12 else ""))
    if not bits:
        return head
    return head + (" (" + "; ".join(bits) + ")" if w is _ALT_WORDS["en"] else "（" + w["sep"].join(bits) + "）")


def alt_text(fig: Figure, lang: str | None = None) -> str:
    """What ``fig`` shows, for a screen reader, in ``lang`` (default: the kernel's): the text given to
    :func:`describe`, or one built from the figure's title, each panel's kind, title, axis labels and legend."""
    from paylab.language import language, translate

    _check_figure(fig)
    lang = language() if lang is None else lang
    w = _ALT_WORDS.get(lang)
    if w is None:
        from paylab.errors import InvalidInput

        raise InvalidInput("lang", f"one of {', '.join(_ALT_WORDS)}", f"no figure descriptions in {lang!r}")
    explicit = getattr(fig, _ALT_ATTR, None)
    if explicit:
        return translate(explicit, lang)
    with translated(fig, lang):
        sup = fig.get_suptitle() if hasattr(fig, "get_suptitle") else ""
        axes = [ax for ax in fig.axes if ax.get_visible() and ax.get_label() != "<colorbar>"]
        panels = [_axes_text(ax, i, len(axes) > 1, w) for i, ax in enumerate(axes, 1)]
        text = f"{w['Figure']}{w['colon']}" + (f"{_clean(sup)}{w['stop']}{w['space']}" if _clean(sup) else "")
        text += (w["sep"].join(panels) if panels else w["no axes"]) + w["stop"]
        for legend in fig.legends:
            labels = [_clean(t.get_text()) for t in legend.get_texts() if _clean(t.get_text())]
            if labels:
                text += f"{w['space']}{w['Legend']}{w['colon']}" + w["list"].join(labels[:12]) + w["stop"]
    if len(text) > MAX_ALT:
        cut = text[:MAX_ALT]
        text = (cut.rsplit(" ", 1)[0] if lang == "en" else cut) + " …"
    return text


class _Translating:
    """A tick formatter that translates what the axis' own formatter writes (category names, dates)."""

    def __init__(self, inner, lang: str):
        self.inner, self.lang = inner, lang

    def __getattr__(self, name):
        return getattr(self.inner, name)

    def __call__(self, x, pos=None):
        from paylab.language import translate

        return translate(self.inner(x, pos), self.lang)

    def format_ticks(self, values):
        from paylab.language import translate

        return [translate(t, self.lang) for t in self.inner.format_ticks(values)]


@contextmanager
def translated(fig: Figure, lang: str) -> Iterator[Figure]:
    """Within the block, every text of ``fig`` (titles, labels, legends, notes, tick labels) reads in ``lang``;
    the figure is restored afterwards. Strings no catalog has stay as they are."""
    from matplotlib.text import Text

    from paylab.language import translate

    _check_figure(fig)
    if lang == "en":
        yield fig
        return
    texts = [t for t in fig.findobj(Text) if t.get_text()]
    saved = [(t, t.get_text()) for t in texts]
    axes = [axis for ax in fig.axes for axis in (ax.xaxis, ax.yaxis)]
    formatters = [(axis, axis.get_major_formatter(), axis.get_minor_formatter()) for axis in axes]
    try:
        for t, text in saved:
            t.set_text(translate(text, lang))
        for axis, major, minor in formatters:
            axis.set_major_formatter(_Translating(major, lang))
            axis.set_minor_formatter(_Translating(minor, lang))
        yield fig
    finally:
        for t, text in saved:
            t.set_text(text)
        for axis, major, minor in formatters:
            axis.set_major_formatter(major)
            axis.set_minor_formatter(minor)


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


def _png(fig: Figure, lang: str) -> str:
    import warnings

    buf = io.BytesIO()
    with translated(fig, lang), warnings.catch_warnings():
        if lang != "en":  # no CJK font: one notice (cjk_notice), not one warning per missing glyph
            cjk_notice()
            warnings.filterwarnings("ignore", message=r"Glyph \d+ .*missing from", category=UserWarning)
        fig.savefig(buf, format="png", dpi=PNG_DPI, bbox_inches="tight",
                    facecolor=fig.get_facecolor(), edgecolor=fig.get_edgecolor())
    return base64.b64encode(_small_png(buf.getvalue())).decode("ascii")


def png_with_alt(fig: Figure):
    """IPython's PNG for ``fig`` with ``{"alt": ...}`` metadata: (base64 PNG, metadata), or None if empty.

    Drawn in the kernel's language; with ``PAYLAB_OUTPUT_LANGUAGES`` set, the metadata also keeps the
    figure drawn in each of those languages (``metadata["paylab"][lang]``, see :mod:`paylab.language`)."""
    from paylab.language import KEY, collecting, language, output_languages

    _check_figure(fig)
    if not fig.axes and not fig.lines:
        return None
    lang = language()
    meta: dict = {"alt": alt_text(fig, lang)}
    data = _png(fig, lang)
    for other in output_languages():
        with collecting() as missed:
            alt = alt_text(fig, other)
            png = _png(fig, other)
        meta.setdefault(KEY, {})[other] = {"data": {"image/png": png}, "alt": alt, "missing": missed}
    return data, meta


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
