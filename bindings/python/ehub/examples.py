"""Example data shipped with ehub (as pvlib and PyPSA ship theirs), usable from an installed wheel
and from any working directory.

    import ehub
    sc = ehub.examples.reference_park(start="2025-07-01T00:00:00+08:00", steps=24)
    table = ehub.io.read_timeseries_csv(ehub.examples.reference_park_csv_path())

The reference park is examples/data/reference_park.json of the repository (a full year, hourly,
with every device type; examples/data/README.md, also shipped, describes it).
"""
import pathlib

__all__ = ["data_dir", "reference_park_path", "reference_park_csv_path", "reference_park"]


def data_dir() -> pathlib.Path:
    """The folder of the shipped example data (``ehub/data`` inside the installed package)."""
    here = pathlib.Path(__file__).resolve().parent / "data"
    if (here / "reference_park.json").is_file():
        return here
    # A source checkout used without building the package copies (PYTHONPATH=bindings/python).
    repo = pathlib.Path(__file__).resolve().parents[2] / "examples" / "data"
    if (repo / "reference_park.json").is_file():
        return repo
    raise FileNotFoundError(f"ehub's example data are missing: neither {here} nor {repo} holds reference_park.json")


def reference_park_path() -> str:
    """Path of the reference park's scenario JSON (its CSV sits beside it)."""
    return str(data_dir() / "reference_park.json")


def reference_park_csv_path() -> str:
    """Path of the reference park's time-series CSV (hourly, 2025, local time +08:00)."""
    return str(data_dir() / "reference_park.csv")


def reference_park(**horizon):
    """The reference park as a loaded ``ehub.hub.Scenario``; keyword arguments (start, steps,
    step_minutes) select the horizon as in ``ehub.hub.load_scenario``."""
    from . import hub

    return hub.load_scenario(reference_park_path(), **horizon)
