"""Shared fixtures: one Grader for the whole run (it prepares expected values once) and paths.

Also marks the slow tests (`pytest -m "not slow"` runs the rest in seconds; a plain `pytest` runs all).
"""
import inspect
import os
import subprocess
import types
from fnmatch import fnmatch
from pathlib import Path

import pytest

from grader.grading import Grader
from grader.runner import Limits
from grader.submission import open_submission

ROOT = Path(__file__).resolve().parent.parent

if os.environ.get("PYTEST_XDIST_WORKER"):
    # pytest-xdist's workers get COLUMNS=80 and LINES=24, which a test run in one process does not have: `grade
    # watch` started by a test in a 60×140 pty would believe them and page its screen at 24 lines.
    for name in ("COLUMNS", "LINES"):
        os.environ.pop(name, None)
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def pytest_addoption(parser):
    parser.addoption("--regen-golden", action="store_true", dest="regen_golden",
                     help="rewrite the golden files (tests/test_golden.py) from what the code gives now")


@pytest.fixture(scope="session")
def grader() -> Grader:
    # Short call limits keep the hang tests quick; nothing honest comes close to them.
    from helpers import shared_grader

    return shared_grader("process", limits=Limits(call_seconds=2.0, load_seconds=3.0))


def grading_function(grader):
    def grade(path, only=None, lang="en"):
        with open_submission(path) as submission:
            return grader.grade(submission, lang=lang, only=only)
    return grade


@pytest.fixture(scope="session")
def grade(grader):
    return grading_function(grader)


@pytest.fixture(scope="session", params=["process", "bwrap"])
def isolated_grade(request):
    """Grading under each isolation mode: CI installs bubblewrap, so the bwrap runs never skip."""
    from helpers import shared_grader

    grader = shared_grader(request.param, limits=Limits(call_seconds=2.0, load_seconds=3.0))
    assert grader.launcher.isolation == request.param
    function = grading_function(grader)
    function.isolation = request.param
    return function


@pytest.fixture
def reference_copy(tmp_path):
    """A writable copy of the reference as a loose folder, to break one piece of it."""
    from helpers import copy_reference

    return copy_reference(tmp_path / "submission")


@pytest.fixture(scope="session")
def built_wheel(tmp_path_factory) -> Path:
    """The project's wheel, built from a clean copy of the checkout once per run."""
    from helpers import build_wheel, made_once

    (wheel,) = made_once(tmp_path_factory, "wheel", build_wheel).glob("grade-*.whl")
    return wheel


@pytest.fixture(autouse=True, scope="session")
def private_practice_log(tmp_path_factory):
    """`grade check` records progress; the tests' checks go to a folder of their own, not the user's."""
    import os

    os.environ["GRADE_DATA_DIR"] = str(tmp_path_factory.mktemp("grade-data"))


# --- the slow marker ---------------------------------------------------------------------------------------------
# A test is slow when it starts a worker, a subprocess, a Jupyter kernel or a browser: a whole file of such tests (below), a test
# using a fixture that grades, or a test whose code (or a helper or fixture of the tests it calls) names one of
# SLOW_NAMES. Everything else must run without a worker, so the fast part takes seconds.
SLOW_FILES = ("test_browser.py", "test_hostile.py", "test_isolation.py", "test_fork_server.py", "test_sandbox_*.py",
              "test_batch*.py")
SLOW_FIXTURES = {"grader", "grade", "isolated_grade", "built_wheel"}
SLOW_NAMES = {"subprocess", "pexpect", "multiprocessing", "Popen", "Grader", "Launcher", "ForkServer",
              "start_launcher", "run_batch", "grade_class", "CliRunner", "NotebookClient", "KernelManager",
              "grade_here", "shared_grader", "shared_fork_servers"}  # by name too: a test may import them inside its body
TESTS = Path(__file__).resolve().parent


def _names(code: types.CodeType) -> set[str]:
    """Global and attribute names used by a function, its nested functions and lambdas included."""
    names = set(code.co_names)
    for constant in code.co_consts:
        if isinstance(constant, types.CodeType):
            names |= _names(constant)
    return names


def _starts_processes(function, seen: set) -> bool:
    """Whether a test or fixture function, or a function of the test suite it calls, names a slow thing."""
    function = inspect.unwrap(function)
    code = getattr(function, "__code__", None)
    where = Path(code.co_filename).resolve() if code else None
    if code is None or code in seen or not where.is_relative_to(TESTS) or where == Path(__file__).resolve():
        return False  # this file's fixtures are judged by name (SLOW_FIXTURES)
    seen.add(code)
    names = _names(code)
    if names & SLOW_NAMES:
        return True
    scope = getattr(function, "__globals__", {})
    return any(inspect.isfunction(scope.get(name)) and _starts_processes(scope[name], seen) for name in names)


def _is_slow(item) -> bool:
    if any(fnmatch(item.path.name, pattern) for pattern in SLOW_FILES) or SLOW_FIXTURES & set(item.fixturenames):
        return True
    seen: set = set()
    fixtures = item._fixtureinfo.name2fixturedefs
    functions = [getattr(item, "function", None)]
    functions += [definition.func for name in item.fixturenames for definition in fixtures.get(name, ())]
    return any(function is not None and _starts_processes(function, seen) for function in functions)


def pytest_xdist_auto_num_workers(config):
    """`-n auto`: two test processes per core, as the tests mostly wait (workers, kernels, browsers, timeouts)."""
    return 2 * (len(os.sched_getaffinity(0)) or 1)


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the xdist_group marks
def pytest_collection_modifyitems(config, items):
    for item in items:
        if _is_slow(item):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(autouse=True)
def fast_tests_start_no_process(request, monkeypatch):
    """In a run that leaves the slow tests out, a test not marked slow that starts a process fails, saying so:
    the rules above missed it (a helper they do not follow, a library call that grades)."""
    if "slow" not in (request.config.option.markexpr or "") or request.node.get_closest_marker("slow"):
        return

    def refuse(*args, **kwargs):
        pytest.fail(f"{request.node.nodeid} starts a process but is not marked slow: "
                    "add what it calls to SLOW_NAMES or its file to SLOW_FILES in tests/conftest.py", pytrace=False)

    monkeypatch.setattr(subprocess.Popen, "__init__", refuse)
    monkeypatch.setattr(os, "fork", refuse)
    monkeypatch.setattr(os, "forkpty", refuse)
