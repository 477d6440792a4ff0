"""Reading a submission from disk: a folder, a single .py file, a notebook or a zip.

The result is a folder of files and the list of units (modules) to load from it. Nothing here runs
the student's code; a zip is unpacked only after every member is checked.
"""
from __future__ import annotations

import stat
import tempfile
import zipfile
import zlib
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Iterator

from grader.errors import GradeError
from grader.runner.job import Cell, SourceUnit

MAX_UNZIPPED_BYTES = 50 * 1024 * 1024
MAX_ZIP_MEMBERS = 2000
SKIPPED_NAMES = {"__init__.py", "setup.py", "conftest.py"}
SKIPPED_FOLDERS = {"__MACOSX", "__pycache__", ".ipynb_checkpoints"}
# Line magics that only change how Jupyter displays or times a cell: the code below them still runs.
HARMLESS_CELL_MAGICS = {"%%time", "%%timeit", "%%capture"}


@dataclass
class Submission:
    name: str
    """The default student name: the folder's or file's name without its extension."""
    root: Path
    units: list[SourceUnit]
    ignored: list[str] = field(default_factory=list)
    """Files left out on purpose (tests, setup scripts, hidden files), for the report."""


SUBMISSION_SUFFIXES = (".py", ".ipynb", ".zip")
"""What a submission may be besides a folder."""


@contextmanager
def open_submission(path: Path | str) -> Iterator[Submission]:
    """The submission at `path`, with any temporary unpacking cleaned up afterwards."""
    path = Path(path)
    if not path.exists():
        raise GradeError("error.missing-path", path=str(path))
    name = path.resolve().stem if path.is_file() else path.resolve().name
    if path.is_dir():
        yield _from_folder(path, name, shown=path)
    elif path.suffix.lower() == ".py":
        yield Submission(name, path.parent, [SourceUnit(path.stem, "file", path.name)])
    elif path.suffix.lower() == ".ipynb":
        yield Submission(name, path.parent, [read_notebook(path, path.stem)])
    elif path.suffix.lower() == ".zip":
        with tempfile.TemporaryDirectory(prefix="grade-zip-") as tmp:
            extract_zip(path, Path(tmp))
            yield _from_folder(Path(tmp), name, shown=path)
    else:
        raise GradeError("error.unsupported-file", path=str(path))


def _from_folder(folder: Path, name: str, shown: Path) -> Submission:
    root = _submission_root(folder)
    units, ignored = [], []
    for entry in sorted(root.iterdir()):
        if entry.is_dir() or entry.name.startswith("."):
            continue
        if entry.suffix == ".py":
            if entry.name in SKIPPED_NAMES or entry.name.startswith("test_") or entry.stem.endswith("_test"):
                ignored.append(entry.name)
            else:
                units.append(SourceUnit(entry.stem, "file", entry.name))
        elif entry.suffix == ".ipynb":
            taken = {unit.name for unit in units}
            module = entry.stem if entry.stem not in taken and not (root / f"{entry.stem}.py").exists() else f"{entry.stem}_ipynb"
            units.append(read_notebook(entry, module))
    if not units:
        raise GradeError("error.empty-folder", path=str(shown))
    return Submission(name, root, units, ignored)


def _submission_root(folder: Path) -> Path:
    """Descend through folders that only wrap another folder (as zips made by an OS often do)."""
    while True:
        entries = [e for e in folder.iterdir() if not e.name.startswith(".") and e.name not in SKIPPED_FOLDERS]
        if any(e.is_file() and e.suffix in (".py", ".ipynb") for e in entries):
            return folder
        folders = [e for e in entries if e.is_dir()]
        if len(folders) != 1 or any(e.is_file() for e in entries):
            return folder
        folder = folders[0]


def read_notebook(path: Path, module: str) -> SourceUnit:
    """A notebook's code cells, with IPython magics and shell lines taken out."""
    import nbformat  # only needed for notebooks; keeps `grade` quick to start otherwise

    try:
        notebook = nbformat.read(str(path), as_version=4)
    except Exception as error:  # nbformat raises several unrelated types for a broken file
        reason = str(error).strip().splitlines()[0][:120] if str(error).strip() else type(error).__name__
        raise GradeError("error.corrupt-notebook", path=str(path), reason=reason) from None
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


def extract_zip(path: Path, target: Path, max_bytes: int | None = None, max_members: int | None = None) -> None:
    """Unpack a zip after checking it: no absolute paths, no `..`, no links, bounded size and count.

    The bounds are one student's unless given; a whole class's download from an LMS passes larger ones."""
    max_bytes = MAX_UNZIPPED_BYTES if max_bytes is None else max_bytes
    max_members = MAX_ZIP_MEMBERS if max_members is None else max_members
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as error:
        raise GradeError("error.corrupt-zip", path=str(path), reason=str(error)) from None
    with archive:
        members = archive.infolist()
        if len(members) > max_members:
            raise GradeError("error.unsafe-zip", path=str(path), reason=f"more than {max_members} files")
        budget = max_bytes
        for member in members:
            parts = PurePosixPath(member.filename.replace("\\", "/")).parts
            if member.filename.startswith(("/", "\\")) or ".." in parts or (parts and ":" in parts[0]):
                raise GradeError("error.unsafe-zip", path=str(path), reason=f"the path {member.filename!r} leaves the folder")
            if not parts or member.is_dir() or parts[0] in SKIPPED_FOLDERS or any(p.startswith(".") for p in parts):
                continue
            if stat.S_ISLNK(member.external_attr >> 16):
                raise GradeError("error.unsafe-zip", path=str(path), reason=f"{member.filename!r} is a link")
            destination = target.joinpath(*parts)
            destination.parent.mkdir(parents=True, exist_ok=True)
            try:
                with archive.open(member) as source, open(destination, "wb") as sink:
                    # Count what is really written: a zip's declared sizes can lie.
                    while chunk := source.read(1 << 16):
                        budget -= len(chunk)
                        if budget < 0:
                            raise GradeError("error.zip-too-large", path=str(path), limit=max_bytes // 2**20)
                        sink.write(chunk)
            except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, OSError, EOFError, RuntimeError) as error:
                raise GradeError("error.corrupt-zip", path=str(path), reason=str(error)) from None
