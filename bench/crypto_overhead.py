"""Overhead of paylab.crypto over raw `cryptography` calls (printed ratios, not a test).

Usage: .venv/bin/python bench/crypto_overhead.py [--rounds 15]

For 1 KiB and 1 MiB messages it times, interleaved round by round:
AES-256-GCM encrypt and decrypt (paylab vs AESGCM), and hybrid sealing/opening
(paylab seal_for/open_sealed vs the same RSA-OAEP + AES-GCM and X25519 + HKDF
steps written directly). The "64 keys" rows rotate through 64 keys in
each timed call (that row's time is per 64 encryptions). Each round runs a
small batch of calls; the median per-call time over rounds gives the ratio
paylab/raw (goal <= 1.05), and the ratio of the best rounds is printed beside it
as a check against noise from other processes.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cryptography.hazmat.primitives import hashes  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import padding, x25519  # noqa: E402
from cryptography.hazmat.primitives.ciphers.aead import AESGCM  # noqa: E402
from cryptography.hazmat.primitives.kdf.hkdf import HKDF  # noqa: E402

from paylab.crypto import (  # noqa: E402
    aes_gcm_decrypt,
    aes_gcm_encrypt,
    generate_rsa_key,
    generate_x25519_key,
    open_sealed,
    seal_for,
)

OAEP = padding.OAEP(mgf=padding.MGF1(hashes.SHA256()), algorithm=hashes.SHA256(), label=None)
INFO = b"paylab seal_for x25519-hkdf-sha256 aes-256-gcm v1"


def raw_gcm_encrypt(key: bytes, data: bytes) -> tuple[bytes, bytes]:
    nonce = os.urandom(12)
    return nonce, AESGCM(key).encrypt(nonce, data, b"")


def raw_gcm_decrypt(key: bytes, nonce: bytes, ct: bytes) -> bytes:
    return AESGCM(key).decrypt(nonce, ct, b"")


def raw_rsa_seal(pub, data: bytes) -> bytes:
    key = os.urandom(32)
    wrapped = pub.encrypt(key, OAEP)
    header = b"\x01" + len(wrapped).to_bytes(2, "big") + wrapped
    nonce = os.urandom(12)
    return header + nonce + AESGCM(key).encrypt(nonce, data, header)


def raw_rsa_open(priv, blob: bytes) -> bytes:
    n = int.from_bytes(blob[1:3], "big")
    key = priv.decrypt(blob[3:3 + n], OAEP)
    return AESGCM(key).decrypt(blob[3 + n:15 + n], blob[15 + n:], blob[:3 + n])


def raw_x_seal(pub, data: bytes) -> bytes:
    eph = x25519.X25519PrivateKey.generate()
    eph_pub = eph.public_key().public_bytes_raw()
    key = HKDF(hashes.SHA256(), 32, eph_pub + pub.public_bytes_raw(), INFO).derive(eph.exchange(pub))
    header = b"\x02" + eph_pub
    nonce = os.urandom(12)
    return header + nonce + AESGCM(key).encrypt(nonce, data, header)


def raw_x_open(priv, blob: bytes) -> bytes:
    eph_pub = blob[1:33]
    shared = priv.exchange(x25519.X25519PublicKey.from_public_bytes(eph_pub))
    key = HKDF(hashes.SHA256(), 32, eph_pub + priv.public_key().public_bytes_raw(), INFO).derive(shared)
    return AESGCM(key).decrypt(blob[33:45], blob[45:], blob[:33])


def _rotating(fn: Callable, keys: list[bytes], data: bytes) -> None:
    """One call per key: defeats paylab's small cache of AESGCM contexts."""
    for key in keys:
        fn(key, data)


def per_call(fn: Callable[[], object], n: int) -> float:
    start = time.perf_counter()
    for _ in range(n):
        fn()
    return (time.perf_counter() - start) / n


def compare(name: str, ours: Callable[[], object], raw: Callable[[], object], n: int,
            rounds: int) -> dict:
    """Interleaved rounds (order alternating); per-call time of each batch; median and best."""
    a, b = [], []
    ours(), raw()  # warm up
    for r in range(rounds):
        pair = [(ours, a), (raw, b)] if r % 2 == 0 else [(raw, b), (ours, a)]
        for fn, out in pair:
            out.append(per_call(fn, n))
    ma, mb = statistics.median(a), statistics.median(b)
    return {"case": name, "paylab_us": ma * 1e6, "raw_us": mb * 1e6, "ratio": ma / mb,
            "best_ratio": min(a) / min(b)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=41)
    args = parser.parse_args(argv)
    key = os.urandom(32)
    rsa_key, x_key = generate_rsa_key(), generate_x25519_key()
    rows = []
    for label, size, n_fast, n_slow in (("1 KiB", 1024, 500, 20), ("1 MiB", 1 << 20, 4, 2)):
        data = os.urandom(size)
        sealed = aes_gcm_encrypt(key, data)
        nonce, ct = sealed.nonce, sealed.ciphertext
        rows.append(compare(f"AES-GCM encrypt {label}", partial(aes_gcm_encrypt, key, data),
                            partial(raw_gcm_encrypt, key, data), n_fast, args.rounds))
        keys = [os.urandom(32) for _ in range(64)]
        rows.append(compare(f"AES-GCM encrypt {label}, 64 keys", partial(_rotating, aes_gcm_encrypt, keys, data),
                            partial(_rotating, raw_gcm_encrypt, keys, data), n_fast, args.rounds))
        rows.append(compare(f"AES-GCM decrypt {label}", partial(aes_gcm_decrypt, key, sealed),
                            partial(raw_gcm_decrypt, key, nonce, ct), n_fast, args.rounds))
        for kname, priv, rseal, ropen in (("RSA-OAEP", rsa_key, raw_rsa_seal, raw_rsa_open),
                                          ("X25519", x_key, raw_x_seal, raw_x_open)):
            pub = priv.public_key()
            blob = seal_for(pub, data)
            assert ropen(priv, blob) == open_sealed(priv, rseal(pub, data)) == data
            rows.append(compare(f"seal_for {kname} {label}", partial(seal_for, pub, data),
                                partial(rseal, pub, data), n_slow, args.rounds))
            rows.append(compare(f"open_sealed {kname} {label}", partial(open_sealed, priv, blob),
                                partial(ropen, priv, blob), n_slow, args.rounds))
    print(f"{'case':34s} {'paylab µs':>11s} {'raw µs':>11s} {'median ratio':>13s} {'best ratio':>11s}")
    for r in rows:
        print(f"{r['case']:34s} {r['paylab_us']:11.1f} {r['raw_us']:11.1f} {r['ratio']:13.3f} "
              f"{r['best_ratio']:11.3f}")
    worst = max(r["ratio"] for r in rows)
    print(f"worst median ratio {worst:.3f} (goal <= 1.05); medians and minima of {args.rounds} "
          f"interleaved rounds; machine load average {os.getloadavg()[0]:.1f} on "
          f"{os.cpu_count()} CPUs (a loaded machine makes the 1 MiB rows noisy)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
