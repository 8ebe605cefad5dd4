"""Tests of paylab.cases: credit (APR), wallet yield, escrow and trust, logistics."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from paylab.cases import credit, escrow_trust, logistics, wallet_yield
from paylab.errors import CurrencyMismatch, InvalidInput
from paylab.money import Money


def cny(x: str) -> Money:
    return Money(x, "CNY")


# ---------------------------------------------------------------- credit
def independent_irr(principal: float, payments: list[float]) -> float:
    """Monthly IRR by numpy: roots of the polynomial sum p_k x^k = principal, x = 1/(1+r)."""
    coeffs = list(reversed([-principal] + payments))  # highest power first: p_n ... p_1, -principal
    roots = np.roots(coeffs)
    real = [z.real for z in roots if abs(z.imag) < 1e-12 and z.real > 0]
    assert len(real) == 1
    return 1 / real[0] - 1


def test_schedule_of_the_textbook_example():
    s = credit.instalment_schedule(cny("1200"), 12, "0.006")
    assert list(s["period"]) == list(range(1, 13))
    assert all(p == cny("100") for p in s["principal"])
    assert all(f == cny("7.20") for f in s["fee"])
    assert all(p == cny("107.20") for p in s["payment"])
    assert s["balance"].iloc[-1] == cny("0") and s["balance"].iloc[0] == cny("1100")


def test_apr_of_point_six_percent_a_month_is_about_thirteen_percent_not_seven():
    apr = credit.instalment_apr(cny("1200"), 12, "0.006")
    assert apr.flat_rate == Decimal("0.072")
    r = independent_irr(1200.0, [107.2] * 12)
    assert abs(float(apr.periodic_rate) - r) < 1e-9
    assert abs(float(apr.nominal_apr) - 12 * r) < 1e-8
    assert abs(float(apr.effective_annual) - ((1 + r) ** 12 - 1)) < 1e-8
    assert Decimal("0.13") < apr.nominal_apr < Decimal("0.131")
    assert Decimal("0.138") < apr.effective_annual < Decimal("0.139")
    assert apr.as_percent()["nominal_apr"] == "13.03 %"


def test_apr_of_uneven_payments_matches_bisection_written_here():
    pays = [cny("300"), cny("400"), cny("450")]
    apr = credit.effective_apr(cny("1000"), pays)

    def npv(r: float) -> float:
        return -1000 + sum(float(p.amount) / (1 + r) ** (k + 1) for k, p in enumerate(pays))

    lo, hi = 0.0, 1.0
    for _ in range(200):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if npv(mid) > 0 else (lo, mid)
    assert abs(float(apr.periodic_rate) - lo) < 1e-10


def test_zero_fee_has_zero_apr_and_irr_negative_rate():
    assert credit.instalment_apr(cny("500"), 6, "0").periodic_rate == 0
    assert credit.irr([1000, -450, -450]) < 0


@given(units=st.integers(1, 10**9), n=st.integers(1, 36),
       rate=st.decimals(min_value=0, max_value=Decimal("0.02"), places=4))
def test_schedule_always_repays_the_principal_exactly(units, n, rate):
    p = Money.from_minor(units, "CNY")
    s = credit.instalment_schedule(p, n, rate)
    assert sum(x.minor_units for x in s["principal"]) == units
    assert sum(x.minor_units for x in s["fee"]) == p.scale(rate * n).minor_units
    assert all(x.minor_units >= 0 for x in s["balance"]) and s["balance"].iloc[-1].is_zero()
    assert max(x.minor_units for x in s["principal"]) - min(x.minor_units for x in s["principal"]) <= 1


@given(n=st.integers(2, 24), rate=st.decimals(min_value=Decimal("0.001"), max_value=Decimal("0.02"), places=4))
def test_true_apr_exceeds_the_flat_rate(n, rate):
    apr = credit.instalment_apr(cny("6000"), n, rate)
    assert apr.nominal_apr > apr.flat_rate
    assert apr.effective_annual >= apr.nominal_apr


def test_credit_bad_inputs_name_the_field():
    with pytest.raises(InvalidInput) as e:
        credit.instalment_schedule(cny("0"), 12, "0.006")
    assert e.value.field == "principal"
    with pytest.raises(InvalidInput) as e:
        credit.instalment_schedule(cny("100"), 0, "0.006")
    assert e.value.field == "n"
    with pytest.raises(InvalidInput) as e:
        credit.instalment_schedule(cny("100"), 3, 0.006)
    assert e.value.field == "monthly_fee_rate"
    with pytest.raises(InvalidInput) as e:
        credit.instalment_schedule(cny("100"), 3, "-0.1")
    assert e.value.field == "monthly_fee_rate"
    with pytest.raises(InvalidInput) as e:
        credit.effective_apr(cny("100"), [])
    assert e.value.field == "payments"
    with pytest.raises(CurrencyMismatch):
        credit.effective_apr(cny("100"), [Money("110", "USD")])
    with pytest.raises(InvalidInput) as e:
        credit.irr([100, 50])
    assert e.value.field == "cash_flows"
    with pytest.raises(InvalidInput) as e:
        credit.effective_apr(cny("100"), pd.DataFrame({"x": [1]}))
    assert e.value.field == "payments"


def test_minimum_payment_plan_and_late_fee():
    plan = credit.minimum_payment_plan(cny("1000"))
    first = plan.iloc[0]
    assert first["payment"] == cny("100")
    assert first["interest"] == cny("13.50")  # 900 x 0.05 % x 30
    assert first["carried"] == cny("913.50")
    assert plan["carried"].iloc[-1].is_zero()
    paid = sum(plan["payment"], Money.zero("CNY"))
    interest = sum(plan["interest"], Money.zero("CNY"))
    assert paid == cny("1000") + interest
    assert credit.late_fee(cny("100"), 10) == cny("0.50")
    with pytest.raises(InvalidInput) as e:
        credit.minimum_payment_plan(cny("100"), credit.RevolvingParams(min_payment_rate=Decimal("0")))
    assert e.value.field == "min_payment_rate"
    with pytest.raises(InvalidInput) as e:
        credit.late_fee(cny("100"), -1)
    assert e.value.field == "days_late"


def test_paying_the_minimum_takes_long_and_costs_more_at_lower_minimum():
    low = credit.minimum_payment_plan(cny("3000"), credit.RevolvingParams(min_payment_rate=Decimal("0.05")))
    high = credit.minimum_payment_plan(cny("3000"), credit.RevolvingParams(min_payment_rate=Decimal("0.2")))
    assert len(low) > len(high)
    assert sum(low["interest"], Money.zero("CNY")) > sum(high["interest"], Money.zero("CNY"))


# ---------------------------------------------------------------- wallet yield
def test_seven_day_yield_against_a_hand_worked_series():
    series = ["0.5", "0.6", "0.7", "0.6", "1.8", "0", "0"]
    # simple: sum = 4.2 per 10,000 over 7 days -> 4.2/10000 * 365/7 = 0.0219
    assert wallet_yield.seven_day_yield(series, method="simple") == Decimal("0.021900")
    # compound: product of (1 + R/10000), then ^(365/7) - 1, worked with floats here
    g = 1.0
    for r in series:
        g *= 1 + float(r) / 10000
    expected = g ** (365 / 7) - 1
    assert abs(float(wallet_yield.seven_day_yield(series)) - expected) < 1e-6
    # constant 0.6 per 10,000: (1.00006)^365 - 1 = 2.2141 %
    assert wallet_yield.seven_day_yield(["0.6"] * 7) == Decimal("0.022141")


def test_seven_day_uses_the_last_week_and_series_helper():
    s = ["9"] * 3 + ["0.6"] * 7
    assert wallet_yield.seven_day_yield(s, method="simple") == Decimal("0.021900")
    out = wallet_yield.seven_day_series(s, method="simple")
    assert out[:6] == [None] * 6 and out[-1] == Decimal("0.021900") and len(out) == 10


def test_income_per_10k_and_daily_income():
    assert wallet_yield.income_per_10k(cny("60000"), 1_000_000_000) == Decimal("0.6000")
    assert wallet_yield.daily_income(cny("10000"), "0.6") == cny("0.60")
    assert wallet_yield.daily_income(cny("1234.56"), "0.6543") == cny("0.08")  # 0.0807... cut
    acc = wallet_yield.accrue(cny("10000"), ["1", "1"])
    assert list(acc["income"]) == [cny("1.00"), cny("1.00")] and acc["balance"].iloc[-1] == cny("10002.00")


def test_synthetic_series_is_seeded_and_has_weekend_pattern():
    a = wallet_yield.synthetic_income_series(28, seed=3)
    assert a == wallet_yield.synthetic_income_series(28, seed=3)
    assert a[5] == 0 and a[6] == 0 and a[4] > 2 * a[3]
    y = wallet_yield.seven_day_yield(a[:7])
    assert Decimal("0.015") < y < Decimal("0.035")


def test_redeem_within_and_beyond_the_instant_limit():
    r = wallet_yield.redeem(cny("15000"))
    assert (r.instant, r.next_day, r.instant_left) == (cny("10000"), cny("5000"), cny("0"))
    r = wallet_yield.redeem(cny("500"), used_today=cny("9800"))
    assert (r.instant, r.next_day) == (cny("200"), cny("300"))
    r = wallet_yield.redeem(cny("500"), used_today=cny("12000"))
    assert r.instant == cny("0") and r.next_day == cny("500")


@given(amount=st.integers(1, 10**8), used=st.integers(0, 2 * 10**6))
def test_redeem_parts_add_up(amount, used):
    r = wallet_yield.redeem(Money.from_minor(amount, "CNY"), used_today=Money.from_minor(used, "CNY"))
    assert r.instant + r.next_day == Money.from_minor(amount, "CNY")
    assert r.instant.minor_units <= max(0, 1_000_000 - used)


def test_wallet_bad_inputs():
    with pytest.raises(InvalidInput) as e:
        wallet_yield.seven_day_yield(["0.6"] * 6)
    assert e.value.field == "income_series"
    with pytest.raises(InvalidInput) as e:
        wallet_yield.seven_day_yield(["0.6"] * 7, method="fancy")
    assert e.value.field == "method"
    with pytest.raises(InvalidInput) as e:
        wallet_yield.seven_day_yield([0.6] * 7)
    assert e.value.field == "income_series"
    with pytest.raises(InvalidInput) as e:
        wallet_yield.income_per_10k(cny("1"), 0)
    assert e.value.field == "units"
    with pytest.raises(InvalidInput) as e:
        wallet_yield.redeem(cny("0"))
    assert e.value.field == "amount"


# ---------------------------------------------------------------- escrow and trust
def test_loss_given_fraud_by_policy():
    p = escrow_trust.EscrowParams()
    assert escrow_trust.loss_given_fraud(p, "none") == 1.0
    notice = 1 - np.exp(-(10 - 3) / 2)
    assert escrow_trust.notice_probability(p) == pytest.approx(notice)
    assert escrow_trust.loss_given_fraud(p, "escrow") == pytest.approx(1 - 0.6 * notice)
    assert escrow_trust.loss_given_fraud(p, "escrow_dispute") == pytest.approx(1 - 0.6 * notice - 0.4 * notice * 0.85)
    short = replace(p, auto_confirm_days=2.0)
    assert escrow_trust.loss_given_fraud(short, "escrow") == 1.0  # released before delivery: no protection


def test_escrow_raises_volume_and_cuts_losses():
    table = escrow_trust.compare_policies(escrow_trust.EscrowParams(buyers=2000), rounds=8, seed=1)
    assert table.loc["none", "trades"] < table.loc["escrow", "trades"] < table.loc["escrow_dispute", "trades"]
    losses = table["buyer_losses"]
    assert losses["none"] > losses["escrow"] > losses["escrow_dispute"]
    assert table.loc["none", "seller_days_to_cash"] == 0


def test_simulation_is_seeded_and_consistent():
    p = escrow_trust.EscrowParams(buyers=1000)
    a = escrow_trust.simulate_market(p, "escrow", rounds=5, seed=7)
    assert a == escrow_trust.simulate_market(p, "escrow", rounds=5, seed=7)
    assert sum(a.trades_per_round) == a.trades
    assert a.volume == Money.from_minor(a.trades * p.price_minor, "CNY")
    assert a.buyer_losses.minor_units <= a.frauds * p.price_minor


def test_auto_confirm_tradeoff_is_monotone():
    t = escrow_trust.auto_confirm_tradeoff(escrow_trust.EscrowParams(), range(1, 21))
    assert t["loss_given_fraud"].is_monotonic_decreasing
    assert t["seller_days_to_cash"].is_monotonic_increasing
    assert t.loc[10, "seller_days_to_cash"] == pytest.approx(0.7 * 4.5 + 0.3 * 10)


def test_escrow_bad_inputs():
    with pytest.raises(InvalidInput) as e:
        escrow_trust.simulate_market(escrow_trust.EscrowParams(fraud_rate=1.5), "escrow")
    assert e.value.field == "fraud_rate"
    with pytest.raises(InvalidInput) as e:
        escrow_trust.loss_given_fraud(escrow_trust.EscrowParams(), "insurance")
    assert e.value.field == "policy"
    with pytest.raises(InvalidInput) as e:
        escrow_trust.simulate_market(escrow_trust.EscrowParams(value_high=0.5), "none")
    assert e.value.field == "value_high"


# ---------------------------------------------------------------- logistics
def test_fulfilment_outcome_by_hand():
    p = logistics.LogisticsParams(shoppers=10_000)
    cod = logistics.fulfilment_outcome(p, "cod")
    # 600 orders, 48 refused, 552 delivered, 22 returned (rounded), 530 kept
    assert (cod["orders"], cod["refused"], cod["returned"], cod["kept"]) == (600, 48, 22, 530)
    assert cod["sales"] == cny("79500")
    assert cod["shipping"] == Money.from_minor((600 + 48 + 22) * 800, "CNY")
    assert cod["fees"] == cny("828")  # 1 % of 552 x 150
    assert cod["profit"] == cod["margin"] - cod["shipping"] - cod["fees"] - cod["float_cost"]


def test_compare_and_cash_curve():
    t = logistics.compare_fulfilment()
    assert t.loc["prepaid", "days_to_cash"] < t.loc["escrow", "days_to_cash"] < t.loc["cod", "days_to_cash"]
    assert t.loc["cod", "orders"] > t.loc["prepaid", "orders"]
    c = logistics.cash_curve(days=30)
    for m in logistics.METHODS:
        assert c[m].is_monotonic_increasing
        assert c[m].iloc[-1] == t.loc[m, "sales"].minor_units
    assert c["prepaid"].iloc[5] > c["cod"].iloc[5]


def test_logistics_bad_inputs():
    with pytest.raises(InvalidInput) as e:
        logistics.fulfilment_outcome(logistics.LogisticsParams(), "barter")
    assert e.value.field == "method"
    with pytest.raises(InvalidInput) as e:
        logistics.fulfilment_outcome(logistics.LogisticsParams(order_minor=0), "cod")
    assert e.value.field == "order_minor"


def test_fraud_sweep_unprotected_market_shrinks():
    t = escrow_trust.fraud_sweep(escrow_trust.EscrowParams(buyers=800), [0.0, 0.2, 0.4], rounds=6)
    assert (t.loc[0.0] == t.loc[0.0, "none"]).all()  # no fraud: the policies do not matter
    assert t["none"].is_monotonic_decreasing
    assert t.loc[0.4, "escrow_dispute"] > 1.5 * t.loc[0.4, "none"]
    with pytest.raises(InvalidInput) as e:
        escrow_trust.fraud_sweep(escrow_trust.EscrowParams(), [1.5])
    assert e.value.field == "fraud_rates"
