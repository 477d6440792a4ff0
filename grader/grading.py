"""The grading engine: run a submission against a catalog and turn what happened into results.

It knows cases, outcomes and mistakes in general and no exercise in particular. One `Grader`
prepares each exercise's inputs and expected values once and reuses them for every submission.
"""
from __future__ import annotations

import datetime as dt
import itertools
import time
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping

import numpy as np

from grader.cases import PreparedExercise, prepare_exercise
from grader.catalog import Catalog, Exercise, load_catalog
from grader.compare import compare
from grader.diagnose import Observation, diagnose
from grader.errors import GradeError
from grader.feedback import error_text, finding_message, format_value
from grader.i18n import Messages
from grader.results import (CaseResult, ExerciseResult, FileResult, Finding, MistakeNote, Plot, Status,
                            SubmissionResult)
from grader.runner import Call, CallOutcome, Limits, RunReport, run_submission
from grader.runner.job import ErrorInfo
from grader.runner.launch import start_launcher
from grader.scoring import exercise_score, exercise_status
from grader.submission import Submission, open_submission


@dataclass
class BatchItem:
    """One submission of a batch: its result, or why it could not be graded (an unreadable zip, ...)."""

    path: Path
    result: SubmissionResult | None = None
    error: GradeError | None = None
    failure: Exception | None = None
    """Anything else raised while reading, copying or running this submission: it costs this submission only."""


@dataclass
class Grader:
    catalog: Catalog = field(default_factory=load_catalog)
    limits: Limits = field(default_factory=Limits)
    isolation: str = "auto"
    """auto, bwrap or process: see grader.runner.launch.make_launcher."""
    pending_launcher: Future | None = field(default=None, repr=False)
    """A launcher being made in the background (see grader.runner.launch.start_launcher)."""
    _prepared: dict[str, PreparedExercise] = field(default_factory=dict, repr=False)
    _launcher: Any = field(default=None, repr=False)

    @property
    def launcher(self):
        """How workers start; made once, since it starts a fork server (and probes for Bubblewrap)."""
        if self._launcher is None:
            pending = self.pending_launcher or start_launcher(self.isolation)
            self._launcher = pending.result()
        return self._launcher

    def select(self, names: Iterable[str] | None) -> list[Exercise]:
        if not names:
            return list(self.catalog.exercises)
        return [self.catalog.find(name) for name in names]

    def prepare(self, exercise: Exercise) -> PreparedExercise:
        if exercise.id not in self._prepared:
            self._prepared[exercise.id] = prepare_exercise(self.catalog, exercise)
        return self._prepared[exercise.id]

    def grade(self, submission: Submission, student: str | None = None, lang: str = "en",
              only: Iterable[str] | None = None) -> SubmissionResult:
        started = time.monotonic()
        prepared = [self.prepare(exercise) for exercise in self.select(only)]
        calls = [Call(p.exercise.id, p.exercise.module, case.inputs, p.exercise.id) for p in prepared for case in p.cases]
        report = run_submission(submission.root, submission.units, calls, self.limits, self.launcher)
        messages = Messages(lang)
        files = {unit.name: unit.path for unit in submission.units}
        exercises, position = [], 0
        for p in prepared:
            outcomes = report.calls[position: position + len(p.cases)]
            position += len(p.cases)
            exercises.append(self._exercise_result(p, outcomes, report, messages, files))
        return SubmissionResult(
            student=student or submission.name,
            isolation=report.isolation,
            exercises=exercises,
            lang=lang,
            graded_at=dt.datetime.now(dt.timezone.utc).astimezone().isoformat(timespec="seconds"),
            seconds=round(time.monotonic() - started, 3),
            files=[_file_result(submission, name, report, messages) for name in [u.name for u in submission.units]],
            output=report.output.shown(lambda count: messages.t("output.more-bytes", count=count)),
        )

    def grade_batch(self, paths: Iterable[Path], jobs: int = 2, lang: str = "en",
                    students: Mapping[Path, str] | None = None) -> Iterator[BatchItem]:
        """Grade many submissions, `jobs` at a time, yielding each as it finishes.

        Each submission runs in its own worker; an unreadable one is reported, never stops the batch.
        Threads suffice: they spend their time waiting on workers, with the GIL released.
        `students` names each path's student (default: the file or folder name).
        """
        for exercise in self.catalog.exercises:  # shared caches are filled before the threads start
            for case in self.prepare(exercise).cases:
                case.shown_inputs, case.shown_expected
        self.launcher  # start the fork server once, here, not in every thread
        students = students or {}
        jobs = max(1, jobs)
        # A few submissions queued per thread, not the whole class: a finished result is handed over
        # and forgotten, so memory stays flat however large the class.
        queue = iter(paths)
        with ThreadPoolExecutor(max_workers=jobs) as pool:
            pending = set()
            while True:
                for path in itertools.islice(queue, 2 * jobs - len(pending)):
                    pending.add(pool.submit(self._grade_path, Path(path), lang, students.get(path)))
                if not pending:
                    return
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    yield future.result()

    def _grade_path(self, path: Path, lang: str, student: str | None) -> BatchItem:
        try:
            with open_submission(path) as submission:
                return BatchItem(path, result=self.grade(submission, student=student, lang=lang))
        except GradeError as error:
            return BatchItem(path, error=error)
        except Exception as failure:  # noqa: BLE001 - a RecursionError, a worker that failed, ...: one student's
            return BatchItem(path, failure=failure)

    def _exercise_result(self, prepared: PreparedExercise, outcomes: list[CallOutcome], report: RunReport,
                         messages: Messages, files: dict[str, str]) -> ExerciseResult:
        exercise = prepared.exercise
        observations = [_observe(exercise, case, outcome, report) for case, outcome in zip(prepared.cases, outcomes)]
        mistakes_per_case = diagnose(self.catalog, exercise, observations)
        cases = [
            _case_result(exercise, observation, outcome, mistakes, report, messages, self.limits, files)
            for observation, outcome, mistakes in zip(observations, outcomes, mistakes_per_case)
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
            file=f"{exercise.module}.py",
            diagnoses=[_note(self.catalog, m, lang) for m in mistakes],
            plot=_plot(exercise, prepared, outcomes, lang),
            rtol=exercise.rtol,
            atol=exercise.atol,
        )


