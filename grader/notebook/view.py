"""Inline feedback: compact HTML from the same facts as report.html (status, mistakes and hints, the curve,
the failing cases), with a plain-text fallback for consoles that show no HTML."""
from __future__ import annotations

from grader.i18n import Messages
from grader.render.charts import chart
from grader.render.reports import environment
from grader.results import Status

CASES_SHOWN = 4
"""Failing cases drawn in full; the rest are counted (report.html has them all)."""


def feedback_html(messages: Messages, exercise=None, result=None, hints=(), next_hint: str = "",
                  announce: str = "", problems=(), written: str = "") -> str:
    passed = sum(e.status == Status.PASSED for e in result.exercises) if result is not None else 0
    return environment().get_template("notebook.html.j2").render(
        t=messages.t, lang=messages.lang, exercise=exercise, result=result, passed=passed, hints=list(hints),
        next_hint=next_hint, announce=announce, problems=list(problems), written=written, limit=CASES_SHOWN,
        chart=lambda e: chart(e.plot, e.rtol, e.atol))


class Feedback:
    """What `display` shows: HTML in Jupyter and Colab, text elsewhere."""

    def __init__(self, html: str, text: str):
        self.html, self.text = html, text

    def _repr_html_(self) -> str:
        return self.html

    def __repr__(self) -> str:
        return self.text


def show(html: str, text: str) -> None:
    try:
        from IPython.display import display
    except ImportError:
        print(text)
        return
    display(Feedback(html, text))
