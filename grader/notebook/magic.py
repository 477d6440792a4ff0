"""The `%grade` line magic: `%grade`, `%grade sigmoid`, `%grade all`, `%grade hint sigmoid`, `%grade submit [DIR]`,
`%grade lang ko`."""
from __future__ import annotations


def register(shell, api) -> None:
    def grade(line: str) -> None:
        words = line.split()
        if not words:
            api.check()
        elif words[0] == "all":
            api.check_all()
        elif words[0] == "hint" and len(words) > 1:
            api.hint(words[1])
        elif words[0] == "submit":
            api.submit(*words[1:2])
        elif words[0] == "lang" and len(words) > 1:
            api.lang(words[1])
        else:
            api.check(words[0])

    shell.register_magic_function(grade, magic_kind="line", magic_name="grade")
