"""ehub.dr: demand response (docs/demand_response.md): OpenADR-like events, X-of-Y customer
baselines with a day-of adjustment, verified reduction and settlement.

    import ehub
    events = ehub.dr.parse_events({"program": "summer-peak", "min_notice_h": 24, "events": [...]})
    s = ehub.dr.settle_series(events[0], metered_kwh_series, x_days=4, y_days=5, utc_offset_minutes=480)
    s["payment"], s["penalty"], s["net"]
"""
from __future__ import annotations

from . import _core
from ._reexport import reexport

__all__ = reexport(globals(), _core.dr) + ["settle_series", "event_value", "scenario_with_event", "answer_event", "answer_in_loop"]


def settle_series(event, metered_kwh, other_events=(), **rule):
    """Settles ``event`` against a pandas Series of metered energy per step (kWh), the baseline rule
    given as keywords (x_days, y_days, select, same_day_type, max_lookback_days, adjustment,
    adjustment_start_h, adjustment_length_h, adjustment_cap, utc_offset_minutes). Returns the
    settlement dict with ``baseline`` and ``delivered`` as Series over the event window."""
    import pandas as pd

    from .ems import from_series

    r = _core.dr.BaselineRule(**rule)
    s = _core.dr.settle(event, from_series(metered_kwh), r, list(other_events))
    idx = pd.DatetimeIndex(metered_kwh.index)
    t0 = pd.Timestamp(event.start_unix_s, unit="s", tz="UTC").tz_convert(idx.tz or "UTC")
    window = pd.date_range(t0, periods=len(s["baseline_kwh_per_step"]), freq=idx[1] - idx[0])
    s["baseline"] = pd.Series(s.pop("baseline_kwh_per_step"), index=window, name="baseline_kwh")
    s["delivered"] = pd.Series(s.pop("delivered_kwh_per_step"), index=window, name="delivered_kwh")
    return s


def event_value(settlement: dict, cost_without_event: float, cost_with_event: float) -> dict:
    """The value of answering an event: its net settlement (payment - penalty) minus the extra
    operating cost of delivering it (cost with the event in the plan - cost without)."""
    extra = cost_with_event - cost_without_event
    return {"net_settlement": settlement["net"], "extra_cost": extra, "value": settlement["net"] - extra}


def _tariff_prices(tariff: dict, hours):
    """Buy and sell price per step from a time-of-use tariff ({"periods": [...]}, docs/devices.md)."""
    import numpy as np

    extra = set(tariff) - {"periods"}
    if extra:
        raise _core.InputError(f"tariff: key {sorted(extra)[0]!r} is not expanded by scenario_with_event "
                               "(only {'periods': [...]} tariffs are)")
    buy_of, sell_of = {}, {}
    for p in tariff["periods"]:
        for a, b in p["hours"]:
            span = range(a, b) if a < b else list(range(a, 24)) + list(range(0, b))
            for h in span:
                buy_of[h % 24] = float(p["buy_per_kwh"])
                sell_of[h % 24] = float(p.get("sell_per_kwh", 0.0))
    return np.array([buy_of[h] for h in hours]), np.array([sell_of[h] for h in hours])


def scenario_with_event(scenario: dict, event, start: str, steps: int, grid_device: str = "grid") -> dict:
    """A copy of a scenario dict (the JSON layout) over ``steps`` steps from ``start`` in which the
    grid connection earns the event's compensation c per kWh of change: during the event window the
    import price rises by c and so does the export price for peak shaving (each kWh less taken from
    the grid is worth c more), or both fall by c for valley filling. A time-of-use tariff is expanded
    to per-step prices for that. Solving it plans the park's answer to the event; the objective
    then contains -c x net import in the window, which ``answer_event`` takes out again."""
    import copy

    import numpy as np
    import pandas as pd

    s = copy.deepcopy(scenario)
    step_min = int(s.get("time", {}).get("step_minutes", 60))
    t0 = pd.Timestamp(start)
    if t0.tz is None:
        raise _core.InputError(f"start: {start!r} needs a UTC offset")
    idx = pd.date_range(t0, periods=steps, freq=f"{step_min}min")
    s["time"] = {"start": t0.isoformat(), "step_minutes": step_min, "steps": int(steps)}
    grids = [d for d in s.get("devices", []) if d.get("name") == grid_device]
    if not grids:
        raise _core.InputError(f"/devices: no device named {grid_device!r} (the grid connection that is paid)")
    g = grids[0]
    if "tariff" in g:
        buy, sell = _tariff_prices(g.pop("tariff"), idx.hour)
    else:
        def series(key, default):
            v = g.get(key, default)
            if isinstance(v, (int, float)):
                return np.full(steps, float(v))
            if isinstance(v, list) and len(v) == steps:
                return np.asarray(v, dtype=float)
            raise _core.InputError(f"/devices/{grid_device}/{key}: scenario_with_event takes a number or an array of "
                                   f"{steps} prices here")
        buy, sell = series("buy_price_per_kwh", None), series("sell_price_per_kwh", 0.0)
    t = idx.as_unit("s").asi8
    inside = (t >= event.start_unix_s) & (t < event.end_unix_s)
    c = event.compensation_per_kwh * (1 if event.type == _core.dr.EventType.peak_shaving else -1)
    buy = buy + c * inside
    sell = sell + c * inside
    g["buy_price_per_kwh"] = buy.tolist()
    g["sell_price_per_kwh"] = sell.tolist()
    return s


