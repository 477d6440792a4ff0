"""Student kits (issue 15): what `grade course build` writes, what it must never write, and grading with a kit."""
import ast
import dataclasses
import json
import tomllib
from pathlib import Path

import numpy as np
import pytest

from grader.cases import prepare_exercise
from grader.catalog import load_catalog
from grader.errors import CatalogError
from grader.course import builtin_course, load_course
from grader.errors import GradeError
from grader.kit.build import build_kits
from grader.kit.frozen import load_exercise
from grader.kit.stubs import make_stub
from grader.kit.toml_write import dumps

from helpers import grade_here
from test_golden import FIXTURES, expected_file, fixture_submissions, summary

ROOT = Path(__file__).resolve().parent.parent
ASSIGNMENT = {"training": "nn-2"}  # the folder of train_xor's fixtures; every other fixture is nn-1's
# One test process builds the kits and starts the graders below for every test here.
pytestmark = pytest.mark.xdist_group("kit")


@pytest.fixture(scope="module")
def kits(tmp_path_factory):
    """The built-in course built into a student kit and a grading kit, once for this file."""
    return build_kits(builtin_course(), tmp_path_factory.mktemp("dist"))


def kit_catalog(student: Path, extra: Path | None = None):
    """The catalog a student kit grades with."""
    return load_course(student).catalog(extra)


def with_frozen(catalog, folder: Path):
    """The catalog with its frozen data read from another folder."""
    return dataclasses.replace(catalog, files=dataclasses.replace(catalog.files, frozen=folder))


# --- what a student kit holds -----------------------------------------------------------------------------------

def body_lines(path: Path) -> set[str]:
    """Every non-trivial line of the bodies of a module's functions (the docstrings left out): comments too."""
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines()
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if ast.get_docstring(node) is not None:
                body = body[1:]
            if not body:
                continue
            first = body[0].lineno
            while first - 1 > node.lineno and lines[first - 2].strip().startswith("#"):
                first -= 1  # comments just above the first statement belong to the body
            for line in lines[first - 1:node.end_lineno]:
                text = line.strip()
                if len(text) >= 12 and not text.startswith(('"""', "raise NotImplementedError")):
                    found.add(text)
    return found


def kit_lines(folder: Path) -> dict[str, set[str]]:
    return {str(p.relative_to(folder)): {line.strip() for line in p.read_text(encoding="utf-8").splitlines()}
            for p in folder.rglob("*") if p.is_file()}


def test_the_student_kit_has_no_line_of_the_reference_or_the_mistake_models(kits):
    student, _ = kits
    course = builtin_course()
    secret = set()
    for path in sorted(Path(course.reference).glob("*.py")) + [Path(course.mistake_models)]:
        secret |= body_lines(path)
    assert len(secret) > 100  # the check has something to look for
    leaks = {name: sorted(lines & secret) for name, lines in kit_lines(student).items() if lines & secret}
    assert leaks == {}


def test_the_check_for_leaks_finds_a_reference_line(kits, tmp_path):
    """The grep above is not blind: a stub with one line of a reference body is caught."""
    secret = body_lines(Path(builtin_course().reference) / "backprop.py")
    assert "delta_h = (W2.T @ delta_o) * h * (1 - h)  # uses W2 before any update" in secret
    leaked = tmp_path / "backprop.py"
    leaked.write_text("def f():\n    delta_h = (W2.T @ delta_o) * h * (1 - h)  # uses W2 before any update\n")
    assert kit_lines(tmp_path)["backprop.py"] & secret


def test_the_student_kit_has_no_code_but_its_stubs(kits):
    student, grading = kits
    python = sorted(str(p.relative_to(student)) for p in student.rglob("*.py"))
    assert python == sorted(f"exercises/{p.name}" for p in Path(builtin_course().stubs).glob("*.py"))
    assert not (student / "reference").exists() and not (student / "mistake_models.py").exists()
    for frozen in (student / "frozen").iterdir():  # data in the codec's format, never pickle
        assert frozen.suffix == ".json" and b"pickle" not in frozen.read_bytes()
    assert (grading / "reference" / "activations.py").is_file() and (grading / "mistake_models.py").is_file()


def test_both_kits_load_as_courses_and_only_the_grading_kit_has_solutions(kits):
    student, grading = kits
    assert not load_course(student).has_solutions and load_course(student).frozen is not None
    full = load_course(grading)
    assert full.has_solutions and full.mistake_models is not None and full.frozen is None
    assert full.catalog().ids == builtin_course().catalog().ids == load_course(student).catalog().ids


