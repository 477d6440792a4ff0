"""Answers files: read and written.

An answers file is TOML: `student = "ID"`, `quiz = "QUIZ-ID"` and an `[answers]` table keyed by
question id. A file that cannot be read, or lacks the student or the quiz, is a one-line error in the
reader's language; nothing in a student's file can crash the grader (grader.quiz.marking marks it).
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from grader.errors import GradeError
from grader.quiz.sheet import Sheet
from grader.render.safe import plain

MAX_ANSWERS_BYTES = 256 * 1024


@dataclass(frozen=True)
class Answers:
    student: str
    quiz: str
    answers: dict[str, object]


def read_answers(path: Path) -> Answers:
    path = Path(path)
    if not path.is_file():
        raise GradeError("error.missing-answers", path=path)
    if path.stat().st_size > MAX_ANSWERS_BYTES:
        raise GradeError("trust.answers-too-large", path=path, limit=MAX_ANSWERS_BYTES // 1024)
    return parse_answers(path.read_bytes(), path)


def parse_answers(data: bytes, path: Path | str) -> Answers:
    """An answers file's bytes, read as `path` (named in errors); each way it can be unreadable has its own
    message (locales/*/trust.toml), in the reader's language."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise GradeError("trust.answers-not-utf8", path=path, position=error.start + 1) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise syntax_error(error, text, path) from None
    student, quiz, answers = data.get("student"), data.get("quiz"), data.get("answers", {})
    if not isinstance(student, str) or not student or not isinstance(quiz, str) or not quiz:
        raise GradeError("trust.answers-no-ids", path=path)
    if not isinstance(answers, dict):
        raise GradeError("trust.answers-not-table", path=path)
    return Answers(student, quiz, answers)


def syntax_error(error: tomllib.TOMLDecodeError, text: str, path: Path | str) -> GradeError:
    """Where tomllib stopped, as a line and a column (the end of the text for "at end of document"), and its words."""
    message = str(error).splitlines()[0]
    found = re.search(r" \(at (?:line (\d+), column (\d+)|end of document)\)$", message)
    lines = text.split("\n")
    line, column = (int(found[1]), int(found[2])) if found and found[1] else (len(lines), len(lines[-1]) + 1)
    detail = message[:found.start()] if found else message
    return GradeError("trust.answers-syntax", path=path, line=line, column=column, detail=plain(detail))


def answers_toml(sheet: Sheet, answers: dict[str, object]) -> str:
    """An answers file (the key, or what `quiz take` collected), in the documented format (grader.kit.toml_write:
    any student id or answer text reads back as written)."""
    from grader.kit.toml_write import dumps

    given = {item.question.id: answers[item.question.id] for item in sheet.questions if item.question.id in answers}
    return dumps({"student": sheet.student, "quiz": sheet.quiz.id, "answers": given}, inline_tables=False)
