"""Tables a student reads: a caption saying what they show, real header cells, readable values.

Every table a chapter displays goes through :func:`table`, so the site gets a ``<caption>``
and no empty ``<th>`` (an unnamed index becomes a named column), and nbval compares plain text.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from decimal import Decimal
from numbers import Integral, Real

import pandas as pd

from paylab.errors import InvalidInput
from paylab.money import Money

__all__ = ["Table", "table", "readable"]

#: Most rows a displayed table may have: a page, not a data dump.
MAX_ROWS = 500


def readable(value: object) -> str:
    """One cell as a student reads it: money as ``CNY 1,234.56``, numbers without numpy reprs."""
    if isinstance(value, Money):
        return str(value)
    if value is None or value is pd.NA or value is pd.NaT:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Integral):
        return f"{int(value):,}"
    if isinstance(value, Decimal):
        return f"{value:,}"
    if isinstance(value, Real):
        v = float(value)
        if v != v:
            return "—"
        return f"{v:,.4g}" if abs(v) < 1e6 else f"{v:,.0f}"
    if isinstance(value, (tuple, list)):
        return ", ".join(f"{readable(v[0])} ({readable(v[1])})" if isinstance(v, (tuple, list)) and len(v) == 2
                         else readable(v) for v in value)
    return str(value)


@dataclass(frozen=True)
class Table:
    """A captioned table: HTML with ``<caption>`` and named headers on the site, aligned text in nbval."""

    frame: pd.DataFrame
    caption: str
    #: The same table written for another language (``{"zh_CN": Table(...)}``), used instead of translating.
    versions: dict = field(default_factory=dict, compare=False, repr=False)

    def _cells(self, lang: str) -> tuple[list[str], list[list[str]], str]:
        from paylab.language import translate

        if lang in self.versions:
            return self.versions[lang]._cells(lang)

        header = [translate(str(c), lang) for c in self.frame.columns]
        rows = [[translate(readable(v), lang) for v in row] for row in self.frame.itertuples(index=False)]
        return header, rows, translate(self.caption, lang)

    def _html(self, lang: str) -> str:
        header, rows, caption = self._cells(lang)
        head = "".join(f'<th scope="col">{html.escape(c)}</th>' for c in header)
        body = "".join("<tr>" + "".join(f"<td>{html.escape(v)}</td>" for v in row) + "</tr>" for row in rows)
        return (f'<table class="dataframe paylab-table"><caption>{html.escape(caption)}</caption>'
                f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")

    def _text(self, lang: str) -> str:
        header, rows, caption = self._cells(lang)
        return f"{caption}\n{pd.DataFrame(rows, columns=header).to_string(index=False)}"

    def _repr_html_(self) -> str:
        from paylab.language import language

        return self._html(language())

    def _repr_mimebundle_(self, include=None, exclude=None):
        from paylab.language import language, mimebundle

        return mimebundle(lambda: {"text/html": self._html(language()), "text/plain": self._text(language())})

    def __repr__(self) -> str:
        from paylab.language import language

        return self._text(language())


def table(frame: pd.DataFrame, caption: str, *, index: str | None = None) -> Table:
    """Wrap ``frame`` for display with ``caption``; a meaningful index becomes a column named ``index``."""
    if not isinstance(frame, pd.DataFrame):
        raise InvalidInput("frame", "a pandas DataFrame", f"frame must be a DataFrame, not {type(frame).__name__}")
    if not isinstance(caption, str) or not caption.strip():
        raise InvalidInput("caption", "a non-empty string", "say what the table shows (and if its data are synthetic)")
    if len(frame) > MAX_ROWS:
        raise InvalidInput("frame", f"at most {MAX_ROWS} rows", f"{len(frame)} rows is a data dump; show .head()")
    out = frame.copy()
    if index is not None or not isinstance(out.index, pd.RangeIndex):
        name = index or out.index.name
        if not name:
            raise InvalidInput("index", "a name for the index column",
                               "the index carries labels: name it with index=... (a header cell may not be empty)")
        out = out.rename_axis(name).reset_index()
    if isinstance(out.columns, pd.MultiIndex):
        out.columns = [" · ".join(str(p) for p in c if str(p)) for c in out.columns]
    blank = [c for c in out.columns if not str(c).strip()]
    if blank:
        raise InvalidInput("frame", "named columns", "every column needs a header")
    out.columns = [str(c) for c in out.columns]
    return Table(out.reset_index(drop=True), caption)
