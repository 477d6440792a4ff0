"""Checking inside a notebook, with a real kernel: nbclient runs the cells, the test reads the displayed HTML.

A kernel costs seconds to start: one English kernel runs the scenarios below one after another, as a student's
session would (each scenario reads only the cells it ran, and each is built so that the cells before it cannot
make it pass), and one Korean kernel shows the locale's choice. Kernels talk over IPC sockets in a folder of their
own, never TCP ports another test's kernel could take between choosing and binding them.
"""
import os
import re
from contextlib import contextmanager
from pathlib import Path

import pytest

from grader.catalog import load_catalog
from grader.notebook.cells import grader_names, notebook_unit, without_grader_calls

RIGHT = "def sigmoid(x):\n    return 1 / (1 + np.exp(-x))"
WRONG_SIGN = "def sigmoid(x):\n    return 1 / (1 + np.exp(x))"
SETUP = "import numpy as np\nimport grader.notebook as grade\ngrade.lang('en')"
# One test process runs the English session below for every test here that reads it.
pytestmark = pytest.mark.xdist_group("notebook")
CHECKOUT = Path(__file__).resolve().parents[1]


@contextmanager
def kernel(folder: Path, sockets: Path, **env: str):
    """A Jupyter kernel started in `folder` over IPC sockets in `sockets`, with `env` added to this process's
    environment; yields `run(*cells)`, which executes the cells in it (the kernel keeps its history from one
    call to the next) and returns what each displayed."""
    # Jupyter's client (a test extra: CI installs it, nothing is skipped) is imported here, not with this file:
    # it takes half a second, which every test process would pay at collection.
    from jupyter_client.manager import AsyncKernelManager
    from jupyter_core.utils import run_sync

    sockets.mkdir(parents=True, exist_ok=True)
    manager = AsyncKernelManager(kernel_name="python3", transport="ipc",
                                 connection_file=str(sockets / "kernel.json"))
    # The kernel imports the grader of this checkout, whatever an editable install elsewhere points at.
    path = os.pathsep.join(filter(None, [str(CHECKOUT), os.environ.get("PYTHONPATH")]))
    run_sync(manager.start_kernel)(cwd=str(folder), env=dict(os.environ, PYTHONPATH=path, **env))
    try:
        yield lambda *cells: execute(manager, folder, cells)
    finally:
        run_sync(manager.shutdown_kernel)(now=True)


def execute(manager, folder: Path, cells) -> list[tuple[str, list[str]]]:
    """The HTML each cell displayed and the errors it raised, by cell, run in the kernel of `manager`."""
    from nbclient import NotebookClient
    from nbformat.v4 import new_code_cell, new_notebook

    notebook = new_notebook(cells=[new_code_cell(source) for source in cells])
    client = NotebookClient(notebook, km=manager, timeout=120, allow_errors=True,
                            resources={"metadata": {"path": str(folder)}})
    try:
        client.execute()
    finally:
        if client.kc is not None:
            client.kc.stop_channels()
    shown = []
    for cell in notebook.cells:
        html = [o.data["text/html"] for o in cell.outputs if o.output_type in ("display_data", "execute_result")
                and "text/html" in o.data]
        errors = [o.ename for o in cell.outputs if o.output_type == "error"]
        shown.append(("\n".join(html), errors))
    return shown


def run(tmp_path, *cells):
    """Execute `cells` in a fresh kernel from `tmp_path`; the HTML each cell displayed, by cell."""
    with kernel(tmp_path, tmp_path.parent / f"{tmp_path.name}-kernel") as run_cells:
        return run_cells(*cells)


def head(html):
    """The exercise's heading line: title, id, status and score."""
    return re.search(r'<div class="head">.*?</div>', html, re.S).group(0)


def step_solution():
    from grader.practice import reference_source

    return reference_source(load_catalog().exercise("step_function"))


# One student's session, in order: (name, cell). A scenario's cells come after the ones that could spoil it
# (a wrong definition precedes each right one it is about, and the other way round).
SESSION = [
    ("setup", SETUP),
    ("wrong", WRONG_SIGN),
    ("check wrong", "grade.check('sigmoid')"),
    ("matplotlib", "import matplotlib_is_not_here.pyplot as plt\nplt.plot([1, 2])"),
    ("right", RIGHT),
    ("check right", "grade.check('sigmoid')"),
    ("wrong again", WRONG_SIGN + "\n"),  # a cell of its own source: the right one above is the earlier definition
    ("right again", RIGHT + "\n"),
    ("magic", "%grade sigmoid"),
    ("step", None),  # the reference's step_function, read when the session runs
    ("check first", "grade.check()"),
    ("wrong before same cell", WRONG_SIGN + "\n\n"),
    ("same cell", RIGHT + "\n\ngrade.check('sigmoid')"),
    ("check all", "grade.check_all()"),
    ("hint", "grade.hint('sigmoid')"),
    ("killer", "import os\ndef sigmoid(x):\n    os._exit(3)"),
    ("check killer", "grade.check('sigmoid')"),
    ("alive", "print('kernel alive', os.getpid() > 0)"),
]
SUBMIT = [("submit", "grade.submit()")]


