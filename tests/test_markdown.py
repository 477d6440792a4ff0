"""report.md is valid CommonMark: every fence on lines of its own, labels outside code, nothing a student
wrote turned into markup. Checked on passed, failed, hostile and notebook submissions, in ko and en."""
import pytest
from markdown_it import MarkdownIt

from grader.i18n import Messages
from grader.render.reports import markdown_code, render_markdown
from grader.submission import open_submission
from report_submissions import HOSTILE, failing_folder, notebook_file, reference_folder

KINDS = ("passed", "failed", "hostile", "notebook")
# One test process grades the submissions below for every test here (see test_korean.py).
pytestmark = pytest.mark.xdist_group("reports")


@pytest.fixture(scope="module")
def results(grader, tmp_path_factory):
    folder = tmp_path_factory.mktemp("markdown")
    paths = {"passed": reference_folder(folder / "passed"), "failed": failing_folder(folder / "failed"),
             "hostile": failing_folder(folder / "hostile"), "notebook": notebook_file(folder / "homework.ipynb")}
    graded = {}
    for kind, path in paths.items():
        for lang in ("ko", "en"):
            with open_submission(path) as submission:
                student = HOSTILE if kind == "hostile" else None
                graded[kind, lang] = grader.grade(submission, student=student, lang=lang)
    return graded


def parse(text):
    return MarkdownIt("commonmark").parse(text)


def inline_texts(tokens):
    """The text of every paragraph, heading and table cell, code spans included, fences left out."""
    return ["".join(child.content for child in token.children or []) for token in tokens if token.type == "inline"]


@pytest.mark.parametrize("lang", ["ko", "en"])
@pytest.mark.parametrize("kind", KINDS)
def test_report_md_is_well_formed_commonmark(results, kind, lang):
    result = results[kind, lang]
    text = render_markdown(result)
    lines = text.splitlines()
    tokens = parse(text)
    fences = [token for token in tokens if token.type == "fence"]
    for fence in fences:
        start, end = fence.map
        assert lines[start].strip() == fence.markup + "text", lines[start]
        assert lines[end - 1].strip() == fence.markup, f"fence opened on line {start + 1} is not closed on a line of its own"
    assert not [token for token in tokens if token.type in ("html_block", "code_block")]
    assert not [child for token in tokens for child in token.children or [] if child.type in ("html_inline", "link_open", "image")]

    t = Messages(lang).t
    paragraphs = inline_texts(tokens)
    contents = [fence.content for fence in fences]
    failed = [case for exercise in result.exercises for case in exercise.cases if case.status != "passed"]
    assert bool(failed) == (kind != "passed")
    for case in failed:
        if case.hidden:
            continue
        for name, value in case.given.items():
            assert any(f"{name} = " in content and value.splitlines()[0] in content for content in contents), name
        if case.expected is not None:
            assert f"{t('table.expected')}:" in paragraphs
            assert case.expected + "\n" in contents
        if case.got is not None:
            assert f"{t('table.got')}:" in paragraphs
            assert case.got + "\n" in contents
        plain = case.message.replace("`", "")
        assert any(" ".join(plain.split()) == " ".join(p.split()) for p in paragraphs), case.message
    for label in (t("table.expected"), t("table.got"), t("report.inputs")):
        assert not any(label + ":" in content for content in contents)


def test_the_students_text_stays_text(results):
    for lang in ("ko", "en"):
        tokens = parse(render_markdown(results["hostile", lang]))
        heading = next(token for token in tokens if token.type == "inline")
        assert HOSTILE in heading.content.replace("\\", "") or HOSTILE in "".join(c.content for c in heading.children)
        assert [child.type for child in heading.children] == ["text"]
        printed = [t.content for t in tokens if t.type == "fence" and "printed ````" in t.content]
        assert printed and HOSTILE in printed[0]


def test_failed_reports_show_a_fence_for_every_case_detail(results):
    text = render_markdown(results["failed", "en"])
    relu = text.split("(`relu`)")[1].split("\n### ")[0]
    fences = [t for t in parse(relu) if t.type == "fence"]
    assert [f.content.split(" = ")[0] for f in fences[:1]] == ["x"]
    assert any("ValueError" in f.content for f in fences), "the traceback is a code block"


def test_backtick_spans_become_code_and_the_rest_is_escaped():
    tokens = parse(markdown_code("`np.exp(-x)`를 쓰세요 *not bold* <b>"))
    children = tokens[1].children
    assert [(c.type, c.content) for c in children] == [("code_inline", "np.exp(-x)"), ("text", "를 쓰세요 *not bold* <b>")]
