"""ehub.ems from Python: the pandas face of cleaning, statistics, period totals, balance and plots.
Expected values are worked out by hand in the comments."""
import math

import numpy as np
import pandas as pd
import pytest

import ehub


def quarter_hours(values, start="2025-01-01T00:00:00+08:00"):
    return pd.Series(values, index=pd.date_range(start, periods=len(values), freq="15min"), name="m.kw", dtype=float)


def test_clean_utility_example_and_edits_frame():
    # 75, four missing, 100 -> 80, 85, 90, 95 flagged estimated (the utility-practice example); the
    # sentinel 65535 after 100 becomes missing and is filled from its neighbours 100 and 104: 102.
    s = quarter_hours([75, math.nan, math.nan, math.nan, math.nan, 100, 65535, 104])
    frame, edits = ehub.ems.clean(s, fill_long_gaps_by_profile=False)
    assert frame["value"].tolist()[:6] == [75, 80, 85, 90, 95, 100]
    assert frame["flag"].tolist()[1:5] == ["estimated"] * 4
    assert frame["value"].iloc[6] == 102.0
    assert edits["rule"].tolist() == ["sentinel", "linear_fill", "linear_fill", "linear_fill", "linear_fill", "linear_fill"]
    assert str(edits["time"].iloc[0]) == "2025-01-01 01:30:00+08:00"
    with pytest.raises(ehub.InputError, match="unknown rule 'max_gap'"):
        ehub.ems.clean(s, max_gap=3)
    irregular = s.drop(s.index[2])
    with pytest.raises(ehub.InputError, match="not regular"):
        ehub.ems.clean(irregular)


def test_statistics_periods_and_balance():
    # Hourly: 100 kW at night (22-06), 300 kW by day, Friday and Saturday 3-4 Jan 2025 (+08:00).
    idx = pd.date_range("2025-01-03T00:00:00+08:00", periods=48, freq="h")
    s = pd.Series([100.0 if (h % 24 < 6 or h % 24 >= 22) else 300.0 for h in range(48)], index=idx)
    st = ehub.ems.statistics(s, utc_offset_minutes=480)
    assert st["energy_kwh"] == 11200 and st["weekend_share"] == 0.5 and st["peak_to_valley"] == 3
    days = ehub.ems.period_totals(s, "day", utc_offset_minutes=480)
    assert days["energy_kwh"].tolist() == [5600.0, 5600.0]
    assert days["change"].iloc[1] == 0.0
    main = pd.Series(100.0, index=idx)
    table, worst = ehub.ems.tree_balance({"main": ("", main), "a": ("main", main * 0.5), "b": ("main", main * 0.4)})
    assert table.loc["main", "loss_share"] == pytest.approx(0.1, rel=1e-12) and bool(table.loc["main", "flagged"])
    assert worst == "main"


def test_fault_scores_and_plots():
    rng = np.random.default_rng(7)
    idx = pd.date_range("2025-01-01T00:00:00+08:00", periods=96 * 14, freq="15min")
    base = 500 + 100 * np.sin(np.arange(len(idx)) * 2 * np.pi / 96) + rng.normal(0, 5, len(idx))
    s = pd.Series(base, index=idx, name="office.kw")
    faults = [100, 400, 900]
    s.iloc[faults] = s.iloc[faults] + 400  # three spikes
    frame, edits = ehub.ems.clean(s, hampel_half_window=4, fill_long_gaps_by_profile=False)
    sc = ehub.ems.fault_scores(edits, idx[faults])
    assert sc["recall"] == 1.0 and sc["true_positives"] == 3
    import matplotlib

    matplotlib.use("Agg")
    assert ehub.ems.heatmap(frame["value"], utc_offset_minutes=480).axes
    assert ehub.ems.load_duration_curve(frame["value"]).axes


def _ehub(build_dir, *args):
    import subprocess

    return subprocess.run([str(build_dir / "src" / "cli" / "ehub"), *map(str, args)], capture_output=True, text=True)


