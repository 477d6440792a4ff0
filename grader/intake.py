"""Reading what a student hands in: listed first, checked against caps, then read once, safely.

A submission (a folder, a zip, a .py or a notebook) is listed without reading any file and without
following any link (grader.safe_files). The caps below are checked on that listing, before a byte
is copied. Only the files the grader needs are then read: the source units at the submission's
root and one quiz answers file, each no further than its cap. Links, FIFOs, devices and sockets
are never opened; they are listed for the report.

The sandbox sizes a worker's private folders from these caps: everything read from one submission
(and so everything a worker is given) fits in MAX_SUBMISSION_BYTES, in at most MAX_UNITS files.
"""
from __future__ import annotations

import fnmatch
import hashlib
import os
import stat
import time
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

from grader.errors import GradeError
from grader.results import SkippedFile
from grader.safe_files import (Item, TooLarge, list_folder, list_zip, member_parts, open_top, open_zip, printable,
                               read_fd, read_in_folder, read_member)

MAX_SOURCE_BYTES = 1024**2
"""One .py file."""
MAX_NOTEBOOK_BYTES = 20 * 1024**2
"""One notebook (it may embed images)."""
MAX_SUBMISSION_BYTES = 50 * 1024**2
"""Everything read from one submission, all files together."""
MAX_FILES = 2000
"""Entries listed in one submission (files, folders, links), hidden files and environments aside."""
MAX_UNITS = 256
"""Source units (.py files and notebooks) loaded from one submission."""
MAX_DEPTH = 32
"""Folders nested inside a submission (or a zip)."""
MAX_LISTED = 50
"""Skipped entries named in a report; the rest are counted."""

SOURCE_SUFFIXES = (".py", ".ipynb")
SKIPPED_FOLDERS = {"__MACOSX", "__pycache__", ".ipynb_checkpoints", "site-packages", "node_modules"}
"""Never listed: operating-system debris and installed packages."""
ANSWERS_PATTERNS = ("answers*.toml", "quiz*.toml")
SKIPPED_NAMES = {"__init__.py", "setup.py", "conftest.py"}
"""Never loaded: they belong to tests and packaging, not to the exercises (nor do test_*.py, *_test.py)."""


@dataclass
class Intake:
    """A submission listed and checked, with what the grader will read from it; nothing read yet."""

    name: str
    units: list[Item]
    """.py files and notebooks at the submission's root, by name."""
    answers: Item | None
    ignored: list[str] = field(default_factory=list)
    skipped: list[SkippedFile] = field(default_factory=list)
    shown: str = ""
    """The path as the user gave it, for messages."""
    single_file: bool = False
    """The submission is one .py file or one notebook (not a folder or a zip)."""
    _read: Callable[[Item, int], bytes] | None = field(default=None, repr=False)
    _digest: "hashlib._Hash" = field(default_factory=hashlib.sha256, repr=False)

    def files(self) -> Iterator[tuple[Item, bytes]]:
        """Every unit, then the answers file, read once each (one at a time, so memory stays small)."""
        budget = MAX_SUBMISSION_BYTES
        for item in [*self.units, *([self.answers] if self.answers else [])]:
            data = self.read(item, min(cap_for(item.name), budget))
            budget -= len(data)
            self._digest.update("/".join(item.parts).encode("utf-8", "surrogateescape") + b"\0")
            self._digest.update(hashlib.sha256(data).digest())
            yield item, data

    def fingerprint(self) -> str:
        """What was read by `files()` (each path and its bytes) and what was skipped, as one hash."""
        digest = self._digest.copy()
        digest.update(repr([(s.path, s.reason) for s in self.skipped]).encode("utf-8", "surrogateescape"))
        return digest.hexdigest()[:32]

    def read(self, item: Item, cap: int) -> bytes:
        try:
            return self._read(item, cap)
        except TooLarge as error:
            raise _too_large(error.item, error.cap, self.shown) from None


def cap_for(name: str) -> int:
    if name.lower().endswith(".ipynb"):
        return MAX_NOTEBOOK_BYTES
    if is_answers(name):
        return answers_cap()
    return MAX_SOURCE_BYTES


def answers_cap() -> int:
    """The quiz's own cap on an answers file (imported only when there is one: the quiz loads NumPy)."""
    from grader.quiz.answers_file import MAX_ANSWERS_BYTES

    return MAX_ANSWERS_BYTES


def is_answers(name: str) -> bool:
    return any(fnmatch.fnmatch(name, pattern) for pattern in ANSWERS_PATTERNS)


