"""Posting rules: which journal entry each payment event writes to the books.

These pure functions build :class:`paylab.ledger.JournalEntry` objects. The
object-level gateway (``paylab.flow``), the vectorized batch engine
(``paylab.batch``) and settlement (``paylab.settlement``) all use them, so the
engines agree by construction.

The books are the **payment platform's** books, debit-positive (a debit is a
positive amount, a credit a negative one). Standard accounts, one set per
currency ``CUR`` (see :func:`accounts_for`):

===================================  =========  ==============================================
name                                 type       what it holds
===================================  =========  ==============================================
``customer:{customer_id}:{CUR}``     liability  the customer's funds held by the platform
                                                (wallet / platform balance / prepaid value)
``merchant:{merchant_id}:receivable  liability  what the platform owes the merchant (the
:{CUR}``                                        merchant's receivable), paid out at settlement
``clearing:{CUR}``                   asset      the platform's settlement account at the
                                                clearing bank: money from a customer's bank
                                                or card arrives here, payouts leave from here
``escrow:{CUR}``                     liability  buyers' money held in guaranteed (escrow)
                                                trades until the buyer confirms receipt
``revenue:fees:{CUR}``               revenue    fees charged to merchants
===================================  =========  ==============================================

Money goes **customer → clearing → merchant receivable, fee to revenue**.
Where the customer's money comes from is the ``funding`` argument:

* ``"stored"`` — paid from funds the platform already holds for the customer
  (a wallet or platform balance, a prepaid card): the customer's liability
  account is debited.
* ``"external"`` — paid from the customer's bank account or card: the money
  arrives through the clearing system, so ``clearing`` is debited.

A refund returns money the same way it came; the merchant's fee is **not**
returned (the merchant bears it, as with most processors today). A payout
moves what the platform owes a merchant out through clearing to the
merchant's bank.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from paylab import methods as _methods
from paylab.errors import CurrencyMismatch, InvalidInput
from paylab.ledger import JournalEntry, Ledger, Posting
from paylab.money import Money, currency

__all__ = [
    "FUNDING",
    "StandardAccounts",
    "accounts_for",
    "customer_account",
    "merchant_account",
    "clearing_account",
    "escrow_account",
    "fee_account",
    "account_type",
    "open_accounts",
    "funding_for",
    "capture",
    "refund",
    "escrow_hold",
    "escrow_release",
    "escrow_refund",
    "payout",
    "top_up",
    "capture_lines",
    "refund_lines",
    "escrow_hold_lines",
    "escrow_release_lines",
    "escrow_refund_lines",
    "payout_lines",
    "top_up_lines",
]

#: How a payment is funded: from stored customer funds, or from outside through clearing.
FUNDING = ("stored", "external")


def _id(value: object, field: str) -> str:
    if not isinstance(value, str) or not value or ":" in value or value != value.strip():
        raise InvalidInput(field, "non-empty string without ':' or surrounding spaces",
                           f"{field} must be a plain non-empty id string, got {value!r}")
    return value


def customer_account(customer_id: str, currency_code: str) -> str:
    """``customer:{id}:{CUR}`` — the customer's funds held by the platform (liability)."""
    return f"customer:{_id(customer_id, 'customer_id')}:{currency(currency_code).code}"


def merchant_account(merchant_id: str, currency_code: str) -> str:
    """``merchant:{id}:receivable:{CUR}`` — what the platform owes the merchant (liability)."""
    return f"merchant:{_id(merchant_id, 'merchant_id')}:receivable:{currency(currency_code).code}"


def clearing_account(currency_code: str) -> str:
    """``clearing:{CUR}`` — the platform's settlement account at the clearing bank (asset)."""
    return f"clearing:{currency(currency_code).code}"


def escrow_account(currency_code: str) -> str:
    """``escrow:{CUR}`` — buyers' funds held in guaranteed trades (liability)."""
    return f"escrow:{currency(currency_code).code}"


def fee_account(currency_code: str) -> str:
    """``revenue:fees:{CUR}`` — fees charged to merchants (revenue)."""
    return f"revenue:fees:{currency(currency_code).code}"


