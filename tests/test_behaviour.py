"""Behaviour checks and the nn-2 training exercise: properties instead of equal values, and the seeds' lesson.

The fixtures in tests/fixtures/training are submissions made of each seeded mistake, a correct train_xor
written unlike the reference, and two honest-but-wrong ones that must get no mistake's name.
"""
from pathlib import Path

import numpy as np
import pytest

from grader.behaviour import judge
from grader.catalog.behaviour import parse_behaviour
from grader.course import load_course
from grader.errors import CatalogError
from grader.grading import Grader
from grader.i18n import Messages, message_keys
from grader.runner import Limits
from grader.runner.job import CallOutcome
from grader.submission import open_submission
from helpers import shared_grader

ROOT = Path(__file__).resolve().parent.parent
TRAINING = Path(__file__).resolve().parent / "fixtures" / "training"
XOR_X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
XOR_Y = np.array([[0], [1], [1], [0]], dtype=float)
# One test process starts the nn-2 grader below (and prepares its training cases) for every test here.
pytestmark = pytest.mark.xdist_group("behaviour")


def nn2_grading(call_seconds: float = 5.0, isolation: str = "process"):
    """grade(path, lang) for the nn-2 assignment (train_xor), in process mode unless told."""
    grader = shared_grader(isolation, catalog=load_course().catalog(assignment="nn-2"),
                           limits=Limits(call_seconds=call_seconds, load_seconds=3.0))

    def grade(path, lang="en"):
        with open_submission(path) as submission:
            return grader.grade(submission, lang=lang)
    grade.grader = grader
    return grade


@pytest.fixture(scope="module")
def nn2():
    return nn2_grading()


@pytest.mark.parametrize("fixture, mistake, score", [
    ("no-hidden-activation.py", "training-no-hidden-activation", 20.0),
    ("ascent.py", "training-ascent", 20.0),
    ("lr-ignored.py", "training-lr-ignored", 80.0),
])
def test_each_seeded_mistake_is_named_on_a_submission_made_of_it(nn2, fixture, mistake, score):
    exercise, = nn2(TRAINING / fixture).exercises
    assert exercise.id == "train_xor"
    assert (exercise.status, exercise.score, exercise.mistakes) == ("failed", score, [mistake])


def test_the_reference_and_a_correct_train_xor_written_differently_score_100_with_no_mistake(nn2, tmp_path):
    (tmp_path / "training.py").write_text((ROOT / "reference" / "training.py").read_text(encoding="utf-8"),
                                          encoding="utf-8")
    for path in (tmp_path, TRAINING / "correct-another-init.py"):
        exercise, = nn2(path).exercises
        assert (exercise.score, exercise.max_score, exercise.mistakes) == (100.0, 100.0, []), path
        assert all(case.status == "passed" for case in exercise.cases)


def test_a_stalled_loss_with_a_right_hidden_layer_is_not_called_a_missing_activation(nn2):
    """A step too small leaves the loss near 0.25 too: only the weights tell the two apart."""
    exercise, = nn2(TRAINING / "small-lr-stalls.py").exercises
    assert exercise.status == "failed" and exercise.mistakes == []
    assert exercise.cases[0].message.startswith("After 1000 epochs the loss is 0.2")


def test_an_unseeded_training_fails_the_repeat_with_its_reason_in_both_languages(nn2):
    en, = nn2(TRAINING / "unseeded.py").exercises
    ko, = nn2(TRAINING / "unseeded.py", lang="ko").exercises
    assert en.mistakes == [] and en.cases[2].status == "failed"
    assert en.cases[2].message.startswith("Called twice with the same arguments (the same seed), it returned a different W1")
    assert ko.cases[2].message.startswith("같은 인자(같은 seed)로 두 번 호출했더니 반환값 W1이 달랐습니다.")


def test_the_lesson_reads_as_a_teaching_assistant_would_say_it(nn2):
    exercise, = nn2(TRAINING / "no-hidden-activation.py", lang="ko").exercises
    assert exercise.cases[0].message == "1000 에포크 뒤 손실이 0.25입니다. 0.05보다 작게 끝나야 합니다."
    assert (exercise.cases[0].expected, exercise.cases[0].got) == ("0.05", "0.25")
    assert exercise.diagnoses[0].name == "은닉층에 비선형 함수가 없음"
    assert exercise.cases[3].hidden and exercise.cases[3].given == {} and exercise.cases[3].got is None


