"""paylab.language: outputs in the reader's language (figure labels, tables, lab feedback), the recorded
Chinese rendering of each output, and how the Chinese site and notebooks use it."""

from __future__ import annotations

import base64

import matplotlib
import pandas as pd
import pytest

matplotlib.use("Agg")

from paylab import language as lg  # noqa: E402
from paylab.checks import NotPassed, check, expect, question, require, wrong  # noqa: E402
from paylab.errors import InvalidInput  # noqa: E402
from paylab.plots import alt_text, new_axes, png_with_alt, translated  # noqa: E402
from paylab.tables import table  # noqa: E402

CATALOG = {"fee on CNY {0}": "CNY {0} 的手续费", "Fees by method (illustrative)": "各支付方式的手续费（示意）",
           "method": "支付方式", "Alipay": "支付宝", "users (millions)": "用户（百万）", "yes": "是",
           "the parts add up to {got}, not {want}": "各部分合计 {got}，而不是 {want}",
           "Split a payment": "拆分一笔付款", "Use integer minor units.": "用整数最小单位计算。",
           "all checks hold ({points} points)": "全部检查通过（{points} 分）",
           "{qid} has not passed yet ({status}): {earned} of {points} point(s) — read the feedback above":
               "{qid} 尚未通过（{status}）：{points} 分得 {earned} 分——请看上面的反馈",
           "{1} then {0}": "先 {0} 后 {1}"}


@pytest.fixture
def zh(monkeypatch):
    """A Chinese catalog of a few messages, in place of the shipped ones."""
    monkeypatch.setattr(lg, "messages", lambda lang: CATALOG if lang == "zh_CN" else {})
    monkeypatch.delenv("PAYLAB_OUTPUT_LANGUAGES", raising=False)
    monkeypatch.delenv("PAYLAB_LANG", raising=False)
    yield CATALOG
    lg._chosen.clear()


def test_a_string_is_found_whole_or_as_a_template_of_its_numbers(zh):
    assert lg.translate("method", "zh_CN") == "支付方式"
    assert lg.translate("fee on CNY 1,234.50", "zh_CN") == "CNY 1,234.50 的手续费"
    assert lg.translate("  method\n", "zh_CN") == "  支付方式\n"  # the layout around a line is kept
    assert lg.template("2 then 3.5 then lab0 pm_01") == ("{0} then {1} then lab0 pm_01", ["2", "3.5"])
    assert lg.translate("2 then 1", "zh_CN") == "2 then 1"  # "{0} then {1}" is not in the catalog
    assert lg.translate("method", "en") == "method"
    assert lg.translate("unknown words", "zh_CN") == "unknown words"


def test_only_words_need_translation():
    for neutral in ("CNY 268.00", "42", "TLS 1.3", "payment_intent.created", "clearing:CNY", "T+1", "—", "$p$"):
        assert not lg.needs_translation(neutral), neutral
    for word in ("fee", "Alipay", "fee on CNY 2", "after-sale service"):
        assert lg.needs_translation(word), word


def test_missing_strings_are_collected(zh):
    with lg.collecting() as missed:
        lg.translate("no such label", "zh_CN")
        lg.translate("no such label", "zh_CN")
        lg.translate("method", "zh_CN")
        lg.translate("CNY 5", "zh_CN")
    assert missed == ["no such label"]


def test_templates_with_named_fields(zh):
    got = lg.fill("the parts add up to {got}, not {want}", {"got": 9, "want": 10}, "zh_CN")
    assert got == "各部分合计 9，而不是 10"
    assert lg.fill("the parts add up to {got}, not {want}", {"got": 9, "want": 10}, "en") == \
        "the parts add up to 9, not 10"


def test_language_is_chosen_for_the_kernel_and_for_a_block(zh, monkeypatch):
    assert lg.language() == "en"
    with lg.speaking("zh_CN"):
        assert lg.language() == "zh_CN"
    assert lg.language() == "en"
    monkeypatch.setenv("PAYLAB_LANG", "zh_CN")
    assert lg.language() == "zh_CN"
    monkeypatch.delenv("PAYLAB_LANG")
    assert lg.use_language("zh_CN") is None and lg.language() == "zh_CN"
    lg.use_language("en")
    assert lg.language() == "en"
    for bad in ("fr", None, 3):
        with pytest.raises(InvalidInput) as e:
            lg.use_language(bad)
        assert e.value.field == "lang"


