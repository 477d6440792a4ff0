"""A class folder: its students, one entry each, and the shard of the class a machine grades.

A class folder's entries are its students: a folder, a `.py`, an `.ipynb` or a `.zip` each, named
after the student. Grading them is grader.batch_run's job.
"""
from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from grader.errors import GradeError
from grader.submission import SUBMISSION_SUFFIXES

IGNORED_NAMES = {"__MACOSX", "__pycache__", "Thumbs.db", "desktop.ini"}


@dataclass(frozen=True)
class Entry:
    student: str
    path: Path


@dataclass
class ClassFolder:
    entries: list[Entry]
    skipped: list[str] = field(default_factory=list)
    """Entries that are not submissions (dotfiles, __MACOSX, a stray .csv), listed for the instructor."""
    collisions: list[list[str]] = field(default_factory=list)
    """Entries whose student ids are one id once Unicode-normalised or case-folded (`김민준` in NFC and
    NFD, `Alice/` and `alice.zip`): the first of each group is graded, the others are listed, never merged."""


def student_id(name: str) -> str:
    """A student's id from the name of their entry: NFC, as macOS' NFD file names and Windows' NFC ones agree.

    Bytes that are not UTF-8 in a file name (Python keeps them as lone surrogates, which no UTF-8
    file, database or terminal accepts) become U+FFFD.
    """
    text = name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    return unicodedata.normalize("NFC", text)


def discover(folder: Path, modules: Iterable[str] = ()) -> ClassFolder:
    """The students of a class folder, sorted by id; one entry per student.

    `modules` are the stub files' names (activations, losses, …): a folder holding those is one
    student's submission, not a class, and is refused with a hint to use `grade submit`.
    """
    folder = Path(folder)
    if not folder.exists():
        raise GradeError("error.missing-path", path=folder)
    if not folder.is_dir():
        raise GradeError("error.batch-not-folder", path=folder)
    groups: dict[str, list[Entry]] = {}
    skipped = []
    children = sorted(folder.iterdir(), key=lambda p: student_id(p.name))
    modules = set(modules)
    stubs = [c.name for c in children if c.suffix == ".py" and c.stem in modules and not c.is_dir()]
    if modules and len(stubs) >= min(2, len(modules)):
        raise GradeError("class_batch.one-submission", path=folder, files=", ".join(stubs))
    for child in children:
        is_submission = child.is_dir() or child.suffix.lower() in SUBMISSION_SUFFIXES
        if child.name.startswith(".") or child.name in IGNORED_NAMES or not is_submission:
            skipped.append(child.name)
            continue
        student = student_id(child.name if child.is_dir() else child.stem)
        groups.setdefault(student.casefold(), []).append(Entry(student, child))
    if not groups:
        raise GradeError("error.batch-empty", path=folder)
    # A folder sorts before a file of the same name (alice/ before alice.zip): it is the one graded.
    for group in groups.values():
        group.sort(key=lambda e: (not e.path.is_dir(), e.path.name))
    collisions = [[entry.path.name for entry in group] for group in groups.values() if len(group) > 1]
    entries = sorted((group[0] for group in groups.values()), key=lambda e: e.student)
    return ClassFolder(entries, skipped, collisions)


def parse_shard(text: str | None) -> tuple[int, int] | None:
    """`K/N` -> (K, N), 1 ≤ K ≤ N."""
    if text is None:
        return None
    try:
        k, n = (int(part) for part in text.split("/"))
    except ValueError:
        raise GradeError("error.bad-shard", shard=text) from None
    if not 1 <= k <= n:
        raise GradeError("error.bad-shard", shard=text)
    return k, n


def in_shard(student: str, shard: tuple[int, int] | None) -> bool:
    """Whether a student belongs to shard K of N: by a hash of their id, the same on every machine."""
    if shard is None:
        return True
    k, n = shard
    return int(hashlib.sha256(student.encode("utf-8")).hexdigest(), 16) % n == k - 1
