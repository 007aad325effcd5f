"""ehub.ems baselines and M&V (docs/baselines.md), alarms and assets from Python, and the CLI."""
import json
import math
import subprocess

import numpy as np
import pandas as pd
import pytest

import ehub


def _doe(data_dir):
    d = pd.read_csv(data_dir / "ems" / "doe_office_greensboro.csv")
    return d.large_office_electric_fraction.to_numpy() * 6836130.0, d.dry_bulb_c.to_numpy()


def _cli(build_dir, *args):
    return subprocess.run([str(build_dir / "src" / "cli" / "ehub"), *map(str, args)], capture_output=True, text=True)


def test_towt_recovers_injected_savings_within_uncertainty(data_dir):
    kwh, t = _doe(data_dir)
    rng = np.random.default_rng(7)
    idx = pd.date_range("2023-01-01", periods=8760, freq="h", tz="-05:00")  # a Sunday, as the DOE year
    base = pd.Series(kwh * (1 + 0.03 * rng.standard_normal(8760)), index=idx)
    report = pd.Series(0.88 * kwh * (1 + 0.03 * rng.standard_normal(8760)), index=idx + pd.Timedelta(days=364))
    model = ehub.ems.baseline_towt(base, t, utc_offset_minutes=-300)
    assert model.fit.acceptable and model.fit.cv_rmse < 0.3
    summary, table = ehub.ems.verify(model, report, t, confidence=0.9, utc_offset_minutes=-300)
    truth = report.sum() / 0.88 * 0.12  # the counterfactual is report / 0.88
    assert summary["status"] == "ok"
    assert abs(summary["avoided_kwh"] - truth) < summary["uncertainty_kwh"]
    assert list(table.columns)[:3] == ["start_unix_s", "adjusted_baseline_kwh", "metered_kwh"]
    assert math.isclose(table["cumulative_avoided_kwh"].iloc[-1], summary["avoided_kwh"], rel_tol=1e-9)


def test_insufficient_baseline_and_unacceptable_model(data_dir):
    kwh, t = _doe(data_dir)
    idx = pd.date_range("2023-01-01", periods=4380, freq="h", tz="-05:00")
    with pytest.raises(ehub.InputError, match=r"baseline: not enough data.*182.5 days"):
        ehub.ems.baseline_towt(pd.Series(kwh[:4380], index=idx), t[:4380], utc_offset_minutes=-300)
    # A 2P model of y = x^2 on -3..3 is flat with CV(RMSE) far above 30 %: not acceptable, no savings.
    x = np.arange(-3.0, 4.0)
    m = ehub.ems.fit_change_point(x, x * x + 1, "2P")
    assert not m.fit.acceptable and "CV(RMSE)" in m.fit.reason
    s = ehub.ems.verify_savings(m.fit, np.full(5, 10.0), np.full(5, 9.0))
    assert s["status"].startswith("not_acceptable") and math.isnan(s["avoided_kwh"])


def test_change_point_5p_by_hand():
    x = np.arange(-5.0, 40.0, 5.0)
    y = 50 + 3 * np.maximum(10 - x, 0) + 5 * np.maximum(x - 20, 0)
    m = ehub.ems.fit_best_change_point(x, y)
    assert m.kind == "5P"
    assert (m.cp1_c, m.cp2_c) == pytest.approx((10, 20))
    assert (m.b0, m.b1, m.b2) == pytest.approx((50, 3, 5))


