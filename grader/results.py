"""Grading results as typed objects, serialised to JSON in one place.

The shape follows CONTRACT.md's `results.json` (schema grade-results/1); the fields after the
contract's are what reports need to tell a student what to fix. Totals are derived, never stored twice.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from grader import json_text
from grader.kinds import Bound, FindingKind, PlotKind, ValueKind
from grader.runner.job import ErrorInfo

SCHEMA = "grade-results/1"


class Status(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    ERROR = "error"
    TIMEOUT = "timeout"
    MISSING = "missing"
    NOT_IMPLEMENTED = "not-implemented"


@dataclass
class ValueType:
    """What kind of thing a value is, as data: the report words it in the reader's language."""

    kind: ValueKind
    shape: list[int] = field(default_factory=list)
    """An array's shape."""
    length: int = 0
    """A tuple's or a list's number of items."""
    detail: str = ""
    """For an unsupported value, what the worker could tell of it (a type name, a dtype, ...)."""


@dataclass
class WorstElement:
    """The element that misses its tolerance by the most."""

    index: list[int]
    """Empty for a single number."""
    expected: float
    got: float
    abs_error: float
    """|got − expected|."""
    rel_error: float | None
    """As the tolerance measures it: |got − expected| / |expected| for values (None when expected is 0),
    |got − expected| / (|got| + |expected|) for a gradient checked numerically."""
    allowed: float
    """The largest difference the tolerance allows here (atol + rtol·|expected|), or for a gradient the
    largest relative error."""
    bound: Bound = Bound.RTOL
    """The bound that failed: `rtol` when rtol·|expected| is most of the allowance, else `atol`; `gradient` for
    a gradient checked numerically."""


@dataclass
class Finding:
    """The first difference between what came back and what was expected, in comparison order."""

    kind: FindingKind
    part: str = ""
    """Which part of a tuple result ("A2"), or the argument changed in place; empty for a whole value."""
    expected_type: ValueType | None = None
    got_type: ValueType | None = None
    """For type, length and shape findings: what was expected and what came back."""
    count: int = 0
    """How many elements differ (values, gradient) or are not finite (non-finite)."""
    size: int = 0
    """How many elements were compared."""
    worst: WorstElement | None = None
    facts: dict[str, str] = field(default_factory=dict)
    """For a behaviour finding (`part` names the property): the values its message states, as text."""
    properties: list[str] = field(default_factory=list)
    """For a behaviour finding: every property that failed, the one `part` names first."""


@dataclass
class MistakeNote:
    """A diagnosed mistake as the student reads it, in the report's language."""

    id: str
    name: str
    hint: str


@dataclass
class CaseResult:
    """One case as the report shows it: its status, why it failed, and what the student may see of it."""

    name: str
    status: Status
    message: str
    """What went wrong, in the report's language; empty when passed."""
    title: str = ""
    """The case's name in the report's language."""
    mistakes: list[str] = field(default_factory=list)
    weight: float = 1.0
    hidden: bool = False
    finding: Finding | None = None
    given: dict[str, str] = field(default_factory=dict)
    """The inputs, compactly printed (left empty for hidden and passed cases)."""
    expected: str | None = None
    got: str | None = None
    error: ErrorInfo | None = None
    advice: list[str] = field(default_factory=list)
    """Notes that cost nothing, such as an overflow warning with a correct result."""
    output: str = ""
    seconds: float = 0.0


@dataclass
class Plot:
    """Values the report draws: the student's next to the reference's, for the cases marked `plot`.

    A value that is missing, of the wrong shape or not finite is None: drawn as a gap, never invented.
    """

    kind: PlotKind
    labels: list[str]
    x: list[float]
    expected: list[float | None]
    got: list[float | None]


@dataclass
class ExerciseResult:
    """One exercise: its status, points, cases, the mistakes named and the chart's values."""

    id: str
    status: Status
    score: float
    max_score: float
    mistakes: list[str]
    cases: list[CaseResult]
    title: str = ""
    summary: str = ""
    file: str = ""
    """The stub file the function belongs in."""
    diagnoses: list[MistakeNote] = field(default_factory=list)
    plot: Plot | None = None
    advice: list[str] = field(default_factory=list)
    """About the exercise as a whole, e.g. that it was graded under another name (an alias)."""
    rtol: float = 1e-5
    atol: float = 1e-8
    """The tolerances values were compared with, for the report's worst-element table."""


@dataclass
class FileResult:
    """A file or notebook of the submission: whether it loaded, and why not."""

    name: str
    ok: bool
    errors: list[ErrorInfo] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)
    """Each error worded in the report's language, with its location."""
    output: str = ""
    advice: list[str] = field(default_factory=list)
    """Lines skipped while loading (with why) and encoding notes: the file's functions were still graded."""


@dataclass
class SkippedFile:
    """An entry of the submission that was not read: a link, a FIFO, a device or socket, an unreadable folder."""

    path: str
    reason: str
    """link, special, unreadable, or more (then `count` says how many more were not listed)."""
    count: int = 0
    message: str = ""
    """Why, in the report's language."""


@dataclass
class SubmissionResult:
    """A graded submission, as results.json holds it (serialised once, by to_json)."""

    student: str
    isolation: str
    exercises: list[ExerciseResult]
    limits: str = ""
    """How memory and process limits held for the whole submission: cgroup-v1, uid, both or rlimit (README)."""
    lang: str = "en"
    graded_at: str = ""
    seconds: float = 0.0
    files: list[FileResult] = field(default_factory=list)
    output: str = ""
    """Process-level output of the student's code, truncated."""
    skipped: list[SkippedFile] = field(default_factory=list)
    """Entries of the submission the grader did not read, and why."""
    schema: str = SCHEMA

    @property
    def score(self) -> float:
        return round(sum(exercise.score for exercise in self.exercises), 2)

    @property
    def max_score(self) -> float:
        return round(sum(exercise.max_score for exercise in self.exercises), 2)

    def to_dict(self) -> dict[str, Any]:
        data = _plain(self)
        ordered = {"schema": self.schema, "student": self.student, "score": self.score,
                   "max_score": self.max_score, "isolation": self.isolation}
        ordered.update((key, value) for key, value in data.items() if key not in ordered)
        return ordered

    def to_json(self, indent: int | None = 2) -> str:
        if indent == 2:
            return json_text.dumps(self.to_dict())  # the same text as json.dumps, in half the time
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)


_SCALARS = (str, int, float, bool, type(None))


def _plain(value: Any) -> Any:
    """dataclasses.asdict without its deep copies (a class's reports cost a fifth as much): plain data only."""
    if isinstance(value, _SCALARS):
        return value
    names = getattr(type(value), "__dataclass_fields__", None)
    if names is not None:
        return {name: _plain(getattr(value, name)) for name in names}
    if isinstance(value, (list, tuple)):
        return [item if isinstance(item, _SCALARS) else _plain(item) for item in value]
    if isinstance(value, dict):
        return {key: item if isinstance(item, _SCALARS) else _plain(item) for key, item in value.items()}
    return value
