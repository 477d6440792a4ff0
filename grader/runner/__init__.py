"""Running untrusted student code outside the grader's process, and reporting what it did.

The supervisor (and with it NumPy) loads on first use, so a command that only needs `Limits`
starts fast.
"""
from grader.runner.job import Call, CallOutcome, Cell, Limits, RunReport, SourceUnit, UnitOutcome, WorkerFailed

__all__ = ["Call", "CallOutcome", "Cell", "Limits", "RunReport", "SourceUnit", "UnitOutcome", "WorkerFailed",
           "run_submission"]


def __getattr__(name: str):
    if name == "run_submission":
        from grader.runner import supervise

        return getattr(supervise, name)
    raise AttributeError(name)
