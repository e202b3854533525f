"""How the Python surface changed between two documents: the changelog's Python layer.

The surface (`scripts/generate/python_surface.py`) lists the functions `api.<resource>.<name>`
with their parameters (path, query and header parameters plus `body`) and the models with their
fields, as the generator names them. Rules:

| change | verdict |
| --- | --- |
| function or model added | compatible |
| function or model removed | breaking: an import fails |
| parameter or field added, required / optional | breaking / compatible |
| parameter or field removed | breaking: a keyword argument or attribute goes |
| parameter or field retyped | breaking (for a type checker at least) |
| parameter or field made required | breaking |
| parameter made optional | compatible |
| field made optional | breaking: reading it may now give `UNSET` |
"""

from scripts.generate.python_surface import Members, Surface
from scripts.update.changes import Change


def diff_surfaces(old: Surface, new: Surface) -> list[Change]:
    """Every classified change to the functions and models, sorted by place."""
    changes = _members_diff("function", old.functions, new.functions, "parameter")
    changes += _members_diff("model", old.models, new.models, "field")
    return sorted(changes)


def _members_diff(noun: str, old: dict[str, Members], new: dict[str, Members], member: str) -> list[Change]:
    changes = [
        Change(f"{noun} {n}", "", f"{noun}-added", f"{noun} added", False) for n in new.keys() - old.keys()
    ]
    changes += [
        Change(f"{noun} {n}", "", f"{noun}-removed", f"{noun} removed", True) for n in old.keys() - new.keys()
    ]
    for name in old.keys() & new.keys():
        at, was, now = f"{noun} {name}", old[name], new[name]
        for slot in now.keys() - was.keys():
            required = now[slot].required
            detail = f"{'required' if required else 'optional'} {member} added: {now[slot].type}"
            changes.append(Change(at, slot, f"{member}-added", detail, required))
        for slot in was.keys() - now.keys():
            changes.append(Change(at, slot, f"{member}-removed", f"{member} removed", True))
        for slot in was.keys() & now.keys():
            before, after = was[slot], now[slot]
            if before.type != after.type:
                changes.append(Change(at, slot, f"{member}-retyped", f"{before.type} -> {after.type}", True))
            if before.required != after.required:
                kind = f"{member}-became-{'required' if after.required else 'optional'}"
                breaking = after.required or member == "field"
                changes.append(
                    Change(at, slot, kind, kind.removeprefix(f"{member}-").replace("-", " "), breaking)
                )
    return changes
