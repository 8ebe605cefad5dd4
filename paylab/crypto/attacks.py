"""Attack demonstrations: what goes wrong with unauthenticated or misused encryption.

Every function here that encrypts or decrypts with a raw mode (ECB, CBC, CTR)
is **deliberately insecure** and exists only to show an attack succeeding;
real code uses :func:`paylab.crypto.aes_gcm_encrypt` or :func:`paylab.crypto.seal_for`.
All primitives come from the ``cryptography`` package.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import Annotated

import numpy as np
from cryptography import x509
from cryptography.hazmat.primitives import padding as sym_padding
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from paylab.crypto._common import need_aes_key, need_bytes
from paylab.crypto.aead import Sealed, aes_gcm_decrypt, aes_gcm_encrypt
from paylab.crypto.certs import load_certificate
from paylab.errors import InvalidInput, PaylabError, TamperedError
from paylab.validation import Count, MaxLength

__all__ = ["BLOCK", "PAYMENT_MESSAGE", "xor_bytes", "ecb_encrypt", "ctr_encrypt", "ctr_decrypt",
           "cbc_encrypt", "cbc_decrypt", "make_logo_image", "encrypt_image",
           "repeated_block_share", "nonce_reuse_xor", "recover_with_known_plaintext",
           "flip_bytes", "amount_flip_demo", "VulnerableCbcDecryptor", "PaddingOracleResult",
           "padding_oracle_attack", "MAX_ATTACK_BYTES", "single_bit_flips", "tamper_certificate"]

BLOCK = 16
#: A payment instruction whose first 16-byte block is exactly the amount field.
PAYMENT_MESSAGE = b"amount=000100.00;currency=CNY;to=merchant-42;order=A1001"


def xor_bytes(a: bytes, b: bytes) -> bytes:
    """Bytewise XOR of two byte strings, truncated to the shorter one."""
    a, b = need_bytes(a, "a"), need_bytes(b, "b")
    n = min(len(a), len(b))
    return (int.from_bytes(a[:n], "big") ^ int.from_bytes(b[:n], "big")).to_bytes(n, "big")


def _blocks_only(data: bytes, field: str) -> bytes:
    data = need_bytes(data, field)
    if len(data) % BLOCK:
        raise InvalidInput(field, "multiple of 16 bytes",
                           f"{field} must be a whole number of 16-byte blocks, got {len(data)}")
    return data


def ecb_encrypt(key: bytes, data: bytes) -> bytes:
    """AES-ECB of whole blocks. DELIBERATELY INSECURE: equal blocks give equal ciphertext."""
    enc = Cipher(algorithms.AES(need_aes_key(key)), modes.ECB()).encryptor()
    return enc.update(_blocks_only(data, "data")) + enc.finalize()


def _counter_block(nonce: bytes) -> bytes:
    nonce = need_bytes(nonce, "nonce")
    if len(nonce) != BLOCK:
        raise InvalidInput("nonce", "16 bytes", f"CTR nonce must be 16 bytes, got {len(nonce)}")
    return nonce


def ctr_encrypt(key: bytes, nonce: bytes, data: bytes) -> bytes:
    """AES-CTR with no tag. DELIBERATELY INSECURE: anyone can flip plaintext bits."""
    enc = Cipher(algorithms.AES(need_aes_key(key)), modes.CTR(_counter_block(nonce))).encryptor()
    return enc.update(need_bytes(data, "data")) + enc.finalize()


ctr_decrypt = ctr_encrypt  # CTR decryption is the same keystream XOR


def cbc_encrypt(key: bytes, iv: bytes, plaintext: bytes) -> bytes:
    """AES-CBC with PKCS#7 padding and no tag. DELIBERATELY INSECURE (malleable, padding oracles)."""
    iv = need_bytes(iv, "iv")
    if len(iv) != BLOCK:
        raise InvalidInput("iv", "16 bytes", f"iv must be 16 bytes, got {len(iv)}")
    padder = sym_padding.PKCS7(128).padder()
    padded = padder.update(need_bytes(plaintext, "plaintext")) + padder.finalize()
    enc = Cipher(algorithms.AES(need_aes_key(key)), modes.CBC(iv)).encryptor()
    return enc.update(padded) + enc.finalize()


