"""Starting workers: which isolation mode, and a launcher per mode that forks workers from a warm server.

Importing NumPy costs more than grading a whole submission, so it happens once: a fork server
(zygote.py, driven through forkserver.py) starts with Python and NumPy loaded and forks a worker for
each run. Under Bubblewrap the server lives in one sandbox (sandbox.py says what it sees) and each
worker gets namespaces of its own nested inside it, so two submissions never share a file or a
process. Each worker is confined (confine.py) so its limits bind for the whole submission.

A sandboxed worker gets the student's files inside the plan and writes them into its own empty
tmpfs; a plain child process reads a private copy in the run folder (rundir.py).
"""
from __future__ import annotations

import os
import shutil
import sys
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from grader.errors import GradeError
from grader.runner import confine, uids
from grader.runner.forkserver import ForkServer, ServerFailed, Worker
from grader.runner.job import WorkerFailed
from grader.runner.sandbox import RUNNER, SITE, interpreter, numpy_folder, sandbox_arguments

ISOLATION_MODES = ("auto", "bwrap", "process")
# Isolated (no environment, no user site), no .pyc writes, and no `site`: the server puts NumPy's
# folder on its path itself, which spares it reading every .pth file of the grader's environment.
PYTHON_FLAGS = ("-I", "-S", "-B")

# Nothing of the grader's environment leaks into the child; one BLAS thread keeps a batch's
# parallel workers from oversubscribing the cores, keeps OpenBLAS's memory small and makes fork safe.
CHILD_ENV = {
    "PATH": "/usr/local/bin:/usr/bin:/bin",
    "LANG": "C.UTF-8",
    "PYTHONDONTWRITEBYTECODE": "1",
    "PYTHONHASHSEED": "0",
    "OPENBLAS_NUM_THREADS": "1",
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
}

__all__ = ["ISOLATION_MODES", "BwrapLauncher", "Placement", "ProcessLauncher", "ServerFailed", "Worker",
           "make_launcher", "start_launcher"]


@dataclass(frozen=True)
class Placement:
    """Where a worker finds the run's files, as paths it can see."""

    root: str
    workdir: str
    tmpdir: str
    inline_sources: bool
    """The student's files travel inside the plan (a sandboxed worker cannot see the run folder)."""


class ProcessLauncher:
    """Plain child processes, each in its own session with a scrubbed environment and closed stdin.

    The worker lowers its own resource limits (address space, CPU, processes, file size) before it
    runs any student code, from the limits written in the plan; as root it also runs as a uid of
    its own from a pool, and where the grader may make cgroups, in cgroups of its own (confine.py).
    """

    isolation = "process"
    mode = "process"
    needs_run_folder = True
    """Whether a worker needs a run folder (a private copy of the submission and a working folder)."""

    def __init__(self) -> None:
        command = [sys.executable, *PYTHON_FLAGS, str(RUNNER / "zygote.py"), numpy_folder()]
        self.server = ForkServer(command, dict(CHILD_ENV), self.mode)
        self._confiner: confine.Confiner | None = None

    @property
    def confiner(self) -> confine.Confiner:
        if self._confiner is None:
            self._confiner = confine.Confiner(self.mode)
        return self._confiner

    @property
    def limits_kind(self) -> str:
        """How the submission's limits are enforced here: cgroup-v1, uid, both (`+`) or rlimit."""
        return self.confiner.kind

    def placement(self, run_dir: Path) -> Placement:
        work = str(run_dir / "work")
        return Placement(str(run_dir / "submission"), work, work, inline_sources=False)

    def start(self, run_dir: Path | None, plan_fd: int, output_fd: int, memory_bytes: int = 2 * 1024**3,
              processes: int = 64) -> Worker:
        """A worker for the plan in `plan_fd` (closed here), writing what it prints to `output_fd`."""
        try:
            confinement = self.confiner.confine(memory_bytes, processes)
        except OSError as error:  # never run a submission without the limits this host promised
            os.close(plan_fd)
            raise WorkerFailed(f"the worker's limits could not be set up ({error})") from None
        try:
            if self.needs_run_folder:
                uids.prepare_run_folder(run_dir, confinement.uid)
        except BaseException:
            os.close(plan_fd)
            confinement.release()
            raise
        return self.server.fork(plan_fd, output_fd, confinement)


class BwrapLauncher(ProcessLauncher):
    """A Bubblewrap sandbox: new user, PID, network, IPC and UTS namespaces, no capabilities, nobody's uid.

    Each worker then gets namespaces of its own with empty tmpfs folders at /submission, /work, /tmp,
    /dev/shm and a /dev of its own (zygote.py). No home folder, no other student's files, not the
    output folder. Every process a submission starts lives in its worker's PID namespace and dies with it.
    """

    isolation = "bwrap"
    mode = "namespaces"
    needs_run_folder = False

    def __init__(self) -> None:
        command = [shutil.which("bwrap") or "bwrap", *sandbox_arguments(), "--", interpreter(), *PYTHON_FLAGS,
                   "/grader/zygote.py", SITE]
        self.server = ForkServer(command, dict(CHILD_ENV, HOME="/work", TMPDIR="/tmp"), self.mode)
        self._confiner = None

    def placement(self, run_dir: Path | None) -> Placement:
        return Placement("/submission", "/work", "/tmp", inline_sources=True)


def make_launcher(isolation: str = "auto"):
    """The launcher for an isolation mode, its fork server started and ready.

    `auto` takes Bubblewrap when it works here and plain processes otherwise; asking for bwrap where
    it cannot run is an error, never a fallback.
    """
    if isolation not in ISOLATION_MODES:
        raise GradeError("error.unknown-isolation", isolation=isolation)
    if isolation != "process":
        if shutil.which("bwrap") is not None:
            try:
                launcher = BwrapLauncher()
                launcher.server.start()
                launcher.confiner  # made while the server loads NumPy
                launcher.server.wait_ready()
                return launcher
            except (ServerFailed, OSError) as failure:
                reason = str(failure)
        else:
            reason = "bwrap is not installed"
        if isolation == "bwrap":
            raise GradeError("error.bwrap-unavailable", reason=reason)
    launcher = ProcessLauncher()
    launcher.server.start()
    launcher.confiner  # made while the server loads NumPy
    return launcher


def start_launcher(isolation: str = "auto", warm: Future | None = None) -> Future:
    """Make the launcher in the background, so the fork server loads NumPy while the grader starts.

    `warm` is a launcher started earlier on a guess (`auto`, before the options were read); it is
    used when it suits `isolation`, and closed otherwise.
    """
    def make():
        if warm is not None:
            try:
                launcher = warm.result()
            except GradeError:
                launcher = None
            if launcher is not None and isolation in ("auto", launcher.isolation):
                return launcher
            if launcher is not None:
                launcher.server.close()
        return make_launcher(isolation)

    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="grade-launcher")
    future = pool.submit(make)
    pool.shutdown(wait=False)
    return future
