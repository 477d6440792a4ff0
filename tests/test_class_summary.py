"""The class overview's numbers on their own, from gradebook rows made by hand: pass rates counted on
Status, frequent mistakes as named rows, the students' table cells, quiz question rates."""
import pytest

from grader.catalog import load_catalog
from grader.gradebook import Attempt, ExerciseRow, QuizRow
from grader.quiz.kinds import QuestionRow, QuestionStatus
from grader.render.class_summary import Cell, MistakeCount, question_rates, student_rows, summarise
from grader.results import Status


@pytest.fixture(scope="module")
def catalog():
    return load_catalog()


def attempt(student: str, status: Status, mistakes=(), quiz=None, error=None) -> Attempt:
    rows = () if error else (ExerciseRow("relu", status, 10.0 if status == Status.PASSED else 2.5, 10.0,
                                         tuple(mistakes)),)
    return Attempt(0, student, "c", "k", "t", 0.0, 10.0, error, rows, quiz)


def test_pass_rates_and_frequent_mistakes(catalog):
    attempts = [attempt("ann", Status.PASSED), attempt("bo", Status.FAILED, ["relu-wrong-negative"]),
                attempt("cy", Status.FAILED, ["relu-wrong-negative", "not-implemented"]),
                attempt("di", Status.ERROR, ["relu-max-not-maximum"])]
    [relu] = summarise(attempts, ["relu"], catalog, "en")
    assert (relu.passed, relu.graded, relu.pass_rate) == (1, 4, 0.25)
    name = catalog.mistake("relu-wrong-negative").name("en")
    assert relu.mistakes[0] == MistakeCount("relu-wrong-negative", name, 2, ["bo", "cy"])
    assert [m.id for m in relu.mistakes] == ["relu-wrong-negative", "relu-max-not-maximum"]  # common ones apart


def test_student_cells_say_score_status_and_sort_value(catalog):
    rows = student_rows([attempt("ann", Status.PASSED), attempt("bo", Status.FAILED),
                         attempt("zed", Status.PASSED, error="not a zip")], ["relu"], "en")
    assert rows[0].cells == [Cell("10", "", 10.0)]
    assert rows[1].cells[0].text == "2.5" and rows[1].cells[0].label and rows[1].cells[0].sort == 2.5
    assert rows[2].cells[0].text == "—" and rows[2].cells[0].label and rows[2].cells[0].sort == -1.0


def test_question_rates_count_correct_answers(catalog):
    def quiz(*statuses):
        return QuizRow("w3", 0.0, 2.0, None, tuple(QuestionRow(f"q{i}", s, 0.0, 1.0) for i, s in enumerate(statuses)))
    attempts = [attempt("ann", Status.PASSED, quiz=quiz(QuestionStatus.CORRECT, QuestionStatus.WRONG)),
                attempt("bo", Status.PASSED, quiz=quiz(QuestionStatus.CORRECT, QuestionStatus.UNANSWERED))]
    assert [(r.question, r.correct, r.answered) for r in question_rates(attempts)] == [("q0", 2, 2), ("q1", 0, 2)]
