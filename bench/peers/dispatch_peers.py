"""Side-by-side dispatch LP: ehub vs PyPSA (linopy) vs oemof-solph (Pyomo), same machine, same run.

One year-long LP (default 8,760 x 1 h) that all three tools can state identically:

  PV 8,500 kWp (availability column of examples/data/reference_park.csv), wind 7,500 kW (availability
  computed here once from wind_speed_m_per_s with ehub's cubic 3/12/25 m/s curve and handed to all
  three as the same series), battery 40,000 kWh / 10,000 kW (charge and discharge efficiency
  sqrt(0.92), SOC 10..90 %, start 50 %, end >= 50 %, no self-discharge, no binaries), one CHP
  (4,000 kW el, 45 % el, 40 % thermal, fixed ratio, no minimum load, no heat dump), gas boiler
  (6,000 kW heat, 92 %), electric chiller (4,000 kW cooling, COP 4.0), hard electricity
  (office + hospital + data centre), heating and cooling loads, grid import and export up to
  12,000 kW at the time-of-use buy and sell prices of examples/data/reference_park.json, and gas
  at 3.2 CNY/m3 over 10.814 kWh/m3. No carbon price, no demand charge, no O&M costs: the objective
  is the energy cost in CNY over the horizon (grid purchases - export revenue + gas), which is what
  ehub reports as `objective` for this scenario.

Timings (wall clock, after the CSV was read and the series prepared, which is done once for all):
  setup  ehub: scenario_from_json(dict); PyPSA: Network + add(); oemof: EnergySystem + nodes
  build  ehub: result.build_s; PyPSA: n.optimize.create_model(); oemof: solph.Model(es)
  e2e    setup + build + solve + reading the results (objective and the schedule as arrays)

Usage:
  python bench/peers/dispatch_peers.py [--steps 8760] [--solver cbc|clp] [--skip pypsa] [--skip oemof]
                                       [--repeat N] [--no-warmup] [--json out.json]
Needs: pip install pypsa oemof.solph (linopy and Pyomo come with them) and the `cbc` executable
(Debian: apt-get install coinor-cbc). PyPSA/linopy and oemof/Pyomo always call the `cbc`
executable (neither has a Clp interface); --solver clp only switches ehub to its in-process Clp
backend. Exit code 1 when the objectives disagree by more than 1e-6 relative.
"""
import argparse
import gc
import json
import logging
import math
import os
import pathlib
import re
import sys
import tempfile
import time
import warnings

import numpy as np
import pandas as pd

ROOT = pathlib.Path(__file__).resolve().parents[2]
DATA = ROOT / "examples" / "data"
TOL = 1e-6

# The LP's parameters, shared by the three formulations.
P = dict(
    pv_kw=8500.0,
    wind_kw=7500.0,  # 3 x 2,500 kW
    wind_cut_in=3.0, wind_rated=12.0, wind_cut_out=25.0,
    bat_kwh=40000.0, bat_kw=10000.0, bat_eta=math.sqrt(0.92),
    bat_soc_min=0.1, bat_soc_max=0.9, bat_soc_initial=0.5,  # end of horizon: soc >= initial
    chp_kw=4000.0, chp_eta_el=0.45, chp_eta_th=0.40,
    boiler_kw=6000.0, boiler_eta=0.92,
    chiller_kw=4000.0, chiller_cop=4.0,
    grid_import_kw=12000.0, grid_export_kw=12000.0,
    gas_price_per_m3=3.2, gas_kwh_per_m3=10.814,
)


def wind_pu(v, cut_in, rated, cut_out):
    """ehub's cubic curve (src/hub/devices/builtin.cpp, wind_power_pu)."""
    v = np.asarray(v, dtype=float)
    a = cut_in ** 3
    pu = (v ** 3 - a) / (rated ** 3 - a)
    pu = np.where(v >= rated, 1.0, pu)
    return np.where((v >= cut_in) & (v < cut_out), pu, 0.0)


