"""Extract the book's messages and update the Chinese catalogs (locales/zh_CN/LC_MESSAGES/**.po).

Usage: .venv/bin/python scripts/catalogs.py [--lang zh_CN] [PAGE ...]   (PAGE: e.g. chapters/06_cases;
default: every page)

Runs Sphinx's gettext builder on a copy of the book (committed outputs, nothing executed), then
``sphinx-intl update``: new messages arrive untranslated, changed ones fuzzy, translations kept.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def main(argv: list[str]) -> int:
    lang = argv[argv.index("--lang") + 1] if "--lang" in argv else "zh_CN"
    pages = [a.removesuffix(".ipynb").removesuffix(".md") for i, a in enumerate(argv)
             if a != "--lang" and (i == 0 or argv[i - 1] != "--lang")]
    with tempfile.TemporaryDirectory() as tmp:
        book = Path(tmp) / "book"
        shutil.copytree(ROOT, book, ignore=shutil.ignore_patterns(".venv*", "_build", ".git", "dist", "locales"))
        cfg = yaml.safe_load((book / "_config.yml").read_text(encoding="utf-8"))
        cfg["execute"]["execute_notebooks"] = "off"
        (book / "_config.yml").write_text(yaml.safe_dump(cfg, allow_unicode=True), encoding="utf-8")
        subprocess.run([str(BIN / "jupyter-book"), "config", "sphinx", str(book)], check=True,
                       stdout=subprocess.DEVNULL)
        pot = Path(tmp) / "pot"
        subprocess.run([str(BIN / "sphinx-build"), "-q", "-b", "gettext", "-D", "gettext_location=0",
                        str(book), str(pot)], check=True)
        if pages:  # update only these pages' catalogs (others may be open in a translator's editor)
            for p in pot.rglob("*.pot"):
                if p.relative_to(pot).with_suffix("").as_posix() not in pages:
                    p.unlink()
        subprocess.run([str(BIN / "sphinx-intl"), "update", "-p", str(pot), "-l", lang,
                        "-d", str(ROOT / "locales"), "-w", "0"], check=True, stdout=subprocess.DEVNULL)
    _strip_format_flags(ROOT / "locales" / lang / "LC_MESSAGES", pages)
    return 0


def _strip_format_flags(folder: Path, pages: list[str]) -> None:
    """Drop ``python-format`` flags: the book's text is prose ("40 % of"), never a format string."""
    for po in folder.rglob("*.po"):
        if pages and po.relative_to(folder).with_suffix("").as_posix() not in pages:
            continue
        out = []
        for line in po.read_text(encoding="utf-8").splitlines():
            if line.startswith("#,"):
                flags = [f.strip() for f in line[2:].split(",") if f.strip() not in ("python-format",
                                                                                      "python-brace-format")]
                if not flags:
                    continue
                line = "#, " + ", ".join(flags)
            out.append(line)
        po.write_text("\n".join(out) + "\n", encoding="utf-8")


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
