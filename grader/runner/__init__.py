"""Running untrusted student code outside the grader's process, and reporting what it did."""
from grader.runner.job import Call, CallOutcome, Cell, Limits, RunReport, SourceUnit, UnitOutcome
from grader.runner.supervise import WorkerFailed, run_submission

__all__ = ["Call", "CallOutcome", "Cell", "Limits", "RunReport", "SourceUnit", "UnitOutcome", "WorkerFailed",
           "run_submission"]
