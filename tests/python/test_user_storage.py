"""A storage type written in Python is carried across the operations loop's windows and followed by
the twin like the built-in battery: it answers storage() and with_state(state) and marks its charge
and discharge as storage setpoints. Compared with the built-in battery of the same parameters on a
two-day park (costs to 1e-9, SOC paths), and the twin's deviation case computed by hand."""
import math

import numpy as np
import pytest

import ehub

pytestmark = pytest.mark.skipif(not hasattr(ehub._core.hub, "_register_python_device_type"),
                                reason="ehub._core built without Python device types")


class PyBattery(ehub.hub.Device):
    """soc_t = soc_{t-1} + eta_c ch_t dt - dis_t dt / eta_d, SOC in [0, E], power up to P."""

    def __init__(self, name, spec, series):
        super().__init__(name, spec, series)
        self.e = float(spec["energy_kwh"])
        self.p = float(spec["power_kw"])
        self.eta_c = self.eta_d = float(spec["efficiency"])
        self.soc = float(spec["soc"])
        self.end, self.end_min = "free", 0.0

    def ports(self):
        return [("el", "electricity", "bidirectional")]

    def storage(self):
        return {"port": "el", "energy_kwh": self.e, "charge_kw": self.p, "discharge_kw": self.p,
                "charge_efficiency": self.eta_c, "discharge_efficiency": self.eta_d, "soc_initial": self.soc,
                "end_condition": self.end, "soc_end_min": self.end_min}

    def with_state(self, state):
        d = PyBattery.__new__(PyBattery)
        d.__dict__.update(self.__dict__)
        d.soc = state.get("soc", self.soc)
        d.end = state.get("end_condition", self.end)
        d.end_min = state.get("soc_end_min", self.end_min)
        d.eta_c = self.eta_c - state.get("charge_efficiency_derate", 0.0)
        d.eta_d = self.eta_d - state.get("discharge_efficiency_derate", 0.0)
        return d

    def formulate(self, b):
        n, dt = b.steps, b.dt_h
        ch = b.add_vars("charge_kw", 0.0, self.p)
        dis = b.add_vars("discharge_kw", 0.0, self.p)
        soc = b.add_vars("soc_kwh", 0.0, self.e)
        for t in range(n):  # soc_t - soc_{t-1} - eta_c dt ch_t + dt/eta_d dis_t = rhs
            rhs = self.soc * self.e if t == 0 else 0.0
            vs = [soc.indices()[t], ch.indices()[t], dis.indices()[t]]
            cs = [1.0, -self.eta_c * dt, dt / self.eta_d]
            if t > 0:
                vs.append(soc.indices()[t - 1])
                cs.append(-1.0)
            b.add_row(rhs, rhs, vs, cs)
        last = int(soc.indices()[n - 1])
        if self.end == "cyclic":
            b.model.set_var_bounds(last, self.soc * self.e, self.e)
        elif self.end == "min":
            b.model.set_var_bounds(last, self.end_min * self.e, self.e)
        b.mark_setpoint("charge_kw", "storage")
        b.mark_setpoint("discharge_kw", "storage")
        b.add_port_flow("el", dis, 1.0)
        b.add_port_flow("el", ch, -1.0)
        b.add_storage("el", ch, dis, soc, self.eta_c, self.eta_d, 1.0, self.soc * self.e, self.e)


ehub.hub.register_device_type("py_user_battery", PyBattery)


