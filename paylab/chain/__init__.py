"""paylab.chain — blockchain from hash chains to the double-spend race (chapter 5).

- :mod:`~paylab.chain.merkle`: Merkle roots and proofs over transaction hashes;
- :mod:`~paylab.chain.pow`: proof of work at an adjustable difficulty;
- :mod:`~paylab.chain.blocks`: signed transactions, blocks, a validating chain;
- :mod:`~paylab.chain.escrow`: an escrow smart contract as a state machine;
- :mod:`~paylab.chain.doublespend`: Nakamoto's double-spend probability and a Monte Carlo race;
- :mod:`~paylab.chain.clearing`: correspondent-bank vs shared-ledger cross-border settlement,
  and the throughput figures of chapter 5.
"""

from paylab.chain.blocks import GENESIS_PREV, Block, Blockchain, Problem, Transaction, Wallet, address_of
from paylab.chain.clearing import (
    THROUGHPUT,
    Hop,
    Route,
    Settlement,
    ThroughputFact,
    bitcoin_capacity_tps,
    compare_settlement,
    correspondent_settlement,
    illustrative_correspondent_route,
    shared_ledger_settlement,
)
from paylab.chain.doublespend import (
    WHITEPAPER_MIN_Z,
    WHITEPAPER_PRINTED,
    SimulationResult,
    double_spend_probability,
    double_spend_probability_exact,
    min_confirmations,
    simulate_double_spend,
    wilson_interval,
)
from paylab.chain.escrow import EscrowState, Payout, escrow_step, escrow_timeout, new_escrow
from paylab.chain.merkle import MerkleStep, merkle_levels, merkle_proof, merkle_root, verify_merkle_proof
from paylab.chain.pow import MiningResult, expected_attempts, leading_zero_bits, mine, pow_experiment

__all__ = [
    "GENESIS_PREV", "Block", "Blockchain", "Problem", "Transaction", "Wallet", "address_of",
    "THROUGHPUT", "Hop", "Route", "Settlement", "ThroughputFact", "bitcoin_capacity_tps",
    "compare_settlement", "correspondent_settlement", "illustrative_correspondent_route",
    "shared_ledger_settlement",
    "WHITEPAPER_MIN_Z", "WHITEPAPER_PRINTED", "SimulationResult", "double_spend_probability",
    "double_spend_probability_exact",
    "min_confirmations", "simulate_double_spend", "wilson_interval",
    "EscrowState", "Payout", "escrow_step", "escrow_timeout", "new_escrow",
    "MerkleStep", "merkle_levels", "merkle_proof", "merkle_root", "verify_merkle_proof",
    "MiningResult", "expected_attempts", "leading_zero_bits", "mine", "pow_experiment",
]