def account_type(name: str) -> str:
    """The account type a standard account name implies (``LedgerError``-free lookup)."""
    if not isinstance(name, str):
        raise InvalidInput("name", "string", "an account name is a string")
    head = name.split(":", 1)[0]
    types = {"customer": "liability", "merchant": "liability", "clearing": "asset",
             "escrow": "liability", "revenue": "revenue"}
    if head not in types:
        raise InvalidInput("name", "a standard account name",
                           f"{name!r} is not one of the standard accounts (customer:, merchant:, "
                           "clearing:, escrow:, revenue:)")
    return types[head]


@dataclass(frozen=True)
class StandardAccounts:
    """The standard account names for one merchant, one customer and one currency."""

    customer: str
    merchant: str
    clearing: str
    escrow: str
    fees: str
    currency: str

    def names(self) -> tuple[str, ...]:
        return (self.customer, self.merchant, self.clearing, self.escrow, self.fees)

    def payer(self, funding: str) -> str:
        """The account a payment is taken from: the customer's (stored) or clearing (external)."""
        return self.customer if _funding(funding) == "stored" else self.clearing


def accounts_for(merchant_id: str, customer_id: str, currency_code: str = "CNY") -> StandardAccounts:
    """The standard accounts a payment between this customer and merchant touches."""
    code = currency(currency_code).code
    return StandardAccounts(customer=customer_account(customer_id, code),
                            merchant=merchant_account(merchant_id, code),
                            clearing=clearing_account(code), escrow=escrow_account(code),
                            fees=fee_account(code), currency=code)


def open_accounts(ledger: Ledger, accounts: StandardAccounts) -> StandardAccounts:
    """Open (idempotently) every standard account in ``accounts`` on ``ledger``."""
    for name in accounts.names():
        ledger.open_account(name, account_type(name), accounts.currency)
    return accounts


def funding_for(method: str | _methods.PaymentMethod) -> str:
    """``"stored"`` for methods paid from funds the platform holds (wallets, platform balance,
    prepaid value), ``"external"`` for bank and card methods paid through clearing."""
    m = _methods.get(method)
    if m.funding == "stored_value" or "payment platform" in m.funds_held_by:
        return "stored"
    return "external"


# --- the posting rules -----------------------------------------------------------------
def _funding(funding: str) -> str:
    if funding not in FUNDING:
        raise InvalidInput("funding", f"one of {', '.join(FUNDING)}",
                           f"funding must be 'stored' or 'external', not {funding!r}")
    return funding


def _positive(amount: Money, field: str = "amount") -> Money:
    if not isinstance(amount, Money):
        raise InvalidInput(field, "must be Money", f"{field} must be Money, not {type(amount).__name__}")
    if amount.amount <= 0:
        raise InvalidInput(field, "positive", f"{field} must be positive, got {amount}")
    return amount


def _fee(amount: Money, fee: Money) -> Money:
    if not isinstance(fee, Money):
        raise InvalidInput("fee", "must be Money", f"fee must be Money, not {type(fee).__name__}")
    if fee.currency != amount.currency:
        raise CurrencyMismatch("fee", "same currency as amount",
                               f"fee is in {fee.currency.code}, the amount in {amount.currency.code}")
    if fee.amount < 0:
        raise InvalidInput("fee", "fee >= 0", f"fee {fee} must not be negative")
    return fee


def _entry(lines: list[tuple[str, int]], cur: Any, memo: str, ref: str | None, at: float | None
           ) -> JournalEntry:
    """A JournalEntry of integer ``lines`` (from the ``*_lines`` rules) in currency ``cur``."""
    return JournalEntry(tuple(Posting(a, Money.from_minor(u, cur)) for a, u in lines), memo=memo, ref=ref, at=at)


# --- the rules on integer minor units ----------------------------------------------------
# Each ``*_lines`` rule returns the entry's lines as ``(account, minor units)`` pairs,
# debit-positive. On Python ints (one payment: the gateway) zero lines are dropped; on numpy
# integer columns (many payments: the batch engine) the accounts may be columns too, the
# result holds one column pair per line and zero amounts stay for the caller to mask. The
# Money rules below build their entries from these, so every engine books the same lines.
# A fee may exceed the amount here (a minimum fee on a tiny payment): the merchant's line then
# turns into a debit, i.e. the merchant owes the platform the difference, which is how the
# gateway and the batch engine book it; the Money rules below book it the same way.

