"""ehub.plot: every figure renders to a non-empty PNG, from a real dispatch of the reference park
(two summer days) or from plain arrays, and its axes say what they show."""
import pathlib

import numpy as np
import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
pd = pytest.importorskip("pandas")

import ehub  # noqa: E402
import ehub.plot as eplot  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[2]
PARK = ROOT / "examples" / "data" / "reference_park.json"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def check_png(path: pathlib.Path, min_px=(300, 200)):
    """A PNG file with the PNG signature, a real size and more than one colour."""
    import matplotlib.image as mpimg

    data = path.read_bytes()
    assert data[:8] == PNG_SIGNATURE, f"{path} is not a PNG"
    assert len(data) > 5000, f"{path} is suspiciously small ({len(data)} bytes)"
    img = mpimg.imread(str(path))
    assert img.shape[1] >= min_px[0] and img.shape[0] >= min_px[1], img.shape
    assert np.ptp(img[..., :3]) > 0.2, "the image is blank"


@pytest.fixture(scope="module")
def summer():
    sc = ehub.hub.load_scenario(str(PARK), start="2025-07-01T00:00:00+08:00", steps=48)
    # The green objective colours storages, so soc_green_kwh is non-trivial.
    return sc, ehub.dispatch.solve(sc, solver="cbc", objective="green")


def test_dispatch_stack(summer, tmp_path):
    sc, r = summer
    fig = eplot.dispatch_stack(r, "electricity", utc_offset_minutes=sc.utc_offset_minutes, path=tmp_path / "el.png")
    assert isinstance(fig, Figure)
    check_png(tmp_path / "el.png")
    ax = fig.axes[0]
    assert ax.get_ylabel() == "power (kW)"
    assert "UTC+08:00" in ax.get_xlabel()
    labels = ax.get_legend_handles_labels()[1]
    assert "pv" in labels and "office_el" in labels and "net (balance)" in labels
    # Supply above zero and demand below: the stack spans both signs.
    lo, hi = ax.get_ylim()
    assert lo < 0 < hi
    # One bus instead of one carrier; an unknown carrier names the known ones.
    eplot.dispatch_stack(r, bus="heat", path=tmp_path / "heat.png")
    check_png(tmp_path / "heat.png")
    with pytest.raises(ValueError, match="carriers"):
        eplot.dispatch_stack(r, "hydrogen")


def test_storage_soc(summer, tmp_path):
    sc, r = summer
    fig = eplot.storage_soc(r, utc_offset_minutes=sc.utc_offset_minutes, path=tmp_path / "soc.png")
    check_png(tmp_path / "soc.png")
    labels = fig.axes[0].get_legend_handles_labels()[1]
    assert "green part" in labels and "grey part" in labels
    assert fig.axes[0].get_ylabel() == "energy (kWh)"
    with pytest.raises(ValueError, match="no state"):
        eplot.storage_soc(r, ["pv"])


def test_sankey(summer, tmp_path):
    sc, r = summer
    fig = eplot.sankey(r, "2025-07-01T00:00:00+08:00", "2025-07-02T00:00:00+08:00",
                       utc_offset_minutes=sc.utc_offset_minutes, path=tmp_path / "sankey.png")
    check_png(tmp_path / "sankey.png")
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert any(t.startswith("el bus") for t in texts)
    assert any(t.startswith("battery (charge)") for t in texts) or any(t.startswith("battery\n") for t in texts)
    assert "2025-07-01 00:00 to 2025-07-02 00:00" in fig.axes[0].get_title()
    # The same day by step index gives the same title; an empty period is an error.
    assert eplot.sankey(r, 0, 24, utc_offset_minutes=480).axes[0].get_title() == fig.axes[0].get_title()
    with pytest.raises(ValueError, match="empty period"):
        eplot.sankey(r, 10, 10)


def test_sankey_balances(summer):
    """Band widths are energies: into a bus equals out of it (the bus balances), kWh."""
    _, r = summer
    links = eplot._sankey_graph(r, 0, 24, 0.0)
    into, out = {}, {}
    for (s, d, _c), v in links.items():
        if d.startswith("bus:"):
            into[d] = into.get(d, 0.0) + v
        if s.startswith("bus:"):
            out[s] = out.get(s, 0.0) + v
    assert set(into) == set(out)
    for b in into:
        assert into[b] == pytest.approx(out[b], rel=1e-6, abs=1e-3), b


