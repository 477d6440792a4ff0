"""Honest hand-ins are graded whole: the lecture's plots, imports, demo code and names never cost a function.

The fixtures in fixtures/honest/ look like what students hand in (see shared/seeds/): each earns full marks
for the functions it defines, under both isolation modes, with what was skipped said in the report.
"""
import json

import numpy as np
import pytest

from conftest import FIXTURES, grading_function
from grader.catalog import load_catalog
from grader.cases import build_value
from grader.errors import CatalogError
from grader.feedback import format_value
from grader.runner import Limits, codec, supervise
from grader.source_text import decode_source
from helpers import shared_grader

HONEST = FIXTURES / "honest"
ACTIVATIONS = ["step_function", "sigmoid", "sigmoid_grad", "tanh", "relu", "leaky_relu", "softmax"]

# fixture -> (the exercises it defines, text each expected piece of file advice contains)
FIXTURES_GRADED = {
    "lecture_plots.py": (ACTIVATIONS, ["line 3 `import matplotlib.pyplot as plt` skipped: matplotlib is not"
                                       " available to the grader; plots are not graded",
                                       "lines 12, 13, 14, 23"]),
    "seed003_network.py": (["sigmoid", "relu", "forward_prop", "predict"],
                           ["line 3 `import pandas as pd` skipped", "line 6 `all_data = pd.read_csv("]),
    "tf_training.py": (["sigmoid", "backprop_gradients", "backprop_step"],
                       ["line 3 `import tensorflow as tf` skipped: tensorflow is not available",
                        "line 33 `while True:` skipped: it ran longer than 1 s"]),
    "colab_activations.ipynb": (["step_function", "sigmoid", "relu", "tanh"],
                                ["cell 2 (`import numpy as np`), line 3 `import matplotlib.pyplot as plt` skipped",
                                 "cell 3 (`from google.colab import drive`), line 1"]),
    "cp949_losses.py": (["mean_squared_error", "cross_entropy_error"], ["was read as CP949"]),
    "every_alias.py": ([e.id for e in load_catalog().exercises], []),
    "selftest_seed.py": (["relu", "softmax", "mean_squared_error"],
                         ["line 27 `npt.assert_allclose(mean_squared_error(np.zeros(3), np.ones(3)), 3.0)`"
                          " skipped: AssertionError"]),
}


ENDLESS = {"tf_training.py"}
"""Fixtures with a top-level loop that never ends: graded with a 1 s statement limit, so the test waits 1 s
for the loop to be skipped, not the 3 s of the other tests' limits (the busy loop costs that in CPU too)."""


def advice_of(result):
    return [note for file in result.files for note in file.advice]


def quick_statements(isolation, **limits):
    """Grading under `isolation` whose top-level statements may run 1 s (the loops above never end)."""
    return grading_function(shared_grader(isolation, limits=Limits(call_seconds=2.0, load_seconds=1.0, **limits)))


@pytest.mark.parametrize("name", sorted(FIXTURES_GRADED))
def test_an_honest_hand_in_earns_full_marks_for_what_it_defines(isolated_grade, name):
    defined, expected_advice = FIXTURES_GRADED[name]
    grade = quick_statements(isolated_grade.isolation) if name in ENDLESS else isolated_grade
    result = grade(HONEST / name)
    for exercise in result.exercises:
        if exercise.id in defined:
            assert exercise.status == "passed", (exercise.id, exercise.cases[0].message)
            assert exercise.score == exercise.max_score
        else:
            assert exercise.status == "missing", (exercise.id, exercise.cases[0].message)
    advice = advice_of(result)
    for piece in expected_advice:
        assert any(piece in note for note in advice), (piece, advice)
    assert len(advice) == len(set(advice))  # each skipped line once
    assert all(file.ok for file in result.files)


def test_each_lecture_name_is_graded_with_advice_to_rename(grade):
    result = grade(HONEST / "every_alias.py")
    assert result.score == result.max_score == 100
    relu = next(e for e in result.exercises if e.id == "relu")
    assert relu.advice == ["graded `ReLU` as `relu`; rename it to `relu`"]
    gate = next(e for e in grade(HONEST / "every_alias.py", only=["and_gate"], lang="ko").exercises)
    assert gate.advice == ["`AND` 함수를 `and_gate` 함수로 보고 채점했습니다. 과제 이름인 `and_gate`에 맞게 함수 이름을 바꾸세요."]


