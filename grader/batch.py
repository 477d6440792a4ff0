"""Grading a whole class: find the students, grade what changed, keep every attempt, export grades.

A class folder's entries are its students: a folder, a `.py`, an `.ipynb` or a `.zip` each, named
after the student. Each student's reports are written, then the attempt is stored in the gradebook,
so a batch stopped at any moment is finished by running it again: what was graded and has not
changed since is kept, the rest is graded.
"""
from __future__ import annotations

import hashlib
import json
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from grader.errors import GradeError
from grader.gradebook import FILENAME as GRADEBOOK_FILE
from grader.gradebook import Gradebook, QuizRow
from grader.i18n import Messages
from grader.intake import content_hash, find_answers  # reading a submission is intake's job
from grader.grading import Grader
from grader.quiz.bank import Bank, load_bank
from grader.quiz.marking import QuizResult, grade_answers, parse_answers
from grader.quiz.sheet import build_sheet
from grader.render.quiz import write_quiz_reports
from grader.render.reports import write_atomically, write_reports
from grader.results import SubmissionResult
from grader.submission import SUBMISSION_SUFFIXES

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


@dataclass
class BatchSummary:
    graded: int = 0
    unchanged: int = 0
    unreadable: list[tuple[str, str]] = field(default_factory=list)
    """(student, why) for each submission that could not be graded."""
    seconds: float = 0.0


def discover(folder: Path) -> ClassFolder:
    """The students of a class folder, sorted by id; one entry per student."""
    folder = Path(folder)
    if not folder.exists():
        raise GradeError("error.missing-path", path=folder)
    if not folder.is_dir():
        raise GradeError("error.batch-not-folder", path=folder)
    found: dict[str, Entry] = {}
    skipped = []
    for child in sorted(folder.iterdir(), key=lambda p: p.name):
        is_submission = child.is_dir() or child.suffix.lower() in SUBMISSION_SUFFIXES
        if child.name.startswith(".") or child.name in IGNORED_NAMES or not is_submission:
            skipped.append(child.name)
            continue
        student = child.name if child.is_dir() else child.stem
        if student in found:  # alice/ and alice.zip: the first (the folder, by name order) counts
            skipped.append(child.name)
            continue
        found[student] = Entry(student, child)
    if not found:
        raise GradeError("error.batch-empty", path=folder)
    return ClassFolder(sorted(found.values(), key=lambda e: e.student), skipped)


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


def write_student(result: SubmissionResult, folder: Path, quiz: QuizResult | None = None) -> None:
    """A student's report.html, report.md, results.json and gradescope.json (which counts the quiz too)."""
    write_reports(result, folder)
    write_atomically(folder / "gradescope.json",
                     json.dumps(gradescope_results(result, quiz), ensure_ascii=False, indent=2))


def grade_quiz(student: str, answers: tuple[str, bytes], bank: Bank, lang: str) -> tuple[QuizResult | None, QuizRow]:
    """A student's answers file graded against their own sheet (built from the batch's student id)."""
    name, data = answers
    try:
        parsed = parse_answers(data, name)
        result = grade_answers(build_sheet(bank, parsed.quiz, student), parsed, lang)
    except GradeError as error:
        return None, QuizRow("", 0.0, 0.0, Messages(lang).t(error.key, **error.params))
    return result, QuizRow(result.quiz, result.score, result.max_score, None,
                           tuple((q.id, q.status, q.score, q.max_score) for q in result.questions))


def run_batch(grader: Grader, entries: Iterable[Entry], out: Path, gradebook: Gradebook, catalog_hash: str,
              jobs: int, lang: str, on_done: Callable[[str, SubmissionResult | None, str | None], None] | None = None,
              ) -> BatchSummary:
    """Grade every entry whose content or catalog changed since its latest attempt; record each at once."""
    started = time.monotonic()
    summary = BatchSummary()
    todo: dict[Path, Entry] = {}
    hashes: dict[str, str] = {}
    for entry in entries:
        hashes[entry.student] = content_hash(entry.path)
        latest = gradebook.latest(entry.student)
        if (latest is not None and latest.content_hash == hashes[entry.student] and latest.catalog_hash == catalog_hash
                and (latest.error is not None or (out / entry.student / "results.json").exists())):
            summary.unchanged += 1
            if on_done:
                on_done(entry.student, None, None)
            continue
        todo[entry.path] = entry
    students = {path: entry.student for path, entry in todo.items()}
    bank = load_bank()
    for item in grader.grade_batch(list(todo), jobs=jobs, lang=lang, students=students):
        student = students[item.path]
        error, quiz_row = None, None
        if item.result is not None:
            answers = find_answers(item.path)
            quiz = None
            if answers is not None:
                quiz, quiz_row = grade_quiz(student, answers, bank, lang)
                if quiz is not None:
                    write_quiz_reports(quiz, out / student)
            write_student(item.result, out / student, quiz)
            summary.graded += 1
        else:
            error = Messages(lang).t(item.error.key, **item.error.params)
            summary.unreadable.append((student, error))
        gradebook.record(student, hashes[student], catalog_hash, item.result, error,
                         results_json=item.result.to_json(indent=None) if item.result else None,
                         max_score=grader.catalog.max_score, quiz=quiz_row)
        if on_done:
            on_done(student, item.result, error)
    summary.seconds = time.monotonic() - started
    return summary


def merge_folders(folders: Iterable[Path], out: Path) -> tuple[int, list]:
    """Every attempt and student folder of `folders` (shard outputs) into `out`; returns (new attempts, latest)."""
    folders = [Path(folder) for folder in folders]
    for folder in folders:
        if not (folder / GRADEBOOK_FILE).is_file():
            raise GradeError("error.no-gradebook", path=folder)
    copied = 0
    with Gradebook.in_folder(out) as merged:
        for folder in folders:
            with Gradebook.in_folder(folder) as shard:
                copied += merged.import_from(shard)
                for attempt in shard.latest_attempts():
                    source, target = folder / attempt.student, Path(out) / attempt.student
                    if source.is_dir() and source.resolve() != target.resolve():
                        shutil.copytree(source, target, dirs_exist_ok=True)
        return copied, merged.latest_attempts()