def test_pareto_frontier(tmp_path):
    sc = ehub.hub.load_scenario(str(PARK), start="2025-07-01T00:00:00+08:00", steps=24)
    pts = ehub.dispatch.pareto(sc, points=4, solver="clp", relax=True)
    fig = eplot.pareto_frontier(pts, path=tmp_path / "pareto.png")
    check_png(tmp_path / "pareto.png")
    assert "green share" in fig.axes[0].get_xlabel()
    assert fig.axes[1].get_ylabel() == "emissions (t CO2)"
    # The same from a DataFrame.
    df = pd.DataFrame({"green_share": [0.2, 0.3, 0.4], "cost_total": [1e5, 1.2e5, 2e5], "emissions_kg": [5e4, 4e4, 3e4]})
    eplot.pareto_frontier(df, currency="EUR", path=tmp_path / "pareto_df.png")
    check_png(tmp_path / "pareto_df.png")


def test_pareto_frontier_point_without_schedule_is_not_drawn_at_zero(tmp_path):
    # Issue 13 item 1: an infeasible point (NaN figures) was drawn at (0, 0). It is a dashed line at
    # its target share (45 %), and no plotted cost is 0.
    pts = {"green_share": [0.4, float("nan"), 0.5], "cost_total": [1e5, float("nan"), 2e5],
           "emissions_kg": [5e4, float("nan"), 3e4], "status": ["optimal", "infeasible", "optimal"],
           "target_green_share": [0.4, 0.45, 0.5]}
    fig = eplot.pareto_frontier(pts, path=tmp_path / "pareto_nan.png")
    ax = fig.axes[0]
    cost_line = ax.lines[0]
    assert list(cost_line.get_ydata()) == [1e5, 2e5]
    assert list(cost_line.get_xdata()) == pytest.approx([40.0, 50.0])
    vlines = [ln for ln in ax.lines if ln.get_linestyle() == "--"]
    assert len(vlines) == 1 and vlines[0].get_xdata()[0] == pytest.approx(45.0)
    assert "no schedule (infeasible)" in ax.get_legend_handles_labels()[1]


def test_forecast_bands(tmp_path):
    idx = pd.date_range("2025-07-01", periods=96, freq="15min", tz="Asia/Shanghai")
    base = 1000 * np.sin(np.linspace(0, np.pi, 96))
    actual = pd.Series(base + np.random.default_rng(0).normal(0, 50, 96), index=idx)
    q = pd.DataFrame({"q0.1": base - 100, "q0.5": base, "q0.9": base + 100}, index=idx)
    fig = eplot.forecast_bands(actual, quantiles=q, unit="kW", path=tmp_path / "fc.png")
    check_png(tmp_path / "fc.png")
    labels = fig.axes[0].get_legend_handles_labels()[1]
    assert any(lbl.startswith("10-90% band") for lbl in labels)
    assert "median forecast" in labels and "actual" in labels
    # Plain arrays, no index: steps on the x axis.
    fig = eplot.forecast_bands(base + 5, base, {0.05: base - 150, 0.95: base + 150}, path=tmp_path / "fc2.png")
    check_png(tmp_path / "fc2.png")
    assert fig.axes[0].get_xlabel() == "step"
    with pytest.raises(ValueError, match="same length"):
        eplot.forecast_bands(base, base[:10])


def test_certificate_flows(tmp_path):
    rng = np.random.default_rng(1)
    issued = rng.uniform(0, 10, 48)
    matched, stored, exported = issued * 0.6, issued * 0.3, issued * 0.05
    fig = eplot.certificate_flows(issued, matched, stored, exported, path=tmp_path / "cert.png")
    check_png(tmp_path / "cert.png")
    labels = fig.axes[1].get_legend_handles_labels()[1]
    assert "held (issued - uses)" in labels
    held = fig.axes[1].lines[-1].get_ydata()
    assert held[-1] == pytest.approx(issued.sum() * 0.05)
    df = pd.DataFrame({"issued": issued, "matched": matched, "stored": stored, "expired": issued * 0.05},
                      index=pd.date_range("2025-01-01", periods=48, freq="h", tz="UTC"))
    eplot.certificate_flows(df, unit="MWh", path=tmp_path / "cert_df.png")
    check_png(tmp_path / "cert_df.png")


def test_into_existing_axes(summer):
    """ax= draws into a caller's axes (a dashboard of several plots)."""
    _, r = summer
    fig = Figure(figsize=(10, 8))
    a1, a2 = fig.subplots(2, 1)
    assert eplot.dispatch_stack(r, "heat", ax=a1) is fig
    assert eplot.sankey(r, 0, 12, ax=a2) is fig
