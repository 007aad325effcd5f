#!/usr/bin/env python3
"""Forecasting peers for ehub's backtests (docs/forecasting.md).

Two jobs:

``make-csv DIR``
    Writes the inputs of the documented backtests from ``../shared/data`` (never copied into the
    repository): ``DIR/doe_atlanta.csv`` (DOE large office and hospital, Atlanta: electricity,
    cooling and space heating, kW) and ``DIR/greensboro_tmy3_2017.csv`` (the TMY3 weather on the
    same 2017 axis; a different site and weather year than the loads: see the docs).

``run CSV:COLUMN [--weather CSV]``
    The same rolling-origin backtest as ``ehub forecast --backtest`` (every day at 10:00 local time,
    the next day's 24 hours, 28 days of history before the first origin, refit every 7 days,
    expanding window), scored with the same metrics, for:

    * statsmodels ``ExponentialSmoothing`` (additive trend-free Holt-Winters, seasonal period 168,
      refitted with the same schedule, forecasting from the origin through the window);
    * scikit-learn ``Ridge`` and LightGBM ``LGBMRegressor`` on ehub's ridge / gbrt features
      (computed here with the same definitions: lags known at the origin, weekday, day group,
      yearly Fourier terms, weather).

    Prints one table with MAE, RMSE, MAPE and skill against seasonal naive (week), and writes
    ``--summary out.json`` ({"models": {name: {mae, rmse, mape, skill_vs_seasonal_naive}}}).

    The scikit-learn ridge uses squared loss, i.e. ehub's ridge with ``{"huber_k": 0}``; with the
    same features and penalty the two agree to the printed digits (a check of ehub's features).

Requires numpy, pandas, statsmodels, scikit-learn, lightgbm (PyPI).
"""
from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
DEFAULT_SHARED = Path(os.environ.get("EHUB_SHARED_DATA", HERE.parents[2] / "shared" / "data"))  # ../shared/data

MMBTU_KWH = 293.07107
BOILER_EFF = 0.8
CHILLER_COP = 4.55


# --------------------------------------------------------------------------------------------
# make-csv

def make_csv(out_dir: Path, shared: Path) -> None:
    import pandas as pd

    out_dir.mkdir(parents=True, exist_ok=True)
    base = shared / "loads" / "doe_crb"
    tot = json.loads((base / "total_electric_annual_kwh.json").read_text())
    cool = json.loads((base / "cooling_electric_annual_kwh.json").read_text())
    heat = json.loads((base / "space_heating_annual_mmbtu.json").read_text())
    # Hour 1 of the profiles is 1 January 2017 00:00-01:00 local standard time (UTC-5 in Atlanta).
    idx = pd.date_range("2017-01-01 00:00", periods=8760, freq="h")
    stamps = [t.strftime("%Y-%m-%dT%H:%M:%S-05:00") for t in idx]
    cols = {"timestamp": stamps}
    for b, key in (("LargeOffice", "office"), ("Hospital", "hospital")):
        f = lambda kind: np.loadtxt(base / kind / f"crb8760_norm_Atlanta_{b}.dat")  # noqa: E731
        cols[f"{key}_el_kw"] = np.round(f("electric") * tot["Atlanta"][b.lower()], 3)
        cols[f"{key}_cooling_kw"] = np.round(f("cooling") * cool["Atlanta"][b] * CHILLER_COP, 3)
        cols[f"{key}_heating_kw"] = np.round(f("space_heating") * heat["Atlanta"][b] * MMBTU_KWH * BOILER_EFF, 3)
    pd.DataFrame(cols).to_csv(out_dir / "doe_atlanta.csv", index=False)

    # TMY3 Greensboro: hour-ending local standard time (UTC-5); row k covers hour k of the year.
    w = pd.read_csv(shared / "weather" / "723170TYA.CSV", skiprows=1)
    t = w["Dry-bulb (C)"].to_numpy(float)
    t_mean = 0.5 * (t + np.roll(t, 1))  # instantaneous at the stamps -> hour mean
    pd.DataFrame({
        "timestamp": stamps,
        "temperature_c": np.round(t_mean, 2),
        "ghi_w_m2": w["GHI (W/m^2)"].to_numpy(float),
        "dni_w_m2": w["DNI (W/m^2)"].to_numpy(float),
        "dhi_w_m2": w["DHI (W/m^2)"].to_numpy(float),
        "wind_speed_m_s": w["Wspd (m/s)"].to_numpy(float),
    }).to_csv(out_dir / "greensboro_tmy3_2017.csv", index=False)
    print(f"wrote {out_dir / 'doe_atlanta.csv'} and {out_dir / 'greensboro_tmy3_2017.csv'}")


# --------------------------------------------------------------------------------------------
# Backtest (the same schedule and features as ehub)

def read_series(spec: str):
    import pandas as pd

    path, col = spec.rsplit(":", 1)
    df = pd.read_csv(path)
    stamps = pd.to_datetime(df.iloc[:, 0], utc=False)
    return df, col, stamps


