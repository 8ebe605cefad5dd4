"""AI risk control (智能风控): synthetic PaySim-style data, features, rules, a model, a threshold.

- :mod:`paylab.fraud.generate` — ``generate_transactions`` (PaySim schema, labelled fraud)
- :mod:`paylab.fraud.features` — ``add_features`` (hour, amount vs history, velocity, …)
- :mod:`paylab.fraud.rules` — ``Rule`` and ``RuleEngine`` (rules as data, hit rates)
- :mod:`paylab.fraud.model` — ``time_split``, ``train_model``, ``evaluate``, importances
- :mod:`paylab.fraud.threshold` — ``choose_threshold`` (minimum expected cost)
- :mod:`paylab.fraud.metrics` — confusion matrix, precision/recall/accuracy, detectors compared, calibration
- :mod:`paylab.fraud.costs` — the case-level cost model (``FraudCosts``), break-even probability

Amounts and balances are integer minor units (cents); costs are ``Money`` or minor units.
"""

from paylab.fraud.costs import (
    FraudCosts,
    breakeven_probability,
    case_cost_curve,
    case_losses,
    choose_case_threshold,
    expected_loss_flags,
    policy_cost,
    what_would_move,
)
from paylab.fraud.features import (
    FEATURES,
    add_features,
    add_pass_through,
    add_risk_features,
    feature_columns,
    inconsistent_rows,
)
from paylab.fraud.generate import (
    COLUMNS,
    CURRENCY,
    FLAG_LIMIT_MINOR,
    FRAUD_PATTERNS,
    TYPES,
    generate_transactions,
    read_paysim,
    to_money,
)
from paylab.fraud.metrics import (
    RELIABILITY_EDGES,
    compare_detectors,
    confusion_table,
    flag_metrics,
    ranking_metrics,
    reliability,
)
from paylab.fraud.model import (
    MODEL_FEATURES,
    RISK_FEATURES,
    FraudModel,
    evaluate,
    feature_importance,
    random_split,
    split_comparison,
    time_split,
    train_model,
)
from paylab.fraud.rules import DEFAULT_RULES, RULE_KINDS, Rule, RuleEngine
from paylab.fraud.threshold import (
    ThresholdChoice,
    choose_threshold,
    cost_curve,
    expected_cost,
    outcome_at,
)

__all__ = [
    "COLUMNS", "CURRENCY", "FLAG_LIMIT_MINOR", "FRAUD_PATTERNS", "TYPES", "generate_transactions",
    "to_money", "read_paysim", "FEATURES", "add_features", "feature_columns", "inconsistent_rows",
    "MODEL_FEATURES", "FraudModel", "evaluate", "feature_importance", "random_split",
    "split_comparison", "time_split", "train_model", "DEFAULT_RULES", "RULE_KINDS", "Rule",
    "RuleEngine", "ThresholdChoice", "choose_threshold", "cost_curve", "expected_cost", "outcome_at",
    "RISK_FEATURES", "add_pass_through", "add_risk_features", "FraudCosts", "breakeven_probability",
    "case_cost_curve", "case_losses", "choose_case_threshold", "expected_loss_flags", "policy_cost", "what_would_move",
    "RELIABILITY_EDGES", "compare_detectors", "confusion_table", "flag_metrics", "ranking_metrics",
    "reliability",
]
