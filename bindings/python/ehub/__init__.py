"""ehub: integrated energy optimisation of zero-carbon industrial parks.

Submodules mirror the C++ namespaces: ``ehub.core`` (time grids, series), ``ehub.io`` (CSV, HDF5,
JSON), ``ehub.lp`` (models and solver backends). Errors are ``ehub.InputError`` (a ``ValueError``)
and ``ehub.SolverError`` (a ``RuntimeError``), with the same messages as in C++.
"""
from . import _core
from ._core import InputError, SolverError

__version__: str = _core.__version__

from . import core, dispatch, hub, io, lp, physics  # noqa: E402  (submodules need _core first)
from .dispatch import InfeasibleError  # noqa: E402

__all__ = ["InputError", "SolverError", "InfeasibleError", "__version__", "core", "dispatch", "hub", "io", "lp", "physics", "version"]


def version() -> str:
    """Version of the linked C++ library (equal to ``__version__``)."""
    return _core.version()
