"""The functions a student's modules define: as `name(arguments)`, for "your file defines `AND(x1, x2)`",
and where each function the grader calls is found (in its stub's file, another file, or under a lecture's name).

Read from the code objects alone, so no student `__signature__`, `__repr__` or `__getattr__` runs. Like
worker.py, this file needs nothing but the standard library: it runs inside the sandbox, loaded by path.
"""
import types

MAX_FUNCTIONS = 200


def signature(name, function):
    """`name(a, b, alpha=0.01)` from the code object alone: no student __signature__ or __repr__ runs."""
    code = function.__code__
    count = code.co_argcount + code.co_kwonlyargcount
    names = list(code.co_varnames[:count])
    defaults = function.__defaults__ if type(function.__defaults__) is tuple else ()
    shown = []
    for position, argument in enumerate(names[:code.co_argcount]):
        default_at = position - (code.co_argcount - len(defaults))
        if default_at >= 0:
            value = defaults[default_at]
            text = repr(value) if type(value) in (int, float, bool, type(None)) else "…"
            shown.append(f"{argument}={text}")
        else:
            shown.append(argument)
    rest = count
    if code.co_flags & 0x04:  # *args
        shown.append("*" + code.co_varnames[rest])
        rest += 1
    elif code.co_kwonlyargcount:
        shown.append("*")
    shown += names[code.co_argcount:]
    if code.co_flags & 0x08:  # **kwargs
        shown.append("**" + code.co_varnames[rest])
    return f"{name}({', '.join(shown)})"[:200]


def defined_functions(module):
    """The plain functions (def or lambda) bound at the top level of a module, with their signatures."""
    found = []
    for name, value in list(vars(module).items()):
        if type(name) is str and not name.startswith("_") and type(value) is types.FunctionType:
            try:
                found.append(signature(name, value))
            except Exception:  # odd code objects: the name alone still helps
                found.append(f"{name}(…)")
            if len(found) >= MAX_FUNCTIONS:
                break
    return found


def _defines(module, name, any_value):
    # vars() rather than hasattr(): a module-level __getattr__ is student code and must not run here.
    namespace = vars(module)
    return name in namespace and (any_value or type(namespace[name]) is types.FunctionType)


def resolve(calls, units, loaded):
    """Find each called function: in its stub's file first, then in any other file, in order; then by
    the names the lectures use (`aliases`), when exactly one of them is defined.

    Returns ({function: unit or None}, {function: alias used}, {function: [aliases defined]} when
    several are, which is reported rather than guessed)."""
    where, names, ambiguous = {}, {}, {}
    for call in calls:
        name, preferred = call["function"], call["module"]
        if name in where:
            continue
        order = [u for u in [preferred] + [u["name"] for u in units if u["name"] != preferred] if u in loaded]
        where[name] = next((u for u in order if _defines(loaded[u], name, True)), None)
        if where[name] is not None:
            continue
        found = {}
        for alias in call.get("aliases", ()):
            unit = next((u for u in order if _defines(loaded[u], alias, False)), None)
            if unit is not None:
                found.setdefault(alias, unit)
        if len(found) == 1:
            (alias, unit), = found.items()
            where[name], names[name] = unit, alias
        elif found:
            ambiguous[name] = list(found)
    return where, names, ambiguous
