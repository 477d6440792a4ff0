"""What a student reads about loading their files: how each went, skipped lines, encodings, near misses.

The worker reports facts (a statement's line, why it stopped, the functions a file defines); this module
words them with the `loading.*` messages. Nothing here knows an exercise: names come from the run.
"""
from __future__ import annotations

import difflib
import re

from dataclasses import replace

from grader.feedback import error_text, exit_text, load_error_text, shown_output
from grader.render.safe import plain
from grader.i18n import Messages
from grader.results import FileResult, SkippedFile
from grader.runner.job import ErrorInfo, Limits, RunReport, SkippedStatement, UnitOutcome
from grader.runner.supervise import INTERFERED
from grader.source_text import Decoded

PLOT_MODULES = {"matplotlib", "pylab", "seaborn", "plotly", "bokeh"}
NETWORK_ERRORS = {"urllib.error.URLError", "urllib.error.HTTPError", "socket.gaierror", "ConnectionError",
                  "ConnectionRefusedError", "ConnectionResetError", "TimeoutError", "socket.timeout"}
MISSING_MODULE = re.compile(r"No module named '([\w.]+)'")
UNDEFINED_NAME = re.compile(r"name '(\w+)' is not defined")
MAX_SUGGESTIONS = 3


def skipped_advice(unit: UnitOutcome, messages: Messages, limits: Limits) -> list[str]:
    """One line per skipped statement, in file order, each saying where and why; in a .py file the
    statements that failed only because an earlier skipped line did not define a name share one line."""
    lines = []
    undefined: dict[str, list[int]] = {}
    for skipped in unit.skipped:
        name = _undefined_name(skipped)
        if name is not None:
            undefined.setdefault(name, []).append(skipped.line)
    for skipped in unit.skipped:
        name = _undefined_name(skipped)
        if name is not None and len(undefined[name]) > 1:
            if undefined[name][0] == skipped.line:
                lines.append(messages.t("loading.skipped-uses", name=plain(name),
                                        lines=", ".join(str(line) for line in undefined[name])))
            continue
        reason = _reason(skipped, messages, limits)
        code = plain(skipped.code) or "…"
        if skipped.cell:
            lines.append(messages.t("loading.skipped-cell", cell=skipped.cell, first=plain(skipped.cell_first) or "…",
                                    line=skipped.line, code=code, reason=reason))
        else:
            lines.append(messages.t("loading.skipped", line=skipped.line, code=code, reason=reason))
    return list(dict.fromkeys(lines))


def _undefined_name(skipped: SkippedStatement) -> str | None:
    """`plt` for a .py statement that failed with NameError: name 'plt' is not defined."""
    error = skipped.error
    if skipped.cell or skipped.reason != "error" or error is None or error.type != "NameError":
        return None
    match = UNDEFINED_NAME.fullmatch(error.message)
    return match.group(1) if match else None


def _reason(skipped: SkippedStatement, messages: Messages, limits: Limits) -> str:
    if skipped.reason == "timeout":
        return messages.t("loading.reason-timeout", seconds=f"{limits.load_seconds:g}")
    if skipped.reason == "crashed" and skipped.detail == INTERFERED:
        return messages.t("loading.reason-interfered")
    if skipped.reason == "crashed":
        return messages.t("loading.reason-crashed", detail=exit_text(messages, skipped.detail))
    if skipped.reason == "exit":
        return messages.t("loading.reason-exit")
    error = skipped.error or ErrorInfo("Error", "")
    missing = MISSING_MODULE.search(error.message) if error.type in ("ModuleNotFoundError", "ImportError") else None
    if missing:
        module = missing.group(1)
        key = "loading.reason-plot-module" if module.split(".")[0] in PLOT_MODULES else "loading.reason-module"
        return messages.t(key, module=module)
    error = ErrorInfo(error.type, " ".join(error.message.split())[:300], error.frames)  # one line
    text = error_text(messages, error) if error.frames and error.frames[-1].line != skipped.line else \
        f"{error.type}: {error.message}".strip().rstrip(":")
    if error.type in NETWORK_ERRORS or "name resolution" in error.message or "Network is unreachable" in error.message:
        return messages.t("loading.reason-network", error=text)
    return messages.t("loading.reason-error", error=text)


def file_result(label: str, unit: UnitOutcome | None, decoded: Decoded | None, messages: Messages,
                limits: Limits) -> FileResult:
    """A file of the submission as the report shows it (`label`, its path): whether it loaded, why not, what it
    printed while loading and what was skipped. A file the worker never saw (`unit` None) is listed as read."""
    advice = encoding_advice(label, decoded, messages)
    if unit is None:
        return FileResult(label, ok=True, advice=advice)
    return FileResult(label, ok=unit.ok, errors=unit.errors,
                      messages=[load_error_text(messages, error, limits.load_seconds) for error in unit.errors],
                      output=shown_output(unit.output, messages),
                      advice=advice + skipped_advice(unit, messages, limits))


def skipped_files(skipped: list[SkippedFile], messages: Messages) -> list[SkippedFile]:
    """The entries of the submission that were not read, each with why in the report's language."""
    return [replace(s, message=messages.t(f"intake.skipped-{s.reason}", path=s.path, count=s.count)) for s in skipped]


def encoding_advice(file: str, decoded: Decoded | None, messages: Messages) -> list[str]:
    if decoded is not None and decoded.fallback:
        return [messages.t("loading.encoding-fallback", file=plain(file))]
    return []


def undecodable_error(file: str, decoded: Decoded, messages: Messages) -> ErrorInfo:
    return ErrorInfo("UnicodeDecodeError", messages.t("loading.undecodable", file=plain(file), byte=f"{decoded.bad_byte:02x}",
                                                      offset=decoded.bad_offset, encoding=decoded.encoding.upper()))


def alias_advice(function: str, report: RunReport, messages: Messages) -> list[str]:
    name = report.aliases.get(function)
    return [messages.t("loading.alias", name=plain(name), function=function)] if name else []


def missing_message(function: str, report: RunReport, messages: Messages) -> str:
    """Why `function` was not found: several other names for it, a near miss, or simply not there."""
    if function in report.ambiguous:
        names = ", ".join(f"`{plain(name)}`" for name in report.ambiguous[function])
        return messages.t("loading.ambiguous", function=function, names=names)
    similar = similar_functions(function, report)
    if similar:
        return messages.t("loading.missing-similar", function=function, defined=", ".join(f"`{plain(s)}`" for s in similar))
    return messages.t("case.missing", function=function)


def similar_functions(function: str, report: RunReport) -> list[str]:
    """The defined functions whose names are closest to `function`, ignoring case, as `name(arguments)`."""
    by_name: dict[str, str] = {}
    for unit in report.units.values():
        for shown in unit.functions:
            by_name.setdefault(shown.split("(", 1)[0].lower(), shown)
    wanted = function.lower()
    close = difflib.get_close_matches(wanted, list(by_name), n=MAX_SUGGESTIONS, cutoff=0.6)
    # `AND` for `and_gate`: one name inside the other is as close as a typo
    close += [name for name in by_name if len(name) >= 2 and (name in wanted or wanted in name) and name not in close]
    return [by_name[name] for name in close[:MAX_SUGGESTIONS]]
