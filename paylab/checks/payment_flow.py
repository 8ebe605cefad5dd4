"""Questions of the payment-flow lab (labs/lab_payment_flow.ipynb).

Each checker runs the student's function against ``paylab.flow`` and ``paylab.settlement``
on fresh gateways or seeded synthetic days, and says what is wrong without giving the answer.
"""

from __future__ import annotations

import hashlib
import hmac
import json

import numpy as np

from paylab import settlement
from paylab.checks import expect, question
from paylab.clock import FixedClock
from paylab.errors import SignatureError
from paylab.flow import Gateway, sign_webhook, verify_webhook
from paylab.ledger import Ledger
from paylab.money import Money


def _world(credit: str = "10000.00") -> tuple[Gateway, str]:
    gw = Gateway(Ledger(), FixedClock())
    gw.add_merchant("shop")
    gw.add_customer("buyer")
    return gw, gw.add_funding_source("buyer", "card", credit_limit=Money(credit, "CNY"))


@question("payment_flow.q1", title="Drive an intent to succeeded with manual capture", points=2,
          hint="create_intent(..., capture='manual'), confirm, authenticate only when the status is "
               "requires_action, then capture; return the intent.")
def _q1(drive) -> None:
    for amount in ("120.00", "2600.00", "0.01"):
        gw, card = _world()
        pi = drive(gw, "shop", card, Money(amount, "CNY"))
        expect(pi is not None and hasattr(pi, "status"), "return the PaymentIntent")
        expect(pi.status == "succeeded", "a CNY {amount} payment ended in {status!r}, not succeeded",
               amount=amount, status=pi.status)
        states = [s for _, s in pi.history]
        expect("requires_capture" in states, "the payment never waited in requires_capture: use capture='manual'")
        big = Money(amount, "CNY") >= Money("2000.00", "CNY")
        expect(("requires_action" in states) == big,
               "only payments at or above the step-up threshold pass through requires_action")
        expect(pi.amount_received == Money(amount, "CNY").minor_units, "capture the full amount")
        expect(len(gw.intents) == 1 and len(gw.bank.debits) == 1, "make exactly one payment and one debit")
        gw.ledger.check_invariants()
    gw, card = _world("100.00")
    pi = drive(gw, "shop", card, Money("150.00", "CNY"))
    expect(pi.status == "requires_payment_method",
           "when the bank declines, return the intent as it is (requires_payment_method); do not capture")


def _cases(rng: np.random.Generator) -> list[tuple[bytes, str, str, int, bool]]:
    cases = []
    for i in range(30):
        payload = json.dumps({"id": f"evt_{i}", "amount": int(rng.integers(1, 10**6))}).encode()
        secret = f"whsec_{int(rng.integers(0, 10**9))}"
        ts = 1_767_225_600 + int(rng.integers(0, 10**6))
        header = sign_webhook(payload, secret, ts)
        kind = i % 6
        now = ts + int(rng.integers(-250, 250))
        if kind == 1:
            now = ts + 301 + int(rng.integers(0, 10**5))           # replay, much later
        elif kind == 2:
            payload = payload.replace(b"evt_", b"evt-")            # body changed
        elif kind == 3:
            header = sign_webhook(payload, secret + "x", ts)       # wrong secret
        elif kind == 4:
            header = sign_webhook(payload, [secret + "new", secret], ts)  # rotation: two v1 values
        elif kind == 5:
            header = header.replace(f"t={ts}", f"t={ts + 7}")      # timestamp moved
        try:
            verify_webhook(payload, header, secret, now=now)
            ok = True
        except SignatureError:
            ok = False
        cases.append((payload, header, secret, now, ok))
    return cases


@question("payment_flow.q2", title="Verify a webhook and reject a replay", points=2,
          hint="sign f'{t}.'.encode() + payload with HMAC-SHA256 (hex); accept if any v1 matches "
               "(hmac.compare_digest) and |now - t| <= tolerance; a malformed header is simply invalid.")
