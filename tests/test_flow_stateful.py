"""Stateful property test of the gateway: random create/confirm/authenticate/capture/cancel/
refund/retry sequences never unbalance the books, create or lose money, over-refund, or
charge a retried request twice."""

from __future__ import annotations

from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from paylab.clock import FixedClock
from paylab.errors import InvalidInput, InvalidTransition, SimulatedFault
from paylab.flow import Faults, Gateway
from paylab.ledger import Ledger
from paylab.money import Money

AMOUNTS = st.integers(1, 300_000).map(lambda u: Money.from_minor(u, "CNY"))
KINDS = ("wallet", "card", "bank", "prepaid")


class GatewayMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.clock = FixedClock()
        self.ledger = Ledger()
        self.faults = Faults(bank_timeout=0.1, seed=7)
        self.gw = Gateway(self.ledger, self.clock, faults=self.faults)
        self.gw.add_merchant("shop")
        self.gw.add_customer("alice")
        self.sources = {
            "wallet": self.gw.add_funding_source("alice", "wallet", balance=Money("3000.00", "CNY")),
            "card": self.gw.add_funding_source("alice", "card", credit_limit=Money("8000.00", "CNY")),
            "bank": self.gw.add_funding_source("alice", "bank_account", balance=Money("5000.00", "CNY")),
            "prepaid": self.gw.add_funding_source("alice", "prepaid", balance=Money("900.00", "CNY")),
        }
        self.keys: dict[str, tuple] = {}
        self.n_keys = 0

    def _ids(self) -> list[str]:
        return sorted(self.gw.intents)

    @rule(amount=AMOUNTS, kind=st.sampled_from(KINDS), manual=st.booleans(), escrow=st.booleans())
    def create(self, amount, kind, manual, escrow):
        self.gw.create_intent("shop", amount, self.sources[kind], capture="manual" if manual else "automatic",
                              escrow=escrow)

    @rule(amount=AMOUNTS, kind=st.sampled_from(KINDS))
    def pay_with_key(self, amount, kind):
        self.n_keys += 1
        key = f"order-{self.n_keys}"
        self.keys[key] = (amount, kind)
        try:
            self.gw.pay("shop", amount, self.sources[kind], idempotency_key=key)
        except SimulatedFault:
            pass

    @precondition(lambda self: self.keys)
    @rule(data=st.data())
    def retry_pay(self, data):
        key = data.draw(st.sampled_from(sorted(self.keys)))
        amount, kind = self.keys[key]
        before = len(self.gw.intents)
        try:
            pi = self.gw.pay("shop", amount, self.sources[kind], idempotency_key=key)
        except SimulatedFault:
            return
        assert len(self.gw.intents) == before  # a retry never creates a second payment
        assert pi.amount_received in (0, amount.minor_units)

    @precondition(lambda self: self.gw.intents)
    @rule(data=st.data(), action=st.sampled_from(["confirm", "authenticate", "fail_auth", "capture",
                                                  "capture_part", "cancel", "refund", "refund_part",
                                                  "sync", "release", "dispute"]))
    def act(self, data, action):
        pid = data.draw(st.sampled_from(self._ids()))
        pi = self.gw.intents[pid]
        gw = self.gw
        try:
            if action == "confirm":
                gw.confirm(pid)
            elif action == "authenticate":
                gw.authenticate(pid)
            elif action == "fail_auth":
                gw.authenticate(pid, passed=False)
            elif action == "capture":
                gw.capture(pid)
            elif action == "capture_part":
                gw.capture(pid, Money.from_minor(max(1, pi.amount_capturable // 2), "CNY"))
            elif action == "cancel":
                gw.cancel(pid)
            elif action == "refund":
                gw.refund(pid)
            elif action == "refund_part":
                gw.refund(pid, Money.from_minor(max(1, (pi.amount_received - pi.amount_refunded) // 3), "CNY"))
            elif action == "sync":
                gw.sync(pid)
            elif action == "release":
                gw.confirm_receipt(pid)
            else:
                gw.dispute(pid)
        except (InvalidTransition, InvalidInput, SimulatedFault):
            pass

    @rule(days=st.integers(0, 12))
    def time_passes(self, days):
        self.clock.advance(days=days)
        self.gw.auto_confirm()
        if days:
            self.keys.clear()  # keys live 24 h: a later "retry" is a new request

    @invariant()
    def books_balance(self):
        self.ledger.check_invariants()

    @invariant()
    def money_conserved(self):
        bank = self.gw.bank
        paid = sum(bank.debits.values()) - sum(bank.refunds.values())
        bal = self.ledger.balances_minor()
        # what customers paid (per the bank) is exactly what the books hold for merchants,
        # fees and escrow -- except debits the gateway has not yet learned of (bank time-outs)
        unknown = sum(u for pid, u in bank.debits.items() if not self.gw.intents[pid].metadata.get("booked"))
        held = -sum(v for k, v in bal.items() if k.startswith(("merchant:", "revenue:", "escrow:")))
        assert held == paid - unknown
        # each funding source lost exactly what the bank says it debited, less refunds
        for sid, src in bank.sources.items():
            start = {"card": 0}.get(src.kind)
            out = sum(u for pid, u in bank.debits.items() if self.gw.intents[pid].method == sid)
            back = sum(r.amount_minor for r in self.gw.refunds.values() if self.gw.intents[r.intent_id].method == sid)
            if start == 0:
                assert src.credit_used == out - back
            assert src.available >= 0

    @invariant()
    def refunds_within_captures(self):
        for pi in self.gw.intents.values():
            assert 0 <= pi.amount_refunded <= pi.amount_received <= pi.amount_minor
            if pi.amount_received:
                assert self.gw.bank.debits[pi.id] == pi.amount_received  # charged once, for what was captured


TestGateway = GatewayMachine.TestCase
