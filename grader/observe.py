"""What one call of a student's function means: an Observation the diagnoser and the case results read.

The outcome comes from the worker, already validated; here it is compared with the reference (or judged
by a behaviour check) and its arguments checked for changes, in the grader's own process.
"""
from __future__ import annotations

import numpy as np

from grader.behaviour import is_behaviour, judge, timed_out
from grader.case_result import load_errors
from grader.catalog import Exercise
from grader.compare import compare
from grader.diagnose import Observation
from grader.kinds import FindingKind
from grader.results import Finding, Status
from grader.runner import CallOutcome, Limits, RunReport


def observe(exercise: Exercise, prepared, outcome: CallOutcome, report: RunReport, limits: Limits) -> Observation:
    observation = Observation(prepared=prepared, status=Status.ERROR, error=outcome.error)
    if outcome.status == "missing":
        failed = load_errors(exercise, report) if exercise.id not in report.ambiguous else []
        observation.status = Status.ERROR if failed else Status.MISSING
        observation.error = failed[0][1] if failed else None
    elif outcome.status == "returned":
        observation.got = outcome.value
        if outcome.value is None:
            observation.status = Status.NOT_IMPLEMENTED
            return observation
        if is_behaviour(prepared.case):  # judged by properties, not by equality with the reference
            observation.finding = judge(prepared.case.check, list(prepared.case.args), prepared.inputs, outcome,
                                        exercise.returns, limits)
        else:
            observation.finding = compare(
                prepared.expected, outcome.value, exercise.rtol, exercise.atol, exercise.returns, prepared.gradients,
                prepared.case.check.max_rel_error if prepared.case.check else 1e-5)
        changed = changed_arguments(prepared, outcome)
        observation.mutated = bool(changed)
        if observation.finding is None and changed:
            observation.finding = Finding(FindingKind.MUTATED, part=changed[0])
        observation.status = Status.FAILED if observation.finding else Status.PASSED
        if timed_out(observation.finding):  # a behaviour check's further call was stopped by a time limit
            observation.status = Status.TIMEOUT
    elif outcome.status == "raised":
        is_stub = outcome.error is not None and outcome.error.type == "NotImplementedError"
        observation.status = Status.NOT_IMPLEMENTED if is_stub else Status.ERROR
    elif outcome.status == "timeout" or outcome.reason == "after-timeout":
        observation.status = Status.TIMEOUT
    return observation


def changed_arguments(prepared, outcome: CallOutcome) -> list[str]:
    names = list(prepared.case.args)
    changed = []
    for name, original, after in zip(names, prepared.inputs, outcome.args_after):
        if isinstance(original, np.ndarray):
            same = after is original or (  # `after is original`: reported `same` (runner/events.py)
                isinstance(after, np.ndarray) and after.shape == original.shape
                and np.array_equal(after, original, equal_nan=original.dtype.kind in "fc"))
            if not same:
                changed.append(name)
    return changed
