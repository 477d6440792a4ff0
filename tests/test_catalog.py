"""The catalog checks itself, as rustlings' dev check does: every entry complete and consistent."""
import ast
import re

import pytest

from conftest import ROOT
from grader.catalog import load_catalog
from grader.catalog.solutions import mistake_models_module

CATALOG = load_catalog()
mistake_models = mistake_models_module(CATALOG.files.mistake_models)
CONTRACT_MISTAKES = {
    "sigmoid-sign", "sigmoid-nan-extreme", "sigmoid-grad-missing-factor", "tanh-overflow", "relu-wrong-negative",
    "step-at-zero", "numpy-removed-alias", "leaky-alpha-ignored", "softmax-overflow", "softmax-axis",
    "mse-missing-half", "mse-mean", "mse-no-batch-average", "cee-missing-delta", "cee-sign", "cee-no-batch-average",
    "cee-labels-unsupported", "forward-missing-bias", "forward-hidden-activation", "forward-output-activation",
    "backprop-missing-activation-derivative", "backprop-sign", "backprop-ascent", "backprop-updated-weights-reused",
    "backprop-lr-ignored", "mutates-input", "shape-mismatch", "not-implemented", "missing",
}
CORE = ["sigmoid", "relu", "mean_squared_error", "cross_entropy_error", "forward_prop", "backprop_step"]


def functions_in(path):
    return {node.name for node in ast.parse(path.read_text(encoding="utf-8")).body if isinstance(node, ast.FunctionDef)}


def test_the_contract_has_17_exercises_worth_100_points():
    assert len(CATALOG.exercises) == 17
    assert CATALOG.max_score == 100


def test_the_six_core_exercises_carry_most_of_the_points():
    assert sum(CATALOG.exercise(e).points for e in CORE) == 76  # of 100


def test_teaching_order_is_activations_losses_network_backprop_gates():
    modules = [e.module for e in CATALOG.exercises]
    assert list(dict.fromkeys(modules)) == ["activations", "losses", "network", "backprop", "perceptron"]


def test_every_mistake_id_of_the_contract_is_declared_once():
    declared = list(CATALOG.common_mistakes) + [m.id for e in CATALOG.exercises for m in e.mistakes]
    assert len(declared) == len(set(declared))
    assert CONTRACT_MISTAKES <= set(declared)


def test_every_declared_mistake_is_in_the_readme_table():
    declared = set(CATALOG.common_mistakes) | {m.id for e in CATALOG.exercises for m in e.mistakes}
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^\| [\w ,]+ \| `([a-z0-9-]+)` \|", readme, flags=re.MULTILINE))
    assert declared == documented


@pytest.mark.parametrize("exercise", CATALOG.exercises, ids=lambda e: e.id)
def test_every_exercise_has_a_stub_a_reference_and_cases(exercise):
    assert exercise.id in functions_in(ROOT / "exercises" / f"{exercise.module}.py")
    assert exercise.id in functions_in(ROOT / "reference" / f"{exercise.module}.py")
    assert exercise.cases and exercise.points > 0
    assert len(exercise.hints) == 3 and all(h.en.strip() and h.ko.strip() for h in exercise.hints)


@pytest.mark.parametrize("exercise", CATALOG.exercises, ids=lambda e: e.id)
def test_every_stub_raises_not_implemented_and_has_a_bilingual_docstring(exercise):
    source = (ROOT / "exercises" / f"{exercise.module}.py").read_text(encoding="utf-8")
    function = next(n for n in ast.parse(source).body if isinstance(n, ast.FunctionDef) and n.name == exercise.id)
    docstring = ast.get_docstring(function)
    assert re.search(r"[가-힣]", docstring) and re.search(r"[A-Za-z]{4}", docstring)
    assert any(isinstance(n, ast.Raise) and "NotImplementedError" in ast.unparse(n) for n in ast.walk(function))


def test_every_mistake_model_named_in_the_catalog_exists():
    for exercise in CATALOG.exercises:
        for mistake in exercise.mistakes:
            assert mistake.models or mistake.detect, mistake.id
            for name in mistake.models:
                assert callable(getattr(mistake_models, name, None)), name


def test_every_text_exists_in_korean_and_english():
    for exercise in CATALOG.exercises:
        texts = [exercise.title, exercise.summary, *exercise.hints, *(c.name for c in exercise.cases)]
        texts += [t for m in exercise.mistakes for t in (m.name, m.hint)]
        assert all(t.en.strip() and t.ko.strip() for t in texts), exercise.id
    assert all(m.name.ko and m.hint.ko and m.name.en and m.hint.en for m in CATALOG.common_mistakes.values())


