"""Browser checks of the built site: Chromium driven by Playwright, served on 127.0.0.1.

Run after `make book` (``make browser``); screenshots go to _build/screenshots/. Where no
Chromium is found the tests skip with a one-line notice (tests/conftest.py); under ``CI=true``
a missing browser is an error. ``PAYLAB_SITE=<dir>`` checks another built site (e.g. the
Chinese edition).

* every chapter and lab page (of the English site and of the Chinese one in ``zh/``, once
  built): no request leaves the local server, math is typeset by the
  site's own MathJax, each widget shows its saved default state, no console error;
* the front page and every chapter and lab page: axe-core (axe-playwright-python) finds no
  critical or serious violation inside the book's content; violations in the theme's own
  chrome are listed in :data:`THEME_VIOLATIONS` with the reason, and counted.
"""

from __future__ import annotations

import functools
import http.server
import os
import re
import threading
from collections import Counter
from pathlib import Path

import pytest
import yaml

from paylab.language import on_page, translate


def _said_on(page: str, text: str) -> str:
    """``text`` as the Chinese edition's page ``page`` says it (its own catalog first)."""
    with on_page(page):
        return translate(text, "zh_CN")

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
SITE = Path(os.environ.get("PAYLAB_SITE", ROOT / "_build" / "html"))
SHOTS = ROOT / "_build" / "screenshots"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]

#: Where the book's own content sits in sphinx-book-theme's page.
CONTENT = "article.bd-article"
#: axe impacts that fail the test inside the content.
FAILING = ("critical", "serious")
#: Violations in the theme's chrome (outside the article), with why they are not ours to fix.
#: A critical or serious theme violation not listed here fails the test, so the list stays true.
THEME_VIOLATIONS = {
    "button-name": "sphinx-book-theme's icon-only header buttons (full screen, colour mode, search) "
                   "and the sidebar toggle have no accessible name",
    "aria-allowed-role": "pydata-sphinx-theme puts role attributes on elements that do not allow them",
    "landmark-unique": "pydata-sphinx-theme repeats navigation landmarks with the same name",
    "color-contrast": "the theme's secondary text colours in the header and sidebars",
    "link-name": "the theme's icon-only links (logo, launch and repository icons)",
    "aria-prohibited-attr": "the theme's aria-label on elements without a role",
    "region": "the theme's skip link and back-to-top button sit outside landmarks",
    "scrollable-region-focusable": "the theme's scrollable sidebar is not focusable",
}
#: Per page, a label each of its widgets' saved default state shows (chapter and lab stems).
WIDGET_LABELS = {
    "03_ecommerce_payments": ("pay with",),
    "04_security": ("threshold",),
    "05_trends": ("threshold",),
    "07_conclusions": ("merchant",),
}
NOTE = "This control responds in JupyterLab and on Binder."
FILE_PATH_ALT = re.compile(r"(^|/)_images/|\.(png|jpe?g|svg|gif)$", re.IGNORECASE)


def _toc_pages() -> list[str]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    return [c["file"] for part in toc.get("parts", []) for c in part.get("chapters", [])]


#: The English site and, once `make book` builds it, the Chinese edition in zh/.
EDITIONS = [""] + (["zh/"] if (SITE / "zh" / "index.html").exists() else [])
_BOOK = [p for p in _toc_pages() if p.startswith(("chapters/", "labs/"))]
CONTENT_PAGES = [e + p for e in EDITIONS for p in _BOOK]
AXE_PAGES = [e + p for e in EDITIONS for p in ["intro", *_BOOK]]


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:  # keep the test output clean
        pass


@pytest.fixture(scope="module")
def site_url(built_site):
    handler = functools.partial(_Quiet, directory=str(built_site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture(scope="module")
def built_site():
    if not (SITE / "index.html").exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"no built site in {SITE}: run `make book` first")
        pytest.skip(f"no built site in {SITE}: run `make book` first")
    return SITE


@pytest.fixture(scope="module")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(chromium_path), args=ARGS)
        yield b
        b.close()


