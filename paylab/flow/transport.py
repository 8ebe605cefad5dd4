"""Step 2 of a payment (支付信息传输): the buyer's app seals the payment data with AES-GCM
(:mod:`paylab.crypto`) and the gateway opens it; any change on the way is detected."""

from __future__ import annotations

import json
from typing import Any

from paylab.crypto import Sealed, aes_gcm_decrypt, aes_gcm_encrypt
from paylab.errors import InvalidInput, TamperedError

__all__ = ["seal_payment_data", "open_payment_data", "STEP2_AAD"]

STEP2_AAD = b"paylab-step2"


def seal_payment_data(key: bytes, counter: int, data: dict[str, Any]) -> tuple[bytes, bytes]:
    """Seal payment data with AES-GCM (:func:`paylab.crypto.aes_gcm_encrypt`); the 12-byte
    nonce is a message counter, which never repeats under one key (NIST SP 800-38D §8.2.1)
    as long as the key is used by one sender only. Returns (nonce, ciphertext||tag)."""
    if isinstance(counter, bool) or not isinstance(counter, int) or not 0 <= counter < 2**96:
        raise InvalidInput("counter", "0 <= counter < 2**96", "the nonce counter is a 96-bit unsigned int")
    sealed = aes_gcm_encrypt(key, json.dumps(data, separators=(",", ":")).encode(), aad=STEP2_AAD,
                             nonce=counter.to_bytes(12, "big"))
    return sealed.nonce, sealed.ciphertext


def open_payment_data(key: bytes, nonce: bytes, sealed: bytes) -> dict[str, Any]:
    """Open what :func:`seal_payment_data` sealed; ``TamperedError`` if anything changed."""
    try:
        plain = aes_gcm_decrypt(key, Sealed(nonce, sealed, STEP2_AAD))
    except TamperedError:
        raise TamperedError("payment data failed AES-GCM authentication", field="payment_data") from None
    return json.loads(plain)
