"""The question bank (bank.toml) as typed records, checked when it is read.

A bank has the right answers and their explanations (the course's own bank, a grading kit's) or, in a
student kit, none at all: such a bank says `has_answers = false` at its top, and a question there that
carries an answer or an explanation is refused. grader.quiz.kit writes one from a full bank.
"""
from __future__ import annotations

import dataclasses
import tomllib
from dataclasses import dataclass
from pathlib import Path

from grader.catalog import Text
from grader.errors import CatalogError
from grader.toml_cache import read_toml
from grader.quiz.generators import GENERATORS
from grader.quiz.kinds import QuestionType

BANK_PATH = Path(__file__).with_name("bank.toml")
TYPES = tuple(QuestionType)


@dataclass(frozen=True)
class Choice:
    id: str
    text: Text


@dataclass(frozen=True)
class Question:
    id: str
    topic: str
    type: QuestionType
    prompt: Text
    explanation: Text | None
    """Why the right answer is right; None in a bank without answers."""
    points: float = 1.0
    choices: tuple[Choice, ...] = ()
    answer: object = None
    """A choice id (single), choice ids (multiple), a bool (truefalse) or a number (numeric, not generated);
    None in a bank without answers."""
    generator: str | None = None
    abs_tolerance: float = 0.0
    rel_tolerance: float = 0.0


@dataclass(frozen=True)
class Quiz:
    id: str
    title: Text
    questions: tuple[str, ...]


@dataclass(frozen=True)
class Bank:
    questions: dict[str, Question]
    quizzes: dict[str, Quiz]
    has_answers: bool = True
    """False in a student kit: the questions only, marked by the instructor."""

    def quiz(self, quiz_id: str) -> Quiz:
        from grader.errors import GradeError

        if quiz_id not in self.quizzes:
            raise GradeError("error.unknown-quiz", quiz=quiz_id, quizzes=", ".join(self.quizzes))
        return self.quizzes[quiz_id]


def load_bank(path: Path = BANK_PATH) -> Bank:
    try:
        data = read_toml(Path(path))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise CatalogError(f"{path}: {error}") from None
    has_answers = data.get("has_answers", True)
    if not isinstance(has_answers, bool):
        raise CatalogError(f"{path}: has_answers must be true or false")
    questions: dict[str, Question] = {}
    for position, spec in enumerate(data.get("questions", [])):
        where = f"questions[{position}] ({spec.get('id', '?')})"
        question = _question(spec, where) if has_answers else _question_only(spec, where)
        if question.id in questions:
            raise CatalogError(f"{path}: question id {question.id!r} appears twice")
        questions[question.id] = question
    quizzes = {}
    for quiz_id, spec in data.get("quizzes", {}).items():
        ids = tuple(questions) if spec.get("questions") == "all" else tuple(spec.get("questions", ()))
        unknown = [q for q in ids if q not in questions]
        if unknown or not ids:
            raise CatalogError(f"{path}: quiz {quiz_id!r} names unknown questions {unknown}" if unknown
                               else f"{path}: quiz {quiz_id!r} has no questions")
        quizzes[quiz_id] = Quiz(quiz_id, Text.parse(spec["title"], f"quizzes.{quiz_id}.title"), ids)
    return Bank(questions, quizzes, has_answers)


def _question(spec: dict, where: str) -> Question:
    """A question of a full bank: its answer and explanation are required and checked."""
    if "explanation" not in spec:
        raise CatalogError(f"{where}: `explanation` is missing")
    question = _question_only({key: value for key, value in spec.items() if key not in ("answer", "explanation")},
                              where)
    kind, answer, ids = question.type, spec.get("answer"), {choice.id for choice in question.choices}
    if kind == QuestionType.SINGLE and answer not in ids:
        raise CatalogError(f"{where}: a single-choice question needs choices and an answer among them")
    if kind == QuestionType.MULTIPLE and (not isinstance(answer, list) or not set(answer) <= ids or not answer):
        raise CatalogError(f"{where}: a multiple-choice question needs choices and a list of answers among them")
    if kind == QuestionType.TRUEFALSE and not isinstance(answer, bool):
        raise CatalogError(f"{where}: a true/false question needs answer = true or false")
    if kind == QuestionType.NUMERIC and question.generator is None and (
            isinstance(answer, bool) or not isinstance(answer, (int, float))):
        raise CatalogError(f"{where}: a numeric question needs a number as answer, or a generator")
    return dataclasses.replace(question, answer=answer,
                               explanation=Text.parse(spec["explanation"], f"{where}.explanation"))


def _question_only(spec: dict, where: str) -> Question:
    """A question without its answer (a student kit's): what the sheet shows, and nothing that gives it away."""
    for key in ("id", "topic", "type", "prompt"):
        if key not in spec:
            raise CatalogError(f"{where}: `{key}` is missing")
    for key in ("answer", "explanation"):
        if key in spec:
            raise CatalogError(f"{where}: `{key}` in a bank without answers (has_answers = false)")
    if spec["type"] not in TYPES:
        raise CatalogError(f"{where}: type must be one of {', '.join(TYPES)}")
    kind = QuestionType(spec["type"])
    try:
        choices = tuple(Choice(str(c["id"]), Text.parse({"en": c["en"], "ko": c["ko"]}, f"{where}.choices"))
                        for c in spec.get("choices", ()))
    except (KeyError, TypeError):
        raise CatalogError(f"{where}: each choice needs id, en and ko") from None
    if kind.has_choices and len(choices) < 2:
        raise CatalogError(f"{where}: a {kind} question needs at least two choices")
    if len({choice.id for choice in choices}) < len(choices) or len({c.text for c in choices}) < len(choices):
        raise CatalogError(f"{where}: two choices have the same id or the same text")
    generator = spec.get("generator")
    if generator is not None and (kind != QuestionType.NUMERIC or generator not in GENERATORS):
        raise CatalogError(f"{where}: unknown generator {generator!r} (known: {', '.join(GENERATORS)})")
    tolerance = spec.get("tolerance", {})
    return Question(
        id=spec["id"], topic=spec["topic"], type=kind, points=float(spec.get("points", 1.0)),
        prompt=Text.parse(spec["prompt"], f"{where}.prompt"), explanation=None,
        choices=choices, generator=generator,
        abs_tolerance=float(tolerance.get("abs", 0.0)), rel_tolerance=float(tolerance.get("rel", 0.0)),
    )
