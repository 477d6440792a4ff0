"""A student's own quiz sheet: the same id always gives the same sheet, another id other numbers.

Everything personal comes from one seed per (quiz, student, question): the numbers of the
parametrised questions and the order of the choices. The sheet is never stored: grading rebuilds it
from the ids in the answers file, so an answers file is all a student hands in.

The choices are shuffled from an order that depends on their texts only, never on the order the bank
lists them in (an author who writes the right choice first, as bank.toml does, would give it away in a
student kit's bank); so a student kit's bank, written without answers and with the choices in that
order, gives every student the very sheet the grading kit rebuilds.
"""
from __future__ import annotations

import hashlib
import string
from dataclasses import dataclass

import numpy as np

from grader.quiz.bank import Bank, Choice, Question, Quiz
from grader.quiz.generators import GENERATORS
from grader.quiz.kinds import QuestionType

LETTERS = string.ascii_uppercase


@dataclass(frozen=True)
class SheetQuestion:
    number: int
    question: Question
    values: dict[str, str]
    """The numbers drawn for this student, by placeholder name (empty for a fixed question)."""
    choices: tuple[tuple[str, Choice], ...]
    """(letter shown, choice), in this student's order."""
    answer: object
    """The right answer as this student writes it: a letter, sorted letters, a bool or a number; None when
    the bank has no answers (a student kit)."""

    def prompt(self, lang: str) -> str:
        return self.question.prompt(lang).format(**self.values) if self.values else self.question.prompt(lang)

    def explanation(self, lang: str) -> str:
        if self.question.explanation is None:
            return ""
        if self.question.generator is None:
            return self.question.explanation(lang)
        return self.question.explanation(lang).format(answer=show_number(self.answer), **self.values)


@dataclass(frozen=True)
class Sheet:
    student: str
    quiz: Quiz
    questions: tuple[SheetQuestion, ...]
    has_answers: bool = True
    """False when built from a bank without answers: the sheet can be shown and answered, not marked."""

    @property
    def max_score(self) -> float:
        return sum(q.question.points for q in self.questions)

    def question(self, question_id: str) -> SheetQuestion | None:
        return next((q for q in self.questions if q.question.id == question_id), None)


def show_number(value: object) -> str:
    return f"{value:.6g}" if isinstance(value, float) else str(value)


def _rng(quiz_id: str, student: str, question_id: str) -> np.random.Generator:
    digest = hashlib.sha256(f"{quiz_id}\0{student}\0{question_id}".encode("utf-8")).digest()
    return np.random.default_rng(int.from_bytes(digest[:8], "big"))


def choice_order(choices: tuple[Choice, ...]) -> tuple[Choice, ...]:
    """The choices in the order a sheet shuffles them from: by a hash of their texts, whatever the bank's order."""
    def key(choice: Choice) -> str:
        return hashlib.sha256(f"{choice.text.en}\0{choice.text.ko}".encode("utf-8")).hexdigest()

    return tuple(sorted(choices, key=key))


def build_sheet(bank: Bank, quiz_id: str, student: str) -> Sheet:
    quiz = bank.quiz(quiz_id)
    questions = []
    for number, question_id in enumerate(quiz.questions, start=1):
        question = bank.questions[question_id]
        rng = _rng(quiz.id, student, question.id)
        canonical = choice_order(question.choices)
        order = rng.permutation(len(canonical)) if canonical else []
        choices = tuple((LETTERS[i], canonical[j]) for i, j in enumerate(order))
        values: dict[str, str] = {}
        answer: object = None
        if question.generator is not None:
            drawn = GENERATORS[question.generator](rng)
            values, answer = drawn.values, drawn.answer
        elif not bank.has_answers:
            answer = None
        elif question.type == QuestionType.SINGLE:
            answer = next(letter for letter, choice in choices if choice.id == question.answer)
        elif question.type == QuestionType.MULTIPLE:
            answer = sorted(letter for letter, choice in choices if choice.id in question.answer)
        else:
            answer = question.answer
        questions.append(SheetQuestion(number, question, values, choices, answer if bank.has_answers else None))
    return Sheet(student, quiz, tuple(questions), bank.has_answers)
