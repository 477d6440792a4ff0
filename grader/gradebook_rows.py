"""What the gradebook hands back: typed rows, read by name, never by column position.

Each row is built from its table's columns in one place here; the SQL that selects them names the
columns in the same order (grader.gradebook_schema).
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import NamedTuple

from grader.quiz.kinds import QuestionRow
from grader.results import Status


@dataclass(frozen=True)
class ExerciseRow:
    exercise: str
    status: Status
    score: float
    max_score: float
    mistakes: tuple[str, ...]

    @classmethod
    def stored(cls, exercise: str, status: str, score: float, max_score: float, mistakes: str) -> "ExerciseRow":
        """From the columns of `exercise_results` (mistakes as a JSON list)."""
        return cls(exercise, Status(status), score, max_score, tuple(json.loads(mistakes)))


@dataclass(frozen=True)
class QuizRow:
    quiz: str
    score: float
    max_score: float
    error: str | None
    """Why the answers file could not be graded; None when it was."""
    questions: tuple[QuestionRow, ...] = ()
    """Each question's status and points, in the quiz's order."""


@dataclass(frozen=True)
class Attempt:
    """One grading of one student's submission, as the gradebook keeps it."""

    id: int
    student: str
    content_hash: str
    catalog_hash: str
    graded_at: str
    score: float
    max_score: float
    error: str | None
    """Why the submission could not be graded (an unreadable zip, ...); None when it was."""
    exercises: tuple[ExerciseRow, ...] = ()
    quiz: QuizRow | None = None
    settings_hash: str = ""
    """The grader, language and limits the attempt was graded with (grader.fingerprint); empty when the
    attempt must not be kept as it is (the grader itself failed on it), so the next run grades it again."""

    @classmethod
    def stored(cls, row: tuple, exercises: tuple[ExerciseRow, ...], quiz: QuizRow | None) -> "Attempt":
        """From an `attempts` row as grader.gradebook_schema.COLUMNS lists its columns."""
        attempt_id, student, content_hash, catalog_hash, graded_at, score, max_score, error, _, settings_hash = row
        return cls(attempt_id, student, content_hash, catalog_hash, graded_at, score, max_score, error, exercises,
                   quiz, settings_hash)


class LatestKey(NamedTuple):
    """What the unchanged-check needs of a student's latest attempt."""

    content_hash: str
    catalog_hash: str
    settings_hash: str
    error: str | None
    """Why it was not graded; None when it was."""


class Signature(NamedTuple):
    """A student's files' stat signature when last hashed (grader.signature), and that content hash."""

    signature: str
    content_hash: str