def load_data(steps):
    """Reads the CSV and the tariff once; returns plain numpy arrays cut to `steps` hours."""
    df = pd.read_csv(DATA / "reference_park.csv")
    if steps > len(df):
        sys.exit(f"--steps {steps} exceeds the {len(df)} rows of reference_park.csv")
    df = df.iloc[:steps]
    stamps = df["timestamp"].tolist()
    local = pd.to_datetime([s[:19] for s in stamps])  # the park's local time (+08:00)
    if steps > 1 and not (np.diff(local.values.astype("datetime64[s]").astype(np.int64)) == 3600).all():
        sys.exit("reference_park.csv is not hourly")
    park = json.loads((DATA / "reference_park.json").read_text())
    grid = next(d for d in park["devices"] if d["type"] == "grid")
    buy_h, sell_h = [None] * 24, [None] * 24
    for per in grid["tariff"]["periods"]:
        for a, b in per["hours"]:
            h = a
            while True:
                buy_h[h % 24], sell_h[h % 24] = per["buy_per_kwh"], per.get("sell_per_kwh", 0.0)
                h = (h + 1) % 24
                if h == b % 24:
                    break
    hours = local.hour.to_numpy()
    return dict(
        steps=steps,
        start=stamps[0],
        local=local,
        tariff=grid["tariff"],
        buy=np.array([buy_h[h] for h in hours], dtype=float),
        sell=np.array([sell_h[h] for h in hours], dtype=float),
        pv=df["pv_availability"].to_numpy(dtype=float),
        wind=wind_pu(df["wind_speed_m_per_s"].to_numpy(dtype=float), P["wind_cut_in"], P["wind_rated"],
                     P["wind_cut_out"]),
        el_loads={k: df[k].to_numpy(dtype=float) for k in ("office_el_kw", "hospital_el_kw", "datacentre_kw")},
        heat=df["heating_kw"].to_numpy(dtype=float),
        cool=df["cooling_kw"].to_numpy(dtype=float),
        gas_price_per_kwh=P["gas_price_per_m3"] / P["gas_kwh_per_m3"],
    )


def cbc_wallclock(log_path):
    """The solve time the cbc executable reports in its log (seconds), or nan."""
    try:
        txt = pathlib.Path(log_path).read_text()
    except OSError:
        return float("nan")
    m = re.search(r"Total time \(CPU seconds\):\s*[\d.]+\s*\(Wallclock seconds\):\s*([\d.]+)", txt)
    return float(m.group(1)) if m else float("nan")


def energy_cost(d, imp, exp, gas):
    """The objective recomputed from a schedule (kW averages over 1 h steps)."""
    return float(np.dot(d["buy"], imp) - np.dot(d["sell"], exp) + d["gas_price_per_kwh"] * np.sum(gas))


