"""Lab questions and instant feedback.

A lab registers its questions in one module, ``paylab.checks.<lab>``, with the
:func:`question` decorator. A student calls ``check("lab0.q1", my_function)``
and gets a :class:`Feedback`: *pass*, *not yet* (the stub still raises
``NotImplementedError``) or *wrong* with what is wrong and a hint — never the
answer itself.

A lab's check cell calls :func:`require` instead: it shows the same feedback
and, when the answer has not passed, stops the cell with :class:`NotPassed`
(an ``AssertionError``), so that a grader such as nbgrader scores a wrong or
missing answer 0. Written answers are registered with :func:`written` and
graded by hand against their rubric.
"""

from __future__ import annotations

import html
import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from paylab.errors import InvalidInput, NotFound

__all__ = ["Feedback", "NotPassed", "Question", "Written", "Wrong", "check", "expect", "question", "questions",
           "require", "written", "written_questions"]

PASS, NOT_YET, WRONG = "pass", "not yet", "wrong"


class Wrong(Exception):
    """Raised by a question's checker when the answer breaks one of its rules."""


def expect(condition: object, message: str) -> None:
    """Fail the current check with ``message`` (said to the student) unless ``condition``."""
    if not condition:
        raise Wrong(message)


@dataclass(frozen=True)
class Question:
    """One graded question: id, title, points, hint and the checker function."""

    id: str
    title: str
    points: int
    hint: str
    checker: Callable[[Any], None] = field(repr=False)


@dataclass(frozen=True)
class Feedback:
    """The result of one check; true only when the answer passed."""

    question: str
    status: str
    message: str
    hint: str = ""

    def __bool__(self) -> bool:
        return self.status == PASS

    @property
    def passed(self) -> bool:
        return self.status == PASS

    def __str__(self) -> str:
        mark = {PASS: "✔", NOT_YET: "…", WRONG: "✘"}[self.status]
        text = f"{mark} {self.question}: {self.status} — {self.message}"
        if self.hint and self.status == WRONG:
            text += f"\n  hint: {self.hint}"
        return text

    def __repr__(self) -> str:
        return str(self)

    def _repr_html_(self) -> str:
        colour = {PASS: "#1a7f37", NOT_YET: "#9a6700", WRONG: "#cf222e"}[self.status]
        hint = ""
        if self.hint and self.status == WRONG:
            hint = f"<br><em>hint:</em> {html.escape(self.hint)}"
        return (f'<div style="border-left:4px solid {colour};padding:2px 8px">'
                f"<b>{html.escape(self.question)}</b>: "
                f'<span style="color:{colour}">{self.status}</span> — '
                f"{html.escape(self.message)}{hint}</div>")


_REGISTRY: dict[str, Question] = {}


def question(qid: str, *, title: str, points: int = 1, hint: str = "") -> Callable:
    """Register a checker for question ``qid`` (``"<lab>.<name>"``)."""
    if "." not in qid:
        raise InvalidInput("qid", "'<lab>.<name>'", f"question id {qid!r} must look like 'lab0.q1'")

    def register(fn: Callable[[Any], None]) -> Callable[[Any], None]:
        _REGISTRY[qid] = Question(qid, title, points, hint, fn)
        return fn

    return register


def _load(lab: str) -> None:
    try:
        importlib.import_module(f"paylab.checks.{lab}")
    except ModuleNotFoundError as exc:
        if exc.name != f"paylab.checks.{lab}":
            raise
        raise NotFound(f"no lab called {lab!r}", field="question") from None


def _lookup(qid: str) -> Question:
    if not isinstance(qid, str) or "." not in qid:
        raise InvalidInput("question", "'<lab>.<name>'", f"question id {qid!r} must look like 'lab0.q1'")
    if qid not in _REGISTRY:
        _load(qid.split(".", 1)[0])
    if qid not in _REGISTRY:
        raise NotFound(f"no question {qid!r}", field="question")
    return _REGISTRY[qid]


def check(qid: str, answer: Any) -> Feedback:
    """Check ``answer`` (usually the student's function) against question ``qid``."""
    q = _lookup(qid)
    if answer is None or answer is Ellipsis:
        return Feedback(qid, NOT_YET, "no answer yet", q.hint)
    try:
        q.checker(answer)
    except NotImplementedError:
        return Feedback(qid, NOT_YET, "still raises NotImplementedError: replace the stub "
                        "marked YOUR CODE HERE", q.hint)
    except Wrong as exc:
        return Feedback(qid, WRONG, str(exc), q.hint)
    except Exception as exc:  # the student's code failed: say how, do not crash the lab
        return Feedback(qid, WRONG, f"your code raised {type(exc).__name__}: {exc}", q.hint)
    return Feedback(qid, PASS, f"all checks hold ({q.points} point{'s' * (q.points != 1)})")


class NotPassed(AssertionError):
    """Raised by :func:`require` when an answer is wrong or missing, so that the cell fails under a grader."""


def _show(feedback: Feedback) -> None:
    try:
        from IPython.display import display
    except ImportError:  # plain Python: the text form is enough
        print(feedback)
    else:
        display(feedback)


def require(qid: str, answer: Any) -> None:
    """Show the feedback of :func:`check` and raise :class:`NotPassed` unless the answer passed.

    Nothing is returned, so a graded cell has no result for nbgrader to misread as a score.
    """
    feedback = check(qid, answer)
    _show(feedback)
    if not feedback.passed:
        points = _lookup(qid).points
        raise NotPassed(f"{qid} has not passed yet ({feedback.status}): 0 of {points} "
                        f"point{'s' * (points != 1)} — read the feedback above")


@dataclass(frozen=True)
class Written:
    """A written answer graded by hand: id, title, points and the rubric a grader applies."""

    id: str
    title: str
    points: int
    rubric: tuple[str, ...]


_WRITTEN: dict[str, Written] = {}


def written(qid: str, *, title: str, points: int, rubric: tuple[str, ...]) -> Written:
    """Register a hand-graded written answer ``qid`` with its rubric (one line per criterion)."""
    if "." not in qid:
        raise InvalidInput("qid", "'<lab>.<name>'", f"question id {qid!r} must look like 'capstone.memo'")
    if not isinstance(points, int) or not 1 <= points <= 20:
        raise InvalidInput("points", "1 <= points <= 20", f"points must be a whole number from 1 to 20, not {points!r}")
    if not rubric:
        raise InvalidInput("rubric", "non-empty", "a written answer needs at least one rubric line")
    _WRITTEN[qid] = Written(qid, title, points, tuple(rubric))
    return _WRITTEN[qid]


def written_questions(lab: str) -> list[Written]:
    """The hand-graded written answers of one lab, in the order the lab module registers them."""
    _load(lab)
    return [w for qid, w in _WRITTEN.items() if qid.split(".", 1)[0] == lab]


def questions(lab: str) -> list[Question]:
    """The registered questions of one lab, in the order the lab module defines them."""
    _load(lab)
    return [q for qid, q in _REGISTRY.items() if qid.split(".", 1)[0] == lab]
