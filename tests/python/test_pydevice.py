"""Device types written in Python: created from scenario JSON, validated with JSON paths, formulated
through the Builder during dispatch (with the GIL released around it), pickled, and solved in threads.
Expected values are computed by hand from the tiny parks below."""
import pathlib
import pickle
import runpy
import threading

import numpy as np
import pytest

import ehub

HAS_PYDEVICE = hasattr(ehub._core.hub, "_register_python_device_type")
pytestmark = pytest.mark.skipif(not HAS_PYDEVICE,
                                reason="ehub._core built without bindings/python/src/pydevice.cpp registered")
ROOT = pathlib.Path(__file__).resolve().parents[2]


class ElectricBoiler(ehub.hub.Device):
    """Electric boiler (Python): el in, heat out, heat = efficiency * el."""

    def __init__(self, name, spec, series):
        super().__init__(name, spec, series)
        self.capacity_kw = float(spec["capacity_kw"])
        if self.capacity_kw <= 0:
            series.error("capacity_kw", f"must be > 0, got {self.capacity_kw:g}")
        self.efficiency = float(spec.get("efficiency", 1.0))
        if not 0 < self.efficiency <= 1:
            raise ValueError(f"efficiency must be in (0, 1], got {self.efficiency:g}")

    def ports(self):
        return [("el", "electricity", "input"), ("heat", "heat", "output")]

    def formulate(self, b):
        heat = b.add_vars("heat_kw", 0.0, self.capacity_kw)
        el = b.add_vars("el_kw")
        n = b.steps
        # efficiency * el[t] - heat[t] = 0, all rows at once from 2-d arrays
        vars_ = np.stack([el.indices(), heat.indices()], axis=1)
        coefs = np.tile([self.efficiency, -1.0], (n, 1))
        b.add_rows(0.0, 0.0, vars_, coefs)
        b.add_port_flow("el", el, -1.0)
        b.add_port_flow("heat", heat, 1.0)


class PythonPv(ehub.hub.Device):
    """PV written in Python: output up to capacity x availability (a series), renewable."""

    renewable = True

    def __init__(self, name, spec, series):
        super().__init__(name, spec, series)
        self.avail_kw = float(spec["capacity_kw"]) * series.get("availability", "intensive")

    def ports(self):
        return [("el", "electricity", "output")]

    def formulate(self, b):
        p = b.add_vars("p_kw", 0.0, self.avail_kw)
        b.add_port_flow("el", p, 1.0)
        b.add_energy_tally("renewable_kwh", p, 1.0)


if HAS_PYDEVICE:
    ehub.hub.register_device_type("py_electric_boiler", ElectricBoiler)
    ehub.hub.register_device_type("py_pv", PythonPv, "PV written in Python")


def park(boiler=None, el_bus="el", extra=()):
    boiler = {"capacity_kw": 100, "efficiency": 0.98} if boiler is None else boiler
    return {
        "time": {"start": "2025-06-01T00:00:00Z", "step_minutes": 60, "steps": 2},
        "buses": [{"name": "el", "carrier": "electricity"}, {"name": "heat", "carrier": "heat"}],
        "devices": [
            {"name": "grid", "type": "grid", "bus": "el", "buy_price_per_kwh": 0.5},
            {"name": "eb", "type": "py_electric_boiler", "ports": {"el": el_bus, "heat": "heat"}, **boiler},
            {"name": "dh", "type": "load", "bus": "heat", "carrier": "heat", "profile_kw": [49, 98]},
            *extra,
        ],
    }


def test_registered_and_dispatched():
    assert "py_electric_boiler" in ehub.hub.device_types()
    sc = ehub.hub.scenario_from_json(park())
    assert ("eb", "py_electric_boiler") in sc.devices
    r = ehub.dispatch.solve(sc, solver="clp")
    assert r.status == "optimal"
    # Heat 49 + 98 = 147 kWh needs 147 / 0.98 = 150 kWh of electricity at 0.5: 75.
    assert r.objective == pytest.approx(75.0, abs=1e-9)
    np.testing.assert_allclose(r.states["eb.el_kw"], [50.0, 100.0], atol=1e-9)
    np.testing.assert_allclose(r.flows["eb.heat"], [49.0, 98.0], atol=1e-9)
    assert r.flow_buses["eb.el"] == ("el", "electricity")


def test_renewable_python_device_counts_green():
    pv = {"name": "roof", "type": "py_pv", "bus": "el", "capacity_kw": 100, "availability": [0.3, 0.0]}
    sc = ehub.hub.scenario_from_json(park(extra=[pv]))
    r = ehub.dispatch.solve(sc, solver="clp")
    # 30 kWh of PV in step 0 (the boiler draws 50 there), none in step 1: cost (20 + 100) * 0.5 = 60,
    # green share 30 / 150 = 0.2.
    assert r.objective == pytest.approx(60.0, abs=1e-9)
    assert r.summary()["kpis"]["green_share"] == pytest.approx(0.2, abs=1e-9)


