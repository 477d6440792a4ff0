"""The LMS in and out: rosters, Moodle's and Canvas's download layouts, and the grade files each imports."""
import os
import shutil
import zipfile
from pathlib import Path

import pytest

from conftest import FIXTURES, ROOT
from grader.errors import GradeError
from grader.gradebook import Gradebook
from grader.lms import open_class, record_missing
from grader.lms.export import FORMATS, export_grades
from grader.lms.layouts import detect
from grader.lms.roster import Claim, read_roster
from grader.results import ExerciseResult, Status, SubmissionResult
from helpers import grade_here

GOLDEN = FIXTURES / "lms"
STUBS = ROOT / "exercises"
REFERENCE = ROOT / "reference"


def grade(*args, cwd=None):
    return grade_here(*args, cwd=cwd, env={"LANG": "C.UTF-8", "LC_ALL": "", "LC_MESSAGES": "", "COLUMNS": "120"})


def roster_file(tmp_path, text=None):
    path = tmp_path / "roster.csv"
    path.write_text(text or "학번,이름,이메일,Moodle ID,Canvas ID,Section\n"
                            "2024001,Kim Minjun,kim@u.ac.kr,101,9001,A\n"
                            "2024002,Lee Seoyeon,lee@u.ac.kr,102,9002,A\n"
                            "2024003,Choi Yuna,choi@u.ac.kr,103,9003,B\n", encoding="utf-8")
    return path


def moodle_download(root: Path) -> Path:
    """Moodle 4.x's layout (one folder per participant) with a 3.x folder (trailing `_`) and online text."""
    folder = root / "moodle"
    kim = folder / "Kim Minjun_101_assignsubmission_file"
    lee = folder / "Lee Seoyeon_102_assignsubmission_file_" / "hw"
    text = folder / "Kim Minjun_101_assignsubmission_onlinetext"
    for path in (kim, lee, text):
        path.mkdir(parents=True)
    for name in ("activations.py", "losses.py"):
        shutil.copyfile(REFERENCE / name, kim / name)
    shutil.copyfile(STUBS / "activations.py", lee / "activations.py")
    (text / "onlinetext.html").write_text("<p>done</p>", encoding="utf-8")
    return folder


def canvas_download(root: Path) -> Path:
    """Canvas's flat files: `name[_LATE]_userid_attachmentid_original`, a re-upload renamed `-1`."""
    folder = root / "canvas"
    folder.mkdir()
    shutil.copyfile(REFERENCE / "activations.py", folder / "kimminjun_9001_5551_activations-1.py")
    # losses imports a sibling by its original name: the prefix must come off for that to work
    (folder / "kimminjun_9001_5552_losses.py").write_text(
        "from activations import softmax\n" + (REFERENCE / "losses.py").read_text(encoding="utf-8"), encoding="utf-8")
    shutil.copyfile(STUBS / "activations.py", folder / "leeseoyeon_LATE_9002_5553_activations.py")
    return folder


def test_the_layouts_are_detected(tmp_path):
    assert detect(moodle_download(tmp_path)) == "moodle"
    assert detect(canvas_download(tmp_path)) == "canvas"
    assert detect(ROOT / "tests" / "fixtures" / "mistakes") == "folders"


def test_a_moodle_download_is_one_entry_per_student_named_by_roster_id(tmp_path):
    with open_class(moodle_download(tmp_path), "auto", roster_file(tmp_path)) as given:
        assert given.layout == "moodle"
        entries = sorted(p.name for p in given.folder.iterdir())
        assert entries == ["2024001", "2024002"]
        assert sorted(p.name for p in (given.folder / "2024001").iterdir()) == ["activations.py", "losses.py"]
        assert (given.folder / "2024002" / "hw" / "activations.py").is_file()
        assert [s.student_id for s in given.linking.missing] == ["2024003"]
        assert given.linking.unknown == []


