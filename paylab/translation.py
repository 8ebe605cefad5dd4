"""The Chinese edition from the same notebooks: gettext catalogs applied to the site and to notebooks.

The English notebooks are the only source. Sphinx's gettext builder extracts every Markdown block
(paragraph, heading, list item, table cell) as a message into ``locales/<lang>/LC_MESSAGES/<page>.po``
(``scripts/catalogs.py``); translators fill the catalogs. The site's Chinese edition is the same
build with ``language = zh_CN``. For JupyterLab, :func:`translate_notebook` replaces each Markdown block
of a notebook with its translation and leaves code and outputs as they are, so a Chinese notebook runs
exactly like the English one. As a Sphinx extension this module adds the language switch to every page.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import nullcontext
from functools import lru_cache
from pathlib import Path
from typing import Any

from paylab.errors import InvalidInput, NotFound

__all__ = ["LANGUAGES", "catalog", "missing", "translate_markdown", "translate_notebook", "write_translations",
           "setup"]

#: Languages with catalogs, and the name of the other edition's folder on the site.
LANGUAGES = ("zh_CN",)
ROOT = Path(__file__).resolve().parent.parent
#: Markdown extensions the book enables (``_config.yml``), so blocks split exactly as Sphinx splits them.
_EXTENSIONS = {"colon_fence", "dollarmath", "amsmath", "deflist", "substitution", "html_image"}


#: The first code cell of a translated notebook: the kernel draws figures, tables and feedback in ``lang``.
LANGUAGE_CELL = {"zh_CN": 'from paylab.language import use_language\n\n'
                          '# 本笔记本的图表、表格、打印输出和检查反馈都用中文显示\n'
                          'use_language("{lang}", page="{page}")'}


def _check_lang(lang: str) -> str:
    if lang not in LANGUAGES:
        raise InvalidInput("lang", f"one of {', '.join(LANGUAGES)}", f"no catalogs for language {lang!r}")
    return lang


def _page_of(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).with_suffix("").as_posix()
    except ValueError:
        raise InvalidInput("path", "a page inside the book", f"{path} is not inside {root}") from None


@lru_cache(maxsize=64)
def _read_catalog(po: Path, mtime: float) -> dict[str, str]:
    from babel.messages.pofile import read_po

    with open(po, "rb") as fh:
        cat = read_po(fh)
    return {m.id: m.string for m in cat if m.id and m.string and not m.fuzzy}


def catalog(page: str, lang: str = "zh_CN", *, root: Path = ROOT) -> dict[str, str]:
    """The translated, non-fuzzy messages of one page (``"chapters/03_ecommerce_payments"``)."""
    po = root / "locales" / _check_lang(lang) / "LC_MESSAGES" / f"{page}.po"
    if not po.exists():
        raise NotFound(f"no catalog {po.relative_to(root)}: run scripts/catalogs.py", field="page")
    return dict(_read_catalog(po, po.stat().st_mtime))


@lru_cache(maxsize=1)
def _parser() -> Any:
    from myst_parser.config.main import MdParserConfig
    from myst_parser.mdit_to_docutils.base import DocutilsRenderer
    from myst_parser.parsers.mdit import create_md_parser

    return create_md_parser(MdParserConfig(enable_extensions=_EXTENSIONS), DocutilsRenderer)


def _message(text: str) -> str:
    """A block's text as Sphinx's gettext writes its message id (line breaks become spaces)."""
    return text.replace("\n", " ").strip()


def _blocks(source: str, offset: int = 0) -> Iterator[tuple[int, int, str]]:
    """``(first line, end line, inline text)`` of every translatable block, directives' bodies included."""
    tokens = _parser().parse(source)
    lines = source.splitlines()
    for i, tok in enumerate(tokens):
        if tok.type == "inline" and tok.content.strip():
            start, end = tokens[i - 1].map if tokens[i - 1].map else (tok.map or (-1, -1))
            yield start + offset, end + offset, tok.content
        elif tok.type in ("fence", "colon_fence") and tok.info.startswith("{") and tok.map:
            body = lines[tok.map[0] + 1:tok.map[1] - 1]
            # a directive's option lines (":label: ...") are not text: blank them, keeping line numbers
            k = 0
            while k < len(body) and body[k].startswith(":"):
                body[k] = ""
                k += 1
            yield from _blocks("\n".join(body), offset + tok.map[0] + 1)


