"""Reading a catalog file (and an instructor's overlay) into the types of `grader.catalog.model`.

A malformed file raises CatalogError naming the entry; a file of another schema version is the user's
error (GradeError), said in one line.
"""
from __future__ import annotations

import copy
import functools
import tomllib
from pathlib import Path
from typing import Any

from grader.catalog.model import (CHECK_KINDS, DETECTORS, PLOT_KINDS, SCHEMA, Case, Catalog, CatalogFiles, Exercise,
                                  GradientCheck, Literal, Mistake, Text)
from grader.catalog.behaviour import parse_behaviour
from grader.catalog.overlay import lay_over
from grader import toml_cache
from grader.errors import CatalogError, GradeError
from grader.kinds import Detector, PlotKind


def load_catalog(path: Path | None = None, extra: Path | None = None, *, files: CatalogFiles | None = None) -> Catalog:
    """Read and check a catalog file; a malformed one raises CatalogError naming the entry.

    `extra` is an instructor's own catalog file laid over it (see grader.catalog.overlay). `files` says
    where the catalog's reference and mistake models are; a course fills it in (`Course.catalog`).
    Without a path this is the built-in course's catalog; without `files`, a catalog file borrows the
    built-in course's reference and mistake models (a test's or an overlay's small catalog).
    """
    builtin_default = path is None
    if path is None or files is None:
        from grader.course import builtin_course

        builtin = builtin_course().catalog_files()
        path = builtin.catalog if path is None else path
        files = builtin if files is None else files
    files = CatalogFiles(Path(path), Path(extra) if extra else None, files.reference, files.mistake_models,
                         files.frozen, files.course)
    data = read_toml(path)
    check_schema(data, path, required=True)
    if extra is not None:
        data = copy.deepcopy(data)  # the overlay is laid over a copy, never over the shared parse
        overlay = read_toml(extra)
        check_schema(overlay, extra, required=False)
        lay_over(data, overlay, extra)
    try:
        defaults = data.get("defaults", {})
        common = {mid: _parse_mistake(mid, spec, f"mistakes.{mid}") for mid, spec in data.get("mistakes", {}).items()}
        exercises = tuple(_parse_exercise(spec, defaults, i) for i, spec in enumerate(data.get("exercises", [])))
    except (AttributeError, KeyError, TypeError, ValueError) as error:  # a value of the wrong type: `points = "x"`
        raise CatalogError(f"{path}: a value of the wrong type ({type(error).__name__}: {error})") from None
    ids = [exercise.id for exercise in exercises]
    if len(set(ids)) != len(ids):
        raise CatalogError(f"{path}: exercise ids must be unique")
    _check_aliases(exercises, path)
    catalog = Catalog(exercises=exercises, common_mistakes=common, files=files)
    if builtin_default:  # the built-in course's first assignment (nn-1), as `Course.catalog()` gives it
        from grader.course import builtin_course

        catalog = catalog.only(builtin_course().assignment().exercises)
    return catalog


def check_schema(data: dict, path: Path, required: bool) -> None:
    """`schema = "grade-catalog/1"`: a catalog written for another version of the grader is refused."""
    found = data.get("schema")
    if found is None and not required:
        return
    if found != SCHEMA:
        raise GradeError("course.catalog-schema", path=path, found=found or "-", expected=SCHEMA)


def read_toml(path: Path) -> dict:
    """The parsed file, parsed once per version of it (a course's loader and the catalog's share it).

    The dict is shared: a caller that changes it works on a copy (see load_catalog's overlay)."""
    try:
        stat = Path(path).stat()
        return _parsed(Path(path).resolve(), stat.st_mtime_ns, stat.st_size)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise CatalogError(f"{path}: {error}") from None


@functools.lru_cache(maxsize=8)
def _parsed(path: Path, _mtime: int, _size: int) -> dict:
    return toml_cache.read_toml(path)


