"""A risk register for an e-payment business: likelihood x impact, before and after controls.

The four families follow the book this course follows: technical (attacks, vulnerabilities,
malware), operational (weak passwords, unsafe networks, staff error), reputational
and legal. Scores are on 1-5 scales and are *illustrative judgements* for a
teaching platform, not measurements. Each risk names the controls of chapter 4
that lower it, so the register links back to code that runs.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from paylab.errors import InvalidInput
from paylab.validation import NonEmpty

__all__ = ["CATEGORIES", "Risk", "RISKS", "risk_register", "level", "heat_counts", "heat_table"]

CATEGORIES = ("technical", "operational", "reputational", "legal")
_LEVELS = ((1, 4, "low"), (5, 9, "medium"), (10, 15, "high"), (16, 25, "critical"))


def level(score: int) -> str:
    """Name of a likelihood x impact score: low (1-4), medium (5-9), high (10-15), critical (16-25)."""
    if isinstance(score, bool) or not isinstance(score, int) or not 1 <= score <= 25:
        raise InvalidInput("score", "1..25", "a risk score is likelihood x impact, 1 to 25")
    return next(name for low, high, name in _LEVELS if low <= score <= high)


def _scale(name: str, value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
        raise InvalidInput(name, "integer 1..5", f"{name} is on a 1-5 scale")


@dataclass(frozen=True)
class Risk:
    """One register line: what can go wrong, how likely and how bad, before and after its controls."""

    id: str
    category: str
    title: str
    cause: str
    likelihood: int
    impact: int
    controls: tuple[str, ...]
    residual_likelihood: int
    residual_impact: int

    def __post_init__(self) -> None:
        if not isinstance(self.id, str) or not self.id:
            raise InvalidInput("id", "non-empty str", "a risk needs an id")
        if self.category not in CATEGORIES:
            raise InvalidInput("category", " | ".join(CATEGORIES), f"unknown category {self.category!r}")
        for name in ("likelihood", "impact", "residual_likelihood", "residual_impact"):
            _scale(name, getattr(self, name))
        if self.residual_likelihood > self.likelihood or self.residual_impact > self.impact:
            raise InvalidInput("residual_likelihood", "controls do not raise risk",
                               "residual likelihood/impact cannot exceed the inherent ones")
        if not self.controls:
            raise InvalidInput("controls", "at least one", "name the controls that treat the risk")

    @property
    def score(self) -> int:
        return self.likelihood * self.impact

    @property
    def residual_score(self) -> int:
        return self.residual_likelihood * self.residual_impact


#: The register for the book's example platform (illustrative scores).
RISKS: tuple[Risk, ...] = (
    Risk("T1", "technical", "Payment data read in transit", "unencrypted or badly encrypted channel", 3, 5,
         ("TLS-like handshake", "AES-GCM record protection", "certificate checks"), 1, 5),
    Risk("T2", "technical", "Tampered payment message", "amount or payee changed between app and gateway", 3, 5,
         ("AES-GCM record protection", "digital signatures"), 1, 4),
    Risk("T3", "technical", "Password database stolen", "vulnerability in the account service", 3, 4,
         ("scrypt password hashing", "firewall segmentation"), 2, 2),
    Risk("T4", "technical", "Credential stuffing", "passwords leaked elsewhere are replayed", 5, 3,
         ("intrusion detection", "one-time codes (TOTP/SMS)", "step-up authentication"), 2, 2),
    Risk("T5", "technical", "Card testing through checkout", "bots try stolen cards with tiny payments", 4, 3,
         ("intrusion detection", "step-up authentication"), 2, 2),
    Risk("T6", "technical", "Malware on the customer's phone", "overlay or SMS-stealing trojan", 3, 4,
         ("biometric confirmation", "step-up authentication"), 2, 3),
    Risk("T7", "technical", "Database reachable from the internet", "missing network segmentation", 2, 5,
         ("firewall segmentation", "intrusion detection"), 1, 4),
    Risk("O1", "operational", "Weak or reused customer passwords", "users pick guessable passwords", 5, 3,
         ("scrypt password hashing", "one-time codes (TOTP/SMS)", "user education and staff training"), 3, 2),
    Risk("O2", "operational", "Payments from unsafe networks", "public Wi-Fi, man in the middle", 4, 3,
         ("TLS-like handshake", "certificate checks"), 2, 2),
    Risk("O3", "operational", "Staff error or insider misuse", "excess privileges, no second approver", 3, 4,
         ("firewall segmentation", "audit log and review", "user education and staff training"), 2, 3),
    Risk("O4", "operational", "Slow response to an incident", "no runbook, unclear owner", 3, 4,
         ("incident response plan", "intrusion detection"), 2, 3),
    # R1's controls act after a breach: encrypted and minimised data are worth little to a thief, and a
    # rehearsed response limits the damage. None makes a breach less likely, and hiding one is no control
    # (PIPL requires notice), so only the impact falls.
    Risk("R1", "reputational", "Breach becomes public", "leak of card or identity data", 3, 5,
         ("AES-GCM record protection", "data minimisation", "incident response plan"), 3, 3),
    Risk("R2", "reputational", "Checkout friction drives customers away", "too many challenges", 4, 3,
         ("step-up authentication", "biometric confirmation"), 2, 2),
    Risk("L1", "legal", "Liability for unauthorised payments", "provider bears losses unless it proves user fault",
         4, 4, ("step-up authentication", "audit log and review", "digital signatures"), 2, 3),
    Risk("L2", "legal", "Personal-information violation", "collecting or keeping more data than needed", 3, 4,
         ("data minimisation", "AES-GCM record protection", "compliance map review"), 2, 3),
    Risk("L3", "legal", "Gap in rules for new payment forms", "cross-border or new instruments outside clear rules",
         3, 3, ("compliance map review", "cross-border checks"), 2, 3),
)


def risk_register(risks: NonEmpty[Iterable[Risk]] = RISKS) -> pd.DataFrame:
    """The register as a table, highest inherent score first, with levels before and after controls."""
    rows = []
    seen: set[str] = set()
    for r in risks:
        if not isinstance(r, Risk):
            raise InvalidInput("risks", "Risk objects", "the register holds Risk objects")
        if r.id in seen:
            raise InvalidInput("id", "unique", f"risk id {r.id!r} appears twice")
        seen.add(r.id)
        rows.append({"id": r.id, "category": r.category, "risk": r.title, "cause": r.cause,
                     "likelihood": r.likelihood, "impact": r.impact, "score": r.score, "level": level(r.score),
                     "controls": "; ".join(r.controls), "residual likelihood": r.residual_likelihood,
                     "residual impact": r.residual_impact, "residual score": r.residual_score,
                     "residual level": level(r.residual_score)})
    frame = pd.DataFrame(rows)
    return frame.sort_values(["score", "id"], ascending=[False, True], kind="stable").reset_index(drop=True)


def heat_counts(register: pd.DataFrame, *, residual: bool = False) -> pd.DataFrame:
    """5x5 counts of risks per (likelihood, impact) cell; rows likelihood 5..1, columns impact 1..5."""
    lik, imp = ("residual likelihood", "residual impact") if residual else ("likelihood", "impact")
    if not {lik, imp} <= set(register.columns):
        raise InvalidInput("register", "risk_register() table", f"register lacks {lik!r}/{imp!r}")
    grid = pd.DataFrame(0, index=pd.Index(range(5, 0, -1), name="likelihood"),
                        columns=pd.Index(range(1, 6), name="impact"))
    for li, im in zip(register[lik], register[imp], strict=True):
        grid.loc[int(li), int(im)] += 1
    return grid


def heat_table(register: pd.DataFrame, *, residual: bool = False) -> pd.DataFrame:
    """The heat map as a table a reader can scan: one row per likelihood, the risk ids in each impact column."""
    lik, imp = ("residual likelihood", "residual impact") if residual else ("likelihood", "impact")
    if not {lik, imp, "id"} <= set(register.columns):
        raise InvalidInput("register", "risk_register() table", f"register lacks {lik!r}/{imp!r}/'id'")
    rows = []
    for li in range(5, 0, -1):
        row: dict[str, object] = {"likelihood": li}
        for im in range(1, 6):
            ids = register.loc[(register[lik] == li) & (register[imp] == im), "id"]
            row[f"impact {im}"] = ", ".join(sorted(ids)) or "·"
        rows.append(row)
    return pd.DataFrame(rows)
