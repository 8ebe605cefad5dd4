"""Notifications (webhooks): signed, time-stamped, encrypted, and handled once.

Three defences a merchant needs against the notices a gateway sends (step 5):

* **Authenticity** — :func:`sign_webhook` writes a Stripe-style header
  ``t=<timestamp>,v1=<hex HMAC-SHA256 of "<timestamp>.<payload>">``;
  :func:`verify_webhook` checks it in constant time and accepts any of several
  ``v1`` values (or secrets) while a secret is being rotated.
* **Freshness** — a timestamp outside ``tolerance`` seconds is refused, so a
  captured notice cannot be replayed later.
* **Confidentiality** — WeChat Pay API v3 encrypts the notice's ``resource``
  with AEAD_AES_256_GCM under the merchant's 32-byte APIv3 key
  (:func:`encrypt_notice` / :func:`decrypt_notice`).

Gateways deliver *at least once*, so duplicates are normal: :class:`MerchantInbox`
processes each event id once.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import math
import numbers
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from paylab.clock import Clock
from paylab.errors import InvalidInput, SignatureError, TamperedError

__all__ = [
    "sign_webhook", "verify_webhook", "parse_header", "encrypt_notice", "decrypt_notice",
    "MerchantInbox", "DEFAULT_TOLERANCE", "MAX_HEADER_LENGTH", "MAX_TIMESTAMP",
]

DEFAULT_TOLERANCE = 300
#: the longest header read (Stripe's headers are ~100 characters; one v1 per rotating secret)
MAX_HEADER_LENGTH = 8192
#: the largest timestamp accepted: 12 digits, far past any real clock (year 33658)
MAX_TIMESTAMP = 10**12 - 1


def _payload_bytes(payload: object) -> bytes:
    if isinstance(payload, (bytes, bytearray, memoryview)):
        return bytes(payload)
    raise InvalidInput("payload", "must be bytes",
                       f"sign and verify the raw body bytes, not {type(payload).__name__} "
                       "(re-serialised JSON would not match)")


def _secrets(secret: str | Sequence[str]) -> list[bytes]:
    items = [secret] if isinstance(secret, str) else list(secret) if isinstance(secret, (list, tuple)) else None
    if not items or not all(isinstance(s, str) and s for s in items):
        raise InvalidInput("secret", "non-empty string (or list of them)",
                           "a webhook secret is a non-empty string, or a list of them during rotation")
    try:
        return [s.encode() for s in items]
    except UnicodeEncodeError:
        raise InvalidInput("secret", "encodable as UTF-8",
                           "a webhook secret must be text that UTF-8 can encode") from None


def _mac(secret: bytes, timestamp: int, payload: bytes) -> str:
    return hmac.new(secret, b"%d." % timestamp + payload, hashlib.sha256).hexdigest()


def sign_webhook(payload: bytes, secret: str | Sequence[str], timestamp: int) -> str:
    """The signature header for ``payload`` sent at ``timestamp``; a list of secrets gives one
    ``v1`` per secret (what a gateway sends while a merchant rotates its secret)."""
    body = _payload_bytes(payload)
    if isinstance(timestamp, bool) or not isinstance(timestamp, int) or not 0 <= timestamp <= MAX_TIMESTAMP:
        raise InvalidInput("timestamp", f"int from 0 to {MAX_TIMESTAMP}",
                           "the timestamp is whole epoch seconds (at most 12 digits)")
    sigs = ",".join(f"v1={_mac(s, timestamp, body)}" for s in _secrets(secret))
    return f"t={timestamp},{sigs}"




def _bad_header(message: str, rule: str = "t=<seconds>,v1=<hex>") -> SignatureError:
    return SignatureError(message, field="header", rule=rule)


def parse_header(header: str) -> tuple[int, list[str]]:
    """Split a signature header into its timestamp and its ``v1`` signatures.

    The header arrives from the network, so any text is possible: whatever is not
    ``t=<ASCII digits>`` once and ``v1=…`` at least once raises ``SignatureError``
    (never a raw ``ValueError``). Other schemes (``v0=…``) are ignored, as Stripe does.
    """
    if not isinstance(header, str):
        raise _bad_header(f"the signature header must be text, not {type(header).__name__}")
    if not header:
        raise _bad_header("missing signature header")
    if len(header) > MAX_HEADER_LENGTH:
        raise _bad_header(f"header of {len(header)} characters is longer than {MAX_HEADER_LENGTH}",
                          rule=f"at most {MAX_HEADER_LENGTH} characters")
    ts: int | None = None
    sigs: list[str] = []
    for part in header.split(","):
        name, sep, value = part.strip().partition("=")
        if not sep:
            raise _bad_header(f"malformed header item {part[:40]!r}")
        if name == "t":
            if ts is not None:
                raise _bad_header("more than one timestamp t= in header", rule="one t=")
            # str.isdigit() is true for '²' and other non-ASCII digits that int() refuses
            if not (value.isascii() and value.isdigit()) or len(value) > 12:
                raise _bad_header(f"timestamp {value[:20]!r} is not whole seconds (1 to 12 ASCII digits)",
                                  rule="t=<int>")
            ts = int(value)
        elif name == "v1":
            sigs.append(value)
        # other schemes (v0, …) are ignored, as Stripe does
    if ts is None:
        raise _bad_header("no timestamp t= in header")
    if not sigs:
        raise _bad_header("no v1 signature in header")
    return ts, sigs


def _finite_number(value: object, field: str, *, allow_none: bool = False) -> float | None:
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(float(value)):
        raise InvalidInput(field, "finite number" + (" or None" if allow_none else ""),
                           f"{field} must be a finite number of seconds, got {value!r}")
    return float(value)


def verify_webhook(payload: bytes, header: str, secret: str | Sequence[str], *, now: float,
                   tolerance: float | None = DEFAULT_TOLERANCE) -> int:
    """Check a notice's signature header; return its timestamp. Raises ``SignatureError`` if no
    ``v1`` matches any secret (constant-time compare) or if the timestamp is more than
    ``tolerance`` seconds away from ``now``, in the past (a replay) or the future (a forged
    clock); ``tolerance=None`` skips the time check, as Stripe's libraries allow."""
    body = _payload_bytes(payload)
    keys = _secrets(secret)
    now_s = _finite_number(now, "now")
    tol = _finite_number(tolerance, "tolerance", allow_none=True)
    if tol is not None and tol < 0:
        raise InvalidInput("tolerance", "non-negative", "tolerance is a number of seconds, 0 or more")
    ts, sigs = parse_header(header)
    # compare bytes: compare_digest refuses str with non-ASCII characters (a raw TypeError)
    given = [sig.encode("utf-8", "surrogatepass") for sig in sigs]
    good = False
    for key in keys:
        expected = _mac(key, ts, body).encode("ascii")
        for sig in given:
            good |= hmac.compare_digest(expected, sig)  # no early exit: constant time per pair
    if not good:
        raise SignatureError("no v1 signature matches: wrong secret or body changed",
                             field="header", rule="HMAC-SHA256 match")
    if tol is not None and abs(now_s - ts) > tol:
        raise SignatureError(f"timestamp {ts} is {abs(now_s - ts):.0f} s from now (tolerance "
                             f"{tolerance} s): possible replay", field="timestamp", rule="tolerance")
    return ts