# --- the assignment is what gets graded -----------------------------------------------------------

def test_nn1_keeps_its_17_exercises_and_100_points_and_train_xor_is_found_by_name():
    course = load_course()
    assert [a.id for a in course.assignments] == ["nn-1", "nn-2"]
    assert course.assignment().id == "nn-1" and course.assignment("nn-2").exercises == ("train_xor",)
    default = Grader(isolation="process")
    assert "train_xor" not in [e.id for e in default.select(None)] and len(default.select(None)) == 17
    assert default.catalog.max_score == 100.0 and course.catalog().max_score == 100.0
    assert [e.id for e in default.select(["train_xor"])] == ["train_xor"]  # `grade check train_xor`
    nn2 = course.catalog(assignment="nn-2")
    assert nn2.ids == ["train_xor"] and nn2.max_score == 100.0 and nn2.find("sigmoid").id == "sigmoid"


def test_the_full_reference_graded_by_default_is_nn1_alone(grade, reference_copy):
    result = grade(reference_copy)
    assert (result.score, result.max_score, len(result.exercises)) == (100.0, 100.0, 17)


# --- the properties, one by one -----------------------------------------------------------------

def _check(**spec):
    return parse_behaviour({"kind": "behaviour", **spec}, ["X", "Y", "hidden", "epochs", "lr", "seed"], "test")


def _inputs(epochs=3):
    return (XOR_X, XOR_Y, 2, epochs, 1.0, 0)


def _network_of_xor():
    """Weights that solve XOR by hand: h1 = OR, h2 = NAND, out = AND(h1, h2)."""
    W1 = np.array([[20.0, -20.0], [20.0, -20.0]])
    b1 = np.array([-10.0, 30.0])
    W2 = np.array([[20.0], [20.0]])
    b2 = np.array([-30.0])
    return W1, b1, W2, b2


NAMES = ["X", "Y", "hidden", "epochs", "lr", "seed"]
CLASSIFY = {"classify": {"inputs": "X", "targets": "Y", "weights": [0, 1, 2, 3]}}


def _judge(check, value, epochs=3, seconds=0.1, extra=()):
    return judge(check, NAMES, _inputs(epochs), CallOutcome("returned", value=value, seconds=seconds, extra=list(extra)),
                 ("W1", "b1", "W2", "b2", "losses"))


def test_weights_that_classify_every_input_pass_and_a_wrong_row_is_named():
    check = _check(outputs=5, **CLASSIFY)
    assert _judge(check, (*_network_of_xor(), [0.3, 0.2, 0.1])) is None
    W1, b1, W2, b2 = _network_of_xor()
    finding = _judge(check, (W1, b1, -W2, b2, [0.3, 0.2, 0.1]))
    assert (finding.part, finding.facts["input"], finding.facts["got"], finding.facts["expected"]) == (
        "classify", "[0, 1]", "0", "1")
    assert Messages("en").t("behaviour.classify", **finding.facts).startswith("Input [0, 1] is classified 0 (the network")


def test_weights_of_the_wrong_shapes_are_reported_with_their_shapes():
    W1, b1, W2, b2 = _network_of_xor()
    finding = _judge(_check(**CLASSIFY), (W1, b1, W2.T, b2))
    assert finding.part == "forward" and finding.facts["W2"] == "(1, 2)"


def test_the_loss_history_needs_one_finite_value_per_epoch_and_must_end_below_its_bound():
    check = _check(history={"output": 0, "length": "epochs", "below": 0.05})
    assert _judge(check, ([0.3, 0.1, 0.01],)) is None
    assert _judge(check, ([0.3, 0.1],)).facts == {"argument": "epochs", "expected": "3", "got": "2"}
    assert _judge(check, ([0.3, float("nan"), 0.01],)).facts == {"epoch": "2", "got": "nan"}
    finding = _judge(check, ([0.3, 0.26, 0.2501],))
    assert Messages("en").t("behaviour.history-below", **finding.facts) == (
        "After 3 epochs the loss is 0.2501; it should end below 0.05.")
    assert _judge(check, ("losses",)).part == "history-type"


