"""A TLS-1.3-like handshake between a customer app and a payment gateway, and its records.

1. ClientHello: the app sends a random value and a fresh X25519 public key.
2. ServerHello: the gateway answers with its random value, its own X25519 key,
   its certificate, and a signature (with the certified key) over the hash of
   everything said so far (the *transcript*).
3. The app checks the certificate against the CA it trusts, then the
   signature; both sides compute the same X25519 secret and HKDF-SHA256 turns
   it into two directional AES-256-GCM keys and IVs.
4. Records carry a sequence number, mixed into the nonce (as in RFC 8446 §5.3)
   and authenticated: a replayed, reordered or altered record is refused.

This is a teaching model of RFC 8446, not a TLS implementation: no cipher
negotiation, no resumption, no client certificates.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime

from cryptography import x509
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import x25519
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from paylab.clock import Clock
from paylab.crypto._common import need_bytes, seeded_bytes
from paylab.crypto.certs import (
    CertificateAuthority,
    certificate_pem,
    issue_certificate,
    load_certificate,
    make_ca,
    verify_chain,
)
from paylab.crypto.signatures import SigningKey, generate_signing_key, generate_x25519_key, sign, verify
from paylab.errors import CertificateError, InvalidInput, PaylabError, TamperedError
from paylab.validation import Seed

__all__ = ["ClientHello", "ServerHello", "Record", "Session", "Transcript", "CustomerApp",
           "Gateway", "ManInTheMiddle", "HandshakeResult", "run_handshake", "make_gateway",
           "handshake_attacks"]

_CONTEXT = b"paylab handshake v1"


@dataclass(frozen=True)
class ClientHello:
    """The app's opening message: a 32-byte random and its X25519 public key share."""

    client_random: bytes
    key_share: bytes

    def to_bytes(self) -> bytes:
        return b"CH" + self.client_random + self.key_share


@dataclass(frozen=True)
class ServerHello:
    """The gateway's answer: random, key share, certificate (PEM) and transcript signature."""

    server_random: bytes
    key_share: bytes
    certificate: str
    signature: bytes

    def signed_part(self) -> bytes:
        return b"SH" + self.server_random + self.key_share + self.certificate.encode()


@dataclass(frozen=True)
class Record:
    """One encrypted application record: its sequence number, direction and ciphertext+tag."""

    seq: int
    direction: str
    ciphertext: bytes


class Transcript:
    """What crossed the wire, step by step (``rows()`` for a table, ``to_frame()`` for pandas)."""

    def __init__(self) -> None:
        self.steps: list[dict] = []

    def add(self, sender: str, receiver: str, message: str, size: int, detail: str) -> None:
        self.steps.append({"step": len(self.steps) + 1, "from": sender, "to": receiver,
                           "message": message, "bytes": size, "detail": detail})

    def rows(self) -> list[dict]:
        return [dict(s) for s in self.steps]

    def to_frame(self):
        """The steps as a pandas DataFrame indexed by step number."""
        import pandas as pd

        columns = ["step", "from", "to", "message", "bytes", "detail"]  # so an empty transcript is an empty table
        return pd.DataFrame(self.rows(), columns=columns).set_index("step")

    def __len__(self) -> int:
        return len(self.steps)


def _transcript_hash(hello: ClientHello, server_part: bytes) -> bytes:
    return hashlib.sha256(hello.to_bytes() + server_part).digest()


def _signature_payload(th: bytes) -> bytes:
    return _CONTEXT + b" server CertificateVerify " + th


def _derive(shared: bytes, th: bytes) -> tuple[bytes, bytes, bytes, bytes]:
    okm = HKDF(algorithm=hashes.SHA256(), length=88, salt=th,
               info=_CONTEXT + b" traffic keys").derive(shared)
    return okm[:32], okm[32:64], okm[64:76], okm[76:88]


