"""Questions of the authentication lab (labs/lab_authentication.ipynb).

Every checker compares the student's function with ``paylab.auth`` / ``paylab.netsec``
on published vectors or seeded synthetic data, and says what is wrong without giving
the answer.
"""

from __future__ import annotations

import inspect

import numpy as np

from paylab.auth import (
    SmsCodeService,
    error_rates,
    evaluate_policies,
    hash_password,
    hotp,
    simulate_scores,
    simulate_sms_attack,
    synthetic_payments,
    threshold_for_far,
    totp,
)
from paylab.checks import expect, question
from paylab.clock import FixedClock
from paylab.netsec import IDS, RateRule, confusion_matrix, detection_metrics, generate_events

RFC_SECRET = b"12345678901234567890"
RFC4226 = ["755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871", "520489"]
SMS_KEYS = {"ttl", "max_attempts", "resend_cooldown", "per_phone_per_hour", "per_phone_per_day", "per_ip_per_hour"}


@question("authentication.q1", title="HOTP from RFC 4226", points=2,
          hint="HMAC-SHA1 over the 8-byte big-endian counter; offset = last byte & 0x0F; "
               "take 4 bytes, clear the top bit, reduce modulo 10**digits and keep leading zeros.")
def _q1(my_hotp) -> None:
    got = [my_hotp(RFC_SECRET, c) for c in range(10)]
    expect(all(isinstance(g, str) for g in got), "return the code as a string (leading zeros matter)")
    for c, (g, want) in enumerate(zip(got, RFC4226, strict=True)):
        expect(g == want, "counter {c}: RFC {rfc} Appendix D expects a different value than {got!r}",
               c=c, rfc=4226, got=g)
    rng = np.random.default_rng(4226)
    for _ in range(50):
        secret = bytes(rng.integers(0, 256, int(rng.integers(16, 40)), dtype=np.uint8))
        counter = int(rng.integers(0, 2**40))
        for digits in (6, 8):
            expect(my_hotp(secret, counter, digits) == hotp(secret, counter, digits),
                   "wrong {digits}-digit code for a random secret and counter {counter}",
                   digits=digits, counter=counter)
    padded = next(c for c in range(1000) if hotp(RFC_SECRET, c).startswith("0"))
    expect(my_hotp(RFC_SECRET, padded) == hotp(RFC_SECRET, padded), "codes below 100000 must be zero-padded")


@question("authentication.q2", title="TOTP with a drift window and no replay", points=2,
          hint="T = floor(at / 30); try T-window .. T+window; refuse a step already in `used`, "
               "and add the step you accept.")
