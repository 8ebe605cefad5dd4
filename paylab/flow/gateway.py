"""An in-process payment gateway in test mode: the six steps of one payment, made explicit.

``Gateway(ledger, clock)`` keeps merchants, customers and their funding sources
(bank account, credit card with a limit, wallet balance, prepaid card — each
mapped to a :mod:`paylab.methods` catalogue id), and runs each
:class:`~paylab.flow.intents.PaymentIntent` through the six steps of chapter 3.

**Reading one payment.** Start at :meth:`Gateway.pay`: it calls one method per step, in order,
and each method is named after its step:

1. 交易发起 initiation — :meth:`Gateway._initiation` turns the order into a PaymentIntent;
2. 支付信息传输 encrypted transmission — :meth:`Gateway._transmission`: the buyer's app seals
   the payment data with AES-GCM, the gateway opens and checks it;
3. 账户处理 account processing — :meth:`Gateway._account_processing`: step-up authentication
   when the policy asks, then the bank checks limit, balance or credit and debits (a decline
   sends the payment back to ``requires_payment_method``);
4. 结算处理 settlement — :meth:`Gateway._settlement` posts the journal entry to the ledger;
5. 支付确认 confirmation — :meth:`Gateway._confirmation`: the payment succeeds, the merchant
   gets a signed notice, the buyer a receipt;
6. 后续服务 after-sale service — the public methods after them: :meth:`Gateway.retrieve`,
   :meth:`Gateway.sync`, :meth:`Gateway.refund`, escrow release and disputes.

The payment method's catalogue record (fees, limits) is looked up once per payment, as a
:class:`MethodTerms` record, and handed to the steps that need it.

Every step leaves an :class:`Event` (a plain dataclass record); :meth:`Gateway.trace`
returns one payment's events in order, tagged with the step, so a chapter draws the sequence
diagram from a real run. The bank is simulated and idempotent per payment: asking it twice
to debit for the same intent debits once.

**Threads.** A gateway may be called from several threads. Each public method holds the
gateway's re-entrant lock (``threading.RLock``) while it runs, so one request at a time walks
through the steps: a retry with the same idempotency key waits for the first attempt and then
gets its result (one charge), and a debit and its journal entry are never separated by
another thread. (A real gateway locks per idempotency key and per account so that unrelated
payments run side by side; one lock is the simplest design that is plainly correct.) The
ledger has its own lock, so a file ledger works from any thread.
"""

from __future__ import annotations

import functools
import hashlib
import json
import secrets
import threading
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from paylab import methods as _methods
from paylab.clock import Clock, FixedClock
from paylab.crypto import aes_gcm_decrypt, aes_gcm_encrypt, generate_aes_key
from paylab.errors import (
    InvalidInput,
    InvalidTransition,
    NotFound,
    PaylabError,
    PaymentDeclined,
    SimulatedFault,
    TamperedError,
)
from paylab.flow.bank import SOURCE_KINDS, Bank, FundingSource, _apply_fee, _fee_model, _limits_minor, fee_minor
from paylab.flow.faults import Faults
from paylab.flow.idempotency import IdempotencyStore
from paylab.flow.intents import (
    CANCELED,
    PROCESSING,
    REQUIRES_ACTION,
    REQUIRES_CAPTURE,
    REQUIRES_CONFIRMATION,
    REQUIRES_PAYMENT_METHOD,
    SUCCEEDED,
    PaymentIntent,
    transition,
)
from paylab.flow.stepup import RISK_DEFAULTS, policy_from, risk_signals, threshold_policy
from paylab.flow.transport import STEP2_AAD, open_payment_data, seal_payment_data
from paylab.flow.webhooks import encrypt_notice, sign_webhook
from paylab.money import Currency, Money, currency

__all__ = ["fee_minor", "risk_signals", "policy_from", "RISK_DEFAULTS",
           "Gateway", "Event", "Refund", "FundingSource", "Merchant", "Bank", "STEPS", "MethodTerms",
           "SOURCE_KINDS", "threshold_policy", "seal_payment_data", "open_payment_data"]

#: The six steps of chapter 3: number -> (Chinese, English).
STEPS: dict[int, tuple[str, str]] = {
    1: ("交易发起", "initiation"),
    2: ("支付信息传输", "encrypted transmission"),
    3: ("账户处理", "account processing"),
    4: ("结算处理", "settlement"),
    5: ("支付确认", "confirmation"),
    6: ("后续服务", "after-sale service"),
}

_DAY = 86400

_F = TypeVar("_F", bound=Callable[..., Any])


def _one_at_a_time(fn: _F) -> _F:
    """Run a public gateway method holding the gateway's lock (see "Threads" above)."""

    @functools.wraps(fn)
    def method(self: Gateway, *args: Any, **kwargs: Any) -> Any:
        with self._lock:
            return fn(self, *args, **kwargs)

    return method  # type: ignore[return-value]


@dataclass(slots=True)
class Event:
    """One thing that happened to a payment; ``src``/``dst`` are the sequence-diagram lanes."""

    seq: int
    id: str
    type: str
    intent_id: str
    step: int
    src: str
    dst: str
    created: float
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def step_zh(self) -> str:
        return STEPS[self.step][0]

    @property
    def step_en(self) -> str:
        return STEPS[self.step][1]

    def as_dict(self) -> dict[str, Any]:
        return {"seq": self.seq, "id": self.id, "type": self.type, "intent": self.intent_id,
                "step": self.step, "step_zh": self.step_zh, "step_en": self.step_en,
                "src": self.src, "dst": self.dst, "created": self.created, **self.data}


