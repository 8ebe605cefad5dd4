"""The dashboard in plain sight: its parameters, preference shares and sub-model effects as tables.

Chapter 7 shows these before the dashboard's first run, so a reader sees every number the
model uses and where it comes from (all illustrative unless a source is named).
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from paylab import methods as pm
from paylab.dashboard.records import AUTH_POLICIES, MARKET_PREFERENCES, MerchantProfile
from paylab.dashboard.submodels import DEFAULT_MODELS, Models
from paylab.errors import InvalidInput
from paylab.parameters import parameter_table
from paylab.tables import Table, table

__all__ = ["parameters", "preference_table", "effects_table"]


def _shares(mapping: Mapping[str, object]) -> str:
    return ", ".join(f"{k.replace('_', '-')} {float(v):.0%}" for k, v in mapping.items())


def _source(model: object) -> str:
    """The first line of a sub-model's docstring: where its numbers come from."""
    doc = (getattr(model, "__doc__", None) or "").strip()
    return doc.splitlines()[0] if doc else getattr(model, "__name__", "custom sub-model")


def parameters(record: object, caption: str | None = None) -> Table:
    """:func:`paylab.parameters.parameter_table` of ``record``, with market shares written as percentages."""
    t = parameter_table(record, caption)
    frame = t.frame.copy()
    for i, name in enumerate(frame["parameter"]):
        value = getattr(record, name, None)
        if isinstance(value, Mapping):
            frame.loc[i, "value"] = _shares(value)
    return table(frame, t.caption)


def preference_table() -> Table:
    """Share of buyers in each market who choose each method first (illustrative), one row per method."""
    methods = [m for m in pm.CATALOGUE if any(m in prefs for prefs in MARKET_PREFERENCES.values())]
    rows = [{"method": pm.get(m).name, "id": m,
             **{market.replace("_", "-"): f"{float(prefs.get(m, 0)):.0%}"
                for market, prefs in MARKET_PREFERENCES.items()}} for m in methods]
    return table(pd.DataFrame(rows), "First-choice method of buyers in each market, p(m, j) "
                 "(illustrative shares; each market's column sums to 100 %)")


def effects_table(profile: MerchantProfile, models: Models = DEFAULT_MODELS,
                  threshold: float = 0.8) -> Table:
    """What each sub-model hands the dashboard for ``profile``: per policy, challenges, fraud passed,
    buyers lost to friction; the score curves at ``threshold``; and escrow's effect."""
    if not isinstance(profile, MerchantProfile):
        raise InvalidInput("profile", "a dashboard.MerchantProfile", "effects_table() takes a MerchantProfile")
    declined, caught = models.scores(threshold)
    esc = models.escrow(profile)
    auth_src, friction_src = _source(models.auth), _source(models.friction)
    scores_src, escrow_src = _source(models.scores), _source(models.escrow)
    rows = []
    for policy in AUTH_POLICIES:
        a = models.auth(policy, profile)
        rows += [{"sub-model": f"authentication: {policy}", "number": "genuine payments challenged",
                  "value": f"{a.challenge_rate:.1%}", "from": auth_src},
                 {"sub-model": f"authentication: {policy}", "number": "fraud attempts let through",
                  "value": f"{a.fraud_pass:.1%}", "from": auth_src},
                 {"sub-model": f"authentication: {policy}", "number": "genuine buyers lost to challenges",
                  "value": f"{models.friction(a.challenge_rate):.2%}", "from": friction_src}]
    rows += [{"sub-model": f"risk scores at t = {threshold:g}", "number": "genuine payments declined, D(t)",
              "value": f"{declined:.2%}", "from": scores_src},
             {"sub-model": f"risk scores at t = {threshold:g}", "number": "fraud attempts caught, R(t)",
              "value": f"{caught:.1%}", "from": scores_src},
             {"sub-model": "escrow", "number": "share of the trust gap closed", "value": f"{esc.trust_recovered:.1%}",
              "from": escrow_src},
             {"sub-model": "escrow", "number": "extra days before the seller is paid",
              "value": f"{esc.hold_days:.2f}", "from": escrow_src}]
    return table(pd.DataFrame(rows), f"What the sub-models give the dashboard for {profile.name} "
                 "(synthetic replays and illustrative parameters)")
