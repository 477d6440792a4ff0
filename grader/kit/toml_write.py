"""Writing TOML: the little a kit needs (tables, arrays of tables, strings, numbers, booleans, arrays).

The standard library reads TOML but does not write it. Whatever this writes, `tomllib` reads back as the
same data (tests/test_kit.py checks the built-in catalog round-trips).
"""
from __future__ import annotations

import json
import math
import re
from typing import Any

BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


def dumps(data: dict, header: str = "") -> str:
    """`data` as a TOML document, `header` (comment lines) first."""
    lines = [f"# {line}".rstrip() for line in header.splitlines()]
    if lines:
        lines.append("")
    _table(data, [], lines)
    return "\n".join(lines).rstrip("\n") + "\n"


def _table(data: dict, path: list[str], lines: list[str], in_item: bool = False) -> None:
    """Short tables (of plain values; any table inside an array of tables' item) are written inline."""
    def inline(value: Any) -> bool:
        return not _is_table_array(value) and (not _is_table(value) or in_item or _flat(value))

    for key, value in data.items():
        if inline(value):
            lines.append(f"{_key(key)} = {_value(value)}")
    for key, value in data.items():
        if inline(value):
            continue
        if _is_table(value):
            lines.extend(["", f"[{'.'.join(_key(p) for p in path + [key])}]"])
            _table(value, path + [key], lines, in_item)
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
    return key if BARE_KEY.match(key) else _string(key)


def _string(value: str) -> str:
    """A TOML basic string: JSON's escapes are TOML's, and TOML also refuses a raw DEL."""
    return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")


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
        return _string(value)
    if isinstance(value, list):
        return "[" + ", ".join(_value(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{_key(k)} = {_value(v)}" for k, v in value.items()) + " }"
    raise TypeError(f"cannot write {type(value).__name__} as TOML")
