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
