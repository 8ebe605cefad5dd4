"""A small account-model blockchain: signed transactions, hash-linked blocks, proof of work.

Each block commits to its transactions through a Merkle root and to the
previous block through its hash, and carries a proof of work. Changing
anything in an old block changes its hash, which breaks the link to every
later block — ``Blockchain.validate`` finds the first break and says why.
Transactions are signed with Ed25519; a per-account nonce makes a second
spend of the same nonce (a double spend) invalid. Amounts are integer minor
units, never floats.
"""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Annotated, Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from paylab.chain.escrow import EscrowState, escrow_step, new_escrow
from paylab.chain.merkle import merkle_root
from paylab.chain.pow import _check_difficulty, leading_zero_bits, mine
from paylab.clock import EPOCH_2026, SteppingClock
from paylab.errors import InvalidInput, LedgerError, PaylabError, SignatureError, TamperedError
from paylab.money import Money, currency
from paylab.validation import Pattern

__all__ = ["Wallet", "Transaction", "Block", "Problem", "Blockchain", "address_of", "GENESIS_PREV"]

GENESIS_PREV = "00" * 32
MINT = ""  # the sender of the genesis allocations: no key, only allowed in block 0


def _canonical(obj: Any) -> bytes:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def address_of(public_key_hex: Annotated[str, Pattern("(?:[0-9a-fA-F]{2})+", "hex digits (a public key)")]) -> str:
    """An account address: the first 20 bytes of SHA-256(public key), as 40 hex characters."""
    return hashlib.sha256(bytes.fromhex(public_key_hex)).hexdigest()[:40]


def _amount(value: Money | int, cur: str, fld: str = "amount") -> int:
    if isinstance(value, Money):
        if value.currency.code != cur:
            raise InvalidInput(fld, f"in {cur}", f"{fld} is {value.currency.code}, the chain counts {cur}")
        return value.minor_units
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInput(fld, "Money or int minor units",
                           f"{fld} must be Money or an int of minor units, not {type(value).__name__}")
    return value


@dataclass(frozen=True)
class Transaction:
    """A signed instruction: move ``amount`` minor units, or call a contract (``memo`` = method)."""

    sender: str          # Ed25519 public key (64 hex), or "" for a genesis allocation
    recipient: str       # an address, a contract address, or "" to deploy a contract
    amount: int
    nonce: int
    currency: str = "CNY"
    memo: str = ""
    data: str = ""       # canonical JSON arguments (contract deployment and calls)
    signature: str = ""

    def payload(self) -> bytes:
        """The bytes that are signed: every field except the signature."""
        return _canonical({"sender": self.sender, "recipient": self.recipient, "amount": self.amount,
                           "nonce": self.nonce, "currency": self.currency, "memo": self.memo,
                           "data": self.data})

    @property
    def txid(self) -> str:
        """SHA-256 of the payload and signature (hex): the leaf that goes into the Merkle tree."""
        return hashlib.sha256(self.payload() + self.signature.encode()).hexdigest()

    @property
    def sender_address(self) -> str:
        return MINT if self.sender == MINT else address_of(self.sender)

    @property
    def args(self) -> dict:
        return json.loads(self.data) if self.data else {}

    def verify(self) -> None:
        """Raise ``SignatureError`` unless the signature matches the payload and the sender's key."""
        if self.sender == MINT:
            raise SignatureError("an allocation has no signer; only the genesis block may mint",
                                 field="sender")
        try:
            key = Ed25519PublicKey.from_public_bytes(bytes.fromhex(self.sender))
            key.verify(bytes.fromhex(self.signature), self.payload())
        except (InvalidSignature, ValueError):
            raise SignatureError(f"transaction {self.txid[:12]}… is not signed by its sender",
                                 field="signature") from None

    def describe(self) -> str:
        who = "mint" if self.sender == MINT else self.sender_address[:8]
        to = self.recipient[:8] or "deploy"
        what = f" {self.memo}" if self.memo else ""
        return f"{who} → {to} {self.amount}{what} (nonce {self.nonce})"


