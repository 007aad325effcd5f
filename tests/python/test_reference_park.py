"""The reference park (examples/data/reference_park.json + reference_park.csv) through the CLI:
the file validates; one day (24 x 1 h and 96 x 15 min, MILP with Cbc) and one summer week
(168 x 1 h, LP with Clp) solve to optimality; and the written HDF5 schedule is re-checked without
ehub: bus balances, battery dynamics, device equations and every cost entry recomputed from the
schedule with the tariff and prices written out below (taken from the park's seed design, not
from ehub). The CSV's profiles are checked against the seed numbers."""
import json
import math
import pathlib
import subprocess
import sys

import h5py
import numpy as np
import pandas as pd
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
DATA = ROOT / "examples" / "data"
PARK = DATA / "reference_park.json"
CSV = DATA / "reference_park.csv"
SHARED = ROOT.parent / "shared" / "data"

# Seed design (issue "Energy hub network ...", section "Scenario format and the reference park").
TOU = [  # (from, to) local hours -> (buy, sell) CNY/kWh
    ([(8, 11), (18, 21)], (1.35, 0.85)),
    ([(7, 8), (11, 12), (15, 18), (21, 23)], (0.92, 0.62)),
    ([(23, 24), (0, 7)], (0.42, 0.28)),
    ([(12, 15)], (0.32, 0.20)),
]
GAS_PER_KWH = 3.2 / 10.814            # CNY/m3 over kWh/m3 (LHV)
GAS_KG_PER_KWH = 2.1622 / 10.814
DIESEL_PER_KWH = 8.0 / 11.848         # CNY/kg over kWh/kg
DIESEL_KG_PER_KWH = 3.0959 / 11.848
GRID_KG_PER_KWH = 0.5366
CARBON_PER_KG = 65.0 / 1000.0
STARTUP = {"chp1": 2000.0, "chp2": 2000.0, "diesel1": 300.0, "diesel2": 300.0}
CURTAIL_PENALTY = 1.5
VOLL = 50.0                          # ehub's default value of lost load, CNY/kWh
BATTERY_KWH, ETA = 40000.0, math.sqrt(0.92)
UTC_OFFSET_S = 8 * 3600
CSV_START_UNIX_S = 1735660800  # 2025-01-01T00:00:00+08:00


def hour_prices():
    buy, sell = np.full(24, np.nan), np.full(24, np.nan)
    for ranges, (b, s) in TOU:
        for lo, hi in ranges:
            buy[lo:hi], sell[lo:hi] = b, s
    assert not np.isnan(buy).any()
    return buy, sell


def cli(build_dir):
    return str(build_dir / "src" / "cli" / "ehub")


