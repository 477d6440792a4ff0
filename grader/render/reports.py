"""A graded submission's report files: report.html, report.md and results.json, from Jinja templates.

HTML is autoescaped; Markdown escapes every string a student could have written (their name, their
exception messages, their printed output), so neither can smuggle markup into a report.
"""
from __future__ import annotations

import datetime as dt
import functools
import re
import threading
from pathlib import Path

from grader.feedback import labelled
from grader.i18n import Messages
from grader.results import ExerciseResult, SubmissionResult
from grader.runner.job import ErrorInfo

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~>])")


def markdown_text(value: object) -> str:
    """Inline Markdown that shows `value` as it is: markup characters escaped, HTML as entities, one line."""
    return _escape(" ".join(str(value).split()))


def _escape(text: str) -> str:
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return MARKDOWN_SPECIAL.sub(r"\\\1", text)


def markdown_fence(value: object, indent: int = 0) -> str:
    """A fenced code block that no run of backticks inside it can close."""
    text = str(value)
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    pad = " " * indent
    body = "\n".join(pad + line for line in text.splitlines()) if text else pad
    return f"{pad}{fence}text\n{body}\n{pad}{fence}"


CODE_SPAN = re.compile(r"`([^`\n]+)`")


def markdown_code(value: object) -> str:
    """Inline Markdown in which the text's own `backtick` spans show as code and everything else as text."""
    pieces = CODE_SPAN.split(" ".join(str(value).split()))
    out = []
    for index, piece in enumerate(pieces):
        if index % 2 == 0:
            out.append(_escape(piece))
        else:
            pad = " " if piece.startswith(" ") or piece.endswith(" ") else ""
            out.append(f"`{pad}{piece}{pad}`")
    return "".join(out)


def html_code(value: object):
    """HTML of a text whose `backtick` spans become <code>, everything escaped."""
    from markupsafe import Markup, escape

    pieces = CODE_SPAN.split(str(value))
    return Markup("").join(escape(piece) if index % 2 == 0 else Markup("<code>%s</code>") % piece
                           for index, piece in enumerate(pieces))


def local_date(value: str, t) -> str:
    """An ISO timestamp as a person reads it: "2026년 11월 29일 오후 5:30", "29 Nov 2026, 17:30"."""
    try:
        moment = dt.datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return str(value)
    hour12 = moment.hour % 12 or 12
    return t("report.date-value", year=moment.year, month=t("report.months").split()[moment.month - 1],
             day=moment.day, hour=f"{moment.hour:02d}", hour12=hour12, minute=f"{moment.minute:02d}",
             ampm=t("report.pm") if moment.hour >= 12 else t("report.am"))


def traceback_text(error: ErrorInfo) -> str:
    lines = [f"{f.file}:{f.line}" + (f" ({f.function})" if f.function else "") + f"  {f.code}" for f in error.frames]
    return "\n".join([*lines, f"{error.type}: {error.message}"])


def score_bar(score: float, max_score: float, width: int = 20) -> str:
    filled = round(width * score / max_score) if max_score else 0
    return "█" * filled + "░" * (width - filled)


_MAKING = threading.Lock()


def environment():
    """The Jinja environment with the report templates compiled (once: compiling costs more than rendering)."""
    with _MAKING:  # made once, also when a thread (load_in_background) is making it right now
        return _environment()


def load_in_background() -> None:
    """Import Jinja and load the templates on a thread of their own: started while the grader waits for the
    student's code to run, it costs no time. A failure here is left for the next `environment()` to raise."""
    def load() -> None:
        try:
            import grader.render.charts  # noqa: F401 - drawn after grading, imported now

            environment()
        except Exception:  # noqa: BLE001 - raised again, in the open, by the caller's own environment()
            pass

    threading.Thread(target=load, name="grade-templates", daemon=True).start()


@functools.lru_cache(maxsize=1)
def _environment():
    from jinja2 import Environment, FileSystemBytecodeCache, FileSystemLoader, select_autoescape

    # The compiled templates are kept in a private folder of the user's temporary directory, so the
    # next `grade` command loads them instead of compiling them again.
    env = Environment(loader=FileSystemLoader(TEMPLATES), bytecode_cache=FileSystemBytecodeCache(),
                      autoescape=select_autoescape(enabled_extensions=("html", "html.j2", "svg.j2"), default=False),
                      trim_blocks=True, lstrip_blocks=True, auto_reload=False)  # no stat of each template per report
    env.filters.update(md=markdown_text, code=markdown_code, html_code=html_code, fence=markdown_fence,
                       traceback=traceback_text, date=local_date,
                       assignment=lambda pair: labelled(*pair))
    from grader.render.chart_svg import draw

    env.globals.update(bar=score_bar, draw_chart=draw)
    env.get_template("report.html.j2")
    env.get_template("report.md.j2")
    return env


def _context(result: SubmissionResult) -> dict:
    from grader.render.charts import chart

    def exercise_chart(exercise: ExerciseResult):
        return chart(exercise.plot, exercise.rtol, exercise.atol)

    return dict(result=result, t=Messages(result.lang).t, chart=exercise_chart,
                rtol=lambda exercise: f"{exercise.rtol:g}", atol=lambda exercise: f"{exercise.atol:g}")


def render_html(result: SubmissionResult) -> str:
    return environment().get_template("report.html.j2").render(**_context(result))


def render_markdown(result: SubmissionResult) -> str:
    return environment().get_template("report.md.j2").render(**_context(result))


def write_reports(result: SubmissionResult, folder: Path, results_json: str | None = None) -> list[Path]:
    """results.json, report.md and report.html in `folder`, each written whole or not at all.

    `results_json` is the result already serialised, when the caller needs the text too.
    """
    return [write_atomically(folder / name, text) for name, text in (
        ("results.json", results_json or result.to_json()), ("report.md", render_markdown(result)),
        ("report.html", render_html(result)))]


def write_atomically(target: Path, text: str, encoding: str = "utf-8") -> Path:
    """Write `text` whole or not at all: a reader never sees half a file, even after a crash."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".tmp")
    partial.write_text(text, encoding=encoding, newline="")
    partial.replace(target)
    return target
