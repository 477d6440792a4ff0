"""`grade batch` in a pool of grader processes (grader/batch_pool.py): the same grades and reports as one process,
and no student lost when a grader process, or the batch itself, is killed.

Each test makes the pool as this machine would for two jobs on two cores, whatever the machine it runs on.
"""
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

import grader.batch_pool as batch_pool
from grader.batch_run import ClassOptions, grade_class
from grader.gradebook import Gradebook
from grader.runner import Limits
from test_batch import read_grades, reference_student
from test_hostile import attack
from test_sandbox_limits import FORKED_MEMORY, FORKS
from test_sandbox_protocol import BY_FD, FORGERIES
from test_trust_quiz_owner import key_of

ROOT = Path(__file__).resolve().parent.parent
SLOW = "import time\ntime.sleep(0.4)\n"  # each student takes a while to load: a process is killed while it holds some


@pytest.fixture(autouse=True)
def two_cores(monkeypatch):
    """Two cores, and a pool from three submissions on: these classes are small, to be quick."""
    monkeypatch.setattr(batch_pool, "_cpus", lambda: 2)
    monkeypatch.setattr(batch_pool, "MIN_WORK", 3)


def pooled(monkeypatch) -> list:
    """Record each call of the pool, so a test knows the class went through it."""
    calls, real = [], batch_pool.grade_in_pool

    def spy(*args, **kwargs):
        calls.append(args[2:4])  # processes, threads
        return real(*args, **kwargs)

    monkeypatch.setattr(batch_pool, "grade_in_pool", spy)
    return calls


def descendants(root: int) -> set[tuple[int, str]]:
    """Every process below `root`, as (pid, start time), so a reused pid is not taken for a survivor."""
    found, frontier = set(), [root]
    while frontier:
        pid = frontier.pop()
        for task in Path(f"/proc/{pid}/task").glob("*"):
            try:
                children = [int(c) for c in (task / "children").read_text().split()]
            except OSError:
                continue
            for child in children:
                found.add((child, _started(child)))
                frontier.append(child)
    return found


