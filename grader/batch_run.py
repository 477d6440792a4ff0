"""Grading a class: grade what changed, keep every attempt, and never let one student stop the rest.

Each student's reports are written, then the attempt is stored in the gradebook, so a batch stopped
at any moment is finished by running it again: what was graded and has not changed since (neither
the submission nor anything that grades it, see grader.fingerprint) is kept, the rest is graded.

Whatever goes wrong with one submission — reading, copying, running, reporting — is that student's
row: a zero with the reason, in their report and in grades.csv, and the batch carries on. Only what
no student escapes stops a batch: a full disk, a broken gradebook, a grader that cannot start.
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from grader.batch_student import Reported, read_hash, report_student
from grader.class_failures import describe
from grader.class_folder import ClassFolder, Entry, discover, in_shard, parse_shard
from grader.class_hashes import content_hashes
from grader.class_output import exclusive, is_output_failure, output_failure, student_folder
from grader.errors import GradeError
from grader.gradebook import Gradebook
from grader.i18n import Messages
from grader.quiz.assigned import AssignedQuiz
from grader.runner.job import Limits
from grader.signature import stat_signature

OnDone = Callable[[str, object, "str | None"], None]
"""Called once per student as they are done: (student, result or None when kept, why not graded or None)."""


def find_answers(path: Path) -> tuple[str, bytes] | None:
    """grader.intake's quiz answers handed in with the code, for an item that does not carry them."""
    from grader.intake import find_answers as find

    return find(path)


@dataclass
class BatchSummary:
    graded: int = 0
    unchanged: int = 0
    unreadable: list[tuple[str, str]] = field(default_factory=list)
    """(student, why) for each student whose latest attempt could not be graded, kept ones included."""
    seconds: float = 0.0
    ignored_answers: list[str] = field(default_factory=list)
    """Students graded now who handed in an answers file for an assignment without a quiz (not graded)."""
    other_owner: list[tuple[str, str]] = field(default_factory=list)
    """(student, id in the file) for an answers file naming someone else, graded as the student (quiz/assigned.py)."""


@dataclass
class ClassOptions:
    """What `grade batch` is asked to do, beside the class folder and the output folder."""

    jobs: int = 0
    """Submissions graded at once; 0 is the CPU count."""
    lang: str = "en"
    catalog: Path | None = None
    """The instructor's catalog laid over the package's."""
    course: Path | None = None
    """The course pack (grader.course.load_course); None: GRADE_COURSE, else the built-in course."""
    assignment: str | None = None
    """The assignment graded, whose quiz is the one answers files are graded for; None: the course's first."""
    shard: str | None = None
    isolation: str = "auto"
    limits: Limits = field(default_factory=Limits)
    chosen: object | None = None
    """The course and assignment already chosen from the three above (grader.assignment_run.choose), if any."""


@dataclass
class ClassRun:
    folder: ClassFolder
    entries: list[Entry]
    summary: BatchSummary
    written: list[Path]
    """grades.csv and index.html."""
    assignment: str = ""
    """The assignment graded (its quiz is the one answers files were graded for)."""


def run_batch(grader, entries: Iterable[Entry], out: Path, gradebook: Gradebook, catalog_hash: str,
              settings_hash: str, jobs: int, lang: str, on_done: OnDone | None = None,
              quiz: AssignedQuiz | None = None) -> BatchSummary:
    """Grade every entry whose content, catalog or settings changed since its latest attempt; record each at once.

    `grader` is a Grader, or a function making one, called only when something is to be graded (then a class
    large enough is graded by a pool of grader processes, grader.batch_pool); `quiz` is the assignment's quiz,
    which answers files are graded for (none: answers files are not graded).
    """
    started = time.monotonic()
    entries = list(entries)
    summary = BatchSummary()
    messages = Messages(lang)
    latest = gradebook.latest_keys()
    todo: dict[Path, Entry] = {}
    # A student without an attempt is graded whatever their files hold: their content hash is taken as the
    # submission is read for grading (Submission.content_hash), in the grader processes, not read here first.
    new = {entry.student: stat_signature(entry.path) for entry in entries if entry.student not in latest}
    hashes = content_hashes([entry for entry in entries if entry.student not in new], gradebook)
    signatures: list[tuple[str, str, str]] = []
    for entry in entries:
        kept = latest.get(entry.student)
        if (kept is not None and hashes[entry.student] and kept[:3] == (hashes[entry.student], catalog_hash, settings_hash)
                and (kept[3] is not None or (student_folder(out, entry.student) / "results.json").exists())):
            summary.unchanged += 1
            if kept[3] is not None:
                summary.unreadable.append((entry.student, kept[3]))
            if on_done:
                on_done(entry.student, None, kept[3])
            continue
        todo[entry.path] = entry
    if todo:
        pooled = not hasattr(grader, "grade_batch")
        if pooled:  # a factory: the engine (and NumPy) only when there is work
            grader = grader()

        def record(entry: Entry, reported: Reported) -> None:
            digest = hashes.get(entry.student)
            if digest is None:  # a new student's: as graded, else (not read) as grader.class_hashes takes it
                digest = reported.content_hash or read_hash(entry.path)
                if new[entry.student] is not None and digest:
                    signatures.append((entry.student, new[entry.student], digest))
            _record(entry, reported, gradebook, catalog_hash, settings_hash, digest, grader.catalog.max_score,
                    messages, summary, on_done)

        from grader.batch_pool import grade_in_pool, pool_size

        processes, threads = pool_size(jobs, len(todo))
        if pooled and processes > 1:
            with contextlib.closing(grade_in_pool(grader, list(todo.values()), processes, threads, out, lang,
                                                  quiz)) as reports:
                for entry, reported in reports:
                    record(entry, reported)
        else:
            students = {path: entry.student for path, entry in todo.items()}
            if grader.pending_launcher is None:  # the fork server starts only when something is to be graded
                from grader.runner.launch import start_launcher

                grader.pending_launcher = start_launcher(grader.isolation)
            for item in grader.grade_batch(list(todo), jobs=jobs, lang=lang, students=students):
                entry = todo[item.path]
                record(entry, report_student(entry, item, out, grader.catalog, messages, quiz))
        gradebook.remember_signatures(signatures)  # what a re-run need not read again
    summary.seconds = time.monotonic() - started
    return summary


