"""The catalog's cases catch the wrong code that used to pass (issue 13's survivors); the full
mutation run is `python benchmarks/mutate.py`."""
import warnings

import pytest

MUTANTS = {  # (file, exercise, text of the reference, what a first-order mutant writes instead)
    "softmax max over the whole array": ("activations", "softmax", "np.max(x, axis=-1, keepdims=True)", "np.max(x)"),
    "softmax shifted by the min": ("activations", "softmax", "np.max(x, axis=-1, keepdims=True)",
                                   "np.min(x, axis=-1, keepdims=True)"),
    "softmax shifted by the mean": ("activations", "softmax", "np.max(x, axis=-1, keepdims=True)",
                                    "np.mean(x, axis=-1, keepdims=True)"),
    "cross-entropy labels without δ": ("losses", "cross_entropy_error", "np.log(picked + delta)", "np.log(picked)"),
    "predict with A2 > 0.5": ("network", "predict", "A2 >= 0.5", "A2 > 0.5"),
    "predict thresholding Z2": ("network", "predict", "b_output)[3]", "b_output)[2]"),
    "sigmoid_grad NaN at ±1000": ("activations", "sigmoid_grad", "return s * (1 - s)",
                                  "return np.exp(-x) / (1 + np.exp(-x)) ** 2"),
    "a sigmoid hidden layer under predict": ("network", "predict", "A1 = relu(Z1)\n", "A1 = sigmoid(Z1)\n"),
}


@pytest.mark.parametrize("name", MUTANTS)
def test_wrong_code_that_used_to_pass_fails_now(grade, reference_copy, name):
    module, exercise, right, wrong = MUTANTS[name]
    path = reference_copy / f"{module}.py"
    source = path.read_text(encoding="utf-8")
    assert source.count(right) == 1
    path.write_text(source.replace(right, wrong), encoding="utf-8")
    assert grade(reference_copy, only=[exercise]).exercises[0].status == "failed"


def test_the_grader_itself_raises_no_numpy_warning(grade, tmp_path):
    infinite = tmp_path / "infinite.py"  # inf where finite values are expected: inf / inf in the error shown
    infinite.write_text("import numpy as np\n\ndef relu(x):\n    return x * np.inf\n", encoding="utf-8")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = grade(infinite, only=["relu"])
    assert result.exercises[0].status == "failed"
    assert [str(w.message) for w in caught if issubclass(w.category, RuntimeWarning)] == []
