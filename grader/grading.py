"""The grading engine: run a submission against a catalog and turn what happened into results.

It knows cases, outcomes and mistakes in general and no exercise in particular. One `Grader`
prepares each exercise's inputs and expected values once and reuses them for every submission.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import itertools
import threading
import time
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Mapping

from grader.cases import PreparedExercise, prepare_exercise
from grader.catalog import Catalog, Exercise, load_catalog
from grader.diagnose import diagnose
from grader.explain import explain_cascades, mistake_notes
from grader.errors import GradeError
from grader.case_result import case_result
from grader.hidden import run_cases
from grader.i18n import Messages
from grader.feedback import shown_output
from grader.observe import observe
from grader.loading_notes import alias_advice, file_result, skipped_files, undecodable_error
from grader.results import ExerciseResult, SubmissionResult
from grader.runner import CallOutcome, Limits, RunReport
from grader.runner.job import UnitOutcome
from grader.render.chart_data import plot_values
from grader.runner import launch
from grader.scoring import exercise_score, exercise_status
from grader.source_text import with_sources
from grader.submission import Submission, open_submission


@dataclass
class BatchItem:
    """One submission of a batch: its result, or why it could not be graded (an unreadable zip, ...)."""

    path: Path
    result: SubmissionResult | None = None
    error: GradeError | None = None
    failure: Exception | None = None
    """Anything else raised while reading, copying or running this submission: it costs this submission only."""
    answers: tuple[str, bytes] | None = None
    """The quiz answers file handed in with the code (Submission.answers), when `answers_read`."""
    answers_read: bool = False
    content_hash: str = ""
    """grader.intake.content_hash of what was graded, taken as it was read ("": not read)."""


@dataclass
class Grader:
    """Grades submissions against a catalog, on workers from one fork server; prepares each exercise once."""

    catalog: Catalog = field(default_factory=load_catalog)
    limits: Limits = field(default_factory=Limits)
    isolation: str = "auto"
    """auto, bwrap or process: see grader.runner.launch.make_launcher."""
    pending_launcher: Future | None = field(default=None, repr=False)
    """A launcher being made in the background (see grader.runner.launch.start_launcher)."""
    _prepared: dict[str, PreparedExercise] = field(default_factory=dict, repr=False)
    _launcher: Any = field(default=None, repr=False)
    _running: Any = field(default=None, repr=False)
    """In a batch, a semaphore of `jobs` slots: at most that many submissions run in workers at once."""

    @property
    def launcher(self):
        """How workers start; made once, since it starts a fork server (and probes for Bubblewrap)."""
        return self._start_launcher()

    def select(self, names: Iterable[str] | None) -> list[Exercise]:
        if not names:
            return list(self.catalog.exercises)
        return [self.catalog.find(name) for name in names]

    def warm_up(self) -> None:
        """Make what grading threads share before they start: every exercise's cases and the launcher (its
        fork server). Made on first use, two threads could each make them, the fork server twice."""
        for exercise in self.catalog.exercises:
            self.prepare(exercise)
        self._start_launcher()

    def _start_launcher(self):
        if self._launcher is None:
            pending = self.pending_launcher or launch.start_launcher(self.isolation)
            self._launcher = pending.result()
        return self._launcher

    def prepare(self, exercise: Exercise) -> PreparedExercise:
        if exercise.id not in self._prepared:
            self._prepared[exercise.id] = prepare_exercise(self.catalog, exercise)
        return self._prepared[exercise.id]

    def grade(self, submission: Submission, student: str | None = None, lang: str = "en",
              only: Iterable[str] | None = None, while_running: Callable[[], object] | None = None) -> SubmissionResult:
        """`while_running` (work for later, such as loading the report templates) is called once the submission's
        first worker has started: the grader mostly waits on it then, and the worker starts no later for it."""
        started = time.monotonic()
        prepared = [self.prepare(exercise) for exercise in self.select(only)]
        units, decoded = with_sources(submission.root, submission.units)
        launcher = self.launcher if while_running is None else _Announcing(self.launcher, while_running)
        with self._running or contextlib.nullcontext():
            report, outcomes = run_cases(submission.root, units, prepared, self.limits, launcher)
        messages = Messages(lang)
        files = {unit.name: unit.path for unit in submission.units}
        labels = {unit.name: unit.path for unit in reversed(submission.units)}  # a name's first file
        for name, text in decoded.items():  # a file that is not text never reached the worker
            if text.text is None:
                report.units[name] = UnitOutcome(name, [undecodable_error(files[name], text, messages)])
        exercises = [self._exercise_result(p, o, report, messages, files) for p, o in zip(prepared, outcomes)]
        explain_cascades(self, submission, exercises, messages)
        return SubmissionResult(
            student=student or submission.name,
            isolation=report.isolation,
            limits=report.limits,
            exercises=exercises,
            lang=lang,
            graded_at=dt.datetime.now(dt.timezone.utc).astimezone().isoformat(timespec="seconds"),
            seconds=round(time.monotonic() - started, 3),
            files=[file_result(labels[unit.name], report.units.get(unit.name), decoded.get(unit.name), messages,
                               self.limits) for unit in submission.units],
            output=shown_output(report.output, messages, "bytes"),
            skipped=skipped_files(submission.skipped, messages),
        )

    def grade_batch(self, paths: Iterable[Path], jobs: int = 2, lang: str = "en",
                    students: Mapping[Path, str] | None = None) -> Iterator[BatchItem]:
        """Grade many submissions, `jobs` at a time, yielding each as it finishes.

        Each submission runs in its own worker; an unreadable one is reported, never stops the batch.
        Threads suffice: they spend their time waiting on workers, with the GIL released.
        `students` names each path's student (default: the file or folder name).
        """
        self.warm_up()
        students = {} if students is None else students  # a mapping its caller may fill as paths come
        jobs = max(1, jobs)
        # A few submissions queued per thread, not the whole class: a finished result is handed over
        # and forgotten, so memory stays flat however large the class.
        queue = iter(paths)
        # Twice as many threads as workers: while `jobs` submissions run, others are read or judged.
        self._running = threading.BoundedSemaphore(jobs)
        with ThreadPoolExecutor(max_workers=2 * jobs) as pool:
            pending = set()
            while True:
                for path in itertools.islice(queue, 3 * jobs - len(pending)):
                    pending.add(pool.submit(self._grade_path, Path(path), lang, students.get(path)))
                if not pending:
                    return
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    yield future.result()

    def _grade_path(self, path: Path, lang: str, student: str | None) -> BatchItem:
        try:
            with open_submission(path, follow_top_link=False) as submission:
                return BatchItem(path, result=self.grade(submission, student=student, lang=lang),
                                 answers=submission.answers, answers_read=True,
                                 content_hash=submission.content_hash)
        except GradeError as error:
            return BatchItem(path, error=error)
        except Exception as failure:  # noqa: BLE001 - a RecursionError, a worker that failed, ...: one student's
            return BatchItem(path, failure=failure)

    def _exercise_result(self, prepared: PreparedExercise, outcomes: list[CallOutcome], report: RunReport,
                         messages: Messages, files: dict[str, str]) -> ExerciseResult:
        exercise = prepared.exercise
        observations = [observe(exercise, case, outcome, report, self.limits)
                        for case, outcome in zip(prepared.cases, outcomes)]
        diagnosis = diagnose(self.catalog, exercise, observations)
        cases = [
            case_result(exercise, observation, outcome, mistakes, report, messages, self.limits, files)
            for observation, outcome, mistakes in zip(observations, outcomes, diagnosis.cases)
        ]
        mistakes = list(dict.fromkeys(m for case in cases for m in case.mistakes))
        lang = messages.lang
        return ExerciseResult(
            id=exercise.id,
            status=exercise_status(cases),
            score=exercise_score(exercise.points, cases),
            max_score=exercise.points,
            mistakes=mistakes,
            cases=cases,
            title=exercise.title(lang),
            summary=exercise.summary(lang),
            file=_file_of(exercise, files),
            diagnoses=mistake_notes(self.catalog, mistakes, diagnosis, messages),
            plot=plot_values(exercise, prepared, outcomes, lang),
            advice=alias_advice(exercise.id, report, messages),
            rtol=exercise.rtol,
            atol=exercise.atol,
        )


class _Announcing:
    """A launcher that calls `then` once, right after it has started a submission's first worker."""

    def __init__(self, launcher, then: Callable[[], object]):
        self._launcher, self._then = launcher, then

    def __getattr__(self, name: str):
        return getattr(self._launcher, name)

    def start(self, *args, **kwargs):
        worker = self._launcher.start(*args, **kwargs)
        then, self._then = self._then, None
        if then is not None:
            then()
        return worker


def _file_of(exercise: Exercise, files: dict[str, str]) -> str:
    """Where the student's function is: their file of the stub's name, else their only file or notebook."""
    if exercise.module in files:
        return files[exercise.module]
    return next(iter(files.values())) if len(files) == 1 else f"{exercise.module}.py"