def _q2(verify) -> None:
    rng = np.random.default_rng(2026)
    for payload, header, secret, now, ok in _cases(rng):
        got = verify(payload, header, secret, now)
        expect(isinstance(got, bool), "return True or False")
        if ok:
            expect(got is True, "header {header}… at now={now}: expected valid", header=header[:24], now=now)
        else:
            expect(got is False, "header {header}… at now={now}: expected invalid", header=header[:24], now=now)
    payload = b'{"id":"evt_x"}'
    h = sign_webhook(payload, "s", 1000)
    expect(verify(payload, h, "s", 1300) is True, "a notice exactly 300 s old is still inside the tolerance")
    expect(verify(payload, h, "s", 1301) is False, "a notice 301 s old is a replay")
    expect(verify(payload, h, "s", 700) is True, "a timestamp up to 300 s in the future is accepted too")
    for bad in ("", "t=1000", "v1=" + "0" * 64, "t=abc,v1=00", "nonsense"):
        expect(verify(payload, bad, "s", 1000) is False, "malformed header {header!r} must be invalid, not crash",
               header=bad)
    mac = hmac.new(b"s", b"1000." + payload, hashlib.sha256).hexdigest()
    expect(verify(payload, f"t=1000,v0=abc,v1={mac}", "s", 1000) is True, "ignore schemes other than v1")


