"""Failure injection for teaching: lose or repeat notifications, time out the bank, crash.

Real payment systems fail between steps. :class:`Faults` tells a
:class:`~paylab.flow.gateway.Gateway` to misbehave in four ways, each drawn from
a seeded generator so a run is reproducible:

* ``drop_notification`` — a webhook delivery is lost (the gateway retries later);
* ``duplicate_notification`` — a webhook is delivered twice (the inbox must dedupe);
* ``bank_timeout`` — the bank debits the customer but its answer never arrives
  (the intent stays ``processing`` until a status query or reconciliation finds it);
* ``crash_after_step`` — the gateway dies after step *n* of the next confirm
  (a retry with the same idempotency key resumes it; nothing is charged twice).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from paylab.errors import InvalidInput
from paylab.validation import Seed

__all__ = ["Faults"]


@dataclass
class Faults:
    """Probabilities (0–1) of each fault, and an optional crash point (step 1–5)."""

    drop_notification: float = 0.0
    duplicate_notification: float = 0.0
    bank_timeout: float = 0.0
    crash_after_step: int | None = None
    crash_times: int = 1
    seed: Seed = 0
    rng: np.random.Generator = field(init=False, repr=False)

    def __post_init__(self) -> None:
        for name in ("drop_notification", "duplicate_notification", "bank_timeout"):
            p = getattr(self, name)
            if isinstance(p, bool) or not isinstance(p, (int, float)) or not 0 <= p <= 1:
                raise InvalidInput(name, "probability in [0, 1]", f"{name} must be between 0 and 1")
        if self.crash_after_step is not None and self.crash_after_step not in (1, 2, 3, 4, 5):
            raise InvalidInput("crash_after_step", "1 to 5 or None", "the gateway can crash after step 1–5")
        self.rng = np.random.default_rng(self.seed)

    @property
    def active(self) -> bool:
        return bool(self.drop_notification or self.duplicate_notification or self.bank_timeout
                    or self.crash_after_step is not None)

    def roll(self, p: float) -> bool:
        """One seeded coin toss with probability ``p`` (no draw at all when p is 0)."""
        return p > 0 and self.rng.random() < p

    def crash_now(self, step: int) -> bool:
        """True (once per ``crash_times``) when the gateway should die after ``step``."""
        if self.crash_after_step == step and self.crash_times > 0:
            self.crash_times -= 1
            return True
        return False


