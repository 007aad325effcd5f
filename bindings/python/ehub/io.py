"""ehub.io: Python face of the C++ namespace ``ehub::io`` (CSV, HDF5, JSON; see docs/io.md)."""
from . import _core
from ._reexport import reexport

__all__ = reexport(globals(), _core.io) + ["table_to_pandas", "series_to_pandas"]


def _index(time_unix_s, utc_offset_minutes=0):
    import pandas as pd

    idx = pd.to_datetime(time_unix_s, unit="s", utc=True)
    if utc_offset_minutes:
        import datetime

        idx = idx.tz_convert(datetime.timezone(datetime.timedelta(minutes=utc_offset_minutes)))
    return idx.rename("time")


def table_to_pandas(table, utc_offset_minutes: int = 0):
    """A CsvSeriesTable as a pandas DataFrame with a tz-aware DatetimeIndex (UTC, or the offset)."""
    import pandas as pd

    data = {c: table.column(c) for c in table.columns}
    return pd.DataFrame(data, index=_index(table.time_unix_s, utc_offset_minutes))


def series_to_pandas(series, utc_offset_minutes: int = 0):
    """An ehub.core.Series as a pandas Series with a tz-aware DatetimeIndex."""
    import pandas as pd

    return pd.Series(series.values, index=_index(series.grid.times_unix_s(), utc_offset_minutes),
                     name=series.name or None)
