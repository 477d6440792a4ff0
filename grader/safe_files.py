"""Listing and reading a student's files without ever following a link, and no further than a cap.

Mechanism only; what to read and the caps are grader.intake's. A folder is walked through directory
descriptors (`os.scandir` on a descriptor, `O_NOFOLLOW | O_DIRECTORY` for every step down), with a
loop and not recursion, so no depth can overflow a stack. A file is opened with `O_NOFOLLOW |
O_NONBLOCK` (a FIFO cannot block), checked to be a regular file on the descriptor itself, and read
in chunks that stop one byte past its cap. Zip members are listed from the central directory and
inflated only when read, with every inflated byte counted.
"""
from __future__ import annotations

import errno
import os
import stat
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from grader.errors import GradeError
from grader.i18n import SystemReason
from grader.render.safe import plain

_DIRECTORY = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
_FILE = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC
NAME_MAX = 255
"""The longest file name a Linux file system takes, in bytes."""
SCANNED_PER_ENTRY = 4
"""Entries looked at (hidden ones included) per entry counted: bounds the time a listing takes."""


class TooLarge(Exception):
    """A file turned out larger than the cap it was read with."""

    def __init__(self, item: "Item", cap: int):
        super().__init__(item.parts)
        self.item, self.cap = item, cap


@dataclass(frozen=True)
class Item:
    parts: tuple[str, ...]
    """The path inside the submission."""
    kind: str
    """file, folder, link, special (a FIFO, a device, a socket) or unreadable, as listed: never followed."""
    size: int = 0

    @property
    def name(self) -> str:
        return self.parts[-1]


def printable(parts: tuple[str, ...]) -> str:
    """A student-made path as a report may show it: no control characters, bounded length."""
    text = "/".join(parts)
    return "".join(c if c.isprintable() else "?" for c in text)[:200]


def open_top(path: Path, follow: bool) -> int:
    """A descriptor for the submission itself; a link there is followed only if `follow`."""
    try:
        return os.open(path, _FILE & ~os.O_NOFOLLOW if follow else _FILE)
    except FileNotFoundError:
        raise GradeError("error.missing-path", path=str(path)) from None
    except OSError as error:
        if error.errno == errno.ELOOP and not follow:
            raise GradeError("intake.top-link", path=str(path)) from None
        if error.errno in (errno.ENXIO, errno.EOPNOTSUPP):  # a socket
            raise GradeError("intake.not-regular", path=str(path)) from None
        raise GradeError("trust.path-unreadable", path=str(path), reason=SystemReason.of(error)) from None


def _open_at(top: int, parts: tuple[str, ...], flags: int) -> int:
    """Open `parts` below the folder `top`, one step at a time, never through a link."""
    fd, owned = top, None
    try:
        for part in parts[:-1]:
            step = os.open(part, _DIRECTORY, dir_fd=fd)
            if owned is not None:
                os.close(owned)
            fd = owned = step
        return os.open(parts[-1] if parts else ".", flags, dir_fd=fd)
    finally:
        if owned is not None:
            os.close(owned)


def list_folder(top: int, shown: str, max_entries: int, max_depth: int, skip: set[str]) -> list[Item]:
    """Every entry below `top`, without following links or recursing; names starting with a dot or in
    `skip` are left out, and so is a folder holding `pyvenv.cfg` (a virtual environment)."""
    items: list[Item] = []
    pending: list[tuple[str, ...]] = [()]
    scanned = 0
    while pending:
        parts = pending.pop()
        here: list[Item] = []
        below: list[tuple[str, ...]] = []
        environment = False
        try:
            fd = _open_at(top, parts, _DIRECTORY)
        except OSError:
            items.append(Item(parts, "unreadable"))
            continue
        try:
            with os.scandir(fd) as entries:
                for entry in entries:
                    scanned += 1
                    if scanned > SCANNED_PER_ENTRY * max_entries:
                        raise GradeError("intake.too-many-files", path=shown, limit=max_entries)
                    if entry.name.startswith(".") or entry.name in skip:
                        continue
                    if entry.name == "pyvenv.cfg" and parts:
                        environment = True
                        break
                    if len(items) + len(here) >= max_entries:
                        raise GradeError("intake.too-many-files", path=shown, limit=max_entries)
                    item = _folder_item(entry, parts + (entry.name,))
                    if item.kind == "folder":
                        if len(item.parts) > max_depth:
                            raise GradeError("intake.too-deep", path=shown, limit=max_depth)
                        below.append(item.parts)
                    here.append(item)
        except OSError:
            here, below = [Item(parts, "unreadable")], []
        finally:
            os.close(fd)
        if not environment:  # a virtual environment handed in by mistake is not the student's code
            items += here
            pending += below
    return sorted(items, key=lambda item: item.parts)


