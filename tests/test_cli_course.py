"""`--course`, `GRADE_COURSE` and `--assignment` as a user meets them: the course's exercises are the ones graded,
the option wins over the environment variable, and an unknown assignment is one line (ko/en) with exit 2."""
import csv
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from grader.course import BUILTIN
from grader.course.new import TEMPLATE
from helpers import grade_here

SECOND_EXERCISE = '''
[[exercises]]
id = "max_absolute_error"
module = "losses"
points = 5
title = { en = "Largest absolute error", ko = "가장 큰 절대 오차" }
summary = { en = "The largest |y - t|.", ko = "가장 큰 |y - t|입니다." }
hints.en = ["Take the absolute differences, then their largest.", "`np.max(np.abs(y - t))`."]
hints.ko = ["차이의 절댓값을 구한 다음 가장 큰 값을 고르세요.", "`np.max(np.abs(y - t))`를 쓰세요."]

[[exercises.cases]]
name = { en = "a small vector", ko = "작은 벡터" }
args = { y = [1.0, 2.0, 3.0], t = [1.5, 2.0, 1.0] }
'''
SECOND_ASSIGNMENT = '''
[[assignments]]
id = "week-2"
title = { en = "Week 2: the largest error", ko = "2주차: 가장 큰 오차" }
exercises = ["max_absolute_error"]
'''
SOLUTION = "\n\ndef max_absolute_error(y, t):\n    return np.max(np.abs(np.asarray(y, dtype=float) - np.asarray(t, dtype=float)))\n"
STUB = "\n\ndef max_absolute_error(y, t):\n    raise NotImplementedError\n"


def grade(*args, cwd=None, **environ):
    """`grade ARGS` in this process (helpers.grade_here: the same exit code, stdout and stderr as the command),
    with GRADE_COURSE only where the test sets it and an English locale."""
    env = {"GRADE_COURSE": None, "LANG": "C.UTF-8", "LC_ALL": "", "LC_MESSAGES": "", "COLUMNS": "200", **environ}
    return grade_here(*args, cwd=cwd, env=env)


@pytest.fixture(scope="module")
def pack(tmp_path_factory) -> Path:
    """The template course with a second exercise and a second assignment (week-2) holding only it."""
    folder = tmp_path_factory.mktemp("course") / "pack"
    shutil.copytree(TEMPLATE, folder)
    for name, text in (("exercises.toml", SECOND_EXERCISE), ("course.toml", SECOND_ASSIGNMENT),
                       ("reference/losses.py", SOLUTION), ("exercises/losses.py", STUB)):
        with open(folder / name, "a", encoding="utf-8") as file:
            file.write(text)
    return folder


def graded(run) -> dict:
    assert run.returncode == 0, run.stderr
    results = json.loads(run.stdout)
    return {e["id"]: e["score"] for e in results["exercises"]}


def test_grade_course_is_honoured_and_grades_the_first_assignment(pack, tmp_path):
    run = grade("submit", pack / "reference", "--json", "--out", tmp_path / "out", GRADE_COURSE=str(pack))
    assert graded(run) == {"mean_absolute_error": 10.0}
    listed = grade("list", "--lang", "en", GRADE_COURSE=str(pack))
    assert "max_absolute_error" in listed.stdout and "sigmoid" not in listed.stdout


def test_the_assignment_option_selects_its_exercises(pack, tmp_path):
    run = grade("submit", pack / "reference", "--json", "--out", tmp_path / "out", "--course", pack,
                "--assignment", "week-2")
    assert graded(run) == {"max_absolute_error": 5.0}


def test_check_grades_any_exercise_of_the_course_by_name(pack):
    run = grade("check", "max_absolute_error", "--path", pack / "reference", "--lang", "en", "--course", pack,
                GRADE_DATA_DIR=str(pack.parent / "data"))
    assert run.returncode == 0, run.stderr
    assert "max_absolute_error" in run.stdout and "5 / 5" in run.stdout.replace(".0", "")


