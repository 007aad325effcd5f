"""ehub.sim from Python: the operations loop on the reference park (rules, 2 days) with progress
(callable, tqdm, the text fallback), options and their errors, and the model-update estimators on
numpy arrays with known parameters."""
import json
import sys
import threading

import numpy as np
import pytest

import ehub

pytest.importorskip("ehub.sim")


@pytest.fixture
def park_path(root):
    return root / "examples" / "data" / "reference_park.json"


def test_rules_two_days_with_progress_callable(park_path):
    calls = []
    rep = ehub.sim.run_loop(str(park_path), strategy="rules", days=2, progress=lambda d, t: calls.append((d, t)))
    assert isinstance(rep, ehub.sim.LoopReport)
    assert rep.steps == 48
    assert rep.step_minutes == 60
    assert rep.strategy == ehub.sim.Strategy.rules
    # One call per decision (daily), done increasing to total.
    assert calls, "progress was never called"
    done = [d for d, _ in calls]
    assert all(t == 48 for _, t in calls)
    assert done == sorted(done) and len(set(done)) == len(done)
    assert done[-1] == 48
    s = rep.summary()
    assert s["strategy"] == "rules" and s["steps"] == 48 and s["days"] == pytest.approx(2.0)
    assert s["cost_total"] == pytest.approx(rep.kpis["cost_total"])
    assert s["cost_total"] > 0 and s["unserved_kwh"] == pytest.approx(0.0, abs=1e-6)
    assert "rules" in rep.brief_report() and repr(rep) == rep.brief_report()
    log = rep.log
    assert len(log["time_unix_s"]) == 48 and log["time_unix_s"].dtype == np.int64
    assert np.all(np.diff(log["time_unix_s"]) == 3600)
    assert set(log["soc_kwh"]) == {"battery"} and len(log["soc_kwh"]["battery"]) == 48
    assert {"chp1", "chp2"} <= set(log["on"])
    frame = ehub.sim.log_to_pandas(rep, 480)
    assert frame.shape[0] == 48 and "soc_kwh.battery" in frame.columns
    assert str(frame.index.tz) == "UTC+08:00"


def test_dict_scenario_equals_file(park_path):
    data = json.loads(park_path.read_text())
    opts = ehub.sim.LoopOptions(strategy="rules", days=1)
    a = ehub.sim.run_loop(str(park_path), opts)
    b = ehub.sim.run_loop(data, opts, base_dir=park_path.parent)
    assert a.steps == b.steps == 24
    assert b.kpis["cost_total"] == pytest.approx(a.kpis["cost_total"], rel=1e-9)
    # Keywords override a copy of the options; the given options are not modified.
    c = ehub.sim.run_loop(park_path, opts, days=2)
    assert c.steps == 48 and opts.days == 1


def test_progress_bar_and_text_fallback(park_path, capsys, monkeypatch):
    pytest.importorskip("tqdm")
    rep = ehub.sim.run_loop(park_path, strategy="rules", days=1, progress=True)
    assert rep.steps == 24
    assert "24/24" in capsys.readouterr().err  # tqdm writes to stderr
    monkeypatch.setitem(sys.modules, "tqdm.auto", None)  # import fails: plain text line
    ehub.sim.run_loop(park_path, strategy="rules", days=1, progress=True)
    assert "simulate rules: 24/24 steps (100%)\n" in capsys.readouterr().err


def test_callback_error_propagates_and_runs_in_threads(park_path):
    def boom(done, total):
        raise RuntimeError(f"stop at {done}")

    with pytest.raises(RuntimeError, match="stop at 24"):
        ehub.sim.run_loop(park_path, strategy="rules", days=2, progress=boom)
    # From a worker thread: the GIL is released by the loop and re-acquired by the callback.
    out, calls = {}, []
    t = threading.Thread(target=lambda: out.setdefault(
        "rep", ehub.sim.run_loop(park_path, strategy="rules", days=1, progress=lambda d, n: calls.append(d))))
    t.start()
    t.join()
    assert out["rep"].steps == 24 and calls[-1] == 24


