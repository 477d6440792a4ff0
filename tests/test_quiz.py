"""Quizzes: a bank from the lectures, a personal sheet per student, answers graded without surprises."""
import csv
import json
import math
import shutil
import zipfile
from pathlib import Path

import numpy as np
import pytest

from grader.quiz.bank import TYPES, load_bank
from grader.quiz.answers_file import Answers
from grader.quiz.marking import grade_answers
from grader.quiz.sheet import build_sheet
from helpers import grade_here

ROOT = Path(__file__).resolve().parent.parent
BANK = load_bank()


def grade(*args, check=True, input=None, cwd=None):
    run = grade_here(*args, input=input, cwd=cwd, env={"LANG": "C.UTF-8", "COLUMNS": "140"})
    if check:
        assert run.returncode == 0, run.stderr
    return run


def test_the_bank_covers_the_lectures_in_both_languages():
    questions = BANK.questions.values()
    assert len(questions) >= 40
    assert {q.type for q in questions} == set(TYPES)
    assert {q.topic for q in questions} >= {"activations", "outputs", "losses", "forward", "backprop", "perceptron"}
    generated = {q.generator for q in questions if q.generator}
    assert generated >= {"sigmoid_value", "forward_output", "mse_value", "cee_value", "backprop_dw5", "backprop_w5_step"}
    for question in questions:
        for lang in ("en", "ko"):
            assert question.prompt(lang).strip() and question.explanation(lang).strip()
            assert all(choice.text(lang).strip() for choice in question.choices)
    # Every placeholder of every generated question is filled, for any student.
    for student in ("2024001", "김민준", "a b"):
        for item in build_sheet(BANK, "nn-bank", student).questions:
            for lang in ("en", "ko"):
                assert "{" not in item.prompt(lang) and "{" not in item.explanation(lang)


def test_the_same_id_gets_the_same_sheet_and_another_id_other_numbers():
    first, again = build_sheet(BANK, "nn-1", "2024001"), build_sheet(BANK, "nn-1", "2024001")
    other = build_sheet(BANK, "nn-1", "2024002")
    assert [q.prompt("en") for q in first.questions] == [q.prompt("en") for q in again.questions]
    assert [q.answer for q in first.questions] == [q.answer for q in again.questions]
    generated = [(a.values, b.values) for a, b in zip(first.questions, other.questions) if a.question.generator]
    assert len(generated) >= 6 and sum(mine != theirs for mine, theirs in generated) >= len(generated) - 1


def parse(text):
    return np.array(json.loads(text), dtype=float)


def test_generated_answers_are_those_of_the_formulas_on_the_shown_numbers():
    for student in ("s1", "s2", "s3", "s4"):
        sheet = build_sheet(BANK, "nn-bank", student)
        item = {q.question.id: q for q in sheet.questions}
        x = float(item["sigmoid-value"].values["x"])
        assert item["sigmoid-value"].answer == pytest.approx(1 / (1 + math.exp(-x)), abs=1e-12)
        values = item["backprop-dw5"].values
        xs, ts, w1, w2 = (parse(values[k]) for k in ("x", "t", "w1", "w2"))
        h = 1 / (1 + np.exp(-(w1 @ xs)))
        o = 1 / (1 + np.exp(-(w2 @ h)))
        dw5 = (o[0] - ts[0]) * o[0] * (1 - o[0]) * h[0]  # the slides' chain rule, written out
        assert item["backprop-dw5"].answer == pytest.approx(dw5, abs=1e-12)
        step = item["backprop-w5-step"].values
        w5, lr, shown_dw5 = float(step["w5"]), float(step["lr"]), float(step["dw5"])
        assert item["backprop-w5-step"].answer == pytest.approx(w5 - lr * shown_dw5, abs=1e-8)
        mse = item["mse-value"].values
        assert item["mse-value"].answer == pytest.approx(0.5 * np.sum((parse(mse["y"]) - parse(mse["t"])) ** 2))
        forward = item["forward-output"].values
        z1 = parse(forward["w_hidden"]) @ parse(forward["x"]) + parse(forward["b_hidden"])
        z2 = parse(forward["w_output"]) @ np.maximum(0, z1) + parse(forward["b_output"])
        assert item["forward-output"].answer == pytest.approx(1 / (1 + np.exp(-z2[0])))


