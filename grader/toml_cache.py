"""TOML files parsed once: a parsed file is kept as JSON in the user's cache folder, keyed by its bytes' digest.

Python's TOML parser is pure Python: the built-in catalog alone takes about 20 ms to parse, on every
command a student runs, and its JSON about 1 ms. The key is the SHA-256 of the file's bytes, so an edited
file is parsed again and a stale entry is never used. A cache that cannot be read or written (a read-only
home, a full disk) is not used, and a value JSON cannot hold (a TOML date) is never cached.
"""
from __future__ import annotations

import hashlib
import json
import os
import sys
import tempfile
import tomllib
from pathlib import Path


def cache_dir() -> Path:
    """`GRADE_CACHE_DIR`, else the platform's cache folder (what platformdirs gives, without its import)."""
    if os.environ.get("GRADE_CACHE_DIR"):
        return Path(os.environ["GRADE_CACHE_DIR"])
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Caches"
    else:
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "grade" / "toml"


def read_toml(path: Path) -> dict:
    """The file parsed as TOML; OSError, UnicodeDecodeError and tomllib.TOMLDecodeError as tomllib gives them."""
    raw = Path(path).read_bytes()
    text = raw.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")  # as read_text() reads it
    entry = cache_dir() / f"{hashlib.sha256(raw).hexdigest()}.json"
    try:
        return json.loads(entry.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        pass
    parsed = tomllib.loads(text)
    _store(entry, parsed)
    return parsed


def _store(entry: Path, parsed: dict) -> None:
    try:
        text = json.dumps(parsed, ensure_ascii=False)
    except (TypeError, ValueError):  # a date or a time: TOML has them, JSON does not
        return
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=entry.parent, suffix=".tmp")
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(text)
        os.replace(temporary, entry)  # whole or not at all, also with other processes writing the same entry
    except OSError:
        return
