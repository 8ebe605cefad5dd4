"""The language of paylab's outputs: figure labels, table headers and lab feedback in English or Chinese.

A kernel speaks English unless told otherwise: :func:`use_language` (the first cell of every Chinese
notebook that ``python -m paylab translate`` writes) or the environment variable ``PAYLAB_LANG``.
Translations come from gettext catalogs shipped in the package, ``paylab/locale/<lang>/*.po``.

An output string is looked up whole first, then as a *template* with its numbers taken out
(``"fee at CNY 268.00"`` → ``"fee at CNY {0}"``), so a catalog survives a changed figure. Lab
feedback is written as templates with named fields (``"{got} is not {want}"``) and filled in the
reader's language.

With ``PAYLAB_OUTPUT_LANGUAGES=zh_CN`` (``make outputs``), each figure, table and feedback box also
records its rendering in that language in the output's metadata (:func:`alternates`). One execution
then serves both editions: the Chinese site and the Chinese notebooks use the recorded rendering.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from contextvars import ContextVar
from functools import lru_cache
from pathlib import Path
from typing import Any

from paylab.errors import InvalidInput

__all__ = ["LANGUAGES", "CATALOGS", "language", "use_language", "TranslatedStream", "speaking", "output_languages",
           "page", "on_page", "messages", "translate", "translate_lines", "translate_html", "translate_output",
           "needs_translation", "template", "fill", "collecting", "mimebundle", "alternate"]

#: Languages paylab can speak; English is the source language and has no catalog.
LANGUAGES = ("en", "zh_CN")
#: Where the runtime catalogs live: ``<lang>/<name>.po`` (one file per chapter, lab or module).
CATALOGS = Path(__file__).resolve().parent / "locale"
#: Metadata key under which an output keeps its renderings in other languages.
KEY = "paylab"

_ENV_LANG = "PAYLAB_LANG"
_ENV_ALSO = "PAYLAB_OUTPUT_LANGUAGES"
_current: ContextVar[str | None] = ContextVar("paylab_language", default=None)
_chosen: list[str] = []  # use_language() for the whole kernel (a ContextVar would not reach other cells)
_missed: ContextVar[list[str] | None] = ContextVar("paylab_missed", default=None)
_ENV_PAGE = "PAYLAB_PAGE"
_page: ContextVar[str | None] = ContextVar("paylab_page", default=None)
_page_chosen: list[str] = []  # use_language(lang, page=...) for the whole kernel
_PAGE = re.compile(r"[A-Za-z0-9_\-]+(/[A-Za-z0-9_\-]+)*")

# a number on its own: not part of a word ("lab0", "pm_000001", "2FA") and not a decimal's tail
_NUMBER = re.compile(r"(?<![\w.])\d+(?:,\d{3})*(?:\.\d+)?(?![\w])")
_SLOT = re.compile(r"\{(\d+)\}")
# a slot of a translation: {0}, or {0*10} for the number scaled by a power of ten (see _put_back)
_SCALED_SLOT = re.compile(r"\{(\d+)(?:\*(10|100|1000|10000))?\}")
# a word a reader must understand: two or more letters with a lower-case one (CNY, TLS, QR are names)
_WORD = re.compile(r"[A-Za-z]*[a-z][A-Za-z]*")
# one token that is a code name, not a word: payment_intent.created, clearing:CNY, cnnic2016, T+1
_IDENTIFIER = re.compile(r"\S*[_:.\d/=@#]\S*")
# a quoted string or a constant as Python prints it inside a value
_LITERAL = re.compile(r"(?<![A-Za-z])'[^'\n]*'(?![A-Za-z])|(?<![A-Za-z])\"[^\"\n]*\"(?![A-Za-z])"
                      r"|\b(?:True|False|None)\b")


def _check(lang: object, name: str = "lang") -> str:
    if lang not in LANGUAGES:
        raise InvalidInput(name, f"one of {', '.join(LANGUAGES)}", f"paylab speaks {', '.join(LANGUAGES)}, "
                           f"not {lang!r}")
    return str(lang)


def language() -> str:
    """The language outputs are made in now: :func:`speaking`, else :func:`use_language`, else ``PAYLAB_LANG``."""
    lang = _current.get() or (_chosen[-1] if _chosen else None) or os.environ.get(_ENV_LANG) or "en"
    return lang if lang in LANGUAGES else "en"


def use_language(lang: str, page: str | None = None) -> None:
    """Make ``lang`` the language of this kernel's figures, tables, feedback and printed lines (a Chinese
    notebook's first cell). In a Jupyter kernel, what cells print is translated line by line from then on.

    ``page`` (``"chapters/03_ecommerce_payments"``) names the notebook: its own catalog wins where one
    short word ("period", "step") is translated differently on different pages."""
    _check(lang)
    named = [_check_page(page)] if page is not None else []
    _chosen[:] = [lang]
    _page_chosen[:] = named
    if lang != "en":
        from paylab.plots import cjk_notice

        cjk_notice()
        _translate_printing()


class TranslatedStream:
    """A text stream that writes each finished line in the language of the moment (see :func:`language`).

    Wraps a kernel's ``sys.stdout`` so that a cell's ``print`` reads like the Chinese notebook's saved
    output; the unfinished end of a line waits for its newline or for :meth:`flush`."""

    def __init__(self, raw: Any) -> None:
        self.raw = raw
        self._pending = ""

    def write(self, text: str) -> int:
        if not isinstance(text, str):
            raise InvalidInput("text", "a str", f"a stream of text cannot write {type(text).__name__}")
        self._pending += text
        if "\n" in self._pending:
            done, self._pending = self._pending.rsplit("\n", 1)
            self.raw.write(translate_lines(done + "\n", language()))
        return len(text)

    def flush(self) -> None:
        if self._pending:
            rest, self._pending = self._pending, ""
            self.raw.write(translate(rest))
        self.raw.flush()

    def __getattr__(self, name: str) -> Any:  # encoding, isatty, fileno, … of the stream it wraps
        if name == "raw":  # not set yet (a copy being made): no endless lookup
            raise AttributeError(name)
        return getattr(self.raw, name)


def _translate_printing() -> None:
    """In an IPython kernel, put a :class:`TranslatedStream` on ``sys.stdout`` (once) and flush it after each cell."""
    import sys

    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython comes with every Jupyter kernel
        return
    shell = get_ipython()
    if shell is None or getattr(shell, "kernel", None) is None or isinstance(sys.stdout, TranslatedStream):
        return
    stream = TranslatedStream(sys.stdout)
    sys.stdout = stream
    shell.events.register("post_execute", stream.flush)


def _check_page(page: object) -> str:
    if not isinstance(page, str) or not _PAGE.fullmatch(page.removesuffix(".ipynb")):
        raise InvalidInput("page", "a notebook path such as 'chapters/03_ecommerce_payments'",
                           f"page must name a notebook, not {page!r}")
    return page.removesuffix(".ipynb")


def page() -> str | None:
    """The notebook outputs are made for now (:func:`on_page`, :func:`use_language`, ``PAYLAB_PAGE``), or None."""
    chosen = _page.get() or (_page_chosen[-1] if _page_chosen else None) or os.environ.get(_ENV_PAGE)
    if not chosen:
        return None
    try:
        return _check_page(chosen)
    except InvalidInput:  # a stray PAYLAB_PAGE: no page, the merged catalogs
        return None


@contextmanager
def _within(var: ContextVar[str | None], value: str, given: str) -> Iterator[str]:
    """``var`` set to ``value`` inside the block, as it was after; yields ``given`` (what the caller passed)."""
    token = var.set(value)
    try:
        yield given
    finally:
        var.reset(token)


def on_page(name: str) -> AbstractContextManager[str]:
    """Within the block, the catalog of notebook ``name`` comes first (the site renders each page so)."""
    return _within(_page, _check_page(name), name)


def speaking(lang: str) -> AbstractContextManager[str]:
    """Within the block, outputs are made in ``lang`` (how an alternate rendering is made)."""
    return _within(_current, _check(lang), lang)


def output_languages() -> tuple[str, ...]:
    """Other languages each output also records itself in (``PAYLAB_OUTPUT_LANGUAGES``, space or comma separated)."""
    wanted = os.environ.get(_ENV_ALSO, "").replace(",", " ").split()
    return tuple(lang for lang in wanted if lang in LANGUAGES and lang != language())


@lru_cache(maxsize=32)
def _load(lang: str, stamp: tuple) -> dict[str, str]:
    from babel.messages.pofile import read_po

    merged: dict[str, str] = {}
    for po, _mtime in stamp:
        with open(po, "rb") as fh:
            for m in read_po(fh):
                if m.id and m.string and not m.fuzzy:  # the first catalog to translate a message wins
                    merged.setdefault(str(m.id), str(m.string))
    return merged


def messages(lang: str) -> dict[str, str]:
    """Every translated message of ``lang``'s runtime catalogs (English: none); where two catalogs translate
    one message differently, the current :func:`page`'s own catalog wins, else the first in name order
    (chapters before labs), so a lab's word for a column never changes a chapter's table."""
    if _check(lang) == "en":
        return {}
    files = sorted((CATALOGS / lang).glob("*.po"))
    current = page()
    if current:
        own = CATALOGS / lang / f"{current.replace('/', '.')}.po"
        files = ([own] if own in files else []) + [f for f in files if f != own]
    return _load(lang, tuple((str(p), p.stat().st_mtime) for p in files))


def needs_translation(text: str) -> bool:
    """Whether ``text`` holds a word to translate (numbers, symbols, codes such as CNY or TLS do not)."""
    if not isinstance(text, str) or _IDENTIFIER.fullmatch(text.strip()):
        return False
    # a Python value a cell shows ('processing', {'bank_A': -100}, (True, False)) and code names inside a
    # line (bank_A, pay_11_000060) are what the code says in every language
    words = _LITERAL.sub(" ", _SLOT.sub("", text))
    words = " ".join(t for t in words.split() if not _IDENTIFIER.fullmatch(t))
    return any(len(w) > 1 for w in _WORD.findall(words))


def template(text: str) -> tuple[str, list[str]]:
    """``text`` with its numbers replaced by ``{0}``, ``{1}``, … and the numbers taken out, in order."""
    numbers: list[str] = []

    def slot(m: re.Match) -> str:
        numbers.append(m.group(0))
        return f"{{{len(numbers) - 1}}}"

    return _NUMBER.sub(slot, text), numbers


def _put_back(pattern: str, numbers: list[str]) -> str:
    """``pattern`` with its slots filled; ``{0*10}`` puts in the number times 10 (a catalog's way to say
    "1.4 billion" as "14 亿" and "3 million" as "300 万": Chinese counts in 万 and 亿)."""
    def slot(m: re.Match) -> str:
        i = int(m.group(1))
        if i >= len(numbers):
            return m.group(0)
        return _scaled(numbers[i], int(m.group(2))) if m.group(2) else numbers[i]

    return _SCALED_SLOT.sub(slot, pattern)


def _scaled(number: str, factor: int) -> str:
    """``number`` (as printed: "1.36", "12,500") times ``factor``, with as many decimals as it still needs."""
    from decimal import Decimal

    plain = number.replace(",", "")
    decimals = plain.partition(".")[2]
    value = Decimal(plain) * factor
    places = max(len(decimals) - (len(str(factor)) - 1), 0)
    return f"{value:{',' if ',' in number else ''}.{places}f}"


def translate(text: str, lang: str | None = None) -> str:
    """``text`` in ``lang`` (default: :func:`language`): whole, else as a template; unchanged if no catalog has it.

    An untranslated string is noted for :func:`collecting`; a string with nothing to translate is not."""
    lang = language() if lang is None else _check(lang)
    if lang == "en" or not isinstance(text, str) or not needs_translation(text):
        return text
    lead = text[:len(text) - len(text.lstrip())]
    core = text.strip()
    found = _found(core, lang)
    return text if found is None else lead + found + text[len(lead) + len(core):]


def _found(text: str, lang: str) -> str | None:
    """``text`` as ``lang``'s catalogs give it, whole or as a template of its numbers; None (and noted for
    :func:`collecting`) when no catalog has it."""
    cat = messages(lang)
    if text in cat:
        return cat[text]
    pattern, numbers = template(text)
    if numbers and pattern in cat:  # "UTF-8 bytes of {order}" is catalogued as "UTF-{0} bytes of {order}"
        return _put_back(cat[pattern], numbers)
    missed = _missed.get()
    if missed is not None and text not in missed:
        missed.append(text)
    return None


def fill(message: str, values: dict[str, Any] | None = None, lang: str | None = None) -> str:
    """A message template with named fields (``"{got} is not {want}"``), translated, then filled with ``values``."""
    lang = language() if lang is None else _check(lang)
    if not values:  # a finished sentence: translated whole or as a template of its numbers
        return translate(message, lang)
    text = message
    if lang != "en" and needs_translation(message):
        text = _found(message, lang) or message
    if lang != "en":  # a phrase given as a value ("an amount changed in block 2") is said in lang too
        values = {k: translate(v, lang) if isinstance(v, str) and " " in v.strip() and f"{{{k}!r" not in message
                  else v for k, v in values.items()}
    try:
        return text.format(**values)
    except (KeyError, IndexError, ValueError):  # a catalog entry with a wrong field: fall back to the source
        return message.format(**values)


@contextmanager
def collecting() -> Iterator[list[str]]:
    """Collect, in a list, the strings :func:`translate` and :func:`fill` found in no catalog inside the block."""
    found: list[str] = []
    token = _missed.set(found)
    try:
        yield found
    finally:
        _missed.reset(token)


def mimebundle(render: Callable[[], dict[str, str]]) -> tuple[dict[str, str], dict[str, Any]]:
    """IPython's ``(data, metadata)`` for an object drawn by ``render()`` in the current language, with its
    drawing in each of :func:`output_languages` kept in ``metadata["paylab"][lang]``."""
    data = render()
    meta: dict[str, Any] = {}
    for other in output_languages():
        with speaking(other), collecting() as missed:
            meta.setdefault(KEY, {})[other] = {"data": render(), "missing": missed}
    return data, meta


def alternate(output: dict, lang: str) -> dict | None:
    """The recorded rendering of a notebook output in ``lang`` (``{"data": ..., "missing": ...}``), or None."""
    _check(lang)
    meta = output.get("metadata") or {}
    found = (meta.get(KEY) or {}).get(lang)
    if found:
        return found
    for value in meta.values():  # a figure's rendering sits under its image/png metadata
        if isinstance(value, dict) and isinstance(value.get(KEY), dict) and value[KEY].get(lang):
            return value[KEY][lang]
    return None


def translate_lines(text: str, lang: str) -> str:
    """Printed text in ``lang``, line by line (what a cell printed, on the Chinese site)."""
    return "".join(translate(line, lang) for line in text.splitlines(keepends=True))


_TEXT_NODE = re.compile(r">([^<>]+)<")
_VERBATIM = re.compile(r"(<(style|script)\b.*?</\2>)", re.DOTALL | re.IGNORECASE)


def translate_html(markup: str, lang: str) -> str:
    """HTML with the text between its tags in ``lang`` (styles and scripts left alone)."""
    import html

    def node(m: re.Match) -> str:
        raw = m.group(1)
        text = html.unescape(raw)
        done = translate(text, lang)
        return ">" + (raw if done == text else html.escape(done, quote=False)) + "<"

    parts = _VERBATIM.split(markup)
    out, skip = [], 0
    for part in parts:
        if skip:  # the tag-name group of a verbatim block
            skip -= 1
            continue
        if _VERBATIM.fullmatch(part or ""):
            out.append(part)
            skip = 1
        else:
            out.append(_TEXT_NODE.sub(node, part))
    return "".join(out)


def translate_output(output: dict, lang: str, *, text: bool = False) -> dict:
    """A notebook output (nbformat dict) as the ``lang`` edition shows it: its recorded rendering in
    ``lang`` when it has one; with ``text=True`` (the site) also printed lines and other text translated."""
    import copy

    _check(lang)
    out = copy.deepcopy(dict(output))
    kind = out.get("output_type")
    if kind == "stream":
        if text:
            out["text"] = translate_lines("".join(out.get("text", "")), lang)
        return out
    if kind not in ("display_data", "execute_result"):
        return out
    data = out.setdefault("data", {})
    found = alternate(out, lang)
    if found:
        for mime, value in found.get("data", {}).items():
            if mime in data:
                data[mime] = value
        if found.get("alt") and isinstance(out.get("metadata", {}).get("image/png"), dict):
            out["metadata"]["image/png"]["alt"] = found["alt"]
    elif text:
        if "text/html" in data:
            data["text/html"] = translate_html("".join(data["text/html"]), lang)
        if "text/plain" in data:
            data["text/plain"] = translate_lines("".join(data["text/plain"]), lang)
    return out
