"""The class gradebook: every attempt of every student, in one SQLite file (WAL), never rewritten.

An attempt is stored in one transaction the moment it is graded, so a batch killed at any moment
(even `kill -9`) keeps everything graded before it. The latest attempt of a student is their grade;
the earlier ones stay as history. A submission whose content and catalog are unchanged since its
latest attempt is not graded again.

The tables and opening are in gradebook_schema, the typed rows in gradebook_rows, reading in
gradebook_history, merging shards in gradebook_import, SQLite's errors worded in gradebook_errors.
"""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

from grader import gradebook_history as reads
from grader.gradebook_errors import Transaction, guarded
from grader.gradebook_import import copy_attempts
from grader.gradebook_rows import Attempt, ExerciseRow, LatestKey, QuizRow, Signature
from grader.gradebook_schema import INSERT_ATTEMPT, connect
if TYPE_CHECKING:
    from grader.results import SubmissionResult

__all__ = ["FILENAME", "Attempt", "ExerciseRow", "Gradebook", "LatestKey", "QuizRow", "Signature"]
FILENAME = "gradebook.sqlite"
BUSY_SECONDS = 10.0
"""How long a write waits for another writer (a `grade merge` reading while a batch writes) before giving up."""


class Gradebook:
    busy_seconds = BUSY_SECONDS

    def __init__(self, path: Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # One connection, used by the thread that owns the gradebook: grading threads hand their
        # results over rather than writing themselves.
        with guarded(self.path):
            self._db = connect(self.path, self.busy_seconds)

    @classmethod
    def in_folder(cls, folder: Path) -> "Gradebook":
        return cls(Path(folder) / FILENAME)

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> "Gradebook":
        return self

    def __exit__(self, *_) -> None:
        self.close()

    def record(self, student: str, content_hash: str, catalog_hash: str, result: SubmissionResult | None,
               error: str | None = None, graded_at: str | None = None, results_json: str | None = None,
               max_score: float = 0.0, quiz: QuizRow | None = None, settings_hash: str = "") -> int:
        """Store one attempt whole, or not at all; `max_score` is what an ungraded attempt was out of."""
        # To the microsecond: two attempts of one student in the same second (a re-run with other settings)
        # are two rows, not one ignored as a merge's duplicate.
        graded_at = graded_at or _now()
        if result is not None and results_json is None:
            results_json = result.to_json()
        with self._transaction():
            cursor = self._db.execute(INSERT_ATTEMPT, (
                student, content_hash, catalog_hash, graded_at, result.score if result else 0.0,
                result.max_score if result else max_score, error, results_json, settings_hash))
            attempt_id = cursor.lastrowid
            if not cursor.rowcount:  # the very same attempt is already here (a merge seen twice)
                return self._db.execute(
                    "SELECT id FROM attempts WHERE student = ? AND content_hash = ? AND catalog_hash = ?"
                    " AND graded_at = ?", (student, content_hash, catalog_hash, graded_at)).fetchone()[0]
            exercises = result.exercises if result else []
            self._db.executemany(  # two statements for the whole attempt, not two per exercise
                "INSERT INTO exercise_results VALUES (?, ?, ?, ?, ?, ?)",
                [(attempt_id, exercise.id, str(exercise.status), exercise.score, exercise.max_score,
                  json.dumps(exercise.mistakes)) for exercise in exercises])
            self._db.executemany(
                "INSERT INTO case_results VALUES (?, ?, ?, ?, ?)",
                [(attempt_id, exercise.id, case.name, str(case.status), json.dumps(case.mistakes))
                 for exercise in exercises for case in exercise.cases])
            if quiz is not None:
                self._db.execute("INSERT INTO quiz_results VALUES (?, ?, ?, ?, ?)",
                                 (attempt_id, quiz.quiz, quiz.score, quiz.max_score, quiz.error))
                self._db.executemany("INSERT INTO quiz_questions VALUES (?, ?, ?, ?, ?)",
                                     [(attempt_id, q.question, str(q.status), q.score, q.max_score)
                                      for q in quiz.questions])
        return attempt_id

    def remember_signatures(self, rows: list[tuple[str, str, str]]) -> None:
        """Store (student, stat signature, content hash) rows, replacing older ones."""
        if rows:
            with self._transaction():
                self._db.executemany("INSERT OR REPLACE INTO signatures VALUES (?, ?, ?)", rows)

    def latest(self, student: str) -> Attempt | None:
        with guarded(self.path):
            return reads.latest(self._db, student)

    def latest_keys(self) -> dict[str, LatestKey]:
        """Per student, what the unchanged-check needs of their latest attempt, in one query."""
        with guarded(self.path):
            return reads.latest_keys(self._db)

    def signatures(self) -> dict[str, Signature]:
        """Per student, the stat signature of their files when last hashed, and that content hash (grader.signature)."""
        with guarded(self.path):
            return reads.signatures(self._db)

    def latest_attempts(self, students: Iterable[str] | None = None) -> list[Attempt]:
        """The latest attempt of each student (of `students`, when given), sorted by student."""
        with guarded(self.path):
            return reads.latest_attempts(self._db, students)

    def latest_ids(self, students: Iterable[str]) -> list[tuple[str, int]]:
        """(student, id of their latest attempt) for `students`: what a class's exports are made of."""
        with guarded(self.path):
            return reads.latest_ids(self._db, students)

    def history(self, student: str) -> list[Attempt]:
        with guarded(self.path):
            return reads.history(self._db, student)

    def import_from(self, other: "Gradebook") -> int:
        """Copy every attempt of another gradebook (a shard's) that this one does not have yet."""
        with guarded(self.path), guarded(other.path):
            return copy_attempts(self._db, other._db, self._transaction)

    def _transaction(self) -> Transaction:
        return Transaction(self._db, self.path)


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).astimezone().isoformat(timespec="microseconds")
