#!/usr/bin/env python3
"""Builds examples/data/reference_park.csv, the hourly series of the reference park, from the real
public data in ../shared/data (TMY3 weather, DOE reference-building load shapes).

Every step is documented in examples/data/README.md; run with the project's venv:

    .venv/bin/python examples/data/make_reference_park.py [--shared /path/to/shared/data] [--out FILE]

The script checks the seed numbers it scales to (peaks, mean daily energies) and prints them, and
fails (exit 1) when one is missed by more than 0.5 %.
"""
from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import pathlib
import sys

import numpy as np
import pandas as pd

HERE = pathlib.Path(__file__).resolve().parent
DEFAULT_SHARED = HERE.parents[2] / "shared" / "data"  # /work/main/examples/data -> /work/shared/data

HOURS = 8760
DAYS = 365
PARK_TZ = dt.timezone(dt.timedelta(hours=8))  # Beijing / Kunming local time, no DST
START = dt.datetime(2025, 1, 1, 0, 0, tzinfo=PARK_TZ)

# Seed design numbers: (peak kW, mean daily energy kWh).
SEED = {
    "office_el_kw": (3200.0, 48000.0),
    "hospital_el_kw": (1800.0, 32000.0),
    "heating_kw": (4500.0, 72000.0),
    "cooling_kw": (3800.0, 60000.0),
}
DATACENTRE_KW = 1200.0       # mean; 28.8 MWh/day
DATACENTRE_SWING = 0.03      # +-3 % daily sinusoid, highest at 15:00, lowest at 03:00 local

# Physical constants and model parameters (see README.md for their sources).
KWH_PER_MMBTU = 293.07107
BOILER_EFF = 0.8             # REopt's default boiler efficiency: fuel -> heat of the DOE profiles
CHILLER_COP_DOE = 4.55       # REopt's default COP: chiller electricity -> cooling of the DOE profiles
NOCT_C, NOCT_IRR, NOCT_AIR = 45.0, 800.0, 20.0
TEMP_COEFF = -0.004          # per K above 25 C
SYSTEM_LOSSES = 0.86         # DC+AC losses, soiling, mismatch, availability (PVWatts-like 14 %)
Z0_M, Z_REF_M, Z_HUB_M = 0.1, 10.0, 80.0


def git_blob_id(path: pathlib.Path) -> str:
    """`git hash-object FILE`: lets a reader match the inputs with the commits in the shared README."""
    data = path.read_bytes()
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def read_tmy3(path: pathlib.Path) -> pd.DataFrame:
    """TMY3 rows: hour-ending local standard time (UTC-5); irradiance = mean over the hour,
    temperature and wind = values at the stamp."""
    df = pd.read_csv(path, skiprows=1)
    if len(df) != HOURS:
        raise SystemExit(f"{path}: expected {HOURS} rows, got {len(df)}")
    return df


def interval_mean(instant: np.ndarray) -> np.ndarray:
    """Mean over hour k (stamped at its end) of an instantaneous quantity: trapezoid of the values
    at the start (previous row; the year wraps, as a typical year does) and at the end."""
    return 0.5 * (np.roll(instant, 1) + instant)


def realign_2017_to_2025(hourly: np.ndarray) -> np.ndarray:
    """DOE profiles follow 2017 (1 Jan = Sunday); 2025 starts on a Wednesday. Day d of 2025 takes
    day d+3 of 2017 (same weekday); the last 3 days of 2025 take the days a week earlier in
    2017 (d-4), so every day keeps its weekday and the season moves by at most 4 days."""
    days = hourly.reshape(DAYS, 24)
    src = np.arange(DAYS) + 3
    src[src >= DAYS] -= 7
    d2017 = [dt.date(2017, 1, 1) + dt.timedelta(days=int(j)) for j in src]
    d2025 = [dt.date(2025, 1, 1) + dt.timedelta(days=int(d)) for d in range(DAYS)]
    assert all(a.weekday() == b.weekday() for a, b in zip(d2017, d2025)), "weekday alignment broken"
    return days[src].reshape(-1)


