"""ehub.forecast from Python: hand-computable forecasts, a Python-defined model, backtests without
look-ahead, metrics against scikit-learn's published definitions (values in the test)."""
import math

import numpy as np
import pytest

import ehub
from ehub import core

fc = pytest.importorskip("ehub.forecast", reason="ehub._core built without the forecast bindings")


def ramp(days=28, start="2025-01-06T00:00:00Z"):
    grid = core.TimeGrid.from_iso(start, 60, days * 24)
    return core.Series(grid, np.arange(days * 24, dtype=float), core.SeriesKind.power, "ramp")


def test_seasonal_naive_and_persistence_by_hand():
    s = ramp()
    origin = "2025-01-22T10:00:00Z"  # Wednesday; window = Thursday, steps 408..431
    day = fc.make_forecaster("seasonal_naive_day").fit(s)
    week = fc.make_forecaster("seasonal_naive_week").fit(s)
    last = fc.make_forecaster("persistence").fit(s)
    d, w, p = day.predict(s, origin), week.predict(s, origin), last.predict(s, origin)
    i = np.arange(408, 432, dtype=float)
    np.testing.assert_array_equal(d["point"], np.where(np.arange(24) < 10, i - 24, i - 48))
    np.testing.assert_array_equal(w["point"], i - 168)
    np.testing.assert_array_equal(p["point"], np.full(24, 393.0))
    assert d["time_unix_s"][0] == core.parse_iso8601("2025-01-23T00:00:00Z")
    assert d["quantiles"].shape == (24, 9)


def test_calendar_and_holidays(data_dir):
    cal = fc.Calendar(480, "cn-2025")
    assert len(cal.holidays) == 33
    assert cal.is_holiday(core.parse_iso8601("2025-10-01T12:00:00+08:00"))
    assert cal.day_group(core.parse_iso8601("2025-01-26T12:00:00+08:00")) == fc.DayGroup.working  # make-up Sunday
    from_file = fc.HolidayCalendar.from_csv(str(data_dir / "forecast" / "holidays_cn_2025.csv"))
    assert [e[:2] for e in from_file.entries] == [e[:2] for e in fc.HolidayCalendar.china_2025().entries]
    with pytest.raises(ehub.InputError):
        fc.HolidayCalendar.builtin("cn-1999")


def test_ridge_matches_scikit_learn_and_recovers_coefficients():
    X = np.array([[0.5, 1.0, -2.0], [1.5, -0.5, 0.0], [2.0, 2.5, 1.0], [-1.0, 0.0, 3.0], [3.0, -1.5, -1.0],
                  [0.0, 0.5, 2.0], [2.5, 1.5, -0.5], [-2.0, -1.0, 1.5]])
    y = np.array([3.1, 0.2, 7.9, -1.4, 2.2, 1.0, 6.3, -4.0])
    coef, b0 = fc.ridge_fit(X, y, 2.0, standardize=False)
    # sklearn.linear_model.Ridge(alpha=2.0) (tests/forecast/make_reference.py)
    np.testing.assert_allclose(coef, [1.209649200798214, 1.640444648608065, -0.16554244956829275], rtol=1e-12)
    assert b0 == pytest.approx(0.4997922964455772, rel=1e-12)
    coef, b0 = fc.ridge_fit(X, X @ np.array([2.0, -1.0, 0.5]) + 1.5, 0.0)
    np.testing.assert_allclose(coef, [2.0, -1.0, 0.5], atol=1e-10)


def test_metrics_by_hand_and_pinball_reference():
    m = fc.evaluate(np.array([1.0, 2.0, 0.0, 4.0]), np.array([2.0, 2.0, 1.0, 2.0]), reference=np.array([1.0, 2, 0, 0]))
    assert m["mae"] == 1.0 and m["rmse"] == pytest.approx(math.sqrt(1.5)) and m["skill"] == 0.0
    assert m["mape"] == pytest.approx(50.0)
    y, f = np.array([10.0, 12, 9, 15, 11]), np.array([11.0, 11.5, 10, 13, 11])
    # sklearn.metrics.mean_pinball_loss(y, f, alpha=0.9) = 0.49
    assert fc.evaluate(y, f, f.reshape(-1, 1), [0.9])["pinball"] == pytest.approx(0.49, abs=1e-15)


