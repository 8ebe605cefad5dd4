"""Digital signatures (Ed25519, ECDSA P-256) and key helpers.

Ed25519 (RFC 8032) signatures are deterministic; ECDSA draws a fresh random
nonce per signature, so its signatures differ every time yet all verify.
"""

from __future__ import annotations

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa, x25519

from paylab.crypto._common import need_bytes, seeded_bytes
from paylab.errors import InvalidInput, SignatureError
from paylab.validation import Count, Seed

__all__ = ["SigningKey", "VerifyingKey", "generate_signing_key", "generate_x25519_key",
           "generate_rsa_key", "sign", "verify", "public_key_pem", "load_public_key",
           "key_fingerprint", "signature_algorithm"]

SigningKey = ed25519.Ed25519PrivateKey | ec.EllipticCurvePrivateKey
VerifyingKey = ed25519.Ed25519PublicKey | ec.EllipticCurvePublicKey

# order of the P-256 group (FIPS 186-4 D.1.2.3): a seeded scalar is reduced below it
_P256_ORDER = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551


def generate_signing_key(kind: str = "ed25519", *, seed: Seed | None = None) -> SigningKey:
    """A new signing key, ``"ed25519"`` or ``"p256"`` (ECDSA on NIST P-256).

    With ``seed`` the key is derived reproducibly from it: for the book's
    examples only, since anyone who knows the seed knows the key.
    """
    if kind not in ("ed25519", "p256"):
        raise InvalidInput("kind", "'ed25519' or 'p256'", f"unknown signing key kind {kind!r}")
    if kind == "ed25519":
        if seed is None:
            return ed25519.Ed25519PrivateKey.generate()
        return ed25519.Ed25519PrivateKey.from_private_bytes(seeded_bytes(seed, "ed25519"))
    if seed is None:
        return ec.generate_private_key(ec.SECP256R1())
    scalar = int.from_bytes(seeded_bytes(seed, "p256"), "big") % (_P256_ORDER - 1) + 1
    return ec.derive_private_key(scalar, ec.SECP256R1())


def generate_x25519_key(*, seed: Seed | None = None) -> x25519.X25519PrivateKey:
    """A new X25519 key-agreement key (reproducible from ``seed``, for examples only)."""
    if seed is None:
        return x25519.X25519PrivateKey.generate()
    return x25519.X25519PrivateKey.from_private_bytes(seeded_bytes(seed, "x25519"))


def generate_rsa_key(bits: Count[2048, 4096] = 2048) -> rsa.RSAPrivateKey:
    """A new RSA key (public exponent 65537) of 2048 to 4096 bits (larger keys take minutes to find)."""
    if isinstance(bits, bool) or not isinstance(bits, int) or bits < 2048:
        raise InvalidInput("bits", ">= 2048", "RSA keys must have at least 2048 bits")
    return rsa.generate_private_key(public_exponent=65537, key_size=bits)


def signature_algorithm(key: object) -> str:
    """``"ed25519"`` or ``"p256"`` for a private or public signing key, else InvalidInput."""
    if isinstance(key, (ed25519.Ed25519PrivateKey, ed25519.Ed25519PublicKey)):
        return "ed25519"
    if isinstance(key, (ec.EllipticCurvePrivateKey, ec.EllipticCurvePublicKey)):
        if isinstance(key.curve, ec.SECP256R1):
            return "p256"
        raise InvalidInput("key", "P-256 curve", f"curve {key.curve.name} is not supported")
    raise InvalidInput("key", "Ed25519 or ECDSA P-256 key",
                       f"expected an Ed25519 or P-256 key, not {type(key).__name__}")


def sign(private_key: SigningKey, data: bytes) -> bytes:
    """Sign ``data``: Ed25519 (64 bytes) or ECDSA P-256 with SHA-256 (DER encoded)."""
    data = need_bytes(data, "data")
    if not isinstance(private_key, (ed25519.Ed25519PrivateKey, ec.EllipticCurvePrivateKey)):
        raise InvalidInput("private_key", "Ed25519 or ECDSA P-256 private key",
                           f"expected a private signing key, not {type(private_key).__name__}")
    if signature_algorithm(private_key) == "ed25519":
        return private_key.sign(data)
    return private_key.sign(data, ec.ECDSA(hashes.SHA256()))


def verify(public_key: VerifyingKey, data: bytes, signature: bytes) -> None:
    """Return quietly if ``signature`` is valid for ``data``; raise SignatureError if not."""
    data = need_bytes(data, "data")
    signature = need_bytes(signature, "signature")
    if not isinstance(public_key, (ed25519.Ed25519PublicKey, ec.EllipticCurvePublicKey)):
        raise InvalidInput("public_key", "Ed25519 or ECDSA P-256 public key",
                           f"expected a public key, not {type(public_key).__name__}")
    try:
        if signature_algorithm(public_key) == "ed25519":
            public_key.verify(signature, data)
        else:
            public_key.verify(signature, data, ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        raise SignatureError("signature does not match the data and key",
                             field="signature", rule="valid signature") from None


def public_key_pem(key: object) -> str:
    """The SubjectPublicKeyInfo PEM of a public key (or of a private key's public half)."""
    if hasattr(key, "public_key"):
        key = key.public_key()
    try:
        return key.public_bytes(serialization.Encoding.PEM,
                                serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    except (AttributeError, TypeError, ValueError):
        raise InvalidInput("key", "public key", f"cannot serialise {type(key).__name__}") from None


def load_public_key(pem: str | bytes) -> object:
    """Parse a PEM public key; malformed input raises InvalidInput(field="pem")."""
    if isinstance(pem, str):
        pem = pem.encode()
    pem = need_bytes(pem, "pem")
    try:
        return serialization.load_pem_public_key(pem)
    except (ValueError, TypeError):
        raise InvalidInput("pem", "PEM public key", "pem is not a valid PEM public key") from None


def key_fingerprint(key: object) -> str:
    """A short SHA-256 fingerprint of a public key's DER form (first 16 hex digits)."""
    if hasattr(key, "public_key"):
        key = key.public_key()
    digest = hashes.Hash(hashes.SHA256())
    try:
        if isinstance(key, x25519.X25519PublicKey):
            digest.update(key.public_bytes_raw())
        else:
            digest.update(key.public_bytes(serialization.Encoding.DER,
                                           serialization.PublicFormat.SubjectPublicKeyInfo))
    except (AttributeError, TypeError, ValueError):
        raise InvalidInput("key", "public key", f"cannot fingerprint {type(key).__name__}") from None
    return digest.finalize().hex()[:16]
