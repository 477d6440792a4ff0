"""Reports opened in a real browser: headless Chromium (CI installs it, and fonts-noto-cjk for Hangul).

Each report must load offline with no console message, show the expected Korean or English text,
and show a student's markup as text. Screenshots go to pytest's temporary folder, never the repo.
One Chromium serves the whole file: each page is a new tab of its own, driven over the DevTools protocol
on a pipe (--remote-debugging-pipe), so a browser starts once rather than once per report.
"""
import base64
import fcntl
import json
import os
import re
import select
import shutil
import signal
import subprocess
from pathlib import Path

import pytest

from grader.render.reports import write_reports

ROOT = Path(__file__).resolve().parent.parent
BROWSER = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
# Every test here uses the one browser of this test process.
pytestmark = pytest.mark.xdist_group("browser")


def _above_9(fd: int) -> int:
    """The same open file under a number above 9 (the old number closed)."""
    high = fcntl.fcntl(fd, fcntl.F_DUPFD, 10)
    os.close(fd)
    return high


class DevTools:
    """Chromium driven over its DevTools pipe: commands written on its fd 3, answers and events read on its fd 4,
    each a JSON message ending with a NUL byte."""

    def __init__(self, executable: str, profile: Path):
        to_browser, self._commands = os.pipe()
        self._answers, from_browser = os.pipe()
        # fds 3 and 4 of the browser are the pipes' ends: bash moves them there from numbers above 9, which
        # cannot be 3 or 4 themselves (Popen passes fds under their own numbers)
        to_browser, from_browser = _above_9(to_browser), _above_9(from_browser)
        self.process = subprocess.Popen(
            ["bash", "-c", f'exec "$0" "$@" 3<&{to_browser} 4>&{from_browser} {to_browser}<&- {from_browser}>&-',
             executable, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
             "--host-resolver-rules=MAP * ~NOTFOUND", "--remote-debugging-pipe", f"--user-data-dir={profile}",
             "about:blank"],
            pass_fds=(to_browser, from_browser), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL, start_new_session=True)
        os.close(to_browser)
        os.close(from_browser)
        self._buffer, self._next_id, self.events = b"", 0, []

    def _read_message(self) -> dict:
        while b"\0" not in self._buffer:
            ready, _, _ = select.select([self._answers], [], [], 120)
            chunk = os.read(self._answers, 1 << 20) if ready else b""
            if not chunk:
                raise RuntimeError(f"Chromium stopped answering (exit code {self.process.poll()})")
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(message)

    def send(self, method: str, session: str | None = None, **params) -> dict:
        """Run one command and return its result; events that arrive meanwhile are kept in `events`."""
        self._next_id += 1
        command = {"id": self._next_id, "method": method, "params": params}
        if session is not None:
            command["sessionId"] = session
        os.write(self._commands, json.dumps(command).encode() + b"\0")
        while True:
            message = self._read_message()
            if message.get("id") == self._next_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message["result"]
            self.events.append(message)

    def wait_for(self, method: str, session: str) -> dict:
        """The first event `method` of the session, read from what came already or what comes next."""
        while True:
            for event in self.events:
                if event.get("method") == method and event.get("sessionId") == session:
                    return event
            self.events.append(self._read_message())

    def close(self) -> None:
        try:
            self.send("Browser.close")
            self.process.wait(timeout=30)
        except (OSError, RuntimeError, subprocess.TimeoutExpired):
            pass
        finally:
            try:
                os.killpg(self.process.pid, signal.SIGKILL)  # its renderers and helpers too
            except ProcessLookupError:
                pass
            self.process.wait()
            os.close(self._commands)
            os.close(self._answers)


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    if BROWSER is None:
        pytest.fail("Chromium is not installed: `apt-get install chromium fonts-noto-cjk` (.ci/run does it)")
    devtools = DevTools(BROWSER, tmp_path_factory.mktemp("chromium-profile"))
    yield devtools
    devtools.close()


def console_text(event: dict) -> str | None:
    """What a page said on its console: console.* calls, uncaught exceptions and the browser's own log entries
    about the page (a resource that failed to load, a blocked script)."""
    params = event.get("params", {})
    if event.get("method") == "Runtime.consoleAPICalled":
        return " ".join(str(arg.get("value", arg.get("description", ""))) for arg in params.get("args", []))
    if event.get("method") == "Runtime.exceptionThrown":
        details = params.get("exceptionDetails", {})
        return details.get("exception", {}).get("description") or details.get("text", "exception")
    if event.get("method") == "Log.entryAdded":
        return params.get("entry", {}).get("text", "")
    return None


def open_page(browser: DevTools, page: Path, screenshot: Path) -> tuple[str, list[str]]:
    """The page's DOM after loading, and what it wrote to the console; a screenshot on the side.

    A new tab of the shared browser, 1000×1800, listening to the console before the page starts loading."""
    target = browser.send("Target.createTarget", url="about:blank")["targetId"]
    session = browser.send("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
    try:
        for domain in ("Page", "Runtime", "Log"):
            browser.send(f"{domain}.enable", session)
        browser.send("Emulation.setDeviceMetricsOverride", session, width=1000, height=1800, deviceScaleFactor=1,
                     mobile=False)
        browser.events.clear()  # about:blank said nothing worth keeping
        browser.send("Page.navigate", session, url=page.as_uri())
        browser.wait_for("Page.loadEventFired", session)
        dom = browser.send("Runtime.evaluate", session, expression="document.documentElement.outerHTML",
                           returnByValue=True)["result"]["value"]
        png = browser.send("Page.captureScreenshot", session, format="png")["data"]
        screenshot.write_bytes(base64.b64decode(png))
        console = [text for event in browser.events if event.get("sessionId") == session
                   for text in [console_text(event)] if text is not None]
    finally:
        browser.send("Target.closeTarget", targetId=target)
        browser.events.clear()
    return dom, console


def test_the_console_check_catches_a_page_that_logs(browser, tmp_path):
    page = tmp_path / "noisy.html"
    page.write_text("<!DOCTYPE html><p>hi</p><script>console.error('noisy page')</script>", encoding="utf-8")
    _, console = open_page(browser, page, tmp_path / "noisy.png")
    assert any("noisy page" in line for line in console)


def test_the_class_index_never_overflows_the_page_sideways(browser, tmp_path):
    """At 1000 px: the page is no wider than the window; the students table scrolls in its own box."""
    from tests.test_batch import grade, reference_student

    folder = tmp_path / "class"
    reference_student(folder, "a-student-with-a-very-long-name-" + "x" * 60)
    reference_student(folder, "김민준")
    out = tmp_path / "out"
    grade("batch", folder, "--out", out, "--lang", "ko")
    page = out / "probe.html"
    probe = ("<script>document.body.setAttribute('data-widths', document.documentElement.scrollWidth + ' '"
             " + window.innerWidth + ' ' + document.querySelector('.scroll').scrollWidth);</script></body>")
    page.write_text((out / "index.html").read_text(encoding="utf-8").replace("</body>", probe), encoding="utf-8")
    dom, console = open_page(browser, page, tmp_path / "index.png")
    page_width, window, table_width = map(int, re.search(r'data-widths="(\d+) (\d+) (\d+)"', dom).groups())
    assert window == 1000 and not console
    assert table_width > window  # the table is wider than the window, yet
    assert page_width <= window  # the page is not: the table scrolls inside its box


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
