"""Extract the book's messages and update the Chinese catalogs (locales/zh_CN/LC_MESSAGES/**.po).

Usage: .venv/bin/python scripts/catalogs.py [--lang zh_CN] [PAGE ...]   (PAGE: e.g. chapters/06_cases;
default: every page)
       .venv/bin/python scripts/catalogs.py --outputs [--lang zh_CN] [PAGE ...]

The second form updates the catalogs of what the code writes (``paylab/locale/<lang>/*.po``, read by
:mod:`paylab.language`): one per notebook for its saved outputs (figure and table text recorded by
``make outputs``, printed lines) and one per checks module for its feedback. It adds what no catalog
translates yet, untranslated, with numbers as ``{0}``, ``{1}``; translations already there are kept.

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
             if a not in ("--lang", "--outputs") and (i == 0 or argv[i - 1] != "--lang")]
    if "--outputs" in argv:
        return outputs(lang, pages)
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


def _add(po: Path, ids: list[str], lang: str, comment: str, used: set[str] | None = None) -> int:
    """Add ``ids`` that no catalog of ``lang`` translates to ``po`` (created if missing); returns how many.

    With ``used`` (every string the source still writes), untranslated entries it no longer writes go."""
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import read_po, write_po

    from paylab.language import messages, template

    known = messages(lang)
    if po.exists():
        with open(po, "rb") as fh:
            cat = read_po(fh)
    else:
        cat = Catalog(locale=lang, project="paylab", header_comment=f"# {comment}")
    added = 0
    if used is not None:
        keep = used | {template(u)[0] for u in used}
        for m in [m for m in cat if m.id and not m.string and m.id not in keep]:
            del cat[m.id]
            added += 1
    for text in ids:
        msgid = template(text)[0] if template(text)[1] else text
        if msgid in known or text in known or msgid in cat:
            continue
        cat.add(msgid, "")
        added += 1
    if added or not po.exists():
        po.parent.mkdir(parents=True, exist_ok=True)
        with open(po, "wb") as fh:
            write_po(fh, cat, width=0, omit_header=False, sort_output=False)
    return added


def outputs(lang: str, pages: list[str]) -> int:
    """Update the runtime catalogs (``paylab/locale/<lang>/``) from the notebooks' outputs and the checks."""
    sys.path.insert(0, str(ROOT))
    from paylab.language import CATALOGS
    from paylab.translation import feedback_messages, untranslated_outputs

    folder = CATALOGS / lang
    notebooks = sorted((ROOT / "chapters").glob("*.ipynb")) + sorted((ROOT / "labs").glob("*.ipynb"))
    for nb in notebooks:
        page = nb.relative_to(ROOT).with_suffix("").as_posix()
        if pages and page not in pages:
            continue
        n = _add(folder / f"{page.replace('/', '.')}.po", untranslated_outputs(nb, lang), lang,
                 f"What the code of {page} writes (figures, tables, printed lines), in {lang}.",
                 used=set(_everything(untranslated_outputs, nb, lang)))
        print(f"{page}: {n} new or gone")
    for module in sorted((ROOT / "paylab" / "checks").glob("*.py")):
        name = "checks" if module.stem == "__init__" else f"checks.{module.stem}"
        if pages and name not in pages:
            continue
        found, fstrings = feedback_messages(module)
        n = _add(folder / f"{name}.po", found, lang, f"Lab feedback of paylab/{name.replace('.', '/')}.py, in {lang}.",
                 used=set(found))
        print(f"{name}: {n} new or gone" + (f" ({len(fstrings)} f-string messages cannot be translated: lines "
                                     f"{', '.join(map(str, fstrings))})" if fstrings else ""))
    _strip_format_flags(folder, [])
    return 0


def _everything(find, *args):
    """What ``find`` reports with no catalog at all: every string the source writes."""
    import paylab.language as lg

    real = lg.messages
    lg.messages = lambda lang: {}
    try:
        return find(*args)
    finally:
        lg.messages = real


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
