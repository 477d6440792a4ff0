"""`grade course new` and `grade course check`: a new pack of either kind passes; each way of breaking a
pack gives its own problem line and exit 1; a pack's reference is out of reach of student code."""
import shutil
from pathlib import Path

import pytest

from grader.course import load_course
from grader.course.new import TEMPLATE
from grader.errors import GradeError
from helpers import grade_here

pytestmark = pytest.mark.slow  # grades the pack's reference, stubs and models with workers


def grade_cli(*args):
    return grade_here(*args)


def edit(folder: Path, name: str, old: str, new: str) -> None:
    file = folder / name
    text = file.read_text(encoding="utf-8")
    assert old in text, old
    file.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize("source", ["template", "builtin"])
def test_a_new_pack_of_either_kind_passes_its_check(tmp_path, source):
    folder = tmp_path / "course"
    made = grade_cli("course", "new", folder, "--from", source, "--lang", "en")
    assert made.returncode == 0 and str(folder) in made.stdout, made.stderr
    checked = grade_cli("course", "check", folder, "--lang", "en", "--isolation", "process")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    exercises, models = ("1", "2") if source == "template" else ("18", "36")
    assert checked.stdout == (f"Course course is ready. Checked: exercises {exercises}, mistake models {models};"
                              " the reference scores full marks, the stubs zero.\n")
    assert load_course(folder).reference == folder.resolve() / "reference"


def test_course_new_refuses_a_folder_that_is_not_empty(tmp_path):
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    run = grade_cli("course", "new", tmp_path, "--lang", "en")
    assert run.returncode == 2 and run.stderr.startswith(f"{tmp_path} already exists and is not empty")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


EXTRA_MISTAKE = '''
[[exercises.mistakes]]
id = "mae-same"
models = ["mae_same"]
name = { en = "Same", ko = "같음" }
hint = { en = "Same.", ko = "같습니다." }
'''

BROKEN = {
    "reference-wrong": (
        lambda p: edit(p, "reference/losses.py", "return np.mean(np.abs(", "return np.sum(np.abs("),
        "mean_absolute_error: the reference scores 8 of 10 (failed; mistakes named: mae-sum)."),
    "model-unrecognised": (
        lambda p: (edit(p, "exercises.toml", "\n[[exercises.mistakes]]\nid = \"mae-no-abs\"",
                        EXTRA_MISTAKE + "\n[[exercises.mistakes]]\nid = \"mae-no-abs\""),
                   edit(p, "mistake_models.py", "def mae_summed", "def mae_same(y, t):\n"
                        "    return np.mean(np.abs(np.asarray(y, dtype=float) - np.asarray(t, dtype=float)))\n\n\n"
                        "def mae_summed")),
        "mean_absolute_error: a submission made of the model mae_same should be named mae-same, but is named: -."),
    "korean-hint-missing": (
        lambda p: edit(p, "exercises.toml", '"예측값에서 정답을 빼고, 차이를 모두 양수로 만든 다음 평균을 내세요."', '""'),
        "mean_absolute_error: hints[0] has no text in ko."),
    "hidden-plotted": (
        lambda p: (edit(p, "exercises.toml", "hidden = true\n", "hidden = true\nplot = true\n"),
                   edit(p, "exercises.toml", 'aliases = ["MAE", "mae"]', 'aliases = ["MAE", "mae"]\nplot = "bars"')),
        "The exercise catalog is broken: exercises[0] (mean_absolute_error).cases[3]: a hidden case cannot be plotted"
        " (its values are secret)"),
    "wrong-schema": (
        lambda p: edit(p, "course.toml", 'schema = "grade-course/1"', 'schema = "grade-course/9"'),
        "{course}/course.toml is written for another version of the grader: schema = 'grade-course/9', this grader"
        " reads 'grade-course/1'."),
    "no-stub": (
        lambda p: edit(p, "exercises/losses.py", "def mean_absolute_error(", "def mae("),
        "mean_absolute_error: there is no stub of it in {course}/exercises/losses.py."),
}


@pytest.mark.parametrize("breakage", sorted(BROKEN))
def test_a_broken_pack_gives_the_exact_problem_line_and_exit_1(tmp_path, breakage):
    folder = tmp_path / "course"
    shutil.copytree(TEMPLATE, folder)
    breaking, line = BROKEN[breakage]
    breaking(folder)
    run = grade_cli("course", "check", folder, "--lang", "en", "--isolation", "process")
    assert run.returncode == 1, run.stdout + run.stderr
    assert run.stdout.splitlines() == [line.format(course=folder.resolve())], run.stdout
    assert run.stderr == "Problems found in the course: 1.\n", run.stderr
    assert "Traceback" not in run.stderr


