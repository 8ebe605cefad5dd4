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
