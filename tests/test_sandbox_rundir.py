"""Run folders (and cgroups) of a grader killed with -9 are removed at the next start, and only those."""
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from grader.runner import rundir
from test_hostile import attack

ROOT = Path(__file__).resolve().parent.parent
HANG = "    while True:\n        pass\n"


def folders_of(pid: int) -> list[Path]:
    return list(Path("/tmp").glob(f"grade-run-{pid}-*"))


def cgroups_of(pid: int) -> list[Path]:
    return [p for p in Path("/sys/fs/cgroup").glob(f"*/**/grade-{pid}-*") if p.is_dir()]


def memory_files_of(pid: int) -> list[str]:
    """The names of the memory files (memfd) the process holds open: a run's plan and output."""
    found = []
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("/memfd:"):
            found.append(target[len("/memfd:"):].split(" ")[0])
    return found


@pytest.mark.parametrize("isolation", ["process", "bwrap"])
def test_a_kill_9_leaves_nothing_once_the_next_grader_starts(reference_copy, tmp_path, isolation):
    """A plain child process needs a run folder, removed at the next start; a sandboxed worker needs none
    (its plan and output are memory files, gone with the grader). Either way its cgroups go at the next start."""
    attack(reference_copy, HANG)
    grading = subprocess.Popen([sys.executable, "-m", "grader", "submit", str(reference_copy), "--isolation",
                                isolation, "--out", str(tmp_path / "out")],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while "grade-output" not in memory_files_of(grading.pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert "grade-output" in memory_files_of(grading.pid), "the grader never started grading"
    if isolation == "process":
        assert folders_of(grading.pid), "the grader never made its run folder"
    else:
        assert folders_of(grading.pid) == []  # nothing on disk to leave behind
    os.kill(grading.pid, signal.SIGKILL)
    grading.wait()
    assert bool(folders_of(grading.pid)) == (isolation == "process")  # nobody could remove it: the grader was killed
    ok = subprocess.run([sys.executable, "-m", "grader", "submit", str(ROOT / "reference"),
                         "--isolation", isolation, "--out", str(tmp_path / "out2")], capture_output=True)
    assert ok.returncode == 0, ok.stderr
    assert folders_of(grading.pid) == []
    assert cgroups_of(grading.pid) == []


def make(folder: Path, name: str) -> Path:
    path = folder / name
    path.mkdir()
    return path


def test_only_folders_whose_grader_is_gone_are_removed_and_links_are_not_followed(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "precious").write_text("keep me")
    dead_pid = 2**22 + 12345  # above pid_max's default: no such process
    dead = make(tmp_path, f"grade-run-{dead_pid}-abc")
    (dead / "link").symlink_to(outside)
    (dead / "plan.json").write_text("{}")
    alive = make(tmp_path, f"grade-run-{os.getpid()}-abc")  # our own, recent: its grader lives
    old_format = make(tmp_path, f"grade-run-{dead_pid}")  # not ours to judge
    (tmp_path / f"grade-run-{dead_pid}-link").symlink_to(outside, target_is_directory=True)
    foreign = make(tmp_path, f"grade-run-{dead_pid}-foreign")
    os.chown(foreign, 54321, 54321)  # someone else's: never touched
    assert rundir.clean_stale(tmp_path) == 1
    assert not dead.exists()
    assert alive.exists() and old_format.exists() and foreign.exists()
    assert (tmp_path / f"grade-run-{dead_pid}-link").is_symlink() and (outside / "precious").read_text() == "keep me"


def test_a_folder_whose_pid_was_reused_is_removed_once_its_lock_is_free(tmp_path):
    reused = make(tmp_path, f"grade-run-{os.getpid()}-old")  # our pid, but nobody holds its lock
    (reused / ".lock").write_text("")
    held = make(tmp_path, f"grade-run-{os.getpid()}-held")
    import fcntl
    lock = os.open(held / ".lock", os.O_RDWR | os.O_CREAT)
    fcntl.flock(lock, fcntl.LOCK_EX)
    long_ago = time.time() - 3600
    for path in (reused, held):
        os.utime(path, (long_ago, long_ago))
    try:
        assert rundir.clean_stale(tmp_path) == 1
        assert not reused.exists() and held.exists()
    finally:
        os.close(lock)


def test_a_run_folder_is_removed_after_use_and_locked_while_in_use():
    with rundir.run_folder() as folder:
        assert folder.name.startswith(f"grade-run-{os.getpid()}-")
        assert rundir.clean_stale(folder.parent) >= 0 and folder.exists()
    assert not folder.exists()


@pytest.mark.parametrize("memfd", [True, False])
def test_a_memory_file_holds_its_data_from_the_start_with_or_without_memfd(monkeypatch, memfd):
    """A sandboxed worker's plan and output: a memfd, or where the system has none, an unnamed temporary file."""
    if not memfd:
        def refused(*args):
            raise OSError(38, "Function not implemented")

        monkeypatch.setattr(os, "memfd_create", refused)
    fd = rundir.memory_file("grade-plan", b'{"plan": 1}' * 10_000)
    try:
        assert os.read(fd, 11) == b'{"plan": 1}' and os.fstat(fd).st_size == 110_000
        assert os.readlink(f"/proc/self/fd/{fd}").startswith("/memfd:grade-plan") == memfd
        assert not os.get_inheritable(fd)  # not passed on to a program the grader starts
    finally:
        os.close(fd)


@pytest.mark.parametrize("isolation", ["bwrap", "process"])
def test_a_submission_is_graded_whole_where_the_system_has_no_memfd(monkeypatch, isolation):
    """The plan and the output go through unnamed temporary files instead, and every exercise is graded."""
    from grader.submission import open_submission
    from helpers import ROOT, shared_grader

    def refused(*args):
        raise OSError(38, "Function not implemented")

    monkeypatch.setattr(os, "memfd_create", refused)
    with open_submission(ROOT / "reference") as submission:
        result = shared_grader(isolation).grade(submission)
    assert result.score == 100 and len(result.exercises) == 17
