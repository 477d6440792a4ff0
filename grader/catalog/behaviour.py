"""The catalog's behaviour checks, as data: the properties a result must have when no single value is right.

A training function returns weights that depend on how it drew its random numbers, so its result is judged
by what it does, not by equality with the reference's. A case's `check = { kind = "behaviour", ... }` lists
the properties (each optional); `grader/behaviour.py` judges them. Arguments are named as in the case's
`args`, outputs by their position in the returned tuple:

    outputs = 5                      the result is a tuple of 5 values
    classify = { inputs = "X", targets = "Y", weights = [0, 1, 2, 3] }
                                     outputs 0-3 are W1, b1, W2, b2 of a 2-layer sigmoid network that classifies
                                     every row of X as the matching row of Y (output >= 0.5 is class 1)
    history = { output = 4, length = "epochs", below = 0.05 }
                                     output 4 is a loss history with one finite value per epoch (the value of
                                     the argument `length`), the last below `below`
    repeat = true                    a second call with the same arguments returns the same result
    seconds = 2.0                    one call takes at most this long
    responds = { lr = 0.5 }          a call with this argument changed returns another loss history

Nothing here needs the reference: a student kit carries the check as it is.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from grader.errors import CatalogError

KEYS = ("kind", "outputs", "classify", "history", "repeat", "seconds", "responds")


@dataclass(frozen=True)
class Classify:
    inputs: str
    targets: str
    weights: tuple[int, int, int, int]
    """The outputs that hold W1, b1, W2 and b2: sigmoid(sigmoid(X @ W1 + b1) @ W2 + b2)."""
    threshold: float = 0.5


@dataclass(frozen=True)
class History:
    output: int
    length: str | None = None
    """The argument whose value is the history's length (the number of epochs)."""
    below: float | None = None
    """The last loss must be below this."""


@dataclass(frozen=True)
class BehaviourCheck:
    outputs: int | None = None
    classify: Classify | None = None
    history: History | None = None
    repeat: bool = False
    seconds: float | None = None
    responds: tuple[tuple[str, Any], ...] = ()
    """(argument, other value spec): calls with that one argument changed must change the loss history."""
    kind: str = "behaviour"

    @property
    def extra_calls(self) -> int:
        """Calls made besides the case's own: the repeat first, then one per `responds` argument."""
        return int(self.repeat) + len(self.responds)


def parse_behaviour(spec: dict, args: list[str], where: str) -> BehaviourCheck:
    unknown = set(spec) - set(KEYS)
    if unknown:
        raise CatalogError(f"{where}: unknown behaviour properties {', '.join(sorted(unknown))}"
                           f" (known: {', '.join(KEYS[1:])})")

    def argument(name: Any, what: str) -> str:
        if name not in args:
            raise CatalogError(f"{where}: {what} names {name!r}, which is not an argument of the case ({', '.join(args)})")
        return name

    def index(value: Any, what: str) -> int:
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise CatalogError(f"{where}: {what} must be an output's position (0, 1, ...)")
        return value

    classify = history = None
    if "classify" in spec:
        c = spec["classify"]
        weights = tuple(index(w, "classify.weights") for w in c.get("weights", ()))
        if len(weights) != 4:
            raise CatalogError(f"{where}: classify.weights lists the outputs W1, b1, W2, b2 (four positions)")
        classify = Classify(argument(c.get("inputs"), "classify.inputs"), argument(c.get("targets"), "classify.targets"),
                            weights, float(c.get("threshold", 0.5)))
    if "history" in spec:
        h = spec["history"]
        history = History(index(h.get("output"), "history.output"),
                          argument(h["length"], "history.length") if "length" in h else None,
                          float(h["below"]) if "below" in h else None)
    responds = tuple((argument(name, "responds"), value) for name, value in spec.get("responds", {}).items())
    if responds and history is None:
        raise CatalogError(f"{where}: responds compares loss histories, so it needs `history`")
    outputs = spec.get("outputs")
    if outputs is not None:
        index(outputs, "outputs")
    return BehaviourCheck(outputs=outputs, classify=classify, history=history, repeat=bool(spec.get("repeat", False)),
                          seconds=float(spec["seconds"]) if "seconds" in spec else None, responds=responds)
