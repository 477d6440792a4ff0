"""Points and statuses, by one rule.

An exercise's score is its points times the weight of its passed cases over the weight of all its
cases (every case weighs 1 unless the catalog says otherwise), rounded to 2 decimals. A case passes
or earns nothing: no half credit inside a case. The total is the sum of the exercise scores.
"""
from __future__ import annotations

from grader.results import CaseResult, Status

# When cases end differently, the exercise shows the most telling status, in this order.
_PRECEDENCE = (Status.TIMEOUT, Status.ERROR, Status.FAILED, Status.NOT_IMPLEMENTED, Status.MISSING)


def exercise_score(points: float, cases: list[CaseResult]) -> float:
    total = sum(case.weight for case in cases)
    if total <= 0:
        return 0.0
    passed = sum(case.weight for case in cases if case.status == Status.PASSED)
    return round(points * min(1.0, max(0.0, passed / total)), 2)


def exercise_status(cases: list[CaseResult]) -> Status:
    statuses = {case.status for case in cases}
    if statuses <= {Status.PASSED}:
        return Status.PASSED
    if len(statuses) == 1:
        return statuses.pop()
    return next(status for status in _PRECEDENCE if status in statuses)