def test_cli_clean_stats_kpis(build_dir, data_dir, tmp_path):
    import json

    csv = data_dir / "ems" / "gaps_and_sentinel.csv"
    out, edits = tmp_path / "clean.csv", tmp_path / "edits.csv"
    r = _ehub(build_dir, "ems", "clean", csv, "--no-profile", "--out", out, "--edits", edits, "--utc-offset", 480)
    assert r.returncode == 0, r.stderr
    summary = json.loads(r.stdout)
    assert summary["m.kw"]["by_rule"]["linear_fill"] == 4 and summary["h.kw"]["by_rule"]["sentinel"] == 1
    lines = out.read_text().splitlines()
    assert lines[2] == "2025-01-01T00:15:00+08:00,m.kw,80,estimated"  # 75 + (100 - 75) / 5
    # h.kw: -999 at 00:30 is a sentinel, filled between 11 and 12.
    assert "2025-01-01T00:30:00+08:00,h.kw,sentinel,-999,,good,missing" in edits.read_text()
    assert "2025-01-01T00:30:00+08:00,h.kw,11.5,estimated" in lines
    st = json.loads(_ehub(build_dir, "ems", "stats", csv, "--column", "h.kw", "--period", "hour", "--utc-offset", 480).stdout)
    # With -999 read as missing: hour 0 has 10, 11, 12 (15-min) -> (10 + 11 + 12) / 4 = 8.25 kWh.
    assert st["h.kw"]["hour"][0]["energy_kwh"] == 8.25 and st["h.kw"]["hour"][0]["completeness"] == 0.75
    k = json.loads(_ehub(build_dir, "ems", "kpis", "--electricity-kwh", 1e6, "--gas-m3", 1e5, "--diesel-kg", 2000).stdout)
    assert k["coal_calorific_kgce"] == pytest.approx(247244.2, rel=1e-12) and k["coal_equal_value_kgce"] is None
    r = _ehub(build_dir, "ems", "clean", csv, "--column", "nope")
    assert r.returncode == 1 and 'no column "nope" (columns: m.kw, h.kw)' in r.stderr


def test_cli_clean_writes_edits_back_to_the_store_audited(build_dir, tmp_path):
    url = f"sqlite://{tmp_path / 'park.db'}"
    s = ehub.store.open(url)
    s.add_tenant("t"); s.add_site("s", utc_offset_minutes=480); s.add_meter("m", tenant="t", site="s")
    s.add_point("m.kw", meter="m", quantity="power", unit="kW")
    t0 = 1735660800
    s.append_readings("m.kw", [t0, t0 + 900, t0 + 1800, t0 + 2700], [10.0, -999.0, 14.0, 16.0])
    r = _ehub(build_dir, "ems", "clean", "--store", url, "--point", "m.kw", "--start", "2025-01-01T00:00:00+08:00",
              "--end", "2025-01-01T01:00:00+08:00", "--utc-offset", 480, "--no-profile", "--write")
    assert r.returncode == 0, r.stderr
    df = s.read("m.kw")
    assert df["value"].tolist() == [10.0, 12.0, 14.0, 16.0]  # -999 -> missing -> (10 + 14) / 2
    assert df["quality"].iloc[1] == int(ehub.store.Quality.estimated)
    log = s.audit_log()
    assert log["action"].tolist()[-2:] == ["replace:cleaning:sentinel", "replace:cleaning:linear_fill"]
    assert log["old_value"].iloc[-2] == "-999 q=0"


def test_area_flows_and_sankey():
    # main 100 MWh: office 40, hospital 50 -> 10 unmetered; hospital: wards 30, lab 15 -> 5 unmetered.
    e = {"main": 100e3, "office": 40e3, "hospital": 50e3, "wards": 30e3, "lab": 15e3}
    links = ehub.ems.area_flows(e, {"office": "main", "hospital": "main", "wards": "hospital", "lab": "hospital"})
    assert links[("main", "main unmetered")] == 10e3 and links[("hospital", "hospital unmetered")] == 5e3
    import matplotlib

    matplotlib.use("Agg")
    fig = ehub.ems.sankey(links)
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert "main\n100 MWh" in texts and "hospital unmetered\n5 MWh" in texts
