import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from paylab.cards import BRANDS, card_brand, luhn_check_digit, luhn_valid, mask_pan
from paylab.errors import InvalidInput

# Test PANs published by card schemes and gateways for sandbox use.
KNOWN = {
    "4111111111111111": "Visa",
    "4012888888881881": "Visa",
    "5555555555554444": "Mastercard",
    "2223003122003222": "Mastercard",
    "378282246310005": "Amex",
    "6200000000000005": "UnionPay",
}


@pytest.mark.parametrize("pan,brand", KNOWN.items())
def test_known_test_cards(pan, brand):
    assert luhn_valid(pan)
    assert card_brand(pan) == brand


def test_luhn_rejects_single_digit_error():
    assert not luhn_valid("4111111111111112")
    assert luhn_valid("4111 1111 1111 1111") and luhn_valid("4111-1111-1111-1111")


def test_check_digit_examples():
    assert luhn_check_digit("411111111111111") == "1"
    assert luhn_check_digit("401288888888188") == "1"
    assert luhn_check_digit("555555555555444") == "4"


@pytest.mark.parametrize("bad", ["4111-abcd-1111-1111", "12345", "1" * 20, "", "４１１１１１１１１１１１１１１１"])
def test_bad_pans_raise_invalid_input(bad):
    with pytest.raises(InvalidInput) as err:
        luhn_valid(bad)
    assert err.value.field == "pan"


def test_non_string_pan():
    with pytest.raises(InvalidInput):
        luhn_valid(4111111111111111)
    with pytest.raises(InvalidInput):
        luhn_check_digit(41111)
    with pytest.raises(InvalidInput):
        luhn_check_digit("12")


def test_mask():
    assert mask_pan("4111111111111111") == "4111 11** **** 1111"
    assert mask_pan("378282246310005", keep_first=0) == "**** **** ***0 005"
    assert mask_pan("4111111111111111", keep_first=0, keep_last=4).endswith("1111")
    assert mask_pan("4111111111111111", keep_first=0, keep_last=4).count("*") == 12
    with pytest.raises(InvalidInput):
        mask_pan("4111111111111111", keep_first=8)
    for bad in (None, 1.5, "6", True, [4]):
        with pytest.raises(InvalidInput) as err:
            mask_pan("4111111111111111", keep_last=bad)
        assert err.value.field == "keep_last"


def test_unknown_brand():
    assert card_brand("9999999999999995") == "Unknown"


@given(st.text(alphabet="0123456789", min_size=11, max_size=18))
def test_check_digit_always_validates(partial):
    assert luhn_valid(partial + luhn_check_digit(partial))


@given(st.text(alphabet="0123456789", min_size=11, max_size=18), st.integers(0, 17), st.integers(1, 9))
def test_any_single_digit_change_is_caught(partial, pos, delta):
    pan = partial + luhn_check_digit(partial)
    pos %= len(pan)
    changed = pan[:pos] + str((int(pan[pos]) + delta) % 10) + pan[pos + 1:]
    assert not luhn_valid(changed)


def pan(prefix: str, length: int) -> str:
    """A Luhn-valid number of ``length`` digits starting with ``prefix``."""
    body = prefix + "0" * (length - len(prefix) - 1)
    return body + luhn_check_digit(body)


