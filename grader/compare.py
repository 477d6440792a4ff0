"""Comparing what a student's function returned with what was expected, in the grader's process.

Checks run in a fixed order and stop at the first difference: type, length (tuples), shape,
non-finite values, then values by np.isclose (|got − expected| ≤ atol + rtol·|expected|).
Everything found is data (kinds, shapes, types, indexes, numbers); `grader.feedback` words it.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from grader.cases import relative_error
from grader.kinds import FindingKind
from grader.results import Finding, ValueType, WorstElement
from grader.runner.codec import Unsupported


def is_number_or_array(value: Any) -> bool:
    if isinstance(value, np.ndarray):
        return value.dtype.kind in "biufc"
    return isinstance(value, (bool, int, float, np.number, np.bool_))


def value_type(value: Any) -> ValueType:
    """What kind of thing a value is, for "expected X, got Y" findings."""
    if value is None:
        return ValueType("none")
    if isinstance(value, Unsupported):
        return ValueType("unsupported", detail=value.description)
    if isinstance(value, (tuple, list)):
        return ValueType(type(value).__name__, length=len(value))
    if isinstance(value, (bool, np.bool_)):
        return ValueType("bool")
    if isinstance(value, np.ndarray):
        return ValueType("array", shape=list(value.shape)) if value.ndim else ValueType("number")
    if isinstance(value, (int, float, np.number)):
        return ValueType("number")
    return ValueType("unsupported", detail=type(value).__name__)


def compare(expected: Any, got: Any, rtol: float, atol: float, names: tuple[str, ...] = (),
            gradients: dict[int, np.ndarray] | None = None, max_rel_error: float = 1e-5) -> Finding | None:
    """The first difference between `got` and `expected`, or None when they agree.

    For a tuple result, `names` label its parts and `gradients` maps a part's index to the numerical
    gradient it is judged against by relative error instead of `expected`.
    """
    if isinstance(expected, tuple):
        if not isinstance(got, (tuple, list)):
            return Finding(FindingKind.TYPE, expected_type=value_type(expected), got_type=value_type(got))
        if len(got) != len(expected):
            return Finding(FindingKind.LENGTH, expected_type=value_type(expected), got_type=value_type(got))
        for index, (part_expected, part_got) in enumerate(zip(expected, got)):
            part = names[index] if index < len(names) else f"[{index}]"
            if gradients and index in gradients:
                finding = _compare_gradient(gradients[index], part_got, max_rel_error, part)
            else:
                finding = _compare_numbers(part_expected, part_got, rtol, atol, part)
            if finding:
                return finding
        return None
    return _compare_numbers(expected, got, rtol, atol, "")


def _as_array(value: Any) -> np.ndarray:
    array = np.asarray(value)
    return array.astype(np.float64) if array.dtype.kind in "biu" else array


def _compare_structure(expected: Any, got: Any, part: str) -> Finding | None:
    """Type, then shape: a number or array of exactly the expected shape."""
    if not is_number_or_array(got):
        return Finding(FindingKind.TYPE, part, expected_type=value_type(expected), got_type=value_type(got))
    if np.shape(expected) != np.shape(got):
        return Finding(FindingKind.SHAPE, part, expected_type=value_type(_as_array(expected)),
                       got_type=value_type(_as_array(got)))
    return None


def _compare_numbers(expected: Any, got: Any, rtol: float, atol: float, part: str) -> Finding | None:
    finding = _compare_structure(expected, got, part)
    if finding:
        return finding
    e, g = _as_array(expected), _as_array(got)
    spoiled = ~np.isfinite(g) & np.isfinite(e)
    if spoiled.any():
        index = tuple(int(i) for i in np.argwhere(spoiled)[0])
        return Finding(FindingKind.NON_FINITE, part, count=int(spoiled.sum()), size=int(e.size),
                       worst=_element(e, g, index, rtol, atol))
    with np.errstate(all="ignore"):
        if (g == e).all():  # equal is close, and far cheaper to check (most results of a class are)
            return None
    close = np.isclose(g, e, rtol=rtol, atol=atol, equal_nan=True)
    if close.all():
        return None
    with np.errstate(all="ignore"):
        excess = np.where(close, -np.inf, np.abs(g - e) - (atol + rtol * np.abs(e)))
    excess = np.nan_to_num(excess, nan=np.inf, posinf=np.inf)
    index = np.unravel_index(int(np.argmax(excess)), e.shape) if e.shape else ()
    return Finding(FindingKind.VALUES, part, count=int((~close).sum()), size=int(e.size),
                   worst=_element(e, g, tuple(int(i) for i in index), rtol, atol))


def _compare_gradient(numerical: np.ndarray, got: Any, max_rel_error: float, part: str) -> Finding | None:
    finding = _compare_structure(numerical, got, part)
    if finding:
        return finding
    g = _as_array(got)
    with np.errstate(all="ignore"):
        errors = relative_error(g, numerical)
    wrong = ~(errors <= max_rel_error)
    if not wrong.any():
        return None
    index = tuple(int(i) for i in np.unravel_index(int(np.nanargmax(np.nan_to_num(errors, nan=np.inf))),
                                                   numerical.shape))
    expected_value, got_value = numerical[index], g[index]
    worst = WorstElement(list(index), _real(expected_value), _real(got_value), _difference(got_value, expected_value),
                         _real(errors[index]), max_rel_error, "gradient")
    return Finding(FindingKind.GRADIENT, part, count=int(wrong.sum()), size=int(numerical.size), worst=worst)


def _element(e: np.ndarray, g: np.ndarray, index: tuple, rtol: float, atol: float) -> WorstElement:
    """The element at `index`, its error as the tolerance measures it, and which bound it broke."""
    expected, got = _real(e[index]), _real(g[index])
    difference = _difference(g[index], e[index])  # the modulus, so an imaginary part counts
    scaled = rtol * abs(expected)
    rel_error = difference / abs(expected) if expected != 0 and np.isfinite(expected) else None
    return WorstElement(list(index), expected, got, difference, rel_error, atol + scaled,
                        "rtol" if scaled >= atol else "atol")


def _difference(got, expected) -> float:
    with np.errstate(all="ignore"):
        return float(np.abs(np.asarray(got, dtype=complex if np.iscomplexobj(got) else float) - expected))


def _real(value) -> float:
    return float(np.real(value))


def same_values(model_output: Any, got: Any, rtol: float, atol: float) -> bool:
    """True when a mistake model's output matches the student's: same structure, shapes and values,
    with NaN matching NaN and inf matching inf of the same sign."""
    if isinstance(model_output, tuple):
        return (isinstance(got, (tuple, list)) and len(got) == len(model_output)
                and all(same_values(m, g, rtol, atol) for m, g in zip(model_output, got)))
    if not is_number_or_array(got) or not is_number_or_array(model_output):
        return False
    m, g = _as_array(model_output), _as_array(got)
    return m.shape == g.shape and bool(np.all(np.isclose(g, m, rtol=rtol, atol=atol, equal_nan=True)))


def same_values_any_shape(expected: Any, got: Any, rtol: float, atol: float) -> bool:
    """Right values in the wrong shape: equal once both are flattened (for the shape-mismatch mistake)."""
    if isinstance(expected, tuple):
        return (isinstance(got, (tuple, list)) and len(got) == len(expected)
                and all(same_values_any_shape(e, g, rtol, atol) for e, g in zip(expected, got)))
    if not is_number_or_array(got):
        return False
    e, g = _as_array(expected).ravel(), _as_array(got).ravel()
    return e.shape == g.shape and bool(np.all(np.isclose(g, e, rtol=rtol, atol=atol, equal_nan=True)))
