"""ehub.plot: matplotlib figures of dispatch results, Pareto frontiers, forecasts and certificates.

Every function returns a :class:`matplotlib.figure.Figure` made without pyplot (no global state, safe
in threads and worker processes, shown once when it is the last expression of a notebook cell) and
saves it as a PNG when ``path=`` is given. Pass ``ax=`` to draw into an existing axes instead.

Inputs are ehub objects where they exist (a dispatch ``Result``, ``ParetoPoint`` lists) and plain
numpy arrays / pandas objects otherwise (forecasts, certificate flows), so the figures work with any
source of numbers. Times are shown in the park's local time: pass ``utc_offset_minutes`` (a
scenario's ``utc_offset_minutes``) where a Result is plotted.

============================  ==============================================================
function                      what it shows
============================  ==============================================================
:func:`dispatch_stack`        supply (above zero) and demand (below zero) on one carrier, kW
:func:`storage_soc`           state of charge of each storage, green and grey parts, kWh
:func:`sankey`                energy flows between devices and buses over a period, kWh/MWh
:func:`pareto_frontier`       total cost against green share (and emissions) of a frontier
:func:`forecast_bands`        forecast vs actual with quantile bands
:func:`certificate_flows`     green certificates issued / matched / stored / exported per step
============================  ==============================================================
"""
from __future__ import annotations

import math
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple

__all__ = [
    "dispatch_stack",
    "storage_soc",
    "sankey",
    "pareto_frontier",
    "forecast_bands",
    "certificate_flows",
    "CARRIER_COLORS",
    "save",
]

#: Colour of each carrier's links in :func:`sankey` and the default line colour of a carrier.
CARRIER_COLORS: Dict[str, str] = {
    "electricity": "#1f77b4",
    "heat": "#d62728",
    "cooling": "#17becf",
    "gas": "#8c564b",
    "diesel": "#7f7f7f",
    "hydrogen": "#9467bd",
}

# Colours of well-known device kinds (matched on the device name or type), so that a renewable is
# green and the grid grey in every figure; the rest cycle through a qualitative palette.
_KIND_COLORS: Sequence[Tuple[str, str]] = (
    ("pv", "#f2c500"),
    ("solar", "#f2c500"),
    ("wind", "#2ca02c"),
    ("grid", "#7f7f7f"),
    ("battery", "#9467bd"),
    ("storage", "#9467bd"),
    ("chp", "#d62728"),
    ("boiler", "#ff7f0e"),
    ("diesel", "#4d4d4d"),
    ("gas", "#8c564b"),
    ("chiller", "#17becf"),
    ("heat_pump", "#e377c2"),
)
_PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#bcbd22",
            "#17becf", "#aec7e8", "#ffbb78", "#98df8a", "#ff9896", "#c5b0d5", "#c49c94", "#f7b6d2")


# ---------------------------------------------------------------------------------------------
# helpers

def _png_bytes(fig) -> bytes:
    import io

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100)
    return buf.getvalue()


def _register_ipython_display() -> None:
    """In IPython/Jupyter, show Figures made here (without pyplot) as PNG when they are the value of
    a cell, exactly once. pyplot's inline backend registers the same for its figures."""
    import sys

    if "IPython" not in sys.modules:
        return
    try:
        from IPython import get_ipython
        from matplotlib.figure import Figure
    except ImportError:  # pragma: no cover
        return
    ip = get_ipython()
    if ip is None or not hasattr(ip, "display_formatter"):
        return
    fmt = ip.display_formatter.formatters.get("image/png")
    if fmt is not None and Figure not in fmt.type_printers:
        fmt.for_type(Figure, _png_bytes)


_register_ipython_display()

def _new_figure(ax=None, figsize=(10, 4.5), nrows=1, sharex=True, height_ratios=None):
    """A fresh Figure (no pyplot) with `nrows` axes, or the figure of the given axes."""
    if ax is not None:
        return ax.figure, [ax]
    from matplotlib.figure import Figure

    fig = Figure(figsize=figsize, layout="constrained")
    if nrows == 1:
        return fig, [fig.add_subplot(1, 1, 1)]
    gs = {"height_ratios": height_ratios} if height_ratios else None
    axes = fig.subplots(nrows, 1, sharex=sharex, gridspec_kw=gs, squeeze=False)[:, 0]
    return fig, list(axes)


def save(fig, path, dpi: int = 110):
    """Save a figure to `path` (PNG unless the suffix says otherwise); returns the figure."""
    if path is not None:
        fig.savefig(str(path), dpi=dpi)
    return fig


def _local_times(result, utc_offset_minutes: int):
    """Step starts of a Result's grid as naive local datetimes (what the axis shows)."""
    import numpy as np

    t = np.asarray(result.grid.times_unix_s(), dtype="int64") + int(utc_offset_minutes) * 60
    return t.astype("datetime64[s]")


