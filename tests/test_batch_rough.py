"""The rough edges a newcomer found in `grade batch` and `grade merge` (issue 14, section 3), one test each."""
import csv
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from rich.console import Console
from rich.progress import Progress

from grader import fingerprint
from grader.class_folder import discover
from grader.batch_run import run_batch
from grader.gradebook import Gradebook
from grader.grading import Grader
from grader.render.progress import moving_time_remaining, seconds_left
from grader.runner.job import Limits
from helpers import shared_grader
from tests.test_batch import EXTRA, grade, read_grades, reference_student

# One test process runs this file: its module fixture (graded_class) is made once, not once per process.
pytestmark = pytest.mark.xdist_group("batch_rough")

ROOT = Path(__file__).resolve().parent.parent


def make_small_class(folder: Path) -> Path:
    reference_student(folder, "alice")
    reference_student(folder, "bob", "def relu(x):\n    return x\n")
    (folder / "carol.zip").write_bytes(b"not a zip")
    return folder


@pytest.fixture
def small_class(tmp_path):
    return make_small_class(tmp_path / "class")


@pytest.fixture(scope="module")
def graded_class(tmp_path_factory):
    """A small class no test changes, graded once with `--lang en` whole (out) and in two shards (shard-1,
    shard-2); `copy(name, target)` gives a test its own copy of one of those folders to go on from."""
    top = tmp_path_factory.mktemp("graded")
    folder = make_small_class(top / "class")
    for name, extra in (("out", []), ("shard-1", ["--shard", "1/2"]), ("shard-2", ["--shard", "2/2"])):
        grade("batch", folder, "--out", top / name, "--lang", "en", *extra)

    def copy(name: str, target: Path) -> Path:
        return Path(shutil.copytree(top / name, target))
    copy.folder = folder
    return copy


# --- grade merge refuses shards graded with different catalogs ---------------------------------------

@pytest.mark.parametrize("second", ["points", "hidden-case"])
def test_merge_refuses_shards_graded_with_different_catalogs(graded_class, tmp_path, second):
    extra = tmp_path / "extra.toml"
    extra.write_text(EXTRA if second == "hidden-case" else '[[exercises]]\nid = "relu"\npoints = 30\n', encoding="utf-8")
    graded_class("shard-1", tmp_path / "shard-a")
    grade("batch", graded_class.folder, "--out", tmp_path / "shard-b", "--shard", "2/2", "--catalog", extra)
    run = grade("merge", tmp_path / "shard-a", tmp_path / "shard-b", "--out", tmp_path / "all", "--lang", "en",
                check=False)
    assert run.returncode == 2 and len(run.stderr.strip().splitlines()) == 1
    assert "different catalogs" in run.stderr and "shard-a" in run.stderr and "shard-b" in run.stderr
    assert "--allow-mixed" in run.stderr and not (tmp_path / "all" / "grades.csv").exists()
    mixed = grade("merge", tmp_path / "shard-a", tmp_path / "shard-b", "--out", tmp_path / "all", "--allow-mixed")
    assert mixed.returncode == 0 and len(read_grades(tmp_path / "all")) == 3


def test_merge_of_shards_with_the_same_catalog_still_works(graded_class, tmp_path):
    for k in (1, 2):
        graded_class(f"shard-{k}", tmp_path / f"s{k}")
    grade("merge", tmp_path / "s1", tmp_path / "s2", "--out", tmp_path / "all")
    assert len(read_grades(tmp_path / "all")) == 3


# --- index.html counts every student --------------------------------------------------------------

@pytest.mark.parametrize("unreadable", [1, 2])
def test_the_mean_and_histogram_count_students_with_a_zero_for_an_unreadable_submission(tmp_path, unreadable):
    folder = tmp_path / "class"
    reference_student(folder, "alice")
    for index in range(unreadable):
        (folder / f"broken{index}.zip").write_bytes(b"not a zip")
    out = tmp_path / "out"
    grade("batch", folder, "--out", out, "--lang", "en")
    index = (out / "index.html").read_text(encoding="utf-8")
    mean = 100 / (1 + unreadable)
    assert f"mean {mean:.1f}" in index
    counts = [int(n) for n in re.findall(r"<title>\d+–\d+%: (\d+)</title>", index)]
    assert sum(counts) == 1 + unreadable and counts[0] == unreadable


# --- the unchanged-check fingerprints everything that grades ------------------------------------------

