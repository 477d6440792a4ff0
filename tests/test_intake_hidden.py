"""Hidden cases: nothing the student's code printed, raised, warned or returned in one reaches any output.

An instructor's catalog adds a hidden `relu` case with seeded inputs; a hostile `relu` tries to
show them through every channel a report has. Each attack is also graded with the same case made
visible, where its inputs do show: so the search below is known to find them when they leak. Only `relu`
is graded for an attack: the hidden case is one of its cases, and no other exercise is given its inputs.
"""
import io
import json
import sqlite3

import numpy as np
import pytest
from rich.console import Console

from grader.render.student_files import gradescope_results
from grader.catalog import load_catalog
from grader.grading import Grader
from grader.render.reports import write_reports
from grader.render.terminal import first_problems, print_view, summary_table
from grader.runner import Limits
from grader.submission import open_submission
from helpers import grade_here, shared_grader
from test_isolation import replace_function

HIDDEN_CASE = '''
[[exercises]]
id = "relu"

[[exercises.cases]]
name = {{ en = "instructor's hidden case", ko = "강사의 숨은 케이스" }}
args = {{ x = {{ normal = [6], seed = 4242 }} }}
hidden = {hidden}
'''

ATTACKS = {
    "print": "    print('seen', repr(np.asarray(x).tolist()), x)\n    return np.maximum(0, x)\n",
    "stderr": "    import os, sys\n    os.write(2, repr(np.asarray(x).tolist()).encode())\n"
              "    sys.__stdout__.write(str(x)); sys.__stdout__.flush()\n    return np.maximum(0, x)\n",
    "raise": "    raise ValueError('input was ' + repr(np.asarray(x).tolist()))\n",
    "exception-type": "    raise type('Input' + repr(np.asarray(x).tolist()), (Exception,), {})('boom')\n",
    "warning": "    import warnings\n    warnings.warn('input was ' + repr(np.asarray(x).tolist()))\n"
               "    return np.maximum(0, x)\n",
    "return-value": "    return np.array(x, dtype=float) * 1.0\n",  # wrong on negatives: the input comes back
    # Dig every call's inputs out of the worker (its frames and objects) and print them.
    "worker-memory": """    import gc, sys
    found = []
    frame = sys._getframe()
    while frame is not None:
        plan = frame.f_locals.get("plan")
        codec = frame.f_globals.get("codec")
        if isinstance(plan, dict) and codec is not None:
            for call in plan.get("calls", []):
                values = [np.asarray(codec.decode(arg)) for arg in call["args"]]
                found += [repr(v.tolist()) for v in values if v.shape == (6,)]
        frame = frame.f_back
    for thing in gc.get_objects():
        if isinstance(thing, np.ndarray) and thing.shape == (6,):
            found.append(repr(thing.tolist()))
    print("\\n".join(found))
    return np.maximum(0, x)
""",
}


@pytest.fixture(scope="module", params=["process", "bwrap"])
def graders(request, tmp_path_factory):
    """Graders with the instructor's case hidden and, to show the attacks work, made visible."""
    folder = tmp_path_factory.mktemp("catalogs")
    made = {}
    for hidden in (True, False):
        extra = folder / f"hidden-{hidden}.toml"
        extra.write_text(HIDDEN_CASE.format(hidden=str(hidden).lower()), encoding="utf-8")
        made[hidden] = shared_grader(request.param, catalog=load_catalog(extra=extra),
                                     limits=Limits(call_seconds=2.0, load_seconds=3.0))
        assert made[hidden].launcher.isolation == request.param
    return made


def seeded_inputs(grader: Grader) -> list[str]:
    """The hidden case's input values, as a printout, a repr or a report would show them."""
    relu = grader.prepare(grader.catalog.exercise("relu"))
    case = next(c for c in relu.cases if c.case.name.en == "instructor's hidden case")
    values = np.asarray(case.inputs[0]).ravel()
    return [text for v in values for text in (repr(float(v)), f"{v:.8f}".rstrip("0"), f"{v:.10g}")]


def every_output(result, folder) -> str:
    """results.json (also what the gradebook stores), report.html, report.md, gradescope.json, the terminal."""
    write_reports(result, folder)
    console = Console(record=True, width=200, file=io.StringIO())
    print_view(summary_table(result, _messages(result)), console)
    print_view(first_problems(result, _messages(result)), console)
    return "\n".join([result.to_json(), json.dumps(gradescope_results(result), ensure_ascii=False),
                      console.export_text(), *(p.read_text(encoding="utf-8") for p in sorted(folder.iterdir()))])


def _messages(result):
    from grader.i18n import Messages

    return Messages(result.lang)


