"""The class gradebook: every attempt of every student, in one SQLite file (WAL), never rewritten.

An attempt is stored in one transaction the moment it is graded, so a batch killed at any moment
(even `kill -9`) keeps everything graded before it. The latest attempt of a student is their grade;
the earlier ones stay as history. A submission whose content and catalog are unchanged since its
latest attempt is not graded again.
"""
from __future__ import annotations

import datetime as dt
import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

from grader.gradebook_errors import Transaction, guarded
from grader.quiz.kinds import QuestionRow, QuestionStatus
if TYPE_CHECKING:
    from grader.results import SubmissionResult

FILENAME = "gradebook.sqlite"
BUSY_SECONDS = 10.0
"""How long a write waits for another writer (a `grade merge` reading while a batch writes) before giving up."""
COLUMNS = "id, student, content_hash, catalog_hash, graded_at, score, max_score, error, results_json, settings_hash"
READ_COLUMNS = COLUMNS.replace("results_json", "NULL")
"""What an Attempt holds: not the full results (tens of KB each), which only a merge copies."""
LATEST = "SELECT MAX(id) FROM attempts GROUP BY student"
SCHEMA = """
CREATE TABLE IF NOT EXISTS attempts (
    id INTEGER PRIMARY KEY,
    student TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    catalog_hash TEXT NOT NULL,
    graded_at TEXT NOT NULL,
    score REAL NOT NULL,
    max_score REAL NOT NULL,
    error TEXT,
    results_json TEXT,
    UNIQUE (student, content_hash, catalog_hash, graded_at)
);
CREATE INDEX IF NOT EXISTS attempts_by_student ON attempts (student, id);
CREATE TABLE IF NOT EXISTS exercise_results (
    attempt_id INTEGER NOT NULL REFERENCES attempts (id),
    exercise TEXT NOT NULL,
    status TEXT NOT NULL,
    score REAL NOT NULL,
    max_score REAL NOT NULL,
    mistakes TEXT NOT NULL,
    PRIMARY KEY (attempt_id, exercise)
);
CREATE TABLE IF NOT EXISTS case_results (
    attempt_id INTEGER NOT NULL REFERENCES attempts (id),
    exercise TEXT NOT NULL,
    case_name TEXT NOT NULL,
    status TEXT NOT NULL,
    mistakes TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS case_results_by_attempt ON case_results (attempt_id);
CREATE TABLE IF NOT EXISTS quiz_results (
    attempt_id INTEGER PRIMARY KEY REFERENCES attempts (id),
    quiz TEXT NOT NULL,
    score REAL NOT NULL,
    max_score REAL NOT NULL,
    error TEXT
);
CREATE TABLE IF NOT EXISTS signatures (
    student TEXT PRIMARY KEY,
    signature TEXT NOT NULL,
    content_hash TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS quiz_questions (
    attempt_id INTEGER NOT NULL REFERENCES attempts (id),
    question TEXT NOT NULL,
    status TEXT NOT NULL,
    score REAL NOT NULL,
    max_score REAL NOT NULL
);
"""


@dataclass(frozen=True)
class ExerciseRow:
    exercise: str
    status: str
    score: float
    max_score: float
    mistakes: tuple[str, ...]


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


