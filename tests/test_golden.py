"""Golden files, in the style of Exercism's test runner, so any change of grading, wording or layout is seen in review.

- Each fixture submission under tests/fixtures/ (a .py file, a notebook or a folder) has an `*.expected.json`
  beside it: per exercise its status, score and mistakes, per case its status, as `grade` gives them in English.
- A fixed result rendered to Markdown in both languages must equal tests/golden/report.{ko,en}.md.

After a deliberate change, `pytest --regen-golden tests/test_golden.py` rewrites them all (never a failing test
on its own); review the diff with `git diff tests/` before committing it.
"""
import json
from pathlib import Path

import numpy as np
import pytest

from grader.compare import compare
from grader.feedback import finding_message, format_value
from grader.i18n import Messages
from grader.render.reports import render_markdown
from grader.results import CaseResult, ExerciseResult, MistakeNote, Status, SubmissionResult
from grader.runner.job import ErrorInfo, Frame, Limits
from conftest import grading_function
from helpers import shared_grader

GOLDEN = Path(__file__).resolve().parent / "golden"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SUBMISSIONS = ("mistakes", "diagnosis", "honest", "training")
"""Fixture folders each of whose files is a submission; alternatives/ is one submission, a folder; lms/ holds CSV."""


def fixture_submissions() -> list[Path]:
    files = [entry for group in SUBMISSIONS for entry in (FIXTURES / group).iterdir()
             if entry.suffix in (".py", ".ipynb")]
    return sorted(files) + [FIXTURES / "alternatives"]


ENDLESS = {FIXTURES / "honest" / "tf_training.py"}
"""Fixtures whose top-level loop never ends: graded with a 1 s statement limit rather than 3 s (what the golden file
keeps is the same: the loop is skipped either way), so the test spins 1 s for it."""


@pytest.fixture(scope="module")
def quick_statements():
    return grading_function(shared_grader("process", limits=Limits(call_seconds=2.0, load_seconds=1.0)))


def expected_file(submission: Path) -> Path:
    return submission.with_suffix(".expected.json")


def summary(result) -> dict:
    """What the golden file keeps of a result: total, and per exercise status, score, mistakes and case statuses."""
    return {"score": result.score, "max_score": result.max_score,
            "exercises": [{"id": e.id, "status": str(e.status), "score": e.score, "mistakes": list(e.mistakes),
                           "cases": {c.name: str(c.status) for c in e.cases}} for e in result.exercises]}


def golden_json(data: dict) -> str:
    """One exercise a line, so a change shows as the lines of the exercises it changed."""
    def line(value):
        return json.dumps(value, ensure_ascii=False)

    head = ", ".join(f"{line(key)}: {line(value)}" for key, value in data.items() if key != "exercises")
    rows = ",\n".join(f"  {line(exercise)}" for exercise in data["exercises"])
    return f'{{{head}, "exercises": [\n{rows}\n]}}\n'


@pytest.mark.parametrize("submission", fixture_submissions(), ids=lambda p: p.relative_to(FIXTURES).as_posix())
def test_each_fixture_grades_as_its_expected_file_says(grade, quick_statements, submission, request):
    text = golden_json(summary((quick_statements if submission in ENDLESS else grade)(submission)))
    expected = expected_file(submission)
    if request.config.getoption("regen_golden"):
        expected.write_text(text, encoding="utf-8")
    assert expected.exists(), f"{expected.name} is missing: `pytest --regen-golden tests/test_golden.py` writes it"
    assert json.loads(text) == json.loads(expected.read_text(encoding="utf-8"))


def test_every_expected_file_belongs_to_a_fixture():
    """No expected file outlives its fixture (each fixture having one is checked above)."""
    expected = {p for folder in (FIXTURES, *(FIXTURES / group for group in SUBMISSIONS))
                for p in folder.glob("*.expected.json")}
    assert expected and expected <= {expected_file(s) for s in fixture_submissions()}


def fixed_result(lang):
    t = Messages(lang)
    sigmoid_finding = compare(0.5, np.float64(np.exp(-1)), 1e-5, 1e-8)
    forward_finding = compare((np.zeros((2, 1)), np.ones((1, 1))), (np.zeros((2, 1)), np.zeros((1, 1))), 1e-5, 1e-8,
                              names=("Z1", "A2"))
    error = ErrorInfo("ValueError", "operands could not be broadcast",
                      [Frame("숙제.ipynb", 4, "relu", "return x * mask")])
    cases = [
        CaseResult("scalar 0", Status.FAILED, finding_message(t, sigmoid_finding, 1e-5, 1e-8), title="스칼라 0",
                   finding=sigmoid_finding, given={"x": "0"}, expected="0.5", got=format_value(np.exp(-1))),
        CaseResult("hidden", Status.FAILED, t.t("case.hidden-failed"), title="숨은 케이스", hidden=True),
    ]
    relu = [CaseResult("slide", Status.ERROR, t.t("case.raised", error="`ValueError: operands could not be broadcast`"),
                       title="슬라이드 값", given={"x": "[-1.,  2.]"}, expected="[0., 2.]", error=error,
                       output="printed ``` text")]
    forward = [CaseResult("tuple", Status.FAILED, finding_message(t, forward_finding, 1e-5, 1e-8), title="튜플",
                          finding=forward_finding, given={"X": "[[1.],\n [2.]]"},
                          expected=format_value((np.zeros((2, 1)), np.ones((1, 1))), ("Z1", "A2")),
                          got=format_value((np.zeros((2, 1)), np.zeros((1, 1))), ("Z1", "A2")))]
    exercises = [
        ExerciseResult("sigmoid", Status.FAILED, 6.0, 12.0, ["constant-output"], cases, title="시그모이드",
                       summary="원소별 σ(x), `np.exp`를 씀", file="숙제.ipynb",
                       diagnoses=[MistakeNote("constant-output", "모든 경우에 같은 결과", "인자 `x`로 계산하세요.")]),
        ExerciseResult("relu", Status.ERROR, 0.0, 10.0, [], relu, title="렐루", summary="max(0, x)", file="숙제.ipynb"),
        ExerciseResult("forward_prop", Status.FAILED, 0.0, 14.0, [], forward, title="순전파", summary="(Z1, A2)",
                       file="숙제.ipynb"),
    ]
    return SubmissionResult("김민준", "bwrap", exercises, lang=lang, graded_at="2026-11-29T17:30:05+09:00", seconds=1.5)


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_report_md_matches_its_golden_file(lang, request):
    text = render_markdown(fixed_result(lang))
    golden = GOLDEN / f"report.{lang}.md"
    if request.config.getoption("regen_golden"):
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")
