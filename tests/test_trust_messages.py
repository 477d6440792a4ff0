"""Why an answers file or a zip cannot be read, said in the reader's language: no English reason inside Korean.

These errors once put an English reason ("larger than 256 KiB", "it needs student = ...", "[answers] must be
a table", "a name longer than 255 bytes", "not a regular file", a parser's own message) into the Korean message
around it. Each is now a message of its own in both languages; what stays English in a Korean line is code:
a file name, a command or TOML in backticks, or a library's own words quoted as code.
"""
import os
import re
import zipfile
from pathlib import Path

import pytest

from grader.errors import GradeError
from grader.i18n import Messages, message_keys
from grader.quiz.answers_file import parse_answers, read_answers
from grader.safe_files import Item, list_zip, read_fd

# Technical names a Korean teaching assistant writes as they are (not words of an English sentence).
NAMES = {"zip", "TOML", "UTF", "KiB", "README"}
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z']*")


def english_in(korean: str, *values: str) -> list[str]:
    """Latin words of a Korean message outside code (backticks), the values put into it and technical names."""
    text = re.sub(r"`[^`]*`", " ", korean)
    for value in sorted(values, key=len, reverse=True):  # a path before a name inside it
        text = text.replace(value, " ")
    return [word for word in LATIN_WORD.findall(text) if word not in NAMES]


def _raised(call, *args) -> GradeError:
    with pytest.raises(GradeError) as raised:
        call(*args)
    return raised.value


def _answers_errors(tmp_path: Path) -> dict[str, GradeError]:
    big = tmp_path / "big.toml"
    big.write_bytes(b"# " + b"x" * (300 * 1024) + b"\n")
    return {
        "too large": _raised(read_answers, big),
        "TOML syntax": _raised(parse_answers, b"student = 'x'\nquiz = [", "a.toml"),
        "raw DEL": _raised(parse_answers, b"student = 'a\x7fb'\nquiz = 'nn-1'\n", "a.toml"),
        "not UTF-8": _raised(parse_answers, b"student = '\xff'\n", "a.toml"),
        "no student": _raised(parse_answers, b"quiz = 'nn-1'\n[answers]\n", "a.toml"),
        "no quiz": _raised(parse_answers, b"student = 'amy'\n", "a.toml"),
        "answers not a table": _raised(parse_answers, b"student = 'amy'\nquiz = 'nn-1'\nanswers = 3\n", "a.toml"),
    }


def _zip_errors(tmp_path: Path) -> dict[str, GradeError]:
    found = {}
    for name, member in (("long name", "a" * 300 + ".py"), ("leaves the folder", "../evil.py")):
        archive = tmp_path / f"{len(found)}.zip"
        with zipfile.ZipFile(archive, "w") as zf:
            zf.writestr(member, "x = 1\n")
        with zipfile.ZipFile(archive) as opened:
            found[name] = _raised(list_zip, opened, str(archive), 100, 10, set())
    folder = tmp_path / "changed"
    folder.mkdir()
    os.mkfifo(tmp_path / "fifo")
    fd = os.open(folder, os.O_RDONLY)  # a file that became a folder between listing and reading
    found["became a folder"] = _raised(read_fd, fd, 100, "hw", Item(("activations.py",), "file"))
    fd = os.open(tmp_path / "fifo", os.O_RDONLY | os.O_NONBLOCK)  # or a FIFO
    found["not a regular file"] = _raised(read_fd, fd, 100, "hw", Item(("activations.py",), "file"))
    (tmp_path / "broken.zip").write_bytes(b"PK\x03\x04 this is no zip")
    from grader.safe_files import open_zip

    found["corrupt zip"] = _raised(open_zip, open(tmp_path / "broken.zip", "rb"), "broken.zip")
    from grader.safe_files import open_top

    found["name too long"] = _raised(open_top, tmp_path / ("a" * 5000), True)  # the system's words: as code
    return found


def test_every_answers_file_and_zip_error_is_korean_in_korean_and_english_in_english(tmp_path):
    errors = {**_answers_errors(tmp_path), **_zip_errors(tmp_path)}
    ko, en = Messages("ko"), Messages("en")
    for what, error in errors.items():
        # Names from the submission (a path, a member, a file) are what they are; a reason or a parser's words
        # are English and may appear only as code.
        names = [str(value) for name, value in error.params.items() if name not in ("reason", "detail")]
        korean = ko.t(error.key, **error.params)
        assert not english_in(korean, *names), (what, korean)
        assert re.search("[가-힣]", korean), (what, korean)
        english = en.t(error.key, **error.params)
        assert not re.search("[가-힣]", english) and english != korean, (what, english)