class Wallet:
    """An Ed25519 key pair derived from a seed (deterministic, for teaching only)."""

    def __init__(self, name: str, seed: int | str | None = None) -> None:
        if not isinstance(name, str) or not name:
            raise InvalidInput("name", "a non-empty string", "a wallet needs a name")
        material = hashlib.sha256(f"paylab-wallet:{name}:{seed}".encode()).digest()
        self.name = name
        self._key = Ed25519PrivateKey.from_private_bytes(material)
        self.public_key = self._key.public_key().public_bytes_raw().hex()
        self.address = address_of(self.public_key)

    def __repr__(self) -> str:
        return f"Wallet({self.name!r}, address={self.address[:12]}…)"

    def sign(self, tx: Transaction) -> Transaction:
        """The transaction with this wallet as sender and its Ed25519 signature."""
        tx = replace(tx, sender=self.public_key, signature="")
        return replace(tx, signature=self._key.sign(tx.payload()).hex())

    def transfer(self, to: str | Wallet, amount: Money | int, nonce: int, *,
                 currency: str = "CNY") -> Transaction:
        """A signed payment of ``amount`` to an address (or another wallet)."""
        to_addr = to.address if isinstance(to, Wallet) else to
        cur = amount.currency.code if isinstance(amount, Money) else currency
        return self.sign(Transaction(self.public_key, to_addr, _amount(amount, cur), nonce, cur))

    def deploy_escrow(self, seller: str | Wallet, arbiter: str | Wallet, price: Money | int,
                      nonce: int, *, ship_window: int = 3 * 86_400,
                      confirm_window: int = 10 * 86_400, currency: str = "CNY") -> Transaction:
        """A signed deployment of an escrow contract with this wallet as the buyer."""
        cur = price.currency.code if isinstance(price, Money) else currency
        args = {"seller": getattr(seller, "address", seller), "arbiter": getattr(arbiter, "address", arbiter),
                "price": _amount(price, cur, "price"), "ship_window": ship_window,
                "confirm_window": confirm_window}
        return self.sign(Transaction(self.public_key, "", 0, nonce, cur, "deploy_escrow",
                                     _canonical(args).decode()))

    def call(self, contract: str, method: str, nonce: int, *, amount: Money | int = 0,
             currency: str = "CNY", **args: Any) -> Transaction:
        """A signed contract call (``deposit`` carries the money as ``amount``)."""
        cur = amount.currency.code if isinstance(amount, Money) else currency
        data = _canonical(args).decode() if args else ""
        return self.sign(Transaction(self.public_key, contract, _amount(amount, cur), nonce, cur,
                                     method, data))


@dataclass(frozen=True)
class Block:
    """A block header (index, time, previous hash, Merkle root, difficulty, nonce) and its transactions."""

    index: int
    timestamp: int
    prev_hash: str
    merkle_root: str
    difficulty: int
    nonce: int
    transactions: tuple[Transaction, ...] = field(repr=False)

    def header(self) -> bytes:
        """The header bytes the proof of work covers (the nonce is appended as 8 bytes)."""
        return _canonical({"index": self.index, "timestamp": self.timestamp, "prev_hash": self.prev_hash,
                           "merkle_root": self.merkle_root, "difficulty": self.difficulty})

    @property
    def hash(self) -> str:
        return hashlib.sha256(self.header() + self.nonce.to_bytes(8, "big")).hexdigest()

    @property
    def txids(self) -> list[str]:
        return [tx.txid for tx in self.transactions]


@dataclass(frozen=True)
class Problem:
    """One finding of ``validate``: which block, which part, and why it is wrong."""

    index: int
    part: str
    reason: str

    def __str__(self) -> str:
        return f"block {self.index}: {self.part}: {self.reason}"


@dataclass
class _State:
    balances: dict[str, int] = field(default_factory=dict)
    nonces: dict[str, int] = field(default_factory=dict)
    contracts: dict[str, EscrowState] = field(default_factory=dict)


def _contract_address(deployer: str, nonce: int) -> str:
    return hashlib.sha256(f"contract:{deployer}:{nonce}".encode()).hexdigest()[:40]


