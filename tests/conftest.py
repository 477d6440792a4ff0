"""Shared fixtures: one Grader for the whole run (it prepares expected values once) and paths."""
from pathlib import Path

import pytest

from grader.grading import Grader
from grader.runner import Limits
from grader.submission import open_submission

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def grader() -> Grader:
    # Short call limits keep the hang tests quick; nothing honest comes close to them.
    return Grader(isolation="process", limits=Limits(call_seconds=2.0, load_seconds=3.0))


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
    grader = Grader(isolation=request.param, limits=Limits(call_seconds=2.0, load_seconds=3.0))
    assert grader.launcher.isolation == request.param
    function = grading_function(grader)
    function.isolation = request.param
    return function


@pytest.fixture
def reference_copy(tmp_path):
    """A writable copy of the reference as a loose folder, to break one piece of it."""
    target = tmp_path / "submission"
    target.mkdir()
    for source in (ROOT / "reference").glob("*.py"):
        if source.name != "__init__.py":
            (target / source.name).write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    return target


@pytest.fixture(autouse=True, scope="session")
def private_practice_log(tmp_path_factory):
    """`grade check` records progress; the tests' checks go to a folder of their own, not the user's."""
    import os

    os.environ["GRADE_DATA_DIR"] = str(tmp_path_factory.mktemp("grade-data"))