class Session:
    """One side of an established channel: ``send`` seals a record, ``receive`` opens the next one."""

    def __init__(self, role: str, send_key: bytes, send_iv: bytes, recv_key: bytes,
                 recv_iv: bytes, transcript: Transcript | None = None) -> None:
        self.role = role
        self._send, self._send_iv = AESGCM(send_key), send_iv
        self._recv, self._recv_iv = AESGCM(recv_key), recv_iv
        self.send_seq = 0
        self.recv_seq = 0
        self.transcript = transcript
        self.key_ids = (hashlib.sha256(send_key).hexdigest()[:8],
                        hashlib.sha256(recv_key).hexdigest()[:8])

    @property
    def _peer(self) -> str:
        return "gateway" if self.role == "app" else "app"

    @staticmethod
    def _nonce(iv: bytes, seq: int) -> bytes:
        return bytes(a ^ b for a, b in zip(iv, seq.to_bytes(12, "big"), strict=True))

    @staticmethod
    def _aad(direction: str, seq: int) -> bytes:
        return direction.encode() + seq.to_bytes(8, "big")

    def send(self, data: bytes) -> Record:
        """Encrypt ``data`` as the next record (sequence number in nonce and AAD)."""
        data = need_bytes(data, "data")
        seq, direction = self.send_seq, f"{self.role}->{self._peer}"
        ct = self._send.encrypt(self._nonce(self._send_iv, seq), data, self._aad(direction, seq))
        self.send_seq += 1
        if self.transcript is not None:
            self.transcript.add(self.role, self._peer, f"record #{seq}", len(ct),
                                f"AES-256-GCM, {len(data)} bytes of data + 16-byte tag")
        return Record(seq, direction, ct)

    def receive(self, record: Record) -> bytes:
        """The data of the next expected record; replayed, reordered or altered records raise TamperedError."""
        if not isinstance(record, Record):
            raise InvalidInput("record", "Record", "record must be a Record")
        expected = f"{self._peer}->{self.role}"
        if record.direction != expected:
            raise TamperedError(f"record travels {record.direction}, expected {expected} "
                                "(reflected back?)", field="record.direction",
                                rule="own direction", code="reflected")
        if record.seq < self.recv_seq:
            raise TamperedError(f"record #{record.seq} was already received (replay)",
                                field="record.seq", rule="each record once", code="replayed")
        if record.seq > self.recv_seq:
            raise TamperedError(f"record #{record.seq} arrived before #{self.recv_seq} "
                                "(dropped or reordered)", field="record.seq", rule="in order",
                                code="out_of_order")
        try:
            data = self._recv.decrypt(self._nonce(self._recv_iv, record.seq),
                                      need_bytes(record.ciphertext, "record.ciphertext"),
                                      self._aad(expected, record.seq))
        except InvalidTag:
            raise TamperedError(f"record #{record.seq} failed authentication",
                                field="record", rule="authentic") from None
        self.recv_seq += 1
        return data


class _Ephemeral:
    """Fresh X25519 keys and randoms; from a seed and a counter when reproducible output is wanted."""

    def __init__(self, seed: Seed | None, label: str) -> None:
        self.seed, self.label, self.count = seed, label, 0

    def next(self) -> tuple[x25519.X25519PrivateKey, bytes]:
        self.count += 1
        if self.seed is None:
            import os

            return generate_x25519_key(), os.urandom(32)
        tag = f"{self.label}-{self.count}"
        key = x25519.X25519PrivateKey.from_private_bytes(seeded_bytes(self.seed, tag + "-key"))
        return key, seeded_bytes(self.seed, tag + "-random")


class Gateway:
    """The server side: a name, a certificate for it and the matching signing key."""

    def __init__(self, name: str, certificate: x509.Certificate, signing_key: SigningKey, *,
                 seed: Seed | None = None) -> None:
        self.name = name
        self.certificate = load_certificate(certificate)
        self.signing_key = signing_key
        self._eph = _Ephemeral(seed, f"gateway-{name}")

    def respond(self, hello: ClientHello,
                transcript: Transcript | None = None) -> tuple[ServerHello, Session]:
        """Answer a ClientHello; returns the ServerHello and the gateway's session."""
        if not isinstance(hello, ClientHello):
            raise InvalidInput("hello", "ClientHello", "hello must be a ClientHello")
        eph, rnd = self._eph.next()
        share = eph.public_key().public_bytes_raw()
        pem = certificate_pem(self.certificate)
        part = b"SH" + rnd + share + pem.encode()
        th = _transcript_hash(hello, part)
        sig = sign(self.signing_key, _signature_payload(th))
        reply = ServerHello(rnd, share, pem, sig)
        try:
            shared = eph.exchange(x25519.X25519PublicKey.from_public_bytes(hello.key_share))
        except ValueError:
            raise TamperedError("client key share is not a valid X25519 public key",
                                field="hello.key_share", rule="valid X25519 point") from None
        c2s_key, s2c_key, c2s_iv, s2c_iv = _derive(shared, th)
        return reply, Session("gateway", s2c_key, s2c_iv, c2s_key, c2s_iv, transcript)