def test_the_code_behind_the_backprop_answers_gives_the_slides_numbers():
    from reference.backprop import backprop_gradients  # what generators.backprop_dw5 and _w5_step call

    _, _, dw2 = backprop_gradients(np.array([0.1, 0.2]), np.array([0.4, 0.6]),
                                   np.array([[0.3, 0.25], [0.4, 0.35]]), np.array([[0.45, 0.4], [0.7, 0.6]]))
    assert dw2[0, 0] == pytest.approx(0.02592286, abs=1e-8) and 0.45 - 0.5 * dw2[0, 0] == pytest.approx(0.43703857, abs=1e-8)


def test_the_key_earns_full_marks_and_the_json_has_the_documented_shape(tmp_path):
    key = tmp_path / "key.toml"
    grade("quiz", "key", "--student", "2024001", "--out", key)
    result = json.loads(grade("quiz", "grade", key, "--json").stdout)
    assert set(result) == {"student", "quiz", "score", "max_score", "questions"}
    assert result["student"] == "2024001" and result["quiz"] == "nn-1" and result["score"] == result["max_score"] == 16
    assert all(set(q) == {"id", "status", "score", "max_score"} and q["status"] == "correct" for q in result["questions"])
    # Another student's key is not this student's: their numbers differ.
    other = tmp_path / "other.toml"
    grade("quiz", "key", "--student", "2024002", "--out", other)
    other.write_text(other.read_text(encoding="utf-8").replace('"2024002"', '"2024001"'), encoding="utf-8")
    assert json.loads(grade("quiz", "grade", other, "--json").stdout)["score"] < 16


def test_wrong_types_unknown_ids_and_partial_answers_are_graded_not_crashed():
    sheet = build_sheet(BANK, "nn-bank", "s1")
    item = {q.question.id: q for q in sheet.questions}
    wrong_letter = next(l for l, _ in item["vanishing-remedies"].choices if l not in item["vanishing-remedies"].answer)
    answers = {
        "sigmoid-range": 3,                      # a number for a letter
        "sigmoid-value": "about a half",         # text for a number
        "xor-two-layers": "maybe",               # neither true nor false
        "tanh-zero-centred": "참",               # true, in Korean
        "vanishing-remedies": [item["vanishing-remedies"].answer[0]],  # one of two right picks
        "and-weights": item["and-weights"].answer + [next(l for l, _ in item["and-weights"].choices
                                                          if l not in item["and-weights"].answer)],
        "mse-slide": "0.0975",                   # a number written as text still counts
        "no-such-question": 1,
    }
    result = grade_answers(sheet, Answers("s1", "nn-bank", answers), "en")
    by_id = {q.id: q for q in result.questions}
    assert by_id["sigmoid-range"].status == "invalid" and by_id["sigmoid-range"].score == 0
    assert "expected one of the letters" in by_id["sigmoid-range"].problem
    assert by_id["sigmoid-value"].status == "invalid" and by_id["xor-two-layers"].status == "invalid"
    assert by_id["tanh-zero-centred"].status == "correct" and by_id["mse-slide"].status == "correct"
    assert by_id["vanishing-remedies"].status == "partial" and by_id["vanishing-remedies"].score == 0.5
    assert by_id["and-weights"].status == "partial" and by_id["and-weights"].score == 0.5  # 2 right − 1 wrong of 2
    assert by_id["step-at-zero"].status == "unanswered"
    assert result.ignored == ["no-such-question"] and wrong_letter


@pytest.mark.parametrize("content, message", [
    ("student = 'x'\nquiz = [", "not a readable answers file"),
    ("quiz = 'nn-1'\n[answers]\n", 'needs student = "ID"'),
    ("student = 'x'\nquiz = 'nn-9'\n", "There is no quiz 'nn-9'"),
])
def test_a_malformed_answers_file_is_a_one_line_error(tmp_path, content, message):
    path = tmp_path / "answers.toml"
    path.write_text(content, encoding="utf-8")
    run = grade("quiz", "grade", path, "--lang", "en", check=False)
    assert run.returncode == 2 and message in run.stderr and len(run.stderr.strip().splitlines()) == 1


def test_a_quiz_taken_in_the_terminal_is_saved_and_graded(tmp_path):
    sheet = build_sheet(BANK, "nn-1", "2024001")
    typed = []
    for item in sheet.questions:
        if item.question.type == "numeric":
            typed += ["not a number", f"{item.answer:.6f}"]  # a bad answer is asked again
        elif item.question.type == "truefalse":
            typed.append("true" if item.answer else "false")
        else:
            typed.append(item.answer.lower() if isinstance(item.answer, str) else ",".join(item.answer))
    typed[0] = ""  # the first question skipped
    out = tmp_path / "mine.toml"
    run = grade("quiz", "take", "--student", "2024001", "--out", out, "--lang", "en", input="\n".join(typed) + "\n")
    assert "Not readable (expected a number); try again." in run.stdout and f"saved to {out}" in run.stdout
    result = json.loads(grade("quiz", "grade", out, "--json").stdout)
    assert result["score"] == 15 and result["questions"][0]["status"] == "unanswered"