def test_the_option_wins_over_the_environment_variable(pack, tmp_path):
    listed = grade("list", "--lang", "en", "--course", BUILTIN, GRADE_COURSE=str(pack))
    assert listed.returncode == 0 and "sigmoid" in listed.stdout and "max_absolute_error" not in listed.stdout
    # An environment variable naming no course is not even read when the option is given.
    run = grade("submit", pack / "reference", "--json", "--out", tmp_path / "out", "--course", pack,
                GRADE_COURSE=str(tmp_path / "no-such-course"))
    assert graded(run) == {"mean_absolute_error": 10.0}


def test_batch_grades_the_assignment_and_its_columns_only(pack, tmp_path):
    shutil.copytree(pack / "reference", tmp_path / "class" / "alice")
    run = grade("batch", tmp_path / "class", "--out", tmp_path / "out", "--assignment", "week-2", "--lang", "en",
                "--jobs", "1", GRADE_COURSE=str(pack))
    assert run.returncode == 0, run.stderr
    with open(tmp_path / "out" / "grades.csv", encoding="utf-8-sig") as file:
        rows = list(csv.reader(file))
    header = " ".join(rows[0])
    assert "max_absolute_error" in header and "mean_absolute_error" not in header


ARGS = {"submit": ["{tmp}/hw", "--out", "{tmp}/out"], "check": ["--path", "{tmp}/hw"], "watch": ["{tmp}/hw"],
        "progress": [], "batch": ["{tmp}/class", "--out", "{tmp}/out"], "merge": ["{tmp}/class", "--out", "{tmp}/out"]}


@pytest.mark.parametrize("lang,words", [("en", "has no assignment"), ("ko", "과제가 없습니다")])
@pytest.mark.parametrize("command", sorted(ARGS))
def test_an_unknown_assignment_is_one_line_and_exit_2(command, lang, words, tmp_path):
    (tmp_path / "hw").mkdir()
    (tmp_path / "class").mkdir()
    args = [arg.format(tmp=tmp_path) for arg in ARGS[command]]
    run = grade(command, *args, "--assignment", "week-9", "--lang", lang, GRADE_DATA_DIR=str(tmp_path / "data"))
    assert run.returncode == 2 and run.stdout == ""
    assert run.stderr.count("\n") == 1 and words in run.stderr and "week-9" in run.stderr and "nn-1" in run.stderr
    assert not (tmp_path / "out").exists()  # refused before anything is written


def test_a_course_that_is_not_there_is_one_line_and_exit_2(tmp_path):
    run = grade("list", "--lang", "en", "--course", tmp_path / "nowhere")
    assert run.returncode == 2 and run.stdout == "" and run.stderr.count("\n") == 1, run.stderr


@pytest.mark.parametrize("policy", ["never", "always"])
def test_the_courses_solution_policy_is_kept(pack, tmp_path, policy):
    folder = tmp_path / "pack"
    shutil.copytree(pack, folder)
    course_file = folder / "course.toml"
    course_file.write_text(course_file.read_text(encoding="utf-8").replace(
        'solutions = "after-pass"', f'solutions = "{policy}"'), encoding="utf-8")
    run = grade("solution", "mean_absolute_error", "--path", folder / "exercises", "--course", folder,
                "--lang", "en", *(["--force"] if policy == "never" else []), GRADE_DATA_DIR=str(tmp_path / "data"))
    if policy == "never":  # not even with --force
        assert run.returncode == 2 and run.stdout == "" and run.stderr == (
            "This course does not show its solutions: ask your instructor about mean_absolute_error.\n")
    else:  # the stub does not pass, and the solution is shown all the same
        assert run.returncode == 0 and run.stderr == "" and "np.mean(np.abs(" in run.stdout


