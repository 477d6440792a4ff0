"""Grading a class with `grade batch`: every student once, nothing lost, nothing graded twice for nothing."""
import csv
import json
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from grader.class_folder import discover, in_shard, parse_shard
from grader.errors import GradeError
from grader.gradebook import Gradebook
from helpers import copy_reference, grade_here

# One test process runs this file: its module fixture (graded_classroom) is made once, not once per process.
pytestmark = pytest.mark.xdist_group("batch")

ROOT = Path(__file__).resolve().parent.parent


def grade(*args, check=True, cwd=None):
    run = grade_here(*args, cwd=cwd, env={"LANG": "C.UTF-8"})
    if check:
        assert run.returncode == 0, run.stderr
    return run


def reference_student(folder: Path, name: str, extra: str = "") -> Path:
    target = copy_reference(folder / name)
    if extra:
        with open(target / "activations.py", "a", encoding="utf-8") as handle:
            handle.write("\n\n" + extra)
    return target


@pytest.fixture
def classroom(tmp_path):
    return make_classroom(tmp_path)


def make_classroom(tmp_path: Path) -> Path:
    """Four students (Hangul, a space, a stub, a broken zip) and three things that are not submissions."""
    folder = tmp_path / "class"
    reference_student(folder, "김민준")
    reference_student(folder, "alice smith", "def sigmoid(x):\n    return 1 / (1 + np.exp(x))\n")
    shutil.copytree(ROOT / "exercises", folder / "bob")
    (folder / "carol.zip").write_bytes(b"not a zip at all")
    (folder / ".DS_Store").write_bytes(b"\0")
    (folder / "__MACOSX").mkdir()
    (folder / "roster.csv").write_text("name\n", encoding="utf-8")
    return folder