def test_the_student_course_file_names_no_solutions(kits):
    student, _ = kits
    data = tomllib.loads((student / "course.toml").read_text(encoding="utf-8"))
    assert set(data["paths"]) == {"catalog", "stubs", "frozen", "quiz_bank"}
    assert [a["id"] for a in data["assignments"]] == [a.id for a in builtin_course().assignments]


def test_the_student_quiz_bank_has_the_questions_but_no_answers(kits):
    student, grading = kits
    full = tomllib.loads((grading / "quiz.toml").read_text(encoding="utf-8"))
    bank = tomllib.loads((student / "quiz.toml").read_text(encoding="utf-8"))
    assert [q["id"] for q in bank["questions"]] == [q["id"] for q in full["questions"]]
    assert all("answer" not in q and "explanation" not in q for q in bank["questions"])
    assert sum("answer" in q for q in full["questions"]) > 10  # the grading kit keeps them


def test_hidden_cases_stay_out_of_the_student_kit(tmp_path):
    source = tomllib.loads(Path(builtin_course().catalog_file).read_text(encoding="utf-8"))
    relu = next(spec for spec in source["exercises"] if spec["id"] == "relu")
    relu["cases"].append({"name": {"en": "secret 4321.5", "ko": "비밀 4321.5"}, "hidden": True,
                          "args": {"x": [4321.5, -8765.25]}})
    pack = tmp_path / "pack"
    pack.mkdir()
    (pack / "exercises.toml").write_text(dumps(source), encoding="utf-8")
    course = dataclasses.replace(builtin_course(), root=pack, catalog_file=pack / "exercises.toml")
    assert any(case.hidden for case in course.catalog().exercise("relu").cases)
    student, grading = build_kits(course, tmp_path / "dist")
    for name, lines in kit_lines(student).items():
        assert not any("4321.5" in line or "secret" in line for line in lines), name
    relu_frozen = (student / "frozen" / "relu.json").read_text(encoding="utf-8")
    encoded = json.dumps(np.array([4321.5, -8765.25]).tobytes().hex())
    assert "4321.5" not in relu_frozen and encoded not in relu_frozen
    assert len(load_exercise(student / "frozen", "relu").cases) == len(kit_catalog(student).exercise("relu").cases)
    assert "secret 4321.5" in (grading / "exercises.toml").read_text(encoding="utf-8")


# --- frozen values ----------------------------------------------------------------------------------------------

def test_frozen_values_come_back_exactly(kits):
    student, _ = kits
    full, kit = load_catalog(), kit_catalog(student)
    assert [e.id for e in full.all_exercises] == [e.id for e in kit.all_exercises] and len(full.all_exercises) > 17
    for exercise in full.all_exercises:
        live, frozen = prepare_exercise(full, exercise), prepare_exercise(kit, kit.exercise(exercise.id))
        public = [case for case in live.cases if not case.case.hidden]  # a kit has none of the hidden ones
        for a, b in zip(public, frozen.cases, strict=True):
            assert identical(a.inputs, b.inputs) and identical(a.expected, b.expected), (exercise.id, a.case.name)
            assert a.gradients.keys() == b.gradients.keys()
            assert all(identical(a.gradients[k], b.gradients[k]) for k in a.gradients)
            assert identical(getattr(a, "extra_inputs", ()), getattr(b, "extra_inputs", ()))
            assert b.models is not None and a.models is None


def identical(a, b) -> bool:
    if type(a) is not type(b):
        return False
    if isinstance(a, (tuple, list)):
        return len(a) == len(b) and all(identical(x, y) for x, y in zip(a, b))
    if isinstance(a, np.ndarray):
        return a.dtype == b.dtype and a.shape == b.shape and np.array_equal(a, b, equal_nan=True)
    return a == b or (a != a and b != b)


