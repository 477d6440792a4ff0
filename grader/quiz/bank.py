"""The question bank (bank.toml) as typed records, checked when it is read."""
from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from grader.catalog import Text
from grader.errors import CatalogError
from grader.quiz.generators import GENERATORS

BANK_PATH = Path(__file__).with_name("bank.toml")
TYPES = ("single", "multiple", "truefalse", "numeric")


@dataclass(frozen=True)
class Choice:
    id: str
    text: Text


@dataclass(frozen=True)
class Question:
    id: str
    topic: str
    type: str
    prompt: Text
    explanation: Text
    points: float = 1.0
    choices: tuple[Choice, ...] = ()
    answer: object = None
    """A choice id (single), choice ids (multiple), a bool (truefalse) or a number (numeric, not generated)."""
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

    def quiz(self, quiz_id: str) -> Quiz:
        from grader.errors import GradeError

        if quiz_id not in self.quizzes:
            raise GradeError("error.unknown-quiz", quiz=quiz_id, quizzes=", ".join(self.quizzes))
        return self.quizzes[quiz_id]


def load_bank(path: Path = BANK_PATH) -> Bank:
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise CatalogError(f"{path}: {error}") from None
    questions: dict[str, Question] = {}
    for position, spec in enumerate(data.get("questions", [])):
        question = _question(spec, f"questions[{position}] ({spec.get('id', '?')})")
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
    return Bank(questions, quizzes)


def _question(spec: dict, where: str) -> Question:
    for key in ("id", "topic", "type", "prompt", "explanation"):
        if key not in spec:
            raise CatalogError(f"{where}: `{key}` is missing")
    kind = spec["type"]
    if kind not in TYPES:
        raise CatalogError(f"{where}: type must be one of {', '.join(TYPES)}")
    choices = tuple(Choice(c["id"], Text(c["en"], c["ko"])) for c in spec.get("choices", ()))
    ids = {choice.id for choice in choices}
    answer = spec.get("answer")
    generator = spec.get("generator")
    if kind == "single" and (len(choices) < 2 or answer not in ids):
        raise CatalogError(f"{where}: a single-choice question needs choices and an answer among them")
    if kind == "multiple" and (len(choices) < 2 or not isinstance(answer, list) or not set(answer) <= ids or not answer):
        raise CatalogError(f"{where}: a multiple-choice question needs choices and a list of answers among them")
    if kind == "truefalse" and not isinstance(answer, bool):
        raise CatalogError(f"{where}: a true/false question needs answer = true or false")
    if kind == "numeric":
        if generator is None and not isinstance(answer, (int, float)):
            raise CatalogError(f"{where}: a numeric question needs a number as answer, or a generator")
        if generator is not None and generator not in GENERATORS:
            raise CatalogError(f"{where}: unknown generator {generator!r} (known: {', '.join(GENERATORS)})")
    tolerance = spec.get("tolerance", {})
    return Question(
        id=spec["id"], topic=spec["topic"], type=kind, points=float(spec.get("points", 1.0)),
        prompt=Text.parse(spec["prompt"], f"{where}.prompt"),
        explanation=Text.parse(spec["explanation"], f"{where}.explanation"),
        choices=choices, answer=answer, generator=generator,
        abs_tolerance=float(tolerance.get("abs", 0.0)), rel_tolerance=float(tolerance.get("rel", 0.0)),
    )
