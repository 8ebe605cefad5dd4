from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from paylab.errors import CurrencyMismatch, InvalidInput, PaylabError
from paylab.money import CURRENCIES, Money, convert, currency, total


def test_amount_is_exact_decimal_with_minor_units():
    m = Money("12.5", "CNY")
    assert m.amount == Decimal("12.50") and str(m.amount) == "12.50"
    assert m.minor_units == 1250
    assert Money("1000", "JPY").minor_units == 1000
    assert Money("1.234", "KWD").minor_units == 1234
    assert Money.from_minor(1250, "CNY") == m
    assert repr(m) == "Money('12.50', 'CNY')" and str(Money("1234.5", "CNY")) == "CNY 1,234.50"


@pytest.mark.parametrize("bad", [0.1, float("nan"), True, None, [1], "abc", "NaN", "Infinity"])
def test_rejects_floats_nan_and_garbage(bad):
    with pytest.raises(InvalidInput) as err:
        Money(bad, "CNY")
    assert err.value.field == "amount"


def test_rejects_more_decimals_than_the_currency_allows():
    with pytest.raises(InvalidInput) as err:
        Money("10.005", "CNY")
    assert "2 decimal places" in err.value.rule
    with pytest.raises(InvalidInput):
        Money("1.5", "JPY")
    assert Money.of("10.005", "CNY") == Money("10.00", "CNY")  # half-even
    assert Money.of("10.015", "CNY") == Money("10.02", "CNY")


@pytest.mark.parametrize("code", ["XXX", "cny1", "", 156])
def test_unknown_currency(code):
    with pytest.raises(InvalidInput) as err:
        Money("1", code)
    assert err.value.field == "currency"


def test_currency_lookup_by_numeric_and_case():
    assert currency("156") is CURRENCIES["CNY"]
    assert currency("usd").exponent == 2 and currency("JPY").exponent == 0


def test_arithmetic_within_one_currency_and_mixing_raises():
    a, b = Money("10.00", "CNY"), Money("2.50", "CNY")
    assert a + b == Money("12.50", "CNY") and a - b == Money("7.50", "CNY")
    assert -a == Money("-10.00", "CNY") and abs(-a) == a
    assert a * 3 == Money("30.00", "CNY") and 3 * a == a * 3
    assert sum([a, b]) == Money("12.50", "CNY")
    assert b < a and a >= b and a != Money("10.00", "USD")
    with pytest.raises(CurrencyMismatch):
        a + Money("1", "USD")
    with pytest.raises(CurrencyMismatch):
        _ = a < Money("1", "USD")
    with pytest.raises(InvalidInput):
        a * Decimal("1.5")
    with pytest.raises(InvalidInput):
        a + 1


def test_scale_rounds_explicitly():
    assert Money("100.00", "CNY").scale("0.006") == Money("0.60", "CNY")
    assert Money("0.50", "CNY").scale("0.01") == Money("0.00", "CNY")  # 0.005 half-even -> 0.00
    assert Money("1.50", "CNY").scale("0.01") == Money("0.02", "CNY")  # 0.015 -> 0.02


def test_parse():
    assert Money.parse("CNY 1,234.50") == Money("1234.50", "CNY")
    assert Money.parse("12.5USD") == Money("12.50", "USD")
    with pytest.raises(InvalidInput):
        Money.parse("12.50")
    with pytest.raises(InvalidInput):
        Money.parse(12.5)


def test_allocate_examples():
    assert Money("100.00", "CNY").allocate([1, 1, 1]) == [Money("33.34", "CNY"), Money("33.33", "CNY"),
                                                          Money("33.33", "CNY")]
    assert Money("-0.05", "CNY").allocate([1, 1]) == [Money("-0.03", "CNY"), Money("-0.02", "CNY")]
    assert Money("10", "JPY").allocate([0, 1]) == [Money("0", "JPY"), Money("10", "JPY")]
    for bad in ([], [0, 0], [-1, 2], [0.5]):
        with pytest.raises(InvalidInput):
            Money("1.00", "CNY").allocate(bad)


@given(units=st.integers(-10**12, 10**12), code=st.sampled_from(sorted(CURRENCIES)),
       ratios=st.lists(st.integers(0, 1000), min_size=1, max_size=12).filter(lambda r: sum(r) > 0))
def test_allocate_preserves_total_and_is_fair(units, code, ratios):
    m = Money.from_minor(units, code)
    parts = m.allocate(ratios)
    assert sum(parts) == m
    for part, r in zip(parts, ratios, strict=True):
        assert abs(part.minor_units - units * r / sum(ratios)) < 1


@given(units=st.integers(-10**15, 10**15), code=st.sampled_from(sorted(CURRENCIES)))
def test_minor_units_round_trip(units, code):
    assert Money.from_minor(units, code).minor_units == units


def test_convert_with_explicit_rates():
    rates = {("USD", "CNY"): "7.1000", "EUR/CNY": "7.80"}
    assert convert(Money("10.00", "USD"), "CNY", rates) == Money("71.00", "CNY")
    assert convert(Money("71.00", "CNY"), "USD", rates) == Money("10.00", "USD")  # inverse pair
    assert convert(Money("1", "CNY"), "CNY", {}) == Money("1", "CNY")
    assert convert(Money("100", "JPY"), "CNY", {"JPY/CNY": "0.0473"}) == Money("4.73", "CNY")
    with pytest.raises(InvalidInput) as err:
        convert(Money("1", "USD"), "GBP", rates)
    assert err.value.field == "rates"
    with pytest.raises(InvalidInput):
        convert(Money("1", "USD"), "CNY", {"USD/CNY": 7.1})
    with pytest.raises(InvalidInput):
        convert(Money("1", "USD"), "CNY", {"USD/CNY": "-7"})


def test_total_of_empty_list_and_error_is_paylab_error():
    assert total([], "CNY") == Money("0", "CNY")
    assert issubclass(CurrencyMismatch, PaylabError)
    assert "currency_mismatch" in repr(CurrencyMismatch("currency", "one currency per operation"))


@pytest.mark.parametrize("code,numeric,exponent", [
    ("PHP", "608", 2), ("KHR", "116", 2), ("IDR", "360", 2), ("VND", "704", 0), ("ARS", "032", 2),
    ("CLF", "990", 4), ("UYW", "927", 4), ("TND", "788", 3), ("ISK", "352", 0), ("ALL", "008", 2),
])
def test_every_iso4217_currency_from_the_data_package(code, numeric, exponent):
    # Minor units and numeric codes as the ISO 4217 list gives them (via the iso4217 package).
    cur = currency(code)
    assert (cur.numeric, cur.exponent) == (numeric, exponent)
    assert currency(numeric) is cur
    assert Money.from_minor(10 ** exponent, code) == Money(1, code)


def test_table_covers_the_whole_list():
    import iso4217

    with_minor_unit = {c.code for c in iso4217.Currency if c.exponent is not None}
    assert set(CURRENCIES) == with_minor_unit and len(CURRENCIES) > 150
    assert all(len(c.numeric) == 3 and c.numeric.isdigit() for c in CURRENCIES.values())


@pytest.mark.parametrize("code", ["XAU", "959", "XDR", "ZZZ", "000", "CN", "ＣＮＹ"])
def test_codes_without_a_minor_unit_or_unknown(code):
    with pytest.raises(InvalidInput) as err:
        currency(code)
    assert err.value.field == "currency"
