"""Two `grade batch` (or `grade merge`) runs on one --out at once: the second says in one line that a
batch is already running there, or starts after the first and finds everything graded — never two
writers on the same files."""
import os
import sqlite3
import subprocess
import sys
import time

import pytest

from helpers import grade_here
from tests.test_batch import read_grades, reference_student

# Each student takes a moment to load (asleep: no CPU), so the runs overlap; four such students keep a batch
# busy as long as six quicker ones did, with less grading and reporting to pay for.
SLOW = "import time\ntime.sleep(0.4)\n"


def start(folder, out, *extra):
    return subprocess.Popen([sys.executable, "-m", "grader", "batch", str(folder), "--out", str(out), "--jobs", "1",
                             "--lang", "en", "--isolation", "process", *map(str, extra)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=dict(os.environ, LANG="C.UTF-8"))


@pytest.mark.parametrize("delay", [0.0, 0.3, 0.8])
def test_two_batches_on_one_out_never_write_at_once(tmp_path, delay):
    folder = tmp_path / "class"
    for index in range(4):
        reference_student(folder, f"student{index}", SLOW)
    out = tmp_path / "out"
    first = start(folder, out)
    time.sleep(delay)
    second = start(folder, out)
    results = [process.communicate(timeout=300) + (process.returncode,) for process in (first, second)]
    codes = sorted(code for _, _, code in results)
    assert codes in ([0, 0], [0, 2]), results
    for _, stderr, code in results:
        assert "Traceback" not in stderr
        if code == 2:
            last = [line for line in stderr.strip().splitlines() if not line.startswith("[")]
            assert last == [f"A batch is already running in {out}: wait for it to finish, or give another --out."]
    rows = read_grades(out)
    assert sorted(row["student"] for row in rows) == [f"student{i}" for i in range(4)]
    assert all(row["total"] == "100.0" for row in rows)
    with sqlite3.connect(out / "gradebook.sqlite") as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        per_student = db.execute("SELECT student, COUNT(*) FROM attempts GROUP BY student").fetchall()
    assert all(count == 1 for _, count in per_student)  # nobody graded twice by two writers
    assert not list(out.rglob("*.tmp"))


def test_a_merge_into_a_folder_a_batch_is_writing_is_refused_in_one_line(tmp_path):
    folder = tmp_path / "class"
    for index in range(4):
        reference_student(folder, f"student{index}", SLOW)
    shard = tmp_path / "shard"
    assert grade_here("batch", folder, "--out", shard, "--isolation", "process").returncode == 0  # what is merged
    out = tmp_path / "out"
    batch = start(folder, out)
    deadline = time.monotonic() + 60
    while not (out / "gradebook.sqlite").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    merge = subprocess.run([sys.executable, "-m", "grader", "merge", str(shard), "--out", str(out), "--lang", "en"],
                           capture_output=True, text=True, timeout=300)
    batch.communicate(timeout=300)
    assert batch.returncode == 0
    assert merge.returncode == 2 and merge.stderr.strip().splitlines() == [
        f"A batch is already running in {out}: wait for it to finish, or give another --out."]
