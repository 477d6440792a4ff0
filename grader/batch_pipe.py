"""Messages between a batch and its grader processes (grader.batch_pool): pickled, each after its length.

Both ends are the grader's own processes; nothing a student's code writes travels here (a worker reports
to its grader process through the fork server's channel, checked there, see grader.runner.protocol).
"""
from __future__ import annotations

import os
import pickle
import struct
from typing import Any

HEADER = struct.Struct("!Q")


def send(fd: int, message: Any) -> None:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    view = memoryview(HEADER.pack(len(data)) + data)
    while view:
        view = view[os.write(fd, view):]


def receive(fd: int) -> Any:
    """The next message; None at the end, or when the other end died."""
    header = _read(fd, HEADER.size)
    data = _read(fd, HEADER.unpack(header)[0]) if header is not None else None
    return None if data is None else pickle.loads(data)


def _read(fd: int, size: int) -> bytes | None:
    data = b""
    while len(data) < size:
        chunk = os.read(fd, min(size - len(data), 1 << 20))
        if not chunk:
            return None
        data += chunk
    return data
