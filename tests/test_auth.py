"""paylab.auth: RFC 4226/6238 vectors, cross-checks with cryptography's twofactor, limits, rates, policies."""

from __future__ import annotations

import hashlib
from urllib.parse import parse_qs, urlparse

import numpy as np
import pandas as pd
import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.twofactor.hotp import HOTP
from cryptography.hazmat.primitives.twofactor.totp import TOTP
from hypothesis import given
from hypothesis import strategies as st

from paylab import Money
from paylab.auth import (
    SmsCodeService,
    StepUpPolicy,
    attacker_success,
    brute_force_table,
    crack_unsalted,
    equal_error_rate,
    error_rates,
    evaluate_policies,
    far_frr,
    hash_password,
    hotp,
    needs_rehash,
    parse_hash,
    provisioning_uri,
    risk_score,
    simulate_scores,
    simulate_sms_attack,
    standard_policies,
    synthetic_payments,
    threshold_for_far,
    time_step,
    totp,
    verify_password,
    verify_totp,
    weak_hash,
)
from paylab.clock import FixedClock
from paylab.errors import AuthError, InvalidInput, RateLimited

RFC_SECRET = b"12345678901234567890"
SEED32 = b"12345678901234567890123456789012"
SEED64 = b"1234567890123456789012345678901234567890123456789012345678901234"
FAST = {"n": 2**8, "r": 8, "p": 1}  # cheap parameters so the tests stay quick


# -- passwords -------------------------------------------------------------------------------
def test_password_round_trip_and_format():
    stored = hash_password("correct horse", **FAST)
    assert stored.startswith("scrypt$n=256,r=8,p=1$")
    assert verify_password("correct horse", stored)
    assert not verify_password("correct horsf", stored)
    assert parse_hash(stored)["n"] == 256


def test_password_salt_makes_hashes_differ_and_known_value():
    assert hash_password("pw", **FAST) != hash_password("pw", **FAST)
    salt = b"0123456789abcdef"
    stored = hash_password("pw", salt=salt, **FAST)
    expected = hashlib.scrypt(b"pw", salt=salt, n=256, r=8, p=1, dklen=32)
    assert parse_hash(stored)["hash"] == expected


def test_needs_rehash():
    assert needs_rehash(hash_password("pw", **FAST))
    assert not needs_rehash(hash_password("pw", **FAST), **FAST)


@pytest.mark.parametrize("stored", ["", "bcrypt$x$y$z", "scrypt$n=256,r=8$AA==$AA==", "scrypt$n=255,r=8,p=1$AAAA"
                                    "AAAAAAAAAAAA$" + "A" * 44, "scrypt$n=256,r=8,p=1$!!$!!", 42])
def test_malformed_stored_hash(stored):
    with pytest.raises(InvalidInput) as err:
        verify_password("pw", stored)
    assert err.value.field == "stored"


@pytest.mark.parametrize(("kwargs", "field"), [({"n": 1000}, "n"), ({"r": 0}, "r"), ({"salt": b"short"}, "salt")])
def test_bad_hash_parameters(kwargs, field):
    with pytest.raises(InvalidInput) as err:
        hash_password("pw", **{**FAST, **kwargs})
    assert err.value.field == field


@pytest.mark.parametrize("pw", ["", None, b"bytes"])
def test_bad_password(pw):
    with pytest.raises(InvalidInput) as err:
        hash_password(pw)
    assert err.value.field == "pw"


def test_brute_force_table_shape_and_monotone_space():
    clock = iter(np.arange(0, 100, 0.5))
    table = brute_force_table([FAST, {"n": 2**9, "r": 8, "p": 1}], repeats=1, timer=lambda: float(next(clock)))
    assert list(table["memory (MiB)"]) == [0.25, 0.5]
    assert table.loc[0, "guesses/s (1 core, this machine)"] == pytest.approx(2.0)   # fake timer: 0.5 s each
    assert table.loc[0, "days: 6-digit PIN"] == pytest.approx(10**6 / 2 / 86400)
    with pytest.raises(InvalidInput):
        brute_force_table([{"n": 4}])


@given(st.text(min_size=1, max_size=20))
def test_password_property(pw):
    stored = hash_password(pw, n=16, r=1, p=1)
    assert verify_password(pw, stored)
    assert not verify_password(pw + "x", stored)


