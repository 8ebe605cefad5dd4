"""Tests of paylab.cases: disputes, checkout funnel, social buying, failures."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from paylab.auth.stepup import StepUpPolicy
from paylab.cases import checkout, disputes, failures, social
from paylab.errors import InvalidInput
from paylab.money import Money


def usd(x: str) -> Money:
    return Money(x, "USD")


# ---------------------------------------------------------------- disputes
def test_cost_per_order_by_hand():
    p = disputes.DisputeParams()
    reserve = Decimal(5000) * Decimal("0.05") * Decimal("0.10") * 90 / 365  # 6.16 cents
    assert disputes.cost_per_order(p, "accept_all", with_reserve=False) == usd("0.45")  # 1 % x (30 + 15)
    assert disputes.cost_per_order(p, "contest", with_reserve=False) == usd("0.43")  # 1 % x (18 + 15 + 10)
    assert disputes.cost_per_order(p, "seller_protection", with_reserve=False) == usd("0.29")  # 20 + 1 % x 20 % x 45
    assert disputes.cost_per_order(p, "accept_all") == Money.of((45 + reserve) / 100, "USD")


def test_contesting_pays_only_above_a_win_rate():
    p = disputes.DisputeParams()
    low = disputes.cost_per_order(replace(p, win_rate=0.1), "contest")
    high = disputes.cost_per_order(replace(p, win_rate=0.9), "contest")
    base = disputes.cost_per_order(p, "accept_all")
    assert low > base > high
    table = disputes.compare_policies(p)
    assert table["cost_per_order"].idxmin() == "seller_protection"


def test_chargeback_reserve_rounds_up():
    assert disputes.chargeback_reserve(usd("10000"), 0.006, 120, "1.5") == usd("10800")
    assert disputes.chargeback_reserve(usd("333.33"), 0.01, 1) == usd("3.34")  # 3.3333 up
    with pytest.raises(InvalidInput) as e:
        disputes.chargeback_reserve(usd("1"), 1.2, 1)
    assert e.value.field == "chargeback_rate"


def test_rolling_reserve_balances():
    sales = [usd("100"), usd("200"), usd("300"), usd("400")]
    r = disputes.rolling_reserve(sales, "0.1", 2)
    assert list(r["held_today"]) == [usd("10"), usd("20"), usd("30"), usd("40")]
    assert list(r["released"]) == [usd("0"), usd("0"), usd("10"), usd("20")]
    assert list(r["balance"]) == [usd("10"), usd("30"), usd("50"), usd("70")]
    with pytest.raises(InvalidInput) as e:
        disputes.rolling_reserve(sales, "1.5", 2)
    assert e.value.field == "reserve_rate"


def test_simulated_chargebacks_are_seeded():
    p = disputes.DisputeParams()
    a = disputes.simulate_chargebacks(p, 500, 60, seed=2)
    assert a.equals(disputes.simulate_chargebacks(p, 500, 60, seed=2))
    assert (a["amount_minor"] == a["chargebacks"] * p.order_minor).all()
    assert a["chargebacks"].sum() < 500 * 60 * p.chargeback_rate * 2


def test_dispute_bad_policy():
    with pytest.raises(InvalidInput) as e:
        disputes.cost_per_order(disputes.DisputeParams(), "pray")
    assert e.value.field == "policy"
    with pytest.raises(InvalidInput) as e:
        disputes.cost_per_order(disputes.DisputeParams(win_rate=2.0), "contest")
    assert e.value.field == "win_rate"


# ---------------------------------------------------------------- checkout funnel
def test_funnel_by_hand():
    p = checkout.CheckoutParams()
    f = checkout.funnel(p)
    assert list(f.index) == ["start", "address form", "card details", "review order", "authentication"]
    expected = 0.88 * 0.90 * 0.96 * (1 - 0.10 * 0.15)
    assert checkout.conversion(p) == pytest.approx(expected)
    assert checkout.fraud_pass_rate(p) == pytest.approx(1 - 0.6 * 0.95)
    out = checkout.checkout_outcome(p, 100_000)
    assert out["orders"] == round(98_000 * expected)
    assert out["fraud_loss"] == Money.from_minor(out["fraud_orders"] * 30000, "USD")


def test_presets_order_by_friction():
    conv = {k: checkout.conversion(p) for k, p in checkout.PRESETS.items()}
    assert conv["guest checkout"] < conv["one-click (stored account)"] < conv["palm recognition (in store)"]


drops = st.floats(0, 1, allow_nan=False)


@given(steps=st.lists(drops, min_size=0, max_size=6), c=drops, cd=drops, bump=st.floats(0, 1))
def test_conversion_at_most_one_and_falls_as_friction_rises(steps, c, cd, bump):
    p = checkout.CheckoutParams(steps=tuple((f"s{i}", d) for i, d in enumerate(steps)),
                                challenge_rate=c, challenge_drop=cd)
    base = checkout.conversion(p)
    assert 0.0 <= base <= 1.0
    more_challenge = replace(p, challenge_rate=c + (1 - c) * bump)
    assert checkout.conversion(more_challenge) <= base + 1e-12
    more_steps = replace(p, steps=p.steps + (("extra", bump),))
    assert checkout.conversion(more_steps) <= base + 1e-12
    if steps:
        worse = replace(p, steps=((p.steps[0][0], steps[0] + (1 - steps[0]) * bump),) + p.steps[1:])
        assert checkout.conversion(worse) <= base + 1e-12


def test_friction_trades_conversion_for_fraud():
    sweep = checkout.friction_sweep(checkout.CheckoutParams(), [0.0, 0.05, 0.1, 0.3, 0.6])
    assert sweep["conversion"].is_monotonic_decreasing
    assert sweep["fraud_pass_rate"].is_monotonic_decreasing
    t = checkout.threshold_sweep(checkout.CheckoutParams(), [-1, 0, 1, 2, 3])
    assert t["challenge_rate"].is_monotonic_decreasing and t["conversion"].is_monotonic_increasing
    g, f = checkout.threshold_rates(0.0, 2.0)
    assert g == pytest.approx(0.5) and f == pytest.approx(0.97725, abs=1e-5)


def test_rates_from_the_chapter_four_step_up_policy():
    never = checkout.rates_from_stepup(StepUpPolicy("never"), n=2000)
    always = checkout.rates_from_stepup(StepUpPolicy("all", default_challenge=True), n=2000)
    risk = checkout.rates_from_stepup(StepUpPolicy("risk", risk_threshold=45), n=2000)
    assert never == (0.0, 0.0) and always == (1.0, 1.0)
    assert risk[1] > risk[0]  # the risk score challenges fraud far more often
    with pytest.raises(InvalidInput) as e:
        checkout.rates_from_stepup("strict")
    assert e.value.field == "policy"


def test_checkout_bad_inputs():
    with pytest.raises(InvalidInput) as e:
        checkout.conversion(checkout.CheckoutParams(challenge_rate=1.2))
    assert e.value.field == "challenge_rate"
    with pytest.raises(InvalidInput) as e:
        checkout.conversion(checkout.CheckoutParams(steps=(("x", 2.0),)))
    assert e.value.field == "steps"
    with pytest.raises(InvalidInput) as e:
        checkout.threshold_rates(float("nan"))
    assert e.value.field == "threshold"


# ---------------------------------------------------------------- social buying
def test_group_probability_by_hand_and_by_simulation():
    p = social.GroupParams(group_size=2, shares=3, join_probability=0.5)
    assert social.group_success_probability(p) == pytest.approx(1 - 0.5 ** 3)
    p = social.GroupParams()
    sim = social.simulate_groups(p, 20_000, seed=1)
    assert sim["formed_share"] == pytest.approx(social.group_success_probability(p), abs=0.02)
    assert social.group_success_probability(social.GroupParams(group_size=1, shares=0)) == 1.0


def test_rules_pass_rates_multiply():
    real, fake = social.rule_pass_rates(["device_limit", "graph_check"])
    assert real == pytest.approx(0.98 * 0.99) and fake == pytest.approx(0.4 * 0.45)
    assert social.rule_pass_rates([]) == (1.0, 1.0)
    with pytest.raises(InvalidInput) as e:
        social.rule_pass_rates(["magic"])
    assert e.value.field == "rules"
    with pytest.raises(InvalidInput) as e:
        social.RiskRule("x", 1.5, 0.0)
    assert e.value.field == "catch_rate"


def test_rules_stop_coupon_abuse():
    t = social.compare_rule_sets()
    assert t.loc["no rules", "fake_paid"] > 10 * t.loc["device + graph", "fake_paid"]
    assert t.loc["device + graph", "cost_per_real_user"] < t.loc["no rules", "cost_per_real_user"]
    assert t.loc["all five", "real_blocked"] > t.loc["device + graph", "real_blocked"]


def test_campaign_never_overspends():
    p = social.CampaignParams(budget_minor=1_000_000)
    d = social.simulate_campaign(p, (), seed=4)
    spent = int((d["real_paid"] + d["fake_paid"]).sum()) * p.coupon_minor
    assert spent <= p.budget_minor and d["budget_left_minor"].iloc[-1] == p.budget_minor - spent
    assert (d["budget_left_minor"] >= 0).all()


@given(units=st.integers(1, 10**7), n=st.integers(1, 200), seed=st.integers(0, 1000))
def test_red_packet_parts_add_up_exactly(units, n, seed):
    total = Money.from_minor(units, "CNY")
    if units < n:
        with pytest.raises(InvalidInput):
            social.split_red_packet(total, n, seed=seed)
        return
    parts = social.split_red_packet(total, n, seed=seed)
    assert len(parts) == n and sum(parts, Money.zero("CNY")) == total
    assert all(p.minor_units >= 1 for p in parts)


# ---------------------------------------------------------------- failures
def test_breach_defences_cut_losses():
    t = failures.compare_breach_defences(failures.BreachParams(leaked_cards=5000), seed=1)
    loss = {(r.tokenization, r.step_up): r.loss for r in t.itertuples()}
    assert loss[(False, False)] > loss[(False, True)] > loss[(True, True)]
    assert loss[(False, False)] > loss[(True, False)] > loss[(True, True)]


def test_breach_wave_shape_and_detection():
    p = failures.BreachParams(leaked_cards=20_000, detection_day=5)
    d = failures.breach_replay(p, seed=0)
    assert d["attempts"].idxmax() in range(2, 7)
    assert d["cumulative_minor"].is_monotonic_increasing
    assert d["cumulative_minor"].iloc[-1] == d["loss_minor"].sum()
    late = failures.breach_replay(replace(p, detection_day=20), seed=0)
    assert late["frauds"].sum() > d["frauds"].sum()


def test_growth_without_control_turns_profit_negative():
    g = failures.growth_without_risk_control()
    assert g["profit_uncontrolled_minor"].iloc[0] > 0 > g["profit_uncontrolled_minor"].iloc[-1]
    assert (g["profit_controlled_minor"] > 0).all()
    assert g.loc[0, "loss_uncontrolled_minor"] == 500_000  # 0.05 % of CNY 10 million, in fen
    assert (g["fraud_rate_controlled"] <= 0.0008).all()


def test_experience_loss_by_hand():
    e = failures.experience_loss()
    expected = (1 - 0.04) * 0.95 ** 2 * (0.92 + 0.08 * 0.6 * 0.92)
    assert e["completion"] == pytest.approx(expected)
    assert e["orders_lost"] == round(100_000 * (1 - expected))
    assert e["revenue_lost"] == Money.from_minor(e["orders_lost"] * 20000, "CNY")
    smooth = failures.experience_loss(failures.ExperienceParams(failure_rate=0.0, latency_s=1.0, extra_steps=0))
    assert smooth["completion"] == 1.0 and smooth["orders_lost"] == 0


def test_compliance_cost_by_hand():
    p = failures.ComplianceParams()
    assert failures.compliance_cost(p, compliant=True) == Money("300000", "CNY")
    daily = Decimal(500_000_000) * 12 / 365
    expected = Decimal("0.27") * (100_000_000 + daily * 30 + Decimal(500_000_000) * 12 * Decimal("0.05"))
    got = failures.compliance_cost(p, compliant=False)
    assert abs(got.minor_units - expected) <= 1
    t = failures.compare_compliance(p, [0.0, 0.5])
    assert t.loc[0.0, "skip_compliance"] == Money("0", "CNY")
    with pytest.raises(InvalidInput) as e:
        failures.compliance_cost(replace(p, inspection_probability=-0.1), compliant=False)
    assert e.value.field == "inspection_probability"


# ---------------------------------------------------------------- plots
def test_every_case_plot_draws_and_says_illustrative():
    import matplotlib.pyplot as plt

    from paylab.plots import cases as pc

    for name in pc.__all__:
        fig = getattr(pc, name)()
        titles = [ax.get_title() for ax in fig.axes]
        assert any("illustrative" in t for t in titles), name
        plt.close(fig)


def test_experience_sweep_and_compliance_break_even():
    t = failures.experience_sweep(failures.ExperienceParams(), [0.0, 0.1, 0.2])
    assert t["orders_lost"].is_monotonic_increasing
    p = failures.ComplianceParams()
    q = failures.compliance_break_even(p)
    at = failures.compliance_cost(replace(p, inspection_probability=q), compliant=False)
    assert abs(at.minor_units - p.programme_cost_minor) <= 2
    free = failures.compliance_break_even(replace(p, fine_minor=0, suspension_days=0, lost_customers_share=0.0))
    assert free == float("inf")