def test_cli_baseline_and_its_errors(build_dir, data_dir, tmp_path):
    kwh, t = _doe(data_dir)
    idx = pd.date_range("2023-01-01", periods=2 * 8736, freq="h", tz="-05:00")  # 2 x 52 weeks
    e = np.concatenate([kwh[:8736], 0.9 * kwh[:8736]])
    f = tmp_path / "office.csv"
    pd.DataFrame({"time": idx.strftime("%Y-%m-%dT%H:%M:%S-05:00"), "kwh": e,
                  "temperature_c": np.concatenate([t[:8736], t[:8736]])}).to_csv(f, index=False)
    r = _cli(build_dir, "ems", "baseline", f, "--baseline-start", "2023-01-01T00:00:00-05:00",
             "--baseline-end", "2023-12-31T00:00:00-05:00", "--reporting-start", "2023-12-31T00:00:00-05:00",
             "--reporting-end", "2024-12-29T00:00:00-05:00", "--utc-offset", "-300", "--min-days", "364")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["fit"]["acceptable"] and out["model"]["segments"] == 12
    s = out["savings"]
    assert abs(s["avoided_kwh"] - 0.1 * s["adjusted_baseline_kwh"]) < s["uncertainty_kwh"]
    bad = _cli(build_dir, "ems", "baseline", f, "--baseline-start", "2023-01-01T00:00:00-05:00",
               "--baseline-end", "2023-07-01T00:00:00-05:00", "--utc-offset", "-300")
    assert bad.returncode == 1 and "baseline: not enough data" in bad.stderr and "CalTRACK needs 365" in bad.stderr
    daily = _cli(build_dir, "ems", "baseline", f, "--model", "daily", "--baseline-start", "2023-01-01T00:00:00-05:00",
                 "--baseline-end", "2023-12-31T00:00:00-05:00", "--utc-offset", "-300")
    assert daily.returncode == 1 and "not acceptable" in daily.stderr
    assert json.loads(daily.stdout)["fit"]["acceptable"] is False


RULES = {"utc_offset_minutes": 480, "rules": [
    {"name": "main_high", "kind": "threshold", "point": "main.kw", "levels": {"warning": 800, "alarm": 900}, "hysteresis": 20},
    {"name": "feeder_high", "kind": "threshold", "point": "feeder.kw", "levels": {"alarm": 300}, "parent": "main_high"},
    {"name": "silent", "kind": "no_data", "point": "feeder.kw", "interval_s": 900, "no_data_intervals": 2},
]}


def test_alarm_engine_python_sink_and_store(tmp_path):
    events = []
    engine = ehub.ems.alarm_engine(RULES, known_points=["main.kw", "feeder.kw"], sink=events.append,
                                   locate=lambda e: "branch of " + e["point"])
    t0 = 1735660800  # 2025-01-01T00:00+08:00
    engine.push("feeder.kw", t0, 350.0)  # raised on its own: main_high is not active yet
    idx = pd.date_range("2025-01-01", periods=4, freq="15min", tz="+08:00")
    # main: 850 at 00:15 (warning: the feeder's alarm is now suppressed under it), 950 at 00:30
    # (alarm); at 00:45 the feeder has been silent for more than 2 x 15 minutes.
    assert ehub.ems.push_series(engine, pd.Series([700.0, 850, 950, 960], index=idx, name="main.kw")) == 4
    kinds = [(e["kind"], e["rule"], e["severity"], e["t_unix_s"] - t0) for e in events]
    assert kinds == [("raised", "feeder_high", "alarm", 0), ("raised", "main_high", "warning", 900),
                     ("suppressed", "feeder_high", "alarm", 900), ("updated", "main_high", "alarm", 1800),
                     ("raised", "silent", "alarm", 2700)]
    assert events[1]["location"] == "branch of main.kw" and events[2]["suppressed_by"] == "main_high"
    assert [(a["rule"], a["suppressed"]) for a in engine.active()] == [("feeder_high", True), ("main_high", False), ("silent", False)]
    frame = ehub.ems.events_frame(events, 480)
    assert str(frame["time"].iloc[1]) == "2025-01-01 00:15:00+08:00"
    with pytest.raises(ehub.InputError, match=r"/rules/1/point: unknown point \"feedr.kw\""):
        ehub.ems.alarm_engine({"rules": [RULES["rules"][0], {**RULES["rules"][1], "point": "feedr.kw"}]},
                              known_points=["main.kw", "feeder.kw"])


