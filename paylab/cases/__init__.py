"""Case-study models of chapter 6: each story of the source book as a model you can rerun.

One module per case (all parameters illustrative and labelled in a frozen
``Params`` record; money in :class:`paylab.money.Money` or integer minor units;
randomness seeded):

- :mod:`paylab.cases.escrow_trust` — Alipay escrow (担保交易) and buyers' trust in strangers.
- :mod:`paylab.cases.credit` — Huabei / Baitiao instalments: schedules, true APR, minimum payments.
- :mod:`paylab.cases.wallet_yield` — Yu'e Bao: 万份收益, seven-day yield, instant-redemption limit.
- :mod:`paylab.cases.logistics` — JD: cash on delivery vs prepaid vs escrow, time to cash.
- :mod:`paylab.cases.disputes` — eBay / PayPal: chargebacks, seller protection, reserves.
- :mod:`paylab.cases.checkout` — Amazon one-click / palm: the checkout funnel, conversion vs fraud.
- :mod:`paylab.cases.social` — Pinduoduo group buying, coupons, red packets, fake-account rules.
- :mod:`paylab.cases.failures` — breach replay, growth without risk control, poor experience, compliance.
- :mod:`paylab.cases.real` — the real, dated, cited cases the models echo.
"""

from paylab.cases import checkout, credit, disputes, escrow_trust, failures, logistics, real, social, wallet_yield
from paylab.cases.checkout import (
    CheckoutParams,
    checkout_outcome,
    conversion,
    fraud_pass_rate,
    friction_sweep,
    funnel,
    rates_from_stepup,
    threshold_rates,
    threshold_sweep,
)
from paylab.cases.credit import (
    AprResult,
    RevolvingParams,
    effective_apr,
    instalment_apr,
    instalment_schedule,
    irr,
    late_fee,
    minimum_payment_plan,
)
from paylab.cases.disputes import (
    DisputeParams,
    chargeback_reserve,
    cost_per_order,
    rolling_reserve,
    simulate_chargebacks,
)
from paylab.cases.escrow_trust import (
    EscrowParams,
    MarketOutcome,
    auto_confirm_tradeoff,
    effective_fraud_rate,
    fraud_sweep,
    loss_given_fraud,
    notice_probability,
    seller_days_to_cash,
    simulate_market,
)
from paylab.cases.failures import (
    BreachParams,
    ComplianceParams,
    ExperienceParams,
    GrowthParams,
    breach_replay,
    compare_breach_defences,
    compare_compliance,
    compliance_break_even,
    compliance_cost,
    experience_loss,
    experience_sweep,
    growth_without_risk_control,
)
from paylab.cases.logistics import LogisticsParams, MethodTerms, cash_curve, compare_fulfilment, fulfilment_outcome
from paylab.cases.real import REAL_CASES, RealCase, real_cases
from paylab.cases.social import (
    CampaignParams,
    GroupParams,
    RiskRule,
    compare_rule_sets,
    group_success_probability,
    rule_pass_rates,
    simulate_campaign,
    simulate_groups,
    split_red_packet,
)
from paylab.cases.wallet_yield import (
    Redemption,
    WalletParams,
    accrue,
    daily_income,
    income_per_10k,
    redeem,
    seven_day_series,
    seven_day_yield,
    synthetic_income_series,
)

__all__ = [
    # modules
    "checkout", "credit", "disputes", "escrow_trust", "failures", "logistics", "real", "social", "wallet_yield",
    # real cases
    "RealCase", "REAL_CASES", "real_cases",
    # checkout
    "CheckoutParams", "funnel", "conversion", "fraud_pass_rate", "checkout_outcome", "friction_sweep",
    "threshold_rates", "threshold_sweep", "rates_from_stepup",
    # credit
    "AprResult", "RevolvingParams", "instalment_schedule", "effective_apr", "instalment_apr", "irr",
    "minimum_payment_plan", "late_fee",
    # disputes
    "DisputeParams", "cost_per_order", "chargeback_reserve", "rolling_reserve", "simulate_chargebacks",
    # escrow
    "EscrowParams", "MarketOutcome", "notice_probability", "loss_given_fraud", "effective_fraud_rate",
    "seller_days_to_cash", "simulate_market", "auto_confirm_tradeoff", "fraud_sweep",
    # failures
    "BreachParams", "breach_replay", "compare_breach_defences", "GrowthParams", "growth_without_risk_control",
    "ExperienceParams", "experience_loss", "experience_sweep", "ComplianceParams", "compliance_cost",
    "compare_compliance", "compliance_break_even",
    # logistics
    "LogisticsParams", "MethodTerms", "fulfilment_outcome", "compare_fulfilment", "cash_curve",
    # social
    "GroupParams", "group_success_probability", "simulate_groups", "RiskRule", "rule_pass_rates",
    "CampaignParams", "simulate_campaign", "compare_rule_sets", "split_red_packet",
    # wallet
    "WalletParams", "Redemption", "income_per_10k", "seven_day_yield", "seven_day_series", "daily_income",
    "accrue", "synthetic_income_series", "redeem",
]
