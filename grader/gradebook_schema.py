"""The gradebook's tables, and opening one: SQLite in WAL mode, a gradebook of an older version brought up to date.

Attempts are never rewritten: each has its rows in exercise_results and case_results (and quiz_results and
quiz_questions for a quiz), keyed by the attempt's id; `signatures` remembers each student's file stats.
"""
from __future__ import annotations

import sqlite3
from pathlib import Path

COLUMNS = "id, student, content_hash, catalog_hash, graded_at, score, max_score, error, results_json, settings_hash"
READ_COLUMNS = COLUMNS.replace("results_json", "NULL")
"""What an Attempt holds: not the full results (tens of KB each), which only a merge copies."""
INSERT_ATTEMPT = ("INSERT OR IGNORE INTO attempts (student, content_hash, catalog_hash, graded_at, score, max_score,"
                  " error, results_json, settings_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
"""An attempt (every column of COLUMNS but the id), ignored when the very same attempt is already there."""
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


def connect(path: Path, busy_seconds: float) -> sqlite3.Connection:
    """Open (or create) the gradebook at `path`; SQLite's errors are the caller's to word (gradebook_errors)."""
    if path.is_dir():  # SQLite would say only "unable to open database file"
        raise sqlite3.OperationalError("unable to open database file (a folder)")
    db = sqlite3.connect(path, isolation_level=None, timeout=busy_seconds)
    try:
        db.execute("PRAGMA journal_mode = WAL")
        db.execute("PRAGMA synchronous = NORMAL")
        db.execute("PRAGMA foreign_keys = ON")
        db.executescript(SCHEMA)
        columns = {name for _, name, *_ in db.execute("PRAGMA table_info(attempts)")}
        if "settings_hash" not in columns:  # a gradebook written before settings were fingerprinted
            db.execute("ALTER TABLE attempts ADD COLUMN settings_hash TEXT NOT NULL DEFAULT ''")
    except BaseException:
        db.close()
        raise
    return db
