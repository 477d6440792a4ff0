"""Reports only read results, and show what a student wrote as text, never as markup."""
from grader.render.html import render_html
from grader.render.terminal import exercise_details, summary_table
from grader.i18n import Messages
from rich.console import Console


def test_student_text_is_escaped_in_html(grade, reference_copy):
    (reference_copy / "activations.py").write_text(
        "def relu(x):\n    raise ValueError('<script>alert(1)</script>')\n", encoding="utf-8")
    result = grade(reference_copy, only=["relu"])
    result.student = "<b>mallory</b>"
    page = render_html(result)
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)" in page
    assert "<b>mallory</b>" not in page and "&lt;b&gt;mallory&lt;/b&gt;" in page


def test_html_report_is_in_the_report_language(grade, reference_copy):
    page = render_html(grade(reference_copy, only=["relu"], lang="ko"))
    assert 'lang="ko"' in page and "채점 보고서" in page and "통과" in page


def test_terminal_views_show_the_same_facts(grade, reference_copy):
    (reference_copy / "losses.py").write_text(
        "import numpy as np\n\ndef mean_squared_error(y, t):\n    return np.sum((y - t) ** 2)\n", encoding="utf-8")
    result = grade(reference_copy, only=["mean_squared_error"])
    console = Console(record=True, width=140)
    console.print(summary_table(result, Messages("en")))
    console.print(exercise_details(result.exercises[0], Messages("en")))
    text = console.export_text()
    assert "mean_squared_error" in text and "failed" in text and "The ½ is missing" in text
    assert "expected: 0.0975" in text and "got: 0.195" in text
