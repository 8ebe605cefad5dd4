"""paylab.crypto handshake and the attack demonstrations."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from paylab.clock import EPOCH_2026
from paylab.crypto import (
    CustomerApp,
    Gateway,
    ManInTheMiddle,
    Record,
    aes_gcm_decrypt,
    aes_gcm_encrypt,
    generate_signing_key,
    handshake_attacks,
    issue_certificate,
    make_ca,
    make_gateway,
    run_handshake,
)
from paylab.crypto import attacks as atk
from paylab.crypto.handshake import ClientHello
from paylab.errors import CertificateError, InvalidInput, PaylabError, SignatureError, TamperedError

T0 = EPOCH_2026
NAME = "gateway.paylab.test"
CA = make_ca("Paylab Root CA", now=T0, seed=1)
GATEWAY = make_gateway(NAME, CA, now=T0, seed=2)


def _app(seed: int | None = 3, at: float = T0 + 60) -> CustomerApp:
    return CustomerApp(CA.certificate, NAME, at=at, seed=seed)


# --- handshake ---------------------------------------------------------------------------

def test_handshake_gives_matching_directional_keys():
    res = run_handshake(_app(), GATEWAY)
    assert res.app.key_ids == res.gateway.key_ids[::-1]
    assert res.app.key_ids[0] != res.app.key_ids[1]
    r0 = res.app.send(b"pay 100.00 CNY to order A1001")
    assert res.gateway.receive(r0) == b"pay 100.00 CNY to order A1001"
    r1 = res.gateway.send(b"ok")
    assert res.app.receive(r1) == b"ok"
    assert [r0.seq, r1.seq] == [0, 0]
    rows = res.transcript.rows()
    assert [r["message"] for r in rows] == ["ClientHello", "ServerHello", "checks passed",
                                           "keys derived", "record #0", "record #0"]
    assert list(res.transcript.to_frame().columns) == ["from", "to", "message", "bytes", "detail"]
    assert len(res.transcript) == 6


def test_seeded_handshake_repeats_exactly():
    def fresh():
        gw = make_gateway(NAME, CA, now=T0, seed=2)
        return run_handshake(_app(), gw)

    a, b = fresh(), fresh()
    assert a.transcript.rows() == b.transcript.rows()
    assert a.app.key_ids == b.app.key_ids
    c = run_handshake(_app(seed=4), make_gateway(NAME, CA, now=T0, seed=2))
    assert c.app.key_ids != a.app.key_ids


def test_unseeded_handshakes_use_fresh_keys():
    a, b = run_handshake(_app(None), GATEWAY), run_handshake(_app(None), GATEWAY)
    assert a.app.key_ids != b.app.key_ids


def test_records_replay_reorder_reflect_and_tamper_are_rejected():
    res = run_handshake(_app(), GATEWAY)
    r0, r1, r2 = (res.app.send(m) for m in (b"one", b"two", b"three"))
    assert res.gateway.receive(r0) == b"one"
    with pytest.raises(TamperedError) as err:
        res.gateway.receive(r0)
    assert err.value.code == "replayed"
    with pytest.raises(TamperedError) as err:
        res.gateway.receive(r2)
    assert err.value.code == "out_of_order"
    with pytest.raises(TamperedError) as err:  # replay disguised with the expected number
        res.gateway.receive(replace(r0, seq=1))
    assert err.value.rule == "authentic"
    with pytest.raises(TamperedError) as err:
        res.app.receive(r1)  # reflected back to its sender
    assert err.value.code == "reflected"
    bad = bytearray(r1.ciphertext)
    bad[0] ^= 1
    with pytest.raises(TamperedError):
        res.gateway.receive(replace(r1, ciphertext=bytes(bad)))
    assert res.gateway.receive(r1) == b"two"  # the genuine one still goes through


@pytest.mark.parametrize("strategy, error, rule", [
    ("swap_key_share", SignatureError, "valid signature"),
    ("own_certificate", CertificateError, "wrong_issuer"),
    ("fake_ca_same_name", CertificateError, "bad_signature"),
])
def test_man_in_the_middle_fails(strategy, error, rule):
    mitm = ManInTheMiddle(strategy, NAME, impersonated_ca="Paylab Root CA", now=T0, seed=9)
    with pytest.raises(error) as err:
        run_handshake(_app(), GATEWAY, mitm=mitm)
    assert err.value.rule == rule


def test_failed_handshake_keeps_its_transcript():
    from paylab.crypto import Transcript

    t = Transcript()
    with pytest.raises(SignatureError):
        run_handshake(_app(), GATEWAY, transcript=t,
                      mitm=ManInTheMiddle("swap_key_share", NAME, now=T0, seed=9))
    assert [r["message"] for r in t.rows()] == ["ClientHello", "ServerHello",
                                               "ServerHello (forged)", "handshake aborted"]
    assert "SignatureError" in t.rows()[-1]["detail"]


def test_handshake_attack_table():
    rows = handshake_attacks(CA.certificate, GATEWAY, at=T0 + 60, seed=1)
    assert [r["outcome"] for r in rows] == ["accepted"] + ["rejected"] * 7
    assert [r["rule"] for r in rows[1:]] == ["valid signature", "wrong_issuer", "bad_signature",
                                             "each record once", "in order", "authentic",
                                             "own direction"]
    assert rows == handshake_attacks(CA.certificate, GATEWAY, at=T0 + 60, seed=1)


def test_wrong_name_expired_and_untrusted_gateway():
    other = make_gateway("evil.example", CA, now=T0, seed=5)
    with pytest.raises(CertificateError) as err:
        run_handshake(_app(), Gateway(NAME, other.certificate, other.signing_key))
    assert err.value.rule == "wrong_subject"
    with pytest.raises(CertificateError) as err:
        run_handshake(_app(at=T0 + 400 * 86400), GATEWAY)
    assert err.value.rule == "expired"
    key = generate_signing_key("ed25519", seed=6)
    stolen_cert_other_key = Gateway(NAME, GATEWAY.certificate, key)
    with pytest.raises(SignatureError):
        run_handshake(_app(), stolen_cert_other_key)


def test_handshake_bad_inputs():
    app = _app()
    with pytest.raises(InvalidInput) as err:
        app.finish(None)
    assert err.value.field == "reply"
    with pytest.raises(InvalidInput):
        GATEWAY.respond("hello")
    with pytest.raises(TamperedError):
        GATEWAY.respond(ClientHello(bytes(32), bytes(32)))  # all-zero (low-order) share
    res = run_handshake(_app(), GATEWAY)
    with pytest.raises(InvalidInput) as err:
        res.gateway.receive(b"raw")
    assert err.value.field == "record"
    with pytest.raises(InvalidInput) as err:
        res.app.send("text")
    assert err.value.field == "data"
    with pytest.raises(InvalidInput) as err:
        ManInTheMiddle("teleport", NAME, now=T0)
    assert err.value.field == "strategy"
    with pytest.raises(TamperedError):
        res.gateway.receive(Record(0, "app->gateway", b"short"))


@given(msgs=st.lists(st.binary(max_size=40), min_size=1, max_size=5))
def test_property_records_round_trip_in_order(msgs):
    res = run_handshake(_app(), GATEWAY)
    assert [res.gateway.receive(res.app.send(m)) for m in msgs] == msgs


# --- ECB ---------------------------------------------------------------------------------

KEY = bytes(range(16))


def test_ecb_image_keeps_the_outline_ctr_and_gcm_do_not():
    img = atk.make_logo_image()
    assert img.shape == (160, 256) and img.dtype == np.uint8 and len(np.unique(img)) >= 4
    ecb = atk.encrypt_image(img, KEY, "ecb")
    ctr = atk.encrypt_image(img, KEY, "ctr")
    gcm = atk.encrypt_image(img, KEY, "gcm")
    assert ecb.shape == ctr.shape == gcm.shape == img.shape
    assert atk.repeated_block_share(ecb.tobytes()) > 0.9
    assert atk.repeated_block_share(ctr.tobytes()) == atk.repeated_block_share(gcm.tobytes()) == 0
    # equal plaintext blocks map to equal ciphertext blocks: the background stays one "colour"
    assert (ecb[0, :16] == ecb[1, :16]).all() and not (ctr[0, :16] == ctr[1, :16]).all()


def test_ecb_and_image_bad_inputs():
    with pytest.raises(InvalidInput) as err:
        atk.ecb_encrypt(KEY, b"15 bytes only!!")
    assert err.value.field == "data"
    with pytest.raises(InvalidInput) as err:
        atk.make_logo_image(width=100)
    assert err.value.field == "width"
    with pytest.raises(InvalidInput) as err:
        atk.encrypt_image(np.zeros((4, 4), dtype=float), KEY)
    assert err.value.field == "image"
    with pytest.raises(InvalidInput) as err:
        atk.encrypt_image(atk.make_logo_image(), KEY, "rot13")
    assert err.value.field == "mode"
    assert atk.repeated_block_share(b"") == 0.0


# --- nonce reuse -------------------------------------------------------------------------

def test_gcm_nonce_reuse_recovers_the_second_message():
    nonce = bytes(12)
    known = b"amount=000100.00;to=merchant-42;card=4111111111111111"
    secret = b"amount=004999.00;to=merchant-77;card=5500000000000004"
    s1 = aes_gcm_encrypt(KEY, known, nonce=nonce)
    s2 = aes_gcm_encrypt(KEY, secret, nonce=nonce)
    assert atk.nonce_reuse_xor(s1, s2) == atk.xor_bytes(known, secret)
    assert atk.recover_with_known_plaintext(known, s1, s2) == secret
    # with different nonces the same trick yields garbage
    s3 = aes_gcm_encrypt(KEY, secret)
    with pytest.raises(InvalidInput) as err:
        atk.nonce_reuse_xor(s1, s3)
    assert err.value.field == "second"
    with pytest.raises(InvalidInput):
        atk.nonce_reuse_xor(s1, b"x")


@given(a=st.binary(min_size=1, max_size=60), b=st.binary(min_size=1, max_size=60))
def test_property_nonce_reuse_recovery(a, b):
    s1, s2 = aes_gcm_encrypt(KEY, a, nonce=b"n" * 12), aes_gcm_encrypt(KEY, b, nonce=b"n" * 12)
    n = min(len(a), len(b))
    assert atk.recover_with_known_plaintext(a, s1, s2) == b[:n]


# --- bit flipping ------------------------------------------------------------------------

def test_amount_flip_succeeds_on_ctr_and_cbc_fails_on_gcm():
    rows = atk.amount_flip_demo(KEY)
    assert [r["accepted"] for r in rows] == [True, True, False]
    assert all(r["receiver sees"].startswith("amount=900100.00;") for r in rows[:2])
    assert "TamperedError" in rows[2]["receiver sees"]


def test_flip_bytes_and_cbc_helpers():
    ct = atk.ctr_encrypt(KEY, bytes(16), b"amount=000100.00")
    forged = atk.flip_bytes(ct, 7, b"000100", b"999999")
    assert atk.ctr_decrypt(KEY, bytes(16), forged) == b"amount=999999.00"
    assert atk.cbc_decrypt(KEY, bytes(16), atk.cbc_encrypt(KEY, bytes(16), b"hi")) == b"hi"
    for call, field in [(lambda: atk.flip_bytes(ct, 15, b"00", b"99"), "offset"),
                        (lambda: atk.flip_bytes(ct, 0, b"0", b"99"), "new"),
                        (lambda: atk.ctr_encrypt(KEY, bytes(8), b"x"), "nonce"),
                        (lambda: atk.cbc_encrypt(KEY, bytes(8), b"x"), "iv"),
                        (lambda: atk.cbc_decrypt(KEY, bytes(8), bytes(16)), "iv"),
                        (lambda: atk.cbc_decrypt(KEY, bytes(16), b""), "ciphertext"),
                        (lambda: atk.amount_flip_demo(KEY, old=b"999"), "old"),
                        (lambda: atk.amount_flip_demo(KEY, old=b"merchant-42", new=b"merchant-66"), "old")]:
        with pytest.raises(InvalidInput) as err:
            call()
        assert err.value.field == field


# --- padding oracle ----------------------------------------------------------------------

@pytest.mark.parametrize("message", [b"card=4111;cvv=123", b"x", b"exactly 16 bytes", b"pin=1234" * 4])
def test_padding_oracle_recovers_the_message(message):
    server = atk.VulnerableCbcDecryptor(KEY)
    iv = bytes(range(100, 116))
    ct = server.encrypt(message, iv)
    result = atk.padding_oracle_attack(server.padding_ok, iv, ct)
    assert result.plaintext == message
    assert result.queries == server.queries
    assert result.queries <= 256 * len(ct) + len(ct) // 16


def test_padding_oracle_needs_a_real_oracle():
    with pytest.raises(PaylabError):
        atk.padding_oracle_attack(lambda iv, ct: False, bytes(16), bytes(16))
    with pytest.raises(InvalidInput):
        atk.padding_oracle_attack(lambda iv, ct: True, bytes(8), bytes(16))
    with pytest.raises(InvalidInput) as err:
        atk.VulnerableCbcDecryptor(b"short")
    assert err.value.field == "key"


def test_gcm_has_no_padding_oracle_every_flip_is_rejected():
    sealed = aes_gcm_encrypt(KEY, b"amount=000100.00", aad=b"A1001")
    accepted = 0
    for _, _, forged in atk.single_bit_flips(sealed):
        try:
            aes_gcm_decrypt(KEY, forged)
            accepted += 1
        except TamperedError:
            pass
    assert accepted == 0
    labels = {label for label, _, _ in atk.single_bit_flips(sealed)}
    assert labels == {"nonce", "ciphertext", "tag", "aad"}
    with pytest.raises(InvalidInput):
        list(atk.single_bit_flips(b"x"))


def test_tampered_certificate_is_rejected_by_the_handshake():
    forged = atk.tamper_certificate(GATEWAY.certificate, b"gateway.paylab", b"gateway.paylaX")
    with pytest.raises(InvalidInput):
        atk.tamper_certificate(GATEWAY.certificate, b"", b"")
    ca2 = make_ca("Paylab Root CA", now=T0, seed=1)
    assert issue_certificate(ca2, NAME, GATEWAY.signing_key.public_key(), 365, now=T0) == GATEWAY.certificate
    with pytest.raises(CertificateError):
        run_handshake(_app(), Gateway(NAME, forged, GATEWAY.signing_key))