# ----------------------------------------------------------------------------------------------
def run_ehub(d, solver):
    import ehub

    t0 = time.perf_counter()
    n = d["steps"]
    vals = lambda a: {"values": a.tolist()}  # noqa: E731
    hard = {"value_of_lost_load_per_kwh": None}  # no unserved-energy variable: demand is hard
    scen = {
        "name": "dispatch peers LP",
        "currency": "CNY",
        "carbon_price_per_t": 0,
        "time": {"start": d["start"], "step_minutes": 60, "steps": n},
        "buses": [{"name": b, "carrier": c} for b, c in
                  (("el", "electricity"), ("heat", "heat"), ("cool", "cooling"), ("gas", "gas"))],
        "devices": [
            {"name": "grid", "type": "grid", "bus": "el", "import_limit_kw": P["grid_import_kw"],
             "export_limit_kw": P["grid_export_kw"], "tariff": d["tariff"]},
            {"name": "pv", "type": "pv", "bus": "el", "capacity_kw": P["pv_kw"], "availability": vals(d["pv"])},
            {"name": "wind", "type": "wind", "bus": "el", "turbines": 1, "rated_kw": P["wind_kw"],
             "availability": vals(d["wind"])},
            {"name": "gas_supply", "type": "gas_supply", "bus": "gas", "price_per_m3": P["gas_price_per_m3"],
             "heating_value_kwh_per_m3": P["gas_kwh_per_m3"]},
            {"name": "chp", "type": "chp", "ports": {"fuel": "gas", "el": "el", "heat": "heat"},
             "capacity_kw": P["chp_kw"], "electric_efficiency": P["chp_eta_el"],
             "thermal_efficiency": P["chp_eta_th"], "min_load": 0, "commitment": False, "heat_dump": False},
            {"name": "battery", "type": "battery", "bus": "el", "energy_kwh": P["bat_kwh"], "power_kw": P["bat_kw"],
             "charge_efficiency": P["bat_eta"], "discharge_efficiency": P["bat_eta"],
             "soc_min": P["bat_soc_min"], "soc_max": P["bat_soc_max"], "soc_initial": P["bat_soc_initial"],
             "end_condition": "cyclic", "self_discharge_per_h": 0, "exclusive_charge_discharge": False},
            {"name": "boiler", "type": "gas_boiler", "ports": {"in": "gas", "out": "heat"},
             "capacity_kw": P["boiler_kw"], "efficiency": P["boiler_eta"]},
            {"name": "chiller", "type": "electric_chiller", "ports": {"in": "el", "out": "cool"},
             "capacity_kw": P["chiller_kw"], "cop": P["chiller_cop"]},
            *({"name": k.removesuffix("_kw"), "type": "load", "bus": "el", "profile_kw": vals(v), **hard}
              for k, v in d["el_loads"].items()),
            {"name": "heating", "type": "load", "bus": "heat", "carrier": "heat", "profile_kw": vals(d["heat"]),
             **hard},
            {"name": "cooling", "type": "load", "bus": "cool", "carrier": "cooling", "profile_kw": vals(d["cool"]),
             **hard},
        ],
    }
    scenario = ehub.hub.scenario_from_json(scen, base_dir=str(DATA), steps=n)
    t1 = time.perf_counter()
    res = ehub.dispatch.solve(scenario, solver=solver, relax=True)
    st = res.states
    imp = np.asarray(st["grid.import_kw"])
    exp = np.asarray(st["grid.export_kw"])
    gas = np.asarray(st["gas_supply.fuel_kw"])
    obj = res.objective
    t2 = time.perf_counter()
    if res.status != "optimal":
        raise RuntimeError(f"ehub: {res.status}")
    model = res.summary()["model"]
    return dict(tool="ehub", setup_s=t1 - t0, build_s=res.build_s, e2e_s=t2 - t0, solver_s=res.solve_s, objective=obj,
                recomputed=energy_cost(d, imp, exp, gas), variables=model["variables"],
                constraints=model["constraints"], solver=f"{res.solver} (in-process)")


