"""Lab questions and instant feedback.

A lab registers its questions in one module, ``paylab.checks.<lab>``, with the
:func:`question` decorator. A student calls ``check("lab0.q1", my_function)``
and gets a :class:`Feedback`: *pass*, *not yet* (the stub still raises
``NotImplementedError``) or *wrong* with what is wrong and a hint — never the
answer itself.
"""

from __future__ import annotations

import html
import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from paylab.errors import InvalidInput, NotFound

__all__ = ["Feedback", "Question", "Wrong", "check", "expect", "question", "questions"]

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


def questions(lab: str) -> list[Question]:
    """The registered questions of one lab, in the order the lab module defines them."""
    _load(lab)
    return [q for qid, q in _REGISTRY.items() if qid.split(".", 1)[0] == lab]
