"""Self-study: what a student working alone has tried, passed and been told, kept across sessions.

A small SQLite file in the user's data folder (platformdirs; `GRADE_DATA_DIR` overrides it) records
every check of every exercise and how far into its hints the student has gone. Stubs are restored
and solutions shown from the course's folders (course.toml's `stubs` and `reference`; the built-in
course's ship with the package).
"""
from __future__ import annotations

import ast
import datetime as dt
import os
import shutil
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

from grader.catalog import Catalog, Exercise
from grader.course import Course, builtin_course
from grader.errors import GradeError
from grader.results import Status, SubmissionResult


def _stubs(course: Course | None) -> list[Path]:
    """The course's stub files (none when it has no stubs folder)."""
    folder = (course or builtin_course()).stubs
    return sorted(folder.glob("*.py")) if folder is not None else []


def data_dir() -> Path:
    from platformdirs import user_data_dir

    return Path(os.environ.get("GRADE_DATA_DIR") or user_data_dir("grade", appauthor=False))


@dataclass(frozen=True)
class ExerciseProgress:
    id: str
    title: str
    attempts: int
    status: str | None
    """The latest check's status; None before the first."""
    first_passed_at: str | None
    seconds_spent: float
    """From the first check to the first pass (or to the latest check, while not passed yet)."""
    hint_level: int


class PracticeLog:
    def __init__(self, path: Path | None = None):
        self.path = Path(path) if path else data_dir() / "practice.sqlite"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(self.path, isolation_level=None)
        self._db.execute("PRAGMA journal_mode = WAL")
        self._db.executescript("""
            CREATE TABLE IF NOT EXISTS checks (exercise TEXT NOT NULL, at REAL NOT NULL, status TEXT NOT NULL,
                                               score REAL NOT NULL);
            CREATE INDEX IF NOT EXISTS checks_by_exercise ON checks (exercise, at);
            CREATE TABLE IF NOT EXISTS hints (exercise TEXT PRIMARY KEY, level INTEGER NOT NULL);
        """)

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> "PracticeLog":
        return self

    def __exit__(self, *_) -> None:
        self.close()

    def record(self, result: SubmissionResult, at: float | None = None) -> None:
        at = time.time() if at is None else at
        self._db.executemany("INSERT INTO checks VALUES (?, ?, ?, ?)",
                             [(e.id, at, str(e.status), e.score) for e in result.exercises])

    def hint_level(self, exercise_id: str) -> int:
        row = self._db.execute("SELECT level FROM hints WHERE exercise = ?", (exercise_id,)).fetchone()
        return row[0] if row else 0

    def reveal_hint(self, exercise: Exercise) -> int:
        """One more hint level for `exercise` (up to its last); returns the level now reached."""
        level = min(self.hint_level(exercise.id) + 1, len(exercise.hints))
        self._db.execute("INSERT INTO hints VALUES (?, ?) ON CONFLICT (exercise) DO UPDATE SET level = excluded.level",
                         (exercise.id, level))
        return level

    def summary(self, catalog: Catalog, lang: str) -> list[ExerciseProgress]:
        rows = []
        for exercise in catalog.exercises:
            checks = self._db.execute("SELECT at, status FROM checks WHERE exercise = ? ORDER BY at",
                                      (exercise.id,)).fetchall()
            first_pass = next((at for at, status in checks if status == Status.PASSED), None)
            end = first_pass if first_pass is not None else (checks[-1][0] if checks else 0.0)
            rows.append(ExerciseProgress(
                id=exercise.id, title=exercise.title(lang), attempts=len(checks),
                status=checks[-1][1] if checks else None,
                first_passed_at=_local_time(first_pass) if first_pass is not None else None,
                seconds_spent=round(end - checks[0][0], 1) if checks else 0.0,
                hint_level=self.hint_level(exercise.id)))
        return rows


def progress_json(rows: list[ExerciseProgress]) -> str:
    """`grade progress --json`: the rows as a JSON list, Hangul kept."""
    import dataclasses
    import json

    return json.dumps([dataclasses.asdict(row) for row in rows], ensure_ascii=False, indent=2)


