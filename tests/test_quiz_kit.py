"""A student kit's quiz bank: the questions without their answers, and still the very sheet the instructor marks.

The bank with its right answers once shipped to every student, and `grade quiz key` printed anyone's key.
A student kit's bank (grader.quiz.kit.write_student_bank, what `grade course build` calls) has no answer and
no explanation, and lists the choices in an order that does not give the right one away (bank.toml writes the
right choice first); with it a sheet renders and a quiz is taken, the key is refused and a taken quiz is left
to the instructor.
"""
import tomllib
from pathlib import Path

import pytest

from grader.errors import CatalogError, GradeError
from grader.quiz.bank import BANK_PATH, load_bank
from grader.quiz.kinds import QuestionType
from grader.quiz.kit import answer_key, questions_only, write_student_bank
from grader.quiz.answers_file import answers_toml, parse_answers
from grader.quiz.marking import grade_answers, show_answer
from grader.quiz.sheet import build_sheet
from grader.quiz.take import take_quiz
from grader.render.quiz import render_sheet
from helpers import grade_here

FULL = load_bank()
STUDENTS = ("2024001", "김민준", "a b")


@pytest.fixture(scope="module")
def kit_bank(tmp_path_factory) -> Path:
    return write_student_bank(BANK_PATH, tmp_path_factory.mktemp("kit") / "bank.toml")


def _keys(value, found):
    if isinstance(value, dict):
        for key, item in value.items():
            found.add(key)
            _keys(item, found)
    elif isinstance(value, list):
        for item in value:
            _keys(item, found)
    return found


def test_the_student_bank_carries_no_answer_and_nothing_that_gives_one_away(kit_bank):
    text = kit_bank.read_text(encoding="utf-8")
    data = tomllib.loads(text)
    assert data["has_answers"] is False
    assert not {"answer", "explanation"} & _keys(data, set())
    shown = " ".join(q.prompt(lang) + " ".join(c.text(lang) for c in q.choices)
                     for q in FULL.questions.values() for lang in ("en", "ko"))
    for question in FULL.questions.values():
        for lang in ("en", "ko"):  # an explanation gives its answer away: not one line of any is in the kit
            for line in question.explanation(lang).format_map(_Blank()).split(": "):
                assert len(line) < 12 or line not in text, (question.id, line)
        if question.type == QuestionType.NUMERIC and question.generator is None:
            assert show_answer(question.answer) not in text or show_answer(question.answer) in shown
    # The right choice is not always the first one listed (bank.toml writes it first, as "a").
    kit = {q["id"]: q for q in data["questions"]}
    positions = {[c["en"] for c in kit[q.id]["choices"]].index(next(c.text.en for c in q.choices if c.id == q.answer))
                 for q in FULL.questions.values() if q.type == QuestionType.SINGLE}
    assert len(positions) >= 3
    assert {c["id"] for q in data["questions"] for c in q.get("choices", ())} <= {"1", "2", "3", "4", "5", "6"}


class _Blank(dict):
    def __missing__(self, key):
        return "{" + key + "}"


def test_a_student_kit_gives_every_student_the_sheet_the_grading_kit_marks(kit_bank):
    kit = load_bank(kit_bank)
    assert not kit.has_answers and set(kit.quizzes) == set(FULL.quizzes)
    for quiz in FULL.quizzes:
        for student in STUDENTS:
            mine, instructors = build_sheet(kit, quiz, student), build_sheet(FULL, quiz, student)
            assert not mine.has_answers and all(item.answer is None for item in mine.questions)
            assert [(q.prompt("ko"), [(letter, c.text) for letter, c in q.choices]) for q in mine.questions] == [
                (q.prompt("ko"), [(letter, c.text) for letter, c in q.choices]) for q in instructors.questions]


def test_a_quiz_taken_with_a_student_kit_is_marked_full_by_the_grading_kit(kit_bank):
    from io import StringIO

    from rich.console import Console

    kit_sheet, full_sheet = build_sheet(load_bank(kit_bank), "nn-1", "김민준"), build_sheet(FULL, "nn-1", "김민준")
    typed = iter(_typed(item.answer) for item in full_sheet.questions)
    answers = take_quiz(kit_sheet, "ko", console=Console(file=StringIO()), ask=lambda prompt: next(typed))
    result = grade_answers(full_sheet, parse_answers(answers_toml(kit_sheet, answers).encode(), "answers.toml"), "en")
    assert result.score == result.max_score == 16
    with pytest.raises(GradeError) as refused:  # the kit itself marks nothing
        grade_answers(kit_sheet, parse_answers(answers_toml(kit_sheet, answers).encode(), "answers.toml"), "en")
    assert refused.value.key == "quiz.marked-by-instructor"
    with pytest.raises(GradeError) as refused:
        answer_key(kit_sheet)
    assert refused.value.key == "quiz.no-key"


