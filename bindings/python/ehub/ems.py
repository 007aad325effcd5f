"""ehub.ems: meter data cleaning and energy analytics (docs/ems.md), with pandas frames.

    import ehub
    cleaned, edits = ehub.ems.clean(series_kw, max_value=5000, hampel_half_window=4, utc_offset_minutes=480)
    ehub.ems.statistics(cleaned["value"], utc_offset_minutes=480)       # peak, base, load factor, ...
    ehub.ems.period_totals(cleaned["value"], "month", utc_offset_minutes=480)
    ehub.ems.heatmap(cleaned["value"], utc_offset_minutes=480)          # day x hour picture of a year

Series passed in need a regular tz-aware (or UTC) DatetimeIndex of 5, 15, 30 or 60-minute steps.
"""
from __future__ import annotations

import numpy as np

from . import _core
from ._reexport import reexport

__all__ = reexport(globals(), _core.ems) + ["from_series", "clean", "statistics", "period_totals", "tree_balance",
                                            "fault_scores", "heatmap", "load_duration_curve", "stacked_by_item", "area_flows", "sankey",
                                            "baseline_towt", "predict_series", "verify", "period_data", "alarm_engine", "push_series",
                                            "events_frame", "locate"]

_QUALITY_NAMES = {int(q): n for n, q in _core.store.Quality.__members__.items()}


