"""The bibliography a reader can check: every entry has a URL, a DOI or an ISBN, keys are unique across
the .bib files, and every key the book cites exists."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
import yaml
from pybtex.database import parse_file

ROOT = Path(__file__).resolve().parent.parent
BIBS = [ROOT / p for p in yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))["bibtex_bibfiles"]]
CITE = re.compile(r"\{cite(?::\w+)?\}`([^`]+)`")


def _entries():
    seen: dict[str, Path] = {}
    for bib in BIBS:
        for key, entry in parse_file(str(bib)).entries.items():
            assert key not in seen, f"{key} is in both {seen[key].name} and {bib.name}"
            seen[key] = bib
            yield key, entry


def test_every_bib_file_in_the_config_exists_and_every_bib_file_is_configured():
    assert all(b.exists() for b in BIBS)
    on_disk = {p.resolve() for p in [ROOT / "references.bib", *(ROOT / "bib").glob("*.bib")]}
    assert on_disk == {b.resolve() for b in BIBS}, "a .bib file is not listed in _config.yml"


@pytest.mark.parametrize("key_entry", list(_entries()), ids=lambda ke: ke[0])
def test_entry_can_be_checked(key_entry):
    key, entry = key_entry
    fields = {k.lower() for k in entry.fields}
    assert fields & {"url", "doi", "isbn"}, f"{key} has no url, doi or isbn"
    if "url" in fields:
        assert re.match(r"https?://\S+$", entry.fields["url"]), f"{key}: url {entry.fields['url']!r}"


def test_every_cited_key_exists():
    keys = {k for k, _ in _entries()}
    texts = [nbformat.read(p, as_version=4) for p in sorted((ROOT / "chapters").glob("*.ipynb"))
             + sorted((ROOT / "labs").glob("*.ipynb"))]
    md = "\n".join(c.source for nb in texts for c in nb.cells if c.cell_type == "markdown")
    md += "\n".join(p.read_text(encoding="utf-8") for p in [*ROOT.glob("*.md"), *(ROOT / "labs").glob("*.md")]
                     if p.name not in ("README.md", "AUTHORING.md"))
    cited = {k.strip() for group in CITE.findall(md) for k in group.split(",")}
    assert cited - keys == set(), f"cited but not in any .bib: {sorted(cited - keys)}"