def test_the_exact_name_wins_over_an_alias(grade, tmp_path):
    (tmp_path / "activations.py").write_text(
        "import numpy as np\ndef relu(x):\n    return np.maximum(0, x)\ndef ReLU(x):\n    return x\n", encoding="utf-8")
    relu = grade(tmp_path, only=["relu"]).exercises[0]
    assert relu.status == "passed" and relu.advice == []


def test_two_aliases_for_one_exercise_are_named_not_guessed(grade, tmp_path):
    (tmp_path / "activations.py").write_text(
        "import numpy as np\ndef ReLU(x):\n    return np.maximum(0, x)\ndef relu_function(x):\n    return x\n",
        encoding="utf-8")
    relu = grade(tmp_path, only=["relu"]).exercises[0]
    assert relu.status == "missing" and relu.score == 0
    assert relu.cases[0].message == ("`relu` was not graded: your files define `ReLU`, `relu_function`, which all"
                                     " stand for it. Keep one and rename it to `relu`.")


def test_an_alias_that_is_not_a_function_is_not_graded(grade, tmp_path):
    (tmp_path / "activations.py").write_text("step = 0.1\nlogistic = 'sigmoid'\n", encoding="utf-8")
    result = grade(tmp_path, only=["step_function", "sigmoid"])
    assert [e.status for e in result.exercises] == ["missing", "missing"]


def test_without_aliases_a_missing_function_names_the_closest_ones(tmp_path):
    overlay = tmp_path / "course.toml"
    overlay.write_text('[[exercises]]\nid = "and_gate"\naliases = []\n', encoding="utf-8")
    grader = shared_grader("process", catalog=load_catalog(extra=overlay), limits=Limits(load_seconds=3.0))
    (tmp_path / "perceptron.py").write_text(
        "def AND(x1, x2):\n    return int(x1 and x2)\ndef OR(x1, x2):\n    return int(x1 or x2)\ndef helper(a, b=0.5, *rest, scale=1, **options):\n    pass\n",
        encoding="utf-8")
    result = grading_function(grader)(tmp_path / "perceptron.py", only=["and_gate", "or_gate"])
    and_gate, or_gate = result.exercises
    assert and_gate.status == "missing" and and_gate.advice == []
    assert and_gate.cases[0].message == ("No `and_gate` in your files; your file defines `AND(x1, x2)`."
                                         " If that is the one, rename it to `and_gate`.")
    assert or_gate.status == "passed" and or_gate.advice  # the course changed and_gate only


def test_aliases_are_checked_when_the_catalog_is_read(tmp_path):
    text = (HONEST.parent.parent.parent / "grader" / "courses" / "nn" / "exercises.toml").read_text(encoding="utf-8")
    clash = tmp_path / "clash.toml"
    clash.write_text(text.replace('aliases = ["ReLU",', 'aliases = ["sigmoid", "ReLU",', 1), encoding="utf-8")
    with pytest.raises(CatalogError, match="alias 'sigmoid' of relu"):
        load_catalog(clash)
    bad = tmp_path / "bad.toml"
    bad.write_text(text.replace('aliases = ["ReLU",', 'aliases = ["not a name", "ReLU",', 1), encoding="utf-8")
    with pytest.raises(CatalogError, match="aliases must be a list of Python names"):
        load_catalog(bad)


def test_a_function_using_a_skipped_name_fails_only_when_called(grade, tmp_path):
    (tmp_path / "activations.py").write_text(
        "import numpy as np\nimport matplotlib.pyplot as plt\n\n"
        "def relu(x):\n    plt.plot(x)\n    return np.maximum(0, x)\n\n"
        "def sigmoid(x):\n    return 1 / (1 + np.exp(-x))\n", encoding="utf-8")
    relu, sigmoid = grade(tmp_path, only=["relu", "sigmoid"]).exercises
    assert sigmoid.status == "passed"
    assert relu.status == "error"
    assert relu.cases[0].error.frames[-1].line == 5 and "plt" in relu.cases[0].message


