"""The Bubblewrap sandbox a fork server lives in: what its workers may see, and nothing more.

Visible inside, all read-only: `/usr` (and the base interpreter's prefix when it lives elsewhere),
NumPy alone at `/site/numpy` (with its bundled libraries at `/site/numpy.libs`), and the fork server's
four files at `/grader`. Not the grader's virtual environment, not `grader`, not `reference`, not
the rest of site-packages. NumPy is mounted under `/site` rather than where it is installed, so
the workers' private `/tmp`, `/work` and `/submission` can never hide it, wherever the venv lives.
"""
from __future__ import annotations

import functools
import importlib.util
import os
import sys
from pathlib import Path

RUNNER = Path(__file__).resolve().parent
SANDBOX_FILES = ("zygote.py", "namespaces.py", "worker.py", "codec.py", "loader.py", "statements.py", "signatures.py",
                 "standin.py")
SITE = "/site"
"""Where NumPy is mounted inside the sandbox: the only folder the fork server adds to its path."""
PRIVATE = ("/submission", "/work", "/tmp", "/dev", "/proc", "/site", "/grader")
"""Covered by the sandbox or by each worker: nothing of the host's may be mounted at or under these."""


@functools.lru_cache(maxsize=1)
def numpy_folder() -> str:
    """The folder NumPy is installed in (found, not imported: the grader may not need it yet)."""
    return str(Path(importlib.util.find_spec("numpy").origin).resolve().parent.parent)


def interpreter() -> str:
    """The real interpreter, not the venv's link to it: the sandbox runs it without the venv (`-I -S`)."""
    return os.path.realpath(sys.executable)


def _covered(path: str) -> bool:
    return any(path == p or path.startswith(p + "/") for p in PRIVATE)


def _interpreter_folders() -> list[str]:
    """The folders the interpreter and its standard library load from, outside /usr."""
    candidates = {os.path.realpath(sys.base_prefix), str(Path(interpreter()).parent.parent)}
    folders = sorted(c for c in candidates if c != "/" and not c.startswith("/usr/") and c != "/usr")
    return [f for f in folders if not any(f != o and f.startswith(o.rstrip("/") + "/") for o in folders)]


@functools.lru_cache(maxsize=1)
def sandbox_arguments() -> tuple[str, ...]:
    """bwrap's arguments, up to `--`; the command that follows runs `/grader/zygote.py /site MODE FD`."""
    # No --die-with-parent: it fires when the starting *thread* ends; the server leaves when its socket closes.
    arguments = ["--unshare-all", "--new-session", "--cap-drop", "ALL",
                 "--uid", "65534", "--gid", "65534", "--hostname", "grade-sandbox",
                 "--ro-bind", "/usr", "/usr", "--proc", "/proc", "--dev", "/dev"]
    for name in ("bin", "sbin", "lib", "lib32", "lib64"):  # merged-/usr systems make these links
        path = Path("/") / name
        if path.is_symlink():
            arguments += ["--symlink", os.readlink(path), str(path)]
        elif path.is_dir():
            arguments += ["--ro-bind", str(path), str(path)]
    for folder in _interpreter_folders():
        if _covered(folder):  # an interpreter under /tmp would be hidden by the workers' own /tmp
            raise OSError(f"the Python interpreter lives under {folder}, which the sandbox keeps private")
        arguments += ["--ro-bind", folder, folder]
    site = Path(numpy_folder())
    arguments += ["--dir", SITE, "--ro-bind", str(site / "numpy"), f"{SITE}/numpy"]
    if (site / "numpy.libs").is_dir():  # a wheel's bundled BLAS, found by its relative RPATH
        arguments += ["--ro-bind", str(site / "numpy.libs"), f"{SITE}/numpy.libs"]
    for name in SANDBOX_FILES:
        arguments += ["--ro-bind", str(RUNNER / name), f"/grader/{name}"]
    # Mount points for each worker's private tmpfs; the sandbox's own root stays read-only.
    for folder in ("/submission", "/work", "/tmp"):
        arguments += ["--dir", folder]
    arguments += ["--chdir", "/", "--remount-ro", "/"]
    return tuple(arguments)