def _fmt_local(unix_s: int, utc_offset_minutes: int) -> str:
    import datetime

    t = datetime.datetime.fromtimestamp(unix_s, datetime.timezone.utc) + datetime.timedelta(minutes=utc_offset_minutes)
    return t.strftime("%Y-%m-%d %H:%M")


def _tz_label(utc_offset_minutes: int) -> str:
    sign = "+" if utc_offset_minutes >= 0 else "-"
    m = abs(int(utc_offset_minutes))
    return f"local time (UTC{sign}{m // 60:02d}:{m % 60:02d})"


def _edges(times, step_s: Optional[float] = None):
    """Step edges: the starts plus the end of the last step (for step-shaped areas)."""
    import numpy as np

    times = np.asarray(times)
    if len(times) >= 2:
        step = times[-1] - times[-2]
    else:
        step = np.timedelta64(int(step_s or 3600), "s") if np.issubdtype(times.dtype, np.datetime64) else 1
    return np.concatenate([times, [times[-1] + step]])


def _steps(values):
    """Values repeated for the last edge (fill_between with step='post')."""
    import numpy as np

    v = np.asarray(values, dtype=float)
    return np.concatenate([v, v[-1:]])


def _color_for(name: str, used: Dict[str, str], colors: Optional[Mapping[str, str]] = None) -> str:
    if colors and name in colors:
        return colors[name]
    if name in used:
        return used[name]
    device = name.split(".")[0].lower()
    taken = set(used.values())
    for key, c in _KIND_COLORS:
        if key in device and c not in taken:
            used[name] = c
            return c
    for c in _PALETTE:
        if c not in taken:
            used[name] = c
            return c
    c = _PALETTE[len(used) % len(_PALETTE)]
    used[name] = c
    return c


def _format_time_axis(ax, utc_offset_minutes: int):
    import matplotlib.dates as mdates

    loc = mdates.AutoDateLocator(minticks=4, maxticks=10)
    ax.xaxis.set_major_locator(loc)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(loc))
    ax.set_xlabel(_tz_label(utc_offset_minutes))


def _as_array(x):
    import numpy as np

    if x is None:
        return None
    if hasattr(x, "to_numpy"):
        return x.to_numpy(dtype=float)
    return np.asarray(x, dtype=float)


def _index_of(*objs, index=None, n: int):
    """An x axis: `index`, else a pandas index found on one of `objs`, else 0..n-1."""
    import numpy as np

    if index is not None:
        idx = index
    else:
        idx = None
        for o in objs:
            if o is not None and hasattr(o, "index"):
                idx = o.index
                break
    if idx is None:
        return np.arange(n), False
    try:
        import pandas as pd

        if isinstance(idx, pd.DatetimeIndex):
            if idx.tz is not None:
                idx = idx.tz_localize(None)  # local wall time of the index's zone
            return idx.to_numpy(), True
    except ImportError:  # pragma: no cover - pandas is optional here
        pass
    arr = np.asarray(idx)
    return arr, np.issubdtype(arr.dtype, np.datetime64)


# ---------------------------------------------------------------------------------------------
# dispatch

def _carrier_flows(result, carrier: Optional[str], bus: Optional[str]):
    import numpy as np

    buses = result.flow_buses
    flows = result.flows
    out = {}
    for key, (b, c) in buses.items():
        if bus is not None and b != bus:
            continue
        if bus is None and carrier is not None and c != carrier:
            continue
        out[key] = np.asarray(flows[key], dtype=float)
    return out