def test_siblings_import_each_other_and_each_reports_its_own_lines(isolated_grade, tmp_path):
    (tmp_path / "activations.py").write_text(
        "import numpy as np\nimport matplotlib.pyplot as plt\nprint('loading activations')\n"
        "def relu(x):\n    return np.maximum(0, x)\n"
        "def sigmoid(x):\n    return 1 / (1 + np.exp(-x))\nplt.show()\n", encoding="utf-8")
    (tmp_path / "network.py").write_text(
        "import seaborn\nfrom activations import relu, sigmoid\n"
        "def forward_prop(X, w_hidden, b_hidden, w_output, b_output):\n"
        "    Z1 = w_hidden @ X + b_hidden\n    A1 = relu(Z1)\n    Z2 = w_output @ A1 + b_output\n"
        "    return Z1, A1, Z2, sigmoid(Z2)\n", encoding="utf-8")
    result = isolated_grade(tmp_path, only=["relu", "forward_prop"])
    assert [e.status for e in result.exercises] == ["passed", "passed"]
    files = {file.name: file for file in result.files}
    assert files["activations.py"].output.count("loading activations") == 1  # loaded once
    assert [n.split(" skipped")[0] for n in files["activations.py"].advice] == [
        "line 2 `import matplotlib.pyplot as plt`", "line 8 `plt.show()`"]
    assert [n.split(" skipped")[0] for n in files["network.py"].advice] == ["line 1 `import seaborn`"]


def test_a_hang_in_an_imported_sibling_costs_neither_file(isolated_grade, tmp_path):
    (tmp_path / "activations.py").write_text(
        "import numpy as np\nfrom utils import relu\nprint('activations loads')\n"
        "def sigmoid(x):\n    return 1 / (1 + np.exp(-x))\n", encoding="utf-8")
    (tmp_path / "utils.py").write_text(
        "import numpy as np\nimport time\nprint('utils loads')\ntime.sleep(60)\n"
        "def relu(x):\n    return np.maximum(0, x)\n", encoding="utf-8")
    result = isolated_grade(tmp_path, only=["relu", "sigmoid"])
    assert [e.status for e in result.exercises] == ["passed", "passed"]
    files = {file.name: file for file in result.files}
    assert files["activations.py"].advice == []
    assert sum(file.output.count("utils loads") for file in result.files) == 1  # loaded once, by the import
    assert [n.split(" skipped")[0] for n in files["utils.py"].advice] == ["line 4 `time.sleep(60)`"]


def test_an_exit_at_import_ends_the_file_and_keeps_what_came_before(isolated_grade, tmp_path):
    for exit_call in ("import sys; sys.exit(0)", "import os; os._exit(0)", "__import__('posix')._exit(3)"):
        (tmp_path / "activations.py").write_text(
            "import numpy as np\ndef relu(x):\n    return np.maximum(0, x)\n"
            f"{exit_call}\n"
            "def sigmoid(x):\n    return 1 / (1 + np.exp(-x))\n", encoding="utf-8")
        relu, sigmoid = isolated_grade(tmp_path, only=["relu", "sigmoid"]).exercises
        assert (relu.status, sigmoid.status) == ("passed", "missing"), exit_call
        advice = advice_of(isolated_grade(tmp_path, only=["relu"]))
        assert len(advice) == 1 and advice[0].startswith("line 4 "), (exit_call, advice)
        assert "the rest of this file was not loaded" in advice[0]