def affine_fit(shape_kw: np.ndarray, peak_kw: float, mean_kw: float) -> tuple[np.ndarray, float, float]:
    """a + b * shape with the given annual peak and annual mean, clipped at 0. Without clipping the
    two conditions fix a and b; when a + b * shape would go negative, b is found by bisection with
    a = peak - b * max(shape) so that the clipped series still has the target mean."""
    s_max, s_mean = float(shape_kw.max()), float(shape_kw.mean())
    b = (peak_kw - mean_kw) / (s_max - s_mean)
    a = mean_kw - b * s_mean
    if (a + b * shape_kw).min() < 0:
        lo, hi = 0.0, peak_kw / max(s_max - float(shape_kw.min()), 1e-12) * 1e3
        for _ in range(200):
            b = 0.5 * (lo + hi)
            a = peak_kw - b * s_max
            m = np.clip(a + b * shape_kw, 0.0, None).mean()
            lo, hi = (b, hi) if m > mean_kw else (lo, b)
        b = 0.5 * (lo + hi)
        a = peak_kw - b * s_max
    return np.clip(a + b * shape_kw, 0.0, None), a, b


def doe(shared: pathlib.Path, kind: str, building: str) -> np.ndarray:
    """One normalised DOE CRB profile (Atlanta), 8760 fractions of the annual total."""
    f = shared / "loads" / "doe_crb" / kind / f"crb8760_norm_Atlanta_{building}.dat"
    v = np.loadtxt(f)  # accepts CRLF and a missing final newline
    if v.size != HOURS or abs(v.sum() - 1.0) > 1e-6:
        raise SystemExit(f"{f}: expected {HOURS} values summing to 1")
    return v


def annual(shared: pathlib.Path, name: str, building: str) -> float:
    return float(json.loads((shared / "loads" / "doe_crb" / f"{name}.json").read_text())["Atlanta"][building])


