"""Questions of lab 0, *Money, cards and QR codes* (labs/lab0_money_and_qr.ipynb)."""

from __future__ import annotations

import random

from paylab.cards import card_brand, luhn_check_digit, luhn_valid
from paylab.checks import expect, question, wrong
from paylab.errors import InvalidInput
from paylab.money import Money
from paylab.qr import encode_merchant_qr, parse_merchant_qr


@question("lab0.q1", title="Split a payment without losing a fen", points=2,
          hint="Work in integer minor units; hand the leftover units out one at a time.")
def _q1(split_payment) -> None:
    cases = [(Money("100.00", "CNY"), [1, 1, 1]), (Money("0.05", "CNY"), [1, 1, 1, 1]),
             (Money("999.99", "CNY"), [70, 20, 10]), (Money("1000", "JPY"), [1, 2]),
             (Money("10.00", "USD"), [3, 0, 7])]
    for total, ratios in cases:
        parts = split_payment(total, ratios)
        expect(isinstance(parts, list) and len(parts) == len(ratios),
               "split_payment({total!r}, {ratios}) must return a list with one Money per ratio",
               total=total, ratios=ratios)
        expect(all(isinstance(p, Money) and p.currency == total.currency for p in parts),
               "every part must be Money in the currency of the total")
        expect(sum(parts) == total, "the parts of {total} for ratios {ratios} add up to {got}",
               total=total, ratios=ratios, got=sum(parts))
        weight = sum(ratios)
        for p, r in zip(parts, ratios, strict=True):
            ideal = total.minor_units * r / weight
            expect(abs(p.minor_units - ideal) < 1,
                   "for ratios {ratios} a part of {part} is more than one minor unit from its fair share",
                   ratios=ratios, part=p)


@question("lab0.q2", title="Describe a card number", points=2,
          hint="normalize first; a malformed number is not an error here but valid=False with a reason.")
def _q2(describe_card) -> None:
    good = describe_card("4111 1111 1111 1111")
    expect(isinstance(good, dict), "describe_card must return a dict")
    expect(good.get("valid") is True, "4111 1111 1111 1111 passes the Luhn check")
    expect(good.get("brand") == "Visa", "4111 1111 1111 1111 is a Visa number")
    expect(good.get("masked") == "4111 11** **** 1111", "mask like paylab.cards.mask_pan: first 6 and last 4")
    union = describe_card("6222021234567890124")
    expect(union.get("brand") == card_brand("6222021234567890124"), "62… numbers belong to UnionPay")
    expect(union.get("valid") is luhn_valid("6222021234567890124"), "check the Luhn digit of every number")
    bad = describe_card("4111 1111 1111 1112")
    expect(bad.get("valid") is False, "a wrong last digit must make valid False")
    for junk in ("4111-abcd", "123"):
        r = describe_card(junk)
        expect(r.get("valid") is False and r.get("reason"),
               "describe_card({pan!r}) must return valid=False and a reason, not raise", pan=junk)


@question("lab0.q3", title="Compute the Luhn check digit yourself", points=2,
          hint="From the right, double every second digit of the partial number (starting with the last).")
def _q3(check_digit) -> None:
    rng = random.Random(2026)
    for _ in range(200):
        partial = "".join(rng.choice("0123456789") for _ in range(rng.randint(11, 18)))
        got = check_digit(partial)
        expect(isinstance(got, str) and len(got) == 1, "return the digit as a one-character string")
        expect(got == luhn_check_digit(partial), "wrong check digit for {partial}", partial=partial)


@question("lab0.q4", title="Build a dynamic merchant QR payload", points=2,
          hint="Use paylab.qr.encode_merchant_qr with the order's amount; the payload must parse back.")
def _q4(order_qr) -> None:
    for amount in ("18.80", "0.01", "2999.00"):
        payload = order_qr(Money(amount, "CNY"))
        expect(isinstance(payload, str), "order_qr must return the payload string")
        try:
            data = parse_merchant_qr(payload)
        except InvalidInput as exc:
            raise wrong("the payload does not parse: {error}", error=exc) from None
        expect(data["dynamic"], "a payload with an amount is dynamic (field 01 = 12)")
        expect(data["amount"] == Money(amount, "CNY"), "the payload for {amount} carries {got}",
               amount=amount, got=data["amount"])
        expect(data["currency"] == "CNY" and data["country"] == "CN", "the shop sells in CNY in CN")
        expect(data["merchant_name"] == "PAYLAB TEA HOUSE", "use the merchant name given in the task")


@question("lab0.q5", title="Forge an amount: why a CRC is not a signature", points=2,
          hint="Change field 54 and its length, then recompute field 63 over everything before it.")
def _q5(forge_amount) -> None:
    original = encode_merchant_qr("PAYLAB TEA HOUSE", "HANGZHOU", "5814", "CNY", "CN", "18.80")
    for new in ("1880.00", "0.10"):
        forged = forge_amount(original, new)
        expect(isinstance(forged, str), "forge_amount must return a payload string")
        try:
            data = parse_merchant_qr(forged)
        except InvalidInput as exc:
            raise wrong("the forged payload is refused: {error}", error=exc) from None
        before = parse_merchant_qr(original)
        expect(data["amount"] == Money(new, "CNY"), "the forged payload should ask for {amount}", amount=new)
        for key in ("merchant_name", "merchant_city", "merchant_accounts", "mcc", "currency"):
            expect(data[key] == before[key], "only the amount may change, but {key} changed too", key=key)
