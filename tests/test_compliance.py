"""paylab.compliance: the map's integrity (controls, sources, article numbers), the gap finder, and the PBoC
rules the chapter runs (barcode grades and limits, centralised reserve funds, clearing-house links)."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from paylab import Money
from paylab.compliance import (
    BARCODE_LIMITS,
    CONTROLS,
    LAWS,
    REQUIREMENTS,
    Requirement,
    barcode_allows,
    barcode_grade,
    barcode_limits_table,
    compliance_map,
    connection_count,
    controls_table,
    coverage,
    gaps,
    laws_table,
    reserve_shortfall,
)
from paylab.errors import InvalidInput

ROOT = Path(__file__).resolve().parent.parent


def _bib_keys() -> set[str]:
    bib = (ROOT / "references.bib").read_text(encoding="utf-8")
    bib += "".join(p.read_text(encoding="utf-8") for p in (ROOT / "bib").glob("*.bib"))
    return set(re.findall(r"@\w+\{([^,\s]+),", bib))


def test_every_requirement_uses_known_controls_and_laws():
    for r in REQUIREMENTS:
        assert r.law in LAWS and set(r.controls) <= set(CONTROLS)


def test_every_row_names_its_source_and_a_control():
    """Issue 11: every compliance-map row cites a bibliography key that exists, and names a control."""
    keys = _bib_keys()
    table = compliance_map()
    assert len(table) == len(REQUIREMENTS)
    for row in table.to_dict("records"):
        assert row["source"] in keys, (row["law"], row["source"])
        assert row["controls"].strip() and row["shown by"].strip(), row["law"]
        assert row["date"].strip(), row["law"]
    for law in LAWS.values():
        assert law.source in keys, law.title


def test_the_china_rules_are_in_the_map():
    laws = set(compliance_map()["law"])
    for name in ("PIPL", "Data Security Law", "Barcode payment rules", "Centralised reserve deposit",
                 "End of direct connection", "Non-bank Payment Regulations", "Loan APR disclosure"):
        assert name in laws, name
    for r in REQUIREMENTS:
        if r.law in ("Barcode payment rules", "Centralised reserve deposit", "End of direct connection",
                     "Loan APR disclosure"):
            assert any(CONTROLS[n].where.startswith("paylab.") for n in r.controls), r.requirement
    assert "in force 1 May 2024" in LAWS["Non-bank Payment Regulations"].date
    assert list(laws_table()["rule"]) == list(LAWS)


def test_article_numbers_only_where_the_source_gives_them():
    articles = {r.article for r in REQUIREMENTS if r.article}
    assert articles == {f"Art. {n}" for n in range(53, 58)}
    assert all(r.law == "E-Commerce Law" for r in REQUIREMENTS if r.article)
    assert all(r.simplified for r in REQUIREMENTS if not r.article)
    with pytest.raises(InvalidInput) as err:
        Requirement("PIPL", "Art. 1", "x", ("data minimisation",))
    assert err.value.field == "article"


def test_map_table_and_coverage():
    table = compliance_map()
    assert set(table["summary"]) == {"simplified", "close summary"}
    order = list(LAWS)
    assert [order.index(x) for x in table["law"]] == sorted(order.index(x) for x in table["law"])
    cov = coverage()
    assert set(cov["control"]) == set(CONTROLS)
    assert cov["requirements"].sum() == sum(len(r.controls) for r in REQUIREMENTS)
    assert set(controls_table()["kind"]) == {"technical", "management"}


def test_gaps():
    assert gaps(CONTROLS).empty and list(gaps(CONTROLS).columns) == list(compliance_map().columns)
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
    with pytest.raises(InvalidInput) as err:
        Requirement("PIPL", None, "x", ("data minimisation",), source="")
    assert err.value.field == "source"


def test_barcode_grades_and_limits():
    assert barcode_grade(static=True, factors=2, certificate=True) == "D"
    assert barcode_grade(static=False, factors=2, certificate=True) == "A"
    assert barcode_grade(static=False, factors=2) == "B"
    assert barcode_grade(static=False, factors=1) == "C"
    cny = lambda v: Money(v, "CNY")  # noqa: E731
    assert barcode_allows(cny(400), cny(100), "D") and not barcode_allows(cny(400), cny("100.01"), "D")
    assert barcode_allows(cny(4000), cny(1000), "B") and not barcode_allows(cny(1), cny(1000), "C")
    assert barcode_allows(cny(10**6), cny(10**6), "A")
    assert BARCODE_LIMITS["D"] == cny(500) and len(barcode_limits_table()) == 4
    for kwargs, field in (({"static": 1, "factors": 1}, "static"), ({"static": False, "factors": -1}, "factors"),
                          ({"static": False, "factors": 0, "certificate": True}, "certificate")):
        with pytest.raises(InvalidInput) as err:
            barcode_grade(**kwargs)
        assert err.value.field == field
    with pytest.raises(InvalidInput) as err:
        barcode_allows(cny(0), Money(1, "USD"), "D")
    assert err.value.field == "amount"
    with pytest.raises(InvalidInput) as err:
        barcode_allows(cny(0), cny(1), "E")
    assert err.value.field == "grade"


@given(st.lists(st.integers(0, 10**8), max_size=20), st.integers(0, 10**9))
def test_reserve_shortfall_covers_the_balances(balances, deposited):
    owed = [Money.from_minor(b, "CNY") for b in balances]
    dep = Money.from_minor(deposited, "CNY")
    missing = reserve_shortfall(owed, dep)
    assert missing >= Money.zero("CNY")
    assert (dep + missing) >= sum(owed, Money.zero("CNY"))
    if missing > Money.zero("CNY"):
        assert dep + missing == sum(owed, Money.zero("CNY"))


def test_reserve_shortfall_and_connections():
    owed = [Money(300, "CNY"), Money(700, "CNY")]
    assert reserve_shortfall(owed, Money(200, "CNY")) == Money(800, "CNY")
    assert reserve_shortfall(owed, Money(200, "CNY"), required_share=Decimal("0.2")) == Money.zero("CNY")
    with pytest.raises(InvalidInput) as err:
        reserve_shortfall(owed, Money(1, "CNY"), required_share="1.5")
    assert err.value.field == "required_share"
    with pytest.raises(InvalidInput) as err:
        reserve_shortfall([Money(1, "USD")], Money(1, "CNY"))
    assert err.value.field == "customer_balances"
    links = connection_count(115, 462)
    assert list(links["links"]) == [115 * 462, 115 + 462]
    with pytest.raises(InvalidInput) as err:
        connection_count(0, 3)
    assert err.value.field == "institutions"