def test_unsalted_hashes_fall_together():
    leaked = {"ann": weak_hash("0420"), "bob": weak_hash("9999"), "cat": weak_hash("0420")}
    assert leaked["ann"] == leaked["cat"]                       # no salt: equal passwords show
    found, guesses = crack_unsalted(leaked, digits=4)
    assert found == {"ann": "0420", "bob": "9999", "cat": "0420"} and guesses == 10_000
    found, guesses = crack_unsalted({"ann": weak_hash("0003")}, digits=4)
    assert found == {"ann": "0003"} and guesses == 4              # stops once every account is found
    with pytest.raises(InvalidInput) as err:
        crack_unsalted({"x": "abc"}, digits=4)
    assert err.value.field == "leaked"
    with pytest.raises(InvalidInput) as err:
        crack_unsalted({}, digits=9)
    assert err.value.field == "digits"


# -- HOTP / TOTP -----------------------------------------------------------------------------
RFC4226 = ["755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871", "520489"]


def test_hotp_rfc4226_appendix_d():
    assert [hotp(RFC_SECRET, c) for c in range(10)] == RFC4226


@pytest.mark.parametrize(("at", "sha1", "sha256", "sha512"), [
    (59, "94287082", "46119246", "90693936"),
    (1111111109, "07081804", "68084774", "25091201"),
    (1111111111, "14050471", "67062674", "99943326"),
    (1234567890, "89005924", "91819424", "93441116"),
    (2000000000, "69279037", "90698825", "38618901"),
    (20000000000, "65353130", "77737706", "47863826"),
])
def test_totp_rfc6238_appendix_b(at, sha1, sha256, sha512):
    assert totp(RFC_SECRET, at, digits=8) == sha1
    assert totp(SEED32, at, digits=8, algorithm="SHA256") == sha256
    assert totp(SEED64, at, digits=8, algorithm="SHA512") == sha512


@given(st.binary(min_size=16, max_size=64), st.integers(0, 2**40), st.sampled_from([6, 7, 8]),
       st.sampled_from(["SHA1", "SHA256", "SHA512"]))
def test_hotp_matches_cryptography(secret, counter, digits, algorithm):
    algo = {"SHA1": hashes.SHA1(), "SHA256": hashes.SHA256(), "SHA512": hashes.SHA512()}[algorithm]
    ref = HOTP(secret, digits, algo).generate(counter).decode()
    assert hotp(secret, counter, digits, algorithm) == ref


@given(st.binary(min_size=16, max_size=40), st.integers(0, 2**34), st.sampled_from([30, 60]))
def test_totp_matches_cryptography(secret, at, step):
    assert totp(secret, at, step=step) == TOTP(secret, 6, hashes.SHA1(), step).generate(at).decode()


def test_provisioning_uri_matches_cryptography_fields():
    uri = provisioning_uri(RFC_SECRET, "alice@example.com", "paylab")
    ref = TOTP(RFC_SECRET, 6, hashes.SHA1(), 30).get_provisioning_uri("alice@example.com", "paylab")
    mine, theirs = urlparse(uri), urlparse(ref)
    assert mine.scheme == theirs.scheme == "otpauth" and mine.netloc == "totp"
    assert parse_qs(mine.query)["secret"] == parse_qs(theirs.query)["secret"]
    assert parse_qs(mine.query)["digits"] == ["6"] and parse_qs(mine.query)["period"] == ["30"]
    with pytest.raises(InvalidInput) as err:
        provisioning_uri(RFC_SECRET, "a:b", "paylab")
    assert err.value.field == "account"


def test_verify_totp_window_and_replay():
    at = 1_767_225_615.0
    code = totp(RFC_SECRET, at - 30)                      # one step behind: clock drift
    used: set[int] = set()
    assert verify_totp(RFC_SECRET, code, at, window=1, used=used) == time_step(at) - 1
    with pytest.raises(AuthError) as err:
        verify_totp(RFC_SECRET, code, at, window=1, used=used)
    assert err.value.code == "otp_replayed"
    with pytest.raises(AuthError) as err:
        verify_totp(RFC_SECRET, code, at, window=0)
    assert err.value.code == "otp_invalid"
    with pytest.raises(AuthError) as err:
        verify_totp(RFC_SECRET, "12345", at)
    assert err.value.code == "otp_invalid"


