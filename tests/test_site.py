"""Browser checks of the built site: Debian's Chromium driven by Playwright, served on 127.0.0.1.

Run after `make book` (``make browser``); screenshots go to _build/screenshots/.
"""

from __future__ import annotations

import functools
import http.server
import threading
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "_build" / "html"
SHOTS = ROOT / "_build" / "screenshots"
CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:  # keep the test output clean
        pass


@pytest.fixture(scope="module")
def site_url():
    assert (SITE / "index.html").exists(), "no built site: run `make book` first"
    handler = functools.partial(_Quiet, directory=str(SITE))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture(scope="module")
def page(site_url):
    assert CHROMIUM.exists(), "Chromium is missing: apt-get install chromium (see .ci/run)"
    from playwright.sync_api import sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        pg = context.new_page()
        pg.set_default_timeout(20_000)
        yield pg
        browser.close()


def test_chapter_two_titles_figure_and_navigation(page, site_url):
    page.goto(f"{site_url}/chapters/02_overview.html")
    page.screenshot(path=str(SHOTS / "chapter02-top.png"))
    h1 = page.locator("article h1").first.inner_text()
    assert "E-payment Overview" in h1 and "电子支付概述" in h1
    h2s = page.locator("article h2").all_inner_texts()
    assert any("Definition and history" in t and "电子支付的定义与发展历程" in t for t in h2s)
    assert any("Main types" in t and "电子支付的主要类型" in t for t in h2s)
    # a figure produced by executing the notebook is rendered
    img = page.locator("article .cell_output img").first
    img.scroll_into_view_if_needed()
    assert page.evaluate("(el) => el.complete && el.naturalWidth > 100", img.element_handle())
    # the sidebar lists the chapters, the labs and the appendix
    nav = page.locator("nav.bd-links").inner_text()
    for entry in ("Introduction", "E-payment Overview", "Lab 0", "Glossary", "Bibliography"):
        assert entry in nav
    page.screenshot(path=str(SHOTS / "chapter02-figure.png"))
    # exercise solutions start collapsed
    assert page.locator("div.solution.dropdown").count() >= 3
    page.locator("nav.bd-links a", has_text="Introduction").first.click()
    page.wait_for_load_state()
    assert "引言" in page.locator("article h1").first.inner_text()


def test_search_finds_a_word(page, site_url):
    page.goto(f"{site_url}/search.html?q=escrow")
    page.wait_for_selector("#search-results ul.search li", timeout=20_000)
    hits = page.locator("#search-results ul.search li").all_inner_texts()
    assert hits and any("E-payment" in h or "Glossary" in h or "Introduction" in h for h in hits)
    page.screenshot(path=str(SHOTS / "search.png"))


def test_lab_solutions_are_behind_a_toggle(page, site_url):
    page.goto(f"{site_url}/labs/lab0_money_and_qr.html")
    assert "Lab 0" in page.locator("article h1").first.inner_text()
    solution = page.locator("div.cell.tag_hide-input").first
    assert solution.count() == 1
    assert not page.get_by_text("return total.allocate(ratios)").is_visible()
    page.screenshot(path=str(SHOTS / "lab0.png"))
