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

__all__ = reexport(globals(), _core.dr) + ["settle_series", "event_value"]


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
