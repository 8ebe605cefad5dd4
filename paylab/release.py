"""The student release of a lab: solutions become stubs, hidden tests go, outputs are cleared.

Instructor notebooks mark solutions with nbgrader's ``### BEGIN SOLUTION`` /
``### END SOLUTION`` and hidden tests with ``### BEGIN HIDDEN TESTS`` /
``### END HIDDEN TESTS``; this module rewrites them without running anything.
:func:`tag_nbgrader` writes the cell metadata nbgrader needs (solution, autograded
test and read-only cells, with the points registered in :mod:`paylab.checks`), so
that ``nbgrader generate_assignment`` and ``nbgrader autograde`` accept the labs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

import nbformat

from paylab.errors import InvalidInput

__all__ = ["release_source", "release_notebook", "release", "needs_toggle", "tag_solutions", "tag_nbgrader",
           "nbgrader_metadata", "is_check_cell"]

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
        grading = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "markdown" and grading.get("solution") and src == cell.source:
            new.source = MARKDOWN_STUB[0]  # a written answer without markers: nbgrader replaces it whole
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


def _read_lab(path: str | Path, field: str = "paths") -> nbformat.NotebookNode:
    if not isinstance(path, str | Path):
        raise InvalidInput(field, "paths of .ipynb files", f"{path!r} is not a path")
    p = Path(path)
    if p.suffix != ".ipynb" or not p.is_file():
        raise InvalidInput(field, "existing .ipynb files", f"{str(path)!r} is not an existing .ipynb file")
    try:
        return nbformat.read(p, as_version=4)
    except Exception as exc:  # not JSON, not a notebook: say which file
        raise InvalidInput(field, "valid notebooks", f"{p} is not a readable notebook: {exc}") from None


def needs_toggle(cell: nbformat.NotebookNode) -> bool:
    """True for a code cell holding a solution or hidden tests (the site must hide it)."""
    return cell.cell_type == "code" and any(
        line.strip() in (BEGIN_SOLUTION, BEGIN_HIDDEN) for line in cell.source.splitlines())


def tag_solutions(paths: Iterable[str | Path]) -> int:
    """Add the ``hide-input`` tag to every solution/hidden-test cell; returns cells tagged."""
    count = 0
    for p in paths:
        nb = _read_lab(p)
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


CHECK_CALL = re.compile(r'^require\("(?P<qid>[\w]+\.[\w]+)"', re.M)
WRITTEN_HEADING = re.compile(r"^## .*\((?P<points>\d+) points?, graded by hand\)", re.M)
SCHEMA_VERSION = 3


def is_check_cell(cell: nbformat.NotebookNode) -> bool:
    """True for a lab's check cell: its first statement is ``require("<lab>.<q>", answer)``."""
    if cell.cell_type != "code":
        return False
    lines = [ln for ln in cell.source.splitlines() if ln.strip() and not ln.strip().startswith("#")]
    return bool(lines) and lines[0].startswith("require(")


def _meta(grade_id: str, *, solution: bool = False, grade: bool = False, locked: bool = False,
          points: int | None = None) -> dict:
    meta = {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": SCHEMA_VERSION,
            "solution": solution, "task": False}
    if points is not None:
        meta["points"] = points
    return meta


def nbgrader_metadata(nb: nbformat.NotebookNode, name: str = "notebook") -> list[dict | None]:
    """The nbgrader metadata of every cell of an instructor lab (``None``: an ordinary cell).

    Solution cells hold ``### BEGIN SOLUTION``; a check cell is an autograded test worth the
    question's points in :mod:`paylab.checks`; markdown is read-only; a markdown cell right after
    a heading "(N points, graded by hand)" is a written answer, graded by hand.
    """
    from paylab.checks import _lookup, written_questions

    qids = [m.group("qid") for c in nb.cells if is_check_cell(c) for m in [CHECK_CALL.search(c.source)] if m]
    if not qids:
        raise InvalidInput("notebook", "has check cells", f"{name}: no require(...) check cell found")
    lab = qids[0].split(".", 1)[0]
    pending_written = list(written_questions(lab))
    out: list[dict | None] = []
    used: set[str] = set()

    def unique(gid: str) -> str:
        base, k = gid, 2
        while gid in used:
            gid, k = f"{base}-{k}", k + 1
        used.add(gid)
        return gid

    def next_qid(i: int) -> str:
        for c in nb.cells[i:]:
            if is_check_cell(c):
                return CHECK_CALL.search(c.source).group("qid")
        raise InvalidInput("notebook", "solution before a check", f"{name} cell {i}: a solution with no check after it")

    written_points: int | None = None
    for i, cell in enumerate(nb.cells):
        lines = [ln.strip() for ln in cell.source.splitlines()]
        if cell.cell_type == "code" and BEGIN_SOLUTION in lines:
            out.append(_meta(unique(next_qid(i).replace(".", "-") + "-answer"), solution=True))
        elif is_check_cell(cell):
            qid = CHECK_CALL.search(cell.source).group("qid")
            out.append(_meta(unique(qid.replace(".", "-") + "-check"), grade=True, locked=True,
                             points=_lookup(qid).points))
        elif cell.cell_type == "markdown" and written_points is not None:
            if not pending_written:
                raise InvalidInput("notebook", "written answers registered",
                                   f"{name} cell {i}: a written answer that paylab.checks does not register")
            w = pending_written.pop(0)
            if w.points != written_points:
                raise InvalidInput("notebook", "points agree", f"{name} cell {i}: the heading gives "
                                   f"{written_points} points, paylab.checks gives {w.id} {w.points}")
            out.append(_meta(unique(w.id.replace(".", "-") + "-written"), solution=True, grade=True,
                             points=w.points))
            written_points = None
            continue
        elif cell.cell_type == "markdown":
            out.append(_meta(unique(f"{lab}-text-{i}"), locked=True))
        else:
            out.append(None)
        heading = WRITTEN_HEADING.search(cell.source) if cell.cell_type == "markdown" else None
        written_points = int(heading.group("points")) if heading else None
    if pending_written:
        raise InvalidInput("notebook", "written answers present",
                           f"{name}: no answer cell for {', '.join(w.id for w in pending_written)}")
    return out