def solve(build_dir, tmp_path, *args):
    summary, out = tmp_path / "summary.json", tmp_path / "result.h5"
    p = subprocess.run([cli(build_dir), "solve", str(PARK), *args, "--summary", str(summary), "--out", str(out)],
                       capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    s = json.loads(summary.read_text())
    assert s["status"] == "optimal", s
    with h5py.File(out, "r") as f:
        flows = {k: (f["flows"][k][()], f["flows"][k].attrs["bus"]) for k in f["flows"]}
        flows = {k: (v, b.decode() if isinstance(b, bytes) else str(b)) for k, (v, b) in flows.items()}
        states = {k: f["states"][k][()] for k in f["states"]}
        time = f["time"][()]
    return s, time, flows, states


def check_schedule(s, time, flows, states, steps, step_minutes):
    dt = step_minutes / 60.0
    assert len(time) == steps and np.all(np.diff(time) == step_minutes * 60)

    # Every bus balances at every step: the flows into each bus (positive into the bus) sum to 0.
    buses = {b for _, b in flows.values()}
    assert buses == {"el", "heat", "cool", "gas", "diesel"}
    for bus in buses:
        f = np.array([v for v, b in flows.values() if b == bus])
        scale = np.maximum(1.0, np.abs(f).max(axis=0))
        assert np.all(np.abs(f.sum(axis=0)) <= 1e-6 * scale), bus

    # Battery: soc_t = soc_{t-1} + eta ch dt - dis dt / eta, eta = sqrt(0.92); starts at 50 %,
    # stays in 10-90 %, ends at least where it started (cyclic).
    ch, dis, soc = states["battery.charge_kw"], states["battery.discharge_kw"], states["battery.soc_kwh"]
    prev = np.concatenate([[0.5 * BATTERY_KWH], soc[:-1]])
    np.testing.assert_allclose(soc, prev + ETA * ch * dt - dis * dt / ETA, rtol=0, atol=1e-6 * BATTERY_KWH)
    assert soc.min() >= 0.1 * BATTERY_KWH - 1e-6 and soc.max() <= 0.9 * BATTERY_KWH + 1e-6
    assert soc[-1] >= 0.5 * BATTERY_KWH - 1e-6 * BATTERY_KWH
    np.testing.assert_allclose(flows["battery.el"][0], dis - ch, atol=1e-9)

    # Converters and CHPs follow their equations (COP from the CSV, seed efficiencies).
    local = (time + UTC_OFFSET_S) // 3600  # local hour index since the epoch
    csv = pd.read_csv(CSV)
    row = (time - CSV_START_UNIX_S) // 3600  # the CSV row (hour) each step falls in
    cop = csv["chiller_cop"].to_numpy()[row]
    np.testing.assert_allclose(states["electric_chillers.out_kw"], cop * states["electric_chillers.in_kw"], atol=1e-5)
    np.testing.assert_allclose(states["absorption_chiller.out_kw"], 0.7 * states["absorption_chiller.in_kw"], atol=1e-5)
    np.testing.assert_allclose(states["boiler.out_kw"], 0.92 * states["boiler.in_kw"], atol=1e-5)
    for u in ("chp1", "chp2"):
        p, fuel, heat, on = (states[f"{u}.{k}"] for k in ("p_kw", "fuel_kw", "heat_kw", "on"))
        np.testing.assert_allclose(fuel, p / 0.45, atol=1e-5)          # constant efficiency
        assert np.all(heat <= 0.40 * fuel + 1e-5)                        # heat dump allowed
        assert np.all(p <= 4000 * on + 1e-5) and np.all(p >= 1200 * on - 1e-5)
    for u in ("diesel1", "diesel2"):  # 200 g/kWh x 11.848 kWh/kg = 2.37 kWh fuel per kWh
        np.testing.assert_allclose(states[f"{u}.fuel_kw"], states[f"{u}.p_kw"] * 0.2 * 11.848, atol=1e-5)

    # Loads are the CSV's profiles of the same local hours (re-gridded values are the hour's).
    for dev, col in (("office_el", "office_el_kw"), ("hospital_el", "hospital_el_kw"), ("heating", "heating_kw"),
                     ("cooling", "cooling_kw"), ("datacentre", "datacentre_kw")):
        served = -flows[f"{dev}.in"][0]
        unserved = states[f"{dev}.unserved_kw"] + states.get(f"{dev}.curtailed_kw", 0.0)
        np.testing.assert_allclose(served + unserved, csv[col].to_numpy()[row], atol=1e-6)

    # Costs recomputed from the schedule, the tariff of each local hour and the seed prices.
    buy, sell = hour_prices()
    h = local % 24
    imp, exp = states["grid.import_kw"], states["grid.export_kw"]
    gas, diesel = states["gas_supply.fuel_kw"], states["diesel_supply.fuel_kw"]
    starts = {u: np.maximum(0.0, np.diff(np.concatenate([[0.0], np.round(states[f"{u}.on"])]))).sum() for u in STARTUP}
    emissions = dt * (GRID_KG_PER_KWH * imp.sum() + GAS_KG_PER_KWH * gas.sum() + DIESEL_KG_PER_KWH * diesel.sum())
    unserved = sum(states[k].sum() for k in states if k.endswith(".unserved_kw"))
    expected = {
        "grid_energy": dt * (imp * buy[h]).sum(),
        "export_revenue": -dt * (exp * sell[h]).sum(),
        "gas": dt * GAS_PER_KWH * gas.sum(),
        "diesel": dt * DIESEL_PER_KWH * diesel.sum(),
        "carbon": CARBON_PER_KG * emissions,
        "load_curtailment": dt * CURTAIL_PENALTY * states["datacentre.curtailed_kw"].sum(),
        "unserved": dt * VOLL * unserved,
    }
    if s["model"]["integers"] > 0:  # an LP may start a unit fractionally; only the MILP's are countable
        expected["startups"] = sum(STARTUP[u] * n for u, n in starts.items())
    got = s["kpis"]["cost_breakdown"]
    scale = max(1.0, abs(s["objective"]))
    for k, v in expected.items():
        assert got.get(k, 0.0) == pytest.approx(v, rel=1e-6, abs=1e-6 * scale), k
    assert sum(got.values()) == pytest.approx(s["objective"], rel=1e-9, abs=1e-6)
    assert s["kpis"]["emissions_kg"] == pytest.approx(emissions, rel=1e-6)
    assert s["kpis"]["grid_import_kwh"] == pytest.approx(dt * imp.sum(), rel=1e-6, abs=1e-6)


def test_reference_park_validates(build_dir):
    p = subprocess.run([cli(build_dir), "validate", str(PARK)], capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stdout + p.stderr


@pytest.mark.parametrize("args,steps,minutes", [
    (("--solver", "cbc", "--steps", "24"), 24, 60),
    (("--solver", "cbc", "--steps", "96", "--step-minutes", "15"), 96, 15),
    (("--solver", "clp", "--relax", "--steps", "168", "--start", "2025-07-14T00:00:00+08:00"), 168, 60),
], ids=["day_24x1h_cbc", "day_96x15min_cbc", "summer_week_168x1h_clp"])
def test_reference_park_schedule(build_dir, tmp_path, args, steps, minutes):
    s, time, flows, states = solve(build_dir, tmp_path, *args)
    assert s["horizon"]["steps"] == steps and s["horizon"]["step_minutes"] == minutes
    check_schedule(s, time, flows, states, steps, minutes)
    if "--relax" not in args:
        for u in STARTUP:
            assert set(np.round(states[f"{u}.on"], 6)) <= {0.0, 1.0}


def test_reference_csv_meets_the_seed_numbers():
    df = pd.read_csv(CSV)
    assert len(df) == 8760 and list(df.columns) == [
        "timestamp", "pv_availability", "wind_speed_m_per_s", "temperature_c", "office_el_kw", "hospital_el_kw",
        "heating_kw", "cooling_kw", "datacentre_kw", "chiller_cop"]
    t = pd.to_datetime(df["timestamp"])
    assert df["timestamp"][0] == "2025-01-01T00:00:00+08:00" and df["timestamp"].iloc[-1] == "2025-12-31T23:00:00+08:00"
    assert (t.diff().dropna() == pd.Timedelta(hours=1)).all()
    assert df.notna().all().all()
    # peak kW, mean daily kWh (seed); the data centre is 1.2 MW with a +-3 % daily swing.
    for col, peak, daily in (("office_el_kw", 3200, 48000), ("hospital_el_kw", 1800, 32000),
                             ("heating_kw", 4500, 72000), ("cooling_kw", 3800, 60000),
                             ("datacentre_kw", 1236, 28800)):
        v = df[col].to_numpy()
        assert v.min() >= 0
        assert v.max() == pytest.approx(peak, rel=0.005), col
        assert v.sum() / 365 == pytest.approx(daily, rel=0.005), col
    day = df["datacentre_kw"].to_numpy().reshape(365, 24).sum(axis=1)
    np.testing.assert_allclose(day, 28800, atol=1.0)
    # Office: working days (Mon-Fri in 2025, 1 Jan is a Wednesday) above weekends, 7-20 h above nights.
    office = df["office_el_kw"].to_numpy().reshape(365, 24)
    dow = (np.arange(365) + 2) % 7  # 0 = Monday
    assert office[dow < 5].sum(axis=1).mean() > 1.3 * office[dow >= 5].sum(axis=1).mean()
    assert office[dow < 5][:, 8:18].mean() > 1.8 * office[dow < 5][:, [0, 1, 2, 3, 22, 23]].mean()
    # Per-unit and derived columns.
    pv = df["pv_availability"].to_numpy().reshape(365, 24)
    assert pv.min() >= 0 and pv.max() <= 1 and pv[:, [0, 1, 2, 3, 21, 22, 23]].max() == 0
    assert 1100 < pv.sum() < 1500  # kWh/kWp a year for a mid-latitude TMY
    assert 10 <= pv.mean(axis=0).argmax() <= 13  # local solar noon hours
    cop = np.clip(6.0 - 0.1 * (df["temperature_c"] - 20.0), 2.5, 6.0)
    np.testing.assert_allclose(df["chiller_cop"], cop, atol=6e-5)
    assert df["wind_speed_m_per_s"].min() >= 0 and 3 < df["wind_speed_m_per_s"].mean() < 8


@pytest.mark.skipif(not (SHARED / "weather" / "723170TYA.CSV").is_file(), reason="no ../shared/data here")
def test_reference_csv_is_reproducible(tmp_path):
    out = tmp_path / "park.csv"
    p = subprocess.run([sys.executable, str(DATA / "make_reference_park.py"), "--shared", str(SHARED), "--out",
                        str(out)], capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stdout + p.stderr
    assert out.read_bytes() == CSV.read_bytes()
