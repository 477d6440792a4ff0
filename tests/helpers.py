"""Helpers the test files share: running `grade` as a command, in this process or as a real one.

`grade_here` runs the CLI in this process through Typer's CliRunner: the same arguments, exit code,
stdout and stderr as the real command, without starting Python, loading NumPy and starting a fork
server for every call. Its fork servers are shared, one per isolation mode and test process: each
submission still runs in a fresh worker forked from them, exactly as in one `grade` process.
`grade_command` runs the real `grade` (python -m grader): for what only a real process shows
(the exit of `main`, a locale taken from the environment at start, signals, the console script).
"""
from __future__ import annotations

import atexit
import fcntl
import os
import shutil
import subprocess
import sys
import traceback
from concurrent.futures import Future
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Mapping

import grader.runner.launch

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Run:
    """What a `grade` command did, with the attributes of subprocess.CompletedProcess the tests read."""

    args: list[str]
    returncode: int
    stdout: str
    stderr: str


def grade_command(*args, cwd=None, env: Mapping[str, str] | None = None, timeout: float = 300,
                  **kwargs) -> subprocess.CompletedProcess:
    """The real `grade` command in a process of its own; `env` is added to this process's environment."""
    return subprocess.run([sys.executable, "-m", "grader", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, env=dict(os.environ, **(env or {})), timeout=timeout, **kwargs)


_launchers: dict[str, Future] = {}
_start_launcher = grader.runner.launch.start_launcher


def _shared_launcher(isolation: str = "auto", warm: Future | None = None) -> Future:
    """grader.runner.launch.start_launcher, made once per isolation mode for the whole test process
    (`auto` and `bwrap` share one where auto is Bubblewrap)."""
    if isolation not in _launchers:
        twin = _launchers.get({"auto": "bwrap", "bwrap": "auto"}.get(isolation, ""))
        if twin is not None and twin.exception() is None and twin.result().isolation == "bwrap":
            _launchers[isolation] = twin
        else:
            _launchers[isolation] = _start_launcher(isolation)
    return _launchers[isolation]


def shared_grader(isolation: str, **fields):
    """A Grader (its own catalog and limits) whose fork server is this test process's shared one for `isolation`.

    Each submission still runs in a fresh worker forked from it, as in one `grade batch`. A test that attacks
    or kills the server, or changes how a launcher is made, makes a Grader of its own instead."""
    from grader.grading import Grader

    return Grader(isolation=isolation, pending_launcher=_shared_launcher(isolation), **fields)


@atexit.register
def _close_launchers() -> None:
    for future in _launchers.values():
        if future.done() and future.exception() is None:
            future.result().server.close()


@contextmanager
def shared_fork_servers() -> Iterator[None]:
    """Inside, every launcher the grader starts (grader.runner.launch.start_launcher) is this test process's
    shared one for its isolation mode: for a test that runs the CLI's app itself rather than through grade_here."""
    grader.runner.launch.start_launcher = _shared_launcher
    try:
        yield
    finally:
        grader.runner.launch.start_launcher = _start_launcher


@contextmanager
def _working_directory(folder) -> Iterator[None]:
    before = os.getcwd()
    if folder is not None:
        os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(before)


def grade_here(*args, cwd=None, env: Mapping[str, str | None] | None = None, input: str | None = None) -> Run:
    """`grade ARGS` run in this process; `env` changes the environment for the call (None removes a name).

    An exception the CLI lets escape is written to stderr as a traceback with exit code 1, as the real
    command would, so a test that asserts "no traceback" still sees one.
    """
    from typer.testing import CliRunner

    from grader.cli import app

    with shared_fork_servers(), _working_directory(cwd):
        result = CliRunner().invoke(app, [str(arg) for arg in args], input=input, env=env, prog_name="grade")
    stderr = result.stderr
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        stderr += "Traceback (most recent call last):\n" + "".join(traceback.format_exception(result.exception))
    return Run(["grade", *map(str, args)], result.exit_code, result.stdout, stderr)


def copy_reference(target: Path) -> Path:
    """A writable copy of the reference's modules as a loose folder (no __init__.py), to break one piece of it."""
    target.mkdir(parents=True, exist_ok=True)
    for source in (ROOT / "reference").glob("*.py"):
        if source.name != "__init__.py":
            (target / source.name).write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    return target


def made_once(tmp_path_factory, name: str, make) -> Path:
    """A folder filled by `make(folder)` once per test run and shared by pytest-xdist's workers: the first
    to ask makes it while the others wait on a lock. For what costs seconds and no test changes (a wheel)."""
    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent  # the run's folder, above each worker's own
    folder, done = base / name, base / f"{name}.done"
    with open(base / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not done.exists():
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
            make(folder)
            done.touch()
    return folder


def build_wheel(folder: Path) -> None:
    """`pip wheel` of a clean copy of the checkout: setuptools reuses a build/ folder left in the checkout,
    which would hide a file missing from the package. Built with this environment's setuptools (a test extra,
    as recent as the build requires), not in an isolated build environment made for it."""
    source = folder / "source"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns("build", "*.egg-info", "__pycache__", ".git",
                                                                ".pytest_cache", "grade-report"))
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "-w", str(folder),
                    str(source)],
                   check=True, capture_output=True, timeout=300)
    shutil.rmtree(source)