def _figure():
    fig, ax = new_axes("Fees by method (illustrative)", "method", "users (millions)")
    ax.bar(["Alipay", "card_domestic"], [3, 4], label="fee on CNY 268")
    ax.legend()
    return fig


def test_a_figure_is_drawn_in_chinese_and_restored(zh):
    fig = _figure()
    en = alt_text(fig, "en")
    assert en.startswith("Figure: bar chart \u201cFees by method (illustrative)\u201d (x axis: method; y axis: users")
    zh_alt = alt_text(fig, "zh_CN")
    assert zh_alt.startswith("图：柱状图「各支付方式的手续费（示意）」"
                             "（横轴：支付方式；纵轴：用户（百万）；数据系列：CNY 268 的手续费")
    with translated(fig, "zh_CN"):
        fig.canvas.draw()
        ticks = [t.get_text() for t in fig.axes[0].get_xticklabels()]
        assert fig.axes[0].get_title() == "各支付方式的手续费（示意）"
    assert ticks == ["支付宝", "card_domestic"]
    assert fig.axes[0].get_title() == "Fees by method (illustrative)"  # the figure itself is unchanged
    fig.canvas.draw()
    assert [t.get_text() for t in fig.axes[0].get_xticklabels()] == ["Alipay", "card_domestic"]


def test_a_figure_records_its_chinese_drawing_when_asked(zh, monkeypatch):
    fig = _figure()
    png, meta = png_with_alt(fig)
    assert "paylab" not in meta and meta["alt"].startswith("Figure:")
    monkeypatch.setenv("PAYLAB_OUTPUT_LANGUAGES", "zh_CN")
    png2, meta = png_with_alt(fig)
    rec = meta["paylab"]["zh_CN"]
    assert png2 == png and rec["alt"].startswith("图：") and rec["missing"] == []
    other = base64.b64decode(rec["data"]["image/png"])
    assert other.startswith(b"\x89PNG") and rec["data"]["image/png"] != png
    out = {"output_type": "display_data", "data": {"image/png": png, "text/plain": "<Figure>"},
           "metadata": {"image/png": meta}}
    shown = lg.translate_output(out, "zh_CN")
    assert shown["data"]["image/png"] == rec["data"]["image/png"]
    assert shown["metadata"]["image/png"]["alt"] == rec["alt"]
    assert out["data"]["image/png"] == png  # the English output is left as it was


def test_a_chinese_kernel_draws_in_chinese(zh):
    fig = _figure()
    with lg.speaking("zh_CN"):
        _, meta = png_with_alt(fig)
    assert meta["alt"].startswith("图：")


def test_a_table_in_chinese_and_its_recording(zh, monkeypatch):
    t = table(pd.DataFrame({"method": ["Alipay", "cash"], "fee on CNY 268": [True, False]}),
              "Fees by method (illustrative)")
    assert repr(t).splitlines()[0] == "Fees by method (illustrative)"
    with lg.speaking("zh_CN"):
        text = repr(t)
        markup = t._repr_html_()
    assert text.splitlines()[0] == "各支付方式的手续费（示意）" and "支付宝" in text and "是" in text
    assert "<caption>各支付方式的手续费（示意）</caption>" in markup and "CNY 268 的手续费" in markup
    monkeypatch.setenv("PAYLAB_OUTPUT_LANGUAGES", "zh_CN")
    data, meta = t._repr_mimebundle_()
    assert data["text/plain"] == repr(t)
    rec = meta["paylab"]["zh_CN"]
    assert rec["data"]["text/plain"] == text and rec["missing"] == ["cash", "no"]


