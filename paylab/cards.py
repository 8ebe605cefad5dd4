"""Card numbers (PANs): the Luhn check digit, brand from the issuer range, masking.

The Luhn digit catches every single-digit typo and most swaps of neighbours,
so a checkout can refuse a mistyped card before it ever reaches the bank.
"""

from __future__ import annotations

import numbers

from paylab.errors import InvalidInput

__all__ = ["luhn_valid", "luhn_check_digit", "card_brand", "mask_pan", "normalize_pan", "BRANDS"]

#: (brand, IIN prefix ranges as (low, high) inclusive on the first digits, allowed lengths).
#: The most specific (longest) prefix that matches decides the brand, so Elo's six-digit
#: ranges inside Visa's 4, UnionPay's 62 and Discover's 65 win, as do RuPay's inside 60/65.
#: Sources (bib/package.bib): braintree/credit-card-type's table (``braintree_cardtype``) for
#: Elo, UnionPay, Maestro, Mir, JCB, Diners and Discover; the payment-card-number table
#: (``wiki_pan_iin``) for RuPay's ranges and the 13–19 digit lengths.
BRANDS: tuple[tuple[str, tuple[tuple[int, int], ...], tuple[int, ...]], ...] = (
    ("Elo", ((401178, 401179), (431274, 431274), (438935, 438935), (451416, 451416),
             (457393, 457393), (457631, 457632), (504175, 504175), (506699, 506778),
             (509000, 509999), (627780, 627780), (636297, 636297), (636368, 636368),
             (650031, 650033), (650035, 650051), (650405, 650439), (650485, 650538),
             (650541, 650598), (650700, 650718), (650720, 650727), (650901, 650978),
             (651652, 651679), (655000, 655019), (655021, 655058)), (16,)),
    ("RuPay", ((508500, 508999), (606985, 607984), (608001, 608500), (652150, 653149)), (16,)),
    ("Amex", ((34, 34), (37, 37)), (15,)),
    ("UnionPay", ((62, 62), (8100, 8171)), (14, 15, 16, 17, 18, 19)),
    ("Mastercard", ((51, 55), (2221, 2720)), (16,)),
    ("Mir", ((2200, 2204),), (16, 17, 18, 19)),
    ("JCB", ((3528, 3589),), (16, 17, 18, 19)),
    ("Diners Club", ((300, 305), (3095, 3095), (36, 36), (38, 39)), (14, 15, 16, 17, 18, 19)),
    ("Discover", ((6011, 6011), (644, 649), (65, 65)), (16, 17, 18, 19)),
    ("Maestro", ((50, 50), (56, 59), (63, 63), (67, 67)), (12, 13, 14, 15, 16, 17, 18, 19)),
    ("Visa", ((4, 4),), (13, 14, 15, 16, 17, 18, 19)),
)

# every range once, longest prefix first (ties keep the table's order)
_RANGES = sorted(((len(str(low)), low, high, brand, lengths)
                  for brand, ranges, lengths in BRANDS for low, high in ranges),
                 key=lambda r: -r[0])


def normalize_pan(pan: str) -> str:
    """Strip spaces and dashes; refuse anything but 12–19 digits with ``InvalidInput``."""
    if not isinstance(pan, str):
        raise InvalidInput("pan", "must be a string of digits",
                           f"a card number must be a string, not {type(pan).__name__} "
                           "(an int would drop leading zeros)")
    digits = pan.replace(" ", "").replace("-", "")
    if not digits.isascii() or not digits.isdigit():
        raise InvalidInput("pan", "digits only", f"card number {pan!r} has characters other than digits")
    if not 12 <= len(digits) <= 19:
        raise InvalidInput("pan", "12 to 19 digits",
                           f"card number has {len(digits)} digits; ISO/IEC 7812 allows 12 to 19")
    return digits


def _luhn_sum(digits: str, double_first: bool) -> int:
    total = 0
    double = double_first
    for ch in reversed(digits):
        d = ord(ch) - 48
        if double:
            d *= 2
            if d > 9:
                d -= 9
        total += d
        double = not double
    return total


def luhn_valid(pan: str) -> bool:
    """True when the last digit of ``pan`` is its correct Luhn check digit."""
    digits = normalize_pan(pan)
    return _luhn_sum(digits, double_first=False) % 10 == 0


def luhn_check_digit(partial: str) -> str:
    """The Luhn digit to append to ``partial`` (the PAN without its last digit)."""
    if not isinstance(partial, str):
        raise InvalidInput("partial", "must be a string of digits", "partial PAN must be a string")
    digits = partial.replace(" ", "").replace("-", "")
    if not digits.isascii() or not digits.isdigit() or not 11 <= len(digits) <= 18:
        raise InvalidInput("partial", "11 to 18 digits",
                           f"partial PAN {partial!r} must be 11 to 18 digits (the PAN less its check digit)")
    return str((10 - _luhn_sum(digits, double_first=True) % 10) % 10)


def card_brand(pan: str) -> str:
    """The card scheme from the issuer identification number; ``"Unknown"`` if none matches.

    The longest matching prefix decides; if the number's length is not one that scheme
    issues, the answer is ``"Unknown"`` (a shorter prefix of another scheme does not take over).
    """
    digits = normalize_pan(pan)
    for width, low, high, brand, lengths in _RANGES:
        if low <= int(digits[:width]) <= high:
            return brand if len(digits) in lengths else "Unknown"
    return "Unknown"


def mask_pan(pan: str, *, keep_first: int = 6, keep_last: int = 4) -> str:
    """Mask a PAN for display and receipts, PCI DSS style: at most first 6 and last 4 shown."""
    digits = normalize_pan(pan)
    for name, keep in (("keep_first", keep_first), ("keep_last", keep_last)):
        if isinstance(keep, bool) or not isinstance(keep, numbers.Integral):
            raise InvalidInput(name, "an int", f"{name} is a count of digits (an int), not {type(keep).__name__}")
    keep_first, keep_last = int(keep_first), int(keep_last)
    if keep_first < 0 or keep_last < 0 or keep_first > 6 or keep_last > 4:
        raise InvalidInput("keep_first/keep_last", "at most first 6 and last 4",
                           "PCI DSS allows showing at most the first six and last four digits")
    hidden = len(digits) - keep_first - keep_last
    masked = digits[:keep_first] + "*" * hidden + (digits[-keep_last:] if keep_last else "")
    return " ".join(masked[i:i + 4] for i in range(0, len(masked), 4))
