"""ehub.hub / ehub.dispatch from Python: scenarios from dicts, a hand-computed dispatch, pandas
output, pickling, errors with JSON paths, and the CLI's solve/validate commands."""
import json
import pickle
import subprocess

import numpy as np
import pytest

import ehub


def park(steps=2, buy=(0.2, 1.0)):
    return {
        "name": "two-hour arbitrage",
        "time": {"start": "2025-01-01T00:00:00+08:00", "step_minutes": 60, "steps": steps},
        "buses": [{"name": "el", "carrier": "electricity"}],
        "devices": [
            {"name": "grid", "type": "grid", "bus": "el", "buy_price_per_kwh": list(buy),
             "emission_factor_kg_per_kwh": 0.5},
            {"name": "load", "type": "load", "bus": "el", "profile_kw": [100.0] * steps},
            {"name": "bat", "type": "battery", "bus": "el", "energy_kwh": 100, "power_kw": 100,
             "charge_efficiency": 0.9, "discharge_efficiency": 0.9, "soc_initial": 0.0},
        ],
    }


def test_battery_arbitrage_by_hand():
    # Charge 100 kW at 0.2 (soc 90 kWh), discharge 81 kW at 1.0: 0.2*200 + 1.0*19 = 59.
    sc = ehub.hub.scenario_from_json(park())
    assert sc.devices == [("grid", "grid"), ("load", "load"), ("bat", "battery")]
    r = ehub.dispatch.solve(sc, solver="cbc")
    assert r.status == "optimal"
    assert r.objective == pytest.approx(59.0, abs=1e-6)
    np.testing.assert_allclose(r.states["bat.soc_kwh"], [90.0, 0.0], atol=1e-6)
    np.testing.assert_allclose(r.flows["bat.el"], [-100.0, 81.0], atol=1e-6)
    s = r.summary()
    assert s["kpis"]["grid_import_kwh"] == pytest.approx(219.0, abs=1e-6)
    assert s["kpis"]["emissions_kg"] == pytest.approx(109.5, abs=1e-6)
    frames = ehub.dispatch.to_pandas(r, utc_offset_minutes=480)
    assert str(frames["flows"].index[1]) == "2025-01-01 01:00:00+08:00"
    assert frames["flows"]["load.in"].tolist() == [-100.0, -100.0]
    assert frames["kpis"]["cost_total"].iloc[0] == pytest.approx(59.0, abs=1e-6)
    assert frames["cost"]["grid_energy"].iloc[0] == pytest.approx(59.0, abs=1e-6)


def test_relaxed_lp_gives_prices():
    r = ehub.dispatch.solve(ehub.hub.scenario_from_json(park(buy=(0.5, 0.5))), solver="clp", relax=True)
    # Flat price 0.5: the battery idles (losses make cycling a loss), the bus price is 0.5.
    assert r.objective == pytest.approx(100.0, abs=1e-6)
    np.testing.assert_allclose(r.prices["el"], [0.5, 0.5], atol=1e-9)


def test_scenario_pickles_and_round_trips():
    sc = ehub.hub.scenario_from_json(park(), steps=1)
    sc2 = pickle.loads(pickle.dumps(sc))
    assert len(sc2.grid) == 1 and sc2.to_json() == park()
    assert ehub.dispatch.solve(sc2, solver="cbc").status == "optimal"


def test_bad_scenario_names_the_path():
    bad = park()
    bad["devices"][2]["energy_kwh"] = -5
    with pytest.raises(ehub.InputError, match=r"/devices/2/energy_kwh: must be > 0, got -5"):
        ehub.hub.scenario_from_json(bad)
    bad = park()
    bad["devices"][1]["profile_kw"] = [1.0, float("nan")]
    with pytest.raises(ValueError, match=r"/devices/1/profile_kw"):
        ehub.hub.scenario_from_json(bad)