@pytest.mark.slow  # starts a Jupyter kernel (test_notebook.run, imported here)
def test_the_notebook_api_grades_the_course_grade_course_names(pack, tmp_path, monkeypatch):
    from test_notebook import run

    monkeypatch.setenv("GRADE_COURSE", str(pack))
    monkeypatch.setenv("GRADE_DATA_DIR", str(tmp_path / "data"))
    mae = (pack / "reference" / "losses.py").read_text(encoding="utf-8")
    shown = run(tmp_path, "import grader.notebook as grade\ngrade.lang('en')", mae, "grade.check_all()",
                "grade.course(assignment='week-9')", "print(grade.course(assignment='week-2'))", "grade.check_all()")
    first, unknown, second = shown[2][0], shown[3][0], shown[5][0]
    assert "<code>mean_absolute_error</code>" in first and "max_absolute_error" not in first
    assert "sigmoid" not in first  # the built-in course is not graded
    assert "has no assignment" in unknown and "week-9" in unknown  # one line, no traceback
    assert not any(errors for _, errors in shown)
    assert "<code>max_absolute_error</code>" in second and "<code>mean_absolute_error</code>" not in second


def test_the_gradescope_zip_carries_the_course_and_grades_its_assignment(pack, tmp_path):
    wheel = tmp_path / "grade-0.1.0-py3-none-any.whl"
    wheel.write_bytes(b"stand-in: the test runs the installed grade instead")
    out = tmp_path / "autograder.zip"
    run = grade("gradescope", "build", "--out", out, "--wheel", wheel, "--course", pack, "--assignment", "week-2",
                "--lang", "en")
    assert run.returncode == 0, run.stderr
    root = tmp_path / "autograder"
    with zipfile.ZipFile(out) as archive:
        assert "course/course.toml" in archive.namelist() and "course/reference/losses.py" in archive.namelist()
        archive.extractall(root / "source")
    shutil.copytree(pack / "reference", root / "submission")
    script = root / "source" / "run_autograder"
    script.chmod(0o755)
    ran = subprocess.run([str(script)], capture_output=True, text=True, timeout=120,
                         env=dict(os.environ, GRADESCOPE_ROOT=str(root), GRADE_COMMAND=f"{sys.executable} -m grader"))
    assert ran.returncode == 0, ran.stderr
    results = json.loads((root / "results" / "results.json").read_text(encoding="utf-8"))
    assert results["score"] == 5 and results["tests"]
    assert all("max_absolute_error" in test["name"] for test in results["tests"])


def test_a_course_with_files_outside_its_folder_is_refused_for_gradescope(pack, tmp_path):
    folder = tmp_path / "pack"
    shutil.copytree(pack, folder)
    shutil.move(folder / "reference", tmp_path / "solutions")
    course_file = folder / "course.toml"
    course_file.write_text(course_file.read_text(encoding="utf-8").replace(
        'reference = "reference"', 'reference = "../solutions"'), encoding="utf-8")
    wheel = tmp_path / "grade-0.1.0-py3-none-any.whl"
    wheel.write_bytes(b"x")
    run = grade("gradescope", "build", "--out", tmp_path / "a.zip", "--wheel", wheel, "--course", folder,
                "--lang", "en")
    assert run.returncode == 2 and run.stderr.count("\n") == 1 and "outside the course folder" in run.stderr
    assert not (tmp_path / "a.zip").exists()


def test_the_quiz_commands_take_the_course_and_its_assignment(pack, tmp_path):
    run = grade("quiz", "sheet", "--student", "kim", "--assignment", "week-9", "--lang", "en", cwd=tmp_path)
    assert run.returncode == 2 and run.stderr.count("\n") == 1 and "week-9" in run.stderr
    run = grade("quiz", "sheet", "--student", "kim", "--course", pack, "--lang", "en", cwd=tmp_path)
    assert run.returncode == 2 and run.stderr.count("\n") == 1  # the pack has no quiz bank: said in one line
    assert list(tmp_path.iterdir()) == []
    run = grade("quiz", "sheet", "--student", "kim", "--course", BUILTIN, "--lang", "en", GRADE_COURSE=str(pack),
                cwd=tmp_path)
    assert run.returncode == 0, run.stderr  # --course wins over GRADE_COURSE here too
