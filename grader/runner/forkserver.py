"""The grader's side of a fork server: starting it, asking it for a worker, and stopping that worker.

The server (zygote.py) holds Python and NumPy loaded and forks a *nursery* per request on its control
socket; the nursery starts the worker and reports how it ended. See zygote.py for the other side.
"""
from __future__ import annotations

import os
import select
import signal
import socket
import subprocess
import tempfile
import threading
import time

STATUS_SECONDS = 10.0
"""How long to wait for a killed worker's exit code before giving up on it."""


class ServerFailed(RuntimeError):
    """The fork server did not come up; the message says why."""


class Worker:
    """One forked worker: the pipe it reports on, and its nursery's status and kill pipes."""

    def __init__(self, protocol_fd: int, status_fd: int, kill_fd: int, confinement=None):
        self.protocol_fd = protocol_fd
        self.confinement = confinement
        """What binds the submission's limits (confine.py); released once the worker is gone."""
        self._status_fd = status_fd
        self._kill_fd: int | None = kill_fd
        self._exit_code: int | None = None
        self._status_read = False
        self._stopped = False

    def stop(self) -> None:
        """Kill the worker and everything it started, wait until they are gone, and close the pipes (once)."""
        if self._stopped:
            return
        self._stopped = True
        if self._kill_fd is not None:
            os.close(self._kill_fd)  # the nursery takes the closed pipe as the order to kill
            self._kill_fd = None
        self._read_status(STATUS_SECONDS)
        for fd in (self.protocol_fd, self._status_fd):
            try:
                os.close(fd)
            except OSError:
                pass
        if self.confinement is not None:
            self.confinement.release()  # kills whatever of the submission is left, then frees its cgroup or uid
            self.confinement = None

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

    def fork(self, plan_fd: int, output_fd: int, confinement=None) -> Worker:
        """A worker for the plan read from `plan_fd` (closed here), printing to `output_fd`; `confinement`
        (confine.py) gives the cgroup files it joins and its uid."""
        protocol_read, protocol_write = os.pipe()
        status_read, status_write = os.pipe()
        kill_read, kill_write = os.pipe()
        joins = confinement.join_fds() if confinement is not None else []
        message = b"run" if confinement is None or confinement.uid is None else b"run %d" % confinement.uid
        try:
            self._send(message, [plan_fd, protocol_write, output_fd, status_write, kill_read, *joins])
        except BaseException:
            for fd in (protocol_read, status_read, kill_write):
                os.close(fd)
            if confinement is not None:
                confinement.release()
            raise
        finally:
            for fd in (plan_fd, protocol_write, status_write, kill_read, *joins):
                os.close(fd)
        return Worker(protocol_read, status_read, kill_write, confinement)

    def _send(self, message: bytes, fds: list[int]) -> None:
        with self._lock:
            for attempt in range(2):
                if self._process is None or self._process.poll() is not None:
                    self.close()
                    self.start()
                self.wait_ready()
                try:
                    socket.send_fds(self._control, [message], fds)
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