class Gradebook:
    busy_seconds = BUSY_SECONDS

    def __init__(self, path: Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # One connection, used by the thread that owns the gradebook: grading threads hand their
        # results over rather than writing themselves.
        with guarded(self.path):
            if self.path.is_dir():  # SQLite would say only "unable to open database file"
                raise sqlite3.OperationalError("unable to open database file (a folder)")
            self._db = sqlite3.connect(self.path, isolation_level=None, timeout=self.busy_seconds)
            try:
                self._db.execute("PRAGMA journal_mode = WAL")
                self._db.execute("PRAGMA synchronous = NORMAL")
                self._db.execute("PRAGMA foreign_keys = ON")
                self._db.executescript(SCHEMA)
                columns = {row[1] for row in self._db.execute("PRAGMA table_info(attempts)")}
                if "settings_hash" not in columns:  # a gradebook written before settings were fingerprinted
                    self._db.execute("ALTER TABLE attempts ADD COLUMN settings_hash TEXT NOT NULL DEFAULT ''")
            except BaseException:
                self._db.close()
                raise

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
            cursor = self._db.execute(
                "INSERT OR IGNORE INTO attempts (student, content_hash, catalog_hash, graded_at, score, max_score,"
                " error, results_json, settings_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (student, content_hash, catalog_hash, graded_at, result.score if result else 0.0,
                 result.max_score if result else max_score, error, results_json, settings_hash))
            attempt_id = cursor.lastrowid
            if not cursor.rowcount:  # the very same attempt is already here (a merge seen twice)
                return self._db.execute(
                    "SELECT id FROM attempts WHERE student = ? AND content_hash = ? AND catalog_hash = ?"
                    " AND graded_at = ?", (student, content_hash, catalog_hash, graded_at)).fetchone()[0]
            for exercise in result.exercises if result else ():
                self._db.execute(
                    "INSERT INTO exercise_results VALUES (?, ?, ?, ?, ?, ?)",
                    (attempt_id, exercise.id, str(exercise.status), exercise.score, exercise.max_score,
                     json.dumps(exercise.mistakes)))
                self._db.executemany(
                    "INSERT INTO case_results VALUES (?, ?, ?, ?, ?)",
                    [(attempt_id, exercise.id, case.name, str(case.status), json.dumps(case.mistakes))
                     for case in exercise.cases])
            if quiz is not None:
                self._db.execute("INSERT INTO quiz_results VALUES (?, ?, ?, ?, ?)",
                                 (attempt_id, quiz.quiz, quiz.score, quiz.max_score, quiz.error))
                self._db.executemany("INSERT INTO quiz_questions VALUES (?, ?, ?, ?, ?)",
                                     [(attempt_id, q.question, str(q.status), q.score, q.max_score)
                                      for q in quiz.questions])
        return attempt_id

    def latest(self, student: str) -> Attempt | None:
        with guarded(self.path):
            row = self._db.execute(
                f"SELECT {READ_COLUMNS} FROM attempts WHERE student = ? ORDER BY id DESC LIMIT 1", (student,)).fetchone()
            return self._attempt(row) if row else None

    def latest_keys(self) -> dict[str, tuple[str, str, str, str | None]]:
        """Per student, what the unchanged-check needs of their latest attempt, in one query:
        (content hash, catalog hash, settings hash, why it was not graded or None)."""
        with guarded(self.path):
            return {student: (content, catalog, settings, error)
                    for student, content, catalog, settings, error in self._db.execute(
                        "SELECT student, content_hash, catalog_hash, settings_hash, error FROM attempts"
                        " WHERE id IN (SELECT MAX(id) FROM attempts GROUP BY student)")}

    def signatures(self) -> dict[str, tuple[str, str]]:
        """Per student, the stat signature of their files when last hashed, and that content hash (grader.signature)."""
        with guarded(self.path):
            return {student: (signature, digest) for student, signature, digest in self._db.execute(
                "SELECT student, signature, content_hash FROM signatures")}

    def remember_signatures(self, rows: list[tuple[str, str, str]]) -> None:
        """Store (student, stat signature, content hash) rows, replacing older ones."""
        if rows:
            with self._transaction():
                self._db.executemany("INSERT OR REPLACE INTO signatures VALUES (?, ?, ?)", rows)

    def latest_attempts(self, students: Iterable[str] | None = None) -> list[Attempt]:
        """The latest attempt of each student (of `students`, when given), sorted by student; in four queries."""
        with guarded(self.path):
            rows = self._db.execute(
                f"SELECT {READ_COLUMNS} FROM attempts WHERE id IN ({LATEST}) ORDER BY student").fetchall()
            wanted = set(students) if students is not None else None
            rows = [row for row in rows if wanted is None or row[1] in wanted]
            exercises: dict[int, list[ExerciseRow]] = {}
            for attempt_id, *values in self._db.execute(
                    "SELECT attempt_id, exercise, status, score, max_score, mistakes FROM exercise_results"
                    f" WHERE attempt_id IN ({LATEST}) ORDER BY rowid"):
                values[-1] = tuple(json.loads(values[-1]))
                exercises.setdefault(attempt_id, []).append(ExerciseRow(*values))
            quizzes = self._quizzes(f"IN ({LATEST})", ())
            return [self._attempt(row, tuple(exercises.get(row[0], ())), quizzes.get(row[0])) for row in rows]

    def latest_ids(self, students: Iterable[str]) -> list[tuple[str, int]]:
        """(student, id of their latest attempt) for `students`: what a class's exports are made of."""
        wanted = set(students)
        with guarded(self.path):
            return sorted((student, attempt_id) for student, attempt_id in self._db.execute(
                "SELECT student, MAX(id) FROM attempts GROUP BY student") if student in wanted)

    def history(self, student: str) -> list[Attempt]:
        with guarded(self.path):
            rows = self._db.execute(f"SELECT {READ_COLUMNS} FROM attempts WHERE student = ? ORDER BY id",
                                    (student,)).fetchall()
            return [self._attempt(row) for row in rows]

    def import_from(self, other: "Gradebook") -> int:
        """Copy every attempt of another gradebook (a shard's) that this one does not have yet."""
        with guarded(self.path), guarded(other.path):
            return self._import_from(other)

    def _import_from(self, other: "Gradebook") -> int:
        copied = 0
        for row in other._db.execute(f"SELECT {COLUMNS} FROM attempts ORDER BY id").fetchall():
            with self._transaction():
                cursor = self._db.execute(
                    "INSERT OR IGNORE INTO attempts (student, content_hash, catalog_hash, graded_at, score, max_score,"
                    " error, results_json, settings_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", row[1:])
                if not cursor.rowcount:
                    continue
                new_id = cursor.lastrowid
                self._db.executemany(
                    "INSERT INTO exercise_results VALUES (?, ?, ?, ?, ?, ?)",
                    [(new_id, *rest) for _, *rest in other._db.execute(
                        "SELECT * FROM exercise_results WHERE attempt_id = ?", (row[0],))])
                for table, marks in (("case_results", 5), ("quiz_results", 5), ("quiz_questions", 5)):
                    self._db.executemany(
                        f"INSERT INTO {table} VALUES ({', '.join('?' * marks)})",
                        [(new_id, *rest) for _, *rest in other._db.execute(
                            f"SELECT * FROM {table} WHERE attempt_id = ?", (row[0],))])
                copied += 1
        return copied

    def _quizzes(self, where: str, params: tuple) -> dict[int, QuizRow]:
        questions: dict[int, list[QuestionRow]] = {}
        for attempt_id, question, status, score, max_score in self._db.execute(
                "SELECT attempt_id, question, status, score, max_score FROM quiz_questions"
                f" WHERE attempt_id {where} ORDER BY rowid", params):
            questions.setdefault(attempt_id, []).append(QuestionRow(question, QuestionStatus(status), score, max_score))
        return {attempt_id: QuizRow(quiz, score, max_score, error, questions=tuple(questions.get(attempt_id, ())))
                for attempt_id, quiz, score, max_score, error in self._db.execute(
                    f"SELECT attempt_id, quiz, score, max_score, error FROM quiz_results WHERE attempt_id {where}",
                    params)}

    def _attempt(self, row, exercises: tuple[ExerciseRow, ...] | None = None, quiz: QuizRow | None = None,
                 ) -> Attempt:
        if exercises is None:  # one attempt on its own: its rows are read here
            exercises = tuple(
                ExerciseRow(exercise, status, score, max_score, tuple(json.loads(mistakes)))
                for exercise, status, score, max_score, mistakes in self._db.execute(
                    "SELECT exercise, status, score, max_score, mistakes FROM exercise_results WHERE attempt_id = ?"
                    " ORDER BY rowid", (row[0],)))
            quiz = self._quizzes("= ?", (row[0],)).get(row[0])
        return Attempt(id=row[0], student=row[1], content_hash=row[2], catalog_hash=row[3], graded_at=row[4],
                       score=row[5], max_score=row[6], error=row[7], exercises=exercises, quiz=quiz,
                       settings_hash=row[9])

    def _transaction(self):
        return Transaction(self._db, self.path)


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).astimezone().isoformat(timespec="microseconds")

