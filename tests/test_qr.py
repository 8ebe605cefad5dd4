import pytest
from hypothesis import given
from hypothesis import strategies as st

from paylab.errors import InvalidInput
from paylab.money import Money
from paylab.qr import crc16_ccitt, encode_merchant_qr, parse_merchant_qr, tlv_decode, tlv_encode


def test_crc_check_value():
    # The catalogue check value of CRC-16/CCITT-FALSE over "123456789".
    assert crc16_ccitt(b"123456789") == 0x29B1
    assert crc16_ccitt(b"") == 0xFFFF
    with pytest.raises(InvalidInput):
        crc16_ccitt("123456789")


def test_static_and_dynamic_payloads():
    static = encode_merchant_qr("PAYLAB TEA SHOP", "HANGZHOU", "5812", "CNY", "CN")
    assert static.startswith("000201010211") and static[-8:-4] == "6304"
    dyn = encode_merchant_qr("PAYLAB TEA SHOP", "HANGZHOU", "5812", "CNY", "CN", Money("25.00", "CNY"),
                             reference="ORDER-42")
    data = parse_merchant_qr(dyn)
    assert data["dynamic"] and data["amount"] == Money("25.00", "CNY") and data["currency"] == "CNY"
    assert data["merchant_accounts"] == {"26": {"00": "CN.PAYLAB", "01": "M0000001"}}
    assert data["reference"] == "ORDER-42" and data["mcc"] == "5812"
    assert parse_merchant_qr(static)["amount"] is None


def test_one_digit_tamper_is_caught():
    p = encode_merchant_qr("PAYLAB TEA SHOP", "HANGZHOU", "5812", "CNY", "CN", "25.00")
    i = p.index("540525.00") + 4
    tampered = p[:i] + "9" + p[i + 1:]
    with pytest.raises(InvalidInput) as err:
        parse_merchant_qr(tampered)
    assert "CRC" in str(err.value)


@pytest.mark.parametrize("payload,rule", [
    ("", "starts with 000201"),
    ("0002010102", "length matches value"),
    ("000201010211", "ends with CRC field 63"),
    ("00020101021163041234", "CRC matches"),
    ("xx", "ID and length are 4 digits"),
])
def test_damaged_payloads(payload, rule):
    with pytest.raises(InvalidInput) as err:
        parse_merchant_qr(payload)
    assert err.value.rule == rule


def test_missing_field_is_reported():
    body = tlv_encode("00", "01") + tlv_encode("01", "11") + tlv_encode("52", "5812") + "6304"
    payload = body + f"{crc16_ccitt(body.encode()):04X}"
    with pytest.raises(InvalidInput) as err:
        parse_merchant_qr(payload)
    assert "53" in err.value.rule


@pytest.mark.parametrize("kwargs,field", [
    ({"mcc": "58"}, "mcc"), ({"country": "China"}, "country"), ({"merchant_name": "茶馆"}, "merchant_name"),
    ({"merchant_name": "X" * 26}, "merchant_name"), ({"currency_code": "ZZZ"}, "currency"),
    ({"amount": Money("1.00", "USD")}, "amount"), ({"amount": "-1.00"}, "amount"), ({"amount": "0"}, "amount"),
    ({"account_tag": "99"}, "account_tag"),
])
def test_bad_fields(kwargs, field):
    args = {"merchant_name": "SHOP", "merchant_city": "BEIJING", "mcc": "5411", "currency_code": "CNY",
            "country": "CN"} | kwargs
    with pytest.raises(InvalidInput) as err:
        encode_merchant_qr(**args)
    assert err.value.field == field


def test_tlv_round_trip_and_limits():
    assert tlv_decode(tlv_encode("59", "A") + tlv_encode("60", "B" * 99)) == [("59", "A"), ("60", "B" * 99)]
    with pytest.raises(InvalidInput):
        tlv_encode("5", "x")
    with pytest.raises(InvalidInput):
        tlv_encode("59", "")


printable = st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), min_size=1)


@given(name=printable.filter(lambda s: len(s) <= 25), city=printable.filter(lambda s: len(s) <= 15),
       mcc=st.text(alphabet="0123456789", min_size=4, max_size=4),
       code=st.sampled_from(["CNY", "USD", "JPY", "HKD", "KWD"]),
       country=st.sampled_from(["CN", "HK", "US", "JP"]),
       units=st.one_of(st.none(), st.integers(1, 10**9)),
       ref=st.one_of(st.none(), printable.filter(lambda s: len(s) <= 25)))
def test_encode_parse_round_trip(name, city, mcc, code, country, units, ref):
    amount = None if units is None else Money.from_minor(units, code)
    data = parse_merchant_qr(encode_merchant_qr(name, city, mcc, code, country, amount, reference=ref))
    assert (data["merchant_name"], data["merchant_city"], data["mcc"], data["currency"], data["country"]) == \
        (name, city, mcc, code, country)
    assert data["amount"] == amount and data["dynamic"] == (amount is not None)
    assert data.get("reference") == ref
