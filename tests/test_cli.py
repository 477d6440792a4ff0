"""The `grade` command as a user meets it: exit codes, files written, one-line errors, no tracebacks."""
import json

import pytest

from conftest import FIXTURES, ROOT
from helpers import grade_command, grade_here, shared_fork_servers


def grade(*args, cwd=None, lang="C.UTF-8", real=False, **environ):
    """`grade` in this process (helpers.grade_here), or with real=True as a command of its own."""
    env = dict(LANG=lang, LC_ALL="", LC_MESSAGES="", COLUMNS="120", **environ)
    return (grade_command if real else grade_here)(*args, cwd=cwd, env=env)


def test_submit_reference_scores_100_and_writes_both_reports(tmp_path):
    run = grade("submit", ROOT / "reference", "--out", tmp_path / "out")
    assert run.returncode == 0, run.stderr
    results = json.loads((tmp_path / "out" / "results.json").read_text(encoding="utf-8"))
    assert results["schema"] == "grade-results/1" and results["score"] == 100.0 and results["max_score"] == 100.0
    assert results["student"] == "reference" and results["isolation"] in ("bwrap", "process")
    assert "<html" in (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert "100 / 100" in run.stdout


def test_submit_untouched_stubs_scores_0_with_not_implemented_everywhere(tmp_path):
    run = grade("submit", ROOT / "exercises", "--out", tmp_path / "out", "--json")
    assert run.returncode == 0, run.stderr
    results = json.loads(run.stdout)  # --json prints the results object and nothing else
    assert results["score"] == 0 and len(results["exercises"]) == 17
    assert {e["status"] for e in results["exercises"]} == {"not-implemented"}
    assert all(e["mistakes"] == ["not-implemented"] for e in results["exercises"])
    case = results["exercises"][0]["cases"][0]
    assert set(case) >= {"name", "status", "message"}


def test_results_follow_the_contract_shape(tmp_path):
    run = grade("submit", FIXTURES / "mistakes" / "mse-mean.py", "--json", "--out", tmp_path)
    assert run.returncode == 0, run.stderr
    results = json.loads(run.stdout)
    assert list(results)[:6] == ["schema", "student", "score", "max_score", "isolation", "exercises"]
    mse = next(e for e in results["exercises"] if e["id"] == "mean_squared_error")
    assert mse["status"] == "failed" and mse["mistakes"] == ["mse-mean"]
    assert set(mse) >= {"id", "status", "score", "max_score", "mistakes", "cases"}
    assert next(e for e in results["exercises"] if e["id"] == "relu")["status"] == "missing"


def test_student_name_and_korean_report(tmp_path):
    run = grade("submit", ROOT / "exercises", "--student", "김철수", "--lang", "ko", "--out", tmp_path)
    assert run.returncode == 0 and "총점" in run.stdout and "미구현" in run.stdout
    assert json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))["student"] == "김철수"


def test_korean_is_the_default_under_a_korean_locale(tmp_path):
    run = grade("submit", ROOT / "exercises", "--out", tmp_path, lang="ko_KR.UTF-8", real=True)
    assert run.returncode == 0 and "총점" in run.stdout


def test_fail_under_exits_1_below_the_threshold(tmp_path):
    assert grade("submit", ROOT / "exercises", "--fail-under", "50", "--out", tmp_path, real=True).returncode == 1
    assert grade("submit", ROOT / "reference", "--fail-under", "50", "--out", tmp_path).returncode == 0


@pytest.mark.parametrize("make_input, words", [
    (lambda tmp: tmp / "nowhere", "does not exist"),
    (lambda tmp: (tmp / "empty").mkdir() or tmp / "empty", "no .py file or notebook"),
    (lambda tmp: (tmp / "bad.ipynb").write_text("{oops") and tmp / "bad.ipynb", "not a readable notebook"),
    (lambda tmp: (tmp / "bad.zip").write_bytes(b"PK nonsense") and tmp / "bad.zip", "not a readable zip"),
    (lambda tmp: (tmp / "notes.txt").write_text("hi") and tmp / "notes.txt", "not a .py, .ipynb or .zip"),
])
def test_bad_input_is_one_line_on_stderr_and_exit_2(tmp_path, make_input, words):
    run = grade("submit", make_input(tmp_path), "--out", tmp_path / "out")
    assert run.returncode == 2
    assert words in run.stderr and len(run.stderr.strip().splitlines()) == 1
    assert "Traceback" not in run.stderr + run.stdout


def test_bad_input_errors_speak_korean_too(tmp_path):
    run = grade("submit", tmp_path / "nowhere", "--lang", "ko")
    assert run.returncode == 2 and "없습니다" in run.stderr


