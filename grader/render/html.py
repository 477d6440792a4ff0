"""Reports rendered from Jinja templates shipped in the package, with autoescaping on."""
from __future__ import annotations

from pathlib import Path

from grader.i18n import Messages
from grader.results import SubmissionResult

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def render_html(result: SubmissionResult) -> str:
    from jinja2 import Environment, FileSystemLoader, select_autoescape  # only needed when writing reports

    environment = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(default=True))
    return environment.get_template("report.html.j2").render(result=result, t=Messages(result.lang).t)


def write_reports(result: SubmissionResult, folder: Path) -> list[Path]:
    """results.json and report.html in `folder`, written whole or not at all."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in (("results.json", result.to_json()), ("report.html", render_html(result))):
        target = folder / name
        partial = target.with_suffix(target.suffix + ".tmp")
        partial.write_text(text, encoding="utf-8")
        partial.replace(target)
        written.append(target)
    return written
