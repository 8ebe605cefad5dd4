"""Model parameters in plain sight: each field documents its meaning, unit and source.

A model's parameter record declares its fields with :func:`param`; :func:`parameter_table` reads that
documentation back as a table, so a chapter shows the parameters, not a dataclass repr.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pandas as pd

from paylab.errors import InvalidInput
from paylab.money import Money
from paylab.tables import Table, readable, table

__all__ = ["param", "parameter_table", "ILLUSTRATIVE"]

ILLUSTRATIVE = "illustrative"


def param(default: Any, *, meaning: str, unit: str = "", source: str = ILLUSTRATIVE,
          symbol: str = "", meaning_zh: str = "") -> Any:
    """A dataclass field whose metadata says what it means, in what unit, and where its value comes from.

    ``source`` is a bibliography key (``cite:key``) or the word *illustrative*; ``unit="minor"`` shows the
    value as money in the record's ``currency``.
    """
    for name, text in (("meaning", meaning), ("source", source)):
        if not isinstance(text, str) or not text.strip():
            raise InvalidInput(name, "a non-empty string", f"param() needs {name}")
    return dataclasses.field(default=default, metadata={
        "meaning": meaning, "unit": unit, "source": source, "symbol": symbol, "meaning_zh": meaning_zh})


def _value(record: Any, f: dataclasses.Field, value: Any) -> str:
    if f.metadata.get("unit") == "minor" and isinstance(value, int) and not isinstance(value, bool):
        return str(Money.from_minor(value, getattr(record, "currency", "CNY")))
    return readable(value)


def _rows(record: Any, lang: str) -> list[dict[str, str]]:
    rows = []
    for f in dataclasses.fields(record):
        if not f.metadata.get("meaning"):
            if f.name == "currency":
                continue
            raise InvalidInput(f.name, "documented with param()",
                               f"{type(record).__name__}.{f.name} has no meaning: declare it with param()")
        meaning = (f.metadata.get("meaning_zh") or f.metadata["meaning"]) if lang == "zh_CN" else f.metadata["meaning"]
        unit = f.metadata.get("unit", "")
        source = f.metadata.get("source", ILLUSTRATIVE)
        rows.append({"parameter": f.name, "symbol": f.metadata.get("symbol") or "—", "meaning": meaning,
                     "unit": "money" if unit == "minor" else (unit or "—"),
                     "value": _value(record, f, getattr(record, f.name)),
                     "source": source.removeprefix("cite:") if source.startswith("cite:") else source})
    if lang == "zh_CN":
        from paylab.language import translate

        names = {"parameter": "参数", "symbol": "符号", "meaning": "含义", "unit": "单位", "value": "取值",
                 "source": "来源"}
        rows = [{names[k]: translate(v, lang) if k in ("unit", "value", "source") else v for k, v in r.items()}
                for r in rows]
    return rows


def parameter_table(record: Any, caption: str | None = None, *, lang: str | None = None) -> Table:
    """The parameters of ``record`` (a dataclass instance) as a table: name, symbol, meaning, unit, value, source.

    ``lang`` fixes the language; by default the table reads in the kernel's language and carries its
    Chinese version (the ``meaning_zh`` of each field) for the Chinese edition."""
    from paylab.language import translate

    if not dataclasses.is_dataclass(record) or isinstance(record, type):
        raise InvalidInput("record", "a dataclass instance", f"got {type(record).__name__}")
    if lang is not None and lang not in ("en", "zh_CN"):
        raise InvalidInput("lang", "one of 'en', 'zh_CN'", f"unknown language {lang!r}")
    cap = caption or f"Parameters of {type(record).__name__} (values marked illustrative are not sourced)"
    if lang is not None:
        return table(pd.DataFrame(_rows(record, lang)), translate(cap, lang) if lang != "en" else cap)
    zh = table(pd.DataFrame(_rows(record, "zh_CN")), cap)
    base = table(pd.DataFrame(_rows(record, "en")), cap)
    return Table(base.frame, cap, versions={"zh_CN": zh})
