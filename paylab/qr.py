"""EMVCo merchant-presented QR payloads: ID-length-value fields closed by a CRC-16.

The payload a shop prints (static) or a till shows (dynamic, with the amount)
is plain text; the CRC in field 63 lets a wallet app refuse a damaged or
hand-edited code before it shows the customer a payee.
"""

from __future__ import annotations

from decimal import Decimal

from paylab.errors import InvalidInput
from paylab.money import Money, currency

__all__ = ["crc16_ccitt", "encode_merchant_qr", "parse_merchant_qr", "tlv_encode", "tlv_decode",
           "FIELD_NAMES"]

FIELD_NAMES = {
    "00": "payload format indicator",
    "01": "point of initiation (11 static, 12 dynamic)",
    "52": "merchant category code",
    "53": "transaction currency (ISO 4217 numeric)",
    "54": "transaction amount",
    "58": "country code",
    "59": "merchant name",
    "60": "merchant city",
    "62": "additional data",
    "63": "CRC",
}
for _tag in range(26, 52):
    FIELD_NAMES[f"{_tag:02d}"] = "merchant account information"


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


def tlv_encode(tag: str, value: str) -> str:
    """One field: two-digit ID, two-digit length, value (1 to 99 characters)."""
    if len(tag) != 2 or not tag.isdigit():
        raise InvalidInput("tag", "two digits", f"field ID {tag!r} must be two digits")
    if not 1 <= len(value) <= 99:
        raise InvalidInput(f"field {tag}", "1 to 99 characters",
                           f"field {tag} value has {len(value)} characters; allowed 1 to 99")
    return f"{tag}{len(value):02d}{value}"


def tlv_decode(payload: str, *, where: str = "payload") -> list[tuple[str, str]]:
    """Split a payload into (ID, value) pairs, checking every length."""
    fields = []
    i = 0
    while i < len(payload):
        head = payload[i:i + 4]
        if len(head) < 4 or not head.isdigit():
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


def _ascii_field(name: str, value: str, limit: int) -> str:
    if not isinstance(value, str) or not value or len(value) > limit:
        raise InvalidInput(name, f"1 to {limit} characters", f"{name} must be 1 to {limit} characters")
    if not value.isascii() or not value.isprintable():
        raise InvalidInput(name, "printable ASCII",
                           f"{name} {value!r} must be printable ASCII (use the alternate-language "
                           "template 64 for Chinese names)")
    return value


def encode_merchant_qr(merchant_name: str, merchant_city: str, mcc: str, currency_code: str,
                       country: str, amount: Money | Decimal | str | None = None, *,
                       merchant_id: str = "M0000001", network: str = "CN.PAYLAB",
                       account_tag: str = "26", dynamic: bool | None = None,
                       reference: str | None = None) -> str:
    """Build an EMVCo merchant-presented payload; with an amount it is dynamic (tag 01 = 12).

    The merchant account template (tag 26 by default) holds the network's id in
    sub-field 00 and the merchant's id in sub-field 01.
    """
    cur = currency(currency_code)
    if not (isinstance(mcc, str) and len(mcc) == 4 and mcc.isdigit()):
        raise InvalidInput("mcc", "four digits", f"merchant category code {mcc!r} must be 4 digits")
    if not (isinstance(country, str) and len(country) == 2 and country.isalpha() and country.isupper()):
        raise InvalidInput("country", "ISO 3166 alpha-2", f"country {country!r} must be like 'CN'")
    if not (isinstance(account_tag, str) and account_tag.isdigit() and 26 <= int(account_tag) <= 51):
        raise InvalidInput("account_tag", "26 to 51", "merchant account templates are tags 26 to 51")
    if dynamic is None:
        dynamic = amount is not None
    parts = [tlv_encode("00", "01"), tlv_encode("01", "12" if dynamic else "11"),
             tlv_encode(account_tag, tlv_encode("00", _ascii_field("network", network, 32))
                        + tlv_encode("01", _ascii_field("merchant_id", merchant_id, 40))),
             tlv_encode("52", mcc), tlv_encode("53", cur.numeric)]
    if amount is not None:
        money = amount if isinstance(amount, Money) else Money(amount, cur)
        if money.currency != cur:
            raise InvalidInput("amount", "same currency as currency_code",
                               f"amount is in {money.currency.code}, payload in {cur.code}")
        if money.amount <= 0:
            raise InvalidInput("amount", "positive", "a QR amount must be positive")
        parts.append(tlv_encode("54", _ascii_field("amount", f"{money.amount}", 13)))
    parts += [tlv_encode("58", country), tlv_encode("59", _ascii_field("merchant_name", merchant_name, 25)),
              tlv_encode("60", _ascii_field("merchant_city", merchant_city, 15))]
    if reference is not None:
        parts.append(tlv_encode("62", tlv_encode("05", _ascii_field("reference", reference, 25))))
    body = "".join(parts) + "6304"
    return body + f"{crc16_ccitt(body.encode('ascii')):04X}"


def parse_merchant_qr(payload: str) -> dict:
    """Parse and check a payload: every length, the field order rules and the CRC."""
    if not isinstance(payload, str) or not payload.isascii():
        raise InvalidInput("payload", "ASCII string", "a merchant QR payload is an ASCII string")
    fields = tlv_decode(payload)
    tags = [t for t, _ in fields]
    if not tags or tags[0] != "00" or fields[0][1] != "01":
        raise InvalidInput("payload", "starts with 000201", "payload must start with field 00 = '01'")
    if tags[-1] != "63" or len(fields[-1][1]) != 4:
        raise InvalidInput("payload", "ends with CRC field 63", "payload must end with 6304 and 4 hex digits")
    if len(set(tags)) != len(tags):
        raise InvalidInput("payload", "each ID once", "a field ID appears twice")
    expected = crc16_ccitt(payload[:-4].encode("ascii"))
    given = fields[-1][1].upper()
    if given != f"{expected:04X}":
        raise InvalidInput("payload", "CRC matches",
                           f"CRC mismatch: payload says {given}, content gives {expected:04X}; "
                           "the code was damaged or edited")
    data = dict(fields)
    for required in ("01", "52", "53", "58", "59", "60"):
        if required not in data:
            raise InvalidInput("payload", f"has field {required}",
                               f"missing field {required} ({FIELD_NAMES[required]})")
    accounts = {t: dict(tlv_decode(v, where=f"field {t}")) for t, v in fields if 26 <= int(t) <= 51}
    if not accounts:
        raise InvalidInput("payload", "has a merchant account (26-51)", "no merchant account field")
    if data["01"] not in ("11", "12"):
        raise InvalidInput("payload", "01 is 11 or 12", f"point of initiation {data['01']!r} is not 11/12")
    cur = currency(data["53"])
    result = {
        "payload_format": data["00"],
        "dynamic": data["01"] == "12",
        "merchant_accounts": accounts,
        "mcc": data["52"],
        "currency": cur.code,
        "amount": Money(data["54"], cur) if "54" in data else None,
        "country": data["58"],
        "merchant_name": data["59"],
        "merchant_city": data["60"],
        "crc": given,
    }
    if "62" in data:
        extra = dict(tlv_decode(data["62"], where="field 62"))
        result["reference"] = extra.get("05")
    return result
