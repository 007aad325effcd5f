"""ehub: integrated energy optimisation of zero-carbon industrial parks.

Submodules mirror the C++ namespaces: ``ehub.core`` (time grids, series), ``ehub.io`` (CSV, HDF5,
JSON), ``ehub.lp`` (models and solver backends). Errors are ``ehub.InputError`` (a ``ValueError``)
and ``ehub.SolverError`` (a ``RuntimeError``), with the same messages as in C++.
"""
from . import _core
from ._core import InputError, SolverError

__version__: str = _core.__version__

from . import carbon, core, dispatch, dr, ems, examples, forecast, hub, io, lp, physics, sim, store  # noqa: E402  (submodules need _core first)
from .dispatch import InfeasibleError  # noqa: E402

__all__ = ["plot", "InputError", "SolverError", "InfeasibleError", "__version__", "carbon", "core", "dispatch", "dr", "ems", "examples", "forecast", "hub", "io", "lp", "physics", "sim", "store", "version"]


def __getattr__(name):
    """Loads ehub.plot on first use, so `import ehub` does not import matplotlib."""
    if name == "plot":
        import importlib

        return importlib.import_module(".plot", __name__)
    raise AttributeError(f"module 'ehub' has no attribute {name!r}")


def version() -> str:
    """Version of the linked C++ library (equal to ``__version__``)."""
    return _core.version()
