"""Cascades: an exercise that fails because it calls the student's own failing function of another exercise."""
import os
import threading
import types

import numpy as np

import pytest

from grader.explain import called_functions
from grader.runner import codec, standin
from grader.runner.job import SourceUnit
from grader.submission import Submission

SIGMOID = "import numpy as np\n\n\ndef _sigmoid(z):\n    return 1 / (1 + np.exp(-z))\n\n\n"
GRADIENTS_WITHOUT_DERIVATIVE = """def backprop_gradients(x, t, W1, W2):
    h = _sigmoid(W1 @ x)
    o = _sigmoid(W2 @ h)
    delta_o = o - t
    delta_h = (W2.T @ delta_o) * h * (1 - h)
    return float(np.sum(0.5 * (t - o) ** 2)), np.outer(delta_h, x), np.outer(delta_o, h)


"""
RIGHT_STEP = """def backprop_step(x, t, W1, W2, lr=0.5):
    _, dW1, dW2 = backprop_gradients(x, t, W1, W2)
    return W1 - lr * dW1, W2 - lr * dW2
"""
RIGHT_GRADIENTS = GRADIENTS_WITHOUT_DERIVATIVE.replace("delta_o = o - t", "delta_o = (o - t) * o * (1 - o)")


def graded(grade, tmp_path, source, only, lang="en"):
    path = tmp_path / "solution.py"
    path.write_text(source, encoding="utf-8")
    return {e.id: e for e in grade(path, only=only, lang=lang).exercises}


def test_a_right_step_over_broken_gradients_points_at_the_gradients(grade, tmp_path):
    results = graded(grade, tmp_path, SIGMOID + GRADIENTS_WITHOUT_DERIVATIVE + RIGHT_STEP,
                     ["backprop_gradients", "backprop_step"])
    step = results["backprop_step"]
    assert step.status == "failed" and step.score == 0  # points stay as the cases say
    assert step.mistakes[0] == "calls-failing-exercise"
    assert "backprop_gradients" in step.diagnoses[0].hint and "first" in step.diagnoses[0].hint
    assert "`backprop_step` itself is right" in step.diagnoses[0].hint
    assert "calls-failing-exercise" not in results["backprop_gradients"].mistakes


def test_a_wrong_step_over_broken_gradients_is_told_it_is_wrong_too(grade, tmp_path):
    wrong_step = RIGHT_STEP.replace("W1 - lr * dW1", "W1 + lr * dW1").replace("W2 - lr * dW2", "W2 + lr * dW2")
    step = graded(grade, tmp_path, SIGMOID + GRADIENTS_WITHOUT_DERIVATIVE + wrong_step,
                  ["backprop_gradients", "backprop_step"])["backprop_step"]
    assert step.mistakes[0] == "calls-failing-exercise"
    assert "`backprop_step` still fails" in step.diagnoses[0].hint


def test_the_check_runs_in_every_sandbox(isolated_grade, tmp_path):
    path = tmp_path / "solution.py"
    path.write_text(SIGMOID + GRADIENTS_WITHOUT_DERIVATIVE + RIGHT_STEP, encoding="utf-8")
    step = isolated_grade(path, only=["backprop_gradients", "backprop_step"]).exercises[1]
    assert "`backprop_step` itself is right" in step.diagnoses[0].hint


def test_a_stand_in_answers_from_its_table_then_the_original_comes_back():
    module = types.ModuleType("student")
    module.backprop_gradients = lambda *args: "the student's own"
    key = np.array([0.1, 0.2])
    plan = [{"function": "backprop_gradients", "table": [[[codec.encode(key)], codec.encode((1.0, key))]]}]
    with standin.installed([module], plan, codec.decode):
        loss, array = module.backprop_gradients(key.copy())
        assert loss == 1.0 and np.array_equal(array, key)
        with pytest.raises(standin.StandInMiss):
            module.backprop_gradients(key + 1)
    assert module.backprop_gradients(key) == "the student's own"


BROKEN_FORWARD_AND_RIGHT_PREDICT = """def forward_prop(X, w_hidden, b_hidden, w_output, b_output):
    Z1 = w_hidden @ X
    A1 = np.maximum(0, Z1)
    Z2 = w_output @ A1
    return Z1, A1, Z2, _sigmoid(Z2)


def predict(X, w_hidden, b_hidden, w_output, b_output):
    return (forward_prop(X, w_hidden, b_hidden, w_output, b_output)[3] >= 0.5).astype(int)


"""


def test_predict_over_a_broken_forward_prop(grade, tmp_path):
    results = graded(grade, tmp_path, SIGMOID + BROKEN_FORWARD_AND_RIGHT_PREDICT, ["forward_prop", "predict"])
    assert results["predict"].status == "failed"
    assert results["predict"].mistakes[0] == "calls-failing-exercise"
    assert "forward_prop" in results["predict"].diagnoses[0].name
    assert "`predict` itself is right" in results["predict"].diagnoses[0].hint


