"""EMVCo merchant-presented QR: the rules of the specification (v1.1), tested on payloads built
field by field from its text and on paylab's own encoder."""

import json
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from paylab.errors import InvalidInput
from paylab.money import CURRENCIES, Money
from paylab.qr import (
    MAX_PAYLOAD_LENGTH,
    crc16_ccitt,
    encode_merchant_qr,
    parse_merchant_qr,
    tlv_decode,
    tlv_encode,
)

BASE = [("00", "01"), ("01", "11"), ("26", tlv_encode("00", "CN.PAYLAB") + tlv_encode("01", "M1")),
        ("52", "5812"), ("53", "156"), ("58", "CN"), ("59", "NOODLE CORNER"), ("60", "CHENGDU")]


def build(fields, crc=None):
    """A payload from (ID, value) pairs, closed by field 63 with the correct CRC over UTF-8."""
    body = "".join(f"{t}{len(v):02d}{v}" for t, v in fields) + "6304"
    return body + (crc or f"{crc16_ccitt(body.encode('utf-8')):04X}")


def with_fields(changes=(), drop=()):
    fields = [(t, v) for t, v in BASE if t not in drop and t not in dict(changes)]
    return build(fields + list(changes))


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


def test_result_keys_stay_put_for_a_plain_code():
    # Optional keys appear only when the payload has the field (chapter 2 prints this dict).
    data = parse_merchant_qr(with_fields())
    assert list(data) == ["payload_format", "dynamic", "merchant_accounts", "mcc", "currency", "amount",
                          "country", "merchant_name", "merchant_city", "crc"]


def test_point_of_initiation_is_optional():
    data = parse_merchant_qr(with_fields(drop=("01",)))
    assert data["dynamic"] is None and data["merchant_name"] == "NOODLE CORNER"
    assert parse_merchant_qr(with_fields([("01", "12")]))["dynamic"] is True


def test_primitive_merchant_accounts_02_to_25():
    # IDs 02-25 carry a card network's merchant account as a plain value (15 is UnionPay's).
    payload = with_fields([("15", "6211000000000000123")], drop=("26",))
    assert parse_merchant_qr(payload)["merchant_accounts"] == {"15": "6211000000000000123"}
    payload = encode_merchant_qr("SHOP", "BEIJING", "5411", "CNY", "CN",
                                 accounts={"02": "4000123456789010", "27": {"00": "COM.EXAMPLE", "01": "X9"}})
    assert parse_merchant_qr(payload)["merchant_accounts"] == {
        "02": "4000123456789010", "27": {"00": "COM.EXAMPLE", "01": "X9"}}


def test_chinese_name_in_the_alternate_language_template():
    payload = encode_merchant_qr("PAYLAB TEA HOUSE", "HANGZHOU", "5814", "CNY", "CN", "26.50",
                                 language_preference="ZH", alternate_name="品茶轩茶馆", alternate_city="杭州")
    # lengths count characters, not UTF-8 bytes: 64 = 0002ZH + 0105品茶轩茶馆 + 0202杭州 = 21
    assert "64210002ZH0105品茶轩茶馆0202杭州" in payload
    assert payload[-4:] == f"{crc16_ccitt(payload[:-4].encode('utf-8')):04X}"
    data = parse_merchant_qr(payload)
    assert data["alternate_language"] == {"language_preference": "ZH", "merchant_name": "品茶轩茶馆",
                                          "merchant_city": "杭州"}
    assert data["merchant_name"] == "PAYLAB TEA HOUSE"


def test_khmer_and_accents():
    khmer = "ចន ស្មីន"  # 8 code points, 24 UTF-8 bytes
    payload = with_fields([("64", tlv_encode("00", "km") + tlv_encode("01", khmer))])
    assert parse_merchant_qr(payload)["alternate_language"]["merchant_name"] == khmer
    accented = with_fields([("60", "BRASÍLIA")])
    assert parse_merchant_qr(accented)["merchant_city"] == "BRASÍLIA"
    with pytest.raises(InvalidInput) as err:
        parse_merchant_qr(accented, strict=True)
    assert err.value.field == "60"


def test_additional_data_tip_and_other_fields():
    extra = tlv_encode("01", "INV-7") + tlv_encode("05", "ORDER-9") + tlv_encode("07", "T01") \
        + tlv_encode("09", "ME") + tlv_encode("50", tlv_encode("00", "X"))
    payload = with_fields([("54", "100.00"), ("55", "02"), ("56", "1.00"), ("61", "610000"), ("62", extra),
                           ("81", tlv_encode("00", "GUID") + tlv_encode("01", "v")), ("70", "future")])
    data = parse_merchant_qr(payload)
    assert (data["bill_number"], data["reference"], data["terminal_label"], data["consumer_data_request"]) == \
        ("INV-7", "ORDER-9", "T01", "ME")
    assert data["additional_data_other"] == {"50": "0001X"}
    assert data["tip_or_convenience"] == "02" and data["convenience_fee"] == Money("1.00", "CNY")
    assert data["postal_code"] == "610000" and data["rfu"] == {"70": "future"}
    assert data["unreserved_templates"] == {"81": {"00": "GUID", "01": "v"}}
    pct = parse_merchant_qr(with_fields([("55", "03"), ("57", "3.5")]))
    assert pct["convenience_percentage"] == "3.5"


