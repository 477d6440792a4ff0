"""Answers files in, graded quizzes out.

An answers file is TOML: `student = "ID"`, `quiz = "QUIZ-ID"` and an `[answers]` table keyed by
question id. A file that cannot be read, or lacks the student or the quiz, is a one-line error; an
answer of the wrong type is that question's zero with the reason, and an unknown question id is
listed and ignored. Nothing in a student's file can crash the grader.
"""
from __future__ import annotations

import json
import math
import tomllib
from dataclasses import asdict, dataclass, field
from pathlib import Path

from grader.errors import GradeError
from grader.i18n import Messages
from grader.quiz.sheet import Sheet, SheetQuestion, show_number

MAX_ANSWERS_BYTES = 256 * 1024
TRUE_WORDS = {"true", "t", "yes", "o", "참", "예"}
FALSE_WORDS = {"false", "f", "no", "x", "거짓", "아니오"}


@dataclass(frozen=True)
class Answers:
    student: str
    quiz: str
    answers: dict[str, object]


@dataclass
class QuestionResult:
    id: str
    number: int
    status: str
    """correct, partial, wrong, unanswered or invalid (an answer of the wrong type)."""
    score: float
    max_score: float
    prompt: str = ""
    given: str = ""
    expected: str = ""
    explanation: str = ""
    problem: str = ""
    """Why an answer could not be read, in the report's language."""


@dataclass
class QuizResult:
    student: str
    quiz: str
    title: str
    lang: str
    questions: list[QuestionResult]
    ignored: list[str] = field(default_factory=list)
    """Question ids in the answers file that this quiz does not have."""

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
        data.update(title=self.title, lang=self.lang, ignored=self.ignored,
                    questions=[asdict(q) for q in self.questions])
        return json.dumps(data, ensure_ascii=False, indent=2)


def read_answers(path: Path) -> Answers:
    path = Path(path)
    if not path.is_file():
        raise GradeError("error.missing-answers", path=path)
    if path.stat().st_size > MAX_ANSWERS_BYTES:
        raise GradeError("error.answers-unreadable", path=path, reason=f"larger than {MAX_ANSWERS_BYTES // 1024} KiB")
    return parse_answers(path.read_bytes(), path)


def parse_answers(data: bytes, path: Path | str) -> Answers:
    """An answers file's bytes, read as `path` (named in errors)."""
    try:
        data = tomllib.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise GradeError("error.answers-unreadable", path=path, reason=str(error).splitlines()[0]) from None
    student, quiz, answers = data.get("student"), data.get("quiz"), data.get("answers", {})
    if not isinstance(student, str) or not student or not isinstance(quiz, str) or not quiz:
        raise GradeError("error.answers-unreadable", path=path, reason='it needs student = "ID" and quiz = "QUIZ-ID"')
    if not isinstance(answers, dict):
        raise GradeError("error.answers-unreadable", path=path, reason="[answers] must be a table")
    return Answers(student, quiz, answers)


def grade_answers(sheet: Sheet, answers: Answers, lang: str) -> QuizResult:
    messages = Messages(lang)
    results = [_grade_one(q, answers.answers.get(q.question.id), messages) for q in sheet.questions]
    ignored = sorted(key for key in answers.answers if sheet.question(key) is None)
    return QuizResult(sheet.student, sheet.quiz.id, sheet.quiz.title(lang), lang, results, ignored)


class _Invalid(ValueError):
    pass


def _grade_one(item: SheetQuestion, given: object, messages: Messages) -> QuestionResult:
    question = item.question
    result = QuestionResult(question.id, item.number, "unanswered", 0.0, question.points, prompt=item.prompt(messages.lang),
                            expected=show_answer(item.answer), explanation=item.explanation(messages.lang))
    if given is None:
        return result
    result.given = _printable(given)
    try:
        share = _share(item, given)
    except _Invalid as problem:
        result.status, result.problem = "invalid", messages.t(f"quiz.invalid-{problem}")
        return result
    result.score = round(question.points * share, 2)
    result.status = "correct" if share == 1 else "partial" if share > 0 else "wrong"
    return result