def _q2(accept_totp) -> None:
    at = 1_767_225_615.0
    step = int(at // 30)
    for offset in (-2, -1, 0, 1, 2):
        code = totp(RFC_SECRET, at + 30 * offset)
        for window in (0, 1, 2):
            want = abs(offset) <= window
            got = accept_totp(RFC_SECRET, code, at, window, set())
            if want:
                expect(got is True, "a code from {offset:+d} step(s) with window={window} should be accepted",
                       offset=offset, window=window)
            else:
                expect(got is False, "a code from {offset:+d} step(s) with window={window} should be refused",
                       offset=offset, window=window)
    used: set[int] = set()
    code = totp(RFC_SECRET, at)
    expect(accept_totp(RFC_SECRET, code, at, 1, used) is True, "a fresh current code must be accepted")
    expect(step in used, "record the accepted time step in `used`")
    expect(accept_totp(RFC_SECRET, code, at + 5, 1, used) is False, "the same code again must be refused (replay)")
    wrong = str((int(code) + 1) % 10**6).zfill(6)
    expect(accept_totp(RFC_SECRET, wrong, at, 1, set()) is False, "a wrong code must be refused")
    expect(accept_totp(RFC_SECRET, code[:5], at, 1, set()) is False, "a code of the wrong length must be refused")


@question("authentication.q3", title="SMS-code limits: under 1 in 10,000 per day", points=2,
          hint="The attacker rotates IP addresses and waits out every cooldown: count codes per phone per day "
               "times attempts per code, out of 10**6.")
def _q3(sms_limits) -> None:
    limits = sms_limits()
    expect(isinstance(limits, dict) and set(limits) == SMS_KEYS,
           "return a dict with exactly the keys {keys} (set every limit yourself)", keys=sorted(SMS_KEYS))
    expect(isinstance(limits["max_attempts"], int) and limits["max_attempts"] >= 3,
           "customers mistype: allow at least 3 attempts per code")
    expect(60 <= limits["ttl"] <= 600, "the code should live between 1 and 10 minutes")
    expect(limits["resend_cooldown"] <= 90, "a customer must be able to ask again within 90 seconds")
    daily = limits["per_phone_per_day"]
    expect(daily is None or daily >= 5, "a genuine customer may need up to 5 codes a day")
    hourly = limits["per_phone_per_hour"]
    expect(hourly is None or hourly >= 2, "allow at least 2 codes an hour for a retry")
    service = SmsCodeService(FixedClock(), **limits, rng=np.random.default_rng(3))
    result = simulate_sms_attack(service, seed=4)
    expect(result["success_probability"] < 1e-4,
           "a guesser with many IP addresses got {codes} codes and {guesses} guesses in a day: "
           "success chance {chance:.1e}, not under {limit}",
           codes=result["codes"], guesses=result["guesses"], chance=result["success_probability"], limit="1e-4")


@question("authentication.q4", title="A biometric threshold for a target FAR", points=2,
          hint="Sort the impostor scores; you may accept at most floor(target * n) of them. "
               "The threshold must sit just above the next one (accept when score >= threshold).")
def _q4(choose_threshold) -> None:
    for seed, target in ((1, 0.01), (2, 0.001), (3, 0.05), (4, 0.0)):
        scores = simulate_scores(300, 3000, seed=seed)
        gen = scores.loc[scores["genuine"], "score"].to_numpy()
        imp = scores.loc[~scores["genuine"], "score"].to_numpy()
        t = float(choose_threshold(gen.copy(), imp.copy(), target))
        far, frr = error_rates((gen, imp), t)
        expect(far <= target, "target FAR {target}: your threshold gives FAR {far:.4f}", target=target, far=far)
        _, best_frr = error_rates((gen, imp), threshold_for_far((gen, imp), target))
        expect(frr <= best_frr + 1e-12, "target FAR {target}: FAR is met but FRR {frr:.3f} is higher than it "
                                        "needs to be; lower the threshold as far as the target allows",
               target=target, frr=frr)


@question("authentication.q5", title="Design a step-up policy", points=3,
          hint="No single signal is enough: combine a risk score with an amount cap, and tune both.")
def _q5(my_policy) -> None:
    for seed in (11, 12):
        payments = synthetic_payments(20000, seed=seed).drop(columns=["is_fraud", "risk_score"])
        truth = synthetic_payments(20000, seed=seed)
        table = evaluate_policies([lambda p: bool(my_policy(dict(p)))], payments.assign(is_fraud=truth["is_fraud"]),
                                  names=["yours"])
        row = table.iloc[0]
        expect(row["challenged share"] <= 0.06,
               "seed {seed}: {share:.1%} of payments challenged; the limit is {limit:.0%}",
               seed=seed, share=row["challenged share"], limit=0.06)
        expect(row["share of fraud value let through"] <= 0.15,
               "seed {seed}: {share:.1%} of fraud value gets through; the limit is {limit:.0%}",
               seed=seed, share=row["share of fraud value let through"], limit=0.15)


@question("authentication.q6", title="Verify a stored scrypt hash", points=2,
          hint="Split on '$', read n, r, p, base64-decode salt and hash, recompute with hashlib.scrypt "
               "(dklen=32, maxmem large enough) and compare with hmac.compare_digest.")
def _q6(check_password) -> None:
    for pw, params in (("correct horse", {"n": 2**8, "r": 8, "p": 1}), ("密码123", {"n": 2**9, "r": 4, "p": 2}),
                       ("x", {"n": 2**10, "r": 8, "p": 1})):
        stored = hash_password(pw, **params)
        expect(check_password(pw, stored) is True, "the right password must verify (parameters {params})",
               params=params)
        expect(check_password(pw + "!", stored) is False, "a wrong password must not verify")
    for junk in ("", "md5$abc", "scrypt$n=256,r=8,p=1$%%%$%%%", "scrypt$n=abc$AA==$AA=="):
        expect(check_password("pw", junk) is False, "a malformed stored value {stored!r} must give False, not raise",
               stored=junk)
    try:
        source = inspect.getsource(check_password)
    except (OSError, TypeError):
        source = ""
    expect(not source or "compare_digest" in source, "compare the hashes in constant time (hmac.compare_digest)")


@question("authentication.q7", title="Tune the credential-stuffing rule", points=2,
          hint="Stuffing bots try a new user every few seconds from each address; office staff arrive over "
               "15 minutes. A short window separates them.")
def _q7(stuffing_rule) -> None:
    rule = stuffing_rule()
    expect(isinstance(rule, RateRule), "return a paylab.netsec.RateRule")
    expect(rule.event_type == "login" and rule.key == "ip", "count login events per ip")
    for seed in (5, 6):
        events = generate_events(seed=seed)
        out = IDS([rule]).run(events)
        logins = out[out["type"] == "login"]
        m = detection_metrics(confusion_matrix(logins["attack"] == "credential_stuffing", logins["alert"]))
        expect(m["recall"] >= 0.9, "seed {seed}: only {recall:.0%} of stuffing attempts alert (need {need:.0%})",
               seed=seed, recall=m["recall"], need=0.9)
        benign = logins[logins["attack"] == "none"]
        expect(not benign["alert"].any(), "seed {seed}: {n} genuine logins raise alerts (need none)",
               seed=seed, n=int(benign["alert"].sum()))