def test_amount_syntax():
    for text, expected in [("10", "10.00"), ("10.", "10.00"), ("0.9", "0.90"), ("123.45", "123.45")]:
        assert parse_merchant_qr(with_fields([("54", text)]))["amount"] == Money(expected, "CNY")
    jpy = with_fields([("53", "392"), ("54", "1000")])
    assert parse_merchant_qr(jpy)["amount"] == Money("1000", "JPY")


def test_other_currencies_from_iso4217():
    for numeric, code in [("608", "PHP"), ("116", "KHR"), ("032", "ARS"), ("704", "VND"), ("360", "IDR")]:
        assert parse_merchant_qr(with_fields([("53", numeric)]))["currency"] == code
    payload = encode_merchant_qr("RIEL SHOP", "PHNOM PENH", "5999", "KHR", "KH", "10000")
    assert parse_merchant_qr(payload)["amount"] == Money("10000", "KHR")


@pytest.mark.parametrize("changes,drop,field", [
    ([("59", "X" * 26)], (), "59"),                       # merchant name at most 25
    ([("60", "C" * 16)], (), "60"),                       # merchant city at most 15
    ([("52", "581")], (), "52"), ([("52", "1A2B")], (), "52"), ([("52", "-100")], (), "52"),
    ([("53", "999")], (), "53"), ([("53", "000")], (), "53"), ([("53", "15")], (), "53"), ([("53", "ABC")], (), "53"),
    ([("54", "0")], (), "54"), ([("54", "0.00")], (), "54"), ([("54", "-1.00")], (), "54"),
    ([("54", "1,00")], (), "54"), ([("54", "1.2.3")], (), "54"), ([("54", ".5")], (), "54"),
    ([("54", "1" * 14)], (), "54"), ([("54", "1.005")], (), "54"), ([("54", "1e3")], (), "54"),
    ([("58", "cn")], (), "58"), ([("58", "C1")], (), "58"), ([("58", "CHN")], (), "58"),
    ([("01", "13")], (), "01"), ([("59", "NOODLE\nCORNER")], (), "59"),
    ([], ("59",), "59"), ([], ("60",), "60"), ([], ("52",), "52"), ([], ("53",), "53"), ([], ("58",), "58"),
    ([], ("26",), "payload"),
    ([("26", tlv_encode("01", "M1"))], (), "26.00"), ([("26", "0001")], (), "26"),
    ([("26", tlv_encode("00", "G" * 33))], (), "26.00"),
    ([("62", tlv_encode("05", "R" * 26))], (), "62.05"), ([("62", tlv_encode("09", "AX"))], (), "62.09"),
    ([("62", tlv_encode("05", "A") + tlv_encode("05", "B"))], (), "62"),
    ([("64", tlv_encode("00", "ZH"))], (), "64.01"), ([("64", tlv_encode("01", "茶馆"))], (), "64.00"),
    ([("64", tlv_encode("00", "ZH") + tlv_encode("01", "茶" * 26))], (), "64.01"),
    ([("64", tlv_encode("00", "ZH") + tlv_encode("01", "茶") + tlv_encode("02", "杭" * 16))], (), "64.02"),
    ([("55", "02")], (), "56"), ([("56", "1.00")], (), "56"), ([("55", "01"), ("56", "1.00")], (), "56"),
    ([("55", "03"), ("57", "100")], (), "57"), ([("55", "03"), ("57", "0")], (), "57"), ([("55", "04")], (), "55"),
    ([("61", "1" * 11)], (), "61"),
])
def test_malformed_fields_are_refused_with_the_tag(changes, drop, field):
    with pytest.raises(InvalidInput) as err:
        parse_merchant_qr(with_fields(changes, drop))
    assert err.value.field == field


def test_duplicate_ids_and_damage():
    dup = build(BASE + [("59", "AGAIN")])
    with pytest.raises(InvalidInput) as err:
        parse_merchant_qr(dup)
    assert err.value.field == "59" and err.value.rule == "each ID once"
    p = encode_merchant_qr("PAYLAB TEA SHOP", "HANGZHOU", "5812", "CNY", "CN", "25.00")
    i = p.index("540525.00") + 4
    with pytest.raises(InvalidInput) as err:
        parse_merchant_qr(p[:i] + "9" + p[i + 1:])
    assert "CRC" in str(err.value)


