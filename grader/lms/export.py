"""Grade files each LMS imports unchanged, from a batch output folder's gradebook.

- Moodle, "Import grades from CSV" (grade/import/csv, `map_user_data_with_value`): any header; at import
  the `ID number` column is mapped to the user's idnumber (or `Email address` to their email), the grade
  column to the assignment's grade item and `Feedback` to its feedback.
- Canvas, Gradebook › Import (app/models/gradebook_importer.rb): `Student`, `ID`, `SIS User ID`,
  `SIS Login ID`, `Section`, then one column per assignment, `<name> (<assignment id>)`; a row whose first
  cell holds `Points Possible` gives the maximum. Students are found by `ID`, else the SIS ids, else name.
- Blackboard, Grade Center › Work offline › Upload: `Username` identifies the student; a grade column
  is `<name> [Total Pts: <max> Score] |<column id>` (without `|<id>` it is created at upload).
- Gradescope: the columns of Gradescope's own score export (`Name`, `SID`, `Email`, `Total Score`,
  `Max Points`, `Status`), for its score upload and for spreadsheets built on that export.
"""
from __future__ import annotations

import csv
import io
from pathlib import Path

from grader.errors import GradeError
from grader.gradebook import FILENAME, Gradebook
from grader.i18n import Messages
from grader.lms.roster import Roster, Student

FORMATS = ("moodle", "canvas", "blackboard", "gradescope-csv")
SCORE_COLUMN = {"moodle": 3, "canvas": 5, "blackboard": 1, "gradescope-csv": 3}
FILES = {"moodle": "moodle-grades.csv", "canvas": "canvas-gradebook.csv", "blackboard": "blackboard-grades.csv",
         "gradescope-csv": "gradescope-scores.csv"}


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(text: str) -> str:
    """Text as a spreadsheet shows it, never as a formula (a student's name could start with `=`)."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _number(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _feedback(attempt, messages: Messages) -> str:
    if attempt.error:
        return attempt.error
    return messages.t("workflow.export-feedback", score=_number(attempt.score), max_score=_number(attempt.max_score))


def export_grades(folder: Path, fmt: str, roster: Roster | None = None, assignment: str = "", lang: str = "en",
                  target: Path | None = None) -> tuple[Path, int]:
    """Write the `fmt` file for the latest attempt of every student in `folder`'s gradebook: (its path, rows)."""
    if fmt not in FORMATS:
        raise GradeError("workflow.unknown-format", format=fmt, formats=", ".join(FORMATS))
    folder = Path(folder)
    if not (folder / FILENAME).is_file():
        raise GradeError("error.no-gradebook", path=str(folder))
    with Gradebook.in_folder(folder) as gradebook:
        attempts = gradebook.latest_attempts()
    messages = Messages(lang)
    assignment = assignment or folder.resolve().name
    maximum = max((a.max_score for a in attempts), default=0.0)
    rows: list[list[str]] = []
    for attempt in attempts:
        who = (roster.find(attempt.student) if roster else None) or Student(attempt.student)
        score, feedback = _number(attempt.score), _feedback(attempt, messages)
        rows.append({
            "moodle": lambda: [who.student_id, who.email, who.name, score, feedback],
            "canvas": lambda: [who.name or who.student_id, who.canvas_id, who.student_id, who.username or who.email,
                               who.section, score],
            "blackboard": lambda: [who.username or who.student_id, score],
            "gradescope-csv": lambda: [who.name or who.student_id, who.student_id, who.email, score,
                                       _number(attempt.max_score), "Graded" if not attempt.error else "Missing"],
        }[fmt]())
    header = {
        "moodle": ["ID number", "Email address", "Full name", assignment, "Feedback"],
        "canvas": ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", assignment],
        "blackboard": ["Username", _blackboard_column(assignment, maximum)],
        "gradescope-csv": ["Name", "SID", "Email", "Total Score", "Max Points", "Status"],
    }[fmt]
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    if fmt == "canvas":
        writer.writerow(["    Points Possible", "", "", "", "", _number(maximum)])
    writer.writerows([[cell if index == SCORE_COLUMN[fmt] else _cell(cell) for index, cell in enumerate(row)]
                      for row in rows])
    from grader.render.reports import write_atomically

    return write_atomically(target or folder / FILES[fmt], buffer.getvalue()), len(rows)


def _blackboard_column(assignment: str, maximum: float) -> str:
    name, _, column_id = assignment.partition("|")
    return f"{name.strip()} [Total Pts: {_number(maximum)} Score]" + (f" |{column_id.strip()}" if column_id else "")
