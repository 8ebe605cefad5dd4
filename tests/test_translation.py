"""The Chinese edition's machinery: catalogs applied to Markdown and notebooks, code and outputs untouched."""

from __future__ import annotations

import nbformat
import pytest

from paylab import translation as t
from paylab.errors import InvalidInput, NotFound

SOURCE = """## Overview · 概述

*Why does a payment need two messages?*

A {term}`payment gateway <支付网关 · payment gateway>` sits between
buyer and bank.

- first item
  continues here;
- second item.

| kind | fee |
| --- | --- |
| card | low |

```{exercise} Compute · 计算
:label: ch09-ex1
Run `pay()` twice.
```
"""

MESSAGES = {
    "Overview · 概述": "概述",
    "*Why does a payment need two messages?*": "*为什么一笔支付需要两条报文？*",
    "A {term}`payment gateway <支付网关 · payment gateway>` sits between buyer and bank.":
        "{term}`支付网关 <支付网关 · payment gateway>`位于买家和银行之间。",
    "first item continues here;": "第一项，接着写；",
    "second item.": "第二项。",
    "kind": "类型", "fee": "费用", "card": "银行卡", "low": "低",
    "Run `pay()` twice.": "运行 `pay()` 两次。",
    "Compute · 计算": "计算",
}


def test_every_block_is_replaced_and_the_structure_kept():
    out, missing = t.translate_markdown(SOURCE, MESSAGES)
    assert missing == []
    assert out.splitlines()[0] == "## 概述"
    assert "- 第一项，接着写；" in out and "- 第二项。" in out
    assert "| 类型 | 费用 |" in out and "| 银行卡 | 低 |" in out
    assert "```{exercise} 计算\n:label: ch09-ex1\n运行 `pay()` 两次。\n```" in out
    assert "{term}`支付网关 <支付网关 · payment gateway>`位于买家和银行之间。" in out
    # the translated text parses into the same number of blocks
    assert len(t._blocks_of(out)) == len(t._blocks_of(SOURCE))


def test_untranslated_blocks_are_reported_and_left_in_english():
    partial = {k: v for k, v in MESSAGES.items() if k != "second item."}
    out, missing = t.translate_markdown(SOURCE, partial)
    assert missing == ["second item."]
    assert "- second item." in out


def test_a_notebook_keeps_its_code_and_outputs(tmp_path):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("## Overview · 概述"),
                                         nbformat.v4.new_code_cell("1 + 1", outputs=[nbformat.v4.new_output(
                                             "execute_result", data={"text/plain": "2"}, execution_count=1)])])
    (tmp_path / "chapters").mkdir()
    path = tmp_path / "chapters" / "x.ipynb"
    nbformat.write(nb, path)
    po = tmp_path / "locales" / "zh_CN" / "LC_MESSAGES" / "chapters"
    po.mkdir(parents=True)
    (po / "x.po").write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n\n'
                             'msgid "Overview · 概述"\nmsgstr "概述"\n', encoding="utf-8")
    zh = t.translate_notebook(path, root=tmp_path)
    assert zh.cells[0].source == "## 概述"
    # the kernel of a Chinese notebook draws figures, tables and feedback in Chinese: one cell says so
    assert zh.cells[1].source == t.LANGUAGE_CELL["zh_CN"].format(lang="zh_CN", page="chapters/x")
    assert 'page="chapters/x"' in zh.cells[1].source and not zh.cells[1].outputs
    assert zh.cells[2].source == "1 + 1" and zh.cells[2].outputs == nb.cells[1].outputs
    assert zh.metadata["paylab"]["language"] == "zh_CN"
    assert t.missing(path, root=tmp_path) == []
    written = t.write_translations([tmp_path / "chapters"], tmp_path / "zh", root=tmp_path)
    assert [p.relative_to(tmp_path / "zh").as_posix() for p in written] == ["chapters/x.ipynb"]


def test_bad_input_is_typed(tmp_path):
    with pytest.raises(InvalidInput) as e:
        t.catalog("chapters/01_introduction", "fr_FR")
    assert e.value.field == "lang"
    with pytest.raises(NotFound):
        t.catalog("chapters/none", root=tmp_path)
    with pytest.raises(InvalidInput):
        t.missing(tmp_path / "elsewhere.ipynb")


def test_every_page_has_a_catalog():
    import yaml

    toc = yaml.safe_load((t.ROOT / "_toc.yml").read_text(encoding="utf-8"))
    pages = [toc["root"]] + [c["file"] for part in toc["parts"] for c in part["chapters"]]
    absent = [p for p in pages if not (t.ROOT / "locales" / "zh_CN" / "LC_MESSAGES" / f"{p}.po").exists()]
    assert absent == [], f"pages without a catalog (run scripts/catalogs.py): {absent}"
