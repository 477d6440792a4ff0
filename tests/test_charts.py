"""grader/render/charts.py and chart_data.py alone: where curves and bars land, gaps where a value is missing.

The plotting area of a curve chart is x 44..508, y 12..232 (SVG y grows downwards); a bar chart's bars run
over x 210..460. The value range is the reference's widened by 8 % of its span on each side, so for a reference
from −1 to 1 it is −1.16..1.16 and y = 232 − (v + 1.16) / 2.32 · 220.
"""
from types import SimpleNamespace

import numpy as np
import pytest

from grader.render.chart_data import plot_values
from grader.render.charts import BarChart, BarRow, CurveChart, Tick, bar_chart, chart, curve_chart, nice_ticks
from grader.results import Plot
from grader.runner.job import CallOutcome


def curve(x, expected, got):
    return Plot("curve", [], list(x), list(expected), list(got))


def bars(labels, expected, got):
    return Plot("bars", list(labels), [], list(expected), list(got))


# --- ticks ----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("low, high, count, ticks", [
    (-5, 5, 6, [-4, -2, 0, 2, 4]),
    (0, 1, 5, [0, 0.25, 0.5, 0.75, 1.0]),
    (-1.16, 1.16, 5, [-1, 0, 1]),
    (0.92, 2.08, 5, [1.0, 1.5, 2.0]),
    (0, 1000, 5, [0, 250, 500, 750, 1000]),
    (3, 3, 5, [3.0]),
])
def test_ticks_fall_on_round_steps_inside_the_range(low, high, count, ticks):
    assert nice_ticks(low, high, count) == ticks


# --- curves ----------------------------------------------------------------------------------------------------

def test_a_curve_chart_maps_values_into_the_plotting_area():
    drawn = curve_chart(curve([-5, 0, 5], [-1, 0, 1], [-1, 0, 1]))
    assert (drawn.width, drawn.height, drawn.box) == (520, 260, (44, 12, 464, 220))
    assert drawn.reference == ["44.0,216.8 276.0,122.0 508.0,27.2"]
    assert drawn.student == drawn.reference and drawn.missing is False
    assert drawn.x_ticks == [Tick(pytest.approx(p), label) for p, label in
                             [(90.4, "-4"), (183.2, "-2"), (276.0, "0"), (368.8, "2"), (461.6, "4")]]
    assert drawn.y_ticks == [Tick(pytest.approx(232 - 0.16 / 2.32 * 220), "-1"), Tick(pytest.approx(122.0), "0"),
                             Tick(pytest.approx(232 - 2.16 / 2.32 * 220), "1")]
    assert drawn.zero_y == pytest.approx(122.0)


def test_a_flat_reference_is_drawn_at_mid_height():
    drawn = curve_chart(curve([0, 1], [3.0, 3.0], [3.0, 3.0]))
    assert drawn.reference == ["44.0,122.0 508.0,122.0"]
    assert drawn.zero_y is None  # 0 is outside 2.76..3.24


def test_missing_and_non_finite_values_leave_gaps_and_single_points_are_not_drawn():
    x = [0, 1, 2, 3, 4, 5, 6]
    drawn = curve_chart(curve(x, [0, 1, 2, None, 4, 5, 6], [0, None, 2, 3, np.inf, 5, np.nan]))
    # y range −0.48..6.48; the reference breaks at its None, the student's at None, inf and NaN.
    assert drawn.reference == ["44.0,216.8 121.3,185.2 198.7,153.6", "353.3,90.4 430.7,58.8 508.0,27.2"]
    assert drawn.student == ["198.7,153.6 276.0,122.0"]
    assert drawn.missing is False


def test_a_student_curve_with_nothing_to_draw_is_missing():
    assert curve_chart(curve([0, 1, 2], [0, 1, 2], [None, None, None])).missing is True
    assert curve_chart(curve([0, 1, 2], [0, 1, 2], [0, np.nan, 2])).missing is True  # no two points in a row


def test_far_values_widen_the_range_up_to_three_spans_and_are_clipped_beyond():
    drawn = curve_chart(curve([-5, 0, 5], [-1, 0, 1], [-100, 0, 100]))
    # The range grows from −1.16..1.16 to −7.16..7.16; ±100 sit on the edges of the box.
    assert drawn.student == ["44.0,232.0 276.0,122.0 508.0,12.0"]
    assert drawn.reference == ["44.0,137.4 276.0,122.0 508.0,106.6"]


def test_a_student_value_a_little_outside_widens_the_range_to_show_it():
    drawn = curve_chart(curve([0, 1], [0, 1], [0, 2]))
    # Range −0.08..2: the student's 2 is the top of the box, the reference's 1 a little above the middle.
    assert drawn.student == ["44.0,223.5 508.0,12.0"]
    assert drawn.reference == ["44.0,223.5 508.0,117.8"]


# --- bars ------------------------------------------------------------------------------------------------------

