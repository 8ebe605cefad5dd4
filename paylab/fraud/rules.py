"""Risk rules as data: each rule is a small record, so analysts can add, tune and audit them.

A :class:`RuleEngine` evaluates a list of :class:`Rule` records on a frame
that went through :func:`paylab.fraud.add_features` and reports, per rule,
how often it fires (hit rate) and — when labels are known — its precision and
recall. This is how rule-based risk control worked before machine learning,
and how it still sits next to a model today.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from paylab.errors import InvalidInput
from paylab.fraud.generate import TYPES
from paylab.money import Money

__all__ = ["RULE_KINDS", "Rule", "RuleEngine", "DEFAULT_RULES"]

#: kind → the parameters it needs (amounts in minor units, or ``Money``)
RULE_KINDS: dict[str, tuple[str, ...]] = {
    "amount_over": ("amount",),
    "velocity_over": ("count",),
    "blacklist": ("names",),
    "new_payee_amount_over": ("amount",),
}


def _minor(value: object, field_name: str) -> int:
    if isinstance(value, Money):
        return value.minor_units
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
        raise InvalidInput(field_name, "Money or non-negative int minor units",
                           f"{field_name} must be Money or integer minor units >= 0, got {value!r} "
                           "(never a float: money is exact)")
    return int(value)


@dataclass(frozen=True)
class Rule:
    """One rule: ``name``, ``kind`` (see :data:`RULE_KINDS`), its ``params`` and optional ``types``.

    - ``amount_over``: amount > ``amount`` (minor units or Money);
    - ``velocity_over``: ``velocity_1h`` (payer's rows in the last hour) >= ``count``;
    - ``blacklist``: payer or payee is in ``names``;
    - ``new_payee_amount_over``: first payment to this payee and amount > ``amount``.
    ``types`` (optional) restricts the rule to some transaction types.
    """

    name: str
    kind: str
    params: Mapping[str, Any] = field(default_factory=dict)
    types: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name:
            raise InvalidInput("name", "a non-empty string", "a rule needs a name")
        if self.kind not in RULE_KINDS:
            raise InvalidInput("kind", f"one of {sorted(RULE_KINDS)}", f"unknown rule kind {self.kind!r}")
        missing = [p for p in RULE_KINDS[self.kind] if p not in self.params]
        if missing:
            raise InvalidInput("params", f"{self.kind} needs {RULE_KINDS[self.kind]}",
                               f"rule {self.name!r} lacks parameter(s) {missing}")
        if "amount" in self.params:
            _minor(self.params["amount"], "amount")
        if self.kind == "velocity_over":
            c = self.params["count"]
            if isinstance(c, bool) or not isinstance(c, (int, np.integer)) or c < 1:
                raise InvalidInput("count", "an integer >= 1", f"velocity count must be >= 1, got {c!r}")
        if self.kind == "blacklist" and isinstance(self.params["names"], str):
            raise InvalidInput("names", "a collection of account names", "give a list or set of names")
        if self.types is not None:
            object.__setattr__(self, "types", tuple(self.types))
            bad = [t for t in self.types if t not in TYPES]
            if bad:
                raise InvalidInput("types", f"a subset of {TYPES}", f"unknown type(s) {bad}")

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Rule:
        """Build a rule from a plain record: ``{"name", "kind", "types"?, <params>}``."""
        if not isinstance(d, Mapping) or "name" not in d or "kind" not in d:
            raise InvalidInput("rule", "a mapping with name and kind", f"cannot read rule {d!r}")
        params = {k: v for k, v in d.items() if k not in ("name", "kind", "types")}
        types = d.get("types")
        return cls(d["name"], d["kind"], params, tuple(types) if types is not None else None)

    def hits(self, df: pd.DataFrame) -> np.ndarray:
        """A boolean array: does this rule fire on each row of ``df`` (a featured frame)?"""
        need = {"velocity_over": ["velocity_1h"], "new_payee_amount_over": ["new_payee"]}.get(self.kind, [])
        missing = [c for c in need + ["amount", "type"] if c not in df.columns]
        if missing:
            raise InvalidInput("df", "featured frame", f"rule {self.name!r} needs column(s) {missing}; "
                               "call add_features(df) first")
        p = self.params
        if self.kind == "amount_over":
            hit = df["amount"].to_numpy() > _minor(p["amount"], "amount")
        elif self.kind == "velocity_over":
            hit = df["velocity_1h"].to_numpy() >= int(p["count"])
        elif self.kind == "blacklist":
            names = set(map(str, p["names"]))
            hit = (df["nameOrig"].astype(str).isin(names) | df["nameDest"].astype(str).isin(names)).to_numpy()
        else:
            hit = (df["new_payee"].to_numpy() == 1) & (df["amount"].to_numpy() > _minor(p["amount"], "amount"))
        if self.types is not None:
            hit &= df["type"].astype(str).isin(self.types).to_numpy()
        return np.asarray(hit, dtype=bool)


#: A starting rule set (illustrative thresholds, in minor units).
DEFAULT_RULES = (
    Rule("big transfer", "amount_over", {"amount": 200_000_00}, ("TRANSFER",)),
    Rule("burst", "velocity_over", {"count": 3}),
    Rule("new payee, high amount", "new_payee_amount_over", {"amount": 50_000_00}, ("TRANSFER", "CASH_OUT")),
)


class RuleEngine:
    """Evaluate rules (``Rule`` objects or plain dicts) on a featured frame."""

    def __init__(self, rules: Iterable[Rule | Mapping[str, Any]] = DEFAULT_RULES) -> None:
        built = [r if isinstance(r, Rule) else Rule.from_dict(r) for r in rules]
        names = [r.name for r in built]
        if len(set(names)) != len(names):
            raise InvalidInput("rules", "unique names", f"rule names repeat: {names}")
        self.rules = built

    def evaluate(self, df: pd.DataFrame) -> pd.DataFrame:
        """One boolean column per rule plus ``any`` (some rule fired), indexed like ``df``."""
        hits = pd.DataFrame({r.name: r.hits(df) for r in self.rules}, index=df.index)
        hits["any"] = hits.any(axis=1) if self.rules else False
        return hits

    def report(self, df: pd.DataFrame, label: str = "isFraud") -> pd.DataFrame:
        """Per rule (and ``any``): hits, hit rate, and with labels precision, recall, fraud caught."""
        hits = self.evaluate(df)
        rows = []
        y = df[label].to_numpy().astype(bool) if label in df.columns else None
        for name in hits.columns:
            h = hits[name].to_numpy()
            row: dict[str, Any] = {"rule": name, "hits": int(h.sum()),
                                   "hit_rate": float(h.mean()) if h.size else 0.0}
            if y is not None:
                tp = int((h & y).sum())
                row["precision"] = tp / row["hits"] if row["hits"] else float("nan")
                row["recall"] = tp / int(y.sum()) if y.any() else float("nan")
                row["fraud_caught"] = tp
            rows.append(row)
        return pd.DataFrame(rows).set_index("rule")