def read_grades(out: Path) -> list[dict]:
    raw = (out / "grades.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read UTF-8
    return list(csv.DictReader(raw.decode("utf-8-sig").splitlines()))


@pytest.fixture(scope="module")
def graded_classroom(tmp_path_factory):
    """The classroom graded once with `--lang en --jobs 2`, for the tests that only read what came out."""
    top = tmp_path_factory.mktemp("graded")
    folder = make_classroom(top)
    return grade("batch", folder, "--out", top / "out", "--lang", "en", "--jobs", "2"), top / "out"


def test_a_class_is_graded_in_one_command(graded_classroom):
    run, out = graded_classroom
    assert "Skipped (not a submission): .DS_Store, __MACOSX, roster.csv" in run.stderr
    assert "3 graded, 0 unchanged and kept, 1 unreadable" in run.stdout
    rows = {row["student"]: row for row in read_grades(out)}
    assert list(rows) == ["alice smith", "bob", "carol", "김민준"]
    assert rows["김민준"]["total"] == "100.0" and rows["bob"]["total"] == "0.0"
    assert float(rows["alice smith"]["sigmoid (12)"]) < 12 and rows["alice smith"]["relu (10)"] == "10.0"
    assert "not a readable zip" in rows["carol"]["not_graded_reason"] and rows["carol"]["max_score"] == "100.0"
    for student in ("김민준", "alice smith", "bob", "carol"):
        names = sorted(p.name for p in (out / "students" / student).iterdir())
        assert names == ["gradescope.json", "report.html", "report.md", "results.json"]
    assert "not a readable zip" in (out / "students" / "carol" / "report.html").read_text(encoding="utf-8")
    index = (out / "index.html").read_text(encoding="utf-8")
    assert 'href="students/%EA%B9%80%EB%AF%BC%EC%A4%80/report.html"' in index
    assert 'href="students/alice%20smith/report.html"' in index
    assert "sigmoid-sign" in index and "alice smith" in index and "<svg" in index


def test_gradescope_results_follow_its_format(graded_classroom):
    _, out = graded_classroom
    results = json.loads((out / "students" / "alice smith" / "gradescope.json").read_text(encoding="utf-8"))
    own = json.loads((out / "students" / "alice smith" / "results.json").read_text(encoding="utf-8"))
    assert results["score"] == own["score"] and len(results["tests"]) == 17
    assert sum(test["score"] for test in results["tests"]) == pytest.approx(results["score"])
    sigmoid = next(test for test in results["tests"] if "(sigmoid)" in test["name"])
    assert set(sigmoid) >= {"name", "score", "max_score", "status", "output", "visibility"}
    assert sigmoid["status"] == "failed" and sigmoid["max_score"] == 12 and "exponent" in sigmoid["output"]


def test_an_unchanged_class_is_not_graded_again_and_history_is_kept(classroom, tmp_path):
    out = tmp_path / "out"
    grade("batch", classroom, "--out", out, "--lang", "en")
    again = grade("batch", classroom, "--out", out, "--lang", "en")
    assert "0 graded, 4 unchanged and kept" in again.stdout
    with open(classroom / "bob" / "activations.py", "a", encoding="utf-8") as handle:
        handle.write("\n\ndef relu(x):\n    return np.maximum(0, x)\n")
    third = grade("batch", classroom, "--out", out, "--lang", "en")
    assert "1 graded, 3 unchanged and kept" in third.stdout
    with Gradebook.in_folder(out) as gradebook:
        assert [attempt.score for attempt in gradebook.history("bob")] == [0.0, 10.0]
        assert [attempt.score for attempt in gradebook.history("김민준")] == [100.0]
    assert {row["student"]: row["total"] for row in read_grades(out)}["bob"] == "10.0"


def test_a_batch_killed_midway_loses_nothing_and_finishes_on_the_next_run(tmp_path):
    folder = tmp_path / "class"
    slow = "import time\ntime.sleep(0.4)\n"  # each student takes a while to load
    for index in range(10):
        reference_student(folder, f"student{index:02d}", slow)
    out = tmp_path / "out"
    process = subprocess.Popen([sys.executable, "-m", "grader", "batch", str(folder), "--out", str(out), "--jobs", "1"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    database = out / "gradebook.sqlite"
    deadline = time.monotonic() + 120
    recorded = 0
    while time.monotonic() < deadline and recorded < 3:
        time.sleep(0.1)
        if database.exists():
            try:
                with sqlite3.connect(database) as db:
                    recorded = db.execute("SELECT COUNT(*) FROM attempts").fetchone()[0]
            except sqlite3.OperationalError:  # the batch has created the file but not yet its tables
                continue
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert 3 <= recorded < 10
    with sqlite3.connect(database) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        before = db.execute("SELECT COUNT(*) FROM attempts").fetchone()[0]
    rerun = grade("batch", folder, "--out", out, "--lang", "en", "--jobs", "2")
    assert f"{10 - before} graded, {before} unchanged and kept" in rerun.stdout
    rows = read_grades(out)
    assert sorted(row["student"] for row in rows) == [f"student{i:02d}" for i in range(10)]
    assert all(row["total"] == "100.0" for row in rows)


EXTRA = '''
[[exercises]]
id = "relu"
points = 20

[[exercises.cases]]
name = { en = "instructor's hidden case", ko = "강사의 숨은 케이스" }
args = { x = [-7.0, 7.0] }
hidden = true
'''


def test_an_instructors_catalog_adds_hidden_cases_and_changes_points(classroom, tmp_path):
    extra = tmp_path / "extra.toml"
    extra.write_text(EXTRA, encoding="utf-8")
    out = tmp_path / "out"
    grade("batch", classroom, "--out", out, "--catalog", extra)
    rows = {row["student"]: row for row in read_grades(out)}
    assert rows["김민준"]["total"] == "110.0" and rows["김민준"]["relu (20)"] == "20.0"
    relu = next(e for e in json.loads((out / "students" / "김민준" / "results.json").read_text(encoding="utf-8"))["exercises"]
                if e["id"] == "relu")
    hidden = relu["cases"][-1]
    assert hidden["name"] == "instructor's hidden case" and hidden["hidden"] and hidden["given"] == {}
    # A changed catalog is a reason to grade again, even for unchanged submissions.
    assert "3 graded" in grade("batch", classroom, "--out", out).stdout


def test_an_unknown_exercise_in_an_instructors_catalog_is_a_one_line_error(classroom, tmp_path):
    extra = tmp_path / "extra.toml"
    extra.write_text('[[exercises]]\nid = "sigmod"\npoints = 3\n', encoding="utf-8")
    run = grade("batch", classroom, "--out", tmp_path / "out", "--catalog", extra, "--lang", "en", check=False)
    assert run.returncode == 2 and "unknown exercise id 'sigmod'" in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1 and "Traceback" not in run.stderr


def test_shards_split_the_class_and_merge_into_one_gradebook(classroom, tmp_path):
    students = [entry.student for entry in discover(classroom).entries]
    slices = [[s for s in students if in_shard(s, (k, 3))] for k in (1, 2, 3)]
    assert sorted(sum(slices, [])) == sorted(students)  # each student in exactly one shard
    for k in (1, 2, 3):
        grade("batch", classroom, "--out", tmp_path / f"shard{k}", "--shard", f"{k}/3")
        assert sorted(row["student"] for row in read_grades(tmp_path / f"shard{k}")) == sorted(slices[k - 1])
    run = grade("merge", tmp_path / "shard1", tmp_path / "shard2", tmp_path / "shard3", "--out", tmp_path / "all",
                "--lang", "en")
    assert "Merged 4 new attempts from 3 folders" in run.stdout
    rows = read_grades(tmp_path / "all")
    assert sorted(row["student"] for row in rows) == sorted(students)
    assert (tmp_path / "all" / "students" / "김민준" / "report.html").exists()
    again = grade("merge", tmp_path / "shard1", tmp_path / "shard2", tmp_path / "shard3", "--out", tmp_path / "all")
    assert "Merged 0 new attempts" in again.stdout and len(read_grades(tmp_path / "all")) == 4


@pytest.mark.parametrize("args, message", [
    (["batch", "nowhere", "--out", "o"], "nowhere does not exist"),
    (["batch", "README.md", "--out", "o"], "README.md is not a folder"),
    (["batch", "{empty}", "--out", "o"], "holds no submission"),
    (["batch", "exercises", "--out", "o", "--shard", "4/3"], "Shard '4/3' is not K/N"),
    (["merge", "exercises", "--out", "o"], "holds no gradebook.sqlite"),
])
def test_bad_batch_input_is_a_one_line_error(tmp_path, args, message):
    (tmp_path / "empty").mkdir()
    args = [str(tmp_path / "empty") if a == "{empty}" else a for a in args]
    run = grade(*args, "--lang", "en", check=False, cwd=ROOT)
    assert run.returncode == 2 and message in run.stderr, run.stderr
    assert len(run.stderr.strip().splitlines()) == 1
    assert not (ROOT / "o").exists()  # nothing is created for a command that cannot run


def test_shard_specs_are_checked():
    assert parse_shard("2/8") == (2, 8) and parse_shard(None) is None
    for bad in ("0/3", "3/2", "a/b", "3"):
        with pytest.raises(GradeError):
            parse_shard(bad)
