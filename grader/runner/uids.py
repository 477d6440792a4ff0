"""The pool of host uids a worker runs as in process mode as root, one uid per worker (confine.py).

RLIMIT_NPROC binds for a uid of its own, which cannot signal the grader, its fork server or another
worker, nor write the grader's files. A uid is held through a lock file (flock) in a folder only
root may write, so two graders on one host never hand out the same uid.
"""
from __future__ import annotations

import fcntl
import os
from pathlib import Path

UID_BASE, UID_COUNT = 1_900_000_000, 1024
"""The pool: uids no account on a normal host uses (useradd stops at 60000, systemd's dynamic users at 65519)."""
UID_LOCKS = Path("/run/grade-uids")


def pool_ready() -> bool:
    try:
        UID_LOCKS.mkdir(mode=0o700, exist_ok=True)
        info = UID_LOCKS.lstat()
        return UID_LOCKS.is_dir() and not UID_LOCKS.is_symlink() and info.st_uid == 0 and info.st_mode & 0o022 == 0
    except OSError:
        return False


def others_can_run_python() -> bool:
    """Whether another uid can read the interpreter's library, NumPy and the worker (lazy imports need them)."""
    from grader.runner.sandbox import RUNNER, numpy_folder

    for folder in (os.path.dirname(os.__file__), numpy_folder(), str(RUNNER)):
        path = Path(os.path.realpath(folder))
        if not os.stat(path).st_mode & 0o005 == 0o005:
            return False
        if any(not os.stat(parent).st_mode & 0o001 for parent in path.parents):
            return False
    return True


def take_uid() -> tuple[int, int]:
    """A uid no other worker on this host holds, and the locked file that holds it until release."""
    start = int.from_bytes(os.urandom(2), "little") % UID_COUNT
    for slot in range(UID_COUNT):
        uid = UID_BASE + (start + slot) % UID_COUNT
        fd = os.open(UID_LOCKS / str(uid), os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return uid, fd
        except OSError:
            os.close(fd)
    raise OSError("every uid of the pool is in use")


def prepare_run_folder(run_dir: Path, uid: int | None) -> None:
    """Let a worker running as `uid` read its submission and write its working folder, and nothing else."""
    if uid is None:
        return
    os.chmod(run_dir, 0o711)
    for path in (run_dir / "submission").rglob("*"):
        os.chmod(path, 0o755 if path.is_dir() else 0o644)
    os.chmod(run_dir / "submission", 0o755)
    os.chown(run_dir / "work", uid, uid)
