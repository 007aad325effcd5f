"""Arrays cross the Python boundary without copies where the memory layout allows (docs/python.md,
"Where copies happen"):

- results held by a C++ object (dispatch and LP results, Series values, CSV tables, the carbon
  ledger) come out as read-only views of its memory: two reads share memory, the array does not
  own its data, and its base keeps the C++ object alive after the Python name is gone;
- results computed for the call (forecasts, backtests, physics outputs, new int64 time axes) are
  moved into arrays that own the C++ buffer through a capsule: not OWNDATA, base a PyCapsule;
- float64 C-contiguous inputs are read in place (``_input_address`` reports where the bindings read
  an ``InArray`` argument from); other dtypes and strided views take the one documented conversion.
"""
import gc
import pathlib

import numpy as np
import pytest

import ehub
from ehub import core

ROOT = pathlib.Path(__file__).resolve().parents[2]
PARK = str(ROOT / "examples" / "data" / "reference_park.json")


def is_view(a):
    """A numpy array that does not own its memory (it views C++ memory through its base)."""
    return isinstance(a, np.ndarray) and not a.flags.owndata and a.base is not None


def is_capsule_owned(a):
    return is_view(a) and type(a.base).__name__ == "PyCapsule"


@pytest.fixture(scope="module")
def day():
    sc = ehub.hub.load_scenario(PARK, start="2025-07-01T00:00:00+08:00", steps=24)
    return sc, ehub.dispatch.solve(sc, solver="clp", relax=True)


def test_dispatch_result_arrays_view_the_result(day):
    _, r = day
    for name in ("flows", "states", "prices", "green"):
        first, second = getattr(r, name), getattr(r, name)
        assert first, name
        for key, a in first.items():
            assert a.dtype == np.float64 and a.shape == (24,)
            assert is_view(a), (name, key)
            assert np.shares_memory(a, second[key]), (name, key)  # the same C++ memory, no copy per read
            assert not a.flags.writeable, "views of a result are read-only"
    with pytest.raises(ValueError):
        r.flows["pv.el"][0] = 1.0


def test_a_view_keeps_the_result_alive():
    sc = ehub.hub.load_scenario(PARK, start="2025-07-01T00:00:00+08:00", steps=24)
    r = ehub.dispatch.solve(sc, solver="clp", relax=True)
    pv = r.flows["pv.el"]
    expected = pv.copy()
    assert pv.base is r
    del r
    gc.collect()
    np.testing.assert_array_equal(pv, expected)  # the base still owns the memory


def test_lp_solution_arrays_view_the_result():
    m = ehub.lp.Model()
    x = m.add_vars(3, 0.0, 10.0, obj=-1.0)
    m.add_rows(0.0, np.array([1.0, 2.0, 3.0]), x.indices().reshape(-1, 1), np.ones((3, 1)))  # x_i <= i + 1
    r = ehub.lp.solve(m, solver="clp")
    for name in ("x", "row_activity", "duals", "reduced_costs"):
        a, b = getattr(r, name), getattr(r, name)
        assert is_view(a) and np.shares_memory(a, b) and not a.flags.writeable, name
    np.testing.assert_allclose(r.x, [1.0, 2.0, 3.0])


def test_series_values_and_csv_columns_are_views():
    g = core.TimeGrid.from_iso("2025-01-01T00:00:00Z", 60, 48)
    s = core.Series(g, np.arange(48.0))
    assert is_view(s.values) and np.shares_memory(s.values, s.values) and s.values.base is s
    np.testing.assert_array_equal(s.values, np.arange(48.0))
    t = g.times_unix_s()
    assert t.dtype == np.int64 and is_capsule_owned(t) and t.flags.writeable
    table = ehub.io.read_timeseries_csv(str(ROOT / "examples" / "data" / "reference_park.csv"))
    col = table.column("cooling_kw")
    assert is_view(col) and np.shares_memory(col, table.column("cooling_kw")) and col.base is table
    assert is_view(table.time_unix_s) and np.shares_memory(table.time_unix_s, table.time_unix_s)


