"""Limits per submission that bind for root too: a cgroup per worker, or a host uid of its own.

Resource limits (setrlimit) are per process, and the kernel exempts uid 0 from RLIMIT_NPROC, so a
submission run as root (or as a sandbox uid that maps to root) could start any number of processes
that each take the whole memory limit. Instead, when the grader may create them:

- **cgroup-v1**: each worker gets memory and pids cgroups of its own, made by the grader below its
  own (and, once emptied of every process, kept for a later worker, which sets its own limits);
  memory.limit_in_bytes bounds the memory of all the submission's processes together (tmpfs files it
  writes included) and pids.max their number. The nursery joins them before forking the
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

import atexit
import itertools
import os
import signal
import threading
import time
from pathlib import Path

from grader.runner import uids

CGROUP_ROOT = Path("/sys/fs/cgroup")
CHARGE_SLACK = 1 << 20
"""Memory an emptied group may still have charged (a few cached pages) and be used again."""
_TOKEN = os.urandom(4).hex()
"""Names this process's cgroups: a killed grader's pid may be reused, its cgroups must not collide."""
_SERIAL = itertools.count()


class Confinement:
    """What confines one worker; release() kills what is left of it and frees what it held."""

    def __init__(self, kind: str, groups: list[Path] = (), uid: int | None = None, lock_fd: int | None = None,
                 pool: "Confiner | None" = None):
        self.kind, self.groups, self.uid, self._lock_fd, self._pool = kind, list(groups), uid, lock_fd, pool

    def join_fds(self) -> list[int]:
        """Write-only cgroup.procs files for the nursery: it writes `0` to each to join them."""
        return [os.open(group / "cgroup.procs", os.O_WRONLY | os.O_CLOEXEC) for group in self.groups]

    def release(self) -> None:
        groups, self.groups = self.groups, []
        if groups and self._pool is not None and all(_empty(group) for group in groups):
            self._pool.give_back(groups)  # empty: the next worker may have them, with its own limits
        else:
            for group in groups:
                _empty_and_remove(group)
        if self._lock_fd is not None:
            os.close(self._lock_fd)
            self._lock_fd = None


class Confiner:
    """Makes a Confinement per worker, the best kind this host allows the grader.

    Making and removing two cgroups costs a few milliseconds per worker, so a worker's groups, once
    emptied of every process, wait in a pool for the next worker, which sets its own limits on them.
    A group is in one Confinement or in the pool, never both: two submissions never share one.
    """

    def __init__(self, mode: str):
        self.uids, self.kind, self.reusable = False, "rlimit", False
        self._free: list[list[Path]] = []
        self._limits: dict[Path, tuple[int, int]] = {}
        """The limits last set on each group (by its memory group): a pooled group keeps them for the next worker."""
        self._lock = threading.Lock()
        self.parents = _cgroup_parents()
        for parent in self.parents.values():
            _remove_stale(parent)
        if self.parents:
            try:  # once, to know: a cgroup folder may be made and still refuse its limits
                self.confine(2**30, 8).release()
            except OSError:
                self.parents = {}
        self.uids = mode == "process" and os.geteuid() == 0 and uids.pool_ready() and uids.others_can_run_python()
        self.reusable = mode != "process" or self.uids
        """Whether an emptied group may serve the next worker: only when no worker could write to its own group
        (under bwrap, or as a pool uid), so no setting or child group a submission made can reach the next one."""
        kinds = (["cgroup-v1"] if self.parents else []) + (["uid"] if self.uids else [])
        self.kind = "+".join(kinds) or "rlimit"
        atexit.register(self.close)

    def confine(self, memory_bytes: int, processes: int) -> Confinement:
        groups = []
        if self.parents:
            with self._lock:
                groups = self._free.pop() if self._free else []
            try:
                if not groups:
                    name = f"grade-{os.getpid()}-{_TOKEN}-{next(_SERIAL)}"  # a killed grader's: see _remove_stale
                    for controller in ("memory", "pids"):
                        (self.parents[controller] / name).mkdir()
                        groups.append(self.parents[controller] / name)
                    _set(groups[0] / "memory.swappiness", 0, optional=True)
                if self._limits.get(groups[0]) != (memory_bytes, processes):  # no worker could change them
                    _set_limits(groups, memory_bytes, processes)
                    if self.reusable:  # kept only for a group that may serve again
                        self._limits[groups[0]] = (memory_bytes, processes)
            except OSError:
                if groups:
                    self._limits.pop(groups[0], None)
                for group in groups:
                    _empty_and_remove(group)
                raise
        uid, lock = uids.take_uid() if self.uids else (None, None)
        return Confinement(self.kind, groups, uid, lock, self)

    def give_back(self, groups: list[Path]) -> None:
        """An emptied Confinement's groups, for the next worker (removed instead if memory is still charged)."""
        if not self.reusable or _charged(groups[0]) or any(_has_children(group) for group in groups):
            self._limits.pop(groups[0], None)
            for group in groups:
                _empty_and_remove(group)
            return
        with self._lock:
            self._free.append(groups)

    def close(self) -> None:
        """Remove the pooled groups (at exit; a killed grader's go at the next start, see _remove_stale)."""
        with self._lock:
            free, self._free = self._free, []
        self._limits.clear()
        for groups in free:
            for group in groups:
                _empty_and_remove(group)


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