def test_sheets_are_written_in_markdown_and_html_in_either_language(tmp_path):
    grade("quiz", "sheet", "--student", "김민준", "--lang", "ko", "--out", tmp_path / "sheet")
    markdown = (tmp_path / "sheet.md").read_text(encoding="utf-8")
    html = (tmp_path / "sheet.html").read_text(encoding="utf-8")
    assert "퀴즈" in markdown and "김민준" in markdown and "16. " in markdown
    assert "<script" not in html and "σ(" in html and 'lang="ko"' in html
    english = grade("quiz", "sheet", "--student", "김민준", "--lang", "en", "--out", tmp_path / "en")
    assert "Quiz written" in english.stdout and "Compute σ(" in (tmp_path / "en.md").read_text(encoding="utf-8")


def test_batch_grades_answers_handed_in_with_the_code(tmp_path):
    folder = tmp_path / "class"
    for name in ("amy", "ben"):
        target = folder / name
        target.mkdir(parents=True)
        for source in (ROOT / "reference").glob("*.py"):
            if source.name != "__init__.py":
                shutil.copy(source, target / source.name)
        grade("quiz", "key", "--student", name, "--out", target / "answers.toml")
    ben = folder / "ben" / "answers.toml"
    ben.write_text(ben.read_text(encoding="utf-8").replace("xor-two-layers = false", "xor-two-layers = true"),
                   encoding="utf-8")
    with zipfile.ZipFile(folder / "cal.zip", "w") as archive:  # a zip with its answers inside
        for source in (folder / "amy").iterdir():
            if source.suffix == ".py":
                archive.write(source, f"cal/{source.name}")
        grade("quiz", "key", "--student", "cal", "--out", tmp_path / "cal.toml")
        archive.write(tmp_path / "cal.toml", "cal/quiz-answers.toml")
    out = tmp_path / "out"
    grade("batch", folder, "--out", out, "--lang", "en")
    rows = {row["student"]: row for row in csv.DictReader(
        (out / "grades.csv").read_text(encoding="utf-8-sig").splitlines())}
    assert [rows[name]["quiz_score"] for name in ("amy", "ben", "cal")] == ["16.0", "15.0", "16.0"]
    assert (out / "students" / "ben" / "quiz.html").exists()
    gradescope = json.loads((out / "students" / "ben" / "gradescope.json").read_text(encoding="utf-8"))
    assert gradescope["score"] == 115 and gradescope["tests"][-1]["max_score"] == 16
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "xor-two-layers" in index and "67% (2/3)" in index


def test_letters_typed_with_the_korean_keyboard_on_are_read_as_the_keys_latin_letters(tmp_path):
    sheet = build_sheet(BANK, "nn-1", "2024001")
    hangul = {"A": "ㅁ", "B": "ㅠ", "C": "ㅊ", "D": "ㅇ", "E": "ㄷ", "F": "ㄹ"}
    typed, expected = [], 0
    for item in sheet.questions:
        if item.question.type == "single":
            typed.append(hangul[item.answer])
            expected += 1
        elif item.question.type == "multiple":
            typed.append(",".join(hangul[letter] for letter in item.answer))
            expected += 1
        elif item.question.type == "truefalse":
            typed.append("ㅅ" if item.answer else "ㄹ")  # the keys of t and f
            expected += 1
        else:
            typed.append("")
    out = tmp_path / "typed.toml"
    run = grade("quiz", "take", "--student", "2024001", "--out", out, "--lang", "ko", input="\n".join(typed) + "\n")
    assert "읽을 수 없" not in run.stdout and f"1/{len(sheet.questions)} " in run.stdout  # where the student is
    result = json.loads(grade("quiz", "grade", out, "--json").stdout)
    assert sum(q["status"] == "correct" for q in result["questions"]) == expected > 0


def test_the_w5_step_question_states_its_network_instead_of_saying_same_network():
    question = BANK.questions["backprop-w5-step"]
    assert "같은 신경망" not in question.prompt("ko") and "Same network" not in question.prompt("en")
    assert "2-2-2" in question.prompt("ko") and "2-2-2" in question.prompt("en")
