"""`grade course new DIR`: a working course pack to start from.

`template`: one exercise, every file commented to explain every field; its reference scores full marks.
`builtin`: a copy of the built-in neural-network course, with its reference, stubs and quiz bank copied
into the pack, so the copy is the instructor's own and every path is at its default.
"""
from __future__ import annotations

import re
import shutil
from pathlib import Path

from grader.course import BUILTIN, load_course
from grader.errors import GradeError

TEMPLATE = Path(__file__).with_name("template")
SOURCES = ("builtin", "template")
IGNORED = shutil.ignore_patterns("__pycache__", "*.pyc")


def new_course(target: Path, source: str = "template") -> Path:
    """Write a pack into `target` (absent or empty) and return it."""
    if source not in SOURCES:
        raise GradeError("course.new-unknown-source", source=source, sources=", ".join(SOURCES))
    target = Path(target)
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise GradeError("course.new-exists", path=target)
    if source == "template":
        shutil.copytree(TEMPLATE, target, ignore=IGNORED, dirs_exist_ok=True)
        course_file = target / "course.toml"
        course_file.write_text(_with_id(course_file.read_text(encoding="utf-8"), target), encoding="utf-8")
        return target
    builtin = load_course(BUILTIN)
    target.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(builtin.catalog_file, target / "exercises.toml")
    for name, path in (("mistake_models.py", builtin.mistake_models), ("quiz.toml", builtin.quiz_bank)):
        if path is not None:
            shutil.copyfile(path, target / name)
    for name, folder in (("reference", builtin.reference), ("exercises", builtin.stubs)):
        if folder is not None:
            shutil.copytree(folder, target / name, ignore=IGNORED)
    (target / "course.toml").write_text(_own_course_file(builtin.course_file.read_text(encoding="utf-8"), target),
                                        encoding="utf-8")
    return target


def _own_course_file(text: str, target: Path) -> str:
    """The template's course.toml (every field explained, every path at its default) with the built-in
    course's id, title and assignments."""
    own = _with_id((TEMPLATE / "course.toml").read_text(encoding="utf-8"), target)
    title = re.search(r"^title = .*$", text, re.M).group(0)
    own = re.sub(r"^title = .*$", lambda _: title, own, count=1, flags=re.M)
    own = own[:own.index("[[assignments]]")] + text[text.index("[[assignments]]"):]
    return own


def _with_id(text: str, target: Path) -> str:
    """course.toml with the course's id made from the folder's name."""
    course_id = re.sub(r"[^A-Za-z0-9_-]+", "-", target.resolve().name).strip("-") or "course"
    return re.sub(r'^id = ".*"$', f'id = "{course_id}"', text, count=1, flags=re.M)
