"""A submission as the grader sees it: a private snapshot of the student's files and the units to load.

`grader.intake` lists and checks what the student handed in (a folder, a .py, a notebook or a zip)
without following links; the files the grader needs are then copied once into a folder the grader
owns, and nothing downstream touches the student's tree again. Nothing here runs the student's code.
"""
from __future__ import annotations

import functools
import os
import shutil
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from grader.errors import GradeError
from grader.intake import Intake, open_intake
from grader.results import SkippedFile
from grader.runner.job import Cell, SourceUnit

# Line magics that only change how Jupyter displays or times a cell: the code below them still runs.
HARMLESS_CELL_MAGICS = {"%%time", "%%timeit", "%%capture"}


@dataclass
class Submission:
    name: str
    """The default student name: the folder's or file's name without its extension."""
    root: Path
    """The grader's private snapshot: only the units are there, as regular files."""
    units: list[SourceUnit]
    ignored: list[str] = field(default_factory=list)
    """Files left out on purpose (tests, setup scripts), by name."""
    skipped: list[SkippedFile] = field(default_factory=list)
    """Entries not read (links, FIFOs, devices, sockets), for the report."""
    answers: tuple[str, bytes] | None = None
    """A quiz answers file handed in with the code: its name and bytes."""
    content_hash: str = ""
    """The same fingerprint as grader.intake.content_hash, from this one reading."""
    _folder: tempfile.TemporaryDirectory | None = field(default=None, repr=False, compare=False)


SUBMISSION_SUFFIXES = (".py", ".ipynb", ".zip")
"""What a submission may be besides a folder."""
SNAPSHOT_PREFIX = "grade-sub-"
"""A snapshot folder is named grade-sub-<pid of the grader>-<random>."""
RAM_FOLDER = Path("/dev/shm")
RAM_FOLDER_ROOM = 1024**3
"""Free space the RAM folder must have to hold snapshots (each at most MAX_SUBMISSION_BYTES)."""


@functools.lru_cache(maxsize=1)
def snapshot_base() -> str | None:
    """Where snapshots go: a RAM folder with room to spare, where making and removing a few small files
    costs a tenth of what a disk's temporary folder does; else that folder. TMPDIR, when set, wins.
    Snapshots a killed grader left there are removed first."""
    if "TMPDIR" in os.environ or not os.access(RAM_FOLDER, os.W_OK | os.X_OK):
        return None
    free = os.statvfs(RAM_FOLDER)
    if free.f_bavail * free.f_frsize < RAM_FOLDER_ROOM:
        return None
    remove_stale_snapshots(RAM_FOLDER)
    return str(RAM_FOLDER)


def remove_stale_snapshots(base: Path) -> None:
    """Snapshot folders of this user whose grader is no longer running."""
    for folder in base.glob(f"{SNAPSHOT_PREFIX}*-*"):
        try:
            pid = int(folder.name[len(SNAPSHOT_PREFIX):].split("-", 1)[0])
            if folder.lstat().st_uid != os.getuid() or not folder.is_dir() or folder.is_symlink():
                continue
            os.kill(pid, 0)
        except ProcessLookupError:
            shutil.rmtree(folder, ignore_errors=True)
        except (ValueError, OSError):
            continue


@contextmanager
def open_submission(path: Path | str, follow_top_link: bool = True) -> Iterator[Submission]:
    """The submission at `path`, read once into a private snapshot removed afterwards.

    `follow_top_link`: whether `path` itself may be a link (a path someone typed); links inside never are.
    """
    with open_intake(path, follow_top_link) as intake:
        folder = tempfile.TemporaryDirectory(prefix=f"{SNAPSHOT_PREFIX}{os.getpid()}-", dir=snapshot_base())
        try:
            submission = _snapshot(intake, Path(folder.name))
        except BaseException:
            folder.cleanup()
            raise
    submission._folder = folder  # removed with the submission, if the context is dropped without exiting it
    try:
        yield submission
    except GeneratorExit:
        raise
    except BaseException:
        folder.cleanup()
        raise
    folder.cleanup()


def _snapshot(intake: Intake, root: Path) -> Submission:
    units: list[SourceUnit] = []
    answers = None
    py_names = {item.name[:-3] for item in intake.units if item.name.lower().endswith(".py")}
    for item, data in intake.files():
        if item is intake.answers:
            answers = (item.name, data)
            continue
        stem = item.name.rsplit(".", 1)[0]
        if item.name.lower().endswith(".py"):
            (root / item.name).write_bytes(data)
            units.append(SourceUnit(stem, "file", item.name))
        else:
            (root / item.name).write_bytes(data)
            taken = {unit.name for unit in units} | py_names
            shown = intake.shown if intake.single_file else f"{intake.shown}/{'/'.join(item.parts)}"
            units.append(read_notebook(root / item.name, stem if stem not in taken else f"{stem}_ipynb", shown))
    if not units:
        raise GradeError("error.empty-folder", path=intake.shown)
    return Submission(intake.name, root, units, intake.ignored, intake.skipped, answers, intake.fingerprint())


def read_notebook(path: Path, module: str, shown: str | None = None) -> SourceUnit:
    """A notebook's code cells, with IPython magics and shell lines taken out."""
    import nbformat  # only needed for notebooks; keeps `grade` quick to start otherwise

    try:
        notebook = nbformat.read(str(path), as_version=4)
    except Exception as error:  # nbformat raises several unrelated types for a broken file
        reason = str(error).strip().splitlines()[0][:120] if str(error).strip() else type(error).__name__
        raise GradeError("error.corrupt-notebook", path=shown or str(path), reason=reason) from None
    cells = []
    for number, cell in enumerate(notebook.cells, start=1):
        if cell.get("cell_type") != "code":
            continue
        source = strip_magics(cell.get("source", ""))
        if source.strip():
            cells.append(Cell(label=str(number), source=source))
    return SourceUnit(module, "notebook", path.name, tuple(cells))


def strip_magics(source: str) -> str:
    """Python only: `%line` magics and `!shell` lines become `pass`; a cell magic other than timing
    or capturing (%%bash, %%writefile, ...) means the cell is not Python, so it is dropped whole."""
    lines = source.splitlines()
    if lines and lines[0].lstrip().startswith("%%"):
        if lines[0].split()[0] not in HARMLESS_CELL_MAGICS:
            return ""
        lines = lines[1:]
    kept = []
    for line in lines:
        stripped = line.lstrip()
        if stripped.startswith(("%", "!")):
            kept.append(line[: len(line) - len(stripped)] + "pass")
        else:
            kept.append(line)
    return "\n".join(kept) + "\n"
