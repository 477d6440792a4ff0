"""What a grade depends on besides the submission, as two fingerprints.

A batch keeps a student's latest attempt only when nothing that could change its result has changed
since. That is two things, kept apart because `grade merge` compares only the first:

- the **catalog**: the course's files: course.toml, the exercise catalog and the instructor's extra
  catalog, the mistake models and the reference code (what is asked and what counts as right), hashed by
  `grader.catalog.fingerprint.catalog_fingerprint(catalog)`;
- the **settings**: everything else that can change a result or a report — the grader's version and
  its own files (the engine, the locale files, the templates, the quiz bank), the language, the
  isolation asked for and every limit.

Both are hashed from file contents, never from modification times, so a copy or a checkout of the
same files gives the same fingerprint.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
from functools import lru_cache
from pathlib import Path

import grader
from grader.catalog.fingerprint import catalog_fingerprint
from grader.runner.job import Limits

__all__ = ["catalog_fingerprint", "settings_fingerprint"]
PACKAGE = Path(grader.__file__).resolve().parent
PACKAGE_SUFFIXES = (".py", ".toml", ".j2")


def _digest(files: list[Path], extra: bytes = b"") -> str:
    digest = hashlib.sha256(extra)
    for file in files:
        digest.update(str(file).encode() + b"\0" + file.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


@lru_cache(maxsize=1)
def _package_digest() -> str:
    files = sorted(p for p in PACKAGE.rglob("*") if p.suffix in PACKAGE_SUFFIXES and "__pycache__" not in p.parts)
    digest = hashlib.sha256(grader.__version__.encode() + b"\0")
    for file in files:
        digest.update(file.relative_to(PACKAGE).as_posix().encode() + b"\0" + file.read_bytes() + b"\0")
    return digest.hexdigest()


def settings_fingerprint(lang: str, isolation: str, limits: Limits, quiz: str = "") -> str:
    """The grader's version and own files, the language, the isolation asked for, the limits and the quiz graded
    (`quiz`: grader.quiz.assigned's fingerprint of the assignment's quiz and its bank)."""
    settings = {"lang": lang, "isolation": isolation, "limits": dataclasses.asdict(limits)}
    if quiz:
        settings["quiz"] = quiz
    digest = hashlib.sha256(_package_digest().encode() + b"\0")
    digest.update(json.dumps(settings, sort_keys=True).encode())
    return digest.hexdigest()[:16]