@pytest.mark.parametrize("isolation", ["process", "bwrap"])
def test_a_statement_that_outlives_its_alarm_is_skipped_by_a_fresh_worker(isolation, tmp_path, monkeypatch):
    # It swallows the worker's own alarm, so the supervisor kills the worker; the next one skips only it.
    # A 1 s statement limit and 0.5 s of grace before the kill: the test spins 1.5 s per mode, not 5.
    # Bounded if the skipping failed: every worker would spin 1.5 s until the submission's 20 s were up.
    monkeypatch.setattr(supervise, "STATEMENT_GRACE_SECONDS", 0.5)
    grade = quick_statements(isolation, submission_seconds=20.0)
    (tmp_path / "activations.py").write_text(
        "import numpy as np\ndef relu(x):\n    return np.maximum(0, x)\n"
        "try:\n    while True:\n        pass\nexcept BaseException:\n    while True:\n        pass\n"
        "def sigmoid(x):\n    return 1 / (1 + np.exp(-x))\n", encoding="utf-8")
    result = grade(tmp_path, only=["relu", "sigmoid"])
    assert [e.status for e in result.exercises] == ["passed", "passed"]
    assert advice_of(result) == ["line 4 `try:` skipped: it ran longer than 1 s (a training loop, input() or a"
                                 " download?); the file's functions are still graded"]


def test_a_syntax_error_still_costs_the_file(grade, tmp_path):
    (tmp_path / "activations.py").write_text("import matplotlib\ndef relu(x)\n    return x\n", encoding="utf-8")
    relu = grade(tmp_path, only=["relu"]).exercises[0]
    assert relu.status == "error" and "SyntaxError" in relu.cases[0].message
    assert "(`activations.py`, line 2)" in relu.cases[0].message


def test_notebook_errors_name_the_cell(grade, tmp_path):
    cells = [{"cell_type": "code", "id": f"c{n}", "metadata": {}, "outputs": [], "execution_count": None,
              "source": source}
             for n, source in enumerate(("import numpy as np\n", "def relu(x)\n    return x\n",
                                         "def sigmoid(x):\n    return 1 / (1 + np.exp(-x))\nsigmoid(undefined)\n"))]
    (tmp_path / "work.ipynb").write_text(json.dumps({"cells": cells, "metadata": {}, "nbformat": 4,
                                                      "nbformat_minor": 5}), encoding="utf-8")
    relu, sigmoid = grade(tmp_path / "work.ipynb", only=["relu", "sigmoid"]).exercises
    assert sigmoid.status == "passed"
    assert relu.status == "error" and "`work.ipynb`" in relu.cases[0].message and "(cell 2, line 1)" in relu.cases[0].message
    assert ".:" not in relu.cases[0].message
    [file] = grade(tmp_path / "work.ipynb", only=["sigmoid"]).files
    assert file.advice == ["cell 3 (`def sigmoid(x):`), line 3 `sigmoid(undefined)` skipped:"
                           " NameError: name 'undefined' is not defined"]


def test_garbled_reports_from_student_code_end_the_worker_not_the_grader(isolated_grade, tmp_path):
    # Top-level code writes a malformed report to every pipe it can reach; the grader must carry on.
    (tmp_path / "activations.py").write_text(
        "import os, stat\n"
        "for fd in range(3, 64):\n"
        "    try:\n"
        "        if stat.S_ISFIFO(os.fstat(fd).st_mode):\n"
        "            os.write(fd, b'{\"event\": \"unit\", \"unit\": \"x\", \"skipped\": [{\"line\": \"x\"}]}\\n')\n"
        "    except OSError:\n"
        "        pass\n"
        "def relu(x):\n    return x\n", encoding="utf-8")
    result = isolated_grade(tmp_path, only=["relu"])
    assert result.exercises[0].status in ("failed", "error", "missing", "timeout")
    assert result.exercises[0].score == 0


# --- encodings ------------------------------------------------------------------------------------

KOREAN = "# 한글 주석\ndef relu(x):\n    return x\n"


def test_sources_decode_as_utf8_then_coding_line_then_cp949():
    assert decode_source(KOREAN.encode("utf-8")).text == KOREAN
    assert decode_source(b"\xef\xbb\xbf" + KOREAN.encode("utf-8")).text == KOREAN  # BOM
    declared = "# -*- coding: euc-kr -*-\n" + KOREAN
    result = decode_source(declared.encode("euc-kr"))
    assert result.text == declared and not result.fallback
    result = decode_source(KOREAN.encode("cp949"))
    assert result.text == KOREAN and result.fallback and result.encoding == "cp949"
    broken = b"x = 1\n# \xff\xff\n"
    result = decode_source(broken)
    assert result.text is None and result.bad_offset == 8 and result.bad_byte == 0xFF


