"""Card numbers (PANs): the Luhn check digit, brand from the issuer range, masking.

The Luhn digit catches every single-digit typo and most swaps of neighbours,
so a checkout can refuse a mistyped card before it ever reaches the bank.
"""

from __future__ import annotations

from paylab.errors import InvalidInput

__all__ = ["luhn_valid", "luhn_check_digit", "card_brand", "mask_pan", "normalize_pan", "BRANDS"]

#: (brand, IIN prefix ranges as (low, high) inclusive on the first digits, allowed lengths)
BRANDS: tuple[tuple[str, tuple[tuple[int, int], ...], tuple[int, ...]], ...] = (
    ("Amex", ((34, 34), (37, 37)), (15,)),
    ("UnionPay", ((62, 62), (81, 81)), (16, 17, 18, 19)),
    ("Mastercard", ((51, 55), (2221, 2720)), (16,)),
    ("Visa", ((4, 4),), (13, 16, 19)),
)


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
    """The card scheme from the issuer identification number; ``"Unknown"`` if none matches."""
    digits = normalize_pan(pan)
    for brand, ranges, lengths in BRANDS:
        for low, high in ranges:
            width = len(str(low))
            if low <= int(digits[:width]) <= high and len(digits) in lengths:
                return brand
    return "Unknown"


def mask_pan(pan: str, *, keep_first: int = 6, keep_last: int = 4) -> str:
    """Mask a PAN for display and receipts, PCI DSS style: at most first 6 and last 4 shown."""
    digits = normalize_pan(pan)
    if keep_first < 0 or keep_last < 0 or keep_first > 6 or keep_last > 4:
        raise InvalidInput("keep_first/keep_last", "at most first 6 and last 4",
                           "PCI DSS allows showing at most the first six and last four digits")
    hidden = len(digits) - keep_first - keep_last
    masked = digits[:keep_first] + "*" * hidden + (digits[-keep_last:] if keep_last else "")
    return " ".join(masked[i:i + 4] for i in range(0, len(masked), 4))
