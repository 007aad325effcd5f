"""ehub.dispatch: dispatch of a scenario for cost, green share or carbon, the green-vs-cost frontier
and results as numpy arrays / pandas frames (C++ ``ehub::dispatch``; see docs/objectives.md)."""
from . import _core
from ._core import SolverError
from ._reexport import reexport

__all__ = reexport(globals(), _core.dispatch) + ["solve", "build_model", "solve_each", "pareto", "to_pandas", "InfeasibleError"]


class InfeasibleError(SolverError):
    """No feasible schedule; the message carries the diagnosis (which bus or constraint is short,
    when and by how much). The result is in ``.result``."""

    def __init__(self, message, result):
        super().__init__(message)
        self.result = result


def solve(scenario, solver="cbc", relax=False, time_limit=None, mip_gap=None, objective="cost",
          raise_on_infeasible=True, **constraints):
    """Dispatch a scenario and return a checked Result.

    objective: "cost", "green", "carbon", "weighted" or "lexicographic"; keyword options
    cost_first, lexicographic_tolerance, weight_cost, weight_green and the hard constraints
    min_green_share, max_emissions_kg, max_grid_import_kwh. Raises InfeasibleError (a
    SolverError) with the diagnosis when there is no feasible schedule, unless
    raise_on_infeasible is False.
    """
    opts = _core.dispatch.Options(solver=solver, relax=relax, time_limit=time_limit, mip_gap=mip_gap,
                                  objective=objective, **constraints)
    result = _core.dispatch._solve(scenario, opts)
    if raise_on_infeasible and result.status in ("infeasible", "infeasible_or_unbounded"):
        lines = "\n  ".join(result.diagnosis) or "no diagnosis"
        raise InfeasibleError(f"[ehub.solver] no feasible schedule ({result.status}):\n  {lines}", result)
    return result


def build_model(scenario, solver="cbc", relax=False, objective="cost", **constraints):
    """The model (an ehub.lp.Model) that :func:`solve` hands to the backend first, with the same
    keyword options: the cost objective with the hard constraints (and the green model when a green
    constraint or objective needs it). Write it with ``ehub.lp.write_mps(model, path)`` or
    ``write_lp`` to compare solvers or to report a bug with one file.
    """
    opts = _core.dispatch.Options(solver=solver, relax=relax, objective=objective, **constraints)
    return _core.dispatch._build_model(scenario, opts)


def solve_each(scenarios, solver="cbc", relax=False, time_limit=None, mip_gap=None, objective="cost",
               workers=0, **constraints):
    """Dispatch every scenario of a list with the same options (a scenario sweep), ``workers`` at
    a time, each on its own thread with its own solver (0: one per core; cbc MILPs run one at a
    time anyway). Returns the Results in the order of ``scenarios``; infeasible ones are returned
    with their diagnosis, not raised."""
    opts = _core.dispatch.Options(solver=solver, relax=relax, time_limit=time_limit, mip_gap=mip_gap,
                                  objective=objective, workers=workers, **constraints)
    return _core.dispatch._solve_each(list(scenarios), opts)


def pareto(scenario, points=11, solver="cbc", relax=False, time_limit=None, mip_gap=None, workers=0,
           **constraints):
    """The green-vs-cost frontier: a list of ParetoPoint sorted by green share, each with .result.

    The points after the cost optimum are solved ``workers`` at a time, one solver per thread
    (0: one per core; cbc MILPs run one at a time anyway)."""
    opts = _core.dispatch.Options(solver=solver, relax=relax, time_limit=time_limit, mip_gap=mip_gap,
                                  workers=workers, **constraints)
    return _core.dispatch._pareto(scenario, opts, points)


def to_pandas(result, utc_offset_minutes: int = 0):
    """Flows, states, prices and green split of a Result as pandas DataFrames with a tz-aware index.

    Returns {"flows": kW, "states": values, "prices": per kWh, "green": kW of green origin,
    "kpis": one row of key figures (cost_total, green_share, emissions_kg, ...),
    "cost": one row of the cost breakdown}.
    """
    import pandas as pd

    from .io import _index

    idx = _index(result.grid.times_unix_s(), utc_offset_minutes)
    kpis = result.summary().get("kpis", {})
    return {
        "flows": pd.DataFrame(result.flows, index=idx),
        "states": pd.DataFrame(result.states, index=idx),
        "prices": pd.DataFrame(result.prices, index=idx),
        "green": pd.DataFrame(result.green, index=idx),
        "kpis": pd.DataFrame([{k: v for k, v in kpis.items() if not isinstance(v, dict)}]),
        "cost": pd.DataFrame([kpis.get("cost_breakdown", {})]),
    }