# --- WeChat Pay API v3 style encrypted notice ----------------------------------------------

def _text_bytes(name: str, value: object) -> bytes:
    if not isinstance(value, str):
        raise InvalidInput(name, "a string", f"{name} must be a string, not {type(value).__name__}")
    try:
        return value.encode()
    except UnicodeEncodeError:
        raise InvalidInput(name, "encodable as UTF-8", f"{name} must be text that UTF-8 can encode") from None


def _apiv3_key(key: str | bytes) -> bytes:
    raw = _text_bytes("api_v3_key", key) if isinstance(key, str) else key
    if not isinstance(raw, bytes) or len(raw) != 32:
        raise InvalidInput("api_v3_key", "32 bytes", "the APIv3 key is 32 bytes (AES-256)")
    return raw


def encrypt_notice(resource: dict[str, Any], api_v3_key: str | bytes, *, nonce: str,
                   associated_data: str = "transaction", event_id: str = "EV-0",
                   create_time: str = "2026-01-01T08:00:00+08:00",
                   event_type: str = "TRANSACTION.SUCCESS", summary: str = "支付成功") -> dict[str, Any]:
    """A WeChat-Pay-v3-style notice: ``resource`` JSON encrypted with AEAD_AES_256_GCM,
    ciphertext base64 with the 16-byte tag appended; ``nonce`` is a 12-character string."""
    nonce_b = _text_bytes("nonce", nonce)
    if len(nonce_b) != 12:
        raise InvalidInput("nonce", "12-byte string", "the notice nonce is a 12-character string")
    aad = _text_bytes("associated_data", associated_data)
    for name, value in (("event_id", event_id), ("create_time", create_time), ("event_type", event_type),
                        ("summary", summary)):
        _text_bytes(name, value)
    if not isinstance(resource, dict):
        raise InvalidInput("resource", "a dict", f"resource is a JSON object (dict), not {type(resource).__name__}")
    try:
        plaintext = json.dumps(resource, ensure_ascii=False, separators=(",", ":")).encode()
    except (TypeError, ValueError, UnicodeEncodeError) as exc:
        raise InvalidInput("resource", "JSON-serialisable",
                           f"resource must hold only JSON values (str, int, float, bool, None, lists, dicts): {exc}"
                           ) from None
    ct = AESGCM(_apiv3_key(api_v3_key)).encrypt(nonce_b, plaintext, aad)
    return {
        "id": event_id, "create_time": create_time, "resource_type": "encrypt-resource",
        "event_type": event_type, "summary": summary,
        "resource": {"original_type": "transaction", "algorithm": "AEAD_AES_256_GCM",
                     "ciphertext": base64.b64encode(ct).decode(), "associated_data": associated_data,
                     "nonce": nonce},
    }


