"""The values a report's chart draws, taken from a graded exercise: the reference's and the student's.

`grader.render.charts` turns them into coordinates. A value that is missing, of the wrong shape or not
finite becomes None here, drawn as a gap and never invented.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from grader.kinds import PlotKind
from grader.results import Plot


def plot_values(exercise, prepared, outcomes, lang: str) -> Plot | None:
    """The values of an exercise's cases marked `plot` (a catalog Exercise, its PreparedExercise and the
    CallOutcomes): the student's where they line up with the reference's."""
    if exercise.plot is None:
        return None
    labels: list[str] = []
    x: list[float] = []
    expected: list[float | None] = []
    got: list[float | None] = []
    for case, outcome in zip(prepared.cases, outcomes):
        if not case.case.plot:
            continue
        want = _elements(case.expected, exercise.returns)
        have = _elements(outcome.value, exercise.returns) if outcome.status == "returned" else []
        have_values = [v for _, v in have] if [n for n, _ in have] == [n for n, _ in want] else [None] * len(want)
        if exercise.plot == PlotKind.CURVE:
            x += [v for _, v in _elements(case.inputs[0], ())]
        else:
            title = case.case.name(lang)
            labels += [title if len(want) == 1 else f"{name}" for name, _ in want]
        expected += [v for _, v in want]
        got += have_values
    if exercise.plot == PlotKind.CURVE and len(x) != len(expected):
        return None
    return Plot(PlotKind(exercise.plot), labels, [v if v is not None else 0.0 for v in x], expected, got)


def _elements(value: Any, parts: tuple[str, ...]) -> list[tuple[str, float | None]]:
    """(label, number) for every element of a number, an array or a tuple of them; None if not finite."""
    if isinstance(value, tuple):
        named = [(parts[i] if i < len(parts) else f"[{i}]", item) for i, item in enumerate(value)]
        return [(f"{name}{label}", number) for name, item in named for label, number in _elements(item, ())]
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        return []
    if array.ndim == 0:
        return [("", float(array) if np.isfinite(array) else None)]
    finite = np.isfinite(array).ravel().tolist()  # whole arrays at once: an element at a time costs 5 times as much
    numbers = [number if ok else None for number, ok in zip(array.ravel().tolist(), finite)]
    if array.ndim == 1:
        return [(f"[{index}]", number) for index, number in enumerate(numbers)]
    return [(str(list(index)), number) for index, number in zip(np.ndindex(array.shape), numbers)]