class MeanOfLastDays(fc.PythonModel):
    name = "mean_last_days"
    min_history_hours = 96.0

    def __init__(self, days=3):
        self.days = days
        self.fits = 0

    def fit(self, data):
        self.fits += 1
        assert data["target"].shape == data["observed"].shape

    def predict(self, data, origin_unix_s, window):
        y = data["target"]
        n = len(y)
        t0 = data["time_unix_s"][0]
        out = []
        for t in window:
            i = int((t - t0) // 3600)
            while i >= n:
                i -= 24
            out.append(np.mean([y[i - 24 * d] for d in range(self.days)]))
        return np.array(out)


def test_python_model_in_a_backtest_without_look_ahead():
    rng = np.random.default_rng(3)
    grid = core.TimeGrid.from_iso("2025-03-03T00:00:00Z", 60, 42 * 24)
    hours = np.arange(42 * 24) % 24
    y = 100 + 30 * np.sin(2 * np.pi * hours / 24) + rng.uniform(0, 10, 42 * 24)
    temp = 15 + 5 * np.cos(np.arange(42 * 24) / 30.0)
    s = core.Series(grid, y, core.SeriesKind.power, "load")
    opts = fc.BacktestOptions()
    opts.min_history_days = 14
    model = MeanOfLastDays(3)
    models = [model, "ridge", "holt_winters"]
    a = fc.backtest(s, models, {"temperature_c": temp}, None, opts)
    assert set(a["models"]) == {"mean_last_days", "ridge", "holt_winters", "seasonal_naive_week"}
    assert model.fits >= 1
    assert a["point"]["ridge"].shape == a["actual"].shape
    # Corrupt everything after origin k (target) and after its window (weather): earlier forecasts stay.
    k = 10
    cut = a["origin_unix_s"][k]
    t = np.array([grid.time_unix_s(i) for i in range(42 * 24)], dtype=float)
    y_bad = np.where(t + 3600 > cut, 1e9, y)
    t_bad = np.where(t >= a["window_start_unix_s"][k] + 86400, 99.0, temp)
    b = fc.backtest(core.Series(grid, y_bad, core.SeriesKind.power, "load"), [MeanOfLastDays(3), "ridge", "holt_winters"],
                    {"temperature_c": t_bad}, None, opts)
    for name in a["point"]:
        np.testing.assert_array_equal(a["point"][name][: k + 1], b["point"][name][: k + 1], err_msg=name)
        assert not np.array_equal(a["point"][name][k + 10], b["point"][name][k + 10]), name
    assert "skill" in a["report"]


def test_bad_input_is_an_input_error():
    s = ramp(days=10)
    f = fc.make_forecaster("ridge", fc.ForecastOptions(), {"lambda": 1.0})
    with pytest.raises(ehub.InputError):
        fc.make_forecaster("ridge", fc.ForecastOptions(), {"lamda": 1.0})
    with pytest.raises(ehub.InputError):  # weather on another step
        f.fit(s, {"temperature_c": np.zeros(2 * 240)}, core.TimeGrid.from_iso("2025-01-06T00:00:00Z", 30, 480))
    w = np.full(240, 10.0)
    w[100:110] = np.nan  # a 10-hour gap
    with pytest.raises(ehub.InputError, match="gap of 10 steps"):
        f.fit(s, {"temperature_c": w})
    hw = fc.make_forecaster("holt_winters")
    with pytest.raises(ehub.InputError, match="336 h"):
        hw.fit(s)


def test_pandas_helpers():
    pd = pytest.importorskip("pandas")
    idx = pd.date_range("2025-01-06", periods=30 * 24, freq="h", tz="Asia/Shanghai")
    load = pd.Series(500 + 100 * np.sin(2 * np.pi * idx.hour / 24), index=idx, name="load")
    s = fc.series_from_pandas(load)
    assert s.grid.start_unix_s == core.parse_iso8601("2025-01-06T00:00:00+08:00")
    f = fc.make_forecaster("seasonal_naive_day", fc.ForecastOptions(calendar=fc.Calendar(480))).fit(s)
    frame = fc.forecast_frame(f.predict(s, "2025-02-03T10:00:00+08:00"), 480)
    assert list(frame.columns[:2]) == ["point", "q0.1"]
    assert frame.index[0].hour == 0
    np.testing.assert_allclose(frame["point"].to_numpy(), 500 + 100 * np.sin(2 * np.pi * np.arange(24) / 24))
