"""Questions of the encryption lab (labs/lab_encryption.ipynb).

Each checker runs the student's function against fresh keys from the OS and
seeded synthetic payments, decides with ``paylab.crypto``, and says what is
wrong without giving the answer.
"""

from __future__ import annotations

import json
import os
from dataclasses import replace

import numpy as np

from paylab.checks import Wrong, expect, question
from paylab.clock import EPOCH_2026
from paylab.crypto import (
    Sealed,
    aes_gcm_decrypt,
    aes_gcm_encrypt,
    certificate_pem,
    generate_signing_key,
    issue_certificate,
    make_ca,
)
from paylab.crypto.attacks import ctr_decrypt, ctr_encrypt, ecb_encrypt, tamper_certificate
from paylab.errors import PaylabError, TamperedError

DAY = 86400


def _payment(order_id: str, amount_minor: int, currency: str) -> bytes:
    return json.dumps({"order_id": order_id, "amount_minor": amount_minor,
                       "currency": currency}).encode()


@question("encryption.q1", title="Seal a payment message", points=2,
          hint="Encode the three fields as JSON bytes, and pass the order id as associated data.")
def _q1(seal_payment) -> None:
    key = os.urandom(32)
    cases = [("A1001", 10000, "CNY"), ("B-77", 1, "USD"), ("订单-9", 123456789, "CNY")]
    nonces = set()
    for order_id, amount, currency in cases:
        sealed = seal_payment(key, order_id, amount, currency)
        expect(isinstance(sealed, Sealed), "seal_payment must return a Sealed (use aes_gcm_encrypt)")
        try:
            plain = aes_gcm_decrypt(key, sealed)
        except TamperedError:
            raise Wrong("the sealed message does not open with the key given: encrypt with "
                        "that key and keep nonce, ciphertext and AAD as aes_gcm_encrypt made them"
                        ) from None
        try:
            obj = json.loads(plain)
        except ValueError:
            obj = None
        expect(isinstance(obj, dict), "the plaintext must be a JSON object")
        expect(obj.get("order_id") == order_id and obj.get("amount_minor") == amount
               and obj.get("currency") == currency,
               "the JSON for order {order!r} must hold order_id, amount_minor and currency "
               "with the values given", order=order_id)
        expect(isinstance(obj.get("amount_minor"), int), "amount_minor must stay an integer")
        expect(sealed.aad == order_id.encode(),
               "the order id must travel as associated data (UTF-8 bytes), so it is authenticated")
        nonces.add(sealed.nonce)
    again = seal_payment(key, *cases[0])
    nonces.add(again.nonce)
    expect(len(nonces) == len(cases) + 1, "every message needs a fresh nonce: do not pass a fixed one")


@question("encryption.q2", title="Open a payment message and detect tampering", points=2,
          hint="aes_gcm_decrypt raises TamperedError: catch exactly that and return None.")
def _q2(open_payment) -> None:
    key = os.urandom(32)
    msg = {"order_id": "A1001", "amount_minor": 10000, "currency": "CNY"}
    sealed = aes_gcm_encrypt(key, json.dumps(msg).encode(), aad=b"A1001")
    got = open_payment(key, sealed)
    expect(got == msg, "a genuine message must come back as the dict that was sealed")
    flipped = bytearray(sealed.ciphertext)
    flipped[3] ^= 0x01
    expect(open_payment(key, replace(sealed, ciphertext=bytes(flipped))) is None,
           "a message with a flipped ciphertext bit must give None")
    expect(open_payment(key, replace(sealed, aad=b"A1002")) is None,
           "a message with a changed order id (AAD) must give None")
    expect(open_payment(key, replace(sealed, nonce=bytes(12))) is None, "a message with a changed nonce must give None")
    expect(open_payment(key, replace(sealed, ciphertext=sealed.ciphertext[:-1])) is None,
           "a message with a cut-off tag must give None")
    expect(open_payment(os.urandom(32), sealed) is None, "the wrong key must give None")


@question("encryption.q3", title="Exploit ECB: who paid the same amount?", points=2,
          hint="Under ECB, equal 16-byte plaintext blocks at any position give equal ciphertext blocks.")
