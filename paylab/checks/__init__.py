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
           "require", "written", "written_questions", "wrong"]

PASS, NOT_YET, WRONG = "pass", "not yet", "wrong"


class Wrong(Exception):
    """Raised by a question's checker when the answer breaks one of its rules.

    ``message`` is a template with named fields (``"{got} is not {want}"``) filled from ``values``,
    so the feedback can be said in the student's language (:mod:`paylab.language`)."""

    def __init__(self, message: str, values: dict[str, Any] | None = None):
        self.template, self.values = str(message), dict(values or {})
        super().__init__(_fill(self.template, self.values, "en"))


def _fill(template: str, values: dict[str, Any], lang: str | None = None) -> str:
    from paylab.language import fill

    return fill(template, values, lang)


def wrong(message: str, **values: Any) -> Wrong:
    """A :class:`Wrong` whose ``message`` template is filled with ``values`` (``raise wrong("...", got=x)``)."""
    return Wrong(message, values)


def expect(condition: object, message: str, **values: Any) -> None:
    """Fail the current check with ``message`` (said to the student) unless ``condition``.

    Write the message as a template with named fields and pass the values (``expect(ok, "{got} is
    not {want}", got=g, want=w)``): it is then translated before it is filled. Braces meant literally
    are doubled (``{{``), as in :meth:`str.format`; a message with no values is used as written."""
    if not condition:
        raise Wrong(message, values)


@dataclass(frozen=True)
class Question:
    """One graded question: id, title, points, hint and the checker function."""

    id: str
    title: str
    points: int
    hint: str
    checker: Callable[[Any], None] = field(repr=False)


#: What each status is called, and the word before a hint, per language.
_WORDS = {"en": {PASS: "pass", NOT_YET: "not yet", WRONG: "wrong", "hint": "hint"},
          "zh_CN": {PASS: "通过", NOT_YET: "尚未完成", WRONG: "有误", "hint": "提示"}}


@dataclass(frozen=True)
class Feedback:
    """The result of one check; true only when the answer passed. ``message`` is its English text."""

    question: str
    status: str
    message: str
    hint: str = ""
    template: str = field(default="", repr=False, compare=False)
    values: dict = field(default_factory=dict, repr=False, compare=False)

    def __bool__(self) -> bool:
        return self.status == PASS

    @property
    def passed(self) -> bool:
        return self.status == PASS

    def _parts(self, lang: str | None) -> tuple[str, str, str]:
        """(status word, message, hint) in ``lang`` (default: the kernel's language)."""
        from paylab.language import language, translate

        lang = language() if lang is None else lang
        words = _WORDS.get(lang, _WORDS["en"])
        message = _fill(self.template, self.values, lang) if self.template else translate(self.message, lang)
        hint = translate(self.hint, lang) if self.hint and self.status == WRONG else ""
        return words[self.status], message, hint

    def text(self, lang: str | None = None) -> str:
        """The feedback as one or two lines of text in ``lang`` (default: the kernel's language)."""
        from paylab.language import language

        lang = language() if lang is None else lang
        status, message, hint = self._parts(lang)
        mark = {PASS: "✔", NOT_YET: "…", WRONG: "✘"}[self.status]
        text = f"{mark} {self.question}: {status} — {message}"
        if hint:
            text += f"\n  {_WORDS.get(lang, _WORDS['en'])['hint']}: {hint}"
        return text

    def __str__(self) -> str:
        return self.text()

    def __repr__(self) -> str:
        return str(self)

    def html(self, lang: str | None = None) -> str:
        """The feedback as a coloured box, in ``lang`` (default: the kernel's language)."""
        from paylab.language import language

        lang = language() if lang is None else lang
        status, message, hint_text = self._parts(lang)
        colour = {PASS: "#1a7f37", NOT_YET: "#9a6700", WRONG: "#cf222e"}[self.status]
        hint = ""
        if hint_text:
            hint = f"<br><em>{_WORDS.get(lang, _WORDS['en'])['hint']}:</em> {html.escape(hint_text)}"
        return (f'<div style="border-left:4px solid {colour};padding:2px 8px">'
                f"<b>{html.escape(self.question)}</b>: "
                f'<span style="color:{colour}">{status}</span> — '
                f"{html.escape(message)}{hint}</div>")

    def _repr_html_(self) -> str:
        return self.html()

    def _repr_mimebundle_(self, include=None, exclude=None):
        from paylab.language import mimebundle

        return mimebundle(lambda: {"text/html": self.html(), "text/plain": self.text()})


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


def _feedback(qid: str, status: str, hint: str, message: str, **values: Any) -> Feedback:
    return Feedback(qid, status, _fill(message, values, "en"), hint, message, values)


def check(qid: str, answer: Any) -> Feedback:
    """Check ``answer`` (usually the student's function) against question ``qid``."""
    q = _lookup(qid)
    if answer is None or answer is Ellipsis:
        return _feedback(qid, NOT_YET, q.hint, "no answer yet")
    try:
        q.checker(answer)
    except NotImplementedError:
        return _feedback(qid, NOT_YET, q.hint, "still raises NotImplementedError: replace the stub "
                         "marked YOUR CODE HERE")
    except Wrong as exc:
        return Feedback(qid, WRONG, str(exc), q.hint, exc.template, exc.values)
    except Exception as exc:  # the student's code failed: say how, do not crash the lab
        return _feedback(qid, WRONG, q.hint, "your code raised {error}: {detail}", error=type(exc).__name__,
                         detail=str(exc))
    if q.points == 1:
        return _feedback(qid, PASS, q.hint, "all checks hold (1 point)")
    return _feedback(qid, PASS, q.hint, "all checks hold ({points} points)", points=q.points)


class NotPassed(AssertionError):
    """Raised by :func:`require` when an answer is wrong or missing, so that the cell fails under a grader."""

    def _render_traceback_(self) -> list[str]:
        """What Jupyter shows for it: one line, the message, not paylab's frames (the feedback is above)."""
        return [f"\x1b[31mNotPassed\x1b[39m: {self}"]


def _lang() -> str:
    from paylab.language import language

    return language()


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
        status = _WORDS.get(_lang(), _WORDS["en"])[feedback.status]
        raise NotPassed(_fill("{qid} has not passed yet ({status}): {earned} of {points} point(s) — read the "
                              "feedback above", {"qid": qid, "status": status, "earned": 0, "points": points}))


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