def test_forecast_outputs_own_the_cpp_results():
    fc = pytest.importorskip("ehub.forecast")
    g = core.TimeGrid.from_iso("2025-01-06T00:00:00Z", 60, 40 * 24)
    y = 100 + 10 * np.sin(np.arange(g.__len__()) * 2 * np.pi / 24)
    s = core.Series(g, y)
    res = fc.make_forecaster("seasonal_naive_week").fit(s).predict(s, "2025-02-10T10:00:00Z")
    for k in ("point", "quantiles", "time_unix_s"):
        assert is_capsule_owned(res[k]), k  # moved from the C++ Forecast, not copied
    assert res["quantiles"].shape == (24, len(res["quantile_levels"]))
    bo = fc.BacktestOptions()
    bt = fc.backtest(s, ["seasonal_naive_day"], None, None, bo)
    for k in ("actual", "origin_unix_s", "window_start_unix_s"):
        assert is_capsule_owned(bt[k]), k
    assert is_capsule_owned(bt["point"]["seasonal_naive_day"])
    assert all(is_capsule_owned(q) for q in bt["quantiles"]["seasonal_naive_day"])


def test_physics_outputs_are_moved_and_inputs_read_in_place():
    ph = ehub.physics
    t = 1_735_689_600.0 + 3600.0 * np.arange(48)
    sp = ph.spa_python(t, 25.0, 102.7)
    assert all(is_capsule_owned(v) for v in sp.values())
    zen, az = sp["apparent_zenith_deg"], sp["azimuth_deg"]
    poa = ph.get_total_irradiance(20.0, 180.0, zen, az, np.full(48, 500.0), np.full(48, 600.0), np.full(48, 100.0))
    assert all(is_capsule_owned(v) for v in poa.values())
    a = ph.aoi(20.0, 180.0, zen, az)
    assert is_capsule_owned(a)
    # The same values whatever the input layout: in place (float64, contiguous) or converted once.
    strided = np.repeat(zen, 2)[::2]
    assert not strided.flags.c_contiguous
    np.testing.assert_array_equal(ph.aoi(20.0, 180.0, strided, az), a)
    np.testing.assert_allclose(ph.aoi(20.0, 180.0, zen.astype(np.float32), az), a, atol=1e-4)
    np.testing.assert_array_equal(ph.aoi(20.0, 180.0, list(zen), list(az)), a)


def test_float64_contiguous_input_is_not_copied():
    addr = ehub._core.core._input_address
    a = np.linspace(0.0, 1.0, 1000)
    assert addr(a) == a.ctypes.data  # read in place: no copy
    assert addr(a[10:]) == a[10:].ctypes.data  # a contiguous slice too
    ro = a.copy()
    ro.flags.writeable = False
    assert addr(ro) == ro.ctypes.data  # read-only input is fine: the bindings only read
    # the documented conversions: another dtype, a strided view, a list
    f32 = a.astype(np.float32)
    assert addr(f32) != f32.ctypes.data
    s = a[::2]
    assert addr(s) != s.ctypes.data
    assert isinstance(addr([1.0, 2.0]), int)


def test_carbon_ledger_series_are_views():
    carbon = ehub.carbon
    g = core.TimeGrid.from_iso("2025-01-01T00:00:00Z", 60, 4)
    led = carbon.certify(carbon.Input(g, [10.0, 10.0, 10.0, 10.0], producers=[carbon.Producer("pv", [0.0, 20.0, 5.0, 0.0])]))
    steps, again = led.steps, led.steps
    assert all(is_view(v) and np.shares_memory(v, again[k]) and v.base is led for k, v in steps.items())
    np.testing.assert_allclose(steps["matched_kwh"], [0.0, 10.0, 5.0, 0.0])
    assert is_view(led.hour_of_day_share) and led.hour_of_day_share.shape == (24,)
    issued = led.issued(0)
    assert is_capsule_owned(issued)  # computed for the call and moved, not copied
    np.testing.assert_allclose(issued, [0.0, 20.0, 5.0, 0.0])
