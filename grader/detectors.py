"""Built-in detectors: mistakes a model cannot express, named from what happened on every case.

Each takes (mistake, exercise, observations) and returns the indices of the cases the mistake explains,
or an empty list when it does not explain the exercise's failures. The catalog picks one with `detect`.
"""
from __future__ import annotations

import re
from typing import Any, Callable

import numpy as np

from grader.kinds import Detector
from grader.results import Status


def _error_message(mistake, exercise, observations) -> list[int]:
    return [i for i, o in enumerate(observations)
            if o.status == Status.ERROR and o.error is not None
            and re.search(mistake.pattern or "$^", o.error.message) is not None]


def _non_finite(mistake, exercise, observations) -> list[int]:
    """NaN or inf where the expected value is finite, and nothing else wrong: every case that failed on
    its values failed only there; with a `tag`, a tagged case (large inputs) must be among them."""
    evidence = [i for i, o in enumerate(observations) if o.failed_on_values]
    if not evidence or not all(_only_non_finite(observations[i].prepared.expected, observations[i].got,
                                                exercise.rtol, exercise.atol) for i in evidence):
        return []
    if mistake.tag and not any(mistake.tag in observations[i].prepared.case.tags for i in evidence):
        return []
    if not any(o.status == Status.PASSED and mistake.tag not in o.prepared.case.tags for o in observations):
        return []  # right on ordinary inputs, or it is not this mistake
    return evidence


def _only_non_finite(expected: Any, got: Any, rtol: float, atol: float) -> bool:
    if isinstance(expected, tuple):
        if not isinstance(got, (tuple, list)) or len(got) != len(expected):
            return False
        parts = [_spoiled(e, g, rtol, atol) for e, g in zip(expected, got)]
        return None not in parts and any(parts)
    return bool(_spoiled(expected, got, rtol, atol))


def _spoiled(expected: Any, got: Any, rtol: float, atol: float) -> bool | None:
    """True: some non-finite values where finite were expected, every finite value right; False: all
    right; None: a finite value is wrong too (or it is not a number)."""
    try:
        e, g = np.asarray(expected, dtype=float), np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        return None
    if e.shape != g.shape:
        return None
    bad = ~np.isfinite(g) & np.isfinite(e)
    with np.errstate(all="ignore"):
        rest = np.isclose(np.where(bad, e, g), e, rtol=rtol, atol=atol, equal_nan=True)
    return bool(bad.any()) if rest.all() else None


def _tagged_cases_fail(mistake, exercise, observations) -> list[int]:
    """The tagged cases fail (or raise) while every other case passes: e.g. integer labels, or a call that
    leaves out an argument so its default is used."""
    tagged = [i for i, o in enumerate(observations) if mistake.tag in o.prepared.case.tags]
    others = [o for o in observations if mistake.tag not in o.prepared.case.tags]
    failed = [i for i in tagged if observations[i].status in (Status.FAILED, Status.ERROR)
              and not observations[i].mutated]
    if failed and others and all(o.status == Status.PASSED for o in others):
        return failed
    return []


def _constant(mistake, exercise, observations) -> list[int]:
    """The same value comes back whatever the input, where the expected values differ."""
    returned = [o for o in observations if o.returned]
    if len(returned) < 2 or len(returned) != len(observations):
        return []
    first = returned[0].got
    if not all(_identical(first, o.got) for o in returned[1:]):
        return []
    if all(_identical(returned[0].prepared.expected, o.prepared.expected) for o in returned[1:]):
        return []
    return [i for i, o in enumerate(observations) if o.status == Status.FAILED and not o.mutated]


def _identical(a: Any, b: Any) -> bool:
    if isinstance(a, (tuple, list)) or isinstance(b, (tuple, list)):
        return (isinstance(a, (tuple, list)) and isinstance(b, (tuple, list)) and len(a) == len(b)
                and all(_identical(x, y) for x, y in zip(a, b)))
    try:
        x, y = np.asarray(a), np.asarray(b)
        return x.shape == y.shape and x.dtype.kind in "biuf" and bool(np.array_equal(x, y, equal_nan=True))
    except (TypeError, ValueError):
        return False


SIGNATURE = re.compile(r"^(\w+)\(\) (takes \d+ positional|takes from \d+ to \d+ positional|missing \d+ required)")


def _signature(mistake, exercise, observations) -> list[int]:
    """The grader's call itself was refused: the function takes other parameters than the exercise's
    (for example `forward_prop(X)` reading the weights from global variables)."""
    names = {exercise.id, *getattr(exercise, "aliases", ())}
    found = []
    for i, o in enumerate(observations):
        match = SIGNATURE.match(o.error.message) if o.status == Status.ERROR and o.error is not None else None
        if match and match.group(1) in names and o.error.type == "TypeError":
            found.append(i)
    return found


DETECTORS: dict[Detector, Callable] = {
    Detector.SIGNATURE: _signature,
    Detector.ERROR_MESSAGE: _error_message,
    Detector.NON_FINITE: _non_finite,
    Detector.TAGGED_CASES_FAIL: _tagged_cases_fail,
    Detector.CONSTANT: _constant,
}

from grader.behaviour_mistakes import BEHAVIOUR_DETECTORS  # noqa: E402  (training functions' detectors)

DETECTORS.update(BEHAVIOUR_DETECTORS)
