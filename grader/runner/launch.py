"""Starting workers: a warm fork server per isolation mode, forking one worker per run.

Importing NumPy costs more than grading a whole submission, so it happens once: a fork server
(zygote.py) starts with Python and NumPy loaded and forks a worker for each run. Under Bubblewrap
the server lives in one sandbox and each worker gets namespaces of its own nested inside it, so two
submissions never share a file or a process; see zygote.py for what each worker sees.

A run folder holds `plan.json`, `output.log` and, for a plain child process, `submission/` (a
private copy of the student's files) and `work/` (its working folder). A sandboxed worker gets the
files inside the plan and writes them into its own empty tmpfs.
"""
from __future__ import annotations

import functools
import importlib.util
import os
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from grader.errors import GradeError

RUNNER = Path(__file__).resolve().parent
ISOLATION_MODES = ("auto", "bwrap", "process")
SANDBOX_FILES = ("zygote.py", "worker.py", "codec.py", "loader.py", "signatures.py")
# Isolated (no environment, no user site), no .pyc writes, and no `site`: the server puts NumPy's
# folder on its path itself, which spares it reading every .pth file of the grader's environment.
PYTHON_FLAGS = ("-I", "-S", "-B")
STATUS_SECONDS = 10.0
"""How long to wait for a killed worker's exit code before giving up on it."""

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


class ServerFailed(RuntimeError):
    """The fork server did not come up; the message says why."""


@dataclass(frozen=True)
class Placement:
    """Where a worker finds the run's files, as paths it can see."""

    root: str
    workdir: str
    tmpdir: str
    inline_sources: bool
    """The student's files travel inside the plan (a sandboxed worker cannot see the run folder)."""


class Worker:
    """One forked worker: the pipe it reports on, and its nursery's status and kill pipes."""

    def __init__(self, protocol_fd: int, status_fd: int, kill_fd: int):
        self.protocol_fd = protocol_fd
        self._status_fd = status_fd
        self._kill_fd: int | None = kill_fd
        self._exit_code: int | None = None
        self._status_read = False

    def stop(self) -> None:
        """Kill the worker and everything it started, wait until they are gone, and close the pipes."""
        if self._kill_fd is not None:
            os.close(self._kill_fd)  # the nursery takes the closed pipe as the order to kill
            self._kill_fd = None
        self._read_status(STATUS_SECONDS)
        for fd in (self.protocol_fd, self._status_fd):
            try:
                os.close(fd)
            except OSError:
                pass

    def exit_detail(self) -> str:
        """How the worker ended, once it has: `exit code 3`, `signal SIGKILL` or '' when unknown."""
        code = self._read_status(1.0)
        if code is None:
            return ""
        if code < 0:
            try:
                return f"signal {signal.Signals(-code).name}"
            except ValueError:
                return f"signal {-code}"
        return f"exit code {code}"

    def _read_status(self, seconds: float) -> int | None:
        if self._status_read:
            return self._exit_code
        deadline = time.monotonic() + seconds
        data = b""
        while time.monotonic() < deadline:
            ready, _, _ = select.select([self._status_fd], [], [], max(0.0, deadline - time.monotonic()))
            if not ready:
                break
            chunk = os.read(self._status_fd, 64)
            if not chunk:
                self._status_read = True
                break
            data += chunk
        try:
            self._exit_code = int(data.strip()) if data.strip() else None
        except ValueError:
            self._exit_code = None
        return self._exit_code


class ForkServer:
    """A warm interpreter with NumPy loaded that forks a worker for each run; restarted if it dies."""

    def __init__(self, command: list[str], env: dict[str, str], mode: str, startup_seconds: float = 60.0):
        self.command, self.env, self.mode, self.startup_seconds = command, env, mode, startup_seconds
        self._lock = threading.Lock()
        self._process: subprocess.Popen | None = None
        self._control: socket.socket | None = None
        self._ready = False

    def start(self) -> None:
        """Start the server without waiting for it (it loads NumPy while the grader does other work)."""
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            self._process = subprocess.Popen(
                [*self.command, self.mode, str(theirs.fileno())], stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=tempfile.gettempdir(), env=self.env,
                pass_fds=(theirs.fileno(),), start_new_session=True)
        except OSError as error:
            ours.close()
            raise ServerFailed(str(error)) from None
        finally:
            theirs.close()
        self._control, self._ready = ours, False

    def wait_ready(self) -> None:
        """Block until the server says it is ready; raise ServerFailed with its reason otherwise."""
        if self._ready:
            return
        if self._control is None:
            self.start()
        ready, _, _ = select.select([self._control], [], [], self.startup_seconds)
        message = self._control.recv(64) if ready else b""
        if message != b"ready":
            reason = message.decode(errors="replace") or self._stderr_tail() or "no answer"
            self.close()
            raise ServerFailed(reason)
        self._ready = True

    def fork(self, plan_path: Path, output: IO[bytes]) -> Worker:
        protocol_read, protocol_write = os.pipe()
        status_read, status_write = os.pipe()
        kill_read, kill_write = os.pipe()
        plan_fd = os.open(plan_path, os.O_RDONLY)
        try:
            self._send([plan_fd, protocol_write, output.fileno(), status_write, kill_read])
        except BaseException:
            for fd in (protocol_read, status_read, kill_write):
                os.close(fd)
            raise
        finally:
            for fd in (plan_fd, protocol_write, status_write, kill_read):
                os.close(fd)
        return Worker(protocol_read, status_read, kill_write)

    def _send(self, fds: list[int]) -> None:
        with self._lock:
            for attempt in range(2):
                if self._process is None or self._process.poll() is not None:
                    self.close()
                    self.start()
                self.wait_ready()
                try:
                    socket.send_fds(self._control, [b"run"], fds)
                    return
                except OSError:
                    if attempt:
                        raise ServerFailed("the fork server stopped answering") from None
                    self.close()

    def close(self) -> None:
        """Stop the server; workers already forked finish on their own."""
        if self._control is not None:
            self._control.close()  # the server leaves when its socket closes
            self._control = None
        if self._process is not None:
            try:
                self._process.wait(timeout=2)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
            if self._process.stderr:
                self._process.stderr.close()
            self._process = None
        self._ready = False

    def _stderr_tail(self) -> str:
        if self._process is None or self._process.stderr is None or self._process.poll() is None:
            return ""
        lines = self._process.stderr.read().decode(errors="replace").strip().splitlines()
        return lines[-1] if lines else f"exit code {self._process.returncode}"


