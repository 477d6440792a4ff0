"""Text a student controls, made safe for the instructor's terminal.

A student names their own folder or zip, and their files produce the reasons a submission could not
be graded. Printed raw, an escape sequence in either could recolour, move the cursor, rewrite the
window title, hide lines or, in some terminals, write to the clipboard. Everything printed from such
text goes through `terminal_text`: escape sequences are removed whole, then every other control
character (C0, DEL, C1, bidirectional overrides) is dropped, so what remains only ever prints itself.
"""
from __future__ import annotations

import re
import unicodedata

# ESC and the 8-bit CSI/OSC/DCS introducers, with the body of the sequence they start:
# CSI (ESC [ … final byte), OSC/DCS/SOS/PM/APC (… up to BEL or ST), and two-byte ESC sequences.
_SEQUENCE = re.compile(
    r"(?:\x1b\[|\x9b)[\x20-\x3f]*[\x40-\x7e]?"
    r"|(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
    r"|\x1b[\x20-\x2f]*[\x30-\x7e]?"
)
# Bidirectional embeddings, overrides and isolates reorder what follows them on the line.
_BIDI = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")


def terminal_text(value: object) -> str:
    """`value` as text that prints as itself: no escape sequence, no control character, one line."""
    text = _SEQUENCE.sub("", str(value)).replace("\t", " ").replace("\n", " ").replace("\r", " ")
    return "".join(ch for ch in text if ch not in _BIDI and unicodedata.category(ch) != "Cc")


def plain(text: object) -> str:
    """Text the student controls (exception messages, warnings, file and type names), or a library's or the
    system's own English words, made safe to put in a message as code: its backticks become quotes, so only
    the grader's own `code` spans are code."""
    return str(text).replace("`", "'")
