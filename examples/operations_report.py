#!/usr/bin/env python3
"""Year report of the operations loop: KPI table and figures from an `ehub simulate` run.

Run the loop first (the whole data year of the reference park, every strategy), then this script:

    build/dev/src/cli/ehub simulate examples/data/reference_park.json --strategy all \\
        --out run.h5 --summary run.json
    python examples/operations_report.py --h5 run.h5 --summary run.json --out-dir report \\
        [--scenario examples/data/reference_park.json] [--dpi 80]

It writes into --out-dir:

    report.md                  the KPI table (Markdown) and the figures below, embedded by relative path
    kpis.csv                   the same table as CSV (one column per strategy, numbers unformatted)
    monthly_green_share.csv    month, strategy, consumption_kwh, green_matched_kwh, green_share
    dispatch_winter_week.png   electricity bus, the 7 days with the highest heat load, one panel per strategy
    dispatch_summer_week.png   the same for the 7 days with the highest cooling load
    monthly_green_share.png    hourly-certificate green share per month and strategy
    cost_breakdown.png         cost categories stacked per strategy (revenues below zero), total marked
    soc.png                    state of charge of each storage: the whole run (day x hour map per strategy)
                               and the summer week

and prints the table to stdout.

Inputs (layout of `ehub simulate --out/--summary`, docs/operations.md):
- run.h5: one group per strategy /<strategy>/ with /time (int64 unix s of each step's start),
  /flows/<device>.<port> (kW, positive into the bus; attributes bus, carrier, device_type),
  /states/<device>.<name> (e.g. battery.soc_kwh), /balance/electricity_consumption_kw and
  /balance/green_matched_kw (per step: the green share's denominator and numerator), and the
  group attribute "summary" (the strategy's KPIs as JSON text).
- run.json: each strategy's KPIs under its name, value_of_optimisation, cost_of_forecast_error.
  Optional: without it the KPIs come from the HDF5 groups' "summary" attributes.
- --scenario: the scenario JSON, read only for the local time (utc offset: months and weeks are
  local) and the currency. Default: the "file" recorded in run.json, if it exists.

Any number of days works: a run shorter than a year gets bars for the months it covers (a partial
month is labelled with its number of days) and its winter/summer weeks are chosen inside the run
(a run shorter than 7 days shows all of it). Strategies missing from the run are left out.
Needs numpy, h5py and matplotlib (Agg backend); uses ehub.plot.dispatch_stack when `ehub` is
importable (PYTHONPATH=build/dev/python), else an equivalent stack drawn here.
"""
from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import math
import pathlib
import sys
from typing import Dict, List, Optional, Sequence

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402

KNOWN_STRATEGIES = ("rules", "mpc", "perfect")
DAY_S = 86400


class ReportError(Exception):
    """Bad or incomplete input; the message names the file and the place."""


# ---------------------------------------------------------------------------------------------
# reading the run

