"""The gateway's bridge to the books: step 4 and step 6 post through :mod:`paylab.postings`,
so the gateway, the batch engine and settlement write the same entries by construction."""

from __future__ import annotations

from typing import Any

from paylab import postings as P
from paylab.money import Money

__all__ = ["Books"]


class Books:
    """Posts a gateway's captures, refunds and escrow moves to a :class:`paylab.ledger.Ledger`."""

    def __init__(self, ledger: Any) -> None:
        self.ledger = ledger
        self._accounts: dict[tuple[str, str, str], P.StandardAccounts] = {}
        self._funding: dict[str, str] = {}

    def accounts(self, merchant: str, customer: str, cur: str) -> P.StandardAccounts:
        key = (merchant, customer, cur)
        acc = self._accounts.get(key)
        if acc is None:
            acc = P.open_accounts(self.ledger, P.accounts_for(merchant, customer, cur))
            self._accounts[key] = acc
        return acc

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
        self.ledger.post(P.top_up(acc.customer, acc.clearing, amount, ref=ref, at=at))

    def capture(self, pi: Any, amount: int, fee: int, at: float) -> None:
        acc = self.accounts(pi.merchant, pi.customer, pi.currency.code)
        m = Money.from_minor(amount, pi.currency)
        funding = self.funding(pi.method_id)
        if pi.escrow:
            entry = P.escrow_hold(acc.customer, acc.clearing, acc.escrow, m, funding=funding,
                                  ref=pi.id, at=at)
        else:
            entry = P.capture(acc.customer, acc.clearing, acc.merchant, acc.fees, m,
                              Money.from_minor(fee, pi.currency), funding=funding, ref=pi.id, at=at)
        self.ledger.post(entry)

    def refund(self, pi: Any, amount: int, ref: str, at: float) -> None:
        acc = self.accounts(pi.merchant, pi.customer, pi.currency.code)
        m = Money.from_minor(amount, pi.currency)
        funding = self.funding(pi.method_id)
        if pi.escrow:
            entry = P.escrow_refund(acc.escrow, acc.customer, acc.clearing, m, funding=funding,
                                    ref=ref, at=at)
        else:
            entry = P.refund(acc.customer, acc.clearing, acc.merchant, m, funding=funding, ref=ref, at=at)
        self.ledger.post(entry)

    def release(self, pi: Any, amount: int, fee: int, at: float) -> None:
        acc = self.accounts(pi.merchant, pi.customer, pi.currency.code)
        self.ledger.post(P.escrow_release(acc.escrow, acc.merchant, acc.fees,
                                          Money.from_minor(amount, pi.currency),
                                          Money.from_minor(fee, pi.currency), ref=pi.id, at=at))
