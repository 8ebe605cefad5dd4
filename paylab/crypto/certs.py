"""X.509 certificates: a small certificate authority, issuing, and checking a chain.

Time is always a parameter (``now=`` when issuing, ``at=`` when checking,
defaulting to a clock), so the book's certificates and verdicts repeat
exactly. Checks go through ``cryptography.x509``; paylab only orders them and
turns library exceptions into :class:`~paylab.errors.CertificateError`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa, x25519
from cryptography.x509.oid import NameOID

from paylab.clock import Clock
from paylab.crypto._common import as_datetime
from paylab.crypto.signatures import SigningKey, generate_signing_key, key_fingerprint
from paylab.errors import CertificateError, InvalidInput
from paylab.validation import Seed

__all__ = ["CertificateAuthority", "make_ca", "issue_certificate", "verify_chain",
           "certificate_pem", "load_certificate", "describe_certificate"]


@dataclass(frozen=True)
class CertificateAuthority:
    """A CA: its ``name``, its signing ``private_key`` and its self-signed ``certificate``."""

    name: str
    private_key: SigningKey
    certificate: x509.Certificate

    def __repr__(self) -> str:
        return f"CertificateAuthority({self.name!r}, key={type(self.private_key).__name__})"


def _name(common_name: str, field: str) -> x509.Name:
    if not isinstance(common_name, str) or not common_name.strip() or len(common_name) > 64:
        raise InvalidInput(field, "non-empty string of at most 64 characters",
                           f"{field} must be a non-empty name of at most 64 characters")
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, "paylab (teaching)")])


def _days(days: object) -> int:
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= 36500:
        raise InvalidInput("days", "int from 1 to 36500",
                           "days must be a whole number from 1 to 36500 (100 years)")
    return days


def _serial(*parts: bytes) -> int:
    # reproducible serial from the certificate's contents (teaching: real CAs use 64+ random bits)
    return int.from_bytes(hashlib.sha256(b"|".join(parts)).digest()[:16], "big") >> 1


def _sign(builder: x509.CertificateBuilder, key: SigningKey) -> x509.Certificate:
    if isinstance(key, ed25519.Ed25519PrivateKey):
        return builder.sign(key, None)
    return builder.sign(key, hashes.SHA256())


def _spki(public_key: object) -> bytes:
    return public_key.public_bytes(serialization.Encoding.DER,
                                   serialization.PublicFormat.SubjectPublicKeyInfo)


def make_ca(name: str, *, days: int = 3650, now: float | datetime | None = None,
            clock: Clock | None = None, key: SigningKey | None = None,
            seed: Seed | None = None) -> CertificateAuthority:
    """A root CA named ``name`` with a self-signed certificate valid ``days`` days from ``now``.

    The CA key is Ed25519 unless ``key`` is given (an Ed25519 or P-256 private
    key); ``seed`` derives it reproducibly (teaching examples only).
    """
    subject = _name(name, "name")
    start = as_datetime(now, "now", clock)
    if key is None:
        key = generate_signing_key("ed25519", seed=seed)
    elif not isinstance(key, (ed25519.Ed25519PrivateKey, ec.EllipticCurvePrivateKey)):
        raise InvalidInput("key", "Ed25519 or P-256 private key", "key must be a signing key")
    pub = key.public_key()
    builder = (x509.CertificateBuilder()
               .subject_name(subject).issuer_name(subject).public_key(pub)
               .serial_number(_serial(b"ca", name.encode(), _spki(pub), str(start).encode()))
               .not_valid_before(start).not_valid_after(start + timedelta(days=_days(days)))
               .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
               .add_extension(x509.KeyUsage(digital_signature=False, content_commitment=False,
                                            key_encipherment=False, data_encipherment=False,
                                            key_agreement=False, key_cert_sign=True,
                                            crl_sign=True, encipher_only=False,
                                            decipher_only=False), critical=True))
    return CertificateAuthority(name, key, _sign(builder, key))


def issue_certificate(ca: CertificateAuthority, subject: str, public_key: object, days: int,
                      *, now: float | datetime | None = None,
                      clock: Clock | None = None) -> x509.Certificate:
    """A certificate binding ``subject`` to ``public_key``, signed by ``ca``, valid ``days`` days."""
    if not isinstance(ca, CertificateAuthority):
        raise InvalidInput("ca", "CertificateAuthority", "ca must come from make_ca()")
    name = _name(subject, "subject")
    if not isinstance(public_key, (ed25519.Ed25519PublicKey, ec.EllipticCurvePublicKey,
                                   rsa.RSAPublicKey, x25519.X25519PublicKey)):
        raise InvalidInput("public_key", "public key",
                           f"public_key must be a public key, not {type(public_key).__name__}")
    if isinstance(public_key, x25519.X25519PublicKey):
        raise InvalidInput("public_key", "signing or RSA key",
                           "an X25519 key cannot go in a certificate signed this way")
    start = as_datetime(now, "now", clock)
    builder = (x509.CertificateBuilder()
               .subject_name(name).issuer_name(ca.certificate.subject).public_key(public_key)
               .serial_number(_serial(b"ee", subject.encode(), _spki(public_key),
                                      str(start).encode()))
               .not_valid_before(start).not_valid_after(start + timedelta(days=_days(days)))
               .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True))
    return _sign(builder, ca.private_key)


def certificate_pem(cert: x509.Certificate) -> str:
    """The PEM text of a certificate."""
    if not isinstance(cert, x509.Certificate):
        raise InvalidInput("cert", "x509.Certificate", "cert must be a certificate")
    return cert.public_bytes(serialization.Encoding.PEM).decode()


def load_certificate(data: x509.Certificate | str | bytes, field: str = "cert") -> x509.Certificate:
    """A certificate from PEM text/bytes (or passed through); malformed raises CertificateError."""
    if isinstance(data, x509.Certificate):
        return data
    if isinstance(data, str):
        data = data.encode()
    if not isinstance(data, (bytes, bytearray)):
        raise InvalidInput(field, "certificate or PEM", f"{field} must be a certificate or PEM text")
    try:
        if bytes(data).lstrip().startswith(b"-----BEGIN"):
            return x509.load_pem_x509_certificate(bytes(data))
        return x509.load_der_x509_certificate(bytes(data))
    except (ValueError, TypeError, UnsupportedAlgorithm):
        raise CertificateError(f"{field} is not a well-formed certificate", field=field,
                               rule="well-formed") from None


def _bad(message: str, rule: str, field: str = "cert") -> CertificateError:
    return CertificateError(message, field=field, rule=rule, code=f"certificate_{rule}")


def _check_time(cert: x509.Certificate, at: datetime, field: str) -> None:
    if at < cert.not_valid_before_utc:
        raise _bad(f"{field} is not valid until {cert.not_valid_before_utc.isoformat()}",
                   "not_yet_valid", field)
    if at > cert.not_valid_after_utc:
        raise _bad(f"{field} expired at {cert.not_valid_after_utc.isoformat()}", "expired", field)


def verify_chain(cert: x509.Certificate | str | bytes, ca_cert: x509.Certificate | str | bytes,
                 at: float | datetime | None = None, *, clock: Clock | None = None) -> bool:
    """True if ``cert`` was issued by ``ca_cert`` and both are valid at ``at``; else CertificateError.

    The error's ``rule`` says which check failed: ``not_a_ca``, ``wrong_issuer``,
    ``bad_signature`` (tampered, or signed by another key), ``expired``,
    ``not_yet_valid`` or ``well-formed``.
    """
    cert = load_certificate(cert, "cert")
    ca_cert = load_certificate(ca_cert, "ca_cert")
    when = as_datetime(at, "at", clock)
    try:
        constraints = ca_cert.extensions.get_extension_for_class(x509.BasicConstraints).value
        is_ca = constraints.ca
    except x509.ExtensionNotFound:
        is_ca = False
    except ValueError:
        raise _bad("ca_cert has malformed extensions", "well-formed", "ca_cert") from None
    if not is_ca:
        raise _bad("ca_cert is not a CA certificate (basicConstraints CA:FALSE)", "not_a_ca",
                   "ca_cert")
    if cert.issuer != ca_cert.subject:
        raise _bad(f"cert was issued by {cert.issuer.rfc4514_string()!r}, not by "
                   f"{ca_cert.subject.rfc4514_string()!r}", "wrong_issuer")
    try:
        cert.verify_directly_issued_by(ca_cert)
    except (InvalidSignature, ValueError, TypeError, UnsupportedAlgorithm):
        raise _bad("the CA's signature on cert does not verify (tampered, or signed by "
                   "another key)", "bad_signature") from None
    _check_time(ca_cert, when, "ca_cert")
    _check_time(cert, when, "cert")
    return True


def describe_certificate(cert: x509.Certificate | str | bytes) -> dict:
    """The fields a person checks in a certificate, as a flat dict (for a table)."""
    cert = load_certificate(cert)
    try:
        ca = cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    except x509.ExtensionNotFound:
        ca = False
    return {"subject": cert.subject.rfc4514_string(),
            "issuer": cert.issuer.rfc4514_string(),
            "serial": f"{cert.serial_number:x}"[:16] + "…",
            "not_before": cert.not_valid_before_utc.isoformat(),
            "not_after": cert.not_valid_after_utc.isoformat(),
            "is_ca": ca,
            "key": type(cert.public_key()).__name__.removeprefix("_"),
            "key_fingerprint": key_fingerprint(cert.public_key()),
            "signature_algorithm": cert.signature_algorithm_oid._name}
