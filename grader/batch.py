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
from grader.gradebook import Gradebook
from grader.i18n import Messages
from grader.grading import Grader
from grader.render.reports import write_reports
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


def content_hash(path: Path) -> str:
    """A fingerprint of a submission's files: their paths and bytes, in a fixed order."""
    digest = hashlib.sha256()
    path = Path(path)
    files = [path] if path.is_file() else sorted(
        p for p in path.rglob("*") if p.is_file() and not any(part.startswith(".") or part == "__pycache__"
                                                               for part in p.relative_to(path).parts))
    for file in files:
        digest.update(str(file.relative_to(path) if file != path else file.name).encode() + b"\0")
        digest.update(file.read_bytes() + b"\0")
    return digest.hexdigest()[:32]


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


def gradescope_results(result: SubmissionResult) -> dict:
    """Gradescope's autograder results format: one test per exercise."""
    tests = []
    for number, exercise in enumerate(result.exercises, start=1):
        lines = [f"{case.title}: {case.status}" + (f" — {case.message}" if case.message else "")
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
    return {"score": result.score, "max_score": result.max_score, "visibility": "visible",
            "stdout_visibility": "hidden", "tests": tests}


def write_student(result: SubmissionResult, folder: Path) -> None:
    """A student's report.html, report.md, results.json and gradescope.json."""
    write_reports(result, folder)
    target = folder / "gradescope.json"
    partial = target.with_suffix(".json.tmp")
    partial.write_text(json.dumps(gradescope_results(result), ensure_ascii=False, indent=2), encoding="utf-8")
    partial.replace(target)


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
    for item in grader.grade_batch(list(todo), jobs=jobs, lang=lang, students=students):
        student = students[item.path]
        error = None
        if item.result is not None:
            write_student(item.result, out / student)
            summary.graded += 1
        else:
            error = Messages(lang).t(item.error.key, **item.error.params)
            summary.unreadable.append((student, error))
        gradebook.record(student, hashes[student], catalog_hash, item.result, error,
                         results_json=item.result.to_json(indent=None) if item.result else None,
                         max_score=grader.catalog.max_score)
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