def test_an_undecodable_file_is_one_clear_error_and_the_others_are_graded(grade, tmp_path):
    (tmp_path / "activations.py").write_bytes(b"def relu(x):\n    return x  # \xff\xfe\xff\n")
    (tmp_path / "losses.py").write_text("import numpy as np\ndef mean_squared_error(y, t):\n"
                                        "    return 0.5 * np.sum((y - t) ** 2) / (len(y) if y.ndim == 2 else 1)\n",
                                        encoding="utf-8")
    relu, mse = grade(tmp_path, only=["relu", "mean_squared_error"], lang="ko").exercises
    assert mse.status == "passed"
    assert relu.status == "error"
    assert "바이트 위치 29의 값(0xff)을 UTF-8 인코딩으로 해석할 수 없습니다" in relu.cases[0].message
    assert "\n" not in relu.cases[0].message


def test_a_cp949_file_keeps_its_korean_in_tracebacks(grade, tmp_path):
    (tmp_path / "activations.py").write_bytes("def relu(x):\n    raise ValueError('음수')  # 한글\n".encode("cp949"))
    relu = grade(tmp_path, only=["relu"]).exercises[0]
    assert relu.status == "error"
    assert relu.cases[0].error.frames[-1].code == "raise ValueError('음수')  # 한글"
    assert "ValueError: 음수" in relu.cases[0].message


# --- NumPy scalars -----------------------------------------------------------------------------

def test_scalar_cases_are_numpy_scalars():
    assert type(build_value(0.5)) is np.float64
    assert type(build_value({"label": 2})) is np.int64
    assert type(build_value(1)) is int  # the gates get Python ints


@pytest.mark.parametrize("value", [np.float64(0.25), np.int64(2), np.float32(1.5), np.uint8(7), np.float64("nan")])
def test_numpy_scalars_cross_the_wire_as_numpy_scalars(value):
    back = codec.decode(json.loads(json.dumps(codec.encode(value))))
    assert type(back) is type(value)
    assert np.array_equal(back, value, equal_nan=True)


@pytest.mark.parametrize("data", [{"t": "scalar", "dtype": "|O", "v": 1}, {"t": "scalar", "dtype": "<i8", "v": 1.5},
                                  {"t": "scalar", "dtype": "<i1", "v": 1000}, {"t": "scalar", "dtype": np.dtype(np.longdouble).str, "v": 0.5}])
def test_a_malformed_scalar_is_refused(data):
    with pytest.raises(ValueError):
        codec.decode(data)


def test_numpy_scalars_are_shown_as_plain_numbers():
    assert format_value(np.int64(2)) == "2"
    assert format_value(np.float64(0.5)) == "0.5"


def test_textbook_code_passes_the_scalar_cases(grade, tmp_path):
    (tmp_path / "activations.py").write_text(
        "import numpy as np\ndef step_function(x):\n    return (x > 0).astype(int)\n", encoding="utf-8")
    (tmp_path / "losses.py").write_bytes((HONEST / "cp949_losses.py").read_bytes())
    result = grade(tmp_path, only=["step_function", "cross_entropy_error"])
    assert [e.status for e in result.exercises] == ["passed", "passed"]
    labels = [c for c in result.exercises[1].cases if "label" in c.name.lower()]
    assert labels and all(c.status == "passed" for c in labels)


def test_skipped_lines_are_shown_as_text_in_every_report(grade, tmp_path):
    from grader.render.reports import render_html, render_markdown
    from grader.render.terminal import file_advice
    from grader.i18n import Messages
    from rich.console import Console

    (tmp_path / "activations.py").write_text(
        "import numpy as np\nraise ValueError('<script>alert(1)</script> [bold]x[/bold] | *y*')\n"
        "def relu(x):\n    return np.maximum(0, x)\n", encoding="utf-8")
    result = grade(tmp_path, only=["relu"])
    html, markdown = render_html(result), render_markdown(result)
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "About your files" in html and "About your files" in markdown
    assert "\\<script\\>" in markdown or "&lt;script&gt;" in markdown
    console = Console(record=True, width=300)
    console.print(file_advice(result, Messages("en")))
    assert "[bold]x[/bold]" in console.export_text()  # printed as written, not as markup