def test_case_names_are_unique_within_an_exercise():
    for exercise in CATALOG.exercises:
        names = [c.name.en for c in exercise.cases]
        assert len(names) == len(set(names)), exercise.id


SMALL_CATALOG = '''
schema = "grade-catalog/1"
reference = "reference"

[[exercises]]
id = "relu"
module = "activations"
points = 4
title = { en = "ReLU", ko = "렐루" }
summary = { en = "max(0, x)", ko = "max(0, x)" }
hints.en = ["a", "b", "c"]
hints.ko = ["가", "나", "다"]

[[exercises.cases]]
name = { en = "visible", ko = "공개" }
args = { x = [-1.0, 2.0] }

[[exercises.cases]]
name = { en = "secret", ko = "비공개" }
args = { x = [-3.0, 5.0] }
hidden = true
weight = 3
'''


def test_a_hidden_case_shows_its_name_and_status_but_never_its_values(tmp_path):
    from grader.grading import Grader
    from grader.submission import open_submission

    (tmp_path / "catalog.toml").write_text(SMALL_CATALOG, encoding="utf-8")
    (tmp_path / "activations.py").write_text("def relu(x):\n    return abs(x)\n")
    grader = Grader(catalog=load_catalog(tmp_path / "catalog.toml"), isolation="process")
    with open_submission(tmp_path / "activations.py") as submission:
        relu = grader.grade(submission).exercises[0]
    visible, secret = relu.cases
    assert visible.given and visible.expected and "values differ" in visible.message
    assert secret.name == "secret" and secret.status == "failed" and secret.hidden
    assert secret.given == {} and secret.expected is None and secret.got is None
    assert secret.message == "This hidden case did not pass."
    assert relu.score == 0 and relu.max_score == 4
    from grader.render.reports import render_html, render_markdown

    with open_submission(tmp_path / "activations.py") as submission:
        result = grader.grade(submission)
    for page in (render_html(result), render_markdown(result)):
        assert "secret" in page and "-1." in page  # the visible case's input is shown ...
        assert "-3." not in page and "5." not in page.split("secret", 1)[1]  # ... the hidden one's never


def test_case_weights_split_the_points(tmp_path):
    from grader.grading import Grader
    from grader.submission import open_submission

    (tmp_path / "catalog.toml").write_text(SMALL_CATALOG, encoding="utf-8")
    (tmp_path / "activations.py").write_text(  # wrong only below -2: passes "visible", fails "secret"
        "import numpy as np\n\ndef relu(x):\n    return np.where(x > -2, np.maximum(0, x), 7.0)\n")
    grader = Grader(catalog=load_catalog(tmp_path / "catalog.toml"), isolation="process")
    with open_submission(tmp_path / "activations.py") as submission:
        relu = grader.grade(submission).exercises[0]
    assert [c.status for c in relu.cases] == ["passed", "failed"]
    assert relu.score == 1.0  # 4 points × weight 1 of 4


@pytest.mark.parametrize("broken, words", [
    ("schema = 'grade-catalog/1'\n[[exercises]]\nid = 'x'\n", "`module` is missing"),
    ("[[exercises]\n", "catalog"),
    (SMALL_CATALOG.replace('ko = "렐루"', 'ko = ""'), "both languages"),
])
def test_a_malformed_catalog_names_what_is_wrong(tmp_path, broken, words):
    from grader.errors import CatalogError

    (tmp_path / "catalog.toml").write_text(broken, encoding="utf-8")
    with pytest.raises(CatalogError, match=re.escape(words) if words != "catalog" else "catalog.toml"):
        load_catalog(tmp_path / "catalog.toml")


@pytest.mark.parametrize("first_line", ['schema = "grade-catalog/2"', "", 'schema = 1'])
def test_a_catalog_of_another_schema_version_is_refused_in_one_line(tmp_path, first_line):
    from grader.errors import GradeError
    from grader.i18n import Messages

    (tmp_path / "catalog.toml").write_text(SMALL_CATALOG.replace('schema = "grade-catalog/1"', first_line),
                                           encoding="utf-8")
    with pytest.raises(GradeError) as raised:
        load_catalog(tmp_path / "catalog.toml")
    assert raised.value.key == "course.catalog-schema"
    for lang in ("en", "ko"):
        line = Messages(lang).t(raised.value.key, **raised.value.params)
        assert "\n" not in line and "grade-catalog/1" in line and str(tmp_path / "catalog.toml") in line

