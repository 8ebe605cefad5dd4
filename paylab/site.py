"""The book site's Sphinx and myst-nb glue: nothing loaded from outside the site, described figures.

* :func:`setup` (a Sphinx extension, listed in ``_config.yml``) copies MathJax 3 from the
  ``django-static-mathjax`` package (a PyPI dependency of ``.[dev]``) into ``_static/mathjax``,
  which ``mathjax_path`` points at, so math renders with no CDN.
* :class:`SiteRenderer` (myst-nb renderer ``paylab``, ``nb_render_plugin: paylab``) takes a figure's
  ``alt`` from its output metadata (written by :mod:`paylab.plots`), turns empty ``<th>`` cells of
  raw pandas HTML into ``<td>``, and drops the saved widget state when the site loads no widget
  JavaScript (``nb_ipywidgets_js: {}``): widgets then show the static snapshot of
  :mod:`paylab.widgets`.
"""

from __future__ import annotations

import re
import shutil
from importlib import resources
from pathlib import Path
from typing import Any

from docutils import nodes
from myst_nb.core.render import MimeData, NbElementRenderer

from paylab.errors import InvalidInput

__all__ = ["MATHJAX_PARTS", "mathjax_source", "copy_mathjax", "fix_empty_headers", "SiteRenderer", "setup"]

#: The parts of MathJax's ``es5`` folder the site serves: the TeX-to-HTML bundle, the TeX
#: extensions it loads on demand, its web fonts, and the menu and accessibility components
#: (the speech rule engine) it loads when a reader asks for them.
MATHJAX_PARTS = ("tex-chtml.js", "input/tex/extensions", "output/chtml/fonts/woff-v2", "ui", "a11y", "sre")
#: Where MathJax goes in the built site, relative to ``_static`` (``mathjax_path`` in _config.yml).
MATHJAX_DIR = "mathjax"
#: Text for a figure that reached the site without a description (its notebook predates
#: paylab.plots' alt text, or drew without paylab.plots); tests/test_site.py counts these.
FALLBACK_ALT = "Figure produced by the code cell above (no description recorded)."

_EMPTY_TH = re.compile(r"<th(\s[^>]*)?>(?:\s|&nbsp;|&#160;|<p>\s*</p>)*</th>", re.IGNORECASE)


def mathjax_source() -> Path:
    """The installed MathJax 3 ``es5`` folder (from the ``django-static-mathjax`` package)."""
    try:
        root = Path(str(resources.files("mathjax"))) / "static" / "mathjax" / "es5"
    except ModuleNotFoundError:
        root = None
    if root is None or not (root / "tex-chtml.js").is_file():
        from sphinx.errors import ExtensionError

        raise ExtensionError("MathJax 3 is not installed: pip install django-static-mathjax "
                             "(part of `pip install -e '.[dev]'`, which `make book` runs)")
    return root


def copy_mathjax(static_dir: Path, source: Path | None = None) -> Path:
    """Copy :data:`MATHJAX_PARTS` into ``static_dir/mathjax``; unchanged files are not rewritten.

    ``static_dir`` is a site's ``_static`` folder (so no other folder gets 8 MB of MathJax);
    ``source`` an ``es5`` folder holding ``tex-chtml.js`` (default: the installed package)."""
    if not isinstance(static_dir, str | Path) or Path(static_dir).name != "_static":
        raise InvalidInput("static_dir", "a folder named _static", f"static_dir must be a site's _static folder, "
                           f"not {static_dir!r:.80}")
    if source is not None and (not isinstance(source, str | Path) or not (Path(source) / "tex-chtml.js").is_file()):
        raise InvalidInput("source", "a MathJax es5 folder", f"source must hold tex-chtml.js, not {source!r:.80}")
    src = Path(source) if source is not None else mathjax_source()
    dst = Path(static_dir) / MATHJAX_DIR
    for part in MATHJAX_PARTS:
        s, d = src / part, dst / part
        if s.is_dir():
            shutil.copytree(s, d, dirs_exist_ok=True, copy_function=_copy_if_changed)
        else:
            d.parent.mkdir(parents=True, exist_ok=True)
            _copy_if_changed(str(s), str(d))
    return dst


def _copy_if_changed(src: str, dst: str) -> str:
    s, d = Path(src), Path(dst)
    if not d.exists() or d.stat().st_size != s.stat().st_size or d.stat().st_mtime < s.stat().st_mtime:
        shutil.copy2(s, d)
    return dst


def fix_empty_headers(html_text: str) -> str:
    """Empty ``<th>`` cells (pandas' corner and index-name cells) become ``<td>``: a header cell
    with no text names nothing for a screen reader."""
    if not isinstance(html_text, str):
        raise InvalidInput("html_text", "a string", f"html_text must be a string, not {type(html_text).__name__}")
    return _EMPTY_TH.sub(lambda m: f"<td{m.group(1) or ''}></td>", html_text)


