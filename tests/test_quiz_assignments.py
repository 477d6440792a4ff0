"""Quizzes belong to assignments: a batch grades the quiz the assignment names, and nothing else.

A student who answered the 50-question practice quiz `nn-bank` instead of the assigned `nn-1` once got
150/150 against 116 for a perfect `nn-1`. Now another quiz's answers earn nothing for the quiz, with the
reason, in the student's report, gradescope.json, the gradebook and grades.csv.
"""
import json
from pathlib import Path

import pytest

from grader.class_folder import Entry
from grader.batch_run import run_batch
from grader.course import builtin_course
from grader.gradebook import Gradebook
from grader.grading import BatchItem
from grader.quiz.assigned import AssignedQuiz
from grader.quiz.bank import load_bank
from grader.quiz.kinds import QuestionStatus
from grader.quiz.kit import answer_key
from grader.quiz.answers_file import answers_toml
from grader.quiz.sheet import build_sheet
from tests.test_batch import read_grades, reference_student
from tests.test_batch_containment import ScriptedGrader, real_result

BANK = load_bank()
REASON = {"en": "This answers file is for quiz nn-bank, but assignment nn-1 asks for quiz nn-1",
          "ko": "이 답안 파일은 nn-bank 퀴즈의 답안입니다. 과제 nn-1에서 풀 퀴즈는 nn-1이므로"}


def key_file(folder: Path, student: str, quiz: str) -> Path:
    """A student's perfect answers for `quiz`, handed in beside their code."""
    folder.mkdir(parents=True, exist_ok=True)
    sheet = build_sheet(BANK, quiz, student)
    target = folder / "answers.toml"
    target.write_text(answers_toml(sheet, answer_key(sheet)), encoding="utf-8")
    return target


def run_class(tmp_path: Path, answers: dict[str, str | None], assigned: AssignedQuiz, lang: str = "en"):
    """run_batch on scripted results (no worker): each student hands in a perfect key of the quiz named."""
    for student, quiz in answers.items():
        folder = tmp_path / "class" / student
        folder.mkdir(parents=True)
        if quiz:
            key_file(folder, student, quiz)
    items = {n: (lambda p, n=n: BatchItem(p, result=real_result(n))) for n in answers}
    out = tmp_path / "out"
    with Gradebook.in_folder(out) as book:
        summary = run_batch(ScriptedGrader(items), [Entry(n, tmp_path / "class" / n) for n in answers], out, book,
                            "c", "s", 1, lang, quiz=assigned)
        attempts = {attempt.student: attempt for attempt in book.latest_attempts()}
    return summary, attempts, out


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_answers_for_another_quiz_earn_nothing_with_the_reason_and_the_assigned_quiz_full_marks(tmp_path, lang):
    assigned = AssignedQuiz.of(builtin_course())
    assert assigned.quiz == "nn-1"
    summary, attempts, out = run_class(tmp_path, {"amy": "nn-1", "ben": "nn-bank"}, assigned, lang)
    amy, ben = attempts["amy"].quiz, attempts["ben"].quiz
    assert (amy.quiz, amy.score, amy.max_score, amy.error) == ("nn-1", 16, 16, None)
    assert (ben.quiz, ben.score, ben.max_score) == ("nn-1", 0, 16)  # never nn-bank's 50 points
    assert REASON[lang] in ben.error
    assert {row.status for row in ben.questions} == {QuestionStatus.NOT_GRADED}
    assert {row.status for row in amy.questions} == {QuestionStatus.CORRECT}
    assert all(isinstance(row.status, QuestionStatus) for row in amy.questions + ben.questions)  # typed, read back
    for row in (amy, ben):  # the gradebook's quiz rows add up
        assert row.score == round(sum(q.score for q in row.questions), 2)
        assert row.max_score == round(sum(q.max_score for q in row.questions), 2) == 16
        assert [q.question for q in row.questions] == list(BANK.quizzes["nn-1"].questions)
    report = out / "students" / "ben"
    assert REASON[lang] in (report / "quiz.html").read_text(encoding="utf-8")
    assert REASON[lang] in (report / "quiz.md").read_text(encoding="utf-8").replace("\\", "")  # Markdown-escaped
    # The report names no right answer of nn-1 for a file that was not graded.
    assert "Right answer" not in (report / "quiz.md").read_text(encoding="utf-8")
    gradescope = json.loads((report / "gradescope.json").read_text(encoding="utf-8"))
    assert gradescope["tests"][-1]["score"] == 0 and gradescope["tests"][-1]["max_score"] == 16
    assert REASON[lang] in gradescope["tests"][-1]["output"]
    amy_gradescope = json.loads((out / "students" / "amy" / "gradescope.json").read_text(encoding="utf-8"))
    assert amy_gradescope["tests"][-1]["score"] == amy_gradescope["tests"][-1]["max_score"] == 16
    assert summary.ignored_answers == []


