"""What a catalog's grades depend on besides the submission: its files, hashed by content.

The course file, the catalog and the instructor's overlay, the mistake models and the reference code
(or a student kit's frozen data). Files are hashed under their names relative to their folder, never
their absolute paths: the same course read from another folder is the same course.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

from grader.catalog.model import Catalog


def catalog_files(catalog: Catalog) -> list[tuple[str, Path]]:
    """(name, file) for every file the catalog's grades depend on, in a stable order."""
    files = catalog.files
    if files is None:
        return []
    named = [(f"{role}:{path.name}", Path(path)) for role, path in (
        ("course", files.course), ("catalog", files.catalog), ("extra", files.extra),
        ("models", files.mistake_models)) if path is not None and Path(path).is_file()]
    for role, folder in (("reference", files.reference), ("frozen", files.frozen)):
        if folder is not None and Path(folder).is_dir():
            named += [(f"{role}:{file.relative_to(folder).as_posix()}", file) for file in sorted(Path(folder).rglob("*"))
                      if file.is_file() and "__pycache__" not in file.parts]
    return named


def catalog_fingerprint(catalog: Catalog) -> str:
    """16 hex digits that change whenever a file in `catalog_files` does."""
    digest = hashlib.sha256()
    for name, file in catalog_files(catalog):
        digest.update(name.encode() + b"\0" + file.read_bytes() + b"\0")
    return digest.hexdigest()[:16]
