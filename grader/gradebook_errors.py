"""The gradebook's SQLite errors as one line an instructor can act on, and transactions that keep data whole.

SQLite changes nothing on disk when a statement fails, and a transaction is committed whole or
rolled back: a corrupt, locked, read-only or full gradebook is left exactly as it was.
"""
from __future__ import annotations

import sqlite3
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from grader.errors import GradeError


@contextmanager
def guarded(path: Path) -> Iterator[None]:
    """SQLite's errors on the gradebook as one line the instructor can act on (GradeError).

    SQLite changes nothing on disk when a statement fails: a corrupt, locked or full gradebook is
    left exactly as it was.
    """
    try:
        yield
    except sqlite3.Error as error:
        text = str(error).lower()
        kind = next((kind for kind, clues in _KINDS if any(clue in text for clue in clues)), "other")
        raise GradeError(f"gradebook.{kind}", path=path, reason=str(error)) from None


_KINDS = (
    ("corrupt", ("not a database", "malformed", "corrupt")),
    ("locked", ("locked", "busy")),
    ("full", ("disk is full", "disk i/o error", "too big")),
    ("read-only", ("readonly", "read-only")),
    ("cannot-open", ("unable to open",)),
)


class Transaction:
    """BEGIN IMMEDIATE … COMMIT, or ROLLBACK on any error; SQLite's own errors as one-line GradeErrors."""

    def __init__(self, db: sqlite3.Connection, path: Path):
        self.db = db
        self.guard = guarded(path)

    def __enter__(self):
        self.guard.__enter__()
        try:
            self.db.execute("BEGIN IMMEDIATE")
        except BaseException as error:
            self.guard.__exit__(type(error), error, error.__traceback__)
            raise

    def __exit__(self, kind, value, traceback):
        try:
            if kind is None:
                self.db.execute("COMMIT")
            elif self.db.in_transaction:
                self.db.execute("ROLLBACK")
        except BaseException as error:
            if kind is None:
                if self.db.in_transaction:
                    self.db.execute("ROLLBACK")
                kind, value, traceback = type(error), error, error.__traceback__
        return self.guard.__exit__(kind, value, traceback)
