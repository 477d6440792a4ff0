"""Answers marked: each question's share of its points, and the quiz's result.

An answer of the wrong type is that question's zero with the reason, and an unknown question id is
listed and ignored (the answers file itself is read by grader.quiz.answers_file).
"""
from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field

from grader.errors import GradeError
from grader.i18n import Messages
from grader.quiz.answers_file import Answers
from grader.quiz.kinds import QuestionRow, QuestionStatus, QuestionType
from grader.quiz.sheet import Sheet, SheetQuestion, show_number

TRUE_WORDS = {"true", "t", "yes", "o", "참", "예"}
FALSE_WORDS = {"false", "f", "no", "x", "거짓", "아니오"}


@dataclass
class QuestionResult:
    id: str
    number: int
    status: QuestionStatus
    score: float
    max_score: float
    prompt: str = ""
    given: str = ""
    expected: str = ""
    explanation: str = ""
    problem: str = ""
    """Why an answer could not be read, in the report's language."""

    @property
    def shows_answer(self) -> bool:
        """Whether a report shows the right answer and why: for a question graded and not answered right."""
        return self.status not in (QuestionStatus.CORRECT, QuestionStatus.NOT_GRADED)


@dataclass
class QuizResult:
    student: str
    quiz: str
    title: str
    lang: str
    questions: list[QuestionResult]
    ignored: list[str] = field(default_factory=list)
    """Question ids in the answers file that this quiz does not have."""
    problem: str = ""
    """Why the answers file was not graded (unreadable, or for another quiz), in the report's language; every
    question is then not graded, for no points."""
    named: str = ""
    """The student id written in the answers file when it is not the student graded (the owner of the folder or
    zip it was handed in with, whose own sheet it was graded on): another student's answers, or an id written
    differently. Empty when they agree."""
    note: str = ""
    """What the report says about `named`, in the report's language; empty when they agree."""

    @property
    def score(self) -> float:
        return round(sum(q.score for q in self.questions), 2)

    @property
    def max_score(self) -> float:
        return round(sum(q.max_score for q in self.questions), 2)

    def summary(self) -> dict:
        """The `--json` shape: student, quiz, score, max_score and per question id, status and points."""
        return {"student": self.student, "quiz": self.quiz, "score": self.score, "max_score": self.max_score,
                "questions": [{"id": q.id, "status": q.status, "score": q.score, "max_score": q.max_score}
                              for q in self.questions]}

    def to_json(self) -> str:
        data = self.summary()
        data.update(title=self.title, lang=self.lang, ignored=self.ignored, problem=self.problem, named=self.named,
                    note=self.note, questions=[asdict(q) for q in self.questions])
        return json.dumps(data, ensure_ascii=False, indent=2)

    def rows(self) -> tuple[QuestionRow, ...]:
        """The questions as the gradebook keeps them."""
        return tuple(QuestionRow(q.id, q.status, q.score, q.max_score) for q in self.questions)


def not_graded(sheet: Sheet, problem: str, lang: str) -> QuizResult:
    """The result of an answers file that cannot be graded for this sheet's quiz: no points, and why."""
    questions = [QuestionResult(item.question.id, item.number, QuestionStatus.NOT_GRADED, 0.0, item.question.points,
                                prompt=item.prompt(lang)) for item in sheet.questions]
    return QuizResult(sheet.student, sheet.quiz.id, sheet.quiz.title(lang), lang, questions, problem=problem)


def grade_answers(sheet: Sheet, answers: Answers, lang: str) -> QuizResult:
    """Every question of the sheet marked; a sheet from a bank without answers (a student kit) is refused."""
    if not sheet.has_answers:
        raise GradeError("quiz.marked-by-instructor", quiz=sheet.quiz.id)
    messages = Messages(lang)
    results = [_grade_one(q, answers.answers.get(q.question.id), messages) for q in sheet.questions]
    ignored = sorted(key for key in answers.answers if sheet.question(key) is None)
    return QuizResult(sheet.student, sheet.quiz.id, sheet.quiz.title(lang), lang, results, ignored)


class Invalid(ValueError):
    """An answer of the wrong type; its argument names the expected type (a key under quiz.invalid-)."""


def _grade_one(item: SheetQuestion, given: object, messages: Messages) -> QuestionResult:
    question = item.question
    result = QuestionResult(question.id, item.number, QuestionStatus.UNANSWERED, 0.0, question.points,
                            prompt=item.prompt(messages.lang),
                            expected=show_answer(item.answer), explanation=item.explanation(messages.lang))
    if given is None:
        return result
    result.given = _printable(given)
    try:
        share = _share(item, given)
    except Invalid as problem:
        result.status, result.problem = QuestionStatus.INVALID, messages.t(f"quiz.invalid-{problem}")
        return result
    result.score = round(question.points * share, 2)
    result.status = (QuestionStatus.CORRECT if share == 1 else QuestionStatus.PARTIAL if share > 0
                     else QuestionStatus.WRONG)
    return result


def _share(item: SheetQuestion, given: object) -> float:
    """The fraction of the points earned; raises Invalid (naming the expected type) for a wrong type."""
    kind = item.question.type
    if kind == QuestionType.SINGLE:
        if not isinstance(given, str) or given.strip().upper() not in {letter for letter, _ in item.choices}:
            raise Invalid("letter")
        return float(given.strip().upper() == item.answer)
    if kind == QuestionType.MULTIPLE:
        picks = read_letters(given, {letter for letter, _ in item.choices})
        right = set(item.answer)
        return max(0.0, (len(picks & right) - len(picks - right)) / len(right))
    if kind == QuestionType.TRUEFALSE:
        return float(read_truth(given) == item.answer)
    value = read_number(given)
    expected = float(item.answer)
    tolerance = item.question.abs_tolerance + item.question.rel_tolerance * abs(expected)
    return float(abs(value - expected) <= tolerance + 1e-12)


def read_letters(given: object, allowed: set[str]) -> set[str]:
    if isinstance(given, str):
        parts = given.replace(",", " ").split()
        parts = parts if len(parts) > 1 else list(given.strip())
    elif isinstance(given, list) and all(isinstance(item, str) for item in given):
        parts = given
    else:
        raise Invalid("letters")
    picks = {part.strip().upper() for part in parts if part.strip()}
    if not picks or not picks <= allowed:
        raise Invalid("letters")
    return picks


def read_truth(given: object) -> bool:
    if isinstance(given, bool):
        return given
    if isinstance(given, str) and given.strip().lower() in TRUE_WORDS | FALSE_WORDS:
        return given.strip().lower() in TRUE_WORDS
    raise Invalid("truth")


def read_number(given: object) -> float:
    if isinstance(given, bool):
        raise Invalid("number")
    try:
        value = float(given.strip()) if isinstance(given, str) else float(given)
    except (TypeError, ValueError):
        raise Invalid("number") from None
    if not math.isfinite(value):
        raise Invalid("number")
    return value


def show_answer(answer: object) -> str:
    if isinstance(answer, bool):
        return "true" if answer else "false"
    if isinstance(answer, list):
        return ", ".join(answer)
    return show_number(answer)


def _printable(given: object) -> str:
    """A student's answer as every report shows it: one line of inert text (no escape sequence or control
    character reaches an instructor's terminal), at most 200 characters."""
    from grader.render.safe import terminal_text

    text = ", ".join(map(str, given)) if isinstance(given, list) else str(given)
    return terminal_text(text)[:200]
