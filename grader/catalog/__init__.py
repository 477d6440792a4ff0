"""The exercise catalog: exercises, cases, points, hints and mistakes, loaded from TOML into dataclasses.

- `model`: the types (and `CatalogFiles`, where a catalog and its solutions are);
- `loading`: reading and checking a catalog file, its schema version included;
- `overlay`: an instructor's overlay file laid over a catalog;
- `fingerprint`: what a catalog's grades depend on, hashed;
- `solutions`: importing a course's reference and mistake models.
"""
from grader.catalog.loading import load_catalog
from grader.catalog.model import (CHECK_KINDS, DETECTORS, PLOT_KINDS, SCHEMA, Case, Catalog, CatalogFiles, Exercise,
                                  GradientCheck, Literal, Mistake, Text)
from grader.catalog.overlay import EXTRA_KEYS

__all__ = ["CHECK_KINDS", "DETECTORS", "EXTRA_KEYS", "PLOT_KINDS", "SCHEMA", "Case", "Catalog", "CatalogFiles",
           "Exercise", "GradientCheck", "Literal", "Mistake", "Text", "load_catalog"]
