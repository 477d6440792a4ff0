"""Running a submission's cases so that nothing from a hidden case can reach a report.

A hidden case's inputs never enter the worker that runs the visible cases: nothing the student's
code prints, raises, warns or digs out of that worker's memory can show them. Hidden cases run
afterwards in workers of their own, and of what happened there only what grading needs comes back
(the status, the value to compare, the arguments afterwards, whether a warning was raised); what
was printed, the messages and the tracebacks are dropped.
"""
from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path

from grader.cases import PreparedExercise
from grader.runner import Call, CallOutcome, Limits, RunReport, run_submission
from grader.runner.job import ErrorInfo, Output, SourceUnit

HIDDEN_WARNING = "hidden"
"""What stands for every warning of a hidden case: its text is never kept."""


def run_cases(root: Path, units: list[SourceUnit], prepared: list[PreparedExercise], limits: Limits,
              launcher) -> tuple[RunReport, list[list[CallOutcome]]]:
    """The visible run's report (files, output) and every case's outcome, per exercise in case order."""
    visible, hidden = [], []
    for p in prepared:
        for number, case in enumerate(p.cases):
            # A behaviour check calls again (the same seed, an argument changed) right after, in the same worker.
            for again, inputs in enumerate((case.inputs, *case.extra_inputs)):
                call = Call(p.exercise.id, p.exercise.module, inputs, p.exercise.id, p.exercise.aliases)
                (hidden if case.case.hidden else visible).append((p.exercise.id, (number, again), call))
    started = time.monotonic()
    report = run_submission(root, units, [call for *_, call in visible], limits, launcher)
    outcomes = {(group, number): outcome for (group, number, _), outcome in zip(visible, report.calls)}
    # An exercise whose visible case hung or crashed the worker is abandoned, hidden cases included.
    abandoned = {group: outcome.status for (group, _, _), outcome in zip(visible, report.calls)
                 if outcome.status in ("timeout", "crashed")}
    runnable = []
    for group, number, call in hidden:
        if group in abandoned:
            outcomes[group, number] = CallOutcome("skipped", reason=f"after-{abandoned[group]}")
        else:
            runnable.append((group, number, call))
    remaining = limits.submission_seconds - (time.monotonic() - started)
    if runnable and remaining <= 0:
        for group, number, _ in runnable:
            outcomes[group, number] = CallOutcome("timeout", reason="submission-time-limit")
    elif runnable:
        secret = run_submission(root, units, [call for *_, call in runnable],
                                replace(limits, submission_seconds=remaining), launcher)
        for (group, number, _), outcome in zip(runnable, secret.calls):
            outcomes[group, number] = keep_for_grading(outcome)
    return report, [[_with_extra(outcomes, p.exercise.id, number, len(case.extra_inputs))
                      for number, case in enumerate(p.cases)] for p in prepared]


def _with_extra(outcomes: dict, group: str, number: int, extra: int) -> CallOutcome:
    outcome = outcomes[group, (number, 0)]
    if extra:
        outcome = replace(outcome, extra=[outcomes[group, (number, again)] for again in range(1, extra + 1)])
    return outcome


def keep_for_grading(outcome: CallOutcome) -> CallOutcome:
    """A hidden case's outcome without anything a person could read: no output, no traceback,
    no warning text. The error's type and message stay for the grader's own mistake patterns only."""
    error = ErrorInfo(outcome.error.type, outcome.error.message) if outcome.error is not None else None
    return CallOutcome(outcome.status, value=outcome.value, error=error, args_after=outcome.args_after,
                       warnings=[HIDDEN_WARNING] if outcome.warnings else [], output=Output(),
                       seconds=outcome.seconds, reason=outcome.reason if outcome.status != "crashed" else "")