def _record(entry: Entry, reported: Reported, gradebook: Gradebook, catalog_hash: str, settings_hash: str,
            digest: str, max_score: float, messages: Messages, summary: BatchSummary,
            on_done: OnDone | None) -> None:
    """Store one reported student in the gradebook and count them; text SQLite refuses costs this student only."""
    student, result, error = entry.student, reported.result, reported.error
    if reported.ignored_answers:
        summary.ignored_answers.append(student)
    summary.other_owner += [(student, reported.named)] if reported.named else []
    if result is None:
        summary.unreadable.append((student, error))
        if not reported.settings_kept:
            settings_hash = ""
    else:
        summary.graded += 1
    try:
        gradebook.record(student, digest, catalog_hash, result, error,
                         results_json=reported.results_json if result else None,
                         max_score=max_score, quiz=reported.quiz if result else None, settings_hash=settings_hash)
    except GradeError:
        raise  # the gradebook itself failed (full, locked, corrupt): no other student would fare better
    except Exception as problem:  # noqa: BLE001 - text SQLite cannot store (lone surrogates from a file name)
        if result is not None:
            summary.graded -= 1
        result, error = None, describe(problem, messages)
        summary.unreadable.append((student, error))
        gradebook.record(student, digest, catalog_hash, None, error, max_score=max_score)
    if on_done:
        on_done(student, result, error)


def exports_key(latest: list[tuple[str, int]], lang: str, title: str, hashes: tuple[str, str]) -> str:
    """What grades.csv and index.html are made of: the latest attempts, language, title, grader, time zone."""
    text = json.dumps([latest, lang, title, hashes, time.strftime("%z")], ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8", "replace")).hexdigest()[:16]


def grade_class(submissions: Path, out: Path, options: ClassOptions,
                progress: Callable[[int], "object"] | None = None,
                on_folder: Callable[[ClassFolder], None] | None = None,
                on_graded: Callable[[Gradebook, str, str], list[str]] | None = None,
                title: str | None = None) -> ClassRun:
    """`grade batch`: every student of `submissions` graded into `out`, then grades.csv and index.html.

    `progress(total)` is a context manager giving the per-student callback (the progress bar);
    `on_folder` hears about skipped and colliding entries before grading starts; `on_graded(gradebook,
    catalog hash, settings hash)` may record more students (a roster's without a submission) and returns
    them, for grades.csv and index.html; `title` names the class when `submissions` is a temporary folder.
    """
    from grader.assignment_run import choose
    from grader.fingerprint import catalog_fingerprint, settings_fingerprint
    from grader.render.class_report import exports_current, write_class_exports

    chosen = options.chosen or choose(options.course, options.assignment, options.catalog)
    assigned = AssignedQuiz.of(chosen.course, options.assignment)
    exercises = chosen.catalog  # the assignment's exercises: what the class's grades are out of
    slice_ = parse_shard(options.shard)
    folder = discover(submissions, modules=[e.module for e in exercises.exercises])
    entries = [entry for entry in folder.entries if in_shard(entry.student, slice_)]
    if on_folder:
        on_folder(folder)

    def grader():
        from grader.grading import Grader

        return Grader(catalog=exercises, isolation=options.isolation, limits=options.limits)

    jobs = options.jobs or os.cpu_count() or 1
    hashes = (catalog_fingerprint(exercises),
              settings_fingerprint(options.lang, options.isolation, options.limits, quiz=assigned.fingerprint()))
    try:
        with exclusive(out), Gradebook.in_folder(out) as gradebook:
            if progress is None:
                summary = run_batch(grader, entries, out, gradebook, *hashes, jobs, options.lang, quiz=assigned)
            else:
                with progress(len(entries)) as done:
                    summary = run_batch(grader, entries, out, gradebook, *hashes, jobs, options.lang, on_done=done,
                                        quiz=assigned)
            extra = on_graded(gradebook, *hashes) if on_graded else []
            students = [entry.student for entry in entries] + extra
            title = (title or Path(submissions).resolve().name) + (f" · {options.shard}" if options.shard else "")
            key = exports_key(gradebook.latest_ids(students), options.lang, title, hashes)
            written = [out / "grades.csv", out / "index.html"]
            if not exports_current(out, key):  # an unchanged class: the exports written last time still hold
                written = write_class_exports(gradebook.latest_attempts(students), exercises, out, options.lang,
                                              title, key)
    except OSError as error:
        if is_output_failure(error):
            raise output_failure(error, out) from None
        raise
    return ClassRun(folder, entries, summary, written, assigned.assignment)
