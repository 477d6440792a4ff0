"""Writing TOML: the little the grader writes (tables, arrays of tables, strings, numbers, booleans, arrays).

The standard library reads TOML but does not write it; this is the one writer, for a kit's catalog and course
file, a student kit's quiz bank and every answers file. Whatever this writes, `tomllib` reads back as the same
data (tests/test_kit.py checks the built-in catalog round-trips, tests/test_trust_toml.py every awkward
character), with one exception a file cannot avoid: a lone surrogate (Python's stand-in for a byte that is not
UTF-8, in a name from the command line or a file system) has no UTF-8 form, and is written as U+FFFD, the
character the grader shows for such a byte everywhere else (grader.class_folder.student_id).
"""
from __future__ import annotations

import math
import re
from typing import Any

BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
# TOML 1.0 forbids these raw in a basic string: the C0 controls but tab, and DEL. Tab (allowed) and the C1
# controls (allowed too, but an editor or a terminal may act on them: U+0085 is a line break to some) are
# escaped as well, so a string stays on one visible line.
ESCAPED = re.compile(r"[\x00-\x1f\x7f-\x9f]")
SHORT_ESCAPES = {"\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}
SURROGATE = re.compile(r"[\ud800-\udfff]")


def dumps(data: dict, header: str = "", inline_tables: bool = True) -> str:
    """`data` as a TOML document, `header` (comment lines) first; with `inline_tables` false, every table but
    those inside an array of tables' item gets a `[section]` of its own (one line per key, for a person to edit)."""
    lines = [f"# {ESCAPED.sub(' ', line)}".rstrip() for line in header.splitlines()]  # TOML refuses them there too
    if lines:
        lines.append("")
    _table(data, [], lines, inline_tables=inline_tables)
    return "\n".join(lines).rstrip("\n") + "\n"


def _table(data: dict, path: list[str], lines: list[str], in_item: bool = False, inline_tables: bool = True) -> None:
    """Short tables (of plain values; any table inside an array of tables' item) are written inline."""
    def inline(value: Any) -> bool:
        return not _is_table_array(value) and (not _is_table(value) or in_item or (inline_tables and _flat(value)))

    for key, value in data.items():
        if inline(value):
            lines.append(f"{_key(key)} = {_value(value)}")
    for key, value in data.items():
        if inline(value):
            continue
        if _is_table(value):
            lines.extend(["", f"[{'.'.join(_key(p) for p in path + [key])}]"])
            _table(value, path + [key], lines, in_item, inline_tables)
        else:
            for item in value:
                lines.extend(["", f"[[{'.'.join(_key(p) for p in path + [key])}]]"])
                _table(item, path + [key], lines, True)


def _is_table(value: Any) -> bool:
    return isinstance(value, dict)


def _flat(value: dict) -> bool:
    return bool(value) and not any(isinstance(v, dict) or _is_table_array(v) for v in value.values())


def _is_table_array(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(item, dict) for item in value)


def _key(key: str) -> str:
    return key if BARE_KEY.fullmatch(key) else string(key)


def string(value: str) -> str:
    """`value` as a TOML basic string: quote and backslash escaped, every control character TOML refuses raw
    written as an escape, a lone surrogate as U+FFFD (see the module's docstring)."""
    text = SURROGATE.sub("\ufffd", value).replace("\\", "\\\\").replace('"', '\\"')
    return '"' + ESCAPED.sub(lambda m: SHORT_ESCAPES.get(m.group(0), f"\\u{ord(m.group(0)):04x}"), text) + '"'


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        return ("inf" if value > 0 else "-inf") if math.isinf(value) else repr(value)
    if isinstance(value, str):
        return string(value)
    if isinstance(value, list):
        return "[" + ", ".join(_value(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{_key(k)} = {_value(v)}" for k, v in value.items()) + " }"
    raise TypeError(f"cannot write {type(value).__name__} as TOML")
