"""Browser checks of the Chinese edition (_build/html/zh): Chinese titles and navigation, the language
switch both ways, and Chinese search (Sphinx's zh splitter with jieba) finding the escrow section."""

from __future__ import annotations

import functools
import http.server
import os
import threading
from pathlib import Path
from urllib.parse import quote

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "_build" / "html"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="module")
def site_url():
    if not (SITE / "zh" / "index.html").exists():
        message = f"no Chinese edition in {SITE / 'zh'}: run `make book` first"
        pytest.fail(message) if os.environ.get("CI") == "true" else pytest.skip(message)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(SITE)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture(scope="module")
def page(chromium_path, site_url):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(chromium_path), args=ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        context.route("**/*", lambda r: r.continue_() if r.request.url.startswith(site_url + "/") else r.abort())
        pg = context.new_page()
        pg.set_default_timeout(20_000)
        yield pg
        browser.close()


def test_a_chinese_chapter_reads_in_chinese(page, site_url):
    page.goto(f"{site_url}/zh/chapters/02_overview.html")
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    assert page.locator("article h1").first.inner_text().strip().rstrip("#").strip().endswith("电子支付概述")
    headings = page.locator("article h2").all_inner_texts()
    assert "学习目标" in " ".join(headings) and "本章要点" in " ".join(headings)
    assert "Learning objectives" not in " ".join(headings)
    page.screenshot(path=str(ROOT / "_build" / "screenshots" / "zh-02_overview.png"))


def test_language_switch_both_ways(page, site_url):
    page.goto(f"{site_url}/chapters/03_ecommerce_payments.html")
    page.locator(".paylab-language a").click()
    page.wait_for_load_state("load")
    assert page.url == f"{site_url}/zh/chapters/03_ecommerce_payments.html"
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    page.locator(".paylab-language a").click()
    page.wait_for_load_state("load")
    assert page.url == f"{site_url}/chapters/03_ecommerce_payments.html"
    assert page.locator("html").get_attribute("lang") == "en"


def test_chinese_search_finds_escrow(page, site_url):
    page.goto(f"{site_url}/zh/search.html?q={quote('担保交易')}")
    results = page.locator("#search-results ul.search li a")
    results.first.wait_for()
    hrefs = [results.nth(i).get_attribute("href") for i in range(results.count())]
    assert any("06_cases" in h or "03_ecommerce_payments" in h for h in hrefs), hrefs


def test_a_figure_reads_in_chinese(page, site_url):
    """The same figure on both editions: the Chinese page shows the figure drawn with Chinese labels
    (another image, and its description, built from its labels, is Chinese)."""
    import re

    shown = {}
    for edition in ("", "zh/"):
        page.goto(f"{site_url}/{edition}chapters/01_introduction.html")
        img = page.locator("article .cell_output img").first
        img.wait_for()
        assert page.evaluate("(el) => el.complete && el.naturalWidth > 0", img.element_handle())
        shown[edition] = (img.get_attribute("src"), img.get_attribute("alt"))
    (en_src, en_alt), (zh_src, zh_alt) = shown[""], shown["zh/"]
    assert en_src != zh_src, "the Chinese page shows the English figure"
    assert en_alt.startswith("Figure:") and "line chart" in en_alt
    assert zh_alt.startswith("图：") and "折线图" in zh_alt
    assert len(re.findall(r"[\u4e00-\u9fff]", zh_alt)) >= 10, zh_alt
    assert not re.search(r"\b(?:users|millions|online|reports?)\b", zh_alt, re.IGNORECASE), zh_alt
    page.locator("article .cell_output img").first.screenshot(
        path=str(ROOT / "_build" / "screenshots" / "zh-01_introduction-figure.png"))


def test_a_lab_reads_in_chinese(page, site_url):
    """A lab's tables and check feedback on the Chinese site are Chinese."""
    page.goto(f"{site_url}/zh/labs/lab0_money_and_qr.html")
    boxes = page.locator("article .cell_output div[style*='border-left']").all_inner_texts()
    assert boxes and all("通过" in b for b in boxes), boxes
    assert not any("all checks hold" in b for b in boxes)