def park(user):
    load, pv = [], []
    for d in range(2):
        for h in range(24):
            load.append(1000.0 + (500.0 if 8 <= h < 20 else 0.0) + 50.0 * d)
            x = (h - 12) / 4.0
            pv.append(max(0.0, 1.0 - x * x / 2.25) * (1.0 - 0.2 * d) if abs(x) < 1.5 else 0.0)
    if user:
        store = {"name": "store", "type": "py_user_battery", "bus": "el", "energy_kwh": 2000, "power_kw": 1000,
                 "efficiency": 0.9, "soc": 0.5}
    else:
        store = {"name": "store", "type": "battery", "bus": "el", "energy_kwh": 2000, "power_kw": 1000,
                 "charge_efficiency": 0.9, "discharge_efficiency": 0.9, "soc_initial": 0.5,
                 "end_condition": "free", "exclusive_charge_discharge": False}
    tariff = {"periods": [{"name": "peak", "hours": [[8, 22]], "buy_per_kwh": 1.0, "sell_per_kwh": 0.1},
                          {"name": "valley", "hours": [[22, 8]], "buy_per_kwh": 0.4, "sell_per_kwh": 0.1}]}
    return {"name": "user storage", "time": {"start": "2025-06-01T00:00:00+08:00", "step_minutes": 60, "steps": 48},
            "buses": [{"name": "el", "carrier": "electricity"}],
            "devices": [{"name": "grid", "type": "grid", "bus": "el", "emission_factor_kg_per_kwh": 0.5,
                         "tariff": tariff},
                        {"name": "pv", "type": "pv", "bus": "el", "capacity_kw": 1500, "availability": pv},
                        store,
                        {"name": "load", "type": "load", "bus": "el", "profile_kw": load}]}


@pytest.mark.parametrize("strategy", ["perfect", "mpc", "rules"])
def test_python_storage_is_carried_like_the_battery(strategy):
    kw = dict(strategy=strategy, horizon_hours=24, reoptimize_every_hours=12, forecaster="seasonal_naive_day",
              dispatch=ehub.dispatch.Options(solver="cbc"))
    builtin = ehub.sim.run_loop(park(False), **kw)
    user = ehub.sim.run_loop(park(True), **kw)
    assert user.kpis["cost_total"] == pytest.approx(builtin.kpis["cost_total"], rel=1e-9)
    a, b = np.asarray(builtin.log["soc_kwh"]["store"]), np.asarray(user.log["soc_kwh"]["store"])
    assert a.shape == b.shape == (48,)
    np.testing.assert_allclose(b, a, atol=1e-6)
    assert user.kpis["storage_cycles"]["store"] > 0.3  # it does work (valley charge, peak discharge)


def test_python_storage_is_followed_by_the_twin():
    # Plan: 200 kW from the grid, storage idle; actual load 300 kW. The storage (1 MWh at SOC 0.5,
    # 500 kW, efficiency 1) takes the 100 kW at W = 2 before the grid (4W): import 200, cost 200.
    window = {"time": {"start": "2025-06-01T10:00:00+08:00", "step_minutes": 60, "steps": 1},
              "buses": [{"name": "el", "carrier": "electricity"}],
              "devices": [{"name": "grid", "type": "grid", "bus": "el", "buy_price_per_kwh": 1.0,
                           "sell_price_per_kwh": 0.1},
                          {"name": "store", "type": "py_user_battery", "bus": "el", "energy_kwh": 1000,
                           "power_kw": 500, "efficiency": 1.0, "soc": 0.5},
                          {"name": "load", "type": "load", "bus": "el", "profile_kw": [300.0]}]}
    pins = {"store": {"charge_kw": [0.0], "discharge_kw": [0.0]}, "grid": {"import_kw": [200.0], "export_kw": [0.0]}}
    tr = ehub.sim.execute(window, pins, ehub.dispatch.Options(solver="cbc"),
                          ehub.sim.TwinOptions(battery_efficiency_drop=0.0))
    assert tr.storage_kw[0] == pytest.approx(100.0, abs=1e-6)
    assert tr.grid_kw[0] == pytest.approx(200.0, abs=1e-6)
    assert tr.executed.summary()["kpis"]["cost_total"] == pytest.approx(200.0, abs=1e-6)
    assert not math.isnan(tr.executed.summary()["kpis"]["cost_total"])


def test_storage_info_is_checked():
    class Bad(PyBattery):
        def storage(self):
            return {"port": "el", "energy_kwh": -1}

    ehub.hub.register_device_type("py_bad_battery", Bad)
    sc = park(True)
    sc["devices"][2]["type"] = "py_bad_battery"
    with pytest.raises(ehub.InputError, match="energy_kwh must be > 0"):
        ehub.sim.run_loop(sc, strategy="perfect", horizon_hours=24, reoptimize_every_hours=12)
