"""A device type written in Python taking part in a dispatch: an electric-vehicle depot.

The depot must deliver `energy_kwh_per_day` to its fleet every day, drawing at most `power_kw`
times the share of vehicles plugged in (a series: `plugged_in`, per unit) from the electricity bus;
when in the day it charges is free. Dispatch places the charging where electricity is cheapest or
greenest, like any built-in device. Run:

    PYTHONPATH=build/dev/python .venv/bin/python examples/python_device.py
"""
import pathlib

import numpy as np

import ehub

DATA = pathlib.Path(__file__).resolve().parent / "data"


class EvDepot(ehub.hub.Device):
    """EV depot: daily energy to deliver, charging power limited by the plugged-in share."""

    def __init__(self, name, spec, series):
        super().__init__(name, spec, series)
        self.energy_kwh_per_day = float(spec["energy_kwh_per_day"])  # KeyError -> "required key is missing"
        self.power_kw = float(spec["power_kw"])
        if self.power_kw <= 0:
            series.error("power_kw", f"must be > 0, got {self.power_kw:g}")  # names /devices/N/power_kw
        # A number, an inline array, a name in the scenario's "series" table or {"csv", "column"}.
        self.plugged_in = series.get("plugged_in", "intensive") if "plugged_in" in spec else None
        self.utc_offset_minutes = series.utc_offset_minutes

    def ports(self):
        return [("el", "electricity", "input")]

    def formulate(self, b):
        ub = self.power_kw * (self.plugged_in if self.plugged_in is not None else np.ones(b.steps))
        p = b.add_vars("charge_kw", 0.0, ub)  # reported as the state "<name>.charge_kw"
        b.add_port_flow("el", p, -1.0)  # draws from the bus
        # One row per local calendar day: sum of charge_kw * dt over the day's steps >= the daily energy
        # (only days wholly inside the horizon, so a partial last day asks for no more than it can).
        local_day = (b.grid.times_unix_s() + self.utc_offset_minutes * 60) // 86400
        steps_per_day = round(24 / b.dt_h)
        for day in np.unique(local_day):
            idx = np.flatnonzero(local_day == day)
            if len(idx) < steps_per_day:
                continue
            b.add_row(self.energy_kwh_per_day, ehub.lp.inf, [p[int(t)] for t in idx], [b.dt_h] * len(idx))
        b.add_energy_tally("ev_charging_kwh", p, 1.0)


ehub.hub.register_device_type("ev_depot", EvDepot)


def main():
    park = ehub.io.load_json_file(str(DATA / "reference_park.json"))
    # 40 vehicles x 60 kWh a day; plugged in overnight and over lunch (a made-up pattern).
    hours = np.arange(24)
    plugged = np.where((hours < 7) | (hours >= 19), 1.0, np.where((hours >= 11) & (hours < 14), 0.5, 0.0))
    park["series"]["ev_plugged_in"] = np.tile(plugged, 365).tolist()
    park["devices"].append({"name": "ev_depot", "type": "ev_depot", "bus": "el", "energy_kwh_per_day": 2400,
                            "power_kw": 600, "plugged_in": "ev_plugged_in"})
    sc = ehub.hub.scenario_from_json(park, base_dir=str(DATA), start="2025-07-01T00:00:00+08:00", steps=48)
    print("devices:", ", ".join(f"{n} ({t})" for n, t in sc.devices))
    r = ehub.dispatch.solve(sc, solver="cbc")
    charge = r.states["ev_depot.charge_kw"]
    price = r.prices.get("el")
    print(r.brief_report())
    print("EV charging by local hour, day 1 (kW):")
    for h in range(24):
        if charge[h] > 1e-6:
            note = f"  (el price {price[h]:.3f} CNY/kWh)" if price is not None else ""
            print(f"  {h:02d}:00  {charge[h]:7.1f}{note}")
    print(f"delivered {charge[:24].sum():.0f} kWh on day 1 (needs 2400)")


if __name__ == "__main__":
    main()
