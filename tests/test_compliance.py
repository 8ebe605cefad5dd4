"""paylab.compliance: the map's integrity (controls, citations, article numbers) and the gap finder."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from paylab.compliance import CONTROLS, LAWS, REQUIREMENTS, Requirement, compliance_map, controls_table, coverage, gaps
from paylab.errors import InvalidInput

ROOT = Path(__file__).resolve().parent.parent


def test_every_requirement_uses_known_controls_and_laws():
    for r in REQUIREMENTS:
        assert r.law in LAWS and set(r.controls) <= set(CONTROLS)


def test_article_numbers_only_where_confirmed():
    articles = {r.article for r in REQUIREMENTS if r.article}
    assert articles == {f"Art. {n}" for n in range(53, 58)}
    assert all(r.law == "E-Commerce Law" for r in REQUIREMENTS if r.article)
    assert all(r.simplified for r in REQUIREMENTS if not r.article)
    with pytest.raises(InvalidInput) as err:
        Requirement("PIPL", "Art. 1", "x", ("data minimisation",))
    assert err.value.field == "article"


def test_cite_keys_exist_in_bibliography():
    bib = (ROOT / "references.bib").read_text(encoding="utf-8")
    bib += "".join(p.read_text(encoding="utf-8") for p in (ROOT / "bib").glob("*.bib"))
    keys = set(re.findall(r"@\w+\{([^,]+),", bib))
    for _, key in LAWS.values():
        assert key is None or key in keys, key


def test_map_table_and_coverage():
    table = compliance_map()
    assert len(table) == len(REQUIREMENTS)
    assert set(table["summary"]) == {"simplified", "close summary"}
    cov = coverage()
    assert set(cov["control"]) == set(CONTROLS)
    assert cov["requirements"].sum() == sum(len(r.controls) for r in REQUIREMENTS)
    assert set(controls_table()["kind"]) == {"technical", "management"}


def test_gaps():
    assert gaps(CONTROLS).empty
    only_firewall = gaps(["firewall segmentation"])
    assert "Art. 56" in set(only_firewall["article"])
    assert len(only_firewall) == sum(1 for r in REQUIREMENTS if "firewall segmentation" not in r.controls)
    with pytest.raises(InvalidInput) as err:
        gaps(["magic shield"])
    assert err.value.field == "implemented"


def test_bad_requirement():
    with pytest.raises(InvalidInput) as err:
        Requirement("Martian Law", None, "x", ("data minimisation",))
    assert err.value.field == "law"
    with pytest.raises(InvalidInput) as err:
        Requirement("PIPL", None, "x", ("unknown control",))
    assert err.value.field == "controls"
