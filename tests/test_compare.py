"""grader/compare.py on its own: the order of its checks, NaN and inf, the worst element and the tolerances.

Tolerances and values are powers of two where possible, so every expected number below is exact.
"""
import numpy as np
import pytest

from grader.compare import compare, is_number_or_array, same_values, same_values_any_shape, value_type
from grader.results import Finding, ValueType, WorstElement
from grader.runner.codec import Unsupported

RTOL, ATOL = 0.25, 0.125  # allowed difference: 0.125 + 0.25·|expected|


def values(count, size, worst):
    return Finding("values", "", count=count, size=size, worst=worst)


# --- value_type and is_number_or_array ---------------------------------------------------------------

@pytest.mark.parametrize("value, kind", [
    (None, ValueType("none")),
    (Unsupported("a value of type str"), ValueType("unsupported", detail="a value of type str")),
    ((1.0, 2.0), ValueType("tuple", length=2)),
    ([1.0, 2.0, 3.0], ValueType("list", length=3)),
    (True, ValueType("bool")),
    (np.bool_(False), ValueType("bool")),
    (np.zeros((2, 3)), ValueType("array", shape=[2, 3])),
    (np.array(1.5), ValueType("number")),
    (3, ValueType("number")),
    (np.float32(1.0), ValueType("number")),
    ("text", ValueType("unsupported", detail="str")),
])
def test_value_type_names_each_kind(value, kind):
    assert value_type(value) == kind


@pytest.mark.parametrize("value, answer", [
    (1, True), (1.5, True), (True, True), (np.int8(3), True), (np.complex64(1j), True),
    (np.zeros(3, dtype=bool), True), (np.zeros(3, dtype=np.uint8), True),
    (np.array(["a"]), False), (np.array([object()], dtype=object), False),
    (None, False), ("1.0", False), ([1.0], False), ((1.0,), False),
])
def test_only_numbers_and_numeric_arrays_count_as_numbers(value, answer):
    assert is_number_or_array(value) is answer


# --- order of checks ----------------------------------------------------------------------------------

def test_agreement_is_none():
    assert compare(np.array([1.0, 2.0]), np.array([1.0, 2.0]), RTOL, ATOL) is None
    assert compare(2.0, 2, RTOL, ATOL) is None  # an int where a float is expected is a number
    assert compare(1.0, True, RTOL, ATOL) is None  # and so is a bool: True is 1


def test_nothing_returned_is_a_type_finding():
    assert compare(np.zeros(2), None, RTOL, ATOL) == Finding(
        "type", expected_type=ValueType("array", shape=[2]), got_type=ValueType("none"))


def test_type_comes_before_shape():
    # A list is not an array even with the right number of items, and the shape is never looked at.
    assert compare(np.zeros(2), [0.0, 0.0], RTOL, ATOL) == Finding(
        "type", expected_type=ValueType("array", shape=[2]), got_type=ValueType("list", length=2))


def test_shape_comes_before_non_finite_values():
    assert compare(np.zeros(2), np.array([np.nan]), RTOL, ATOL) == Finding(
        "shape", expected_type=ValueType("array", shape=[2]), got_type=ValueType("array", shape=[1]))


def test_a_one_element_array_is_not_a_number():
    assert compare(1.0, np.array([1.0]), RTOL, ATOL) == Finding(
        "shape", expected_type=ValueType("number"), got_type=ValueType("array", shape=[1]))
    assert compare(np.zeros((3, 1)), np.zeros(3), RTOL, ATOL).kind == "shape"


def test_non_finite_comes_before_wrong_values():
    # Index 1 is far off, but the NaN at index 2 is what the student reads first; only it is counted.
    finding = compare(np.array([1.0, 1.0, 1.0]), np.array([1.0, 100.0, np.nan]), RTOL, ATOL)
    assert finding.kind == "non-finite" and finding.count == 1 and finding.size == 3
    assert finding.worst.index == [2] and finding.worst.expected == 1.0 and np.isnan(finding.worst.got)


def test_non_finite_reports_the_first_spoiled_element_and_counts_all():
    expected = np.array([[1.0, 2.0], [4.0, 8.0]])
    got = np.array([[1.0, np.inf], [-np.inf, np.nan]])
    finding = compare(expected, got, RTOL, ATOL)
    assert (finding.kind, finding.count, finding.size) == ("non-finite", 3, 4)
    assert finding.worst == WorstElement([0, 1], 2.0, np.inf, np.inf, np.inf, 0.625, "rtol")


# --- NaN and inf where they are expected ------------------------------------------------------------------

def test_nan_where_nan_is_expected_agrees():
    assert compare(np.array([np.nan, 1.0]), np.array([np.nan, 1.0]), RTOL, ATOL) is None


