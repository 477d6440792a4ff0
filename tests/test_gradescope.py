"""Gradescope's autograder: `grade submit --gradescope` writes results.json in Gradescope's format, and
`grade gradescope build` writes the zip whose run_autograder does it."""
import json
import os
import shutil
import stat
import subprocess
import sys
import zipfile

import pytest

from conftest import ROOT
from helpers import grade_here

HIDDEN_CATALOG = """
[[exercises]]
id = "relu"

[[exercises.cases]]
name = { en = "large inputs", ko = "큰 입력" }
args = { x = { uniform = [50], low = -1e6, high = 1e6, seed = 7 } }
hidden = true
"""


def grade(*args, root=None, **environ):
    env = dict(LANG="C.UTF-8", LC_ALL="", LC_MESSAGES="", COLUMNS="120", **environ)
    if root is not None:
        env["GRADESCOPE_ROOT"] = str(root)
    return grade_here(*args, env=env)


@pytest.fixture
def autograder(tmp_path):
    """A stand-in for /autograder: source (with the course's catalog) and a submission."""
    root = tmp_path / "autograder"
    (root / "source").mkdir(parents=True)
    (root / "source" / "catalog.toml").write_text(HIDDEN_CATALOG, encoding="utf-8")
    shutil.copytree(ROOT / "reference", root / "submission", ignore=shutil.ignore_patterns("__*"))
    return root


def test_results_follow_gradescopes_format_with_hidden_cases_after_publishing(autograder):
    run = grade("submit", "--gradescope", "--catalog", autograder / "source" / "catalog.toml", root=autograder)
    assert run.returncode == 0, run.stderr
    results = json.loads((autograder / "results" / "results.json").read_text(encoding="utf-8"))
    assert results["score"] == 100 and isinstance(results["execution_time"], int) and results["execution_time"] >= 1
    assert results["output_format"] == "text" and results["stdout_visibility"] == "hidden"
    relu = [test for test in results["tests"] if "(relu)" in test["name"]]
    assert [test["visibility"] for test in relu] == ["visible", "after_published"]
    assert sum(test["max_score"] for test in relu) == 10 and sum(test["score"] for test in relu) == 10
    assert all(test["output_format"] == "text" for test in results["tests"])  # never html from student text
    assert sum(test["score"] for test in results["tests"]) == results["score"]


def test_student_text_stays_text(autograder):
    shutil.rmtree(autograder / "submission")
    (autograder / "submission").mkdir()
    (autograder / "submission" / "activations.py").write_text(
        "def relu(x):\n    raise ValueError('<img src=x onerror=alert(1)>')\n", encoding="utf-8")
    grade("submit", "--gradescope", root=autograder)
    results = json.loads((autograder / "results" / "results.json").read_text(encoding="utf-8"))
    relu = next(test for test in results["tests"] if "(relu)" in test["name"])
    assert "<img" in relu["output"] and relu["output_format"] == "text" and relu["score"] == 0


def test_an_unreadable_upload_still_gets_results_with_the_reason(autograder):
    shutil.rmtree(autograder / "submission")
    (autograder / "submission").mkdir()
    (autograder / "submission" / "hw.zip").write_bytes(b"PK not a zip")
    run = grade("submit", "--gradescope", root=autograder)
    results = json.loads((autograder / "results" / "results.json").read_text(encoding="utf-8"))
    assert results["score"] == 0 and "zip" in results["output"] and "Traceback" not in run.stderr


def test_a_lone_notebook_upload_is_graded(autograder, tmp_path):
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook

    shutil.rmtree(autograder / "submission")
    (autograder / "submission").mkdir()
    source = (ROOT / "reference" / "activations.py").read_text(encoding="utf-8")
    nbformat.write(new_notebook(cells=[new_code_cell(source)]), str(autograder / "submission" / "hw.ipynb"))
    grade("submit", "--gradescope", root=autograder)
    results = json.loads((autograder / "results" / "results.json").read_text(encoding="utf-8"))
    relu = next(test for test in results["tests"] if "(relu)" in test["name"])
    assert relu["score"] == relu["max_score"] == 10


def test_the_built_zip_runs_as_gradescope_runs_it(autograder, tmp_path):
    wheel = tmp_path / "grade-0.1.0-py3-none-any.whl"
    wheel.write_bytes(b"stand-in: the test runs the installed grade instead")
    out = tmp_path / "autograder.zip"
    run = grade("gradescope", "build", "--out", out, "--wheel", wheel, "--catalog",
                autograder / "source" / "catalog.toml", "--lang", "ko")
    assert run.returncode == 0, run.stderr
    with zipfile.ZipFile(out) as archive:
        names = set(archive.namelist())
        assert names == {"setup.sh", "run_autograder", wheel.name, "catalog.toml"}  # at the root, not in a folder
        for script in ("setup.sh", "run_autograder"):
            assert archive.getinfo(script).external_attr >> 16 & stat.S_IXUSR
        assert wheel.name in archive.read("setup.sh").decode()
        archive.extract("run_autograder", tmp_path)
    script = tmp_path / "run_autograder"
    script.chmod(0o755)
    command = f"{sys.executable} -m grader"
    ran = subprocess.run([str(script)], capture_output=True, text=True, timeout=120,
                         env=dict(os.environ, GRADESCOPE_ROOT=str(autograder), GRADE_COMMAND=command))
    assert ran.returncode == 0, ran.stderr
    results = json.loads((autograder / "results" / "results.json").read_text(encoding="utf-8"))
    assert results["score"] == 100 and any(t["visibility"] == "after_published" for t in results["tests"])
    assert "총점" in results["output"]  # --lang ko baked into run_autograder


def test_build_refuses_a_broken_catalog_before_any_student_uploads(tmp_path):
    broken = tmp_path / "catalog.toml"
    broken.write_text("[[exercises]]\nid = 'nope'\n", encoding="utf-8")
    wheel = tmp_path / "grade-0.1.0-py3-none-any.whl"
    wheel.write_bytes(b"x")
    run = grade("gradescope", "build", "--out", tmp_path / "a.zip", "--wheel", wheel, "--catalog", broken)
    assert run.returncode == 2 and "Traceback" not in run.stderr and not (tmp_path / "a.zip").exists()
