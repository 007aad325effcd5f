"""ehub.sim: the operations loop and model update (C++ ``ehub::sim``; docs/operations.md).

:func:`run_loop` operates a park over days with a rolling horizon (strategies ``"perfect"``,
``"mpc"``, ``"rules"``) and returns a :class:`LoopReport`; the GIL is released during the run and
``progress=True`` shows a tqdm bar. The estimators (``estimate_battery``, ``estimate_chp_fuel``,
``estimate_chiller_cop``, ``estimate_pv_performance_ratio``) fit device parameters to measured
numpy arrays by least squares and report the fit error.
"""
from __future__ import annotations

import sys
from typing import Any

from . import _core
from ._reexport import reexport

if not hasattr(_core, "sim"):  # pragma: no cover - a build without the sim bindings
    raise ImportError("this ehub._core was built without the sim bindings (bind_sim)")

__all__ = reexport(globals(), _core.sim) + ["run_loop", "log_to_pandas"]


class _TextProgress:
    """A progress line on stderr, rewritten in place (used when tqdm is not installed)."""

    def __init__(self, desc):
        self.desc = desc
        self.shown = False

    def __call__(self, done, total):
        pct = 100.0 * done / total if total else 100.0
        sys.stderr.write(f"\r{self.desc}: {done}/{total} steps ({pct:.0f}%)")
        sys.stderr.flush()
        self.shown = True

    def close(self):
        if self.shown:
            sys.stderr.write("\n")
            sys.stderr.flush()


class _TqdmProgress:
    """A tqdm bar over the executed steps."""

    def __init__(self, tqdm, desc):
        self.bar = tqdm(total=None, desc=desc, unit="step")

    def __call__(self, done, total):
        if self.bar.total != total:
            self.bar.total = total
        self.bar.update(done - self.bar.n)

    def close(self):
        self.bar.close()


def _progress_bar(desc):
    try:
        from tqdm.auto import tqdm
    except ImportError:
        return _TextProgress(desc)
    return _TqdmProgress(tqdm, desc)


def run_loop(scenario, options=None, progress=False, base_dir=".", **fields) -> LoopReport:
    """Run the operations loop on a scenario and return a LoopReport.

    scenario: a path to a scenario JSON file, or the scenario as a dict (CSV paths relative to
    ``base_dir``). options: a LoopOptions, or give its fields as keywords (``strategy="rules"``,
    ``horizon_hours``, ``reoptimize_every_hours``, ``days``, ``dispatch=ehub.dispatch.Options(...)``,
    ``forecaster="ridge"``, ``refit_every_days``, ``twin=TwinOptions(...)``);
    keywords override the fields of a given ``options`` (which is not modified).
    progress: True for a tqdm bar (a text line on stderr without tqdm), a callable(done_steps,
    total_steps) called after each decision, or False. Ctrl-C stops the run between decisions.
    Raises InputError for bad input (message as in C++) and SolverError when a solve fails.
    """
    if options is None:
        options = LoopOptions(**fields)
    else:
        if not isinstance(options, LoopOptions):
            raise TypeError(f"options must be an ehub.sim.LoopOptions, got {type(options).__name__}")
        base = options
        options = LoopOptions(strategy=base.strategy, horizon_hours=base.horizon_hours,
                              reoptimize_every_hours=base.reoptimize_every_hours, days=base.days,
                              dispatch=base.dispatch, progress=base.progress, forecaster=base.forecaster,
                              refit_every_days=base.refit_every_days, twin=base.twin)
        options.plan_exchange_price_adder_per_kwh = base.plan_exchange_price_adder_per_kwh
        for k, v in fields.items():
            if not hasattr(options, k):
                raise TypeError(f"run_loop() got an unexpected keyword argument {k!r}")
            setattr(options, k, v)
    bar = None
    if progress is True:
        bar = _progress_bar(f"simulate {options.strategy.name}")
        options.progress = bar
    elif callable(progress):
        options.progress = progress
    elif progress not in (False, None):
        raise TypeError("progress must be True, False, None or a callable(done, total)")
    try:
        return _core.sim._run_loop(scenario, options, str(base_dir))
    finally:
        if bar is not None:
            bar.close()


def log_to_pandas(report, utc_offset_minutes: int = 0) -> Any:
    """The per-step log of a LoopReport as a pandas DataFrame with a tz-aware index.

    Columns: plan_grid_kw, grid_kw, plan_storage_kw, storage_kw (kW), ``soc_kwh.<storage>`` and
    ``on.<unit>``.
    """
    import pandas as pd

    from .io import _index

    log = report.log
    cols = {k: log[k] for k in ("plan_grid_kw", "grid_kw", "plan_storage_kw", "storage_kw")}
    cols.update({f"soc_kwh.{k}": v for k, v in log["soc_kwh"].items()})
    cols.update({f"on.{k}": v for k, v in log["on"].items()})
    return pd.DataFrame(cols, index=_index(log["time_unix_s"], utc_offset_minutes))
