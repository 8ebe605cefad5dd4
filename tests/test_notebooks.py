"""Hygiene of the committed notebooks (nbval checks their results; this checks the conventions)."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
CHAPTERS = sorted((ROOT / "chapters").glob("*.ipynb"))
LABS = sorted((ROOT / "labs").glob("*.ipynb"))
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.mark.parametrize("path", CHAPTERS + LABS, ids=lambda p: p.stem)
def test_outputs_committed_clean_and_mostly_checked(path):
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert any(c.outputs for c in code), "no committed outputs: execute the notebook and commit it"
    for c in code:
        for out in c.outputs:
            assert out.output_type != "error", f"committed error output in {c.source[:60]!r}"
            assert not (out.output_type == "stream" and out.name == "stderr"), \
                f"stderr in committed output of {c.source[:60]!r}: {out.text[:200]!r}"
    ignored = sum("NBVAL_IGNORE_OUTPUT" in c.source for c in code)
    assert ignored <= max(3, len(code) // 3), f"{ignored} of {len(code)} cells skip nbval's comparison"
    assert nb.metadata.get("kernelspec", {}).get("name") == "python3"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_chapter_shape(path):
    nb = nbformat.read(path, as_version=4)
    md = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    titles = [ln for ln in md.splitlines() if ln.startswith("# ")]
    assert len(titles) == 1 and CJK.search(titles[0]) and "·" in titles[0], f"title: {titles}"
    sections = [ln for ln in md.splitlines() if ln.startswith("## ")]
    content = [s for s in sections if "Overview" not in s]
    assert content and all(CJK.search(s) for s in content), f"sections without a Chinese title: {content}"
    assert any("Exercises" in s for s in sections), "a chapter ends with exercises"
    assert "{exercise}" in md and "{solution-start}" in md and ":class: dropdown" in md


def test_every_chapter_and_lab_is_in_the_toc():
    toc = (ROOT / "_toc.yml").read_text(encoding="utf-8")
    for path in CHAPTERS + LABS:
        assert f"{path.parent.name}/{path.stem}" in toc, f"{path} is missing from _toc.yml"


LAB_IDS = {"lab0_money_and_qr": "lab0", "lab_payment_flow": "payment_flow", "lab_encryption": "encryption",
           "lab_authentication": "authentication", "lab_fraud": "fraud", "lab_blockchain": "blockchain",
           "lab_cases": "cases", "capstone": "capstone"}


@pytest.mark.parametrize("path", LABS, ids=lambda p: p.stem)
def test_lab_index_lists_each_lab_with_its_questions(path):
    from paylab.checks import questions

    qs = questions(LAB_IDS[path.stem])
    nb = nbformat.read(path, as_version=4)
    title = nb.cells[0].source.splitlines()[0].lstrip("# ")
    english = title.split(" · ")[0] + " · " + title.split(" · ")[1]
    row = next((ln for ln in (ROOT / "labs" / "index.md").read_text(encoding="utf-8").splitlines()
                if ln.startswith(f"| {english} |")), None)
    assert row, f"labs/index.md has no row for {english!r}"
    assert f"| {len(qs)} ({sum(q.points for q in qs)} points) |" in row
    used = {qid for c in nb.cells if c.cell_type == "code" for qid in re.findall(r'require\("([\w.]+)"', c.source)}
    assert used == {q.id for q in qs}, "the lab's check cells and its registered questions differ"
