"""A submission may be a folder, one .py file, a notebook or a zip; all grade the same."""
import zipfile

import nbformat
import pytest

from conftest import ROOT
from grader.errors import GradeError
from grader.submission import open_submission, strip_magics


def per_exercise(result):
    return [(e.id, e.status, e.score) for e in result.exercises]


def notebook_from_reference(path, magics=True):
    cells = [nbformat.v4.new_markdown_cell("# 과제 / Homework")]
    if magics:
        cells.append(nbformat.v4.new_code_cell("%matplotlib inline\n!pip install numpy\nimport numpy as np"))
        cells.append(nbformat.v4.new_code_cell("%%bash\necho this is not python"))
    for module in ("activations", "losses", "network", "backprop", "perceptron"):
        source = (ROOT / "reference" / f"{module}.py").read_text(encoding="utf-8")
        # A notebook has no sibling files: the relative-or-sibling imports become no-ops.
        source = source.replace("from .activations import", "from activations import")
        cells.append(nbformat.v4.new_code_cell(source.replace("from activations import relu, sigmoid", "pass")
                                               .replace("from activations import sigmoid", "pass")))
    nbformat.write(nbformat.v4.new_notebook(cells=cells), str(path))
    return path


def test_the_notebook_form_grades_the_same_as_the_folder(grade, tmp_path):
    folder = grade(ROOT / "reference")
    notebook = grade(notebook_from_reference(tmp_path / "homework.ipynb"))
    assert per_exercise(notebook) == per_exercise(folder) and notebook.score == 100
    assert notebook.student == "homework"


def test_the_zip_form_grades_the_same_as_the_folder(grade, tmp_path):
    archive = tmp_path / "alice.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for source in (ROOT / "reference").glob("*.py"):
            zf.write(source, f"alice/{source.name}")  # wrapped in a folder, as zipping a folder does
        zf.writestr("__MACOSX/alice/._activations.py", "junk")
    result = grade(archive)
    assert per_exercise(result) == per_exercise(grade(ROOT / "reference")) and result.student == "alice"


def test_a_single_file_and_a_folder_holding_one_notebook_are_submissions(grade, tmp_path):
    one_file = tmp_path / "activations.py"
    one_file.write_text((ROOT / "reference" / "activations.py").read_text(encoding="utf-8"))
    assert grade(one_file, only=["relu"]).exercises[0].status == "passed"
    folder = tmp_path / "nb"
    folder.mkdir()
    notebook_from_reference(folder / "work.ipynb")
    assert grade(folder).score == 100


def test_a_failing_cell_costs_only_the_functions_it_defines(grade, tmp_path):
    path = notebook_from_reference(tmp_path / "hw.ipynb", magics=False)
    notebook = nbformat.read(str(path), as_version=4)
    notebook.cells.insert(1, nbformat.v4.new_code_cell("import matplotlib_that_does_not_exist"))
    nbformat.write(notebook, str(path))
    result = grade(path)
    assert result.score == 100
    # The failing line is skipped and named (with its cell), the notebook still loads.
    assert result.files[0].ok and "cell 2 (`import matplotlib_that_does_not_exist`)" in result.files[0].advice[0]


def test_magics_and_shell_lines_are_removed():
    assert strip_magics("%matplotlib inline\nx = 1\n  !ls\n") == "pass\nx = 1\n  pass\n"
    assert strip_magics("%%bash\nls -l\n") == ""
    assert strip_magics("%%time\ny = 2\n") == "y = 2\n"


@pytest.mark.parametrize("member", ["../evil.py", "a/../../evil.py"])
def test_a_zip_that_escapes_its_folder_is_refused(tmp_path, member):
    archive = tmp_path / "bad.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr(member, "x = 1")
    with pytest.raises(GradeError) as error:
        with open_submission(archive):
            pass
    assert error.value.key == "trust.zip-leaves-folder"
    assert not (tmp_path / "evil.py").exists()


def test_a_zip_bomb_is_refused_before_it_is_inflated(tmp_path, monkeypatch):
    monkeypatch.setattr("grader.intake.MAX_SOURCE_BYTES", 1000)
    archive = tmp_path / "bomb.zip"
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("big.py", "#" * 100_000)
    with pytest.raises(GradeError) as error:
        with open_submission(archive):
            pass
    assert error.value.key == "intake.file-too-large"


@pytest.mark.parametrize("content, key", [(b"not a zip", "trust.zip-corrupt")])
def test_corrupt_zip(tmp_path, content, key):
    archive = tmp_path / "broken.zip"
    archive.write_bytes(content)
    with pytest.raises(GradeError) as error:
        with open_submission(archive):
            pass
    assert error.value.key == key


def test_corrupt_notebook_and_empty_folder_are_user_errors(tmp_path):
    (tmp_path / "bad.ipynb").write_text("{ not json", encoding="utf-8")
    with pytest.raises(GradeError) as error:
        with open_submission(tmp_path / "bad.ipynb"):
            pass
    assert error.value.key == "error.corrupt-notebook"
    (tmp_path / "empty").mkdir()
    with pytest.raises(GradeError) as error:
        with open_submission(tmp_path / "empty"):
            pass
    assert error.value.key == "error.empty-folder"


def test_test_files_and_init_files_are_not_loaded(tmp_path):
    for name in ("activations.py", "test_mine.py", "__init__.py"):
        (tmp_path / name).write_text("x = 1\n")
    with open_submission(tmp_path) as submission:
        assert [u.name for u in submission.units] == ["activations"]
        assert sorted(submission.ignored) == ["__init__.py", "test_mine.py"]
