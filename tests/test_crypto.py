"""paylab.crypto: AES-GCM, hybrid sealing, signatures and certificates (incl. NIST/RFC vectors)."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import cryptography_vectors
import pytest
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from hypothesis import given
from hypothesis import strategies as st

from paylab.clock import EPOCH_2026, FixedClock
from paylab.crypto import (
    Sealed,
    aes_gcm_decrypt,
    aes_gcm_encrypt,
    blob_layout,
    certificate_pem,
    describe_certificate,
    generate_aes_key,
    generate_rsa_key,
    generate_signing_key,
    generate_x25519_key,
    issue_certificate,
    key_fingerprint,
    load_certificate,
    load_public_key,
    make_ca,
    open_sealed,
    public_key_pem,
    seal_for,
    sign,
    verify,
    verify_chain,
)
from paylab.crypto.attacks import single_bit_flips, tamper_certificate
from paylab.errors import CertificateError, InvalidInput, PaylabError, SignatureError, TamperedError

VECTORS = Path(cryptography_vectors.__file__).parent

KEY = bytes(range(32))
RSA = generate_rsa_key()
X25519 = generate_x25519_key(seed=7)


# --- NIST GCM known-answer tests ---------------------------------------------------------

def _nist(name: str) -> list[dict]:
    """Vectors of one CAVP .rsp file with 96-bit IV and 128-bit tag."""
    out, params, cur = [], {}, None
    for line in (VECTORS / "ciphers/AES/GCM" / name).read_text().splitlines():
        line = line.strip()
        if line.startswith("["):
            k, v = line.strip("[]").split(" = ")
            params[k] = int(v)
        elif line.startswith("Count"):
            cur = {"params": dict(params)}
            out.append(cur)
        elif " = " in line or line.endswith(" ="):
            k, _, v = line.partition(" =")
            cur[k.strip()] = bytes.fromhex(v.strip())
        elif line == "FAIL":
            cur["FAIL"] = True
    return [v for v in out if v["params"]["IVlen"] == 96 and v["params"]["Taglen"] == 128]


def _pick(vectors: list[dict]) -> list[dict]:
    """Two vectors from every (PTlen, AADlen) group: covers empty, AAD-only, PT-only, both."""
    seen: dict[tuple, int] = {}
    chosen = []
    for v in vectors:
        g = (v["params"]["PTlen"], v["params"]["AADlen"], "FAIL" in v)
        if seen.get(g, 0) < 2:
            seen[g] = seen.get(g, 0) + 1
            chosen.append(v)
    return chosen


ENCRYPT = [v for f in ("gcmEncryptExtIV128.rsp", "gcmEncryptExtIV256.rsp") for v in _pick(_nist(f))]
DECRYPT = [v for f in ("gcmDecrypt128.rsp", "gcmDecrypt256.rsp") for v in _pick(_nist(f))]


def test_vector_selection_covers_aad_and_plaintext():
    groups = {(v["params"]["PTlen"] > 0, v["params"]["AADlen"] > 0) for v in ENCRYPT}
    assert groups == {(False, False), (False, True), (True, False), (True, True)}
    assert len(ENCRYPT) >= 40 and any("FAIL" in v for v in DECRYPT)


@pytest.mark.parametrize("v", ENCRYPT, ids=lambda v: f"{len(v['Key'])*8}-pt{len(v['PT'])}-aad{len(v['AAD'])}")
def test_nist_gcm_encrypt_vectors(v):
    sealed = aes_gcm_encrypt(v["Key"], v["PT"], aad=v["AAD"], nonce=v["IV"])
    assert sealed.ciphertext == v["CT"] + v["Tag"]
    assert sealed.tag == v["Tag"]
    assert aes_gcm_decrypt(v["Key"], sealed) == v["PT"]


@pytest.mark.parametrize("v", DECRYPT, ids=lambda v: f"{len(v['Key'])*8}-{'fail' if 'FAIL' in v else 'ok'}")
def test_nist_gcm_decrypt_vectors(v):
    sealed = Sealed(v["IV"], v["CT"] + v["Tag"], v["AAD"])
    if "FAIL" in v:
        with pytest.raises(TamperedError):
            aes_gcm_decrypt(v["Key"], sealed)
    else:
        assert aes_gcm_decrypt(v["Key"], sealed) == v["PT"]


# --- AES-GCM behaviour -------------------------------------------------------------------

def test_fresh_nonce_each_time_and_round_trip():
    a, b = aes_gcm_encrypt(KEY, b"pay 100.00 CNY"), aes_gcm_encrypt(KEY, b"pay 100.00 CNY")
    assert len(a.nonce) == 12 and a.nonce != b.nonce and a.ciphertext != b.ciphertext
    assert aes_gcm_decrypt(KEY, a) == aes_gcm_decrypt(KEY, b) == b"pay 100.00 CNY"


def test_sealed_forms_round_trip():
    s = aes_gcm_encrypt(KEY, b"order A1001", aad=b"merchant-42")
    assert Sealed.from_bytes(s.to_bytes()) == s
    assert Sealed.from_json(s.to_json()) == s
    assert set(json.loads(s.to_json())) == {"alg", "nonce", "ciphertext", "aad"}
    assert "merchant-42" in repr(s) and s.tag == s.ciphertext[-16:]
    with pytest.raises(AttributeError):
        s.nonce = bytes(12)  # frozen


def test_wrong_key_and_wrong_aad_are_tampering():
    s = aes_gcm_encrypt(KEY, b"x", aad=b"order-1")
    with pytest.raises(TamperedError):
        aes_gcm_decrypt(bytes(32), s)
    with pytest.raises(TamperedError):
        aes_gcm_decrypt(KEY, replace(s, aad=b"order-2"))
    with pytest.raises(TamperedError) as err:
        aes_gcm_decrypt(KEY, replace(s, ciphertext=s.ciphertext[:10]))
    assert err.value.field == "sealed.ciphertext"


@pytest.mark.parametrize("call, field", [
    (lambda: aes_gcm_encrypt(b"short", b"x"), "key"),
    (lambda: aes_gcm_encrypt("k" * 32, b"x"), "key"),
    (lambda: aes_gcm_encrypt(KEY, "text"), "plaintext"),
    (lambda: aes_gcm_encrypt(KEY, b"x", aad="a"), "aad"),
    (lambda: aes_gcm_encrypt(KEY, b"x", nonce=b"12345678"), "nonce"),
    (lambda: aes_gcm_encrypt(KEY, b"x", nonce=12), "nonce"),
    (lambda: aes_gcm_encrypt(KEY, b"x", nonce=bytes(129)), "nonce"),
    (lambda: aes_gcm_decrypt(KEY, Sealed(bytes(200), bytes(20))), "sealed.nonce"),
    (lambda: aes_gcm_decrypt(KEY[:20], aes_gcm_encrypt(KEY, b"x")), "key"),
    (lambda: aes_gcm_decrypt(KEY, b"raw bytes"), "sealed"),
    (lambda: aes_gcm_decrypt(KEY, Sealed(b"1234", bytes(20))), "sealed.nonce"),
    (lambda: Sealed(bytes(12), "ct"), "ciphertext"),
    (lambda: Sealed(None, b""), "nonce"),
    (lambda: Sealed.from_bytes(b"nope"), "data"),
    (lambda: Sealed.from_bytes(b"PLG2\x0c" + bytes(12) + (99).to_bytes(4, "big") + bytes(20)), "data"),
    (lambda: Sealed.from_bytes(b"PLG2\x04" + bytes(40)), "data"),
    (lambda: Sealed.from_bytes(b"PLG2"), "data"),
    (lambda: Sealed.from_json("{not json"), "text"),
    (lambda: Sealed.from_json("[1]"), "text"),
    (lambda: Sealed.from_json(json.dumps({"nonce": "!!", "ciphertext": ""})), "nonce"),
    (lambda: Sealed.from_json(json.dumps({"nonce": ""})), "ciphertext"),
    (lambda: generate_aes_key(100), "bits"),
])
def test_bad_input_names_the_field(call, field):
    with pytest.raises(InvalidInput) as err:
        call()
    assert err.value.field == field


def test_generate_aes_key_sizes():
    assert [len(generate_aes_key(b)) for b in (128, 192, 256)] == [16, 24, 32]


@given(key=st.sampled_from([bytes(16), bytes(24), KEY]), pt=st.binary(max_size=200),
       aad=st.binary(max_size=40), nonce=st.one_of(st.none(), st.binary(min_size=12, max_size=128)))
def test_property_round_trip(key, pt, aad, nonce):
    sealed = aes_gcm_encrypt(key, pt, aad=aad, nonce=nonce)
    assert aes_gcm_decrypt(key, sealed) == pt
    assert Sealed.from_json(sealed.to_json()) == sealed
    assert Sealed.from_bytes(sealed.to_bytes()) == sealed


@given(pt=st.binary(max_size=24), aad=st.binary(max_size=6), data=st.data())
def test_property_any_single_bit_flip_is_rejected(pt, aad, data):
    sealed = aes_gcm_encrypt(KEY, pt, aad=aad)
    flips = list(single_bit_flips(sealed))
    assert len(flips) == 8 * (12 + len(pt) + 16 + len(aad))
    where, bit, forged = data.draw(st.sampled_from(flips))
    assert forged != sealed
    with pytest.raises(TamperedError):
        aes_gcm_decrypt(KEY, forged)


# --- hybrid sealing ----------------------------------------------------------------------

@pytest.mark.parametrize("key", [RSA, X25519], ids=["rsa-oaep", "x25519-hkdf"])
def test_seal_for_round_trip_and_layout(key):
    blob = seal_for(key.public_key(), b'{"amount":"100.00","currency":"CNY"}')
    assert open_sealed(key, blob) == b'{"amount":"100.00","currency":"CNY"}'
    layout = blob_layout(blob)
    assert sum(p["bytes"] for p in layout) == len(blob)
    assert layout[-2]["bytes"] == 36
    assert seal_for(key.public_key(), b"same") != seal_for(key.public_key(), b"same")


@given(data=st.binary(max_size=64), pos=st.integers(min_value=0), bit=st.integers(0, 7))
def test_property_hybrid_bit_flip_rejected(data, pos, bit):
    for key in (RSA, X25519):
        blob = bytearray(seal_for(key.public_key(), data))
        blob[pos % len(blob)] ^= 1 << bit
        with pytest.raises(TamperedError):
            open_sealed(key, bytes(blob))


def test_open_sealed_wrong_key_and_truncation():
    other_rsa, other_x = generate_rsa_key(), generate_x25519_key(seed=8)
    for right, wrong in ((RSA, other_rsa), (X25519, other_x), (RSA, X25519), (X25519, RSA)):
        blob = seal_for(right.public_key(), b"secret")
        with pytest.raises(TamperedError):
            open_sealed(wrong, blob)
        for cut in (0, 1, 2, 40):
            with pytest.raises(TamperedError):
                open_sealed(right, blob[:cut])


def test_hybrid_bad_inputs():
    with pytest.raises(InvalidInput) as err:
        seal_for(generate_signing_key().public_key(), b"x")
    assert err.value.field == "public_key"
    with pytest.raises(InvalidInput) as err:
        seal_for(RSA.public_key(), "text")
    assert err.value.field == "data"
    with pytest.raises(InvalidInput) as err:
        open_sealed(RSA.public_key(), b"x")
    assert err.value.field == "private_key"
    with pytest.raises(InvalidInput) as err:
        open_sealed(RSA, None)
    assert err.value.field == "blob"
    with pytest.raises(InvalidInput):
        blob_layout(b"\x09abc")
    with pytest.raises(InvalidInput) as err:
        generate_rsa_key(1024)
    assert err.value.field == "bits"


# --- signatures --------------------------------------------------------------------------

RFC8032 = [  # RFC 8032 section 7.1, TEST 1-3: secret key, public key, message, signature
    ("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
     "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
     "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"),
    ("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
     "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
     "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"),
    ("c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
     "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025", "af82",
     "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a"),
]


def _sign_input(n: int) -> list[tuple[str, str, str, str]]:
    rows = []
    for line in (VECTORS / "asymmetric/Ed25519/sign.input").read_text().splitlines()[:n]:
        sk, pk, msg, sig, _ = line.split(":")
        rows.append((sk[:64], pk, msg, sig[:128]))
    return rows


@pytest.mark.parametrize("sk, pk, msg, sig", RFC8032 + _sign_input(12)[3:])
def test_ed25519_rfc8032_vectors(sk, pk, msg, sig):
    key = ed25519.Ed25519PrivateKey.from_private_bytes(bytes.fromhex(sk))
    assert key.public_key().public_bytes_raw().hex() == pk
    assert sign(key, bytes.fromhex(msg)).hex() == sig
    verify(key.public_key(), bytes.fromhex(msg), bytes.fromhex(sig))


def test_rfc_vectors_agree_with_the_shipped_file():
    assert _sign_input(3) == RFC8032


ED = generate_signing_key("ed25519", seed=1)
P256 = generate_signing_key("p256", seed=1)


@pytest.mark.parametrize("key", [ED, P256], ids=["ed25519", "p256"])
def test_sign_verify_and_rejections(key):
    sig = sign(key, b"refund 20.00 CNY")
    verify(key.public_key(), b"refund 20.00 CNY", sig)
    with pytest.raises(SignatureError) as err:
        verify(key.public_key(), b"refund 90.00 CNY", sig)
    assert err.value.field == "signature"
    other = generate_signing_key("ed25519" if key is ED else "p256")
    with pytest.raises(SignatureError):
        verify(other.public_key(), b"refund 20.00 CNY", sig)
    with pytest.raises(SignatureError):
        verify(key.public_key(), b"refund 20.00 CNY", sig[:-1] + bytes([sig[-1] ^ 1]))


def test_ed25519_is_deterministic_ecdsa_is_not():
    assert sign(ED, b"m") == sign(ED, b"m")
    assert sign(P256, b"m") != sign(P256, b"m")


def test_seeded_keys_repeat_and_differ_by_seed():
    assert key_fingerprint(generate_signing_key("p256", seed=3)) == key_fingerprint(
        generate_signing_key("p256", seed=3))
    assert key_fingerprint(ED) != key_fingerprint(generate_signing_key("ed25519", seed=2))
    assert isinstance(P256, ec.EllipticCurvePrivateKey) and P256.curve.name == "secp256r1"
    assert len(key_fingerprint(X25519)) == 16


def test_public_key_pem_round_trip():
    pem = public_key_pem(ED)
    assert pem.startswith("-----BEGIN PUBLIC KEY-----")
    assert key_fingerprint(load_public_key(pem)) == key_fingerprint(ED)


@given(msg=st.binary(max_size=100), kind=st.sampled_from(["ed25519", "p256"]))
def test_property_sign_verify(msg, kind):
    key = ED if kind == "ed25519" else P256
    verify(key.public_key(), msg, sign(key, msg))
    with pytest.raises(SignatureError):
        verify(key.public_key(), msg + b"!", sign(key, msg))


@pytest.mark.parametrize("call, field", [
    (lambda: generate_signing_key("rsa"), "kind"),
    (lambda: generate_signing_key("ed25519", seed="1"), "seed"),
    (lambda: sign(ED, "text"), "data"),
    (lambda: sign(ED.public_key(), b"x"), "private_key"),
    (lambda: sign(RSA, b"x"), "private_key"),
    (lambda: sign(ec.generate_private_key(ec.SECP384R1()), b"x"), "key"),
    (lambda: verify(ED, b"x", b"sig"), "public_key"),
    (lambda: verify(ED.public_key(), b"x", "sig"), "signature"),
    (lambda: load_public_key("not a key"), "pem"),
    (lambda: public_key_pem(b"x"), "key"),
    (lambda: key_fingerprint(42), "key"),
])
def test_signature_bad_inputs(call, field):
    with pytest.raises(InvalidInput) as err:
        call()
    assert err.value.field == field


# --- certificates ------------------------------------------------------------------------

T0 = EPOCH_2026
CA = make_ca("Paylab Root CA", now=T0, seed=11)
GW_KEY = generate_signing_key("p256", seed=12)
CERT = issue_certificate(CA, "gateway.paylab.test", GW_KEY.public_key(), 90, now=T0)


def test_valid_chain_and_pem_forms():
    assert verify_chain(CERT, CA.certificate, at=T0 + 86400)
    assert verify_chain(certificate_pem(CERT), certificate_pem(CA.certificate).encode(),
                        at=datetime(2026, 2, 1, tzinfo=UTC))
    assert verify_chain(CERT, CA.certificate, clock=FixedClock(T0 + 10))
    info = describe_certificate(CERT)
    assert info["subject"].endswith("CN=gateway.paylab.test") and info["is_ca"] is False
    assert info["not_after"].startswith("2026-04-01")
    assert describe_certificate(CA.certificate)["is_ca"] is True


def test_issuing_is_reproducible_with_fixed_time_and_seeds():
    again = issue_certificate(make_ca("Paylab Root CA", now=T0, seed=11), "gateway.paylab.test",
                              GW_KEY.public_key(), 90, now=T0)
    assert certificate_pem(again) == certificate_pem(CERT)  # Ed25519 CA signatures are deterministic


@pytest.mark.parametrize("at, rule", [
    (T0 + 91 * 86400, "expired"),
    (T0 - 1, "not_yet_valid"),
    (T0 + 11 * 365 * 86400, "expired"),
])
def test_chain_time_failures(at, rule):
    with pytest.raises(CertificateError) as err:
        verify_chain(CERT, CA.certificate, at=at)
    assert err.value.rule == rule


def test_wrong_issuer_same_name_ca_and_tampering():
    other = make_ca("Other CA", now=T0, seed=13)
    with pytest.raises(CertificateError) as err:
        verify_chain(CERT, other.certificate, at=T0)
    assert err.value.rule == "wrong_issuer"
    impostor = make_ca("Paylab Root CA", now=T0, seed=14)
    with pytest.raises(CertificateError) as err:
        verify_chain(CERT, impostor.certificate, at=T0)
    assert err.value.rule == "bad_signature"
    forged = tamper_certificate(CERT, b"gateway.paylab", b"gateway.paylaX")
    assert describe_certificate(forged)["subject"].endswith("gateway.paylaX.test")
    with pytest.raises(CertificateError) as err:
        verify_chain(forged, CA.certificate, at=T0)
    assert err.value.rule == "bad_signature"
    with pytest.raises(CertificateError) as err:
        verify_chain(CERT, CERT, at=T0)  # a leaf certificate is not a CA
    assert err.value.rule == "not_a_ca"


def test_expired_ca_fails_the_chain():
    short_ca = make_ca("Short CA", now=T0, days=10, seed=15)
    cert = issue_certificate(short_ca, "shop", GW_KEY.public_key(), 90, now=T0)
    with pytest.raises(CertificateError) as err:
        verify_chain(cert, short_ca.certificate, at=T0 + 20 * 86400)
    assert err.value.field == "ca_cert" and err.value.rule == "expired"


def test_malformed_certificates():
    pem = certificate_pem(CERT)
    broken = pem.replace(pem.splitlines()[5], "A" * 64)
    for bad in ("-----BEGIN CERTIFICATE-----\nnope\n-----END CERTIFICATE-----\n", broken, b"\x30\x03abc"):
        with pytest.raises(CertificateError) as err:
            verify_chain(bad, CA.certificate, at=T0)
        assert err.value.rule == "well-formed"
    with pytest.raises(InvalidInput) as err:
        load_certificate(42)
    assert err.value.field == "cert"


@pytest.mark.parametrize("call, field", [
    (lambda: make_ca(""), "name"),
    (lambda: make_ca("x" * 65), "name"),
    (lambda: make_ca("CA", days=0, now=T0), "days"),
    (lambda: make_ca("CA", now=datetime(2026, 1, 1)), "now"),
    (lambda: make_ca("CA", now="2026"), "now"),
    (lambda: make_ca("CA", key=RSA, now=T0), "key"),
    (lambda: issue_certificate("ca", "s", GW_KEY.public_key(), 1, now=T0), "ca"),
    (lambda: issue_certificate(CA, "s", GW_KEY, 1, now=T0), "public_key"),
    (lambda: issue_certificate(CA, "s", X25519.public_key(), 1, now=T0), "public_key"),
    (lambda: issue_certificate(CA, "s", GW_KEY.public_key(), 1.5, now=T0), "days"),
    (lambda: verify_chain(CERT, CA.certificate, at="today"), "at"),
    (lambda: verify_chain(CERT, CA.certificate, at=1e20), "at"),
    (lambda: make_ca("CA", days=10**6, now=T0), "days"),
    (lambda: certificate_pem("pem"), "cert"),
    (lambda: tamper_certificate(CERT, b"ab", b"abc"), "new"),
    (lambda: tamper_certificate(CERT, b"no such bytes here", b"xo such bytes here"), "old"),
])
def test_certificate_bad_inputs(call, field):
    with pytest.raises(InvalidInput) as err:
        call()
    assert err.value.field == field


def test_certificate_with_rsa_key_and_datetime_now():
    cert = issue_certificate(CA, "bank", RSA.public_key(), 30,
                             now=datetime(2026, 3, 1, tzinfo=UTC))
    assert verify_chain(cert, CA.certificate, at=datetime(2026, 3, 1, tzinfo=UTC) + timedelta(days=29))


def test_every_error_is_a_paylab_error():
    for exc in (TamperedError, SignatureError, CertificateError, InvalidInput):
        assert issubclass(exc, PaylabError)


# --- ECDSA P-256 known-answer tests (NIST CAVP FIPS 186-3 SigVer, P-256 with SHA-256) ----

def _sigver_p256() -> list[dict]:
    text = (VECTORS / "asymmetric/ECDSA/FIPS_186-3/SigVer.rsp").read_text()
    section = text.split("[P-256,SHA-256]", 1)[1].split("\n[", 1)[0]
    out = []
    for block in section.strip().split("\n\n"):
        fields = dict(line.split(" = ", 1) for line in block.strip().splitlines() if " = " in line)
        out.append(fields)
    return out


SIGVER = _sigver_p256()


def test_sigver_vectors_loaded():
    assert len(SIGVER) == 15
    assert {v["Result"][0] for v in SIGVER} == {"P", "F"}


@pytest.mark.parametrize("v", SIGVER, ids=lambda v: v["Result"].split()[0] + "-" + v["Qx"][:6])
def test_ecdsa_p256_nist_sigver(v):
    from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

    sig = encode_dss_signature(int(v["R"], 16), int(v["S"], 16))
    msg = bytes.fromhex(v["Msg"])
    try:
        pub = ec.EllipticCurvePublicNumbers(int(v["Qx"], 16), int(v["Qy"], 16),
                                            ec.SECP256R1()).public_key()
    except ValueError:  # "Q changed" can leave the curve: the key itself is refused
        assert v["Result"].startswith("F")
        return
    if v["Result"].startswith("P"):
        verify(pub, msg, sig)
    else:
        with pytest.raises(SignatureError):
            verify(pub, msg, sig)


# --- robustness: arbitrary input only ever raises typed paylab errors ----------------------

@given(data=st.binary(max_size=300))
def test_property_garbage_gives_typed_errors(data):
    for call in (lambda: Sealed.from_bytes(data), lambda: open_sealed(RSA, data),
                 lambda: open_sealed(X25519, data), lambda: verify_chain(data, CA.certificate, T0),
                 lambda: Sealed.from_json(data.decode("latin-1"))):
        try:
            call()
        except PaylabError:
            pass


def test_sealed_accepts_bytearray_fields():
    s = Sealed(bytearray(12), memoryview(bytes(20)), bytearray(b"a"))
    assert type(s.nonce) is bytes and type(s.ciphertext) is bytes and s.aad == b"a"