@pytest.mark.parametrize("prefix,length,brand", [
    ("62", 14, "UnionPay"), ("62", 15, "UnionPay"), ("6222", 19, "UnionPay"), ("8100", 16, "UnionPay"),
    ("8171", 19, "UnionPay"), ("4", 13, "Visa"), ("4", 18, "Visa"), ("4111", 19, "Visa"),
    ("51", 16, "Mastercard"), ("55", 16, "Mastercard"), ("2221", 16, "Mastercard"), ("2720", 16, "Mastercard"),
    ("34", 15, "Amex"), ("37", 15, "Amex"), ("3528", 16, "JCB"), ("3589", 19, "JCB"),
    ("300", 14, "Diners Club"), ("3095", 14, "Diners Club"), ("36", 14, "Diners Club"), ("39", 16, "Diners Club"),
    ("6011", 16, "Discover"), ("644", 16, "Discover"), ("65", 19, "Discover"), ("2200", 16, "Mir"),
    ("2204", 19, "Mir"), ("508500", 16, "RuPay"), ("607000", 16, "RuPay"), ("652150", 16, "RuPay"),
    ("5018", 16, "Maestro"), ("6759", 19, "Maestro"), ("50", 12, "Maestro"),
])
def test_brand_ranges_and_lengths(prefix, length, brand):
    assert card_brand(pan(prefix, length)) == brand


@pytest.mark.parametrize("prefix,overlaps", [
    ("401178", "Visa"), ("438935", "Visa"), ("457631", "Visa"), ("504175", "Maestro"), ("506699", "Maestro"),
    ("509000", "Maestro"), ("627780", "UnionPay"), ("636368", "Maestro"), ("650031", "Discover"),
    ("651652", "Discover"), ("655058", "Discover"),
])
def test_elo_wins_inside_other_schemes_prefixes(prefix, overlaps):
    # Elo's six-digit ranges sit inside Visa's 4, UnionPay's 62, Discover's 65 and Maestro's 50/63.
    assert card_brand(pan(prefix, 16)) == "Elo"
    assert card_brand(pan(prefix[:-1] + str((int(prefix[-1]) + 5) % 10), 16)) in (overlaps, "Elo")


@pytest.mark.parametrize("prefix,length", [
    ("34", 16), ("51", 15), ("2221", 19), ("62", 13), ("4", 12), ("457631", 19), ("2205", 16), ("1", 16),
    ("9", 16), ("31", 16), ("2100", 16),
])
def test_lengths_a_scheme_does_not_issue_are_unknown(prefix, length):
    assert card_brand(pan(prefix, length)) == "Unknown"


def test_table_is_well_formed():
    for brand, ranges, lengths in BRANDS:
        assert all(len(str(lo)) == len(str(hi)) and lo <= hi for lo, hi in ranges), brand
        assert all(12 <= n <= 19 for n in lengths), brand


@given(st.text(alphabet="0123456789", min_size=12, max_size=19))
def test_every_digit_string_gets_a_brand_or_unknown(digits):
    names = {b for b, _, _ in BRANDS} | {"Unknown"}
    assert card_brand(digits) in names


VECTORS = Path("/work/shared/vectors/test_cards.json")
NAMES = {"visa": "Visa", "mastercard": "Mastercard", "american-express": "Amex", "diners-club": "Diners Club",
         "discover": "Discover", "jcb": "JCB", "unionpay": "UnionPay", "maestro": "Maestro", "elo": "Elo",
         "mir": "Mir"}


@pytest.mark.skipif(not VECTORS.exists(), reason="reference card numbers not present")
def test_published_test_cards_and_peer_suites():
    data = json.loads(VECTORS.read_text())
    ctt = data["credit_card_type"]
    for case in ctt["cases"]:
        digits = case["number"]
        if case["type"] in NAMES and len(digits) in ctt["lengths"][case["type"]]:
            assert card_brand(digits) == NAMES[case["type"]], digits
    for case in data["card_validator"]["cases"]:
        digits = case["number"].replace(" ", "").replace("-", "")
        if case["isValid"]:  # the peer's valid numbers: Luhn-valid, of a length the scheme issues
            assert luhn_valid(digits) and card_brand(digits) == NAMES[case["card"]], digits
    for group in ("stripe_docs", "stripe_country_and_scenario"):
        for card in data[group]["cards"]:
            assert luhn_valid(card["number"]) == card["luhn"]
            label = card["label"].replace("American Express", "Amex")
            if card["luhn"] and not label.startswith("BCcard"):
                assert label.startswith(card_brand(card["number"])), card
