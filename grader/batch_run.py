"""Grading a class: grade what changed, keep every attempt, and never let one student stop the rest.

Each student's reports are written, then the attempt is stored in the gradebook, so a batch stopped
at any moment is finished by running it again: what was graded and has not changed since (neither
the submission nor anything that grades it, see grader.fingerprint) is kept, the rest is graded.

Whatever goes wrong with one submission — reading, copying, running, reporting — is that student's
row: a zero with the reason, in their report and in grades.csv, and the batch carries on. Only what
no student escapes stops a batch: a full disk, a broken gradebook, a grader that cannot start.
"""
from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from grader.class_failures import describe, not_graded_result
from grader.class_folder import ClassFolder, Entry, discover, in_shard, parse_shard
from grader.class_hashes import content_hashes
from grader.class_output import exclusive, is_output_failure, output_failure, student_folder
from grader.errors import GradeError
from grader.gradebook import Gradebook
from grader.i18n import Messages
from grader.quiz.assigned import AssignedQuiz, quiz_row as quiz_row_of
from grader.render.student_files import write_student
from grader.runner.job import Limits

OnDone = Callable[[str, object, "str | None"], None]
"""Called once per student as they are done: (student, result or None when kept, why not graded or None)."""


def find_answers(path: Path) -> tuple[str, bytes] | None:
    """grader.intake's quiz answers handed in with the code (imported when grading)."""
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

    `grader` is a Grader, or a function making one, called only when something is to be graded; `quiz` is the
    assignment's quiz, which answers files are graded for (none: answers files are not graded).
    """
    started = time.monotonic()
    entries = list(entries)
    summary = BatchSummary()
    messages = Messages(lang)
    latest = gradebook.latest_keys()
    todo: dict[Path, Entry] = {}
    hashes = content_hashes(entries, gradebook)
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
        if not hasattr(grader, "grade_batch"):  # a factory: the engine (and NumPy) only when there is work
            grader = grader()
        students = {path: entry.student for path, entry in todo.items()}
        if grader.pending_launcher is None:  # the fork server starts only when something is to be graded
            from grader.runner.launch import start_launcher

            grader.pending_launcher = start_launcher(grader.isolation)
        for item in grader.grade_batch(list(todo), jobs=jobs, lang=lang, students=students):
            student = students[item.path]
            _finish(grader, todo[item.path], item, out, gradebook, catalog_hash, settings_hash, hashes[student],
                    messages, summary, on_done, quiz)
    summary.seconds = time.monotonic() - started
    return summary


def _finish(grader, entry: Entry, item, out: Path, gradebook: Gradebook, catalog_hash: str, settings_hash: str,
            digest: str, messages: Messages, summary: BatchSummary, on_done: OnDone | None,
            assigned: AssignedQuiz | None = None) -> None:
    """Report and record one graded (or failed) submission; anything it raises costs this student only."""
    folder = student_folder(out, entry.student)
    result, quiz_row, error, results_json = item.result, None, None, None
    failure = item.error or item.failure
    if failure is not None and is_output_failure(failure):  # the grader's own disk (a snapshot, a run folder)
        raise output_failure(failure, out) from None
    if result is not None:
        try:
            quiz = None
            answers = find_answers(entry.path)
            if answers is not None and (assigned is None or assigned.quiz is None):
                summary.ignored_answers.append(entry.student)
            elif answers is not None:
                from grader.render.quiz import write_quiz_reports

                quiz = assigned.grade(entry.student, answers, messages.lang)
                summary.other_owner += [(entry.student, quiz.named)] if quiz.named else []
                quiz_row = quiz_row_of(quiz)
                write_quiz_reports(quiz, folder)
            results_json = result.to_json(indent=None)  # once, for results.json and the gradebook
            write_student(result, folder, quiz, results_json)
        except Exception as problem:  # noqa: BLE001 - one student's report, not the class
            if is_output_failure(problem):
                raise output_failure(problem, out) from None
            result, quiz_row, failure = None, None, problem
    if result is None:
        error = describe(failure, messages) if failure is not None else messages.t("class_batch.internal", kind="-")
        # A GradeError is a fact about the submission (a corrupt zip) and is kept; anything else may be
        # the grader's own trouble, so the attempt is stored without settings and graded again next time.
        if not isinstance(failure, GradeError):
            settings_hash = ""
        summary.unreadable.append((entry.student, error))
        try:
            write_student(not_graded_result(entry.student, entry.path.name, error, grader.catalog, messages.lang),
                          folder)
        except Exception as problem:  # noqa: BLE001 - the row in grades.csv still says why
            if is_output_failure(problem):
                raise output_failure(problem, out) from None
    else:
        summary.graded += 1
    try:
        gradebook.record(entry.student, digest, catalog_hash, result, error,
                         results_json=results_json if result else None,
                         max_score=grader.catalog.max_score, quiz=quiz_row, settings_hash=settings_hash)
    except GradeError:
        raise  # the gradebook itself failed (full, locked, corrupt): no other student would fare better
    except Exception as problem:  # noqa: BLE001 - text SQLite cannot store (lone surrogates from a file name)
        if result is not None:
            summary.graded -= 1
        result, error = None, describe(problem, messages)
        summary.unreadable.append((entry.student, error))
        gradebook.record(entry.student, digest, catalog_hash, None, error, max_score=grader.catalog.max_score)
    if on_done:
        on_done(entry.student, result, error)


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

    chosen = choose(options.course, options.assignment, options.catalog)
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