def test_a_crashing_submission_is_graded_not_an_error(tmp_path):
    (tmp_path / "activations.py").write_text("def relu(x)\n    return x\n")
    run = grade("submit", tmp_path / "activations.py", "--json", "--out", tmp_path / "out")
    assert run.returncode == 0
    relu = next(e for e in json.loads(run.stdout)["exercises"] if e["id"] == "relu")
    assert relu["status"] == "error" and "SyntaxError" in relu["cases"][0]["message"]


def test_check_one_exercise_shows_cases_and_the_hint():
    run = grade("check", "mean_squared_error", "--path", FIXTURES / "mistakes" / "mse-missing-half.py")
    assert run.returncode == 0
    assert "The ½ is missing" in run.stdout and "expected" in run.stdout and "Multiply by 0.5" in run.stdout


def test_check_without_a_name_shows_the_first_unfinished_exercise():
    run = grade("check", "--path", ROOT / "exercises")
    assert run.returncode == 0 and "step_function" in run.stdout


def test_check_an_unknown_exercise_lists_the_valid_ones():
    run = grade("check", "sigmod", "--path", ROOT / "exercises")
    assert run.returncode == 2 and "sigmod" in run.stderr and "sigmoid, sigmoid_grad" in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1


def test_list_shows_exercises_in_teaching_order_with_points():
    run = grade("list")
    assert run.returncode == 0
    assert run.stdout.index("step_function") < run.stdout.index("cross_entropy_error") < run.stdout.index("xor_gate")


def test_unknown_language_is_a_usage_error(tmp_path):
    run = grade("submit", ROOT / "exercises", "--lang", "fr", "--out", tmp_path)
    assert run.returncode == 2 and "ko or en" in run.stderr


@pytest.mark.parametrize("mode", ["bwrap", "process"])
def test_isolation_is_chosen_and_reported(tmp_path, mode):
    run = grade("submit", ROOT / "reference", "--isolation", mode, "--json", "--out", tmp_path)
    assert run.returncode == 0, run.stderr
    results = json.loads(run.stdout)
    assert results["isolation"] == mode and results["score"] == 100


def test_auto_isolation_uses_bubblewrap_where_it_works(tmp_path):
    run = grade("submit", ROOT / "reference", "--json", "--out", tmp_path)
    assert run.returncode == 0 and json.loads(run.stdout)["isolation"] == "bwrap", run.stderr


def test_unknown_isolation_is_a_usage_error(tmp_path):
    run = grade("submit", ROOT / "reference", "--isolation", "docker", "--out", tmp_path)
    assert run.returncode == 2 and "auto, bwrap or process" in run.stderr


def test_the_call_time_limit_is_an_option(tmp_path):
    (tmp_path / "activations.py").write_text("import time\n\ndef relu(x):\n    time.sleep(1.5)\n    return x * (x > 0)\n")
    run = grade("submit", tmp_path / "activations.py", "--call-timeout", "0.5", "--json", "--out", tmp_path / "a")
    assert run.returncode == 0, run.stderr
    slow = json.loads(run.stdout)
    assert next(e for e in slow["exercises"] if e["id"] == "relu")["status"] == "timeout"


@pytest.mark.parametrize("command", [["submit", "reference"], ["batch", "tests/fixtures"], ["init"]])
def test_an_output_path_that_is_a_file_is_one_line_not_a_traceback(tmp_path, command):
    blocker = tmp_path / "taken"
    blocker.write_text("not a folder", encoding="utf-8")
    args = [*command, str(blocker)] if command == ["init"] else [*command, "--out", str(blocker)]
    run = grade(*args, "--lang", "en", cwd=ROOT)
    assert run.returncode == 2 and "Traceback" not in run.stderr
    last = run.stderr.strip().splitlines()[-1]
    assert last.startswith(str(blocker)) and "folder you may write to" in last


def test_the_wheel_holds_every_data_file_of_the_package(built_wheel):
    """A normal install (`pip install .`, a wheel in Colab) once lacked the quiz bank: every non-Python file
    under grader/ must be in the wheel, or `grade batch` and `grade quiz` break outside a checkout."""
    import zipfile

    wheel = built_wheel  # built from a clean copy of the checkout
    packaged = set(zipfile.ZipFile(wheel).namelist())
    data = {path.relative_to(ROOT).as_posix() for path in (ROOT / "grader").rglob("*")
            if path.is_file() and path.suffix not in (".py", ".pyc") and "__pycache__" not in path.parts}
    assert data and data <= packaged, sorted(data - packaged)
    assert {"exercises/activations.py", "reference/activations.py"} <= packaged


def test_version():
    from importlib.metadata import version

    run = grade("--version", real=True)
    assert run.returncode == 0 and run.stdout.strip() == f"grade {version('grade')}"


@pytest.mark.parametrize("spelling", ["kr", "KO", "ko_KR.UTF-8", "Korean"])
def test_the_ways_people_write_korean_are_accepted(tmp_path, spelling):
    run = grade("list", "--lang", spelling)
    assert run.returncode == 0 and "배점" in run.stdout


