"""ipywidgets front-ends, one module per domain (``paylab.widgets.<domain>``).

Each widget wraps a pure function from the domain module and shows its default
state when first displayed. The static book site loads no widget JavaScript: every
widget displayed in a notebook that imported this package also carries ``text/html``,
a snapshot of that default state (:func:`snapshot_html`), which the site shows
instead; JupyterLab still shows the live widget.

How the snapshot reaches the notebook: importing ``paylab.widgets`` (any domain
module does) runs :func:`install_snapshots`, which adds the snapshot to the mime bundle
of every ipywidgets ``DOMWidget``, so however a notebook displays a widget both views
are saved. :func:`with_snapshot` does the same for one widget whose class overrides
``_repr_mimebundle_``.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Iterable, Mapping
from typing import Any

import ipywidgets as widgets

__all__ = ["NOTE", "snapshot_html", "with_snapshot", "install_snapshots"]

#: The line under every snapshot: the static page cannot run Python.
NOTE = "This control responds in JupyterLab and on Binder."

#: Deepest widget nesting rendered (a guard against cycles in hand-built trees).
MAX_DEPTH = 20

_CSS = ("<style>.paylab-widget-snapshot{border:1px solid #ccc;border-radius:4px;padding:.5em .8em;margin:.5em 0}"
        ".paylab-widget-snapshot .paylab-widget-row{display:flex;flex-wrap:wrap;gap:.3em 1.8em}"
        ".paylab-widget-snapshot .paylab-widget-control{margin:.2em 0}"
        ".paylab-widget-snapshot .paylab-widget-note{font-size:.9em;margin:.4em 0 0}</style>")


def _value_text(w: widgets.Widget) -> str | None:
    """The control's current value as a reader sees it (labels, not internal values)."""
    if isinstance(w, widgets.widget_selection._MultipleSelection):
        return ", ".join(str(x) for x in w.label) or "none"
    if isinstance(w, widgets.widget_selection._Selection):
        return "none" if w.label is None else str(w.label)
    if isinstance(w, (widgets.Checkbox, widgets.ToggleButton, widgets.Valid)):
        return "yes" if w.value else "no"
    value = getattr(w, "value", None)
    if value is None:
        return None
    fmt = getattr(w, "readout_format", None)
    if isinstance(value, tuple):
        return " – ".join(_fmt(v, fmt) for v in value)
    return _fmt(value, fmt)


def _fmt(value: Any, fmt: str | None) -> str:
    if fmt and isinstance(value, int | float) and not isinstance(value, bool):
        try:
            return format(value, fmt)
        except (TypeError, ValueError):
            pass
    return str(value)


def _outputs_html(outputs: Iterable[Mapping[str, Any]]) -> str:
    """The saved outputs of an ``Output`` widget: HTML, images (with their alt text) or text."""
    parts = []
    for out in outputs:
        kind = out.get("output_type")
        if kind == "stream":
            parts.append(f"<pre>{html.escape(str(out.get('text', '')))}</pre>")
            continue
        if kind not in ("display_data", "execute_result"):
            continue
        data, meta = out.get("data", {}), out.get("metadata", {})
        if "text/html" in data:
            parts.append(str(data["text/html"]))
        elif "image/png" in data:
            alt = (meta.get("image/png") or {}).get("alt", "figure")
            src = data["image/png"]
            src = src if isinstance(src, str) else base64.b64encode(src).decode("ascii")
            parts.append(f'<img src="data:image/png;base64,{src.strip()}" alt="{html.escape(str(alt))}">')
        elif "image/svg+xml" in data:
            parts.append(str(data["image/svg+xml"]))
        elif "text/plain" in data:
            parts.append(f"<pre>{html.escape(str(data['text/plain']))}</pre>")
    return "".join(parts)