def test_feedback_in_chinese(zh, monkeypatch):
    @question("langtest.q1", title="Split a payment", points=2, hint="Use integer minor units.")
    def _q1(answer) -> None:
        expect(answer == 10, "the parts add up to {got}, not {want}", got=answer, want=10)

    bad = check("langtest.q1", 9)
    assert bad.message == "the parts add up to 9, not 10"
    assert bad.text("zh_CN") == "✘ langtest.q1: 有误 — 各部分合计 9，而不是 10\n  提示: 用整数最小单位计算。"
    good = check("langtest.q1", 10)
    assert good.text("zh_CN") == "✔ langtest.q1: 通过 — 全部检查通过（2 分）"
    assert "通过" in good.html("zh_CN") and "all checks hold (2 points)" in good.html("en")
    monkeypatch.setenv("PAYLAB_OUTPUT_LANGUAGES", "zh_CN")
    data, meta = good._repr_mimebundle_()
    assert data["text/plain"] == str(good) and meta["paylab"]["zh_CN"]["data"]["text/plain"] == good.text("zh_CN")
    with lg.speaking("zh_CN"), pytest.raises(NotPassed) as e:
        require("langtest.q1", 9)
    assert str(e.value) == "langtest.q1 尚未通过（有误）：2 分得 0 分——请看上面的反馈"
    # Jupyter shows it as one line, not paylab's frames (the feedback box above says what is wrong)
    assert e.value._render_traceback_() == ["\x1b[31mNotPassed\x1b[39m: " + str(e.value)]
    with pytest.raises(NotPassed, match="has not passed yet"):
        require("langtest.q1", 9)
    with pytest.raises(Exception) as e:
        raise wrong("the parts add up to {got}, not {want}", got=1, want=2)
    assert str(e.value) == "the parts add up to 1, not 2"


def test_printed_lines_and_html_on_the_site(zh):
    assert lg.translate_lines("method\nCNY 5\nfee on CNY 3\n", "zh_CN") == "支付方式\nCNY 5\nCNY 3 的手续费\n"
    markup = "<style>.x{color:red}</style><div><b>method</b> &amp; more</div>"
    assert lg.translate_html(markup, "zh_CN") == "<style>.x{color:red}</style><div><b>支付方式</b> &amp; more</div>"
    stream = {"output_type": "stream", "name": "stdout", "text": "method\n"}
    assert lg.translate_output(stream, "zh_CN")["text"] == "method\n"  # a notebook keeps what its code printed
    assert lg.translate_output(stream, "zh_CN", text=True)["text"] == "支付方式\n"  # the site translates it
    error = {"output_type": "error", "ename": "E"}
    assert lg.translate_output(error, "zh_CN") == error


def test_no_cjk_font_is_one_line_not_a_crash(zh, monkeypatch, capsys):
    import warnings

    import paylab.plots as plots

    monkeypatch.setattr(plots, "cjk_fonts", lambda: [])
    monkeypatch.setattr(plots, "_noticed", [])
    fig = _figure()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with lg.speaking("zh_CN"):
            png_with_alt(fig)
            png_with_alt(fig)
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [plots._NOTICE]
    assert not [w for w in caught if "Glyph" in str(w.message)]


def test_the_shipped_catalogs_load():
    cat = lg.messages("zh_CN")
    assert len(cat) > 1000
    assert lg.messages("en") == {}
    with pytest.raises(InvalidInput):
        lg.messages("xx")


def test_printed_lines_are_translated_when_finished(zh):
    import io

    raw = io.StringIO()
    out = lg.TranslatedStream(raw)
    with lg.speaking("zh_CN"):
        out.write("fee on CNY ")
        assert raw.getvalue() == ""  # an unfinished line waits
        out.write("268.00")
        out.write("\n")
        out.write("Alipay\nno such sentence\nyes")
        out.flush()
    assert raw.getvalue() == "CNY 268.00 的手续费\n支付宝\nno such sentence\n是"
    with pytest.raises(InvalidInput, match="text"):
        out.write(b"bytes")
    assert out.getvalue() == raw.getvalue()  # anything else is the wrapped stream's
    import copy

    assert copy.copy(out).raw is raw  # a copy does not loop looking for its stream


def test_a_chinese_kernel_prints_in_chinese(tmp_path):
    nbformat = pytest.importorskip("nbformat")
    from nbclient import NotebookClient

    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell('from paylab.language import use_language\nuse_language("zh_CN")'),
        nbformat.v4.new_code_cell('print("status:", "succeeded")\nprint("Alipay", end="")'),
        nbformat.v4.new_code_cell('print("yes")')])
    NotebookClient(nb, timeout=60, kernel_name="python3").execute()
    printed = ["".join(o.get("text", "") for o in c.outputs if o.output_type == "stream") for c in nb.cells[1:]]
    cat = lg.messages("zh_CN")
    assert printed[0] == f"{lg.translate('status: succeeded', 'zh_CN')}\n{cat['Alipay']}"
    assert printed[0] != "status: succeeded\nAlipay"
    assert printed[1] == lg.translate("yes", "zh_CN") + "\n"


