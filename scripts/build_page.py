"""Build one chapter or lab page alone, with warnings as errors, to check its MyST.

Usage: .venv/bin/python scripts/build_page.py chapters/03_ecommerce_payments.ipynb [--execute]

Copies the page, the bibliography files and the glossary into a temporary book and
runs ``jupyter-book build -W -n --keep-going`` there (without executing the notebook
unless --execute is given: the committed outputs are rendered). Writes nothing here.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


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
        (book / page.parent).mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / page, book / page)
        toc = {"format": "jb-book", "root": "intro",
               "parts": [{"caption": "Page", "numbered": True,
                          "chapters": [{"file": str(page.with_suffix(""))}]},
                         {"caption": "Appendix",
                          "chapters": [{"file": "glossary"}, {"file": "bibliography"}]}]}
        (book / "_toc.yml").write_text(yaml.safe_dump(toc), encoding="utf-8")
        jb = Path(sys.executable).parent / "jupyter-book"
        result = subprocess.run([str(jb), "build", str(book), "-W", "-n", "--keep-going"])
        return result.returncode


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
