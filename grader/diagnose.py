"""Naming the mistake behind an exercise's failures, by evidence over all of its cases.

Runs in the grader's process: the mistake models are the grader's own code. The rule (README, "Mistakes"):

- Evidence for a value mistake is a case that failed on its values (`values`, `non-finite`, `gradient`).
  A case that failed for another reason (an input changed in place, an error, a timeout, a shape) is
  not evidence, and a model that equals the reference on a case is never evidence.
- A model explains the exercise when, on every evidence case, its output equals the student's
  (NaN-aware) and differs from the expected value; and no case contradicts it: wherever the student's
  output equals the expected value, so must the model's.
- A mistake is named when one of its models explains the exercise, the first such in catalog order.
  When none does but some explain part of the failures without contradiction, they are reported as
  "partly like ..." and named in no case's mistakes.
- Detectors (`detect`) follow the same spirit: see `grader.detectors`.
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from grader.cases import NOT_APPLICABLE, PreparedCase, fresh_copy
from grader.catalog import Catalog, Exercise, Mistake
from grader.catalog import solutions
from grader.compare import same_values, same_values_any_shape
from grader.detectors import DETECTORS
from grader.kinds import VALUE_FINDINGS, FindingKind
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

    @property
    def failed_on_values(self) -> bool:
        return self.status == Status.FAILED and self.finding is not None and self.finding.kind in VALUE_FINDINGS

    @property
    def returned(self) -> bool:
        return self.status in (Status.PASSED, Status.FAILED)


@dataclass
class Diagnosis:
    """The mistake ids of each case (in case order) and the mistakes that explain only part of the failures."""

    cases: list[list[str]]
    partly: list[str] = field(default_factory=list)


def model_function(catalog: Catalog, name: str) -> Callable:
    """A mistake model of the catalog's course (grader.catalog.solutions)."""
    return solutions.model_function(catalog, name)


def diagnose(catalog: Catalog, exercise: Exercise, observations: list[Observation]) -> Diagnosis:
    per_case: list[list[str]] = [[] for _ in observations]
    for index, observation in enumerate(observations):
        if observation.status in (Status.MISSING, Status.NOT_IMPLEMENTED):
            per_case[index].append(observation.status.value)
        elif observation.mutated:
            per_case[index].append("mutates-input")
        if (observation.status == Status.FAILED and observation.finding and observation.finding.kind == FindingKind.SHAPE
                and same_values_any_shape(observation.prepared.expected, observation.got, exercise.rtol, exercise.atol)):
            per_case[index].append("shape-mismatch")
    candidates = list(exercise.mistakes) + [m for m in catalog.common_mistakes.values() if m.models or m.detect]
    partly: dict[str, list[int]] = {}
    named = False
    for mistake in candidates:
        if mistake.detect:
            cases = DETECTORS[mistake.detect](mistake, exercise, observations)
            for index in cases:
                per_case[index].append(mistake.id)
            continue
        if named:
            continue
        explained, whole = _explained_by_models(catalog, mistake, exercise, observations)
        if whole:
            for index in explained:
                per_case[index].append(mistake.id)
            named = True
        elif explained:
            partly[mistake.id] = explained
    return Diagnosis(per_case, [] if named or _any_named(per_case) else _jointly(partly, observations))


def _jointly(partly: dict[str, list[int]], observations: list[Observation]) -> list[str]:
    """Mistakes that each explain part of the failures are reported only when together they explain all."""
    evidence = {i for i, o in enumerate(observations) if o.failed_on_values}
    covered = {i for cases in partly.values() for i in cases}
    return list(partly) if len(partly) >= 2 and covered == evidence else []


GENERIC = frozenset({"missing", "not-implemented", "mutates-input", "shape-mismatch"})
"""Mistakes any exercise can show, named from the observations themselves rather than from a model or detector."""


def _any_named(per_case: list[list[str]]) -> bool:
    """Whether a mistake of the exercise's own (not a generic one such as mutates-input) was named."""
    return any(m not in GENERIC for mistakes in per_case for m in mistakes)


def _explained_by_models(catalog: Catalog, mistake: Mistake, exercise: Exercise,
                         observations: list[Observation]) -> tuple[list[int], bool]:
    """(the evidence cases one of the mistake's models explains, whether that is all of them)."""
    evidence = [i for i, o in enumerate(observations) if o.failed_on_values]
    if not evidence or not mistake.models:
        return [], False
    best: list[int] = []
    for name in mistake.models:
        # Only a case that returned a value can contradict or be evidence: one that raised or timed out is not run.
        outputs = {i: _model_output(catalog, name, o) for i, o in enumerate(observations) if o.returned}
        if any(_contradicts(outputs[i], o, exercise) for i, o in enumerate(observations) if o.returned):
            continue
        explained = [i for i in evidence if _explains(outputs[i], observations[i], exercise)]
        if len(explained) == len(evidence):
            return explained, True
        if len(explained) > len(best):
            best = explained
    return best, False


def _model_output(catalog: Catalog, name: str, observation: Observation) -> Any:
    frozen = observation.prepared.models
    if frozen is not None:  # a student kit: the model's output was frozen when the kit was built
        if name not in frozen:
            raise KeyError(f"no frozen output of the mistake model {name!r}")
        return frozen[name]
    try:
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return model_function(catalog, name)(*fresh_copy(observation.prepared.inputs))
    except (ArithmeticError, ValueError, IndexError, TypeError):
        return NOT_APPLICABLE  # the wrong formula does not apply to these inputs at all


def _explains(output: Any, observation: Observation, exercise: Exercise) -> bool:
    return (output is not NOT_APPLICABLE
            and same_values(output, observation.got, exercise.rtol, exercise.atol)
            and not same_values(output, observation.prepared.expected, exercise.rtol, exercise.atol))


def _contradicts(output: Any, observation: Observation, exercise: Exercise) -> bool:
    """The student got this case's value right (whatever else went wrong) where the model would not have."""
    if output is NOT_APPLICABLE:  # the caller passes only cases that returned a value
        return False
    if observation.status == Status.FAILED and observation.finding and observation.finding.kind != FindingKind.MUTATED:
        return False
    return not same_values(output, observation.prepared.expected, exercise.rtol, exercise.atol)