def test_the_reasons_say_what_is_wrong_in_both_languages(tmp_path):
    errors = {**_answers_errors(tmp_path), **_zip_errors(tmp_path)}
    ko, en = Messages("ko"), Messages("en")
    expected = {
        "too large": ("256 KiB", "256KiB"),
        "TOML syntax": ("line 2", "2번째 줄"),
        "raw DEL": ("line 1, column 13", "1번째 줄 13번째 글자"),
        "not UTF-8": ("UTF-8", "UTF-8"),
        "no student": ('student = "ID"', "`student = \"학번\"`"),
        "no quiz": ('quiz = "QUIZ-ID"', "`quiz = \"퀴즈 ID\"`"),
        "answers not a table": ("[answers]", "`[answers]`"),
        "long name": ("255 bytes", "255바이트"),
        "leaves the folder": ("../evil.py", "../evil.py"),
        "not a regular file": ("not a regular file", "일반 파일이 아닙니다"),
        "corrupt zip": ("not a readable zip file", "zip 파일"),
    }
    for what, (english, korean) in expected.items():
        error = errors[what]
        assert english in en.t(error.key, **error.params), (what, en.t(error.key, **error.params))
        assert korean in ko.t(error.key, **error.params), (what, ko.t(error.key, **error.params))


def test_a_korean_batch_names_the_answers_files_fault_in_korean(tmp_path):
    """The answers file's reason reaches the student's quiz report and the gradebook in the batch's language."""
    from grader.course import builtin_course
    from grader.quiz.assigned import AssignedQuiz

    quiz = AssignedQuiz.of(builtin_course()).grade("amy", ("answers.toml", b"quiz = 'nn-1'\n[answers]\n"), "ko")
    assert quiz.problem and not english_in(quiz.problem, "answers.toml"), quiz.problem


def test_a_damaged_kit_file_quotes_the_readers_words_as_code_in_korean(tmp_path):
    """A course kit's frozen file that is damaged: the reason (a place in the JSON, in the reader's technical
    words) is code in the Korean line, never English prose."""
    from grader.kit.frozen import load_exercise

    folder = tmp_path / "frozen"
    folder.mkdir()
    (folder / "sigmoid.json").write_text('{"format": "nope`x", "cases": 3}', encoding="utf-8")
    with pytest.raises(GradeError) as raised:
        load_exercise(folder, "sigmoid")
    korean = Messages("ko").t(raised.value.key, **raised.value.params)
    assert raised.value.key == "course.kit.corrupt" and raised.value.params["reason"]
    assert not english_in(korean, raised.value.params["file"]), korean


def test_a_case_missing_from_a_kit_is_named_by_its_id_as_code_in_korean():
    """A case's stable name (results.json's `name`, English) is an id in a Korean line, not a phrase."""
    korean = Messages("ko").t("course.kit.missing-case", case="XOR, another seed", exercise="train_xor",
                              file="frozen/train_xor.json")
    assert "`XOR, another seed`" in korean and not english_in(korean, "train_xor", "frozen/train_xor.json"), korean


def test_the_systems_common_refusals_are_worded_in_the_readers_language(tmp_path):
    """A full disk, a missing permission, a path through a file: said in Korean to a Korean reader, not in the
    system's English; a cause the locale files do not list keeps the system's own words."""
    import errno

    from grader.i18n import SystemReason
    from helpers import grade_here

    worded = {code: {lang: Messages(lang).t("error.file-system", path="p", reason=SystemReason.of(
        OSError(code, os.strerror(code)))) for lang in ("ko", "en")} for code in (errno.ENOSPC, errno.EACCES)}
    assert "디스크 공간 부족" in worded[errno.ENOSPC]["ko"] and "No space" not in worded[errno.ENOSPC]["ko"]
    assert "접근 권한 없음" in worded[errno.EACCES]["ko"] and "permission denied" in worded[errno.EACCES]["en"]
    odd = OSError(errno.ENOEXEC, os.strerror(errno.ENOEXEC))
    assert os.strerror(errno.ENOEXEC) in Messages("ko").t("error.file-system", path="p", reason=SystemReason.of(odd))
    named = OSError("cannot read `report`.py")  # no errno: the error's own text, which names a student's file
    assert SystemReason.of(named).text == "cannot read 'report'.py"  # its backticks cannot end a code span
    system = {lang: {key for key in message_keys(lang) if key.startswith("system.")} for lang in ("ko", "en")}
    assert system["ko"] == system["en"]  # the same causes in both languages, each a real errno name
    assert system["en"] and system["en"] <= {f"system.{name}" for name in errno.errorcode.values()}
    (tmp_path / "a-file").write_text("", encoding="utf-8")
    run = grade_here("submit", "reference", "--out", tmp_path / "a-file" / "report", "--lang", "ko")
    assert run.returncode == 2 and run.stderr.strip().splitlines() == [
        f"{tmp_path / 'a-file' / 'report'}: 경로 중간에 폴더가 아닌 것이 있음. 쓸 수 있는 폴더(또는 읽을 수 있는 파일)인지 확인하세요."]