class CustomerApp:
    """The client side: trusts one CA certificate and expects to talk to ``server_name``."""

    def __init__(self, trusted_ca: x509.Certificate, server_name: str, *,
                 at: float | datetime | None = None, clock: Clock | None = None,
                 seed: Seed | None = None) -> None:
        self.trusted_ca = load_certificate(trusted_ca, "trusted_ca")
        self.server_name = server_name
        self.at, self.clock = at, clock
        self._eph = _Ephemeral(seed, "app")
        self._pending: tuple[x25519.X25519PrivateKey, ClientHello] | None = None

    def hello(self) -> ClientHello:
        """Start a handshake: a fresh ephemeral key and random."""
        eph, rnd = self._eph.next()
        msg = ClientHello(rnd, eph.public_key().public_bytes_raw())
        self._pending = (eph, msg)
        return msg

    def finish(self, reply: ServerHello, transcript: Transcript | None = None) -> Session:
        """Check the gateway's certificate and signature, then derive the session keys.

        Raises CertificateError (untrusted, expired, wrong name) or SignatureError
        (the transcript was not signed by the certified key: someone changed it).
        """
        if self._pending is None:
            raise InvalidInput("reply", "after hello()", "call hello() before finish()")
        if not isinstance(reply, ServerHello):
            raise InvalidInput("reply", "ServerHello", "reply must be a ServerHello")
        eph, hello = self._pending
        cert = load_certificate(reply.certificate, "reply.certificate")
        verify_chain(cert, self.trusted_ca, self.at, clock=self.clock)
        names = [a.value for a in cert.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)]
        if names != [self.server_name]:
            raise CertificateError(f"certificate is for {names}, not {self.server_name!r}",
                                   field="reply.certificate", rule="wrong_subject",
                                   code="certificate_wrong_subject")
        th = _transcript_hash(hello, reply.signed_part())
        verify(cert.public_key(), _signature_payload(th), reply.signature)
        try:
            shared = eph.exchange(x25519.X25519PublicKey.from_public_bytes(reply.key_share))
        except ValueError:
            raise TamperedError("server key share is not a valid X25519 public key",
                                field="reply.key_share", rule="valid X25519 point") from None
        self._pending = None
        c2s_key, s2c_key, c2s_iv, s2c_iv = _derive(shared, th)
        return Session("app", c2s_key, c2s_iv, s2c_key, s2c_iv, transcript)


class ManInTheMiddle:
    """An attacker on the path who swaps key shares so it can read the traffic.

    ``strategy``:
    ``"swap_key_share"`` forwards the gateway's real certificate and signature
    but substitutes its own key share (the signature then fails);
    ``"own_certificate"`` presents a certificate from its own CA and signs with
    its own key (the certificate is not trusted: wrong issuer);
    ``"fake_ca_same_name"`` does the same with a CA that copies the real CA's
    name (the CA signature fails).
    """

    STRATEGIES = ("swap_key_share", "own_certificate", "fake_ca_same_name")

    def __init__(self, strategy: str, server_name: str, *, impersonated_ca: str = "Evil CA",
                 now: float | datetime | None = None, clock: Clock | None = None,
                 seed: Seed | None = None) -> None:
        if strategy not in self.STRATEGIES:
            raise InvalidInput("strategy", " | ".join(self.STRATEGIES),
                               f"unknown strategy {strategy!r}")
        self.strategy = strategy
        self._eph = _Ephemeral(seed, "mitm")
        self.key = generate_signing_key("ed25519", seed=None if seed is None else seed + 1)
        ca_name = "Evil CA" if strategy == "own_certificate" else impersonated_ca
        ca = make_ca(ca_name, now=now, clock=clock, seed=None if seed is None else seed + 2)
        self.certificate = issue_certificate(ca, server_name, self.key.public_key(), 365,
                                             now=now, clock=clock)

    def tamper(self, hello: ClientHello, reply: ServerHello) -> ServerHello:
        """The ServerHello the attacker sends to the app in place of ``reply``."""
        eph, _ = self._eph.next()
        share = eph.public_key().public_bytes_raw()
        if self.strategy == "swap_key_share":
            return ServerHello(reply.server_random, share, reply.certificate, reply.signature)
        pem = certificate_pem(self.certificate)
        th = _transcript_hash(hello, b"SH" + reply.server_random + share + pem.encode())
        return ServerHello(reply.server_random, share, pem,
                           sign(self.key, _signature_payload(th)))


@dataclass
class HandshakeResult:
    """Both sessions of a completed handshake and the transcript of what was sent."""

    app: Session
    gateway: Session
    transcript: Transcript = field(repr=False)


