"""Student code runs in a child process: what it does there changes nothing but its own score."""
import os
from pathlib import Path

import pytest

from conftest import grading_function
from grader.results import Status
from grader.runner import Limits
from helpers import shared_grader


def replace_function(folder: Path, file: str, name: str, body: str) -> None:
    """Swap one function of a reference copy for `body` (a whole `def`), keeping the rest."""
    path = folder / file
    source = path.read_text(encoding="utf-8")
    start = source.index(f"def {name}(")
    end = source.find("\ndef ", start + 1)
    end = len(source) if end == -1 else end + 1
    path.write_text(source[:start] + body + "\n\n" + source[end:], encoding="utf-8")


def statuses(result):
    return {e.id: e.status for e in result.exercises}


def test_patching_numpy_and_builtins_at_import_earns_nothing(isolated_grade, reference_copy):
    replace_function(reference_copy, "activations.py", "leaky_relu", "def leaky_relu(x, alpha=0.01):\n    return x * 3\n")
    (reference_copy / "cheat.py").write_text(
        "import builtins, numpy\n"
        "numpy.allclose = lambda *a, **k: True\n"
        "numpy.isclose = lambda a, b, *r, **k: numpy.ones(numpy.shape(a), dtype=bool)\n"
        "numpy.array_equal = lambda *a, **k: True\n"
        "builtins.abs = lambda x: 0\n"
        "builtins.sum = lambda *a, **k: 0\n", encoding="utf-8")
    result = isolated_grade(reference_copy)
    assert statuses(result)["leaky_relu"] == Status.FAILED
    assert result.score == 98


def test_sabotaging_the_worker_can_only_lower_the_saboteurs_score(isolated_grade, reference_copy):
    replace_function(reference_copy, "activations.py", "leaky_relu", "def leaky_relu(x, alpha=0.01):\n    return x * 3\n")
    (reference_copy / "cheat.py").write_text("import builtins\nbuiltins.isinstance = lambda *a: True\n")
    result = isolated_grade(reference_copy)
    assert {e.id: e.status for e in result.exercises if e.status != Status.PASSED} == {"leaky_relu": Status.FAILED}
    assert result.score == 98


@pytest.mark.parametrize("isolation", ["process", "bwrap"])
def test_an_endless_loop_costs_only_its_exercise(isolation, reference_copy):
    # A 1 s call limit (the reference's calls take well under a millisecond): the loop spins 1 s, not 2.
    grader = shared_grader(isolation, limits=Limits(call_seconds=1.0, load_seconds=3.0, submission_seconds=30.0))
    replace_function(reference_copy, "activations.py", "leaky_relu",
                     "def leaky_relu(x, alpha=0.01):\n    while True:\n        pass\n")
    result = grading_function(grader)(reference_copy)
    looping = result.exercises[5]
    assert looping.id == "leaky_relu" and looping.status == Status.TIMEOUT and looping.score == 0
    assert "Stopped after 1 s" in looping.cases[0].message
    assert all(e.status == Status.PASSED for e in result.exercises if e.id != "leaky_relu")
    assert result.score == 98


def test_a_syntax_error_costs_only_the_functions_of_that_file(isolated_grade, reference_copy):
    (reference_copy / "losses.py").write_text("import numpy as np\n\ndef mean_squared_error(y, t)\n    return 0\n")
    result = isolated_grade(reference_copy)
    broken = {e.id for e in result.exercises if e.status != Status.PASSED}
    assert broken == {"mean_squared_error", "cross_entropy_error"}
    case = result.exercises[7].cases[0]
    assert case.status == Status.ERROR and "losses.py" in case.message and "SyntaxError" in case.message
    assert case.error.frames[-1].line == 3
    assert result.score == 74


def test_an_exception_is_graded_with_the_students_line(isolated_grade, reference_copy):
    replace_function(reference_copy, "activations.py", "relu", "def relu(x):\n    return x.nonexistent()\n")
    case = isolated_grade(reference_copy, only=["relu"]).exercises[0].cases[0]
    assert case.status == Status.ERROR and "AttributeError" in case.message
    assert case.error.frames[-1].file == "activations.py" and "nonexistent" in case.error.frames[-1].code


def test_exiting_inside_a_function_or_at_import_costs_only_that(isolated_grade, reference_copy):
    replace_function(reference_copy, "activations.py", "tanh", "def tanh(x):\n    import os\n    os._exit(3)\n")
    replace_function(reference_copy, "activations.py", "leaky_relu",
                     "def leaky_relu(x, alpha=0.01):\n    raise SystemExit(1)\n")
    (reference_copy / "bye.py").write_text("import sys\nsys.exit(0)\n", encoding="utf-8")
    result = isolated_grade(reference_copy)
    assert {e.id for e in result.exercises if e.status != Status.PASSED} == {"tanh", "leaky_relu"}
    assert "exit code 3" in result.exercises[3].cases[0].message
    bye = next(f for f in result.files if f.name == "bye.py")  # an exit at import ends that file, said as advice
    assert bye.ok and len(bye.advice) == 1 and bye.advice[0].startswith("line 2 `sys.exit(0)` skipped")


def test_printing_is_captured_and_truncated(isolated_grade, reference_copy):
    replace_function(reference_copy, "activations.py", "relu",
                     "def relu(x):\n    print('x' * 10_000_000)\n    return x\n")
    case = next(c for c in isolated_grade(reference_copy, only=["relu"]).exercises[0].cases if c.status != "passed")
    assert len(case.output) < 5000 and "more" in case.output


def test_the_original_submission_folder_is_never_written(isolated_grade, reference_copy):
    replace_function(reference_copy, "activations.py", "relu",
                     "def relu(x):\n    open('results.json', 'w').write('{}')\n    return np.maximum(0, x)\n")
    before = sorted(os.listdir(reference_copy))
    assert isolated_grade(reference_copy, only=["relu"]).exercises[0].status == Status.PASSED
    assert sorted(os.listdir(reference_copy)) == before


def test_returning_an_object_array_or_a_subclass_gets_no_credit(isolated_grade, reference_copy):
    replace_function(reference_copy, "activations.py", "relu",
                     "def relu(x):\n    return np.array([object()] * len(np.atleast_1d(x)), dtype=object)\n")
    replace_function(reference_copy, "activations.py", "sigmoid",
                     "class Liar(np.ndarray):\n    def __eq__(self, other):\n        return True\n\n"
                     "def sigmoid(x):\n    return np.zeros_like(x).view(Liar)\n")
    result = isolated_grade(reference_copy, only=["relu", "sigmoid"])
    relu, sigmoid = result.exercises
    assert relu.score == 0 and "dtype object" in relu.cases[0].message
    assert sigmoid.score == 0


def test_a_batch_grades_each_submission_on_its_own(grader, reference_copy, tmp_path):
    (tmp_path / "broken.zip").write_bytes(b"not a zip")
    wrong = tmp_path / "wrong.py"
    wrong.write_text("def relu(x):\n    return x\n")
    items = {item.path.name: item for item in grader.grade_batch([reference_copy, tmp_path / "broken.zip", wrong], jobs=2)}
    assert items["submission"].result.score == 100
    assert items["broken.zip"].error.key == "trust.zip-corrupt" and items["broken.zip"].result is None
    assert items["wrong.py"].result.exercises[4].status == "failed"
