"""EMVCo merchant-presented QR payloads: ID-length-value fields closed by a CRC-16.

The payload a shop prints (static) or a till shows (dynamic, with the amount)
is plain text; the CRC in field 63 lets a wallet app refuse a damaged or
hand-edited code before it shows the customer a payee.

The rules follow the EMV QR Code Specification for Payment Systems,
Merchant-Presented Mode, version 1.1 (EMVCo, 2020; ``emvcoqr`` in references.bib, with
UnionPay International's encoding notes, ``unionpay_mpm_encoding`` in bib/package.bib):

* every data object is a two-digit ID, a two-digit length and a value; the
  length counts *characters* (Unicode code points), not UTF-8 bytes, and the
  CRC is CRC-16/CCITT-FALSE over the UTF-8 bytes up to and including ``6304``;
* ``00`` (format ``01``) comes first and ``63`` (CRC) last; ``01`` (11 static,
  12 dynamic) is optional; IDs ``02``–``25`` hold a card network's merchant
  account as a primitive value (02/03 Visa, 04/05 Mastercard, 09/10 Discover,
  11/12 Amex, 13/14 JCB, 15/16 UnionPay), ``26``–``51`` are templates whose
  sub-field ``00`` is the network's globally unique identifier (GUID);
* formats: *N* digits, *ans* the printable ASCII characters, *S* any Unicode
  text. Names and cities are *ans* (59 at most 25, 60 at most 15 characters);
  a name in Chinese or Khmer goes in the alternate-language template ``64``
  (00 language, 01 name, 02 city, in format *S*).

``parse_merchant_qr`` checks every field's format and refuses a bad one with
``InvalidInput`` whose ``field`` is the tag (``"59"``, ``"62.05"`` …).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from decimal import Decimal

from paylab.errors import InvalidInput
from paylab.money import Currency, Money, currency

__all__ = ["crc16_ccitt", "encode_merchant_qr", "parse_merchant_qr", "tlv_encode", "tlv_decode",
           "FIELD_NAMES", "ADDITIONAL_DATA_NAMES", "ACCOUNT_NETWORKS", "MAX_PAYLOAD_LENGTH"]

#: a work bound: the alphanumeric capacity of the largest QR symbol (version 40-L)
MAX_PAYLOAD_LENGTH = 4296

FIELD_NAMES = {
    "00": "payload format indicator",
    "01": "point of initiation (11 static, 12 dynamic)",
    "52": "merchant category code",
    "53": "transaction currency (ISO 4217 numeric)",
    "54": "transaction amount",
    "55": "tip or convenience indicator",
    "56": "convenience fee, fixed",
    "57": "convenience fee, percentage",
    "58": "country code",
    "59": "merchant name",
    "60": "merchant city",
    "61": "postal code",
    "62": "additional data",
    "63": "CRC",
    "64": "merchant information, alternate language",
}
for _tag in range(2, 26):
    FIELD_NAMES[f"{_tag:02d}"] = "merchant account information (primitive)"
for _tag in range(26, 52):
    FIELD_NAMES[f"{_tag:02d}"] = "merchant account information (template)"
for _tag in range(65, 80):
    FIELD_NAMES[f"{_tag:02d}"] = "reserved for future use"
for _tag in range(80, 100):
    FIELD_NAMES[f"{_tag:02d}"] = "unreserved template"

#: who the primitive account IDs 02–25 are reserved for (the rest are reserved by EMVCo)
ACCOUNT_NETWORKS = {"02": "Visa", "03": "Visa", "04": "Mastercard", "05": "Mastercard",
                    "09": "Discover", "10": "Discover", "11": "Amex", "12": "Amex",
                    "13": "JCB", "14": "JCB", "15": "UnionPay", "16": "UnionPay"}

#: sub-fields of the additional data template 62: ID -> (result key, maximum length)
ADDITIONAL_DATA_NAMES: dict[str, tuple[str, int]] = {
    "01": ("bill_number", 25), "02": ("mobile_number", 25), "03": ("store_label", 25),
    "04": ("loyalty_number", 25), "05": ("reference", 25), "06": ("customer_label", 25),
    "07": ("terminal_label", 25), "08": ("purpose", 25), "09": ("consumer_data_request", 3),
    "10": ("merchant_tax_id", 20), "11": ("merchant_channel", 3),
}
_ADDITIONAL_BY_NAME = {name: (tag, limit) for tag, (name, limit) in ADDITIONAL_DATA_NAMES.items()}

_AMOUNT = re.compile(r"[0-9]+(\.[0-9]*)?")
_FORBIDDEN = {"Cc", "Cs", "Zl", "Zp"}  # control characters, lone surrogates, line breaks


def crc16_ccitt(data: bytes) -> int:
    """CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF, no reflection, no final XOR)."""
    if not isinstance(data, (bytes, bytearray)):
        raise InvalidInput("data", "must be bytes", "crc16_ccitt takes bytes; encode text first")
    crc = 0xFFFF
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else (crc << 1)
            crc &= 0xFFFF
    return crc


def _is_digits(text: str) -> bool:
    return text.isascii() and text.isdigit()


def tlv_encode(tag: str, value: str) -> str:
    """One field: two-digit ID, two-digit length, value (1 to 99 characters, counted as the
    specification counts them: Unicode characters, not bytes)."""
    if not isinstance(tag, str) or len(tag) != 2 or not _is_digits(tag):
        raise InvalidInput("tag", "two digits", f"field ID {tag!r} must be two digits")
    if not isinstance(value, str):
        raise InvalidInput(f"field {tag}", "a string", f"field {tag} value must be text")
    if not 1 <= len(value) <= 99:
        raise InvalidInput(f"field {tag}", "1 to 99 characters",
                           f"field {tag} value has {len(value)} characters; allowed 1 to 99")
    return f"{tag}{len(value):02d}{value}"


def tlv_decode(payload: str, *, where: str = "payload") -> list[tuple[str, str]]:
    """Split a payload (or a template's value) into (ID, value) pairs, checking every length."""
    if not isinstance(payload, str):
        raise InvalidInput(where, "a string", f"{where} must be text, not {type(payload).__name__}")
    fields = []
    i = 0
    while i < len(payload):
        head = payload[i:i + 4]
        if len(head) < 4 or not _is_digits(head):
            raise InvalidInput(where, "ID and length are 4 digits",
                               f"at position {i}: expected a 2-digit ID and 2-digit length, got {head!r}")
        tag, length = head[:2], int(head[2:])
        value = payload[i + 4:i + 4 + length]
        if length == 0 or len(value) != length:
            raise InvalidInput(where, "length matches value",
                               f"field {tag} at position {i} says length {length} "
                               f"but {len(value)} characters follow")
        fields.append((tag, value))
        i += 4 + length
    return fields


# --- formats ------------------------------------------------------------------------------

def _label(tag: str) -> str:
    top = tag.split(".")[0]
    name = FIELD_NAMES.get(top, "field")
    return f"{name} ({tag})" if "." not in tag else f"sub-field {tag} of {name}"


def _check_text(tag: str, value: str, limit: int, fmt: str, *, exact: bool = False) -> str:
    """Check one value against its format ('N', 'ans' or 'S') and its length in characters."""
    n = len(value)
    if (exact and n != limit) or not 1 <= n <= limit:
        rule = f"exactly {limit} characters" if exact else f"1 to {limit} characters"
        raise InvalidInput(tag, rule, f"{_label(tag)} is {n} characters; the rule is {rule}")
    if fmt == "N" and not _is_digits(value):
        raise InvalidInput(tag, "digits only", f"{_label(tag)} {value!r} must be digits only")
    if fmt == "ans" and not all(" " <= ch <= "~" for ch in value):
        raise InvalidInput(tag, "printable ASCII (ans)",
                           f"{_label(tag)} {value!r} must be printable ASCII; names in other scripts "
                           "go in the alternate-language template 64")
    if any(unicodedata.category(ch) in _FORBIDDEN for ch in value):
        raise InvalidInput(tag, "no control characters",
                           f"{_label(tag)} contains control characters or line breaks")
    return value


def _amount(tag: str, text: str, cur: Currency, limit: int = 13) -> Money:
    """An amount as EMVCo writes it: digits, at most one '.', not zero, in the currency's minor unit."""
    _check_text(tag, text, limit, "ans")
    if not _AMOUNT.fullmatch(text):
        raise InvalidInput(tag, "digits with one optional '.'",
                           f"{_label(tag)} {text!r} must be digits with at most one '.' as decimal mark")
    value = Decimal(text)
    if value == 0:
        raise InvalidInput(tag, "not zero", f"{_label(tag)} must not be zero")
    if value != value.quantize(cur.quantum):
        raise InvalidInput(tag, f"at most {cur.exponent} decimals for {cur.code}",
                           f"{_label(tag)} {text} has more decimals than {cur.code} has minor units "
                           f"({cur.exponent})")
    return Money(value, cur)


def _template(tag: str, value: str) -> dict[str, str]:
    fields = tlv_decode(value, where=tag)
    sub = [t for t, _ in fields]
    if len(set(sub)) != len(sub):
        raise InvalidInput(tag, "each sub-field ID once", f"a sub-field ID appears twice in {_label(tag)}")
    return dict(fields)


def _gui_template(tag: str, value: str, strict: bool) -> dict[str, str]:
    """A template whose sub-field 00 is a globally unique identifier (26–51, 80–99)."""
    data = _template(tag, value)
    if "00" not in data:
        raise InvalidInput(f"{tag}.00", "present", f"{_label(tag)} has no sub-field 00 (the network's GUID)")
    _check_text(f"{tag}.00", data["00"], 32, "ans" if strict else "S")
    for sub, v in data.items():
        if sub != "00":
            _check_text(f"{tag}.{sub}", v, 99, "ans" if strict else "S")
    return data


# --- parse --------------------------------------------------------------------------------

def _split_checked(payload: object) -> list[tuple[str, str]]:
    if not isinstance(payload, str):
        raise InvalidInput("payload", "a string", "a merchant QR payload is text (a string)")
    if len(payload) > MAX_PAYLOAD_LENGTH:
        raise InvalidInput("payload", f"at most {MAX_PAYLOAD_LENGTH} characters",
                           f"payload has {len(payload)} characters; no QR code holds more than "
                           f"{MAX_PAYLOAD_LENGTH}")
    if any(unicodedata.category(ch) == "Cs" for ch in payload):
        raise InvalidInput("payload", "valid Unicode text", "payload contains lone surrogates")
    fields = tlv_decode(payload)
    tags = [t for t, _ in fields]
    if not tags or tags[0] != "00" or fields[0][1] != "01":
        raise InvalidInput("payload", "starts with 000201", "payload must start with field 00 = '01'")
    if tags[-1] != "63" or len(fields[-1][1]) != 4:
        raise InvalidInput("payload", "ends with CRC field 63", "payload must end with 6304 and 4 hex digits")
    if len(set(tags)) != len(tags):
        twice = sorted({t for t in tags if tags.count(t) > 1})
        raise InvalidInput(twice[0], "each ID once", f"field {twice[0]} appears more than once")
    given = fields[-1][1].upper()
    expected = crc16_ccitt(payload[:-4].encode("utf-8"))
    if given != f"{expected:04X}":
        raise InvalidInput("payload", "CRC matches",
                           f"CRC mismatch: payload says {given}, content gives {expected:04X}; "
                           "the code was damaged or edited")
    return fields


def parse_merchant_qr(payload: str, *, strict: bool = False) -> dict:
    """Parse and check a payload: every length, every field's format, the field rules and the CRC.

    Returns a dict with ``payload_format``, ``dynamic`` (True for 01 = 12, False for 11,
    None when the optional field 01 is absent), ``merchant_accounts`` (ID -> value for the
    primitive IDs 02–25, ID -> sub-field dict for the templates 26–51), ``mcc``, ``currency``,
    ``amount`` (Money or None), ``country``, ``merchant_name``, ``merchant_city`` and ``crc``;
    then, only when the payload has them, the sub-fields of 62 by name (``reference`` for 62.05,
    ``bill_number`` …), ``tip_or_convenience``, ``convenience_fee``, ``convenience_percentage``,
    ``postal_code``, ``alternate_language`` (64), ``unreserved_templates`` (80–99: a sub-field
    dict, or the text itself where a scheme puts a plain value there) and ``rfu`` (65–79).

    Schemes such as Pix print accented cities in fields the specification gives as ASCII
    (*ans*); by default they are read (lengths still in characters); ``strict=True`` refuses them.
    """
    fields = _split_checked(payload)
    data = dict(fields)
    text = "ans" if strict else "S"
    for required in ("52", "53", "58", "59", "60"):
        if required not in data:
            raise InvalidInput(required, "present", f"missing field {required} ({FIELD_NAMES[required]})")
    _check_text("00", data["00"], 2, "N", exact=True)
    dynamic = None
    if "01" in data:
        if data["01"] not in ("11", "12"):
            raise InvalidInput("01", "11 or 12", f"point of initiation {data['01']!r} is not 11 (static) "
                               "or 12 (dynamic)")
        dynamic = data["01"] == "12"
    accounts: dict[str, str | dict[str, str]] = {}
    for tag, value in fields:
        if 2 <= int(tag) <= 25:
            accounts[tag] = _check_text(tag, value, 99, text)
        elif 26 <= int(tag) <= 51:
            accounts[tag] = _gui_template(tag, value, strict)
    if not accounts:
        raise InvalidInput("payload", "has a merchant account (02-51)",
                           "no merchant account field (IDs 02 to 51): nobody to pay")
    mcc = _check_text("52", data["52"], 4, "N", exact=True)
    _check_text("53", data["53"], 3, "N", exact=True)
    try:
        cur = currency(data["53"])
    except InvalidInput as exc:
        raise InvalidInput("53", "ISO 4217 numeric code", f"transaction currency (53): {exc.message}") from None
    amount = _amount("54", data["54"], cur) if "54" in data else None
    country = _check_text("58", data["58"], 2, "ans", exact=True)
    if not (country.isalpha() and country.isupper()):
        raise InvalidInput("58", "ISO 3166-1 alpha-2", f"country code (58) {country!r} must be two capital "
                           "letters like 'CN'")
    result: dict = {
        "payload_format": data["00"],
        "dynamic": dynamic,
        "merchant_accounts": accounts,
        "mcc": mcc,
        "currency": cur.code,
        "amount": amount,
        "country": country,
        "merchant_name": _check_text("59", data["59"], 25, text),
        "merchant_city": _check_text("60", data["60"], 15, text),
        "crc": data["63"].upper(),
    }
    if "62" in data:
        result.update(_additional_data(data["62"], strict))
    result.update(_tip_and_fees(data, cur))
    if "61" in data:
        result["postal_code"] = _check_text("61", data["61"], 10, text)
    if "64" in data:
        result["alternate_language"] = _language_template(data["64"], strict)
    unreserved = {t: _unreserved(t, v, strict) for t, v in fields if 80 <= int(t) <= 99}
    if unreserved:
        result["unreserved_templates"] = unreserved
    rfu = {t: v for t, v in fields if 65 <= int(t) <= 79}
    if rfu:  # reserved IDs: a reader keeps going (the code may be newer than the reader)
        result["rfu"] = rfu
    return result


def _unreserved(tag: str, value: str, strict: bool) -> dict[str, str] | str:
    """IDs 80–99 are templates (GUID in 00) by the specification; some national schemes
    (Argentina's, for one) put plain values there, which the default reading keeps as text."""
    if strict:
        return _gui_template(tag, value, strict)
    try:
        return _gui_template(tag, value, strict)
    except InvalidInput:
        return _check_text(tag, value, 99, "S")


def _additional_data(value: str, strict: bool) -> dict[str, object]:
    out: dict[str, object] = {}
    other: dict[str, str] = {}
    for sub, v in _template("62", value).items():
        tag = f"62.{sub}"
        if sub in ADDITIONAL_DATA_NAMES:
            name, limit = ADDITIONAL_DATA_NAMES[sub]
            _check_text(tag, v, limit, "ans" if strict else "S", exact=sub == "11")
            if sub == "09" and not set(v) <= set("AME"):
                raise InvalidInput(tag, "letters A, M, E", f"{_label(tag)} {v!r} may hold only A, M and E")
            out[name] = v
        else:  # 12–49 reserved, 50–99 payment-system specific templates: kept as given
            other[sub] = _check_text(tag, v, 99, "S")
    if other:
        out["additional_data_other"] = other
    return out


def _tip_and_fees(data: dict[str, str], cur: Currency) -> dict[str, object]:
    out: dict[str, object] = {}
    indicator = data.get("55")
    if indicator is None:
        for tag in ("56", "57"):
            if tag in data:
                raise InvalidInput(tag, "only with 55", f"{_label(tag)} needs the tip or convenience "
                                   "indicator 55")
        return out
    _check_text("55", indicator, 2, "N", exact=True)
    if indicator not in ("01", "02", "03"):
        raise InvalidInput("55", "01, 02 or 03", f"tip or convenience indicator {indicator!r} is not 01 "
                           "(prompt for a tip), 02 (fixed fee) or 03 (percentage fee)")
    out["tip_or_convenience"] = indicator
    needed = {"01": None, "02": "56", "03": "57"}[indicator]
    for tag in ("56", "57"):
        if tag == needed and tag not in data:
            raise InvalidInput(tag, "present when 55 asks for it", f"55 = {indicator} needs field {tag}")
        if tag != needed and tag in data:
            raise InvalidInput(tag, f"absent when 55 is {indicator}", f"field {tag} must not be present "
                               f"when 55 = {indicator}")
    if needed == "56":
        out["convenience_fee"] = _amount("56", data["56"], cur)
    if needed == "57":
        pct = data["57"]
        _check_text("57", pct, 5, "ans")
        if not _AMOUNT.fullmatch(pct) or not 0 < Decimal(pct) < 100:
            raise InvalidInput("57", "between 00.01 and 99.99",
                               f"convenience fee percentage (57) {pct!r} must be a number between 00.01 "
                               "and 99.99")
        out["convenience_percentage"] = pct
    return out


def _language_template(value: str, strict: bool) -> dict[str, str]:
    data = _template("64", value)
    for sub in ("00", "01"):
        if sub not in data:
            raise InvalidInput(f"64.{sub}", "present", f"the alternate-language template 64 needs sub-field {sub}")
    lang = _check_text("64.00", data["00"], 2, "ans", exact=True)
    if not lang.isalpha():
        raise InvalidInput("64.00", "ISO 639 two letters", f"language preference {lang!r} must be two letters")
    out = {"language_preference": lang, "merchant_name": _check_text("64.01", data["01"], 25, "S")}
    if "02" in data:
        out["merchant_city"] = _check_text("64.02", data["02"], 15, "S")
    for sub, v in data.items():
        if sub not in ("00", "01", "02"):
            _check_text(f"64.{sub}", v, 99, "S")  # reserved: checked, not interpreted
    return out


# --- encode -------------------------------------------------------------------------------

def _arg_text(name: str, value: object, limit: int, fmt: str = "ans") -> str:
    if not isinstance(value, str):
        raise InvalidInput(name, "a string", f"{name} must be a string, not {type(value).__name__}")
    try:
        return _check_text(name, value, limit, fmt)
    except InvalidInput as exc:  # name the parameter, keep the rule
        raise InvalidInput(name, exc.rule or "format", f"{name}: {exc.message}") from None


def _account_fields(accounts: object) -> list[str]:
    if not isinstance(accounts, Mapping) or not accounts:
        raise InvalidInput("accounts", "a non-empty mapping",
                           "accounts maps IDs 02-51 to a value (02-25) or a sub-field mapping (26-51)")
    parts = []
    for tag in sorted(accounts, key=str):
        value = accounts[tag]
        if not (isinstance(tag, str) and len(tag) == 2 and _is_digits(tag) and 2 <= int(tag) <= 51):
            raise InvalidInput("accounts", "IDs 02 to 51", f"merchant account ID {tag!r} must be '02' to '51'")
        if int(tag) <= 25:
            parts.append(tlv_encode(tag, _arg_text(f"accounts[{tag}]", value, 99)))
            continue
        if not isinstance(value, Mapping) or "00" not in value:
            raise InvalidInput(f"accounts[{tag}]", "sub-fields with a GUID in 00",
                               f"template {tag} is a mapping of sub-field IDs with the network's GUID in '00'")
        inner = ""
        for sub in sorted(value, key=str):
            if not (isinstance(sub, str) and len(sub) == 2 and _is_digits(sub)):
                raise InvalidInput(f"accounts[{tag}]", "sub-field IDs 00 to 99", f"sub-field ID {sub!r}")
            inner += tlv_encode(sub, _arg_text(f"accounts[{tag}][{sub}]", value[sub], 32 if sub == "00" else 99))
        if len(inner) > 99:
            raise InvalidInput(f"accounts[{tag}]", "template of at most 99 characters",
                               f"template {tag} would be {len(inner)} characters; at most 99")
        parts.append(tlv_encode(tag, inner))
    return parts


def _money_arg(name: str, value: object, cur: Currency) -> Money:
    try:
        money = value if isinstance(value, Money) else Money(value, cur)  # type: ignore[arg-type]
    except InvalidInput as exc:  # Money refuses a value past a 64-bit count of minor units
        if "minor units" not in (exc.rule or ""):
            raise
        raise InvalidInput(name, "at most 13 characters", f"{name} is far too large for a QR code") from None
    if money.currency != cur:
        raise InvalidInput(name, "same currency as currency_code",
                           f"{name} is in {money.currency.code}, payload in {cur.code}")
    if money.amount <= 0:
        raise InvalidInput(name, "positive", f"a QR {name} must be positive")
    text = format(money.amount, "f")
    if len(text) > 13:
        raise InvalidInput(name, "at most 13 characters", f"{name} {text} is longer than 13 characters")
    return money


def encode_merchant_qr(merchant_name: str, merchant_city: str, mcc: str, currency_code: str,
                       country: str, amount: Money | Decimal | str | None = None, *,
                       merchant_id: str = "M0000001", network: str = "CN.PAYLAB",
                       account_tag: str = "26", accounts: Mapping[str, object] | None = None,
                       dynamic: bool | None = None, reference: str | None = None,
                       additional_data: Mapping[str, str] | None = None,
                       postal_code: str | None = None, language_preference: str | None = None,
                       alternate_name: str | None = None, alternate_city: str | None = None,
                       tip_prompt: bool = False, convenience_fee: Money | Decimal | str | None = None,
                       convenience_percentage: str | None = None) -> str:
    """Build an EMVCo merchant-presented payload; with an amount it is dynamic (tag 01 = 12).

    The merchant account template (tag 26 by default) holds the network's id in
    sub-field 00 and the merchant's id in sub-field 01; ``accounts`` replaces it with
    any IDs 02–51 (``{"15": "6211..."}`` for a UnionPay account, ``{"27": {"00": guid, …}}``).
    A name in Chinese goes in ``alternate_name`` with ``language_preference="ZH"``
    (template 64); ``additional_data`` takes 62's sub-fields by ID or name.
    """
    cur = currency(currency_code)
    if not (isinstance(mcc, str) and len(mcc) == 4 and _is_digits(mcc)):
        raise InvalidInput("mcc", "four digits", f"merchant category code {mcc!r} must be 4 digits")
    if not (isinstance(country, str) and len(country) == 2 and country.isascii() and country.isalpha()
            and country.isupper()):
        raise InvalidInput("country", "ISO 3166 alpha-2", f"country {country!r} must be like 'CN'")
    if accounts is None:
        if not (isinstance(account_tag, str) and len(account_tag) == 2 and _is_digits(account_tag)
                and 26 <= int(account_tag) <= 51):
            raise InvalidInput("account_tag", "26 to 51", "merchant account templates are tags 26 to 51")
        template = (tlv_encode("00", _arg_text("network", network, 32))
                    + tlv_encode("01", _arg_text("merchant_id", merchant_id, 99)))
        if len(template) > 99:
            raise InvalidInput("merchant_id", "template of at most 99 characters",
                               f"network and merchant_id make a template of {len(template)} characters; "
                               "at most 99")
        account_parts = [tlv_encode(account_tag, template)]
    else:
        account_parts = _account_fields(accounts)
    if dynamic is None:
        dynamic = amount is not None
    if not isinstance(dynamic, bool):
        raise InvalidInput("dynamic", "True, False or None", "dynamic is True, False or None")
    parts = [tlv_encode("00", "01"), tlv_encode("01", "12" if dynamic else "11"), *account_parts,
             tlv_encode("52", mcc), tlv_encode("53", cur.numeric)]
    if amount is not None:
        parts.append(tlv_encode("54", format(_money_arg("amount", amount, cur).amount, "f")))
    parts += _fee_parts(tip_prompt, convenience_fee, convenience_percentage, cur)
    parts += [tlv_encode("58", country), tlv_encode("59", _arg_text("merchant_name", merchant_name, 25)),
              tlv_encode("60", _arg_text("merchant_city", merchant_city, 15))]
    if postal_code is not None:
        parts.append(tlv_encode("61", _arg_text("postal_code", postal_code, 10)))
    extra = _additional_parts(reference, additional_data)
    if extra:
        if len(extra) > 99:
            raise InvalidInput("additional_data", "template of at most 99 characters",
                               f"the additional data would be {len(extra)} characters; at most 99")
        parts.append(tlv_encode("62", extra))
    parts += _language_parts(language_preference, alternate_name, alternate_city)
    body = "".join(parts) + "6304"
    return body + f"{crc16_ccitt(body.encode('utf-8')):04X}"


def _fee_parts(tip_prompt: bool, fee: object, pct: object, cur: Currency) -> list[str]:
    if not isinstance(tip_prompt, bool):
        raise InvalidInput("tip_prompt", "True or False", "tip_prompt is True or False")
    chosen = [n for n, v in (("tip_prompt", tip_prompt or None), ("convenience_fee", fee),
                             ("convenience_percentage", pct)) if v is not None]
    if len(chosen) > 1:
        raise InvalidInput(chosen[1], "one of tip_prompt, convenience_fee, convenience_percentage",
                           "field 55 holds one choice: a tip prompt, a fixed fee or a percentage")
    if tip_prompt:
        return [tlv_encode("55", "01")]
    if fee is not None:
        return [tlv_encode("55", "02"), tlv_encode("56", format(_money_arg("convenience_fee", fee, cur).amount, "f"))]
    if pct is not None:
        text = _arg_text("convenience_percentage", pct, 5)
        if not _AMOUNT.fullmatch(text) or not 0 < Decimal(text) < 100:
            raise InvalidInput("convenience_percentage", "between 00.01 and 99.99",
                               f"convenience_percentage {text!r} must be a number between 00.01 and 99.99")
        return [tlv_encode("55", "03"), tlv_encode("57", text)]
    return []


def _additional_parts(reference: object, additional: object) -> str:
    items: dict[str, str] = {}
    if additional is not None:
        if not isinstance(additional, Mapping):
            raise InvalidInput("additional_data", "a mapping", "additional_data maps sub-field IDs or names to text")
        for key, value in additional.items():
            if key in _ADDITIONAL_BY_NAME:
                tag, limit = _ADDITIONAL_BY_NAME[key]
            elif key in ADDITIONAL_DATA_NAMES:
                tag, limit = key, ADDITIONAL_DATA_NAMES[key][1]
            else:
                raise InvalidInput("additional_data", "known sub-field",
                                   f"{key!r} is not a sub-field of 62; use one of "
                                   f"{', '.join(_ADDITIONAL_BY_NAME)}")
            items[tag] = _arg_text(f"additional_data[{key}]", value, limit)
    if reference is not None:
        if "05" in items:
            raise InvalidInput("reference", "given once", "reference is given twice (also in additional_data)")
        items["05"] = _arg_text("reference", reference, 25)
    if "09" in items and not set(items["09"]) <= set("AME"):
        raise InvalidInput("additional_data[consumer_data_request]", "letters A, M, E",
                           "consumer_data_request holds only A (address), M (mobile) and E (e-mail)")
    if "11" in items and len(items["11"]) != 3:
        raise InvalidInput("additional_data[merchant_channel]", "exactly 3 characters",
                           "merchant_channel is 3 characters")
    return "".join(tlv_encode(tag, items[tag]) for tag in sorted(items))


def _language_parts(lang: object, name: object, city: object) -> list[str]:
    if lang is None and name is None and city is None:
        return []
    if lang is None or name is None:
        raise InvalidInput("language_preference" if lang is None else "alternate_name", "present",
                           "template 64 needs both language_preference (like 'ZH') and alternate_name")
    code = _arg_text("language_preference", lang, 2)
    if len(code) != 2 or not code.isalpha():
        raise InvalidInput("language_preference", "ISO 639 two letters",
                           f"language_preference {code!r} must be two letters like 'ZH'")
    inner = tlv_encode("00", code) + tlv_encode("01", _arg_text("alternate_name", name, 25, "S"))
    if city is not None:
        inner += tlv_encode("02", _arg_text("alternate_city", city, 15, "S"))
    return [tlv_encode("64", inner)]