def dispatch_stack(result, carrier: str = "electricity", *, bus: Optional[str] = None, utc_offset_minutes: int = 0,
                   colors: Optional[Mapping[str, str]] = None, min_share: float = 1e-3, title: Optional[str] = None,
                   ax=None, path=None, figsize=(11, 4.8)):
    """Dispatch stack of one carrier (or one bus): supply above zero, demand below, kW.

    result: a dispatch ``Result`` (its ``flows`` and ``flow_buses``). Flows are positive into the
    bus, so producers stack upwards and consumers downwards; a bidirectional port (grid, battery)
    appears on both sides, e.g. grid import above and export below. Ports whose energy is below
    `min_share` of the carrier's throughput are left out. `colors` maps ``"device.port"`` to a colour.
    The black line is the net of all flows (zero wherever the bus balances).
    """
    import numpy as np

    flows = _carrier_flows(result, carrier, bus)
    if not flows:
        raise ValueError(f"no flow on {'bus ' + repr(bus) if bus else 'carrier ' + repr(carrier)} in this result; "
                         f"carriers: {sorted({c for _, c in result.flow_buses.values()})}")
    times = _local_times(result, utc_offset_minutes)
    x = _edges(times)
    total = sum(np.abs(v).sum() for v in flows.values()) / 2 or 1.0
    supply, demand = [], []
    for key, v in flows.items():
        pos, neg = np.clip(v, 0, None), np.clip(v, None, 0)
        if pos.sum() > min_share * total:
            supply.append((key, pos))
        if -neg.sum() > min_share * total:
            demand.append((key, neg))
    supply.sort(key=lambda kv: -kv[1].sum())
    demand.sort(key=lambda kv: kv[1].sum())

    fig, (ax,) = _new_figure(ax, figsize)
    # Colours follow the result's device order, so a device has the same colour in every figure.
    used: Dict[str, str] = {}
    for key in result.flow_buses:
        _color_for(key.split(".")[0], used, colors)
    storages = {k[: -len(".soc_kwh")] for k in result.states if k.endswith(".soc_kwh")}
    for side in (supply, demand):
        base = np.zeros(len(times))
        devices = [k.split(".")[0] for k, _ in side]
        for key, v in side:
            top = base + v
            device = key.split(".")[0]
            label = key if devices.count(device) > 1 else device
            both = any(k == key for k, _ in supply) and any(k == key for k, _ in demand)
            if both:  # a bidirectional port: name its two sides (import/export, discharge/charge)
                label = _sides(device, storages)[1 if side is demand else 0]
            color = (colors or {}).get(key) or _color_for(device, used, colors)
            ax.fill_between(x, _steps(base), _steps(top), step="post", color=color, alpha=0.85, linewidth=0,
                            hatch="//" if (side is demand and both) else None, label=label)
            base = top
    net = sum(flows.values())
    ax.step(x, _steps(net), where="post", color="black", linewidth=0.8, label="net (balance)")
    ax.axhline(0, color="black", linewidth=0.6)
    name = f"bus {bus}" if bus else carrier
    ax.set_title(title or f"Dispatch: {name} (supply above zero, demand below)")
    ax.set_ylabel("power (kW)")
    ax.set_xlim(x[0], x[-1])
    _format_time_axis(ax, utc_offset_minutes)
    ax.grid(True, alpha=0.3)
    ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), fontsize="small", frameon=False)
    return save(fig, path)


def storage_soc(result, storages: Optional[Iterable[str]] = None, *, utc_offset_minutes: int = 0,
                title: Optional[str] = None, path=None, figsize=None):
    """State of charge of each storage (kWh), split into its green and grey parts.

    Uses the states ``"<storage>.soc_kwh"`` and, where dispatch coloured the storage,
    ``"<storage>.soc_green_kwh"`` (green part at the bottom, grey above). A second panel per storage
    shows charge (below zero) and discharge (above) power, kW, with their green parts where known.
    """
    import numpy as np

    states = result.states
    names = list(storages) if storages is not None else [k[: -len(".soc_kwh")] for k in states if k.endswith(".soc_kwh")]
    if not names:
        raise ValueError("this result has no storage (no '<device>.soc_kwh' state)")
    for n in names:
        if n + ".soc_kwh" not in states:
            raise ValueError(f"no state '{n}.soc_kwh'; storages: "
                             f"{[k[:-8] for k in states if k.endswith('.soc_kwh')]}")
    green = result.green
    times = _local_times(result, utc_offset_minutes)
    x = _edges(times)
    fig, axes = _new_figure(None, figsize or (11, 3.2 * len(names) + 0.6), nrows=2 * len(names),
                            height_ratios=[2, 1] * len(names))
    for k, n in enumerate(names):
        ax, axp = axes[2 * k], axes[2 * k + 1]
        soc = np.asarray(states[n + ".soc_kwh"], dtype=float)
        # soc is at the end of each step: draw it as a line at step ends, areas per step.
        g = states.get(n + ".soc_green_kwh")
        if g is not None:
            g = np.clip(np.asarray(g, dtype=float), 0, None)
            ax.fill_between(x[1:], 0, g, color="#2ca02c", alpha=0.75, linewidth=0, label="green part")
            ax.fill_between(x[1:], g, soc, color="#9e9e9e", alpha=0.6, linewidth=0, label="grey part")
        else:
            ax.fill_between(x[1:], 0, soc, color="#9467bd", alpha=0.5, linewidth=0, label="state of charge")
        ax.plot(x[1:], soc, color="black", linewidth=0.9, label="state of charge")
        ax.set_ylabel("energy (kWh)")
        ax.set_title((title + ": " if title else "") + f"{n}: state of charge at the end of each step")
        ax.set_ylim(bottom=0)
        ax.grid(True, alpha=0.3)
        ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), fontsize="small", frameon=False)
        ch = states.get(n + ".charge_kw")
        dis = states.get(n + ".discharge_kw")
        if ch is not None and dis is not None:
            ch, dis = np.asarray(ch, dtype=float), np.asarray(dis, dtype=float)
            axp.fill_between(x, _steps(dis), step="post", color="#9467bd", alpha=0.55, linewidth=0, label="discharge")
            axp.fill_between(x, _steps(-ch), step="post", color="#c5b0d5", alpha=0.8, linewidth=0, label="charge")
            gc, gd = green.get(n + ".charge_kw"), green.get(n + ".discharge_kw")
            if gc is not None and gd is not None:
                axp.step(x, _steps(gd), where="post", color="#2ca02c", linewidth=1.0, label="green part")
                axp.step(x, _steps(-np.asarray(gc)), where="post", color="#2ca02c", linewidth=1.0)
            axp.axhline(0, color="black", linewidth=0.6)
            axp.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), fontsize="small", frameon=False)
        axp.set_ylabel("power (kW)\n(charge < 0)")
        axp.grid(True, alpha=0.3)
        ax.set_xlim(x[0], x[-1])
    _format_time_axis(axes[-1], utc_offset_minutes)
    return save(fig, path)


