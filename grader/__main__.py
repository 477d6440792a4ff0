"""`python -m grader` runs the same CLI as the `grade` command."""
from grader.cli import app

app(prog_name="grade")