def test_a_result_of_another_length_and_a_slow_call_fail():
    assert _judge(_check(outputs=5), (1.0, 2.0)).facts == {"expected": "5", "got": "2"}
    assert _judge(_check(outputs=5), 3.0).facts == {"expected": "5", "got": "1"}
    finding = _judge(_check(seconds=1.0), (1.0,), seconds=1.5)
    assert finding.part == "seconds" and finding.facts == {"got": "1.50", "expected": "1"}


def test_the_repeat_and_the_changed_argument_are_judged_from_the_further_calls():
    check = _check(history={"output": 0}, repeat=True, responds={"lr": 0.5})
    same = CallOutcome("returned", value=([0.3, 0.2],))
    other = CallOutcome("returned", value=([0.3, 0.25],))
    assert _judge(check, ([0.3, 0.2],), extra=[same, other]) is None
    finding = _judge(check, ([0.3, 0.2],), extra=[other, same])
    assert finding.part == "repeat" and finding.properties == ["repeat", "responds"]
    assert finding.facts == {"part": "W1"}
    failed = _judge(check, ([0.3, 0.2],), extra=[CallOutcome("raised"), other])
    assert failed.part == "repeat-failed"
    from grader.i18n import Messages

    worded = Messages("ko").t(f"behaviour.{failed.part}", **failed.facts)
    assert "timeout" not in worded and "두 번째 호출" in worded  # Korean, with no internal status word in it


def test_a_malformed_behaviour_check_is_a_catalog_error_naming_it():
    with pytest.raises(CatalogError, match="unknown behaviour properties speed"):
        _check(speed=1)
    with pytest.raises(CatalogError, match="names 'Z', which is not an argument"):
        _check(classify={"inputs": "Z", "targets": "Y", "weights": [0, 1, 2, 3]})
    with pytest.raises(CatalogError, match="four positions"):
        _check(classify={"inputs": "X", "targets": "Y", "weights": [0, 1]})
    with pytest.raises(CatalogError, match="needs `history`"):
        _check(responds={"lr": 0.5})


def test_every_behaviour_message_exists_in_both_languages():
    en = {k for k in message_keys("en") if k.startswith("behaviour.")}
    assert en == {k for k in message_keys("ko") if k.startswith("behaviour.")}
    assert {"behaviour.classify", "behaviour.history-below", "behaviour.repeat", "behaviour.responds",
            "behaviour.seconds", "behaviour.outputs", "behaviour.forward"} <= en


def test_what_the_worker_could_not_carry_fails_a_property_and_never_the_grader():
    """Anything but numbers (a value the codec refused, a ragged list, strings) is the student's failure."""
    from grader.runner.codec import Unsupported

    check = _check(outputs=5, history={"output": 4, "length": "epochs", "below": 0.05}, **CLASSIFY)
    W1, b1, W2, b2 = _network_of_xor()
    odd = Unsupported("a value of type Net")
    assert _judge(check, (odd, b1, W2, b2, [0.3, 0.2, 0.01])).part == "forward"
    assert _judge(check, (W1, b1, W2, b2, odd)).part == "history-type"
    assert _judge(check, (W1, b1, W2, b2, [[0.3], [0.2, 0.1], 0.01])).part == "history-type"
    assert _judge(check, (W1, "b1", W2, b2, [0.3, 0.2, 0.01])).part == "forward"
    assert _judge(check, (W1, b1, W2, b2, [0.3, 0.2, 1e400])).part == "history-finite"


def test_the_further_calls_run_in_the_bubblewrap_sandbox_too():
    """The repeat and the changed-lr call are ordinary calls of the plan: same sandbox, same limits."""
    grader = nn2_grading(isolation="bwrap").grader
    assert grader.launcher.isolation == "bwrap"
    for fixture, mistakes in (("lr-ignored.py", ["training-lr-ignored"]), ("correct-another-init.py", [])):
        with open_submission(TRAINING / fixture) as submission:
            result = grader.grade(submission)
        assert result.isolation == "bwrap" and result.exercises[0].mistakes == mistakes