def test_the_check_speaks_korean(tmp_path):
    folder = tmp_path / "course"
    shutil.copytree(TEMPLATE, folder)
    BROKEN["korean-hint-missing"][0](folder)
    run = grade_cli("course", "check", folder, "--lang", "ko", "--isolation", "process")
    assert run.returncode == 1 and run.stdout == "mean_absolute_error: hints[0]에 ko 문구가 없습니다.\n", run.stdout
    assert run.stderr == "과목에서 문제를 1개 찾았습니다.\n"


CURIOUS = '''import importlib
import numpy as np


def mean_absolute_error(y, t):
    """Tries every way to the course's reference; returns its answer if one works."""
    for name in ("reference.losses", "losses_reference", {unique!r} + ".losses"):
        try:
            return importlib.import_module(name).mean_absolute_error(y, t)
        except ImportError:
            pass
    try:
        spec = importlib.util.spec_from_file_location("stolen", {file!r})
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module.mean_absolute_error(y, t)
    except (ImportError, OSError, AttributeError):
        raise NotImplementedError
'''


def test_a_packs_reference_cannot_be_reached_by_student_code_in_the_sandbox(tmp_path):
    from grader.catalog.solutions import reference_package
    from grader.grading import Grader
    from grader.submission import open_submission

    folder = tmp_path / "course"
    shutil.copytree(TEMPLATE, folder)
    catalog = load_course(folder).catalog()
    unique = reference_package(catalog.files.reference)  # imported in the grader's process
    student = tmp_path / "student"
    student.mkdir()
    (student / "losses.py").write_text(CURIOUS.format(unique=unique, file=str(catalog.files.reference / "losses.py")),
                                       encoding="utf-8")
    with open_submission(student) as submission:
        result = Grader(catalog=catalog, isolation="bwrap").grade(submission)
    assert result.isolation == "bwrap"
    assert [e.status for e in result.exercises] == ["not-implemented"], result.exercises[0].cases[0].message


def test_check_reports_a_pack_that_cannot_load_as_one_problem(tmp_path):
    from grader.course.check import check_course

    report = check_course(tmp_path / "nowhere")
    assert [p.key for p in report.problems] == ["course.no-folder"]
    with pytest.raises(GradeError):
        load_course(tmp_path / "nowhere")


def test_check_catches_stubs_that_do_not_score_zero(tmp_path, monkeypatch):
    """A stub generator that left a body in place (here: none at all) is caught by grading its stubs."""
    from grader.course import check

    folder = tmp_path / "course"
    shutil.copytree(TEMPLATE, folder)
    monkeypatch.setattr(check, "make_stub", lambda source, name: source)
    report = check.check_course(folder, isolation="process")
    assert [(p.key, p.params) for p in report.problems] == [
        ("course.check-stub-not-zero", {"exercise": "mean_absolute_error", "score": "10"})]


def test_checking_a_student_kit_says_to_check_the_pack_instead(tmp_path):
    from grader.course.check import Problem, check_course
    from grader.kit.build import build_kits

    shutil.copytree(TEMPLATE, tmp_path / "course")
    student, grading = build_kits(load_course(tmp_path / "course"), tmp_path / "dist")
    report = check_course(student)
    assert report.problems == [Problem("course.check-student-kit", {"path": load_course(student).root})]
    assert check_course(grading, isolation="process").problems == []


def test_the_readme_walk_new_check_build_and_grade_a_class(tmp_path):
    """README, "Your own course": an instructor's course from `grade course new` to a graded class."""
    pack, dist = tmp_path / "ml-week1", tmp_path / "dist"
    assert grade_cli("course", "new", pack, "--lang", "en").returncode == 0
    assert grade_cli("course", "check", pack, "--lang", "en", "--isolation", "process").returncode == 0
    assert grade_cli("course", "build", pack, "--out", dist, "--lang", "en").returncode == 0
    assert not (dist / "student" / "reference").exists() and not (dist / "student" / "mistake_models.py").exists()
    submissions = tmp_path / "submissions"
    for student, source in (("alice", pack / "reference" / "losses.py"), ("bob", dist / "student" / "exercises" /
                                                                           "losses.py")):
        (submissions / student).mkdir(parents=True)
        shutil.copyfile(source, submissions / student / "losses.py")
    run = grade_cli("batch", submissions, "--course", dist / "grading", "--assignment", "week-1", "--out",
                    tmp_path / "graded", "--lang", "en", "--isolation", "process")
    assert run.returncode == 0, run.stderr
    rows = (tmp_path / "graded" / "grades.csv").read_text(encoding="utf-8-sig").splitlines()
    assert rows[0].startswith('"student","total","max_score","mean_absolute_error (10)"')
    assert sorted(row.split(",")[:3] for row in rows[1:]) == [['"alice"', "10.0", "10.0"], ['"bob"', "0.0", "10.0"]]