@pytest.mark.parametrize(("call", "field"), [
    (lambda: hotp("text", 0), "secret"), (lambda: hotp(b"short", 0), "secret"),
    (lambda: hotp(RFC_SECRET, -1), "counter"),
    (lambda: hotp(RFC_SECRET, 0, digits=5), "digits"), (lambda: hotp(RFC_SECRET, 0, algorithm="MD5"), "algorithm"),
    (lambda: totp(RFC_SECRET, float("nan")), "at"), (lambda: totp(RFC_SECRET, 10, step=0), "step"),
    (lambda: verify_totp(RFC_SECRET, 123456, 100), "code"),
    (lambda: verify_totp(RFC_SECRET, "123456", 100, 11), "window"),
])
def test_otp_bad_inputs(call, field):
    with pytest.raises(InvalidInput) as err:
        call()
    assert err.value.field == field


# -- SMS codes -------------------------------------------------------------------------------
PHONE, IP = "+8613800000000", "203.0.113.7"


def service(**kwargs) -> tuple[SmsCodeService, FixedClock]:
    clock = FixedClock()
    return SmsCodeService(clock, rng=np.random.default_rng(7), **kwargs), clock


def test_sms_issue_verify_single_use_and_hashed():
    svc, _ = service()
    msg = svc.request_code(PHONE, IP)
    assert len(msg.code) == 6 and msg.code.isdigit()
    assert msg.code.encode() not in svc.pending_digest(PHONE)
    assert svc.verify(PHONE, msg.code)
    with pytest.raises(AuthError) as err:
        svc.verify(PHONE, msg.code)
    assert err.value.code == "no_code"


def test_sms_expiry():
    svc, clock = service(ttl=300)
    msg = svc.request_code(PHONE, IP)
    clock.advance(300)
    with pytest.raises(AuthError) as err:
        svc.verify(PHONE, msg.code)
    assert err.value.code == "code_expired"


def test_sms_attempts_burn_the_code():
    svc, _ = service(max_attempts=3)
    msg = svc.request_code(PHONE, IP)
    wrong = str((int(msg.code) + 1) % 10**6).zfill(6)
    codes = []
    for _ in range(3):
        with pytest.raises(AuthError) as err:
            svc.verify(PHONE, wrong)
        codes.append(err.value.code)
    assert codes == ["wrong_code", "wrong_code", "too_many_attempts"]
    with pytest.raises(AuthError) as err:
        svc.verify(PHONE, msg.code)                     # the right code no longer helps
    assert err.value.code == "no_code"


def test_sms_cooldown_and_limits():
    svc, clock = service(resend_cooldown=60, per_phone_per_hour=2, per_phone_per_day=3, per_ip_per_hour=None)
    svc.request_code(PHONE, IP)
    with pytest.raises(RateLimited) as err:
        svc.request_code(PHONE, IP)
    assert err.value.rule == "resend_cooldown" and err.value.retry_after == pytest.approx(60)
    clock.advance(60)
    svc.request_code(PHONE, IP)
    clock.advance(60)
    with pytest.raises(RateLimited) as err:
        svc.request_code(PHONE, IP)
    assert err.value.rule == "per_phone_hour" and err.value.field == "phone"
    clock.advance(err.value.retry_after)
    svc.request_code(PHONE, IP)
    clock.advance(3600)
    with pytest.raises(RateLimited) as err:
        svc.request_code(PHONE, IP)
    assert err.value.rule == "per_phone_day"


def test_sms_per_ip_limit():
    svc, clock = service(per_ip_per_hour=2, resend_cooldown=0)
    svc.request_code("+8613800000001", IP)
    svc.request_code("+8613800000002", IP)
    with pytest.raises(RateLimited) as err:
        svc.request_code("+8613800000003", IP)
    assert err.value.rule == "per_ip_hour" and err.value.field == "ip"
    svc.request_code("+8613800000003", "198.51.100.1")    # another address still works


@pytest.mark.parametrize(("kwargs", "field"), [({"ttl": 0}, "ttl"), ({"max_attempts": 0}, "max_attempts"),
                                               ({"digits": 3}, "digits"), ({"per_ip_per_hour": -1}, "per_ip_per_hour"),
                                               ({"rng": 5}, "rng")])
def test_sms_bad_configuration(kwargs, field):
    with pytest.raises(InvalidInput) as err:
        SmsCodeService(FixedClock(), **kwargs)
    assert err.value.field == field


def test_sms_bad_phone_and_ip():
    svc, _ = service()
    for phone, ip, field in (("12ab", IP, "phone"), (PHONE, "999.1.1.1", "ip")):
        with pytest.raises(InvalidInput) as err:
            svc.request_code(phone, ip)
        assert err.value.field == field