def _set(path: Path, value: int, optional: bool = False) -> None:
    if optional and not path.exists():  # swap accounting is not always compiled in
        return
    path.write_text(str(value))


def _set_limits(groups: list[Path], memory_bytes: int, processes: int) -> None:
    """This submission's limits on its (new or pooled) memory and pids groups."""
    memory, pids = groups
    swap = memory / "memory.memsw.limit_in_bytes"
    _set(swap, -1, optional=True)  # memory + swap may never be below memory alone: lift it first
    _set(memory / "memory.limit_in_bytes", memory_bytes)
    _set(swap, memory_bytes, optional=True)
    _set(pids / "pids.max", processes + 1)  # + the nursery


def _has_children(group: Path) -> bool:
    """Whether a cgroup holds groups made inside it (its folders), read from the listing: a stat per control
    file (some 40 of them) cost more than the rest of handing the group back."""
    with os.scandir(group) as entries:
        return any(entry.is_dir(follow_symlinks=False) for entry in entries)


def _charged(group: Path) -> bool:
    """Whether an empty memory group still holds charged memory (page cache) worth more than a few pages:
    the next submission would start with less than its limit. Asked to give it back first."""
    try:
        if int((group / "memory.usage_in_bytes").read_text()) <= CHARGE_SLACK:
            return False
        (group / "memory.force_empty").write_text("0")
        return int((group / "memory.usage_in_bytes").read_text()) > CHARGE_SLACK
    except (OSError, ValueError):
        return True


def _empty(group: Path, seconds: float = 5.0) -> bool:
    """Kill every process in the cgroup until it is empty; False if it is gone or would not empty."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            pids = (group / "cgroup.procs").read_text().split()
        except OSError:
            return False  # already gone
        if not pids:
            return True
        if time.monotonic() >= deadline:
            return False
        for pid in pids:
            try:
                os.kill(int(pid), signal.SIGKILL)
            except (ProcessLookupError, ValueError):
                pass
        time.sleep(0.002)


def _empty_and_remove(group: Path) -> None:
    """Kill every process in the cgroup and in the groups made inside it until it is empty, then remove it."""
    for child in [p for p in group.iterdir() if p.is_dir()] if group.is_dir() else []:
        _empty_and_remove(child)
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        _empty(group, max(0.0, deadline - time.monotonic()))
        try:
            group.rmdir()
            return
        except FileNotFoundError:
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