def test_locate_deviation_from_python():
    idx = pd.date_range("2025-01-01", periods=4, freq="15min", tz="UTC")
    s = lambda v: pd.Series(np.full(4, float(v)), index=idx)
    ref = {"main": ("", s(20.4)), "A": ("main", s(10)), "B": ("main", s(10)), "B1": ("B", s(5)), "B2": ("B", s(5))}
    win = dict(ref, main=("", s(24.4)), B=("main", s(14)), B2=("B", s(9)))
    f = ehub.ems.locate(win, ref, "main")
    assert f["path"] == ["main", "B", "B2"] and f["deviation_kwh"] == pytest.approx(16)


def test_cli_alarms_over_a_csv_and_into_the_store(build_dir, tmp_path):
    rules = tmp_path / "rules.json"
    rules.write_text(json.dumps({"utc_offset_minutes": 480, "rules": [
        {"name": "main_high", "kind": "threshold", "point": "main.kw", "levels": {"warning": 800, "alarm": 900}},
        {"name": "silent", "kind": "no_data", "point": "feeder.kw", "interval_s": 900, "no_data_intervals": 2}]}))
    csv = tmp_path / "readings.csv"
    csv.write_text("time,main.kw,feeder.kw\n2025-01-01T00:00:00+08:00,700,100\n2025-01-01T00:15:00+08:00,850,\n"
                   "2025-01-01T00:30:00+08:00,950,\n2025-01-01T00:45:00+08:00,700,\n")
    url = f"sqlite:///{tmp_path / 'park.db'}"
    s = ehub.store.open(url)
    s.add_tenant("t")
    del s
    r = _cli(build_dir, "ems", "alarms", rules, csv, "--store", url, "--tenant", "t")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    # 850 raises a warning at 00:15, 950 makes it an alarm at 00:30, 700 clears it at 00:45, when the
    # feeder has been silent for more than two 15-minute intervals.
    assert [(e["kind"], e["rule"], e["time"][11:16]) for e in out["events"]] == [
        ("raised", "main_high", "00:15"), ("updated", "main_high", "00:30"), ("raised", "silent", "00:45"),
        ("cleared", "main_high", "00:45")]
    rows = ehub.store.open(url).alarms()
    assert [(a["rule"], a["severity"], a["cleared_unix_s"] > 0) for a in rows] == [("main_high", "alarm", True), ("silent", "alarm", False)]
    rules.write_text(rules.read_text().replace('"feeder.kw"', '"feedr.kw"'))
    bad = _cli(build_dir, "ems", "alarms", rules, csv)
    assert bad.returncode == 1 and '/rules/1/point: unknown point "feedr.kw" (did you mean "feeder.kw"?)' in bad.stderr


def test_assets_from_python():
    r = ehub.ems.rainflow([-2, 1, -3, 5, -1, 3, -4, 4, -2])
    by = {}
    for rng, c in zip(r["range"], r["count"]):
        by[rng] = by.get(rng, 0) + c
    assert by == {3: 0.5, 4: 1.5, 6: 0.5, 8: 1.0, 9: 0.5}  # ASTM E1049-85 Table 4
    d = ehub.ems.battery_degradation(np.full(8760, 0.5), 1.0)
    assert d["capacity_loss"] == pytest.approx(0.05788, abs=2e-5)
    w = ehub.ems.start_wear(np.array([0, 0, 1, 1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 1.0]) * 4000, 1.0, life_cost=2e6)
    assert (w["cold_starts"], w["hot_starts"], w["cost"]) == (2, 1, pytest.approx(33000))
    s = ehub.store.open("sqlite::memory:")
    s.add_tenant("t")
    s.add_site("s", utc_offset_minutes=480)
    s.add_asset("bat-1", tenant="t", site="s", kind="battery", commissioned_unix_s=1735660800)
    grid = ehub.core.TimeGrid(1735660800, 60, 24)
    p = np.where((np.arange(24) >= 8) & (np.arange(24) < 20), 500.0, 0.0)
    due = ehub.ems.maintenance_due(s, "bat-1", grid, p, ehub.core.TimeGrid(1735660800 + 86400, 60, 24), p,
                                   [ehub.ems.MaintenanceRule("check", every_run_hours=18)], 1735660800 + 86400)
    # 12 h run on the first day, 6 more on the plan's day: 08:00 + 6 h = 14:00 of day 2.
    assert due[0]["run_hours_since"] == 12 and due[0]["due_unix_s"] == 1735660800 + 86400 + 14 * 3600


