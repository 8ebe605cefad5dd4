"""Build one chapter or lab page alone, with warnings as errors, to check its MyST.

Usage: .venv/bin/python scripts/build_page.py chapters/03_ecommerce_payments.ipynb [--execute]

Copies the page, the bibliography files and the glossary into a temporary book (every other page
of the table of contents as a stub of its headings, so links to it resolve) and
runs ``jupyter-book build -W -n --keep-going`` there (without executing the notebook
unless --execute is given: the committed outputs are rendered). Writes nothing here.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import nbformat
import yaml

ROOT = Path(__file__).resolve().parent.parent


HEADING = re.compile(r"^(#{1,6} .*|\\(.+\\)=)$")


def _stub_other_pages(book: Path, page: Path) -> None:
    """Every other page of the table of contents as a stub with only its headings and labels,
    so links to other chapters resolve without their content (or their warnings) being built."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    files = [toc["root"]] + [c["file"] for part in toc.get("parts", []) for c in part.get("chapters", [])]
    for name in files:
        for src in (ROOT / f"{name}.ipynb", ROOT / f"{name}.md"):
            if not src.exists() or src.resolve() == (ROOT / page).resolve() or (book / src.name).exists() \
                    and src.parent == ROOT:
                continue
            dst = book / src.relative_to(ROOT)
            dst.parent.mkdir(parents=True, exist_ok=True)
            if src.suffix == ".md" and src.stem in ("glossary", "bibliography"):
                shutil.copy(src, dst)
                continue
            text = (src.read_text(encoding="utf-8") if src.suffix == ".md" else
                    "\n".join(c.source for c in nbformat.read(src, as_version=4).cells if c.cell_type == "markdown"))
            lines = [ln for ln in text.splitlines() if HEADING.match(ln)] or [f"# {src.stem}"]
            if src.suffix == ".md":
                dst.write_text("\n\n".join(lines) + "\n", encoding="utf-8")
            else:
                nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("\n\n".join(lines))])
                nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
                nbformat.write(nb, dst)


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__)
        return 2
    page = Path(argv[0])
    execute = "--execute" in argv
    with tempfile.TemporaryDirectory() as tmp:
        book = Path(tmp)
        cfg = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
        cfg["execute"]["execute_notebooks"] = "force" if execute else "off"
        (book / "_config.yml").write_text(yaml.safe_dump(cfg, allow_unicode=True), encoding="utf-8")
        for name in ["references.bib", "bib", "glossary.md", "bibliography.md", "intro.md"]:
            src = ROOT / name
            if src.is_dir():
                shutil.copytree(src, book / name)
            elif src.exists():
                shutil.copy(src, book / name)
        _stub_other_pages(book, page)
        (book / page.parent).mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / page, book / page)
        shutil.copy(ROOT / "_toc.yml", book / "_toc.yml")
        jb = Path(sys.executable).parent / "jupyter-book"
        result = subprocess.run([str(jb), "build", str(book), "-W", "-n", "--keep-going"])
        return result.returncode


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