def answer_event(scenario: dict, event, start: str, steps: int, baseline_kwh, base_dir: str = ".", grid_device: str = "grid",
                 solver: str = "cbc"):
    """Dispatches the horizon without and with the event (``scenario_with_event``) and settles the
    planned answer against ``baseline_kwh`` (per step of the event window, e.g. from
    ``settle_series`` on the park's metered history). Returns a dict: cost_without, cost_with (the
    operating cost, the event's price terms taken out), the settlement (payment, penalty, net)
    and value = net - (cost_with - cost_without), with both dispatch results."""
    import numpy as np
    import pandas as pd

    from . import dispatch, hub

    plain = hub.scenario_from_json(scenario_with_event(scenario, _no_pay(event), start, steps, grid_device), base_dir)
    paid = hub.scenario_from_json(scenario_with_event(scenario, event, start, steps, grid_device), base_dir)
    r0 = dispatch.solve(plain, solver=solver)
    r1 = dispatch.solve(paid, solver=solver)
    f1 = dispatch.to_pandas(r1)["states"]
    step_h = (f1.index[1] - f1.index[0]).total_seconds() / 3600
    t = f1.index.as_unit("s").asi8
    inside = (t >= event.start_unix_s) & (t < event.end_unix_s)
    net = (f1[f"{grid_device}.import_kw"] - f1[f"{grid_device}.export_kw"]).to_numpy() * step_h
    c = event.compensation_per_kwh * (1 if event.type == _core.dr.EventType.peak_shaving else -1)
    cost_with = r1.objective - c * float(net[inside].sum())
    base = np.ascontiguousarray(np.asarray(baseline_kwh, dtype=float))
    metered = net[inside]
    if len(base) != len(metered):
        raise _core.InputError(f"baseline_kwh: has {len(base)} values, the event window {len(metered)} steps")
    settlement = _core.dr.settle_against(event, base, np.ascontiguousarray(metered))
    out = event_value(settlement, r0.objective, cost_with)
    out.update({"cost_without": r0.objective, "cost_with": cost_with, "settlement": settlement,
                "metered_kwh": pd.Series(metered, index=f1.index[inside]), "without": r0, "with": r1})
    return out


def answer_in_loop(scenario: dict, event, options=None, rule=None, grid_device: str = "grid", other_events=(),
                   base_dir: str = ".", **fields):
    """The operations loop answering ``event`` (docs/demand_response.md, "In the operations loop").

    Runs the loop (``ehub.sim.run_loop``: forecasts, plans, the twin) twice on the scenario dict,
    without and with the event: with it, every plan sees the compensation on ``grid_device`` during
    the event window, the twin delivers the plan at the park's own prices, and the event is settled
    on the executed net grid import with ``rule`` (a :class:`BaselineRule`; the look-back days are the
    run's own). options: an ``ehub.sim.LoopOptions`` or its fields as keywords (it must run past
    the event). Returns a dict: cost_without, cost_with, settlement (as :func:`settle`), value =
    net - (cost_with - cost_without), and the two LoopReports ``without`` and ``with``.
    """
    from . import sim
    if options is None:
        options = sim.LoopOptions(**fields)
    elif fields:
        raise TypeError("give options or its fields as keywords, not both")
    return _core.dr._answer_in_loop(scenario, options, event, rule if rule is not None else _core.dr.BaselineRule(), grid_device,
                                    list(other_events), str(base_dir))


def _no_pay(event):
    """The same event with no compensation (the plan without it, on the same price arrays)."""
    e = _core.dr.Event()
    for k in ("id", "program", "participant", "type", "notified_unix_s", "start_unix_s", "end_unix_s", "requested_kw",
              "requested_kwh", "penalty_per_kwh", "min_performance", "max_paid_share", "min_notice_s"):
        setattr(e, k, getattr(event, k))
    e.compensation_per_kwh = 0.0
    return e
