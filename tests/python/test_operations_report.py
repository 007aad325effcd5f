"""examples/operations_report.py on a 3-day run of the reference park (every strategy): the PNGs are
images, report.md holds the KPI table with the summary's cost totals, the monthly green share equals
the one recomputed here from the HDF5 /balance datasets; a missing dataset is an error that names the
file and the path, and a run without some strategies leaves their columns out. About 10 s."""
import csv
import json
import os
import pathlib
import re
import shutil
import subprocess
import sys

import numpy as np
import pytest

h5py = pytest.importorskip("h5py")
pytest.importorskip("matplotlib")

ROOT = pathlib.Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "examples" / "operations_report.py"
PARK = ROOT / "examples" / "data" / "reference_park.json"
PNGS = ("dispatch_winter_week.png", "dispatch_summer_week.png", "monthly_green_share.png", "cost_breakdown.png",
        "soc.png")
STRATEGIES = ("rules", "mpc", "perfect")


def _env():
    env = dict(os.environ)
    build = pathlib.Path(os.environ.get("EHUB_BUILD_DIR", ROOT / "build" / "dev"))
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(build / "python"), env.get("PYTHONPATH")) if p)
    env["MPLBACKEND"] = "Agg"
    return env


def _report(h5, summary, out, *extra):
    args = [sys.executable, str(SCRIPT), "--h5", str(h5), "--out-dir", str(out), "--scenario", str(PARK), *extra]
    if summary is not None:
        args += ["--summary", str(summary)]
    return subprocess.run(args, capture_output=True, text=True, env=_env(), timeout=120, cwd=ROOT)


@pytest.fixture(scope="module")
def run3(tmp_path_factory):
    """`ehub simulate --days 3 --strategy all` once for the module: (h5, summary json, tmp dir)."""
    build = pathlib.Path(os.environ.get("EHUB_BUILD_DIR", ROOT / "build" / "dev"))
    cli = build / "src" / "cli" / "ehub"
    if not cli.exists():
        pytest.skip(f"no CLI at {cli} (set EHUB_BUILD_DIR)")
    d = tmp_path_factory.mktemp("oprep")
    h5, js = d / "run.h5", d / "run.json"
    p = subprocess.run([str(cli), "simulate", str(PARK), "--days", "3", "--strategy", "all", "--out", str(h5),
                        "--summary", str(js), "--progress", "off"], capture_output=True, text=True, timeout=300,
                       cwd=ROOT)
    assert p.returncode == 0, p.stderr
    return h5, js, d


def _png_size(path: pathlib.Path):
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path.name} is not a PNG"
    import matplotlib.image as mpimg

    img = mpimg.imread(str(path))
    return img.shape[1], img.shape[0]


def test_report_files_table_and_monthly_green_share(run3):
    h5, js, d = run3
    out = d / "report"
    p = _report(h5, js, out)
    assert p.returncode == 0, p.stderr
    summary = json.loads(js.read_text())

    for name in PNGS:
        f = out / name
        assert f.exists() and f.stat().st_size > 1000, name
        w, h = _png_size(f)
        assert w > 0 and h > 0

    md = (out / "report.md").read_text()
    header = next(line for line in md.splitlines() if line.startswith("| KPI |"))
    assert [c.strip() for c in header.strip("|").split("|")][1:] == list(STRATEGIES)
    for name in PNGS:
        assert f"]({name})" in md, f"report.md does not embed {name}"
    cost_row = next(line for line in md.splitlines() if line.startswith("| cost total"))
    cells = [c.strip() for c in cost_row.strip("|").split("|")][1:]
    assert cells == [f"{summary[s]['cost_total']:,.0f}" for s in STRATEGIES]
    assert cost_row in p.stdout  # the table is printed too
    gs_row = next(line for line in md.splitlines() if line.startswith("| green share"))
    assert [c.strip() for c in gs_row.strip("|").split("|")][1:] == [f"{100 * summary[s]['green_share']:.2f}"
                                                                     for s in STRATEGIES]
    vo = f"{summary['value_of_optimisation']:,.0f}"
    assert re.search(r"value of optimisation \(rules - mpc\): " + re.escape(vo), md)
    assert "cost of forecast error (mpc - perfect): " + f"{summary['cost_of_forecast_error']:,.0f}" in md

    # Monthly green share recomputed from /balance (local months, the park is at UTC+08:00).
    with open(out / "monthly_green_share.csv", newline="") as f:
        reported = {(r["month"], r["strategy"]): float(r["green_share"]) for r in csv.DictReader(f)}
    offset_s = 8 * 3600
    expected = {}
    with h5py.File(h5, "r") as f:
        for s in STRATEGIES:
            t = f[f"/{s}/time"][()]
            cons = f[f"/{s}/balance/electricity_consumption_kw"][()]
            matched = f[f"/{s}/balance/green_matched_kw"][()]
            months = (t + offset_s).astype("datetime64[s]").astype("datetime64[M]").astype(str)
            for m in np.unique(months):
                sel = months == m
                expected[(m, s)] = matched[sel].sum() / cons[sel].sum()
            # over the run it is the summary's green share
            assert matched.sum() / cons.sum() == pytest.approx(summary[s]["green_share"], rel=1e-9)
    assert set(reported) == set(expected) == {("2025-01", s) for s in STRATEGIES}
    for k, v in expected.items():
        assert reported[k] == pytest.approx(v, rel=1e-12), k


def test_missing_dataset_names_file_and_path(run3, tmp_path):
    h5, js, _ = run3
    bad = tmp_path / "bad.h5"
    shutil.copy(h5, bad)
    with h5py.File(bad, "a") as f:
        del f["/mpc/balance/green_matched_kw"]
    p = _report(bad, js, tmp_path / "out")
    assert p.returncode == 1
    assert str(bad) in p.stderr and "'/mpc/balance/green_matched_kw'" in p.stderr, p.stderr


def test_some_strategies_only(run3, tmp_path):
    h5, js, _ = run3
    part = tmp_path / "part.h5"
    shutil.copy(h5, part)
    with h5py.File(part, "a") as f:
        del f["/rules"]
    summary = json.loads(js.read_text())
    del summary["rules"], summary["value_of_optimisation"]
    (tmp_path / "part.json").write_text(json.dumps(summary))
    out = tmp_path / "out"
    p = _report(part, tmp_path / "part.json", out)
    assert p.returncode == 0, p.stderr
    md = (out / "report.md").read_text()
    header = next(line for line in md.splitlines() if line.startswith("| KPI |"))
    assert [c.strip() for c in header.strip("|").split("|")][1:] == ["mpc", "perfect"]
    assert "value of optimisation" not in md and "cost of forecast error" in md
    for name in PNGS:
        assert (out / name).stat().st_size > 1000
    # and without the summary JSON the KPIs come from the groups' "summary" attributes
    p = _report(part, None, tmp_path / "out2")
    assert p.returncode == 0, p.stderr
    assert f"{summary['mpc']['cost_total']:,.0f}" in (tmp_path / "out2" / "report.md").read_text()
