"""The LMS in and out: a roster, the "download all submissions" layouts of Moodle and Canvas, and grade
files each LMS imports unchanged (grader.lms.export).

`open_class` turns what an instructor downloaded (a folder or the zip) into a plain class folder whose
entries are named by student id, which `grade batch` grades as usual; `record_missing` puts a zero with
"no submission" in the gradebook for each roster student who handed nothing in.
"""
from __future__ import annotations

import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from grader.errors import GradeError
from grader.lms.layouts import LAYOUTS, READERS, detect, write_entry
from grader.lms.roster import Linking, Student, read_roster

NO_SUBMISSION = "no-submission"
"""The content hash of a "no submission" attempt: nothing was handed in, so nothing was hashed."""
CLASS_ZIP_BYTES = 2 * 2**30
CLASS_ZIP_MEMBERS = 50_000
"""Bounds for unpacking a whole class's download (one student's zip keeps its own, smaller ones)."""


@dataclass
class ClassInput:
    folder: Path
    """A class folder for `grader.class_folder.discover`: one entry per student, named by student id."""
    layout: str
    linking: Linking | None = None
    skipped: list[str] = field(default_factory=list)
    late: list[str] = field(default_factory=list)
    """Students whose LMS marked the submission late (Canvas)."""


def student_file_name(text: str) -> str:
    """A student id safe as a folder name (Hangul and spaces stay)."""
    name = "".join(ch if ch.isalnum() or ch in " -_.@()" else "_" for ch in text).strip().lstrip(".")
    return name or "student"


@contextmanager
def open_class(submissions: Path, layout: str = "auto", roster: Path | None = None) -> Iterator[ClassInput]:
    """The class folder to grade; a temporary one when the LMS's layout or a roster renames the students."""
    if layout not in LAYOUTS:
        raise GradeError("workflow.unknown-layout", layout=layout, layouts=", ".join(LAYOUTS))
    source = Path(submissions)
    if not source.exists():
        raise GradeError("error.missing-path", path=str(source))
    with tempfile.TemporaryDirectory(prefix="grade-class-") as tmp:
        if source.is_file() and source.suffix.lower() == ".zip":
            extract_class_zip(source, Path(tmp) / "download")
            source = Path(tmp) / "download"
        elif not source.is_dir():
            raise GradeError("error.batch-not-folder", path=str(source))
        kind = detect(source) if layout == "auto" else layout
        if kind == "folders" and roster is None and source == Path(submissions):
            yield ClassInput(source, kind)  # a plain class folder, graded where it is
            return
        groups, skipped = READERS[kind](source)
        linking = read_roster(roster).link([g.claim for g in groups]) if roster is not None else None
        target = Path(tmp) / "class"
        target.mkdir()
        taken: set[str] = set()
        late = []
        for group in groups:
            if not group.files:
                skipped.append(group.claim.key)
                continue
            linked = linking.linked.get(group.claim.key) if linking else None
            student = student_file_name(linked.student_id if linked else group.claim.key)
            while student.casefold() in taken:  # two LMS names that clean up alike
                student += "_"
            taken.add(student.casefold())
            write_entry(group, target, student)
            if group.late:
                late.append(student)
        yield ClassInput(target, kind, linking, skipped, late)


def extract_class_zip(path: Path, target: Path) -> None:
    """A class's download unpacked with the checks a student's zip gets (grader.safe_files: no path leaving
    the folder, no link or special file, sizes counted as inflated) and a class's bounds."""
    from grader.safe_files import TooLarge, list_zip, member_parts, open_zip, read_member

    shown = str(path)
    with open(path, "rb") as handle, open_zip(handle, shown) as archive:
        kinds = {item.parts: item.kind for item in list_zip(archive, shown, CLASS_ZIP_MEMBERS, 64, {"__MACOSX"})}
        budget = CLASS_ZIP_BYTES
        for member in archive.infolist():
            parts = member_parts(member.filename)
            if kinds.get(parts) != "file":  # folders, links, special files and skipped names are not copied
                continue
            try:
                data = read_member(archive, member, budget, shown)
            except TooLarge:
                raise GradeError("error.zip-too-large", path=shown, limit=CLASS_ZIP_BYTES // 2**20) from None
            budget -= len(data)
            destination = target.joinpath(*parts)
            destination.parent.mkdir(parents=True, exist_ok=True)
            destination.write_bytes(data)


def record_missing(gradebook, students: list[Student], catalog_hash: str, settings_hash: str, max_score: float,
                   reason: str) -> list[str]:
    """A zero with `reason` for each roster student without a submission (once: a re-run adds nothing)."""
    recorded = []
    for student in students:
        latest = gradebook.latest(student.student_id)
        if (latest is None or latest.content_hash != NO_SUBMISSION or latest.catalog_hash != catalog_hash
                or latest.settings_hash != settings_hash):
            gradebook.record(student.student_id, NO_SUBMISSION, catalog_hash, None, error=reason, max_score=max_score,
                             settings_hash=settings_hash)
        recorded.append(student.student_id)
    return recorded