def local_offset_minutes(stamp_text: str) -> int:
    s = stamp_text.strip()
    if s.endswith("Z"):
        return 0
    if len(s) >= 6 and s[-6] in "+-" and s[-3] == ":":
        return (-1 if s[-6] == "-" else 1) * (int(s[-5:-3]) * 60 + int(s[-2:]))
    return 0


def load_holidays(spec: str | None) -> dict:
    if not spec or spec == "none":
        return {}
    if spec == "cn-2025":
        raise SystemExit("pass the CSV file for the peers (tests/data/forecast/holidays_cn_2025.csv)")
    out = {}
    for line in Path(spec).read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#") or line.startswith("date"):
            continue
        parts = [p.strip() for p in line.split(",")]
        out[parts[0]] = parts[1]
    return out


def run_backtest(args) -> None:
    import pandas as pd

    df, col, stamps = read_series(args.target)
    offset = local_offset_minutes(str(df.iloc[0, 0]))
    y_raw = df[col].to_numpy(float)
    n = len(y_raw)
    utc = pd.to_datetime(df.iloc[:, 0], utc=True)
    local = utc + pd.Timedelta(minutes=offset)
    hour = local.dt.hour.to_numpy()
    weekday = local.dt.day_of_week.to_numpy()
    dates = local.dt.strftime("%Y-%m-%d").to_numpy()
    doy = local.dt.day_of_year.to_numpy()
    frac = (doy - 1 + hour / 24.0) / 365.25
    hol = load_holidays(args.holidays)
    eff = weekday.copy()
    grp = np.where(weekday == 6, 2, np.where(weekday == 5, 1, 0))
    for i, d in enumerate(dates):
        k = hol.get(d)
        if k == "holiday":
            eff[i], grp[i] = 6, 2
        elif k == "working":
            eff[i], grp[i] = 2, 0
    temp = ghi = None
    if args.weather:
        wdf = pd.read_csv(args.weather)
        for c in ("temp_air_c", "temperature_c", "temperature"):
            if c in wdf.columns:
                temp = wdf[c].to_numpy(float)[:n]
                break
        for c in ("ghi_w_m2", "ghi"):
            if c in wdf.columns:
                ghi = wdf[c].to_numpy(float)[:n]
                break
    spd = 24
    H = args.horizon_hours
    pos = y_raw > 0
    log = bool(pos.all() and y_raw.min() >= 0.05 * y_raw.mean()) if args.transform == "auto" else args.transform == "log"
    z = np.log(y_raw) if log else y_raw.copy()

    def latest_known_lag(i, nk, P):
        need = i - nk + 1
        k = 1 if need <= 0 else -(-need // P)
        return i - max(k, 1) * P

    def row(i, nk, o_idx, trees):
        f = []
        if trees:
            f += [hour[i], eff[i], grp[i], i - o_idx]
        else:
            f += [1.0 if eff[i] == d else 0.0 for d in range(7)]
        ld = latest_known_lag(i, nk, spd)
        lw = latest_known_lag(i, nk, 7 * spd)
        kd = (i - ld) // spd
        while kd <= 14 and grp[i - kd * spd] != grp[i]:
            kd += 1
        lg = i - kd * spd if kd <= 14 else lw
        if min(ld, lw, lg) < 0 or nk < spd:
            return None
        f += [z[ld], z[lw], z[lg], z[nk - spd:nk].mean(), z[nk - 1]]
        for h in (1, 2):
            f += [math.sin(2 * math.pi * h * frac[i]), math.cos(2 * math.pi * h * frac[i])]
        if temp is not None:
            T = temp[i]
            f += [T, max(0.0, 15.5 - T), max(0.0, T - 22.0), temp[max(0, i - spd + 1):i + 1].mean()]
            f += [temp[lg]]
        if ghi is not None:
            f += [ghi[i]]
        return f, lg

    # origins: each day at origin_hour local, first with >= 28 days of history, window = next local day
    day0 = np.nonzero(hour == 0)[0][0]
    origins = []
    o = day0 + 28 * 24 + args.origin_hour
    while True:
        w0 = o - args.origin_hour + 24
        if w0 + H > n:
            break
        origins.append((o, w0))
        o += 24
    K = len(origins)
    actual = np.array([y_raw[w0:w0 + H] for _, w0 in origins])

    def origin_for(i):
        return (i // 24) * 24 - 24 + args.origin_hour + (day0 % 24)

    # training rows for all steps (features relative to each step's scheduled origin)
    def train_rows(limit, trees):
        X, Y, H_, G = [], [], [], []
        for i in range(limit):
            oi = origin_for(i)
            if oi < 8 * spd or oi > i:
                continue
            r = row(i, oi, oi, trees)
            if r is None:
                continue
            X.append(r[0]); Y.append(z[i] - (r[0][4 + 2] if trees else 0.0)); H_.append(hour[i]); G.append(grp[i])
        return np.array(X), np.array(Y), np.array(H_), np.array(G)

    results = {}

    def score(name, P, secs):
        e = P - actual
        a = actual
        m = a != 0
        results[name] = dict(mae=float(np.mean(np.abs(e))), rmse=float(np.sqrt(np.mean(e ** 2))),
                             mape=float(100 * np.mean(np.abs(e[m]) / np.abs(a[m]))), seconds=secs)

    # seasonal naive week
    P = np.array([y_raw[w0 - 168:w0 - 168 + H] for _, w0 in origins])
    score("seasonal_naive_week", P, 0.0)

    refit = args.refit_every_days
    # statsmodels ExponentialSmoothing
    from statsmodels.tsa.holtwinters import ExponentialSmoothing
    t0 = time.perf_counter()
    P = np.zeros((K, H))
    model = None
    for k, (o, w0) in enumerate(origins):
        if k % refit == 0:
            model = ExponentialSmoothing(y_raw[:o], trend=None, seasonal="add", seasonal_periods=168,
                                         initialization_method="estimated").fit()
            params = model.params
        else:
            model = ExponentialSmoothing(y_raw[:o], trend=None, seasonal="add", seasonal_periods=168,
                                         initialization_method="known",
                                         initial_level=params["initial_level"],
                                         initial_seasonal=params["initial_seasons"]).fit(
                smoothing_level=params["smoothing_level"], smoothing_seasonal=params["smoothing_seasonal"],
                optimized=False)
        fc = model.forecast(w0 + H - o)
        P[k] = np.asarray(fc)[w0 - o:]
    score("statsmodels_ets_168", P, time.perf_counter() - t0)

    # scikit-learn Ridge (per hour and day group, as ehub) and LightGBM (pooled)
    from sklearn.linear_model import Ridge
    from sklearn.preprocessing import StandardScaler
    import lightgbm as lgb

    for name in ("sklearn_ridge", "lightgbm"):
        trees = name == "lightgbm"
        t0 = time.perf_counter()
        P = np.zeros((K, H))
        models = None
        for k, (o, w0) in enumerate(origins):
            if k % refit == 0:
                X, Y, Hh, G = train_rows(o, trees)
                if trees:
                    # ehub's gbrt defaults: 100 trees of depth 4, learning rate 0.05, >= 40 rows per
                    # leaf, 80 % row subsampling, L2 1, 64 bins.
                    models = lgb.LGBMRegressor(n_estimators=100, learning_rate=0.05, max_depth=4, num_leaves=16,
                                               min_child_samples=40, subsample=0.8, subsample_freq=1,
                                               reg_lambda=1.0, max_bin=63, verbose=-1, random_state=1).fit(X, Y)
                else:
                    models = {}
                    for h in range(24):
                        for g in (None, 0, 1, 2):
                            sel = (Hh == h) if g is None else (Hh == h) & (G == g)
                            if g is not None and sel.sum() < 30:
                                continue
                            sc = StandardScaler().fit(X[sel])
                            models[(h, g)] = (sc, Ridge(alpha=10.0).fit(sc.transform(X[sel]), Y[sel]))
            for j in range(H):
                i = w0 + j
                r, lg = row(i, o, o, trees)
                x = np.array([r])
                if trees:
                    v = models.predict(x)[0] + r[4 + 2]
                else:
                    key = (hour[i], grp[i]) if (hour[i], grp[i]) in models else (hour[i], None)
                    sc, mdl = models[key]
                    v = mdl.predict(sc.transform(x))[0]
                P[k, j] = math.exp(v) if log else v
        score(name, P, time.perf_counter() - t0)

    ref = results["seasonal_naive_week"]["mae"]
    print(f"{'model':24s} {'MAE':>10s} {'RMSE':>10s} {'MAPE%':>8s} {'skill':>7s} {'seconds':>8s}")
    for k, v in results.items():
        v["skill_vs_seasonal_naive"] = 1 - v["mae"] / ref
        print(f"{k:24s} {v['mae']:10.4g} {v['rmse']:10.4g} {v['mape']:8.2f} {v['skill_vs_seasonal_naive']:7.3f} {v['seconds']:8.2f}")
    print(f"{K} origins, {H} steps each")
    if args.summary:
        Path(args.summary).write_text(json.dumps({"models": results, "origins": K}, indent=2) + "\n")


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    m = sub.add_parser("make-csv")
    m.add_argument("out_dir", type=Path)
    m.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    r = sub.add_parser("run")
    r.add_argument("target")
    r.add_argument("--weather")
    r.add_argument("--holidays")
    r.add_argument("--horizon-hours", type=int, default=24)
    r.add_argument("--origin-hour", type=int, default=10)
    r.add_argument("--refit-every-days", type=int, default=7)
    r.add_argument("--transform", default="auto")
    r.add_argument("--summary")
    a = p.parse_args(argv)
    if a.cmd == "make-csv":
        if not a.shared.exists():
            print(f"skipped: {a.shared} not found", file=sys.stderr)
            return 0
        make_csv(a.out_dir, a.shared)
    else:
        run_backtest(a)
    return 0


if __name__ == "__main__":
    sys.exit(main())