def _apply(state: _State, tx: Transaction, now: int, genesis: bool, cur: str) -> None:
    """Apply one transaction to ``state`` in place, or raise a typed error and leave it unchanged."""
    if tx.currency != cur:
        raise LedgerError(f"transaction in {tx.currency} on a {cur} chain", field="currency")
    if isinstance(tx.amount, bool) or not isinstance(tx.amount, int) or tx.amount < 0:
        raise LedgerError("amount must be a non-negative int of minor units", field="amount")
    if tx.sender == MINT:
        if not genesis:
            raise LedgerError("only the genesis block may create money", field="sender", code="mint")
        state.balances[tx.recipient] = state.balances.get(tx.recipient, 0) + tx.amount
        return
    tx.verify()
    sender = tx.sender_address
    expected = state.nonces.get(sender, 0)
    if tx.nonce != expected:
        raise LedgerError(f"nonce {tx.nonce} of {sender[:8]}… was expected to be {expected}: "
                          + ("already spent (double spend)" if tx.nonce < expected else "a gap"),
                          field="nonce", code="double_spend" if tx.nonce < expected else "nonce_gap")
    if state.balances.get(sender, 0) < tx.amount:
        raise LedgerError(f"{sender[:8]}… holds {state.balances.get(sender, 0)}, cannot send {tx.amount}",
                          field="amount", code="insufficient_funds")
    new_contracts = dict(state.contracts)
    payouts: tuple = ()
    if tx.memo == "deploy_escrow" and tx.recipient == "":
        a = tx.args
        try:
            new_contracts[_contract_address(sender, tx.nonce)] = new_escrow(
                sender, a["seller"], a["arbiter"], a["price"], currency=cur,
                ship_window=a["ship_window"], confirm_window=a["confirm_window"])
        except KeyError as exc:
            raise InvalidInput("data", "seller, arbiter, price, windows", f"missing {exc}") from None
    elif tx.recipient in state.contracts:
        method = tx.memo
        new_state, payouts = escrow_step(state.contracts[tx.recipient], method, sender, now,
                                         amount=tx.amount, outcome=tx.args.get("outcome"))
        new_contracts[tx.recipient] = new_state
    elif tx.memo:
        raise InvalidInput("memo", "a call to a deployed contract", f"{tx.recipient[:8]}… is no contract")
    # every check passed: commit
    state.contracts = new_contracts
    state.nonces[sender] = expected + 1
    state.balances[sender] = state.balances.get(sender, 0) - tx.amount
    state.balances[tx.recipient] = state.balances.get(tx.recipient, 0) + tx.amount
    for p in payouts:
        state.balances[tx.recipient] -= p.amount
        state.balances[p.to] = state.balances.get(p.to, 0) + p.amount
    if tx.recipient == "":
        state.balances.pop("", None)


def _safe_hash(b: Block) -> bytes | None:
    """The block hash, or None when a tampered field cannot even be hashed."""
    try:
        return bytes.fromhex(b.hash)
    except (OverflowError, TypeError, ValueError, AttributeError):
        return None