@pytest.mark.parametrize("option", [["--lang", "ko"], ["--call-timeout", "3"], ["--submission-timeout", "60"],
                                    ["--memory-mb", "1024"], ["--max-processes", "16"], ["--output-kb", "8"]])
def test_a_rerun_with_other_settings_grades_again(graded_class, tmp_path, option):
    out = graded_class("out", tmp_path / "out")  # graded with --lang en and every other setting at its default
    args = ["--lang", "en", *option] if option[0] != "--lang" else option
    same = grade("batch", graded_class.folder, "--out", out, "--lang", "en")
    assert "0 graded, 3 unchanged" in same.stdout, same.stdout  # the copy is as it was: only the option differs
    again = grade("batch", graded_class.folder, "--out", out, *args)
    assert re.search(r"^(2 graded|채점 2명)", again.stdout, re.M), again.stdout
    unchanged = grade("batch", graded_class.folder, "--out", out, *args)
    assert re.search(r"^(0 graded, 3 unchanged|채점 0명, 변경 없음 3명)", unchanged.stdout, re.M), unchanged.stdout


@pytest.mark.parametrize("part", ["locales/ko.toml", "locales/en/batch.toml", "templates/report.html.j2",
                                  "courses/nn/mistake_models.py", "compare.py"])
def test_the_settings_fingerprint_covers_the_graders_own_files(tmp_path, monkeypatch, part):
    copy = tmp_path / "grader"
    shutil.copytree(fingerprint.PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(fingerprint, "PACKAGE", copy)
    fingerprint._package_digest.cache_clear()
    try:
        before = fingerprint.settings_fingerprint("en", "auto", Limits())
        with open(copy / part, "a", encoding="utf-8") as handle:
            handle.write("\n# changed\n")
        fingerprint._package_digest.cache_clear()
        assert fingerprint.settings_fingerprint("en", "auto", Limits()) != before
    finally:
        fingerprint._package_digest.cache_clear()


def test_the_catalog_fingerprint_covers_the_mistake_models_and_the_extra_catalog(tmp_path, monkeypatch):
    import dataclasses

    from grader.catalog import load_catalog

    catalog = load_catalog()
    models = tmp_path / "mistake_models.py"
    models.write_text(catalog.files.mistake_models.read_text(encoding="utf-8"), encoding="utf-8")
    copied = dataclasses.replace(catalog, files=dataclasses.replace(catalog.files, mistake_models=models))
    before = fingerprint.catalog_fingerprint(copied)
    assert before == fingerprint.catalog_fingerprint(catalog)  # by name and content, not by folder
    models.write_text(models.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    assert fingerprint.catalog_fingerprint(copied) != before
    extra = tmp_path / "extra.toml"
    extra.write_text(EXTRA, encoding="utf-8")
    assert fingerprint.catalog_fingerprint(load_catalog(extra=extra)) != fingerprint.catalog_fingerprint(catalog)
    assert fingerprint.settings_fingerprint("en", "auto", Limits()) != fingerprint.settings_fingerprint(
        "en", "process", Limits())


@pytest.mark.parametrize("with_unreadable", [False, True])
def test_an_unchanged_rerun_does_not_start_the_fork_server(small_class, tmp_path, monkeypatch, with_unreadable):
    if not with_unreadable:
        (small_class / "carol.zip").unlink()
    entries = discover(small_class).entries
    out = tmp_path / "out"
    with Gradebook.in_folder(out) as book:
        run_batch(shared_grader("process"), entries, out, book, "c", "s", 2, "en")

    def forbidden(*args, **kwargs):
        raise AssertionError("the fork server was started for an unchanged class")

    monkeypatch.setattr("grader.runner.launch.start_launcher", forbidden)  # the one every start goes through
    with Gradebook.in_folder(out) as book:
        summary = run_batch(Grader(isolation="process"), entries, out, book, "c", "s", 2, "en")
    assert summary.graded == 0 and summary.unchanged == len(entries)
    assert len(summary.unreadable) == int(with_unreadable)


# --- one student's folder given to grade batch ----------------------------------------------------

@pytest.mark.parametrize("layout", ["stubs", "two-files"])
def test_batch_on_one_students_folder_suggests_grade_submit(tmp_path, layout):
    if layout == "stubs":
        folder = ROOT / "exercises"
    else:
        folder = tmp_path / "mine"
        folder.mkdir()
        shutil.copy(ROOT / "reference" / "activations.py", folder)
        shutil.copy(ROOT / "reference" / "losses.py", folder)
        (folder / "notes").mkdir()
    run = grade("batch", folder, "--out", tmp_path / "out", "--lang", "en", check=False)
    assert run.returncode == 2 and len(run.stderr.strip().splitlines()) == 1
    assert "looks like one student's submission" in run.stderr and f"grade submit {folder}" in run.stderr
    assert "activations.py" in run.stderr
    ko = grade("batch", folder, "--out", tmp_path / "out", "--lang", "ko", check=False)
    assert ko.returncode == 2 and "학생 한 명의 제출물" in ko.stderr


def test_a_class_with_students_named_like_one_stub_is_still_a_class(tmp_path):
    folder = tmp_path / "class"
    reference_student(folder, "alice")
    (folder / "activations.py").write_text("def relu(x):\n    return x\n", encoding="utf-8")  # a student's id
    assert [e.student for e in discover(folder, ["activations", "losses"]).entries] == ["activations", "alice"]


# --- the ETA keeps moving while a submission hangs -------------------------------------------------

class Clock:
    now = 0.0

    def __call__(self):
        return self.now


@pytest.mark.parametrize("hang", [30.0, 300.0])
def test_the_eta_keeps_moving_while_nothing_finishes(hang):
    clock = Clock()
    progress = Progress(moving_time_remaining(), console=Console(file=open(os.devnull, "w")), get_time=clock,
                        auto_refresh=False)
    task = progress.add_task("x", total=10)
    for _ in range(2):
        clock.now += 1.0
        progress.advance(task)
    shown = [str(moving_time_remaining().render(progress.tasks[0]))]
    clock.now += hang  # one submission hangs: nothing finishes
    shown.append(str(moving_time_remaining().render(progress.tasks[0])))
    assert shown[0] != shown[1] and shown[0] == "0:00:08"


def test_seconds_left():
    assert seconds_left(0, 10, 5.0) is None and seconds_left(5, 10, 10.0) == 10.0 and seconds_left(10, 10, 3.0) == 0.0


# --- the re-run summary counts unreadable students -------------------------------------------------

def test_the_rerun_summary_counts_unreadable_students(small_class, tmp_path):
    (small_class / "dave.zip").write_bytes(b"neither")
    out = tmp_path / "out"
    first = grade("batch", small_class, "--out", out, "--lang", "en")
    assert "2 graded, 0 unchanged and kept, 2 unreadable" in first.stdout
    again = grade("batch", small_class, "--out", out, "--lang", "en")
    assert "0 graded, 4 unchanged and kept, 2 unreadable" in again.stdout


# --- grades.csv: maxima in the header, a reason column named for what it is, local times ----------

@pytest.mark.parametrize("lang, student, note, total", [("en", "student", "not_graded_reason", "total"),
                                                         ("ko", "학생", "채점_불가_사유", "총점")])
def test_grades_csv_header_and_times(small_class, tmp_path, monkeypatch, lang, student, note, total):
    out = tmp_path / "out"
    monkeypatch.setenv("TZ", "Asia/Seoul")  # the local time zone of the grading machine
    time.tzset()
    try:
        grade("batch", small_class, "--out", out, "--lang", lang)
    finally:
        monkeypatch.undo()
        time.tzset()
    header = next(csv.reader([(out / "grades.csv").read_text(encoding="utf-8-sig").splitlines()[0]]))
    assert header[:3] == [student, total, header[2]] and header[-1] == note
    assert "sigmoid (12)" in header and "relu (10)" in header and "backprop_step (14)" in header
    rows = {row[student]: row for row in read_grades(out)}
    assert all(row[header[-2]].endswith("+09:00") for row in rows.values())
    assert rows["carol"][note] and not rows["alice"][note]


# --- index.html: statuses, collapsed common problems, no sideways overflow ---------------------------

STATUSES = {
    "timeout": "import numpy as np\n\ndef relu(x):\n    while True:\n        pass\n",
    "syntax": "def relu(x)\n    return x\n",
}


def test_index_shows_statuses_and_common_problems_once(tmp_path):
    folder = tmp_path / "class"
    reference_student(folder, "alice")
    reference_student(folder, "slow", STATUSES["timeout"])
    syntax = reference_student(folder, "typo")
    (syntax / "activations.py").write_text(STATUSES["syntax"], encoding="utf-8")
    shutil.copytree(ROOT / "exercises", folder / "stub")
    empty = folder / "nothing"
    empty.mkdir()
    (empty / "notes.py").write_text("x = 1\n", encoding="utf-8")
    out = tmp_path / "out"
    # The looping relu also stops forward_prop and predict, which call it: three timeouts, 0.5 s each.
    grade("batch", folder, "--out", out, "--lang", "en", "--call-timeout", "0.5")
    index = (out / "index.html").read_text(encoding="utf-8")
    for label in ("timeout", "error", "missing", "not done"):
        assert f'<div class="label">{label}</div>' in index, label
    exercises = index.split("<h2>Exercises</h2>")[1].split("</table>")[0]
    assert "not-implemented" not in exercises and "<code>missing</code>" not in exercises
    common = index.split("<h2>Problems across exercises</h2>")[1].split("</table>")[0]
    assert common.count("<code>not-implemented</code>") == 1 and common.count("<code>missing</code>") == 1
    assert "students: 1 · exercises: 17" in common


def test_an_unchanged_rerun_keeps_the_exports_and_a_change_rewrites_them(small_class, tmp_path):
    out = tmp_path / "out"
    grade("batch", small_class, "--out", out, "--lang", "en")
    stamp = lambda: {name: os.stat(out / name).st_ino for name in ("grades.csv", "index.html")}  # noqa: E731
    first = stamp()
    grade("batch", small_class, "--out", out, "--lang", "en")
    assert stamp() == first  # nothing changed: not even rewritten
    with open(small_class / "bob" / "activations.py", "a", encoding="utf-8") as handle:
        handle.write("\n\ndef relu(x):\n    return np.maximum(0, x)\n")
    grade("batch", small_class, "--out", out, "--lang", "en")
    assert all(stamp()[name] != first[name] for name in first)
    assert {row["student"]: row["relu (10)"] for row in read_grades(out)}["bob"] == "10.0"
    (out / "grades.csv").unlink()  # a deleted export is written again
    grade("batch", small_class, "--out", out, "--lang", "en")
    assert len(read_grades(out)) == 3


@pytest.mark.parametrize("change", ["same-size-same-mtime", "renamed-file"])
def test_a_change_that_keeps_size_and_mtime_is_still_seen(small_class, tmp_path, change):
    """The remembered stat signature includes the change time, which no write leaves as it was."""
    out = tmp_path / "out"
    grade("batch", small_class, "--out", out, "--lang", "en")
    target = small_class / "alice" / "activations.py"
    before = os.stat(target)
    if change == "same-size-same-mtime":
        text = target.read_text(encoding="utf-8")
        broken = text.replace("np.maximum(0, x)", "np.maximum(x, x)")
        assert broken != text and len(broken) == len(text)
        target.write_text(broken, encoding="utf-8")
        os.utime(target, ns=(before.st_atime_ns, before.st_mtime_ns))
        assert os.stat(target).st_size == before.st_size and os.stat(target).st_mtime_ns == before.st_mtime_ns
    else:
        target.rename(small_class / "alice" / "activations_v2.py")
    again = grade("batch", small_class, "--out", out, "--lang", "en")
    assert "1 graded, 2 unchanged" in again.stdout
    relu = {row["student"]: row["relu (10)"] for row in read_grades(out)}["alice"]
    assert (relu != "10.0") == (change == "same-size-same-mtime")


@pytest.mark.parametrize("stored, shown", [("2026-03-02T05:05:09+00:00", "2026-03-02T14:05:09+09:00"),
                                           ("2026-03-02T06:05:09+01:00", "2026-03-02T14:05:09+09:00")])
def test_grades_csv_shows_times_graded_elsewhere_in_local_time(tmp_path, monkeypatch, stored, shown):
    """A shard graded on a UTC cluster, merged in Seoul: the CSV shows Seoul time, with its offset."""
    import time as clock

    from grader.gradebook import Attempt
    from grader.render.grades_csv import write_grades_csv

    monkeypatch.setenv("TZ", "Asia/Seoul")
    clock.tzset()
    try:
        attempt = Attempt(1, "alice", "h", "c", stored, 10.0, 100.0, None)
        write_grades_csv([attempt], [], tmp_path / "grades.csv")
    finally:
        monkeypatch.undo()
        clock.tzset()
    assert read_grades(tmp_path)[0]["graded_at"] == shown


def test_an_unchanged_rerun_imports_neither_numpy_nor_jinja():
    code = ("import sys, grader.cli, grader.batch_run, grader.render.class_report, grader.render.progress;"
            "print(sorted(m for m in ('numpy', 'jinja2') if m in sys.modules))")
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout == "[]\n"