# ----------------------------------------------------------------------------------------------
def run_pypsa(d, solver):
    import pypsa

    t0 = time.perf_counter()
    n = pypsa.Network()
    n.set_snapshots(d["local"])
    for b in ("el", "heat", "cool", "gas", "battery"):
        n.add("Bus", b, carrier=b)
    sn = n.snapshots
    ser = lambda a: pd.Series(a, index=sn)  # noqa: E731
    n.add("Generator", "pv", bus="el", p_nom=P["pv_kw"], p_max_pu=ser(d["pv"]))
    n.add("Generator", "wind", bus="el", p_nom=P["wind_kw"], p_max_pu=ser(d["wind"]))
    n.add("Generator", "grid_import", bus="el", p_nom=P["grid_import_kw"], marginal_cost=ser(d["buy"]))
    # Export: p in [-12,000, 0]; cost sell * p <= 0 is the export revenue.
    n.add("Generator", "grid_export", bus="el", p_nom=P["grid_export_kw"], p_min_pu=-1.0, p_max_pu=0.0,
          marginal_cost=ser(d["sell"]))
    n.add("Generator", "gas_supply", bus="gas", p_nom=np.inf, marginal_cost=d["gas_price_per_kwh"])
    # Links: p0 is the input (bus0); p_nom bounds p0, so capacities on the output are divided by
    # the efficiency.
    n.add("Link", "chp", bus0="gas", bus1="el", bus2="heat", efficiency=P["chp_eta_el"],
          efficiency2=P["chp_eta_th"], p_nom=P["chp_kw"] / P["chp_eta_el"])
    n.add("Link", "boiler", bus0="gas", bus1="heat", efficiency=P["boiler_eta"],
          p_nom=P["boiler_kw"] / P["boiler_eta"])
    n.add("Link", "chiller", bus0="el", bus1="cool", efficiency=P["chiller_cop"],
          p_nom=P["chiller_kw"] / P["chiller_cop"])
    # Battery: a Store (energy) with a charging and a discharging Link; e_min_pu of the last
    # snapshot carries the end condition soc_end >= soc_initial.
    e_min = np.full(d["steps"], P["bat_soc_min"])
    e_min[-1] = max(P["bat_soc_min"], P["bat_soc_initial"])
    n.add("Store", "battery", bus="battery", e_nom=P["bat_kwh"], e_min_pu=ser(e_min), e_max_pu=P["bat_soc_max"],
          e_initial=P["bat_soc_initial"] * P["bat_kwh"], e_cyclic=False, standing_loss=0.0)
    n.add("Link", "battery_charge", bus0="el", bus1="battery", efficiency=P["bat_eta"], p_nom=P["bat_kw"])
    n.add("Link", "battery_discharge", bus0="battery", bus1="el", efficiency=P["bat_eta"],
          p_nom=P["bat_kw"] / P["bat_eta"])
    for k, v in d["el_loads"].items():
        n.add("Load", k.removesuffix("_kw"), bus="el", p_set=ser(v))
    n.add("Load", "heating", bus="heat", p_set=ser(d["heat"]))
    n.add("Load", "cooling", bus="cool", p_set=ser(d["cool"]))
    t1 = time.perf_counter()
    m = n.optimize.create_model(include_objective_constant=False)
    t2 = time.perf_counter()
    log = pathlib.Path(tempfile.mkdtemp()) / "cbc.log"
    status, cond = n.optimize.solve_model(solver_name="cbc", progress=False, log_fn=str(log))
    if status != "ok" or cond != "optimal":
        raise RuntimeError(f"PyPSA: {status} {cond}")
    obj = float(n.objective)
    gp = n.generators_t.p
    imp = gp["grid_import"].to_numpy()
    exp = -gp["grid_export"].to_numpy()
    gas = gp["gas_supply"].to_numpy()
    t3 = time.perf_counter()
    cbc_s = cbc_wallclock(log)
    return dict(tool="PyPSA/linopy", setup_s=t1 - t0, build_s=t2 - t1, e2e_s=t3 - t0, solver_s=cbc_s, objective=obj,
                recomputed=energy_cost(d, imp, exp, gas), variables=int(m.nvars), constraints=int(m.ncons),
                solver="cbc (executable)")