def test_inf_of_the_same_sign_agrees_and_of_the_other_sign_does_not():
    assert compare(np.array([np.inf, 1.0]), np.array([np.inf, 1.0]), RTOL, ATOL) is None
    finding = compare(np.array([np.inf, 1.0]), np.array([-np.inf, 1.0]), RTOL, ATOL)
    # Not "non-finite": the expected value is not finite either; the values differ.
    assert (finding.kind, finding.count, finding.size) == ("values", 1, 2)
    assert finding.worst.index == [0] and finding.worst.got == -np.inf and finding.worst.rel_error is None


def test_a_number_where_nan_is_expected_is_a_wrong_value():
    finding = compare(np.array([1.0, np.nan]), np.array([1.0, 0.0]), RTOL, ATOL)
    assert (finding.kind, finding.count, finding.worst.index) == ("values", 1, [1])


# --- the worst element ---------------------------------------------------------------------------------------

def test_worst_element_is_the_one_furthest_beyond_its_allowance():
    # With rtol 2⁻⁸ and atol 0.25 all three miss: index 0 by the largest difference (6, 4.25 allowed: 1.75
    # beyond), index 2 by the largest relative error (512, 0.25 allowed: 0.25 beyond), index 1 by the most
    # beyond its allowance (5 with about 0.25 allowed). The tolerance's measure picks index 1.
    expected = np.array([1024.0, 0.5, 2.0 ** -10])
    got = np.array([1030.0, 5.5, 2.0 ** -10 + 0.5])
    finding = compare(expected, got, rtol=2.0 ** -8, atol=0.25)
    assert finding == values(3, 3, WorstElement([1], 0.5, 5.5, 5.0, 10.0, 0.25 + 2.0 ** -9, "atol"))


def test_a_large_difference_within_tolerance_is_never_the_worst():
    expected = np.array([1024.0, 0.0])
    got = np.array([1030.0, 0.5])  # 6 off at index 0 is within 0.125 + 256; 0.5 off at index 1 is not
    assert compare(expected, got, RTOL, ATOL) == values(1, 2, WorstElement([1], 0.0, 0.5, 0.5, None, 0.125, "atol"))


def test_worst_element_of_a_matrix_has_a_row_and_column():
    expected = np.zeros((2, 3))
    got = expected.copy()
    got[1, 2] = -2.0
    got[0, 1] = 1.0
    assert compare(expected, got, RTOL, ATOL) == values(2, 6, WorstElement([1, 2], 0.0, -2.0, 2.0, None, 0.125, "atol"))


def test_a_single_number_has_no_index():
    assert compare(2.0, 3.0, RTOL, ATOL) == values(1, 1, WorstElement([], 2.0, 3.0, 1.0, 0.5, 0.625, "rtol"))


def test_integer_arrays_are_compared_as_floats():
    assert compare(np.array([4, 8]), np.array([4, 16]), RTOL, ATOL) == values(
        1, 2, WorstElement([1], 8.0, 16.0, 8.0, 1.0, 2.125, "rtol"))


# --- tolerance bounds ------------------------------------------------------------------------------------------

def test_the_allowance_is_inclusive_at_atol_plus_rtol_times_expected():
    # 4 ± (0.125 + 1) is allowed; a hair more is not.
    assert compare(4.0, 5.125, RTOL, ATOL) is None
    assert compare(4.0, 2.875, RTOL, ATOL) is None
    assert compare(4.0, 5.125 + 2 ** -20, RTOL, ATOL).kind == "values"


def test_rtol_scales_with_the_expected_value_not_the_student_value():
    # The allowance uses |expected| = 1, so 0.375 is allowed and a difference of 0.5 is not.
    finding = compare(1.0, 1.5, RTOL, ATOL)
    assert finding.worst == WorstElement([], 1.0, 1.5, 0.5, 0.5, 0.375, "rtol")
    # The other way round the allowance is 0.125 + 0.25·1.5 = 0.5, which the same difference meets.
    assert compare(1.5, 1.0, RTOL, ATOL) is None


def test_the_bound_named_is_the_larger_part_of_the_allowance():
    # rtol·|expected| = 0.25 ≥ atol = 0.125: the rtol bound; with expected 0.25 it is 0.0625 < atol: the atol bound.
    assert compare(1.0, 2.0, RTOL, ATOL).worst.bound == "rtol"
    assert compare(0.5, 2.0, RTOL, ATOL).worst.bound == "rtol"  # 0.25·0.5 = atol: a tie goes to rtol
    assert compare(0.25, 2.0, RTOL, ATOL).worst == WorstElement([], 0.25, 2.0, 1.75, 7.0, 0.1875, "atol")


def test_rtol_zero_and_atol_zero_demand_exact_values():
    assert compare(1.0, 1.0, 0.0, 0.0) is None
    assert compare(1.0, np.nextafter(1.0, 2.0), 0.0, 0.0).kind == "values"


def test_a_complex_value_off_by_its_imaginary_part_is_a_wrong_value():
    finding = compare(np.array([1.0, 2.0]), np.array([1.0, 2.0 + 1j]), RTOL, ATOL)
    assert (finding.kind, finding.count, finding.size, finding.worst.index) == ("values", 1, 2, [1])


