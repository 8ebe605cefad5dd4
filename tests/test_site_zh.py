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
