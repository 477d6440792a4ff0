"""Checking inside a notebook, with a real kernel: nbclient runs the cells, the test reads the displayed HTML."""
import re

from nbclient import NotebookClient  # a test extra (nbclient, ipykernel): CI installs it, nothing is skipped
from nbformat.v4 import new_code_cell, new_notebook

from grader.catalog import load_catalog
from grader.notebook.cells import grader_names, notebook_unit, without_grader_calls

RIGHT = "def sigmoid(x):\n    return 1 / (1 + np.exp(-x))"
WRONG_SIGN = "def sigmoid(x):\n    return 1 / (1 + np.exp(x))"
SETUP = "import numpy as np\nimport grader.notebook as grade\ngrade.lang('en')"


def run(tmp_path, *cells):
    """Execute `cells` in a fresh kernel from `tmp_path`; the HTML each cell displayed, by cell."""
    notebook = new_notebook(cells=[new_code_cell(source) for source in cells])
    NotebookClient(notebook, kernel_name="python3", timeout=120, allow_errors=True,
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    shown = []
    for cell in notebook.cells:
        html = [o.data["text/html"] for o in cell.outputs if o.output_type in ("display_data", "execute_result")
                and "text/html" in o.data]
        errors = [o.ename for o in cell.outputs if o.output_type == "error"]
        shown.append(("\n".join(html), errors))
    return shown


def head(html):
    """The exercise's heading line: title, id, status and score."""
    return re.search(r'<div class="head">.*?</div>', html, re.S).group(0)


def test_a_right_function_passes_inline(tmp_path):
    shown = run(tmp_path, SETUP, RIGHT, "grade.check('sigmoid')")
    html, errors = shown[2]
    points = load_catalog().exercise("sigmoid").points
    assert not errors and 'class="status passed"' in head(html) and f"{points:.1f} / {points:.1f}" in head(html)
    assert "<script" not in html


def test_a_wrong_sign_shows_the_mistake_its_hint_the_curve_and_the_failing_case(tmp_path):
    html, errors = run(tmp_path, SETUP, WRONG_SIGN, "grade.check('sigmoid')")[2]
    assert not errors and 'class="status failed"' in head(html)
    assert "Wrong sign in the exponent" in html and "np.exp(-x)" in html  # the mistake and its hint
    assert "<svg" in html and "<polyline" in html  # the curve over the reference, as in report.html
    assert "0.26894142" in html and "Hint 1/3" in html  # an expected value of a failing case; the nudge


def test_a_failing_matplotlib_cell_does_not_stop_the_grading(tmp_path):
    shown = run(tmp_path, SETUP, "import matplotlib_is_not_here.pyplot as plt\nplt.plot([1, 2])", RIGHT,
                "grade.check('sigmoid')")
    assert shown[1][1] == ["ModuleNotFoundError"]  # the kernel's own error, as the student sees it
    assert 'class="status passed"' in head(shown[3][0])


def test_the_function_runs_isolated_not_in_the_kernel(tmp_path):
    # Run in the kernel, this would end it; graded from its source in a worker, it is one failed exercise.
    killer = "import os\ndef sigmoid(x):\n    os._exit(3)"
    shown = run(tmp_path, SETUP, killer, "grade.check('sigmoid')", "print('kernel alive', os.getpid() > 0)")
    assert 'class="status passed"' not in head(shown[2][0]) and "<code>sigmoid</code>" in head(shown[2][0])
    assert not shown[3][1]


def test_the_latest_definition_wins_and_the_magic_works(tmp_path):
    shown = run(tmp_path, SETUP, WRONG_SIGN, RIGHT, "%grade sigmoid")
    assert 'class="status passed"' in head(shown[3][0])


def test_check_without_a_name_shows_the_first_exercise_not_passing(tmp_path):
    from grader.practice import reference_source

    step = reference_source(load_catalog().exercise("step_function"))
    html, _ = run(tmp_path, SETUP, step, RIGHT, "grade.check()")[3]
    assert "<code>sigmoid_grad</code>" in head(html)


def test_check_all_hint_and_korean(tmp_path, monkeypatch):
    monkeypatch.setenv("LANG", "ko_KR.UTF-8")  # the kernel's locale picks Korean
    monkeypatch.delenv("LC_ALL", raising=False)
    shown = run(tmp_path, "import numpy as np\nimport grader.notebook as grade", RIGHT, "grade.check_all()",
                "grade.hint('relu')", "grade.hint('relu')")
    summary = shown[2][0]
    assert 'lang="ko"' in summary and "점수" in summary and "<code>sigmoid</code>" in summary
    assert "통과" in summary and "0.0 / 10.0" in summary  # relu is missing
    first, second = shown[3][0], shown[4][0]
    assert "1/3" in first and "2/3" not in first and "2/3" in second and 'grade.hint(&#34;relu&#34;)' in second


def test_nothing_is_written_next_to_the_notebook_until_submit(tmp_path):
    run(tmp_path, SETUP, RIGHT, "grade.check('sigmoid')", "grade.check_all()", "grade.hint('sigmoid')")
    assert list(tmp_path.iterdir()) == []
    shown = run(tmp_path, SETUP, RIGHT, "grade.submit()")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["grade-report"]
    assert sorted(p.name for p in (tmp_path / "grade-report").iterdir()) == ["report.html", "report.md", "results.json"]
    assert "report.html" in shown[2][0]


def test_outside_a_notebook_check_says_so_in_one_line(capsys):
    import grader.notebook as grade

    grade.check("sigmoid")
    assert "grade check" in capsys.readouterr().out


def test_statements_that_call_the_grader_never_reach_the_sandbox():
    cell = "import grader.notebook as grade\nx = 1; grade.check('sigmoid'); y = 2\ngrade.check(\n  'relu')\nz = 3"
    cleaned = without_grader_calls(cell, {"grade"})
    assert "grade" not in cleaned and "x = 1" in cleaned and "y = 2" in cleaned and "z = 3" in cleaned
    assert len(cleaned.splitlines()) == len(cell.splitlines())  # line numbers in feedback stay the student's


def test_grader_names_finds_the_module_and_its_functions():
    import grader.notebook as grade
    from grader.notebook import check as mine

    names = grader_names({"grade": grade, "mine": mine, "np": re, "x": 1}, {"grader.notebook"})
    assert names == {"grade", "mine"}


def test_a_cell_run_twice_unchanged_counts_once_and_magics_are_skipped():
    unit = notebook_unit([(1, "a = 1"), (2, "%grade sigmoid"), (3, "a = 1"), (4, "!pip install x")], set())
    assert [(cell.label, cell.source) for cell in unit.cells] == [("3", "a = 1\n")]


def test_a_function_defined_in_the_same_cell_as_the_check_is_graded(tmp_path):
    html, errors = run(tmp_path, SETUP, RIGHT + "\n\ngrade.check('sigmoid')")[1]
    assert not errors and 'class="status passed"' in head(html)