def build(shared: pathlib.Path) -> tuple[pd.DataFrame, dict]:
    info: dict = {"inputs": {}, "fits": {}}
    tmy_path = shared / "weather" / "723170TYA.CSV"
    info["inputs"][str(tmy_path.relative_to(shared))] = git_blob_id(tmy_path)
    tmy = read_tmy3(tmy_path)

    # Weather, moved to the park's clock as the same local (standard) hours: TMY row k (hour-ending
    # k+1 at UTC-5) becomes the park's hour k, 2025-01-01T00:00+08:00 + k h.
    ghi = tmy["GHI (W/m^2)"].to_numpy(float)          # hour mean, W/m2
    temp = np.round(interval_mean(tmy["Dry-bulb (C)"].to_numpy(float)), 2)
    v10 = interval_mean(tmy["Wspd (m/s)"].to_numpy(float))
    v80 = np.round(v10 * np.log(Z_HUB_M / Z0_M) / np.log(Z_REF_M / Z0_M), 2)

    t_cell = temp + ghi / NOCT_IRR * (NOCT_C - NOCT_AIR)
    pv = np.clip(ghi / 1000.0 * (1.0 + TEMP_COEFF * (t_cell - 25.0)) * SYSTEM_LOSSES, 0.0, 1.0)
    cop = np.clip(6.0 - 0.1 * (temp - 20.0), 2.5, 6.0)

    # DOE shapes in kW (REopt's conversions), Atlanta, re-aligned to 2025 weekdays.
    for kind in ("electric", "cooling", "space_heating", "domestic_hot_water"):
        for bld in ("LargeOffice", "Hospital"):
            p = shared / "loads" / "doe_crb" / kind / f"crb8760_norm_Atlanta_{bld}.dat"
            info["inputs"][str(p.relative_to(shared))] = git_blob_id(p)
    el_total = {"LargeOffice": annual(shared, "total_electric_annual_kwh", "largeoffice"),
                "Hospital": annual(shared, "total_electric_annual_kwh", "hospital")}
    kw = {}
    for bld in ("LargeOffice", "Hospital"):
        el = doe(shared, "electric", bld) * el_total[bld]
        chiller_el = doe(shared, "cooling", bld) * annual(shared, "cooling_electric_annual_kwh", bld)
        heat = (doe(shared, "space_heating", bld) * annual(shared, "space_heating_annual_mmbtu", bld)
                + doe(shared, "domestic_hot_water", bld) * annual(shared, "domestic_hot_water_annual_mmbtu", bld)) \
            * KWH_PER_MMBTU * BOILER_EFF
        # The park's central plant makes the cooling, so the buildings' own chiller electricity is
        # taken out of their electricity (it reappears through the park's electric chillers).
        kw[bld] = {"el_no_cooling": realign_2017_to_2025(el - chiller_el),
                   "cooling_th": realign_2017_to_2025(chiller_el * CHILLER_COP_DOE),
                   "heat_th": realign_2017_to_2025(heat)}
        assert kw[bld]["el_no_cooling"].min() >= 0

    shapes = {
        "office_el_kw": kw["LargeOffice"]["el_no_cooling"],
        "hospital_el_kw": kw["Hospital"]["el_no_cooling"],
        "heating_kw": kw["LargeOffice"]["heat_th"] + kw["Hospital"]["heat_th"],
        "cooling_kw": kw["LargeOffice"]["cooling_th"] + kw["Hospital"]["cooling_th"],
    }
    loads = {}
    for col, (peak, daily) in SEED.items():
        s = shapes[col]
        y, a, b = affine_fit(s, peak, daily / 24.0)
        loads[col] = np.round(y, 1)
        info["fits"][col] = {"shape_peak_kw": float(s.max()), "shape_mean_kw": float(s.mean()), "a_kw": a, "b": b,
                             "clipped_hours": int(((a + b * s) < 0).sum())}

    hour = np.arange(HOURS) % 24
    loads["datacentre_kw"] = np.round(DATACENTRE_KW * (1.0 + DATACENTRE_SWING *
                                                       np.sin(2 * np.pi * (hour - 9) / 24.0)), 1)

    times = [(START + dt.timedelta(hours=k)).isoformat() for k in range(HOURS)]
    df = pd.DataFrame({
        "timestamp": times,
        "pv_availability": np.round(pv, 4),
        "wind_speed_m_per_s": v80,
        "temperature_c": temp,
        "office_el_kw": loads["office_el_kw"],
        "hospital_el_kw": loads["hospital_el_kw"],
        "heating_kw": loads["heating_kw"],
        "cooling_kw": loads["cooling_kw"],
        "datacentre_kw": loads["datacentre_kw"],
        "chiller_cop": np.round(cop, 4),
    })
    pc = shared / "wind" / "oedb" / "power_curves.csv"
    if pc.is_file():
        info["inputs"][str(pc.relative_to(shared))] = git_blob_id(pc)
        info["power_curves"] = pd.read_csv(pc).set_index("turbine_type")
    return df, info


def wind_pu(v: np.ndarray, cut_in=3.0, rated=12.0, cut_out=25.0) -> np.ndarray:
    """ehub's default wind curve (cubic between cut-in and rated), for the printed check."""
    p = (v ** 3 - cut_in ** 3) / (rated ** 3 - cut_in ** 3)
    return np.where((v >= cut_in) & (v < cut_out), np.clip(p, 0.0, 1.0), 0.0)