def _check_minor(amount: Any, fee: Any = None) -> bool:
    """Check minor-unit amounts (> 0) and fees (>= 0); True for scalars."""
    if type(amount) is int and (fee is None or type(fee) is int):
        if amount <= 0:
            raise InvalidInput("amount", "positive", f"amount must be positive minor units, got {amount}")
        if fee is not None and fee < 0:
            raise InvalidInput("fee", "fee >= 0", f"fee must not be negative, got {fee}")
        return True
    for name, value in (("amount", amount), ("fee", fee)):
        if value is None and name == "fee":  # no fee on this kind of entry
            continue
        arr = np.asarray(value)
        if isinstance(value, bool) or not np.issubdtype(arr.dtype, np.integer):
            raise InvalidInput(name, "integer minor units",
                               f"{name} must be int minor units (or an integer column), "
                               f"not {type(value).__name__}")
    a = np.asarray(amount)
    if (a <= 0).any():
        raise InvalidInput("amount", "positive", "every amount must be positive minor units")
    if fee is not None and (np.asarray(fee) < 0).any():
        raise InvalidInput("fee", "fee >= 0", "no fee may be negative")
    return False


def _split(debit: Any, credit: Any, fee_revenue: Any, amount: Any, fee: Any) -> list[tuple[Any, Any]]:
    """``debit`` +amount against ``credit`` -(amount - fee) and ``fee_revenue`` -fee."""
    if _check_minor(amount, fee) and (not fee or fee == amount):  # a scalar zero line is dropped
        if not fee:
            return [(debit, amount), (credit, -amount)]
        return [(debit, amount), (fee_revenue, -fee)]
    return [(debit, amount), (credit, fee - amount), (fee_revenue, -fee)]


def _move(debit: Any, credit: Any, amount: Any) -> list[tuple[Any, Any]]:
    """``debit`` +amount against ``credit`` -amount (amount > 0: no zero line)."""
    _check_minor(amount)
    return [(debit, amount), (credit, -amount)]


def capture_lines(payer: Any, merchant_receivable: Any, fee_revenue: Any, amount: Any, fee: Any
                  ) -> list[tuple[Any, Any]]:
    """:func:`capture` in minor units: ``payer`` (:meth:`StandardAccounts.payer`) ``+amount``,
    merchant receivable ``-(amount - fee)``, fee revenue ``-fee``."""
    return _split(payer, merchant_receivable, fee_revenue, amount, fee)


def refund_lines(merchant_receivable: Any, payer: Any, amount: Any) -> list[tuple[Any, Any]]:
    """:func:`refund` in minor units: merchant receivable ``+amount``, payer ``-amount``."""
    return _move(merchant_receivable, payer, amount)


def escrow_hold_lines(payer: Any, escrow: Any, amount: Any) -> list[tuple[Any, Any]]:
    """:func:`escrow_hold` in minor units: payer ``+amount``, escrow ``-amount``."""
    return _move(payer, escrow, amount)


def escrow_release_lines(escrow: Any, merchant_receivable: Any, fee_revenue: Any, amount: Any, fee: Any
                         ) -> list[tuple[Any, Any]]:
    """:func:`escrow_release` in minor units: escrow ``+amount``, merchant receivable
    ``-(amount - fee)``, fee revenue ``-fee``."""
    return _split(escrow, merchant_receivable, fee_revenue, amount, fee)


def escrow_refund_lines(escrow: Any, payer: Any, amount: Any) -> list[tuple[Any, Any]]:
    """:func:`escrow_refund` in minor units: escrow ``+amount``, payer ``-amount``."""
    return _move(escrow, payer, amount)


def payout_lines(merchant_receivable: Any, clearing: Any, amount: Any) -> list[tuple[Any, Any]]:
    """:func:`payout` in minor units: merchant receivable ``+amount``, clearing ``-amount``."""
    return _move(merchant_receivable, clearing, amount)


