"""Webhook signature headers as they arrive from the network: any text gives a verdict or a
``SignatureError``; behaviour matches Stripe's verification on the cases its libraries test."""

import hashlib
import hmac
import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from paylab.clock import FixedClock
from paylab.errors import InvalidInput, PaylabError, SignatureError
from paylab.flow.webhooks import (
    MAX_HEADER_LENGTH,
    MerchantInbox,
    decrypt_notice,
    encrypt_notice,
    parse_header,
    sign_webhook,
    verify_webhook,
)

BODY = b'{"id":"evt_1","type":"payment_intent.succeeded","data":{"object":{"id":"pi_1"}}}'
SECRET = "whsec_test"
T = 1767225600


def mac(secret: str, ts: int, body: bytes) -> str:
    return hmac.new(secret.encode(), b"%d." % ts + body, hashlib.sha256).hexdigest()


GOOD = mac(SECRET, T, BODY)


@pytest.mark.parametrize("header", [
    f"t={T},v1=é", f"t={T},v1=\u00e9" + GOOD[1:], "t=²,v1=" + GOOD, "t=١٢٣,v1=" + GOOD, "t=1e9,v1=" + GOOD,
    "", ",", "=", "t=", "v1=", f"t={T}", f"v1={GOOD}", f"t={T},t={T},v1={GOOD}", "t=-1,v1=" + GOOD,
    f"t={'9' * 5000},v1={GOOD}", "v1,t=1", "i'm not even a real signature header", "bad_header",
    f"t={T},v0={GOOD}", f"t={T},v1=\ud800", "\x00", "t=" + "1" * 13 + ",v1=" + GOOD,
    f"t={T}," + ",".join(["v1=x"] * 2000),
])
def test_hostile_headers_give_signature_error(header):
    with pytest.raises(SignatureError) as err:
        verify_webhook(BODY, header, SECRET, now=T)
    assert err.value.field in ("header", "timestamp")


@pytest.mark.parametrize("header", [None, b"t=1,v1=ab", 123, ["t=1"]])
def test_header_of_the_wrong_type(header):
    with pytest.raises(SignatureError):
        verify_webhook(BODY, header, SECRET, now=T)  # type: ignore[arg-type]


def test_several_v1_and_unknown_schemes():
    # Any one matching v1 is enough; v0 and unknown schemes are ignored (Stripe's behaviour).
    assert verify_webhook(BODY, f"t={T},v1=bad,v1={GOOD}", SECRET, now=T) == T
    assert verify_webhook(BODY, f"t={T},v0=abc,v2=zzz,v1={GOOD}", SECRET, now=T) == T
    assert verify_webhook(BODY, f"t={T}, v1={GOOD} ", SECRET, now=T) == T  # items are stripped
    assert parse_header(f"t={T},v1=a,v1=b,x=1") == (T, ["a", "b"])


def test_tolerance_both_ways_and_none():
    header = f"t={T},v1={GOOD}"
    assert verify_webhook(BODY, header, SECRET, now=T + 300) == T
    assert verify_webhook(BODY, header, SECRET, now=T - 300) == T
    for now in (T + 301, T - 301):
        with pytest.raises(SignatureError) as err:
            verify_webhook(BODY, header, SECRET, now=now)
        assert err.value.field == "timestamp"
    assert verify_webhook(BODY, header, SECRET, now=T + 10**9, tolerance=None) == T


@pytest.mark.parametrize("kwargs,field", [
    ({"now": float("nan")}, "now"), ({"now": "T"}, "now"), ({"now": float("inf")}, "now"),
    ({"now": T, "tolerance": -1}, "tolerance"), ({"now": T, "tolerance": float("nan")}, "tolerance"),
    ({"now": T, "tolerance": "300"}, "tolerance"),
])
def test_bad_clock_or_tolerance(kwargs, field):
    with pytest.raises(InvalidInput) as err:
        verify_webhook(BODY, f"t={T},v1={GOOD}", SECRET, **kwargs)
    assert err.value.field == field


def test_bad_secret_and_timestamp_for_signing():
    with pytest.raises(InvalidInput) as err:
        sign_webhook(BODY, "\ud800", T)
    assert err.value.field == "secret"
    for ts in (-1, 10**12, True, 1.5):
        with pytest.raises(InvalidInput) as err:
            sign_webhook(BODY, SECRET, ts)  # type: ignore[arg-type]
        assert err.value.field == "timestamp"


def test_rotation_headers_verify_with_each_secret():
    header = sign_webhook(BODY, ["whsec_old", "whsec_new"], T)
    assert header.count("v1=") == 2
    for s in ("whsec_old", "whsec_new", ["whsec_x", "whsec_new"]):
        assert verify_webhook(BODY, header, s, now=T) == T
    with pytest.raises(SignatureError):
        verify_webhook(BODY, header, "whsec_other", now=T)


