"""Merkle trees over transaction hashes: one root commits to every transaction of a block.

A light client holding only the root checks that a transaction is in the block
with a proof of log2(n) sibling hashes instead of downloading the whole block.
Leaves and inner nodes are hashed with different one-byte prefixes (as in
RFC 6962), so an inner node can never be passed off as a leaf.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from paylab.errors import InvalidInput

__all__ = ["MerkleStep", "as_hash", "leaf_hash", "node_hash", "merkle_root", "merkle_proof",
           "verify_merkle_proof", "merkle_levels"]

_LEAF, _NODE = b"\x00", b"\x01"


def as_hash(value: bytes | str, field: str = "hash") -> bytes:
    """A 32-byte SHA-256 value from bytes or 64 hex characters (anything else is refused)."""
    if isinstance(value, str):
        try:
            raw = bytes.fromhex(value)
        except ValueError:
            raise InvalidInput(field, "64 hex characters",
                               f"{field} {value[:20]!r}… is not hexadecimal") from None
    elif isinstance(value, (bytes, bytearray)):
        raw = bytes(value)
    else:
        raise InvalidInput(field, "bytes or hex string",
                           f"{field} must be 32 bytes or 64 hex characters, not {type(value).__name__}")
    if len(raw) != 32:
        raise InvalidInput(field, "32 bytes (SHA-256)",
                           f"{field} must be a 32-byte SHA-256 value, got {len(raw)} bytes")
    return raw


def leaf_hash(tx_hash: bytes | str) -> bytes:
    """The tree's leaf for one transaction hash: SHA-256(0x00 || tx_hash)."""
    return hashlib.sha256(_LEAF + as_hash(tx_hash, "leaf")).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """An inner node: SHA-256(0x01 || left || right)."""
    return hashlib.sha256(_NODE + left + right).digest()


@dataclass(frozen=True)
class MerkleStep:
    """One step of a proof: the sibling's hash and on which side it sits."""

    sibling: bytes
    side: Literal["left", "right"]

    def __repr__(self) -> str:
        return f"MerkleStep({self.side}, {self.sibling.hex()[:12]}…)"


def _leaves(tx_hashes: Sequence[bytes | str]) -> list[bytes]:
    if isinstance(tx_hashes, (str, bytes)) or not isinstance(tx_hashes, Sequence):
        raise InvalidInput("tx_hashes", "a list of hashes",
                           "tx_hashes must be a list of 32-byte hashes (bytes or hex)")
    if len(tx_hashes) == 0:
        raise InvalidInput("tx_hashes", "at least one hash", "a Merkle tree needs at least one leaf")
    return [hashlib.sha256(_LEAF + as_hash(h, f"tx_hashes[{i}]")).digest()
            for i, h in enumerate(tx_hashes)]


def _up(level: list[bytes]) -> list[bytes]:
    """The next level: pair neighbours; an odd last node moves up unchanged."""
    nxt = [node_hash(level[i], level[i + 1]) for i in range(0, len(level) - 1, 2)]
    if len(level) % 2:
        nxt.append(level[-1])
    return nxt


def merkle_levels(tx_hashes: Sequence[bytes | str]) -> list[list[bytes]]:
    """Every level of the tree, leaves first and the root last (for drawing and teaching)."""
    levels = [_leaves(tx_hashes)]
    while len(levels[-1]) > 1:
        levels.append(_up(levels[-1]))
    return levels


def merkle_root(tx_hashes: Sequence[bytes | str]) -> bytes:
    """The Merkle root of a list of transaction hashes (32 bytes)."""
    return merkle_levels(tx_hashes)[-1][0]


def merkle_proof(tx_hashes: Sequence[bytes | str], index: int) -> tuple[MerkleStep, ...]:
    """The sibling path that proves ``tx_hashes[index]`` is under the root."""
    levels = merkle_levels(tx_hashes)
    n = len(levels[0])
    if isinstance(index, bool) or not isinstance(index, int):
        raise InvalidInput("index", "an int", f"index must be an int, not {type(index).__name__}")
    if not 0 <= index < n:
        raise InvalidInput("index", f"0 <= index < {n}", f"index {index} is outside the {n} leaves")
    steps: list[MerkleStep] = []
    i = index
    for level in levels[:-1]:
        if i % 2 == 1:
            steps.append(MerkleStep(level[i - 1], "left"))
        elif i + 1 < len(level):
            steps.append(MerkleStep(level[i + 1], "right"))
        # else: an odd last node moves up unchanged and needs no sibling
        i //= 2
    return tuple(steps)


def verify_merkle_proof(leaf: bytes | str, proof: Sequence[MerkleStep], root: bytes | str) -> bool:
    """True when ``leaf`` (a transaction hash) with ``proof`` hashes up to ``root``."""
    h = leaf_hash(leaf)
    target = as_hash(root, "root")
    if isinstance(proof, (str, bytes)) or not isinstance(proof, Sequence):
        raise InvalidInput("proof", "a sequence of MerkleStep", "proof must be a list of MerkleStep")
    for k, step in enumerate(proof):
        if not isinstance(step, MerkleStep) or step.side not in ("left", "right"):
            raise InvalidInput(f"proof[{k}]", "a MerkleStep with side 'left' or 'right'",
                               f"proof[{k}] is not a MerkleStep")
        sib = as_hash(step.sibling, f"proof[{k}].sibling")
        h = node_hash(sib, h) if step.side == "left" else node_hash(h, sib)
    return h == target
