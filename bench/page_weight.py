"""Bytes each built page transfers, and its largest assets.

Usage: .venv/bin/python bench/page_weight.py [SITE_DIR] [--static] [--top N]

With Chromium (``/usr/bin/chromium`` or ``PAYLAB_CHROMIUM``) each page of the table of
contents is loaded in a fresh browser context (empty cache) from a local server and every
response is counted, MathJax's fonts and on-demand files included. ``--static`` (or no
Chromium) adds up the files the HTML names instead (scripts, stylesheets, images, fonts named
in stylesheets). Baseline: a page of text alone (the HTML and the theme's CSS and JS), printed
first, so a chapter's figures and math show as the excess over it.
"""

from __future__ import annotations

import functools
import gzip
import http.server
import os
import re
import shutil
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote, urljoin, urlparse

import yaml

ROOT = Path(__file__).resolve().parent.parent
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ASSET = re.compile(r"""<(?:script|img|link|source)\b[^>]*?\b(?:src|href)=["']([^"'#?]+)""", re.IGNORECASE)
CSS_URL = re.compile(r"""url\(\s*["']?([^"')?#]+)""")


def pages() -> list[str]:
    """The site's pages in table-of-contents order (front page first)."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    return [toc["root"]] + [c["file"] for part in toc.get("parts", []) for c in part.get("chapters", [])]


def chromium() -> str | None:
    explicit = os.environ.get("PAYLAB_CHROMIUM")
    if explicit:
        return explicit if Path(explicit).exists() else None
    for cand in ("/usr/bin/chromium", "/usr/bin/chromium-browser"):
        if Path(cand).exists():
            return cand
    return shutil.which("chromium")


def _static_assets(site: Path, page: Path) -> Iterator[Path]:
    seen: set[Path] = set()
    todo = [page]
    while todo:
        f = todo.pop()
        if f in seen or not f.is_file():
            continue
        seen.add(f)
        yield f
        if f.suffix == ".html" and f == page:
            refs = ASSET.findall(f.read_text(encoding="utf-8", errors="replace"))
        elif f.suffix == ".css":
            refs = CSS_URL.findall(f.read_text(encoding="utf-8", errors="replace"))
        else:
            continue
        for ref in refs:
            if "://" in ref or ref.startswith(("data:", "//", "mailto:")):
                continue
            target = (f.parent / unquote(ref)).resolve()
            if target.suffix != ".html" and site.resolve() in target.parents:
                todo.append(target)


def weigh_static(site: Path, name: str) -> list[tuple[str, bytes]]:
    page = site / f"{name}.html"
    return [(str(p.relative_to(site.resolve())), p.read_bytes()) for p in _static_assets(site, page.resolve())]


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def weigh_browser(site: Path, names: list[str], exe: str) -> dict[str, list[tuple[str, bytes]]]:
    from playwright.sync_api import sync_playwright

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    out: dict[str, list[tuple[str, bytes]]] = {}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=exe, args=ARGS)
            for name in names:
                context = browser.new_context(viewport={"width": 1280, "height": 900})
                context.route("**/*", lambda r: r.continue_() if r.request.url.startswith(base) else r.abort())
                got: list[tuple[str, bytes]] = []
                pg = context.new_page()

                def on_response(resp, got=got) -> None:
                    try:
                        got.append((urlparse(resp.url).path.lstrip("/"), resp.body()))
                    except Exception:  # a response without a body (redirect, aborted)
                        pass

                pg.on("response", on_response)
                pg.goto(urljoin(base, f"{name}.html"), wait_until="networkidle")
                if pg.locator(".math").count():
                    pg.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise")
                    pg.evaluate("() => MathJax.startup.promise")
                    pg.wait_for_load_state("networkidle")
                out[name] = got
                context.close()
            browser.close()
    finally:
        server.shutdown()
    return out


def _kib(n: int) -> str:
    return f"{n / 1024:,.0f} KiB"


def main(argv: list[str]) -> int:
    args = [a for a in argv if not a.startswith("--")]
    top = int(argv[argv.index("--top") + 1]) if "--top" in argv else 3
    if "--top" in argv:
        args.remove(str(top))
    site = Path(args[0]) if args else ROOT / "_build" / "html"
    if not (site / "index.html").exists():
        print(f"no built site in {site}: run `make book` first")
        return 2
    names = [n for n in pages() if (site / f"{n}.html").exists()]
    exe = None if "--static" in argv else chromium()
    mode = "browser (empty cache, every response)" if exe else "static (files the HTML names)"
    weights = weigh_browser(site, names, exe) if exe else {n: weigh_static(site, n) for n in names}
    print(f"page weight of {site} — {mode}; gzip = what a compressing web server sends; "
          "figures = the page's own images (_images/)")
    print(f"{'page':<32} {'requests':>8} {'bytes':>11} {'gzip':>10} {'figures':>9}  largest assets")
    totals, zipped = {}, {}
    cache: dict[str, int] = {}
    for name in names:
        assets = weights[name]
        total = sum(len(b) for _, b in assets)
        gz = sum(cache.setdefault(u, len(gzip.compress(b, 6))) for u, b in assets)
        figures = sum(len(b) for u, b in assets if "_images/" in u)
        totals[name], zipped[name] = total, gz
        big = sorted(assets, key=lambda a: -len(a[1]))[:top]
        print(f"{name:<32} {len(assets):>8} {_kib(total):>11} {_kib(gz):>10} {_kib(figures):>9}  "
              + ", ".join(f"{Path(u).name} {_kib(len(b))}" for u, b in big))
    base = min(totals, key=totals.get)
    heavy = max(totals, key=totals.get)
    print(f"\nbaseline (lightest page, {base}: text, theme CSS and JS): {_kib(totals[base])}, "
          f"gzip {_kib(zipped[base])}; "
          f"heaviest {heavy}: {_kib(totals[heavy])}, gzip {_kib(zipped[heavy])} "
          f"= {totals[heavy] / totals[base]:.2f}× baseline")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