# ---------------------------------------------------------------------------------------------
# Sankey

def _sides(device: str, storages) -> Tuple[str, str]:
    """Names of the supplying and the drawing side of a bidirectional device."""
    if device in storages:
        return f"{device} (discharge)", f"{device} (charge)"
    if "grid" in device.lower():
        return f"{device} (import)", f"{device} (export)"
    return f"{device} (supply)", f"{device} (draw)"


def _sankey_graph(result, first: int, last: int, min_kwh: float):
    """Nodes and links (kWh) of the energy flows in steps [first, last)."""
    import numpy as np

    dt_h = result.grid.step_hours
    storages = {k[: -len(".soc_kwh")] for k in result.states if k.endswith(".soc_kwh")}
    links: Dict[Tuple[str, str, str], float] = {}
    for key, (bus, carrier) in result.flow_buses.items():
        device, port = key.split(".", 1)
        v = np.asarray(result.flows[key], dtype=float)[first:last]
        into_bus = float(np.clip(v, 0, None).sum() * dt_h)
        out_of_bus = float(-np.clip(v, None, 0).sum() * dt_h)
        bidir = into_bus > min_kwh and out_of_bus > min_kwh
        if into_bus > min_kwh:
            src = _sides(device, storages)[0] if bidir else device
            links[(src, "bus:" + bus, carrier)] = links.get((src, "bus:" + bus, carrier), 0.0) + into_bus
        if out_of_bus > min_kwh:
            dst = _sides(device, storages)[1] if bidir else device
            links[("bus:" + bus, dst, carrier)] = links.get(("bus:" + bus, dst, carrier), 0.0) + out_of_bus
    return links


def _layers(nodes: List[str], links) -> Dict[str, int]:
    """Column of each node: longest path from a source (cycles cut after len(nodes) rounds)."""
    succ: Dict[str, List[str]] = {n: [] for n in nodes}
    pred: Dict[str, List[str]] = {n: [] for n in nodes}
    for (s, d, _), _v in links.items():
        succ[s].append(d)
        pred[d].append(s)
    layer = {n: 0 for n in nodes}
    for _ in range(len(nodes)):
        changed = False
        for (s, d, _), _v in links.items():
            if layer[d] < layer[s] + 1 and layer[s] + 1 < len(nodes):
                layer[d] = layer[s] + 1
                changed = True
        if not changed:
            break
    # Sinks (no outgoing link) go to the last column; sources stay just left of what they feed.
    last = max(layer.values()) if layer else 0
    for n in nodes:
        if not succ[n] and not n.startswith("bus:"):
            layer[n] = last
    for n in nodes:
        if not pred[n] and succ[n]:
            layer[n] = min(layer[d] for d in succ[n]) - 1
    lo = min(layer.values()) if layer else 0
    return {n: v - lo for n, v in layer.items()}


