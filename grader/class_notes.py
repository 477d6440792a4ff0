"""What `grade batch` tells an instructor about the class besides the grades, and the roster's missing students.

Each note is a line of text and whether it is a warning (stderr) or a finding (stdout); the command only
prints them. Text that came from the class (file and student names) is made safe for a terminal here.
"""
from __future__ import annotations

from typing import NamedTuple

from grader.i18n import Messages


class Note(NamedTuple):
    text: str
    warning: bool = False
    """Printed on stderr: something in the class folder was not graded as it stands."""


def _note(text: str, warning: bool = False) -> Note:
    """A note whose names came from the class (files, folders, a roster): made safe for a terminal."""
    from grader.render.safe import terminal_text

    return Note(terminal_text(text), warning)


def folder_notes(folder, messages: Messages) -> list[Note]:
    """Entries skipped in the class folder, and names that collide (the first is kept)."""
    notes = [_note(messages.t("batch.skipped", names=", ".join(folder.skipped)), True)] \
        if folder.skipped else []
    return notes + [_note(messages.t("class_batch.collision", names=", ".join(names), kept=names[0]), True)
                    for names in folder.collisions]


def roster_notes(given, messages: Messages) -> list[Note]:
    """What an LMS download and a roster said: skipped entries, late ones, who is linked, missing or unknown."""
    notes = []
    if given.skipped:  # an LMS's online text, comments, a file its layout does not explain
        notes.append(_note(messages.t("batch.skipped", names=", ".join(given.skipped)), True))
    if given.late:
        notes.append(_note(messages.t("workflow.late", names=", ".join(given.late))))
    linking = given.linking
    if linking is None:
        return notes
    notes.append(_note(messages.t("workflow.roster-linked", linked=len(linking.linked),
                                 total=len(linking.linked) + len(linking.missing))))
    if linking.missing:
        names = ", ".join(s.student_id + (f" ({s.name})" if s.name else "") for s in linking.missing)
        notes.append(_note(messages.t("workflow.roster-missing", names=names)))
    if linking.unknown:
        notes.append(_note(messages.t("workflow.roster-unknown", names=", ".join(linking.unknown))))
    return notes


def record_missing(given, gradebook, shard: str | None, hashes: tuple[str, str], max_score: float,
                   messages: Messages) -> list[str]:
    """Roster students without a submission: a zero, "no submission", in the gradebook (their shard's only)."""
    if given.linking is None:
        return []
    from grader.class_folder import in_shard, parse_shard
    from grader.lms import record_missing as record

    slice_ = parse_shard(shard)
    students = [s for s in given.linking.missing if in_shard(s.student_id, slice_)]
    return record(gradebook, students, *hashes, max_score, messages.t("workflow.no-submission"))