def _note(catalog: Catalog, mistake_id: str, lang: str) -> MistakeNote:
    mistake = catalog.mistake(mistake_id)
    return MistakeNote(mistake_id, mistake.name(lang), mistake.hint(lang)) if mistake else MistakeNote(mistake_id, mistake_id, "")


def _load_errors(exercise: Exercise, report: RunReport) -> list[tuple[str, ErrorInfo]]:
    """Files that failed to load, the exercise's own stub file first."""
    failed = [(name, unit.errors[0]) for name, unit in report.units.items() if unit.errors]
    return sorted(failed, key=lambda item: item[0] != exercise.module)


def _observe(exercise: Exercise, prepared, outcome: CallOutcome, report: RunReport) -> Observation:
    observation = Observation(prepared=prepared, status=Status.ERROR, error=outcome.error)
    if outcome.status == "missing":
        failed = _load_errors(exercise, report)
        observation.status = Status.ERROR if failed else Status.MISSING
        observation.error = failed[0][1] if failed else None
    elif outcome.status == "returned":
        observation.got = outcome.value
        if outcome.value is None:
            observation.status = Status.NOT_IMPLEMENTED
            return observation
        observation.finding = compare(
            prepared.expected, outcome.value, exercise.rtol, exercise.atol, exercise.returns, prepared.gradients,
            prepared.case.check.max_rel_error if prepared.case.check else 1e-5)
        changed = _changed_arguments(prepared, outcome)
        observation.mutated = bool(changed)
        if observation.finding is None and changed:
            observation.finding = Finding("mutated", part=changed[0])
        observation.status = Status.FAILED if observation.finding else Status.PASSED
    elif outcome.status == "raised":
        is_stub = outcome.error is not None and outcome.error.type == "NotImplementedError"
        observation.status = Status.NOT_IMPLEMENTED if is_stub else Status.ERROR
    elif outcome.status == "timeout" or outcome.reason == "after-timeout":
        observation.status = Status.TIMEOUT
    return observation


def _changed_arguments(prepared, outcome: CallOutcome) -> list[str]:
    names = list(prepared.case.args)
    changed = []
    for name, original, after in zip(names, prepared.inputs, outcome.args_after):
        if isinstance(original, np.ndarray):
            same = (isinstance(after, np.ndarray) and after.shape == original.shape
                    and np.array_equal(after, original, equal_nan=original.dtype.kind in "fc"))
            if not same:
                changed.append(name)
    return changed