def test_loop_options():
    o = ehub.sim.LoopOptions()
    assert o.strategy == ehub.sim.Strategy.mpc and o.strategy.name == "mpc"
    assert (o.horizon_hours, o.reoptimize_every_hours, o.days, o.progress) == (48, 24, None, None)
    o.strategy = "perfect"
    o.days = 3
    o.dispatch = ehub.dispatch.Options(solver="cbc", mip_gap=0.01)
    f = lambda d, t: None  # noqa: E731
    o.progress = f
    assert o.strategy == ehub.sim.Strategy.perfect and o.days == 3 and o.progress is f
    o.progress = None
    assert o.progress is None
    with pytest.raises(ehub.InputError) as e:
        ehub.sim.LoopOptions(horizon_hours=0)
    assert str(e.value) == "[ehub.input] horizon_hours: must be >= 1, got 0"
    with pytest.raises(ehub.InputError) as e:
        ehub.sim.LoopOptions(strategy="oracle")
    assert str(e.value) == '[ehub.input] strategy: unknown strategy "oracle"; known: perfect, mpc, rules'
    with pytest.raises(ehub.InputError) as e:
        ehub.sim.LoopOptions(horizon_hours=12, reoptimize_every_hours=24)
    assert str(e.value) == "[ehub.input] reoptimize_every_hours: must be in 1..horizon_hours (12), got 24"
    with pytest.raises(ehub.InputError, match="progress: must be callable"):
        ehub.sim.LoopOptions(progress=3)


def test_missing_file_is_an_input_error(tmp_path):
    with pytest.raises(ehub.InputError):
        ehub.sim.run_loop(tmp_path / "nope.json", strategy="rules", days=1)


# ---------------------------------------------------------------------------------------------
# model update

def simulate_battery(rng, n=1500, dt=0.25, eta_c=0.95, eta_d=0.94, loss=0.001, noise_kwh=0.0):
    c, g, soc = np.zeros(n), np.zeros(n), np.zeros(n)
    s = 1000.0
    for t in range(n):
        mode, p = rng.random(), 500.0 * rng.random()
        ct, gt = (p, 0.0) if mode < 0.4 else (0.0, p) if mode < 0.8 else (0.0, 0.0)
        nxt = (1 - loss) * s + eta_c * ct * dt - gt * dt / eta_d
        if not 200.0 <= nxt <= 1800.0:
            ct = gt = 0.0
            nxt = (1 - loss) * s
        s = nxt
        c[t], g[t], soc[t] = ct, gt, s
    return c, g, soc + noise_kwh * rng.standard_normal(n)


def test_estimate_battery_round_trip():
    rng = np.random.default_rng(42)
    c, g, soc = simulate_battery(rng)
    e = ehub.sim.estimate_battery(c, g, soc, 0.25)
    assert e.charge_efficiency == pytest.approx(0.95, abs=1e-9)
    assert e.discharge_efficiency == pytest.approx(0.94, abs=1e-9)
    assert e.round_trip_efficiency == pytest.approx(0.95 * 0.94, abs=1e-9)
    assert e.loss_per_step == pytest.approx(0.001, abs=1e-9)
    assert e.self_discharge_per_h == pytest.approx(0.004, abs=1e-9)
    assert e.fit.points == 1499 and e.fit.rmse < 1e-9
    # With a 0.5 kWh SOC meter noise the standard errors are ~3e-4 (see tests/sim/test_estimate.cpp).
    c, g, soc = simulate_battery(rng, noise_kwh=0.5)
    e = ehub.sim.estimate_battery(list(c), list(g), soc, 0.25)
    assert e.charge_efficiency == pytest.approx(0.95, abs=3e-3)
    assert e.discharge_efficiency == pytest.approx(0.94, abs=3e-3)
    assert e.fit.rmse == pytest.approx(0.5 * np.sqrt(2), rel=0.1)
    assert "BatteryEstimate(eta_c=" in repr(e)


def test_estimate_chp_chiller_pv_round_trip():
    rng = np.random.default_rng(1)
    on = (rng.random(500) < 0.7).astype(float)
    p = on * (400 + 600 * rng.random(500))
    fuel = 120 * on + 2.3 * p
    e = ehub.sim.estimate_chp_fuel(p, fuel, rated_kw=1000.0, on=on)
    assert (e.no_load_fuel_kw, e.fuel_per_kw_el) == pytest.approx((120.0, 2.3), abs=1e-9)
    assert e.electric_efficiency_at_rated == pytest.approx(1000 / 2420, abs=1e-12)
    assert e.electric_efficiency_at(500.0) == pytest.approx(500 / 1270, abs=1e-12)
    assert ehub.sim.estimate_chp_fuel(p, fuel, 1000.0).fit.points == int(on.sum())

    temp = 15 + 23 * rng.random(400)
    el = 20 + 280 * rng.random(400)
    el[:10] = 1.0  # below the threshold
    cool = el * (5.2 - 0.06 * temp)
    e = ehub.sim.estimate_chiller_cop(cool, el, temp, min_electricity_kw=5.0)
    assert (e.cop_at_0c, e.cop_per_degc) == pytest.approx((5.2, -0.06), abs=1e-9)
    assert e.cop_at(30.0) == pytest.approx(3.4, abs=1e-9) and e.fit.points == 390

    ref = np.clip(np.sin(np.linspace(0, 20 * np.pi, 480)), 0, None)
    ac = 0.81 * 5000 * ref + 10 * rng.standard_normal(480) * (ref > 0)
    e = ehub.sim.estimate_pv_performance_ratio(ac, ref, capacity_kw=5000.0)
    # se = 10 / (5000 * |ref|) ~ 1.3e-4
    assert e.performance_ratio == pytest.approx(0.81, abs=1e-3)
    assert e.fit.rmse == pytest.approx(10.0, rel=0.2) and e.fit.r_squared > 0.99


