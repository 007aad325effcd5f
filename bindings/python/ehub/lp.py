"""ehub.lp: linear and mixed-integer models, MPS/LP files and solver backends (C++ ``ehub::lp``)."""
from . import _core
from ._reexport import reexport

__all__ = reexport(globals(), _core.lp)