def _blocks_of(source: str) -> list[tuple[int, int, str]]:
    return list(_blocks(source))


def translate_markdown(source: str, messages: dict[str, str]) -> tuple[str, list[str]]:
    """``source`` with every block replaced by its translation, and the blocks that have none."""
    lines = source.splitlines()
    untranslated: list[str] = []
    for start, end, content in sorted(_blocks_of(source), key=lambda b: -b[0]):
        text = messages.get(_message(content))
        if text is None:
            untranslated.append(_message(content))
            continue
        first = content.split("\n")[0]
        at = lines[start].find(first) if 0 <= start < len(lines) else -1
        if at < 0:  # a table cell has no line map of its own: find its line
            start = next((k for k, ln in enumerate(lines) if first in ln), -1)
            if start < 0:
                untranslated.append(_message(content))
                continue
            end, at = start + 1, lines[start].find(first)
        if "\n" not in content:  # one line (a heading, a list item, a table cell): replace in place
            lines[start] = lines[start][:at] + text + lines[start][at + len(first):]
        else:  # a paragraph over several lines becomes one line, behind the first line's prefix
            lines[start:end] = [lines[start][:at] + text]
    for k, line in enumerate(lines):  # a directive's title (an exercise's kind) is a message too
        head, sep, title = line.partition("} ")
        if sep and head.lstrip("`:").startswith("{") and title.strip() in messages:
            lines[k] = head + sep + messages[title.strip()]
    out = "\n".join(lines)
    return (out + "\n" if source.endswith("\n") else out), untranslated[::-1]


def _markdown_cells(nb: Any) -> Iterable[Any]:
    return (c for c in nb.cells if c.cell_type == "markdown")


def missing(path: str | Path, lang: str = "zh_CN", *, root: Path = ROOT) -> list[str]:
    """The Markdown blocks of a notebook that its catalog does not translate (empty when complete)."""
    import nbformat

    path = Path(path)
    messages = catalog(_page_of(path, root), lang, root=root)
    nb = nbformat.read(path, as_version=4)
    return [m for c in _markdown_cells(nb) for m in translate_markdown(c.source, messages)[1]]


def translate_notebook(path: str | Path, lang: str = "zh_CN", *, root: Path = ROOT) -> Any:
    """The notebook at ``path`` with its Markdown and saved outputs in ``lang`` (as its kernel, told by
    the first cell :data:`LANGUAGE_CELL`, draws and prints them); code and tags unchanged."""
    import nbformat

    path = Path(path)
    if not path.exists():
        raise NotFound(f"no notebook {path}", field="path")
    from paylab.language import on_page, translate_output

    page = _page_of(path, root)
    messages = catalog(page, lang, root=root)
    nb = nbformat.read(path, as_version=4)
    for cell in _markdown_cells(nb):
        cell.source = translate_markdown(cell.source, messages)[0]
    with on_page(page):
        for cell in nb.cells:  # figures, tables and feedback as the kernel draws them in ``lang``
            if cell.cell_type == "code" and cell.get("outputs"):
                cell.outputs = [nbformat.from_dict(translate_output(o, lang, text=o.get("output_type") == "stream"))
                                for o in cell.outputs]
    first = next((k for k, c in enumerate(nb.cells) if c.cell_type == "code"), len(nb.cells))
    nb.cells.insert(first, nbformat.v4.new_code_cell(LANGUAGE_CELL.get(lang, "").format(lang=lang, page=page)))
    nb.metadata["paylab"] = {**nb.metadata.get("paylab", {}), "language": lang}
    return nb


def write_translations(paths: Iterable[str | Path], out: str | Path, lang: str = "zh_CN", *,
                       root: Path = ROOT) -> list[Path]:
    """Write the ``lang`` version of each notebook (or of each notebook in a folder) under ``out``."""
    import nbformat

    written = []
    for p in paths:
        p = Path(p)
        for nb_path in sorted(p.glob("*.ipynb")) if p.is_dir() else [p]:
            target = Path(out) / _page_of(nb_path, root)
            target = target.with_suffix(".ipynb")
            target.parent.mkdir(parents=True, exist_ok=True)
            nbformat.write(translate_notebook(nb_path, lang, root=root), target)
            written.append(target)
    return written


# --- Sphinx: the language switch on every page -------------------------------------------------------

