"""ehub.core: Python face of the C++ namespace ``ehub::core`` (see docs/)."""
from . import _core
from ._reexport import reexport

__all__ = reexport(globals(), _core.core)