def test_the_moodle_zip_reads_as_its_folder(tmp_path):
    folder = moodle_download(tmp_path)
    archive = tmp_path / "course-HW1-42.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for path in folder.rglob("*"):
            if path.is_file():
                zf.write(path, path.relative_to(folder).as_posix())
    with open_class(archive, "moodle", roster_file(tmp_path)) as given:
        assert sorted(p.name for p in given.folder.iterdir()) == ["2024001", "2024002"]


def test_a_canvas_download_groups_files_takes_prefixes_off_and_notes_late(tmp_path):
    with open_class(canvas_download(tmp_path), "auto", roster_file(tmp_path)) as given:
        assert given.layout == "canvas"
        assert sorted(p.name for p in (given.folder / "2024001").iterdir()) == ["activations.py", "losses.py"]
        assert given.late == ["2024002"]


def test_without_a_roster_students_keep_the_lms_name_and_id(tmp_path):
    with open_class(moodle_download(tmp_path), "moodle", None) as given:
        assert sorted(p.name for p in given.folder.iterdir()) == ["Kim Minjun_101", "Lee Seoyeon_102"]


def test_roster_links_by_id_then_email_then_name_and_never_guesses_between_namesakes(tmp_path):
    roster = read_roster(roster_file(tmp_path, "Student ID,Name,Email\n1,Kim Minjun,k@x\n2,Lee Seoyeon,l@x\n"
                                               "3,Park Jiho,p1@x\n4,Park Jiho,p2@x\n"))
    linking = roster.link([Claim("1"), Claim("l@x"), Claim("kim_minjun", "KIM MINJUN"), Claim("park jiho"),
                           Claim("nobody")])
    assert linking.linked["1"].student_id == "1" and linking.linked["l@x"].student_id == "2"
    assert "kim_minjun" in linking.unknown  # student 1 already has a submission: no second one
    assert "park jiho" in linking.unknown and "nobody" in linking.unknown
    assert [s.student_id for s in linking.missing] == ["3", "4"]


def test_a_roster_in_cp949_as_korean_excel_saves_it(tmp_path):
    path = tmp_path / "roster.csv"
    path.write_bytes("학번,이름\n2024001,김민준\n".encode("cp949"))
    assert read_roster(path).students[0].name == "김민준"


def test_a_roster_without_an_id_column_is_one_clear_error(tmp_path):
    with pytest.raises(GradeError) as caught:
        read_roster(roster_file(tmp_path, "name,email\nKim,k@x\n"))
    assert caught.value.key == "workflow.roster-no-id"


def test_a_roster_the_csv_module_refuses_is_one_clear_error(tmp_path):
    with pytest.raises(GradeError) as caught:  # a cell over the csv module's field limit, well under the size cap
        read_roster(roster_file(tmp_path, f"학번,이름\n2024001,{'x' * 200_000}\n"))
    assert caught.value.key == "workflow.roster-unreadable"


def test_a_file_name_that_would_leave_the_students_folder_is_not_copied(tmp_path):
    folder = tmp_path / "canvas"
    folder.mkdir()
    shutil.copyfile(REFERENCE / "activations.py", folder / "kim_9001_1_activations.py")
    (folder / "kim_9001_2_..").write_text("def relu(x):\n    return x\n", encoding="utf-8")  # names a parent
    with open_class(folder, "canvas") as given:
        written = sorted(p.relative_to(given.folder).as_posix() for p in given.folder.rglob("*"))
        assert written == ["kim_9001", "kim_9001/activations.py"]


def test_a_link_in_a_download_is_never_followed(tmp_path):
    secret = tmp_path / "secret.py"
    secret.write_text("TOKEN = 'instructor only'\n", encoding="utf-8")
    folder = moodle_download(tmp_path)
    (folder / "Kim Minjun_101_assignsubmission_file" / "stolen.py").symlink_to(secret)
    with open_class(folder, "moodle") as given:
        copied = given.folder / "Kim Minjun_101"
        assert sorted(p.name for p in copied.iterdir()) == ["activations.py", "losses.py"]


