"""Only NumPy is visible to student code in the sandbox, and the grader's venv may live anywhere.

The project is installed NON-editably (a wheel, as `pip install .` does) into a fresh venv under
/tmp, the place whose private tmpfs used to hide the interpreter's NumPy from the workers.
"""
import json
import shutil
import site
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy
import pytest

from test_isolation import replace_function

# One worker builds the venv once and runs every test that uses it (pytest-xdist).
pytestmark = pytest.mark.xdist_group("tmp_venv")

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def tmp_venv(built_wheel):
    """A venv under /tmp with grade installed from a wheel and its own NumPy; other dependencies by path.

    Its NumPy is a copy of this environment's installed files (the same wheel's, .pyc included), so it
    lives under /tmp as a `pip install numpy` there would, without unpacking and compiling it again."""
    with tempfile.TemporaryDirectory(prefix="grade-venv-", dir="/tmp") as folder:
        venv = Path(folder) / "venv"
        subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
        python = venv / "bin" / "python"
        subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "--no-deps",
                        str(built_wheel)], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        own_site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                                  capture_output=True, text=True, check=True).stdout.strip()
        installed = Path(numpy.__file__).parent.parent
        for name in ("numpy", "numpy.libs", f"numpy-{numpy.__version__}.dist-info"):
            if (installed / name).exists():
                shutil.copytree(installed / name, Path(own_site) / name, symlinks=True)
        # Typer, Jinja and the rest come from this test's environment, after the venv's own packages.
        (Path(own_site) / "zz-test-dependencies.pth").write_text("\n".join(site.getsitepackages()) + "\n")
        yield python, own_site


def lazy_numpy(folder):
    """sigmoid loads parts of NumPy the fork server has not loaded: they must be visible too."""
    replace_function(folder, "activations.py", "sigmoid",
                     "def sigmoid(x):\n    import numpy.random, numpy.testing, numpy.linalg, numpy.fft\n"
                     "    numpy.testing.assert_allclose(numpy.random.default_rng(0).random(2) * 0, 0)\n"
                     "    return 1 / (1 + np.exp(-x))\n")


def grade(python, submission, out, isolation, files=None):
    finished = subprocess.run([str(python), "-m", "grader", "submit", str(submission), "--isolation", isolation,
                               "--out", str(out), "--json"], capture_output=True, text=True, cwd=out.parent,
                              timeout=180)
    assert finished.returncode == 0, finished.stderr
    results = json.loads(finished.stdout)
    if files is not None:
        files.extend(results["files"])
    return {e["id"]: e for e in results["exercises"]}


def test_the_installed_grader_is_installed_where_the_sandbox_must_hide_it(tmp_venv):
    python, own_site = tmp_venv
    where = subprocess.run([str(python), "-c", "import grader, reference; print(grader.__file__, reference.__file__)"],
                           capture_output=True, text=True, check=True, cwd="/").stdout.split()
    assert all(path.startswith(own_site) for path in where)


def test_grader_and_reference_cannot_be_imported_in_the_sandbox(tmp_venv, reference_copy, tmp_path):
    python, own_site = tmp_venv
    replace_function(reference_copy, "activations.py", "relu",
                     "def relu(x):\n    import grader\n    return np.maximum(0, x)\n")
    replace_function(reference_copy, "activations.py", "leaky_relu",
                     "def leaky_relu(x, alpha=0.01):\n    from reference.activations import leaky_relu\n"
                     "    return leaky_relu(x, alpha)\n")
    replace_function(reference_copy, "activations.py", "tanh",
                     f"def tanh(x):\n    import os\n    if os.path.exists({own_site!r}):\n"
                     "        raise RuntimeError('site-packages is visible')\n    return np.tanh(x)\n")
    lazy_numpy(reference_copy)
    exercises = grade(python, reference_copy, tmp_path / "out", "bwrap")
    for name, module in (("relu", "grader"), ("leaky_relu", "reference")):
        assert exercises[name]["status"] == "error", name
        assert f"No module named '{module}'" in exercises[name]["cases"][0]["message"]
    assert exercises["tanh"]["status"] == "passed", exercises["tanh"]["cases"][0]["message"]
    assert exercises["sigmoid"]["status"] == "passed", exercises["sigmoid"]["cases"][0]["message"]


@pytest.mark.parametrize("isolation", ["process", "bwrap"])
def test_a_venv_under_tmp_grades_the_reference_fully(tmp_venv, reference_copy, tmp_path, isolation):
    python, _ = tmp_venv
    lazy_numpy(reference_copy)
    exercises = grade(python, reference_copy, tmp_path / "out", isolation)
    assert all(e["status"] == "passed" for e in exercises.values()), [e["id"] for e in exercises.values()
                                                                      if e["status"] != "passed"]


@pytest.mark.parametrize("isolation", ["process", "bwrap"])
def test_honest_hand_ins_earn_their_marks_with_the_venv_under_tmp(tmp_venv, tmp_path, isolation):
    """The student side of a venv under /tmp: `import numpy.random`, `np.random.seed` and `numpy.testing`
    at a file's top level, and a notebook with matplotlib in the cell that defines the functions."""
    from test_honest import FIXTURES_GRADED, HONEST

    python, _ = tmp_venv
    for name in ("selftest_seed.py", "colab_activations.ipynb"):
        defined, _ = FIXTURES_GRADED[name]
        files = []
        exercises = grade(python, HONEST / name, tmp_path / f"out-{name}", isolation, files)
        assert {e for e, result in exercises.items() if result["status"] == "passed"} == set(defined), name
        # No NumPy line was skipped: numpy.random and numpy.testing loaded at the top level.
        assert not [note for file in files for note in file["advice"] if "`numpy" in note or "numpy." in note], files