def cbc_decrypt(key: bytes, iv: bytes, ciphertext: bytes) -> bytes:
    """Undo :func:`cbc_encrypt`. DELIBERATELY INSECURE: a padding error is visible to the caller."""
    iv = need_bytes(iv, "iv")
    if len(iv) != BLOCK:
        raise InvalidInput("iv", "16 bytes", f"iv must be 16 bytes, got {len(iv)}")
    ciphertext = _blocks_only(ciphertext, "ciphertext")
    if not ciphertext:
        raise InvalidInput("ciphertext", "at least one block", "ciphertext is empty")
    dec = Cipher(algorithms.AES(need_aes_key(key)), modes.CBC(iv)).decryptor()
    padded = dec.update(ciphertext) + dec.finalize()
    unpadder = sym_padding.PKCS7(128).unpadder()
    try:
        return unpadder.update(padded) + unpadder.finalize()
    except ValueError:
        raise TamperedError("bad PKCS#7 padding", field="ciphertext", rule="valid padding",
                            code="bad_padding") from None


# --- ECB leaks patterns -------------------------------------------------------------------

#: the longest ciphertext :func:`padding_oracle_attack` takes (16 blocks: a few seconds of queries)
MAX_ATTACK_BYTES = 256


def make_logo_image(height: Count[16, 1024] = 160, width: Count[16, 1024] = 256) -> np.ndarray:
    """A synthetic grey-scale 'card and coin' logo with large flat areas (uint8, height×width)."""
    if height < 16 or width < 16 or width % BLOCK:
        raise InvalidInput("width", "multiple of 16, both sides >= 16",
                           "width must be a multiple of 16 and both sides at least 16")
    y, x = np.mgrid[0:height, 0:width]
    img = np.full((height, width), 235, dtype=np.uint8)
    card = (y > height * 0.15) & (y < height * 0.85) & (x > width * 0.08) & (x < width * 0.62)
    img[card] = 40
    stripe = card & (y > height * 0.3) & (y < height * 0.42)
    img[stripe] = 150
    chip = (y > height * 0.52) & (y < height * 0.68) & (x > width * 0.14) & (x < width * 0.26)
    img[chip] = 200
    coin = (y - height * 0.55) ** 2 + (x - width * 0.76) ** 2 < (min(height, width) * 0.28) ** 2
    img[coin] = 110
    return img


def encrypt_image(image: np.ndarray, key: bytes, mode: str = "ecb", *,
                  nonce: bytes = bytes(16)) -> np.ndarray:
    """Encrypt the pixel bytes of a uint8 image and return them as an image of the same shape.

    ``mode`` is ``"ecb"`` (deliberately insecure, shows the outline), ``"ctr"`` or
    ``"gcm"`` (tag dropped for display). ``nonce`` is 16 bytes for CTR, its first
    12 for GCM; the fixed default is for a reproducible picture only.
    """
    if not isinstance(image, np.ndarray) or image.dtype != np.uint8:
        raise InvalidInput("image", "numpy uint8 array", "image must be a numpy uint8 array")
    data = image.tobytes()
    if mode == "ecb":
        out = ecb_encrypt(key, _blocks_only(data, "image"))
    elif mode == "ctr":
        out = ctr_encrypt(key, nonce, data)
    elif mode == "gcm":
        out = aes_gcm_encrypt(key, data, nonce=need_bytes(nonce, "nonce")[:12]).ciphertext[:-16]
    else:
        raise InvalidInput("mode", "'ecb', 'ctr' or 'gcm'", f"unknown mode {mode!r}")
    return np.frombuffer(out, dtype=np.uint8).reshape(image.shape).copy()


def repeated_block_share(data: bytes) -> float:
    """The share of 16-byte blocks that occur more than once (near 0 for a good cipher)."""
    data = need_bytes(data, "data")
    blocks = [data[i:i + BLOCK] for i in range(0, len(data) - len(data) % BLOCK, BLOCK)]
    if not blocks:
        return 0.0
    counts: dict[bytes, int] = {}
    for b in blocks:
        counts[b] = counts.get(b, 0) + 1
    return sum(1 for b in blocks if counts[b] > 1) / len(blocks)


# --- GCM nonce reuse ----------------------------------------------------------------------

