"""ehub.lp from Python: models from numpy arrays, solving, MPS files, errors and the GIL."""
import pathlib
import threading
import time

import numpy as np
import pytest

import ehub

LP_DIR = pathlib.Path(__file__).resolve().parents[1] / "data" / "lp"


def test_available_solvers():
    names = ehub.lp.available_solvers()
    assert {"clp", "cbc", "glpk"} <= set(names)


def test_block_variables_and_rows_from_numpy():
    # Cheapest supply of a 24-step load from grid (price per step) and a 3 kW CHP at 0.6:
    # per step cost = 0.6*min(load,3) + price*max(load-3, 0) when price > 0.6.
    n = 24
    load = np.linspace(1.0, 6.0, n)
    price = np.where(np.arange(n) % 2 == 0, 0.4, 1.2)
    m = ehub.lp.Model()
    grid = m.add_vars(n, 0.0, np.inf, name="grid")
    chp = m.add_vars(n, 0.0, 3.0, obj=0.6, name="chp")
    m.set_obj_array(grid, price)
    vars_ = np.stack([grid.indices(), chp.indices()], axis=1)
    rows = m.add_rows(load, load, vars_, np.ones((n, 2)))
    assert len(rows) == n and m.num_nonzeros == 2 * n
    r = ehub.lp.solve(m, solver="clp")
    expected = 0.0
    for t in range(n):
        if price[t] <= 0.6:
            expected += price[t] * load[t]
        else:
            expected += 0.6 * min(load[t], 3.0) + price[t] * max(load[t] - 3.0, 0.0)
    assert r.status == "optimal"
    assert r.objective == pytest.approx(expected, rel=1e-9)
    assert isinstance(r.x, np.ndarray) and r.x.shape == (2 * n,)
    assert r.duals.shape == (n,)
    # The dual of a balance row is the marginal price of one more kWh at that step.
    for t in range(n):
        marginal = price[t] if (price[t] <= 0.6 or load[t] > 3.0) else 0.6
        assert r.duals[t] == pytest.approx(marginal, abs=1e-9)


def test_milp_and_statuses():
    m = ehub.lp.Model()
    m.sense = "maximize"
    # knapsack: values 10, 13, 7; weights 4, 6, 3; capacity 9. By hand: {0,1} weighs 10 (too much),
    # {0,2} = 17, {1,2} = 20 (weight 9), singles <= 13 -> optimum 20.
    xs = [m.add_var(0, 1, obj=v, type="binary") for v in (10, 13, 7)]
    m.add_row(-np.inf, 9, xs, [4, 6, 3])
    for solver in ("cbc", "glpk"):
        r = ehub.lp.solve(m, solver=solver)
        assert r.status == "optimal" and r.objective == pytest.approx(20.0)
        np.testing.assert_allclose(r.x, [0, 1, 1], atol=1e-9)
    with pytest.raises(ehub.SolverError, match="clp"):
        ehub.lp.solve(m, solver="clp")
    inf = ehub.lp.Model()
    x = inf.add_var(0, 1)
    inf.add_row(2, np.inf, [x], [1.0])
    assert ehub.lp.solve(inf, solver="clp").status == "infeasible"
    assert ehub.lp.solve(inf, solver="clp").objective is None


def test_bad_input_errors():
    m = ehub.lp.Model()
    m.add_var(1.0, 0.0)
    with pytest.raises(ehub.InputError, match=r"/vars/0: lower bound 1 > upper bound 0"):
        ehub.lp.solve(m, solver="clp")
    with pytest.raises(ehub.InputError, match="unknown solver"):
        ehub.lp.solve(ehub.lp.Model(), solver="nosuch")
    with pytest.raises(ehub.InputError, match="type"):
        m.add_var(0, 1, type="float")


def test_read_mps_netlib_afiro():
    m = ehub.lp.read_mps(str(LP_DIR / "afiro.mps"))
    assert (m.num_rows, m.num_vars) == (27, 32)
    r = ehub.lp.solve(m, solver="clp")
    assert r.status == "optimal"
    assert r.objective == pytest.approx(-4.6475314286e02, rel=1e-6)  # netlib optimum


def test_read_mps_error_names_file_and_line(tmp_path):
    p = tmp_path / "bad.mps"
    p.write_text("NAME bad\nROWS\n N obj\n L c1\nCOLUMNS\n x obj 1 c1 notanumber\nENDATA\n")
    with pytest.raises(ehub.InputError, match=r"bad\.mps: line 6"):
        ehub.lp.read_mps(str(p))


def test_model_pickles():
    import pickle

    m = ehub.lp.Model()
    x = m.add_var(0, 4, obj=-1.0, name="x")
    m.add_row(-np.inf, 3, [x], [1.0], name="cap")
    m2 = pickle.loads(pickle.dumps(m))
    assert ehub.lp.solve(m2, solver="clp").objective == pytest.approx(-3.0)


def test_gil_released_during_solve():
    # While one thread solves a model that takes a while, another Python thread keeps running.
    m = ehub.lp.read_mps(str(LP_DIR / "25fv47.mps"))
    ticks = []
    done = threading.Event()

    def ticker():
        while not done.is_set():
            ticks.append(time.perf_counter())
            time.sleep(0.001)

    t = threading.Thread(target=ticker)
    t.start()
    r = ehub.lp.solve(m, solver="clp")
    done.set()
    t.join()
    assert r.objective == pytest.approx(5.5018458883e03, rel=1e-6)  # netlib optimum
    assert len(ticks) >= 5, "the ticker thread was starved: GIL not released"