def _language_switch(app: Any, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    up = "../" * pagename.count("/")
    if (app.config.language or "en").startswith("zh"):
        href, label, hreflang = f"{up}../{pagename}.html", "English", "en"
    else:
        href, label, hreflang = f"{up}zh/{pagename}.html", "中文", "zh-CN"
    link = (f'<p class="paylab-language"><a href="{href}" hreflang="{hreflang}" lang="{hreflang}">'
            f'{label}</a></p>')
    context["body"] = link + context.get("body", "")
    alternate = f'<link rel="alternate" hreflang="{hreflang}" href="{href}" />'
    context["metatags"] = context.get("metatags", "") + "\n" + alternate


def setup(app: Any) -> dict:
    """Sphinx extension: a link to the same page in the other edition, on every page."""
    app.connect("html-page-context", _language_switch)
    return {"parallel_read_safe": True, "parallel_write_safe": True}


# --- catalogs of what the code writes: outputs and lab feedback ------------------------------------

def untranslated_outputs(path: str | Path, lang: str = "zh_CN") -> list[str]:
    """The strings in a notebook's saved outputs that ``lang``'s runtime catalogs lack: text of figures,
    tables and feedback recorded by the kernel (``make outputs``), printed lines and other text."""
    import nbformat

    from paylab.language import alternate, collecting, on_page, translate_output

    path = Path(path)
    if not path.exists():
        raise NotFound(f"no notebook {path}", field="path")
    nb = nbformat.read(path, as_version=4)
    found: list[str] = []
    try:
        page = _page_of(path, ROOT)
    except InvalidInput:  # a notebook outside the book: the merged catalogs
        page = None
    with collecting() as missed, (on_page(page) if page else nullcontext()):
        for cell in nb.cells:
            for out in cell.get("outputs", []) if cell.cell_type == "code" else []:
                rendered = alternate(out, _check_lang(lang))
                if rendered:
                    found += [m for m in rendered.get("missing", []) if _still_missing(m, lang)]
                translate_output(out, lang, text=True)
    return list(dict.fromkeys(found + missed))


def _still_missing(text: str, lang: str) -> bool:
    from paylab.language import messages, template

    cat = messages(lang)
    return text not in cat and template(text)[0] not in cat


def unrecorded_outputs(path: str | Path, lang: str = "zh_CN") -> int:
    """How many figures and tables of a notebook's saved outputs have no rendering in ``lang`` (run
    ``make outputs``): a figure or a paylab table must carry one for the ``lang`` edition."""
    import nbformat

    from paylab.language import alternate

    nb = nbformat.read(Path(path), as_version=4)
    count = 0
    for cell in nb.cells:
        for out in cell.get("outputs", []) if cell.cell_type == "code" else []:
            data = out.get("data", {})
            drawn = "image/png" in data or "paylab-table" in "".join(data.get("text/html", ""))
            if drawn and not alternate(out, lang):
                count += 1
    return count


#: Calls whose string arguments are feedback said to a student: name -> positional index (or keywords).
_FEEDBACK_CALLS = {"expect": (1,), "wrong": (0,), "Wrong": (0,), "_feedback": (3,), "_fill": (0,)}
_FEEDBACK_KEYWORDS = {"question": ("title", "hint"), "written": ("title", "rubric")}


def feedback_messages(path: str | Path) -> tuple[list[str], list[int]]:
    """The feedback templates a checks module says (``expect``, ``wrong``, question titles and hints,
    rubrics), and the lines where a message is an f-string, which no catalog can hold."""
    import ast

    tree = ast.parse(Path(path).read_text(encoding="utf-8"))
    found: list[str] = []
    fstrings: list[int] = []

    def take(node: ast.AST) -> None:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            found.append(node.value)
        elif isinstance(node, ast.JoinedStr):
            fstrings.append(node.lineno)
        elif isinstance(node, (ast.Tuple, ast.List)):
            for elt in node.elts:
                take(elt)
        elif isinstance(node, ast.BinOp):  # "..." "..." spread over lines is one Constant; a + b is two
            take(node.left)
            take(node.right)

    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
        for k in _FEEDBACK_CALLS.get(name, ()):
            if k < len(node.args):
                take(node.args[k])
        for kw in node.keywords:
            if kw.arg in _FEEDBACK_KEYWORDS.get(name, ()):
                take(kw.value)
    return list(dict.fromkeys(found)), fstrings