def test_cli_solve_and_validate(tmp_path, build_dir):
    cli = build_dir / "src" / "cli" / "ehub"
    f = tmp_path / "park.json"
    f.write_text(json.dumps(park()))
    out = tmp_path / "r.h5"
    summary = tmp_path / "s.json"
    p = subprocess.run([str(cli), "solve", str(f), "--solver", "cbc", "--out", str(out), "--summary", str(summary)],
                       capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    s = json.loads(summary.read_text())
    assert s["status"] == "optimal" and s["objective"] == pytest.approx(59.0, abs=1e-6)
    for key in ("cost_total", "green_share", "emissions_kg", "grid_import_kwh", "grid_export_kwh",
                "curtailment_kwh", "unserved_kwh"):
        assert key in s["kpis"]
    assert set(s["model"]) == {"variables", "constraints", "nonzeros", "integers"}
    assert set(s["timings"]) == {"build_s", "solve_s"}
    h5py = pytest.importorskip("h5py")
    with h5py.File(out, "r") as h:
        assert h["flows/bat.el"].attrs["carrier"] == "electricity"
        np.testing.assert_allclose(h["states/bat.soc_kwh"][:], [90.0, 0.0], atol=1e-6)
    assert subprocess.run([str(cli), "validate", str(f)], capture_output=True).returncode == 0
    bad = park()
    bad["devices"][0]["bus"] = "nowhere"
    f.write_text(json.dumps(bad))
    p = subprocess.run([str(cli), "validate", str(f)], capture_output=True, text=True)
    assert p.returncode == 1
    assert "/devices/grid/ports/el: no bus named \"nowhere\"" in p.stderr
    p = subprocess.run([str(cli), "solve"], capture_output=True, text=True)
    assert p.returncode == 2


def valley_vs_pv():
    """Cost optimum -10 with green share 0; greenest 0 with share 1 (see tests/dispatch/test_objectives.cpp)."""
    return {
        "time": {"start": "2025-01-01T00:00:00+08:00", "step_minutes": 60, "steps": 3},
        "buses": [{"name": "el", "carrier": "electricity"}],
        "devices": [
            {"name": "grid", "type": "grid", "bus": "el", "buy_price_per_kwh": [0.1, 1.0, 1.0],
             "sell_price_per_kwh": [0.0, 0.2, 0.0]},
            {"name": "pv", "type": "pv", "bus": "el", "capacity_kw": 100, "availability": [0.0, 1.0, 0.0]},
            {"name": "load", "type": "load", "bus": "el", "profile_kw": [0.0, 0.0, 100.0]},
            {"name": "bat", "type": "battery", "bus": "el", "energy_kwh": 100, "power_kw": 100,
             "charge_efficiency": 1.0, "discharge_efficiency": 1.0, "soc_initial": 0.0},
        ],
    }


def test_objectives_and_frontier_from_python():
    sc = ehub.hub.scenario_from_json(valley_vs_pv())
    assert ehub.dispatch.solve(sc, mip_gap=1e-9).summary()["kpis"]["cost_total"] == pytest.approx(-10, abs=1e-6)
    g = ehub.dispatch.solve(sc, objective="green", mip_gap=1e-9)
    assert g.summary()["kpis"]["green_share"] == pytest.approx(1.0, abs=1e-6)
    np.testing.assert_allclose(g.green["bat.discharge_kw"], [0, 0, 100], atol=1e-6)
    pts = ehub.dispatch.pareto(sc, points=5, mip_gap=1e-9)
    # frontier cost = -10 + 10 x share (by hand), cost non-decreasing along it
    np.testing.assert_allclose([p.green_share for p in pts], [0, 0.25, 0.5, 0.75, 1.0], atol=1e-6)
    np.testing.assert_allclose([p.cost_total for p in pts], [-10, -7.5, -5, -2.5, 0], atol=1e-5)


def test_infeasible_raises_with_diagnosis():
    # Half the PV (50 kWh for 100 kWh of load): the best green share is 0.5; asking 0.8 is short by
    # 0.3 x 100 = 30 kWh.
    data = valley_vs_pv()
    data["devices"][1]["capacity_kw"] = 50
    sc = ehub.hub.scenario_from_json(data)
    with pytest.raises(ehub.InfeasibleError, match=r"min_green_share cannot be met: missing 30 ") as e:
        ehub.dispatch.solve(sc, solver="clp", relax=True, min_green_share=0.8)
    assert e.value.result.status == "infeasible"
    assert issubclass(ehub.InfeasibleError, ehub.SolverError)


def test_model_export_cli_and_python(tmp_path, build_dir):
    # The exported model is the one solved: read back and solved on its own it gives the
    # dispatch's optimum (59.0, the park above, computed by hand there).
    cli = build_dir / "src" / "cli" / "ehub"
    f = tmp_path / "park.json"
    f.write_text(json.dumps(park()))
    mps, lpf = tmp_path / "m.mps", tmp_path / "m.lp"
    p = subprocess.run([str(cli), "solve", str(f), "--write-mps", str(mps), "--write-lp", str(lpf),
                        "--summary", str(tmp_path / "s.json")], capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    assert ehub.lp.solve(ehub.lp.read_mps(str(mps)), "cbc").objective == pytest.approx(59.0, abs=1e-6)
    assert "Minimize" in lpf.read_text() or "minimize" in lpf.read_text().lower()
    m = ehub.dispatch.build_model(ehub.hub.scenario_from_json(park()))
    assert m.num_integers > 0
    assert ehub.lp.solve(m, "cbc").objective == pytest.approx(59.0, abs=1e-6)
    p = subprocess.run([str(cli), "solve", str(f), "--write-mps", str(tmp_path / "no" / "dir.mps")],
                       capture_output=True, text=True)
    assert p.returncode == 1 and "dir.mps" in p.stderr
