"""Foundation: version agreement, error types, time grid and series, README examples."""
import re
import subprocess
import sys

import numpy as np
import pytest

import ehub


def test_version_is_written_once_in_VERSION(root):
    assert ehub.__version__ == ehub.version() == ehub._core.version()
    assert (root / "VERSION").read_text().strip() == ehub.__version__
    # Neither CMake nor the wheel's metadata repeat it: both read VERSION.
    text = (root / "pyproject.toml").read_text()
    assert re.search(r'^version\s*=', text, re.M) is None
    assert 'dynamic = ["version"]' in text and 'input = "VERSION"' in text
    cmake = (root / "CMakeLists.txt").read_text()
    assert re.search(r"project\(ehub VERSION \$\{EHUB_VERSION\}", cmake)
    assert re.search(r"[0-9]+\.[0-9]+\.[0-9]+", cmake) is None


def test_error_types_are_standard_python_errors():
    assert issubclass(ehub.InputError, ValueError)
    assert issubclass(ehub.SolverError, RuntimeError)
    with pytest.raises(ehub.InputError, match=r"\[ehub.input\] step_minutes: must be 1, 5, 15, 30 or 60, got 7"):
        ehub.core.TimeGrid(0, 7, 3)
    with pytest.raises(ValueError, match='bad timestamp "2025-13-01"'):
        ehub.core.parse_iso8601("2025-13-01")


def test_time_grid_iso_and_calendar():
    g = ehub.core.TimeGrid.from_iso("2025-01-01T00:00:00+08:00", 15, 96)
    # 2025-01-01 is day 20089 since 1970-01-01; midnight at +08:00 is 16:00 UTC the day before.
    assert g.start_unix_s == 20089 * 86400 - 8 * 3600
    assert len(g) == 96 and g.step_hours == 0.25
    assert g.time_iso(4, 480) == "2025-01-01T01:00:00+08:00"
    t = g.times_unix_s()
    assert t.dtype == np.int64 and t[1] - t[0] == 900
    lt = ehub.core.to_local(g.start_unix_s, 480)
    assert (lt.year, lt.month, lt.day, lt.hour, lt.weekday) == (2025, 1, 1, 0, 2)  # a Wednesday


def test_series_resampling_conserves_energy():
    g = ehub.core.TimeGrid(0, 15, 8)
    v = np.array([4, 8, 0, 4, 1, 1, 1, 1], dtype=float)
    p = ehub.core.Series(g, v, ehub.core.SeriesKind.power, "load")
    e = ehub.core.Series(g, v, ehub.core.SeriesKind.energy)
    np.testing.assert_allclose(p.resample(60).values, [4.0, 1.0])
    np.testing.assert_allclose(e.resample(60).values, [16.0, 4.0])
    assert p.total_kwh() == pytest.approx(5.0)
    with pytest.raises(ehub.InputError, match="load: series has 3 values but its time grid has 8 steps"):
        ehub.core.Series(g, np.zeros(3), ehub.core.SeriesKind.power, "load")


def test_time_grid_pickles():
    import pickle

    g = ehub.core.TimeGrid(3600, 60, 24)
    assert pickle.loads(pickle.dumps(g)) == g


def _readme_block(root, lang):
    text = (root / "README.md").read_text()
    quick = text[text.index("## Quick start"):]
    m = re.search(r"```" + lang + r"\n(.*?)```", quick, re.S)
    assert m, f"README has no {lang} block in Quick start"
    return m.group(1)


def test_readme_examples_mirror_example_files(root):
    assert _readme_block(root, "cpp") == (root / "examples" / "quickstart.cpp").read_text()
    assert _readme_block(root, "python") == (root / "examples" / "quickstart.py").read_text()
    text = (root / "README.md").read_text()
    assert "make demo" in text and "make test" in text


def test_readme_python_example_runs(root):
    out = subprocess.run([sys.executable, str(root / "examples" / "quickstart.py")], capture_output=True,
                         text=True, check=True).stdout
    # Hand-computed: CHP at 4000 kW, grid 2000 kW -> 0.6*4000 + 0.9*2000 = 4200 CNY.
    assert out.strip() == f"{ehub.__version__} optimal cost 4200.0 CNY, CHP 4000.0 kW"


def test_examples_reference_park_ships_with_the_package(tmp_path, monkeypatch):
    # Issue 13 item 12: the reference park is found from any working directory, from the package
    # copy (ehub/data), not through the repository's examples/ folder.
    import pathlib

    import ehub

    monkeypatch.chdir(tmp_path)
    p = pathlib.Path(ehub.examples.reference_park_path())
    assert p.is_file() and p.parent.name == "data" and p.parent.parent.name == "ehub"
    assert pathlib.Path(ehub.examples.reference_park_csv_path()).is_file()
    sc = ehub.examples.reference_park(start="2025-07-01T00:00:00+08:00", steps=3)
    # 3 hourly steps from 2025-07-01T00:00+08:00 = 2025-06-30T16:00Z = unix 1751299200.
    assert len(sc.grid) == 3
    assert sc.grid.start_unix_s == 1751299200
