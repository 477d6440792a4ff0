"""Every message exists, non-empty, in Korean and in English, with the same placeholders."""
import re
import string

from grader.i18n import Messages, detect_language, message_keys


def placeholders(text):
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_both_languages_have_the_same_keys():
    assert message_keys("ko") == message_keys("en")


def test_no_message_is_empty_and_placeholders_agree():
    english, korean = Messages("en"), Messages("ko")
    for key in message_keys("en"):
        assert english._catalog[key].strip() and korean._catalog[key].strip(), key
        if key == "report.date-value":  # each language writes a date its own way, from the same parts
            parts = {"year", "month", "day", "hour", "hour12", "minute", "ampm"}
            assert placeholders(english._catalog[key]) <= parts and placeholders(korean._catalog[key]) <= parts
            continue
        assert placeholders(english._catalog[key]) == placeholders(korean._catalog[key]), key


def test_korean_messages_are_korean():
    assert re.search(r"[가-힣]", Messages("ko").t("status.passed"))


def test_language_follows_the_locale():
    assert detect_language({"LANG": "ko_KR.UTF-8"}) == "ko"
    assert detect_language({"LC_ALL": "en_US.UTF-8", "LANG": "ko_KR.UTF-8"}) == "en"
    assert detect_language({}) == "en"


def test_a_message_defined_in_two_files_is_refused(tmp_path, monkeypatch):
    import pytest

    from grader import i18n

    (tmp_path / "en").mkdir()
    (tmp_path / "en.toml").write_text('[status]\npassed = "passed"\n', encoding="utf-8")
    (tmp_path / "en" / "area.toml").write_text('[status]\npassed = "again"\n', encoding="utf-8")
    monkeypatch.setattr(i18n, "LOCALES", tmp_path)
    i18n._flat_catalog.cache_clear()
    try:
        with pytest.raises(ValueError, match="defined twice"):
            i18n._flat_catalog("en")
    finally:
        i18n._flat_catalog.cache_clear()
