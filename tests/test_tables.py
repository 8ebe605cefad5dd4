"""Tables and parameter tables as a student reads them: captions, named headers, readable values."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pytest

from paylab.errors import InvalidInput
from paylab.money import Money
from paylab.parameters import param, parameter_table
from paylab.tables import MAX_ROWS, readable, table


def test_readable_values():
    assert readable(Money("1234.5", "CNY")) == "CNY 1,234.50"
    assert readable(np.int64(20000)) == "20,000"
    assert readable(np.float64(0.123456)) == "0.1235"
    assert readable(2.5e7) == "25,000,000"
    assert readable(True) == "yes"
    assert readable(None) == readable(pd.NA) == readable(float("nan")) == "—"
    assert readable((("address form", 0.12), ("pay", 0.05))) == "address form (0.12), pay (0.05)"


def test_table_has_a_caption_and_no_empty_header():
    frame = pd.DataFrame({"fee": [Money("1.61", "CNY")], "share": [np.float64(0.006)]},
                         index=pd.Index(["card_domestic"], name="method"))
    t = table(frame, "Fees on CNY 268 (illustrative)")
    html = t._repr_html_()
    assert "<caption>Fees on CNY 268 (illustrative)</caption>" in html
    assert '<th scope="col">method</th>' in html and "<th></th>" not in html and '<th scope="col"></th>' not in html
    assert "np.float64" not in repr(t) and "CNY 1.61" in repr(t)
    assert repr(t).splitlines()[0] == "Fees on CNY 268 (illustrative)"


def test_table_refuses_what_a_reader_cannot_read():
    with pytest.raises(InvalidInput) as e:
        table(pd.DataFrame({"a": [1]}, index=["x"]), "labels but no index name")
    assert e.value.field == "index"
    assert table(pd.DataFrame({"a": [1]}, index=["x"]), "named here", index="row").frame.columns[0] == "row"
    with pytest.raises(InvalidInput):
        table(pd.DataFrame({"a": [1]}), "  ")
    with pytest.raises(InvalidInput):
        table([1, 2], "not a frame")
    with pytest.raises(InvalidInput):
        table(pd.DataFrame({"a": range(MAX_ROWS + 1)}), "too long")
    with pytest.raises(InvalidInput):
        table(pd.DataFrame({"": [1]}), "blank column")


@dataclass(frozen=True)
class _Params:
    buyers: int = param(5000, meaning="buyers per round", unit="people", symbol="N", meaning_zh="每轮买家数")
    price_minor: int = param(20000, meaning="price of the good", unit="minor")
    rate: float = param(0.1, meaning="fraud rate", unit="share", source="cite:chinadaily2013")
    currency: str = "CNY"


def test_parameter_table_reads_the_fields_documentation():
    t = parameter_table(_Params())
    rows = t.frame.set_index("parameter")
    assert list(t.frame.columns) == ["parameter", "symbol", "meaning", "unit", "value", "source"]
    assert rows.loc["price_minor", "value"] == "CNY 200.00" and rows.loc["price_minor", "unit"] == "money"
    assert rows.loc["buyers", "value"] == "5,000" and rows.loc["rate", "source"] == "chinadaily2013"
    assert rows.loc["buyers", "source"] == "illustrative"
    assert "currency" not in rows.index
    zh = parameter_table(_Params(), lang="zh_CN").frame
    assert list(zh.columns) == ["参数", "符号", "含义", "单位", "取值", "来源"]
    assert zh.iloc[0]["含义"] == "每轮买家数" and zh.iloc[1]["含义"] == "price of the good"


def test_parameter_table_refuses_undocumented_fields():
    @dataclass
    class Bare:
        n: int = field(default=3)

    with pytest.raises(InvalidInput) as e:
        parameter_table(Bare())
    assert e.value.field == "n"
    with pytest.raises(InvalidInput):
        parameter_table(_Params)
    with pytest.raises(InvalidInput):
        parameter_table(_Params(), lang="fr")
    with pytest.raises(InvalidInput):
        param(1, meaning="")
