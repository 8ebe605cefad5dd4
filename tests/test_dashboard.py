"""Tests of paylab.dashboard: validation, the numbers of one hand-checked case, monotonicity."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from paylab import dashboard as db
from paylab import methods as pm
from paylab.errors import InvalidInput, NotFound
from paylab.money import Money

METHOD_IDS = sorted(pm.CATALOGUE)

methods_st = st.lists(st.sampled_from(METHOD_IDS), min_size=1, max_size=5, unique=True).map(tuple)
threshold_st = st.floats(min_value=0.01, max_value=1.0, allow_nan=False)
config_st = st.builds(db.Config, methods=methods_st, auth_policy=st.sampled_from(db.AUTH_POLICIES),
                      risk_threshold=threshold_st, escrow=st.booleans())
profile_st = st.sampled_from(list(db.EXAMPLE_PROFILES.values()))


# ------------------------------------------------------------------ validation
@pytest.mark.parametrize("kwargs, field", [
    ({"methods": ()}, "methods"),
    ({"methods": ("qr_code", "qr_code")}, "methods"),
    ({"methods": "qr_code"}, "methods"),
    ({"auth_policy": "sometimes"}, "auth_policy"),
    ({"risk_threshold": 0.0}, "risk_threshold"),
    ({"risk_threshold": 1.5}, "risk_threshold"),
    ({"risk_threshold": "0.5"}, "risk_threshold"),
    ({"escrow": 1}, "escrow"),
])
def test_config_rejects_bad_input(kwargs, field):
    with pytest.raises(InvalidInput) as exc:
        db.Config(**kwargs)
    assert exc.value.field == field


def test_config_unknown_method_is_not_found():
    with pytest.raises(NotFound) as exc:
        db.Config(methods=("bitcoin",))
    assert exc.value.field == "method"


@pytest.mark.parametrize("kwargs, field", [
    ({"orders_per_month": 0}, "orders_per_month"),
    ({"orders_per_month": 10.5}, "orders_per_month"),
    ({"average_order": Decimal("-1")}, "average_order"),
    ({"average_order": 12.5}, "average_order"),
    ({"margin": Decimal("1")}, "margin"),
    ({"margin": 0.3}, "margin"),
    ({"fraud_pressure": 1.2}, "fraud_pressure"),
    ({"trust_gap": 1.0}, "trust_gap"),
    ({"cost_of_funds": Decimal("-0.01")}, "cost_of_funds"),
    ({"markets": {"mars": Decimal(1)}}, "markets"),
    ({"markets": {"domestic": Decimal("0.5")}}, "markets"),
    ({"markets": {}}, "markets"),
    ({"name": ""}, "name"),
])
def test_profile_rejects_bad_input(kwargs, field):
    with pytest.raises(InvalidInput) as exc:
        db.MerchantProfile(**kwargs)
    assert exc.value.field == field


def test_other_records_validate():
    with pytest.raises(InvalidInput) as exc:
        db.AuthEffect(challenge_rate=-0.1, fraud_pass=0.5)
    assert exc.value.field == "challenge_rate"
    with pytest.raises(InvalidInput) as exc:
        db.EscrowEffect(trust_recovered=0.5, hold_days=-1)
    assert exc.value.field == "hold_days"
    with pytest.raises(InvalidInput) as exc:
        db.Assumptions(chargeback_fee=15)
    assert exc.value.field == "chargeback_fee"
    with pytest.raises(InvalidInput) as exc:
        db.Targets(max_cost_per_payment=2.5)
    assert exc.value.field == "max_cost_per_payment"
    with pytest.raises(InvalidInput) as exc:
        db.Targets(min_conversion=1.2)
    assert exc.value.field == "min_conversion"
    with pytest.raises(InvalidInput) as exc:
        db.evaluate("not a config")
    assert exc.value.field == "config"
    with pytest.raises(InvalidInput) as exc:
        db.illustrative_auth("sometimes", db.MerchantProfile())
    assert exc.value.field == "auth_policy"
    with pytest.raises(InvalidInput) as exc:
        db.beta_scores(0, 1)
    assert exc.value.field == "shape"


# ---------------------------------------------------------- worked example by hand
def test_single_method_domestic_case_by_hand():
    """One method, one market, no fraud, no friction: every number can be worked by hand."""
    profile = db.MerchantProfile(name="hand", orders_per_month=1000, average_order=Decimal("100"),
                                 margin=Decimal("0.20"), fraud_pressure=0.0,
                                 markets={"domestic": Decimal(1)}, trust_gap=0.0,
                                 cost_of_funds=Decimal("0.12"))
    models = db.Models(auth=lambda policy, p: db.AuthEffect(0.0, 1.0),
                       scores=lambda t: (0.0, 0.0), friction=lambda c: 0.0)
    out = db.evaluate(db.Config(methods=("qr_code",), auth_policy="none", risk_threshold=1.0),
                      profile, models)
    # domestic buyers who prefer QR (0.26) pay; of the other 0.74, the switch rate 0.6 switch
    assert out.conversion == pytest.approx(0.26 + 0.6 * 0.74)
    assert out.payments == round(1000 * (0.26 + 0.6 * 0.74))  # 704
    fees = Money("0.38", "CNY") * 704            # 0.38 % of CNY 100
    running = Money("500", "CNY")               # one method
    assert out.cost_per_payment == Money.of((fees + running).amount / 704, "CNY")
    assert out.fraud_loss == Money("0", "CNY") and out.fraud_loss_bp == 0
    assert out.settlement_days == 1.0            # QR settles T+1
    net_daily = Money.of((Money("70400", "CNY") - fees).amount / 30, "CNY")
    assert out.cash_tied_up == net_daily
    float_cost = net_daily.scale(Decimal("0.01"))
    assert out.profit == Money("14080", "CNY") - fees - running - float_cost
    assert out.mix == {"qr_code": 1.0}


def test_coverage_and_mix():
    profile = db.EXAMPLE_PROFILES["tea"]
    cov = db.market_coverage(["card_cross_border"], profile)
    assert cov["cross_border"] == pytest.approx(0.70 + 0.6 * 0.30)
    # buyers at home pay cards as domestic bank-card / quick-pay payments, not at the cross-border rate
    assert cov["domestic"] == 0.0
    home = db.market_coverage([pm.card_method("CNY")], profile)
    assert home["domestic"] == pytest.approx(0.05 + 0.6 * 0.95) and home["cross_border"] == 0.0
    mix = db.method_mix(["platform_balance", "card_cross_border"], profile)
    assert sum(mix.values()) == pytest.approx(1.0)
    # b2b buyers find nothing among consumer methods
    wholesale = db.EXAMPLE_PROFILES["wholesale"]
    assert db.market_coverage(["qr_code"], wholesale)["b2b"] == 0.0


def test_domestic_card_payments_use_the_domestic_method():
    """Issue 11: a card issued at home paying a shop at home is priced as a domestic card payment."""
    domestic = pm.card_method("CNY")
    assert domestic != "card_cross_border"
    for market in ("domestic", "b2b"):
        assert "card_cross_border" not in db.MARKET_PREFERENCES[market]
        assert domestic in db.MARKET_PREFERENCES[market]
    assert "card_cross_border" in db.MARKET_PREFERENCES["cross_border"]
    profile = db.EXAMPLE_PROFILES["tea"]
    mix = db.method_mix([domestic, "card_cross_border"], profile)
    home = float(profile.markets["domestic"]) * 0.05 * (1 + 0.6 * 0.95 / 0.05)
    abroad = float(profile.markets["cross_border"]) * 0.70 * (1 + 0.6 * 0.30 / 0.70)
    assert mix[domestic] == pytest.approx(home / (home + abroad))
    assert pm.fee(domestic, profile.order) < pm.fee("card_cross_border", profile.order)


def test_explain_tables_show_parameters_not_reprs():
    tea = db.EXAMPLE_PROFILES["tea"]
    shown = repr(db.parameters(tea))
    assert "cross-border 40%" in shown and "Decimal(" not in shown and "mappingproxy" not in shown
    for record in (db.Config(), db.Assumptions(), db.ScoreCurves(), db.StepUpReplay()):
        frame = db.parameters(record).frame
        assert set(frame["source"]) == {"illustrative"}
        assert frame["meaning"].str.len().min() > 0
    assert "illustrative" in db.parameters(db.ScoreCurves()).frame["meaning"].iloc[0]
    prefs = db.preference_table().frame
    for market in ("domestic", "cross-border", "b2b"):
        assert sum(int(v.rstrip("%")) for v in prefs[market]) == 100
    effects = db.effects_table(tea).frame
    assert len(effects) == 3 * len(db.AUTH_POLICIES) + 4
    sources = set(effects["from"])
    assert "illustrative Beta score curves (g = 4, f = 2)" in sources
    assert any("step-up replay of 20,000" in x for x in sources)
    assert any("checkout funnel" in x for x in sources) and any("strangers" in x for x in sources)
    with pytest.raises(InvalidInput) as exc:
        db.effects_table("tea")
    assert exc.value.field == "profile"


def test_score_curves_record_and_stepup_record_match_the_numbers():
    t = 0.7
    assert db.beta_scores(db.ScoreCurves(3.0, 5.0))(t) == db.beta_scores(3.0, 5.0)(t)
    assert db.beta_scores()(t) == pytest.approx(((1 - t) ** 4, 1 - t ** 2))
    with pytest.raises(InvalidInput) as exc:
        db.ScoreCurves(genuine_shape=-1.0)
    assert exc.value.field == "shape"
    a = db.stepup_auth(db.StepUpReplay())("risk_based", db.MerchantProfile())
    assert a == db.stepup_auth()("risk_based", db.MerchantProfile())


def test_limits_exclude_a_method():
    """An order above a method's per-payment limit cannot use it (NFC: 1,000 per payment)."""
    profile = db.MerchantProfile(average_order=Decimal("5000"), markets={"domestic": Decimal(1)})
    assert db.market_coverage(["prepaid_card"], profile)["domestic"] == 0.0
    out = db.evaluate(db.Config(methods=("prepaid_card",)), profile)
    assert out.conversion == 0.0 and out.payments == 0 and out.mix == {}