# ----------------------------------------------------------------------------------------------
def run_oemof(d, solver):
    from oemof import solph

    t0 = time.perf_counter()
    n = d["steps"]
    idx = pd.date_range(d["local"][0], periods=n, freq="h")
    es = solph.EnergySystem(timeindex=idx, infer_last_interval=True)
    el, heat, cool, gas = (solph.buses.Bus(label=b) for b in ("el", "heat", "cool", "gas"))
    es.add(el, heat, cool, gas)
    F = solph.flows.Flow
    es.add(
        solph.components.Source("pv", outputs={el: F(nominal_capacity=P["pv_kw"], maximum=d["pv"])}),
        solph.components.Source("wind", outputs={el: F(nominal_capacity=P["wind_kw"], maximum=d["wind"])}),
        solph.components.Source("grid_import",
                                outputs={el: F(nominal_capacity=P["grid_import_kw"], variable_costs=d["buy"])}),
        solph.components.Sink("grid_export",
                              inputs={el: F(nominal_capacity=P["grid_export_kw"], variable_costs=-d["sell"])}),
        solph.components.Source("gas_supply", outputs={gas: F(variable_costs=d["gas_price_per_kwh"])}),
        solph.components.Converter(
            "chp", inputs={gas: F()}, outputs={el: F(nominal_capacity=P["chp_kw"]), heat: F()},
            conversion_factors={el: P["chp_eta_el"], heat: P["chp_eta_th"]}),
        solph.components.Converter("boiler", inputs={gas: F()}, outputs={heat: F(nominal_capacity=P["boiler_kw"])},
                                   conversion_factors={heat: P["boiler_eta"]}),
        solph.components.Converter("chiller", inputs={el: F()},
                                   outputs={cool: F(nominal_capacity=P["chiller_kw"])},
                                   conversion_factors={cool: P["chiller_cop"]}),
        # storage_content has n + 1 time points (0 = initial, fixed); the bound of the last one
        # carries soc_end >= soc_initial; balanced=False because balanced means soc_end == soc_initial.
        solph.components.GenericStorage(
            "battery", inputs={el: F(nominal_capacity=P["bat_kw"])}, outputs={el: F(nominal_capacity=P["bat_kw"])},
            nominal_capacity=P["bat_kwh"], initial_storage_level=P["bat_soc_initial"],
            min_storage_level=[P["bat_soc_min"]] * n + [max(P["bat_soc_min"], P["bat_soc_initial"])],
            max_storage_level=P["bat_soc_max"], balanced=False, loss_rate=0.0,
            inflow_conversion_factor=P["bat_eta"], outflow_conversion_factor=P["bat_eta"]),
        *(solph.components.Sink(k.removesuffix("_kw"), inputs={el: F(nominal_capacity=1.0, fix=v)})
          for k, v in d["el_loads"].items()),
        solph.components.Sink("heating", inputs={heat: F(nominal_capacity=1.0, fix=d["heat"])}),
        solph.components.Sink("cooling", inputs={cool: F(nominal_capacity=1.0, fix=d["cool"])}),
    )
    t1 = time.perf_counter()
    m = solph.Model(es)
    t2 = time.perf_counter()
    log = pathlib.Path(tempfile.mkdtemp()) / "cbc.log"
    m.solve(solver="cbc", solve_kwargs={"tee": False, "logfile": str(log)})
    meta = solph.processing.meta_results(m)
    if str(meta["solver"]["Termination condition"]) != "optimal":
        raise RuntimeError(f"oemof: {meta['solver']['Termination condition']}")
    obj = float(m.objective())
    results = solph.processing.results(m)
    node = {str(k): k for k in es.nodes}
    flow = lambda a, b: results[(node[a], node[b])]["sequences"]["flow"].to_numpy()[:n]  # noqa: E731
    imp, exp, gasq = flow("grid_import", "el"), flow("el", "grid_export"), flow("gas_supply", "gas")
    t3 = time.perf_counter()
    cbc_s = cbc_wallclock(log)
    return dict(tool="oemof-solph/Pyomo", setup_s=t1 - t0, build_s=t2 - t1, e2e_s=t3 - t0, solver_s=cbc_s,
                objective=obj,
                recomputed=energy_cost(d, imp, exp, gasq), variables=int(m.nvariables()),
                constraints=int(m.nconstraints()), solver="cbc (executable)")