def sankey(result, start=None, end=None, *, utc_offset_minutes: int = 0, unit: str = "MWh", min_share: float = 0.002,
           title: Optional[str] = None, ax=None, path=None, figsize=(12, 6.5)):
    """Energy-flow Sankey diagram of a dispatch over a period.

    Devices and buses are nodes, laid out left to right from sources (grid import, fuel supplies,
    PV, wind) through buses and converters to loads; band widths are energy over the period in
    `unit` ("kWh" or "MWh"), band colours the carrier (:data:`CARRIER_COLORS`). A bidirectional
    device appears twice: "grid (out)" supplying the bus (import) and "grid (in)" drawing from it
    (export), likewise a storage's discharge and charge. start/end: step indices, or timestamps
    (ISO-8601 strings, pandas Timestamps, datetime) within the result's horizon; default all.
    Links below `min_share` of the largest are left out.
    """
    from matplotlib.patches import PathPatch, Rectangle
    from matplotlib.path import Path

    n_steps = len(result.grid)
    first, last = _step_range(result, start, end, n_steps, utc_offset_minutes)
    scale = {"kwh": 1.0, "mwh": 1e3, "gwh": 1e6}.get(unit.lower())
    if scale is None:
        raise ValueError(f"unit must be 'kWh', 'MWh' or 'GWh', got {unit!r}")
    raw = _sankey_graph(result, first, last, 0.0)
    if not raw:
        raise ValueError("no energy flows in this period")
    biggest = max(raw.values())
    links = {k: v for k, v in raw.items() if v >= min_share * biggest}
    nodes: List[str] = []
    for (s, d, _c) in links:
        for n in (s, d):
            if n not in nodes:
                nodes.append(n)
    layer = _layers(nodes, links)
    ncol = max(layer.values()) + 1
    inflow = {n: 0.0 for n in nodes}
    outflow = {n: 0.0 for n in nodes}
    for (s, d, _c), v in links.items():
        outflow[s] += v
        inflow[d] += v
    size = {n: max(inflow[n], outflow[n]) for n in nodes}

    # Vertical placement: each column stacked top-down with gaps; heights in energy units.
    columns: Dict[int, List[str]] = {}
    for n in nodes:
        columns.setdefault(layer[n], []).append(n)
    col_total = {c: sum(size[n] for n in ns) for c, ns in columns.items()}
    height = max(col_total.values())
    gap = 0.04 * height
    span = height + gap * (max(len(ns) for ns in columns.values()) - 1)
    ypos: Dict[str, float] = {}
    for c, ns in columns.items():
        ns.sort(key=lambda n: (n.startswith("bus:"), -size[n]))
        total = col_total[c] + gap * (len(ns) - 1)
        y = (span + total) / 2  # centre the column
        for n in ns:
            ypos[n] = y  # top of the node
            y -= size[n] + gap
    node_w = 0.12
    xpos = {n: layer[n] * 1.0 for n in nodes}

    fig, (ax,) = _new_figure(ax, figsize)
    out_off = {n: 0.0 for n in nodes}
    in_off = {n: 0.0 for n in nodes}
    # Links sorted by target position so bands cross less.
    for (s, d, c), v in sorted(links.items(), key=lambda kv: (-ypos[kv[0][1]], -ypos[kv[0][0]])):
        x0, x1 = xpos[s] + node_w / 2, xpos[d] - node_w / 2
        y0 = ypos[s] - out_off[s]
        y1 = ypos[d] - in_off[d]
        out_off[s] += v
        in_off[d] += v
        xm = (x0 + x1) / 2
        verts = [(x0, y0), (xm, y0), (xm, y1), (x1, y1), (x1, y1 - v), (xm, y1 - v), (xm, y0 - v), (x0, y0 - v),
                 (x0, y0)]
        codes = [Path.MOVETO, Path.CURVE4, Path.CURVE4, Path.CURVE4, Path.LINETO, Path.CURVE4, Path.CURVE4,
                 Path.CURVE4, Path.CLOSEPOLY]
        ax.add_patch(PathPatch(Path(verts, codes), facecolor=CARRIER_COLORS.get(c, "#999999"), alpha=0.45,
                               edgecolor="none"))
    for n in nodes:
        is_bus = n.startswith("bus:")
        ax.add_patch(Rectangle((xpos[n] - node_w / 2, ypos[n] - size[n]), node_w, size[n],
                               facecolor="#333333" if is_bus else "#bbbbbb", edgecolor="black", linewidth=0.5))
        label = (n[4:] + " bus") if is_bus else n
        text = f"{label}\n{size[n] / scale:,.0f} {unit}" if size[n] / scale >= 10 else f"{label}\n{size[n] / scale:,.2g} {unit}"
        ax.text(xpos[n] + node_w / 2 + 0.03, ypos[n] - size[n] / 2, text, ha="left", va="center", fontsize="small",
                bbox={"facecolor": "white", "alpha": 0.7, "edgecolor": "none", "pad": 1} if is_bus else None)
    from matplotlib.patches import Patch

    carriers = sorted({c for (_s, _d, c) in links})
    ax.legend(handles=[Patch(facecolor=CARRIER_COLORS.get(c, "#999999"), alpha=0.6, label=c) for c in carriers],
              loc="upper center", bbox_to_anchor=(0.5, -0.01), ncols=len(carriers), frameon=False, fontsize="small")
    ax.set_xlim(-0.3, ncol - 0.1)
    ax.set_ylim(-0.03 * span, span * 1.03)
    ax.axis("off")
    step_s = result.grid.step_minutes * 60
    t0, t1 = (_fmt_local(result.grid.start_unix_s + k * step_s, utc_offset_minutes) for k in (first, last))
    ax.set_title(title or f"Energy flows {t0} to {t1}, {_tz_label(utc_offset_minutes)}, {unit}")
    return save(fig, path)


