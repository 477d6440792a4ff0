"""Geometry for the report's inline SVG charts: numbers in, coordinates out; the templates draw them.

A curve chart draws the reference's line and the student's over the same x, as the lectures plot
activation functions over [−5, 5]. A bar chart puts expected and got side by side, one row per value.
Values far outside the reference's range are clipped at the edge rather than squashing the reference.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from grader.kinds import PlotKind
from grader.results import Plot

WIDTH, HEIGHT = 520, 260
LEFT, RIGHT, TOP, BOTTOM = 44, 12, 12, 28
ROW, LABEL_WIDTH = 22, 210
MAX_ROWS = 24


@dataclass(frozen=True)
class Tick:
    """A labelled tick on an axis."""

    position: float
    label: str


@dataclass(frozen=True)
class CurveChart:
    """The reference's curve and the student's over the same x, as SVG coordinates."""

    width: int
    height: int
    box: tuple[float, float, float, float]
    """x, y, width, height of the plotting area."""
    reference: list[str]
    """SVG polyline `points` for the reference, one per unbroken run of values."""
    student: list[str]
    x_ticks: list[Tick]
    y_ticks: list[Tick]
    zero_y: float | None
    missing: bool
    """The student's values could not be drawn at all (an error, the wrong shape, not numbers)."""


@dataclass(frozen=True)
class BarRow:
    """One value of a bar chart: the expected bar and the student's."""

    label: str
    y: float
    expected: tuple[float, float] | None
    """x and width of the expected bar."""
    got: tuple[float, float] | None
    expected_text: str
    got_text: str
    close: bool


@dataclass(frozen=True)
class BarChart:
    """Expected and got side by side, one row per value."""

    width: int
    height: int
    label_width: int
    zero_x: float
    rows: list[BarRow]
    more: int
    """Rows left out beyond MAX_ROWS."""


def chart(plot: Plot | None, rtol: float = 1e-5, atol: float = 1e-8) -> CurveChart | BarChart | None:
    if plot is None or not plot.expected:
        return None
    return curve_chart(plot) if plot.kind == PlotKind.CURVE else bar_chart(plot, rtol, atol)


def _finite(values) -> list[float]:
    return [v for v in values if v is not None and math.isfinite(v)]


def _range(expected: list[float], got: list[float]) -> tuple[float, float]:
    """The reference's range, widened to show the student's values up to three times as far."""
    low, high = min(expected), max(expected)
    span = (high - low) or max(abs(high), 1.0)
    low, high = low - 0.08 * span, high + 0.08 * span
    if got:
        low = max(min(low, min(got)), low - 3 * span)
        high = min(max(high, max(got)), high + 3 * span)
    return low, high


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    raw = (high - low) / max(count - 1, 1)
    magnitude = 10 ** math.floor(math.log10(raw)) if raw > 0 else 1.0
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    first = math.ceil(low / step) * step
    return [round(first + i * step, 10) for i in range(int((high - first) / step) + 1)]


def _label(value: float) -> str:
    return f"{value:.4g}"


def curve_chart(plot: Plot) -> CurveChart:
    box = (LEFT, TOP, WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM)
    x_low, x_high = min(plot.x), max(plot.x)
    y_low, y_high = _range(_finite(plot.expected), _finite(plot.got))

    def sx(x: float) -> float:
        return box[0] + (x - x_low) / ((x_high - x_low) or 1.0) * box[2]

    def sy(y: float) -> float:
        clipped = min(max(y, y_low), y_high)
        return box[1] + box[3] - (clipped - y_low) / ((y_high - y_low) or 1.0) * box[3]

    # Whole curves at once with NumPy, the same arithmetic in the same order as sx() and sy(), so the same text:
    # a Python call and an f-string per point cost more than all the rest of a report's chart.
    import numpy as np  # here, not at the top: a command that draws no curve needs no NumPy

    xs = np.asarray(plot.x, dtype=float)
    columns = list(map("{:.1f},".format, (box[0] + (xs - x_low) / ((x_high - x_low) or 1.0) * box[2]).tolist()))

    def runs(values) -> list[str]:
        ys = np.array([math.nan if y is None else y for y in values], dtype=float)
        finite = np.isfinite(ys)
        with np.errstate(all="ignore"):  # the values not finite are computed and left out
            scaled = box[1] + box[3] - (np.minimum(np.maximum(ys, y_low), y_high) - y_low) / ((y_high - y_low) or 1.0) \
                * box[3]
        points = list(map("{}{:.1f}".format, columns, scaled.tolist()))
        if finite.all():
            return [" ".join(points)] if len(points) > 1 else []
        lines, current = [], []
        for point, ok in zip(points, finite.tolist()):
            if ok:
                current.append(point)
                continue
            if len(current) > 1:
                lines.append(" ".join(current))
            current = []
        if len(current) > 1:
            lines.append(" ".join(current))
        return lines

    student = runs(plot.got)
    return CurveChart(
        width=WIDTH, height=HEIGHT, box=box,
        reference=runs(plot.expected), student=student,
        x_ticks=[Tick(sx(x), _label(x)) for x in nice_ticks(x_low, x_high, 6)],
        y_ticks=[Tick(sy(y), _label(y)) for y in nice_ticks(y_low, y_high, 5)],
        zero_y=sy(0.0) if y_low < 0 < y_high else None,
        missing=not student,
    )


def bar_chart(plot: Plot, rtol: float, atol: float) -> BarChart:
    values = list(zip(plot.labels, plot.expected, plot.got))[:MAX_ROWS]
    low, high = _range(_finite([e for _, e, _ in values]) + [0.0], _finite([g for _, _, g in values]))
    low, high = min(low, 0.0), max(high, 0.0)
    left, width = LABEL_WIDTH, WIDTH - LABEL_WIDTH - 60

    def sx(v: float) -> float:
        return left + (min(max(v, low), high) - low) / ((high - low) or 1.0) * width

    def bar(value: float | None) -> tuple[float, float] | None:
        if value is None or not math.isfinite(value):
            return None
        start, end = sorted((sx(0.0), sx(value)))
        return (start, max(end - start, 1.0))

    rows = []
    for index, (label, expected, got) in enumerate(values):
        close = got is not None and expected is not None and abs(got - expected) <= atol + rtol * abs(expected)
        rows.append(BarRow(label=label, y=8 + index * ROW, expected=bar(expected), got=bar(got),
                           expected_text=_label(expected) if expected is not None else "—",
                           got_text=_label(got) if got is not None else "—", close=close))
    return BarChart(width=WIDTH, height=16 + len(rows) * ROW, label_width=LABEL_WIDTH, zero_x=sx(0.0), rows=rows,
                    more=max(0, len(plot.expected) - MAX_ROWS))