def test_an_unreadable_answers_file_is_the_assigned_quiz_at_zero_with_the_reason(tmp_path):
    (tmp_path / "class" / "cal").mkdir(parents=True)
    (tmp_path / "class" / "cal" / "answers.toml").write_text("student = 'cal'\nquiz = [", encoding="utf-8")
    items = {"cal": lambda p: BatchItem(p, result=real_result("cal"))}
    with Gradebook.in_folder(tmp_path / "out") as book:
        run_batch(ScriptedGrader(items), [Entry("cal", tmp_path / "class" / "cal")], tmp_path / "out", book, "c", "s",
                  1, "en", quiz=AssignedQuiz.of(builtin_course()))
        quiz = book.latest("cal").quiz
    assert (quiz.quiz, quiz.score, quiz.max_score) == ("nn-1", 0, 16) and "not a readable answers file" in quiz.error


def test_an_assignment_without_a_quiz_grades_no_answers_file(tmp_path):
    summary, attempts, out = run_class(tmp_path, {"amy": "nn-1", "ben": None}, AssignedQuiz("hw", None))
    assert attempts["amy"].quiz is None and attempts["ben"].quiz is None
    assert not (out / "students" / "amy" / "quiz.html").exists()
    assert summary.ignored_answers == ["amy"]
    gradescope = json.loads((out / "students" / "amy" / "gradescope.json").read_text(encoding="utf-8"))
    assert all("nn-1" not in test["name"] for test in gradescope["tests"])


def course_without_a_first_quiz(target: Path) -> Path:
    """A copy of the built-in course whose first assignment, nn-0, has nn-1's exercises and no quiz."""
    from grader.course import load_course
    from grader.course.new import new_course

    new_course(target, "builtin")
    exercises = ", ".join(f'"{name}"' for name in load_course(target).assignment("nn-1").exercises)
    course_file = target / "course.toml"
    text = course_file.read_text(encoding="utf-8")
    first = text.index("[[assignments]]")
    course_file.write_text(text[:first] + f'[[assignments]]\nid = "nn-0"\ntitle = "Code only"\nexercises = [{exercises}]\n\n'
                           + text[first:], encoding="utf-8")
    return target


def test_grade_batch_grades_the_quiz_of_the_assignment_asked_for_end_to_end(tmp_path):
    """A course whose first assignment has no quiz: by default answers files are ignored (said once); with
    --assignment nn-1 they are graded for nn-1, and a file for nn-bank is a zero with the reason in grades.csv."""
    from grader.course import load_course
    from helpers import grade_here

    pack = course_without_a_first_quiz(tmp_path / "pack")
    assert [(a.id, a.quiz) for a in load_course(pack).assignments][:2] == [("nn-0", None), ("nn-1", "nn-1")]
    folder = tmp_path / "class"
    for student, quiz in (("amy", "nn-1"), ("ben", "nn-bank")):
        key_file(reference_student(folder, student), student, quiz)

    def batch(*args):
        run = grade_here("batch", folder, *args, "--lang", "en", "--jobs", "2",
                         env={"LANG": "C.UTF-8", "GRADE_COURSE": str(pack)})
        assert run.returncode == 0, run.stderr
        return run

    first = batch("--out", tmp_path / "out")
    assert first.stdout.count("Assignment nn-0 has no quiz: the answers files of 2 student(s) were not graded"
                              " (amy, ben).") == 1
    assert all(row.get("quiz_score") in (None, "") for row in read_grades(tmp_path / "out"))
    # The same class into the same folder for another assignment: graded again, not kept as unchanged.
    second = batch("--out", tmp_path / "out", "--assignment", "nn-1")
    assert "2 graded, 0 unchanged" in second.stdout and "has no quiz" not in second.stdout
    rows = {row["student"]: row for row in read_grades(tmp_path / "out")}
    assert [(rows[s]["quiz"], rows[s]["quiz_score"], rows[s]["quiz_max_score"]) for s in ("amy", "ben")] == [
        ("nn-1", "16.0", "16.0"), ("nn-1", "0.0", "16.0")]
    assert rows["amy"]["not_graded_reason"] == "" and REASON["en"] in rows["ben"]["not_graded_reason"]
    gradescope = json.loads((tmp_path / "out" / "students" / "ben" / "gradescope.json").read_text(encoding="utf-8"))
    assert (gradescope["score"], gradescope["max_score"]) == (100, 116)  # not 150 / 150
