"""The code of a course that computes right and wrong answers: its reference and its mistake models.

Both run in the grader's own process, never in a worker. Each course's files are imported from their own
folder under a module name unique to that folder (`_grade_reference_<digest>`), so two courses in one
process never mix, and no name the grader imports is one a submission could ask for (`reference`).
In the sandbox the course's folder is not even mounted (grader/runner/sandbox.py); a worker starts
from a fresh interpreter and has none of these modules.
"""
from __future__ import annotations

import functools
import hashlib
import importlib
import importlib.util
import sys
import types
from pathlib import Path
from typing import Callable

from grader.catalog.model import Catalog, Exercise
from grader.errors import CatalogError


@functools.lru_cache(maxsize=64)  # asked for per case judged: resolving the path each time cost ~0.2 ms a student
def _unique(kind: str, path: Path) -> str:
    return f"_grade_{kind}_{hashlib.sha256(str(Path(path).resolve()).encode()).hexdigest()[:16]}"


def reference_package(folder: Path) -> str:
    """The name the reference folder is imported under (its modules are `NAME.activations`, ...)."""
    name = _unique("reference", folder)
    if name not in sys.modules:
        init = Path(folder) / "__init__.py"
        if init.is_file():
            _import_file(name, init, submodule_search_locations=[str(folder)])
        else:
            package = types.ModuleType(name)
            package.__path__ = [str(folder)]
            sys.modules[name] = package
    return name


def reference_function(catalog: Catalog, exercise: Exercise, name: str | None = None) -> Callable:
    """The reference's `exercise.id` (or `name`) from the module named like the exercise's stub."""
    folder = catalog.files.reference if catalog.files else None
    if folder is None:
        raise CatalogError(f"{exercise.id}: this course has no reference solutions")
    module = importlib.import_module(f"{reference_package(folder)}.{exercise.module}")
    return getattr(module, name or exercise.id)


def mistake_models_module(path: Path) -> types.ModuleType:
    """The mistake-models file imported on its own, under a name unique to its path."""
    name = _unique("models", path)
    if name not in sys.modules:
        _import_file(name, path)
    return sys.modules[name]


def _import_file(name: str, path: Path, **where) -> None:
    """Import `path` as module `name` (registered first, as import does; removed again if it fails)."""
    spec = importlib.util.spec_from_file_location(name, path, **where)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except Exception as error:  # the course's own file is broken: the instructor reads one line naming it
        del sys.modules[name]
        raise CatalogError(f"{path}: {type(error).__name__}: {error}") from None
    except BaseException:
        del sys.modules[name]
        raise


def model_function(catalog: Catalog, name: str) -> Callable:
    path = catalog.files.mistake_models if catalog.files else None
    function = getattr(mistake_models_module(path), name, None) if path is not None else None
    if function is None:
        raise KeyError(f"no mistake model named {name!r} in {path.name if path else 'the course'}")
    return function
