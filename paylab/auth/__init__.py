"""Authentication for payments: passwords, one-time codes, SMS codes, biometrics and step-up.

Each submodule is one mechanism of chapter 4 (section "Technologies and measures"):

- :mod:`paylab.auth.passwords` — scrypt hashes with parameters in the string, measured cost;
- :mod:`paylab.auth.otp` — HOTP (RFC 4226) and TOTP (RFC 6238), replay guard, otpauth URIs;
- :mod:`paylab.auth.sms` — an SMS-code service with limits, and what a guesser can still do;
- :mod:`paylab.auth.biometrics` — FAR, FRR, EER, ROC/DET on simulated match scores;
- :mod:`paylab.auth.stepup` — risk-based step-up (3-D Secure 2 / PSD2 SCA style) and its trade-off.
"""

from paylab.auth.biometrics import (
    BiometricModel,
    equal_error_rate,
    error_rates,
    far_frr,
    simulate_scores,
    threshold_for_far,
)
from paylab.auth.otp import ALGORITHMS, hotp, provisioning_uri, time_step, totp, verify_totp
from paylab.auth.passwords import (
    DEFAULT_PARAMS,
    brute_force_table,
    crack_unsalted,
    guess_space,
    hash_password,
    needs_rehash,
    parse_hash,
    verify_password,
    weak_hash,
)
from paylab.auth.sms import (
    SmsAttackModel,
    SmsCodeService,
    SmsMessage,
    attacker_success,
    attacker_success_exact,
    simulate_sms_attack,
)
from paylab.auth.stepup import (
    DEFAULT_WEIGHTS,
    Decision,
    RiskWeights,
    StepUpPolicy,
    evaluate_policies,
    risk_score,
    standard_policies,
    synthetic_payments,
)

__all__ = [
    "ALGORITHMS", "BiometricModel", "DEFAULT_PARAMS", "DEFAULT_WEIGHTS", "Decision", "RiskWeights", "SmsAttackModel",
    "SmsCodeService", "SmsMessage", "StepUpPolicy", "attacker_success", "attacker_success_exact",
    "brute_force_table", "crack_unsalted", "equal_error_rate", "error_rates", "evaluate_policies",
    "far_frr", "guess_space", "hash_password", "hotp", "needs_rehash", "parse_hash", "provisioning_uri",
    "risk_score", "simulate_scores", "simulate_sms_attack", "standard_policies", "synthetic_payments",
    "threshold_for_far", "time_step", "totp", "verify_password", "verify_totp", "weak_hash",
]
