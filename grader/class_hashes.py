"""Each student's content hash in a batch: remembered while their files' stat signature holds, computed otherwise.

An unchanged re-run reads no submission: grader.signature's cheap check says the files did not change, and
the hash taken last time (kept in the gradebook) stands.
"""
from __future__ import annotations

from pathlib import Path

from grader.class_folder import Entry
from grader.gradebook import Gradebook
from grader.signature import stat_signature


def content_hash(path: Path) -> str:
    """grader.intake's fingerprint of what is read from a submission (imported when first needed: it loads NumPy)."""
    from grader.intake import content_hash as fingerprint

    return fingerprint(path)


def content_hashes(entries: list[Entry], gradebook: Gradebook) -> dict[str, str]:
    """Each student's content hash: remembered when their files' stat signature is the one it was taken
    with (grader.signature), computed otherwise; "" when the files cannot be read now."""
    known = gradebook.signatures()
    hashes, fresh = {}, []
    for entry in entries:
        signature = stat_signature(entry.path)  # before hashing: a change in between shows next time
        remembered = known.get(entry.student)
        if signature is not None and remembered is not None and remembered[0] == signature:
            hashes[entry.student] = remembered[1]
            continue
        try:
            hashes[entry.student] = content_hash(entry.path)
        except Exception:  # noqa: BLE001 - unreadable now: graded below, where the reason is found and kept
            hashes[entry.student] = ""
        if signature is not None and hashes[entry.student]:
            fresh.append((entry.student, signature, hashes[entry.student]))
    gradebook.remember_signatures(fresh)
    return hashes