def test_no_cascade_when_the_called_exercise_is_right(grade, tmp_path):
    wrong_step = RIGHT_STEP.replace("W1 - lr * dW1", "W1 + lr * dW1").replace("W2 - lr * dW2", "W2 + lr * dW2")
    step = graded(grade, tmp_path, SIGMOID + RIGHT_GRADIENTS + wrong_step,
                  ["backprop_gradients", "backprop_step"])["backprop_step"]
    assert step.status == "failed" and step.mistakes == ["backprop-ascent"]


def test_a_numpy_function_of_the_same_name_is_not_the_exercise(grade, tmp_path):
    source = """import numpy as np


def tanh(x):
    return np.sinh(x) / np.cosh(x) + 1


def forward_prop(X, w_hidden, b_hidden, w_output, b_output):
    Z1 = w_hidden @ X + b_hidden
    A1 = np.tanh(Z1)
    Z2 = w_output @ A1 + b_output
    return Z1, A1, Z2, 1 / (1 + np.exp(-Z2))
"""
    results = graded(grade, tmp_path, source, ["tanh", "forward_prop"])
    assert results["tanh"].status == "failed" and results["forward_prop"].status == "failed"
    assert "calls-failing-exercise" not in results["forward_prop"].mistakes


def test_calls_through_a_sibling_module_count(tmp_path):
    (tmp_path / "network.py").write_text("import activations\n\ndef predict(X):\n    return activations.relu(X)\n")
    (tmp_path / "activations.py").write_text("def relu(x):\n    return x\n")
    units = [SourceUnit("network", "file", "network.py"), SourceUnit("activations", "file", "activations.py")]
    assert called_functions(Submission("s", tmp_path, units))["predict"] == {"relu"}


@pytest.mark.parametrize("kind", ["link", "fifo"])
def test_the_source_reader_reads_no_link_out_of_the_submission_and_no_fifo(tmp_path, kind):
    outside = tmp_path / "outside.py"
    outside.write_text("def backprop_step(x):\n    return backprop_gradients(x)\n")
    root = tmp_path / "submission"
    root.mkdir()
    if kind == "link":
        (root / "backprop.py").symlink_to(outside)
    else:
        os.mkfifo(root / "backprop.py")  # opening it for reading would block forever
    submission = Submission("s", root, [SourceUnit("backprop", "file", "backprop.py")])
    found = []
    reader = threading.Thread(target=lambda: found.append(called_functions(submission)), daemon=True)
    reader.start()
    reader.join(10)
    stuck = reader.is_alive()
    if stuck and kind == "fifo":  # bounded: release a reader stuck on the FIFO, then fail
        os.close(os.open(root / "backprop.py", os.O_WRONLY | os.O_NONBLOCK))
        reader.join(10)
    assert not stuck and found == [{}]


BOTH = ["forward_prop", "predict", "backprop_gradients", "backprop_step"]


def test_every_check_of_a_submission_runs_in_one_worker(grade, tmp_path, monkeypatch):
    import grader.isolate

    runs = []
    real = grader.isolate.run_submission
    monkeypatch.setattr(grader.isolate, "run_submission", lambda *args: runs.append(args[2]) or real(*args))
    results = graded(grade, tmp_path, SIGMOID + BROKEN_FORWARD_AND_RIGHT_PREDICT + GRADIENTS_WITHOUT_DERIVATIVE
                     + RIGHT_STEP, BOTH)
    assert "`predict` itself is right" in results["predict"].diagnoses[0].hint
    assert "`backprop_step` itself is right" in results["backprop_step"].diagnoses[0].hint
    assert len(runs) == 1 and {call.function for call in runs[0]} == {"predict", "backprop_step"}


def test_a_check_that_hangs_leaves_the_other_checks_their_verdict(tmp_path):
    from conftest import grading_function
    from grader.runner import Limits
    from helpers import shared_grader

    # predict spins in its own case and again in its check: a 0.5 s call limit, not the other tests' 2 s
    grade = grading_function(shared_grader("process", limits=Limits(call_seconds=0.5, load_seconds=3.0)))
    hanging_predict = BROKEN_FORWARD_AND_RIGHT_PREDICT.replace(
        "    return (forward_prop(", "    while True:\n        pass\n    return (forward_prop(")
    results = graded(grade, tmp_path, SIGMOID + hanging_predict + GRADIENTS_WITHOUT_DERIVATIVE + RIGHT_STEP, BOTH)
    assert results["predict"].mistakes[0] == "calls-failing-exercise"
    hint = results["predict"].diagnoses[0].hint
    assert "itself is right" not in hint and "still fails" not in hint  # a hang says nothing about predict
    assert "`backprop_step` itself is right" in results["backprop_step"].diagnoses[0].hint
