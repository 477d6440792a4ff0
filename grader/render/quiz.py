"""Quiz sheets and graded quizzes as files: Markdown and HTML from the templates, and JSON."""
from __future__ import annotations

from pathlib import Path

from grader.i18n import Messages
from grader.quiz.marking import QuizResult
from grader.quiz.sheet import Sheet
from grader.render.reports import environment, write_atomically


def render_sheet(sheet: Sheet, lang: str, kind: str) -> str:
    """`kind` is md or html."""
    return environment().get_template(f"quiz_sheet.{kind}.j2").render(sheet=sheet, lang=lang, t=Messages(lang).t)


def write_sheet(sheet: Sheet, lang: str, target: Path) -> list[Path]:
    """The sheet as TARGET.md and TARGET.html (whatever suffix TARGET has)."""
    written = []
    for kind in ("md", "html"):
        written.append(write_atomically(target.with_suffix(f".{kind}"), render_sheet(sheet, lang, kind)))
    return written


def write_quiz_reports(result: QuizResult, folder: Path) -> list[Path]:
    """quiz.html, quiz.md and quiz-results.json in `folder`."""
    context = dict(quiz=result, t=Messages(result.lang).t)
    env = environment()
    return [write_atomically(folder / "quiz.html", env.get_template("quiz_report.html.j2").render(**context)),
            write_atomically(folder / "quiz.md", env.get_template("quiz_report.md.j2").render(**context)),
            write_atomically(folder / "quiz-results.json", result.to_json())]
