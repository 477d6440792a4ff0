"""Explanations that span more than one mistake or exercise: "partly like ..." and cascades.

A cascade: exercise A failed, and the student's own A calls the student's own B (another exercise) that
failed too; A's feedback says so and points at B first. Which functions A calls is read statically
from the student's source (parsing is not running it), in the grader's process.
"""
from __future__ import annotations

import ast
from pathlib import Path

from grader.catalog import Catalog
from grader.diagnose import Diagnosis
from grader.isolate import verdicts as all_verdicts
from grader.i18n import Messages
from grader.results import ExerciseResult, MistakeNote, Status
from grader.submission import Submission

CASCADE = "calls-failing-exercise"
"""The mistake id of a cascade (a common mistake of the catalog)."""
BROKEN = (Status.FAILED, Status.ERROR, Status.TIMEOUT, Status.NOT_IMPLEMENTED)
MAX_SOURCE_BYTES = 2 * 1024 * 1024


def mistake_notes(catalog: Catalog, mistakes: list[str], diagnosis: Diagnosis,
                  messages: Messages) -> list[MistakeNote]:
    """Each diagnosed mistake with its name and hint in the report's language, then the partial ones."""
    notes = []
    for mistake_id in mistakes:
        mistake = catalog.mistake(mistake_id)
        notes.append(MistakeNote(mistake_id, mistake.name(messages.lang), mistake.hint(messages.lang)) if mistake
                     else MistakeNote(mistake_id, mistake_id, ""))
    return notes + partly_notes(catalog, diagnosis, messages)


def partly_notes(catalog: Catalog, diagnosis: Diagnosis, messages: Messages) -> list[MistakeNote]:
    """A note per mistake that explains some of the failures but not all, never a name of its own."""
    notes = []
    for mistake_id in diagnosis.partly:
        mistake = catalog.mistake(mistake_id)
        if mistake is not None:
            notes.append(MistakeNote(mistake_id, messages.t("diagnosis.partly-name", name=mistake.name(messages.lang)),
                                     messages.t("diagnosis.partly-hint", hint=mistake.hint(messages.lang))))
    return notes


def explain_cascades(grader, submission: Submission, exercises: list[ExerciseResult], messages: Messages) -> None:
    """Add a cascade note to each failed exercise whose function calls another failed exercise's, saying
    whether the exercise itself is right once the other one's expected results stand in for it."""
    catalog: Catalog = grader.catalog
    by_id = {exercise.id: exercise for exercise in exercises}
    failed = [e for e in exercises if e.status in BROKEN and e.status != Status.NOT_IMPLEMENTED]
    if not failed:
        return
    calls = called_functions(submission)
    names = {name: exercise.id for exercise in catalog.exercises
             for name in (exercise.id, *getattr(exercise, "aliases", ()))}
    found = []  # (exercise, its broken callees, the names it calls each by)
    for exercise in failed:
        own = {n for n, i in names.items() if i == exercise.id}
        callees: dict[str, set[str]] = {}  # callee exercise -> the names (id or alias) the student's code calls
        for name in (name for function in own for name in calls.get(function, ()) if name in names):
            callees.setdefault(names[name], set()).add(name)
        broken = [by_id[c] for c in sorted(callees) if c != exercise.id and c in by_id and by_id[c].status in BROKEN]
        found.append((exercise, broken, callees))
    checks = [(catalog.exercise(exercise.id), catalog.exercise(callee.id), sorted(callees[callee.id]))
              for exercise, broken, callees in found for callee in broken]
    verdicts = iter(all_verdicts(grader, submission, checks) if checks else [])
    for exercise, broken, _ in found:
        for callee in broken:
            hint = messages.t("diagnosis.cascade-hint", function=exercise.id, callee=callee.id)
            verdict = next(verdicts)
            if verdict is not None:
                key = "diagnosis.cascade-itself-right" if verdict else "diagnosis.cascade-itself-wrong"
                hint += " " + messages.t(key, function=exercise.id, callee=callee.id)
            exercise.diagnoses.insert(0, MistakeNote(CASCADE, messages.t("diagnosis.cascade-name", callee=callee.id), hint))
        if broken and CASCADE not in exercise.mistakes:
            exercise.mistakes.insert(0, CASCADE)


def called_functions(submission: Submission) -> dict[str, set[str]]:
    """Top-level function name -> the names it calls (`f(...)` or `module.f(...)`), over every file."""
    found: dict[str, set[str]] = {}
    modules = {unit.name for unit in submission.units}
    for source in _sources(submission):
        try:
            tree = ast.parse(source)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            continue
        for node in tree.body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                found.setdefault(node.name, set()).update(_calls(node, modules))
    return found


def _calls(function: ast.AST, modules: set[str]) -> set[str]:
    """`f(...)`, and `m.f(...)` only where m is a file of the submission (so `np.tanh` is not `tanh`)."""
    names = set()
    for node in ast.walk(function):
        if isinstance(node, ast.Call):
            if isinstance(node.func, ast.Name):
                names.add(node.func.id)
            elif (isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Name)
                  and node.func.value.id in modules):
                names.add(node.func.attr)
    return names


def _sources(submission: Submission) -> list[str | bytes]:
    """The text of every unit: a file's bytes (ast reads its coding line), a notebook's cells."""
    sources: list[str | bytes] = []
    root = Path(submission.root).resolve()
    for unit in submission.units:
        if unit.kind == "notebook":
            sources += [cell.source for cell in unit.cells]
            continue
        given = root / unit.path
        path = given.resolve()
        if given.is_symlink() or root not in path.parents or not path.is_file():
            continue  # never follow a link out of the submission
        with open(path, "rb") as handle:
            data = handle.read(MAX_SOURCE_BYTES + 1)
        if len(data) <= MAX_SOURCE_BYTES:
            sources.append(data)
    return sources