def test_compare_frontier_and_targets():
    configs = {"default": db.Config(), "escrow": db.Config(escrow=True)}
    table = db.compare(configs, db.EXAMPLE_PROFILES["marketplace"])
    assert list(table.index) == ["default", "escrow"]
    assert table.loc["escrow", "days to cash"] > table.loc["default", "days to cash"]
    assert list(db.compare([db.Config()]).index) == [db.Config().describe()]
    with pytest.raises(InvalidInput):
        db.compare({})
    fr = db.frontier(db.Config(), thresholds=[0.3, 0.6, 0.9])
    assert list(fr.index) == [0.3, 0.6, 0.9]
    assert fr["fraud loss (bp)"].is_monotonic_increasing
    assert fr["false declines"].is_monotonic_decreasing
    with pytest.raises(InvalidInput):
        db.frontier(db.Config(), thresholds=[])
    out = db.evaluate(db.Config())
    met = db.targets_met(out, db.Targets(min_conversion=0.5, max_fraud_loss_bp=1.0))
    assert met == {"conversion": True, "fraud loss (bp)": False}
    assert db.targets_met(out, db.Targets()) == {}
    table = db.target_table(out, db.Targets(max_cost_per_payment="100", min_profit=Decimal(10**9)))
    assert list(table["met"]) == [True, False]
    with pytest.raises(InvalidInput) as exc:
        db.targets_met("x", db.Targets())
    assert exc.value.field == "outcome"


