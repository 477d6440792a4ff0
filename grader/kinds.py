"""The kinds the engine tells apart, as types: what a comparison found, how a chart draws, which detector.

Each is a StrEnum, so a kind compares equal to, formats as and serialises to the very string it stands
for: results.json, the gradebook, the catalog and the message keys (`finding.{kind}`) read as before.
"""
from __future__ import annotations

from enum import StrEnum


class FindingKind(StrEnum):
    """The first difference between what came back and what was expected (grader.compare), in that order."""

    TYPE = "type"
    LENGTH = "length"
    SHAPE = "shape"
    NON_FINITE = "non-finite"
    VALUES = "values"
    GRADIENT = "gradient"
    MUTATED = "mutated"
    """Right values, but an argument was changed in place."""
    BEHAVIOUR = "behaviour"
    """A property of a behaviour check failed (grader/behaviour.py); `part` names the property."""


VALUE_FINDINGS = frozenset({FindingKind.VALUES, FindingKind.NON_FINITE, FindingKind.GRADIENT})
"""The right type and shape came back and the numbers differ: what a mistake model can explain."""


class PlotKind(StrEnum):
    """How a report draws an exercise's cases marked `plot` (the catalog's `plot`)."""

    CURVE = "curve"
    """The result over the first argument, one line for the reference's, one for the student's."""
    BARS = "bars"
    """One row per value, expected and got side by side."""


class Detector(StrEnum):
    """A built-in detector a catalog mistake names with `detect` (grader.detectors), instead of models."""

    NON_FINITE = "non-finite"
    TAGGED_CASES_FAIL = "tagged-cases-fail"
    ERROR_MESSAGE = "error-message"
    CONSTANT = "constant"
    SIGNATURE = "signature"
    PROPERTY_FAILED = "property-failed"
    LOSS_GROWS = "loss-grows"
    LOSS_EXPLAINED_BY = "loss-explained-by"
    """The three above judge functions under a behaviour check (grader/behaviour_mistakes.py)."""
