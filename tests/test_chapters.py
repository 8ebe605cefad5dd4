"""What makes a chapter a course page: objectives, key points, further reading, exercises of three
kinds with interpreted solutions, and outputs a student reads (no numpy, Decimal or dataclass reprs)."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
CHAPTERS = sorted((ROOT / "chapters").glob("[0-9][0-9]_*.ipynb"))
PRIMER = ROOT / "chapters" / "appendix_python.ipynb"
KINDS = {"Compute": "计算", "Interpret": "解读", "Discuss": "讨论"}
EXERCISE = re.compile(r"```\{exercise\}[ \t]*(?P<title>[^\n]*)\n:label: (?P<label>[\w-]+)")
RAW_REPR = re.compile(r"np\.(float|int)\d*\(|Decimal\('|\b[A-Z][A-Za-z0-9]*\([a-z_][a-z0-9_]*=")


def _markdown(nb) -> str:
    return "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")


def _section(md: str, heading: str) -> str:
    m = re.search(rf"^## {re.escape(heading)}[^\n]*\n(?P<body>.*?)(?=^## |\Z)", md, re.M | re.S)
    assert m, f"no '## {heading}' section"
    return m.group("body")


def _bullets(text: str) -> list[str]:
    return [ln for ln in text.splitlines() if re.match(r"\s*[-*] \S", ln)]


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_objectives_key_points_and_further_reading(path):
    md = _markdown(nbformat.read(path, as_version=4))
    heads = [ln for ln in md.splitlines() if ln.startswith("## ")]
    objectives = _bullets(_section(md, "Learning objectives · 学习目标"))
    assert 3 <= len(objectives) <= 5, f"{len(objectives)} learning objectives (3-5)"
    key = _bullets(_section(md, "Key points · 本章要点"))
    assert 5 <= len(key) <= 8, f"{len(key)} key points (5-8)"
    reading = _section(md, "Further reading · 延伸阅读")
    assert 2 <= len(re.findall(r"\{cite[:\w]*\}`", reading)) <= 4, "further reading cites 2-4 sources"
    order = [next(i for i, h in enumerate(heads) if h.startswith(f"## {name}"))
             for name in ("Overview", "Learning objectives", "Key points", "Exercises")]
    assert order == sorted(order), f"sections out of order: {heads}"
    assert order[1] == order[0] + 1, "learning objectives follow the overview"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_exercises_of_three_kinds_with_interpreted_solutions(path):
    nb = nbformat.read(path, as_version=4)
    md = _markdown(nb)
    found = EXERCISE.findall(md)
    assert len(found) >= 6, f"{len(found)} exercises (at least six)"
    kinds = set()
    for title, label in found:
        kind = title.split(" · ")[0].strip()
        assert kind in KINDS and title.strip() == f"{kind} · {KINDS[kind]}", \
            f"{label}: title {title!r} is not one of {[f'{k} · {v}' for k, v in KINDS.items()]}"
        kinds.add(kind)
        assert re.search(rf"```\{{solution-start\}} {re.escape(label)}\n", md), f"{label} has no solution"
    assert kinds == set(KINDS), f"kinds present: {sorted(kinds)}"
    for cell in nb.cells:
        if cell.cell_type == "markdown" and "{solution-end}" in cell.source:
            before = cell.source.split("```{solution-end}")[0]
            words = re.findall(r"[A-Za-z\u4e00-\u9fff]+", before)
            assert len(words) >= 12, f"a solution ends without interpreting its result: {cell.source[:80]!r}"


def _displayed(nb):
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        for out in cell.outputs:
            if out.output_type == "stream" and out.name == "stdout":
                yield cell, out.text
            elif out.output_type in ("execute_result", "display_data"):
                yield cell, out.get("data", {}).get("text/plain", "")


@pytest.mark.parametrize("path", CHAPTERS + [PRIMER], ids=lambda p: p.stem)
def test_outputs_are_what_a_student_reads(path):
    nb = nbformat.read(path, as_version=4)
    bad = [(cell.source[:60], m.group(0)) for cell, text in _displayed(nb)
           for m in [RAW_REPR.search(text)] if m]
    assert not bad, f"raw reprs in displayed outputs: {bad[:5]}"


def test_primer_is_in_the_toc_with_five_exercises():
    toc = (ROOT / "_toc.yml").read_text(encoding="utf-8")
    assert "chapters/appendix_python" in toc
    md = _markdown(nbformat.read(PRIMER, as_version=4))
    assert len(re.findall(r"```\{exercise\}", md)) >= 5
