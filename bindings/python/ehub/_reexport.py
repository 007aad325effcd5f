"""Helper that re-exports the public names of a compiled submodule into a Python module."""


def reexport(target_globals: dict, compiled) -> list:
    """Copy every public attribute of ``compiled`` into ``target_globals``; return the names."""
    names = [n for n in dir(compiled) if not n.startswith("_")]
    for n in names:
        target_globals[n] = getattr(compiled, n)
    return names
