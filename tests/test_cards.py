import pytest
from hypothesis import given
from hypothesis import strategies as st

from paylab.cards import card_brand, luhn_check_digit, luhn_valid, mask_pan
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
