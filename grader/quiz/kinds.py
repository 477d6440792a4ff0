"""The quiz's small types: question kinds, question statuses and the gradebook's row of one question.

Kept apart from the bank and the marking (which load NumPy) so the gradebook and the class reports can
read a quiz's rows without them.
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class QuestionType(StrEnum):
    SINGLE = "single"
    """One right choice; answered with its letter."""
    MULTIPLE = "multiple"
    """Every right choice; partial credit (right picks − wrong picks)."""
    TRUEFALSE = "truefalse"
    NUMERIC = "numeric"
    """A number, fixed in the bank or drawn per student by a generator; answered within a tolerance."""

    @property
    def has_choices(self) -> bool:
        return self in (QuestionType.SINGLE, QuestionType.MULTIPLE)


class QuestionStatus(StrEnum):
    CORRECT = "correct"
    PARTIAL = "partial"
    WRONG = "wrong"
    UNANSWERED = "unanswered"
    INVALID = "invalid"
    """An answer of the wrong type (text for a number, a letter not shown)."""
    NOT_GRADED = "not-graded"
    """The answers file could not be graded for this quiz (unreadable, or for another quiz): no points."""


@dataclass(frozen=True)
class QuestionRow:
    """One question of a graded quiz, as the gradebook keeps it."""

    question: str
    status: QuestionStatus
    score: float
    max_score: float
