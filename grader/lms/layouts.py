"""Reading an LMS's "download all submissions" as a class folder: one entry per student.

Moodle (mod/assign/classes/downloader.php, `get_student_prefix` and `load_submissionplugin_filelist`):
one folder per participant, `<Full Name>_<participant id>_assignsubmission_file/` holding the files
(Moodle 4.x; 3.x adds a trailing `_`), or, with "download as folders" off, flat files
`<Full Name>_<id>_assignsubmission_file_<original name>`. Full names have `_` turned into spaces.

Canvas (lib/content_zipper.rb, `get_filename` and `add_upload_submission`): flat files
`<sortable name>[_LATE]_<user id>_<attachment id>_<original name>`, the name lower-cased with everything
but letters, digits and `_` removed; `anon_<id>` instead of name and id when students are anonymous.

Either may be given as the downloaded zip. A student's files are grouped into one submission, the LMS's
prefixes are taken off their names (so `from activations import relu` works again), and nothing that is
a link, or whose name would leave the student's folder, is copied.
"""
from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from grader.lms.roster import Claim

LAYOUTS = ("auto", "moodle", "canvas", "folders")
MOODLE_FOLDER = re.compile(r"^(?P<name>.*)_(?P<id>\d+)_assignsubmission_(?P<plugin>[a-z]+)_?$")
MOODLE_FILE = re.compile(r"^(?P<name>.*)_(?P<id>\d+)_assignsubmission_(?P<plugin>[a-z]+)_(?P<file>.+)$")
CANVAS_FILE = re.compile(
    r"^(?:(?P<name>.+?)_)??(?:(?P<late>late)_)?(?P<id>\d+|anon_[a-z0-9]+)_(?P<attachment>\d+)_(?P<file>.+)$",
    re.IGNORECASE)
CANVAS_COPY = re.compile(r"^(?P<stem>.+)-\d+(?P<suffix>\.[A-Za-z0-9]+)$")
"""Canvas renames a file handed in again `name-1.py`: the student's imports still say `name`."""
SINGLE_FILE_SUFFIXES = (".zip", ".ipynb")
"""A student whose only file is one of these is graded from it directly, as in a plain class folder."""


@dataclass
class Group:
    """One student's files in an LMS download."""

    claim: Claim
    files: dict[str, Path] = field(default_factory=dict)
    """Name in the student's folder (relative, `/`-separated) -> the file on disk."""
    late: bool = False


def safe_name(name: str) -> str | None:
    """A file name that stays inside its folder, or None."""
    name = name.replace("\\", "/").split("/")[-1].strip()
    return None if name in ("", ".", "..") or "\0" in name else name


def detect(folder: Path) -> str:
    names = [p.name for p in folder.iterdir() if not p.name.startswith(".")]
    if any(MOODLE_FOLDER.match(n) or MOODLE_FILE.match(n) for n in names):
        return "moodle"
    files = [n for n in names if (folder / n).is_file()]
    if files and sum(bool(CANVAS_FILE.match(n)) for n in files) * 2 > len(files):
        return "canvas"
    return "folders"


def _walk(folder: Path) -> dict[str, Path]:
    """Every regular file under `folder`, never following a link."""
    found = {}
    for root, dirs, files in os.walk(folder, followlinks=False):
        dirs[:] = [d for d in dirs if not os.path.islink(os.path.join(root, d))]
        for name in files:
            path = Path(root, name)
            if not path.is_symlink() and path.is_file():
                found[path.relative_to(folder).as_posix()] = path
    return found


def moodle_groups(folder: Path) -> tuple[list[Group], list[str]]:
    groups: dict[str, Group] = {}
    skipped = []
    for entry in sorted(folder.iterdir(), key=lambda p: p.name):
        folder_match = MOODLE_FOLDER.match(entry.name) if entry.is_dir() and not entry.is_symlink() else None
        file_match = MOODLE_FILE.match(entry.name) if entry.is_file() and not entry.is_symlink() else None
        match = folder_match or file_match
        if match is None or match["plugin"] != "file":  # online text, comments: not code
            skipped.append(entry.name)
            continue
        key = f"{match['name']}_{match['id']}"
        group = groups.setdefault(key, Group(Claim(key, match["name"], match["id"])))
        if folder_match:
            group.files.update(_walk(entry))
        elif (name := safe_name(match["file"])) is not None:
            group.files[name] = entry
    return list(groups.values()), skipped


def canvas_groups(folder: Path) -> tuple[list[Group], list[str]]:
    groups: dict[str, Group] = {}
    skipped = []
    for entry in sorted(folder.iterdir(), key=lambda p: p.name):
        match = CANVAS_FILE.match(entry.name) if entry.is_file() and not entry.is_symlink() else None
        name = safe_name(match["file"]) if match else None
        if match is None or name is None:
            skipped.append(entry.name)
            continue
        student = match["name"] or ""
        late = bool(match["late"]) or student.endswith("-late")
        student = student.removesuffix("-late")
        key = f"{student}_{match['id']}" if student else match["id"]
        group = groups.setdefault(key, Group(Claim(key, student, match["id"])))
        group.late = group.late or late
        group.files[name] = entry
    for group in groups.values():
        for name in list(group.files):
            copy = CANVAS_COPY.match(name)
            if copy and f"{copy['stem']}{copy['suffix']}" not in group.files:
                group.files[f"{copy['stem']}{copy['suffix']}"] = group.files.pop(name)
    return list(groups.values()), skipped


def folder_groups(folder: Path) -> tuple[list[Group], list[str]]:
    """A plain class folder: each entry (a folder, or a .py, .ipynb or .zip) is one student, named by it."""
    from grader.submission import SUBMISSION_SUFFIXES

    groups, skipped = [], []
    for entry in sorted(folder.iterdir(), key=lambda p: p.name):
        if entry.name.startswith(".") or entry.is_symlink():
            skipped.append(entry.name)
        elif entry.is_dir():
            groups.append(Group(Claim(entry.name), _walk(entry)))
        elif entry.suffix.lower() in SUBMISSION_SUFFIXES:
            groups.append(Group(Claim(entry.stem), {entry.name: entry}))
        else:
            skipped.append(entry.name)
    return groups, skipped


READERS = {"moodle": moodle_groups, "canvas": canvas_groups, "folders": folder_groups}


def write_entry(group: Group, target: Path, student: str) -> Path:
    """The student's files as one class-folder entry named `student`: a folder, or their single zip/notebook."""
    files = group.files
    if len(files) == 1:
        (name, source), = files.items()
        suffix = Path(name).suffix.lower()
        if suffix in SINGLE_FILE_SUFFIXES:
            entry = target / f"{student}{suffix}"
            shutil.copyfile(source, entry)
            return entry
    entry = target / student
    for name, source in files.items():
        destination = entry.joinpath(*name.split("/"))
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, destination)
    entry.mkdir(parents=True, exist_ok=True)
    return entry
