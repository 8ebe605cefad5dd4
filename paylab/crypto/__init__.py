"""Cryptography for payments, always through the ``cryptography`` package.

- :mod:`~paylab.crypto.aead`: AES-GCM sealing (:func:`aes_gcm_encrypt`, :class:`Sealed`).
- :mod:`~paylab.crypto.hybrid`: :func:`seal_for` / :func:`open_sealed` (RSA-OAEP or X25519+HKDF).
- :mod:`~paylab.crypto.signatures`: Ed25519 and ECDSA P-256 :func:`sign` / :func:`verify`.
- :mod:`~paylab.crypto.certs`: a small CA, :func:`issue_certificate`, :func:`verify_chain`.
- :mod:`~paylab.crypto.handshake`: a TLS-1.3-like handshake and records.
- :mod:`~paylab.crypto.attacks`: deliberately insecure modes and the attacks that break them.
"""

from paylab.crypto.aead import NONCE_SIZE, TAG_SIZE, Sealed, aes_gcm_decrypt, aes_gcm_encrypt, generate_aes_key
from paylab.crypto.certs import (
    CertificateAuthority,
    certificate_pem,
    describe_certificate,
    issue_certificate,
    load_certificate,
    make_ca,
    verify_chain,
)
from paylab.crypto.handshake import (
    CustomerApp,
    Gateway,
    ManInTheMiddle,
    Record,
    Session,
    Transcript,
    handshake_attacks,
    make_gateway,
    run_handshake,
)
from paylab.crypto.hybrid import blob_layout, open_sealed, seal_for
from paylab.crypto.signatures import (
    generate_rsa_key,
    generate_signing_key,
    generate_x25519_key,
    key_fingerprint,
    load_public_key,
    public_key_pem,
    sign,
    verify,
)

__all__ = [
    "NONCE_SIZE", "TAG_SIZE", "Sealed", "aes_gcm_encrypt", "aes_gcm_decrypt", "generate_aes_key",
    "seal_for", "open_sealed", "blob_layout",
    "generate_signing_key", "generate_x25519_key", "generate_rsa_key", "sign", "verify",
    "public_key_pem", "load_public_key", "key_fingerprint",
    "CertificateAuthority", "make_ca", "issue_certificate", "verify_chain", "certificate_pem",
    "load_certificate", "describe_certificate",
    "CustomerApp", "Gateway", "ManInTheMiddle", "Record", "Session", "Transcript",
    "make_gateway", "run_handshake", "handshake_attacks",
]