def _dr_meter():
    """Hourly kWh, 25 June - 10 July 2025 (+08:00): 50, and 14:00-16:00 a level per day (9 July 100,
    8 July 120, 7 July 90); on 10 July (the event day) 80 in the event hours."""
    idx = pd.date_range("2025-06-25", periods=16 * 24, freq="h", tz="+08:00")
    v = pd.Series(50.0, index=idx, name="site.kwh")
    for day, level in {"2025-07-09": 100, "2025-07-08": 120, "2025-07-07": 90, "2025-07-10": 80}.items():
        v[f"{day} 14:00":f"{day} 15:00"] = level
    return v


EVENTS = {"program": "summer-peak", "min_notice_h": 24, "compensation_per_kwh": 0.85, "penalty_per_kwh": 0.3, "events": [
    {"id": "e1", "type": "peak_shaving", "notified": "2025-07-09T09:00:00+08:00",
     "window": {"start": "2025-07-10T14:00:00+08:00", "end": "2025-07-10T16:00:00+08:00"}, "requested_kw": 40}]}


def test_dr_settlement_by_hand_and_errors():
    ev = ehub.dr.parse_events(EVENTS)
    s = ehub.dr.settle_series(ev[0], _dr_meter(), x_days=2, y_days=3, utc_offset_minutes=480)
    # Highest 2 of the last 3 weekdays (9, 8, 7 July): (120 + 100) / 2 = 110; 30 kWh x 2 h delivered
    # of 80 asked: 60 x 0.85 = 51 paid, 20 x 0.3 = 6 charged.
    assert s["days_used"] == ["2025-07-08", "2025-07-09"]
    assert (s["delivered_kwh"], s["payment"], s["penalty"], s["net"]) == pytest.approx((60, 51, 6, 45))
    assert list(s["baseline"]) == [110, 110]
    bad = json.loads(json.dumps(EVENTS))
    bad["events"].append(dict(bad["events"][0], id="e2"))
    with pytest.raises(ehub.InputError, match=r"/events/1/window: overlaps event \"e1\""):
        ehub.dr.parse_events(bad)
    with pytest.raises(ehub.InputError, match=r"/events/0/window/start: the event is in the past"):
        ehub.dr.parse_events(EVENTS, now_unix_s=1752163200)  # 2025-07-11T00:00+08:00


def test_cli_dr_settle(build_dir, tmp_path):
    ev = tmp_path / "events.json"
    ev.write_text(json.dumps(EVENTS))
    csv = tmp_path / "meter.csv"
    m = _dr_meter()
    pd.DataFrame({"time": m.index.strftime("%Y-%m-%dT%H:%M:%S+08:00"), "kwh": m.to_numpy()}).to_csv(csv, index=False)
    url = f"sqlite:///{tmp_path / 'park.db'}"
    r = _cli(build_dir, "dr", "settle", ev, csv, "--x", "2", "--y", "3", "--utc-offset", "480", "--store", url)
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out[0]["net"] == pytest.approx(45) and out[0]["baseline_days"] == ["2025-07-08", "2025-07-09"]
    bad = _cli(build_dir, "dr", "settle", ev, csv, "--x", "12", "--y", "12", "--utc-offset", "480")
    assert bad.returncode == 1 and "baseline: event \"e1\": only 11 eligible day(s)" in bad.stderr


