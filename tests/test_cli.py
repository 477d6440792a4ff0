"""The `grade` command as a user meets it: exit codes, files written, one-line errors, no tracebacks."""
import json
import os
import subprocess
import sys

import pytest

from conftest import FIXTURES, ROOT


def grade(*args, cwd=None, lang="C.UTF-8"):
    env = dict(os.environ, LANG=lang, LC_ALL="", LC_MESSAGES="", COLUMNS="120")
    return subprocess.run([sys.executable, "-m", "grader", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, env=env, timeout=120)


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
    results = json.loads(grade("submit", FIXTURES / "mistakes" / "mse-mean.py", "--json", "--out", tmp_path).stdout)
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
    run = grade("submit", ROOT / "exercises", "--out", tmp_path, lang="ko_KR.UTF-8")
    assert "총점" in run.stdout


def test_fail_under_exits_1_below_the_threshold(tmp_path):
    assert grade("submit", ROOT / "exercises", "--fail-under", "50", "--out", tmp_path).returncode == 1
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
    results = json.loads(run.stdout)
    assert results["isolation"] == mode and results["score"] == 100


def test_auto_isolation_uses_bubblewrap_where_it_works(tmp_path):
    assert json.loads(grade("submit", ROOT / "reference", "--json", "--out", tmp_path).stdout)["isolation"] == "bwrap"


def test_unknown_isolation_is_a_usage_error(tmp_path):
    run = grade("submit", ROOT / "reference", "--isolation", "docker", "--out", tmp_path)
    assert run.returncode == 2 and "auto, bwrap or process" in run.stderr


def test_the_call_time_limit_is_an_option(tmp_path):
    (tmp_path / "activations.py").write_text("import time\n\ndef relu(x):\n    time.sleep(1.5)\n    return x * (x > 0)\n")
    slow = json.loads(grade("submit", tmp_path / "activations.py", "--call-timeout", "0.5", "--json",
                            "--out", tmp_path / "a").stdout)
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