def test_bars_start_at_zero_and_rows_stack_downwards():
    drawn = bar_chart(bars(["a", "b"], [1.0, -1.0], [1.0, 0.5]), rtol=1e-5, atol=1e-8)
    zero, end_of_one, start_of_minus_one, end_of_half = 335.0, 210 + 2.16 / 2.32 * 250, 210 + 0.16 / 2.32 * 250, \
        210 + 1.66 / 2.32 * 250
    assert (drawn.width, drawn.height, drawn.label_width, drawn.more) == (520, 60, 210, 0)
    assert drawn.zero_x == pytest.approx(zero)
    assert drawn.rows == [
        BarRow("a", 8, pytest.approx((zero, end_of_one - zero)), pytest.approx((zero, end_of_one - zero)),
               "1", "1", True),
        BarRow("b", 30, pytest.approx((start_of_minus_one, zero - start_of_minus_one)),
               pytest.approx((zero, end_of_half - zero)), "-1", "0.5", False),
    ]


def test_a_zero_bar_is_one_pixel_wide():
    drawn = bar_chart(bars(["z"], [0.0], [1.0]), rtol=1e-5, atol=1e-8)
    assert drawn.rows[0].expected == (pytest.approx(drawn.zero_x), 1.0)


def test_missing_and_non_finite_bars_are_left_out():
    drawn = bar_chart(bars(["a", "b", "c", "d"], [1.0, 1.0, None, 1.0], [None, np.nan, 1.0, np.inf]), 1e-5, 1e-8)
    assert [(row.expected is None, row.got is None) for row in drawn.rows] == [
        (False, True), (False, True), (True, False), (False, True)]
    assert [(row.expected_text, row.got_text) for row in drawn.rows] == [
        ("1", "—"), ("1", "nan"), ("—", "1"), ("1", "inf")]
    assert [row.close for row in drawn.rows] == [False, False, False, False]


def test_a_far_bar_is_clipped_at_the_edge():
    drawn = bar_chart(bars(["a", "b"], [1.0, -1.0], [1000.0, -1.0]), 1e-5, 1e-8)
    start, width = drawn.rows[0].got
    assert start == pytest.approx(210 + 1.16 / 8.32 * 250) and start + width == pytest.approx(460.0)


def test_close_uses_the_exercise_tolerances():
    rows = chart(bars(["in", "out"], [4.0, 4.0], [5.125, 5.25]), rtol=0.25, atol=0.125).rows
    assert [row.close for row in rows] == [True, False]


def test_at_most_24_rows_are_drawn_and_the_rest_counted():
    drawn = bar_chart(bars([f"v{i}" for i in range(30)], [1.0] * 30, [1.0] * 30), 1e-5, 1e-8)
    assert (len(drawn.rows), drawn.more, drawn.height) == (24, 6, 16 + 24 * 22)
    assert (drawn.rows[-1].label, drawn.rows[-1].y) == ("v23", 8 + 23 * 22)


def test_chart_picks_the_kind_and_draws_nothing_without_values():
    assert chart(None) is None
    assert chart(curve([], [], [])) is None
    assert isinstance(chart(curve([0, 1], [0, 1], [0, 1])), CurveChart)
    assert isinstance(chart(bars(["a"], [1.0], [1.0])), BarChart)


# --- the values drawn -------------------------------------------------------------------------------------------

def case(expected, inputs=(), plot=True, title="case"):
    return SimpleNamespace(case=SimpleNamespace(plot=plot, name=lambda lang: f"{title} ({lang})"),
                           expected=expected, inputs=inputs)


def returned(value):
    return CallOutcome("returned", value)


def test_curve_values_line_up_with_the_first_argument_and_non_finite_ones_are_none():
    exercise = SimpleNamespace(plot="curve", returns=())
    x = np.array([-1.0, 0.0, 1.0])
    prepared = SimpleNamespace(cases=[case(np.array([0.0, 0.5, 1.0]), (x,)), case(np.array([9.0]), (x,), plot=False)])
    outcomes = [returned(np.array([0.0, np.nan, 2.0])), returned(np.array([9.0]))]
    assert plot_values(exercise, prepared, outcomes, "en") == Plot(
        "curve", [], [-1.0, 0.0, 1.0], [0.0, 0.5, 1.0], [0.0, None, 2.0])


def test_a_result_of_the_wrong_shape_or_an_error_draws_nothing_for_the_student():
    exercise = SimpleNamespace(plot="curve", returns=())
    x = np.array([-1.0, 1.0])
    prepared = SimpleNamespace(cases=[case(np.array([0.0, 1.0]), (x,)), case(np.array([2.0, 3.0]), (x,))])
    outcomes = [returned(np.array([[0.0, 1.0]])), CallOutcome("raised")]
    assert plot_values(exercise, prepared, outcomes, "en").got == [None, None, None, None]


def test_bar_values_are_labelled_by_case_or_by_part():
    exercise = SimpleNamespace(plot="bars", returns=("loss", "dW"))
    prepared = SimpleNamespace(cases=[case((0.5, np.array([1.0, 2.0])), title="two"), case(0.25, title="one")])
    outcomes = [returned((0.5, np.array([1.0, np.inf]))), returned(0.25)]
    exercise_one = SimpleNamespace(plot="bars", returns=())
    assert plot_values(exercise, prepared, outcomes[:1], "ko") == Plot(
        "bars", ["loss", "dW[0]", "dW[1]"], [], [0.5, 1.0, 2.0], [0.5, 1.0, None])
    assert plot_values(exercise_one, SimpleNamespace(cases=prepared.cases[1:]), outcomes[1:], "ko") == Plot(
        "bars", ["one (ko)"], [], [0.25], [0.25])


def test_an_exercise_without_a_plot_has_no_values():
    assert plot_values(SimpleNamespace(plot=None), None, [], "en") is None