def test_inbox_refuses_signed_garbage_with_typed_errors():
    clock = FixedClock(T)
    inbox = MerchantInbox(SECRET, clock)
    for body in (b"\xff\xfe", b"not json", b"[1, 2]", b'{"id": 5}',
                 b'{"id":"e","type":"payment_intent.succeeded","data":[]}'):
        with pytest.raises(InvalidInput):
            inbox.receive(body, sign_webhook(body, SECRET, T))
    assert inbox.processed == [] and inbox.seen == set()
    with pytest.raises(SignatureError):
        inbox.receive(BODY, "t=²,v1=é")
    assert inbox.rejected == 1
    assert inbox.receive(BODY, sign_webhook(BODY, SECRET, T)) is True
    assert inbox.receive(BODY, sign_webhook(BODY, SECRET, T)) is False
    assert inbox.fulfilled == {"pi_1": 1}


@given(st.text(max_size=300))
def test_any_header_text_gives_a_verdict(header):
    try:
        verify_webhook(BODY, header, SECRET, now=T)
    except SignatureError:
        pass


@given(st.lists(st.tuples(st.sampled_from(["t", "v1", "v0", "", "T", "v1 "]), st.text(max_size=70)),
                max_size=6))
def test_any_structured_header_gives_a_verdict(items):
    header = ",".join(f"{k}={v}" for k, v in items)
    try:
        ts = verify_webhook(BODY, header, SECRET, now=T, tolerance=None)
    except PaylabError as exc:
        assert isinstance(exc, SignatureError)
    else:  # accepted only when one v1 really is the MAC for that timestamp
        assert mac(SECRET, ts, BODY) in parse_header(header)[1]


@given(st.binary(max_size=200), st.integers(0, 10**11), st.text(min_size=1, max_size=40).filter(
    lambda s: s.encode("utf-8", "ignore") == s.encode("utf-8", "surrogatepass")))
def test_sign_then_verify_round_trip(body, ts, secret):
    assert verify_webhook(body, sign_webhook(body, secret, ts), secret, now=ts) == ts


def test_max_header_length_is_documented():
    assert MAX_HEADER_LENGTH >= 1024


VECTORS = Path("/work/shared/vectors/stripe_webhooks.json")


@pytest.mark.skipif(not VECTORS.exists(), reason="Stripe reference vectors not present")
def test_stripe_library_suites_and_headers():
    data = json.loads(VECTORS.read_text())
    for case in data["suite_cases"]:
        kwargs = {"now": case["now"], "tolerance": case["tolerance"]}
        body = case["payload"].encode()
        if case["expect"] == "accept":
            verify_webhook(body, case["header"], case["secret"], **kwargs)
        else:
            with pytest.raises(SignatureError):
                verify_webhook(body, case["header"], case["secret"], **kwargs)
    for case in data["signed_by_stripe"]:
        body = case["payload"].encode()
        assert sign_webhook(body, case["secret"], case["timestamp"]) == case["header"]
        assert verify_webhook(body, case["header"], case["secret"], now=case["timestamp"]) == case["timestamp"]
    for case in data["signed_by_paylab"]["cases"]:
        body = case["payload"].encode()
        for secret, ok in case["stripe_verify_header"].items():
            if ok:
                verify_webhook(body, case["header"], secret, now=case["timestamp"], tolerance=None)
            else:
                with pytest.raises(SignatureError):
                    verify_webhook(body, case["header"], secret, now=case["timestamp"], tolerance=None)


KEY = "0123456789abcdef0123456789abcdef"


@pytest.mark.parametrize("kwargs,field", [
    ({"resource": {"amount": b"1"}}, "resource"), ({"resource": [1]}, "resource"),
    ({"associated_data": None}, "associated_data"), ({"associated_data": "\ud800"}, "associated_data"),
    ({"nonce": "\ud800" * 12}, "nonce"), ({"nonce": 5}, "nonce"), ({"api_v3_key": "\ud800" * 32}, "api_v3_key"),
    ({"summary": 5}, "summary"),
])
def test_encrypt_notice_bad_arguments(kwargs, field):
    args = {"resource": {"out_trade_no": "1"}, "api_v3_key": KEY, "nonce": "abcdefghijkl"} | kwargs
    with pytest.raises(InvalidInput) as err:
        encrypt_notice(**args)
    assert err.value.field == field


@pytest.mark.parametrize("notice", [
    None, 5, "x", [], {"resource": []}, {"resource": {"algorithm": "AEAD_AES_256_GCM", "ciphertext": 5,
                                                       "nonce": "abcdefghijkl"}},
    {"resource": {"algorithm": "AEAD_AES_256_GCM", "ciphertext": "", "nonce": "abcdefghijkl",
                  "associated_data": ["x"]}},
    {"resource": {"algorithm": "AEAD_AES_256_GCM", "ciphertext": "AAAA", "nonce": "\ud800" * 12}},
])
def test_decrypt_notice_garbage_gives_typed_errors(notice):
    with pytest.raises(PaylabError):
        decrypt_notice(notice, KEY)


def test_decrypt_with_a_bad_key_is_invalid_input_not_tampering():
    notice = encrypt_notice({"a": 1}, KEY, nonce="abcdefghijkl")
    with pytest.raises(InvalidInput) as err:
        decrypt_notice(notice, "short")
    assert err.value.field == "api_v3_key"
    assert decrypt_notice(notice, KEY) == {"a": 1}
