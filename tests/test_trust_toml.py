"""Every TOML file the grader writes reads back as what it wrote, whatever a student's name or answer holds.

A student id comes from the command line (`grade quiz take --student ...`) or a folder name: it may hold any
character a terminal or a file system lets through, control characters and DEL included, and a byte that is not
UTF-8 arrives as a lone surrogate. TOML 1.0 forbids the control characters U+0000-U+001F (but tab) and U+007F raw
in a string, and a lone surrogate cannot be written in UTF-8 at all. One writer (grader.kit.toml_write) escapes
all of them; a lone surrogate is written as U+FFFD, the character the grader shows for a byte that is not UTF-8
everywhere (grader.class_folder.student_id), and a quiz's student id is read that way before any sheet is made,
so the sheet, the answers file and a class batch all agree on whose sheet it is.
"""
import random
import tomllib

import pytest

from grader.kit import toml_write
from grader.quiz.bank import load_bank
from grader.quiz.kit import answer_key, questions_only
from grader.quiz.answers_file import answers_toml, parse_answers
from grader.quiz.marking import grade_answers
from grader.quiz.sheet import build_sheet
from helpers import grade_here

BANK = load_bank()
# Every character TOML treats specially, and neighbours that must pass through untouched.
AWKWARD = ([chr(code) for code in range(0x20)] + ["\x7f", *map(chr, range(0x80, 0xA0)), '"', "\\", "'", "=", "#",
           "[", "]", "{", "}", ".", " ", "\u2028", "\u2029", "\ufeff", "\ufffe", "\uffff", "\U0001f600", "김",
           "\u1100\u1161", "é", "\u0301", "\\u0041", "\\n", '"""', "'''"])


def _words(seed: int, count: int) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(AWKWARD + ["a", "Z", "7"]) for _ in range(rng.randint(1, 12))) for _ in range(count)]


def test_every_awkward_character_alone_round_trips_as_a_value_and_as_a_key():
    for character in AWKWARD:
        data = {"student": character, "answers": {character: [character, 1.5, True], f"k{character}": character}}
        assert tomllib.loads(toml_write.dumps(data)) == data, repr(character)


def test_random_names_and_answers_of_awkward_characters_round_trip():
    for seed in range(200):
        words = _words(seed, 6)
        data = {"student": words[0], "quiz": words[1], "answers": {words[2]: words[3], words[4]: [words[5], "B"]}}
        assert tomllib.loads(toml_write.dumps(data)) == data, repr(data)


def test_a_key_that_ends_in_a_newline_is_quoted_not_written_bare():
    """`$` in a regular expression also matches before a final newline: `abc\\n` is no bare key."""
    for key in ("abc\n", "a-b_c\n", "x\r\n"):
        assert tomllib.loads(toml_write.dumps({key: 1, "t": {key: 2}})) == {key: 1, "t": {key: 2}}


def test_a_lone_surrogate_is_written_as_the_replacement_character():
    text = toml_write.dumps({"student": "kim\udcffmin", "t": {"k\ud800": "\udfff"}})
    assert tomllib.loads(text.encode("utf-8").decode("utf-8")) == {"student": "kim\ufffdmin",
                                                                      "t": {"k\ufffd": "\ufffd"}}


@pytest.mark.parametrize("student", ["del\x7fname", "bell\x07", "nul\x00", "line\nbreak", "cr\r", "esc\x1b[31m",
                                     "김민준\x7f", "tab\tok", "quote\"back\\slash"])
def test_an_answers_file_for_any_student_name_reads_back_as_that_student(student):
    sheet = build_sheet(BANK, "nn-1", student)
    key = answer_key(sheet)
    text = answers_toml(sheet, key)
    answers = parse_answers(text.encode("utf-8"), "answers.toml")
    assert (answers.student, answers.quiz, answers.answers) == (student, "nn-1", tomllib.loads(text)["answers"])
    graded = grade_answers(build_sheet(BANK, answers.quiz, answers.student), answers, "en")
    assert graded.score == graded.max_score  # the key read back is the key: every answer right


def test_answer_texts_of_awkward_characters_round_trip_through_the_answers_file():
    sheet = build_sheet(BANK, "nn-1", "2024001")
    ids = [item.question.id for item in sheet.questions]
    for seed in range(50):
        words = _words(1000 + seed, len(ids))
        given = {qid: (word if n % 3 else [word, word[::-1]]) for n, (qid, word) in enumerate(zip(ids, words))}
        answers = parse_answers(answers_toml(sheet, given).encode("utf-8"), "answers.toml")
        assert answers.answers == given


