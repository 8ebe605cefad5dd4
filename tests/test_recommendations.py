"""Tests of paylab.recommendations: the checklist, scoring, gaps and bad answers."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from paylab import recommendations as rec
from paylab.errors import InvalidInput

IDS = [i.id for i in rec.ITEMS]
answer_st = st.one_of(st.booleans(), st.floats(min_value=0, max_value=1, allow_nan=False))
answers_st = st.dictionaries(st.sampled_from(IDS), answer_st)


def test_checklist_is_complete_and_backed():
    table = rec.checklist()
    assert list(table.index) == IDS and len(set(IDS)) == len(IDS)
    assert set(table["chapter"]) >= {2, 3, 4, 5, 6}  # every chapter of the book backs an item
    assert table["backed by"].str.len().min() > 0
    assert set(table["weight"]) <= {1, 2, 3}


def test_full_and_empty_scores():
    full = rec.score(dict.fromkeys(IDS, True))
    assert full.score == 100 and full.gaps.empty and full.unanswered == ()
    empty = rec.score({})
    assert empty.score == 0 and len(empty.gaps) == len(IDS) and set(empty.unanswered) == set(IDS)
    assert empty.max_points == sum(i.weight for i in rec.ITEMS)


def test_partial_answer_by_hand():
    card = rec.score({"step_up": 0.5, "staff_training": True})
    assert card.points == 1.5 + 1
    assert card.score == round(100 * 2.5 / card.max_points, 1)
    assert card.gaps.loc["step_up", "points missed"] == 1.5
    assert "staff_training" not in card.gaps.index
    assert card.gaps["points missed"].is_monotonic_decreasing  # biggest gap first
    assert "score" in str(card)


@pytest.mark.parametrize("answers", [{"teleport": True}, {"step_up": 2}, {"step_up": "yes"}, {"step_up": None}])
def test_bad_answers_are_typed_errors(answers):
    with pytest.raises(InvalidInput) as exc:
        rec.score(answers)
    assert exc.value.field == "answers"


def test_bad_input_types():
    with pytest.raises(InvalidInput) as exc:
        rec.score([("step_up", True)])
    assert exc.value.field == "answers"
    with pytest.raises(InvalidInput) as exc:
        rec.Item("x", "a", "t", 5, 3, "b")
    assert exc.value.field == "weight"
    with pytest.raises(InvalidInput) as exc:
        rec.Item("x", "a", "t", 1, 9, "b")
    assert exc.value.field == "chapter"


def test_fictional_companies_are_labelled_and_scored():
    table = rec.compare_companies()
    assert all("fictional" in name for name in table.index)
    assert table["score"].between(0, 100).all()
    careful = [n for n in table.index if "Jade" in n][0]
    hasty = [n for n in table.index if "Harbour" in n][0]
    assert table.loc[careful, "score"] > table.loc[hasty, "score"]


@given(answers_st, st.sampled_from(IDS))
def test_doing_more_never_lowers_the_score(answers, item):
    before = rec.score(answers)
    after = rec.score({**answers, item: True})
    assert after.score >= before.score
    assert 0 <= before.score <= 100
    assert len(after.gaps) <= len(before.gaps)


def test_breakdown_adds_up_to_the_score():
    for answers in rec.FICTIONAL_COMPANIES.values():
        table = rec.breakdown(answers)
        card = rec.score(answers)
        items = table.drop(index="total")
        assert items["points w·d"].sum() == pytest.approx(card.points)
        assert table.loc["total", "weight w"] == card.max_points == 33
        assert 100 * card.points / card.max_points == pytest.approx(card.score, abs=0.05)
    with pytest.raises(InvalidInput) as exc:
        rec.breakdown({"local_methods": 2})
    assert exc.value.field == "answers"