def test_an_unknown_layout_is_one_clear_error(tmp_path):
    with pytest.raises(GradeError) as caught:
        with open_class(tmp_path, "blackboard"):
            pass
    assert caught.value.key == "workflow.unknown-layout"


def test_batch_with_a_roster_lists_who_handed_in_nothing_and_grades_them_zero(tmp_path):
    run = grade("batch", moodle_download(tmp_path), "--out", tmp_path / "out", "--roster", roster_file(tmp_path))
    assert run.returncode == 0, run.stderr
    assert "2 of 3" in run.stdout and "2024003 (Choi Yuna)" in run.stdout
    import csv

    rows = list(csv.reader((tmp_path / "out" / "grades.csv").read_text(encoding="utf-8-sig").splitlines()))
    students = {row[0]: row for row in rows[1:]}
    assert {"2024001", "2024002", "2024003"} <= set(students)
    assert "no submission" in students["2024003"] and float(students["2024003"][1]) == 0
    again = grade("batch", moodle_download(tmp_path / "again"), "--out", tmp_path / "out",
                  "--roster", roster_file(tmp_path))
    with Gradebook.in_folder(tmp_path / "out") as gradebook:
        assert len(gradebook.history("2024003")) == 1  # a re-run adds no second "no submission"
    assert "2 unchanged" in again.stdout


def _class_gradebook(folder: Path) -> None:
    def result(score):
        return SubmissionResult("x", "bwrap", [ExerciseResult("relu", Status.PASSED if score == 10 else Status.FAILED,
                                                              score, 10.0, [], [])])
    with Gradebook.in_folder(folder) as gradebook:
        gradebook.record("2024001", "h1", "c", result(10.0), graded_at="2026-01-01T00:00:00+09:00")
        gradebook.record("2024002", "h2", "c", result(7.5), graded_at="2026-01-01T00:00:00+09:00")
        gradebook.record("=cmd|'/c calc'!A1", "h4", "c", result(2.0), graded_at="2026-01-01T00:00:00+09:00")
        record_missing(gradebook, read_roster(roster_file(folder)).link([]).missing[2:], "c", "s", 10.0, "no submission")


@pytest.mark.parametrize("fmt", FORMATS)
def test_each_export_matches_its_golden_file(tmp_path, fmt):
    _class_gradebook(tmp_path)
    assignment = {"canvas": "HW1 (1234)", "blackboard": "HW1|_55_1"}.get(fmt, "HW1")
    written, count = export_grades(tmp_path, fmt, read_roster(roster_file(tmp_path)), assignment, "en")
    golden = GOLDEN / written.name
    if os.environ.get("GRADE_UPDATE_GOLDEN"):
        golden.write_bytes(written.read_bytes())
    assert count == 4 and written.read_bytes() == golden.read_bytes()


def test_export_of_a_folder_without_a_gradebook_is_one_line(tmp_path):
    run = grade("export", tmp_path, "--format", "canvas")
    assert run.returncode == 2 and len(run.stderr.strip().splitlines()) == 1 and "Traceback" not in run.stderr
    run = grade("export", tmp_path, "--format", "d2l")
    assert run.returncode == 2 and "moodle, canvas, blackboard, gradescope-csv" in run.stderr


def test_names_from_the_class_in_batch_notes_print_as_themselves():
    """A file, a late student or a roster name holding an escape sequence cannot drive the instructor's terminal."""
    from types import SimpleNamespace

    from grader.class_notes import roster_notes
    from grader.i18n import Messages

    evil = "evil\x1b[2J\x1b]0;owned\x07.txt"
    linking = SimpleNamespace(linked=[], missing=[SimpleNamespace(student_id="2024\x1b[31m", name="kim\u202e")],
                              unknown=[evil])
    given = SimpleNamespace(skipped=[evil], late=[evil], linking=linking)
    notes = roster_notes(given, Messages("en"))
    assert len(notes) == 5 and evil not in "".join(note.text for note in notes)
    assert all(ch not in note.text for note in notes for ch in "\x1b\x07\u202e") and "evil.txt" in notes[0].text