def test_attacker_success_formula():
    assert attacker_success(6, 5, 1) == pytest.approx(5e-6)
    assert attacker_success(6, 5, 10) == pytest.approx(1 - (1 - 5e-6) ** 10)
    assert attacker_success(4, 10**4, 1) == 1.0
    with pytest.raises(InvalidInput):
        attacker_success(6, -1, 1)


def test_simulated_attack_counts_match_limits():
    svc, _ = service(max_attempts=5, resend_cooldown=60, per_phone_per_hour=5, per_phone_per_day=10)
    result = simulate_sms_attack(svc)
    assert result["codes"] == 10 and result["guesses"] == 50
    assert result["success_probability"] == pytest.approx(attacker_success(6, 5, 10))


def test_simulated_attack_really_wins_with_tiny_codes():
    clock = FixedClock()
    svc = SmsCodeService(clock, digits=4, max_attempts=100, resend_cooldown=0, per_phone_per_hour=None,
                         per_phone_per_day=None, per_ip_per_hour=None, rng=np.random.default_rng(1))
    result = simulate_sms_attack(svc, duration=3600, seed=3)
    assert result["hit"]                                 # 100 guesses per 4-digit code, many codes: it falls
    with pytest.raises(InvalidInput):
        simulate_sms_attack(SmsCodeService(lambda: 0.0))


# -- biometrics ------------------------------------------------------------------------------
def test_far_frr_small_example():
    scores = ([0.9, 0.8, 0.4], [0.1, 0.5, 0.85, 0.2])
    assert error_rates(scores, 0.5) == (0.5, pytest.approx(1 / 3))
    table = far_frr(scores, [0.0, 0.5, 1.0])
    assert list(table["FAR"]) == [1.0, 0.5, 0.0] and list(table["FRR"]) == [0.0, pytest.approx(1 / 3), 1.0]


def test_simulation_seeded_and_eer():
    a, b = simulate_scores(seed=1), simulate_scores(seed=1)
    pd.testing.assert_frame_equal(a, b)
    threshold, rate = equal_error_rate(a)
    far, frr = error_rates(a, threshold)
    assert abs(far - frr) < 0.01 and 0 < rate < 0.2


@given(st.sampled_from([0.0, 0.0005, 0.001, 0.01, 0.1]), st.integers(0, 5))
def test_threshold_for_far_is_lowest_meeting_target(target, seed):
    scores = simulate_scores(200, 2000, seed=seed)
    t = threshold_for_far(scores, target)
    far, _ = error_rates(scores, t)
    assert far <= target
    imp = np.sort(scores.loc[~scores["genuine"], "score"].to_numpy())
    lower = imp[imp < t]
    if lower.size:                                       # one notch lower would break the target
        assert error_rates(scores, float(lower.max()))[0] > target


def test_biometric_bad_inputs():
    with pytest.raises(InvalidInput) as err:
        threshold_for_far(simulate_scores(10, 10), 1.5)
    assert err.value.field == "target_far"
    with pytest.raises(InvalidInput) as err:
        far_frr(pd.DataFrame({"x": [1]}))
    assert err.value.field == "scores"
    with pytest.raises(InvalidInput):
        simulate_scores(0)


# -- step-up ---------------------------------------------------------------------------------
BASE = {"amount_minor": 5000, "known_device": True, "location": "home", "new_payee": False, "failed_logins_24h": 0}


def test_risk_score_signals():
    assert risk_score(BASE) == 0
    assert risk_score({**BASE, "known_device": False}) == 30
    assert risk_score({**BASE, "location": "foreign", "new_payee": True, "failed_logins_24h": 9,
                       "amount_minor": 200_000}) == 30 + 15 + 15 + 10
    for bad, field in (({"location": "moon"}, "location"), ({"amount_minor": 0}, "amount_minor"),
                       ({"failed_logins_24h": -1}, "failed_logins_24h")):
        with pytest.raises(InvalidInput) as err:
            risk_score({**BASE, **bad})
        assert err.value.field == field
    with pytest.raises(InvalidInput) as err:
        risk_score({"amount_minor": 100, "location": "home", "failed_logins_24h": 0})
    assert err.value.field == "known_device"