@pytest.fixture(scope="module")
def session(tmp_path_factory):
    """The session run in one English kernel, from a folder of its own with a practice log of its own: what each
    cell showed, by name, and the folder's entries before and after `grade.submit()`."""
    base = tmp_path_factory.mktemp("nb")
    folder, data = base / "notebook", base / "data"
    folder.mkdir()
    cells = [(name, step_solution() if source is None else source) for name, source in SESSION]
    with kernel(folder, base / "kernel", GRADE_DATA_DIR=str(data)) as run_cells:
        shown = dict(zip([name for name, _ in cells], run_cells(*[source for _, source in cells])))
        before = sorted(p.name for p in folder.iterdir())
        shown.update(zip([name for name, _ in SUBMIT], run_cells(*[source for _, source in SUBMIT])))
    written = {p.relative_to(folder).as_posix() for p in folder.rglob("*")}
    return shown, before, written


def test_a_right_function_passes_inline(session):
    html, errors = session[0]["check right"]
    points = load_catalog().exercise("sigmoid").points
    assert not errors and 'class="status passed"' in head(html) and f"{points:.1f} / {points:.1f}" in head(html)
    assert "<script" not in html


def test_a_wrong_sign_shows_the_mistake_its_hint_the_curve_and_the_failing_case(session):
    html, errors = session[0]["check wrong"]
    assert not errors and 'class="status failed"' in head(html)
    assert "Wrong sign in the exponent" in html and "np.exp(-x)" in html  # the mistake and its hint
    assert "<svg" in html and "<polyline" in html  # the curve over the reference, as in report.html
    assert "0.26894142" in html and "Hint 1/3" in html  # an expected value of a failing case; the nudge


def test_a_failing_matplotlib_cell_does_not_stop_the_grading(session):
    shown = session[0]
    assert shown["matplotlib"][1] == ["ModuleNotFoundError"]  # the kernel's own error, as the student sees it
    assert 'class="status passed"' in head(shown["check right"][0])


def test_the_function_runs_isolated_not_in_the_kernel(session):
    # Run in the kernel, this would end it; graded from its source in a worker, it is one failed exercise.
    shown = session[0]
    assert 'class="status passed"' not in head(shown["check killer"][0])
    assert "<code>sigmoid</code>" in head(shown["check killer"][0])
    assert not shown["alive"][1] and not shown["submit"][1]  # the kernel lives on


def test_the_latest_definition_wins_and_the_magic_works(session):
    assert 'class="status passed"' in head(session[0]["magic"][0])  # the wrong definition ran just before


def test_check_without_a_name_shows_the_first_exercise_not_passing(session):
    html, _ = session[0]["check first"]
    assert "<code>sigmoid_grad</code>" in head(html)


def test_check_all_hint_and_korean(tmp_path, monkeypatch):
    monkeypatch.setenv("LANG", "ko_KR.UTF-8")  # the kernel's locale picks Korean
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.setenv("GRADE_DATA_DIR", str(tmp_path / "data"))  # no hint revealed before
    folder = tmp_path / "notebook"
    folder.mkdir()
    shown = run(folder, "import numpy as np\nimport grader.notebook as grade", RIGHT, "grade.check_all()",
                "grade.hint('relu')", "grade.hint('relu')")
    summary = shown[2][0]
    assert 'lang="ko"' in summary and "점수" in summary and "<code>sigmoid</code>" in summary
    assert "통과" in summary and "0.0 / 10.0" in summary  # relu is missing
    first, second = shown[3][0], shown[4][0]
    assert "1/3" in first and "2/3" not in first and "2/3" in second and 'grade.hint(&#34;relu&#34;)' in second


def test_nothing_is_written_next_to_the_notebook_until_submit(session):
    shown, before, written = session
    assert before == []  # after check, check(), %grade, check_all() and hint()
    assert written == {"grade-report", "grade-report/report.html", "grade-report/report.md",
                       "grade-report/results.json"}
    assert "report.html" in shown["submit"][0]


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


def test_a_function_defined_in_the_same_cell_as_the_check_is_graded(session):
    html, errors = session[0]["same cell"]  # the cell before defined a wrong one
    assert not errors and 'class="status passed"' in head(html)
