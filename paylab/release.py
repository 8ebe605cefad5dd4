"""The student release of a lab: solutions become stubs, hidden tests go, outputs are cleared.

Instructor notebooks mark solutions with nbgrader's ``### BEGIN SOLUTION`` /
``### END SOLUTION`` and hidden tests with ``### BEGIN HIDDEN TESTS`` /
``### END HIDDEN TESTS``; this module rewrites them without running anything.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import nbformat

from paylab.errors import InvalidInput

__all__ = ["release_source", "release_notebook", "release", "needs_toggle", "tag_solutions"]

BEGIN_SOLUTION, END_SOLUTION = "### BEGIN SOLUTION", "### END SOLUTION"
BEGIN_HIDDEN, END_HIDDEN = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"
CODE_STUB = ("# YOUR CODE HERE", "raise NotImplementedError()")
MARKDOWN_STUB = ("YOUR ANSWER HERE",)


def _strip_region(lines: list[str], begin: str, end: str, stub: tuple[str, ...] | None,
                  where: str) -> list[str]:
    out: list[str] = []
    inside = False
    for number, line in enumerate(lines, 1):
        marker = line.strip()
        if marker == begin:
            if inside:
                raise InvalidInput("notebook", "markers balanced",
                                   f"{where} line {number}: {begin} inside another region")
            inside = True
            indent = line[: len(line) - len(line.lstrip())]
            if stub:
                out.extend(indent + s for s in stub)
        elif marker == end:
            if not inside:
                raise InvalidInput("notebook", "markers balanced",
                                   f"{where} line {number}: {end} without {begin}")
            inside = False
        elif not inside:
            out.append(line)
    if inside:
        raise InvalidInput("notebook", "markers balanced", f"{where}: {begin} is never closed")
    return out


def release_source(source: str, *, cell_type: str = "code", where: str = "cell") -> str | None:
    """Rewrite one cell's source; ``None`` when nothing but a hidden test was in it."""
    lines = source.splitlines()
    had_hidden = any(line.strip() == BEGIN_HIDDEN for line in lines)
    lines = _strip_region(lines, BEGIN_HIDDEN, END_HIDDEN, None, where)
    stub = CODE_STUB if cell_type == "code" else MARKDOWN_STUB
    lines = _strip_region(lines, BEGIN_SOLUTION, END_SOLUTION, stub, where)
    if had_hidden and not any(line.strip() and not line.strip().startswith("#") for line in lines):
        return None
    return "\n".join(lines)


def release_notebook(nb: nbformat.NotebookNode, name: str = "notebook") -> nbformat.NotebookNode:
    """A student copy of an instructor notebook (the input is not changed)."""
    student = nbformat.from_dict(nbformat.v4.new_notebook())
    student.metadata = nb.metadata
    for i, cell in enumerate(nb.cells):
        src = release_source(cell.source, cell_type=cell.cell_type, where=f"{name} cell {i}")
        if src is None:
            continue
        new = nbformat.from_dict(dict(cell))
        new.source = src
        if new.cell_type == "code":
            new.outputs = []
            new.execution_count = None
        student.cells.append(new)
    return student


def release(sources: Iterable[str | Path], out: str | Path) -> list[Path]:
    """Write the student version of every ``.ipynb`` in ``sources`` (files or folders) to ``out``."""
    out = Path(out)
    paths: list[Path] = []
    for src in sources:
        p = Path(src)
        if p.is_dir():
            paths.extend(sorted(p.glob("*.ipynb")))
        elif p.suffix == ".ipynb" and p.exists():
            paths.append(p)
        else:
            raise InvalidInput("sources", "existing .ipynb file or folder", f"{src} is neither")
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for p in paths:
        nb = nbformat.read(p, as_version=4)
        target = out / p.name
        nbformat.write(release_notebook(nb, p.name), target)
        written.append(target)
    return written


HIDE_TAG = "hide-input"


def needs_toggle(cell: nbformat.NotebookNode) -> bool:
    """True for a code cell holding a solution or hidden tests (the site must hide it)."""
    return cell.cell_type == "code" and any(
        line.strip() in (BEGIN_SOLUTION, BEGIN_HIDDEN) for line in cell.source.splitlines())


def tag_solutions(paths: Iterable[str | Path]) -> int:
    """Add the ``hide-input`` tag to every solution/hidden-test cell; returns cells tagged."""
    count = 0
    for p in paths:
        nb = nbformat.read(p, as_version=4)
        changed = False
        for cell in nb.cells:
            tags = cell.metadata.setdefault("tags", [])
            if needs_toggle(cell) and HIDE_TAG not in tags:
                tags.append(HIDE_TAG)
                changed = True
                count += 1
            if not tags:
                del cell.metadata["tags"]
        if changed:
            nbformat.write(nb, p)
    return count