def run_handshake(app: CustomerApp, gateway: Gateway, *, mitm: ManInTheMiddle | None = None,
                  transcript: Transcript | None = None) -> HandshakeResult:
    """Run the two-message handshake and record it; a man in the middle makes ``app.finish`` raise.

    Pass your own ``transcript`` to keep the steps of a handshake that fails
    (its last row then says why the app aborted).
    """
    t = Transcript() if transcript is None else transcript
    hello = app.hello()
    t.add("app", "gateway", "ClientHello", len(hello.to_bytes()),
          f"random {hello.client_random[:4].hex()}…, X25519 share {hello.key_share[:4].hex()}…")
    reply, gw_session = gateway.respond(hello, t)
    t.add("gateway", "app", "ServerHello", len(reply.signed_part()) + len(reply.signature),
          f"random {reply.server_random[:4].hex()}…, X25519 share {reply.key_share[:4].hex()}…, "
          f"certificate for {gateway.name!r}, {len(reply.signature)}-byte signature")
    if mitm is not None:
        reply = mitm.tamper(hello, reply)
        t.add("attacker", "app", "ServerHello (forged)",
              len(reply.signed_part()) + len(reply.signature), f"strategy {mitm.strategy!r}")
    try:
        app_session = app.finish(reply, t)
    except PaylabError as exc:
        t.add("app", "app", "handshake aborted", 0,
              f"{type(exc).__name__} ({exc.rule}): {exc.message}")
        raise
    t.add("app", "app", "checks passed", 0,
          "certificate chains to trusted CA, name matches, transcript signature valid")
    t.add("both", "both", "keys derived", 0,
          f"HKDF-SHA256 -> app->gateway key {app_session.key_ids[0]}…, "
          f"gateway->app key {app_session.key_ids[1]}… (fingerprints)")
    return HandshakeResult(app_session, gw_session, t)


def make_gateway(name: str, ca: CertificateAuthority, *, days: int = 365,
                 now: float | datetime | None = None, clock: Clock | None = None,
                 seed: Seed | None = None) -> Gateway:
    """A gateway with a fresh Ed25519 identity key certified by ``ca``."""
    key = generate_signing_key("ed25519", seed=seed)
    cert = issue_certificate(ca, name, key.public_key(), days, now=now, clock=clock)
    return Gateway(name, cert, key, seed=seed)


_MITM_LABEL = {"swap_key_share": "swaps the key share, forwards the real certificate",
               "own_certificate": "shows a certificate from its own CA",
               "fake_ca_same_name": "shows a certificate from a fake CA with the real CA's name"}


def _outcome(scenario: str, action) -> dict:
    try:
        action()
    except PaylabError as exc:
        return {"scenario": scenario, "outcome": "rejected", "error": type(exc).__name__,
                "rule": exc.rule, "reason": exc.message}
    return {"scenario": scenario, "outcome": "accepted", "error": "", "rule": "", "reason": ""}


def handshake_attacks(trusted_ca: x509.Certificate, gateway: Gateway, *,
                      at: float | datetime | None = None, clock: Clock | None = None,
                      seed: Seed | None = None) -> list[dict]:
    """Try the honest handshake and each attack on it; one row per scenario with the verdict.

    Scenarios: an honest handshake and record; three man-in-the-middle strategies;
    a replayed, a reordered, an altered and a reflected record.
    """
    cn = trusted_ca.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)
    ca_name = cn[0].value if cn else "Paylab Root CA"

    def app(offset: int) -> CustomerApp:
        return CustomerApp(trusted_ca, gateway.name, at=at, clock=clock,
                           seed=None if seed is None else seed + offset)

    def honest() -> None:
        res = run_handshake(app(0), gateway)
        res.gateway.receive(res.app.send(b"amount=000100.00"))

    rows = [_outcome("honest handshake, one record", honest)]
    for i, strategy in enumerate(ManInTheMiddle.STRATEGIES, start=1):
        mitm = ManInTheMiddle(strategy, gateway.name, impersonated_ca=ca_name,
                              now=at, clock=clock, seed=None if seed is None else seed + 10 * i)
        rows.append(_outcome(f"man in the middle {_MITM_LABEL[strategy]}",
                             lambda m=mitm, k=i: run_handshake(app(k), gateway, mitm=m)))
    res = run_handshake(app(5), gateway)
    r0, r1, r2 = (res.app.send(m) for m in (b"pay 100.00", b"pay 200.00", b"pay 300.00"))
    res.gateway.receive(r0)
    altered = bytearray(r1.ciphertext)
    altered[0] ^= 0x01
    rows.append(_outcome("replayed record #0", lambda: res.gateway.receive(r0)))
    rows.append(_outcome("record #2 before #1", lambda: res.gateway.receive(r2)))
    rows.append(_outcome("record #1 with one bit flipped",
                         lambda: res.gateway.receive(Record(r1.seq, r1.direction, bytes(altered)))))
    rows.append(_outcome("record #1 reflected back to the app", lambda: res.app.receive(r1)))
    return rows
