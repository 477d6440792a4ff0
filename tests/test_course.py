"""Course packs: course.toml read into a Course, every problem one line in ko and en, the built-in
course read through the same path, and each course's solutions imported apart from any other's."""
import shutil
from pathlib import Path

import pytest

from grader.catalog.fingerprint import catalog_fingerprint
from grader.catalog.solutions import model_function, reference_function
from grader.course import BUILTIN, builtin_course, load_course
from grader.course.check import Problem, check_course
from grader.course.new import TEMPLATE
from grader.errors import GradeError
from grader.i18n import Messages

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def pack(tmp_path) -> Path:
    folder = tmp_path / "pack"
    shutil.copytree(TEMPLATE, folder)
    return folder


def edit(folder: Path, name: str, old: str, new: str) -> None:
    file = folder / name
    text = file.read_text(encoding="utf-8")
    assert old in text, old
    file.write_text(text.replace(old, new, 1), encoding="utf-8")


def refused(folder: Path) -> GradeError:
    with pytest.raises(GradeError) as raised:
        load_course(folder)
    for lang in ("ko", "en"):  # one line in each language, every placeholder filled
        line = Messages(lang).t(raised.value.key, **raised.value.params)
        assert "\n" not in line and "{" not in line.replace("{ en", ""), line
    return raised.value


def test_a_pack_is_read_with_its_paths_relative_to_course_toml(pack):
    course = load_course(pack)
    assert (course.id, course.languages, course.builtin) == ("my-course", ("ko", "en"), False)
    assert course.catalog_file == pack.resolve() / "exercises.toml"
    assert course.reference == pack.resolve() / "reference" and course.stubs == pack.resolve() / "exercises"
    assert course.mistake_models == pack.resolve() / "mistake_models.py"
    assert course.quiz_bank is None and course.frozen is None  # defaults that are absent
    assert course.assignment().id == "week-1" and course.assignment().points == 10
    assert (course.policies.solutions, course.policies.aliases) == ("after-pass", True)
    catalog = course.catalog()
    assert catalog.ids == ["mean_absolute_error"] and catalog.files.reference == course.reference


def test_the_built_in_course_is_a_pack_read_through_the_same_path():
    course = load_course()
    assert course == load_course(BUILTIN) == builtin_course() and course.builtin
    assert course.course_file == BUILTIN / "course.toml"
    assert course.reference == ROOT / "reference" and course.stubs == ROOT / "exercises"
    assert course.assignment("nn-1").exercises == tuple(course.catalog().ids)
    assert course.assignment().quiz == "nn-1"


def test_the_environment_names_the_course_when_no_path_is_given(pack, monkeypatch):
    monkeypatch.setenv("GRADE_COURSE", str(pack))
    assert load_course().id == "my-course"
    assert load_course(BUILTIN).id == "nn"


@pytest.mark.parametrize("breaking, key", [
    (lambda p: shutil.rmtree(p), "course.no-folder"),
    (lambda p: (p / "course.toml").unlink(), "course.no-course-file"),
    (lambda p: edit(p, "course.toml", 'id = "my-course"', 'id = "my-course'), "course.bad-toml"),
    (lambda p: edit(p, "course.toml", 'schema = "grade-course/1"', 'schema = "grade-course/2"'), "course.schema"),
    (lambda p: edit(p, "course.toml", 'schema = "grade-course/1"\n', ''), "course.schema"),
    (lambda p: edit(p, "course.toml", 'exercises = ["mean_absolute_error"]', 'exercises = ["mae"]'),
     "course.unknown-exercise"),
    (lambda p: edit(p, "course.toml", '# quiz = "week-1"', 'quiz = "week-1"'), "course.unknown-quiz"),
    (lambda p: edit(p, "course.toml", 'reference = "reference"', 'reference = "solutions"'), "course.missing-path"),
    (lambda p: (p / "exercises.toml").unlink(), "course.missing-path"),
    (lambda p: edit(p, "course.toml", 'solutions = "after-pass"', 'solutions = "sometimes"'), "course.bad-field"),
    (lambda p: edit(p, "course.toml", 'languages = ["ko", "en"]', 'languages = ["fr"]'), "course.bad-field"),
    (lambda p: edit(p, "course.toml", "[policies]", "[policy]"), "course.unknown-key"),
    (lambda p: edit(p, "course.toml", 'id = "week-1"', 'ident = "week-1"'), "course.missing-field"),
    (lambda p: edit(p, "exercises.toml", 'schema = "grade-catalog/1"', 'schema = "grade-catalog/0"'),
     "course.catalog-schema"),
])
def test_every_problem_with_a_pack_is_one_line(pack, breaking, key):
    breaking(pack)
    if key in ("course.catalog-schema", "course.unknown-quiz"):  # found when the catalog or the quiz is read
        with pytest.raises(GradeError) as raised:
            course = load_course(pack)
            course.check_quizzes()
            course.catalog()
        assert raised.value.key == key
        assert check_course(pack).problems == [Problem(key, raised.value.params)]
    else:
        assert refused(pack).key == key
        assert check_course(pack).problems == [Problem(key, refused(pack).params)]