class SiteRenderer(NbElementRenderer):
    """myst-nb's renderer with alt text from output metadata, real table headers, no dead widget state;
    on a Chinese edition, outputs as :mod:`paylab.language` renders them in Chinese."""

    def _lang(self) -> str:
        try:
            lang = self.renderer.document.settings.env.config.language or "en"
        except AttributeError:
            return "en"
        return "zh_CN" if lang.startswith("zh") else "en"

    def _page(self) -> str:
        try:
            return self.renderer.document.settings.env.docname
        except AttributeError:
            return "index"

    def render_mime_type(self, data: MimeData) -> list[nodes.Element]:
        lang = self._lang()
        if lang != "en":
            from dataclasses import replace

            from paylab.language import on_page, translate_output

            with on_page(self._page()):
                out = translate_output({"output_type": "display_data", "data": {data.mime_type: data.content},
                                        "metadata": data.output_metadata}, lang, text=True)
            data = replace(data, content=out["data"][data.mime_type], output_metadata=out["metadata"])
        return super().render_mime_type(data)

    def render_stdout(self, output, cell_metadata, cell_index, source_line) -> list[nodes.Element]:
        lang = self._lang()
        if lang != "en":
            from paylab.language import on_page, translate_output

            with on_page(self._page()):
                output = translate_output(output, lang, text=True)
        return super().render_stdout(output, cell_metadata, cell_index, source_line)

    def render_image(self, data: MimeData) -> list[nodes.Element]:
        result = super().render_image(data)
        alt = (data.output_metadata.get(data.mime_type) or {}).get("alt")
        for node in result:
            if isinstance(node, nodes.image) and not node.get("alt"):
                node["alt"] = " ".join(str(alt).split()) if alt else FALLBACK_ALT
        return result

    def render_text_html(self, data: MimeData) -> list[nodes.Element]:
        return [nodes.raw(text=fix_empty_headers(data.string), format="html", classes=["output", "text_html"])]

    def render_nb_finalise(self, metadata: dict) -> None:
        if not self.config.ipywidgets_js:  # no widget manager on the site: its state would be dead weight
            return
        super().render_nb_finalise(metadata)


#: Site CSS (``_static/paylab.css``): links inside exercise and solution boxes in a darker blue,
#: since the theme's link colour on their tinted background is below WCAG AA contrast (4.3:1).
SITE_CSS = """html[data-theme="light"] div.admonition a, html[data-theme="light"] div.admonition a .xref {
  color: #0b57c2;
}
"""


def _builder_inited(app: Any) -> None:
    if app.builder.format != "html":
        return
    static = Path(app.outdir) / "_static"
    static.mkdir(parents=True, exist_ok=True)
    css = static / "paylab.css"
    if not css.exists() or css.read_text(encoding="utf-8") != SITE_CSS:
        css.write_text(SITE_CSS, encoding="utf-8")
    app.add_css_file("paylab.css", priority=900)
    path = app.config.mathjax_path or ""
    if "://" in path or path.startswith("//"):
        from sphinx.util import logging

        logging.getLogger(__name__).warning(f"mathjax_path loads MathJax from outside the site: {path}")
        return
    copy_mathjax(static)


def _config_inited(app: Any, config: Any) -> None:
    # pydata-sphinx-theme logs a console error ("invalid theme mode") when no mode is set.
    context = dict(config.html_context or {})
    context.setdefault("default_mode", "auto")
    config.html_context = context


def _dedupe_scripts(app: Any, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    # sphinx-thebe's inline configuration script reaches some pages twice, and a second
    # `const THEBE_JS_URL` is a console error: keep the first of identical scripts.
    files = context.get("script_files")
    if not files:
        return
    seen, kept = set(), []
    for js in files:
        key = (getattr(js, "filename", str(js)) or "",
               tuple(sorted((k, str(v)) for k, v in getattr(js, "attributes", {}).items())))
        if key not in seen:
            seen.add(key)
            kept.append(js)
    files[:] = kept


def _fix_page_headers(app: Any, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    # Markdown tables with an empty corner cell: the same fix as for notebook outputs.
    if isinstance(context.get("body"), str):
        context["body"] = fix_empty_headers(context["body"])


def setup(app: Any) -> dict[str, Any]:
    """Sphinx extension: serve MathJax from the site's own ``_static``; no console errors from the theme."""
    if not callable(getattr(app, "connect", None)):
        raise InvalidInput("app", "a Sphinx application", f"app must be a Sphinx application, not {type(app).__name__}")
    app.connect("config-inited", _config_inited)
    app.connect("builder-inited", _builder_inited)
    app.connect("html-page-context", _dedupe_scripts, priority=900)
    app.connect("html-page-context", _fix_page_headers)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
