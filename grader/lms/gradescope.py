"""Gradescope's autograder: results.json from a graded submission, and the autograder zip that runs `grade`.

Format and layout from Gradescope's "Autograder Specifications"
(https://gradescope-autograders.readthedocs.io/en/latest/specs/): the zip holds `setup.sh` and
`run_autograder` at its root and is unpacked in /autograder/source; the student's files are in
/autograder/submission; /autograder/results/results.json holds `score`, `execution_time` (seconds),
`output`, `output_format`, `visibility`, `stdout_visibility` and `tests` (each with `name`, `number`,
`score`, `max_score`, `status`, `output`, `output_format`, `visibility`: visible, hidden, after_due_date
or after_published). Every text is `text`, never `html`: a student's printed output or exception message
must not become markup on Gradescope's page.
"""
from __future__ import annotations

import json
import os
import stat
import zipfile
from pathlib import Path

from grader.i18n import Messages
from grader.results import ExerciseResult, Status, SubmissionResult

ROOT_VARIABLE = "GRADESCOPE_ROOT"
"""Where Gradescope's /autograder is; tests point it at a temporary folder."""


def autograder_root() -> Path:
    return Path(os.environ.get(ROOT_VARIABLE) or "/autograder")


def submission_path(root: Path) -> Path:
    """What to grade in /autograder/submission: the folder, or the one zip or notebook a student uploaded alone."""
    folder = root / "submission"
    files = [p for p in folder.iterdir() if not p.name.startswith(".")] if folder.is_dir() else []
    if len(files) == 1 and files[0].is_file() and files[0].suffix.lower() in (".zip", ".ipynb"):
        return files[0]
    return folder


def _case_lines(exercise: ExerciseResult, hidden: bool, t) -> list[str]:
    lines = []
    for case in exercise.cases:
        if case.hidden != hidden:
            continue
        line = f"{case.title or case.name}: {t(f'status.{case.status}')}"
        if case.status != Status.PASSED and case.message:
            line += f" — {case.message}"
        lines.append(line)
    return lines


def _share(exercise: ExerciseResult, hidden: bool, passed_only: bool) -> float:
    total = sum(case.weight for case in exercise.cases)
    part = sum(case.weight for case in exercise.cases if case.hidden == hidden
               and (not passed_only or case.status == Status.PASSED))
    return exercise.max_score * part / total if total else 0.0


def results_json(result: SubmissionResult, seconds: float) -> dict:
    """Gradescope's results: per exercise one visible test (its visible cases, mistakes and hints) and, when it
    has hidden cases, one test for those, shown once grades are published."""
    t = Messages(result.lang).t
    tests = []
    for number, exercise in enumerate(result.exercises, start=1):
        has_hidden = any(case.hidden for case in exercise.cases)
        visible_max = round(_share(exercise, False, False), 2) if has_hidden else exercise.max_score
        visible_score = round(_share(exercise, False, True), 2) if has_hidden else exercise.score
        notes = [f"{note.name}: {note.hint}" for note in exercise.diagnoses]
        tests.append({
            "name": f"{exercise.title} ({exercise.id})", "number": f"{number}.1" if has_hidden else str(number),
            "score": visible_score, "max_score": visible_max,
            "status": "passed" if visible_score >= visible_max else "failed",
            "output": "\n".join(_case_lines(exercise, False, t) + notes), "output_format": "text",
            "visibility": "visible",
        })
        if has_hidden:
            hidden_score = round(exercise.score - visible_score, 2)
            hidden_max = round(exercise.max_score - visible_max, 2)
            tests.append({
                "name": t("workflow.gradescope-hidden", exercise=f"{exercise.title} ({exercise.id})"),
                "number": f"{number}.2", "score": hidden_score, "max_score": hidden_max,
                "status": "passed" if hidden_score >= hidden_max else "failed",
                "output": "\n".join(_case_lines(exercise, True, t)), "output_format": "text",
                "visibility": "after_published",
            })
    problems = [f"{file.name}: {error.type}: {error.message}" for file in result.files for error in file.errors]
    return {
        "score": result.score, "execution_time": max(1, round(seconds)),
        "output": "\n".join([t("workflow.gradescope-total", score=result.score, max_score=result.max_score), *problems]),
        "output_format": "text", "test_output_format": "text", "visibility": "visible", "stdout_visibility": "hidden",
        "tests": tests,
    }


def unreadable_json(reason: str, seconds: float = 0.0) -> dict:
    """A submission that could not be read at all (an empty upload, a corrupt zip): zero, and why."""
    return {"score": 0.0, "execution_time": max(1, round(seconds)), "output": reason, "output_format": "text",
            "visibility": "visible", "stdout_visibility": "hidden", "tests": []}


