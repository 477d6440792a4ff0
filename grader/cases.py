"""Turning the catalog's case specs into inputs and expected values, once per grader process.

Inputs come from literal values or seeded generators; expected values are literal (the slides) or
computed by the reference implementation. Nothing here runs student code.
"""
from __future__ import annotations

import copy
import functools
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from grader.catalog import Case, Catalog, Exercise, solutions
from grader.catalog.behaviour import BehaviourCheck
from grader.errors import CatalogError
from grader.feedback import format_value
from grader.kit.frozen import frozen_folder


def _rng(spec: dict) -> np.random.Generator:
    return np.random.default_rng(spec.get("seed", 0))


def _labels(spec: dict, key: str) -> np.ndarray:
    return _rng(spec).integers(0, spec["classes"], size=spec[key])


def _probabilities(spec: dict) -> np.ndarray:
    scores = _rng(spec).normal(size=spec["probabilities"])
    e = np.exp(scores - scores.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def _one_hot(spec: dict) -> np.ndarray:
    labels = _labels(spec, "one_hot")
    return np.eye(spec["classes"])[labels]


GENERATORS: dict[str, Callable[[dict], Any]] = {
    "array": lambda s: np.array(s["array"], dtype=s.get("dtype", "float64")),
    "arange": lambda s: np.arange(*s["arange"], dtype=float),
    "uniform": lambda s: _rng(s).uniform(s.get("low", -1.0), s.get("high", 1.0), size=s["uniform"]),
    "normal": lambda s: _rng(s).normal(0.0, s.get("scale", 1.0), size=s["normal"]),
    "full": lambda s: np.full(s["full"], float(s["value"])),
    "probabilities": _probabilities,
    "labels": lambda s: _labels(s, "labels"),
    "one_hot": _one_hot,
    "tuple": lambda s: tuple(build_value(item) for item in s["tuple"]),
    "label": lambda s: np.int64(s["label"]),
}


def build_value(spec: Any) -> Any:
    """A case argument or expected value from its spec (see the header of exercises.toml)."""
    if isinstance(spec, bool):
        raise CatalogError("booleans are not case values; use 0 and 1")
    if isinstance(spec, float):
        return np.float64(spec)  # what NumPy code gives a function: `(x > 0).astype(int)` works on it
    if isinstance(spec, int):
        return spec
    if isinstance(spec, list):
        return np.array(spec, dtype=float)
    if isinstance(spec, dict):
        kinds = [key for key in spec if key in GENERATORS]
        if len(kinds) != 1:
            raise CatalogError(f"a value spec needs exactly one of {', '.join(GENERATORS)}: {spec}")
        return GENERATORS[kinds[0]](spec)
    raise CatalogError(f"not a value spec: {spec!r}")


NOT_APPLICABLE = object()
"""What a mistake model "returns" on inputs its formula does not apply to (grader/diagnose.py)."""


@dataclass(frozen=True)
class PreparedCase:
    """A case with its inputs built and its expected value computed, once per grader."""

    case: Case
    inputs: tuple[Any, ...]
    expected: Any
    gradients: dict[int, np.ndarray]
    """For a numerical-gradient check: output index -> the central-difference gradient."""
    models: dict[str, Any] | None = None
    """In a student kit: each mistake model's frozen output on these inputs (None: models are called)."""
    extra_inputs: tuple[tuple[Any, ...], ...] = ()
    """For a behaviour check: the inputs of the further calls (see extra_inputs)."""

    @functools.cached_property
    def shown_inputs(self) -> dict[str, str]:
        """The inputs as a failed case shows them, by argument name: formatted when first shown, then kept."""
        return {name: format_value(value) for name, value in zip(self.case.args, self.inputs)}

    def shown_expected(self, returns: tuple[str, ...]) -> str:
        """The expected value as a failed case shows it (its parts named by `returns`): formatted once, then kept."""
        kept = self.__dict__.setdefault("_shown_expected", {})  # frozen: kept beside the fields, as cached_property does
        if returns not in kept:
            kept[returns] = format_value(self.expected, returns)
        return kept[returns]


@dataclass(frozen=True)
class PreparedExercise:
    """An exercise with its cases prepared."""

    exercise: Exercise
    cases: tuple[PreparedCase, ...]


def fresh_copy(values: tuple) -> tuple:
    """Inputs for one call: every caller gets its own arrays, so nobody can spoil the originals."""
    return copy.deepcopy(values)


def extra_inputs(check: BehaviourCheck, names: list[str], inputs: tuple) -> tuple[tuple, ...]:
    """The further calls of a behaviour check: the same inputs again, then one argument changed per `responds`."""
    calls = [inputs] if check.repeat else []
    for name, spec in check.responds:
        changed = list(inputs)
        changed[names.index(name)] = build_value(spec)
        calls.append(tuple(changed))
    return tuple(calls)


def reference_function(catalog: Catalog, exercise: Exercise, name: str | None = None) -> Callable:
    """The reference function, from the folder the catalog's course names (grader.catalog.solutions)."""
    return solutions.reference_function(catalog, exercise, name)


def prepare_exercise(catalog: Catalog, exercise: Exercise) -> PreparedExercise:
    if frozen_folder(catalog) is not None:  # a student kit: the values were computed when the kit was built
        return _frozen_exercise(catalog, exercise)
    reference = reference_function(catalog, exercise)
    cases = []
    for case in exercise.cases:
        inputs = tuple(build_value(spec) for spec in case.args.values())
        if isinstance(case.check, BehaviourCheck):  # judged by properties: no reference value to compute
            cases.append(PreparedCase(case, inputs, None, {},
                                      extra_inputs=extra_inputs(case.check, list(case.args), inputs)))
            continue
        if case.expected is not None:
            expected = build_value(case.expected)
        else:
            with np.errstate(all="ignore"):
                expected = reference(*fresh_copy(inputs))
        expected = _pin_literals(expected, case)
        gradients = {}
        if case.check is not None:
            loss = reference_function(catalog, exercise, case.check.loss)
            for wrt, output in zip(case.check.wrt, case.check.outputs):
                gradients[output] = numerical_gradient(loss, inputs, wrt, case.check.step)
        cases.append(PreparedCase(case, inputs, expected, gradients))
    return PreparedExercise(exercise, tuple(cases))


def _frozen_exercise(catalog: Catalog, exercise: Exercise) -> PreparedExercise:
    from grader.kit.frozen import frozen_case

    cases = []
    for case in exercise.cases:
        frozen = frozen_case(catalog, exercise, case)
        cases.append(PreparedCase(case, frozen.inputs, frozen.expected, frozen.gradients, models=frozen.models,
                                  extra_inputs=frozen.extra_inputs))  # a behaviour check's further calls, frozen too
    return PreparedExercise(exercise, tuple(cases))


def _pin_literals(expected: Any, case: Case) -> Any:
    """Put the values a slide states into the expected value, so the student is held to the slide."""
    if not case.literals:
        return expected
    parts = list(expected) if isinstance(expected, tuple) else [expected]
    for literal in case.literals:
        position = literal.output or 0
        if literal.index is None:
            parts[position] = literal.value
        else:
            parts[position] = np.array(parts[position], dtype=float)
            parts[position][literal.index] = literal.value
    return tuple(parts) if isinstance(expected, tuple) else parts[0]


def numerical_gradient(loss: Callable, inputs: tuple, wrt: int, step: float) -> np.ndarray:
    """∂loss/∂inputs[wrt] by central differences: (f(w + h) − f(w − h)) / 2h, one element at a time."""
    weights = np.array(inputs[wrt], dtype=float)
    gradient = np.zeros_like(weights)
    for index in np.ndindex(weights.shape):
        values = []
        for sign in (1, -1):
            moved = weights.copy()
            moved[index] += sign * step
            args = list(fresh_copy(inputs))
            args[wrt] = moved
            values.append(loss(*args))
        gradient[index] = (values[0] - values[1]) / (2 * step)
    return gradient


def relative_error(got: np.ndarray, expected: np.ndarray) -> np.ndarray:
    """CS231n's relative error |a − b| / max(|a| + |b|, 1e-8), element-wise."""
    with np.errstate(all="ignore"):  # inf − inf or NaN in a student's value is reported, never warned about
        return np.abs(got - expected) / np.maximum(1e-8, np.abs(got) + np.abs(expected))
