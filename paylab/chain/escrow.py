"""An escrow smart contract: a deterministic state machine that holds the buyer's money.

The same rules as a platform escrow (chapter 3), but written as code that every
node runs: deposit → ship → confirm releases the money to the seller; no
shipment before the deadline refunds the buyer; a buyer who never confirms is
treated as satisfied once the confirmation window closes (as Alipay's escrow
does after 10 days); a dispute freezes the money until the arbiter decides.
Time is the timestamp of the block that carries the call.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from paylab.errors import InvalidInput, InvalidTransition

__all__ = ["EscrowState", "Payout", "ESCROW_METHODS", "new_escrow", "escrow_step", "escrow_timeout",
           "AWAITING_DEPOSIT", "FUNDED", "SHIPPED", "DISPUTED", "RELEASED", "REFUNDED"]

AWAITING_DEPOSIT, FUNDED, SHIPPED = "awaiting_deposit", "funded", "shipped"
DISPUTED, RELEASED, REFUNDED = "disputed", "released", "refunded"
FINAL = (RELEASED, REFUNDED)
ESCROW_METHODS = ("deposit", "ship", "confirm", "dispute", "resolve", "timeout")

DAY = 86_400


@dataclass(frozen=True)
class Payout:
    """Money the contract sends out: ``amount`` minor units to address ``to``."""

    to: str
    amount: int


@dataclass(frozen=True)
class EscrowState:
    """Everything the contract remembers. Amounts are integer minor units of ``currency``."""

    buyer: str
    seller: str
    arbiter: str
    price: int
    currency: str = "CNY"
    ship_window: int = 3 * DAY      # seconds the seller has to ship after the deposit
    confirm_window: int = 10 * DAY  # seconds the buyer has to confirm or dispute after shipping
    status: str = AWAITING_DEPOSIT
    balance: int = 0
    funded_at: int | None = None
    shipped_at: int | None = None

    @property
    def ship_deadline(self) -> int | None:
        return None if self.funded_at is None else self.funded_at + self.ship_window

    @property
    def confirm_deadline(self) -> int | None:
        return None if self.shipped_at is None else self.shipped_at + self.confirm_window


def new_escrow(buyer: str, seller: str, arbiter: str, price: int, *, currency: str = "CNY",
               ship_window: int = 3 * DAY, confirm_window: int = 10 * DAY) -> EscrowState:
    """A fresh contract waiting for the buyer's deposit of ``price`` minor units."""
    for name, value in (("buyer", buyer), ("seller", seller), ("arbiter", arbiter)):
        if not isinstance(value, str) or not value:
            raise InvalidInput(name, "a non-empty address", f"{name} must be an address string")
    if len({buyer, seller, arbiter}) != 3:
        raise InvalidInput("arbiter", "three different parties",
                           "buyer, seller and arbiter must be three different addresses")
    if isinstance(price, bool) or not isinstance(price, int) or price <= 0:
        raise InvalidInput("price", "a positive int of minor units",
                           f"price must be a positive int of minor units, not {price!r}")
    for name, value in (("ship_window", ship_window), ("confirm_window", confirm_window)):
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            raise InvalidInput(name, "a positive int of seconds", f"{name} must be positive seconds")
    return EscrowState(buyer, seller, arbiter, price, currency, ship_window, confirm_window)


def _require(cond: bool, state: EscrowState, method: str, why: str) -> None:
    if not cond:
        raise InvalidTransition(f"escrow cannot {method} while {state.status}: {why}",
                                field="method", rule=f"{method} from {state.status}")


def escrow_timeout(state: EscrowState, now: int) -> tuple[EscrowState, tuple[Payout, ...]]:
    """Apply a deadline: refund an unshipped order, or release a shipped one nobody confirmed."""
    if state.status == FUNDED and now > state.ship_deadline:
        return replace(state, status=REFUNDED, balance=0), (Payout(state.buyer, state.balance),)
    if state.status == SHIPPED and now > state.confirm_deadline:
        return replace(state, status=RELEASED, balance=0), (Payout(state.seller, state.balance),)
    raise InvalidTransition(f"no deadline has passed at t={now} while {state.status}",
                            field="method", rule=f"timeout from {state.status}")


def escrow_step(state: EscrowState, method: str, caller: str, now: int, *, amount: int = 0,
                outcome: str | None = None) -> tuple[EscrowState, tuple[Payout, ...]]:
    """One contract call: returns the new state and the payouts it makes. Same inputs, same result."""
    if method not in ESCROW_METHODS:
        raise InvalidInput("method", f"one of {', '.join(ESCROW_METHODS)}", f"unknown method {method!r}")
    if isinstance(amount, bool) or not isinstance(amount, int) or amount < 0:
        raise InvalidInput("amount", "a non-negative int", "amount must be a non-negative int")
    if method != "deposit" and amount:
        raise InvalidInput("amount", "only deposit carries money", f"{method} must not send money")
    _require(state.status not in FINAL, state, method, "the contract is closed")
    if method == "deposit":
        _require(state.status == AWAITING_DEPOSIT, state, method, "already funded")
        _require(caller == state.buyer, state, method, "only the buyer deposits")
        if amount != state.price:
            raise InvalidInput("amount", "equal to the price",
                               f"deposit {amount} differs from the price {state.price}")
        return replace(state, status=FUNDED, balance=amount, funded_at=now), ()
    if method == "ship":
        _require(state.status == FUNDED, state, method, "nothing to ship for")
        _require(caller == state.seller, state, method, "only the seller ships")
        _require(now <= state.ship_deadline, state, method, "the shipping deadline has passed")
        return replace(state, status=SHIPPED, shipped_at=now), ()
    if method == "confirm":
        _require(state.status == SHIPPED, state, method, "not shipped yet")
        _require(caller == state.buyer, state, method, "only the buyer confirms")
        return replace(state, status=RELEASED, balance=0), (Payout(state.seller, state.balance),)
    if method == "dispute":
        _require(state.status in (FUNDED, SHIPPED), state, method, "nothing to dispute")
        _require(caller == state.buyer, state, method, "only the buyer disputes")
        _require(state.status == FUNDED or now <= state.confirm_deadline, state, method,
                 "the confirmation window has closed")
        return replace(state, status=DISPUTED), ()
    if method == "resolve":
        _require(state.status == DISPUTED, state, method, "no dispute open")
        _require(caller == state.arbiter, state, method, "only the arbiter resolves")
        if outcome == "buyer":
            return replace(state, status=REFUNDED, balance=0), (Payout(state.buyer, state.balance),)
        if outcome == "seller":
            return replace(state, status=RELEASED, balance=0), (Payout(state.seller, state.balance),)
        raise InvalidInput("outcome", "'buyer' or 'seller'",
                           f"resolve needs outcome 'buyer' or 'seller', not {outcome!r}")
    return escrow_timeout(state, now)  # method == "timeout": anyone may call it