def _render(w: Any, depth: int = 0) -> str:
    if depth > MAX_DEPTH or not isinstance(w, widgets.Widget):
        return ""
    if isinstance(w, widgets.Output):
        return _outputs_html(w.outputs)
    if isinstance(w, widgets.HTML | widgets.HTMLMath):
        return str(w.value)
    if isinstance(w, widgets.Label):
        return f"<p>{html.escape(str(w.value))}</p>"
    if isinstance(w, widgets.Box):
        children = [_render(c, depth + 1) for c in w.children]
        titles = getattr(w, "titles", None)
        if titles:  # Tab / Accordion: each page under its title
            children = [f"<p><b>{html.escape(str(t or ''))}</b></p>{c}" for t, c in zip(titles, children, strict=False)]
        cls = "paylab-widget-row" if isinstance(w, widgets.HBox) else "paylab-widget-column"
        return f'<div class="{cls}">' + "".join(f"<div>{c}</div>" for c in children if c) + "</div>"
    if isinstance(w, widgets.Button):
        return f'<p class="paylab-widget-control">button: <b>{html.escape(w.description or "")}</b></p>'
    if isinstance(w, widgets.Image):
        fmt = getattr(w, "format", "png")
        src = base64.b64encode(bytes(w.value)).decode("ascii")
        return f'<img src="data:image/{html.escape(fmt)};base64,{src}" alt="{html.escape(w.description or "image")}">'
    value = _value_text(w)
    if value is None:
        return ""
    label = html.escape(getattr(w, "description", "") or "value")
    return (f'<p class="paylab-widget-control"><span class="paylab-widget-label">{label}</span>: '
            f"<b>{html.escape(value)}</b></p>")


def snapshot_html(widget: widgets.Widget) -> str:
    """A static HTML view of ``widget``'s current state: each control's label and value, the
    output areas' tables and figures, and the note that the control responds in JupyterLab."""
    if not isinstance(widget, widgets.Widget):
        from paylab.errors import InvalidInput

        raise InvalidInput("widget", "an ipywidgets Widget", f"widget must be a Widget, not {type(widget).__name__}")
    return (f'{_CSS}<div class="paylab-widget-snapshot" role="group" aria-label="interactive control, default state">'
            f"{_render(widget)}"
            f'<p class="paylab-widget-note"><i>{html.escape(NOTE)}</i></p></div>')


class _Snapshotted:
    """Mixin giving a widget a mime bundle with the live view and the static snapshot (first in its MRO)."""

    def _repr_mimebundle_(self, **kwargs):
        bundle = super()._repr_mimebundle_(**kwargs)  # type: ignore[misc]
        if bundle is not None:
            bundle = dict(bundle)
            bundle["text/html"] = snapshot_html(self)  # type: ignore[arg-type]
        return bundle


def with_snapshot(widget: widgets.Widget) -> widgets.Widget:
    """Return ``widget`` displaying with its static snapshot too (for use where IPython's
    formatter is not registered); its class gets the snapshot mixin once."""
    if not isinstance(widget, widgets.Widget):
        from paylab.errors import InvalidInput

        raise InvalidInput("widget", "an ipywidgets Widget", f"got {type(widget).__name__}")
    cls = type(widget)
    if not issubclass(cls, _Snapshotted):
        widget.__class__ = type(cls.__name__, (_Snapshotted, cls), {"__module__": cls.__module__})
    return widget


def install_snapshots() -> None:
    """Give every ipywidgets ``DOMWidget`` a ``text/html`` snapshot in its mime bundle (idempotent).

    Wraps ``ipywidgets.Widget._repr_mimebundle_``, so the snapshot is saved however a notebook
    displays a widget: as a cell's value, with ``display(widget)``, or by passing
    ``widget._repr_mimebundle_()`` to ``display(..., raw=True)``."""
    current = widgets.Widget._repr_mimebundle_
    if getattr(current, "_paylab_snapshot", False):
        return

    def _repr_mimebundle_(self, **kwargs):
        bundle = current(self, **kwargs)
        if bundle is not None and isinstance(self, widgets.DOMWidget) and "text/html" not in bundle:
            bundle = dict(bundle)
            bundle["text/html"] = snapshot_html(self)
        return bundle

    _repr_mimebundle_._paylab_snapshot = True  # type: ignore[attr-defined]
    widgets.Widget._repr_mimebundle_ = _repr_mimebundle_


install_snapshots()
