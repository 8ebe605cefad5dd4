"""AES-GCM authenticated encryption: a sealed message that either opens intact or not at all.

GCM (NIST SP 800-38D) encrypts with a counter-mode keystream and appends a
16-byte tag over the ciphertext and the associated data (AAD). Any change to
nonce, ciphertext, tag or AAD, or a wrong key, makes decryption fail, which
paylab reports as :class:`~paylab.errors.TamperedError`.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from paylab.crypto._common import need_aes_key, need_bytes
from paylab.errors import InvalidInput, TamperedError

__all__ = ["Sealed", "aes_gcm_encrypt", "aes_gcm_decrypt", "generate_aes_key",
           "NONCE_SIZE", "TAG_SIZE"]

NONCE_SIZE = 12
MAX_NONCE = 128  # the longest nonce cryptography's AESGCM accepts
TAG_SIZE = 16
_MAGIC = b"PLG2"


@dataclass(frozen=True, slots=True)
class Sealed:
    """An AES-GCM message: 12-byte ``nonce``, ``ciphertext`` with the 16-byte tag appended, ``aad``.

    The AAD travels in clear (for example an order id the gateway must route
    on) but is authenticated together with the ciphertext.
    """

    nonce: bytes
    ciphertext: bytes
    aad: bytes = b""

    def __post_init__(self) -> None:
        for name in ("nonce", "ciphertext", "aad"):
            value = getattr(self, name)
            if type(value) is not bytes:
                object.__setattr__(self, name, need_bytes(value, name))

    @property
    def tag(self) -> bytes:
        """The 16-byte authentication tag (the last bytes of ``ciphertext``)."""
        return self.ciphertext[-TAG_SIZE:]

    def to_bytes(self) -> bytes:
        """A compact wire form: magic, nonce length (1 byte), nonce, AAD length (4 bytes), AAD,
        ciphertext+tag."""
        return b"".join((_MAGIC, bytes([len(self.nonce)]), self.nonce,
                         len(self.aad).to_bytes(4, "big"), self.aad, self.ciphertext))

    @classmethod
    def from_bytes(cls, data: bytes) -> Sealed:
        """Parse :meth:`to_bytes` output; malformed input raises InvalidInput(field="data")."""
        data = need_bytes(data, "data")
        m = len(_MAGIC)
        if len(data) < m + 1 or not data.startswith(_MAGIC):
            raise InvalidInput("data", "paylab sealed format",
                               "data is not a paylab sealed message (bad magic or too short)")
        n_nonce = data[m]
        head = m + 1 + n_nonce + 4
        if n_nonce < NONCE_SIZE or len(data) < head + TAG_SIZE:
            raise InvalidInput("data", "paylab sealed format", "data is truncated or malformed")
        nonce = data[m + 1:m + 1 + n_nonce]
        n_aad = int.from_bytes(data[head - 4:head], "big")
        if len(data) < head + n_aad + TAG_SIZE:
            raise InvalidInput("data", "paylab sealed format", "data is truncated")
        return cls(nonce, data[head + n_aad:], data[head:head + n_aad])

    def to_json(self) -> str:
        """A JSON object with the three fields in base64 (for APIs and logs)."""
        b64 = base64.b64encode
        return json.dumps({"alg": "AES-GCM",
                           "nonce": b64(self.nonce).decode(),
                           "ciphertext": b64(self.ciphertext).decode(),
                           "aad": b64(self.aad).decode()}, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Sealed:
        """Parse :meth:`to_json` output; malformed input raises InvalidInput naming the field."""
        if not isinstance(text, (str, bytes)):
            raise InvalidInput("text", "JSON string", "text must be a JSON string")
        try:
            obj = json.loads(text)
        except ValueError:
            raise InvalidInput("text", "valid JSON", "text is not valid JSON") from None
        if not isinstance(obj, dict):
            raise InvalidInput("text", "JSON object", "text must hold a JSON object")
        fields = {}
        for name in ("nonce", "ciphertext", "aad"):
            value = obj.get(name, "" if name == "aad" else None)
            if not isinstance(value, str):
                raise InvalidInput(name, "base64 string", f"{name} is missing or not a string")
            try:
                fields[name] = base64.b64decode(value, validate=True)
            except (binascii.Error, ValueError):
                raise InvalidInput(name, "base64", f"{name} is not valid base64") from None
        return cls(**fields)

    def __repr__(self) -> str:
        return (f"Sealed(nonce={self.nonce.hex()}, ciphertext={self.ciphertext[:8].hex()}… "
                f"({len(self.ciphertext)} bytes incl. tag), aad={self.aad!r})")


_new = object.__new__
_set_nonce, _set_ct, _set_aad = (Sealed.nonce.__set__, Sealed.ciphertext.__set__,
                                 Sealed.aad.__set__)


def _sealed(nonce: bytes, ciphertext: bytes, aad: bytes) -> Sealed:
    # the dataclass __init__ of a frozen class costs ~0.7 µs; fields are already checked here
    s = _new(Sealed)
    _set_nonce(s, nonce)
    _set_ct(s, ciphertext)
    _set_aad(s, aad)
    return s


def _check_nonce(nonce: object, field: str) -> bytes:
    nonce = need_bytes(nonce, field)
    if not NONCE_SIZE <= len(nonce) <= MAX_NONCE:
        raise InvalidInput(field, f"{NONCE_SIZE} to {MAX_NONCE} bytes",
                           f"{field} must be {NONCE_SIZE} to {MAX_NONCE} bytes long "
                           f"(12 is standard), got {len(nonce)}")
    return nonce


def generate_aes_key(bits: int = 256) -> bytes:
    """A fresh random AES key of 128, 192 or 256 bits from the OS CSPRNG."""
    if bits not in (128, 192, 256):
        raise InvalidInput("bits", "128, 192 or 256", "bits must be 128, 192 or 256")
    return AESGCM.generate_key(bit_length=bits)


def aes_gcm_encrypt(key: bytes, plaintext: bytes, *, aad: bytes = b"",
                    nonce: bytes | None = None) -> Sealed:
    """Encrypt and authenticate ``plaintext`` (and authenticate ``aad``) under ``key``.

    A fresh random 12-byte nonce is drawn when none is given. Passing a nonce
    is for test vectors and teaching only: never reuse one with the same key
    (see :func:`paylab.crypto.attacks.recover_with_known_plaintext`).
    """
    if type(key) is not bytes or len(key) not in (16, 24, 32):
        key = need_aes_key(key)
    if type(plaintext) is not bytes:
        plaintext = need_bytes(plaintext, "plaintext")
    if type(aad) is not bytes:
        aad = need_bytes(aad, "aad")
    if nonce is None:
        nonce = os.urandom(NONCE_SIZE)
    else:
        nonce = _check_nonce(nonce, "nonce")
    return _sealed(nonce, AESGCM(key).encrypt(nonce, plaintext, aad), aad)


def aes_gcm_decrypt(key: bytes, sealed: Sealed) -> bytes:
    """The plaintext of ``sealed``; a wrong key or any changed bit raises TamperedError."""
    if type(key) is not bytes or len(key) not in (16, 24, 32):
        key = need_aes_key(key)
    if not isinstance(sealed, Sealed):
        raise InvalidInput("sealed", "Sealed", f"sealed must be a Sealed, not {type(sealed).__name__}")
    nonce, ct, aad = sealed.nonce, sealed.ciphertext, sealed.aad
    if type(nonce) is not bytes or not NONCE_SIZE <= len(nonce) <= MAX_NONCE:
        nonce = _check_nonce(nonce, "sealed.nonce")
    if type(ct) is not bytes:
        ct = need_bytes(ct, "sealed.ciphertext")
    if type(aad) is not bytes:
        aad = need_bytes(aad, "sealed.aad")
    if len(ct) < TAG_SIZE:
        raise TamperedError("ciphertext is shorter than the 16-byte tag",
                            field="sealed.ciphertext", rule="authentic")
    try:
        return AESGCM(key).decrypt(nonce, ct, aad)
    except InvalidTag:
        raise TamperedError("authentication failed: wrong key, or nonce, ciphertext, tag or "
                            "AAD changed", field="sealed", rule="authentic") from None
