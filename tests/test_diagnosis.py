"""Each known mistake is named by its own fixture and nothing else; correct variants name none."""
import re

import pytest

from conftest import FIXTURES

MISTAKE_FIXTURES = sorted((FIXTURES / "mistakes").glob("*.py"))


def exercise_of(fixture):
    return re.search(r"in (\w+)\. Graded", fixture.read_text(encoding="utf-8")).group(1)


def test_there_is_a_fixture_for_each_mistake_of_the_catalog():
    from grader.catalog import load_catalog
    catalog = load_catalog()
    declared = set(catalog.common_mistakes) | {m.id for e in catalog.exercises for m in e.mistakes}
    # A cascade needs two exercises graded together: tests/test_cascade.py has its fixtures.
    assert {p.stem for p in MISTAKE_FIXTURES} == declared - {"calls-failing-exercise"}


@pytest.mark.parametrize("fixture", MISTAKE_FIXTURES, ids=lambda p: p.stem)
def test_each_mistake_is_named_exactly(grade, fixture):
    result = grade(fixture, only=[exercise_of(fixture)])
    exercise = result.exercises[0]
    assert exercise.status != "passed"
    assert exercise.mistakes == [fixture.stem]
    assert exercise.score < exercise.max_score
    note = exercise.diagnoses[0]
    assert note.id == fixture.stem and note.name and note.hint


def test_hints_come_in_the_report_language(grade):
    fixture = FIXTURES / "mistakes" / "sigmoid-sign.py"
    english = grade(fixture, only=["sigmoid"], lang="en").exercises[0].diagnoses[0]
    korean = grade(fixture, only=["sigmoid"], lang="ko").exercises[0].diagnoses[0]
    assert english.hint != korean.hint and re.search(r"[가-힣]", korean.hint)


def test_correct_solutions_written_differently_get_full_marks_and_no_mistake(grade):
    result = grade(FIXTURES / "alternatives")
    assert [(e.id, e.status) for e in result.exercises if e.status != "passed"] == []
    assert result.score == 100
    assert all(e.mistakes == [] for e in result.exercises)


def test_a_failed_case_says_what_was_expected_and_what_came_back(grade):
    case = next(c for c in grade(FIXTURES / "mistakes" / "mse-mean.py", only=["mean_squared_error"]).exercises[0].cases
                if c.status == "failed")
    assert "expected 0.0975" in case.message and "got 0.0195" in case.message
    assert case.given["y"].startswith("[") and case.expected == "0.0975" and case.got == "0.0195"


def test_a_wrong_shape_names_both_shapes(grade):
    case = grade(FIXTURES / "mistakes" / "shape-mismatch.py", only=["predict"]).exercises[0].cases[0]
    assert "expected (1, 8), got (8,)" in case.message


def test_an_overflow_warning_with_a_correct_result_is_advice_not_a_failure(grade, tmp_path):
    naive = tmp_path / "naive.py"
    naive.write_text("import numpy as np\n\ndef sigmoid(x):\n    return 1 / (1 + np.exp(-x))\n")
    sigmoid = grade(naive, only=["sigmoid"]).exercises[0]
    assert sigmoid.status == "passed" and sigmoid.mistakes == []
    extremes = next(c for c in sigmoid.cases if c.name == "extremes ±1000")
    assert any("Correct, but NumPy warned" in note and "overflow" in note for note in extremes.advice)


PATTERN_FIXTURES = sorted((FIXTURES / "diagnosis").glob("*.py"))


def expectation(fixture):
    found = re.search(r"Expect: (\w+) named \[([\w, -]*)\] partly \[([\w, -]*)\]", fixture.read_text(encoding="utf-8"))
    split = lambda text: [name.strip() for name in text.split(",") if name.strip()]  # noqa: E731
    return found.group(1), split(found.group(2)), split(found.group(3))


@pytest.mark.parametrize("fixture", PATTERN_FIXTURES, ids=lambda p: p.stem)
def test_a_mistake_is_named_only_when_it_explains_every_failure(grade, fixture):
    """The patterns of issue 13: each gets the right name or none, never a coincidence's name."""
    exercise_id, named, partly = expectation(fixture)
    exercise = grade(fixture, only=[exercise_id]).exercises[0]
    assert exercise.status != "passed"
    assert exercise.mistakes == named
    assert [note.id for note in exercise.diagnoses] == named + partly


def test_partly_like_is_said_in_both_languages_and_names_nothing(grade):
    fixture = FIXTURES / "diagnosis" / "mse-divided-by-shape0.py"
    english = grade(fixture, only=["mean_squared_error"], lang="en").exercises[0]
    korean = grade(fixture, only=["mean_squared_error"], lang="ko").exercises[0]
    assert english.mistakes == korean.mistakes == []
    assert [note.name for note in english.diagnoses] == [
        "The ½ is missing (some cases only)", "Averaged over every element (some cases only)"]
    assert all(note.name.endswith(" (일부 사례만)") and "일부에서만" in note.hint for note in korean.diagnoses)
    assert all(case.mistakes == [] for case in english.cases)
