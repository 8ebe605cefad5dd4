"""Section 7.2 as a checklist: recommendations an e-commerce company can be scored against.

Each :class:`Item` is one recommendation with a weight (how much it matters, 1–3),
the chapter of this book that backs it and the ``paylab`` capability that shows
why. :func:`score` turns a company's answers (True/False, or a share 0–1 for
"partly") into a score out of 100 and a list of gaps, largest first. The
weights are the authors' judgement, not a standard; the example companies are
fictional.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

import pandas as pd

from paylab.errors import InvalidInput
from paylab.validation import NonEmpty

__all__ = ["Item", "ITEMS", "Scorecard", "checklist", "score", "breakdown", "FICTIONAL_COMPANIES",
           "compare_companies"]


@dataclass(frozen=True)
class Item:
    """One recommendation: what to do, how much it weighs, and where the book shows why."""

    id: str
    area: str
    text: str
    weight: int
    chapter: int
    backed_by: str

    def __post_init__(self) -> None:
        if self.weight not in (1, 2, 3):
            raise InvalidInput("weight", "1, 2 or 3", f"item {self.id!r}: weight must be 1, 2 or 3")
        if self.chapter not in range(2, 8):
            raise InvalidInput("chapter", "2..7", f"item {self.id!r}: chapter must be one of the book's 2–7")


ITEMS: tuple[Item, ...] = (
    Item("local_methods", "methods", "Offer the methods each market prefers, so that nine in ten buyers "
         "find a way to pay", 3, 2, "paylab.methods catalogue; paylab.dashboard.market_coverage"),
    Item("fee_review", "methods", "Know the cost per payment of every method and review the contracts "
         "each year", 2, 2, "paylab.methods.cost_table"),
    Item("cash_planning", "methods", "Plan cash for settlement delays (T+n) and escrow holds", 2, 2,
         "paylab.methods.cash_curve and float_cost"),
    Item("idempotent_api", "process", "Make every payment call idempotent and verify signed, replay-safe "
         "notifications", 3, 3, "the gateway of chapter 3 (paylab.flow)"),
    Item("daily_reconciliation", "process", "Keep double-entry books and reconcile with the provider's "
         "statement every day", 2, 3, "the ledger and reconciliation of chapter 3 (paylab.ledger)"),
    Item("encrypt_tokenize", "security", "Encrypt payment data in transit and at rest; store tokens, never "
         "full card numbers", 3, 4, "encryption of chapter 4 (paylab.crypto)"),
    Item("step_up", "security", "Use risk-based step-up authentication rather than challenging everyone "
         "or no one", 3, 4, "paylab.auth.stepup; the dashboard's authentication lever"),
    Item("fraud_threshold", "risk", "Score payments for fraud and set the decline threshold by expected "
         "cost, reviewed as fraud changes", 3, 5, "the fraud model of chapter 5 (paylab.fraud)"),
    Item("compliance_register", "compliance", "Hold the required licences and keep a register of the "
         "payment, cybersecurity and data-protection rules you follow", 3, 4,
         "the legal environment of section 4.3"),
    Item("incident_plan", "security", "Have an incident-response plan and rehearse a data breach", 2, 6,
         "the breach replay of chapter 6 (paylab.cases)"),
    Item("measure_funnel", "experience", "Measure checkout conversion step by step and remove needless "
         "friction", 2, 6, "the checkout funnel of chapter 6 (paylab.cases)"),
    Item("buyer_protection", "trust", "Offer buyer protection (escrow, disputes) where buyers do not know "
         "the seller", 2, 6, "escrow of chapters 3 and 6; the dashboard's escrow lever"),
    Item("cross_border_rules", "compliance", "Before selling abroad, check the foreign-exchange and "
         "payment rules of each market", 2, 4, "section 4.3; cross-border fees in paylab.methods"),
    Item("staff_training", "process", "Train staff in payment security and in handling refunds and "
         "disputes", 1, 3, "section 3.3 (challenges and countermeasures)"),
)

_BY_ID: Mapping[str, Item] = MappingProxyType({item.id: item for item in ITEMS})


def checklist() -> pd.DataFrame:
    """The recommendations as a table, one row per item."""
    return pd.DataFrame([{"id": i.id, "area": i.area, "recommendation": i.text, "weight": i.weight,
                          "chapter": i.chapter, "backed by": i.backed_by} for i in ITEMS]).set_index("id")


@dataclass(frozen=True)
class Scorecard:
    """A company's score (0–100), its points out of the maximum, and the gaps, biggest first."""

    score: float
    points: float
    max_points: int
    gaps: pd.DataFrame
    unanswered: tuple[str, ...]

    def __str__(self) -> str:
        return f"score {self.score:.0f}/100 ({self.points:g} of {self.max_points} points, {len(self.gaps)} gaps)"