def nonce_reuse_xor(first: Sealed, second: Sealed) -> bytes:
    """XOR of two GCM ciphertexts (tags removed) made under one key and nonce = XOR of plaintexts."""
    for name, s in (("first", first), ("second", second)):
        if not isinstance(s, Sealed):
            raise InvalidInput(name, "Sealed", f"{name} must be a Sealed")
    if first.nonce != second.nonce:
        raise InvalidInput("second", "same nonce as first",
                           "the nonces differ: the keystreams are independent, nothing leaks")
    return xor_bytes(first.ciphertext[:-16], second.ciphertext[:-16])


def recover_with_known_plaintext(known_plaintext: bytes, known: Sealed, target: Sealed) -> bytes:
    """Recover ``target``'s plaintext (up to the known one's length) when both reused a nonce."""
    return xor_bytes(nonce_reuse_xor(known, target), need_bytes(known_plaintext, "known_plaintext"))


# --- bit flipping ---------------------------------------------------------------------------

def flip_bytes(ciphertext: bytes, offset: int, old: bytes, new: bytes) -> bytes:
    """XOR ``old ^ new`` into ``ciphertext`` at ``offset``: turns ``old`` into ``new`` under CTR
    (or, applied to the IV/previous block, under CBC) without knowing the key."""
    ciphertext, old, new = (need_bytes(ciphertext, "ciphertext"), need_bytes(old, "old"),
                            need_bytes(new, "new"))
    if len(old) != len(new):
        raise InvalidInput("new", "same length as old", "old and new must have the same length")
    if isinstance(offset, bool) or not isinstance(offset, int) or not (
            0 <= offset <= len(ciphertext) - len(old)):
        raise InvalidInput("offset", "inside ciphertext", "offset puts the field outside the data")
    patch = xor_bytes(old, new)
    middle = xor_bytes(ciphertext[offset:offset + len(old)], patch)
    return ciphertext[:offset] + middle + ciphertext[offset + len(old):]


def amount_flip_demo(key: bytes, *, message: bytes = PAYMENT_MESSAGE,
                     old: bytes = b"000100.00", new: bytes = b"900100.00",
                     nonce: bytes = bytes(range(16)), iv: bytes = bytes(range(16, 32))) -> list[dict]:
    """Change the amount in an encrypted payment message under CTR, CBC and GCM (fixed nonces).

    The attacker knows the message format, not the key. CTR and CBC accept the
    forged amount (DELIBERATELY INSECURE modes); GCM rejects it.
    """
    message = need_bytes(message, "message")
    offset = message.find(old)
    if offset < 0:
        raise InvalidInput("old", "present in message", "old does not occur in message")
    rows = []
    ct = ctr_encrypt(key, nonce, message)
    got = ctr_decrypt(key, nonce, flip_bytes(ct, offset, old, new))
    rows.append({"mode": "AES-CTR (no tag)", "what the attacker changed": "ciphertext bytes",
                 "receiver sees": got.decode(errors="replace"), "accepted": True})
    if offset + len(old) > BLOCK:
        raise InvalidInput("old", "inside the first block", "for CBC the field must sit in block 1")
    ct = cbc_encrypt(key, iv, message)
    got = cbc_decrypt(key, flip_bytes(iv, offset, old, new), ct)
    rows.append({"mode": "AES-CBC (no tag)", "what the attacker changed": "IV bytes",
                 "receiver sees": got.decode(errors="replace"), "accepted": True})
    sealed = aes_gcm_encrypt(key, message, nonce=nonce[:12])
    forged = replace(sealed, ciphertext=flip_bytes(sealed.ciphertext, offset, old, new))
    try:
        got_text, accepted = aes_gcm_decrypt(key, forged).decode(errors="replace"), True
    except TamperedError as exc:
        got_text, accepted = f"TamperedError: {exc.message}", False
    rows.append({"mode": "AES-GCM", "what the attacker changed": "ciphertext bytes",
                 "receiver sees": got_text, "accepted": accepted})
    return rows


# --- padding oracle -------------------------------------------------------------------------