def _started(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[19]
    except OSError:
        return ""


def alive(processes: set[tuple[int, str]]) -> set[tuple[int, str]]:
    return {(pid, started) for pid, started in processes if _started(pid) == started}


def settled(before: set, seconds: float = 30) -> bool:
    """Whether every process this one started since `before` is gone (waiting for them a while)."""
    deadline = time.monotonic() + seconds
    while alive(descendants(os.getpid()) - before) and time.monotonic() < deadline:
        time.sleep(0.1)
    return not alive(descendants(os.getpid()) - before)


def rows(out: Path) -> dict[str, tuple]:
    """Each student's latest attempt as stored, times left out: score, error, results, exercises, cases."""
    with sqlite3.connect(out / "gradebook.sqlite") as db:
        latest = {}
        for attempt, student, score, error, results, settings in db.execute(
                "SELECT id, student, score, error, results_json, settings_hash FROM attempts ORDER BY id"):
            results = untimed(json.loads(results)) if results else None
            exercises = db.execute("SELECT exercise, status, score, max_score, mistakes FROM exercise_results WHERE attempt_id = ?"
                                   " ORDER BY exercise", (attempt,)).fetchall()
            cases = db.execute("SELECT exercise, case_name, status, mistakes FROM case_results WHERE attempt_id = ?"
                               " ORDER BY exercise, case_name", (attempt,)).fetchall()
            latest[student] = (score, error, results, settings, exercises, cases)
    return latest


def untimed(data):
    """JSON data without what differs between two gradings of the same code: when, and how long it took."""
    if isinstance(data, dict):
        return {key: untimed(value) for key, value in data.items() if key not in ("graded_at", "seconds")}
    return [untimed(value) for value in data] if isinstance(data, list) else data


def without_times(path: Path):
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".json":
        return untimed(json.loads(text))
    return [line for line in text.splitlines() if "Graded at" not in line and "Time:" not in line]


@pytest.mark.parametrize("jobs, work, memory_mb, size", [
    (2, 200, 4000, (2, 1)), (8, 200, 4000, (2, 4)), (2, 2, 4000, (1, 2)), (1, 200, 4000, (1, 1)),
    (2, 3, 4000, (2, 1)), (64, 200, 4000, (2, 32)), (2, 200, 200, (1, 2))])
def test_jobs_map_to_no_more_grader_processes_than_cores_memory_and_work(monkeypatch, jobs, work, memory_mb, size):
    """`jobs` submissions at once in all; processes: at most one per core, as many as the memory holds, none for
    one or two submissions (the batch's own process grades them), the rest threads in each."""
    monkeypatch.setattr(batch_pool, "_available_mb", lambda: memory_mb)
    assert batch_pool.pool_size(jobs, work) == size


def test_the_pool_grades_a_class_exactly_like_one_process(tmp_path, monkeypatch):
    folder = tmp_path / "class"
    for name in ("alice", "김민준"):
        reference_student(folder, name)
    reference_student(folder, "bob", "def sigmoid(x):\n    return 1 / (1 + np.exp(x))\n")
    reference_student(folder, "dave", "def relu(x):\n    raise ValueError('no')\n")
    (folder / "carol.zip").write_bytes(b"not a zip at all")
    for student, key in (("alice", "alice"), ("dave", "alice")):  # dave hands in alice's answer key
        (folder / student / "answers.toml").write_bytes(key_of(key))
    calls = pooled(monkeypatch)
    one = grade_class(folder, tmp_path / "one", ClassOptions(lang="en", jobs=1))
    assert calls == []
    pool = grade_class(folder, tmp_path / "pool", ClassOptions(lang="en", jobs=2))
    assert calls == [(2, 1)]
    assert (pool.summary.graded, sorted(pool.summary.unreadable)) == (one.summary.graded, sorted(one.summary.unreadable))
    assert pool.summary.other_owner == one.summary.other_owner == [("dave", "alice")]
    assert rows(tmp_path / "pool") == rows(tmp_path / "one")
    assert ([{k: v for k, v in row.items() if k != "graded_at"} for row in read_grades(tmp_path / "pool")]
            == [{k: v for k, v in row.items() if k != "graded_at"} for row in read_grades(tmp_path / "one")])
    for student in ("alice", "bob", "carol", "dave", "김민준"):
        quiz = ("quiz.html", "quiz.md", "quiz-results.json") if student in ("alice", "dave") else ()
        for name in ("results.json", "report.html", "report.md", "gradescope.json", *quiz):
            assert (without_times(tmp_path / "pool" / "students" / student / name)
                    == without_times(tmp_path / "one" / "students" / student / name)), (student, name)


def test_a_grader_process_killed_midway_costs_only_the_submissions_it_held(tmp_path, monkeypatch):
    folder = tmp_path / "class"
    students = [f"student{index:02d}" for index in range(8)]
    for name in students:
        reference_student(folder, name, SLOW)
    before = descendants(os.getpid())
    killed = []

    def progress(total):
        from contextlib import nullcontext

        def done(student, result, problem):
            if not killed:  # the first student reported: kill one grader process while it holds others
                graders = [pid for pid, _ in descendants(os.getpid()) - before
                           if Path(f"/proc/{pid}/cmdline").read_bytes() == Path("/proc/self/cmdline").read_bytes()]
                os.kill(graders[-1], signal.SIGKILL)
                killed.append(graders[-1])
        return nullcontext(done)

    calls = pooled(monkeypatch)
    run = grade_class(folder, tmp_path / "out", ClassOptions(lang="en", jobs=2), progress=progress)
    assert calls and killed
    lost = dict(run.summary.unreadable)
    assert run.summary.graded + len(lost) == 8 and 1 <= len(lost) <= 3, lost
    assert all("stopped (signal `SIGKILL`)" in why for why in lost.values()), lost
    grades = {row["student"]: row for row in read_grades(tmp_path / "out")}
    assert sorted(grades) == students
    assert all(grades[s]["total"] == ("0.0" if s in lost else "100.0") for s in students), (grades, lost)
    # What the killed process started (its fork server, workers) went with it; a survivor is named.
    assert settled(before), [Path(f"/proc/{pid}/cmdline").read_bytes()[:200] for pid, _ in
                             alive(descendants(os.getpid()) - before)]
    again = grade_class(folder, tmp_path / "out", ClassOptions(lang="en", jobs=2))  # those lost are graded again
    assert again.summary.graded == len(lost) and not again.summary.unreadable, (lost, again.summary)
    assert all(row["total"] == "100.0" for row in read_grades(tmp_path / "out"))


def test_a_killed_batch_leaves_no_grader_process_behind_and_the_next_run_finishes(tmp_path):
    folder = tmp_path / "class"
    for index in range(10):
        # Long enough that a grader process outliving the batch would still be grading when looked for.
        reference_student(folder, f"student{index:02d}", "import time\ntime.sleep(3)\n")
    out = tmp_path / "out"
    code = "import grader.batch_pool as p; p._cpus = lambda: 2; p.MIN_WORK = 3; from grader.cli import app; app()"
    process = subprocess.Popen([sys.executable, "-c", code, "batch", str(folder), "--out", str(out), "--jobs", "2"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    database, recorded, tree = out / "gradebook.sqlite", 0, set()
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline and recorded < 2:
        time.sleep(0.1)
        tree |= descendants(process.pid)
        if database.exists():
            try:
                with sqlite3.connect(database) as db:
                    recorded = db.execute("SELECT COUNT(*) FROM attempts").fetchone()[0]
            except sqlite3.OperationalError:
                continue
    tree |= descendants(process.pid)
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert 2 <= recorded < 10 and len(tree) >= 4  # two grader processes, their fork servers, workers
    deadline = time.monotonic() + 5  # the pool's processes die with the batch: a survivor would grade for 3 s more
    while alive(tree) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not alive(tree)
    with Gradebook.in_folder(out) as gradebook:
        kept = len(gradebook.latest_keys())
    # Eight at a time: the students sleep, they do not compute, and the test needs no second 12 s of sleep.
    rerun = subprocess.run([sys.executable, "-c", code, "batch", str(folder), "--out", str(out), "--jobs", "8",
                            "--lang", "en"], capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stderr
    assert f"{10 - kept} graded, {kept} unchanged and kept" in rerun.stdout
    assert sorted(row["total"] for row in read_grades(out)) == ["100.0"] * 10
    left = [path for pid, _ in tree for path in Path("/tmp").glob(f"grade-run-{pid}-*")]
    assert left == []  # the killed processes' run folders, removed at the next start


def test_hostile_submissions_in_the_pool_cost_only_themselves(tmp_path, monkeypatch):
    folder = tmp_path / "class"
    honest = ["alice", "bob", "carol"]
    for name in honest:
        reference_student(folder, name)
    attacks = {"forged-nested": BY_FD.format(payload=FORGERIES["nested"]),
               "forged-index": BY_FD.format(payload=FORGERIES["index-out-of-range"]),
               "fork-bomb": FORKS, "forked-memory": FORKED_MEMORY}
    for name, body in attacks.items():
        attack(reference_student(folder, name), body)
    calls = pooled(monkeypatch)
    limits = Limits(call_seconds=10.0, load_seconds=3.0, processes=16, memory_bytes=384 * 2**20)
    run = grade_class(folder, tmp_path / "out", ClassOptions(lang="en", jobs=2, limits=limits))
    assert calls and run.summary.graded == 7 and not run.summary.unreadable
    grades = {row["student"]: row for row in read_grades(tmp_path / "out")}
    assert all(grades[name]["total"] == "100.0" for name in honest)
    for name in attacks:  # graded; the attacked exercise may lose its marks, never another one
        assert grades[name]["total"] in ("98.0", "100.0") and not grades[name]["not_graded_reason"], grades[name]
        assert grades[name]["leaky_relu (2)"] == "0.0" or not name.startswith("forged")


def four_students_carol_broken(tmp_path, monkeypatch, trouble) -> Path:
    """A class of four whose student carol meets `trouble()` when a grader process writes her reports."""
    from grader import batch_student

    folder = tmp_path / "class"
    for name in ("alice", "bob", "carol", "dave"):
        reference_student(folder, name)
    real, batch = batch_student.write_student, os.getpid()

    def write(result, target, *args):
        if Path(target).name == "carol" and os.getpid() != batch:  # a grader process's own write
            trouble()
        return real(result, target, *args)

    monkeypatch.setattr(batch_student, "write_student", write)  # in the grader processes too: they are forked
    return folder


def test_a_full_disk_in_a_grader_process_stops_the_batch_in_one_line(tmp_path, monkeypatch):
    """What no student escapes (ENOSPC while writing one student's reports) stops the batch, as in one process."""
    import errno

    from test_batch import grade

    def full() -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    folder = four_students_carol_broken(tmp_path, monkeypatch, full)
    calls = pooled(monkeypatch)
    before = descendants(os.getpid())
    run = grade("batch", folder, "--out", tmp_path / "out", "--lang", "en", "--jobs", "2", check=False)
    assert calls and run.returncode == 2, run.stderr
    lines = [line for line in run.stderr.strip().splitlines() if not line.startswith("[")]  # not progress lines
    assert len(lines) == 1 and "disk is full" in lines[0], run.stderr
    assert settled(before)
    with Gradebook.in_folder(tmp_path / "out") as gradebook:
        assert "carol" not in {attempt.student for attempt in gradebook.latest_attempts()}


def test_a_batch_that_cannot_start_its_grader_processes_still_accounts_for_every_student(tmp_path, monkeypatch):
    """os.fork failing (EAGAIN: no process to be had) is each student's row, graded again next time; never a traceback."""
    import errno

    from test_batch import grade

    folder = tmp_path / "class"
    for name in ("alice", "bob", "carol"):
        reference_student(folder, name)

    def no_fork():
        raise OSError(errno.EAGAIN, "Resource temporarily unavailable")

    monkeypatch.setattr(batch_pool.os, "fork", no_fork)
    run = grade("batch", folder, "--out", tmp_path / "out", "--lang", "en", "--jobs", "2", check=False)
    assert run.returncode == 0 and "Traceback" not in run.stderr, run.stderr
    grades = {row["student"]: row for row in read_grades(tmp_path / "out")}
    assert sorted(grades) == ["alice", "bob", "carol"]
    assert all("could not start a grader process" in row["not_graded_reason"]
               and "(temporarily unavailable, try again later)" in row["not_graded_reason"] for row in grades.values())
    monkeypatch.undo()
    monkeypatch.setattr(batch_pool, "_cpus", lambda: 2)
    assert "3 graded" in grade("batch", folder, "--out", tmp_path / "out", "--lang", "en", "--jobs", "2").stdout


def test_a_grader_process_that_hangs_is_killed_and_costs_only_what_it_held(tmp_path, monkeypatch):
    """A grader process silent for longer than any submission may take (here 3 s) is killed: the batch ends."""
    import threading

    # A grader process stuck (in a lock, a system call, ...) while it holds carol.
    folder = four_students_carol_broken(tmp_path, monkeypatch, lambda: time.sleep(3600))
    monkeypatch.setattr(batch_pool, "patience_seconds", lambda limits: 3.0)
    before = descendants(os.getpid())

    def unstick() -> None:  # bounded even without the defence: SIGTERM, which the pool itself never sends
        for pid, _ in alive(descendants(os.getpid()) - before):
            if Path(f"/proc/{pid}/cmdline").read_bytes() == Path("/proc/self/cmdline").read_bytes():
                os.kill(pid, signal.SIGTERM)

    watchdog = threading.Timer(120, unstick)
    watchdog.start()
    try:
        run = grade_class(folder, tmp_path / "out", ClassOptions(lang="en", jobs=2))
    finally:
        watchdog.cancel()
    lost = dict(run.summary.unreadable)
    assert "carol" in lost and "stopped (signal `SIGKILL`)" in lost["carol"], lost
    assert run.summary.graded + len(lost) == 4
    assert settled(before)


def test_a_lost_row_says_how_its_grader_process_ended_in_the_readers_words():
    """Not the system's English (`signal SIGKILL`, `Resource temporarily unavailable`) in a Korean report."""
    import errno

    from grader.i18n import Messages, SystemReason

    ko, en = Messages("ko"), Messages("en")
    killed, gone = ("batch_pool.stopped", "signal SIGKILL"), ("batch_pool.stopped", "-")
    no_fork = ("batch_pool.not-started", SystemReason.of(OSError(errno.EAGAIN, "Resource temporarily unavailable")))
    assert batch_pool.lost_reason(ko, killed) == ("이 제출물을 맡은 채점 프로세스가 결과를 보내기 전에 멈췄습니다(시그널 `SIGKILL`). "
                                                  "다음 실행 때 다시 채점합니다.")
    assert "멈췄습니다(원인 모름)" in batch_pool.lost_reason(ko, gone)
    assert "(종료 코드 3)" in batch_pool.lost_reason(ko, ("batch_pool.stopped", "exit code 3"))
    assert "시작하지 못했습니다(일시적으로 사용할 수 없음, 잠시 뒤에 다시 시도)" in batch_pool.lost_reason(ko, no_fork)
    assert "(temporarily unavailable, try again later)" in batch_pool.lost_reason(en, no_fork)
    assert "stopped (signal `SIGKILL`)" in batch_pool.lost_reason(en, killed)