@pytest.fixture
def initialised(tmp_path):
    run = grade("init", "hw", cwd=tmp_path)
    assert run.returncode == 0 and "cd hw" in run.stdout and "grade check" in run.stdout  # the next step
    return tmp_path / "hw"


def test_check_inside_a_folder_made_by_init_finds_the_stubs(initialised):
    run = grade("check", cwd=initialised)
    assert run.returncode == 0, run.stderr
    assert "step_function" in run.stdout


def test_check_given_a_folder_instead_of_an_exercise_grades_that_folder(initialised):
    run = grade("check", "hw", cwd=initialised.parent)
    assert run.returncode == 0, run.stderr
    assert "step_function" in run.stdout


def test_submit_inside_the_folder_grades_it(initialised):
    run = grade("submit", "--json", "--out", initialised.parent / "out", cwd=initialised)
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["score"] == 0


def test_reset_inside_the_folder_leaves_no_stray_exercises_folder(initialised):
    run = grade("reset", "relu", cwd=initialised)
    assert run.returncode == 0, run.stderr
    assert not (initialised / "exercises").exists()
    assert list(initialised.glob("activations.py.*.bak"))


def test_the_nudge_shown_by_check_counts_so_the_first_hint_command_shows_the_next(initialised):
    data = {"GRADE_DATA_DIR": str(initialised.parent / "data")}
    shown = grade("check", "relu", cwd=initialised, **data)
    assert shown.returncode == 0 and "1/3" in shown.stdout and "2/3" not in shown.stdout
    after = grade("hint", "relu", cwd=initialised, **data)
    assert after.returncode == 0 and "2/3" in after.stdout


def _commands(group, path=()):
    for name, command in group.commands.items():
        if hasattr(command, "commands"):  # a group of commands (`quiz`, `gradescope`)
            yield from _commands(command, (*path, name))
        else:
            yield (*path, name), command


def test_every_help_text_is_shown_whole():
    """`quiz grade --help` once lost words ("student, quiz and ."): rich took `[answers]` for markup."""
    import typer
    from typer.testing import CliRunner

    from grader.cli import app

    def squeeze(text):
        return "".join(ch for ch in text if not ch.isspace() and ch not in "│╭╮╰╯─")

    for path, command in _commands(typer.main.get_command(app)):
        with shared_fork_servers():  # a grading command's callback starts one before its options are read
            shown = squeeze(CliRunner().invoke(app, [*path, "--help"], env={"COLUMNS": "200"}).output)
        for param in command.params:
            if getattr(param, "help", None):
                assert squeeze(param.help) in shown, (path, param.name, param.help)


def test_a_run_builds_only_its_command_and_says_the_same():
    """`grade submit` builds the options of `submit` only (grader.cli_edge.only_the_command); its help and usage
    errors are those of the whole application, and anything that names no single command gets the whole."""
    import typer
    from typer.testing import CliRunner

    from grader.cli import app
    from grader.cli_edge import only_the_command

    whole = typer.main.get_command(app)
    for name in whole.commands:
        lean = only_the_command(app, [name])
        assert lean is not app and list(typer.main.get_command(lean).commands) == [name]
        for args in ([name, "--help"], [name, "--no-such-option"]):
            with shared_fork_servers():
                shown = [CliRunner().invoke(application, args, env={"COLUMNS": "120"}, prog_name="grade")
                         for application in (app, lean)]
            assert (shown[0].output, shown[0].exit_code) == (shown[1].output, shown[1].exit_code), args
    for first in ([], ["--version"], ["--help"], ["sumbit"]):
        assert only_the_command(app, first) is app
    assert len(app.registered_commands) + len(app.registered_groups) == len(whole.commands)  # left whole


def test_korean_tables_wrap_at_80_columns_and_lose_no_word():
    import io

    from rich.cells import cell_len
    from rich.console import Console

    from grader.catalog import load_catalog
    from grader.i18n import Messages
    from grader.render.terminal import exercise_list, print_view

    console = Console(width=80, record=True, file=io.StringIO())
    print_view(exercise_list(load_catalog(), Messages("ko")), console)
    shown = console.export_text()
    assert "…" not in shown and max(cell_len(line) for line in shown.splitlines()) <= 80
    squeezed = "".join(shown.split()).replace("│", "")
    for exercise in load_catalog().exercises:
        assert "".join(exercise.summary("ko").split()) in squeezed, exercise.id


def test_solution_inside_the_folder_grades_that_folder(initialised):
    with open(initialised / "activations.py", "a", encoding="utf-8") as handle:
        handle.write("\n\ndef relu(x):\n    return np.maximum(0, x)\n")
    run = grade("solution", "relu", cwd=initialised)
    assert run.returncode == 0 and "def relu" in run.stdout and run.stderr == ""  # passes here, so no --force
