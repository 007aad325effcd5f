"""ehub.dispatch: Python face of the C++ namespace ``ehub::dispatch`` (see docs/scenario.md, docs/devices.md)."""
from . import _core
from ._reexport import reexport

__all__ = reexport(globals(), _core.dispatch)


def to_pandas(result, utc_offset_minutes: int = 0):
    """Flows, states and prices of a Result as pandas DataFrames with a tz-aware DatetimeIndex.

    Returns a dict {"flows": DataFrame (kW), "states": DataFrame, "prices": DataFrame (per kWh)}.
    """
    import pandas as pd

    from .io import _index

    idx = _index(result.grid.times_unix_s(), utc_offset_minutes)
    return {
        "flows": pd.DataFrame(result.flows, index=idx),
        "states": pd.DataFrame(result.states, index=idx),
        "prices": pd.DataFrame(result.prices, index=idx),
    }


__all__.append("to_pandas")
