"""ehub.store: the park's records in SQLite (a file, the default) or PostgreSQL (docs/store.md).

    import ehub
    s = ehub.store.open("sqlite:///data/park.db")
    s.add_tenant("acme"); s.add_site("kunming", utc_offset_minutes=480)
    s.add_meter("B1-main", tenant="acme", site="kunming")
    s.add_point("B1-main.kw", meter="B1-main", quantity="power", unit="kW", tags={"item": "hvac"})
    s.append_readings("B1-main.kw", times, values)          # numpy arrays or a pandas Series
    df = s.read("B1-main.kw", start="2025-01-01", end="2025-02-01")
    hourly = s.aggregate("2025-01-01", "2025-02-01", interval_s=3600, function="mean")

Readings cross as numpy arrays (no per-row Python objects); frames are built from those arrays.
"""
from __future__ import annotations

import numpy as np

from . import _core
from ._reexport import reexport

__all__ = reexport(globals(), _core.store) + ["open", "to_unix_s"]

Store = _core.store.Store


def open(url: str, tenant: str | None = None, user: str | None = None, read_only: bool = False,
         create: bool = True, schema_version: int = 0) -> Store:
    """Opens (creating or upgrading) the store at ``url``: ``sqlite:///path/park.db``,
    ``sqlite::memory:`` or ``postgresql://user:password@host:port/db``. ``tenant`` scopes it to one
    tenant's rows; ``user`` is recorded in the audit log. Raises ehub.InputError naming the URL."""
    return _core.store._open(url, tenant or "", user or "", read_only, create, schema_version)


