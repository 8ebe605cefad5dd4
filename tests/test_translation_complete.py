"""The Chinese edition is complete: every catalog message translated (none fuzzy), and every Markdown
block of every chapter and lab notebook is in its page's catalog (so a changed English paragraph fails
here until it is translated: run scripts/catalogs.py, then translate what it marks)."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from paylab import translation as t

LOCALES = t.ROOT / "locales" / "zh_CN" / "LC_MESSAGES"
CATALOGS = sorted(LOCALES.rglob("*.po"))
NOTEBOOKS = sorted((t.ROOT / "chapters").glob("*.ipynb")) + sorted((t.ROOT / "labs").glob("*.ipynb"))


@pytest.mark.parametrize("po", CATALOGS, ids=lambda p: p.relative_to(LOCALES).with_suffix("").as_posix())
def test_every_message_is_translated(po: Path):
    with open(po, "rb") as fh:
        cat = read_po(fh)
    todo = [m.id for m in cat if m.id and (not m.string or m.fuzzy)]
    assert todo == [], f"{len(todo)} untranslated or fuzzy, e.g. {todo[:3]}"


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_markdown_block_is_in_the_catalog(nb: Path):
    left = t.missing(nb)
    assert left == [], f"{len(left)} Markdown blocks in no catalog (run scripts/catalogs.py), e.g. {left[:3]}"


# --- what the code writes: figures, tables, printed lines and lab feedback (paylab/locale) ----------

import re  # noqa: E402

from paylab import language as lg  # noqa: E402

RUNTIME = sorted((lg.CATALOGS / "zh_CN").glob("*.po"))
CHECKS = sorted((t.ROOT / "paylab" / "checks").glob("*.py"))
_FIELD = re.compile(r"(?<!\{)\{[^{}]*\}(?!\})")
_SCALE = re.compile(r"\*\d+\}$")  # {0*10}: the number {0} said in 亿 or 万 (paylab.language)


@pytest.mark.parametrize("po", RUNTIME, ids=lambda p: p.stem)
def test_every_output_message_is_translated_with_its_fields(po: Path):
    with open(po, "rb") as fh:
        cat = read_po(fh)
    todo = [m.id for m in cat if m.id and (not m.string or m.fuzzy)]
    assert todo == [], f"{len(todo)} untranslated or fuzzy, e.g. {todo[:3]}"
    broken = [(m.id, m.string) for m in cat
              if m.id and sorted(_FIELD.findall(m.id)) != sorted(_SCALE.sub("}", f) for f in _FIELD.findall(m.string))]
    assert broken == [], f"a translation must keep every {{field}} of its message: {broken[:3]}"


@pytest.mark.parametrize("module", CHECKS, ids=lambda p: p.stem)
def test_lab_feedback_is_written_as_templates_and_translated(module: Path):
    found, fstrings = t.feedback_messages(module)
    assert fstrings == [], f"f-string feedback (lines {fstrings}) cannot be translated: write a template with values"
    cat = lg.messages("zh_CN")
    left = [m for m in found if lg.needs_translation(m) and m not in cat and lg.template(m)[0] not in cat]
    assert left == [], f"{len(left)} feedback messages in no catalog (scripts/catalogs.py --outputs), e.g. {left[:3]}"


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_output_reads_in_chinese(nb: Path):
    unrecorded = t.unrecorded_outputs(nb)
    assert unrecorded == 0, f"{unrecorded} figures or tables saved without their Chinese drawing: run `make outputs`"
    left = t.untranslated_outputs(nb)
    assert left == [], (f"{len(left)} output strings in no catalog (scripts/catalogs.py --outputs, translate, "
                        f"then `make outputs`), e.g. {left[:3]}")
