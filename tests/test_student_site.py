"""The student edition of the site (``make book EDITION=student``) carries no solution in its HTML.

A small book (one chapter page with an exercise, Lab 0) is built with the student config that
``python -m paylab edition student`` writes; when the real student site has been built, its lab
and chapter pages are checked too.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from paylab.release import BEGIN_SOLUTION, END_SOLUTION, student_config

ROOT = Path(__file__).resolve().parent.parent
JUPYTER_BOOK = Path(sys.executable).parent / "jupyter-book"
STUDENT_HTML = ROOT / "_build" / "student" / "_build" / "html"
SECRET = "the model answer is forty-two"

CHAPTER = f"""# A chapter · 一章

```{{exercise}} Compute · 计算
:label: mini-ex1

Compute the answer.
```

```{{solution-start}} mini-ex1
:class: dropdown
```

{SECRET}.

```{{solution-end}}
```
"""


def _solution_lines(nb: nbformat.NotebookNode) -> list[str]:
    out = []
    for cell in nb.cells:
        lines = cell.source.splitlines()
        if BEGIN_SOLUTION in (ln.strip() for ln in lines):
            inside = False
            for ln in lines:
                if ln.strip() == BEGIN_SOLUTION:
                    inside = True
                elif ln.strip() == END_SOLUTION:
                    inside = False
                elif inside and len(ln.strip()) > 25:
                    out.append(ln.strip())
    return out


def _text(path: Path) -> str:
    import html

    return html.unescape(path.read_text(encoding="utf-8"))


@pytest.mark.slow
@pytest.mark.skipif(not JUPYTER_BOOK.exists(), reason="jupyter-book is not installed (pip install -e '.[dev]')")
def test_student_edition_of_a_small_book_has_no_solution(tmp_path):
    book = tmp_path / "book"
    (book / "labs").mkdir(parents=True)
    lab = ROOT / "labs" / "lab0_money_and_qr.ipynb"
    shutil.copy(lab, book / "labs" / lab.name)
    (book / "chapter.md").write_text(CHAPTER, encoding="utf-8")
    (book / "intro.md").write_text("# Mini book\n", encoding="utf-8")
    (book / "_toc.yml").write_text("format: jb-book\nroot: intro\nchapters:\n- file: chapter\n"
                                   "- file: labs/lab0_money_and_qr\n", encoding="utf-8")
    instructor = ("title: Mini\nexecute:\n  execute_notebooks: force\n  timeout: 120\n"
                  "sphinx:\n  extra_extensions: [sphinx_exercise]\n")
    config = tmp_path / "student_config.yml"
    config.write_text(student_config(instructor), encoding="utf-8")
    done = subprocess.run([str(JUPYTER_BOOK), "build", str(book), "--config", str(config),
                           "--path-output", str(tmp_path / "out"), "-W", "-n", "--keep-going"],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    html_dir = tmp_path / "out" / "_build" / "html"

    chapter = _text(html_dir / "chapter.html")
    assert "Compute the answer" in chapter and SECRET not in chapter

    page = _text(html_dir / "labs" / "lab0_money_and_qr.html")
    hidden = _solution_lines(nbformat.read(lab, as_version=4))
    assert hidden, "lab 0 has no solution lines to look for"
    leaked = [ln for ln in hidden if ln in page]
    assert not leaked, f"the student page shows solution lines: {leaked[:3]}"
    for marker in ("BEGIN SOLUTION", "BEGIN HIDDEN TESTS"):
        assert marker not in page
    assert "YOUR CODE HERE" in page and "Student edition: write the body" in page and "lab0.q1" in page


@pytest.mark.skipif(not (STUDENT_HTML / "index.html").exists(), reason="the student site is not built "
                    "(make book EDITION=student)")
def test_built_student_site_has_no_solution():
    for lab in sorted((ROOT / "labs").glob("*.ipynb")):
        page = STUDENT_HTML / "labs" / f"{lab.stem}.html"
        text = _text(page)
        leaked = [ln for ln in _solution_lines(nbformat.read(lab, as_version=4)) if ln in text]
        assert not leaked, f"{page.name} shows solution lines: {leaked[:3]}"
    for page in sorted((STUDENT_HTML / "chapters").glob("*.html")):
        assert 'class="solution' not in _text(page), f"{page.name} shows an exercise solution"
