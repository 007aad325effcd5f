"""ehub.hub: Python face of the C++ namespace ``ehub::hub`` (see docs/scenario.md, docs/devices.md)."""
from . import _core
from ._reexport import reexport

__all__ = reexport(globals(), _core.hub)
