"""SMS verification codes: issue, expire, limit, and what a guessing attacker can still do.

``SmsCodeService`` keeps only an HMAC of each code, compares in constant time and
refuses with a typed error that says why: ``RateLimited`` (``rule`` names the limit,
``retry_after`` says when) for sending, ``AuthError`` (``code`` = ``no_code``,
``code_expired``, ``wrong_code``, ``too_many_attempts``) for checking.
:func:`attacker_success` is the chance a guesser wins; :func:`simulate_sms_attack`
drives a service for a simulated day to count how many guesses its limits allow.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import os
import re
import secrets
from collections import deque
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from paylab.clock import Clock, FixedClock
from paylab.errors import AuthError, InvalidInput, RateLimited
from paylab.parameters import param
from paylab.validation import Seed

__all__ = ["SmsAttackModel", "SmsMessage", "SmsCodeService", "attacker_success", "attacker_success_exact",
           "simulate_sms_attack", "MAX_CODES_PER_DAY"]

#: Most codes a day the guessing model accepts (one a minute for a day is 1,440).
MAX_CODES_PER_DAY = 100_000

_PHONE = re.compile(r"^\+?[0-9]{6,15}$")
HOUR, DAY = 3600.0, 86400.0


@dataclass(frozen=True)
class SmsMessage:
    """One text the service sent (in a real system it goes to the phone, not back to the caller)."""

    phone: str
    code: str
    sent_at: float
    expires_at: float


@dataclass
class _Pending:
    digest: bytes
    expires_at: float
    attempts: int = 0


def _positive(name: str, value: object, *, allow_zero: bool = False, allow_none: bool = False) -> None:
    if value is None and allow_none:
        return
    low = 0 if allow_zero else 1
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < low:
        raise InvalidInput(name, f">= {low}" + (" or None" if allow_none else ""), f"{name} must be a number >= {low}")


class SmsCodeService:
    """Issues 6-digit (by default) SMS codes with expiry, attempt caps, cooldown and rate limits.

    ``per_phone_per_hour``, ``per_phone_per_day`` and ``per_ip_per_hour`` may be ``None``
    (no limit). ``rng`` (a numpy Generator) makes the codes reproducible for teaching;
    without it they come from :mod:`secrets`.
    """

    def __init__(self, clock: Clock, *, digits: int = 6, ttl: float = 300, max_attempts: int = 5,
                 resend_cooldown: float = 60, per_phone_per_hour: int | None = 5,
                 per_phone_per_day: int | None = 10, per_ip_per_hour: int | None = 20,
                 rng: np.random.Generator | None = None) -> None:
        if not callable(clock):
            raise InvalidInput("clock", "callable", "clock must be a zero-argument callable")
        if isinstance(digits, bool) or not isinstance(digits, int) or not 4 <= digits <= 10:
            raise InvalidInput("digits", "4..10", "an SMS code has 4 to 10 digits")
        _positive("ttl", ttl)
        _positive("max_attempts", max_attempts)
        if not isinstance(max_attempts, int):
            raise InvalidInput("max_attempts", "integer", "max_attempts must be a whole number")
        _positive("resend_cooldown", resend_cooldown, allow_zero=True)
        for name, value in (("per_phone_per_hour", per_phone_per_hour), ("per_phone_per_day", per_phone_per_day),
                            ("per_ip_per_hour", per_ip_per_hour)):
            _positive(name, value, allow_none=True)
        if rng is not None and not isinstance(rng, np.random.Generator):
            raise InvalidInput("rng", "numpy Generator", "rng must be a numpy.random.Generator")
        self.clock, self.digits, self.ttl, self.max_attempts = clock, digits, float(ttl), max_attempts
        self.resend_cooldown = float(resend_cooldown)
        self.per_phone_per_hour, self.per_phone_per_day = per_phone_per_hour, per_phone_per_day
        self.per_ip_per_hour = per_ip_per_hour
        self._rng = rng
        self._pepper = bytes(rng.integers(0, 256, 32, dtype=np.uint8)) if rng is not None else os.urandom(32)
        self._pending: dict[str, _Pending] = {}
        self._sent_phone: dict[str, deque[float]] = {}
        self._sent_ip: dict[str, deque[float]] = {}
        self.outbox: list[SmsMessage] = []

    # -- helpers -----------------------------------------------------------------------------
    def _digest(self, phone: str, code: str) -> bytes:
        return hmac.new(self._pepper, f"{phone}|{code}".encode(), hashlib.sha256).digest()

    def _new_code(self) -> str:
        if self._rng is not None:
            value = int(self._rng.integers(0, 10**self.digits))
        else:
            value = secrets.randbelow(10**self.digits)
        return str(value).zfill(self.digits)

    @staticmethod
    def _phone(phone: object) -> str:
        if not isinstance(phone, str) or not _PHONE.match(phone):
            raise InvalidInput("phone", "+ and 6-15 digits", "phone must look like +8613800000000")
        return phone

    @staticmethod
    def _ip(ip: object) -> str:
        try:
            return str(ipaddress.ip_address(ip))  # type: ignore[arg-type]
        except ValueError:
            raise InvalidInput("ip", "IPv4 or IPv6 address", f"{ip!r} is not an IP address") from None

    @staticmethod
    def _limit(log: deque[float], now: float, window: float, limit: int | None, rule: str, field: str,
               what: str) -> None:
        while log and log[0] <= now - DAY:
            log.popleft()
        if limit is None:
            return
        inside = [t for t in log if t > now - window]
        if len(inside) >= limit:
            err = RateLimited(f"{what}: at most {limit} codes per {int(window // 3600)} h",
                              retry_after=inside[-limit] + window - now, field=field)
            err.rule = rule
            raise err

    # -- API -----------------------------------------------------------------------------------
    def request_code(self, phone: str, ip: str) -> SmsMessage:
        """Send a new code to ``phone`` (replacing any pending one) unless a limit refuses."""
        phone, ip = self._phone(phone), self._ip(ip)
        now = float(self.clock())
        ip_log = self._sent_ip.setdefault(ip, deque())
        phone_log = self._sent_phone.setdefault(phone, deque())
        self._limit(ip_log, now, HOUR, self.per_ip_per_hour, "per_ip_hour", "ip", "too many codes from this address")
        if phone_log and now - phone_log[-1] < self.resend_cooldown:
            err = RateLimited("wait before asking for another code",
                              retry_after=phone_log[-1] + self.resend_cooldown - now, field="phone")
            err.rule = "resend_cooldown"
            raise err
        self._limit(phone_log, now, HOUR, self.per_phone_per_hour, "per_phone_hour", "phone",
                    "too many codes to this phone")
        self._limit(phone_log, now, DAY, self.per_phone_per_day, "per_phone_day", "phone",
                    "too many codes to this phone")
        code = self._new_code()
        self._pending[phone] = _Pending(self._digest(phone, code), now + self.ttl)
        phone_log.append(now)
        ip_log.append(now)
        message = SmsMessage(phone, code, now, now + self.ttl)
        self.outbox.append(message)
        return message

    def verify(self, phone: str, code: str) -> bool:
        """True and the code is spent when it matches; otherwise an ``AuthError`` saying why."""
        phone = self._phone(phone)
        if not isinstance(code, str):
            raise InvalidInput("code", "str", "the code is a string of digits")
        pending = self._pending.get(phone)
        if pending is None:
            raise AuthError("no code is pending for this phone: request one", field="phone", code="no_code")
        if self.clock() >= pending.expires_at:
            del self._pending[phone]
            raise AuthError("the code has expired: request a new one", field="code", code="code_expired")
        pending.attempts += 1
        if hmac.compare_digest(self._digest(phone, code), pending.digest):
            del self._pending[phone]
            return True
        left = self.max_attempts - pending.attempts
        if left <= 0:
            del self._pending[phone]
            raise AuthError("too many wrong codes: this code is burnt", field="code", code="too_many_attempts")
        raise AuthError(f"wrong code, {left} attempt(s) left", field="code", code="wrong_code")

    def pending_digest(self, phone: str) -> bytes | None:
        """What the database holds for ``phone``: an HMAC, never the code."""
        pending = self._pending.get(self._phone(phone))
        return None if pending is None else pending.digest


def _check_counts(digits: object, attempts_per_code: object, codes: object) -> None:
    for name, value in (("digits", digits), ("attempts_per_code", attempts_per_code), ("codes", codes)):
        if isinstance(value, bool) or not isinstance(value, int) or value < (1 if name == "digits" else 0):
            raise InvalidInput(name, "non-negative integer", f"{name} must be a whole number")
    if digits > 12:
        raise InvalidInput("digits", "at most 12", "an SMS code has at most 12 digits in this model")
    if codes > MAX_CODES_PER_DAY:
        raise InvalidInput("codes", f"at most {MAX_CODES_PER_DAY:,}", "codes is the number of codes in a day")


def attacker_success(digits: int = 6, attempts_per_code: int = 5, codes: int = 1) -> float:
    """Chance that random guessing hits at least one of ``codes`` codes, ``attempts_per_code`` guesses each.

    Each code is fresh and uniform; distinct guesses on one code win with ``a / 10**digits``,
    so the attack fails only if every code survives: ``1 - (1 - a/10**d)**codes``. A float,
    so compare it with a threshold through :func:`attacker_success_exact` (ch04-ex2).
    """
    _check_counts(digits, attempts_per_code, codes)
    per_code = min(1.0, attempts_per_code / 10**digits)
    return float(1.0 - (1.0 - per_code) ** codes)


def attacker_success_exact(digits: int = 6, attempts_per_code: int = 5, codes: int = 1) -> Fraction:
    """The same chance as :func:`attacker_success`, as an exact fraction.

    ``1 - (1 - 1e-4)`` in floating point is ``9.999999999998899e-05``, a hair under 1/10,000, so a
    float comparison with a limit can give the wrong side; fractions compare exactly.
    """
    _check_counts(digits, attempts_per_code, codes)
    per_code = min(Fraction(1), Fraction(attempts_per_code, 10**digits))
    return 1 - (1 - per_code) ** codes


@dataclass(frozen=True)
class SmsAttackModel:
    """An online guesser against SMS codes: how many digits, guesses per code and codes a day."""

    digits: int = param(6, meaning="digits in each code", unit="digits", symbol="d", meaning_zh="验证码位数")
    attempts_per_code: int = param(5, meaning="wrong guesses the service allows on one code", unit="guesses",
                                   symbol="a", meaning_zh="每个验证码允许的尝试次数")
    codes_per_day: int = param(10, meaning="codes the attacker can have sent to one phone in a day (the "
                               "per-phone daily cap)", unit="codes per day", symbol="k",
                               meaning_zh="每个手机号每天可获取的验证码数")

    def __post_init__(self) -> None:
        _check_counts(self.digits, self.attempts_per_code, self.codes_per_day)

    def success(self) -> Fraction:
        """Exact chance of at least one hit in a day: ``1 - (1 - a/10**d)**k``."""
        return attacker_success_exact(self.digits, self.attempts_per_code, self.codes_per_day)


def simulate_sms_attack(service: SmsCodeService, phone: str = "+8613800000000", *, duration: float = DAY,
                        rotate_ips: bool = True, seed: Seed = 0, max_codes: int = 20000) -> dict:
    """Drive ``service`` as an online guesser for ``duration`` seconds of its (FixedClock) time.

    The attacker asks for a code (from a fresh IP each time when ``rotate_ips``, as a botnet
    would), spends every attempt on distinct random guesses, and waits whenever a limit says
    so. Returns the codes obtained, guesses made, whether a guess actually hit, and the
    success probability those counts give (:func:`attacker_success`).
    """
    if not isinstance(service, SmsCodeService):
        raise InvalidInput("service", "SmsCodeService", "service must be an SmsCodeService")
    if not isinstance(service.clock, FixedClock):
        raise InvalidInput("service", "FixedClock", "the simulation moves time: give the service a FixedClock")
    rng = np.random.default_rng(seed)
    clock = service.clock
    end = clock() + duration
    codes = guesses = 0
    hit = False
    per_code: list[int] = []
    while clock() < end and codes < max_codes:
        ip = f"10.{(codes >> 16) & 255}.{(codes >> 8) & 255}.{codes & 255}" if rotate_ips else "10.0.0.1"
        try:
            service.request_code(phone, ip)
        except RateLimited as exc:
            clock.advance(max(exc.retry_after, 1e-3))
            continue
        codes += 1
        tried = rng.choice(10**service.digits, size=min(service.max_attempts, 10**service.digits), replace=False)
        used = 0
        for guess in tried:
            used += 1
            try:
                if service.verify(phone, str(int(guess)).zfill(service.digits)):
                    hit = True
                    break
            except AuthError as exc:
                if exc.code != "wrong_code":
                    break
        guesses += used
        per_code.append(used)
        clock.advance(1)
    p_fail = 1.0
    for used in per_code:
        p_fail *= 1.0 - min(1.0, used / 10**service.digits)
    return {"codes": codes, "guesses": guesses, "hit": hit, "success_probability": 1.0 - p_fail}
