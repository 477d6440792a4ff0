"""Starting a worker: how the child process is created is the only thing isolation modes change.

Both launchers run the same worker on the same plan. A run folder holds `submission/` (a private
copy of the student's files), `work/` (the working folder) and `plan.json`.
"""
from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from grader.errors import GradeError

RUNNER = Path(__file__).resolve().parent
WORKER = RUNNER / "worker.py"
ISOLATION_MODES = ("auto", "bwrap", "process")

# Nothing of the grader's environment leaks into the child; one BLAS thread keeps a batch's
# parallel workers from oversubscribing the cores and keeps OpenBLAS's memory small.
CHILD_ENV = {
    "PATH": "/usr/local/bin:/usr/bin:/bin",
    "LANG": "C.UTF-8",
    "PYTHONDONTWRITEBYTECODE": "1",
    "PYTHONHASHSEED": "0",
    "OPENBLAS_NUM_THREADS": "1",
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
}


@dataclass
class Worker:
    process: subprocess.Popen
    protocol_fd: int
    """The read end of the pipe the worker reports on."""


def _spawn(command: list[str], cwd: Path, env: dict[str, str], output: IO[bytes], write_fd: int) -> subprocess.Popen:
    return subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=output, stderr=output, cwd=cwd, env=env,
                            pass_fds=(write_fd,), start_new_session=True)


class ProcessLauncher:
    """A plain child process in its own session, with a scrubbed environment and closed stdin.

    The worker lowers its own resource limits (address space, CPU, processes, file size) before it
    runs any student code, from the limits written in the plan.
    """

    isolation = "process"

    def submission_root(self, run_dir: Path) -> str:
        return str(run_dir / "submission")

    def start(self, run_dir: Path, output: IO[bytes]) -> Worker:
        workdir = run_dir / "work"
        env = dict(CHILD_ENV, HOME=str(workdir), TMPDIR=str(workdir))
        return _start([sys.executable, "-I", "-B", str(WORKER), str(run_dir / "plan.json")], workdir, env, output)


class BwrapLauncher:
    """A Bubblewrap sandbox: new user, PID, network, IPC and UTS namespaces, no capabilities, nobody's uid.

    Visible inside: the interpreter and its site-packages (read-only), /usr (read-only), the worker's two
    files, the student's files (read-only at /submission), and empty tmpfs folders at /work and /tmp.
    Nothing else: no home folder, no other student's files, not the output folder. Every process the
    submission starts lives in the sandbox's PID namespace and dies with it.
    """

    isolation = "bwrap"

    def submission_root(self, run_dir: Path) -> str:
        return "/submission"

    def start(self, run_dir: Path, output: IO[bytes]) -> Worker:
        command = [shutil.which("bwrap") or "bwrap", *sandbox_arguments(),
                   "--ro-bind", str(run_dir / "submission"), "/submission",
                   "--ro-bind", str(run_dir / "plan.json"), "/plan.json",
                   "--tmpfs", "/work", "--chdir", "/work",
                   "--", sys.executable, "-I", "-B", "/grader/worker.py", "/plan.json"]
        env = dict(CHILD_ENV, HOME="/work", TMPDIR="/tmp")
        return _start(command, run_dir, env, output)


def _start(command: list[str], cwd: Path, env: dict[str, str], output: IO[bytes]) -> Worker:
    read_fd, write_fd = os.pipe()
    try:
        process = _spawn([*command, str(write_fd)], cwd, env, output, write_fd)
    except BaseException:
        os.close(read_fd)
        raise
    finally:
        os.close(write_fd)
    return Worker(process, read_fd)


def _interpreter_folders() -> list[str]:
    """The folders Python and NumPy load from, outermost only (a venv may live anywhere, /tmp too)."""
    import numpy

    candidates = {sys.prefix, sys.base_prefix, str(Path(sys.executable).resolve().parent.parent),
                  str(Path(numpy.__file__).resolve().parent.parent)}
    folders = sorted(os.path.realpath(c) for c in candidates)
    return [f for f in folders if not any(f != o and f.startswith(o.rstrip("/") + "/") for o in folders)
            and not f.startswith("/usr/")]


@functools.lru_cache(maxsize=1)
def sandbox_arguments() -> tuple[str, ...]:
    arguments = ["--unshare-all", "--die-with-parent", "--new-session", "--cap-drop", "ALL",
                 "--uid", "65534", "--gid", "65534", "--hostname", "grade-sandbox",
                 "--ro-bind", "/usr", "/usr", "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp"]
    for name in ("bin", "sbin", "lib", "lib32", "lib64"):  # merged-/usr systems make these links
        path = Path("/") / name
        if path.is_symlink():
            arguments += ["--symlink", os.readlink(path), str(path)]
        elif path.is_dir():
            arguments += ["--ro-bind", str(path), str(path)]
    for folder in _interpreter_folders():
        arguments += ["--ro-bind", folder, folder]
    for name in ("worker.py", "codec.py"):
        arguments += ["--ro-bind", str(RUNNER / name), f"/grader/{name}"]
    return tuple(arguments)


@functools.lru_cache(maxsize=1)
def bwrap_works() -> bool:
    """Whether a Bubblewrap sandbox can start here (bwrap installed and user namespaces allowed)."""
    if shutil.which("bwrap") is None:
        return False
    try:
        # Starting the interpreter proves the namespaces and binds work; NumPy's import would only cost time.
        probe = subprocess.run(["bwrap", *sandbox_arguments(), "--", sys.executable, "-I", "-S", "-c", "pass"],
                               capture_output=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return probe.returncode == 0


def make_launcher(isolation: str = "auto"):
    """The launcher for an isolation mode; asking for bwrap where it cannot run is an error, never a fallback."""
    if isolation not in ISOLATION_MODES:
        raise GradeError("error.unknown-isolation", isolation=isolation)
    if isolation == "process":
        return ProcessLauncher()
    if bwrap_works():
        return BwrapLauncher()
    if isolation == "bwrap":
        raise GradeError("error.bwrap-unavailable")
    return ProcessLauncher()