def _q3(same_amount) -> None:
    rng = np.random.default_rng(2026)
    key = os.urandom(16)
    amounts = [100_00, 2_500_00, 99_99, 100_00, 7_00]
    records, plain = [], []
    for i in range(40):
        amount = amounts[int(rng.integers(len(amounts)))]
        text = (f"order={i:010d}" + f"amount={amount // 100:06d}.{amount % 100:02d}"
                + f"card=****{int(rng.integers(10_000)):04d}***").encode()
        plain.append(text)
        records.append(ecb_encrypt(key, text))
    for mine in (0, 7, 23):
        got = same_amount(records, records[mine])
        expect(isinstance(got, list) and all(isinstance(i, int) for i in got),
               "return a list of int indices")
        want = [i for i, p in enumerate(plain) if p[16:32] == plain[mine][16:32]]
        expect(mine in got, "your own record has your amount too: include its index")
        expect(sorted(got) == want, "for record {mine} the list of indices is not right "
               "({found} found, {want} expected)", mine=mine, found=len(got), want=len(want))


@question("encryption.q4", title="Exploit nonce reuse: read a second message", points=2,
          hint="With one key and one nonce, C1 xor C2 = P1 xor P2; the tag is the last 16 bytes.")
def _q4(recover_message) -> None:
    key, nonce = os.urandom(32), os.urandom(12)
    known = b"amount=000100.00;to=merchant-42;card=4111111111111111;cvv=123"
    for secret in (b"amount=004999.00;to=merchant-77;card=5500000000000004;cvv=999",
                   b"short secret",
                   b"x" * 80):
        s1 = aes_gcm_encrypt(key, known, nonce=nonce)
        s2 = aes_gcm_encrypt(key, secret, nonce=nonce)
        got = recover_message(known, s1, s2)
        expect(isinstance(got, bytes), "return bytes")
        n = min(len(known), len(secret))
        expect(len(got) == n, "recover exactly as many bytes as both messages have "
               "(the tag is not part of the message)")
        expect(got == secret[:n], "the recovered bytes do not match the second message")


@question("encryption.q5", title="Flip the amount of an unauthenticated message", points=2,
          hint="CTR is plaintext xor keystream: xor the ciphertext with (old xor new) where the amount sits.")
def _q5(forge_amount) -> None:
    rng = np.random.default_rng(5)
    for _ in range(5):
        key, nonce = os.urandom(16), os.urandom(16)
        old = f"{int(rng.integers(1, 1_000_000)):06d}.{int(rng.integers(100)):02d}".encode()
        new = f"{int(rng.integers(1, 1_000_000)):06d}.{int(rng.integers(100)):02d}".encode()
        rest = f";currency=CNY;to=merchant-{int(rng.integers(100))}".encode()
        ct = ctr_encrypt(key, nonce, b"amount=" + old + rest)
        forged = forge_amount(ct, old, new)
        expect(isinstance(forged, bytes) and len(forged) == len(ct),
               "return bytes of the same length as the ciphertext")
        got = ctr_decrypt(key, nonce, forged)
        expect(got == b"amount=" + new + rest,
               "after your change the receiver must read the new amount and an unchanged rest")


@question("encryption.q6", title="Forge nothing against AES-GCM", points=2,
          hint="Build each forgery with dataclasses.replace; any TamperedError means 'rejected'.")
