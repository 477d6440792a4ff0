"""A batch's output folder: where each file goes, and one batch at a time in it.

    graded/
      grades.csv  index.html  gradebook.sqlite     the batch's own files (and exports beside them)
      students/<student>/report.html …              one folder per student

Students live in `students/`, so no student id (a folder or zip named `grades.csv` or
`gradebook.sqlite`) can ever collide with the batch's own files. A lock file held with `flock` makes
a second `grade batch` or `grade merge` on the same folder stop at once with one line, instead of
two processes writing the same files; the kernel releases the lock when its holder ends, however it
ends (even `kill -9`), so a crashed batch never leaves the folder locked.
"""
from __future__ import annotations

import errno
import fcntl
import os
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from grader.errors import GradeError
from grader.i18n import SystemReason

STUDENTS = "students"
LOCK = ".grade-batch.lock"
OUTPUT_FAILURES = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS}
"""Errors writing the batch's output that no other student would escape: the batch stops with one line."""


def student_folder(out: Path, student: str) -> Path:
    """Where a student's reports go."""
    return Path(out) / STUDENTS / student


def is_output_failure(error: BaseException) -> bool:
    """A full disk (or quota, or file-size limit) or a read-only file system: nothing more can be written."""
    return isinstance(error, OSError) and error.errno in OUTPUT_FAILURES


def output_failure(error: OSError, out: Path) -> GradeError:
    """The one-line error for a failure `is_output_failure` recognises (a write names no file: then `out`)."""
    kind = "read-only" if error.errno == errno.EROFS else "disk-full"
    return GradeError(f"class_batch.{kind}", path=error.filename or out, reason=SystemReason.of(error))


@contextmanager
def exclusive(out: Path) -> Iterator[None]:
    """Hold the output folder for one batch or merge; a second one is refused in one line."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(out / LOCK, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC | os.O_NOFOLLOW, 0o644)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise GradeError("class_batch.already-running", path=out) from None
        yield
    finally:
        os.close(descriptor)  # releases the lock; the file stays, so nobody races on its creation