class VulnerableCbcDecryptor:
    """A server that decrypts AES-CBC and says whether the padding was valid.

    DELIBERATELY INSECURE: that one bit of feedback (an error code, or a timing
    difference) is a padding oracle (Vaudenay 2002). ``queries`` counts calls.
    """

    def __init__(self, key: bytes) -> None:
        self._key = need_aes_key(key)
        self.queries = 0

    def encrypt(self, plaintext: bytes, iv: bytes) -> bytes:
        return cbc_encrypt(self._key, iv, plaintext)

    def padding_ok(self, iv: bytes, ciphertext: bytes) -> bool:
        """True if ``ciphertext`` decrypts to correctly padded data (the leaked bit)."""
        self.queries += 1
        try:
            cbc_decrypt(self._key, iv, ciphertext)
        except TamperedError:
            return False
        return True


@dataclass(frozen=True)
class PaddingOracleResult:
    """The recovered plaintext (padding removed) and how many oracle queries it took."""

    plaintext: bytes
    queries: int


def padding_oracle_attack(oracle: Callable[[bytes, bytes], bool], iv: bytes,
                          ciphertext: Annotated[bytes, MaxLength(MAX_ATTACK_BYTES)]) -> PaddingOracleResult:
    """Recover a CBC plaintext one byte at a time from a padding oracle, without the key.

    Up to 4,096 oracle queries a block: at most ``MAX_ATTACK_BYTES`` (256, a few seconds) of ciphertext."""
    iv, ciphertext = need_bytes(iv, "iv"), _blocks_only(ciphertext, "ciphertext")
    if len(iv) != BLOCK or not ciphertext:
        raise InvalidInput("ciphertext", "16-byte iv and at least one block",
                           "need a 16-byte iv and a non-empty ciphertext")
    blocks = [iv] + [ciphertext[i:i + BLOCK] for i in range(0, len(ciphertext), BLOCK)]
    queries = 0
    plain = b""
    for prev, block in zip(blocks, blocks[1:], strict=False):
        inter = bytearray(BLOCK)  # D_k(block), learnt from the last byte backwards
        for pad in range(1, BLOCK + 1):
            pos = BLOCK - pad
            forged = bytearray(BLOCK)
            for j in range(pos + 1, BLOCK):
                forged[j] = inter[j] ^ pad
            found = None
            for guess in range(256):
                forged[pos] = guess
                queries += 1
                if not oracle(bytes(forged), block):
                    continue
                if pad == 1 and pos > 0:  # rule out an accidental \x02\x02-style padding
                    check = bytearray(forged)
                    check[pos - 1] ^= 0xFF
                    queries += 1
                    if not oracle(bytes(check), block):
                        continue
                found = guess
                break
            if found is None:
                raise PaylabError("the oracle never accepted a guess: is it really a padding "
                                  "oracle for this ciphertext?", field="oracle")
            inter[pos] = found ^ pad
        plain += xor_bytes(bytes(inter), prev)
    n = plain[-1]
    if 1 <= n <= BLOCK and plain.endswith(bytes([n]) * n):
        plain = plain[:-n]
    return PaddingOracleResult(plain, queries)


# --- helpers for the tamper demonstrations --------------------------------------------------

def single_bit_flips(sealed: Sealed) -> Iterator[tuple[str, int, Sealed]]:
    """Every copy of ``sealed`` with exactly one bit flipped in nonce, ciphertext, tag or AAD."""
    if not isinstance(sealed, Sealed):
        raise InvalidInput("sealed", "Sealed", "sealed must be a Sealed")
    for name in ("nonce", "ciphertext", "aad"):
        value = getattr(sealed, name)
        for bit in range(8 * len(value)):
            flipped = bytearray(value)
            flipped[bit // 8] ^= 1 << (bit % 8)
            label = "tag" if name == "ciphertext" and bit // 8 >= len(value) - 16 else name
            yield label, bit, replace(sealed, **{name: bytes(flipped)})


def tamper_certificate(cert: x509.Certificate | str | bytes, old: bytes,
                       new: bytes) -> x509.Certificate:
    """A copy of ``cert`` with ``old`` replaced by ``new`` (same length) in its signed bytes.

    The result parses, but the CA's signature no longer matches it.
    """
    cert = load_certificate(cert)
    old, new = need_bytes(old, "old"), need_bytes(new, "new")
    if len(old) != len(new) or not old:
        raise InvalidInput("new", "same length as old", "old and new must be non-empty, same length")
    der = cert.public_bytes(serialization.Encoding.DER)
    if der.count(old) != 1:
        raise InvalidInput("old", "occurs once in the certificate",
                           f"old occurs {der.count(old)} times in the certificate")
    return load_certificate(der.replace(old, new))
