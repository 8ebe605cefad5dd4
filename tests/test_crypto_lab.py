"""paylab.checks.encryption: reference answers pass, typical mistakes get 'wrong' (not a crash)."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from paylab.checks import check, questions
from paylab.crypto import aes_gcm_decrypt, aes_gcm_encrypt, verify_chain
from paylab.errors import CertificateError, PaylabError, TamperedError


def seal_payment(key, order_id, amount_minor, currency):
    body = json.dumps({"order_id": order_id, "amount_minor": amount_minor, "currency": currency})
    return aes_gcm_encrypt(key, body.encode(), aad=order_id.encode())


def seal_fixed_nonce(key, order_id, amount_minor, currency):
    body = json.dumps({"order_id": order_id, "amount_minor": amount_minor, "currency": currency})
    return aes_gcm_encrypt(key, body.encode(), aad=order_id.encode(), nonce=bytes(12))


def seal_no_aad(key, order_id, amount_minor, currency):
    body = json.dumps({"order_id": order_id, "amount_minor": amount_minor, "currency": currency})
    return aes_gcm_encrypt(key, body.encode())


def open_payment(key, sealed):
    try:
        return json.loads(aes_gcm_decrypt(key, sealed))
    except TamperedError:
        return None


def open_raising(key, sealed):
    return json.loads(aes_gcm_decrypt(key, sealed))


def same_amount(records, mine):
    return [i for i, r in enumerate(records) if r[16:32] == mine[16:32]]


def same_whole_record(records, mine):
    return [i for i, r in enumerate(records) if r == mine]


def recover_message(known, s1, s2):
    c1, c2 = s1.ciphertext[:-16], s2.ciphertext[:-16]
    n = min(len(c1), len(c2), len(known))
    return bytes(a ^ b ^ p for a, b, p in zip(c1[:n], c2[:n], known[:n], strict=True))


def recover_with_tag(known, s1, s2):
    n = min(len(s1.ciphertext), len(s2.ciphertext))
    return bytes(a ^ b ^ p for a, b, p in zip(s1.ciphertext[:n], s2.ciphertext[:n],
                                              known.ljust(n, b"\0"), strict=True))


def forge_amount(ct, old, new):
    start = 7
    patch = bytes(c ^ o ^ n for c, o, n in zip(ct[start:start + len(old)], old, new, strict=True))
    return ct[:start] + patch + ct[start + len(old):]


def forge_wrong_offset(ct, old, new):
    patch = bytes(c ^ o ^ n for c, o, n in zip(ct[:len(old)], old, new, strict=True))
    return patch + ct[len(old):]


def count_forgeries(decrypt, sealed):
    attempts = accepted = 0
    for name in ("nonce", "ciphertext", "aad"):
        value = getattr(sealed, name)
        for bit in range(8 * len(value)):
            b = bytearray(value)
            b[bit // 8] ^= 1 << (bit % 8)
            attempts += 1
            try:
                decrypt(replace(sealed, **{name: bytes(b)}))
            except TamperedError:
                continue
            accepted += 1
    return attempts, accepted


def count_constant(decrypt, sealed):
    return 8 * (len(sealed.nonce) + len(sealed.ciphertext) + len(sealed.aad)), 0


def count_ciphertext_only(decrypt, sealed):
    attempts = accepted = 0
    for bit in range(8 * len(sealed.ciphertext)):
        b = bytearray(sealed.ciphertext)
        b[bit // 8] ^= 1 << (bit % 8)
        attempts += 1
        try:
            decrypt(replace(sealed, ciphertext=bytes(b)))
            accepted += 1
        except TamperedError:
            pass
    return attempts, accepted


def is_trusted(cert, ca, at):
    try:
        return verify_chain(cert, ca, at=at)
    except PaylabError:
        return False


def is_trusted_catch_cert_only(cert, ca, at):
    try:
        return verify_chain(cert, ca, at=at)
    except CertificateError:
        return False


def is_trusted_ignores_time(cert, ca, at):
    return is_trusted(cert, ca, 1767225600 + 86400)


def stub(*args):
    raise NotImplementedError()


CASES = [
    ("encryption.q1", seal_payment, [seal_fixed_nonce, seal_no_aad]),
    ("encryption.q2", open_payment, [open_raising]),
    ("encryption.q3", same_amount, [same_whole_record]),
    ("encryption.q4", recover_message, [recover_with_tag]),
    ("encryption.q5", forge_amount, [forge_wrong_offset]),
    ("encryption.q6", count_forgeries, [count_constant, count_ciphertext_only]),
    ("encryption.q7", is_trusted, [is_trusted_ignores_time]),
]


def test_lab_has_seven_questions():
    assert [q.id for q in questions("encryption")] == [c[0] for c in CASES]


@pytest.mark.parametrize("qid, good, bad", CASES, ids=[c[0] for c in CASES])
def test_reference_passes_mistakes_fail_stub_not_yet(qid, good, bad):
    assert check(qid, good).status == "pass", str(check(qid, good))
    for wrong in bad:
        fb = check(qid, wrong)
        assert fb.status == "wrong", f"{wrong.__name__}: {fb}"
        assert fb.message
    assert check(qid, stub).status == "not yet"


def test_q7_catching_only_certificate_errors_is_enough():
    # a malformed PEM raises CertificateError too, so this also passes
    assert check("encryption.q7", is_trusted_catch_cert_only).status == "pass"
