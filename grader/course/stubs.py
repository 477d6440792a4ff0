"""A stub made from a reference module, as `grade course check` grades it: the very generator a student kit's
stubs come from (grader/kit/stubs.py), so the check sees what a class would get.
"""
from __future__ import annotations

from grader.kit.stubs import make_stub


def stub_source(source: str, names: set[str] | None = None) -> str:
    """`source` with the bodies of its top-level functions (those in `names`, or all) replaced."""
    return make_stub(source, names=names)
