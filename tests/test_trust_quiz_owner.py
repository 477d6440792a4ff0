"""A student hands in an answers file that names someone else (another student's answer key, or their own id
written differently): the quiz is graded as the folder's owner, on the owner's own sheet, never as the id written
inside; the student's quiz report says so, and the instructor is told at the end of the batch."""
import html
import json
import re
from pathlib import Path

import pytest
from helpers import grade_here

from grader.batch_run import run_batch
from grader.class_folder import Entry
from grader.course import builtin_course
from grader.gradebook import Gradebook
from grader.grading import BatchItem
from grader.i18n import Messages
from grader.quiz.assigned import AssignedQuiz, other_owner_note
from grader.quiz.bank import load_bank
from grader.quiz.kit import answer_key
from grader.quiz.answers_file import answers_toml, parse_answers
from grader.quiz.marking import grade_answers
from grader.quiz.sheet import build_sheet
from tests.test_batch import reference_student
from tests.test_batch_containment import ScriptedGrader, real_result

BANK = load_bank()


def key_of(student: str) -> bytes:
    sheet = build_sheet(BANK, "nn-1", student)
    return answers_toml(sheet, answer_key(sheet)).encode("utf-8")


def test_another_students_key_is_graded_on_the_owners_sheet_never_as_the_id_inside():
    assigned = AssignedQuiz.of(builtin_course())
    amy_key = key_of("amy")
    graded = assigned.grade("ben", ("answers.toml", amy_key), "en")
    assert graded.student == "ben" and graded.problem == ""
    # Exactly what Amy's answers earn on Ben's sheet: the numbers and choice order are Ben's.
    on_bens_sheet = grade_answers(build_sheet(BANK, "nn-1", "ben"), parse_answers(amy_key, "a.toml"), "en")
    assert graded.score == on_bens_sheet.score < graded.max_score
    assert graded.named == "amy" and "amy" in graded.note and "ben" in graded.note
    own = assigned.grade("amy", ("answers.toml", amy_key), "en")
    assert (own.score, own.named, own.note) == (own.max_score, "", "")


def test_an_id_written_in_nfd_or_with_a_byte_that_is_not_utf8_is_the_same_student():
    """`김민준` typed on a Mac (NFD) is the folder's `김민준` (NFC): no note, full marks."""
    import unicodedata

    assigned = AssignedQuiz.of(builtin_course())
    text = key_of("김민준").decode("utf-8").replace("김민준", unicodedata.normalize("NFD", "김민준"))
    graded = assigned.grade("김민준", ("answers.toml", text.encode("utf-8")), "ko")
    assert (graded.score, graded.named, graded.note) == (graded.max_score, "", "")


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_a_batch_grades_the_folders_owner_reports_it_and_tells_the_instructor(tmp_path, lang):
    for student, key in (("amy", "amy"), ("ben", "amy"), ("cal", "cal")):
        folder = tmp_path / "class" / student
        folder.mkdir(parents=True)
        (folder / "answers.toml").write_bytes(key_of(key))
    items = {n: (lambda p, n=n: BatchItem(p, result=real_result(n))) for n in ("amy", "ben", "cal")}
    out = tmp_path / "out"
    with Gradebook.in_folder(out) as book:
        summary = run_batch(ScriptedGrader(items), [Entry(n, tmp_path / "class" / n) for n in items], out, book,
                            "c", "s", 1, lang, quiz=AssignedQuiz.of(builtin_course()))
        attempts = {attempt.student: attempt for attempt in book.latest_attempts()}
    assert attempts["amy"].quiz.score == attempts["cal"].quiz.score == 16
    assert attempts["ben"].quiz.score < 16 and attempts["ben"].quiz.error is None  # graded, as Ben
    assert summary.other_owner == [("ben", "amy")]
    report = out / "students" / "ben"
    note = json.loads((report / "quiz-results.json").read_text(encoding="utf-8"))["note"]
    assert "amy" in note and note in html.unescape((report / "quiz.html").read_text(encoding="utf-8"))
    assert note in (report / "quiz.md").read_text(encoding="utf-8").replace("\\", "")
    assert json.loads((out / "students" / "amy" / "quiz-results.json").read_text(encoding="utf-8"))["note"] == ""
    quiz_tests = {name: json.loads((out / "students" / name / "gradescope.json").read_text(encoding="utf-8"))["tests"][-1]
                  for name in ("amy", "ben")}  # Gradescope shows the student the same note, first in the quiz's test
    assert quiz_tests["ben"]["output"].splitlines()[0] == note and "amy" not in quiz_tests["amy"]["output"]
    line = other_owner_note(summary.other_owner, Messages(lang))
    assert "ben (amy)" in line and ("폴더" in line if lang == "ko" else "folder" in line)
    if lang == "ko":
        assert not re.search(r"[A-Za-z]{2,}", line.replace("ben (amy)", "")), line


def test_the_batch_command_prints_the_note_for_the_instructor(tmp_path):
    classroom = tmp_path / "class"
    for student, key in (("amy", "amy"), ("ben", "amy")):
        (reference_student(classroom, student) / "answers.toml").write_bytes(key_of(key))
    run = grade_here("batch", classroom, "--out", tmp_path / "out", "--lang", "en", env={"LANG": "C.UTF-8"})
    assert run.returncode == 0, run.stderr
    assert "ben (amy)" in run.stdout + run.stderr