def _answer(item: str, value: object) -> float:
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, (int, float)) and 0 <= value <= 1:
        return float(value)
    raise InvalidInput("answers", "True/False or a share in [0, 1]",
                       f"answer for {item!r} must be True, False or a share between 0 and 1, not {value!r}")


def score(answers: Mapping[str, bool | float]) -> Scorecard:
    """Score a company's answers; an item not answered counts as not done and is listed."""
    if not isinstance(answers, Mapping):
        raise InvalidInput("answers", "a mapping item id -> answer", "answers must map item ids to answers")
    unknown = sorted(set(answers) - set(_BY_ID))
    if unknown:
        raise InvalidInput("answers", "known item ids", f"unknown checklist items: {', '.join(map(str, unknown))}")
    done = {i.id: _answer(i.id, answers[i.id]) if i.id in answers else 0.0 for i in ITEMS}
    max_points = sum(i.weight for i in ITEMS)
    points = sum(i.weight * done[i.id] for i in ITEMS)
    gaps = [{"id": i.id, "recommendation": i.text, "chapter": i.chapter, "weight": i.weight,
             "done": done[i.id], "points missed": i.weight * (1 - done[i.id])}
            for i in ITEMS if done[i.id] < 1]
    gaps_frame = pd.DataFrame(gaps, columns=["id", "recommendation", "chapter", "weight", "done", "points missed"])
    gaps_frame = gaps_frame.sort_values(["points missed", "weight"], ascending=False, kind="stable").set_index("id")
    return Scorecard(round(100 * points / max_points, 1), round(points, 4), max_points, gaps_frame,
                     tuple(i.id for i in ITEMS if i.id not in answers))


def breakdown(answers: Mapping[str, bool | float]) -> pd.DataFrame:
    """Item by item, how :func:`score` adds up: weight w, share done d, points w·d (and the total row).

    The score is 100 · Σ w·d / Σ w; this table shows each term, so a reader can check it by hand.
    """
    card = score(answers)  # validates the answers
    rows = []
    for i in ITEMS:
        done = _answer(i.id, answers[i.id]) if i.id in answers else 0.0
        rows.append({"id": i.id, "area": i.area, "weight w": i.weight, "done d": done,
                     "points w·d": i.weight * done})
    rows.append({"id": "total", "area": "", "weight w": card.max_points, "done d": None,
                 "points w·d": card.points})
    return pd.DataFrame(rows).set_index("id")


#: Two fictional companies for chapter 7 (invented answers, for practice only).
FICTIONAL_COMPANIES: Mapping[str, Mapping[str, bool | float]] = MappingProxyType({
    "Harbour Books (fictional): a fast-growing online bookshop": MappingProxyType({
        "local_methods": True, "fee_review": False, "cash_planning": 0.5, "idempotent_api": False,
        "daily_reconciliation": 0.5, "encrypt_tokenize": True, "step_up": False, "fraud_threshold": False,
        "compliance_register": 0.5, "incident_plan": False, "measure_funnel": True, "buyer_protection": True,
        "cross_border_rules": False, "staff_training": False,
    }),
    "Jade Lantern Crafts (fictional): a careful cross-border craft shop": MappingProxyType({
        "local_methods": 0.5, "fee_review": True, "cash_planning": True, "idempotent_api": True,
        "daily_reconciliation": True, "encrypt_tokenize": True, "step_up": True, "fraud_threshold": 0.5,
        "compliance_register": True, "incident_plan": True, "measure_funnel": False, "buyer_protection": False,
        "cross_border_rules": True, "staff_training": True,
    }),
})


def compare_companies(companies: NonEmpty[Mapping[str, Mapping[str, bool | float]]] | None = None) -> pd.DataFrame:
    """Score, points and the biggest gap of each company (the fictional pair by default)."""
    companies = FICTIONAL_COMPANIES if companies is None else companies
    rows = []
    for name, answers in companies.items():
        card = score(answers)
        rows.append({"company": name, "score": card.score, "points": card.points,
                     "gaps": len(card.gaps), "biggest gap": card.gaps.index[0] if len(card.gaps) else "—"})
    return pd.DataFrame(rows).set_index("company")