class StrategyRun:
    """One strategy's executed schedule from the HDF5 file (arrays read on demand)."""

    def __init__(self, h5, h5_path: str, name: str):
        self.h5, self.h5_path, self.name = h5, h5_path, name
        self.group = h5[name]
        self.time = self.dataset("time").astype("int64")
        if self.time.size == 0:
            raise ReportError(f"{h5_path}: dataset '/{name}/time' is empty")
        attr = self.group.attrs.get("step_minutes")
        if attr is not None:
            self.step_s = int(round(float(attr) * 60))
        elif self.time.size >= 2:
            self.step_s = int(self.time[1] - self.time[0])
        else:
            self.step_s = 3600
        self.step_h = self.step_s / 3600.0

    def has(self, path: str) -> bool:
        return path in self.group

    def dataset(self, path: str) -> np.ndarray:
        """/<strategy>/<path> as a float or int array; ReportError naming file and path if absent."""
        full = f"/{self.name}/{path}"
        if path not in self.group:
            raise ReportError(f"{self.h5_path}: no dataset '{full}' (written by `ehub simulate --out`; "
                              f"is this file from an older or different command?)")
        obj = self.group[path]
        if not hasattr(obj, "shape"):
            raise ReportError(f"{self.h5_path}: '{full}' is a group, expected a dataset")
        arr = np.asarray(obj[()])
        if path != "time" and arr.shape != self.time.shape:
            raise ReportError(f"{self.h5_path}: dataset '{full}' has {arr.size} values, "
                              f"'/{self.name}/time' has {self.time.size}")
        return arr

    def names(self, path: str) -> List[str]:
        """Dataset names in the subgroup `path` (e.g. "flows"); ReportError if the group is absent."""
        if path not in self.group:
            raise ReportError(f"{self.h5_path}: no group '/{self.name}/{path}'")
        return list(self.group[path].keys())

    def flow_attrs(self, key: str) -> Dict[str, str]:
        a = self.group["flows"][key].attrs
        return {k: (v.decode() if isinstance(v, bytes) else v) for k, v in a.items()}

    def summary_attr(self) -> Optional[dict]:
        s = self.group.attrs.get("summary")
        if s is None:
            return None
        return json.loads(s.decode() if isinstance(s, bytes) else s)


def load_loads(run: StrategyRun, carrier: str) -> np.ndarray:
    """Total load (kW, positive) of the `load` devices on `carrier`; zeros if there are none."""
    total = np.zeros(run.time.size)
    for key in run.names("flows"):
        a = run.flow_attrs(key)
        if a.get("device_type") == "load" and a.get("carrier") == carrier:
            total += -run.dataset("flows/" + key)
    return total


