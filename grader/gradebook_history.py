"""Reading the gradebook: a student's latest attempt and history, the class's latest attempts, the keys
a batch compares to decide who is unchanged. Every function takes an open connection (grader.gradebook)."""
from __future__ import annotations

import sqlite3
from dataclasses import replace
from typing import Iterable

from grader.gradebook_rows import Attempt, ExerciseRow, LatestKey, QuizRow, Signature
from grader.gradebook_schema import LATEST, READ_COLUMNS
from grader.quiz.kinds import QuestionRow, QuestionStatus

EXERCISE_COLUMNS = "exercise, status, score, max_score, mistakes"
"""ExerciseRow.stored's arguments, in order."""


def latest(db: sqlite3.Connection, student: str) -> Attempt | None:
    rows = _stored(db, f"SELECT {READ_COLUMNS} FROM attempts WHERE student = ? ORDER BY id DESC LIMIT 1", (student,))
    return _whole(db, rows[0]) if rows else None


def history(db: sqlite3.Connection, student: str) -> list[Attempt]:
    """Every attempt of `student`, oldest first."""
    return [_whole(db, row) for row in _stored(
        db, f"SELECT {READ_COLUMNS} FROM attempts WHERE student = ? ORDER BY id", (student,))]


def latest_attempts(db: sqlite3.Connection, students: Iterable[str] | None = None) -> list[Attempt]:
    """The latest attempt of each student (of `students`, when given), sorted by student; in four queries."""
    rows = _stored(db, f"SELECT {READ_COLUMNS} FROM attempts WHERE id IN ({LATEST}) ORDER BY student")
    wanted = set(students) if students is not None else None
    rows = [row for row in rows if wanted is None or row.student in wanted]
    exercises: dict[int, list[ExerciseRow]] = {}
    for attempt_id, *values in db.execute(f"SELECT attempt_id, {EXERCISE_COLUMNS} FROM exercise_results"
                                          f" WHERE attempt_id IN ({LATEST}) ORDER BY rowid"):
        exercises.setdefault(attempt_id, []).append(ExerciseRow.stored(*values))
    quizzes = _quizzes(db, f"IN ({LATEST})", ())
    return [replace(row, exercises=tuple(exercises.get(row.id, ())), quiz=quizzes.get(row.id)) for row in rows]


def latest_ids(db: sqlite3.Connection, students: Iterable[str]) -> list[tuple[str, int]]:
    """(student, id of their latest attempt) for `students`: what a class's exports are made of."""
    wanted = set(students)
    return sorted((student, attempt_id) for student, attempt_id in db.execute(
        "SELECT student, MAX(id) FROM attempts GROUP BY student") if student in wanted)


def latest_keys(db: sqlite3.Connection) -> dict[str, LatestKey]:
    """Per student, what the unchanged-check needs of their latest attempt, in one query."""
    return {student: LatestKey(*key) for student, *key in db.execute(
        "SELECT student, content_hash, catalog_hash, settings_hash, error FROM attempts"
        f" WHERE id IN ({LATEST})")}


def signatures(db: sqlite3.Connection) -> dict[str, Signature]:
    """Per student, the stat signature of their files when last hashed, and that content hash (grader.signature)."""
    return {student: Signature(signature, digest) for student, signature, digest in db.execute(
        "SELECT student, signature, content_hash FROM signatures")}


def _stored(db: sqlite3.Connection, sql: str, params: tuple = ()) -> list[Attempt]:
    """Attempts without their exercises and quiz, which the caller reads."""
    return [Attempt.stored(row, (), None) for row in db.execute(sql, params)]


def _whole(db: sqlite3.Connection, row: Attempt) -> Attempt:
    """One attempt with its exercises and quiz, read on their own."""
    exercises = tuple(ExerciseRow.stored(*values) for values in db.execute(
        f"SELECT {EXERCISE_COLUMNS} FROM exercise_results WHERE attempt_id = ? ORDER BY rowid", (row.id,)))
    return replace(row, exercises=exercises, quiz=_quizzes(db, "= ?", (row.id,)).get(row.id))


def _quizzes(db: sqlite3.Connection, where: str, params: tuple) -> dict[int, QuizRow]:
    questions: dict[int, list[QuestionRow]] = {}
    for attempt_id, question, status, score, max_score in db.execute(
            "SELECT attempt_id, question, status, score, max_score FROM quiz_questions"
            f" WHERE attempt_id {where} ORDER BY rowid", params):
        questions.setdefault(attempt_id, []).append(QuestionRow(question, QuestionStatus(status), score, max_score))
    return {attempt_id: QuizRow(quiz, score, max_score, error, questions=tuple(questions.get(attempt_id, ())))
            for attempt_id, quiz, score, max_score, error in db.execute(
                f"SELECT attempt_id, quiz, score, max_score, error FROM quiz_results WHERE attempt_id {where}",
                params)}
