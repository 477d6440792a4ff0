"""Korean reports read as a Korean teaching assistant would write them: no `이(가)`-style fallback, no space
before a particle, no English words outside code, in the html, md and terminal renderings."""
import io
import re
import tomllib
from html.parser import HTMLParser

import pytest
from markdown_it import MarkdownIt
from rich.console import Console

from grader.i18n import Messages, format_message, locale_files
from grader.render.reports import render_html, render_markdown
from grader.render.terminal import exercise_details, first_problems, summary_table
from grader.submission import open_submission
from report_submissions import failing_folder, notebook_file, reference_folder

# One test process grades the submissions below for every test here (and test_markdown.py's, in the same group).
pytestmark = pytest.mark.xdist_group("reports")

CODE = "□"  # what a piece of code becomes in the scanned text: not a word, not a space
FALLBACKS = re.compile(r"\((?:이|가|을|를|은|는|과|와|으|으로|이나|이어야)\)")
# A particle written apart from its word: "숙제 에", "N 으로", "시그모이드 과". `이` alone is also the
# demonstrative ("이 문제"), so it counts only before punctuation.
SPACED_PARTICLE = re.compile(r"\S\s+(?:(?:가|을|를|은|는|과|와|으로|로|에|에서|의|이어야|여야|입니다)(?=[\s.,:;)!?]|$)"
                             r"|이(?=[.,:;)!?]|$))")
# English that leaked into a Korean sentence: a phrase of English words, or a word of an English template.
ENGLISH_PHRASE = re.compile(r"\b[A-Za-z]{2,}(?:\s+[A-Za-z]{2,})+\b")
ENGLISH_WORDS = re.compile(r"(?<![\w.])(?:the|of|an|and|or|got|expected|shape|index|line|array|tuple|list|values?|"
                           r"elements?|at|is|not|was|returned|raised|cell|file|passed|failed|error|number)(?![\w.(\[])")


def problems(text):
    found = []
    for line in text.splitlines():
        for pattern in (FALLBACKS, SPACED_PARTICLE, ENGLISH_PHRASE, ENGLISH_WORDS):
            found += [f"{match.group(0)!r} in {line.strip()!r}" for match in pattern.finditer(line)]
    return found


def without_inline_code(text):
    return re.sub(r"`[^`\n]+`", CODE, text)


class _Prose(HTMLParser):
    """The text of a page a person reads as prose: code, preformatted blocks and styles become CODE."""

    def __init__(self):
        super().__init__()
        self.parts, self.skipping = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("code", "pre", "style", "script"):
            self.skipping += 1
            self.parts.append(CODE)
        elif tag in ("p", "tr", "td", "th", "br", "li", "h1", "h2", "h3", "text", "figcaption", "div", "section"):
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in ("code", "pre", "style", "script"):
            self.skipping -= 1

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(data)


def html_prose(page):
    parser = _Prose()
    parser.feed(page)
    return "".join(parser.parts)


def markdown_prose(text):
    lines = []
    for token in MarkdownIt("commonmark").enable("table").parse(text):
        if token.type == "inline":
            lines.append("".join(CODE if child.type == "code_inline" else child.content for child in token.children))
    return "\n".join(lines)


def terminal_prose(result, messages):
    console = Console(record=True, width=2000, color_system=None, file=io.StringIO())
    console.print(summary_table(result, messages))
    console.print(first_problems(result, messages))
    for exercise in result.exercises:
        console.print(exercise_details(exercise, messages))
    code_labels = tuple(f"  {messages.t(key)}" for key in ("table.given", "table.expected", "table.got",
                                                          "table.traceback", "table.output"))
    prose = [line for line in console.export_text().splitlines() if not line.startswith(code_labels)
             and not line.startswith("    ")]  # continuation lines of a printed value
    return without_inline_code("\n".join(prose))


@pytest.fixture(scope="module")
def korean_results(grader, tmp_path_factory):
    folder = tmp_path_factory.mktemp("korean")
    hanging = reference_folder(folder / "hanging")
    (hanging / "losses.py").write_text("import time\n\ntime.sleep(600)\n", encoding="utf-8")  # hangs, idle
    stubs = folder / "stubs"
    stubs.mkdir()
    from conftest import ROOT

    for source in (ROOT / "exercises").glob("*.py"):
        (stubs / source.name).write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    paths = {"passed": reference_folder(folder / "passed"), "failed": failing_folder(folder / "failed"),
             "stubs": stubs, "notebook": notebook_file(folder / "숙제.ipynb"), "hanging": hanging}
    results = {}
    for kind, path in paths.items():
        with open_submission(path) as submission:
            results[kind] = grader.grade(submission, student="김민준", lang="ko")
    return results


@pytest.mark.parametrize("kind", ["passed", "failed", "stubs", "notebook", "hanging"])
@pytest.mark.parametrize("rendering", ["html", "md", "terminal"])
def test_korean_reports_read_naturally(korean_results, kind, rendering):
    result = korean_results[kind]
    if rendering == "html":
        text = html_prose(render_html(result))
    elif rendering == "md":
        text = markdown_prose(render_markdown(result))
    else:
        text = terminal_prose(result, Messages("ko"))
    assert re.search(r"[가-힣]", text)
    assert problems(text) == []


def test_a_hanging_file_is_worded_not_a_raw_key(korean_results):
    page = render_html(korean_results["hanging"])
    # A top-level line that hangs is skipped (statement by statement loading) and said in words.
    assert "load-timeout" not in html_prose(page) and "초 넘게 실행되었습니다" in page


@pytest.mark.parametrize("path", locale_files("ko"), ids=lambda path: path.name)
def test_every_korean_message_passes_the_scan_with_its_particles_chosen(path):
    """Each message file on its own (an area's messages are its helper's to fix): commands, column names
    and other literal text between backticks, particles attached, no English phrase."""
    found = []

    def walk(prefix, node):
        for key, value in node.items():
            if isinstance(value, dict):
                walk(f"{prefix}{key}.", value)
            else:
                text = format_message(str(value), _Samples())
                found.extend(f"{prefix}{key}: {problem}" for problem in problems(without_inline_code(text)))

    walk("", tomllib.loads(path.read_text(encoding="utf-8")))
    assert found == []


class _Samples(dict):
    """A Korean word for every placeholder, so a message's own words are what the scan reads."""

    def __missing__(self, key):
        return "값"


def test_particles_follow_the_word_before_them():
    assert format_message("{a}[을/를] {b}[을/를] {c}[으로/로] {d}[으로/로] {e}[와/과] {f}[이/가]",
                          dict(a="파일", b="함수", c="N", d="파일", e="시그모이드", f="3")) == \
        "파일을 함수를 N으로 파일로 시그모이드와 3이"


def test_the_scan_catches_what_it_looks_for():
    for bad in ("숙제 에 저장", "파일을(를) 열기", "an array of shape (3,) 이어야", "시그모이드 과 참조", "N 으로 나눔"):
        assert problems(bad), bad
    assert problems("이 숨겨진 케이스를 통과하지 못했습니다.") == []