@dataclass(frozen=True, slots=True)
class MethodTerms:
    """A catalogue method's terms in one currency, in minor units: what steps 3 and 4 need."""

    method: _methods.PaymentMethod  # the catalogue record
    currency: Currency
    per_txn_limit: float            # minor units (``inf``: no limit)
    daily_limit: float
    fee_model: tuple[int, int, int, int, int | None]  # the fee rule as integer fractions

    @classmethod
    def of(cls, method_id: str, cur: Currency) -> MethodTerms:
        """Look the method up in the catalogue (once) and put its terms in minor units of ``cur``."""
        record = _methods.get(method_id)
        per_txn, daily = _limits_minor(record, cur)
        return cls(record, cur, per_txn, daily, _fee_model(record, cur))

    def fee(self, units: int) -> int:
        """The merchant fee on ``units`` minor units (the catalogue's rule, on integers; equal to
        :func:`paylab.methods.fee`)."""
        return _apply_fee(self.fee_model, units)

    def limit_reason(self, units: int, spent_today: int) -> str | None:
        """Why a payment of ``units`` breaks a limit (the catalogue's own words), or None."""
        if units <= self.per_txn_limit and spent_today + units <= self.daily_limit:
            return None
        try:
            _methods.check_limits(self.method, Money.from_minor(units, self.currency),
                                  Money.from_minor(spent_today, self.currency))
        except PaymentDeclined as exc:
            return str(exc)
        return None


@dataclass(slots=True)
class Refund:
    """A (partial or full) refund of a captured payment."""

    id: str
    intent_id: str
    amount_minor: int
    currency: Any
    reason: str
    created: float
    status: str = "succeeded"

    @property
    def amount(self) -> Money:
        return Money.from_minor(self.amount_minor, self.currency)


@dataclass(slots=True)
class Merchant:
    """A merchant: its webhook secret(s), its endpoint (e.g. a MerchantInbox) and APIv3 key."""

    id: str
    name: str
    webhook_secret: str | list[str]
    endpoint: Callable[[bytes, str], Any] | None = None
    api_v3_key: str | None = None


