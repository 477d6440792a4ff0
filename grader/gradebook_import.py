"""Copying attempts from one gradebook into another (`grade merge` of shards), each attempt whole or not at all.

An attempt the target already has (the same student, content, catalog and time: a shard merged twice) is
skipped, so merging is idempotent. Copied rows get the target's own attempt ids.
"""
from __future__ import annotations

import sqlite3
from typing import Callable, ContextManager

from grader.gradebook_schema import COLUMNS, INSERT_ATTEMPT

CHILD_TABLES = (("exercise_results", 6), ("case_results", 5), ("quiz_results", 5), ("quiz_questions", 5))
"""The tables keyed by an attempt's id, with their number of columns (the id first)."""


def copy_attempts(target: sqlite3.Connection, source: sqlite3.Connection,
                  transaction: Callable[[], ContextManager]) -> int:
    """Copy every attempt of `source` that `target` lacks, one `transaction()` each; how many were copied."""
    copied = 0
    for attempt_id, *values in source.execute(f"SELECT {COLUMNS} FROM attempts ORDER BY id").fetchall():
        with transaction():
            cursor = target.execute(INSERT_ATTEMPT, values)
            if not cursor.rowcount:
                continue
            new_id = cursor.lastrowid
            for table, width in CHILD_TABLES:
                target.executemany(
                    f"INSERT INTO {table} VALUES ({', '.join('?' * width)})",
                    [(new_id, *rest) for _, *rest in source.execute(
                        f"SELECT * FROM {table} WHERE attempt_id = ?", (attempt_id,))])
            copied += 1
    return copied
