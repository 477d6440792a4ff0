"""Every word the grader says, looked up in one message catalog per language (locales/*.toml).

Exercise texts (titles, hints, mistake names) live in the exercise catalog, side by side in both
languages; everything else a user reads lives here.

Korean particles depend on the word before them (`파일을`, `함수를`, `N으로`), which is often a value
only known when the message is formatted. A Korean message writes the particle as a marker after the
placeholder, `{file}[을/를]`, and `Messages.t` replaces the marker by the form that fits what was
actually written before it, as chosen by hangulpy (numbers are read in Korean, `ㄹ` takes `로`, ...).
Markers are read from the message only, never from the values put into it.
"""
from __future__ import annotations

import errno
import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Mapping

from grader.toml_cache import read_toml

LANGUAGES = ("ko", "en")
LOCALES = Path(__file__).with_name("locales")
PARTICLE_MARKER = re.compile(r"\[([가-힣]+/[가-힣]+)\]")


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
        walk("", read_toml(path), path)
    return flat


def message_keys(lang: str) -> set[str]:
    return set(_flat_catalog(lang))


def particle(word: str, pair: str) -> str:
    """The form of a particle pair ("을/를") that follows `word`: `파일` → 을, `함수` → 를, `3` → 을."""
    from hangulpy.josa import josa_pick  # only Korean messages with a particle pay for the import

    words = word.split()
    return josa_pick(words[-1] if words else "", pair)


def with_particle(word: object, pair: str) -> str:
    """`word` followed by the right form of `pair`: "시그모이드" + "와/과" → "시그모이드와"."""
    text = str(word)
    return text + particle(text, pair) if text else text


@lru_cache(maxsize=None)
def _pieces(template: str) -> tuple[str, ...]:
    """A message split at its particle markers: text, pair, text, pair, ..., text."""
    return tuple(PARTICLE_MARKER.split(template))


def format_message(template: str, params: Mapping[str, object]) -> str:
    """`template.format(**params)`, with each particle marker replaced by the form that fits before it."""
    pieces = _pieces(template)
    if len(pieces) == 1:
        return template.format_map(params)
    written = ""
    for index, piece in enumerate(pieces):
        written += particle(written, piece) if index % 2 else piece.format_map(params)
    return written


@dataclass(frozen=True)
class SystemReason:
    """Why the system refused a file operation: worded in the reader's language for the common causes (a full
    disk, no permission, a read-only file system: locales/*/system.toml), else the system's own words."""

    code: str
    """The errno's name, ENOSPC and the like ("" when there is none)."""
    text: str

    @classmethod
    def of(cls, error: OSError) -> SystemReason:
        # str(error) names the file, which a student may have named: its backticks must not end a code span.
        from grader.render.safe import plain

        return cls(errno.errorcode.get(error.errno or 0, ""), plain(error.strerror or str(error)))

    def __str__(self) -> str:
        return self.text


class Messages:
    """`t("status.passed")` in one language; a missing key is a bug, so it raises KeyError."""

    def __init__(self, lang: str):
        if lang not in LANGUAGES:
            raise ValueError(lang)
        self.lang = lang
        self._catalog = _flat_catalog(lang)

    def t(self, key: str, **params) -> str:
        for name, value in params.items():
            if isinstance(value, SystemReason):
                params[name] = self._catalog.get(f"system.{value.code}", value.text) if value.code else value.text
        return format_message(self._catalog[key], params)

    def has(self, key: str) -> bool:
        return key in self._catalog
