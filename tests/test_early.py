"""`grade` starts a grading command's fork server before it imports the CLI (grader.early)."""
import subprocess
import sys

PROBE = """
import sys
from grader import early
early.start(sys.argv[1:])
print("typer" in sys.modules, "grader.cli" in sys.modules, "numpy" in sys.modules)
warm = early.take()
print(warm is not None, early.take() is None)
if warm is not None:
    launcher = warm.result(timeout=60)
    print(launcher.isolation in ("bwrap", "process"))
    launcher.server.close()
"""


def probe(*argv: str) -> list[str]:
    run = subprocess.run([sys.executable, "-c", PROBE, *argv], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    return run.stdout.split()


def test_a_grading_command_starts_its_fork_server_before_the_cli_and_numpy_are_imported():
    # Nothing heavy is imported first; the launcher is handed out once, to the command's callback.
    assert probe("submit", "reference") == ["False", "False", "False", "True", "True", "True"]


def test_other_commands_and_help_texts_start_no_fork_server():
    for argv in (["batch"], ["--version"], ["quiz"], ["sub"], ["submit", "reference", "--help"]):
        assert probe(*argv) == ["False", "False", "False", "False", "True"], argv