@pytest.fixture
def guarded(browser, site_url):
    """A fresh page that blocks (and records) every request not to the local server and records
    console errors and uncaught exceptions."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, service_workers="block")
    blocked: list[str] = []
    errors: list[str] = []

    def route(r) -> None:
        if r.request.url.startswith(site_url + "/"):
            r.continue_()
        else:
            blocked.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    pg = context.new_page()
    pg.set_default_timeout(20_000)
    pg.on("console", lambda m: errors.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    pg.on("pageerror", lambda e: errors.append(f"page error: {e}"))
    yield pg, blocked, errors
    context.close()


@pytest.fixture(scope="module")
def page(browser, site_url):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    pg.set_default_timeout(20_000)
    yield pg
    context.close()


def _typeset(pg) -> tuple[int, int]:
    """Wait for MathJax (if the page has math) and return (math elements, typeset ones)."""
    n = pg.locator(f"{CONTENT} .math").count()
    if n:
        pg.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise")
        pg.evaluate("() => MathJax.startup.promise")
    done = pg.evaluate(f"""() => [...document.querySelectorAll('{CONTENT} .math')]
                               .filter(e => e.querySelector('mjx-container')).length""")
    return n, done


@pytest.mark.parametrize("name", CONTENT_PAGES)
def test_page_loads_nothing_from_outside_and_shows_math_and_widgets(guarded, site_url, name):
    pg, blocked, errors = guarded
    pg.goto(f"{site_url}/{name}.html", wait_until="load")
    pg.wait_for_load_state("networkidle")
    math, typeset = _typeset(pg)
    assert not blocked, f"{name}: requests to outside the site: {sorted(set(blocked))}"
    assert typeset == math, f"{name}: {math - typeset} of {math} math elements not typeset by MathJax"
    if math:
        src = pg.evaluate("() => [...document.scripts].map(s => s.src).filter(s => /mathjax/i.test(s))")
        assert src and all(s.startswith(site_url) for s in src), src
    dead = pg.locator(f"{CONTENT} script[type='application/vnd.jupyter.widget-view+json']").count()
    assert dead == 0, f"{name}: {dead} widget views with no snapshot (re-execute the notebook)"
    snapshots = pg.locator(f"{CONTENT} .paylab-widget-snapshot")
    stem = name.rsplit("/", 1)[-1]
    if stem in WIDGET_LABELS:
        assert snapshots.count() > 0, f"{name}: no widget snapshot (re-execute the notebook after paylab.widgets)"
    for i in range(snapshots.count()):
        box = snapshots.nth(i)
        box.scroll_into_view_if_needed()
        assert box.is_visible() and box.bounding_box()["height"] > 40, f"{name}: widget {i} is not visible"
        text = box.inner_text()
        # the Chinese edition shows the snapshot as the kernel drew it in Chinese (paylab.language)
        say = (lambda s: _said_on(name.removeprefix("zh/"), s)) if name.startswith("zh/") else (lambda s: s)
        assert say(NOTE) in text, f"{name}: widget {i}: {text[-200:]}"
        labels = [say(label) for label in WIDGET_LABELS.get(stem, ("",))]
        assert any(label in text for label in labels), f"{name}: widget {i}: {text[:200]}"
    if snapshots.count():
        pg.screenshot(path=str(SHOTS / f"widget-{stem}.png"))
    assert not errors, f"{name}: {errors}"


@pytest.mark.parametrize("name", CONTENT_PAGES)
def test_figures_are_described_and_tables_have_headers(built_site, name):
    """No ``alt`` is a file path or the no-description fallback; no empty ``<th>`` in the content."""
    from paylab.site import FALLBACK_ALT

    text = (built_site / f"{name}.html").read_text(encoding="utf-8")
    article = text[text.find("<article"):text.rfind("</article>")]
    alts = re.findall(r'<img\b[^>]*\balt="([^"]*)"', article)
    no_alt = len(re.findall(r"<img\b(?![^>]*\balt=)[^>]*>", article))
    paths = [a for a in alts if FILE_PATH_ALT.search(a)]
    fallback = [a for a in alts if a == FALLBACK_ALT]
    assert not paths and not no_alt, f"{name}: {len(paths)} alt texts are file paths, {no_alt} images lack alt"
    assert not fallback, (f"{name}: {len(fallback)} figures without a description: re-execute the notebook "
                          "(paylab.plots adds alt text) or call paylab.plots.describe(fig, text)")
    empty_th = re.findall(r"<th\b[^>]*>(?:\s|&nbsp;|&#160;|<p>\s*</p>)*</th>", article)
    assert not empty_th, f"{name}: {len(empty_th)} empty <th>"


THEME_COUNTS: Counter = Counter()


@pytest.mark.parametrize("name", AXE_PAGES)
def test_axe_finds_no_serious_violation_in_the_content(page, site_url, name):
    from axe_playwright_python.sync_playwright import Axe

    page.goto(f"{site_url}/{name}.html", wait_until="load")
    _typeset(page)
    axe = Axe()
    options = {"resultTypes": ["violations"]}
    content = axe.run(page, context=CONTENT, options=options).response["violations"]
    serious = [f"{v['id']} ({v['impact']}, {len(v['nodes'])}×): {v['help']} — {v['nodes'][0]['html'][:160]}"
               for v in content if v["impact"] in FAILING]
    assert not serious, f"{name}: axe violations in the book's content:\n" + "\n".join(serious)
    theme = axe.run(page, context={"exclude": [[CONTENT]]}, options=options).response["violations"]
    for v in theme:
        THEME_COUNTS[v["id"]] += len(v["nodes"])
    unknown = [f"{v['id']} ({v['impact']}): {v['help']}" for v in theme
               if v["impact"] in FAILING and v["id"] not in THEME_VIOLATIONS]
    assert not unknown, f"{name}: theme violations not listed in THEME_VIOLATIONS: {unknown}"


def test_theme_violations_are_counted():
    """Prints the theme's violations (rule, nodes over all pages, reason) counted by the axe test."""
    if not THEME_COUNTS:
        pytest.skip("the axe test did not run")
    for rule, n in sorted(THEME_COUNTS.items()):
        print(f"theme: {rule}: {n} nodes — {THEME_VIOLATIONS.get(rule, 'minor or moderate, not listed')}")


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
