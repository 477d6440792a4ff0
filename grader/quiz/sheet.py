"""A student's own quiz sheet: the same id always gives the same sheet, another id other numbers.

Everything personal comes from one seed per (quiz, student, question): the numbers of the
parametrised questions and the order of the choices. The sheet is never stored: grading rebuilds it
from the ids in the answers file, so an answers file is all a student hands in.
"""
from __future__ import annotations

import hashlib
import string
from dataclasses import dataclass

import numpy as np

from grader.quiz.bank import Bank, Choice, Question, Quiz
from grader.quiz.generators import GENERATORS

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
    """The right answer as this student writes it: a letter, sorted letters, a bool or a number."""

    def prompt(self, lang: str) -> str:
        return self.question.prompt(lang).format(**self.values) if self.values else self.question.prompt(lang)

    def explanation(self, lang: str) -> str:
        if self.question.generator is None:
            return self.question.explanation(lang)
        return self.question.explanation(lang).format(answer=show_number(self.answer), **self.values)

    def letter_of(self, choice_id: str) -> str:
        return next(letter for letter, choice in self.choices if choice.id == choice_id)


@dataclass(frozen=True)
class Sheet:
    student: str
    quiz: Quiz
    questions: tuple[SheetQuestion, ...]

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


def build_sheet(bank: Bank, quiz_id: str, student: str) -> Sheet:
    quiz = bank.quiz(quiz_id)
    questions = []
    for number, question_id in enumerate(quiz.questions, start=1):
        question = bank.questions[question_id]
        rng = _rng(quiz.id, student, question.id)
        order = rng.permutation(len(question.choices)) if question.choices else []
        choices = tuple((LETTERS[i], question.choices[j]) for i, j in enumerate(order))
        values: dict[str, str] = {}
        if question.generator is not None:
            drawn = GENERATORS[question.generator](rng)
            values, answer = drawn.values, drawn.answer
        elif question.type == "single":
            answer = next(letter for letter, choice in choices if choice.id == question.answer)
        elif question.type == "multiple":
            answer = sorted(letter for letter, choice in choices if choice.id in question.answer)
        else:
            answer = question.answer
        questions.append(SheetQuestion(number, question, values, choices, answer))
    return Sheet(student, quiz, tuple(questions))