def _share(item: SheetQuestion, given: object) -> float:
    """The fraction of the points earned; raises _Invalid (naming the expected type) for a wrong type."""
    kind = item.question.type
    if kind == "single":
        if not isinstance(given, str) or given.strip().upper() not in {letter for letter, _ in item.choices}:
            raise _Invalid("letter")
        return float(given.strip().upper() == item.answer)
    if kind == "multiple":
        picks = _letters(given, {letter for letter, _ in item.choices})
        right = set(item.answer)
        return max(0.0, (len(picks & right) - len(picks - right)) / len(right))
    if kind == "truefalse":
        return float(_truth(given) == item.answer)
    value = _number(given)
    expected = float(item.answer)
    tolerance = item.question.abs_tolerance + item.question.rel_tolerance * abs(expected)
    return float(abs(value - expected) <= tolerance + 1e-12)


# The Korean 2-beolsik layout: with the Korean input on, the key for A types ㅁ. Letters and true/false
# typed that way are read as the Latin letters on the same keys (shifted jamo too: ㅃ is Q).
DUBEOLSIK = str.maketrans({
    "ㅂ": "Q", "ㅈ": "W", "ㄷ": "E", "ㄱ": "R", "ㅅ": "T", "ㅛ": "Y", "ㅕ": "U", "ㅑ": "I", "ㅐ": "O", "ㅔ": "P",
    "ㅁ": "A", "ㄴ": "S", "ㅇ": "D", "ㄹ": "F", "ㅎ": "G", "ㅗ": "H", "ㅓ": "J", "ㅏ": "K", "ㅣ": "L",
    "ㅋ": "Z", "ㅌ": "X", "ㅊ": "C", "ㅍ": "V", "ㅠ": "B", "ㅜ": "N", "ㅡ": "M",
    "ㅃ": "Q", "ㅉ": "W", "ㄸ": "E", "ㄲ": "R", "ㅆ": "T", "ㅒ": "O", "ㅖ": "P",
})


def parse_typed_answer(item: SheetQuestion, text: str) -> object:
    """What a student typed in the terminal, as the answers file keeps it; raises ValueError(problem key)."""
    kind = item.question.type
    if kind in ("single", "multiple") or (kind == "truefalse" and text.strip().lower() not in TRUE_WORDS | FALSE_WORDS):
        text = text.translate(DUBEOLSIK)
    letters = {letter for letter, _ in item.choices}
    try:
        if kind == "single":
            if text.strip().upper() not in letters:
                raise _Invalid("letter")
            return text.strip().upper()
        if kind == "multiple":
            return sorted(_letters(text, letters))
        if kind == "truefalse":
            return _truth(text)
        return _number(text)
    except _Invalid as problem:
        raise ValueError(f"quiz.invalid-{problem}") from None


def _letters(given: object, allowed: set[str]) -> set[str]:
    if isinstance(given, str):
        parts = given.replace(",", " ").split()
        parts = parts if len(parts) > 1 else list(given.strip())
    elif isinstance(given, list) and all(isinstance(item, str) for item in given):
        parts = given
    else:
        raise _Invalid("letters")
    picks = {part.strip().upper() for part in parts if part.strip()}
    if not picks or not picks <= allowed:
        raise _Invalid("letters")
    return picks


def _truth(given: object) -> bool:
    if isinstance(given, bool):
        return given
    if isinstance(given, str) and given.strip().lower() in TRUE_WORDS | FALSE_WORDS:
        return given.strip().lower() in TRUE_WORDS
    raise _Invalid("truth")


def _number(given: object) -> float:
    if isinstance(given, bool):
        raise _Invalid("number")
    try:
        value = float(given.strip()) if isinstance(given, str) else float(given)
    except (TypeError, ValueError):
        raise _Invalid("number") from None
    if not math.isfinite(value):
        raise _Invalid("number")
    return value


def show_answer(answer: object) -> str:
    if isinstance(answer, bool):
        return "true" if answer else "false"
    if isinstance(answer, list):
        return ", ".join(answer)
    return show_number(answer)


def _printable(given: object) -> str:
    text = ", ".join(map(str, given)) if isinstance(given, list) else str(given)
    return text[:200]


def answers_toml(sheet: Sheet, answers: dict[str, object]) -> str:
    """An answers file (the key, or what `quiz take` collected), in the documented format."""
    lines = [f"student = {_toml(sheet.student)}", f"quiz = {_toml(sheet.quiz.id)}", "", "[answers]"]
    for item in sheet.questions:
        if item.question.id in answers:
            lines.append(f"{_toml(item.question.id)} = {_toml(answers[item.question.id])}")
    return "\n".join(lines) + "\n"


def _toml(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(float(value))
    if isinstance(value, list):
        return "[" + ", ".join(_toml(item) for item in value) + "]"
    return json.dumps(str(value), ensure_ascii=False)  # a TOML basic string: JSON's escapes are TOML's
