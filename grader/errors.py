"""Errors a user can cause and fix. The CLI prints them as one line and exits 2; nothing else is caught."""


class GradeError(Exception):
    """A problem with what the user asked for, with a message that says how to fix it.

    `key` names the message in the locale files; `params` fill it in.
    """

    def __init__(self, key: str, **params):
        super().__init__(key)
        self.key = key
        self.params = params


class CatalogError(Exception):
    """The catalog file itself is malformed: a bug in the course material, not in a submission."""