@pytest.mark.parametrize("attack", sorted(ATTACKS))
def test_nothing_from_a_hidden_case_reaches_any_output(graders, reference_copy, tmp_path, attack):
    replace_function(reference_copy, "activations.py", "relu", "def relu(x):\n" + ATTACKS[attack])
    needles = seeded_inputs(graders[True])
    with open_submission(reference_copy) as submission:
        shown = graders[False].grade(submission, lang="en", only=["relu"])
        hidden = graders[True].grade(submission, lang="ko", only=["relu"])
    assert any(n in every_output(shown, tmp_path / "shown") for n in needles), "the attack shows nothing even visible"
    text = every_output(hidden, tmp_path / "hidden")
    assert not [n for n in needles if n in text]
    relu = next(e for e in hidden.exercises if e.id == "relu")
    case = relu.cases[-1]
    assert case.hidden and case.output == "" and case.error is None and case.got is None and case.given == {}
    if attack == "warning":
        assert case.advice and "경고 내용은 보여 주지 않습니다" in case.advice[0]


def test_a_hidden_case_still_grades(graders, reference_copy):
    with open_submission(reference_copy) as submission:
        result = graders[True].grade(submission)
    relu = next(e for e in result.exercises if e.id == "relu")
    assert result.score == 100 and relu.cases[-1].hidden and relu.cases[-1].status == "passed"
    replace_function(reference_copy, "activations.py", "relu", "def relu(x):\n    return np.abs(x)\n")
    with open_submission(reference_copy) as submission:
        [relu] = graders[True].grade(submission, only=["relu"]).exercises
    assert relu.cases[-1].status == "failed" and "relu-wrong-negative" in relu.mistakes


def test_a_batch_with_a_hidden_case_keeps_its_inputs_out_of_every_file(graders, reference_copy, tmp_path):
    classroom = tmp_path / "class"
    classroom.mkdir()
    replace_function(reference_copy, "activations.py", "relu", "def relu(x):\n" + ATTACKS["print"])
    reference_copy.rename(classroom / "mallory")
    extra = tmp_path / "extra.toml"
    extra.write_text(HIDDEN_CASE.format(hidden="true"), encoding="utf-8")
    out = tmp_path / "out"
    isolation = graders[True].launcher.isolation
    run = grade_here("batch", classroom, "--out", out, "--catalog", extra, "--lang", "en", "--isolation", isolation,
                     env={"LANG": "C.UTF-8"})
    assert run.returncode == 0, run.stderr
    assert json.loads((out / "students" / "mallory" / "results.json").read_text(encoding="utf-8"))[
        "isolation"] == isolation
    needles = seeded_inputs(graders[True])
    texts = [run.stdout, run.stderr]
    for path in sorted(out.rglob("*")):
        if path.is_file() and path.suffix != ".sqlite":
            texts.append(path.read_text(encoding="utf-8", errors="replace"))
    with sqlite3.connect(out / "gradebook.sqlite") as db:
        texts += [repr(row) for table in ("attempts",) for row in db.execute(f"SELECT * FROM {table}")]
    assert "seen" in "".join(texts)  # the visible cases' printing is there: the search is looking
    assert not [n for n in needles if n in "".join(texts)]


def test_a_hidden_case_outcome_keeps_nothing_a_person_could_read(graders, reference_copy):
    from grader.hidden import run_cases

    replace_function(reference_copy, "activations.py", "relu", "def relu(x):\n" + ATTACKS["warning"].replace(
        "    return", "    print(repr(np.asarray(x).tolist()))\n    return"))
    grader = graders[True]
    relu = grader.prepare(grader.catalog.exercise("relu"))
    with open_submission(reference_copy) as submission:
        report, outcomes = run_cases(submission.root, submission.units, [relu], grader.limits, grader.launcher)
    needles = seeded_inputs(grader)
    visible, hidden = outcomes[0][:-1], outcomes[0][-1]
    assert all(o.output.text and o.warnings for o in visible)  # the visible cases' printing is kept
    assert hidden.status == "returned" and hidden.output.text == "" and hidden.warnings == ["hidden"]
    kept = repr((hidden.output, hidden.error, hidden.warnings, hidden.reason, report))  # the value is compared only
    assert not [n for n in needles if n in kept]


@pytest.mark.parametrize("attack", ["print", "raise", "warning", "exception-type"])
def test_the_result_layer_shows_nothing_of_a_hidden_case_even_if_given_everything(graders, reference_copy, tmp_path,
                                                                                  monkeypatch, attack):
    """The second layer: were a hidden case's outcome passed on whole, the results would still not show it."""
    monkeypatch.setattr("grader.hidden.keep_for_grading", lambda outcome: outcome)
    replace_function(reference_copy, "activations.py", "relu", "def relu(x):\n" + ATTACKS[attack])
    with open_submission(reference_copy) as submission:
        result = graders[True].grade(submission, lang="en", only=["relu"])
    text = every_output(result, tmp_path / "out")
    assert not [n for n in seeded_inputs(graders[True]) if n in text]
