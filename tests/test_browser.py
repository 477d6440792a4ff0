"""Reports opened in a real browser: headless Chromium (CI installs it, and fonts-noto-cjk for Hangul).

Each report must load offline with no console message, show the expected Korean or English text,
and show a student's markup as text. Screenshots go to pytest's temporary folder, never the repo.
"""
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from grader.render.reports import write_reports

ROOT = Path(__file__).resolve().parent.parent
BROWSER = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


@pytest.fixture(scope="module")
def browser():
    if BROWSER is None:
        pytest.fail("Chromium is not installed: `apt-get install chromium fonts-noto-cjk` (.ci/run does it)")
    return BROWSER


def open_page(browser, page: Path, screenshot: Path) -> tuple[str, list[str]]:
    """The page's DOM after loading, and what it wrote to the console; a screenshot on the side.

    One Chromium start does all three (headless Chromium runs --dump-dom and --screenshot together)."""
    run = subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
                          "--host-resolver-rules=MAP * ~NOTFOUND", "--enable-logging=stderr", "--v=0",
                          "--window-size=1000,1800", f"--screenshot={screenshot}", "--dump-dom", page.as_uri()],
                         capture_output=True, text=True, timeout=120)
    console = [line for line in run.stderr.splitlines() if ":CONSOLE" in line]
    assert run.returncode == 0 and screenshot.exists(), run.stderr[-500:]
    return run.stdout, console


def test_the_console_check_catches_a_page_that_logs(browser, tmp_path):
    page = tmp_path / "noisy.html"
    page.write_text("<!DOCTYPE html><p>hi</p><script>console.error('noisy page')</script>", encoding="utf-8")
    _, console = open_page(browser, page, tmp_path / "noisy.png")
    assert any("noisy page" in line for line in console)


HOSTILE = ("def relu(x):\n    print(\"<script>console.error('pwned')</script><b>bold</b>\")\n"
           "    raise ValueError(\"<img src=x onerror=\\\"console.error('pwned')\\\">\")\n")


def submission(kind: str, reference_copy: Path) -> Path:
    if kind == "all-passed":
        return reference_copy
    if kind == "all-failed":
        return ROOT / "exercises"
    target = reference_copy / "activations.py"
    extra = {"mixed": "\n\ndef sigmoid(x):\n    return 1 / (1 + np.exp(x))\n", "hostile": "\n\n" + HOSTILE}[kind]
    target.write_text(target.read_text(encoding="utf-8") + extra, encoding="utf-8")
    return reference_copy


EXPECTED_TEXT = {
    "ko": ["채점 보고서", "요약", "시그모이드", "점수"],
    "en": ["Grading report", "Summary", "Sigmoid", "Score"],
}


@pytest.mark.parametrize("kind, lang", [("all-passed", "en"), ("all-failed", "ko"), ("mixed", "ko"),
                                        ("mixed", "en"), ("hostile", "en"), ("hostile", "ko")])
def test_reports_load_cleanly_and_read_in_their_language(browser, grade, reference_copy, tmp_path, kind, lang):
    result = grade(submission(kind, reference_copy), lang=lang)
    result.student = "<script>console.error('pwned')</script>김민준" if kind == "hostile" else "김민준"
    write_reports(result, tmp_path / "report")
    dom, console = open_page(browser, tmp_path / "report" / "report.html", tmp_path / "report.png")
    assert console == []
    assert all(text in dom for text in EXPECTED_TEXT[lang]) and "김민준" in dom
    assert f"{result.score} / 100.0" in dom
    assert (tmp_path / "report.png").stat().st_size > 20_000  # a drawn page, not a blank one
    if kind == "all-passed":
        assert dom.count("<polyline") == 12  # six activation curves, each drawn twice
    if lang == "ko":  # a date as people write it, not ISO
        assert re.search(r"\d{4}년 \d{1,2}월 \d{1,2}일 (오전|오후) \d{1,2}:\d{2}", dom) and "+00:00<" not in dom
    if kind == "all-failed":
        assert dom.count("미구현") >= 17 and "0.0 / 100.0" in dom
        assert "<code>raise</code>" in dom and "`raise`" not in dom  # the hint's code, shown as code
    if kind == "hostile":
        # The student's markup arrives as text: no element of theirs exists in the page.
        assert "<script>console" not in dom and "<b>bold</b>" not in dom and "<img src=\"x\"" not in dom
        assert "&lt;script&gt;console.error('pwned')&lt;/script&gt;" in dom


def test_a_report_needs_nothing_from_the_network(grade, reference_copy, tmp_path):
    write_reports(grade(submission("mixed", reference_copy)), tmp_path)
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "http://" not in page.replace("http://www.w3.org/2000/svg", "") and "https://" not in page
    assert "<script" not in page and "<link" not in page and "@import" not in page
