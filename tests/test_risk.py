"""paylab.risk: scoring, levels, validation and the heat-map counts."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from paylab.compliance import CONTROLS
from paylab.errors import InvalidInput
from paylab.risk import CATEGORIES, RISKS, Risk, heat_counts, level, risk_register


def test_register_covers_the_four_families_and_sorts():
    reg = risk_register()
    assert set(reg["category"]) == set(CATEGORIES)
    assert list(reg["score"]) == sorted(reg["score"], reverse=True)
    assert (reg["score"] == reg["likelihood"] * reg["impact"]).all()
    assert (reg["residual score"] <= reg["score"]).all()


def test_controls_exist_in_the_catalogue():
    for risk in RISKS:
        assert set(risk.controls) <= set(CONTROLS), risk.id


@given(st.integers(1, 5), st.integers(1, 5))
def test_level_bands(lik, imp):
    name = level(lik * imp)
    assert name == ("low" if lik * imp <= 4 else "medium" if lik * imp <= 9 else "high" if lik * imp <= 15
                    else "critical")


def test_heat_counts():
    reg = risk_register()
    before, after = heat_counts(reg), heat_counts(reg, residual=True)
    assert before.to_numpy().sum() == after.to_numpy().sum() == len(RISKS)
    assert before.loc[4, 4] == 1                     # L1: likelihood 4, impact 4
    assert list(before.index) == [5, 4, 3, 2, 1]
    with pytest.raises(InvalidInput):
        heat_counts(reg.drop(columns=["impact"]))


@pytest.mark.parametrize(("kwargs", "field"), [({"category": "financial"}, "category"),
                                               ({"likelihood": 6}, "likelihood"),
                                               ({"residual_impact": 5, "impact": 3}, "residual_likelihood"),
                                               ({"controls": ()}, "controls"), ({"impact": True}, "impact")])
def test_bad_risks(kwargs, field):
    base = dict(id="X1", category="technical", title="t", cause="c", likelihood=3, impact=4, controls=("c",),
                residual_likelihood=2, residual_impact=2)
    with pytest.raises(InvalidInput) as err:
        Risk(**{**base, **kwargs})
    assert err.value.field == field


def test_duplicate_ids_and_bad_scores():
    with pytest.raises(InvalidInput) as err:
        risk_register([RISKS[0], RISKS[0]])
    assert err.value.field == "id"
    with pytest.raises(InvalidInput):
        level(26)


def test_plots_draw_with_labels():
    import matplotlib.pyplot as plt

    from paylab.auth import evaluate_policies, far_frr, simulate_scores, standard_policies, synthetic_payments
    from paylab.netsec import confusion_matrix
    from paylab.plots.security import (
        brute_force_plot,
        confusion_plot,
        risk_heat_map,
        roc_det,
        score_histogram,
        stepup_tradeoff,
    )

    reg = risk_register()
    fig = risk_heat_map(reg)
    texts = [t.get_text() for ax in fig.axes for t in ax.texts]
    assert any("L1" in t for t in texts) and fig.axes[0].get_title() == "before controls"
    scores = simulate_scores(200, 2000, seed=0)
    assert roc_det(far_frr(scores), (0.5, 0.05)).axes[1].get_xlabel() == "false accept rate (FAR)"
    assert score_histogram(scores, 0.5).axes[0].get_legend() is not None
    table = evaluate_policies(standard_policies(), synthetic_payments(500, seed=1))
    assert len(stepup_tradeoff(table).axes[0].collections) == len(table)
    cost = pd.DataFrame([{"parameters": "n=2^10, r=8, p=1", "days: 6-digit PIN": 0.1,
                          "days: 8 lower-case letters": 9.0}])
    assert brute_force_plot(cost).axes[0].get_yscale() == "log"
    assert confusion_plot(confusion_matrix([True, False], [True, True])).axes[0].texts[0].get_text() == "1"
    plt.close("all")


def test_r1_controls_lower_impact_not_likelihood():
    """Issue 11: the chapter says R1's controls (encryption, minimisation, response) lower its impact only."""
    r1 = next(r for r in RISKS if r.id == "R1")
    assert r1.residual_likelihood == r1.likelihood and r1.residual_impact < r1.impact


def test_heat_table_has_named_columns_and_every_id():
    from paylab.risk import heat_table

    reg = risk_register()
    for residual in (False, True):
        t = heat_table(reg, residual=residual)
        assert list(t.columns) == ["likelihood", *[f"impact {i}" for i in range(1, 6)]]
        ids = [x for col in t.columns[1:] for cell in t[col] for x in cell.split(", ") if x != "·"]
        assert sorted(ids) == sorted(reg["id"])
    assert "L1" in heat_table(reg).loc[1, "impact 4"]             # likelihood 4 is the second row
    with pytest.raises(InvalidInput):
        heat_table(reg.drop(columns=["id"]))