class ProcessLauncher:
    """Plain child processes, each in its own session with a scrubbed environment and closed stdin.

    The worker lowers its own resource limits (address space, CPU, processes, file size) before it
    runs any student code, from the limits written in the plan.
    """

    isolation = "process"

    def __init__(self) -> None:
        command = [sys.executable, *PYTHON_FLAGS, str(RUNNER / "zygote.py"), _numpy_folder()]
        self.server = ForkServer(command, dict(CHILD_ENV), "process")

    def placement(self, run_dir: Path) -> Placement:
        work = str(run_dir / "work")
        return Placement(str(run_dir / "submission"), work, work, inline_sources=False)

    def start(self, run_dir: Path, output: IO[bytes]) -> Worker:
        return self.server.fork(run_dir / "plan.json", output)


class BwrapLauncher(ProcessLauncher):
    """A Bubblewrap sandbox: new user, PID, network, IPC and UTS namespaces, no capabilities, nobody's uid.

    Visible inside: the interpreter and its site-packages (read-only), /usr (read-only), the fork
    server's three files, and a read-only root. Each worker then gets namespaces of its own with empty
    tmpfs folders at /submission, /work and /tmp. No home folder, no other student's files, not the
    output folder. Every process a submission starts lives in its worker's PID namespace and dies with it.
    """

    isolation = "bwrap"

    def __init__(self) -> None:
        command = [shutil.which("bwrap") or "bwrap", *sandbox_arguments(), "--", sys.executable, *PYTHON_FLAGS,
                   "/grader/zygote.py", _numpy_folder()]
        self.server = ForkServer(command, dict(CHILD_ENV, HOME="/work", TMPDIR="/tmp"), "namespaces")

    def placement(self, run_dir: Path) -> Placement:
        return Placement("/submission", "/work", "/tmp", inline_sources=True)


@functools.lru_cache(maxsize=1)
def _numpy_folder() -> str:
    """The folder NumPy is installed in (found, not imported: the grader may not need it yet)."""
    return str(Path(importlib.util.find_spec("numpy").origin).resolve().parent.parent)


def _interpreter_folders() -> list[str]:
    """The folders Python and NumPy load from, outermost only (a venv may live anywhere, /tmp too)."""
    candidates = {sys.prefix, sys.base_prefix, str(Path(sys.executable).resolve().parent.parent), _numpy_folder()}
    folders = sorted(os.path.realpath(c) for c in candidates)
    return [f for f in folders if not any(f != o and f.startswith(o.rstrip("/") + "/") for o in folders)
            and not f.startswith("/usr/")]


@functools.lru_cache(maxsize=1)
def sandbox_arguments() -> tuple[str, ...]:
    # No --die-with-parent: it fires when the starting *thread* ends; the server leaves when its socket closes.
    arguments = ["--unshare-all", "--new-session", "--cap-drop", "ALL",
                 "--uid", "65534", "--gid", "65534", "--hostname", "grade-sandbox",
                 "--ro-bind", "/usr", "/usr", "--proc", "/proc", "--dev", "/dev"]
    for name in ("bin", "sbin", "lib", "lib32", "lib64"):  # merged-/usr systems make these links
        path = Path("/") / name
        if path.is_symlink():
            arguments += ["--symlink", os.readlink(path), str(path)]
        elif path.is_dir():
            arguments += ["--ro-bind", str(path), str(path)]
    for folder in _interpreter_folders():
        arguments += ["--ro-bind", folder, folder]
    for name in SANDBOX_FILES:
        arguments += ["--ro-bind", str(RUNNER / name), f"/grader/{name}"]
    # Mount points for each worker's private tmpfs; the sandbox's own root stays read-only.
    for folder in ("/submission", "/work", "/tmp"):
        arguments += ["--dir", folder]
    arguments += ["--chdir", "/", "--remount-ro", "/"]
    return tuple(arguments)


def make_launcher(isolation: str = "auto"):
    """The launcher for an isolation mode, its fork server started and ready.

    `auto` takes Bubblewrap when it works here and plain processes otherwise; asking for bwrap where
    it cannot run is an error, never a fallback.
    """
    if isolation not in ISOLATION_MODES:
        raise GradeError("error.unknown-isolation", isolation=isolation)
    if isolation != "process":
        if shutil.which("bwrap") is not None:
            launcher = BwrapLauncher()
            try:
                launcher.server.wait_ready()
                return launcher
            except ServerFailed as failure:
                reason = str(failure)
        else:
            reason = "bwrap is not installed"
        if isolation == "bwrap":
            raise GradeError("error.bwrap-unavailable", reason=reason)
    launcher = ProcessLauncher()
    launcher.server.start()
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
