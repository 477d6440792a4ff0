"""An instructor's overlay file (`--catalog`): points, tolerances, titles and aliases changed, cases added.

Only the keys in EXTRA_KEYS may be changed; an unknown exercise id or another key is a CatalogError.
"""
from __future__ import annotations

from pathlib import Path

from grader.errors import CatalogError

EXTRA_KEYS = ("points", "rtol", "atol", "title", "summary", "cases", "aliases")


def lay_over(data: dict, extra: dict, where: Path) -> None:
    base = {spec.get("id"): spec for spec in data.get("exercises", [])}
    for position, spec in enumerate(extra.get("exercises", [])):
        exercise_id = spec.get("id")
        if exercise_id not in base:
            raise CatalogError(f"{where}: exercises[{position}]: unknown exercise id {exercise_id!r}")
        unknown = set(spec) - {"id", *EXTRA_KEYS}
        if unknown:
            raise CatalogError(f"{where}: exercises[{position}] ({exercise_id}): cannot change {', '.join(sorted(unknown))}"
                               f" (only {', '.join(EXTRA_KEYS)})")
        target = base[exercise_id]
        for key, value in spec.items():
            if key == "cases":
                target["cases"] = list(target.get("cases", [])) + list(value)
            elif key != "id":
                target[key] = value