def test_the_student_kit_bank_is_written_by_the_same_writer_and_reads_back(tmp_path):
    text = questions_only(BANK)
    data = tomllib.loads(text)
    assert data["has_answers"] is False and set(data["quizzes"]) == set(BANK.quizzes)
    assert {q["id"] for q in data["questions"]} == set(BANK.questions)
    assert not any("answer" in q or "explanation" in q for q in data["questions"])


def test_quiz_take_with_a_name_holding_del_and_a_byte_that_is_not_utf8_writes_a_file_quiz_grade_reads(tmp_path):
    """The command line as a shell passes it: `--student` with DEL and the byte 0xff (not UTF-8)."""
    import os

    out = tmp_path / "answers.toml"
    student = os.fsdecode(b"kim\x7fmin\xff")
    run = grade_here("quiz", "take", "--student", student, "--out", out, "--lang", "en", input="",
                     env={"LANG": "C.UTF-8"})
    assert run.returncode == 0, run.stderr
    data = tomllib.loads(out.read_text(encoding="utf-8"))
    assert data["student"] == "kim\x7fmin\ufffd"
    key = tmp_path / "key.toml"
    run = grade_here("quiz", "key", "--student", student, "--out", key, "--lang", "en", env={"LANG": "C.UTF-8"})
    assert run.returncode == 0, run.stderr
    graded = grade_here("quiz", "grade", key, "--json", env={"LANG": "C.UTF-8"})
    assert graded.returncode == 0, graded.stderr
    import json

    summary = json.loads(graded.stdout)
    # The key was made for the very sheet the grader rebuilds from the id in the file: every answer right.
    assert summary["student"] == "kim\x7fmin\ufffd" and summary["score"] == summary["max_score"] > 0


def test_grading_an_answers_file_whose_student_id_holds_markup_and_escapes_prints_it_as_text(tmp_path):
    """The id inside an answers file is the student's text: rich markup (`[/bold]` once ended the command in a
    traceback) and terminal escape sequences are shown inert, never interpreted."""
    path = tmp_path / "answers.toml"
    path.write_text(toml_write.dumps({"student": "[/bold][red]kim\x1b[31m\x1b]0;title\x07", "quiz": "nn-1",
                                      "answers": {}}, inline_tables=False), encoding="utf-8")
    run = grade_here("quiz", "grade", path, "--lang", "en", env={"LANG": "C.UTF-8", "COLUMNS": "200"})
    assert run.returncode == 0 and "Traceback" not in run.stderr, run.stderr
    assert "[/bold][red]kim" in run.stdout and "\x1b" not in run.stdout and "\x07" not in run.stdout


def test_an_answer_holding_terminal_escapes_is_shown_inert_in_every_report(tmp_path):
    """An answer is the student's text too: `grade quiz grade` prints it to the instructor's terminal."""
    path = tmp_path / "answers.toml"
    path.write_text(toml_write.dumps({"student": "amy", "quiz": "nn-1", "answers": {
        "sigmoid-range": "\x1b]0;pwned\x07\x1b[31mZed", "sigmoid-value": ["\x1b[2J", "[/bold]"]}}, inline_tables=False),
        encoding="utf-8")
    run = grade_here("quiz", "grade", path, "--lang", "en", "--out", tmp_path / "out",
                     env={"LANG": "C.UTF-8", "COLUMNS": "200"})
    assert run.returncode == 0 and "Traceback" not in run.stderr, run.stderr
    assert "\x1b" not in run.stdout and "\x07" not in run.stdout and "[/bold]" in run.stdout
    for name in ("quiz.md", "quiz.html", "quiz-results.json"):
        text = (tmp_path / "out" / name).read_text(encoding="utf-8")
        assert "\x1b" not in text and "\\u001b" not in text and "pwned" not in text and "Zed" in text, name


def test_a_header_of_any_text_stays_a_comment():
    """A header is made from course data (a course's id): a control character, DEL or a line break in it never
    ends the comment or makes the file unreadable."""
    header = "kit of course a\x7fb\x00c\rid = 1\x0bx\x1c\u2028y\x85z"
    data = {"x": 1}
    assert tomllib.loads(toml_write.dumps(data, header)) == data