def _case_result(exercise: Exercise, observation: Observation, outcome: CallOutcome, mistakes: list[str],
                 report: RunReport, messages: Messages, limits: Limits, files: dict[str, str]) -> CaseResult:
    case = observation.prepared.case
    lang = messages.lang
    result = CaseResult(
        name=case.name.en, title=case.name(lang), status=observation.status, message="", mistakes=mistakes,
        weight=case.weight, hidden=case.hidden, error=observation.error, seconds=round(outcome.seconds, 4),
        output=outcome.output.shown(lambda count: messages.t("output.more-chars", count=count)),
    )
    # A warning beside a correct result is advice; beside a wrong one it is a clue to the cause.
    key = "advice.warning" if observation.status == Status.PASSED else "advice.warned"
    result.advice = [messages.t(key, warning=w) for w in outcome.warnings]
    if observation.status == Status.PASSED:
        return result
    result.message = _message(exercise, observation, outcome, report, messages, limits, files)
    if case.hidden:
        result.message = messages.t("case.hidden-failed")
        result.error = None
        return result
    result.finding = observation.finding
    result.given = dict(observation.prepared.shown_inputs)
    result.expected = observation.prepared.shown_expected
    if outcome.status == "returned":
        result.got = format_value(outcome.value)
    return result


def _message(exercise: Exercise, observation: Observation, outcome: CallOutcome, report: RunReport,
             messages: Messages, limits: Limits, files: dict[str, str]) -> str:
    function = exercise.id
    if observation.status == Status.MISSING:
        return messages.t("case.missing", function=function)
    if outcome.status == "missing":  # not found because a file failed to load
        name, error = _load_errors(exercise, report)[0]
        file = files.get(name, name)
        return messages.t("case.missing-load-error", function=function, file=file,
                          error=_load_error_text(error, file, messages, limits))
    if observation.status == Status.NOT_IMPLEMENTED:
        key = "case.returned-none" if outcome.status == "returned" else "case.not-implemented"
        return messages.t(key, function=function)
    if observation.finding is not None:
        return finding_message(messages, observation.finding, exercise.rtol, exercise.atol)
    if outcome.status == "raised" and outcome.error is not None:
        return messages.t("case.raised", error=error_text(outcome.error))
    if outcome.status == "timeout":
        if outcome.reason == "submission-time-limit":
            return messages.t("case.submission-time-limit", seconds=f"{limits.submission_seconds:g}")
        return messages.t("case.timeout", seconds=f"{limits.call_seconds:g}")
    if outcome.status == "crashed":
        return messages.t("case.crashed", detail=outcome.reason)
    return messages.t(f"case.{outcome.reason}")  # skipped after a timeout or a crash


def _load_error_text(error: ErrorInfo, name: str, messages: Messages, limits: Limits) -> str:
    if error.type in ("load-timeout", "load-crashed"):
        return messages.t(f"load.{error.type}", file=name, seconds=f"{limits.load_seconds:g}", detail=error.message)
    return error_text(error)


def _file_result(submission: Submission, name: str, report: RunReport, messages: Messages) -> FileResult:
    unit = report.units.get(name)
    label = next((u.path for u in submission.units if u.name == name), name)
    if unit is None:
        return FileResult(label, ok=True)
    return FileResult(label, ok=unit.ok, errors=unit.errors,
                      output=unit.output.shown(lambda count: messages.t("output.more-chars", count=count)))


def _plot(exercise: Exercise, prepared: PreparedExercise, outcomes: list[CallOutcome], lang: str) -> Plot | None:
    """The values of the cases marked `plot`: the student's where they line up with the reference's."""
    if exercise.plot is None:
        return None
    labels: list[str] = []
    x: list[float] = []
    expected: list[float | None] = []
    got: list[float | None] = []
    for case, outcome in zip(prepared.cases, outcomes):
        if not case.case.plot:
            continue
        want = _elements(case.expected, exercise.returns)
        have = _elements(outcome.value, exercise.returns) if outcome.status == "returned" else []
        have_values = [v for _, v in have] if [n for n, _ in have] == [n for n, _ in want] else [None] * len(want)
        if exercise.plot == "curve":
            x += [v for _, v in _elements(case.inputs[0], ())]
        else:
            title = case.case.name(lang)
            labels += [title if len(want) == 1 else f"{name}" for name, _ in want]
        expected += [v for _, v in want]
        got += have_values
    if exercise.plot == "curve" and len(x) != len(expected):
        return None
    return Plot(exercise.plot, labels, [v if v is not None else 0.0 for v in x], expected, got)


def _elements(value: Any, parts: tuple[str, ...]) -> list[tuple[str, float | None]]:
    """(label, number) for every element of a number, an array or a tuple of them; None if not finite."""
    if isinstance(value, tuple):
        named = [(parts[i] if i < len(parts) else f"[{i}]", item) for i, item in enumerate(value)]
        return [(f"{name}{label}", number) for name, item in named for label, number in _elements(item, ())]
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        return []
    if array.ndim == 0:
        return [("", float(array) if np.isfinite(array) else None)]
    return [(str(list(index)) if array.ndim > 1 else f"[{index[0]}]", float(number) if np.isfinite(number) else None)
            for index, number in np.ndenumerate(array)]
