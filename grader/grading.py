"""The grading engine: run a submission against a catalog and turn what happened into results.

It knows cases, outcomes and mistakes in general and no exercise in particular. One `Grader`
prepares each exercise's inputs and expected values once and reuses them for every submission.
"""
from __future__ import annotations

import datetime as dt
import itertools
import time
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping

import numpy as np

from grader.behaviour import is_behaviour, judge
from grader.cases import PreparedExercise, prepare_exercise
from grader.catalog import Catalog, Exercise, load_catalog
from grader.compare import compare
from grader.diagnose import Observation, diagnose
from grader.explain import explain_cascades, partly_notes
from grader.errors import GradeError
from grader.feedback import case_message, format_value, load_error_text, plain
from grader.hidden import run_cases
from grader.i18n import Messages
from grader.loading_notes import (alias_advice, encoding_advice, missing_message, skipped_advice,
                                  undecodable_error)
from grader.results import (CaseResult, ExerciseResult, FileResult, Finding, MistakeNote, Status,
                            SubmissionResult)
from grader.runner import CallOutcome, Limits, RunReport
from grader.runner.job import ErrorInfo, UnitOutcome
from grader.render.charts import plot_values as _plot
from grader.runner.launch import start_launcher
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
        units, decoded = with_sources(submission.root, submission.units)
        report, outcomes = run_cases(submission.root, units, prepared, self.limits, self.launcher)
        messages = Messages(lang)
        files = {unit.name: unit.path for unit in submission.units}
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
            files=[_file_result(submission, name, report, messages, self.limits, decoded.get(name))
                   for name in [u.name for u in submission.units]],
            output=report.output.shown(lambda count: messages.t("output.more-bytes", count=count)),
            skipped=[replace(s, message=messages.t(f"intake.skipped-{s.reason}", path=s.path, count=s.count))
                     for s in submission.skipped],
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
            with open_submission(path, follow_top_link=False) as submission:
                return BatchItem(path, result=self.grade(submission, student=student, lang=lang))
        except GradeError as error:
            return BatchItem(path, error=error)
        except Exception as failure:  # noqa: BLE001 - a RecursionError, a worker that failed, ...: one student's
            return BatchItem(path, failure=failure)

    def _exercise_result(self, prepared: PreparedExercise, outcomes: list[CallOutcome], report: RunReport,
                         messages: Messages, files: dict[str, str]) -> ExerciseResult:
        exercise = prepared.exercise
        observations = [_observe(exercise, case, outcome, report) for case, outcome in zip(prepared.cases, outcomes)]
        diagnosis = diagnose(self.catalog, exercise, observations)
        cases = [
            _case_result(exercise, observation, outcome, mistakes, report, messages, self.limits, files)
            for observation, outcome, mistakes in zip(observations, outcomes, diagnosis.cases)
        ]
        mistakes = list(dict.fromkeys(m for case in cases for m in case.mistakes))
        lang = messages.lang
        result = ExerciseResult(
            id=exercise.id,
            status=exercise_status(cases),
            score=exercise_score(exercise.points, cases),
            max_score=exercise.points,
            mistakes=mistakes,
            cases=cases,
            title=exercise.title(lang),
            summary=exercise.summary(lang),
            file=f"{exercise.module}.py",
            diagnoses=[_note(self.catalog, m, lang) for m in mistakes] + partly_notes(self.catalog, diagnosis, messages),
            plot=_plot(exercise, prepared, outcomes, lang),
            advice=alias_advice(exercise.id, report, messages),
            rtol=exercise.rtol,
            atol=exercise.atol,
        )
        result.file = _file_of(exercise, files)
        return result


def _file_of(exercise: Exercise, files: dict[str, str]) -> str:
    """Where the student's function is: their file of the stub's name, else their only file or notebook."""
    if exercise.module in files:
        return files[exercise.module]
    return next(iter(files.values())) if len(files) == 1 else f"{exercise.module}.py"


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
        failed = _load_errors(exercise, report) if exercise.id not in report.ambiguous else []
        observation.status = Status.ERROR if failed else Status.MISSING
        observation.error = failed[0][1] if failed else None
    elif outcome.status == "returned":
        observation.got = outcome.value
        if outcome.value is None:
            observation.status = Status.NOT_IMPLEMENTED
            return observation
        if is_behaviour(prepared.case):  # judged by properties, not by equality with the reference
            observation.finding = judge(prepared.case.check, list(prepared.case.args), prepared.inputs, outcome,
                                        exercise.returns)
        else:
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
    result.advice = [messages.t(key, warning=plain(w)) for w in outcome.warnings]
    if case.hidden:  # nothing the student's code printed, raised or warned is shown for a hidden case
        result.output, result.error = "", None
        result.advice = [messages.t("intake.hidden-warning")] if outcome.warnings else []
    if observation.status == Status.PASSED:
        return result
    result.message = _message(exercise, observation, outcome, report, messages, limits, files)
    if case.hidden:
        result.message = messages.t("case.hidden-failed")
        return result
    result.finding = observation.finding
    result.given = dict(observation.prepared.shown_inputs)
    result.expected = format_value(observation.prepared.expected, exercise.returns)
    if outcome.status == "returned":
        result.got = format_value(outcome.value, exercise.returns)
    if is_behaviour(case):  # no single right value: the property's own expected and got
        result.expected = result.got = None
        if observation.finding is not None and observation.finding.kind == "behaviour":
            result.expected, result.got = observation.finding.facts.get("expected"), observation.finding.facts.get("got")
    return result


def _message(exercise: Exercise, observation: Observation, outcome: CallOutcome, report: RunReport,
             messages: Messages, limits: Limits, files: dict[str, str]) -> str:
    load_error = None
    if outcome.status == "missing" and observation.status != Status.MISSING:  # a file failed to load
        name, error = _load_errors(exercise, report)[0]
        load_error = (files.get(name, name), load_error_text(messages, error, limits.load_seconds))
    missing = missing_message(exercise.id, report, messages) if observation.status == Status.MISSING else None
    return case_message(exercise.id, observation.status, outcome, observation.finding, load_error, messages, limits,
                        exercise.rtol, exercise.atol, missing)


def _file_result(submission: Submission, name: str, report: RunReport, messages: Messages, limits: Limits,
                 decoded=None) -> FileResult:
    unit = report.units.get(name)
    label = next((u.path for u in submission.units if u.name == name), name)
    advice = encoding_advice(label, decoded, messages)
    if unit is None:
        return FileResult(label, ok=True, advice=advice)
    return FileResult(label, ok=unit.ok, errors=unit.errors,
                      messages=[load_error_text(messages, error, limits.load_seconds) for error in unit.errors],
                      output=unit.output.shown(lambda count: messages.t("output.more-chars", count=count)),
                      advice=advice + skipped_advice(unit, messages, limits))