# ------------------------------------------------------------------ properties
@given(config_st, profile_st)
def test_conversion_is_a_share_and_money_is_money(config, profile):
    out = db.evaluate(config, profile)
    assert 0.0 <= out.conversion <= 1.0
    assert 0.0 <= out.fraud_caught <= 1.0
    for m in (out.cost_per_payment, out.fraud_loss, out.cash_tied_up, out.profit, out.sales):
        assert isinstance(m, Money) and m.currency.code == profile.currency
    assert out.fraud_loss.amount >= 0 and out.cash_tied_up.amount >= 0


@given(config_st, profile_st, threshold_st, threshold_st)
def test_stricter_threshold_never_increases_fraud_loss(config, profile, t1, t2):
    strict, lax = sorted((t1, t2))
    a = db.evaluate(replace(config, risk_threshold=strict), profile)
    b = db.evaluate(replace(config, risk_threshold=lax), profile)
    assert a.fraud_loss <= b.fraud_loss
    assert a.false_decline_rate >= b.false_decline_rate
    assert a.conversion <= b.conversion + 1e-12


@given(config_st, profile_st)
def test_escrow_never_shortens_time_to_cash(config, profile):
    off = db.evaluate(replace(config, escrow=False), profile)
    on = db.evaluate(replace(config, escrow=True), profile)
    assert on.settlement_days >= off.settlement_days
    assert on.conversion >= off.conversion  # it closes (part of) the trust gap


@given(config_st, profile_st)
def test_stronger_authentication_never_increases_fraud_loss(config, profile):
    losses = [db.evaluate(replace(config, auth_policy=p), profile).fraud_loss for p in db.AUTH_POLICIES]
    assert losses[0] >= losses[1] >= losses[2]


