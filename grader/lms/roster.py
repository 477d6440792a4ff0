"""A class roster (CSV with a header): who the students are, and how each LMS names them.

Columns are found by their header, in Korean or English, in any order; only the student id is required.
A submission is linked to a roster row by the student id or an LMS id first, then by email, then by name
(names compared without case, spaces or punctuation, so "Kim Minjun", "kim_minjun" and "KimMinjun" match).
"""
from __future__ import annotations

import csv
import io
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from grader.errors import GradeError

MAX_ROSTER_BYTES = 5 * 1024 * 1024

HEADERS = {
    "student_id": ("student id", "student_id", "studentid", "학번", "학생번호", "sid", "student number", "id number",
                   "idnumber", "sis user id", "id"),
    "name": ("name", "full name", "fullname", "student", "student name", "이름", "성명"),
    "email": ("email", "email address", "e-mail", "mail", "이메일", "전자우편"),
    "username": ("username", "user name", "login", "sis login id", "login id", "아이디", "사용자 이름"),
    "section": ("section", "분반", "sections"),
    "moodle_id": ("moodle id", "moodle participant", "participant", "participant id", "identifier", "moodle_id"),
    "canvas_id": ("canvas id", "canvas user id", "canvas_id", "user id", "userid", "id"),
}
"""Roster columns and the headers that name them, most specific first (compared without case or surrounding
spaces): a Canvas gradebook export works as a roster, its `SIS User ID` the student id and its `ID` Canvas's."""


@dataclass(frozen=True)
class Student:
    student_id: str
    name: str = ""
    email: str = ""
    username: str = ""
    section: str = ""
    moodle_id: str = ""
    canvas_id: str = ""

    @property
    def lms_ids(self) -> tuple[str, ...]:
        return tuple(i for i in (self.moodle_id, self.canvas_id, self.username) if i)


@dataclass(frozen=True)
class Claim:
    """What a submission says about who handed it in: a folder name, or an LMS's name and id."""

    key: str
    """The name the submission had on disk (a folder, a file, an LMS's `name_id` prefix)."""
    name: str = ""
    lms_id: str = ""


@dataclass
class Linking:
    linked: dict[str, Student] = field(default_factory=dict)
    """Submission key -> roster row."""
    unknown: list[str] = field(default_factory=list)
    """Submission keys with no roster row."""
    missing: list[Student] = field(default_factory=list)
    """Roster rows with no submission."""


def squeeze(text: str) -> str:
    """A name for comparison: NFC, lower case, letters and digits only."""
    return "".join(ch for ch in unicodedata.normalize("NFC", text).casefold() if ch.isalnum())


@dataclass
class Roster:
    students: list[Student]

    def link(self, claims: list[Claim]) -> Linking:
        by_id: dict[str, Student] = {}
        for student in self.students:
            for key in (student.student_id, *student.lms_ids):
                by_id.setdefault(key.strip().casefold(), student)
        by_email = {s.email.strip().casefold(): s for s in self.students if s.email}
        by_name: dict[str, list[Student]] = {}
        for student in self.students:
            if student.name:
                by_name.setdefault(squeeze(student.name), []).append(student)
        linking = Linking()
        for claim in claims:
            candidates = [by_id.get(claim.lms_id.casefold()) if claim.lms_id else None,
                          by_id.get(claim.key.strip().casefold()), by_email.get(claim.key.strip().casefold())]
            same_name = by_name.get(squeeze(claim.name or claim.key), [])
            candidates.append(same_name[0] if len(same_name) == 1 else None)  # two of the same name: no guess
            found = next((c for c in candidates if c is not None), None)
            if found is None or found in linking.linked.values():
                linking.unknown.append(claim.key)
            else:
                linking.linked[claim.key] = found
        taken = {id(s) for s in linking.linked.values()}
        linking.missing = [s for s in self.students if id(s) not in taken]
        return linking

    def find(self, student_id: str) -> Student | None:
        return next((s for s in self.students if s.student_id == student_id), None)


def read_roster(path: Path) -> Roster:
    """The roster in a CSV file (UTF-8 with or without a BOM, or CP949 as Korean Excel saves it)."""
    path = Path(path)
    if not path.is_file():
        raise GradeError("error.missing-path", path=str(path))
    data = path.read_bytes()[: MAX_ROSTER_BYTES + 1]
    if len(data) > MAX_ROSTER_BYTES:
        raise GradeError("workflow.roster-too-large", path=str(path), limit=MAX_ROSTER_BYTES // 2**20)
    for encoding in ("utf-8-sig", "cp949"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise GradeError("workflow.roster-encoding", path=str(path))
    try:
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error:  # a field over the csv module's limit
        raise GradeError("workflow.roster-unreadable", path=str(path)) from None
    if not rows:
        raise GradeError("workflow.roster-no-id", path=str(path))
    header = [cell.strip().casefold() for cell in rows[0]]
    columns: dict[str, int] = {}
    for field_name, names in HEADERS.items():
        free = [name for name in names if name in header and header.index(name) not in columns.values()]
        if free:
            columns[field_name] = header.index(free[0])
    if "student_id" not in columns:
        raise GradeError("workflow.roster-no-id", path=str(path))
    students, seen = [], set()
    for row in rows[1:]:
        values = {name: row[index].strip() if index < len(row) else "" for name, index in columns.items()}
        if not values["student_id"] or values["student_id"] in seen:
            continue
        seen.add(values["student_id"])
        students.append(Student(**values))
    return Roster(students)