CORRUPTIONS = {
    "truncated": lambda text: text[: len(text) // 2],
    "not UTF-8": lambda text: b"\xff\xfe".decode("latin-1") + text,
    "a pickle": lambda text: "\x80\x04\x95" + text,
    "an object array": lambda text: text.replace('"dtype":"<f8"', '"dtype":"|O"', 1),
    "bytes that do not fill the shape": lambda text: text.replace('"shape":[3]', '"shape":[4]', 1),
    "another exercise's file": lambda text: text.replace('"exercise":"sigmoid"', '"exercise":"relu"'),
    "a value that is not a number": lambda text: text.replace('"t":"ndarray"', '"t":"unsupported"', 1),
    "a stand-in that is not a pair": lambda text: text.replace('"stand_ins":[[', '"stand_ins":[7,[', 1),
    "a gradient output that only looks like a digit": lambda text: text.replace('"gradients":{}', '"gradients":{"²":1}', 1),
    "a mistake model's output left out": lambda text: text.replace('"models":{"sigmoid_positive_exponent"',
                                                                    '"models":{"not_a_model"', 1),
}


@pytest.mark.parametrize("corruption", CORRUPTIONS)
def test_a_corrupt_frozen_file_is_one_clear_error(kits, tmp_path, corruption):
    student, _ = kits
    copy = tmp_path / "frozen"
    copy.mkdir()
    text = (student / "frozen" / "sigmoid.json").read_text(encoding="utf-8")
    damaged = CORRUPTIONS[corruption](text)
    assert damaged != text
    (copy / "sigmoid.json").write_bytes(damaged.encode("latin-1" if corruption == "not UTF-8" else "utf-8"))
    catalog = with_frozen(kit_catalog(student), copy)
    with pytest.raises(GradeError) as raised:
        prepare_exercise(catalog, catalog.exercise("sigmoid"))
    assert raised.value.key == "course.kit.corrupt" and str(copy / "sigmoid.json") == raised.value.params["file"]


def test_a_corrupt_stand_in_value_is_one_clear_error_when_it_is_asked_for(kits, tmp_path):
    from grader.kit.frozen import stand_in_value

    student, _ = kits
    copy = tmp_path / "frozen"
    copy.mkdir()
    data = json.loads((student / "frozen" / "sigmoid.json").read_text(encoding="utf-8"))
    args, value = data["stand_ins"][0]
    data["stand_ins"][0][1] = {**value, "dtype": "|O"}
    (copy / "sigmoid.json").write_text(json.dumps(data), encoding="utf-8")
    catalog = with_frozen(kit_catalog(student), copy)
    from grader.runner import codec

    with pytest.raises(GradeError) as raised:
        stand_in_value(catalog, catalog.exercise("sigmoid"), tuple(codec.decode(a) for a in args))
    assert raised.value.key == "course.kit.corrupt"


def test_a_frozen_file_that_is_a_link_is_refused(kits, tmp_path):
    student, _ = kits
    copy = tmp_path / "frozen"
    copy.mkdir()
    (copy / "sigmoid.json").symlink_to(student / "frozen" / "sigmoid.json")
    catalog = with_frozen(kit_catalog(student), copy)
    with pytest.raises(GradeError) as raised:
        prepare_exercise(catalog, catalog.exercise("sigmoid"))
    assert raised.value.key == "course.kit.corrupt" and "link" in raised.value.params["reason"]


def test_a_case_the_kit_never_froze_is_named(kits, tmp_path):
    student, _ = kits
    extra = tmp_path / "extra.toml"
    extra.write_text('[[exercises]]\nid = "relu"\n[[exercises.cases]]\nname = "new"\nargs = { x = [5.0] }\n')
    catalog = kit_catalog(student, extra)
    with pytest.raises(GradeError) as raised:
        prepare_exercise(catalog, catalog.exercise("relu"))
    assert raised.value.key == "course.kit.missing-case" and raised.value.params["case"] == "new"


# --- building ---------------------------------------------------------------------------------------------------

def test_a_kit_is_never_written_over_nor_inside_the_course(kits, tmp_path):
    student, _ = kits
    with pytest.raises(GradeError) as raised:
        build_kits(builtin_course(), student.parent)
    assert raised.value.key == "course.kit.out-not-empty"
    with pytest.raises(GradeError) as raised:
        build_kits(builtin_course(), Path(builtin_course().root) / "dist")
    assert raised.value.key == "course.kit.out-inside"
    kit = dataclasses.replace(builtin_course(), reference=None, mistake_models=None)
    with pytest.raises(GradeError) as raised:
        build_kits(kit, tmp_path / "again")
    assert raised.value.key == "course.kit.not-full" and not (tmp_path / "again").exists()


# --- stubs ------------------------------------------------------------------------------------------------------

REFERENCE = '''"""A module."""
import numpy as np

SCALE = 2.0


def _helper(x):
    return x * SCALE


@staticmethod
def relu(x,
         alpha=0.0):  # the signature's own comment stays
    """ReLU."""
    # max with 0, element-wise
    return np.maximum(alpha * x, x)


def plain(x):
    y = x + 1
    return y


class Model:
    def step(self, lr):
        """A step."""
        return self.w - lr
'''


def test_a_stub_keeps_signatures_and_docstrings_and_loses_every_body_line():
    stub = make_stub(REFERENCE)
    assert 'import numpy as np\n\nSCALE = 2.0' in stub
    assert ('@staticmethod\ndef relu(x,\n         alpha=0.0):  # the signature\'s own comment stays\n'
            '    """ReLU."""\n    raise NotImplementedError\n') in stub
    assert 'def plain(x):\n    raise NotImplementedError\n' in stub
    assert '        """A step."""\n        raise NotImplementedError\n' in stub
    for secret in ("max with 0", "np.maximum", "x * SCALE", "y = x + 1", "self.w - lr"):
        assert secret not in stub
    ast.parse(stub)


def test_solution_markers_replace_only_what_they_enclose():
    source = REFERENCE.replace("    # max with 0, element-wise\n    return np.maximum(alpha * x, x)\n",
                               "    # max with 0, element-wise\n    # BEGIN SOLUTION\n"
                               "    return np.maximum(alpha * x, x)\n    # END SOLUTION\n")
    stub = make_stub(source)
    assert "    # max with 0, element-wise\n    raise NotImplementedError\n" in stub
    assert "np.maximum" not in stub and "BEGIN SOLUTION" not in stub
    assert "return x * SCALE" in stub and "y = x + 1" in stub  # outside the markers: kept as written


def test_a_marker_inside_a_string_is_not_a_marker():
    source = 'def f():\n    """# BEGIN SOLUTION"""\n    return 1\n'
    assert make_stub(source) == 'def f():\n    """# BEGIN SOLUTION"""\n    raise NotImplementedError\n'


def test_only_the_named_functions_lose_their_bodies_and_a_one_line_function_gets_a_line_of_its_own():
    source = "def f(x): return x * 2  # secret\n\n\ndef g(x):\n    return x\n\n\ndef h(x):\n    \"\"\"Doc.\"\"\"\n"
    assert make_stub(source, names={"f", "h"}) == ("def f(x):\n    raise NotImplementedError\n\n\ndef g(x):\n"
                                                   "    return x\n\n\ndef h(x):\n    \"\"\"Doc.\"\"\"\n"
                                                   "    raise NotImplementedError\n")


def test_unpaired_markers_are_a_catalog_error():
    with pytest.raises(CatalogError, match="pair up"):
        make_stub("def f():\n    # BEGIN SOLUTION\n    return 1\n", "ref.py")


def test_stubs_of_the_built_in_reference_parse_and_hide_every_body():
    for path in sorted(Path(builtin_course().reference).glob("*.py")):
        stub = make_stub(path.read_text(encoding="utf-8"))
        ast.parse(stub)
        lines = {line.strip() for line in stub.splitlines()}
        assert not lines & body_lines(path), path.name


# --- the TOML writer --------------------------------------------------------------------------------------------

def test_the_toml_writer_round_trips_the_catalog_and_the_quiz_bank():
    for path in (Path(builtin_course().catalog_file), Path(builtin_course().quiz_bank)):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        assert tomllib.loads(dumps(data, "a header")) == data
    odd = {"key with space": "a\x7fb\n\"c\"\t", "n": [float("inf"), -0.5, 3], "t": {"u": {"v": True}}}
    assert tomllib.loads(dumps(odd)) == odd


# --- grading with a student kit (slow: starts workers) ----------------------------------------------------------

@pytest.fixture(scope="module")
def graders(kits):
    """Per assignment, a grader of the full course and one of its student kit (the limits of tests/test_golden.py,
    longer calls for training), on the test process's shared fork server."""
    from grader.grading import Grader
    from grader.runner import Limits
    from helpers import shared_grader

    full_course, kit_course = builtin_course(), load_course(kits[0])
    made = {}
    for assignment in ("nn-1", "nn-2"):
        limits = Limits(call_seconds=2.0 if assignment == "nn-1" else 5.0, load_seconds=1.0)
        full = shared_grader("process", catalog=full_course.catalog(assignment=assignment), limits=limits)
        made[assignment] = full, Grader(catalog=kit_course.catalog(assignment=assignment), isolation="process",
                                        limits=limits, _launcher=full.launcher)
    return made


def stable(value):
    """A result as a dict, without what changes from one run to the next (times)."""
    if isinstance(value, dict):
        return {k: stable(v) for k, v in value.items() if k not in ("seconds", "graded_at")}
    if isinstance(value, list):
        return [stable(v) for v in value]
    return value


GRADED_TWICE = [ROOT / "reference", ROOT / "exercises", *sorted((FIXTURES / "training").glob("*.py"))]
"""Graded by the full course and by the kit, every field of the two results compared: the reference and the stubs
(nn-1), and train_xor's fixtures (nn-2, whose hidden case a kit leaves out). Every other fixture is graded by the
kit alone and compared with its golden file, which tests/test_golden.py checks against the full course."""


def kit_only_refusing_solution_code(monkeypatch):
    """While grading with a student kit, any call of a reference function or a mistake model fails the test."""
    import grader.cases
    import grader.diagnose
    import grader.isolate

    def refuse(*args, **kwargs):
        raise AssertionError("a student kit called solution code")

    for module, name in ((grader.cases, "reference_function"), (grader.isolate, "reference_function"),
                         (grader.diagnose, "model_function")):
        monkeypatch.setattr(module, name, refuse)


@pytest.mark.parametrize("submission", fixture_submissions(), ids=lambda p: p.relative_to(FIXTURES).as_posix())
def test_a_student_kit_grades_every_fixture_as_its_golden_file_says(graders, submission, monkeypatch):
    from grader.submission import open_submission

    _, kit = graders["nn-1"]
    kit_only_refusing_solution_code(monkeypatch)
    with open_submission(submission) as opened:
        result = kit.grade(opened, lang="en")
    assert summary(result) == json.loads(expected_file(submission).read_text(encoding="utf-8"))


@pytest.mark.parametrize("submission", GRADED_TWICE, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_a_student_kit_grades_like_the_full_course_down_to_every_message(graders, submission, monkeypatch):
    from grader.submission import open_submission

    full_grader, kit_grader = graders[ASSIGNMENT.get(submission.parent.name, "nn-1")]
    with open_submission(submission) as opened:
        full = stable(full_grader.grade(opened, lang="ko").to_dict())
    with monkeypatch.context() as patched:
        kit_only_refusing_solution_code(patched)
        with open_submission(submission) as opened:
            kit = stable(kit_grader.grade(opened, lang="ko").to_dict())
    if any(case["hidden"] for exercise in full["exercises"] for case in exercise["cases"]):
        # nn-2 has a hidden case, which a student kit never holds: the public cases and the mistakes named agree
        full, kit = public(full), public(kit)
    assert [(e["id"], e["status"], e["score"], e["mistakes"]) for e in kit["exercises"]] == \
        [(e["id"], e["status"], e["score"], e["mistakes"]) for e in full["exercises"]]
    # every case's status, mistakes, message, values shown and diagnosis too (as JSON, where NaN equals NaN)
    assert json.dumps(kit, default=str, ensure_ascii=False) == json.dumps(full, default=str, ensure_ascii=False)


def public(result: dict) -> dict:
    """A result without its hidden cases and what they decide (statuses and scores)."""
    return {"exercises": [{"id": e["id"], "status": None, "score": None, "mistakes": e["mistakes"],
                           "cases": [c for c in e["cases"] if not c["hidden"]]} for e in result["exercises"]]}


CASCADE = '''import numpy as np


def _sigmoid(z):
    return 1 / (1 + np.exp(-z))


def backprop_gradients(x, t, W1, W2):
    h = _sigmoid(W1 @ x)
    o = _sigmoid(W2 @ h)
    delta_o = o - t
    delta_h = (W2.T @ delta_o) * h * (1 - h)
    return float(np.sum(0.5 * (t - o) ** 2)), np.outer(delta_h, x), np.outer(delta_o, h)


def backprop_step(x, t, W1, W2, lr=0.5):
    _, dW1, dW2 = backprop_gradients(x, t, W1, W2)
    return W1 - lr * dW1, W2 - lr * dW2
'''


def test_a_student_kit_judges_a_cascade_from_frozen_data_alone(graders, tmp_path, monkeypatch):
    """backprop_step is right over a broken backprop_gradients: the kit says so as the full course does, with
    no reference function or mistake model called (every way to one fails the test)."""
    from grader.submission import open_submission

    path = tmp_path / "solution.py"
    path.write_text(CASCADE, encoding="utf-8")
    full, kit = graders["nn-1"]
    only = ["backprop_gradients", "backprop_step"]
    with open_submission(path) as opened:
        expected = stable(full.grade(opened, lang="en", only=only).to_dict())

    kit_only_refusing_solution_code(monkeypatch)
    with open_submission(path) as opened:
        got = stable(kit.grade(opened, lang="en", only=only).to_dict())
    step = got["exercises"][1]
    assert step["mistakes"][0] == "calls-failing-exercise"
    assert "`backprop_step` itself is right" in step["diagnoses"][0]["hint"]
    assert json.dumps(got, default=str) == json.dumps(expected, default=str)


# --- the commands -----------------------------------------------------------------------------------------------

def test_grade_course_build_writes_both_kits_and_says_where(tmp_path):
    from typer.testing import CliRunner

    from grader.cli import app

    result = CliRunner().invoke(app, ["course", "build", str(builtin_course().root), "--out", str(tmp_path),
                                      "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == (f"Built the course kits: {tmp_path / 'student'} (for students: no solutions, no "
                                     f"answers, no hidden cases) and {tmp_path / 'grading'} (for grading: everything).")
    again = CliRunner().invoke(app, ["course", "build", str(builtin_course().root), "--out", str(tmp_path),
                                     "--lang", "ko"])
    assert again.exit_code == 2 and len(again.output.strip().splitlines()) == 1 and "이미" in again.output


@pytest.mark.parametrize("command, message", [
    (["solution", "relu", "--force"], "course.kit.no-solutions"),
    (["quiz", "key", "--student", "kim", "--out", "KEY"], "quiz.no-key"),  # the quiz work's own words
])
@pytest.mark.parametrize("lang", ["ko", "en"])
def test_a_student_kit_has_no_solution_and_no_answer_key_to_show(kits, tmp_path, monkeypatch, command, message,
                                                                  lang):
    from grader.i18n import Messages

    monkeypatch.setenv("GRADE_COURSE", str(kits[0]))
    key = tmp_path / "key.toml"
    result = grade_here(*[str(key) if part == "KEY" else part for part in command], "--lang", lang)
    assert result.returncode != 0
    assert (result.stdout + result.stderr).strip() == Messages(lang).t(message)
    assert not key.exists()
    monkeypatch.setenv("GRADE_COURSE", str(kits[1]))  # the grading kit has them
    assert grade_here(*[str(key) if part == "KEY" else part for part in command]).returncode == 0



def test_grading_commands_read_a_student_kit_and_a_damaged_one_is_one_line(kits, tmp_path, monkeypatch):
    """`grade submit` with GRADE_COURSE naming a student kit grades from its frozen data (the same JSON as the full
    course), and the same kit with one damaged file is one line on stderr, exit 2, nothing graded."""
    import shutil

    submission = str(FIXTURES / "mistakes" / "sigmoid-sign.py")
    command = ["submit", submission, "--json", "--isolation", "process", "--out", str(tmp_path / "out"), "--lang", "en"]
    full = grade_here(*command)
    monkeypatch.setenv("GRADE_COURSE", str(kits[0]))
    kit = grade_here(*command)
    assert full.returncode == kit.returncode == 0, kit.stderr
    assert json.dumps(stable(json.loads(kit.stdout))) == json.dumps(stable(json.loads(full.stdout)))
    damaged = tmp_path / "damaged"
    shutil.copytree(kits[0], damaged)
    (damaged / "frozen" / "relu.json").write_text('{"format": "grade-frozen/1", "exercise": "relu", "cases": [',
                                                  encoding="utf-8")
    monkeypatch.setenv("GRADE_COURSE", str(damaged))
    broken = grade_here(*command)
    assert broken.returncode == 2 and broken.stdout == ""
    assert broken.stderr.strip().splitlines() == [
        f"The course kit's file {damaged / 'frozen' / 'relu.json'} is damaged (not JSON (JSONDecodeError)). Build the kit"
        " again with `grade course build`, or ask your instructor for a fresh copy."]
