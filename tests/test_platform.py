"""errors, clock, checks and the command line."""

from datetime import UTC, datetime

import pytest

from paylab import cli
from paylab.checks import Feedback, check, expect, question, questions
from paylab.clock import EPOCH_2026, FixedClock, SteppingClock
from paylab.errors import InvalidInput, NotFound, PaylabError, RateLimited


def test_error_carries_field_rule_and_code():
    err = InvalidInput("amount", "no floats", "amount must not be a float")
    assert isinstance(err, PaylabError) and isinstance(err, ValueError)
    assert (err.field, err.rule, err.code) == ("amount", "no floats", "invalid_input")
    assert str(err) == "amount: amount must not be a float"
    assert "field='amount'" in repr(err)
    assert str(NotFound("no intent 'pi_1'", field="intent")) == "intent: no intent 'pi_1'"
    assert RateLimited("slow down", retry_after=30).retry_after == 30


def test_fixed_and_stepping_clocks():
    c = FixedClock()
    assert c() == EPOCH_2026 == c()
    assert c.advance(minutes=1, seconds=1) == EPOCH_2026 + 61
    assert c.isoformat().startswith("2026-01-01T00:01:01")
    with pytest.raises(InvalidInput):
        c.advance(-1)
    c.set(datetime(2026, 11, 11, tzinfo=UTC))
    assert c() == datetime(2026, 11, 11, tzinfo=UTC).timestamp()
    with pytest.raises(InvalidInput):
        FixedClock(datetime(2026, 1, 1))  # naive datetime
    s = SteppingClock(0, step=2)
    assert [s(), s(), s()] == [0, 2, 4]
    with pytest.raises(InvalidInput):
        SteppingClock(0, step=-1)


@question("selftest.double", title="double", points=3, hint="multiply by two")
def _double_checker(fn):
    expect(fn(2) == 4, "double(2) should be 4")


def test_check_statuses():
    ok = check("selftest.double", lambda x: 2 * x)
    assert ok and ok.status == "pass" and "3 points" in ok.message
    wrong = check("selftest.double", lambda x: x)
    assert not wrong and wrong.status == "wrong" and "double(2)" in wrong.message
    assert "hint: multiply by two" in str(wrong)

    def stub(x):
        raise NotImplementedError()

    assert check("selftest.double", stub).status == "not yet"
    assert check("selftest.double", None).status == "not yet"
    crash = check("selftest.double", lambda x: 1 / 0)
    assert crash.status == "wrong" and "ZeroDivisionError" in crash.message
    assert "not yet" in Feedback("a.b", "not yet", "m")._repr_html_()


def test_check_unknown_questions():
    with pytest.raises(NotFound):
        check("nolab.q1", print)
    with pytest.raises(NotFound):
        check("lab0.q99", print)
    with pytest.raises(InvalidInput):
        check("q1", print)


def test_questions_of_lab0_and_cli(capsys):
    ids = [q.id for q in questions("lab0")]
    assert ids == [f"lab0.q{i}" for i in range(1, 6)]
    assert cli.main(["questions", "lab0"]) == 0
    assert "lab0.q1" in capsys.readouterr().out
    assert cli.main(["questions", "nolab"]) == 2


def test_cli_release_and_tag(tmp_path, repo_root, capsys):
    assert cli.main(["release", str(repo_root / "labs" / "lab0_money_and_qr.ipynb"), "--out", str(tmp_path)]) == 0
    assert (tmp_path / "lab0_money_and_qr.ipynb").exists()
    assert cli.main(["release", str(tmp_path / "missing.ipynb"), "--out", str(tmp_path)]) == 2
    copy = tmp_path / "copy.ipynb"
    copy.write_bytes((repo_root / "labs" / "lab0_money_and_qr.ipynb").read_bytes())
    assert cli.main(["tag", str(copy)]) == 0
    assert "tagged 0 cell(s)" in capsys.readouterr().out
