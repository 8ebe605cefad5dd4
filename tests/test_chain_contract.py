"""paylab.chain escrow contract (pure and on the chain) and the cross-border model."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from paylab import Money
from paylab.chain import (
    THROUGHPUT,
    Blockchain,
    Wallet,
    bitcoin_capacity_tps,
    compare_settlement,
    correspondent_settlement,
    escrow_step,
    escrow_timeout,
    illustrative_correspondent_route,
    new_escrow,
    shared_ledger_settlement,
)
from paylab.chain.escrow import DAY, DISPUTED, FUNDED, REFUNDED, RELEASED, SHIPPED, Payout
from paylab.clock import SteppingClock
from paylab.errors import InvalidInput, InvalidTransition, NotFound

B, S, A = "buyer", "seller", "arbiter"


def funded(at: int = 0):
    st0 = new_escrow(B, S, A, 30000)
    return escrow_step(st0, "deposit", B, at, amount=30000)[0]


def test_happy_path_releases_to_the_seller():
    s = funded(0)
    assert s.status == FUNDED and s.balance == 30000 and s.ship_deadline == 3 * DAY
    s, out = escrow_step(s, "ship", S, DAY)
    assert s.status == SHIPPED and out == ()
    s, out = escrow_step(s, "confirm", B, 2 * DAY)
    assert s.status == RELEASED and s.balance == 0 and out == (Payout(S, 30000),)


def test_timeouts_refund_unshipped_and_release_unconfirmed():
    s = funded(0)
    with pytest.raises(InvalidTransition):
        escrow_timeout(s, 3 * DAY)          # the deadline itself is still in time
    s2, out = escrow_timeout(s, 3 * DAY + 1)
    assert s2.status == REFUNDED and out == (Payout(B, 30000),)
    shipped, _ = escrow_step(s, "ship", S, DAY)
    with pytest.raises(InvalidTransition):
        escrow_step(shipped, "timeout", "anyone", DAY + 10 * DAY)
    s3, out = escrow_step(shipped, "timeout", "anyone", DAY + 10 * DAY + 1)
    assert s3.status == RELEASED and out == (Payout(S, 30000),)


def test_dispute_and_resolution():
    s, _ = escrow_step(funded(), "ship", S, DAY)
    s, _ = escrow_step(s, "dispute", B, 2 * DAY)
    assert s.status == DISPUTED
    with pytest.raises(InvalidTransition):
        escrow_step(s, "timeout", B, 100 * DAY)   # a dispute freezes the deadlines
    with pytest.raises(InvalidTransition):
        escrow_step(s, "resolve", B, 3 * DAY, outcome="buyer")
    with pytest.raises(InvalidInput) as e:
        escrow_step(s, "resolve", A, 3 * DAY, outcome="half")
    assert e.value.field == "outcome"
    r, out = escrow_step(s, "resolve", A, 3 * DAY, outcome="buyer")
    assert r.status == REFUNDED and out == (Payout(B, 30000),)


@pytest.mark.parametrize(("method", "caller", "when"), [
    ("ship", B, DAY), ("confirm", B, DAY), ("deposit", B, DAY), ("resolve", A, DAY),
    ("ship", S, 4 * DAY),
])
def test_moves_that_are_not_allowed(method, caller, when):
    with pytest.raises(InvalidTransition) as e:
        escrow_step(funded(), method, caller, when, amount=30000 if method == "deposit" else 0)
    assert e.value.field == "method"


@given(st.lists(st.tuples(st.sampled_from(["deposit", "ship", "confirm", "dispute", "resolve", "timeout"]),
                          st.sampled_from([B, S, A]), st.integers(0, 20 * DAY),
                          st.sampled_from(["buyer", "seller"])), max_size=12))
def test_money_is_conserved_and_paid_out_once(calls):
    s = new_escrow(B, S, A, 30000)
    paid = 0
    deposited = 0
    now = 0
    for method, caller, dt, outcome in calls:
        now += dt
        try:
            s2, out = escrow_step(s, method, caller, now, amount=30000 if method == "deposit" else 0,
                                  outcome=outcome)
        except (InvalidTransition, InvalidInput):
            continue
        deposited += 30000 if method == "deposit" else 0
        paid += sum(p.amount for p in out)
        s = s2
        assert s.balance + paid == deposited
    assert paid in (0, 30000) and deposited in (0, 30000)


def test_escrow_bad_inputs():
    for kwargs, field in [({"price": 0}, "price"), ({"price": 1.5}, "price"), ({"arbiter": B}, "arbiter"),
                          ({"buyer": ""}, "buyer"), ({"ship_window": 0}, "ship_window")]:
        args = {"buyer": B, "seller": S, "arbiter": A, "price": 100, **kwargs}
        with pytest.raises(InvalidInput) as e:
            new_escrow(args.pop("buyer"), args.pop("seller"), args.pop("arbiter"), args.pop("price"), **args)
        assert e.value.field == field
    with pytest.raises(InvalidInput) as e:
        escrow_step(funded(), "fly", B, 0)
    assert e.value.field == "method"
    with pytest.raises(InvalidInput) as e:
        escrow_step(new_escrow(B, S, A, 100), "deposit", B, 0, amount=99)
    assert e.value.field == "amount"
    with pytest.raises(InvalidInput) as e:
        escrow_step(funded(), "ship", S, 0, amount=5)
    assert e.value.field == "amount"


def test_escrow_runs_on_the_chain_with_block_time():
    buyer, seller, arb = Wallet("buyer"), Wallet("seller"), Wallet("arbiter")
    chain = Blockchain({buyer.address: Money("500.00", "CNY")}, difficulty=4,
                       clock=SteppingClock(0, step=DAY))
    deploy = buyer.deploy_escrow(seller, arb, Money("300.00", "CNY"), 0)
    chain.add_block([deploy])
    c = chain.contract_address(deploy)
    chain.add_block([buyer.call(c, "deposit", 1, amount=Money("300.00", "CNY"))])
    assert chain.balance(c) == Money("300.00", "CNY") and chain.balance(buyer) == Money("200.00", "CNY")
    with pytest.raises(InvalidTransition):  # funded on day 2: day 3 is inside the 3-day window
        chain.add_block([seller.call(c, "timeout", 0)])
    chain.add_block([seller.transfer(buyer, 0, 0)])          # day 4
    chain.add_block([seller.transfer(buyer, 0, 1)])          # day 5: the seller never shipped
    chain.add_block([seller.call(c, "timeout", 2)])          # day 6 > day 2 + 3
    assert chain.contract(c).status == REFUNDED
    assert chain.balance(buyer) == Money("500.00", "CNY") and chain.balance(c) == Money("0.00", "CNY")
    assert chain.validate() == []
    with pytest.raises(NotFound):
        chain.contract("0" * 40)


# --- cross-border ------------------------------------------------------------------------

def test_correspondent_route_adds_fees_and_hours():
    s = correspondent_settlement(Money("200.00", "USD"), illustrative_correspondent_route(),
                                 fx_rate="7.10", target_currency="CNY")
    assert s.fees == Money("20.00", "USD") and s.hours == 72 and s.hops == 4
    assert s.fx_cost == Money("2.70", "USD")
    assert s.received == Money("1258.83", "CNY")
    assert s.cost_share == Decimal("0.1135")


def test_shared_ledger_and_comparison():
    s = shared_ledger_settlement(Money("200.00", "USD"), network_fee=Money("0.50", "USD"), fx_rate="7.10",
                                 fx_spread="0.005", target_currency="CNY", block_seconds=12,
                                 confirmations=75)
    assert s.hours == Decimal("0.25") and s.total_cost == Money("1.50", "USD")
    rows = compare_settlement([Money("200.00", "USD"), Money("10000.00", "USD")])
    assert len(rows) == 4
    assert all(rows[i].total_cost > rows[i + 1].total_cost for i in (0, 2))
    # a flat fee weighs more on small payments
    assert rows[0].cost_share > rows[2].cost_share


def test_clearing_bad_inputs():
    route = illustrative_correspondent_route()
    with pytest.raises(InvalidInput) as e:
        correspondent_settlement(Money("10.00", "USD"), route, fx_rate="7", target_currency="CNY")
    assert e.value.field == "amount"
    with pytest.raises(InvalidInput) as e:
        correspondent_settlement(Money("100.00", "USD"), route, fx_rate=7.1, target_currency="CNY")
    assert e.value.field == "fx_rate"
    with pytest.raises(InvalidInput) as e:
        shared_ledger_settlement(Money("100.00", "USD"), network_fee=Money("0.50", "USD"), fx_rate="7",
                                 fx_spread="1.5", target_currency="CNY", block_seconds=12, confirmations=1)
    assert e.value.field == "fx_spread"


def test_throughput_facts_and_bitcoin_capacity():
    assert bitcoin_capacity_tps() == Decimal("6.7")
    assert all(f.cite and f.tps > 0 for f in THROUGHPUT)
    with pytest.raises(InvalidInput) as e:
        bitcoin_capacity_tps(tx_bytes=0)
    assert e.value.field == "tx_bytes"
