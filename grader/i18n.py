"""Every word the grader says, looked up in one message catalog per language (locales/*.toml).

Exercise texts (titles, hints, mistake names) live in the exercise catalog, side by side in both
languages; everything else a user reads lives here.
"""
from __future__ import annotations

import os
import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Mapping

LANGUAGES = ("ko", "en")
LOCALES = Path(__file__).with_name("locales")


def detect_language(environ: Mapping[str, str] = os.environ) -> str:
    """Korean when the locale says so (LC_ALL, then LC_MESSAGES, then LANG), else English."""
    for variable in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(variable, "")
        if value:
            return "ko" if value.lower().startswith("ko") else "en"
    return "en"


def locale_files(lang: str) -> list[Path]:
    """A language's message files: `locales/<lang>.toml`, then one file per area in `locales/<lang>/`."""
    return [LOCALES / f"{lang}.toml", *sorted((LOCALES / lang).glob("*.toml"))]


@lru_cache(maxsize=None)
def _flat_catalog(lang: str) -> dict[str, str]:
    flat: dict[str, str] = {}

    def walk(prefix: str, node: dict, source: Path) -> None:
        for key, value in node.items():
            name = f"{prefix}.{key}" if prefix else key
            if isinstance(value, dict):
                walk(name, value, source)
            elif name in flat:
                raise ValueError(f"{source.name}: message {name!r} is defined twice")
            else:
                flat[name] = str(value)

    for path in locale_files(lang):
        walk("", tomllib.loads(path.read_text(encoding="utf-8")), path)
    return flat


def message_keys(lang: str) -> set[str]:
    return set(_flat_catalog(lang))


class Messages:
    """`t("status.passed")` in one language; a missing key is a bug, so it raises KeyError."""

    def __init__(self, lang: str):
        if lang not in LANGUAGES:
            raise ValueError(lang)
        self.lang = lang
        self._catalog = _flat_catalog(lang)

    def t(self, key: str, **params) -> str:
        return self._catalog[key].format(**params)

    def has(self, key: str) -> bool:
        return key in self._catalog
