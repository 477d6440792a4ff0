"""grades.csv: one row per student, for a spreadsheet, safe to open.

Student ids are text a student chose. A cell that starts with = + - @ tab or CR is a formula to Excel,
LibreOffice and Google Sheets (=HYPERLINK, DDE calls); OWASP's CSV Injection guidance is to start
such a cell with a single quote, quote every text cell and double embedded quotes (the csv module's
QUOTE_NONNUMERIC does the last two). Numbers are written as numbers.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

from grader.gradebook import Attempt
from grader.i18n import Messages
from grader.render.reports import write_atomically

FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "\0")
"""What makes a spreadsheet read a cell as a formula (OWASP, CSV Injection; ASVS 1.2.10 adds NUL)."""


def csv_cell(value: object) -> object:
    """A cell no spreadsheet runs as a formula: text starting with = + - @ tab or CR gets a leading `'`.

    OWASP's CSV Injection guidance; numbers are written as numbers (a score is never negative).
    """
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def local_time(stamp: str) -> str:
    """An ISO time as this machine's local time with its UTC offset (2026-03-02T14:05:09+09:00)."""
    try:
        return dt.datetime.fromisoformat(stamp).astimezone().isoformat(timespec="seconds")
    except ValueError:
        return stamp


def _points(value: float) -> str:
    return f"{value:g}"


def write_grades_csv(attempts: list[Attempt], columns: list[str], path: Path, lang: str = "en",
                     maxima: dict[str, float] | None = None) -> Path:
    """One row per student; UTF-8 with a byte-order mark, so Excel shows Hangul names.

    The header names each exercise with its maximum (`sigmoid (12)`); text cells are quoted and
    escaped against formulas (csv_cell), numbers stay numbers; times are local, with their offset.
    """
    t = Messages(lang).t
    maxima = maxima or {}
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_NONNUMERIC)
    quizzes = any(attempt.quiz is not None for attempt in attempts)
    quiz_head = [t("class_batch.csv.quiz"), t("class_batch.csv.quiz-score"), t("class_batch.csv.quiz-max-score")]
    writer.writerow([t("class_batch.csv.student"), t("class_batch.csv.total"), t("class_batch.csv.max-score"),
                     *[f"{c} ({_points(maxima[c])})" if c in maxima else c for c in columns],
                     *(quiz_head if quizzes else []), t("class_batch.csv.graded-at"), t("class_batch.csv.note")])
    for attempt in attempts:
        scores = {row.exercise: row.score for row in attempt.exercises}
        quiz = attempt.quiz
        quiz_cells = ([quiz.quiz, quiz.score, quiz.max_score] if quiz else ["", "", ""]) if quizzes else []
        problems = [text for text in (attempt.error, quiz.error if quiz else None) if text]
        row = [attempt.student, attempt.score, attempt.max_score, *[scores.get(column, "") for column in columns],
               *quiz_cells, local_time(attempt.graded_at), " · ".join(problems)]
        writer.writerow([csv_cell(cell) for cell in row])
    return write_atomically(path, buffer.getvalue(), encoding="utf-8-sig")
