"""nbgrader end to end: for every lab, a temporary course where the instructor version scores full
marks, the released student version 0, and one planted wrong answer loses exactly its question's points."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from paylab.checks import questions, written_questions
from paylab.release import BEGIN_SOLUTION, CHECK_CALL, END_SOLUTION, is_check_cell, nbgrader_metadata

ROOT = Path(__file__).resolve().parent.parent
LABS = sorted((ROOT / "labs").glob("*.ipynb"))
NBGRADER = Path(sys.executable).parent / "nbgrader"
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not NBGRADER.exists(), reason="nbgrader is not installed (pip install -e '.[dev]')"),
]


def _lab_id(nb: nbformat.NotebookNode) -> str:
    return next(CHECK_CALL.search(c.source).group("qid") for c in nb.cells if is_check_cell(c)).split(".")[0]


def _plant_wrong_answer(nb: nbformat.NotebookNode) -> str:
    """Break the last solution (no later question builds on it) so that it raises; returns its question id."""
    for i, cell in reversed(list(enumerate(nb.cells))):
        lines = cell.source.splitlines()
        if cell.cell_type == "code" and any(ln.strip() == BEGIN_SOLUTION for ln in lines):
            begin = next(k for k, ln in enumerate(lines) if ln.strip() == BEGIN_SOLUTION)
            end = next(k for k, ln in enumerate(lines) if ln.strip() == END_SOLUTION)
            indent = lines[begin][: len(lines[begin]) - len(lines[begin].lstrip())]
            cell.source = "\n".join(lines[:begin] + [indent + 'raise ValueError("a planted wrong answer")']
                                    + lines[end + 1:])
            return next(CHECK_CALL.search(c.source).group("qid") for c in nb.cells[i:] if is_check_cell(c))
    raise AssertionError("no solution cell to plant a wrong answer in")


def _nbgrader(course: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PATH": f"{NBGRADER.parent}{os.pathsep}{os.environ.get('PATH', '')}"}  # nbgrader calls alembic
    done = subprocess.run([str(NBGRADER), *args], cwd=course, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, f"nbgrader {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"
    return done


def test_tag_is_idempotent_and_matches_the_registry():
    """The committed labs carry exactly the metadata ``python -m paylab tag`` writes."""
    for lab in LABS:
        nb = nbformat.read(lab, as_version=4)
        expected = nbgrader_metadata(nb, lab.name)
        actual = [c.metadata.get("nbgrader") for c in nb.cells]
        assert actual == expected, f"{lab.name}: run python -m paylab tag labs/*.ipynb"
        ids = [m["grade_id"] for m in expected if m]
        assert len(ids) == len(set(ids)), f"{lab.name}: grade ids repeat"
        lab_id = _lab_id(nb)
        auto = sum(m["points"] for m in expected if m and m["grade"] and not m["solution"])
        assert auto == sum(q.points for q in questions(lab_id))
        manual = sum(m["points"] for m in expected if m and m["grade"] and m["solution"])
        assert manual == sum(w.points for w in written_questions(lab_id))


#: every lab, and one lab in Chinese (``python -m paylab translate``): its release and grading work the same
CASES = [(lab, "en") for lab in LABS] + [(ROOT / "labs" / "lab0_money_and_qr.ipynb", "zh_CN")]


@pytest.mark.parametrize(("lab", "lang"), CASES, ids=lambda v: v.stem if isinstance(v, Path) else v)
def test_nbgrader_round_trip(lab, lang, tmp_path, monkeypatch):
    course = tmp_path / "course"
    name = lab.stem
    source = course / "source" / name
    source.mkdir(parents=True)
    if lang == "en":
        shutil.copy(lab, source / lab.name)
    else:
        from paylab.translation import translate_notebook

        nbformat.write(translate_notebook(lab, lang), source / lab.name)
        lab = source / lab.name
    (course / "nbgrader_config.py").write_text(
        "c = get_config()\n"
        f"c.CourseDirectory.root = {str(course)!r}\n"
        "c.CourseDirectory.course_id = 'paylab'\n"
        "c.Execute.timeout = 300\n"
        "c.Execute.kernel_name = 'python3'\n", encoding="utf-8")
    _nbgrader(course, "generate_assignment", name, "--force")
    released = course / "release" / name / lab.name
    assert released.exists()

    instructor = nbformat.read(lab, as_version=4)
    planted = nbformat.read(lab, as_version=4)
    planted_qid = _plant_wrong_answer(planted)
    subs = {"instructor": instructor, "student": nbformat.read(released, as_version=4), "planted": planted}
    for who, nb in subs.items():
        folder = course / "submitted" / who / name
        folder.mkdir(parents=True)
        for cell in nb.cells:  # a submission as a student hands it in: no instructor outputs
            if cell.cell_type == "code":
                cell.outputs, cell.execution_count = [], None
        nbformat.write(nb, folder / lab.name)
        (folder / "timestamp.txt").write_text("2026-06-01 12:00:00.000000 UTC", encoding="utf-8")
    _nbgrader(course, "autograde", name, "--force")

    from nbgrader.api import Gradebook

    monkeypatch.setenv("PATH", f"{NBGRADER.parent}{os.pathsep}{os.environ.get('PATH', '')}")

    lab_id = _lab_id(instructor)
    points = {q.id: q.points for q in questions(lab_id)}
    auto_max = sum(points.values())
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        scores, per_cell = {}, {}
        for who in subs:
            nb_sub = gb.find_submission_notebook(lab.stem, name, who)
            auto = [g for g in nb_sub.grades if g.cell.cell_type == "code"]
            scores[who] = sum(g.auto_score or 0 for g in auto)
            per_cell[who] = {g.name: g.auto_score for g in auto}
            assert nb_sub.max_score == auto_max + sum(w.points for w in written_questions(lab_id))
    report = {"lab": name, "max": auto_max, **scores}
    print(json.dumps(report))
    assert scores["instructor"] == auto_max, f"instructor version: {per_cell['instructor']}"
    assert scores["student"] == 0, f"released student version: {per_cell['student']}"
    assert scores["planted"] == auto_max - points[planted_qid], f"planted ({planted_qid}): {per_cell['planted']}"
    assert per_cell["planted"][planted_qid.replace(".", "-") + "-check"] == 0
    graded = nbformat.read(course / "autograded" / "planted" / name / lab.name, as_version=4)
    said = json.dumps([c.get("outputs", []) for c in graded.cells if c.cell_type == "code"], ensure_ascii=False)
    if lang == "zh_CN":  # the feedback a student reads is Chinese
        assert "尚未通过" in said and "has not passed yet" not in said and "全部检查通过" in said
    else:
        assert "has not passed yet" in said