def _typed(answer) -> str:
    if isinstance(answer, bool):
        return "true" if answer else "false"
    if isinstance(answer, list):
        return ",".join(answer)
    return f"{answer:.8f}" if isinstance(answer, float) else str(answer)


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_a_students_sheet_renders_from_a_student_kit(kit_bank, lang):
    sheet = build_sheet(load_bank(kit_bank), "nn-1", "김민준")
    for kind in ("md", "html"):
        page = render_sheet(sheet, lang, kind)
        assert "김민준" in page and sheet.questions[0].prompt(lang) in page.replace("&#39;", "'")
        assert all(f"**{letter}.**" in page or f"{letter}." in page for letter, _ in sheet.questions[0].choices)


@pytest.mark.parametrize("text, message", [
    ('has_answers = false\n[quizzes.q]\ntitle = "Q"\nquestions = ["t"]\n[[questions]]\nid = "t"\ntopic = "x"\n'
     'type = "truefalse"\nprompt = "?"\nanswer = true\n', "`answer` in a bank without answers"),
    ('[quizzes.q]\ntitle = "Q"\nquestions = ["t"]\n[[questions]]\nid = "t"\ntopic = "x"\n'
     'type = "truefalse"\nprompt = "?"\nexplanation = "!"\n', "a true/false question needs answer"),
    ('[quizzes.q]\ntitle = "Q"\nquestions = ["t"]\n[[questions]]\nid = "t"\ntopic = "x"\ntype = "single"\n'
     'prompt = "?"\nexplanation = "!"\nanswer = "a"\nchoices = [{ id = "a", en = "1", ko = "1" },'
     ' { id = "b", en = "1", ko = "1" }]\n', "the same id or the same text"),
])
def test_a_bank_says_whether_it_has_answers_and_keeps_to_it(tmp_path, text, message):
    path = tmp_path / "bank.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CatalogError, match=message):
        load_bank(path)


def test_the_quiz_commands_with_a_student_kit(tmp_path):
    """In a student kit built by `grade course build`: the sheet and the quiz work; the key is refused in one
    line; a taken quiz is left to the instructor. The grading kit still gives the key."""
    from grader.course import load_course
    from grader.kit.build import build_kits

    student_kit, grading_kit = build_kits(load_course(), tmp_path / "dist")
    assert tomllib.loads((student_kit / "quiz.toml").read_text(encoding="utf-8"))["has_answers"] is False

    def quiz(*args, input=None, kit=student_kit):
        return grade_here("quiz", *args, input=input, env={"LANG": "C.UTF-8", "COLUMNS": "140", "GRADE_COURSE": str(kit)})

    sheet = quiz("sheet", "--student", "2024001", "--lang", "en", "--out", tmp_path / "sheet")
    assert sheet.returncode == 0 and "Compute σ(" in (tmp_path / "sheet.md").read_text(encoding="utf-8")
    for lang, words in (("en", "This kit has no quiz answers"), ("ko", "이 키트에는 퀴즈 정답이 없습니다")):
        key = quiz("key", "--student", "2024001", "--out", tmp_path / "key.toml", "--lang", lang)
        assert key.returncode == 2 and words in key.stderr and len(key.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "key.toml").exists()
    taken = quiz("take", "--student", "2024001", "--out", tmp_path / "mine.toml", "--lang", "en", input="A\n" * 16)
    assert taken.returncode == 0 and "your instructor marks it" in taken.stdout
    assert 'quiz = "nn-1"' in (tmp_path / "mine.toml").read_text(encoding="utf-8")
    marked = quiz("grade", tmp_path / "mine.toml", "--lang", "en")
    assert marked.returncode == 2 and "your instructor marks it" in marked.stderr
    assert len(marked.stderr.strip().splitlines()) == 1
    assert quiz("grade", tmp_path / "mine.toml", "--json", kit=grading_kit).returncode == 0  # the instructor's kit marks
    assert quiz("key", "--student", "2024001", "--out", tmp_path / "key.toml", kit=grading_kit).returncode == 0


def test_questions_only_of_a_bank_without_answers_is_itself(kit_bank):
    assert questions_only(load_bank(kit_bank)) == kit_bank.read_text(encoding="utf-8")