def top_up_lines(customer_account: Any, clearing: Any, amount: Any) -> list[tuple[Any, Any]]:
    """:func:`top_up` in minor units: clearing ``+amount``, the customer's funds ``-amount``."""
    return _move(clearing, customer_account, amount)


# --- the rules on Money: JournalEntry objects --------------------------------------------
def capture(customer_account: str, clearing: str, merchant_receivable: str, fee_revenue: str,
            amount: Money, fee: Money, *, funding: str = "stored", ref: str | None = None,
            at: float | None = None, memo: str = "capture") -> JournalEntry:
    """A captured payment: the payer's account is debited ``amount``; the merchant's receivable
    is credited ``amount - fee`` and fee revenue ``fee`` (three lines; two when the fee is 0)."""
    _positive(amount)
    _fee(amount, fee)
    payer = customer_account if _funding(funding) == "stored" else clearing
    return _entry(capture_lines(payer, merchant_receivable, fee_revenue, amount.minor_units, fee.minor_units),
                  amount.currency, memo, ref, at)


def refund(customer_account: str, clearing: str, merchant_receivable: str, amount: Money, *,
           funding: str = "stored", ref: str | None = None, at: float | None = None,
           memo: str = "refund") -> JournalEntry:
    """A refund of ``amount``: the merchant's receivable is debited and the money goes back the
    way it came (to the customer's funds, or out through clearing). The fee is not returned."""
    _positive(amount)
    payer = customer_account if _funding(funding) == "stored" else clearing
    return _entry(refund_lines(merchant_receivable, payer, amount.minor_units), amount.currency, memo, ref, at)


def escrow_hold(customer_account: str, clearing: str, escrow: str, amount: Money, *,
                funding: str = "stored", ref: str | None = None, at: float | None = None,
                memo: str = "escrow hold") -> JournalEntry:
    """The buyer pays into escrow (担保交易): the payer is debited, escrow credited."""
    _positive(amount)
    payer = customer_account if _funding(funding) == "stored" else clearing
    return _entry(escrow_hold_lines(payer, escrow, amount.minor_units), amount.currency, memo, ref, at)


def escrow_release(escrow: str, merchant_receivable: str, fee_revenue: str, amount: Money,
                   fee: Money, *, ref: str | None = None, at: float | None = None,
                   memo: str = "escrow release") -> JournalEntry:
    """The buyer confirms receipt (or the auto-confirm period ends): escrow is debited, the
    merchant's receivable credited ``amount - fee`` and fee revenue ``fee``."""
    _positive(amount)
    _fee(amount, fee)
    return _entry(escrow_release_lines(escrow, merchant_receivable, fee_revenue, amount.minor_units,
                                       fee.minor_units), amount.currency, memo, ref, at)


def escrow_refund(escrow: str, customer_account: str, clearing: str, amount: Money, *,
                  funding: str = "stored", ref: str | None = None, at: float | None = None,
                  memo: str = "escrow refund") -> JournalEntry:
    """A dispute or cancellation before release: escrow returns ``amount`` to the payer."""
    _positive(amount)
    payer = customer_account if _funding(funding) == "stored" else clearing
    return _entry(escrow_refund_lines(escrow, payer, amount.minor_units), amount.currency, memo, ref, at)


def payout(merchant_receivable: str, clearing: str, amount: Money, *, ref: str | None = None,
           at: float | None = None, memo: str = "payout") -> JournalEntry:
    """Settlement pays the merchant: the receivable is debited, clearing credited (cash leaves)."""
    _positive(amount)
    return _entry(payout_lines(merchant_receivable, clearing, amount.minor_units), amount.currency, memo, ref, at)


def top_up(customer_account: str, clearing: str, amount: Money, *, ref: str | None = None,
           at: float | None = None, memo: str = "top-up") -> JournalEntry:
    """The customer loads a wallet from a bank: clearing is debited (cash in), the customer's
    funds credited (the platform now owes the customer more)."""
    _positive(amount)
    return _entry(top_up_lines(customer_account, clearing, amount.minor_units), amount.currency, memo, ref, at)
