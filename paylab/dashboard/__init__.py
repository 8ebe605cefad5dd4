"""The trade-off dashboard of chapter 7: one merchant, one payment-stack design, five numbers.

A :class:`Config` (which methods to offer, how to authenticate, where to set the
risk threshold, escrow on or off) is evaluated for a :class:`MerchantProfile`
(volume, average order, margin, fraud pressure, markets) into an
:class:`Outcome`: cost per payment, conversion, fraud loss, time to cash and
the cash tied up — plus the monthly profit that weighs them against each other.

Fees, limits and settlement delays come from :mod:`paylab.methods`. The other
effects are sub-models held in a :class:`Models` record, so each can be
swapped: the book's default uses small, documented, **illustrative**
parametric curves (:func:`illustrative_auth`, :func:`beta_scores`,
:func:`illustrative_friction`, :func:`illustrative_escrow`); pass your own to
model a real merchant. All parameters here are illustrative, not market data.
"""

from paylab.dashboard.explain import effects_table, parameters, preference_table
from paylab.dashboard.model import (
    Outcome,
    compare,
    evaluate,
    frontier,
    market_coverage,
    method_mix,
    target_table,
    targets_met,
)
from paylab.dashboard.records import (
    AUTH_POLICIES,
    EXAMPLE_PROFILES,
    MARKET_PREFERENCES,
    Assumptions,
    AuthEffect,
    Config,
    EscrowEffect,
    MerchantProfile,
    Targets,
)
from paylab.dashboard.submodels import (
    DEFAULT_MODELS,
    ILLUSTRATIVE_MODELS,
    STEPUP_RULES,
    Models,
    ScoreCurves,
    StepUpReplay,
    beta_scores,
    cases_escrow,
    cases_friction,
    fraud_scores,
    illustrative_auth,
    illustrative_escrow,
    illustrative_friction,
    stepup_auth,
)

__all__ = [
    "AUTH_POLICIES",
    "MARKET_PREFERENCES",
    "Assumptions",
    "AuthEffect",
    "Config",
    "EscrowEffect",
    "MerchantProfile",
    "Models",
    "ScoreCurves",
    "StepUpReplay",
    "parameters",
    "preference_table",
    "effects_table",
    "Outcome",
    "Targets",
    "DEFAULT_MODELS",
    "ILLUSTRATIVE_MODELS",
    "STEPUP_RULES",
    "stepup_auth",
    "cases_escrow",
    "cases_friction",
    "beta_scores",
    "illustrative_auth",
    "illustrative_escrow",
    "illustrative_friction",
    "fraud_scores",
    "market_coverage",
    "method_mix",
    "evaluate",
    "compare",
    "frontier",
    "targets_met",
    "target_table",
    "EXAMPLE_PROFILES",
]