def to_unix_s(t):
    """Times as int64 unix seconds: ints pass through; datetime64, pandas timestamps (naive ones are
    UTC) and ISO-8601 strings are converted."""
    if isinstance(t, (int, np.integer)):
        return np.asarray([t], dtype=np.int64)
    if isinstance(t, str):
        return np.asarray([_core.core.parse_iso8601(t)], dtype=np.int64)
    a = np.asarray(t)
    if a.dtype.kind in "iu":
        return a.astype(np.int64, copy=False)
    import pandas as pd

    idx = pd.DatetimeIndex(pd.to_datetime(t, utc=True))
    return (idx.asi8 // 1_000_000_000).astype(np.int64) if idx.asi8.dtype == np.int64 and idx.unit == "ns" else \
        idx.as_unit("s").asi8.astype(np.int64)


def _one_time(t, default: int | None) -> int | None:
    if t is None:
        return default
    return int(to_unix_s(t)[0])


def _append_readings(self, point, t, value=None, quality=None, replace: bool = False, source: str = "append") -> int:
    """Appends readings in one transaction. ``point``: a point name (all rows), or an array of names
    or ids per row. ``t``: unix seconds, datetime64 or a DatetimeIndex; a pandas Series may be given
    as ``t`` alone (its index the times). ``quality``: ehub.store.Quality values or ints (default good).
    A duplicate (point, time) with another value raises InputError and writes nothing unless
    ``replace`` (then the replaced rows are audited). Returns the rows written."""
    if value is None:
        import pandas as pd

        if not isinstance(t, pd.Series):
            raise _core.InputError("append_readings: give values, or a pandas Series indexed by time")
        value, t = t.to_numpy(dtype=float), t.index
    times = to_unix_s(t)
    values = np.ascontiguousarray(value, dtype=np.float64)
    n = len(times)
    if isinstance(point, (str, int, np.integer)):
        pid = self.point_id(point) if isinstance(point, str) else int(point)
        points = np.full(n, pid, dtype=np.int64)
    else:
        p = np.asarray(point)
        if p.dtype.kind in "iu":
            points = p.astype(np.int64)
        else:
            ids = {name: self.point_id(str(name)) for name in np.unique(p)}
            points = np.fromiter((ids[x] for x in p), dtype=np.int64, count=len(p))
    q = np.zeros(n, dtype=np.uint8) if quality is None else np.asarray([int(x) for x in quality], dtype=np.uint8)
    return self._append(points, times, values, q, replace, source)


def _append_frame(self, frame, replace: bool = False, source: str = "import") -> int:
    """Appends a long frame with columns ``point``, ``time`` (or a time index) and ``value``,
    optionally ``quality``."""
    t = frame["time"] if "time" in frame.columns else frame.index
    q = frame["quality"].to_numpy() if "quality" in frame.columns else None
    return _append_readings(self, frame["point"].to_numpy(), t, frame["value"].to_numpy(dtype=float), q, replace, source)


def _index(t_unix_s, utc_offset_minutes: int = 0):
    import pandas as pd

    idx = pd.to_datetime(np.asarray(t_unix_s), unit="s", utc=True)
    if utc_offset_minutes:
        import datetime

        idx = idx.tz_convert(datetime.timezone(datetime.timedelta(minutes=utc_offset_minutes)))
    return idx.rename("time")


def _read(self, point, start=None, end=None, raw: bool = False, utc_offset_minutes: int = 0):
    """Readings of one point as a DataFrame (columns value, quality; tz-aware time index), or of
    several points (a list) as a wide DataFrame of values, one column per point."""
    import pandas as pd

    names = [point] if isinstance(point, str) else list(point)
    rs = self._read(names, _one_time(start, None), _one_time(end, None), raw)
    if isinstance(point, str):
        r = rs[0]
        return pd.DataFrame({"value": r["value"], "quality": r["quality"]}, index=_index(r["t_unix_s"], utc_offset_minutes))
    cols = {r["point"]: pd.Series(r["value"], index=_index(r["t_unix_s"], utc_offset_minutes)) for r in rs}
    return pd.DataFrame(cols)


def _read_arrays(self, point, start=None, end=None, raw: bool = False) -> dict:
    """Readings of one point as numpy arrays: {"t_unix_s", "value", "quality"} (no pandas)."""
    return self._read([point], _one_time(start, None), _one_time(end, None), raw)[0]


def _aggregate(self, start, end, interval_s: int = 3600, function: str = "sum", points=None, where_tags=None,
               group_by_tag: str = "", raw: bool = False, skip_flagged: bool = False, utc_offset_minutes: int = 0,
               counts: bool = False):
    """Aggregation computed by the database: a DataFrame with one row per bucket (bucket start as a
    tz-aware index) and one column per point (or per value of ``group_by_tag``). ``function``: sum,
    mean, min, max or count. ``counts=True`` returns (values, counts)."""
    import pandas as pd

    groups, t0, step, values, cnt = self._aggregate(list(points or []), dict(where_tags or {}), group_by_tag,
                                                    _one_time(start, 0), _one_time(end, 0), int(interval_s), function,
                                                    raw, skip_flagged)
    idx = _index(t0 + step * np.arange(values.shape[1], dtype=np.int64), utc_offset_minutes)
    frame = pd.DataFrame(values.T, index=idx, columns=groups)
    return (frame, pd.DataFrame(cnt.T, index=idx, columns=groups)) if counts else frame


def _frame(rows):
    import pandas as pd

    return pd.DataFrame(rows)


def _points(self):
    """Points visible to this store as a DataFrame (tags as a dict column)."""
    return _frame(self._points())


def _meters(self):
    """Meters visible to this store as a DataFrame."""
    return _frame(self._meters())


def _audit_log(self, limit: int = 0):
    """The audit log (who, when, table, row, action, old and new value) as a DataFrame."""
    frame = _frame(self._audit(limit))
    if len(frame):
        import pandas as pd

        frame["at"] = pd.to_datetime(frame["at_unix_s"], unit="s", utc=True)
    return frame


Store.append_readings = _append_readings
Store.append_frame = _append_frame
Store.read = _read
Store.read_arrays = _read_arrays
Store.aggregate = _aggregate
Store.points = _points
Store.meters = _meters
Store.audit_log = _audit_log
