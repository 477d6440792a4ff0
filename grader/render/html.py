"""Reports rendered from Jinja templates shipped in the package, with autoescaping on."""
from __future__ import annotations

import functools
from pathlib import Path

from grader.i18n import Messages
from grader.results import SubmissionResult

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


@functools.lru_cache(maxsize=1)
def environment():
    """The Jinja environment with the report templates compiled (once: compiling costs more than rendering)."""
    from jinja2 import Environment, FileSystemBytecodeCache, FileSystemLoader, select_autoescape

    # The compiled templates are kept in a private folder of the user's temporary directory, so the
    # next `grade` command loads them instead of compiling them again.
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(default=True),
                      bytecode_cache=FileSystemBytecodeCache())
    env.get_template("report.html.j2")
    return env


def render_html(result: SubmissionResult) -> str:
    return environment().get_template("report.html.j2").render(result=result, t=Messages(result.lang).t)


def write_reports(result: SubmissionResult, folder: Path, results_json: str | None = None) -> list[Path]:
    """results.json and report.html in `folder`, written whole or not at all.

    `results_json` is the result already serialised, when the caller needs the text too.
    """
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in (("results.json", results_json or result.to_json()), ("report.html", render_html(result))):
        target = folder / name
        partial = target.with_suffix(target.suffix + ".tmp")
        partial.write_text(text, encoding="utf-8")
        partial.replace(target)
        written.append(target)
    return written