def test_a_catalog_can_say_billions_in_yi_and_millions_in_wan(monkeypatch):
    cat = {"about USD {0} billion in {1} million payments": "约 USD {0*10} 亿，共 {1*100} 万笔",
           "fine of {money}: {0} million": "罚款 {money}：{0*100} 万"}
    monkeypatch.setattr(lg, "messages", lambda lang: cat if lang == "zh_CN" else {})
    said = lg.translate("about USD 1.36 billion in 2,500 million payments", "zh_CN")
    assert said == "约 USD 13.6 亿，共 250,000 万笔"
    assert lg.translate("about USD 4 billion in 0.5 million payments", "zh_CN") == "约 USD 40 亿，共 50 万笔"
    assert lg.fill("fine of {money}: 18.3 million", {"money": "GBP"}, "zh_CN") == "罚款 GBP：1830 万"



def test_a_phrase_given_as_a_value_is_said_in_chinese_too(monkeypatch):
    cat = {"with {what} your function found nothing": "在“{what}”的情形下，你的函数什么也没找到",
           "an amount changed in block {0}": "区块 {0} 中的一个金额被改动",
           "the key {kind!r} is missing": "缺少键 {kind!r}"}
    monkeypatch.setattr(lg, "messages", lambda lang: cat if lang == "zh_CN" else {})
    said = lg.fill("with {what} your function found nothing", {"what": "an amount changed in block 2"}, "zh_CN")
    assert said == "在“区块 2 中的一个金额被改动”的情形下，你的函数什么也没找到"
    # a value shown as code (!r) or a single name stays as the code has it
    assert lg.fill("the key {kind!r} is missing", {"kind": "an amount changed in block 2"}, "zh_CN") == \
        "缺少键 'an amount changed in block 2'"
    assert lg.fill("with {what} your function found nothing", {"what": "an amount changed in block 2"}, "en") == \
        "with an amount changed in block 2 your function found nothing"


def test_a_page_s_own_catalog_wins_where_pages_disagree(tmp_path, monkeypatch):
    head = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n\n'
    (tmp_path / "zh_CN").mkdir()
    (tmp_path / "zh_CN" / "chapters.01_x.po").write_text(head + 'msgid "step"\nmsgstr "步骤号"\n\n'
                                                         'msgid "yes"\nmsgstr "是"\n', encoding="utf-8")
    (tmp_path / "zh_CN" / "labs.y.po").write_text(head + 'msgid "step"\nmsgstr "时间步"\n', encoding="utf-8")
    monkeypatch.setattr(lg, "CATALOGS", tmp_path)
    monkeypatch.delenv("PAYLAB_PAGE", raising=False)
    with lg.on_page("chapters/01_x"):
        assert lg.translate("step", "zh_CN") == "步骤号" and lg.page() == "chapters/01_x"
    with lg.on_page("labs/y"):
        assert lg.translate("step", "zh_CN") == "时间步"
        assert lg.translate("yes", "zh_CN") == "是"  # what the page lacks comes from the other catalogs
    with lg.on_page("chapters/02_z"):  # a page of its own with neither: the first catalog (a chapter's) wins
        assert lg.translate("step", "zh_CN") == "步骤号"
    monkeypatch.setenv("PAYLAB_PAGE", "chapters/01_x.ipynb")  # make outputs names each notebook so
    assert lg.page() == "chapters/01_x" and lg.translate("step", "zh_CN") == "步骤号"
    try:
        lg.use_language("zh_CN", page="labs/y")
        assert lg.page() == "labs/y" and lg.translate("step", "zh_CN") == "时间步"
    finally:
        lg._chosen.clear()
        lg._page_chosen.clear()
    for bad in ("../etc/passwd", "", 3):
        with pytest.raises(InvalidInput, match="page"):
            lg.use_language("zh_CN", page=bad)
    lg._chosen.clear()
    monkeypatch.setenv("PAYLAB_PAGE", "no good/..")
    assert lg.page() is None