def tag_nbgrader(paths: Iterable[str | Path]) -> int:
    """Write nbgrader's cell metadata into every lab (idempotent); returns the cells changed."""
    count = 0
    for p in paths:
        nb = _read_lab(p)
        changed = False
        for cell, meta in zip(nb.cells, nbgrader_metadata(nb, Path(p).name), strict=True):
            if meta is None:
                if "nbgrader" in cell.metadata:
                    del cell.metadata["nbgrader"]
                    changed = True
                    count += 1
            elif cell.metadata.get("nbgrader") != meta:
                cell.metadata["nbgrader"] = meta
                changed = True
                count += 1
        if changed:
            nbformat.write(nb, p)
    return count


# --- the student edition of the site -------------------------------------------------------
# ``make book EDITION=student`` builds with a copy of _config.yml that adds this module as a
# Sphinx extension: chapter exercise solutions are left out and
# every lab page shows the student copy (stubs, no hidden tests, no model answers).

STUDENT_STUB_NOTE = "*Student edition: write the body of this function in your copy of the lab.*"


def student_page(nb: nbformat.NotebookNode, name: str = "notebook") -> nbformat.NotebookNode:
    """A lab as the student edition of the site shows it; the solutions still run, hidden from view.

    A solution cell keeps its code (later cells need it) but is tagged ``remove-cell``, and a
    markdown cell after it shows the stub; hidden tests and written model answers are removed.
    """
    page = nbformat.from_dict(dict(nb))
    cells = []
    for i, cell in enumerate(nb.cells):
        cell = nbformat.from_dict(dict(cell))
        cell.metadata = nbformat.from_dict(dict(cell.metadata))
        lines = [ln.strip() for ln in cell.source.splitlines()]
        if cell.cell_type == "code" and BEGIN_SOLUTION in lines:
            cell.metadata["tags"] = [*cell.metadata.get("tags", []), "remove-cell"]
            stub = release_source(cell.source, where=f"{name} cell {i}") or ""
            cells += [cell, nbformat.v4.new_markdown_cell(f"```python\n{stub}\n```\n\n{STUDENT_STUB_NOTE}")]
            continue
        if cell.cell_type == "code" and BEGIN_HIDDEN in lines:
            cell.source = release_source(cell.source, where=f"{name} cell {i}") or ""
        if cell.cell_type == "markdown" and cell.metadata.get("nbgrader", {}).get("solution"):
            cell.source = "*Your written answer goes here (graded by hand).*"
        cells.append(cell)
    page.cells = cells
    return page


def _student_source(app, docname: str, source: list[str]) -> None:
    if not docname.startswith("labs/") or not source[0].lstrip().startswith("{"):
        return
    nb = nbformat.reads(source[0], as_version=4)
    source[0] = nbformat.writes(student_page(nb, docname))


def _remove_solutions(app, doctree) -> None:
    # sphinx-exercise 1.2's own hide_solutions drops {solution-start} but leaves the gated body
    # and {solution-end} behind (the build then fails), so the merged solution nodes go here.
    from sphinx_exercise.nodes import solution_node

    for node in list(doctree.findall(solution_node)):
        node.parent.remove(node)


def setup(app) -> dict:
    """Sphinx extension of the student edition: lab pages become student copies, solutions removed."""
    from sphinx.transforms import SphinxTransform

    class RemoveSolutions(SphinxTransform):
        default_priority = 11  # after sphinx-exercise merges gated solutions (priority 10)

        def apply(self) -> None:
            _remove_solutions(self.app, self.document)

    app.connect("source-read", _student_source)
    app.add_transform(RemoveSolutions)
    return {"parallel_read_safe": True, "parallel_write_safe": True}


def student_config(config_text: str) -> str:
    """The student edition's Jupyter Book config: the instructor one plus this module as an extension."""
    import yaml

    try:
        config = yaml.safe_load(config_text) or {}
    except yaml.YAMLError as exc:
        raise InvalidInput("config_text", "YAML", f"the Jupyter Book config is not valid YAML: {exc}") from None
    if not isinstance(config, dict) or not isinstance(config.get("sphinx", {}), dict):
        raise InvalidInput("config_text", "a mapping", "the Jupyter Book config must be a mapping with a "
                           "'sphinx' mapping")
    sphinx = config.setdefault("sphinx", {})
    extensions = sphinx.setdefault("extra_extensions", [])
    if "paylab.release" not in extensions:
        extensions.append("paylab.release")
    config["title"] = f"{config.get('title', 'paylab')} (student edition)"
    return "# Generated by `python -m paylab edition student`; edit _config.yml instead.\n" + \
        yaml.safe_dump(config, allow_unicode=True, sort_keys=False)
