"""Decoding a student's .py file into text, in the grader, before the worker sees it.

UTF-8 first (a BOM is fine), then the encoding a PEP 263 coding line names, then CP949 (what Korean
Windows saves by default) with a note to save as UTF-8. A file none of them decodes is reported with the
byte offset where decoding failed; its functions are not found, the other files are still graded.
Notebooks are JSON and always UTF-8: they are not decoded here.
"""
from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, replace
from pathlib import Path

from grader.runner.job import SourceUnit

# PEP 263: on the first or second line, `coding[:=]\s*([-\w.]+)`.
CODING_LINE = re.compile(rb"^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)")
FALLBACK = "cp949"


@dataclass(frozen=True)
class Decoded:
    text: str | None
    encoding: str = "utf-8"
    fallback: bool = False
    """Read as CP949 without a coding line: the report suggests saving as UTF-8."""
    bad_offset: int | None = None
    """When nothing decoded: the byte offset where UTF-8 (or the named encoding) failed."""
    bad_byte: int | None = None


def decode_source(data: bytes) -> Decoded:
    try:
        return Decoded(data.decode("utf-8-sig"))
    except UnicodeDecodeError as utf8_error:
        first_error = utf8_error
    named = coding_line(data)
    if named is not None:
        try:
            return Decoded(data.decode(named), named)
        except UnicodeDecodeError as error:
            first_error = error
    else:
        try:
            return Decoded(data.decode(FALLBACK), FALLBACK, fallback=True)
        except UnicodeDecodeError:
            pass
    return Decoded(None, named or "utf-8", bad_offset=first_error.start, bad_byte=data[first_error.start])


def coding_line(data: bytes) -> str | None:
    """The encoding named by a coding line on line 1 or 2, if Python knows it."""
    for line in data.splitlines()[:2]:
        match = CODING_LINE.match(line)
        if match:
            try:
                return codecs.lookup(match.group(1).decode("ascii")).name
            except (LookupError, UnicodeDecodeError):
                return None
        if line.strip() and not line.lstrip().startswith(b"#"):
            return None  # the coding line must come before any code
    return None


def with_sources(root: Path, units: list[SourceUnit]) -> tuple[list[SourceUnit], dict[str, Decoded]]:
    """The units with each .py file's text attached, and how each file was decoded (by unit name).

    A file that does not decode is left out of the units (the worker never sees it); an unreadable one is
    left for the worker to report, as before."""
    decoded: dict[str, Decoded] = {}
    ready = []
    for unit in units:
        if unit.kind != "file" or unit.source is not None:
            ready.append(unit)
            continue
        try:
            data = (Path(root) / unit.path).read_bytes()
        except OSError:
            ready.append(unit)
            continue
        decoded[unit.name] = result = decode_source(data)
        if result.text is not None:
            ready.append(replace(unit, source=result.text))
    return ready, decoded
