"""The lab format end to end: student copies are written correctly and run to 'not yet'."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from paylab.errors import InvalidInput
from paylab.release import needs_toggle, release, release_notebook, release_source

ROOT = Path(__file__).resolve().parent.parent
LABS = sorted((ROOT / "labs").glob("*.ipynb"))


def _text(outputs) -> str:
    parts = []
    for out in outputs:
        if out.output_type == "stream":
            parts.append(out.text)
        elif out.output_type in ("execute_result", "display_data"):
            parts.append(out.data.get("text/plain", ""))
        elif out.output_type == "error":
            parts.append(f"{out.ename}: {out.evalue}")
    return "\n".join(parts)


def _is_check_cell(cell) -> bool:
    lines = [ln for ln in cell.source.splitlines() if ln.strip() and not ln.strip().startswith("#")]
    return bool(lines) and lines[0].startswith("require(")


def test_release_source_replaces_solution_keeping_indent():
    src = "def f(x):\n    \"\"\"Doc.\"\"\"\n    ### BEGIN SOLUTION\n    return x + 1\n    ### END SOLUTION\n"
    out = release_source(src)
    assert out == "def f(x):\n    \"\"\"Doc.\"\"\"\n    # YOUR CODE HERE\n    raise NotImplementedError()"


def test_release_source_drops_hidden_tests_and_empty_cells():
    assert release_source("### BEGIN HIDDEN TESTS\nassert f(1) == 2\n### END HIDDEN TESTS") is None
    kept = release_source("assert f(0) == 1\n### BEGIN HIDDEN TESTS\nassert f(1) == 2\n### END HIDDEN TESTS")
    assert kept == "assert f(0) == 1"


def test_release_source_markdown_answer():
    assert release_source("Why?\n### BEGIN SOLUTION\nBecause.\n### END SOLUTION", cell_type="markdown") == \
        "Why?\nYOUR ANSWER HERE"


@pytest.mark.parametrize("src", [
    "### BEGIN SOLUTION\nx = 1",
    "x = 1\n### END SOLUTION",
    "### BEGIN SOLUTION\n### BEGIN SOLUTION\n### END SOLUTION",
])
def test_unbalanced_markers_are_refused(src):
    with pytest.raises(InvalidInput) as err:
        release_source(src)
    assert err.value.field == "notebook"


def test_release_notebook_clears_outputs_and_keeps_input_untouched():
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("def f():\n    ### BEGIN SOLUTION\n    return 1\n    ### END SOLUTION")
    cell.outputs = [nbformat.v4.new_output("stream", text="hi")]
    cell.execution_count = 3
    nb.cells.append(cell)
    student = release_notebook(nb)
    assert student.cells[0].outputs == [] and student.cells[0].execution_count is None
    assert "return 1" in nb.cells[0].source and "return 1" not in student.cells[0].source


def test_release_refuses_missing_source(tmp_path):
    with pytest.raises(InvalidInput):
        release([tmp_path / "nope.ipynb"], tmp_path / "out")


def test_there_are_labs():
    assert LABS, "labs/ holds no notebook"


@pytest.mark.parametrize("lab", LABS, ids=lambda p: p.stem)
def test_instructor_lab_is_well_formed(lab):
    nb = nbformat.read(lab, as_version=4)
    solution_cells = [c for c in nb.cells if needs_toggle(c)]
    assert solution_cells, f"{lab.name} has no solution region"
    for c in solution_cells:
        assert "hide-input" in c.metadata.get("tags", []), \
            f"{lab.name}: a solution cell lacks the hide-input tag (run python -m paylab tag)"
    checks = [c for c in nb.cells if c.cell_type == "code" and _is_check_cell(c)]
    assert checks, f"{lab.name} has no check cell"
    for c in checks:  # committed instructor outputs: every check passes
        assert ": pass" in _text(c.outputs), f"{lab.name}: check cell {c.source!r} does not pass"


@pytest.mark.parametrize("lab", LABS, ids=lambda p: p.stem)
def test_student_release_runs_to_not_yet(lab, tmp_path):
    [path] = release([lab], tmp_path)
    nb = nbformat.read(path, as_version=4)
    text = "\n".join(c.source for c in nb.cells)
    for marker in ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS"):
        assert marker not in text
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code")

    NotebookClient(nb, timeout=180, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(ROOT / "labs")}}).execute()

    code = [c for c in nb.cells if c.cell_type == "code"]
    first_stub = next(i for i, c in enumerate(code) if "raise NotImplementedError()" in c.source)
    checks = 0
    for i, cell in enumerate(code):
        errors = [o for o in cell.outputs if o.output_type == "error"]
        if i <= first_stub:
            assert not errors, f"cell {i} before the first exercise failed: {_text(cell.outputs)}"
        for e in errors:  # a stub not yet written, or a check cell stopping on it (NotPassed)
            assert e.ename in ("NotImplementedError", "NotPassed"), f"cell {i} failed with {e.ename}: {e.evalue}"
            assert e.ename == "NotPassed" or not _is_check_cell(cell), f"check cell {i} raised {e.ename}"
        if _is_check_cell(cell):
            checks += 1
            assert "not yet" in _text(cell.outputs), f"check cell {i} said: {_text(cell.outputs)}"
            assert [e.ename for e in errors] == ["NotPassed"], f"check cell {i} must fail under a grader"
    assert checks >= 4, f"{lab.name} has only {checks} check cells"