def write_results(root: Path, data: dict) -> Path:
    from grader.render.reports import write_atomically

    return write_atomically(root / "results" / "results.json", json.dumps(data, ensure_ascii=False, indent=2))


SETUP_SH = """#!/usr/bin/env bash
# Runs once when Gradescope builds the autograder image (choose an Ubuntu base image with Python 3.11+).
set -euo pipefail
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3 python3-venv python3-pip bubblewrap
python3 -m venv /autograder/venv
/autograder/venv/bin/pip install -q /autograder/source/{wheel}
"""

RUN_AUTOGRADER = """#!/usr/bin/env bash
# Runs for each submission: grades /autograder/submission into /autograder/results/results.json.
root="${{GRADESCOPE_ROOT:-/autograder}}"
export GRADESCOPE_ROOT="$root"
exec ${{GRADE_COMMAND:-/autograder/venv/bin/grade}} submit --gradescope --lang {lang}{options}
"""
COURSE_PARTS = ("catalog_file", "reference", "mistake_models", "quiz_bank", "frozen", "stubs")
"""A course's files, all of which must be inside its folder for the zip to carry it."""


def shipped_course(course) -> Path | None:
    """The course folder the zip carries: none for the built-in course (the wheel has it); a course whose
    course.toml names a path outside its folder is refused in one line (the zip would grade without it)."""
    if course.builtin:
        return None
    from grader.errors import GradeError

    root = Path(course.root).resolve()
    for part in COURSE_PARTS:
        path = getattr(course, part)
        if path is not None and not Path(path).resolve().is_relative_to(root):
            raise GradeError("cli.gradescope-course-outside", part=part.removesuffix("_file"), path=path, course=root)
    return root


def autograde(grade, messages: Messages) -> tuple[Path, str | None]:
    """`grade submit --gradescope`: /autograder/submission graded by `grade(path)` into results.json, always,
    even for an upload that cannot be read (a zero, and why). Returns (results.json, None) or (results.json, why)."""
    import time

    from grader.errors import GradeError

    root = autograder_root()
    started = time.monotonic()
    try:
        result = grade(submission_path(root))
    except GradeError as error:
        reason = messages.t(error.key, **error.params)
        return write_results(root, unreadable_json(reason, time.monotonic() - started)), reason
    return write_results(root, results_json(result, time.monotonic() - started)), None


def build_zip(out: Path, wheel: Path, lang: str, catalog: Path | None = None, course: Path | None = None,
              assignment: str | None = None) -> Path:
    """The autograder zip: setup.sh, run_autograder (executable), the grade wheel, the instructor's catalog, and
    the course folder (under course/) with the assignment to grade, when they are not the built-in course's."""
    import shlex

    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    options = ((' --catalog "$root/source/catalog.toml"' if catalog else "")
               + (' --course "$root/source/course"' if course else "")
               + (f" --assignment {shlex.quote(assignment)}" if assignment else ""))
    partial = out.with_name(out.name + ".tmp")
    with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in (("setup.sh", SETUP_SH.format(wheel=wheel.name)),
                           ("run_autograder", RUN_AUTOGRADER.format(lang=lang, options=options))):
            info = zipfile.ZipInfo(name)
            info.external_attr = (stat.S_IFREG | 0o755) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, text)
        archive.write(wheel, wheel.name)
        if catalog:
            archive.write(catalog, "catalog.toml")
        for file in sorted(Path(course).rglob("*")) if course else []:
            if file.is_file() and "__pycache__" not in file.parts:
                archive.write(file, "course/" + file.relative_to(course).as_posix())
    partial.replace(out)
    return out


def find_wheel(wheel: Path | None) -> Path:
    """The wheel to ship: the one given, else one built from this checkout (a `pip install -e .` of it)."""
    import subprocess
    import sys
    import tempfile

    from grader.errors import GradeError

    if wheel is not None:
        if not Path(wheel).is_file() or Path(wheel).suffix != ".whl":
            raise GradeError("workflow.gradescope-no-wheel")
        return Path(wheel)
    source = Path(__file__).resolve().parents[2]
    if not (source / "pyproject.toml").is_file():
        raise GradeError("workflow.gradescope-no-wheel")
    target = Path(tempfile.mkdtemp(prefix="grade-wheel-"))
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(target), str(source)],
                           capture_output=True, text=True)
    wheels = sorted(target.glob("grade-*.whl"))
    if built.returncode != 0 or not wheels:
        raise GradeError("workflow.gradescope-no-wheel")
    return wheels[0]