def test_the_missing_path_names_the_key_and_the_folder(pack):
    edit(pack, "course.toml", 'reference = "reference"', 'reference = "solutions"')
    error = refused(pack)
    line = Messages("en").t(error.key, **error.params)
    assert "paths.reference" in line and str(pack.resolve() / "solutions") in line


def test_aliases_count_unless_the_policy_says_not(pack):
    assert load_course(pack).catalog().exercises[0].aliases == ("MAE", "mae")
    edit(pack, "course.toml", "aliases = true", "aliases = false")
    assert load_course(pack).catalog().exercises[0].aliases == ()


def test_two_packs_references_in_one_process_do_not_mix(tmp_path):
    first, second = tmp_path / "first", tmp_path / "second"
    shutil.copytree(TEMPLATE, first)
    shutil.copytree(TEMPLATE, second)
    edit(second, "reference/losses.py", "return np.mean(np.abs(", "return 2 * np.mean(np.abs(")
    edit(second, "mistake_models.py", "return np.sum(np.abs(", "return 3 * np.sum(np.abs(")
    catalogs = [load_course(folder).catalog() for folder in (first, second)]
    y, t = [1.0, 2.0], [2.0, 4.0]
    exercise = catalogs[0].exercises[0]
    assert [reference_function(c, exercise)(y, t) for c in catalogs] == [1.5, 3.0]
    assert [model_function(c, "mae_summed")(y, t) for c in catalogs] == [3.0, 9.0]
    builtin = builtin_course().catalog()
    assert reference_function(builtin, builtin.exercise("relu"))(-1.0) == 0.0
    modules = {reference_function(c, exercise).__module__ for c in catalogs}
    assert len(modules) == 2 and not any(m.startswith("reference") for m in modules)  # never a name to ask for
    assert catalog_fingerprint(catalogs[0]) != catalog_fingerprint(catalogs[1])


def test_the_fingerprint_covers_every_file_of_the_pack(pack, tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(pack, copy)
    before = catalog_fingerprint(load_course(pack).catalog())
    assert catalog_fingerprint(load_course(copy).catalog()) == before  # by content, wherever the pack is
    for name in ("course.toml", "exercises.toml", "mistake_models.py", "reference/losses.py"):
        file = pack / name
        original = file.read_text(encoding="utf-8")
        file.write_text(original + "\n# changed\n", encoding="utf-8")
        assert catalog_fingerprint(load_course(pack).catalog()) != before, name
        file.write_text(original, encoding="utf-8")


def test_a_broken_solution_file_is_one_line_naming_it_and_can_be_imported_once_mended(tmp_path):
    from grader.catalog.solutions import mistake_models_module
    from grader.errors import CatalogError

    models = tmp_path / "mistake_models.py"
    models.write_text("def (\n", encoding="utf-8")
    with pytest.raises(CatalogError) as raised:
        mistake_models_module(models)
    assert str(raised.value).startswith(f"{models}: SyntaxError") and "\n" not in str(raised.value)
    models.write_text("def wrong(x):\n    return -x\n", encoding="utf-8")
    assert mistake_models_module(models).wrong(2) == -2  # the failed import left nothing behind


@pytest.mark.parametrize("edit", [("points = 10", 'points = "x"'), ("[[exercises]]", "exercises = 3\n[[nothing]]")],
                         ids=["points not a number", "exercises not a list"])
def test_a_catalog_value_of_the_wrong_type_is_one_line_not_a_traceback(tmp_path, edit):
    from grader.catalog import load_catalog
    from grader.errors import CatalogError

    pack = tmp_path / "pack"
    shutil.copytree(TEMPLATE, pack)
    catalog = pack / "exercises.toml"
    text = catalog.read_text(encoding="utf-8")
    assert edit[0] in text
    catalog.write_text(text.replace(edit[0], edit[1], 1), encoding="utf-8")
    with pytest.raises((CatalogError, GradeError)):
        load_course(pack).catalog()
    with pytest.raises(CatalogError):
        load_catalog(catalog)


@pytest.mark.parametrize("old, new, form", [
    ('languages = ["ko", "en"]', 'languages = "ko"', '[ ... ]'),
    ('languages = ["ko", "en"]', 'languages = ["fr"]', '["ko", "en"]'),
    ('id = "my-course"', "id = 7", '"..."'),
    ('solutions = "after-pass"', "solutions = true", 'always / after-pass / never'),
])
def test_a_field_of_the_wrong_form_shows_how_to_write_it_in_either_language(pack, old, new, form):
    edit(pack, "course.toml", old, new)
    problem = refused(pack)
    assert problem.key == "course.bad-field" and problem.params["reason"] == form
    for lang in ("en", "ko"):
        assert f"`{form}`" in Messages(lang).t(problem.key, **problem.params)
