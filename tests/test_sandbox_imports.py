"""Only NumPy is visible to student code in the sandbox, and the grader's venv may live anywhere.

The project is installed NON-editably (its wheel, unpacked where `pip install .` puts it) into a fresh venv
under /tmp, the place whose private tmpfs used to hide the interpreter's NumPy from the workers.
"""
import json
import os
import shutil
import site
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import numpy
import pytest

from helpers import copy_reference
from test_honest import FIXTURES_GRADED, HONEST
from test_isolation import replace_function

# One worker builds the venv once and runs every test that uses it (pytest-xdist).
pytestmark = pytest.mark.xdist_group("tmp_venv")

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def tmp_venv(built_wheel):
    """A venv under /tmp with grade installed from a wheel and its own NumPy; other dependencies by path.

    The wheel is unpacked into the venv's site-packages, which is where `pip install grade-*.whl` puts the
    packages (pip adds its records and a `grade` script, which these tests do not use), without starting pip.
    Its NumPy is this environment's installed files (the same wheel's, .pyc included), hard-linked (copied
    where links cannot be made), so it lives under /tmp as a `pip install numpy` there would, without
    unpacking and compiling it again."""
    with tempfile.TemporaryDirectory(prefix="grade-venv-", dir="/tmp") as folder:
        venv = Path(folder) / "venv"
        subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
        python = venv / "bin" / "python"
        own_site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                                  capture_output=True, text=True, check=True).stdout.strip()
        with zipfile.ZipFile(built_wheel) as wheel:
            wheel.extractall(own_site)
        installed = Path(numpy.__file__).parent.parent
        for name in ("numpy", "numpy.libs", f"numpy-{numpy.__version__}.dist-info"):
            if (installed / name).exists():
                shutil.copytree(installed / name, Path(own_site) / name, symlinks=True, copy_function=link_or_copy)
        # Typer, Jinja and the rest come from this test's environment, after the venv's own packages.
        (Path(own_site) / "zz-test-dependencies.pth").write_text("\n".join(site.getsitepackages()) + "\n")
        yield python, own_site


def link_or_copy(source, target):
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def lazy_numpy(folder):
    """sigmoid loads parts of NumPy the fork server has not loaded: they must be visible too."""
    replace_function(folder, "activations.py", "sigmoid",
                     "def sigmoid(x):\n    import numpy.random, numpy.testing, numpy.linalg, numpy.fft\n"
                     "    numpy.testing.assert_allclose(numpy.random.default_rng(0).random(2) * 0, 0)\n"
                     "    return 1 / (1 + np.exp(-x))\n")


def intruder(folder, own_site):
    """A reference whose functions import the grader, the reference and look for site-packages."""
    replace_function(folder, "activations.py", "relu",
                     "def relu(x):\n    import grader\n    return np.maximum(0, x)\n")
    replace_function(folder, "activations.py", "leaky_relu",
                     "def leaky_relu(x, alpha=0.01):\n    from reference.activations import leaky_relu\n"
                     "    return leaky_relu(x, alpha)\n")
    replace_function(folder, "activations.py", "tanh",
                     f"def tanh(x):\n    import os\n    if os.path.exists({own_site!r}):\n"
                     "        raise RuntimeError('site-packages is visible')\n    return np.tanh(x)\n")
    lazy_numpy(folder)


HONEST_HAND_INS = ("selftest_seed.py", "colab_activations.ipynb")


@pytest.fixture(scope="module")
def graded(tmp_venv, tmp_path_factory):
    """`graded(isolation)`: the results of one `grade batch` by the venv's grader under that mode, per student.

    One class, graded once per mode (a worker per student, as for `grade submit`): the reference with lazy
    NumPy imports, the honest hand-ins below and, under bwrap, an intruder."""
    python, own_site = tmp_venv
    made = {}

    def results(isolation):
        if isolation not in made:
            top = tmp_path_factory.mktemp(f"venv-class-{isolation}")
            lazy_numpy(copy_reference(top / "class" / "reference"))
            if isolation == "bwrap":
                intruder(copy_reference(top / "class" / "intruder"), own_site)
            for name in HONEST_HAND_INS:
                shutil.copy(HONEST / name, top / "class" / name)
            finished = subprocess.run([str(python), "-m", "grader", "batch", str(top / "class"), "--isolation",
                                       isolation, "--out", str(top / "out"), "--lang", "en"],
                                      capture_output=True, text=True, cwd=top, timeout=180)
            assert finished.returncode == 0, finished.stderr
            made[isolation] = {student.name: json.loads((student / "results.json").read_text(encoding="utf-8"))
                               for student in (top / "out" / "students").iterdir()}
        return made[isolation]
    return results


def by_id(results):
    return {e["id"]: e for e in results["exercises"]}


def test_the_installed_grader_is_installed_where_the_sandbox_must_hide_it(tmp_venv):
    python, own_site = tmp_venv
    where = subprocess.run([str(python), "-c", "import grader, reference; print(grader.__file__, reference.__file__)"],
                           capture_output=True, text=True, check=True, cwd="/").stdout.split()
    assert all(path.startswith(own_site) for path in where)


def test_grader_and_reference_cannot_be_imported_in_the_sandbox(graded):
    exercises = by_id(graded("bwrap")["intruder"])
    for name, module in (("relu", "grader"), ("leaky_relu", "reference")):
        assert exercises[name]["status"] == "error", name
        assert f"No module named '{module}'" in exercises[name]["cases"][0]["message"]
    assert exercises["tanh"]["status"] == "passed", exercises["tanh"]["cases"][0]["message"]
    assert exercises["sigmoid"]["status"] == "passed", exercises["sigmoid"]["cases"][0]["message"]


@pytest.mark.parametrize("isolation", ["process", "bwrap"])
def test_a_venv_under_tmp_grades_the_reference_fully(graded, isolation):
    exercises = by_id(graded(isolation)["reference"])
    assert len(exercises) == 17
    assert all(e["status"] == "passed" for e in exercises.values()), [e["id"] for e in exercises.values()
                                                                      if e["status"] != "passed"]


@pytest.mark.parametrize("isolation", ["process", "bwrap"])
def test_honest_hand_ins_earn_their_marks_with_the_venv_under_tmp(graded, isolation):
    """The student side of a venv under /tmp: `import numpy.random`, `np.random.seed` and `numpy.testing`
    at a file's top level, and a notebook with matplotlib in the cell that defines the functions."""
    for name in HONEST_HAND_INS:
        defined, _ = FIXTURES_GRADED[name]
        results = graded(isolation)[Path(name).stem]
        assert {e for e, result in by_id(results).items() if result["status"] == "passed"} == set(defined), name
        # No NumPy line was skipped: numpy.random and numpy.testing loaded at the top level.
        files = results["files"]
        assert not [note for file in files for note in file["advice"] if "`numpy" in note or "numpy." in note], files
