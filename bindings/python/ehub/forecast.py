"""ehub.forecast: Python face of the C++ namespace ``ehub::forecast`` (docs/forecasting.md).

Forecasters (seasonal naive, Holt-Winters, ridge, gradient-boosted trees, PV/wind physics with a
correction, or your own Python class), rolling-origin backtests and metrics. Histories cross as
an ``ehub.core.Series`` target plus ``{name: numpy array}`` exogenous columns; pandas helpers below
convert from and to pandas objects.

A model written in Python is any object with ``name``, ``fit(input)`` and
``predict(input, origin_unix_s, window_time_unix_s)`` (see :class:`PythonModel`); wrap it with
``Forecaster(obj, options)`` or pass it to :func:`backtest` directly.
"""
from __future__ import annotations

from . import _core
from ._reexport import reexport

if not hasattr(_core, "forecast"):  # pragma: no cover - a build without the forecast bindings
    raise ImportError("this ehub._core was built without the forecast bindings (bind_forecast)")

__all__ = reexport(globals(), _core.forecast) + [
    "PythonModel",
    "series_from_pandas",
    "exogenous_from_pandas",
    "forecast_frame",
    "summary_frame",
    "backtest_pandas",
]


class PythonModel:
    """Base class (optional) of forecasting models written in Python.

    ``fit(input)`` and ``predict(input, origin_unix_s, window_time_unix_s)`` receive a dict:
    ``time_unix_s`` (step starts of the known target), ``target`` (gaps filled), ``observed``
    (bool mask of measured steps), ``exogenous`` ({name: array} on ``exogenous_time_unix_s``, which
    starts with the target and may reach the end of the forecast window), ``utc_offset_minutes``.
    ``predict`` returns one value per window step. Optional attributes: ``min_history_hours``,
    ``exogenous`` (columns that must cover the window), ``lower_bound``, ``upper_bound``.
    """

    name = "python_model"
    min_history_hours = 24.0

    def fit(self, data: dict) -> None:  # pragma: no cover - interface
        pass

    def predict(self, data: dict, origin_unix_s: int, window_time_unix_s):  # pragma: no cover - interface
        raise NotImplementedError


def _unix_seconds(index):
    import numpy as np
    import pandas as pd

    idx = pd.DatetimeIndex(index)
    if idx.tz is None:
        idx = idx.tz_localize("UTC")
    return ((idx.tz_convert("UTC").tz_localize(None) - pd.Timestamp("1970-01-01")) // pd.Timedelta(seconds=1)).to_numpy(
        dtype=np.int64
    )


def series_from_pandas(series, kind=None, name: str | None = None):
    """An ``ehub.core.Series`` from a pandas Series on a regular DatetimeIndex (naive = UTC)."""
    import numpy as np

    from . import core

    t = _unix_seconds(series.index)
    if len(t) < 2:
        raise ValueError("a series needs at least two time stamps")
    step = int(t[1] - t[0])
    if step % 60 or not np.all(np.diff(t) == step):
        raise ValueError("the index is not a regular grid of whole minutes")
    grid = core.TimeGrid(int(t[0]), step // 60, len(t))
    kind = kind if kind is not None else core.SeriesKind.power
    return core.Series(grid, np.asarray(series.to_numpy(dtype=float)), kind, name or str(series.name or ""))


def exogenous_from_pandas(frame):
    """(dict of columns, TimeGrid) from a pandas DataFrame on a regular DatetimeIndex."""
    import numpy as np

    from . import core

    t = _unix_seconds(frame.index)
    step = int(t[1] - t[0])
    if step % 60 or not np.all(np.diff(t) == step):
        raise ValueError("the weather index is not a regular grid of whole minutes")
    grid = core.TimeGrid(int(t[0]), step // 60, len(t))
    return {str(c): frame[c].to_numpy(dtype=float) for c in frame.columns}, grid


def forecast_frame(result: dict, utc_offset_minutes: int = 0):
    """A forecast dict (Forecaster.predict) as a DataFrame: point and one column per quantile."""
    import pandas as pd

    idx = pd.to_datetime(result["time_unix_s"], unit="s", utc=True)
    if utc_offset_minutes:
        idx = idx.tz_convert(f"Etc/GMT{-utc_offset_minutes // 60:+d}" if utc_offset_minutes % 60 == 0 else "UTC")
    df = pd.DataFrame({"point": result["point"]}, index=idx)
    for k, q in enumerate(result["quantile_levels"]):
        df[f"q{q:g}"] = result["quantiles"][:, k]
    return df


def summary_frame(result: dict):
    """The per-model metrics of a backtest dict as a DataFrame (one row per model)."""
    import pandas as pd

    return pd.DataFrame.from_dict(result["models"], orient="index")


def backtest_pandas(target, models, weather=None, options=None):
    """backtest() on a pandas Series target and an optional weather DataFrame."""
    s = series_from_pandas(target)
    ex, grid = (None, None) if weather is None else exogenous_from_pandas(weather)
    return _core.forecast.backtest(s, list(models), ex, grid, options if options is not None else BacktestOptions())  # noqa: F821
