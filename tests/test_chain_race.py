"""paylab.chain.doublespend: the whitepaper's numbers and the Monte Carlo race."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from paylab.chain import (
    WHITEPAPER_MIN_Z,
    WHITEPAPER_PRINTED,
    double_spend_probability,
    double_spend_probability_exact,
    min_confirmations,
    simulate_double_spend,
    wilson_interval,
)
from paylab.chain.doublespend import whitepaper_min_z_rows, whitepaper_rows
from paylab.errors import InvalidInput

# Nakamoto (2008), section 11, as printed (FACTS.md, confirmed values)
WHITEPAPER = [
    (0.1, 1, "0.2045873"), (0.1, 5, "0.0009137"), (0.1, 10, "0.0000012"),
    (0.3, 5, "0.1773523"), (0.3, 10, "0.0416605"), (0.3, 50, "0.0000006"),
]


@pytest.mark.parametrize(("q", "z", "printed"), WHITEPAPER)
def test_matches_the_whitepaper_to_seven_decimals(q, z, printed):
    assert f"{double_spend_probability(q, z):.7f}" == printed


# Every row of the whitepaper's section-11 tables, as printed (Nakamoto 2008)
PRINTED_Q01 = ["1.0000000", "0.2045873", "0.0509779", "0.0131722", "0.0034552", "0.0009137", "0.0002428",
               "0.0000647", "0.0000173", "0.0000046", "0.0000012"]
PRINTED_Q03 = ["1.0000000", "0.1773523", "0.0416605", "0.0101008", "0.0024804", "0.0006132", "0.0001522",
               "0.0000379", "0.0000095", "0.0000024", "0.0000006"]
PRINTED_MIN_Z = {0.10: 5, 0.15: 8, 0.20: 11, 0.25: 15, 0.30: 24, 0.35: 41, 0.40: 89, 0.45: 340}


def test_the_printed_tables_are_complete():
    assert {(0.1, z): v for z, v in enumerate(PRINTED_Q01)} | {
        (0.3, 5 * i): v for i, v in enumerate(PRINTED_Q03)} == WHITEPAPER_PRINTED
    assert WHITEPAPER_MIN_Z == PRINTED_MIN_Z


@pytest.mark.parametrize("q", [0.1, 0.3])
def test_every_printed_row_is_reproduced(q):
    rows = whitepaper_rows(q)
    assert len(rows) == 11 and all(r["same to 7 decimals"] for r in rows)


def test_every_minimum_z_is_reproduced():
    rows = whitepaper_min_z_rows()
    assert [r["computed z"] for r in rows] == list(PRINTED_MIN_Z.values())
    assert all(r["same"] for r in rows)
    with pytest.raises(InvalidInput) as e:
        whitepaper_rows(0.2)
    assert e.value.field == "q"


def test_confirmations_needed_for_one_in_a_thousand():
    assert min_confirmations(0.10) == 5
    assert min_confirmations(0.30) == 24


def test_edges():
    assert double_spend_probability(0.1, 0) == 1.0
    assert double_spend_probability(0.5, 100) == 1.0
    assert double_spend_probability(0.0, 3) == 0.0
    assert double_spend_probability_exact(0.6, 3) == 1.0


@given(st.floats(0.01, 0.45), st.integers(0, 60))
def test_more_confirmations_never_help_the_attacker(q, z):
    assert double_spend_probability(q, z + 1) <= double_spend_probability(q, z) + 1e-15
    assert 0.0 <= double_spend_probability(q, z) <= 1.0


@given(st.floats(0.01, 0.4), st.integers(1, 30))
def test_more_hash_power_helps_the_attacker(q, z):
    assert double_spend_probability(q + 0.05, z) >= double_spend_probability(q, z)


@pytest.mark.parametrize(("q", "z"), [(0.1, 1), (0.1, 3), (0.3, 5), (0.3, 10), (0.3, 20)])
def test_simulation_agrees_with_the_closed_form(q, z):
    r = simulate_double_spend(q, z, trials=40_000, seed=7, confidence=0.999)
    assert r.contains(double_spend_probability(q, z)), (r, double_spend_probability(q, z))


@pytest.mark.parametrize(("q", "z"), [(0.1, 2), (0.3, 5), (0.3, 10)])
def test_block_by_block_race_agrees_with_the_exact_formula(q, z):
    r = simulate_double_spend(q, z, trials=40_000, seed=3, model="race", confidence=0.999)
    assert r.contains(double_spend_probability_exact(q, z))
    # and the Poisson shortcut underestimates this race at q = 0.3
    if q == 0.3:
        assert not r.contains(double_spend_probability(q, z))


def test_simulation_is_reproducible_and_seed_dependent():
    a = simulate_double_spend(0.3, 5, 5000, seed=1)
    assert a == simulate_double_spend(0.3, 5, 5000, seed=1)
    assert a.successes != simulate_double_spend(0.3, 5, 5000, seed=2).successes
    assert a.ci_low <= a.estimate <= a.ci_high


def test_majority_attacker_always_wins():
    r = simulate_double_spend(0.6, 10, 100, seed=0)
    assert r.successes == 100


def test_wilson_interval():
    lo, hi = wilson_interval(0, 1000)
    assert lo == pytest.approx(0.0, abs=1e-15) and 0.003 < hi < 0.004
    lo, hi = wilson_interval(500, 1000)
    assert lo < 0.5 < hi and hi - lo == pytest.approx(0.062, abs=0.001)


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"q": 1.5, "z": 1}, "q"), ({"q": -0.1, "z": 1}, "q"), ({"q": "0.1", "z": 1}, "q"),
    ({"q": 0.1, "z": -1}, "z"), ({"q": 0.1, "z": 1.0}, "z"), ({"q": float("nan"), "z": 1}, "q"),
])
def test_bad_inputs_name_the_field(kwargs, field):
    with pytest.raises(InvalidInput) as e:
        double_spend_probability(**kwargs)
    assert e.value.field == field


def test_bad_simulation_inputs():
    for kwargs, field in [({"trials": 0}, "trials"), ({"seed": 1.5}, "seed"), ({"model": "x"}, "model")]:
        with pytest.raises(InvalidInput) as e:
            simulate_double_spend(0.1, 1, **{"trials": 10, **kwargs})
        assert e.value.field == field
    with pytest.raises(InvalidInput) as e:
        min_confirmations(0.5)
    assert e.value.field == "q"
    with pytest.raises(InvalidInput) as e:
        min_confirmations(0.1, p_max=2)
    assert e.value.field == "p_max"