def test_cli_lp_prints_one_json_object(build_dir):
    import json
    import subprocess

    cli = build_dir / "src" / "cli" / "ehub"
    for solver in ("clp", "cbc", "glpk"):
        p = subprocess.run([str(cli), "lp", str(LP_DIR / "afiro.mps"), "--solver", solver],
                           capture_output=True, text=True)
        assert p.returncode == 0, p.stderr
        out = json.loads(p.stdout)  # exactly one JSON object on stdout
        assert set(out) == {"status", "objective", "solver", "seconds"}
        assert out["status"] == "optimal" and out["solver"] == solver
        assert out["objective"] == pytest.approx(-4.6475314286e02, rel=1e-6)  # netlib optimum
    p = subprocess.run([str(cli), "lp", str(LP_DIR / "gas11.mps"), "--solver", "clp"], capture_output=True, text=True)
    out = json.loads(p.stdout)
    assert out["status"] == "unbounded" and out["objective"] is None  # netlib: gas11 is unbounded
    p = subprocess.run([str(cli), "lp", str(LP_DIR / "lseu.mps"), "--solver", "cbc", "--mip-gap", "0"],
                       capture_output=True, text=True)
    assert json.loads(p.stdout)["objective"] == pytest.approx(1120, rel=1e-6)  # MIPLIB optimum
    p = subprocess.run([str(cli), "lp", "/nonexistent.mps"], capture_output=True, text=True)
    assert p.returncode == 1 and "/nonexistent.mps" in p.stderr
    p = subprocess.run([str(cli), "lp", str(LP_DIR / "afiro.mps"), "--solver", "nosuch"], capture_output=True,
                       text=True)
    assert p.returncode == 1 and "unknown solver" in p.stderr
    p = subprocess.run([str(cli), "lp", str(LP_DIR / "afiro.mps"), "--time-limit", "-1"], capture_output=True,
                       text=True)
    assert p.returncode == 2


def _highs_required():
    import importlib.util

    # cmake/ehub.sh installs highsbox (HiGHS's binary distribution) into the project's .venv.
    return importlib.util.find_spec("highsbox") is not None


def test_highs_is_selectable_and_solves_to_the_published_optima():
    info = ehub.lp.highs_library()
    if not info["available"]:
        assert not _highs_required(), info["reason"]
        pytest.skip(info["reason"])
    assert "highs" in ehub.lp.available_solvers()
    assert ehub.lp.solver_availability("highs") == {"available": True, "reason": ""}
    caps = ehub.lp.solver_capabilities("highs")
    assert caps.pop("milp_one_at_a_time") is False  # separate HiGHS solvers run MILPs concurrently
    assert all(caps.values()) and set(caps) >= {"integers", "duals", "interior_point", "mip_gap", "threads"}
    assert ehub.lp.solver_capabilities("cbc")["milp_one_at_a_time"] is True
    r = ehub.lp.solve(ehub.lp.read_mps(str(LP_DIR / "afiro.mps")), solver="highs")
    assert r.solver == "highs" and r.status == "optimal"
    assert r.objective == pytest.approx(-4.6475314286e02, rel=1e-6)  # netlib optimum
    assert len(r.duals) == 27
    r = ehub.lp.solve(ehub.lp.read_mps(str(LP_DIR / "lseu.mps")), solver="highs", mip_gap=0)
    assert r.status == "optimal" and r.objective == pytest.approx(1120, rel=1e-6)  # MIPLIB optimum


def test_cli_highs_solves_or_exits_3_with_the_reason(build_dir):
    import json
    import os
    import subprocess
    import sys

    cli = build_dir / "src" / "cli" / "ehub"
    afiro = str(LP_DIR / "afiro.mps")
    # The active Python environment first on PATH: the CLI asks its python3 where highsbox is.
    env = dict(os.environ, PATH=os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", ""))
    env.pop("EHUB_HIGHS_LIBRARY", None)
    if _highs_required():
        p = subprocess.run([str(cli), "lp", afiro, "--solver", "highs"], capture_output=True, text=True, env=env)
        assert p.returncode == 0, p.stderr
        out = json.loads(p.stdout)
        assert out["solver"] == "highs" and out["objective"] == pytest.approx(-4.6475314286e02, rel=1e-6)
    # No library anywhere: no python3 on PATH, no virtual environment, none on the system path.
    bare = {k: v for k, v in env.items() if k not in ("VIRTUAL_ENV", "CONDA_PREFIX", "LD_LIBRARY_PATH")}
    bare["PATH"] = "/nonexistent"
    p = subprocess.run([str(cli), "lp", afiro, "--solver", "highs"], capture_output=True, text=True, env=bare)
    assert p.returncode == 3 and p.stdout == ""
    assert "HiGHS is not available" in p.stderr and "looked in" in p.stderr and "EHUB_HIGHS_LIBRARY" in p.stderr
    assert "libhighs.so" in p.stderr and "pip install highsbox" in p.stderr
    # A named library of an incompatible version is refused with its version.
    old = build_dir / "tests" / "libehub_fake_highs_old.so"
    if old.exists():
        p = subprocess.run([str(cli), "lp", afiro, "--solver", "highs"], capture_output=True, text=True,
                           env=dict(env, EHUB_HIGHS_LIBRARY=str(old)))
        assert p.returncode == 3 and "HiGHS 0.9.3 is not supported" in p.stderr, p.stderr