def test_estimator_bad_input_has_the_cpp_message():
    with pytest.raises(ehub.InputError) as e:
        ehub.sim.estimate_battery(np.zeros(6), np.zeros(5), np.zeros(6), 1.0)
    assert str(e.value) == "[ehub.input] discharge_kw: length 5 differs from charge_kw (6)"
    with pytest.raises(ValueError) as e:  # InputError is a ValueError
        ehub.sim.estimate_chiller_cop([400, 420, 380], [100, 100, 100], [25, 25, 25])
    assert str(e.value) == ("[ehub.input] temperature_c: singular design: the temperature is constant over the "
                            "usable steps, so the COP slope cannot be estimated")
    with pytest.raises(ehub.InputError) as e:
        ehub.sim.estimate_pv_performance_ratio([1.0, np.nan], [0.5, 0.5], 10.0)
    assert str(e.value) == "[ehub.input] ac_kw: not finite at index 1"


def test_executed_schedule_balances_and_writes(tmp_path, park_path):
    """The loop's executed schedule: every bus balances at every step (summed from the flows here),
    the green share recomputed from the per-step balance equals the KPI, and write_loop_h5 writes
    one group per strategy in the dispatch layout."""
    h5py = pytest.importorskip("h5py")
    r = ehub.sim.run_loop(str(park_path), strategy="rules", days=2)
    ex = r.executed
    assert ex.consumption_kw.shape == (48,)
    by_bus = {}
    for name, kw in ex.flows.items():
        bus, _ = ex.flow_buses[name]
        by_bus[bus] = by_bus.get(bus, 0) + np.asarray(kw)
    for bus, total in by_bus.items():
        scale = max(1.0, max(np.abs(np.asarray(kw)).max() for kw in ex.flows.values()))
        assert np.abs(total).max() <= 1e-6 * scale, bus
    assert ex.green_matched_kw.sum() / ex.consumption_kw.sum() == pytest.approx(r.kpis["green_share"], rel=1e-12)
    path = tmp_path / "loop.h5"
    ehub.sim.write_loop_h5([r], str(path))
    with h5py.File(path) as f:
        assert sorted(f["rules"].keys()) == ["balance", "flows", "green", "states", "time"]
        assert f["rules/time"].shape == (48,)
        assert json.loads(f["rules"].attrs["summary"])["steps"] == 48


def test_twin_execute_takes_the_deviation_on_the_battery():
    """ehub.sim.execute: the plan expected 200 kW of load from the grid, the actual load is 300 kW;
    the battery (efficiencies 1, 10 MWh, SOC 0.5) discharges the 100 kW first and the import stays
    at 200 kW; cost 200 x 1.0 = 200 (the policy's deviation prices are not costs)."""
    window = {
        "name": "twin step",
        "time": {"start": "2025-06-01T10:00:00+08:00", "step_minutes": 60, "steps": 1},
        "buses": [{"name": "el", "carrier": "electricity"}],
        "devices": [
            {"name": "grid", "type": "grid", "bus": "el", "buy_price_per_kwh": 1.0, "sell_price_per_kwh": 0.1,
             "emission_factor_kg_per_kwh": 0.5},
            {"name": "battery", "type": "battery", "bus": "el", "energy_kwh": 10000, "power_kw": 500,
             "charge_efficiency": 1.0, "discharge_efficiency": 1.0, "soc_initial": 0.5, "end_condition": "free"},
            {"name": "load", "type": "load", "bus": "el", "profile_kw": [300.0]},
        ],
    }
    pins = {"battery": {"charge_kw": [0.0], "discharge_kw": [0.0]}, "grid": {"import_kw": [200.0], "export_kw": [0.0]}}
    tr = ehub.sim.execute(window, pins)
    assert tr.executed.states["battery.discharge_kw"][0] == pytest.approx(100.0, abs=1e-6)
    assert tr.executed.states["grid.import_kw"][0] == pytest.approx(200.0, abs=1e-6)
    assert tr.executed.objective == pytest.approx(200.0, abs=1e-6)
    assert tr.executed.summary()["kpis"]["cost_total"] == pytest.approx(200.0, abs=1e-6)
    assert "balancing_penalty" not in tr.executed.summary()["kpis"]["cost_breakdown"]