def _step_range(result, start, end, n_steps: int, utc_offset_minutes: int) -> Tuple[int, int]:
    def to_index(v, default):
        if v is None:
            return default
        if isinstance(v, (int,)) and not isinstance(v, bool):
            return v if v >= 0 else n_steps + v
        import pandas as pd

        ts = pd.Timestamp(v)
        if ts.tzinfo is None:
            ts = ts - pd.Timedelta(minutes=utc_offset_minutes)
            unix = int(ts.value // 10**9)
        else:
            unix = int(ts.tz_convert("UTC").value // 10**9)
        step_s = result.grid.step_minutes * 60
        return int((unix - result.grid.start_unix_s) // step_s)

    first, last = to_index(start, 0), to_index(end, n_steps)
    first, last = max(first, 0), min(last, n_steps)
    if last <= first:
        raise ValueError(f"empty period: steps [{first}, {last}) of a {n_steps}-step result")
    return first, last


# ---------------------------------------------------------------------------------------------
# Pareto, forecasts, certificates

def pareto_frontier(points, *, currency: str = "CNY", annotate: bool = True, title: Optional[str] = None, ax=None,
                    path=None, figsize=(8, 5)):
    """Green share (x, %) against total cost (y) of a Pareto frontier, emissions on a second axis.

    points: the list from ``ehub.dispatch.pareto`` (objects with green_share, cost_total,
    emissions_kg, status, target_green_share), or a pandas DataFrame / dict with those columns.
    Points with a schedule that is not proven optimal are drawn as open circles. Points without a
    schedule (infeasible, time limit: NaN or None figures) have no cost to draw: each is a dashed red
    vertical line at its target green share, labelled "no schedule", never a point at (0, 0).
    """
    import math

    import numpy as np

    if hasattr(points, "to_dict") and hasattr(points, "columns"):
        rows = points.to_dict("records")
    elif isinstance(points, Mapping):
        keys = list(points)
        rows = [dict(zip(keys, vals)) for vals in zip(*(points[k] for k in keys))]
    else:
        rows = [{"green_share": p.green_share, "cost_total": p.cost_total, "emissions_kg": p.emissions_kg,
                 "status": getattr(p, "status", "optimal"),
                 "target_green_share": getattr(p, "target_green_share", None)} for p in points]
    if not rows:
        raise ValueError("no Pareto points")

    def _finite(v):
        return v is not None and not (isinstance(v, float) and math.isnan(v))

    missing = [r for r in rows if not (_finite(r.get("green_share")) and _finite(r.get("cost_total")))]
    rows = [r for r in rows if r not in missing]
    rows.sort(key=lambda r: r["green_share"])
    share = np.array([r["green_share"] for r in rows], dtype=float) * 100
    cost = np.array([r["cost_total"] for r in rows], dtype=float)
    ok = np.array([r.get("status", "optimal") == "optimal" for r in rows], dtype=bool)
    fig, (ax,) = _new_figure(ax, figsize)
    ax.plot(share[ok], cost[ok], "-o", color="#1f77b4", label=f"total cost ({currency})")
    if (~ok).any():
        ax.plot(share[~ok], cost[~ok], "o", mfc="none", color="#1f77b4", label="not optimal")
    for k, r in enumerate(missing):
        target = r.get("target_green_share")
        if _finite(target):
            ax.axvline(float(target) * 100, color="#d62728", linestyle="--", linewidth=1,
                       label=f"no schedule ({r.get('status', 'infeasible')})" if k == 0 else None)
    ax.set_xlabel("green share of electricity consumption (%)")
    ax.set_ylabel(f"total cost ({currency})")
    ax.grid(True, alpha=0.3)
    handles, labels = ax.get_legend_handles_labels()
    if all("emissions_kg" in r for r in rows):
        em = np.array([r["emissions_kg"] for r in rows], dtype=float) / 1000
        ax2 = ax.twinx()
        line = ax2.plot(share, em, "--s", color="#7f7f7f", markersize=4, label="emissions (t CO2)")
        ax2.set_ylabel("emissions (t CO2)")
        handles += line
        labels += ["emissions (t CO2)"]
    from matplotlib.ticker import FuncFormatter

    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:,.0f}"))
    if annotate and cost[ok].size >= 2:
        # Marginal cost of each step along the frontier, written at the segment's middle.
        s_ok, c_ok = share[ok], cost[ok]
        for k in range(len(s_ok) - 1):
            ds = s_ok[k + 1] - s_ok[k]
            if ds > 1e-9:
                ax.annotate(f"{(c_ok[k + 1] - c_ok[k]) / ds:,.0f}", xy=((s_ok[k] + s_ok[k + 1]) / 2,
                            (c_ok[k] + c_ok[k + 1]) / 2), xytext=(0, 6), textcoords="offset points",
                            ha="right", fontsize="x-small", color="#1f77b4")
        ax.text(0.02, 0.97, f"numbers: marginal cost, {currency} per percentage point", transform=ax.transAxes,
                va="top", fontsize="x-small", color="#1f77b4")
    ax.legend(handles, labels, loc="lower right", fontsize="small")
    ax.set_title(title or "Green share vs cost (Pareto frontier)")
    return save(fig, path)


def _quantile_columns(quantiles) -> Dict[float, Any]:
    if quantiles is None:
        return {}
    if hasattr(quantiles, "columns"):  # DataFrame with quantile levels as column names
        out = {}
        for c in quantiles.columns:
            try:
                q = float(str(c).lstrip("qQ").rstrip("%"))
            except ValueError:
                raise ValueError(f"quantile column {c!r} is not a level such as 0.1, 'q0.1' or '10%'") from None
            if str(c).endswith("%") or q > 1:
                q /= 100
            out[q] = quantiles[c]
        return out
    return {float(k): v for k, v in dict(quantiles).items()}


def forecast_bands(actual=None, forecast=None, quantiles=None, *, index=None, unit: str = "kW",
                   label: str = "forecast", title: Optional[str] = None, ax=None, path=None, figsize=(11, 4.2)):
    """Forecast vs actual with quantile bands.

    actual, forecast: arrays or pandas Series (either may be None). quantiles: {level: values}
    (levels in (0, 1), e.g. {0.1: p10, 0.5: p50, 0.9: p90}) or a DataFrame with columns named by
    level (0.1, "q0.1" or "10%"). Symmetric pairs (q, 1 - q) are filled as bands, the widest
    lightest; a lone 0.5 without `forecast` is drawn as the point forecast. index: the x values
    (a DatetimeIndex, datetimes or step numbers); by default the index of a pandas input.
    The legend reports the empirical coverage of each band when `actual` is given.
    """
    import numpy as np

    qs = _quantile_columns(quantiles)
    series = [s for s in [actual, forecast, *qs.values()] if s is not None]
    if not series:
        raise ValueError("nothing to plot: give actual, forecast or quantiles")
    n = len(series[0])
    for s in series:
        if len(s) != n:
            raise ValueError(f"all series must have the same length, got {n} and {len(s)}")
    x, is_time = _index_of(actual, forecast, *qs.values(), index=index, n=n)
    a = _as_array(actual)
    qa = {q: _as_array(v) for q, v in sorted(qs.items())}
    fig, (ax,) = _new_figure(ax, figsize)
    widths = sorted(q for q in qa if q < 0.5 and any(abs(k - (1 - q)) < 1e-9 for k in qa))  # widest first
    for k, q in enumerate(widths):
        hi_key = min(qa, key=lambda kk: abs(kk - (1 - q)))
        lo, hi = qa[q], qa[hi_key]
        alpha = 0.18 + 0.22 * k / max(1, len(widths) - 1) if len(widths) > 1 else 0.3
        cov = ""
        if a is not None:
            inside = np.mean((a >= lo) & (a <= hi)) * 100
            cov = f", actual inside {inside:.0f}%"
        ax.fill_between(x, lo, hi, color="#1f77b4", alpha=alpha, linewidth=0,
                        label=f"{q * 100:g}-{hi_key * 100:g}% band{cov}")
    point = _as_array(forecast)
    if point is None and any(abs(q - 0.5) < 1e-9 for q in qa):
        point = qa[min(qa, key=lambda kk: abs(kk - 0.5))]
        label = "median " + label
    if point is not None:
        ax.plot(x, point, color="#1f77b4", linewidth=1.5, label=label)
    if a is not None:
        ax.plot(x, a, color="black", linewidth=1.2, label="actual")
        if point is not None:
            ok = ~np.isnan(a) & ~np.isnan(point)
            if ok.any():
                mae = np.mean(np.abs(a[ok] - point[ok]))
                rmse = math.sqrt(np.mean((a[ok] - point[ok]) ** 2))
                ax.text(0.01, 0.97, f"MAE {mae:,.3g} {unit}, RMSE {rmse:,.3g} {unit}", transform=ax.transAxes,
                        va="top", fontsize="small", bbox={"facecolor": "white", "alpha": 0.8, "edgecolor": "none"})
    ax.set_ylabel(f"{unit}")
    if is_time:
        import matplotlib.dates as mdates

        loc = mdates.AutoDateLocator(minticks=4, maxticks=10)
        ax.xaxis.set_major_locator(loc)
        ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(loc))
        ax.set_xlabel("time")
    else:
        ax.set_xlabel("step")
    ax.grid(True, alpha=0.3)
    ax.legend(loc="upper right", fontsize="small")
    ax.set_title(title or "Forecast vs actual")
    return save(fig, path)


def certificate_flows(issued=None, matched=None, stored=None, exported=None, *, index=None, unit: str = "MWh",
                      other: Optional[Mapping[str, Any]] = None, title: Optional[str] = None, path=None,
                      figsize=(11, 5.5)):
    """Green certificate flows per step and their running totals.

    issued, matched, stored, exported: per-step amounts (arrays or pandas Series, in `unit`), or
    pass a DataFrame with those columns as `issued`. Top panel: issued certificates as bars above
    zero, their uses (matched to consumption, stored with energy in a storage, exported/sold)
    stacked below zero; `other` adds further uses by name (e.g. {"expired": ...}). Bottom panel:
    cumulative totals, so issued minus the uses is the balance still held.
    """
    import numpy as np

    if issued is not None and hasattr(issued, "columns"):
        df = issued
        get = lambda c: df[c] if c in df.columns else None  # noqa: E731
        issued, matched, stored, exported = get("issued"), get("matched"), get("stored"), get("exported")
        extra = {c: df[c] for c in df.columns if c not in ("issued", "matched", "stored", "exported")}
        other = {**extra, **dict(other or {})}
        if index is None:
            index = df.index
    uses = [(n, v) for n, v in (("matched", matched), ("stored", stored), ("exported", exported)) if v is not None]
    uses += list((other or {}).items())
    all_series = [s for s in [issued] + [v for _, v in uses] if s is not None]
    if not all_series:
        raise ValueError("nothing to plot: give issued and/or matched, stored, exported")
    n = len(all_series[0])
    for s in all_series:
        if len(s) != n:
            raise ValueError(f"all series must have the same length, got {n} and {len(s)}")
    x, is_time = _index_of(issued, *[v for _, v in uses], index=index, n=n)
    if is_time and n >= 2:
        width = (x[1] - x[0]) * 0.9
    else:
        width = 0.9 * (x[1] - x[0] if n >= 2 else 1)
    colors = {"issued": "#2ca02c", "matched": "#1f77b4", "stored": "#9467bd", "exported": "#ff7f0e",
              "lost": "#d62728", "expired": "#7f7f7f"}
    fig, (ax, axc) = _new_figure(None, figsize, nrows=2, height_ratios=[3, 2])
    if issued is not None:
        ax.bar(x, _as_array(issued), width=width, color=colors["issued"], alpha=0.85, label="issued", align="edge")
    base = np.zeros(n)
    used: Dict[str, str] = dict(colors)  # further uses get colours the fixed ones do not take
    for name, v in uses:
        arr = _as_array(v)
        c = colors.get(name) or _color_for(name, used)
        ax.bar(x, -arr, width=width, bottom=-base, color=c, alpha=0.85, label=name, align="edge")
        base = base + arr
    ax.axhline(0, color="black", linewidth=0.6)
    ax.set_ylabel(f"per step ({unit})")
    ax.legend(loc="upper right", fontsize="small", ncols=4)
    ax.grid(True, alpha=0.3)
    ax.set_title(title or "Green certificates: issued (above) and their uses (below)")
    if issued is not None:
        axc.plot(x, np.cumsum(_as_array(issued)), color=colors["issued"], linewidth=1.8, label="issued")
    for name, v in uses:
        axc.plot(x, np.cumsum(_as_array(v)), color=colors.get(name) or used.get(name), linewidth=1.4, label=name)
    if issued is not None and uses:
        held = np.cumsum(_as_array(issued)) - np.cumsum(sum(_as_array(v) for _, v in uses))
        axc.plot(x, held, color="black", linestyle="--", linewidth=1.2, label="held (issued - uses)")
    axc.set_ylabel(f"cumulative ({unit})")
    axc.grid(True, alpha=0.3)
    axc.legend(loc="upper left", fontsize="small", ncols=3)
    if is_time:
        import matplotlib.dates as mdates

        loc = mdates.AutoDateLocator(minticks=4, maxticks=10)
        axc.xaxis.set_major_locator(loc)
        axc.xaxis.set_major_formatter(mdates.ConciseDateFormatter(loc))
        axc.set_xlabel("time")
    else:
        axc.set_xlabel("step")
    return save(fig, path)
