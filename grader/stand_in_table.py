"""A stand-in table: exercise B's right results for the arguments exercise A is likely to pass it.

A cascade check (grader/isolate.py) sends one with A's calls, so the student's failing B can answer from it;
a student kit (grader/kit/freeze.py) freezes one per exercise, for the same check without the reference. Both
build it here, so the kit answers exactly as the full course does.
"""
from __future__ import annotations

import warnings
from typing import Any, Callable, Iterable

import numpy as np

from grader.cases import fresh_copy
from grader.errors import CatalogError
from grader.runner.codec import args_key


def stand_in_table(reference: Callable, own: list[tuple], others: Iterable[tuple],
                   encode: Callable[[Any], Any]) -> list:
    """[[encoded args, encoded result], ...]: for B's own arguments `own`, then the leading arguments of each of
    `others` (A's) cut to every length B is called with. Arguments are taken once each, compared exactly (value,
    type, dtype: the worker matches an int array and a float array apart); those `reference` refuses, or whose
    values `encode` cannot carry (it raises CatalogError or ValueError), are left out."""
    arities = sorted({len(args) for args in own})
    candidates = own + [args[:n] for args in others for n in arities if n <= len(args)]
    table, seen = [], set()
    for args in candidates:
        key = args_key(args)
        if key in seen:
            continue
        seen.add(key)
        try:
            with np.errstate(all="ignore"), warnings.catch_warnings():
                warnings.simplefilter("ignore")
                value = reference(*fresh_copy(args))
        except Exception:  # noqa: BLE001 - A's leading arguments may not suit B at all
            continue
        try:
            table.append([[encode(a) for a in args], encode(value)])
        except (CatalogError, ValueError):
            continue  # a result the wire cannot carry would not reach a stand-in either
    return table
