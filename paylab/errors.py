"""Every error paylab raises: one base class and a few typed children.

Modelled on Stripe's error surface: each error carries a machine-readable
``code``, the ``field`` (parameter) it is about when there is one, and a
message a student can act on. Catch ``PaylabError`` to catch them all.
"""

from __future__ import annotations


class PaylabError(Exception):
    """Base class of all paylab errors; carries ``code``, ``field`` and ``rule``."""

    default_code = "paylab_error"

    def __init__(
        self,
        message: str,
        *,
        field: str | None = None,
        rule: str | None = None,
        code: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.rule = rule
        self.code = code or self.default_code

    def __str__(self) -> str:
        where = f"{self.field}: " if self.field else ""
        return f"{where}{self.message}"

    def __repr__(self) -> str:
        parts = [f"code={self.code!r}"]
        if self.field:
            parts.append(f"field={self.field!r}")
        if self.rule:
            parts.append(f"rule={self.rule!r}")
        parts.append(f"message={self.message!r}")
        return f"{type(self).__name__}({', '.join(parts)})"


class InvalidInput(PaylabError, ValueError):
    """A value broke a validation rule; ``field`` names it and ``rule`` says which."""

    default_code = "invalid_input"

    def __init__(self, field: str, rule: str, message: str | None = None) -> None:
        super().__init__(message or f"{rule}", field=field, rule=rule)


class CurrencyMismatch(InvalidInput):
    """Two amounts in different currencies were combined."""

    default_code = "currency_mismatch"


class TamperedError(PaylabError):
    """Authenticated data failed its check: wrong key, or bytes changed in transit."""

    default_code = "tampered"


class SignatureError(PaylabError):
    """A signature or a MAC did not verify, or its timestamp is outside the tolerance."""

    default_code = "signature_invalid"


class CertificateError(PaylabError):
    """A certificate is expired, not yet valid, wrongly issued or malformed."""

    default_code = "certificate_invalid"


class InvalidTransition(PaylabError):
    """A state machine was asked for a move its current state does not allow."""

    default_code = "invalid_transition"


class IdempotencyConflict(PaylabError):
    """An idempotency key was reused with different parameters."""

    default_code = "idempotency_conflict"


class PaymentDeclined(PaylabError):
    """A payment was refused (``code`` says why: insufficient_funds, limit_exceeded, …)."""

    default_code = "card_declined"


class AuthError(PaylabError):
    """Authentication refused; ``code`` gives the reason (expired, too_many_attempts, …)."""

    default_code = "authentication_failed"


class RateLimited(AuthError):
    """Too many requests in a window; retry after ``retry_after`` seconds."""

    default_code = "rate_limited"

    def __init__(self, message: str, *, retry_after: float, field: str | None = None) -> None:
        super().__init__(message, field=field, code=self.default_code)
        self.retry_after = retry_after


class LedgerError(PaylabError):
    """The books refused an entry: unbalanced, unknown account, mixed currency."""

    default_code = "ledger_error"


class SimulatedFault(PaylabError):
    """A fault injected for teaching (``code``: bank_timeout, crash): the outcome is unknown."""

    default_code = "simulated_fault"


class NotFound(PaylabError, KeyError):
    """An object (intent, account, question …) with that id does not exist."""

    default_code = "not_found"

    def __str__(self) -> str:  # KeyError would repr() the message otherwise
        return PaylabError.__str__(self)


__all__ = [
    "PaylabError",
    "InvalidInput",
    "CurrencyMismatch",
    "TamperedError",
    "SignatureError",
    "CertificateError",
    "InvalidTransition",
    "IdempotencyConflict",
    "PaymentDeclined",
    "AuthError",
    "RateLimited",
    "LedgerError",
    "SimulatedFault",
    "NotFound",
]