def _parse_exercise(spec: dict, defaults: dict, position: int) -> Exercise:
    where = f"exercises[{position}] ({spec.get('id', '?')})"
    for key in ("id", "module", "points", "title", "summary", "hints", "cases"):
        if key not in spec:
            raise CatalogError(f"{where}: `{key}` is missing")
    hints = spec["hints"]
    if len(hints.get("en", [])) != len(hints.get("ko", [])) or not hints.get("en"):
        raise CatalogError(f"{where}: hints need the same number of entries in en and ko")
    cases = tuple(_parse_case(case, f"{where}.cases[{i}]") for i, case in enumerate(spec["cases"]))
    if not cases:
        raise CatalogError(f"{where}: needs at least one case")
    plot = spec.get("plot")
    if plot is not None and plot not in PLOT_KINDS:
        raise CatalogError(f"{where}: plot must be one of {', '.join(PLOT_KINDS)}")
    if plot is not None and not any(case.plot for case in cases):
        raise CatalogError(f"{where}: plot = {plot!r} needs a case with plot = true")
    if plot is None and any(case.plot for case in cases):
        raise CatalogError(f"{where}: a case has plot = true but the exercise sets no plot kind")
    return Exercise(
        id=spec["id"],
        module=spec["module"],
        points=float(spec["points"]),
        title=Text.parse(spec["title"], f"{where}.title"),
        summary=Text.parse(spec["summary"], f"{where}.summary"),
        hints=tuple(Text(en, ko) for en, ko in zip(hints["en"], hints["ko"])),
        cases=cases,
        mistakes=tuple(_parse_mistake(m.get("id", "?"), m, f"{where}.mistakes") for m in spec.get("mistakes", [])),
        returns=tuple(spec.get("returns", ())),
        rtol=float(spec.get("rtol", defaults.get("rtol", 1e-5))),
        atol=float(spec.get("atol", defaults.get("atol", 1e-8))),
        plot=PlotKind(plot) if plot is not None else None,
        aliases=_parse_aliases(spec.get("aliases", []), where),
    )


def _parse_aliases(value: Any, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(name, str) and name.isidentifier() for name in value):
        raise CatalogError(f"{where}: aliases must be a list of Python names")
    return tuple(dict.fromkeys(value))


def _check_aliases(exercises: tuple[Exercise, ...], path: Path) -> None:
    """An alias names one exercise only, and never another exercise's own name."""
    owner: dict[str, str] = {exercise.id: exercise.id for exercise in exercises}
    for exercise in exercises:
        for alias in exercise.aliases:
            if alias in owner:
                raise CatalogError(f"{path}: alias {alias!r} of {exercise.id} is already the name or an alias of"
                                   f" {owner[alias]}")
            owner[alias] = exercise.id


def _parse_case(spec: dict, where: str) -> Case:
    if "name" not in spec or "args" not in spec:
        raise CatalogError(f"{where}: a case needs `name` and `args`")
    check = spec.get("check")
    if check is not None and check.get("kind") == "behaviour":
        check = parse_behaviour(check, list(spec["args"]), f"{where}.check")
    elif check is not None:
        if check.get("kind") != "numerical-gradient":
            raise CatalogError(f"{where}: check.kind must be one of {', '.join(CHECK_KINDS[1:])}")
        check = GradientCheck(
            loss=check["loss"], wrt=tuple(check["wrt"]), outputs=tuple(check["outputs"]),
            step=float(check.get("step", 1e-5)), max_rel_error=float(check.get("max_rel_error", 1e-5)),
        )
    literals = tuple(
        Literal(output=lit.get("output"), index=tuple(lit["index"]) if "index" in lit else None, value=float(lit["value"]))
        for lit in spec.get("literals", ())
    )
    return Case(
        name=Text.parse(spec["name"], f"{where}.name"),
        args=dict(spec["args"]),
        expected=spec.get("expected"),
        literals=literals,
        check=check,
        weight=float(spec.get("weight", 1.0)),
        hidden=bool(spec.get("hidden", False)),
        tags=tuple(spec.get("tags", ())),
        plot=_plotted(spec, where),
    )


def _plotted(spec: dict, where: str) -> bool:
    plot = bool(spec.get("plot", False))
    if plot and spec.get("hidden", False):
        raise CatalogError(f"{where}: a hidden case cannot be plotted (its values are secret)")
    return plot


def _parse_mistake(mistake_id: str, spec: dict, where: str) -> Mistake:
    detect = spec.get("detect")
    if detect is not None and detect not in DETECTORS:
        raise CatalogError(f"{where}: detect must be one of {', '.join(DETECTORS)}, not {detect!r}")
    return Mistake(
        id=mistake_id,
        name=Text.parse(spec.get("name"), f"{where}.{mistake_id}.name"),
        hint=Text.parse(spec.get("hint"), f"{where}.{mistake_id}.hint"),
        models=tuple(spec.get("models", ())),
        detect=Detector(detect) if detect is not None else None,
        tag=spec.get("tag"),
        pattern=spec.get("pattern"),
        params=tuple(sorted(spec.get("params", {}).items())),
    )
