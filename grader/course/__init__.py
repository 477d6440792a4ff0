"""A course pack: the folder an instructor owns, and the one place the grader learns where a course's files are.

A pack holds `course.toml` (id, titles, languages, assignments, policies), a catalog in the schema of
`exercises.toml`, `reference/` (solutions), mistake models and a quiz bank. A student kit built from a pack
has no solutions, no mistake models and no answers; it has the expected values frozen as data instead.

Every command takes `--course DIR` (or the GRADE_COURSE environment variable); without one it uses the
built-in neural-network course, loaded through this same path.

This is the interface the rest of the grader codes against; the pack format itself is read by
`load_course` (work in progress: today it describes the built-in course's files where they are).
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from grader.catalog import CATALOG_PATH, REFERENCE_FOLDER, Catalog, Text, load_catalog
from grader.errors import GradeError

ENV_VAR = "GRADE_COURSE"
"""The environment variable that names a course folder when `--course` is not given."""


@dataclass(frozen=True)
class Assignment:
    """What a class hands in at once: some exercises of the catalog and at most one quiz."""

    id: str
    title: Text
    exercises: tuple[str, ...]
    quiz: str | None = None
    """The id of the quiz in the course's bank graded with this assignment, if any."""


@dataclass(frozen=True)
class Course:
    root: Path
    """The folder of the pack (the one holding course.toml)."""
    id: str
    title: Text
    languages: tuple[str, ...]
    catalog_file: Path
    assignments: tuple[Assignment, ...]
    reference: Path | None = None
    """The folder of solution modules; None in a student kit."""
    mistake_models: Path | None = None
    """The Python file of mistake models; None in a student kit (their outputs are frozen instead)."""
    quiz_bank: Path | None = None
    """The quiz bank (with answers in a full pack or grading kit, without them in a student kit)."""
    frozen: Path | None = None
    """A student kit's folder of expected values and mistake-model outputs, frozen as data."""
    stubs: Path | None = None
    """The folder of stubs a student starts from (`grade init` copies it)."""
    builtin: bool = False

    @property
    def has_solutions(self) -> bool:
        return self.reference is not None

    def assignment(self, assignment_id: str | None = None) -> Assignment:
        """The assignment a user named; without a name, the course's first (the built-in course's nn-1)."""
        if assignment_id is None:
            return self.assignments[0]
        for assignment in self.assignments:
            if assignment.id == assignment_id:
                return assignment
        raise GradeError("course.unknown-assignment", name=assignment_id,
                         names=", ".join(a.id for a in self.assignments))

    def catalog(self, extra: Path | None = None, assignment: str | None = None) -> Catalog:
        """The course's exercises, with an instructor's overlay file (`--catalog`) laid over them; the ones
        graded when none is named are the assignment's (None: the first's)."""
        return load_catalog(self.catalog_file, extra).only(self.assignment(assignment).exercises)


def builtin_course() -> Course:
    catalog = load_catalog(CATALOG_PATH)
    title = Text("Neural networks with NumPy", "NumPy로 배우는 신경망")
    return Course(root=CATALOG_PATH.parent, id="nn", title=title, languages=("ko", "en"),
                  catalog_file=CATALOG_PATH,
                  assignments=(Assignment("nn-1", title, tuple(catalog.assignment_ids(None)), "nn-1"),
                               Assignment("nn-2", Text("Training a network on XOR", "XOR 신경망 학습"),
                                          tuple(catalog.assignment_ids("nn-2")))),
                  reference=REFERENCE_FOLDER, mistake_models=CATALOG_PATH.with_name("mistake_models.py"),
                  quiz_bank=Path(__file__).resolve().parent.parent / "quiz" / "bank.toml",
                  stubs=REFERENCE_FOLDER.parent / "exercises", builtin=True)


def load_course(path: Path | None = None) -> Course:
    """The course in `path`, else the one GRADE_COURSE names, else the built-in course."""
    path = path or (Path(os.environ[ENV_VAR]) if os.environ.get(ENV_VAR) else None)
    if path is None:
        return builtin_course()
    raise NotImplementedError("course packs are read by the course-pack work (issue 15)")