def test_the_worst_complex_element_reports_the_modulus_of_its_difference():
    finding = compare(np.array([1.0]), np.array([1.0 + 1j]), RTOL, ATOL)
    assert finding.worst.abs_error == 1.0


# --- tuples ----------------------------------------------------------------------------------------------------

def test_a_tuple_expected_and_a_single_value_returned_is_a_type_finding():
    assert compare((1.0, 2.0), 1.0, RTOL, ATOL) == Finding(
        "type", expected_type=ValueType("tuple", length=2), got_type=ValueType("number"))


def test_a_tuple_of_the_wrong_length_is_a_length_finding():
    assert compare((1.0, 2.0), (1.0, 2.0, 3.0), RTOL, ATOL) == Finding(
        "length", expected_type=ValueType("tuple", length=2), got_type=ValueType("tuple", length=3))


def test_a_list_may_stand_for_a_tuple():
    assert compare((1.0, np.array([2.0])), [1.0, np.array([2.0])], RTOL, ATOL) is None


def test_the_first_part_that_differs_is_reported_by_name():
    expected = (np.zeros(2), np.zeros(3), 1.0)
    got = (np.zeros(2), np.ones(3), np.zeros(5))  # part 1 has wrong values, part 2 the wrong shape
    finding = compare(expected, got, RTOL, ATOL, names=("A1", "A2", "loss"))
    assert finding == Finding("values", "A2", count=3, size=3,
                              worst=WorstElement([0], 0.0, 1.0, 1.0, None, 0.125, "atol"))


def test_a_part_without_a_name_is_named_by_its_index():
    finding = compare((1.0, 2.0), (1.0, "two"), RTOL, ATOL, names=("first",))
    assert finding == Finding("type", "[1]", expected_type=ValueType("number"),
                              got_type=ValueType("unsupported", detail="str"))


# --- gradients checked numerically ---------------------------------------------------------------------------------

def test_a_gradient_is_judged_by_relative_error_against_the_numerical_one():
    numerical = np.array([1.0, 3.0, 2.0])
    expected = (0.5, np.zeros(3))  # the expected gradient is ignored for part 1
    close = (0.5, numerical * (1 + 1e-7))
    assert compare(expected, close, RTOL, ATOL, names=("loss", "dW"), gradients={1: numerical}) is None
    off = (0.5, np.array([1.0, 1.0, 2.5]))  # relative errors 0, 2/4 = 0.5, 0.5/4.5
    finding = compare(expected, off, RTOL, ATOL, names=("loss", "dW"), gradients={1: numerical}, max_rel_error=0.1)
    assert finding == Finding("gradient", "dW", count=2, size=3,
                              worst=WorstElement([1], 3.0, 1.0, 2.0, 0.5, 0.1, "gradient"))


def test_a_nan_in_a_gradient_is_the_worst_element():
    numerical = np.array([1.0, 2.0, 3.0])
    finding = compare((np.zeros(3),), (np.array([100.0, 2.0, np.nan]),), RTOL, ATOL, gradients={0: numerical})
    assert (finding.kind, finding.part, finding.count, finding.worst.index) == ("gradient", "[0]", 2, [2])
    assert np.isnan(finding.worst.got) and np.isnan(finding.worst.rel_error)


def test_a_gradient_of_the_wrong_shape_is_a_shape_finding():
    finding = compare((np.zeros(3),), (np.zeros((3, 1)),), RTOL, ATOL, gradients={0: np.ones(3)})
    assert finding == Finding("shape", "[0]", expected_type=ValueType("array", shape=[3]),
                              got_type=ValueType("array", shape=[3, 1]))


# --- the mistake models' matchers -------------------------------------------------------------------------------------

def test_same_values_needs_the_same_structure_and_matches_nan_and_inf():
    assert same_values(np.array([np.nan, np.inf, 1.0]), np.array([np.nan, np.inf, 1.0]), RTOL, ATOL)
    assert not same_values(np.array([np.inf]), np.array([-np.inf]), RTOL, ATOL)
    assert not same_values(np.zeros(3), np.zeros((3, 1)), RTOL, ATOL)
    assert same_values((1.0, np.zeros(2)), [1.0, np.zeros(2)], RTOL, ATOL)
    assert not same_values((1.0, np.zeros(2)), (1.0,), RTOL, ATOL)
    assert not same_values(1.0, None, RTOL, ATOL)
    assert not same_values(1.0, 2.0, RTOL, ATOL)


def test_same_values_any_shape_ignores_the_shape_only():
    assert same_values_any_shape(np.arange(6.0).reshape(2, 3), np.arange(6.0).reshape(3, 2), RTOL, ATOL)
    assert not same_values_any_shape(np.arange(6.0).reshape(2, 3), np.arange(6.0)[::-1], RTOL, ATOL)
    assert not same_values_any_shape(np.arange(6.0), np.arange(5.0), RTOL, ATOL)
    assert same_values_any_shape((np.zeros((2, 1)),), (np.zeros(2),), RTOL, ATOL)
    assert not same_values_any_shape(np.zeros(2), "00", RTOL, ATOL)