@given(config_st, profile_st, st.sampled_from(METHOD_IDS))
def test_offering_one_more_method_never_lowers_conversion(config, profile, extra):
    if extra in config.methods:
        return
    more = replace(config, methods=config.methods + (extra,))
    assert db.evaluate(more, profile).conversion >= db.evaluate(config, profile).conversion - 1e-12


@given(threshold_st)
def test_beta_scores_are_shares(t):
    declined, caught = db.beta_scores()(t)
    assert 0 <= declined <= 1 and 0 <= caught <= 1


# ------------------------------------------------------------ step-up, plots, widget
def test_stepup_auth_reads_the_replay_of_chapter_4():
    from paylab.auth.stepup import StepUpPolicy, evaluate_policies, synthetic_payments

    auth = db.stepup_auth(n=2000, seed=3, challenge_defeat=0.0)
    payments = synthetic_payments(2000, seed=3, fraud_rate=0.2)
    table = evaluate_policies([StepUpPolicy("r", risk_threshold=45)], payments).iloc[0]
    effect = auth("risk_based", db.MerchantProfile())
    assert effect.fraud_pass == pytest.approx(table["fraud let through"] / table["fraud payments"])
    assert effect.challenge_rate == pytest.approx(table["genuine challenged"] / (~payments["is_fraud"]).sum())
    assert auth("none", db.MerchantProfile()) == db.AuthEffect(0.0, 1.0)
    assert db.stepup_auth(n=2000, seed=3, challenge_defeat=0.5)("always", db.MerchantProfile()).fraud_pass == 0.5
    with pytest.raises(InvalidInput) as exc:
        auth("sometimes", db.MerchantProfile())
    assert exc.value.field == "auth_policy"
    with pytest.raises(InvalidInput) as exc:
        db.stepup_auth(challenge_defeat=2)
    assert exc.value.field == "challenge_defeat"
    with pytest.raises(InvalidInput) as exc:
        db.stepup_auth(n=10)
    assert exc.value.field == "n"


def test_plots_and_widget_show_the_default_state():
    from paylab.plots import dashboard as pd_
    from paylab.widgets import dashboard as wd

    table = pd_.default_table()
    assert list(table.index) == list(pd_.DEFAULT_DESIGNS)
    assert pd_.compare_plot(table).axes[0].get_title() == "conversion"
    assert "illustrative" in pd_.frontier_plot().axes[0].get_title()
    w = wd.dashboard(targets=db.Targets(min_conversion=0.5))
    shown = w.children[1].value
    assert "conversion" in shown and "✔" in shown
    controls = w.children[0].children
    controls[1].children[0].value = "always"  # the authentication toggle
    assert w.children[1].value != shown
    controls[0].children[1].value = ()
    assert "at least one" in w.children[1].value


def test_cases_submodels_match_chapter_6():
    from paylab.cases.checkout import CheckoutParams, conversion
    from paylab.cases.escrow_trust import EscrowParams, seller_days_to_cash

    friction = db.cases_friction()
    assert friction(0.0) == 0.0
    p = CheckoutParams()
    assert friction(0.4) == pytest.approx(0.4 * p.challenge_drop)
    assert 1 - friction(0.4) == pytest.approx(
        conversion(replace(p, challenge_rate=0.4)) / conversion(replace(p, challenge_rate=0.0)))
    esc = db.cases_escrow()(db.MerchantProfile())
    assert esc.hold_days == pytest.approx(seller_days_to_cash(EscrowParams(), "escrow_dispute"))
    assert 0.9 < esc.trust_recovered <= 1.0  # escrow + disputes wins back nearly all wary buyers
    plain = db.cases_escrow(policy="escrow")(db.MerchantProfile())
    assert plain.trust_recovered <= esc.trust_recovered
    with pytest.raises(InvalidInput) as exc:
        db.cases_escrow(policy="none")
    assert exc.value.field == "policy"
    with pytest.raises(InvalidInput) as exc:
        db.cases_escrow(params="x")
    assert exc.value.field == "params"
    with pytest.raises(InvalidInput) as exc:
        db.cases_friction(params=3)
    assert exc.value.field == "params"


@given(config_st, profile_st)
def test_illustrative_models_keep_the_same_properties(config, profile):
    out = db.evaluate(config, profile, db.ILLUSTRATIVE_MODELS)
    assert 0 <= out.conversion <= 1
    on = db.evaluate(replace(config, escrow=True), profile, db.ILLUSTRATIVE_MODELS)
    assert on.settlement_days >= db.evaluate(replace(config, escrow=False), profile,
                                             db.ILLUSTRATIVE_MODELS).settlement_days