def _q6(count_accepted_forgeries) -> None:
    key = os.urandom(32)
    sealed = aes_gcm_encrypt(key, b"amount=000100.00", aad=b"A1001")
    total = 8 * (len(sealed.nonce) + len(sealed.ciphertext) + len(sealed.aad))
    seen: set[tuple[bytes, bytes, bytes]] = set()

    def gcm(s: Sealed) -> bytes:
        seen.add((s.nonce, s.ciphertext, s.aad))
        return aes_gcm_decrypt(key, s)

    got = count_accepted_forgeries(gcm, sealed)
    expect(isinstance(got, tuple) and len(got) == 2, "return a tuple (attempts, accepted)")
    expect(got[0] == total, "flip each bit of nonce, ciphertext+tag and AAD once: expected "
           "{want} attempts, got {got}", want=total, got=got[0])
    expect(len(seen) == total and (sealed.nonce, sealed.ciphertext, sealed.aad) not in seen,
           "each attempt must be a different one-bit change of the sealed message")
    expect(got[1] == 0, "AES-GCM accepted none of them: count only forgeries that decrypt")

    def no_tag_check(s: Sealed) -> bytes:  # an unauthenticated receiver: takes everything
        return b"ok"

    expect(count_accepted_forgeries(no_tag_check, sealed) == (total, total),
           "against a receiver that checks nothing, every forgery is accepted: count them")

    def aad_blind(s: Sealed) -> bytes:  # rejects changes except to the AAD
        if (s.nonce, s.ciphertext) != (sealed.nonce, sealed.ciphertext):
            raise TamperedError("rejected")
        return b"ok"

    expect(count_accepted_forgeries(aad_blind, sealed) == (total, 8 * len(sealed.aad)),
           "count exactly the forgeries the receiver accepts")


@question("encryption.q7", title="Verify a certificate chain", points=2,
          hint="verify_chain raises CertificateError (and a malformed PEM a PaylabError): catch them.")
def _q7(is_trusted) -> None:
    ca = make_ca("Paylab Root CA", now=EPOCH_2026)
    key = generate_signing_key("ed25519")
    cert = issue_certificate(ca, "gateway.paylab.test", key.public_key(), 90, now=EPOCH_2026)
    ca_pem, cert_pem = certificate_pem(ca.certificate), certificate_pem(cert)
    expect(is_trusted(cert_pem, ca_pem, EPOCH_2026 + DAY) is True,
           "a certificate issued by the CA and inside its validity must be trusted")
    other = make_ca("Other CA", now=EPOCH_2026)
    impostor = make_ca("Paylab Root CA", now=EPOCH_2026)
    forged = certificate_pem(tamper_certificate(cert, b"gateway.paylab", b"gateway.paylaX"))

    def outcome(*args: object) -> tuple[object, str | None]:
        """What is_trusted returns, or the name of the PaylabError it raised (it should return False)."""
        try:
            return is_trusted(*args), None
        except PaylabError as exc:
            return None, type(exc).__name__

    got, error = outcome(cert_pem, ca_pem, EPOCH_2026 + 91 * DAY)
    expect(error is None, "is_trusted raised {error} for an expired certificate; return False instead", error=error)
    expect(got is False, "an expired certificate must not be trusted")
    got, error = outcome(cert_pem, ca_pem, EPOCH_2026 - DAY)
    expect(error is None, "is_trusted raised {error} for a certificate not yet valid; return False instead",
           error=error)
    expect(got is False, "a certificate not yet valid must not be trusted")
    got, error = outcome(cert_pem, certificate_pem(other.certificate), EPOCH_2026 + DAY)
    expect(error is None, "is_trusted raised {error} for a certificate checked against another CA; "
           "return False instead", error=error)
    expect(got is False, "a certificate checked against another CA must not be trusted")
    got, error = outcome(cert_pem, certificate_pem(impostor.certificate), EPOCH_2026 + DAY)
    expect(error is None, "is_trusted raised {error} for a CA that only copies the real CA's name; "
           "return False instead", error=error)
    expect(got is False, "a CA that only copies the real CA's name must not be trusted")
    got, error = outcome(forged, ca_pem, EPOCH_2026 + DAY)
    expect(error is None, "is_trusted raised {error} for a certificate whose name was edited; "
           "return False instead", error=error)
    expect(got is False, "a certificate whose name was edited must not be trusted")
    got, error = outcome(cert_pem[:200] + "garbage" + cert_pem[260:], ca_pem, EPOCH_2026)
    expect(error is None, "is_trusted raised {error} for a malformed PEM; return False instead", error=error)
    expect(got is False, "a malformed PEM must not be trusted")
    got, error = outcome(cert_pem, cert_pem, EPOCH_2026 + DAY)
    expect(error is None, "is_trusted raised {error} for a leaf certificate used as CA; return False instead",
           error=error)
    expect(got is False, "a leaf certificate used as CA must not be trusted")