def test_event_in_the_plan_and_its_value_by_hand():
    # A 100 kW load with 30 % interruptible at 1.5 CNY/kWh, grid at 1.0 CNY/kWh all day. Without the
    # event nothing is interrupted (1.5 > 1.0): cost 24 x 100 = 2400. A 2-hour event at 0.85 CNY/kWh
    # makes a kWh imported in the window cost 1.85 > 1.5: 30 kW are interrupted for 2 h, the
    # operating cost is 2400 - 60 x 1.0 + 60 x 1.5 = 2430 (30 more); against a baseline of 100 kW,
    # 60 kWh are delivered of 60 asked: paid 51. The event is worth 51 - 30 = 21.
    sc = {"time": {"start": "2025-07-10T00:00:00+08:00", "step_minutes": 60, "steps": 24},
          "buses": [{"name": "el", "carrier": "electricity"}],
          "devices": [{"name": "grid", "type": "grid", "bus": "el", "buy_price_per_kwh": 1.0},
                      {"name": "dc", "type": "load", "bus": "el", "profile_kw": 100, "curtailable_share": 0.3,
                       "curtail_penalty_per_kwh": 1.5}]}
    ev = ehub.dr.parse_events({"program": "p", "events": [{"id": "e", "requested_kw": 30, "window": {
        "start": "2025-07-10T14:00:00+08:00", "end": "2025-07-10T16:00:00+08:00"}}]})[0]
    a = ehub.dr.answer_event(sc, ev, "2025-07-10T00:00:00+08:00", 24, [100, 100])
    assert (a["cost_without"], a["cost_with"]) == pytest.approx((2400, 2430))
    assert a["settlement"]["delivered_kwh"] == pytest.approx(60) and a["settlement"]["payment"] == pytest.approx(51)
    assert a["value"] == pytest.approx(21)
    with pytest.raises(ehub.InputError, match="no device named 'mains'"):
        ehub.dr.scenario_with_event(sc, ev, "2025-07-10T00:00:00+08:00", 24, grid_device="mains")


def test_event_answered_by_the_operations_loop_by_hand():
    # Six days, flat price 1.0; a 2 MWh / 1 MW battery (0.9 each way, SOC 0.5) idle without the
    # event. With a 500 kW event on Friday 14-16 h at 0.85: charge to 2000 kWh, deliver 1800 kWh,
    # charge back to 1000 kWh: 2 x 1111.1 - 1800 = 422.2 kWh more at 1.0; baseline (Wed, Thu)
    # 3000 kWh; paid min(1800, 1.2 x 1000) = 1200 kWh x 0.85 = 1020; value 1020 - 422.2.
    load = [1500.0 if 8 <= h < 20 else 1000.0 for _ in range(6) for h in range(24)]
    park = {"time": {"start": "2025-07-07T00:00:00+08:00", "step_minutes": 60, "steps": 144},
            "buses": [{"name": "el", "carrier": "electricity"}],
            "devices": [{"name": "grid", "type": "grid", "bus": "el", "buy_price_per_kwh": 1.0, "sell_price_per_kwh": 0.1},
                        {"name": "bat", "type": "battery", "bus": "el", "energy_kwh": 2000, "power_kw": 1000,
                         "charge_efficiency": 0.9, "discharge_efficiency": 0.9, "soc_initial": 0.5},
                        {"name": "load", "type": "load", "bus": "el", "profile_kw": load}]}
    ev = ehub.dr.parse_events({"program": "peak", "compensation_per_kwh": 0.85, "events": [
        {"id": "E1", "type": "peak_shaving", "notified": "2025-07-10T12:00:00+08:00",
         "window": {"start": "2025-07-11T14:00:00+08:00", "end": "2025-07-11T16:00:00+08:00"}, "requested_kw": 500}]})
    twin = ehub.sim.TwinOptions(battery_taper_fraction=0.0, battery_efficiency_drop=0.0)
    a = ehub.dr.answer_in_loop(park, ev[0], strategy="perfect", horizon_hours=24, reoptimize_every_hours=24,
                               twin=twin, rule=ehub.dr.BaselineRule(x_days=2, y_days=2, select="recent",
                                                                    utc_offset_minutes=480))
    extra = 2 * 1000 / 0.9 - 1800
    assert a["cost_with"] - a["cost_without"] == pytest.approx(extra, abs=0.05)
    assert a["settlement"]["baseline_kwh"] == pytest.approx(3000.0)
    assert a["settlement"]["payment"] == pytest.approx(1020.0)
    assert a["value"] == pytest.approx(1020.0 - extra, abs=0.05)
    assert a["with"].steps == 144
