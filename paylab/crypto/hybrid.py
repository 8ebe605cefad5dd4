"""Hybrid encryption of a payment message for one recipient's public key.

Public-key encryption is slow and small, so a fresh AES-256-GCM key encrypts
the message and only that key travels under the recipient's public key:
RSA-OAEP-SHA256 wraps it (``scheme 1``), or an ephemeral X25519 exchange plus
HKDF-SHA256 derives it (``scheme 2``, as in HPKE, RFC 9180). The header is
authenticated as GCM associated data, so any changed byte is detected.
"""

from __future__ import annotations

import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa, x25519
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from paylab.crypto._common import need_bytes
from paylab.errors import InvalidInput, TamperedError

__all__ = ["seal_for", "open_sealed", "blob_layout", "RSA_OAEP", "X25519_HKDF"]

RSA_OAEP, X25519_HKDF = 1, 2
_NONCE = 12
_INFO = b"paylab seal_for x25519-hkdf-sha256 aes-256-gcm v1"
_OAEP = padding.OAEP(mgf=padding.MGF1(algorithm=hashes.SHA256()), algorithm=hashes.SHA256(),
                     label=None)


def _x25519_key(shared: bytes, eph_pub: bytes, recipient_pub: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=eph_pub + recipient_pub,
                info=_INFO).derive(shared)


def seal_for(public_key: rsa.RSAPublicKey | x25519.X25519PublicKey, data: bytes) -> bytes:
    """Encrypt ``data`` so only the holder of ``public_key``'s private key can read it.

    RSA public key: ``01 | len(wrapped) (2 bytes) | wrapped key | nonce | ciphertext+tag``.
    X25519 public key: ``02 | ephemeral public key (32) | nonce | ciphertext+tag``.
    """
    if type(data) is not bytes:
        data = need_bytes(data, "data")
    if isinstance(public_key, rsa.RSAPublicKey):
        key = os.urandom(32)
        wrapped = public_key.encrypt(key, _OAEP)
        header = bytes([RSA_OAEP]) + len(wrapped).to_bytes(2, "big") + wrapped
    elif isinstance(public_key, x25519.X25519PublicKey):
        eph = x25519.X25519PrivateKey.generate()
        eph_pub = eph.public_key().public_bytes_raw()
        key = _x25519_key(eph.exchange(public_key), eph_pub, public_key.public_bytes_raw())
        header = bytes([X25519_HKDF]) + eph_pub
    else:
        raise InvalidInput("public_key", "RSA or X25519 public key",
                           f"cannot seal for a {type(public_key).__name__}")
    nonce = os.urandom(_NONCE)
    return header + nonce + AESGCM(key).encrypt(nonce, data, header)


def _bad(reason: str) -> TamperedError:
    return TamperedError(f"sealed blob rejected: {reason}", field="blob", rule="authentic")


def open_sealed(private_key: rsa.RSAPrivateKey | x25519.X25519PrivateKey, blob: bytes) -> bytes:
    """Recover the data sealed by :func:`seal_for`; any changed byte or wrong key raises TamperedError."""
    if type(blob) is not bytes:
        blob = need_bytes(blob, "blob")
    if not isinstance(private_key, (rsa.RSAPrivateKey, x25519.X25519PrivateKey)):
        raise InvalidInput("private_key", "RSA or X25519 private key",
                           f"cannot open with a {type(private_key).__name__}")
    if not blob:
        raise _bad("empty")
    scheme = blob[0]
    if isinstance(private_key, rsa.RSAPrivateKey):
        if scheme != RSA_OAEP:
            raise _bad(f"scheme byte {scheme} is not RSA-OAEP (1)")
        if len(blob) < 3:
            raise _bad("truncated header")
        n = int.from_bytes(blob[1:3], "big")
        header_end = 3 + n
        if n != (private_key.key_size + 7) // 8 or len(blob) < header_end + _NONCE + 16:
            raise _bad("wrapped key has the wrong length or blob is truncated")
        try:
            key = private_key.decrypt(blob[3:header_end], _OAEP)
        except ValueError:
            raise _bad("the wrapped key does not decrypt under this private key") from None
    else:
        if scheme != X25519_HKDF:
            raise _bad(f"scheme byte {scheme} is not X25519-HKDF (2)")
        header_end = 33
        if len(blob) < header_end + _NONCE + 16:
            raise _bad("truncated")
        eph_pub = blob[1:33]
        try:
            shared = private_key.exchange(x25519.X25519PublicKey.from_public_bytes(eph_pub))
        except ValueError:  # a low-order point gives an all-zero secret
            raise _bad("invalid ephemeral public key") from None
        key = _x25519_key(shared, eph_pub, private_key.public_key().public_bytes_raw())
    if len(key) != 32:
        raise _bad("unwrapped key has the wrong length")
    nonce = blob[header_end:header_end + _NONCE]
    try:
        return AESGCM(key).decrypt(nonce, blob[header_end + _NONCE:], blob[:header_end])
    except InvalidTag:
        raise _bad("authentication failed (wrong key or changed bytes)") from None


def blob_layout(blob: bytes) -> list[dict]:
    """The parts of a sealed blob with their sizes (for showing what travels on the wire)."""
    blob = need_bytes(blob, "blob")
    if not blob or blob[0] not in (RSA_OAEP, X25519_HKDF):
        raise InvalidInput("blob", "sealed blob", "blob does not start with a known scheme byte")
    if blob[0] == RSA_OAEP:
        n = int.from_bytes(blob[1:3], "big")
        parts = [("scheme", 1, "1 = RSA-OAEP-SHA256"), ("wrapped key length", 2, str(n)),
                 ("wrapped AES key", n, "RSA-OAEP encryption of a fresh 32-byte key")]
    else:
        parts = [("scheme", 1, "2 = X25519 + HKDF-SHA256"),
                 ("ephemeral public key", 32, "sender's one-time X25519 share")]
    used = sum(p[1] for p in parts)
    parts += [("nonce", _NONCE, "random, for AES-256-GCM"),
              ("ciphertext", len(blob) - used - _NONCE - 16, "same length as the message"),
              ("tag", 16, "GCM tag over ciphertext and header")]
    return [{"part": p, "bytes": b, "meaning": m} for p, b, m in parts]