@pytest.mark.parametrize("payload,rule", [
    ("", "starts with 000201"),
    ("0002010102", "length matches value"),
    ("000201010211", "ends with CRC field 63"),
    ("00020101021163041234", "CRC matches"),
    ("xx", "ID and length are 4 digits"),
    ("00²2010102116304ABCD", "ID and length are 4 digits"),
])
def test_damaged_payloads(payload, rule):
    with pytest.raises(InvalidInput) as err:
        parse_merchant_qr(payload)
    assert err.value.rule == rule


@pytest.mark.parametrize("payload", [None, b"000201", 42, "0" * (MAX_PAYLOAD_LENGTH + 1), "0002\ud800\ud8006304"])
def test_payload_of_the_wrong_kind(payload):
    with pytest.raises(InvalidInput) as err:
        parse_merchant_qr(payload)
    assert err.value.field == "payload"


@pytest.mark.parametrize("kwargs,field", [
    ({"mcc": "58"}, "mcc"), ({"country": "China"}, "country"), ({"merchant_name": "茶馆"}, "merchant_name"),
    ({"merchant_name": "X" * 26}, "merchant_name"), ({"merchant_city": "C" * 16}, "merchant_city"),
    ({"currency_code": "ZZZ"}, "currency"), ({"currency_code": "XAU"}, "currency"),
    ({"amount": Money("1.00", "USD")}, "amount"), ({"amount": "-1.00"}, "amount"), ({"amount": "0"}, "amount"),
    ({"amount": "12345678901.00"}, "amount"), ({"amount": 10**30}, "amount"),
    ({"convenience_fee": 10**30}, "convenience_fee"), ({"account_tag": "99"}, "account_tag"),
    ({"alternate_name": "茶馆"}, "language_preference"), ({"language_preference": "ZH"}, "alternate_name"),
    ({"language_preference": "Z1", "alternate_name": "茶馆"}, "language_preference"),
    ({"language_preference": "ZH", "alternate_name": "茶" * 26}, "alternate_name"),
    ({"language_preference": "ZH", "alternate_name": "茶", "alternate_city": "杭" * 16}, "alternate_city"),
    ({"accounts": {}}, "accounts"), ({"accounts": {"01": "x"}}, "accounts"), ({"accounts": {"52": "x"}}, "accounts"),
    ({"accounts": {"26": {"01": "no guid"}}}, "accounts[26]"), ({"accounts": {"15": "x" * 100}}, "accounts[15]"),
    ({"accounts": {"26": {"00": "G", "01": "x" * 95}}}, "accounts[26]"),
    ({"merchant_id": "x" * 90}, "merchant_id"), ({"network": "N" * 33}, "network"),
    ({"reference": "R" * 26}, "reference"), ({"additional_data": {"nickname": "x"}}, "additional_data"),
    ({"additional_data": {"consumer_data_request": "Q"}}, "additional_data[consumer_data_request]"),
    ({"postal_code": "1" * 11}, "postal_code"), ({"convenience_percentage": "100"}, "convenience_percentage"),
    ({"tip_prompt": True, "convenience_fee": "1.00"}, "convenience_fee"), ({"dynamic": "yes"}, "dynamic"),
])
def test_bad_fields(kwargs, field):
    args = {"merchant_name": "SHOP", "merchant_city": "BEIJING", "mcc": "5411", "currency_code": "CNY",
            "country": "CN"} | kwargs
    with pytest.raises(InvalidInput) as err:
        encode_merchant_qr(**args)
    assert err.value.field == field


def test_tlv_round_trip_and_limits():
    assert tlv_decode(tlv_encode("59", "A") + tlv_encode("60", "B" * 99)) == [("59", "A"), ("60", "B" * 99)]
    assert tlv_decode(tlv_encode("64", "茶" * 99)) == [("64", "茶" * 99)]
    for tag, value in [("5", "x"), ("59", ""), ("59", "x" * 100), ("５９", "x"), ("59", 5)]:
        with pytest.raises(InvalidInput):
            tlv_encode(tag, value)
    with pytest.raises(InvalidInput):
        tlv_decode(None)


printable = st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), min_size=1)
unicode_text = st.text(alphabet=st.characters(exclude_categories=("Cc", "Cs", "Zl", "Zp")), min_size=1)