class Gateway:
    """The payment gateway: intents, the six steps, idempotency, notices, refunds, escrow.

    ``ledger`` is a :class:`paylab.ledger.Ledger` (or None to skip the books, e.g. in a
    state-machine demo); ``clock`` any zero-argument callable of epoch seconds;
    ``step_up`` decides when step 3 asks the buyer to authenticate: a
    :class:`paylab.auth.StepUpPolicy` (fed by :func:`risk_signals`) or any callable
    ``(intent) -> bool`` (default: amounts from CNY 2,000, an illustrative threshold);
    ``faults`` a :class:`~paylab.flow.faults.Faults`; ``record_events=False`` keeps no trace.
    Each gateway draws its own step-2 AES key, so the counter nonces it uses never repeat
    under a key.
    """

    def __init__(self, ledger: Any = None, clock: Clock | None = None, *,
                 faults: Faults | None = None,
                 step_up: Callable[[PaymentIntent], bool] | None = None,
                 escrow_days: int | None = None, record_events: bool = True,
                 fast_books: bool = True) -> None:
        from paylab.flow.escrow import AUTO_CONFIRM_DAYS

        if clock is not None and not callable(clock):
            raise InvalidInput("clock", "zero-argument callable", "clock must be callable (e.g. FixedClock())")
        if faults is not None and not isinstance(faults, Faults):
            raise InvalidInput("faults", "Faults or None", "faults must be a paylab.flow.Faults")
        if ledger is not None and not hasattr(ledger, "post_lines"):
            raise InvalidInput("ledger", "paylab.ledger.Ledger or None", "ledger must be a paylab Ledger")
        self.ledger = ledger
        self.clock: Clock = clock if clock is not None else FixedClock()
        self.faults = faults if faults is not None else Faults()
        self.step_up = policy_from(step_up) if step_up is not None else threshold_policy(Money("2000.00", "CNY"))
        if escrow_days is None:
            escrow_days = AUTO_CONFIRM_DAYS
        if isinstance(escrow_days, bool) or not isinstance(escrow_days, int) or escrow_days < 0:
            raise InvalidInput("escrow_days", "integer >= 0", "auto-confirm delay is whole days")
        self.escrow_days = escrow_days
        self.record_events = record_events
        self.idempotency = IdempotencyStore(self.clock)
        self.bank = Bank()
        self.merchants: dict[str, Merchant] = {}
        self.customers: dict[str, str] = {}
        self.intents: dict[str, PaymentIntent] = {}
        self.refunds: dict[str, Refund] = {}
        self._events: list[Event] = []                # every event, oldest first
        self._traces: dict[str, list[Event]] = {}     # intent id -> its events, oldest first
        self.outbox: list[tuple[str, str, bytes]] = []  # (event id, merchant, payload) not yet delivered
        self.deliveries = 0
        self._spent: dict[tuple[str, int], int] = {}  # (source, day) -> minor units spent that day
        self._terms: dict[tuple[str, str], MethodTerms] = {}
        self._lock = threading.RLock()
        self._seq = 0
        self._n_intent = 0
        self._n_source = 0
        self._nonce = 0
        self._key = generate_aes_key(256)  # shared by the buyer's app and this gateway (demo)
        self._books = None
        if ledger is not None:
            from paylab.flow.books import Books

            self._books = Books(ledger, fast=fast_books)

    # --- parties ------------------------------------------------------------------------
    @_one_at_a_time
    def add_merchant(self, merchant_id: str, *, name: str | None = None,
                     webhook_secret: str | list[str] | None = None,
                     endpoint: Callable[[bytes, str], Any] | None = None,
                     api_v3_key: str | None = None) -> Merchant:
        """Register a merchant (its ledger accounts open on first use)."""
        if not isinstance(merchant_id, str) or not merchant_id:
            raise InvalidInput("merchant", "non-empty string", "a merchant id is a non-empty string")
        if merchant_id in self.merchants:
            raise InvalidInput("merchant", "unique", f"merchant {merchant_id!r} already exists")
        secret = webhook_secret or "whsec_" + hashlib.sha256(merchant_id.encode()).hexdigest()[:24]
        m = Merchant(merchant_id, name or merchant_id, secret, endpoint, api_v3_key)
        self.merchants[merchant_id] = m
        return m

    @_one_at_a_time
    def add_customer(self, customer_id: str, name: str | None = None) -> str:
        if not isinstance(customer_id, str) or not customer_id:
            raise InvalidInput("customer", "non-empty string", "a customer id is a non-empty string")
        self.customers[customer_id] = name or customer_id
        return customer_id

    @_one_at_a_time
    def add_funding_source(self, customer: str, kind: str, *, balance: Money | None = None,
                           credit_limit: Money | None = None, method: str | None = None,
                           declines: bool = False) -> str:
        """Give ``customer`` a funding source and return its id (``pm_…``): ``kind`` is one of
        bank_account, card (needs ``credit_limit``), wallet, prepaid (need ``balance``)."""
        if customer not in self.customers:
            raise NotFound(f"no customer {customer!r}; add_customer first", field="customer")
        if kind not in SOURCE_KINDS:
            raise InvalidInput("kind", f"one of {sorted(SOURCE_KINDS)}", f"unknown funding source {kind!r}")
        method_id = _methods.get(method or SOURCE_KINDS[kind][0]).id
        money = credit_limit if kind == "card" else balance
        fname = "credit_limit" if kind == "card" else "balance"
        if not isinstance(money, Money) or money.amount < 0:
            raise InvalidInput(fname, "non-negative Money", f"a {kind} needs {fname}=Money(...) >= 0")
        self._n_source += 1
        sid = f"pm_{self._n_source:06d}"
        src = FundingSource(sid, customer, kind, method_id, money.currency, declines=declines)
        if kind == "card":
            src.credit_limit = money.minor_units
        else:
            src.balance = money.minor_units
        self.bank.sources[sid] = src
        if self._books is not None and money.amount > 0 and self._books.funding(method_id) == "stored":
            self._books.top_up(customer, money, sid, self.clock())  # stored value sits in the books
        return sid

    def source(self, source_id: str) -> FundingSource:
        try:
            return self.bank.sources[source_id]
        except (KeyError, TypeError):
            raise NotFound(f"no funding source {source_id!r}", field="method") from None

    def terms(self, pi: PaymentIntent) -> MethodTerms:
        """The catalogue terms (fees, limits) of a payment's method, looked up once per
        method and currency and then reused."""
        key = (pi.method_id, pi.currency.code)
        terms = self._terms.get(key)
        if terms is None:
            terms = self._terms[key] = MethodTerms.of(pi.method_id, pi.currency)  # type: ignore[arg-type]
        return terms

    # --- one payment, start to finish ---------------------------------------------------------
    def pay(self, merchant: str, amount: Money, method: str, *, idempotency_key: str | None = None,
            capture: str = "automatic", escrow: bool = False) -> PaymentIntent:
        """Checkout in one call: step 1, then steps 2–5. With an idempotency key, a client that
        retries after a time-out or crash gets the same payment back: never a second charge."""
        if not isinstance(amount, Money):
            raise InvalidInput("amount", "must be Money", "pay takes amount=Money(...)")
        return self._pay(merchant, amount.minor_units, amount.currency, method, idempotency_key, capture, escrow)

    def pay_minor(self, merchant: str, amount_minor: int, currency_code: str | Currency, method: str, *,
                  idempotency_key: str | None = None, capture: str = "automatic",
                  escrow: bool = False) -> PaymentIntent:
        """:meth:`pay` with the amount as integer minor units and a currency (``pay_minor("shop",
        1250, "CNY", card)`` is ``pay("shop", Money("12.50", "CNY"), card)``), for engines that
        already hold integer amounts."""
        if type(amount_minor) is not int:
            if isinstance(amount_minor, bool) or not isinstance(amount_minor, int):
                raise InvalidInput("amount", "int minor units",
                                   f"amount_minor must be an int, not {type(amount_minor).__name__}")
            amount_minor = int(amount_minor)
        cur = currency_code if isinstance(currency_code, Currency) else currency(currency_code)
        return self._pay(merchant, amount_minor, cur, method, idempotency_key, capture, escrow)

    @_one_at_a_time
    def _pay(self, merchant: str, units: int, cur: Currency, method: str, idempotency_key: str | None,
             capture: str, escrow: bool) -> PaymentIntent:
        if idempotency_key is None:
            pi = self._initiation(merchant, units, cur, method, capture, escrow, None)     # step 1
            return self._steps_2_to_5(pi)
        # a retry under the same key: find the first attempt and carry it on, never charge twice
        params = (merchant, units, cur.code, method, capture, bool(escrow))
        rec = self.idempotency.begin(idempotency_key, "pay", params)
        if rec.done:
            return self.intents[rec.result]
        if rec.result is None:  # recovery point: the intent exists from here on
            try:
                rec.result = self._initiation(merchant, units, cur, method, capture, escrow, None).id
            except PaylabError:
                self.idempotency._records.pop(idempotency_key, None)
                raise
        pi = self.intents[rec.result]
        if pi.status == PROCESSING:  # the first attempt died mid-way: find out what happened
            pi = self._resume(pi)
        err = pi.last_payment_error
        if pi.status == REQUIRES_PAYMENT_METHOD and err and err["code"] == "processing_error":
            self.attach(pi.id, method)  # the bank never saw it: try again, same payment
        if pi.status == REQUIRES_CONFIRMATION:
            pi = self._steps_2_to_5(pi)
        self.idempotency.finish(rec, pi.id)
        return pi

    def _steps_2_to_5(self, pi: PaymentIntent, method: str | None = None) -> PaymentIntent:
        """Steps 2 to 5 of a confirmed payment, in order; a payment stops early when step 3
        declines it, asks for step-up authentication or only places a hold (manual capture)."""
        if pi.status == PROCESSING:          # recovery after a crash or a bank time-out
            return self._resume(pi)
        if method is not None and pi.status == REQUIRES_PAYMENT_METHOD:
            self.attach(pi.id, method)
        if pi.status == REQUIRES_PAYMENT_METHOD:
            raise InvalidInput("method", "required", f"{pi.id} has no payment method: pass method=")
        if pi.status != REQUIRES_CONFIRMATION:
            transition(pi, PROCESSING, self.clock())  # raises InvalidTransition with the reason
        src = self.bank.sources[pi.method]  # type: ignore[index]
        terms = self.terms(pi)                                   # the catalogue record, once
        self._transmission(pi, src)                              # step 2
        if not self._account_processing(pi, src, terms):         # step 3
            return pi                                            # declined, step-up or a hold
        self._settlement(pi, pi.amount_minor, terms)             # step 4
        return self._confirmation(pi, pi.amount_minor)           # step 5

    # --- step 1: initiation -----------------------------------------------------------------
    @_one_at_a_time
    def create_intent(self, merchant: str, amount: Money, method: str | None = None, *,
                      idempotency_key: str | None = None, capture: str = "automatic",
                      escrow: bool = False, metadata: dict[str, Any] | None = None) -> PaymentIntent:
        """Step 1 on its own: the buyer's order becomes a PaymentIntent (``requires_confirmation``
        when a funding source ``method`` is given, else ``requires_payment_method``)."""
        if not isinstance(amount, Money):
            raise InvalidInput("amount", "must be Money", "create_intent takes amount=Money(...)")
        units, cur = amount.minor_units, amount.currency
        if idempotency_key is None:
            return self._initiation(merchant, units, cur, method, capture, escrow, metadata)
        params = (merchant, units, cur.code, method, capture, bool(escrow))
        return self.idempotency.run(idempotency_key, "create_intent", params,
                                    lambda: self._initiation(merchant, units, cur, method, capture, escrow,
                                                             metadata))

    def _initiation(self, merchant: str, units: int, cur: Currency, method: str | None, capture: str,
                    escrow: bool, metadata: dict[str, Any] | None) -> PaymentIntent:
        """Step 1, 交易发起: check the order and open a PaymentIntent for it."""
        if merchant not in self.merchants:
            raise NotFound(f"no merchant {merchant!r}; add_merchant first", field="merchant")
        if units <= 0:
            raise InvalidInput("amount", "positive", "a payment amount must be positive")
        if capture not in ("automatic", "manual"):
            raise InvalidInput("capture", "automatic or manual", f"unknown capture method {capture!r}")
        src = None if method is None else self.source(method)
        if src is not None and src.currency != cur:
            raise InvalidInput("amount", "currency of the funding source",
                               f"{method} pays in {src.currency.code}, not {cur.code}")
        self._n_intent += 1
        now = self.clock()
        pi = PaymentIntent(f"pi_{self._n_intent:07d}", merchant, units, cur, method,
                           capture, bool(escrow), REQUIRES_PAYMENT_METHOD, now,
                           src.customer if src else None, src.method_id if src else None)
        pi.history.append((now, REQUIRES_PAYMENT_METHOD))
        if metadata:
            pi.metadata.update(metadata)
        self.intents[pi.id] = pi
        self._record(pi, 1, "payment_intent.created", "customer", "gateway", amount=units)
        if src is not None:
            transition(pi, REQUIRES_CONFIRMATION, now)
        return pi

    @_one_at_a_time
    def attach(self, intent_id: str, method: str) -> PaymentIntent:
        """Give an intent in ``requires_payment_method`` a (new) funding source."""
        pi = self.retrieve(intent_id, record=False)
        src = self.source(method)
        if src.currency != pi.currency:
            raise InvalidInput("method", "currency of the payment",
                               f"{method} pays in {src.currency.code}, not {pi.currency.code}")
        transition(pi, REQUIRES_CONFIRMATION, self.clock())
        pi.method, pi.customer, pi.method_id = method, src.customer, src.method_id
        pi.last_payment_error = None
        return pi

    @_one_at_a_time
    def confirm(self, intent_id: str, *, method: str | None = None,
                idempotency_key: str | None = None) -> PaymentIntent:
        """Steps 2–5 for an intent made by :meth:`create_intent`. A retry of a confirm that
        crashed or timed out resumes it."""
        if idempotency_key is None:
            return self._steps_2_to_5(self.retrieve(intent_id, record=False), method)
        return self.idempotency.run(idempotency_key, "confirm", (intent_id, method),
                                    lambda: self._steps_2_to_5(self.retrieve(intent_id, record=False), method))

    # --- step 2: encrypted transmission ------------------------------------------------------
    def _transmission(self, pi: PaymentIntent, src: FundingSource) -> None:
        """Step 2, 支付信息传输: the buyer's app seals the payment data (AES-256-GCM, a fresh
        counter nonce); the gateway opens it and checks it matches the order."""
        self._nonce += 1
        nonce = self._nonce.to_bytes(12, "big")
        data = b"%s|%s|%d|%s" % (pi.id.encode(), src.id.encode(), pi.amount_minor, pi.currency.code.encode())
        sealed = aes_gcm_encrypt(self._key, data, aad=STEP2_AAD, nonce=nonce)   # the buyer's app
        self._record(pi, 2, "payment_data.sealed", "customer", "gateway", bytes=len(sealed.ciphertext),
                     cipher="AES-256-GCM")
        opened = aes_gcm_decrypt(self._key, sealed).split(b"|")                 # the gateway
        if opened[0] != pi.id.encode() or int(opened[2]) != pi.amount_minor:
            raise TamperedError("payment data does not match the order", field="payment_data")
        self._record(pi, 2, "payment_data.opened", "gateway", "gateway")
        self._crash(2, pi)

    # --- step 3: account processing ---------------------------------------------------------
    def _account_processing(self, pi: PaymentIntent, src: FundingSource, terms: MethodTerms) -> bool:
        """Step 3, 账户处理: step-up authentication when the policy asks (3a), then the bank
        checks and moves the money (3b). True when the customer was debited."""
        if self.step_up(pi) and not pi.metadata.get("authenticated"):
            transition(pi, REQUIRES_ACTION, self.clock())
            pi.next_action = "authenticate"
            self._record(pi, 3, "payment_intent.requires_action", "gateway", "customer",
                         reason="step-up authentication")
            return False
        transition(pi, PROCESSING, self.clock())
        return self._bank_debit(pi, src, terms)

    @_one_at_a_time
    def authenticate(self, intent_id: str, *, passed: bool = True) -> PaymentIntent:
        """Step 3a: the buyer answers the step-up challenge (3-D Secure style). Passing
        continues the payment (3b, 4, 5); failing sends it back to ``requires_payment_method``."""
        pi = self.retrieve(intent_id, record=False)
        if pi.status != REQUIRES_ACTION:
            raise InvalidTransition(f"{pi.id} is {pi.status}, not requires_action: nothing to authenticate",
                                    field="status", rule="requires_action")
        pi.next_action = None
        if not passed:
            self._record(pi, 3, "authentication.failed", "customer", "gateway")
            self._fail(pi, "authentication_failed", "the buyer failed step-up authentication")
            return pi
        pi.metadata["authenticated"] = True
        self._record(pi, 3, "authentication.passed", "customer", "gateway")
        transition(pi, PROCESSING, self.clock())
        terms = self.terms(pi)
        if not self._bank_debit(pi, self.bank.sources[pi.method], terms):  # type: ignore[index]
            return pi
        self._settlement(pi, pi.amount_minor, terms)
        return self._confirmation(pi, pi.amount_minor)

    def _bank_debit(self, pi: PaymentIntent, src: FundingSource, terms: MethodTerms) -> bool:
        """Step 3b: the bank checks limits and funds, then debits (or, for manual capture, only
        holds the amount). A decline goes back to the buyer; True when the money moved."""
        amount = pi.amount_minor
        self._record(pi, 3, "account.check", "gateway", "bank", method=pi.method_id)
        now = self.clock()
        day = int(now // _DAY)
        spent = self._spent.get((src.id, day), 0)
        code = msg = None
        if src.declines:
            code, msg = "card_declined", "the issuer declined the payment"
        elif (reason := terms.limit_reason(amount, spent)) is not None:
            code, msg = "limit_exceeded", reason
        elif src.available < amount:
            code, msg = "insufficient_funds", "credit limit reached" if src.kind == "card" else "balance too low"
        if code is not None:
            self._record(pi, 3, "account.declined", "bank", "gateway", code=code)
            self._fail(pi, code, msg)  # type: ignore[arg-type]
            return False
        self._spent[(src.id, day)] = spent + amount
        if pi.capture_method == "manual":       # an authorisation hold; capture() finishes it
            self.bank.authorize(pi.id, src, amount)
            transition(pi, REQUIRES_CAPTURE, self.clock())
            pi.amount_capturable = amount
            self._record(pi, 3, "account.authorized", "bank", "gateway", amount=amount)
            self._notify(pi, "payment_intent.amount_capturable_updated", 5)
            return False
        faults = self.faults
        if faults.bank_timeout and faults.roll(faults.bank_timeout):
            if faults.rng.random() < 0.5:   # the debit happened; only the answer was lost
                self.bank.capture(pi.id, src, amount, self.clock())
            self._record(pi, 3, "account.timeout", "bank", "gateway")
            raise SimulatedFault(f"bank did not answer for {pi.id}: outcome unknown", code="bank_timeout",
                                 field="bank")
        self.bank.capture(pi.id, src, amount, now)
        self._record(pi, 3, "account.debited", "bank", "gateway", amount=amount)
        self._crash(3, pi)
        return True

    def _fail(self, pi: PaymentIntent, code: str, message: str) -> PaymentIntent:
        """A decline: back to ``requires_payment_method`` with the reason, and the merchant told."""
        transition(pi, REQUIRES_PAYMENT_METHOD, self.clock())
        pi.last_payment_error = {"code": code, "message": message}
        self._notify(pi, "payment_intent.payment_failed", 3)
        return pi

    # --- step 4: settlement ---------------------------------------------------------------
    def _settlement(self, pi: PaymentIntent, amount: int, terms: MethodTerms) -> None:
        """Step 4, 结算处理: post the captured ``amount`` to the ledger (in escrow, to the escrow
        account, with the fee charged on release), once per payment."""
        if not pi.metadata.get("booked"):
            fee = 0 if pi.escrow else terms.fee(amount)
            if self._books is not None:
                self._books.capture(pi, amount, fee, self.clock())
            pi.fee_minor = fee
            pi.metadata["booked"] = True
            self._record(pi, 4, "ledger.posted", "gateway", "ledger", amount=amount, fee=fee,
                         account="escrow" if pi.escrow else "merchant")
        self._crash(4, pi)

    # --- step 5: confirmation ---------------------------------------------------------------
    def _confirmation(self, pi: PaymentIntent, amount: int) -> PaymentIntent:
        """Step 5, 支付确认: the payment succeeds; a signed notice to the merchant, a receipt
        to the buyer."""
        now = self.clock()
        pi.amount_received = amount
        pi.amount_capturable = 0
        transition(pi, SUCCEEDED, now)
        pi.trade_status = "TRADE_SUCCESS"
        pi.metadata["succeeded_at"] = now
        self._notify(pi, "payment_intent.succeeded", 5)
        self._record(pi, 5, "receipt.sent", "gateway", "customer")
        return pi

    # --- manual capture (steps 4 and 5 after a hold), cancel ------------------------------
    @_one_at_a_time
    def capture(self, intent_id: str, amount: Money | None = None, *,
                idempotency_key: str | None = None) -> PaymentIntent:
        """Capture an authorised payment, in full or in part (the rest of the hold is released)."""
        units = None if amount is None else self._units(amount, "amount")
        return self._idempotent(idempotency_key, "capture", (intent_id, units),
                                lambda: self._capture(intent_id, amount))

    def _units(self, amount: Money, name: str) -> int:
        if not isinstance(amount, Money):
            raise InvalidInput(name, "must be Money", f"{name} must be Money(...) or None")
        return amount.minor_units

    def _capture(self, intent_id: str, amount: Money | None) -> PaymentIntent:
        pi = self.retrieve(intent_id, record=False)
        if pi.status != REQUIRES_CAPTURE:
            transition(pi, SUCCEEDED, self.clock())  # raises with the reason
        units = pi.amount_capturable if amount is None else self._units(amount, "amount")
        if amount is not None and amount.currency != pi.currency:
            raise InvalidInput("amount", "currency of the payment", "capture in the payment's currency")
        if not 0 < units <= pi.amount_capturable:
            raise InvalidInput("amount", f"0 < amount <= {pi.amount_capturable} minor units",
                               "capture a positive amount no larger than what was authorised")
        src = self.bank.sources[pi.method]  # type: ignore[index]
        self.bank.capture(pi.id, src, units, self.clock())
        self._record(pi, 3, "account.captured", "gateway", "bank", amount=units,
                    released=pi.amount_capturable - units)
        self._settlement(pi, units, self.terms(pi))                 # step 4
        return self._confirmation(pi, units)                        # step 5

    @_one_at_a_time
    def cancel(self, intent_id: str, *, reason: str = "requested_by_customer") -> PaymentIntent:
        """Cancel before capture (an authorisation hold is released; nothing is booked)."""
        pi = self.retrieve(intent_id, record=False)
        transition(pi, CANCELED, self.clock())
        if pi.method is not None:
            self.bank.release(pi.id, self.bank.sources[pi.method])
        pi.amount_capturable = 0
        pi.cancellation_reason = reason
        pi.trade_status = "TRADE_CLOSED"
        self._notify(pi, "payment_intent.canceled", 6)
        return pi

    # --- step 6: after-sale service ---------------------------------------------------------
    @_one_at_a_time
    def sync(self, intent_id: str) -> PaymentIntent:
        """Step 6 query: resolve an intent stuck in ``processing`` by asking the bank."""
        pi = self.retrieve(intent_id, record=False)
        if pi.status != PROCESSING:
            return pi
        return self._resume(pi)

    @_one_at_a_time
    def refund(self, intent_id: str, amount: Money | None = None, *, reason: str = "requested_by_customer",
               idempotency_key: str | None = None) -> Refund:
        """Step 6: refund all (default) or part of what was captured; the total refunded never
        exceeds the captured amount. In escrow, refunds come out of the escrow account."""
        units = None if amount is None else self._units(amount, "amount")
        return self._idempotent(idempotency_key, "refund", (intent_id, units, reason),
                                lambda: self._refund(intent_id, amount, reason))

    def _refund(self, intent_id: str, amount: Money | None, reason: str) -> Refund:
        pi = self.retrieve(intent_id, record=False)
        if pi.status != SUCCEEDED:
            raise InvalidTransition(f"{pi.id} is {pi.status}: only a succeeded payment can be refunded",
                                    field="status", rule="refund needs succeeded")
        if pi.escrow and pi.escrow_released:
            raise InvalidTransition(f"{pi.id} is TRADE_FINISHED: escrow already released to the merchant",
                                    field="trade_status", rule="refund before release")
        left = pi.amount_received - pi.amount_refunded
        units = left if amount is None else self._units(amount, "amount")
        if amount is not None and amount.currency != pi.currency:
            raise InvalidInput("amount", "currency of the payment", "refund in the payment's currency")
        if units <= 0 or units > left:
            raise InvalidInput("amount", f"0 < amount <= {left} minor units (captured less refunded)",
                               "a refund must be positive and cannot exceed what is left to refund")
        rid = f"re_{len(self.refunds) + 1:07d}"
        now = self.clock()
        self._record(pi, 6, "refund.requested", "customer", "gateway", amount=units, reason=reason)
        if self._books is not None:
            self._books.refund(pi, units, rid, now)
        self.bank.credit(rid, pi.id, self.bank.sources[pi.method], units, now)  # type: ignore[index]
        pi.amount_refunded += units
        r = Refund(rid, pi.id, units, pi.currency, reason, now)
        self.refunds[rid] = r
        self._record(pi, 6, "refund.posted", "gateway", "ledger", amount=units, refund=rid)
        self._record(pi, 6, "refund.credited", "bank", "customer", amount=units, refund=rid)
        if pi.amount_refunded == pi.amount_received:
            pi.trade_status = "TRADE_CLOSED"
        self._notify(pi, "charge.refunded", 6)
        return r

    @_one_at_a_time
    def retrieve(self, intent_id: str, *, record: bool = True) -> PaymentIntent:
        """Step 6 query: the intent as it is now."""
        try:
            pi = self.intents[intent_id]
        except (KeyError, TypeError):
            raise NotFound(f"no payment intent {intent_id!r}", field="intent_id") from None
        if record:
            self._record(pi, 6, "payment_intent.retrieved", "customer", "gateway", status=pi.status)
        return pi

    @_one_at_a_time
    def list_events(self, intent_id: str | None = None, *, type: str | None = None) -> list[Event]:
        """All events (or one intent's), optionally of one type, oldest first."""
        if intent_id is not None and intent_id not in self.intents:
            raise NotFound(f"no payment intent {intent_id!r}", field="intent_id")
        evs = self._events if intent_id is None else self._traces.get(intent_id, [])
        return [e for e in evs if type is None or e.type == type]

    def trace(self, intent_id: str) -> list[Event]:
        """One payment's events in order, each tagged with its step (1–6) and step names."""
        return self.list_events(intent_id)

    @_one_at_a_time
    def trace_table(self, intent_id: str):
        """The trace as a DataFrame (seq, step, 中文 step, English step, event, from, to)."""
        import pandas as pd

        rows = [{"seq": e.seq, "step": e.step, "步骤": e.step_zh, "step name": e.step_en,
                 "event": e.type, "from": e.src, "to": e.dst} for e in self.trace(intent_id)]
        return pd.DataFrame(rows).set_index("seq")

    # --- escrow (担保交易) -----------------------------------------------------------------
    @_one_at_a_time
    def confirm_receipt(self, intent_id: str) -> PaymentIntent:
        """Escrow: the buyer confirms the goods arrived; the escrow is released to the merchant."""
        pi = self.retrieve(intent_id, record=False)
        if not pi.escrow:
            raise InvalidInput("intent_id", "escrow payment", f"{pi.id} is not an escrow payment")
        if pi.status != SUCCEEDED or pi.escrow_released or pi.trade_status == "TRADE_CLOSED":
            raise InvalidTransition(f"{pi.id} is {pi.trade_status}: only TRADE_SUCCESS can be released",
                                    field="trade_status", rule="TRADE_SUCCESS->TRADE_FINISHED")
        release = pi.amount_received - pi.amount_refunded
        fee = self.terms(pi).fee(release)
        if self._books is not None:
            self._books.release(pi, release, fee, self.clock())
        pi.fee_minor = fee
        pi.escrow_released = True
        pi.trade_status = "TRADE_FINISHED"
        self._record(pi, 6, "escrow.released", "gateway", "ledger", amount=release)
        self._notify(pi, "escrow.released", 6)
        return pi

    @_one_at_a_time
    def auto_confirm(self) -> list[str]:
        """Release every escrow whose auto-confirm period (``escrow_days``) has passed."""
        now = self.clock()
        done = []
        for pi in self.intents.values():
            if (pi.escrow and pi.status == SUCCEEDED and not pi.escrow_released
                    and pi.trade_status == "TRADE_SUCCESS"
                    and now - pi.metadata["succeeded_at"] >= self.escrow_days * _DAY):
                self.confirm_receipt(pi.id)
                done.append(pi.id)
        return done

    @_one_at_a_time
    def dispute(self, intent_id: str, amount: Money | None = None, *, reason: str = "dispute") -> Refund:
        """Escrow: the buyer disputes before release; the held money goes back to the buyer."""
        pi = self.retrieve(intent_id, record=False)
        if not pi.escrow:
            raise InvalidInput("intent_id", "escrow payment", f"{pi.id} is not an escrow payment")
        return self.refund(intent_id, amount, reason=reason)

    # --- records for settlement and reconciliation --------------------------------------
    @_one_at_a_time
    def records(self):
        """The gateway's payment records in :data:`paylab.settlement.RECORD_COLUMNS` form (one row
        per captured payment; amounts, fees and refunds in minor units) for settlement batches."""
        import pandas as pd

        rows = [{"id": pi.id, "merchant": pi.merchant, "customer": pi.customer, "method": pi.method_id,
                 "currency": pi.currency.code, "amount": pi.amount_received, "fee": pi.fee_minor,
                 "refunded": pi.amount_refunded, "status": pi.status,
                 "at": pi.metadata.get("succeeded_at", pi.created)}
                for pi in self.intents.values() if pi.amount_received]
        return pd.DataFrame(rows, columns=["id", "merchant", "customer", "method", "currency", "amount",
                                           "fee", "refunded", "status", "at"])

    @_one_at_a_time
    def movements(self):
        """What the gateway believes moved at the bank: one line per capture (ref = intent id)
        and per refund (ref = refund id), columns ref, type, amount, currency, at — the
        gateway side of :func:`paylab.settlement.reconcile`."""
        import pandas as pd

        rows = [{"ref": pi.id, "type": "debit", "amount": pi.amount_received, "currency": pi.currency.code,
                 "at": pi.metadata.get("succeeded_at", pi.created)}
                for pi in self.intents.values() if pi.amount_received]
        rows += [{"ref": r.id, "type": "refund", "amount": r.amount_minor, "currency": r.currency.code,
                  "at": r.created} for r in self.refunds.values()]
        return pd.DataFrame(rows, columns=["ref", "type", "amount", "currency", "at"])

    @_one_at_a_time
    def statement(self):
        """The bank's statement (its independent record): ref, type, amount, currency, at."""
        import pandas as pd

        rows = [{"ref": x["ref"], "type": x["type"], "amount": x["amount_minor"], "currency": x["currency"],
                 "at": x["time"]} for x in self.bank.statement]
        return pd.DataFrame(rows, columns=["ref", "type", "amount", "currency", "at"])

    @_one_at_a_time
    def summary(self) -> dict[str, int]:
        """Counts of intents per state (for the chapter's simulations)."""
        out: dict[str, int] = {}
        for pi in self.intents.values():
            out[pi.status] = out.get(pi.status, 0) + 1
        return out

    # === the machinery behind the steps ==================================================
    # --- faults and recovery --------------------------------------------------------------
    def _crash(self, step: int, pi: PaymentIntent) -> None:
        """An injected crash right after ``step`` (``Faults(crash_after_step=...)``)."""
        if self.faults.crash_after_step is not None and self.faults.crash_now(step):
            raise SimulatedFault(f"gateway crashed after step {step} of {pi.id}", code="crash",
                                 field="step")

    def _resume(self, pi: PaymentIntent) -> PaymentIntent:
        """Finish a payment left ``processing`` by a crash or a bank time-out: ask the bank
        (a status query) whether it debited, and continue or fail accordingly."""
        self._record(pi, 6, "payment_intent.status_query", "gateway", "bank")
        debited = self.bank.debits.get(pi.id)
        if debited is not None:
            self._settlement(pi, debited, self.terms(pi))
            return self._confirmation(pi, debited)
        if pi.capture_method == "manual" and pi.id in self.bank.holds:
            transition(pi, REQUIRES_CAPTURE, self.clock())
            pi.amount_capturable = self.bank.holds[pi.id]
            return pi
        src = self.bank.sources[pi.method]  # type: ignore[index]
        day = int(pi.created // _DAY)
        self._spent[(src.id, day)] = max(0, self._spent.get((src.id, day), 0) - pi.amount_minor)
        return self._fail(pi, "processing_error", "the bank never debited: try again")

    # --- events and notices -----------------------------------------------------------------
    def _record(self, pi: PaymentIntent, step: int, type_: str, src: str, dst: str, **data: Any) -> Event | None:
        """Log one event of ``pi`` at ``step`` (nothing when ``record_events`` is off)."""
        if not self.record_events:
            return None
        self._seq = seq = self._seq + 1
        ev = Event(seq, f"evt_{seq:07d}", type_, pi.id, step, src, dst, self.clock(), data)
        self._events.append(ev)
        trace = self._traces.get(pi.id)
        if trace is None:
            self._traces[pi.id] = [ev]
        else:
            trace.append(ev)
        return ev

    @property
    def events(self) -> list[Event]:
        """Every recorded event, oldest first (the gateway's own list: it grows as payments run)."""
        return self._events

    def _notify(self, pi: PaymentIntent, type_: str, step: int = 5) -> None:
        """Step 5 (or 3, 6): a signed notice to the merchant's endpoint, through the faults."""
        m = self.merchants[pi.merchant]
        ev = self._record(pi, step, type_, "gateway", "merchant")
        if m.endpoint is None:
            return
        if ev is None:
            self._seq += 1
            eid, created = f"evt_{self._seq:07d}", self.clock()
        else:
            eid, created = ev.id, ev.created
        payload = json.dumps({"id": eid, "type": type_, "created": int(created),
                              "data": {"object": pi.as_dict()}}, separators=(",", ":")).encode()
        self._deliver(eid, m, payload)

    def _deliver(self, event_id: str, m: Merchant, payload: bytes) -> bool:
        f = self.faults
        if f.roll(f.drop_notification):
            self.outbox.append((event_id, m.id, payload))
            return False
        header = sign_webhook(payload, m.webhook_secret, int(self.clock()))
        try:
            m.endpoint(payload, header)  # type: ignore[misc]
        except Exception:  # the merchant answered with an error (HTTP 4xx/5xx): retry later
            self.outbox.append((event_id, m.id, payload))
            return False
        self.deliveries += 1
        if f.roll(f.duplicate_notification):
            m.endpoint(payload, sign_webhook(payload, m.webhook_secret, int(self.clock())))  # type: ignore[misc]
            self.deliveries += 1
        return True

    @_one_at_a_time
    def wechat_notice(self, intent_id: str) -> dict[str, Any]:
        """The payment's result as a WeChat-Pay-v3-style notice, its ``resource`` encrypted
        with AEAD_AES_256_GCM under the merchant's ``api_v3_key`` and a fresh random nonce (see
        :func:`paylab.flow.webhooks.decrypt_notice`). ``trade_state`` follows WeChat Pay:
        SUCCESS, REFUND, CLOSED, PAYERROR or NOTPAY."""
        pi = self.retrieve(intent_id, record=False)
        m = self.merchants[pi.merchant]
        if not m.api_v3_key:
            raise InvalidInput("api_v3_key", "set on the merchant",
                               f"merchant {m.id} has no APIv3 key: add_merchant(..., api_v3_key=...)")
        if pi.status == SUCCEEDED:
            state = "REFUND" if pi.amount_refunded else "SUCCESS"
        elif pi.status == CANCELED:
            state = "CLOSED"
        elif pi.last_payment_error:
            state = "PAYERROR"
        else:
            state = "NOTPAY"
        self._seq += 1
        resource = {"out_trade_no": pi.id, "trade_state": state, "payer": {"openid": pi.customer},
                    "amount": {"total": pi.amount_minor, "payer_total": pi.amount_received,
                               "currency": pi.currency.code}}
        return encrypt_notice(resource, m.api_v3_key, nonce=secrets.token_hex(6), event_id=f"EV-{self._seq:07d}",
                              event_type="TRANSACTION.SUCCESS" if state in ("SUCCESS", "REFUND")
                              else "TRANSACTION.FAIL", summary="支付成功" if state == "SUCCESS" else state)

    @_one_at_a_time
    def redeliver(self) -> int:
        """Retry every undelivered notice (gateways retry with back-off); returns how many
        got through this time."""
        pending, self.outbox = self.outbox, []
        ok = 0
        for event_id, mid, payload in pending:
            ok += self._deliver(event_id, self.merchants[mid], payload)
        return ok

    # --- idempotency ----------------------------------------------------------------------
    def _idempotent(self, key: str | None, op: str, params: Hashable,
                    fn: Callable[[], PaymentIntent | Refund]) -> Any:
        if key is None:
            return fn()
        return self.idempotency.run(key, op, params, fn)