def _deliveries(rng: np.random.Generator, n: int = 40) -> tuple[list[dict], list[str]]:
    events = []
    for i in range(n):
        typ = "payment_intent.succeeded" if rng.random() < 0.7 else "charge.refunded"
        events.append({"id": f"evt_{i:03d}", "type": typ, "data": {"object": {"id": f"pi_{i:03d}"}}})
    deliveries = list(events)
    for j in rng.integers(0, n, n // 2):             # duplicate deliveries, some much later
        deliveries.insert(int(rng.integers(j, len(deliveries) + 1)), events[int(j)])
    expected, seen = [], set()
    for ev in deliveries:                            # first arrival of each succeeded event
        if ev["id"] not in seen:
            seen.add(ev["id"])
            if ev["type"] == "payment_intent.succeeded":
                expected.append(ev["data"]["object"]["id"])
    return deliveries, expected


@question("payment_flow.q3", title="Make a merchant inbox idempotent", points=2,
          hint="keep a set of event ids already seen; skip an event whose id is in it; ship only on "
               "payment_intent.succeeded, in delivery order.")
def _q3(handle_events) -> None:
    rng = np.random.default_rng(33)
    for _ in range(5):
        deliveries, expected = _deliveries(rng)
        got = handle_events([dict(d) for d in deliveries])
        expect(isinstance(got, list), "return a list of order ids")
        expect(len(got) == len(set(got)), "an order was shipped twice: a duplicate delivery was processed again")
        expect(set(got) <= set(expected), "ship only for payment_intent.succeeded events")
        expect(got == expected, "every succeeded order ships once, in the order its first delivery arrived")
    expect(handle_events([]) == [], "no deliveries, nothing to ship")


@question("payment_flow.q4", title="Compute a day's multilateral netting", points=2,
          hint="net = what a party receives minus what it pays; include every party; the positions sum to 0.")
def _q4(net_positions) -> None:
    for seed in range(6):
        obligations = settlement.random_obligations(5 + seed, 40, seed=seed)
        rows = [(r.payer, r.payee, int(r.amount)) for r in obligations.itertuples(index=False)]
        want = settlement.net_positions(rows)
        got = net_positions(rows)
        expect(isinstance(got, dict), "return a dict {party: net position}")
        expect(set(got) == set(want.index), "include every party that pays or receives")
        expect(sum(got.values()) == 0, "net positions must sum to zero")
        for party, value in want.items():
            expect(got[party] == int(value), "wrong net position for {party}", party=party)
    expect(net_positions([("A", "B", 5), ("B", "A", 5)]) == {"A": 0, "B": 0}, "equal and opposite debts net to 0")


@question("payment_flow.q5", title="Reconcile a statement with planted errors", points=2,
          hint="count refs on each side; duplicated = more than once on a side; missing = in records only; "
               "unexpected = on the statement only; mismatched = in both with another amount.")
def _q5(reconcile_refs) -> None:
    for seed in (1, 7, 42):
        records, statement, truth = settlement.simulate_day(seed=seed, n=300, missing=4, duplicated=3,
                                                            mismatched=5, unexpected=2)
        got = reconcile_refs(records.copy(), statement.copy())
        expect(isinstance(got, dict), "return a dict of sets")
        for kind in ("missing", "duplicated", "mismatched", "unexpected"):
            expect(kind in got, "the result needs the key {kind!r}", kind=kind)
            found = set(got[kind])
            planted = getattr(truth, kind)
            expect(found >= planted, "day {seed}: some {kind} items were not found", seed=seed, kind=kind)
            expect(found <= planted, "day {seed}: items reported as {kind} that are not", seed=seed, kind=kind)


def _trade_status(paid: float | None, confirm: float | None, dispute: float | None, day: float,
                  auto_days: int) -> str:
    """The truth from the gateway itself: replay the timeline on a real Gateway."""
    clock = FixedClock()
    gw = Gateway(Ledger(), clock, escrow_days=auto_days)
    gw.add_merchant("shop")
    gw.add_customer("buyer")
    card = gw.add_funding_source("buyer", "card", credit_limit=Money("1000.00", "CNY"))
    pi = gw.create_intent("shop", Money("100.00", "CNY"), card, escrow=True)
    start = clock()
    plan = sorted((t, order, what) for order, (t, what) in enumerate(((paid, "pay"), (confirm, "confirm"),
                                                                      (dispute, "dispute")))
                  if t is not None and t <= day)
    for t, _, what in plan:
        clock.set(start + t * 86400)
        gw.auto_confirm()
        if what == "pay":
            gw.confirm(pi.id)
        elif what == "confirm" and pi.trade_status == "TRADE_SUCCESS":
            gw.confirm_receipt(pi.id)
        elif what == "dispute" and pi.trade_status == "TRADE_SUCCESS":
            gw.dispute(pi.id)
    clock.set(start + day * 86400)
    gw.auto_confirm()
    return pi.trade_status


@question("payment_flow.q6", title="Explain an escrow timeline", points=2,
          hint="released at the earlier of the buyer's confirmation and paid + auto_days; a dispute only "
               "counts if it comes before the release; nothing happens before the payment.")
def _q6(escrow_status) -> None:
    rng = np.random.default_rng(6)
    cases = [(None, None, None, 3.0, 10), (0.0, None, None, 9.5, 10), (0.0, None, None, 10.0, 10),
             (1.0, 3.0, None, 2.0, 10), (1.0, 3.0, None, 3.0, 10), (1.0, None, 4.0, 5.0, 10),
             (1.0, 2.0, 4.0, 5.0, 10), (0.0, None, 12.0, 13.0, 10), (2.0, None, None, 8.0, 5)]
    for _ in range(25):
        paid = None if rng.random() < 0.1 else float(rng.integers(0, 4))
        confirm = None if rng.random() < 0.5 else float(rng.integers(0, 15))
        dispute = None if rng.random() < 0.5 else float(rng.integers(0, 15))
        if paid is not None:
            confirm = None if confirm is None else max(confirm, paid)
            dispute = None if dispute is None else max(dispute, paid)
        cases.append((paid, confirm, dispute, float(rng.integers(0, 16)), int(rng.choice([3, 10]))))
    for paid, confirm, dispute, day, auto in cases:
        want = _trade_status(paid, confirm, dispute, day, auto)
        got = escrow_status(paid, confirm, dispute, day, auto)
        expect(got == want, "paid={paid}, confirmed={confirm}, disputed={dispute}, day {day}, "
                            "auto-confirm {auto} days: expected a different status than {got!r}",
               paid=paid, confirm=confirm, dispute=dispute, day=day, auto=auto, got=got)
