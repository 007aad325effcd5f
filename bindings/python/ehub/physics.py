"""ehub.physics: Python face of the C++ namespace ``ehub::physics`` (solar position, irradiance,
PV and wind models mirroring pvlib and windpowerlib; see docs/physics.md).

Array arguments take numpy arrays (or floats where pvlib/windpowerlib allow a scalar); functions
with several outputs return a dict of numpy arrays: ``pandas.DataFrame(result, index=times)``.
"""
from . import _core
from ._reexport import reexport

__all__ = reexport(globals(), _core.physics) + ["unix_seconds", "to_frame"]


def unix_seconds(times):
    """Unix seconds (float array) of a tz-aware pandas DatetimeIndex (naive = UTC)."""
    import numpy as np
    import pandas as pd

    idx = pd.DatetimeIndex(times)
    if idx.tz is not None:
        idx = idx.tz_convert("UTC").tz_localize(None)
    return (idx - pd.Timestamp("1970-01-01")) / pd.Timedelta(seconds=1) * np.ones(1)


def to_frame(result: dict, index=None):
    """A dict of equal-length arrays (a physics result) as a pandas DataFrame."""
    import pandas as pd

    return pd.DataFrame(result, index=index)
