"""The gateway's bridge to the books: step 4 and step 6 write :mod:`paylab.postings` entries.

Every entry goes through :meth:`Books._post`, which writes the same lines one of two ways:
``fast=True`` (the default) takes the integer rules (:func:`paylab.postings.capture_lines` …,
the ones the Money rules are built from; :func:`lines` gives them by entry kind) and writes
them with :meth:`Ledger.post_lines`, one SQLite transaction per entry; ``fast=False`` builds
the entry with the Money posting rules (:func:`paylab.postings.capture` …) and
:meth:`Ledger.post`. Tests check that both write the same books.
"""

from __future__ import annotations

from typing import Any

from paylab import postings as P
from paylab.errors import InvalidInput
from paylab.money import Money

__all__ = ["Books", "lines", "MEMOS"]

#: The memo each kind of entry carries (the Money rules' defaults).
MEMOS = {"capture": "capture", "refund": "refund", "escrow_hold": "escrow hold",
         "escrow_release": "escrow release", "escrow_refund": "escrow refund"}


def lines(kind: str, acc: P.StandardAccounts, funding: str, amount: int, fee: int = 0
          ) -> list[tuple[str, int]]:
    """The (account, minor units) lines of a ``kind`` entry (capture, refund, escrow_hold,
    escrow_release, escrow_refund), debit-positive, zero lines dropped — the integer rules of
    :mod:`paylab.postings` that the Money rules are built from."""
    payer = acc.payer(funding)
    if kind == "capture":
        return P.capture_lines(payer, acc.merchant, acc.fees, amount, fee)
    if kind == "refund":
        return P.refund_lines(acc.merchant, payer, amount)
    if kind == "escrow_hold":
        return P.escrow_hold_lines(payer, acc.escrow, amount)
    if kind == "escrow_release":
        return P.escrow_release_lines(acc.escrow, acc.merchant, acc.fees, amount, fee)
    if kind == "escrow_refund":
        return P.escrow_refund_lines(acc.escrow, payer, amount)
    raise InvalidInput("kind", "capture, refund, escrow_hold, escrow_release or escrow_refund",
                       f"unknown entry kind {kind!r}")


class Books:
    """Posts a gateway's captures, refunds and escrow moves to a :class:`paylab.ledger.Ledger`."""

    def __init__(self, ledger: Any, *, fast: bool = True) -> None:
        self.ledger = ledger
        self.fast = fast
        self._accounts: dict[tuple[str, str, str], P.StandardAccounts] = {}
        self._funding: dict[str, str] = {}
        self._opened: set[str] = set()
        self._named: dict[tuple[str, str, str], str] = {}
        self._shared: dict[str, tuple[str, str, str]] = {}

    def accounts(self, merchant: str, customer: str, cur: str) -> P.StandardAccounts:
        """The standard accounts of a (merchant, customer, currency), each opened once."""
        key = (merchant, customer, cur)
        acc = self._accounts.get(key)
        if acc is None:
            shared = self._shared.get(cur)
            if shared is None:
                shared = self._shared[cur] = (self._open(P.clearing_account(cur)), self._open(P.escrow_account(cur)),
                                              self._open(P.fee_account(cur)))
            cust = self._named.get(("c", customer, cur)) or self._open(P.customer_account(customer, cur),
                                                                      ("c", customer, cur))
            merch = self._named.get(("m", merchant, cur)) or self._open(P.merchant_account(merchant, cur),
                                                                       ("m", merchant, cur))
            acc = self._accounts[key] = P.StandardAccounts(cust, merch, *shared, currency=cur)
        return acc

    def _open(self, name: str, key: tuple[str, str, str] | None = None) -> str:
        if name not in self._opened:
            self.ledger.open_account(name, P.account_type(name), name.rsplit(":", 1)[1])
            self._opened.add(name)
        if key is not None:
            self._named[key] = name
        return name

    def funding(self, method_id: str) -> str:
        f = self._funding.get(method_id)
        if f is None:
            f = self._funding[method_id] = P.funding_for(method_id)
        return f

    def top_up(self, customer: str, amount: Money, ref: str, at: float) -> None:
        """Stored value loaded onto a wallet or prepaid card: clearing in, customer funds up."""
        acc = P.accounts_for("platform", customer, amount.currency.code)
        for name in (acc.customer, acc.clearing):
            self.ledger.open_account(name, P.account_type(name), acc.currency)
        if self.fast:
            self.ledger.post_lines(P.top_up_lines(acc.customer, acc.clearing, amount.minor_units), memo="top-up",
                                   ref=ref, at=at)
        else:
            self.ledger.post(P.top_up(acc.customer, acc.clearing, amount, ref=ref, at=at))

    def capture(self, pi: Any, amount: int, fee: int, at: float) -> None:
        """Step 4: a captured payment (or, in escrow, the hold)."""
        self._post("escrow_hold" if pi.escrow else "capture", pi, amount, fee, pi.id, at)

    def refund(self, pi: Any, amount: int, ref: str, at: float) -> None:
        """Step 6: a refund (in escrow, out of the escrow account)."""
        self._post("escrow_refund" if pi.escrow else "refund", pi, amount, 0, ref, at)

    def release(self, pi: Any, amount: int, fee: int, at: float) -> None:
        """Step 6, escrow: the buyer confirmed receipt; the merchant is paid less the fee."""
        self._post("escrow_release", pi, amount, fee, pi.id, at)

    def _post(self, kind: str, pi: Any, amount: int, fee: int, ref: str, at: float) -> None:
        """Write one ``kind`` entry for payment ``pi``: integer lines (fast) or a Money entry."""
        acc = self.accounts(pi.merchant, pi.customer, pi.currency.code)
        funding = "stored" if kind == "escrow_release" else self.funding(pi.method_id)
        if self.fast:
            self.ledger.post_lines(lines(kind, acc, funding, amount, fee), memo=MEMOS[kind], ref=ref, at=at)
        else:
            self.ledger.post(self._entry(kind, acc, funding, Money.from_minor(amount, pi.currency),
                                         Money.from_minor(fee, pi.currency), ref, at))

    @staticmethod
    def _entry(kind: str, acc: P.StandardAccounts, funding: str, m: Money, fee: Money, ref: str,
               at: float) -> Any:
        """The same entry built by the Money posting rules of :mod:`paylab.postings`."""
        if kind == "capture":
            return P.capture(acc.customer, acc.clearing, acc.merchant, acc.fees, m, fee, funding=funding,
                             ref=ref, at=at)
        if kind == "escrow_hold":
            return P.escrow_hold(acc.customer, acc.clearing, acc.escrow, m, funding=funding, ref=ref, at=at)
        if kind == "refund":
            return P.refund(acc.customer, acc.clearing, acc.merchant, m, funding=funding, ref=ref, at=at)
        if kind == "escrow_refund":
            return P.escrow_refund(acc.escrow, acc.customer, acc.clearing, m, funding=funding, ref=ref, at=at)
        return P.escrow_release(acc.escrow, acc.merchant, acc.fees, m, fee, ref=ref, at=at)