def decrypt_notice(notice: dict[str, Any], api_v3_key: str | bytes) -> dict[str, Any]:
    """Decrypt and parse a notice's ``resource``; ``TamperedError`` if the key is wrong or any
    of ciphertext, nonce or associated_data was changed."""
    try:
        if not isinstance(notice, Mapping) or not isinstance(notice["resource"], Mapping):
            raise TypeError
        res = notice["resource"]
        algorithm, ct_b64, nonce = res["algorithm"], res["ciphertext"], res["nonce"]
        aad = res.get("associated_data", "") or ""
    except (KeyError, TypeError):
        raise InvalidInput("notice", "resource with algorithm, ciphertext, nonce",
                           "a notice needs resource.algorithm, resource.ciphertext and resource.nonce") from None
    if algorithm != "AEAD_AES_256_GCM":
        raise InvalidInput("resource.algorithm", "AEAD_AES_256_GCM", f"unsupported algorithm {algorithm!r}")
    try:
        ct = base64.b64decode(ct_b64, validate=True)
    except (binascii.Error, ValueError, TypeError):
        raise InvalidInput("resource.ciphertext", "base64", "ciphertext is not valid base64") from None
    if not isinstance(nonce, str) or len(nonce.encode("utf-8", "surrogatepass")) != 12:
        raise TamperedError("nonce is not 12 bytes", field="resource.nonce")
    if not isinstance(aad, str):
        raise TamperedError("associated_data is not text", field="resource.associated_data")
    key = AESGCM(_apiv3_key(api_v3_key))
    try:
        plain = key.decrypt(nonce.encode("utf-8", "surrogatepass"), ct, aad.encode("utf-8", "surrogatepass"))
    except InvalidTag:
        raise TamperedError("notice failed AES-GCM authentication: wrong key or altered "
                            "ciphertext, nonce or associated data", field="resource") from None
    except ValueError:  # too short to hold a tag
        raise TamperedError("ciphertext too short to hold a GCM tag", field="resource.ciphertext") from None
    try:
        return json.loads(plain)
    except ValueError:  # authentic but not JSON: the sender's bug, reported as bad input
        raise InvalidInput("resource.ciphertext", "JSON plaintext", "the decrypted resource is not JSON") from None


# --- the merchant's side ---------------------------------------------------------------------

class MerchantInbox:
    """A merchant's webhook endpoint: verify, then process each event id once.

    ``handler(event)`` runs for every new event; a duplicate delivery (same ``id``) is
    acknowledged but not processed again. With ``idempotent=False`` the inbox forgets
    ids — the chapter uses it to show goods shipped twice.
    """

    def __init__(self, secret: str | Sequence[str], clock: Clock, *,
                 handler: Callable[[dict[str, Any]], Any] | None = None,
                 tolerance: float = DEFAULT_TOLERANCE, idempotent: bool = True) -> None:
        _secrets(secret)
        self.secret = secret
        self.clock = clock
        self.handler = handler
        self.tolerance = tolerance
        self.idempotent = idempotent
        self.seen: set[str] = set()
        self.processed: list[dict[str, Any]] = []
        self.duplicates = 0
        self.rejected = 0
        self.fulfilled: dict[str, int] = {}  # intent id -> times the order was shipped

    def __call__(self, payload: bytes, header: str) -> bool:
        return self.receive(payload, header)

    def receive(self, payload: bytes, header: str) -> bool:
        """Handle one delivery; True if it was processed, False if it was a duplicate.
        A bad signature or stale timestamp raises ``SignatureError`` (HTTP 400)."""
        try:
            verify_webhook(payload, header, self.secret, now=self.clock(), tolerance=self.tolerance)
        except SignatureError:
            self.rejected += 1
            raise
        try:
            event = json.loads(payload)
        except (UnicodeDecodeError, ValueError):
            raise InvalidInput("payload", "JSON event", "the signed body is not a JSON event") from None
        eid = event.get("id") if isinstance(event, dict) else None
        if not isinstance(eid, str):
            raise InvalidInput("event.id", "string", "an event needs an id")
        oid = None
        if event.get("type") == "payment_intent.succeeded":
            data = event.get("data")
            obj = data.get("object") if isinstance(data, dict) else None
            oid = obj.get("id") if isinstance(obj, dict) else None
            if not isinstance(oid, str):
                raise InvalidInput("event.data.object.id", "string",
                                   "a payment_intent.succeeded event names its intent in data.object.id")
        if self.idempotent and eid in self.seen:
            self.duplicates += 1
            return False
        self.seen.add(eid)
        self.processed.append(event)
        if oid is not None:
            self.fulfilled[oid] = self.fulfilled.get(oid, 0) + 1
        if self.handler is not None:
            self.handler(event)
        return True

    def shipped_twice(self) -> list[str]:
        """Orders fulfilled more than once (the harm a non-idempotent inbox does)."""
        return [k for k, n in self.fulfilled.items() if n > 1]

    def event_ids(self) -> Iterable[str]:
        return (e["id"] for e in self.processed)
