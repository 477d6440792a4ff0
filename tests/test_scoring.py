"""grader/scoring.py on its own: weighted points, clamping to 0..points, rounding, the exercise's status."""
import pytest

from grader.results import CaseResult, Status
from grader.scoring import exercise_score, exercise_status

P, F = Status.PASSED, Status.FAILED


def cases(*pairs):
    """CaseResults from (status, weight) pairs."""
    return [CaseResult(f"case{i}", status, "", weight=weight) for i, (status, weight) in enumerate(pairs)]


@pytest.mark.parametrize("pairs, score", [
    ([(P, 1), (P, 1), (P, 1)], 10.0),
    ([(F, 1), (F, 1), (F, 1)], 0.0),
    ([(P, 1), (F, 1), (F, 1)], 3.33),   # 10/3 rounded down at 2 decimals
    ([(P, 1), (P, 1), (F, 1)], 6.67),   # 20/3 rounded up
    ([(P, 1), (F, 1)], 5.0),
])
def test_equal_weights_give_the_share_of_passed_cases(pairs, score):
    assert exercise_score(10, cases(*pairs)) == score


def test_weights_count_in_proportion():
    # 3 of 4 weight passed.
    assert exercise_score(8, cases((P, 3), (F, 1))) == 6.0
    assert exercise_score(8, cases((F, 3), (P, 1))) == 2.0
    assert exercise_score(8, cases((P, 0.5), (F, 1.5), (P, 2))) == 5.0


def test_a_case_of_zero_weight_changes_nothing():
    assert exercise_score(4, cases((P, 1), (F, 0))) == 4.0
    assert exercise_score(4, cases((F, 1), (P, 0))) == 0.0


def test_every_status_but_passed_earns_nothing():
    for status in (Status.FAILED, Status.ERROR, Status.TIMEOUT, Status.MISSING, Status.NOT_IMPLEMENTED):
        assert exercise_score(6, cases((P, 1), (status, 1))) == 3.0


def test_no_weight_at_all_scores_zero():
    assert exercise_score(5, []) == 0.0
    assert exercise_score(5, cases((P, 0), (P, 0))) == 0.0


def test_the_share_is_clamped_to_0_and_1():
    # Weights the catalog should never hold still cannot give more than the points or less than nothing.
    assert exercise_score(5, cases((P, 2), (F, -1))) == 5.0
    assert exercise_score(5, cases((P, -1), (F, 2))) == 0.0


def test_scores_are_rounded_to_two_decimals():
    assert exercise_score(1, cases((P, 1), (F, 2))) == 0.33
    assert exercise_score(2.5, cases((P, 1), (F, 2))) == 0.83  # 0.8333...
    assert exercise_score(1, cases((P, 2), (F, 1))) == 0.67


# --- the exercise's status ------------------------------------------------------------------------------------

def test_all_passed_is_passed():
    assert exercise_status(cases((P, 1), (P, 1))) == Status.PASSED


@pytest.mark.parametrize("status", list(Status))
def test_a_single_status_is_kept(status):
    assert exercise_status(cases((status, 1), (status, 1))) == status


@pytest.mark.parametrize("statuses, shown", [
    ((P, F), F),
    ((P, Status.MISSING), Status.MISSING),
    ((Status.MISSING, Status.NOT_IMPLEMENTED), Status.NOT_IMPLEMENTED),
    ((Status.NOT_IMPLEMENTED, F), F),
    ((F, Status.ERROR), Status.ERROR),
    ((Status.ERROR, Status.TIMEOUT), Status.TIMEOUT),
    ((P, F, Status.ERROR, Status.TIMEOUT, Status.MISSING, Status.NOT_IMPLEMENTED), Status.TIMEOUT),
])
def test_mixed_statuses_show_the_most_telling(statuses, shown):
    # Precedence: timeout, error, failed, not implemented, missing; the order of the cases does not matter.
    assert exercise_status(cases(*[(s, 1) for s in statuses])) == shown
    assert exercise_status(cases(*[(s, 1) for s in reversed(statuses)])) == shown
