"""paylab.chain.clearing: the documented parameters, the unrounded cost share and ch05-ex4's amount."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from paylab.chain import compare_settlement
from paylab.chain.clearing import ClearingParams, smallest_amount_below_share
from paylab.errors import InvalidInput
from paylab.money import Money
from paylab.parameters import parameter_table


def test_params_reproduce_the_defaults():
    amounts = [Money("200.00", "USD"), Money("10000.00", "USD")]
    assert compare_settlement(amounts, params=ClearingParams()) == compare_settlement(amounts)
    assert ClearingParams().bank_fees == Money("20.00", "USD")


def test_parameter_table_shows_money_and_sources():
    t = parameter_table(ClearingParams()).frame.set_index("parameter")
    assert t.loc["sender_fee", "value"] == "USD 8.00"
    assert t.loc["block_seconds", "source"] == "ethereum_blocks"
    assert t.loc["bank_spread", "source"] == "illustrative"


def test_ch05_ex4_smallest_amount_under_three_percent():
    """1314 is the first whole-dollar amount under 3 % (share 0.029992); the rounded share misleads."""
    got = smallest_amount_below_share("0.03")
    assert got == Money(1314, "USD")
    at, before = (compare_settlement([Money(a, "USD")])[0] for a in (1314, 1313))
    assert at.cost_share_exact < Decimal("0.03") <= before.cost_share_exact
    assert at.cost_share_exact.quantize(Decimal("0.000001")) == Decimal("0.029992")
    # compared rounded to four decimals, 1314..1317 all show 0.0300 and are wrongly rejected
    assert at.cost_share == Decimal("0.0300")


@given(st.integers(2, 40).map(lambda k: Decimal(k) / 100 + Decimal("0.015")))
def test_smallest_amount_is_the_first_below(target):
    a = smallest_amount_below_share(target)
    share = compare_settlement([a])[0].cost_share_exact
    assert share < target
    prev = a.amount - 1
    if prev > 20:
        assert compare_settlement([Money(prev, "USD")])[0].cost_share_exact >= target


def test_no_amount_gets_below_the_spread():
    with pytest.raises(InvalidInput) as e:
        smallest_amount_below_share("0.015")
    assert e.value.field == "target"
    with pytest.raises(InvalidInput):
        compare_settlement([Money("5.00", "CNY")], params=ClearingParams())
    with pytest.raises(InvalidInput):
        compare_settlement([Money("5.00", "USD")], params="cheap")