@contextmanager
def open_intake(path: Path | str, follow_top_link: bool = True) -> Iterator[Intake]:
    """List and check the submission at `path`. The path itself is followed if it is a link and
    `follow_top_link` (someone named it on the command line); nothing inside it ever is."""
    path = Path(path)
    shown = str(path)
    name = Path(os.path.abspath(path)).name
    with ExitStack() as stack:
        fd = open_top(path, follow_top_link)
        stack.callback(os.close, fd)
        mode = os.fstat(fd).st_mode
        suffix = path.suffix.lower()
        if stat.S_ISDIR(mode):
            items = list_folder(fd, shown, MAX_FILES, MAX_DEPTH, SKIPPED_FOLDERS)
            read = lambda item, cap: read_in_folder(fd, item, cap, shown)  # noqa: E731
        elif not stat.S_ISREG(mode):
            raise GradeError("intake.not-regular", path=shown)
        elif suffix == ".zip":
            name = Path(name).stem
            archive = stack.enter_context(open_zip(os.fdopen(os.dup(fd), "rb"), shown))
            items = list_zip(archive, shown, MAX_FILES, MAX_DEPTH, SKIPPED_FOLDERS)
            members = {member_parts(m.filename): m for m in archive.infolist()}
            read = lambda item, cap: read_member(archive, members[item.parts], cap, shown)  # noqa: E731
        elif suffix in SOURCE_SUFFIXES:
            items = [Item((path.name,), "file", os.fstat(fd).st_size)]
            name = Path(name).stem
            read = lambda item, cap: read_fd(os.dup(fd), cap, shown, item)  # noqa: E731
        else:
            raise GradeError("error.unsupported-file", path=shown)
        intake = _choose(items, name, shown, single_file=suffix in SOURCE_SUFFIXES and stat.S_ISREG(mode))
        intake._read = read
        yield intake


def _choose(items: list[Item], name: str, shown: str, single_file: bool) -> Intake:
    """The units at the submission's root, the answers file, what is skipped; every cap checked."""
    children: dict[tuple[str, ...], list[Item]] = {}
    for item in items:
        children.setdefault(item.parts[:-1], []).append(item)
    root: tuple[str, ...] = ()
    while True:  # through folders that only wrap another folder (as zips made by an OS often do)
        here = children.get(root, [])
        if len(here) != 1 or here[0].kind != "folder":
            break
        root = here[0].parts
    units, ignored = [], []
    for item in children.get(root, []):
        if single_file:  # named on its own: whatever its name, it is the submission
            units.append(item)
        elif item.kind != "file" or not item.name.endswith(SOURCE_SUFFIXES):
            continue
        elif item.name.endswith(".py") and is_test_or_setup(item.name):
            ignored.append(item.name)
        else:
            units.append(item)
    if len(units) > MAX_UNITS:
        raise GradeError("intake.too-many-units", path=shown, limit=MAX_UNITS)
    for item in units:
        if item.size > cap_for(item.name):  # checked on the listing, before anything is read
            raise _too_large(item, cap_for(item.name), shown)
    answers = next((i for i in items if i.kind == "file" and is_answers(i.name)), None)
    if answers is not None and answers.size > answers_cap():
        answers = None
    if sum(item.size for item in units) + (answers.size if answers else 0) > MAX_SUBMISSION_BYTES:
        raise GradeError("intake.too-large", path=shown, limit=MAX_SUBMISSION_BYTES // 2**20)
    odd = [item for item in items if item.kind in ("link", "special", "unreadable")]
    skipped = [SkippedFile(printable(item.parts) or ".", item.kind) for item in odd[:MAX_LISTED]]
    if len(odd) > MAX_LISTED:
        skipped.append(SkippedFile("", "more", count=len(odd) - MAX_LISTED))
    return Intake(name, units, answers, ignored, skipped, shown, single_file)


def _too_large(item: Item, cap: int, shown: str) -> GradeError:
    if cap < cap_for(item.name):  # the submission's budget ran out, not this file's
        return GradeError("intake.too-large", path=shown, limit=MAX_SUBMISSION_BYTES // 2**20)
    return GradeError("intake.file-too-large", path=shown, file=printable(item.parts), limit=f"{cap / 2**20:g}")


def is_test_or_setup(name: str) -> bool:
    return name in SKIPPED_NAMES or name.startswith("test_") or name[:-3].endswith("_test")


def content_hash(path: Path | str) -> str:
    """A fingerprint of what the grader reads from a submission: each file's path and bytes, in order.

    Never raises: a submission that cannot be read is fingerprinted by why, so it is kept as it is
    until it changes.
    """
    digest = hashlib.sha256()
    try:
        with open_intake(path, follow_top_link=False) as intake:
            for _ in intake.files():
                pass
            return intake.fingerprint()
    except GradeError as error:
        digest.update(repr((error.key, sorted(error.params.items()))).encode("utf-8", "surrogateescape"))
    except OSError as error:  # the grader's own side (no file descriptor left, ...): graded again next time
        digest.update(repr(("os-error", time.time_ns(), str(error))).encode("utf-8", "surrogateescape"))
    return digest.hexdigest()[:32]


def find_answers(path: Path | str) -> tuple[str, bytes] | None:
    """A quiz answers file handed in with the code: (its name, its bytes), or None.

    Looked for as answers*.toml or quiz*.toml in a student's folder (any depth) or zip; the first
    by path wins, and one larger than the answers cap is not read.
    """
    try:
        with open_intake(path, follow_top_link=False) as intake:
            if intake.answers is None:
                return None
            return intake.answers.name, intake.read(intake.answers, answers_cap())
    except (GradeError, OSError):
        return None
