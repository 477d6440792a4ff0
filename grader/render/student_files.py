"""A student's files in a class's output folder: the reports and gradescope.json (which counts the quiz too)."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from grader.i18n import Messages

if TYPE_CHECKING:  # the quiz modules load NumPy: not imported for a class where nothing changed
    from grader.quiz.marking import QuizResult
    from grader.results import SubmissionResult


def gradescope_results(result: SubmissionResult, quiz: QuizResult | None = None) -> dict:
    """Gradescope's autograder results format: one test per exercise, and one for the quiz if any."""
    from grader.results import Status

    t = Messages(result.lang).t
    tests = []
    for number, exercise in enumerate(result.exercises, start=1):
        lines = [f"{case.title}: {t(f'status.{case.status}')}" + (f" — {case.message}" if case.message else "")
                 for case in exercise.cases]
        lines += [f"{note.name}: {note.hint}" for note in exercise.diagnoses]
        tests.append({
            "name": f"{exercise.title} ({exercise.id})",
            "number": str(number),
            "score": exercise.score,
            "max_score": exercise.max_score,
            "status": "passed" if exercise.status == Status.PASSED else "failed",
            "output": "\n".join(lines),
            "visibility": "visible",
        })
    if quiz is not None:
        lines = [quiz.problem] if quiz.problem else [
            f"{q.number}. {q.id}: {t(f'quiz.status-{q.status}')}" for q in quiz.questions]
        lines = [quiz.note] + lines if quiz.note else lines  # an answers file naming someone else, said first
        tests.append({
            "name": f"{quiz.title} ({quiz.quiz})", "number": str(len(tests) + 1), "score": quiz.score,
            "max_score": quiz.max_score, "status": "passed" if quiz.score == quiz.max_score else "failed",
            "output": "\n".join(lines), "visibility": "visible",
        })
    score = round(sum(test["score"] for test in tests), 2)
    return {"score": score, "max_score": round(sum(test["max_score"] for test in tests), 2), "visibility": "visible",
            "stdout_visibility": "hidden", "tests": tests}


def write_student(result: SubmissionResult, folder: Path, quiz: QuizResult | None = None,
                  results_json: str | None = None) -> None:
    """A student's report.html, report.md, results.json and gradescope.json (which counts the quiz too).

    `results_json` is the result already serialised (a batch serialises once, for the file and the gradebook).
    """
    from grader import json_text
    from grader.render.reports import write_atomically, write_reports

    write_reports(result, folder, results_json)
    write_atomically(folder / "gradescope.json", json_text.dumps(gradescope_results(result, quiz)))
