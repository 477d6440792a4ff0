"""Run folders (`/tmp/grade-run-PID-*`): made per submission, removed after it, and after a kill -9 too.

Only a plain child process needs one: it holds `submission/` (a private copy of the student's files)
and `work/` (its working folder). A sandboxed worker has folders of its own and gets its plan and
output as memory files (`memory_file`), which make no file on disk and vanish with their last holder,
kill -9 included. (Files made and removed per submission are not free either: on ext4, a file made
soon after many were removed makes the kernel step over each recently freed inode.)

A run folder's name carries the grader's pid and the grader holds a lock on its `.lock` file while it
lives. A grader killed with -9 cannot remove its folders, so the next one to start removes every
folder whose owner is gone: its pid no longer runs, or its lock is free and it is more than a minute
old (the pid was reused by another program). Only folders of the grader's own uid are touched, never
through a link.
"""
from __future__ import annotations

import contextlib
import fcntl
import functools
import os
import shutil
import stat
import tempfile
import time
from pathlib import Path

PREFIX = "grade-run-"
STALE_SECONDS = 60


@contextlib.contextmanager
def run_folder():
    clean_stale_once()
    path = Path(tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}-"))
    lock = os.open(path / ".lock", os.O_RDWR | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)
        os.close(lock)


def memory_file(name: str, data: bytes = b"") -> int:
    """A file descriptor of an anonymous file in memory holding `data`, positioned at its start."""
    try:
        fd = os.memfd_create(name, os.MFD_CLOEXEC)
    except (AttributeError, OSError):  # no memfd here: an unnamed file in the temporary folder
        with tempfile.TemporaryFile() as handle:
            fd = os.dup(handle.fileno())
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        os.lseek(fd, 0, os.SEEK_SET)
    except BaseException:
        os.close(fd)
        raise
    return fd


@functools.lru_cache(maxsize=1)
def clean_stale_once() -> int:
    return clean_stale(Path(tempfile.gettempdir()))


def clean_stale(folder: Path) -> int:
    """Remove the run folders in `folder` whose grader is gone; returns how many."""
    removed = 0
    try:
        names = [n for n in os.listdir(folder) if n.startswith(PREFIX)]
    except OSError:
        return 0
    for name in names:
        path = folder / name
        try:
            info = os.lstat(path)
        except OSError:
            continue
        if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.geteuid() or not _abandoned(path, name, info):
            continue
        shutil.rmtree(path, ignore_errors=True)  # fd-based on Linux: links inside are removed, never followed
        removed += 1
    return removed


def _abandoned(path: Path, name: str, info: os.stat_result) -> bool:
    pid, dash, _ = name[len(PREFIX):].partition("-")
    if not dash or not pid.isdigit():
        return False  # not one of ours
    if not os.path.exists(f"/proc/{pid}"):
        return True
    if time.time() - info.st_mtime < STALE_SECONDS:
        return False  # its grader may be between making it and locking it
    try:
        lock = os.open(path / ".lock", os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError:
        return False
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except OSError:
        return False
    finally:
        os.close(lock)
