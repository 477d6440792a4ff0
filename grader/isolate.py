"""Is exercise A itself right when the student's failing B is replaced by B's expected results?

The grader computes B's expected results (with the reference, in its own process) for the arguments
A is likely to pass: B's own cases and the leading arguments of A's cases. It sends them as a table
with A's calls; in the worker, B answers from the table (grader/runner/standin.py). Hidden cases are
never used: their values must not reach the student's code. Points are not changed by this check.
"""
from __future__ import annotations

from dataclasses import replace

from grader.behaviour import is_behaviour
from grader.cases import reference_function
from grader.catalog import Exercise
from grader.compare import compare
from grader.runner import Call, run_submission
from grader.runner import codec
from grader.source_text import with_sources
from grader.stand_in_table import stand_in_table
from grader.submission import Submission

MISS = "StandInMiss"


def verdicts(grader, submission: Submission, checks: list[tuple[Exercise, Exercise, list[str]]]) -> list[bool | None]:
    """For each (A, B, names) of one submission: True when A passes every shown case with B's right results,
    False when it still fails one, None when unknown. `names` are the names A calls B by (its id, or an alias).

    All are checked in one worker: a worker costs more to start than these calls cost to make. Each check's
    calls are a group of their own, so a call that hangs or crashes abandons its own check only, as in a worker
    of its own, and the submission's time limit counts once per check."""
    plans, calls = [], []
    for number, (exercise, callee, names) in enumerate(checks):
        prepared = grader.prepare(exercise)
        # A behaviour check has no expected value to stand in with: nothing to say about it here.
        cases = [case for case in prepared.cases if not case.case.hidden and not is_behaviour(case.case)]
        plans.append((exercise, cases, len(calls)))
        if not cases:
            continue
        table = _table(grader, exercise, callee, [case.inputs for case in cases])
        stand_ins = tuple({"function": name, "table": table} for name in names)
        calls += [Call(exercise.id, exercise.module, case.inputs, f"{number}:{exercise.id}", exercise.aliases,
                       stand_ins) for case in cases]
    if not calls:
        return [None] * len(checks)
    units, _ = with_sources(submission.root, submission.units)
    limits = grader.limits
    if len(checks) > 1:
        limits = replace(limits, submission_seconds=limits.submission_seconds * len(checks))
    outcomes = run_submission(submission.root, units, calls, limits, grader.launcher).calls
    return [_verdict(exercise, cases, outcomes[start:start + len(cases)]) if cases else None
            for exercise, cases, start in plans]


def _verdict(exercise: Exercise, cases, outcomes) -> bool | None:
    found = []
    for case, outcome in zip(cases, outcomes):
        if outcome.status == "raised" and outcome.error is not None and outcome.error.type == MISS:
            return None  # A called B with arguments the table does not cover
        if outcome.status == "raised":
            found.append(False)
        elif outcome.status != "returned":
            return None  # a timeout or a crash says nothing about A
        else:
            finding = compare(case.expected, outcome.value, exercise.rtol, exercise.atol, exercise.returns,
                              case.gradients, case.case.check.max_rel_error if case.case.check else 1e-5)
            found.append(finding is None)
    return all(found)


def _table(grader, exercise: Exercise, callee: Exercise, inputs: list[tuple]) -> list:
    """[[encoded args, encoded expected result], ...] for B's shown cases and the leading args of A's."""
    own = [case.inputs for case in grader.prepare(callee).cases if not case.case.hidden]
    return stand_in_table(_callee(grader.catalog, callee), own, inputs, codec.encode)


def _callee(catalog, callee: Exercise):
    """B's right results: its reference function, or in a student kit a lookup in B's frozen table (a miss
    raises, as a call the reference refuses does, and the arguments are left out of the table)."""
    from grader.kit.frozen import frozen_folder, stand_in_value

    if frozen_folder(catalog) is None:
        return reference_function(catalog, callee)
    return lambda *args: stand_in_value(catalog, callee, args)