@given(name=printable.filter(lambda s: len(s) <= 25), city=printable.filter(lambda s: len(s) <= 15),
       mcc=st.text(alphabet="0123456789", min_size=4, max_size=4),
       code=st.sampled_from(sorted(CURRENCIES)),
       country=st.sampled_from(["CN", "HK", "US", "JP", "KH", "PH", "BR"]),
       units=st.one_of(st.none(), st.integers(1, 10**9)),
       ref=st.one_of(st.none(), printable.filter(lambda s: len(s) <= 25)),
       alt=st.one_of(st.none(), st.tuples(st.sampled_from(["ZH", "zh", "km", "TH"]),
                                          unicode_text.filter(lambda s: len(s) <= 25),
                                          st.one_of(st.none(), unicode_text.filter(lambda s: len(s) <= 15)))),
       static_01=st.booleans())
def test_encode_parse_round_trip(name, city, mcc, code, country, units, ref, alt, static_01):
    amount = None if units is None else Money.from_minor(units, code)
    alt_kw = {} if alt is None else {"language_preference": alt[0], "alternate_name": alt[1],
                                     "alternate_city": alt[2]}
    payload = encode_merchant_qr(name, city, mcc, code, country, amount, reference=ref, **alt_kw)
    data = parse_merchant_qr(payload, strict=True)
    assert (data["merchant_name"], data["merchant_city"], data["mcc"], data["currency"], data["country"]) == \
        (name, city, mcc, code, country)
    assert data["amount"] == amount and data["dynamic"] == (amount is not None)
    assert data.get("reference") == ref
    if alt is not None:
        got = data["alternate_language"]
        assert (got["language_preference"], got["merchant_name"], got.get("merchant_city")) == alt
    if static_01:  # the same code without the optional field 01 still parses
        fields = [(t, v) for t, v in tlv_decode(payload) if t not in ("01", "63")]
        assert parse_merchant_qr(build(fields))["dynamic"] is None


@given(st.text(max_size=200))
def test_any_text_parses_or_is_refused(text):
    try:
        parse_merchant_qr(text)
    except InvalidInput:
        pass


@given(pos=st.integers(0, 10**6), ch=st.characters(), fix_crc=st.booleans())
def test_any_edit_of_a_good_code_parses_or_is_refused(pos, ch, fix_crc):
    payload = encode_merchant_qr("PAYLAB TEA HOUSE", "HANGZHOU", "5814", "CNY", "CN", "26.50",
                                 reference="ORDER-1", language_preference="ZH", alternate_name="茶馆")
    pos %= len(payload) - 4
    edited = payload[:pos] + ch + payload[pos + 1:]
    if fix_crc and unicodedata.category(ch) != "Cs":
        edited = edited[:-4] + f"{crc16_ccitt(edited[:-4].encode('utf-8')):04X}"
    try:
        data = parse_merchant_qr(edited)
    except InvalidInput:
        return
    assert isinstance(data["merchant_name"], str) and len(data["merchant_name"]) <= 25


VECTORS = Path("/work/shared/vectors/emvco_qr_payloads.json")


@pytest.mark.skipif(not VECTORS.exists(), reason="reference payloads not present")
def test_live_scheme_payloads():
    data = json.loads(VECTORS.read_text())
    for case in data["payloads"]:
        if case["group"] in ("nonconformant", "peer_invalid"):
            with pytest.raises(InvalidInput):
                parse_merchant_qr(case["payload"])
            continue
        got, want = parse_merchant_qr(case["payload"]), case["expect"]
        for key in ("merchant_name", "merchant_city", "currency", "mcc", "country"):
            assert got[key] == want[key], (case["id"], key)
        assert (got["amount"] is None) == (want["amount"] is None), case["id"]
        if want["amount"] is not None:
            assert got["amount"].amount == Money(want["amount"].rstrip("."), got["currency"]).amount
        assert {None: None, True: "12", False: "11"}[got["dynamic"]] == want["point_of_initiation"]
    for case in data["roundtrip"]["cases"]:
        assert encode_merchant_qr(*case["args"], **case["kw"]) == case["payload"]


field_ids = st.sampled_from([f"{i:02d}" for i in range(1, 100) if i != 63])
field_values = st.one_of(st.text(min_size=1, max_size=30), st.text(alphabet="0123456789.", min_size=1, max_size=14),
                         st.builds(lambda t, v: tlv_encode(t, v), field_ids, st.text(min_size=1, max_size=20)))


@given(st.lists(st.tuples(field_ids, field_values), max_size=8), st.booleans())
def test_any_well_framed_payload_parses_or_names_a_field(extra, keep_base):
    # Framing and CRC right, content arbitrary: the checks behind the CRC must all be typed.
    fields = (BASE if keep_base else BASE[:1]) + [(t, v) for t, v in extra if len(v) <= 99]
    try:
        data = parse_merchant_qr(build(fields))
    except InvalidInput as err:
        assert err.field
        return
    assert data["currency"] in CURRENCIES and len(data["mcc"]) == 4