def check(df: pd.DataFrame, info: dict) -> bool:
    ok = True
    print("inputs (git blob ids, compare with the upstream commits in the shared README):")
    for k, v in info["inputs"].items():
        print(f"  {v}  {k}")
    print("loads: peak and mean daily energy vs the seed design")
    targets = dict(SEED)
    targets["datacentre_kw"] = (DATACENTRE_KW * (1 + DATACENTRE_SWING), DATACENTRE_KW * 24)
    for col, (peak, daily) in targets.items():
        y = df[col].to_numpy()
        got_peak, got_daily = y.max(), y.sum() / DAYS
        fit = info["fits"].get(col)
        extra = f"  shape peak/mean {fit['shape_peak_kw']:.0f}/{fit['shape_mean_kw']:.0f} kW a={fit['a_kw']:.1f} kW b={fit['b']:.4f} clipped_hours={fit['clipped_hours']}" if fit else ""
        print(f"  {col:15s} peak {got_peak:8.1f} kW (seed {peak:.0f})  mean daily {got_daily / 1000:7.3f} MWh "
              f"(seed {daily / 1000:.1f})  min {y.min():7.1f} kW{extra}")
        if abs(got_peak / peak - 1) > 0.005 or abs(got_daily / daily - 1) > 0.005:
            print(f"  ERROR: {col} misses the seed numbers by more than 0.5 %")
            ok = False
    day = df["office_el_kw"].to_numpy().reshape(DAYS, 24).sum(1)
    dow = np.array([(START + dt.timedelta(days=d)).weekday() for d in range(DAYS)])
    wd, we = day[dow < 5].mean(), day[dow >= 5].mean()
    print(f"  office: weekday mean {wd / 1000:.1f} MWh, weekend mean {we / 1000:.1f} MWh ({we / wd:.0%} of a weekday)")
    wk = df["office_el_kw"].to_numpy().reshape(DAYS, 24)[dow < 5]
    print(f"  office working days: 7-20 h mean {wk[:, 7:20].mean():.0f} kW, other hours {np.delete(wk, range(7, 20), 1).mean():.0f} kW")
    heat = df["heating_kw"].to_numpy().reshape(DAYS, 24).sum(1)
    print(f"  heating: daily energy {heat.min() / 1000:.1f} .. {heat.max() / 1000:.1f} MWh")
    pv = df["pv_availability"].to_numpy()
    print(f"pv: {pv.sum():.0f} kWh/kWp a year, max {pv.max():.4f}")
    v = df["wind_speed_m_per_s"].to_numpy()
    print(f"wind at 80 m: mean {v.mean():.2f} m/s, max {v.max():.2f}; capacity factor of the park's curve "
          f"(3/12/25 m/s, cubic): {wind_pu(v).mean():.3f}")
    curves = info.get("power_curves")
    if curves is not None:  # for comparison only: real 2.5 MW curves from the OEDB turbine library
        for t in ("N90/2500", "GE100/2500", "VS112/2500", "GE120/2500"):
            r = curves.loc[t].dropna()
            speeds, kw = r.index.astype(float).to_numpy(), r.to_numpy() / 1000.0
            cf = np.interp(v, speeds, kw, left=0.0, right=0.0).mean() / kw.max()
            print(f"  for comparison, {t} (OEDB power curve): capacity factor {cf:.3f}")
    cop = df["chiller_cop"].to_numpy()
    print(f"chiller COP {cop.min():.2f} .. {cop.max():.2f} (mean {cop.mean():.2f}); "
          f"temperature {df['temperature_c'].min():.1f} .. {df['temperature_c'].max():.1f} C")
    return ok


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=pathlib.Path, default=DEFAULT_SHARED,
                    help="the shared data folder (default: %(default)s)")
    ap.add_argument("--out", type=pathlib.Path, default=HERE / "reference_park.csv")
    args = ap.parse_args()
    if not (args.shared / "weather" / "723170TYA.CSV").is_file():
        print(f"{args.shared}: not the shared data folder (no weather/723170TYA.CSV); pass --shared", file=sys.stderr)
        return 2
    df, info = build(args.shared)
    ok = check(df, info)
    tmp = args.out.with_suffix(".csv.tmp")
    df.to_csv(tmp, index=False, lineterminator="\n", float_format="%.10g")
    tmp.replace(args.out)
    print(f"wrote {args.out} ({len(df)} rows, {args.out.stat().st_size / 1024:.0f} KiB)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