def _grid_of(index):
    import pandas as pd

    idx = pd.DatetimeIndex(index)
    if idx.tz is None:
        idx = idx.tz_localize("UTC")
    t = idx.as_unit("s").asi8.astype(np.int64)
    if len(t) < 2:
        raise _core.InputError("a series needs at least two steps to tell its step length")
    steps = np.diff(t)
    if not (steps == steps[0]).all():
        k = int(np.argmax(steps != steps[0]))
        raise _core.InputError(f"the series' times are not regular: step {k + 1} at {idx[k + 1]} is {steps[k]} s "
                               f"after the one before, the first step is {steps[0]} s")
    return _core.core.TimeGrid(int(t[0]), int(steps[0] // 60), len(t)), idx


def from_series(series, point: str | None = None, quality=None):
    """An ehub.ems.IntervalData from a pandas Series (values, regular DatetimeIndex) and optional flags."""
    grid, _ = _grid_of(series.index)
    q = None if quality is None else np.asarray([int(x) for x in quality], dtype=np.uint8)
    return _core.ems.IntervalData(point or str(series.name or "point"), grid,
                                  np.ascontiguousarray(series.to_numpy(dtype=float)), q)


def _frame(data, index):
    import pandas as pd

    return pd.DataFrame({"value": data.value, "quality": data.quality}, index=index)


def clean(series, quality=None, **rules):
    """Cleans a pandas Series (or an IntervalData) with CleaningRules given as keywords (sentinels,
    min_value, max_value, hampel_half_window, hampel_threshold, max_step_change, stuck_steps,
    stuck_ignores_zero, max_linear_gap_steps, fill_long_gaps_by_profile, profile_search_days,
    utc_offset_minutes). Returns (frame with value and quality, edits frame with time, rule, old and
    new value and flag); for an IntervalData, (IntervalData, edits dict)."""
    import pandas as pd

    r = _core.ems.CleaningRules()
    for k, v in rules.items():
        if not hasattr(r, k):
            raise _core.InputError(f"clean: unknown rule {k!r} (rules: {', '.join(n for n in dir(r) if not n.startswith('_') and n != 'validate')})")
        setattr(r, k, v)
    if isinstance(series, _core.ems.IntervalData):
        return _core.ems._clean(series, r)
    data = from_series(series, quality=quality)
    _, idx = _grid_of(series.index)
    out, edits = _core.ems._clean(data, r)
    e = pd.DataFrame(edits)
    e.insert(0, "time", pd.to_datetime(e["t_unix_s"], unit="s", utc=True).dt.tz_convert(idx.tz))
    for col in ("old_quality", "new_quality"):
        e[col] = [_QUALITY_NAMES[int(x)] for x in e[col]]
    frame = _frame(out, idx)
    frame["flag"] = [_QUALITY_NAMES[int(x)] for x in frame["quality"]]
    return frame, e


def statistics(series, utc_offset_minutes: int = 0, **options) -> dict:
    """Load statistics of a power series in kW (energy_kwh, mean_kw, peak_kw, base_kw, load_factor,
    peak_to_valley, night_share, weekend_share, completeness, ...)."""
    return _core.ems.load_statistics(from_series(series), utc_offset_minutes=utc_offset_minutes, **options)


def period_totals(series, period: str = "month", utc_offset_minutes: int = 0):
    """Energy (kWh), peak (kW) and completeness of a power series per local quarter_hour, hour, day,
    week, month or year, with period-on-period change (and year-on-year for months)."""
    import pandas as pd

    start, energy, peak, comp = _core.ems._period_totals(from_series(series), period, utc_offset_minutes)
    idx = pd.to_datetime(np.asarray(start), unit="s", utc=True)
    if utc_offset_minutes:
        import datetime

        idx = idx.tz_convert(datetime.timezone(datetime.timedelta(minutes=utc_offset_minutes)))
    f = pd.DataFrame({"energy_kwh": energy, "peak_kw": peak, "completeness": comp}, index=idx.rename("start"))
    f["change"] = _core.ems.change_ratio(list(energy), 1)
    if period == "month":
        f["year_on_year"] = _core.ems.change_ratio(list(energy), 12)
    return f


def tree_balance(meters: dict, threshold_share: float = 0.05):
    """Meter-tree balance. ``meters``: {name: (parent or "", energy Series in kWh per step)}.
    Returns (frame with one row per parent: parent_kwh, children_kwh, loss_kwh, loss_share, flagged),
    and the name of the flagged parent with the largest loss ("" when none)."""
    import pandas as pd

    nodes, worst = _core.ems._tree_balance([(n, p, from_series(s, n)) for n, (p, s) in meters.items()], threshold_share)
    f = pd.DataFrame([{k: v for k, v in d.items() if k != "loss_kwh_per_step"} for d in nodes])
    return (f.set_index("name") if len(f) else f), worst


def fault_scores(edits, true_fault_times, rules=None) -> dict:
    """Precision and recall of detected faults: ``edits`` from clean(), ``true_fault_times`` the
    injected fault times; only the edits of ``rules`` count as detections (default: every rule
    but the fills)."""
    import pandas as pd

    rules = rules or ["nan", "sentinel", "range", "hampel", "step_change", "stuck"]
    found = set(pd.DatetimeIndex(edits.loc[edits["rule"].isin(rules), "time"]).as_unit("s").asi8)
    truth = set(pd.DatetimeIndex(pd.to_datetime(true_fault_times, utc=True)).as_unit("s").asi8)
    hit = len(found & truth)
    return {"detected": len(found), "injected": len(truth), "true_positives": hit,
            "precision": hit / len(found) if found else float("nan"),
            "recall": hit / len(truth) if truth else float("nan")}


def heatmap(series, utc_offset_minutes: int = 0, ax=None, cmap: str = "viridis", unit: str = "kW"):
    """A year of one point as a picture: local day (x) by time of day (y), colour = value."""
    import matplotlib.pyplot as plt
    import pandas as pd

    s = series.copy()
    s.index = pd.DatetimeIndex(s.index).tz_convert(
        __import__("datetime").timezone(__import__("datetime").timedelta(minutes=utc_offset_minutes)))
    table = pd.DataFrame({"day": s.index.normalize(), "tod": s.index.hour + s.index.minute / 60, "v": s.to_numpy()})
    grid = table.pivot_table(index="tod", columns="day", values="v", aggfunc="mean")
    fig, ax = (plt.subplots(figsize=(10, 3.6)) if ax is None else (ax.figure, ax))
    im = ax.imshow(grid.to_numpy(), aspect="auto", origin="lower", cmap=cmap, interpolation="nearest",
                   extent=[0, grid.shape[1], 0, 24])
    ax.set_yticks([0, 6, 12, 18, 24])
    ax.set_ylabel("hour of day")
    months = [i for i, d in enumerate(grid.columns) if d.day == 1]
    ax.set_xticks(months, [grid.columns[i].strftime("%b") for i in months])
    ax.set_title(f"{series.name or 'point'}: day x hour (UTC{utc_offset_minutes / 60:+g})")
    fig.colorbar(im, ax=ax, label=unit, pad=0.01)
    return fig


def load_duration_curve(data, ax=None, unit: str = "kW"):
    """Load duration curve(s): values sorted from the largest, against the share of time. ``data``:
    a Series or a DataFrame (one curve per column)."""
    import matplotlib.pyplot as plt
    import pandas as pd

    frame = data.to_frame() if isinstance(data, pd.Series) else data
    fig, ax = (plt.subplots(figsize=(7, 3.6)) if ax is None else (ax.figure, ax))
    for col in frame.columns:
        v = np.sort(frame[col].dropna().to_numpy())[::-1]
        ax.plot(np.linspace(0, 100, len(v)), v, label=str(col))
    ax.set_xlabel("share of time (%)")
    ax.set_ylabel(unit)
    ax.set_title("Load duration curve")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    return fig


def stacked_by_item(frame, ax=None, unit: str = "MWh", scale: float = 1e-3):
    """Consumption by item per period as stacked bars: ``frame`` has one row per period and one
    column per item (kWh; e.g. ehub.store aggregate(... group_by_tag="item") resampled)."""
    import matplotlib.pyplot as plt

    fig, ax = (plt.subplots(figsize=(9, 3.6)) if ax is None else (ax.figure, ax))
    (frame * scale).plot.bar(stacked=True, ax=ax, width=0.85)
    ax.set_ylabel(unit)
    ax.set_xlabel("")
    labels = [getattr(i, "strftime", lambda f: str(i))("%Y-%m") for i in frame.index]
    ax.set_xticks(range(len(labels)), labels, rotation=0, fontsize=8)
    ax.legend(ncol=4, fontsize=8)
    return fig


def area_flows(energy_kwh: dict, parent_of: dict) -> dict:
    """The links of a meter tree for sankey(): {(parent, child): kWh} from each meter's energy
    (``energy_kwh``: {name: kWh}) and ``parent_of`` ({child: parent}), plus a link from each parent
    to "<parent> unmetered" for what its children do not account for (when positive)."""
    links = {}
    for child, parent in parent_of.items():
        links[(parent, child)] = float(energy_kwh[child])
    for parent in set(parent_of.values()):
        rest = float(energy_kwh[parent]) - sum(v for (p, _c), v in links.items() if p == parent)
        if rest > 0:
            links[(parent, f"{parent} unmetered")] = rest
    return links


def sankey(links: dict, ax=None, unit: str = "MWh", scale: float = 1e-3, title: str = "Energy by area"):
    """A Sankey diagram of energy through the park's areas: ``links`` {(source, target): kWh}
    (e.g. from area_flows), laid out by depth from the sources; band widths are energy."""
    import matplotlib.pyplot as plt
    from matplotlib.patches import PathPatch, Rectangle
    from matplotlib.path import Path

    nodes = list(dict.fromkeys([n for pair in links for n in pair]))
    depth = {n: 0 for n in nodes}
    for _ in nodes:  # longest path from a source
        for (s, d) in links:
            depth[d] = max(depth[d], depth[s] + 1)
    size = {n: max(sum(v for (s, _d), v in links.items() if s == n), sum(v for (_s, d), v in links.items() if d == n))
            for n in nodes}
    cols = {}
    for n in nodes:
        cols.setdefault(depth[n], []).append(n)
    height = max(sum(size[n] for n in ns) for ns in cols.values())
    gap = 0.05 * height
    top = {}
    for c, ns in cols.items():
        y = height + gap * (len(ns) - 1)
        for n in sorted(ns, key=lambda n: -size[n]):
            top[n] = y
            y -= size[n] + gap
    fig, ax = (plt.subplots(figsize=(10, 5)) if ax is None else (ax.figure, ax))
    w = 0.1
    out_off = {n: 0.0 for n in nodes}
    in_off = {n: 0.0 for n in nodes}
    colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for k, ((s, d), v) in enumerate(sorted(links.items(), key=lambda kv: -top[kv[0][1]])):
        x0, x1 = depth[s] + w / 2, depth[d] - w / 2
        y0, y1 = top[s] - out_off[s], top[d] - in_off[d]
        out_off[s] += v
        in_off[d] += v
        xm = (x0 + x1) / 2
        verts = [(x0, y0), (xm, y0), (xm, y1), (x1, y1), (x1, y1 - v), (xm, y1 - v), (xm, y0 - v), (x0, y0 - v), (x0, y0)]
        codes = [Path.MOVETO] + [Path.CURVE4] * 3 + [Path.LINETO] + [Path.CURVE4] * 3 + [Path.CLOSEPOLY]
        ax.add_patch(PathPatch(Path(verts, codes), facecolor=colors[k % len(colors)], alpha=0.45, edgecolor="none"))
    for n in nodes:
        ax.add_patch(Rectangle((depth[n] - w / 2, top[n] - size[n]), w, size[n], facecolor="#bbbbbb", edgecolor="black", lw=0.5))
        ax.text(depth[n] + w / 2 + 0.03, top[n] - size[n] / 2, f"{n}\n{size[n] * scale:,.0f} {unit}", va="center", fontsize="small")
    ax.set_xlim(-0.3, max(depth.values()) + 0.9)
    ax.set_ylim(-gap, height + gap * max(len(ns) for ns in cols.values()))
    ax.axis("off")
    ax.set_title(title)
    return fig


# --- baselines and M&V (docs/baselines.md) ---------------------------------------------------


def _temperature_array(temperature_c, index):
    """Temperature as a float array aligned with ``index`` (a Series is reindexed, NaN where absent)."""
    import pandas as pd

    if isinstance(temperature_c, pd.Series):
        return np.ascontiguousarray(temperature_c.reindex(index).to_numpy(dtype=float))
    t = np.ascontiguousarray(np.asarray(temperature_c, dtype=float))
    if len(t) != len(index):
        raise _core.InputError(f"temperature_c: has {len(t)} values, the energy series {len(index)}")
    return t


def baseline_towt(energy_kwh, temperature_c, utc_offset_minutes: int = 0, **options):
    """Fits the time-of-week-and-temperature model (CalTRACK hourly) to an hourly energy Series (kWh
    per hour) and its temperature (Series or array, deg C). Options: monthly_segments,
    temperature_knots_c, min_hours_per_bin, occupancy_threshold, min_days, min_day_coverage,
    min_month_coverage. Returns an ehub.ems.TowtModel (fit, sufficiency, predict)."""
    data = from_series(energy_kwh)
    return _core.ems.fit_towt(data, _temperature_array(temperature_c, energy_kwh.index),
                              utc_offset_minutes=utc_offset_minutes, **options)


def predict_series(model, temperature_c):
    """The baseline model's energy (kWh per hour) on the index of an hourly temperature Series."""
    import pandas as pd

    grid, idx = _grid_of(temperature_c.index)
    return pd.Series(model.predict(grid, np.ascontiguousarray(temperature_c.to_numpy(dtype=float))), index=idx,
                     name="baseline_kwh")


def verify(model, metered_kwh, temperature_c, confidence: float = 0.9, per: str = "monthly",
           utc_offset_minutes: int = 0, allow_unacceptable: bool = False):
    """Savings of a reporting period: ``metered_kwh`` (hourly Series) against the model's prediction
    with the reporting temperature. Returns (summary dict: avoided_kwh, savings_fraction,
    fractional_uncertainty, uncertainty_kwh at ``confidence``, status, ...; frame per month or
    day). A model that fails the Guideline 14 gates gives status "not_acceptable: ..." and NaN
    savings unless ``allow_unacceptable``."""
    import pandas as pd

    grid, idx = _grid_of(metered_kwh.index)
    t = _temperature_array(temperature_c, metered_kwh.index)
    pred = model.predict(grid, t)
    met = np.ascontiguousarray(metered_kwh.to_numpy(dtype=float))
    summary = _core.ems.verify_savings(model.fit, pred, met, confidence=confidence, allow_unacceptable=allow_unacceptable)
    rows = _core.ems._savings_table(grid, pred, met, per, utc_offset_minutes)
    table = pd.DataFrame(rows).set_index("period") if rows else pd.DataFrame()
    return summary, table


def period_data(energy_kwh, temperature_c, granularity: str = "daily", utc_offset_minutes: int = 0,
                min_coverage: float = 0.9):
    """Energy per day (kWh/day) and mean temperature per local day or month, with the days and the
    coverage of each period (the input of the change-point models)."""
    import pandas as pd

    data = from_series(energy_kwh)
    start, e, t, days, cov = _core.ems._period_data(data, _temperature_array(temperature_c, energy_kwh.index),
                                                    granularity, utc_offset_minutes, min_coverage)
    idx = pd.to_datetime(np.asarray(start), unit="s", utc=True).rename("start")
    return pd.DataFrame({"energy_per_day_kwh": e, "mean_temperature_c": t, "days": days, "coverage": cov}, index=idx)


# --- alarms (docs/alarms.md) ---------------------------------------------------------------


def alarm_engine(rules, known_points=None, sink=None, locate=None):
    """An AlarmEngine from a rule dict (the JSON format of docs/alarms.md) or a rule file path.
    ``known_points``: the points that exist (a rule naming another is an InputError with its JSON
    path); ``sink``: a callable receiving each event dict; ``locate``: event dict -> location text."""
    import os

    if isinstance(rules, (str, os.PathLike)):
        parsed = _core.ems.load_alarm_rules(str(rules), list(known_points or []))
    elif isinstance(rules, _core.ems.AlarmRules):
        parsed = rules
    else:
        parsed = _core.ems.parse_alarm_rules(rules, list(known_points or []))
    engine = _core.ems.AlarmEngine(parsed, locate)
    if sink is not None:
        engine.add_sink(sink)
    return engine


def push_series(engine, series, quality=None) -> int:
    """Pushes a pandas Series (its name is the point) reading by reading; returns the events delivered."""
    import pandas as pd

    t = pd.DatetimeIndex(series.index)
    if t.tz is None:
        t = t.tz_localize("UTC")
    q = None if quality is None else [int(x) for x in quality]
    return engine.push_many(str(series.name), t.as_unit("s").asi8.astype(np.int64).tolist(),
                            np.ascontiguousarray(series.to_numpy(dtype=float)), q)


def events_frame(events, utc_offset_minutes: int = 0):
    """Event dicts (from a sink) as a frame with a local time column."""
    import datetime

    import pandas as pd

    f = pd.DataFrame(list(events))
    if len(f):
        tz = datetime.timezone(datetime.timedelta(minutes=utc_offset_minutes))
        f.insert(0, "time", pd.to_datetime(f["t_unix_s"], unit="s", utc=True).dt.tz_convert(tz))
    return f


def locate(window: dict, reference: dict, meter: str) -> dict:
    """Fault location on the meter tree: ``window`` and ``reference`` map meter name to (parent or
    "", energy Series in kWh per step) over the alarm's window and over a normal period; returns
    the path from ``meter`` to the branch that explains its deviation."""
    def tree(m):
        return [(n, p, from_series(s, n)) for n, (p, s) in m.items()]

    return _core.ems.locate_deviation(tree(window), tree(reference), meter)
