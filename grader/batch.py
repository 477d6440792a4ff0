"""Grading a whole class: find the students, grade what changed, keep every attempt, export grades.

A class folder's entries are its students: a folder, a `.py`, an `.ipynb` or a `.zip` each, named
after the student. Each student's reports are written, then the attempt is stored in the gradebook,
so a batch stopped at any moment is finished by running it again: what was graded and has not
changed since is kept, the rest is graded.
"""
from __future__ import annotations

import hashlib
import json
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

from grader.errors import GradeError
from grader.gradebook import QuizRow
from grader.i18n import Messages
from grader.submission import SUBMISSION_SUFFIXES

if TYPE_CHECKING:  # the quiz modules load NumPy, the reports Jinja: not imported for a class where nothing changed
    from grader.results import SubmissionResult
    from grader.quiz.bank import Bank
    from grader.quiz.marking import QuizResult

IGNORED_NAMES = {"__MACOSX", "__pycache__", "Thumbs.db", "desktop.ini"}


@dataclass(frozen=True)
class Entry:
    student: str
    path: Path


@dataclass
class ClassFolder:
    entries: list[Entry]
    skipped: list[str] = field(default_factory=list)
    """Entries that are not submissions (dotfiles, __MACOSX, a stray .csv), listed for the instructor."""
    collisions: list[list[str]] = field(default_factory=list)
    """Entries whose student ids are one id once Unicode-normalised or case-folded (`김민준` in NFC and
    NFD, `Alice/` and `alice.zip`): the first of each group is graded, the others are listed, never merged."""


def student_id(name: str) -> str:
    """A student's id from the name of their entry: NFC, as macOS' NFD file names and Windows' NFC ones agree.

    Bytes that are not UTF-8 in a file name (Python keeps them as lone surrogates, which no UTF-8
    file, database or terminal accepts) become U+FFFD.
    """
    text = name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    return unicodedata.normalize("NFC", text)


def discover(folder: Path, modules: Iterable[str] = ()) -> ClassFolder:
    """The students of a class folder, sorted by id; one entry per student.

    `modules` are the stub files' names (activations, losses, …): a folder holding those is one
    student's submission, not a class, and is refused with a hint to use `grade submit`.
    """
    folder = Path(folder)
    if not folder.exists():
        raise GradeError("error.missing-path", path=folder)
    if not folder.is_dir():
        raise GradeError("error.batch-not-folder", path=folder)
    groups: dict[str, list[Entry]] = {}
    skipped = []
    children = sorted(folder.iterdir(), key=lambda p: student_id(p.name))
    modules = set(modules)
    stubs = [c.name for c in children if c.suffix == ".py" and c.stem in modules and not c.is_dir()]
    if modules and len(stubs) >= min(2, len(modules)):
        raise GradeError("class_batch.one-submission", path=folder, files=", ".join(stubs))
    for child in children:
        is_submission = child.is_dir() or child.suffix.lower() in SUBMISSION_SUFFIXES
        if child.name.startswith(".") or child.name in IGNORED_NAMES or not is_submission:
            skipped.append(child.name)
            continue
        student = student_id(child.name if child.is_dir() else child.stem)
        groups.setdefault(student.casefold(), []).append(Entry(student, child))
    if not groups:
        raise GradeError("error.batch-empty", path=folder)
    # A folder sorts before a file of the same name (alice/ before alice.zip): it is the one graded.
    for group in groups.values():
        group.sort(key=lambda e: (not e.path.is_dir(), e.path.name))
    collisions = [[entry.path.name for entry in group] for group in groups.values() if len(group) > 1]
    entries = sorted((group[0] for group in groups.values()), key=lambda e: e.student)
    return ClassFolder(entries, skipped, collisions)


def parse_shard(text: str | None) -> tuple[int, int] | None:
    """`K/N` -> (K, N), 1 ≤ K ≤ N."""
    if text is None:
        return None
    try:
        k, n = (int(part) for part in text.split("/"))
    except ValueError:
        raise GradeError("error.bad-shard", shard=text) from None
    if not 1 <= k <= n:
        raise GradeError("error.bad-shard", shard=text)
    return k, n


def in_shard(student: str, shard: tuple[int, int] | None) -> bool:
    """Whether a student belongs to shard K of N: by a hash of their id, the same on every machine."""
    if shard is None:
        return True
    k, n = shard
    return int(hashlib.sha256(student.encode("utf-8")).hexdigest(), 16) % n == k - 1


def gradescope_results(result: SubmissionResult, quiz: QuizResult | None = None) -> dict:
    """Gradescope's autograder results format: one test per exercise, and one for the quiz if any."""
    t = Messages(result.lang).t
    tests = []
    for number, exercise in enumerate(result.exercises, start=1):
        lines = [f"{case.title}: {t(f'status.{case.status}')}" + (f" — {case.message}" if case.message else "")
                 for case in exercise.cases]
        lines += [f"{note.name}: {note.hint}" for note in exercise.diagnoses]
        tests.append({
            "name": f"{exercise.title} ({exercise.id})",
            "number": str(number),
            "score": exercise.score,
            "max_score": exercise.max_score,
            "status": "passed" if exercise.status == "passed" else "failed",
            "output": "\n".join(lines),
            "visibility": "visible",
        })
    if quiz is not None:
        tests.append({
            "name": f"{quiz.title} ({quiz.quiz})", "number": str(len(tests) + 1), "score": quiz.score,
            "max_score": quiz.max_score, "status": "passed" if quiz.score == quiz.max_score else "failed",
            "output": "\n".join(f"{q.number}. {q.id}: {t(f'quiz.status-{q.status}')}" for q in quiz.questions),
            "visibility": "visible",
        })
    score = round(sum(test["score"] for test in tests), 2)
    return {"score": score, "max_score": round(sum(test["max_score"] for test in tests), 2), "visibility": "visible",
            "stdout_visibility": "hidden", "tests": tests}


def write_student(result: SubmissionResult, folder: Path, quiz: QuizResult | None = None,
                  results_json: str | None = None) -> None:
    """A student's report.html, report.md, results.json and gradescope.json (which counts the quiz too).

    `results_json` is the result already serialised (a batch serialises once, for the file and the gradebook).
    """
    from grader.render.reports import write_atomically, write_reports

    write_reports(result, folder, results_json)
    write_atomically(folder / "gradescope.json",
                     json.dumps(gradescope_results(result, quiz), ensure_ascii=False, indent=2))


def grade_quiz(student: str, answers: tuple[str, bytes], bank: Bank, lang: str) -> tuple[QuizResult | None, QuizRow]:
    """A student's answers file graded against their own sheet (built from the batch's student id)."""
    from grader.quiz.marking import grade_answers, parse_answers
    from grader.quiz.sheet import build_sheet

    name, data = answers
    try:
        parsed = parse_answers(data, name)
        result = grade_answers(build_sheet(bank, parsed.quiz, student), parsed, lang)
    except GradeError as error:
        return None, QuizRow("", 0.0, 0.0, Messages(lang).t(error.key, **error.params))
    return result, QuizRow(result.quiz, result.score, result.max_score, None,
                           tuple((q.id, q.status, q.score, q.max_score) for q in result.questions))
