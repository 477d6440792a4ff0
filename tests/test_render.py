"""Reports only read results, and show what a student wrote as text, never as markup."""
import re
from grader.render.reports import render_html, render_markdown
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
    assert "Expected: 0.0975" in text and "Got: 0.195" in text


def test_markdown_shows_student_text_as_text(grade, reference_copy):
    (reference_copy / "activations.py").write_text(
        "def relu(x):\n    print('```\\n<img src=x onerror=alert(1)> **loud**')\n"
        "    raise ValueError('[click](http://evil) <b>x</b>')\n", encoding="utf-8")
    result = grade(reference_copy, only=["relu"])
    result.student = "*mallory* <script>"
    page = render_markdown(result)
    assert r"\*mallory\* &lt;script&gt;" in page and "<script>" not in page
    # The exception is Python's text, shown as a code span: literal, never a link or a tag.
    assert "`ValueError: [click](http://evil) <b>x</b>`" in page
    from markdown_it import MarkdownIt
    html = MarkdownIt("commonmark").render(page)
    assert "<a " not in html and "<b>" not in html and "<code>ValueError: [click](http://evil) &lt;b&gt;x&lt;/b&gt;</code>" in html
    # The printed output sits in a fence longer than any backtick run inside it, so it cannot close it.
    fence = next(line.strip() for line in page.splitlines() if line.strip().startswith("````"))
    assert fence == "````text" and "<img src=x onerror=alert(1)> **loud**" in page


def test_activation_reports_draw_the_students_curve_over_the_reference(grade, reference_copy):
    (reference_copy / "activations.py").write_text(
        (reference_copy / "activations.py").read_text(encoding="utf-8")
        + "\n\ndef sigmoid(x):\n    return 1 / (1 + np.exp(x))\n", encoding="utf-8")
    result = grade(reference_copy, only=["sigmoid", "relu"])
    sigmoid, relu = result.exercises
    assert sigmoid.plot.kind == "curve" and len(sigmoid.plot.x) == 100 and sigmoid.plot.x[0] == -5.0
    # The student's curve is the mirror image of the reference's: σ(−x) = 1 − σ(x).
    assert abs(sigmoid.plot.got[0] - (1 - sigmoid.plot.expected[0])) < 1e-12
    page = render_html(result)
    section = page.split('id="sigmoid"', 1)[1].split("</section>", 1)[0]
    assert section.count("<polyline") == 2 and "<svg" in section and "<script" not in page
    assert relu.plot.got == relu.plot.expected


def test_a_function_that_raises_leaves_a_gap_not_an_invented_curve(grade, reference_copy):
    (reference_copy / "activations.py").write_text(
        (reference_copy / "activations.py").read_text(encoding="utf-8")
        + "\n\ndef relu(x):\n    raise ValueError('no')\n", encoding="utf-8")
    result = grade(reference_copy, only=["relu"])
    assert result.exercises[0].plot.got == [None] * 100
    page = render_html(result)
    assert page.count("<polyline") == 1 and "Nothing of yours to draw" in page


def test_loss_and_backprop_reports_chart_expected_against_got(grade, reference_copy):
    (reference_copy / "losses.py").write_text(
        "import numpy as np\n\ndef mean_squared_error(y, t):\n    return np.sum((y - t) ** 2)\n", encoding="utf-8")
    result = grade(reference_copy, only=["mean_squared_error", "backprop_step"])
    mse, step = result.exercises
    assert mse.plot.kind == "bars" and mse.plot.expected == [0.0975, 0.5975]
    assert [round(v, 4) for v in mse.plot.got] == [0.195, 1.195]
    assert step.plot.labels[:2] == ["W1_new[0, 0]", "W1_new[0, 1]"] and len(step.plot.expected) == 8
    page = render_html(result)
    assert "0.0975 / 0.195" in page and "#d93025" in page  # the wrong bar is drawn in red


def test_truncated_output_says_so_in_the_reports_language(grade, reference_copy):
    (reference_copy / "activations.py").write_text(
        (reference_copy / "activations.py").read_text(encoding="utf-8")
        + "\n\ndef relu(x):\n    print('x' * 10000)\n    return x\n", encoding="utf-8")
    relu = grade(reference_copy, only=["relu"], lang="ko").exercises[0]
    assert relu.cases[0].output.endswith("자는 생략)") and "more" not in relu.cases[0].output


def test_korean_wraps_between_words_and_headers_never_break(grade, reference_copy):
    page = render_html(grade(reference_copy, only=["relu"], lang="ko"))
    style = page.split("<style>")[1].split("</style>")[0]
    assert ":lang(ko) { word-break: keep-all;" in style and '<html lang="ko">' in page
    assert re.search(r"\bth \{[^}]*white-space: nowrap", style)


def test_templates_loaded_in_the_background_are_made_once_and_a_failure_is_raised_in_the_open(monkeypatch):
    """`grade submit` loads the templates on a thread while the student's code runs (load_in_background):
    the environment is the one every later caller gets, and a failure there is raised by the caller's own call."""
    import threading
    import time

    import pytest

    from grader.render import reports

    reports._environment.cache_clear()
    made = []
    real = reports._environment.__wrapped__

    def counting():
        made.append(threading.current_thread().name)
        time.sleep(0.2)  # slow enough for both callers to overlap
        return real()

    monkeypatch.setattr(reports, "_environment", reports.functools.lru_cache(maxsize=1)(counting))
    reports.load_in_background()
    environment = reports.environment()
    assert reports.environment() is environment and len(made) == 1

    def broken():
        raise OSError("templates unreadable")

    monkeypatch.setattr(reports, "_environment", reports.functools.lru_cache(maxsize=1)(broken))
    unhandled = []
    monkeypatch.setattr(threading, "excepthook", unhandled.append)
    reports.load_in_background()  # swallowed on its thread, with no traceback printed there
    with pytest.raises(OSError, match="templates unreadable"):
        reports.environment()
    time.sleep(0.1)
    assert unhandled == []
