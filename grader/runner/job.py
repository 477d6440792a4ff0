"""What the grader asks a worker to run, and what it observed, as plain typed records."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Literal

class WorkerFailed(RuntimeError):
    """The worker could not start at all: a problem of the grader's installation, not of the student."""


CallStatus = Literal["returned", "raised", "missing", "timeout", "crashed", "skipped"]


@dataclass(frozen=True)
class Limits:
    """Resource limits for running one submission. Defaults are documented in the README."""

    call_seconds: float = 5.0
    """Wall time for one call of a student's function."""
    load_seconds: float = 10.0
    """Wall time for one top-level statement of a file or notebook cell; one that runs longer is skipped."""
    submission_seconds: float = 120.0
    """Wall time for the whole submission, restarts included."""
    startup_seconds: float = 60.0
    """Wall time for the worker to start (Python and NumPy), before any student code runs."""
    memory_bytes: int = 2 * 1024**3
    processes: int = 64
    file_bytes: int = 64 * 1024**2
    output_bytes: int = 64 * 1024
    """Process-level output kept (stdout and stderr written outside print); the rest is counted."""
    capture_chars: int = 4096
    """Printed output kept per call and per loaded file; the rest is counted."""


@dataclass(frozen=True)
class Cell:
    label: str
    source: str


@dataclass(frozen=True)
class SourceUnit:
    """One file of a submission, loaded as one module: a .py file, or a notebook's code cells."""

    name: str
    """The module name: the file name without its extension."""
    kind: Literal["file", "notebook"]
    path: str
    """The file's path relative to the submission's root."""
    cells: tuple[Cell, ...] = ()
    source: str | None = None
    """A .py file's text, decoded by the grader (grader.source_text); None: the worker reads the file."""


@dataclass(frozen=True)
class Call:
    """Call `function` (looked up first in `module`) with `args`, positionally."""

    function: str
    module: str
    args: tuple[Any, ...]
    group: str
    """Calls of one group (an exercise) are abandoned together when one of them hangs or crashes."""
    aliases: tuple[str, ...] = ()
    """Other names the function may have (the lectures'), used when `function` is not defined."""
    stand_ins: tuple = ()
    """Functions answered from a table of expected values for this call (see standin.py), already encoded."""


@dataclass
class Frame:
    file: str
    line: int
    function: str
    code: str


@dataclass
class ErrorInfo:
    type: str
    message: str
    frames: list[Frame] = field(default_factory=list)


@dataclass
class Output:
    text: str = ""
    dropped: int = 0
    """How much more was written than `text` keeps (characters, or bytes for process output)."""

    def shown(self, cut: Callable[[int], str] = lambda count: f"… ({count} more)") -> str:
        """The kept text, with a last line saying how much was cut (`cut` words it in the reader's language)."""
        return self.text + ("\n" + cut(self.dropped) if self.dropped else "")


@dataclass
class SkippedStatement:
    """A top-level statement that was not run to its end while loading; the rest of the file still loaded."""

    line: int
    code: str
    """The statement's first line."""
    reason: Literal["error", "timeout", "crashed", "exit"]
    """It raised; ran past its time; ended the worker (the file's loading stops there); or exited."""
    error: ErrorInfo | None = None
    detail: str = ""
    cell: str = ""
    """For a notebook: the cell's number, and the first line that says something."""
    cell_first: str = ""


@dataclass
class UnitOutcome:
    name: str
    errors: list[ErrorInfo] = field(default_factory=list)
    output: Output = field(default_factory=Output)
    skipped: list[SkippedStatement] = field(default_factory=list)
    functions: list[str] = field(default_factory=list)
    """The functions the file defines at its top level, as `name(arguments)`."""

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def poisoned(self) -> bool:
        """Loading it hung or ended the worker, so later workers must skip it."""
        return any(error.type in ("load-timeout", "load-crashed") for error in self.errors)


@dataclass
class CallOutcome:
    status: CallStatus
    value: Any = None
    error: ErrorInfo | None = None
    args_after: list[Any] = field(default_factory=list)
    """Each array argument as the function left it (None for scalars)."""
    warnings: list[str] = field(default_factory=list)
    output: Output = field(default_factory=Output)
    seconds: float = 0.0
    reason: str = ""
    """For timeout, crashed and skipped: what happened, in the grader's words (a message key)."""
    extra: list["CallOutcome"] = field(default_factory=list)
    """A behaviour check's further calls of the same case (the repeat, then the changed arguments)."""


@dataclass
class RunReport:
    isolation: str
    units: dict[str, UnitOutcome]
    calls: list[CallOutcome]
    output: Output
    seconds: float
    limits: str = "rlimit"
    """How the submission's memory and process limits were enforced: see runner/confine.py."""
    aliases: dict[str, str] = field(default_factory=dict)
    """Function -> the other name it was found under."""
    ambiguous: dict[str, list[str]] = field(default_factory=dict)
    """Function -> the other names defined for it, when more than one is (nothing was graded)."""