def _folder_item(entry: os.DirEntry, parts: tuple[str, ...]) -> Item:
    if entry.is_symlink():
        return Item(parts, "link")
    if entry.is_dir(follow_symlinks=False):
        return Item(parts, "folder")
    if entry.is_file(follow_symlinks=False):
        return Item(parts, "file", entry.stat(follow_symlinks=False).st_size)
    return Item(parts, "special")


def read_in_folder(top: int, item: Item, cap: int, shown: str) -> bytes:
    try:
        fd = _open_at(top, item.parts, _FILE)
    except OSError as error:  # it became a link or vanished since it was listed
        raise changed(error, shown, item) from None
    return read_fd(fd, cap, shown, item)


def read_fd(fd: int, cap: int, shown: str, item: Item) -> bytes:
    """At most `cap` bytes of a regular file (closing `fd`); more is an error, a non-regular file too."""
    if not stat.S_ISREG(os.fstat(fd).st_mode):  # before fdopen, which refuses a folder with an OSError
        os.close(fd)
        raise GradeError("trust.file-not-regular", path=shown, file=printable(item.parts))
    with os.fdopen(fd, "rb", buffering=0) as handle:
        os.lseek(handle.fileno(), 0, os.SEEK_SET)
        return _bounded(handle, cap, shown, item)


def _bounded(handle, cap: int, shown: str, item: Item) -> bytes:
    chunks, total = [], 0
    while chunk := handle.read(min(1 << 16, cap + 1 - total)):
        chunks.append(chunk)
        total += len(chunk)
        if total > cap:
            raise TooLarge(item, cap)
    return b"".join(chunks)


def open_zip(handle, shown: str) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(handle)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as error:
        handle.close()
        raise zip_corrupt(error, shown) from None


def zip_corrupt(error: Exception, shown: str) -> GradeError:
    """A zip the zipfile module refuses; its words (English) are quoted as code in a Korean message."""
    return GradeError("trust.zip-corrupt", path=shown, reason=plain(str(error))[:200])


def changed(error: OSError, shown: str, item: Item) -> GradeError:
    """A file that could not be opened though it was listed: it became a link, or vanished, or else."""
    if error.errno == errno.ELOOP:
        return GradeError("trust.file-became-link", path=shown, file=printable(item.parts))
    if error.errno == errno.ENOENT:
        return GradeError("trust.file-vanished", path=shown, file=printable(item.parts))
    return GradeError("trust.file-unreadable", path=shown, file=printable(item.parts),
                      reason=SystemReason.of(error))


def member_parts(filename: str) -> tuple[str, ...]:
    return PurePosixPath(filename.replace("\\", "/")).parts


def list_zip(archive: zipfile.ZipFile, shown: str, max_entries: int, max_depth: int, skip: set[str]) -> list[Item]:
    """Every member, unsafe paths refused, folders the zip only implies added, environments left out."""
    members = archive.infolist()
    if len(members) > max_entries:
        raise GradeError("intake.too-many-files", path=shown, limit=max_entries)
    found: dict[tuple[str, ...], Item] = {}
    for member in members:
        parts = member_parts(member.filename)
        if member.filename.startswith(("/", "\\")) or ".." in parts or (parts and ":" in parts[0]):
            raise GradeError("trust.zip-leaves-folder", path=shown, member=printable(parts))
        if any(len(p.encode("utf-8", "surrogateescape")) > NAME_MAX for p in parts):
            raise GradeError("trust.zip-long-name", path=shown, limit=NAME_MAX)
        if not parts or any(p.startswith(".") or p in skip for p in parts):
            continue
        if len(parts) > max_depth + 1:
            raise GradeError("intake.too-deep", path=shown, limit=max_depth)
        mode = member.external_attr >> 16
        if member.is_dir():
            kind = "folder"
        elif stat.S_ISLNK(mode):
            kind = "link"
        elif stat.S_IFMT(mode) and not stat.S_ISREG(mode):
            kind = "special"
        else:
            kind = "file"
        found[parts] = Item(parts, kind, member.file_size)
        for depth in range(1, len(parts)):  # folders a zip implies without listing them
            found.setdefault(parts[:depth], Item(parts[:depth], "folder"))
    environments = {item.parts[:-1] for item in found.values() if item.name == "pyvenv.cfg" and len(item.parts) > 1}
    return sorted((item for item in found.values() if not any(item.parts[:len(e)] == e for e in environments)),
                  key=lambda item: item.parts)


def read_member(archive: zipfile.ZipFile, member: zipfile.ZipInfo, cap: int, shown: str) -> bytes:
    item = Item(member_parts(member.filename), "file")
    try:
        with archive.open(member) as handle:  # counts what is really inflated: declared sizes can lie
            return _bounded(handle, cap, shown, item)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, OSError, EOFError, RuntimeError,
            NotImplementedError) as error:
        raise zip_corrupt(error, shown) from None