def test_parameter_errors_name_the_json_path():
    with pytest.raises(ehub.InputError) as e:
        ehub.hub.scenario_from_json(park({"capacity_kw": -5}))
    assert str(e.value) == "[ehub.input] <python>: /devices/1/capacity_kw: must be > 0, got -5"
    with pytest.raises(ehub.InputError, match=r"<python>: /devices/1: efficiency must be in \(0, 1\], got 2"):
        ehub.hub.scenario_from_json(park({"capacity_kw": 5, "efficiency": 2}))
    with pytest.raises(ehub.InputError, match="/devices/1/capacity_kw: required key is missing"):
        ehub.hub.scenario_from_json(park({}))
    # A series error keeps the message the C++ series reader gives.
    pv = {"name": "roof", "type": "py_pv", "bus": "el", "capacity_kw": 1, "availability": "nope"}
    with pytest.raises(ehub.InputError, match=r'/devices/3/availability: no series named "nope"'):
        ehub.hub.scenario_from_json(park(extra=[pv]))
    # Hub validation applies: the el port on the heat bus is a carrier mismatch.
    with pytest.raises(ehub.InputError, match='bus "heat" carries heat, the port needs electricity'):
        ehub.hub.scenario_from_json(park(el_bus="heat"))


def test_bad_device_objects():
    class NoPorts:
        def __init__(self, name, spec, series):
            pass

    ehub.hub.register_device_type("py_bad", NoPorts, "bad")
    bad = {"name": "x", "type": "py_bad", "bus": "el"}
    with pytest.raises(ehub.InputError, match="needs ports"):
        ehub.hub.scenario_from_json(park(extra=[bad]))

    class BadCarrier(ehub.hub.Device):
        def ports(self):
            return [("el", "plasma", "output")]

    ehub.hub.register_device_type("py_bad", BadCarrier)
    with pytest.raises(ehub.InputError, match='/devices/3: port "el": .*plasma'):
        ehub.hub.scenario_from_json(park(extra=[bad]))
    with pytest.raises(ValueError, match="callable"):
        ehub.hub.register_device_type("py_bad", 42)


def test_formulate_errors_propagate_and_builder_expires():
    kept = []

    class Broken(ehub.hub.Device):
        def ports(self):
            return [("el", "electricity", "input")]

        def formulate(self, b):
            kept.append(b)
            raise ZeroDivisionError("in my formulation")

    ehub.hub.register_device_type("py_broken", Broken)
    sc = ehub.hub.scenario_from_json(park(extra=[{"name": "x", "type": "py_broken", "bus": "el"}]))
    with pytest.raises(ZeroDivisionError, match="in my formulation"):
        ehub.dispatch.solve(sc, solver="clp")
    with pytest.raises(RuntimeError, match="only valid inside formulate"):
        kept[0].add_vars("late")


def test_pickle_round_trip():
    sc = ehub.hub.scenario_from_json(park())
    sc2 = pickle.loads(pickle.dumps(sc))
    assert sc2.devices == sc.devices
    assert ehub.dispatch.solve(sc2, solver="clp").objective == pytest.approx(75.0)


def test_threads_with_python_devices():
    """Python formulations take the GIL inside a dispatch that released it: no deadlock."""
    scs = [ehub.hub.scenario_from_json(park()) for _ in range(4)]
    out = [None] * len(scs)

    def run(k):
        out[k] = ehub.dispatch.solve(scs[k], solver="clp").objective

    threads = [threading.Thread(target=run, args=(k,)) for k in range(len(scs))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert out == [pytest.approx(75.0)] * len(scs)


def test_example_runs(capsys):
    runpy.run_path(str(ROOT / "examples" / "python_device.py"), run_name="__main__")
    out = capsys.readouterr().out
    assert "ev_depot (ev_depot)" in out
    assert "delivered 2400 kWh on day 1" in out


def test_a_sweep_of_scenarios_with_python_devices():
    """solve_each builds every scenario on a worker thread (GIL released): Python formulations take
    the GIL there without a deadlock, and each scenario gets its own optimum (75, as above)."""
    scs = [ehub.hub.scenario_from_json(park()) for _ in range(4)]
    rs = ehub.dispatch.solve_each(scs, solver="clp", workers=2)
    assert [r.objective for r in rs] == [pytest.approx(75.0)] * len(scs)
