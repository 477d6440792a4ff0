"""Limits per submission that bind for root too: a cgroup per worker, or a host uid of its own.

Resource limits (setrlimit) are per process, and the kernel exempts uid 0 from RLIMIT_NPROC, so a
submission run as root (or as a sandbox uid that maps to root) could start any number of processes
that each take the whole memory limit. Instead, when the grader may create them:

- **cgroup-v1**: each worker gets its own memory and pids cgroups, created by the grader below its
  own; memory.limit_in_bytes bounds the memory of all the submission's processes together (tmpfs
  files it writes included) and pids.max their number. The nursery joins them before forking the
  worker, through cgroup.procs files the grader opened and passed to it, so this works from inside
  the sandbox too. At the end every process left in the cgroup is killed, setsid or not.
- **uid**: in process mode as root, each worker runs as an unprivileged uid of its own, from a pool
  locked with flock (Jobe runs each job as its own `jobeNN` user). RLIMIT_NPROC then binds, the
  submission cannot signal the grader, its fork server or another worker, nor write the grader's
  files. (As root the worker is also PID 1 of its own PID namespace: all it starts dies with it.)
  Used only when other users can read the interpreter's library and NumPy: lazy imports need them.

Otherwise only the per-process limits of worker.py apply; `kind` says which held, for results.json.
"""
from __future__ import annotations

import fcntl
import itertools
import os
import signal
import time
from pathlib import Path

CGROUP_ROOT = Path("/sys/fs/cgroup")
UID_BASE, UID_COUNT = 1_900_000_000, 1024
"""The pool: uids no account on a normal host uses (useradd stops at 60000, systemd's dynamic users at 65519)."""
UID_LOCKS = Path("/run/grade-uids")
_TOKEN = os.urandom(4).hex()
"""Names this process's cgroups: a killed grader's pid may be reused, its cgroups must not collide."""
_SERIAL = itertools.count()


class Confinement:
    """What confines one worker; release() kills what is left of it and frees what it held."""

    def __init__(self, kind: str, groups: list[Path] = (), uid: int | None = None, lock_fd: int | None = None):
        self.kind, self.groups, self.uid, self._lock_fd = kind, list(groups), uid, lock_fd

    def join_fds(self) -> list[int]:
        """Write-only cgroup.procs files for the nursery: it writes `0` to each to join them."""
        return [os.open(group / "cgroup.procs", os.O_WRONLY | os.O_CLOEXEC) for group in self.groups]

    def release(self) -> None:
        for group in self.groups:
            _empty_and_remove(group)
        self.groups = []
        if self._lock_fd is not None:
            os.close(self._lock_fd)
            self._lock_fd = None


class Confiner:
    """Makes a Confinement per worker, the best kind this host allows the grader."""

    def __init__(self, mode: str):
        self.uids, self.kind = False, "rlimit"
        self.parents = _cgroup_parents()
        for parent in self.parents.values():
            _remove_stale(parent)
        if self.parents:
            try:  # once, to know: a cgroup folder may be made and still refuse its limits
                self.confine(2**30, 8).release()
            except OSError:
                self.parents = {}
        self.uids = mode == "process" and os.geteuid() == 0 and _uid_pool_ready() and _others_can_run_python()
        kinds = (["cgroup-v1"] if self.parents else []) + (["uid"] if self.uids else [])
        self.kind = "+".join(kinds) or "rlimit"

    def confine(self, memory_bytes: int, processes: int) -> Confinement:
        groups = []
        if self.parents:
            name = f"grade-{os.getpid()}-{_TOKEN}-{next(_SERIAL)}"  # a killed grader's: see _remove_stale
            try:
                groups.append(_make_group(self.parents["memory"] / name, {"memory.limit_in_bytes": memory_bytes},
                                          {"memory.memsw.limit_in_bytes": memory_bytes, "memory.swappiness": 0}))
                groups.append(_make_group(self.parents["pids"] / name, {"pids.max": processes + 1}))  # + nursery
            except OSError:
                for group in groups:
                    _empty_and_remove(group)
                raise
        uid, lock = _take_uid() if self.uids else (None, None)
        return Confinement(self.kind, groups, uid, lock)


def _own_path(controller: str) -> str | None:
    try:
        for line in Path("/proc/self/cgroup").read_text().splitlines():
            _, names, path = line.split(":", 2)
            if controller in names.split(","):
                return path
    except (OSError, ValueError):
        pass
    return None


def _cgroup_parents() -> dict[str, Path]:
    """The grader's own memory and pids cgroups (v1), where it makes the workers', or {} when not allowed."""
    parents = {}
    for controller in ("memory", "pids"):
        own = _own_path(controller)
        base = CGROUP_ROOT / controller / (own or "/").lstrip("/")
        if own is None or not (base / "cgroup.procs").is_file() or not os.access(base, os.W_OK):
            return {}
        parents[controller] = base
    return parents


def _make_group(path: Path, required: dict[str, int], optional: dict[str, int] = {}) -> Path:
    path.mkdir()
    try:
        for name, value in required.items():
            (path / name).write_text(str(value))
        for name, value in optional.items():  # swap accounting is not always compiled in
            if (path / name).exists():
                (path / name).write_text(str(value))
    except OSError:
        path.rmdir()
        raise
    return path


def _empty_and_remove(group: Path) -> None:
    """Kill every process in the cgroup until it is empty, then remove it."""
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        try:
            pids = (group / "cgroup.procs").read_text().split()
        except OSError:
            return  # already gone
        for pid in pids:
            try:
                os.kill(int(pid), signal.SIGKILL)
            except (ProcessLookupError, ValueError):
                pass
        try:
            group.rmdir()
            return
        except OSError:
            time.sleep(0.005)


def _remove_stale(base: Path) -> None:
    """Remove the cgroups of graders that are gone (killed with -9), and whatever still runs in them.

    Gone: its pid runs no more, or it is this grader's pid with another token (the pid was reused).
    """
    for group in base.glob("grade-*-*-*"):
        _, pid, owner, _ = group.name.split("-", 3)
        if pid.isdigit() and (not Path(f"/proc/{pid}").exists() or int(pid) == os.getpid() and owner != _TOKEN):
            _empty_and_remove(group)


def _uid_pool_ready() -> bool:
    try:
        UID_LOCKS.mkdir(mode=0o700, exist_ok=True)
        info = UID_LOCKS.lstat()
        return UID_LOCKS.is_dir() and not UID_LOCKS.is_symlink() and info.st_uid == 0 and info.st_mode & 0o022 == 0
    except OSError:
        return False


def _others_can_run_python() -> bool:
    """Whether another uid can read the interpreter's library, NumPy and the worker (lazy imports need them)."""
    from grader.runner.sandbox import RUNNER, numpy_folder

    for folder in (os.path.dirname(os.__file__), numpy_folder(), str(RUNNER)):
        path = Path(os.path.realpath(folder))
        if not os.stat(path).st_mode & 0o005 == 0o005:
            return False
        if any(not os.stat(parent).st_mode & 0o001 for parent in path.parents):
            return False
    return True


def _take_uid() -> tuple[int, int]:
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
