"""The student kit's quiz bank: every question and quiz, no answer and no explanation (it gives the answer away).

The quiz work's own writer (grader.quiz.kit.write_student_bank) is used when it is there; until then, the
bank's TOML with those two fields dropped.
"""
from __future__ import annotations

import tomllib
from pathlib import Path

from grader.errors import CatalogError
from grader.kit.toml_write import dumps

SECRET = ("answer", "explanation")


def write_questions_only(source: Path, target: Path) -> None:
    try:
        from grader.quiz.kit import write_student_bank
    except ImportError:
        target.write_text(questions_without_answers(source), encoding="utf-8")
    else:
        write_student_bank(source, target)


def questions_without_answers(source: Path) -> str:
    try:
        data = tomllib.loads(Path(source).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise CatalogError(f"{source}: {error}") from None
    data["questions"] = [{k: v for k, v in q.items() if k not in SECRET} for q in data.get("questions", [])]
    data["has_answers"] = False
    return dumps(data, "A student kit's quiz bank: the questions only; the answers are in the grading kit.")