# ----------------------------------------------------------------------------------------------
def versions():
    from importlib.metadata import PackageNotFoundError, version
    import subprocess

    out = {"python": sys.version.split()[0]}
    for p in ("ehub", "pypsa", "linopy", "oemof.solph", "pyomo", "numpy", "pandas", "xarray"):
        try:
            out[p] = version(p)
        except PackageNotFoundError:
            try:
                out[p] = __import__(p).__version__
            except Exception:  # noqa: BLE001
                out[p] = "?"
    try:
        txt = subprocess.run(["cbc", "-quit"], capture_output=True, text=True, timeout=30).stdout
        out["cbc"] = next((ln.split("Version:")[1].strip() for ln in txt.splitlines() if "Version:" in ln), "?")
    except Exception:  # noqa: BLE001
        out["cbc"] = "not found"
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--steps", type=int, default=8760)
    ap.add_argument("--solver", choices=("cbc", "clp"), default="cbc",
                    help="ehub's backend; the peers always call the cbc executable")
    ap.add_argument("--skip", action="append", choices=("pypsa", "oemof"), default=[])
    ap.add_argument("--json", help="also write the measurements to this JSON file")
    ap.add_argument("--repeat", type=int, default=1, help="timed runs per tool; the table shows the best time")
    ap.add_argument("--no-warmup", dest="warmup", action="store_false",
                    help="skip the untimed 24-step solve of each tool before the timed runs")
    a = ap.parse_args()

    warnings.filterwarnings("ignore")
    logging.disable(logging.WARNING)
    # Imports first: module import time is not model building.
    import ehub  # noqa: F401
    if "pypsa" not in a.skip:
        import pypsa  # noqa: F401
    if "oemof" not in a.skip:
        from oemof import solph  # noqa: F401

    d = load_data(a.steps)
    tools = [(n, f) for n, f in (("ehub", run_ehub), ("pypsa", run_pypsa), ("oemof", run_oemof)) if n not in a.skip]
    if a.warmup:  # one untimed 24-step solve per tool: lazy imports and first-call set-up are not timed
        small = load_data(min(24, a.steps))
        for _, fn in tools:
            fn(small, a.solver)
    load_before = os.getloadavg()
    best = {}
    for rep in range(a.repeat):  # the tools take turns, so a change of machine load hits all of them
        for name, fn in tools:
            gc.collect()
            r = fn(d, a.solver)
            r["solve_read_s"] = r["e2e_s"] - r["setup_s"] - r["build_s"]
            print(f"[{rep + 1}/{a.repeat}] {name}: e2e {r['e2e_s']:.3f} s", file=sys.stderr, flush=True)
            if name not in best:
                best[name] = r
            else:  # best of the repeats, for each time separately
                for k in ("setup_s", "build_s", "solve_read_s", "solver_s", "e2e_s"):
                    best[name][k] = min(best[name][k], r[k])
    runs = [best[name] for name, _ in tools]
    load_after = os.getloadavg()

    base = runs[0]
    print(f"\nDispatch LP, {a.steps} x 1 h; ehub solver {a.solver}, peers cbc executable; "
          f"{'after' if a.warmup else 'without'} a 24-step warm-up of each tool; best of {a.repeat}; "
          f"load average {load_before[0]:.2f} before, {load_after[0]:.2f} after ({os.cpu_count()} cores)")
    hdr = (f"{'tool':<18} {'vars':>8} {'rows':>8} {'setup s':>9} {'build s':>9} {'solve+read s':>12} {'(solver s)':>10} {'e2e s':>9} "
           f"{'build x':>8} {'e2e x':>8} {'objective CNY':>18} {'rel diff':>9} {'recomputed':>18}")
    print(hdr)
    print("-" * len(hdr))
    ok = True
    for r in runs:
        r["build_ratio"] = r["build_s"] / base["build_s"]
        r["e2e_ratio"] = r["e2e_s"] / base["e2e_s"]
        r["rel_diff"] = abs(r["objective"] - base["objective"]) / max(1.0, abs(base["objective"]))
        r["rel_diff_recomputed"] = abs(r["recomputed"] - r["objective"]) / max(1.0, abs(r["objective"]))
        ok = ok and r["rel_diff"] <= TOL and r["rel_diff_recomputed"] <= TOL
        print(f"{r['tool']:<18} {r['variables']:>8} {r['constraints']:>8} {r['setup_s']:>9.3f} {r['build_s']:>9.4f} "
              f"{r['solve_read_s']:>12.3f} {r['solver_s']:>10.3f} {r['e2e_s']:>9.3f} {r['build_ratio']:>8.1f} {r['e2e_ratio']:>8.1f} {r['objective']:>18.4f} "
              f"{r['rel_diff']:>9.1e} {r['recomputed']:>18.4f}")
    spread = max(r["objective"] for r in runs) - min(r["objective"] for r in runs)
    verdict = "PASS" if ok else "FAIL"
    print(f"\nobjectives agree to {TOL:g} relative (max spread {spread / abs(base['objective']):.1e}; "
          f"each also equals the cost recomputed from its own schedule): {verdict}")
    ver = versions()
    print("versions: " + ", ".join(f"{k} {v}" for k, v in ver.items()))
    if a.json:
        pathlib.Path(a.json).write_text(json.dumps(
            {"steps": a.steps, "solver": a.solver, "runs": runs, "verdict": verdict, "versions": ver,
             "warmup": a.warmup, "repeat": a.repeat,
             "cpu": os.cpu_count(), "load_average_before": load_before, "load_average_after": load_after}, indent=1))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
