"""Naming the mistake behind a failed case, by replaying known mistakes on the same inputs.

Runs in the grader's process: the mistake models are the grader's own code. A case gets at most one
exercise-specific mistake (the first in catalog order that matches) plus the generic ones that apply
(mutates-input, shape-mismatch).
"""
from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from grader.cases import PreparedCase, fresh_copy
from grader.catalog import Catalog, Exercise, Mistake
from grader.catalog import mistake_models
from grader.compare import same_values, same_values_any_shape
from grader.results import Finding, Status
from grader.runner.job import ErrorInfo


@dataclass
class Observation:
    """What is known about one case after comparison, for the diagnoser to reason about."""

    prepared: PreparedCase
    status: Status
    got: Any = None
    finding: Finding | None = None
    error: ErrorInfo | None = None
    mutated: bool = False


def model_function(name: str) -> Callable:
    function = getattr(mistake_models, name, None)
    if function is None:
        raise KeyError(f"no mistake model named {name!r} in mistake_models.py")
    return function


def diagnose(catalog: Catalog, exercise: Exercise, observations: list[Observation]) -> list[list[str]]:
    """The mistake ids of each case, in case order."""
    return [_diagnose_case(catalog, exercise, observation, observations) for observation in observations]


def _diagnose_case(catalog: Catalog, exercise: Exercise, observation: Observation,
                   everything: list[Observation]) -> list[str]:
    if observation.status in (Status.MISSING, Status.NOT_IMPLEMENTED):
        return [observation.status.value]
    found = ["mutates-input"] if observation.mutated else []
    if observation.status == Status.PASSED:
        return found
    if observation.finding and observation.finding.kind == "shape" and same_values_any_shape(
            observation.prepared.expected, observation.got, exercise.rtol, exercise.atol):
        return found + ["shape-mismatch"]
    candidates = list(exercise.mistakes) + list(catalog.common_mistakes.values())
    for mistake in candidates:
        if _matches(mistake, exercise, observation, everything):
            return found + [mistake.id]
    return found


def _matches(mistake: Mistake, exercise: Exercise, observation: Observation, everything: list[Observation]) -> bool:
    if mistake.detect == "error-message":
        return (observation.status == Status.ERROR and observation.error is not None
                and re.search(mistake.pattern or "$^", observation.error.message) is not None)
    if mistake.detect == "non-finite":
        return observation.finding is not None and observation.finding.kind == "non-finite"
    if mistake.detect == "tagged-cases-fail":
        others = [o for o in everything if mistake.tag not in o.prepared.case.tags]
        return (mistake.tag in observation.prepared.case.tags
                and observation.status in (Status.FAILED, Status.ERROR)
                and bool(others) and all(o.status == Status.PASSED for o in others))
    if observation.status != Status.FAILED or not mistake.models:
        return False
    return any(_model_matches(name, exercise, observation) for name in mistake.models)


def _model_matches(name: str, exercise: Exercise, observation: Observation) -> bool:
    try:
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            output = model_function(name)(*fresh_copy(observation.prepared.inputs))
    except (ArithmeticError, ValueError, IndexError, TypeError):
        return False  # the wrong formula does not apply to these inputs at all
    return same_values(output, observation.got, exercise.rtol, exercise.atol)