def test_policy_order():
    policy = StepUpPolicy("p", challenge_over=Money(1000, "CNY"), risk_threshold=40, low_value=Money(50, "CNY"))
    assert policy.decide({**BASE, "amount_minor": 100_000}).reason.startswith("amount")
    assert policy.decide({**BASE, "known_device": False, "location": "domestic", "amount_minor": 100}).challenge
    assert policy.decide({**BASE, "amount_minor": 100}).flow == "frictionless"
    with pytest.raises(InvalidInput) as err:
        StepUpPolicy("p", challenge_over=Money(1, "USD"))
    assert err.value.field == "challenge_over"


def test_evaluate_policies_extremes_and_accounting():
    pay = synthetic_payments(3000, seed=2)
    table = evaluate_policies(standard_policies(), pay)
    never, always = table.iloc[0], table.iloc[-1]
    assert never["challenged share"] == 0 and never["share of fraud value let through"] == 1
    assert always["challenged share"] == 1 and always["fraud let through"] == 0
    fraud_value = int(pay.loc[pay["is_fraud"], "amount_minor"].sum())
    assert never["fraud value let through"] == Money.from_minor(fraud_value, "CNY")
    custom = evaluate_policies([lambda p: p["risk_score"] >= 45], pay, names=["fn"])
    assert custom.loc[0, "fraud let through"] == table.iloc[2]["fraud let through"]
    with pytest.raises(InvalidInput):
        evaluate_policies(standard_policies(), pay.drop(columns=["location"]))


def test_synthetic_payments_seeded():
    pd.testing.assert_frame_equal(synthetic_payments(500, seed=4), synthetic_payments(500, seed=4))
    with pytest.raises(InvalidInput) as err:
        synthetic_payments(10, fraud_rate=0.7)
    assert err.value.field == "fraud_rate"


def test_threshold_widget_shows_and_updates():
    from paylab.widgets.security import rates_html, threshold_slider

    scores = simulate_scores(200, 2000, seed=1)
    box = threshold_slider(scores, 0.5)
    slider, out = box.children
    assert out.value == rates_html(scores, 0.5)
    slider.value = 0.9
    far, _ = error_rates(scores, 0.9)
    assert out.value == rates_html(scores, 0.9) and f"{far:.3%}" in out.value
    assert repr(box).startswith("Biometric threshold slider at 0.90") and "VBox(" not in repr(box)


def test_attacker_success_exact_agrees_with_the_limit():
    """ch04-ex2: one guess at one 4-digit code is exactly 1/10,000, not 'under' it as the float says."""
    from fractions import Fraction

    from paylab.auth import SmsAttackModel, attacker_success_exact

    assert attacker_success_exact(4, 1, 1) == Fraction(1, 10_000)
    assert attacker_success(4, 1, 1) < 1e-4                       # the floating-point trap the chapter explains
    ok = [(a, k) for a in range(1, 6) for k in range(1, 11) if attacker_success_exact(4, a, k) < Fraction(1, 10_000)]
    assert ok == []
    assert attacker_success_exact(6, 5, 10) == 1 - (1 - Fraction(5, 10**6)) ** 10
    assert float(attacker_success_exact(6, 5, 10)) == pytest.approx(attacker_success(6, 5, 10))
    assert SmsAttackModel().success() == attacker_success_exact(6, 5, 10)
    with pytest.raises(InvalidInput) as err:
        SmsAttackModel(codes_per_day=10**6)
    assert err.value.field == "codes"


def test_models_show_their_parameters():
    from paylab.auth import DEFAULT_WEIGHTS, BiometricModel, RiskWeights, SmsAttackModel, StepUpPolicy
    from paylab.parameters import parameter_table

    for record in (SmsAttackModel(), BiometricModel(), DEFAULT_WEIGHTS,
                   StepUpPolicy("risk >= 45", risk_threshold=45)):
        shown = repr(parameter_table(record))
        assert "illustrative" in shown and "Decimal(" not in shown
    assert "CNY 1,000.00" in repr(parameter_table(DEFAULT_WEIGHTS))
    assert BiometricModel().simulate().equals(simulate_scores(2000, 20000, seed=0))
    heavy = RiskWeights(unknown_device=60)
    payment = {"amount_minor": 100, "known_device": False, "location": "home", "new_payee": False,
               "failed_logins_24h": 0}
    assert risk_score(payment) == 30 and risk_score(payment, heavy) == 60
    with pytest.raises(InvalidInput) as err:
        RiskWeights(foreign=101)
    assert err.value.field == "foreign"
    with pytest.raises(InvalidInput) as err:
        risk_score(payment, weights={"foreign": 1})
    assert err.value.field == "weights"
