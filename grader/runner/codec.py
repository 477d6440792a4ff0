"""The values that cross the process boundary, as JSON that can carry numbers and arrays only.

Both sides use this file: the worker (which loads it by path, so it must need nothing but the standard
library and NumPy) encodes the student's results, and the grader decodes them. Arrays travel as raw
bytes with a dtype from a short whitelist of numeric kinds and are rebuilt with np.frombuffer, so
nothing that comes back can run code in the grader (no pickle, no object arrays, no subclasses).
"""
import base64
import json
import math

import numpy as np

NUMERIC_KINDS = "biufc"  # bool, signed and unsigned int, float, complex
SCALAR_TYPES = (np.float64, np.float32, np.float16, np.int64, np.int32, np.int16, np.int8,
                np.uint64, np.uint32, np.uint16, np.uint8)
MAX_ARRAY_BYTES = 64 * 1024 * 1024
MAX_LINE_BYTES = 16 * 1024 * 1024
"""The longest report line the grader reads (protocol.py); worker.py sends a result with larger arrays as too large."""
MAX_FRAMES = 8
"""The innermost traceback frames a report keeps (worker.py sends no more; protocol.py keeps no more)."""
SAME = {"t": "same"}
"""An array argument the call left unchanged, sent instead of the array again (worker.py; events.py reads it)."""


class Unsupported:
    """Something the student returned that is not a number, an array or a tuple of them."""

    def __init__(self, description):
        self.description = description

    def __repr__(self):
        return f"<{self.description}>"

    def __eq__(self, other):
        return isinstance(other, Unsupported) and other.description == self.description


def _float(value):
    value = float(value)
    return value if math.isfinite(value) else repr(value)  # "nan", "inf", "-inf": JSON has no such numbers


def encode(value, depth=0):
    """A JSON-ready description of `value`; anything unexpected becomes an `unsupported` description."""
    if depth > 4:
        return {"t": "unsupported", "d": "a deeply nested value"}
    if value is None:
        return {"t": "none"}
    if isinstance(value, (bool, np.bool_)):
        return {"t": "bool", "v": bool(value)}
    if type(value) in SCALAR_TYPES:  # a NumPy scalar stays one across the wire (np.float64, np.int64)
        return {"t": "scalar", "dtype": np.dtype(type(value)).str, "v": _float(value) if value.dtype.kind == "f"
                else int(value)}
    if isinstance(value, (int, np.integer)):
        return {"t": "int", "v": int(value)}
    if isinstance(value, (float, np.floating)):
        return {"t": "float", "v": _float(value)}
    if isinstance(value, (tuple, list)):
        if len(value) > 64:
            return _encode_numbers(value)
        return {"t": "tuple" if isinstance(value, tuple) else "list", "items": [encode(v, depth + 1) for v in value]}
    if isinstance(value, np.ndarray):
        return _encode_array(value)
    return {"t": "unsupported", "d": f"a value of type {type(value).__name__}"}


def _encode_array(value):
    # np.asarray of a subclass or an odd dtype could run the student's code; read the raw buffer
    # through the base ndarray instead, so a lying __eq__ or __array__ never gets a say.
    try:
        base = np.ndarray.view(value, np.ndarray)
        dtype = base.dtype
        if dtype.kind not in NUMERIC_KINDS or dtype.fields is not None:
            return {"t": "unsupported", "d": f"an array of dtype {dtype}"}
        if base.nbytes > MAX_ARRAY_BYTES:
            return {"t": "unsupported", "d": f"an array of {base.nbytes} bytes (shape {base.shape})"}
        data = np.ascontiguousarray(base).tobytes()
        return {"t": "ndarray", "dtype": dtype.str, "shape": list(base.shape), "b64": base64.b64encode(data).decode("ascii")}
    except Exception as error:  # a broken buffer protocol is the student's problem, reported as such
        return {"t": "unsupported", "d": f"an array that could not be read ({type(error).__name__})"}


def _encode_numbers(value):
    """A long list or tuple of plain numbers (a loss history) as float64 bytes; anything else is unsupported.

    Exact types only, so no subclass of the student's (and no `__float__` of theirs) runs here."""
    plain = (float, int) + SCALAR_TYPES
    if len(value) * 8 <= MAX_ARRAY_BYTES and all(type(v) in plain for v in value):
        try:
            data = np.array(value, dtype="<f8").tobytes()  # the types are checked: NumPy converts them as float() would
        except OverflowError:  # an int too large for a float
            data = None
        if data is not None:
            return {"t": "numbers", "list": isinstance(value, list), "b64": base64.b64encode(data).decode("ascii")}
    return {"t": "unsupported", "d": f"a {type(value).__name__} of {len(value)} items"}


def _out_of_range(dtype):
    raise ValueError(f"value out of range for {dtype}")


def decode(data):
    """Rebuild a value from `encode`'s output; raises ValueError on anything malformed."""
    kind = data.get("t") if isinstance(data, dict) else None
    if kind == "none":
        return None
    if kind == "bool":
        return bool(data["v"])
    if kind == "int":
        return int(data["v"])
    if kind == "float":
        return float(data["v"])  # float("nan") and float("inf") parse the strings encode wrote
    if kind == "scalar":
        dtype = np.dtype(str(data["dtype"]))
        if dtype.type not in SCALAR_TYPES:
            raise ValueError(f"scalar dtype {dtype} is not allowed")
        value = data["v"]
        if dtype.kind == "f":
            return dtype.type(float(value))
        if not isinstance(value, int) or isinstance(value, bool):
            raise ValueError("an integer scalar needs an integer value")
        return dtype.type(value) if np.iinfo(dtype).min <= value <= np.iinfo(dtype).max else _out_of_range(dtype)
    if kind in ("tuple", "list"):
        items = [decode(item) for item in data["items"]]
        return tuple(items) if kind == "tuple" else items
    if kind == "numbers":  # a long list of numbers: rebuilt as Python floats, never as anything else
        raw = base64.b64decode(data["b64"], validate=True)
        if len(raw) % 8:
            raise ValueError("a list of numbers whose size is not a whole number of float64")
        items = np.frombuffer(raw, dtype="<f8").tolist()  # Python floats, made in one go
        return items if data["list"] is True else tuple(items)
    if kind == "ndarray":
        dtype = np.dtype(str(data["dtype"]))
        if dtype.kind not in NUMERIC_KINDS or dtype.fields is not None or dtype.hasobject:
            raise ValueError(f"dtype {dtype} is not allowed")
        shape = tuple(int(n) for n in data["shape"])
        raw = base64.b64decode(data["b64"], validate=True)
        if len(raw) != dtype.itemsize * math.prod(shape):
            raise ValueError("array size does not match its shape")
        return np.frombuffer(raw, dtype=dtype).reshape(shape).copy()
    if kind == "unsupported":
        return Unsupported(str(data.get("d", "an unsupported value"))[:200])
    raise ValueError(f"unknown value kind {kind!r}")


def args_key(args: tuple) -> str:
    """Arguments as an exact lookup key (the cascade's stand-in tables): the same values, types and dtypes give
    the same key."""
    return json.dumps([encode(a) for a in args], sort_keys=True)