def test_fraud_scores_reads_chapter_5_scores():
    import numpy as np

    scores = np.array([0.05, 0.1, 0.2, 0.4, 0.6, 0.7, 0.9, 0.95])
    labels = np.array([0, 0, 0, 0, 1, 0, 1, 1])
    model = db.fraud_scores(scores, labels)
    assert model(0.5) == (pytest.approx(1 / 5), pytest.approx(3 / 3))   # 0.7 flagged; all fraud caught
    assert model(0.92) == (0.0, pytest.approx(1 / 3))
    assert model(1.0) == (0.0, 0.0)
    out = db.evaluate(db.Config(risk_threshold=0.5), models=db.Models(scores=model))
    assert out.false_decline_rate == pytest.approx(0.2)
    with pytest.raises(InvalidInput) as exc:
        db.fraud_scores([0.1, 0.2], [0, 0])
    assert exc.value.field == "labels"
    with pytest.raises(InvalidInput) as exc:
        model(0.0)
    assert exc.value.field == "risk_threshold"


def test_escrow_hold_fits_the_gateway_auto_confirm():
    """The escrow hold of the dashboard never exceeds the gateway's auto-confirm period (chapter 3)."""
    from paylab.flow import AUTO_CONFIRM_DAYS

    assert db.cases_escrow()(db.MerchantProfile()).hold_days <= AUTO_CONFIRM_DAYS
    assert db.illustrative_escrow(db.MerchantProfile()).hold_days <= AUTO_CONFIRM_DAYS


# ------------------------------------------------------------------ capstone checks
def _designs(table):
    return lambda profile, targets: table[profile.name]


def test_capstone_passes_several_different_designs_and_refuses_bad_ones():
    from paylab.checks import check
    from paylab.checks.capstone import MARKET, MERCHANT

    first = {MERCHANT.name: db.Config(("platform_balance", "qr_code", "card_cross_border"), "risk_based", 0.65),
             MARKET.name: db.Config(("platform_balance", "qr_code"), "risk_based", 0.8, True)}
    second = {MERCHANT.name: db.Config(("online_banking", "platform_balance", "qr_code", "card_cross_border"),
                                       "risk_based", 0.6),
              MARKET.name: db.Config(("online_banking", "platform_balance", "qr_code", "ewallet"),
                                     "risk_based", 0.7, True)}
    assert first[MERCHANT.name] != second[MERCHANT.name]
    assert check("capstone.q6", _designs(first)).passed
    assert check("capstone.q6", _designs(second)).passed
    lax = {name: replace(cfg, auth_policy="none", risk_threshold=1.0) for name, cfg in first.items()}
    feedback = check("capstone.q6", _designs(lax))
    assert feedback.status == "wrong" and "fraud loss" in feedback.message


def test_capstone_method_picks_and_stubs():
    from paylab.checks import check

    def stub(profile):
        raise NotImplementedError()

    assert check("capstone.q1", stub).status == "not yet"
    wide = ("platform_balance", "qr_code", "online_banking", "card_cross_border")

    def per_market(profile):
        return ("corporate_banking", "online_banking", "platform_balance", "qr_code") \
            if "b2b" in profile.markets else wide

    def other(profile):
        return ("corporate_banking", "online_banking", "platform_balance", "qr_code") \
            if "b2b" in profile.markets else ("platform_balance", "qr_code", "ewallet", "card_cross_border")

    assert check("capstone.q1", per_market).passed and check("capstone.q1", other).passed
    assert check("capstone.q1", lambda p: tuple(pm.CATALOGUE)).status == "wrong"       # too many methods
    assert check("capstone.q1", lambda p: ("card_cross_border",)).status == "wrong"    # too few buyers
    assert check("capstone.q5", lambda p, c, t: True).status == "wrong"
    assert check("capstone.q3", lambda c, p, limit: 0.05).status == "wrong"             # stricter than needed


@pytest.mark.parametrize("method", METHOD_IDS)
def test_days_to_cash_agree_with_the_settlement_batches(method):
    """Without escrow, one method's days to cash are the T+n of chapter 3's settlement batches."""
    from paylab.clock import EPOCH_2026
    from paylab.settlement import day_of, settlement_day

    profile = db.MerchantProfile(average_order=Decimal("100"), markets={"domestic": Decimal("0.5"),
                                                                          "cross_border": Decimal("0.5")})
    out = db.evaluate(db.Config(methods=(method,)), profile)
    if not out.mix:
        return
    at = EPOCH_2026 + 3600 * 10
    assert out.settlement_days == settlement_day(at, method) - day_of(at)