class Blockchain:
    """A chain that one node keeps: it mines blocks, remembers the tip it accepted, and validates."""

    def __init__(self, allocations: Mapping[str, Money | int], *, difficulty: int = 8,
                 clock=None, currency_code: str = "CNY") -> None:
        self.difficulty = _check_difficulty(difficulty)
        self.currency = currency(currency_code).code
        self.clock = clock or SteppingClock(EPOCH_2026, step=600.0)
        if not isinstance(allocations, Mapping) or not allocations:
            raise InvalidInput("allocations", "a non-empty mapping address -> amount",
                               "the genesis block needs at least one allocation")
        mints = []
        for i, (addr, value) in enumerate(allocations.items()):
            addr = getattr(addr, "address", addr)
            amount = _amount(value, self.currency, f"allocations[{addr!s:.8}]")
            if amount <= 0:
                raise InvalidInput("allocations", "positive amounts", "allocations must be positive")
            mints.append(Transaction(MINT, addr, amount, i, self.currency))
        self.blocks: list[Block] = []
        self._state = _State()
        self.tip = ""
        self._append(mints)

    # --- building --------------------------------------------------------------------
    def _append(self, transactions: Sequence[Transaction]) -> Block:
        genesis = not self.blocks
        now = int(self.clock())
        if not genesis and now < self.blocks[-1].timestamp:
            raise InvalidInput("clock", "non-decreasing time", "the clock went backwards")
        state = copy.deepcopy(self._state)
        for tx in transactions:
            _apply(state, tx, now, genesis, self.currency)
        prev = GENESIS_PREV if genesis else self.blocks[-1].hash
        root = merkle_root([tx.txid for tx in transactions]).hex()
        draft = Block(len(self.blocks), now, prev, root, self.difficulty, 0, tuple(transactions))
        block = replace(draft, nonce=mine(draft.header(), self.difficulty).nonce)
        self.blocks.append(block)
        self._state = state
        self.tip = block.hash
        return block

    def add_block(self, transactions: Iterable[Transaction]) -> Block:
        """Check every transaction against the current state, mine a block holding them, append it.

        All or nothing: one bad transaction (bad signature, reused nonce,
        insufficient funds, a contract move not allowed) raises and adds nothing.
        """
        txs = list(transactions)
        if not txs:
            raise InvalidInput("transactions", "at least one", "a block needs at least one transaction")
        for i, tx in enumerate(txs):
            if not isinstance(tx, Transaction):
                raise InvalidInput(f"transactions[{i}]", "a Transaction", "only Transactions go in blocks")
        return self._append(txs)

    # --- reading ---------------------------------------------------------------------
    @property
    def height(self) -> int:
        return len(self.blocks) - 1

    def balance(self, who: str | Wallet) -> Money:
        """The balance of an address (or wallet, or contract) as Money."""
        addr = getattr(who, "address", who)
        return Money.from_minor(self._state.balances.get(addr, 0), self.currency)

    def next_nonce(self, who: str | Wallet) -> int:
        """The nonce the account's next transaction must carry."""
        return self._state.nonces.get(getattr(who, "address", who), 0)

    def contract(self, address: str) -> EscrowState:
        """The current state of a deployed contract."""
        from paylab.errors import NotFound

        if address not in self._state.contracts:
            raise NotFound(f"no contract at {address[:12]}…", field="address")
        return self._state.contracts[address]

    def contract_address(self, tx: Transaction) -> str:
        """The address a deployment transaction creates."""
        return _contract_address(tx.sender_address, tx.nonce)

    def copy(self) -> Blockchain:
        """An independent copy (to tamper with in experiments)."""
        return copy.deepcopy(self)

    # --- checking --------------------------------------------------------------------
    def validate(self) -> list[Problem]:
        """Re-check every block from genesis; the list of problems is empty for an intact chain."""
        problems: list[Problem] = []
        state = _State()
        prev_hash, prev_time = GENESIS_PREV, None
        replay_stopped = False
        for i, b in enumerate(self.blocks):
            def bad(part: str, reason: str, i: int = i) -> None:
                problems.append(Problem(i, part, reason))
            if b.index != i:
                bad("index", f"says {b.index}, stands at position {i}")
            if b.prev_hash != prev_hash:
                bad("prev_hash", "does not match the hash of the block before it "
                    f"({b.prev_hash[:12]}… ≠ {prev_hash[:12]}…): that block was changed")
            if isinstance(b.timestamp, bool) or not isinstance(b.timestamp, int):
                bad("timestamp", f"{b.timestamp!r} is not an int of seconds")
            elif prev_time is not None and b.timestamp < prev_time:
                bad("timestamp", "earlier than the block before it")
            if b.difficulty != self.difficulty:
                bad("difficulty", f"{b.difficulty!r} bits instead of the chain's {self.difficulty}")
            digest = _safe_hash(b)
            if digest is None:
                bad("nonce", f"{b.nonce!r} is not an 8-byte unsigned nonce")
            elif leading_zero_bits(digest) < self.difficulty:
                bad("nonce", f"hash {digest.hex()[:12]}… does not meet the proof of work "
                    f"({self.difficulty} leading zero bits)")
            txs = [tx for tx in b.transactions if isinstance(tx, Transaction)]
            if len(txs) != len(b.transactions):
                bad("transactions", "holds something that is not a Transaction")
            txids = [tx.txid for tx in txs]
            if not txids or merkle_root(txids).hex() != b.merkle_root:
                bad("merkle_root", "does not match the block's transactions: a transaction was "
                    "changed, added or removed")
            for k, tx in enumerate(txs):
                if replay_stopped:
                    break
                try:
                    _apply(state, tx, b.timestamp, i == 0, self.currency)
                except PaylabError as exc:
                    bad(f"transactions[{k}]", f"{type(exc).__name__}: {exc} "
                        "(balances after this point are not re-checked)")
                    replay_stopped = True
            prev_hash = digest.hex() if digest is not None else "?"
            prev_time = b.timestamp if isinstance(b.timestamp, int) else prev_time
        if self.blocks and prev_hash != self.tip:
            problems.append(Problem(len(self.blocks) - 1, "hash",
                                    f"the last block hashes to {prev_hash[:12]}…, not the "
                                    f"tip {self.tip[:12]}… this node accepted: it was changed"))
        return problems

    def assert_valid(self) -> None:
        """Raise ``TamperedError`` naming the first bad block, or return quietly."""
        problems = self.validate()
        if problems:
            raise TamperedError(str(problems[0]), field=f"blocks[{problems[0].index}]")

    def summary(self) -> list[dict]:
        """One row per block (for tables): index, time, hashes, transaction count."""
        return [{"index": b.index, "timestamp": b.timestamp, "prev_hash": b.prev_hash[:16] + "…",
                 "hash": b.hash[:16] + "…", "merkle_root": b.merkle_root[:16] + "…",
                 "nonce": b.nonce, "transactions": len(b.transactions)} for b in self.blocks]
