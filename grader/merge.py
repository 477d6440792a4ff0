"""`grade merge`: shard outputs (`grade batch --shard K/N`) combined into one gradebook and folder.

Shards graded with different catalogs (other points, other hidden cases) cannot share one mean or
one histogram: the merge refuses them in one line naming the shards, unless told otherwise.
"""
from __future__ import annotations

import shutil
from pathlib import Path
from typing import Iterable

from grader.catalog import Catalog
from grader.class_output import exclusive, student_folder
from grader.errors import GradeError
from grader.gradebook import FILENAME as GRADEBOOK_FILE
from grader.gradebook import Attempt, Gradebook


def catalogs_of(folders: list[Path]) -> dict[str, list[str]]:
    """Catalog fingerprint -> the shards whose latest attempts were graded with it."""
    found: dict[str, list[str]] = {}
    for folder in folders:
        with Gradebook.in_folder(folder) as shard:
            for catalog in sorted({attempt.catalog_hash for attempt in shard.latest_attempts()}):
                found.setdefault(catalog, []).append(folder.name or str(folder))
    return found


def merge_folders(folders: Iterable[Path], out: Path, allow_mixed: bool = False) -> tuple[int, list[Attempt]]:
    """Every attempt and student folder of `folders` into `out`; returns (new attempts, latest of each student)."""
    folders = [Path(folder) for folder in folders]
    for folder in folders:
        if not (folder / GRADEBOOK_FILE).is_file():
            raise GradeError("error.no-gradebook", path=folder)
    catalogs = catalogs_of(folders)
    if len(catalogs) > 1 and not allow_mixed:
        groups = " ≠ ".join(f"{', '.join(names)} ({catalog[:8]})" for catalog, names in catalogs.items())
        raise GradeError("class_batch.mixed-catalogs", groups=groups)
    copied = 0
    with Gradebook.in_folder(out) as merged:
        for folder in folders:
            with Gradebook.in_folder(folder) as shard:
                copied += merged.import_from(shard)
                for attempt in shard.latest_attempts():
                    source, target = student_folder(folder, attempt.student), student_folder(out, attempt.student)
                    if source.is_dir() and source.resolve() != target.resolve():
                        shutil.copytree(source, target, dirs_exist_ok=True, symlinks=True)
        return copied, merged.latest_attempts()


def merge_class(folders: list[Path], out: Path, lang: str, exercises: Catalog,
                allow_mixed: bool = False) -> tuple[int, list[Path]]:
    """`grade merge`: the shards merged into `out`, then its grades.csv and index.html (the columns of
    `exercises`), holding `out` throughout."""
    from grader.render.class_report import write_class_exports

    for folder in folders:  # before anything is created in `out`
        if not (Path(folder) / GRADEBOOK_FILE).is_file():
            raise GradeError("error.no-gradebook", path=folder)
    with exclusive(out):
        copied, attempts = merge_folders(folders, out, allow_mixed)
        return copied, write_class_exports(attempts, exercises, out, lang, Path(out).resolve().name)