def read_scenario(path: Optional[pathlib.Path]) -> dict:
    """utc_offset_minutes and currency of the scenario (fallbacks: UTC, no currency)."""
    info = {"utc_offset_minutes": 0, "currency": "", "path": None}
    if path is None:
        return info
    try:
        sc = json.loads(path.read_text())
    except (OSError, ValueError) as e:
        raise ReportError(f"{path}: cannot read the scenario JSON: {e}") from None
    info["path"] = str(path)
    info["currency"] = sc.get("currency", "")
    t = sc.get("time", {})
    if "utc_offset_minutes" in t:
        info["utc_offset_minutes"] = int(t["utc_offset_minutes"])
    elif "start" in t:
        start = dt.datetime.fromisoformat(str(t["start"]).replace("Z", "+00:00"))
        off = start.utcoffset()
        info["utc_offset_minutes"] = int(off.total_seconds() // 60) if off is not None else 0
    return info


def local_datetimes(time_unix_s: np.ndarray, utc_offset_minutes: int) -> np.ndarray:
    """Step starts as naive local datetime64[s] (what the axes and month boundaries use)."""
    return (np.asarray(time_unix_s, dtype="int64") + int(utc_offset_minutes) * 60).astype("datetime64[s]")


# ---------------------------------------------------------------------------------------------
# numbers

def monthly_green_share(run: StrategyRun, utc_offset_minutes: int) -> List[dict]:
    """Per local calendar month: sum of green matched / sum of electricity consumption (kWh)."""
    cons = run.dataset("balance/electricity_consumption_kw")
    matched = run.dataset("balance/green_matched_kw")
    months = local_datetimes(run.time, utc_offset_minutes).astype("datetime64[M]")
    rows = []
    for m in np.unique(months):
        sel = months == m
        c = float(cons[sel].sum() * run.step_h)
        g = float(matched[sel].sum() * run.step_h)
        days = float(sel.sum() * run.step_s / DAY_S)
        rows.append({"month": str(m), "strategy": run.name, "days": days, "consumption_kwh": c,
                     "green_matched_kwh": g, "green_share": g / c if c > 0 else float("nan")})
    return rows


def pick_week(time_unix_s: np.ndarray, load_kw: np.ndarray, step_s: int, utc_offset_minutes: int):
    """[first, last) steps of the 7 local days (starting at a local midnight) with the most load.

    A run of 7 days or less gives the whole run. Returns (first, last)."""
    n = time_unix_s.size
    week = 7 * DAY_S // step_s
    if n <= week:
        return 0, n
    local = time_unix_s + utc_offset_minutes * 60
    starts = [i for i in range(n - week + 1) if local[i] % DAY_S == 0] or list(range(0, n - week + 1, DAY_S // step_s))
    csum = np.concatenate([[0.0], np.cumsum(load_kw)])
    best = max(starts, key=lambda i: (csum[i + week] - csum[i], -i))
    return best, best + week


def fmt_num(v, spec: str) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "-"
    s = format(v, spec)
    if s.lstrip("-").replace("0", "").replace(".", "").replace(",", "").replace("%", "").strip() == "":
        s = s.lstrip("-")  # no "-0.0"
    return s


def mae_unit(key: str) -> str:
    if key.endswith("_kw"):
        return "kW"
    if key.endswith("_m_per_s"):
        return "m/s"
    if key.endswith("availability"):
        return "p.u."
    return ""


def kpi_rows(summaries: Dict[str, dict], currency: str) -> List[dict]:
    """Rows {label, values{strategy: number or None}, fmt} of the KPI table."""
    strategies = list(summaries)
    cur = f" ({currency})" if currency else ""

    def row(label, get, spec):
        vals = {}
        for s in strategies:
            try:
                vals[s] = get(summaries[s])
            except (KeyError, TypeError):
                vals[s] = None
        return {"label": label, "values": vals, "fmt": spec}

    rows = [row("cost total" + cur, lambda k: k["cost_total"], ",.0f")]
    cats = sorted({c for k in summaries.values() for c in k.get("cost_breakdown", {})})
    for c in cats:
        rows.append(row(f"cost: {c}", lambda k, c=c: k["cost_breakdown"][c], ",.0f"))
    rows.append(row("green share (hourly certificates, %)", lambda k: 100 * k["green_share"], ".2f"))
    rows.append(row("emissions (t CO2)", lambda k: k["emissions_kg"] / 1000, ",.1f"))
    rows.append(row("unserved (kWh)", lambda k: k["unserved_kwh"], ",.1f"))
    rows.append(row("grid import (MWh)", lambda k: k["grid_import_kwh"] / 1000, ",.1f"))
    rows.append(row("grid export (MWh)", lambda k: k["grid_export_kwh"] / 1000, ",.1f"))
    rows.append(row("curtailment (MWh)", lambda k: k["curtailment_kwh"] / 1000, ",.1f"))
    for st in sorted({c for k in summaries.values() for c in k.get("storage_cycles", {})}):
        rows.append(row(f"{st} cycles (equivalent full)", lambda k, st=st: k["storage_cycles"][st], ",.1f"))
    for m in sorted({c for k in summaries.values() for c in k.get("forecast_mae", {})}):
        u = mae_unit(m)
        rows.append(row(f"forecast MAE: {m}" + (f" ({u})" if u else ""), lambda k, m=m: k["forecast_mae"][m], ",.3f"))
    return rows


def markdown_table(rows: List[dict], strategies: Sequence[str]) -> str:
    out = ["| KPI | " + " | ".join(strategies) + " |", "|---|" + "---:|" * len(strategies)]
    for r in rows:
        out.append(f"| {r['label']} | " + " | ".join(fmt_num(r["values"][s], r["fmt"]) for s in strategies) + " |")
    return "\n".join(out)


def comparison_lines(summary_json: dict, summaries: Dict[str, dict], currency: str) -> List[str]:
    def cost(s):
        return summaries[s]["cost_total"] if s in summaries else None

    cur = f" {currency}" if currency else ""
    lines = []
    for key, a, b, label in (("value_of_optimisation", "rules", "mpc", "value of optimisation (rules - mpc)"),
                             ("cost_of_forecast_error", "mpc", "perfect", "cost of forecast error (mpc - perfect)")):
        if cost(a) is None or cost(b) is None:
            continue
        v = summary_json.get(key, cost(a) - cost(b))
        rel = f" ({100 * v / cost(a):.1f} % of the {a} cost)" if cost(a) else ""
        lines.append(f"{label}: {fmt_num(v, ',.0f')}{cur}{rel}")
    return lines


# ---------------------------------------------------------------------------------------------
# figures

class _Grid:
    def __init__(self, times, step_s):
        self._t = np.asarray(times, dtype="int64")
        self.step_minutes = step_s // 60
        self.step_hours = step_s / 3600.0
        self.start_unix_s = int(self._t[0])

    def times_unix_s(self):
        return self._t

    def __len__(self):
        return self._t.size


class _WeekResult:
    """The parts of a dispatch Result that ehub.plot.dispatch_stack reads, for steps [a, b)."""

    def __init__(self, run: StrategyRun, a: int, b: int):
        self.grid = _Grid(run.time[a:b], run.step_s)
        self.flows, self.flow_buses = {}, {}
        for key in run.names("flows"):
            attrs = run.flow_attrs(key)
            self.flows[key] = run.dataset("flows/" + key)[a:b]
            self.flow_buses[key] = (attrs.get("bus", ""), attrs.get("carrier", ""))
        self.states = {k: run.dataset("states/" + k)[a:b] for k in run.names("states") if k.endswith(".soc_kwh")}
        self.green = {}


def figure_dispatch_week(runs: Dict[str, StrategyRun], a: int, b: int, what: str, utc_offset_minutes: int, path,
                         dpi: int):
    from matplotlib.figure import Figure

    from ehub.plot import dispatch_stack
    fig = Figure(figsize=(12, 3.3 * len(runs) + 0.4), layout="constrained")
    axes = fig.subplots(len(runs), 1, sharex=True, squeeze=False)[:, 0]
    first = next(iter(runs.values()))
    t0 = local_datetimes(first.time[a:a + 1], utc_offset_minutes)[0]
    days = (b - a) * first.step_s / DAY_S
    for ax, (name, run) in zip(axes, runs.items()):
        res = _WeekResult(run, a, b)
        title = f"{name}: electricity bus (supply above zero, demand below)"
        dispatch_stack(res, "electricity", utc_offset_minutes=utc_offset_minutes, ax=ax, title=title)
    for ax in axes[:-1]:
        ax.set_xlabel("")
    fig.suptitle(f"{what}: {days:g} days from {str(t0)[:10]} (local time)")
    fig.savefig(str(path), dpi=dpi)


def figure_monthly_green(monthly: List[dict], strategies: Sequence[str], annual: Dict[str, float], path, dpi: int):
    from matplotlib.figure import Figure

    months = sorted({r["month"] for r in monthly})
    by = {(r["month"], r["strategy"]): r for r in monthly}
    fig = Figure(figsize=(max(8.5, 0.9 * len(months) + 3), 4.2), layout="constrained")
    ax = fig.add_subplot(1, 1, 1)
    width = 0.8 / max(1, len(strategies))
    x = np.arange(len(months))
    for k, s in enumerate(strategies):
        vals = [100 * by[(m, s)]["green_share"] if (m, s) in by else np.nan for m in months]
        label = f"{s} (run: {100 * annual[s]:.1f} %)" if s in annual else s
        ax.bar(x + (k - (len(strategies) - 1) / 2) * width, vals, width, label=label, color=STRATEGY_COLORS.get(s))
    labels = []
    for m in months:
        y, mo = (int(v) for v in m.split("-"))
        ndays = (dt.date(y + (mo == 12), mo % 12 + 1, 1) - dt.date(y, mo, 1)).days
        d = max(by[(m, s)]["days"] for s in strategies if (m, s) in by)
        labels.append(dt.date(y, mo, 1).strftime("%b %Y") + ("" if d >= ndays - 1e-9 else f"\n({d:g} d)"))
    ax.set_xticks(x, labels, fontsize="small")
    ax.set_ylabel("green share of electricity consumption (%)")
    ax.set_title("Monthly green share (hourly certificates: matched / consumption)")
    ax.grid(True, axis="y", alpha=0.3)
    ax.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    fig.savefig(str(path), dpi=dpi)


STRATEGY_COLORS = {"rules": "#7f7f7f", "mpc": "#1f77b4", "perfect": "#2ca02c"}
COST_COLORS = {"grid_energy": "#7f7f7f", "gas": "#8c564b", "diesel": "#4d4d4d", "carbon": "#bcbd22",
               "startups": "#d62728", "demand_charge": "#ff7f0e", "export_revenue": "#1f77b4",
               "unserved": "#e377c2", "load_curtailment": "#9467bd"}


def figure_cost_breakdown(summaries: Dict[str, dict], currency: str, path, dpi: int):
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter

    strategies = list(summaries)
    cats = sorted({c for k in summaries.values() for c in k.get("cost_breakdown", {})})
    # keep categories that are non-zero somewhere
    cats = [c for c in cats if any(abs(k.get("cost_breakdown", {}).get(c, 0.0)) > 1e-6 for k in summaries.values())]
    fig = Figure(figsize=(3.0 + 1.6 * len(strategies), 4.8), layout="constrained")
    ax = fig.add_subplot(1, 1, 1)
    x = np.arange(len(strategies))
    pos_base, neg_base = np.zeros(len(strategies)), np.zeros(len(strategies))
    palette = iter(matplotlib.colormaps["tab10"].colors)
    scale = 1e6 if max(abs(k["cost_total"]) for k in summaries.values()) >= 1e7 else 1e3
    unit = ("M" if scale == 1e6 else "k") + (f" {currency}" if currency else "")
    for c in cats:
        v = np.array([summaries[s].get("cost_breakdown", {}).get(c, 0.0) for s in strategies]) / scale
        pos, neg = np.clip(v, 0, None), np.clip(v, None, 0)
        color = COST_COLORS.get(c) or next(palette)
        ax.bar(x, pos, 0.6, bottom=pos_base, color=color, label=c)
        ax.bar(x, neg, 0.6, bottom=neg_base, color=color, hatch="//" if neg.any() else None)
        pos_base += pos
        neg_base += neg
    totals = np.array([summaries[s]["cost_total"] for s in strategies]) / scale
    ax.plot(x, totals, "D", color="black", label="total")
    for xi, t in zip(x, totals):
        ax.annotate(f"{t:,.1f}", (xi, t), xytext=(8, 0), textcoords="offset points", va="center", fontsize="small")
    ax.axhline(0, color="black", linewidth=0.6)
    lo, hi = min(neg_base.min(), totals.min(), 0.0), max(pos_base.max(), totals.max(), 0.0)
    ax.set_ylim(lo - 0.06 * (hi - lo), hi + 0.06 * (hi - lo))
    ax.set_xlim(-0.6, len(strategies) - 0.4)
    ax.set_xticks(x, strategies)
    ax.set_ylabel(f"cost ({unit}); revenues below zero")
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _p: f"{v:,.0f}"))
    ax.set_title("Cost by category")
    ax.grid(True, axis="y", alpha=0.3)
    ax.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    fig.savefig(str(path), dpi=dpi)


def _soc_by_day(run: StrategyRun, soc: np.ndarray, utc_offset_minutes: int):
    """SOC (end of step) as a [step of the local day, local day] array (NaN outside the run), and the
    day edges as datetime64 (local midnights)."""
    local = run.time + utc_offset_minutes * 60
    day0 = local[0] - local[0] % DAY_S
    day = (local - day0) // DAY_S
    slot = (local % DAY_S) // run.step_s
    grid = np.full((DAY_S // run.step_s, int(day[-1]) + 1), np.nan)
    grid[slot, day] = soc
    edges = (day0 + DAY_S * np.arange(grid.shape[1] + 1)).astype("datetime64[s]")
    return grid, edges


def figure_soc(runs: Dict[str, StrategyRun], week: tuple, utc_offset_minutes: int, path, dpi: int):
    """Per storage: the whole run (a day x hour heat map per strategy when the run has 14 days or
    more, else lines) and the summer week, hourly, one line per strategy."""
    import matplotlib.dates as mdates
    from matplotlib.figure import Figure

    first = next(iter(runs.values()))
    storages = sorted({k[:-len(".soc_kwh")] for r in runs.values() for k in r.names("states") if k.endswith(".soc_kwh")})
    if not storages:
        fig = Figure(figsize=(8, 2), layout="constrained")
        ax = fig.add_subplot(1, 1, 1)
        ax.text(0.5, 0.5, "no storage in this run (no '<device>.soc_kwh' state)", ha="center", va="center")
        ax.axis("off")
        fig.savefig(str(path), dpi=dpi)
        return
    daily = first.time.size * first.step_s >= 14 * DAY_S
    per_storage = (len(runs) if daily else 1) + 1
    heights = ([1.3] * len(runs) if daily else [2]) + [2]
    fig = Figure(figsize=(12, len(storages) * sum(heights) * 1.45 + 0.4), layout="constrained")
    axes = fig.subplots(per_storage * len(storages), 1, squeeze=False,
                        gridspec_kw={"height_ratios": heights * len(storages)})[:, 0]
    a, b = week

    def date_axis(ax):
        loc = mdates.AutoDateLocator(minticks=4, maxticks=12)
        ax.xaxis.set_major_locator(loc)
        ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(loc))

    for k, st in enumerate(storages):
        block = axes[k * per_storage:(k + 1) * per_storage]
        axw = block[-1]
        present = {n: r for n, r in runs.items() if r.has(f"states/{st}.soc_kwh")}
        socs = {n: r.dataset(f"states/{st}.soc_kwh") / 1000 for n, r in present.items()}
        vmax = max(float(np.nanmax(v)) for v in socs.values()) if socs else 1.0
        mesh = None
        for j, (name, run) in enumerate(runs.items()):
            if name not in socs:
                if daily:
                    block[j].set_axis_off()
                continue
            soc = socs[name]
            end = local_datetimes(run.time + run.step_s, utc_offset_minutes)  # SOC at the end of each step
            color = STRATEGY_COLORS.get(name)
            if daily:
                ax = block[j]
                grid, edges = _soc_by_day(run, soc, utc_offset_minutes)
                hours = np.arange(grid.shape[0] + 1) * run.step_s / 3600
                mesh = ax.pcolormesh(edges, hours, grid, vmin=0, vmax=vmax, cmap="viridis", shading="flat")
                ax.set_ylim(0, 24)
                ax.set_yticks([0, 6, 12, 18, 24])
                ax.set_ylabel(f"{name}\nhour of day")
                date_axis(ax)
                if j == 0:
                    ax.set_title(f"{st}: state of charge over the run (MWh, end of each step; rows: hour, "
                                 f"columns: local day)")
            else:
                ax = block[0]
                ax.plot(end, soc, color=color, linewidth=1.0, label=name)
            axw.plot(end[a:b], soc[a:b], color=color, linewidth=1.1, label=name)
        if daily and mesh is not None:
            fig.colorbar(mesh, ax=list(block[:-1]), label="SOC (MWh)", shrink=0.9)
        if not daily:
            block[0].set_title(f"{st}: state of charge over the run")
        axw.set_title(f"{st}: the summer week, hourly")
        for x_ in ([axw] if daily else [block[0], axw]):
            x_.set_ylabel("SOC (MWh)")
            x_.set_ylim(bottom=0)
            x_.grid(True, alpha=0.3)
            x_.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
            date_axis(x_)
    fig.savefig(str(path), dpi=dpi)


# ---------------------------------------------------------------------------------------------
# main

def build_report(h5_path: pathlib.Path, summary_path: Optional[pathlib.Path], out_dir: pathlib.Path,
                 scenario_path: Optional[pathlib.Path], dpi: int = 80) -> str:
    """Writes the report into out_dir; returns the text printed to stdout (table and comparisons)."""
    import h5py

    summary_json: dict = {}
    if summary_path is not None:
        try:
            summary_json = json.loads(summary_path.read_text())
        except (OSError, ValueError) as e:
            raise ReportError(f"{summary_path}: cannot read the summary JSON: {e}") from None
    if scenario_path is None and summary_json.get("file"):
        cand = pathlib.Path(summary_json["file"])
        if not cand.is_absolute() and not cand.exists() and summary_path is not None:
            cand = summary_path.parent / cand
        scenario_path = cand if cand.exists() else None
    scenario = read_scenario(scenario_path)
    off, currency = scenario["utc_offset_minutes"], scenario["currency"]
    try:
        h5 = h5py.File(str(h5_path), "r")
    except OSError as e:
        raise ReportError(f"{h5_path}: cannot open as HDF5: {e}") from None
    with h5:
        groups = [k for k in h5.keys() if hasattr(h5[k], "keys")]
        names = [s for s in KNOWN_STRATEGIES if s in groups] + sorted(s for s in groups if s not in KNOWN_STRATEGIES)
        for s in KNOWN_STRATEGIES:
            if isinstance(summary_json.get(s), dict) and s not in groups:
                raise ReportError(f"{h5_path}: no group '/{s}', but {summary_path} has strategy '{s}' "
                                  f"(were both written by the same `ehub simulate` run?)")
        if not names:
            raise ReportError(f"{h5_path}: no strategy group (expected /rules, /mpc or /perfect)")
        runs = {s: StrategyRun(h5, str(h5_path), s) for s in names}
        ref = runs[names[0]]
        for s, r in runs.items():
            if not np.array_equal(r.time, ref.time):
                raise ReportError(f"{h5_path}: '/{s}/time' differs from '/{names[0]}/time' (runs of different periods)")
        summaries: Dict[str, dict] = {}
        for s, r in runs.items():
            k = summary_json.get(s) if isinstance(summary_json.get(s), dict) else r.summary_attr()
            if k is None:
                raise ReportError(f"{h5_path}: '/{s}' has no attribute 'summary' and no summary JSON was given")
            summaries[s] = k

        out_dir.mkdir(parents=True, exist_ok=True)
        # numbers
        rows = kpi_rows(summaries, currency)
        table = markdown_table(rows, names)
        lines = comparison_lines(summary_json, summaries, currency)
        monthly = [row for r in runs.values() for row in monthly_green_share(r, off)]
        with open(out_dir / "monthly_green_share.csv", "w", newline="") as f:
            w = csv.DictWriter(f, fieldnames=["month", "strategy", "days", "consumption_kwh", "green_matched_kwh",
                                              "green_share"])
            w.writeheader()
            for row in monthly:
                w.writerow({k: (repr(v) if isinstance(v, float) else v) for k, v in row.items()})
        with open(out_dir / "kpis.csv", "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(["kpi"] + names)
            for r in rows:
                w.writerow([r["label"]] + ["" if r["values"][s] is None else repr(r["values"][s]) for s in names])
        # weeks: from the first strategy's loads (the loads are data, the same for every strategy)
        heat, cool = load_loads(ref, "heat"), load_loads(ref, "cooling")
        el = ref.dataset("balance/electricity_consumption_kw")
        winter = pick_week(ref.time, heat if heat.any() else el, ref.step_s, off)
        summer = pick_week(ref.time, cool if cool.any() else el, ref.step_s, off)
        figure_dispatch_week(runs, *winter, "Winter week (highest heat load)" if heat.any() else
                             "Week with the highest electricity consumption (no heat load)", off,
                             out_dir / "dispatch_winter_week.png", dpi)
        figure_dispatch_week(runs, *summer, "Summer week (highest cooling load)" if cool.any() else
                             "Week with the highest electricity consumption (no cooling load)", off,
                             out_dir / "dispatch_summer_week.png", dpi)
        annual = {s: summaries[s]["green_share"] for s in names if "green_share" in summaries[s]}
        figure_monthly_green(monthly, names, annual, out_dir / "monthly_green_share.png", dpi)
        figure_cost_breakdown(summaries, currency, out_dir / "cost_breakdown.png", dpi)
        figure_soc(runs, summer, off, out_dir / "soc.png", dpi)

        t_local = local_datetimes(ref.time, off)
        first_day, last_step = str(t_local[0])[:16], str(t_local[-1] + np.timedelta64(ref.step_s, "s"))[:16]
        days = ref.time.size * ref.step_s / DAY_S

        def week_text(w):
            return f"{str(t_local[w[0]])[:10]} to {str(t_local[w[1] - 1])[:10]}"

    sign = "+" if off >= 0 else "-"
    tz = f"UTC{sign}{abs(off) // 60:02d}:{abs(off) % 60:02d}"
    head = (f"{days:g} days, {first_day} to {last_step} local time ({tz}), strategies: {', '.join(names)}; "
            f"run {h5_path.name}" + (f", {summary_path.name}" if summary_path else "") +
            (f", scenario {scenario['path']}" if scenario["path"] else ""))
    md = ["# Operations loop: report", "", head, "", "## KPIs", "", table, ""]
    md += [f"- {line}" for line in lines]
    md += ["", "Green share: hourly certificates (renewable electricity matched to consumption in the same "
           "hour, through storage included), over the whole run. Battery cycles: equivalent full cycles "
           "(discharged energy / nominal capacity energy_kwh). Forecast MAE: mpc only (the seasonal-naive forecaster "
           "against the actual data, executed steps).", "",
           "## Dispatch", "",
           f"Winter week ({week_text(winter)}, the 7 local days of the run with the highest heat load):", "",
           "![dispatch, winter week](dispatch_winter_week.png)", "",
           f"Summer week ({week_text(summer)}, the 7 local days of the run with the highest cooling load):", "",
           "![dispatch, summer week](dispatch_summer_week.png)", "",
           "## Monthly green share", "",
           "Per local calendar month: sum of green matched / sum of electricity consumption "
           "(/balance of the HDF5 file; numbers in monthly_green_share.csv).", "",
           "![monthly green share](monthly_green_share.png)", "",
           "## Cost breakdown", "", "![cost breakdown](cost_breakdown.png)", "",
           "## State of charge", "", "![state of charge](soc.png)", ""]
    (out_dir / "report.md").write_text("\n".join(md))
    return "\n".join([head, "", table, ""] + lines)


def main(argv: Optional[Sequence[str]] = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                epilog="See the module docstring (python -m pydoc) for inputs and outputs.")
    p.add_argument("--h5", required=True, type=pathlib.Path, help="HDF5 file of `ehub simulate --out`")
    p.add_argument("--summary", type=pathlib.Path, help="JSON file of `ehub simulate --summary` (optional)")
    p.add_argument("--out-dir", required=True, type=pathlib.Path, help="directory for report.md, PNGs and CSVs")
    p.add_argument("--scenario", type=pathlib.Path,
                   help="scenario JSON (local time, currency); default: the 'file' recorded in the summary")
    p.add_argument("--dpi", type=int, default=80, help="resolution of the PNGs (default 80)")
    a = p.parse_args(argv)
    try:
        text = build_report(a.h5, a.summary, a.out_dir, a.scenario, a.dpi)
    except ReportError as e:
        print(f"operations_report: error: {e}", file=sys.stderr)
        return 1
    print(text)
    print(f"\nreport: {a.out_dir / 'report.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
