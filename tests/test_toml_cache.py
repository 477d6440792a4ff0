"""TOML files parsed once and kept as JSON, keyed by their bytes: never stale, never in the way."""
from __future__ import annotations

import datetime
import tomllib

import pytest

from grader import toml_cache


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("GRADE_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


def test_a_file_is_parsed_once_then_read_from_the_cache(tmp_path, cache, monkeypatch):
    file = tmp_path / "a.toml"
    file.write_text('x = 1\ny = 1.0\nz = [inf, "가"]\n[t]\nk = true\n', encoding="utf-8")
    first = toml_cache.read_toml(file)
    assert first == tomllib.loads(file.read_text(encoding="utf-8")) and len(list(cache.iterdir())) == 1
    monkeypatch.setattr(toml_cache.tomllib, "loads", lambda text: pytest.fail("parsed again"))
    again = toml_cache.read_toml(file)
    assert again == first and type(again["x"]) is int and type(again["y"]) is float


def test_an_edited_file_is_parsed_again(tmp_path, cache):
    file = tmp_path / "a.toml"
    file.write_text("x = 1\n", encoding="utf-8")
    assert toml_cache.read_toml(file) == {"x": 1}
    file.write_text("x = 2\n", encoding="utf-8")
    assert toml_cache.read_toml(file) == {"x": 2}


def test_newlines_read_as_read_text_reads_them(tmp_path, cache):
    file = tmp_path / "a.toml"
    file.write_bytes(b'x = """a\r\nb"""\r\n')
    assert toml_cache.read_toml(file) == tomllib.loads(file.read_text(encoding="utf-8")) == {"x": "a\nb"}


def test_a_date_is_parsed_but_never_cached(tmp_path, cache):
    file = tmp_path / "a.toml"
    file.write_text("when = 2026-11-29\n", encoding="utf-8")
    assert toml_cache.read_toml(file) == {"when": datetime.date(2026, 11, 29)}
    assert not cache.exists() or not list(cache.iterdir())


def test_a_cache_that_cannot_be_written_or_read_is_not_used(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv("GRADE_CACHE_DIR", str(blocker / "cache"))  # under a file: no folder can be made
    file = tmp_path / "a.toml"
    file.write_text("x = 1\n", encoding="utf-8")
    assert toml_cache.read_toml(file) == {"x": 1}


def test_a_broken_file_raises_what_tomllib_raises(tmp_path, cache):
    file = tmp_path / "a.toml"
    file.write_text("x = \n", encoding="utf-8")
    with pytest.raises(tomllib.TOMLDecodeError):
        toml_cache.read_toml(file)
    file.write_bytes(b"x = '\xff'\n")
    with pytest.raises(UnicodeDecodeError):
        toml_cache.read_toml(file)


def test_a_damaged_entry_is_parsed_again(tmp_path, cache):
    file = tmp_path / "a.toml"
    file.write_text("x = 1\n", encoding="utf-8")
    toml_cache.read_toml(file)
    (entry,) = cache.iterdir()
    entry.write_text('{"x": ', encoding="utf-8")
    assert toml_cache.read_toml(file) == {"x": 1}