def _local_time(timestamp: float) -> str:
    return dt.datetime.fromtimestamp(timestamp).astimezone().isoformat(timespec="seconds")


def find_exercise_folder(path: Path | None, cwd: Path | None = None, course: Course | None = None) -> Path:
    """The folder a student works in: `path` when given; else the current folder when it holds one of the
    stubs' files (after `grade init hw; cd hw`); else `exercises/` (the checkout's layout)."""
    if path is not None:
        return Path(path)
    cwd = Path(cwd or Path.cwd())
    if any((cwd / stub.name).is_file() for stub in _stubs(course)):
        return Path(".")
    return Path("exercises")


def init_exercises(target: Path, force: bool = False, course: Course | None = None) -> list[Path]:
    """Fresh copies of the course's stubs in `target`; an existing stub is overwritten only with `force`."""
    target = Path(target)
    stubs = _stubs(course)
    clashes = [target / stub.name for stub in stubs if (target / stub.name).exists()]
    if clashes and not force:
        raise GradeError("error.init-exists", path=clashes[0])
    target.mkdir(parents=True, exist_ok=True)
    for stub in stubs:
        shutil.copyfile(stub, target / stub.name)
    return [target / stub.name for stub in stubs]


def function_spans(text: str, name: str) -> list[tuple[int, int]]:
    """(first, last) lines, 1-based, of every top-level definition of `name`, decorators included."""
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return []
    return [(min([node.lineno, *[d.lineno for d in node.decorator_list]]), node.end_lineno)
            for node in tree.body if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == name]


def function_source(file: Path, name: str) -> str | None:
    """The source of the definition of `name` that counts (the last one), or None."""
    text = file.read_text(encoding="utf-8")
    spans = function_spans(text, name)
    if not spans:
        return None
    first, last = spans[-1]
    return "".join(text.splitlines(keepends=True)[first - 1: last])


def reset_exercise(exercise: Exercise, folder: Path, course: Course | None = None) -> tuple[Path, Path | None]:
    """Put the stub of one function back in the student's file, keeping their version in a backup.

    Every definition of the function in the file goes (a redefinition further down would win over
    the stub); the stub takes the place of the first. Returns the file and the backup (None when
    there was nothing of theirs to keep).
    """
    stubs = (course or builtin_course()).stubs
    stub_file = (stubs or Path(".")) / f"{exercise.module}.py"
    target = Path(folder) / stub_file.name
    stub = function_source(stub_file, exercise.id) if stub_file.is_file() else None
    if stub is None:  # `grade course check` sees that a course's stubs hold every exercise
        raise GradeError("course.check-no-stub", exercise=exercise.id, file=stub_file)
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(stub_file, target)
        return target, None
    text = target.read_text(encoding="utf-8")
    if ast_error(text):
        raise GradeError("error.reset-unparsable", path=target)
    backup = target.with_name(f"{target.name}.{dt.datetime.now().strftime('%Y%m%d-%H%M%S')}.bak")
    shutil.copyfile(target, backup)
    spans = function_spans(text, exercise.id)
    lines = text.splitlines(keepends=True)
    if not spans:
        text = text.rstrip("\n") + "\n\n\n" + stub
    else:
        for first, last in reversed(spans[1:]):
            del lines[first - 1: last]
        first, last = spans[0]
        lines[first - 1: last] = [stub]
        text = "".join(lines)
    target.write_text(text, encoding="utf-8")
    return target, backup


def ast_error(text: str) -> bool:
    try:
        ast.parse(text)
    except SyntaxError:
        return True
    return False


def reference_source(exercise: Exercise, course: Course | None = None) -> str:
    """The reference solution's source; empty when the course (a student kit) has none."""
    reference = (course or builtin_course()).reference
    file = reference / f"{exercise.module}.py" if reference is not None else None
    if file is None or not file.is_file():
        return ""
    return function_source(file, exercise.id) or ""
