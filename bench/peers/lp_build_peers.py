"""Side-by-side model-building times: ehub vs PuLP vs linopy on the same dispatch-like LP.

The model is the one in bench/dispatch_like_model.hpp (per step 40 variables, 34 rows, 114
nonzeros, cyclic coupling). ehub is timed through its C++ benchmark binary (JSON output) and through
its Python bindings (ehub.lp.Model.add_rows from numpy arrays); PuLP and linopy build the same rows
(neither has ranged rows, so each ramp row becomes two rows there).

Usage: python bench/peers/lp_build_peers.py [--steps 8760] [--bench-binary build/bench/bench/ehub_bench_lp_build]
Needs: pip install pulp linopy (cmake/ehub.sh bench installs them).
"""
import argparse
import json
import math
import pathlib
import subprocess
import sys
import time

import warnings

import numpy as np

PRICE = [0.32, 0.42, 0.92, 1.35]


def load_kw(t):
    return 5000.0 + 2000.0 * np.sin(0.2618 * t)


def rows_spec(steps):
    """Returns the rows as dense arrays: (lb, ub, var_index[rows, terms], coef[rows, terms]) per group."""
    t = np.arange(steps)
    tp = (t - 1) % steps
    base = 40 * t
    basep = 40 * tp
    groups = []
    for b in range(4):
        n = (3 * b + 3) % 12
        ks = [3 * b, 3 * b + 1, 3 * b + 2, 12 + 3 * b, 12 + 3 * b + 1, 24 + 3 * b, 24 + 3 * b + 1, 24 + 3 * b + 2,
              36 + b, 24 + n, n, 12 + n + 1]
        cs = [1, 1, 1, -1, 1, 1, 1, 1, 1, -0.1, 0.05, 0.02]
        idx = base[:, None] + np.array(ks)[None, :]
        groups.append((load_kw(t) / 4, load_kw(t) / 4, idx, np.tile(cs, (steps, 1)).astype(float)))
    for s in range(4):
        idx = np.stack([base + 12 + 3 * s + 2, basep + 12 + 3 * s + 2, base + 12 + 3 * s, base + 12 + 3 * s + 1], 1)
        cs = np.tile([1.0, -1.0, -0.95, 1 / 0.95], (steps, 1))
        groups.append((np.zeros(steps), np.zeros(steps), idx, cs))
    for k in range(12):
        idx = np.stack([base + k, basep + k], 1)
        groups.append((np.full(steps, -1000.0), np.full(steps, 1000.0), idx, np.tile([1.0, -1.0], (steps, 1))))
    for k in range(12):
        idx = np.stack([base + 24 + k, base + k], 1)
        groups.append((np.full(steps, -np.inf), np.zeros(steps), idx, np.tile([1.0, -2.0], (steps, 1))))
    idx = np.stack([base + 24, base + 25], 1)
    groups.append((np.full(steps, -np.inf), np.full(steps, 9000.0), idx, np.tile([1.0, 1.0], (steps, 1))))
    return groups


def objective(steps):
    c = np.zeros(40 * steps)
    for t in range(steps):
        for k in range(12):
            c[40 * t + k] = 0.3 + 0.05 * k
        for k in range(24, 36):
            c[40 * t + k] = PRICE[(t // 6 + k) % 4]
        for k in range(36, 40):
            c[40 * t + k] = 10.0
    return c


def build_ehub_python(steps, groups, c):
    import ehub

    m = ehub.lp.Model()
    block = m.add_vars(40 * steps, 0.0, 4000.0)
    m.set_obj_array(block, c)
    for lb, ub, idx, cs in groups:
        m.add_rows(lb, ub, idx.astype(np.int32), cs)
    return m.num_nonzeros


def build_pulp(steps, groups, c):
    import pulp

    prob = pulp.LpProblem("dispatch_like", pulp.LpMinimize)
    x = [pulp.LpVariable(f"x{j}", 0, 4000) for j in range(40 * steps)]
    prob += pulp.lpSum(c[j] * x[j] for j in range(40 * steps))
    nnz = 0
    for lb, ub, idx, cs in groups:
        for i in range(steps):
            expr = pulp.LpAffineExpression([(x[j], v) for j, v in zip(idx[i], cs[i])])
            nnz += len(idx[i])
            if lb[i] == ub[i]:
                prob += expr == lb[i]
            else:
                if math.isfinite(ub[i]):
                    prob += expr <= ub[i]
                if math.isfinite(lb[i]):
                    prob += expr >= lb[i]
    return nnz


def build_linopy(steps, groups, c):
    warnings.filterwarnings("ignore", module="linopy")  # coordinate-semantics notices, one per term
    import linopy
    import pandas as pd
    import xarray as xr

    m = linopy.Model()
    time_ix = pd.RangeIndex(steps, name="time")
    k_ix = pd.RangeIndex(40, name="k")
    x = m.add_variables(lower=0, upper=4000, coords=[time_ix, k_ix], name="x")
    m.add_objective((xr.DataArray(c.reshape(steps, 40), coords=[time_ix, k_ix]) * x).sum())
    nnz = 0
    for lb, ub, idx, cs in groups:
        terms = []
        for col in range(idx.shape[1]):
            j = idx[:, col]
            same_step = np.all(j // 40 == np.arange(steps))
            k = int(j[0] % 40)
            var = x.isel(k=k) if same_step else x.isel(k=k).roll(time=1)
            terms.append(float(cs[0, col]) * var)
        expr = sum(terms[1:], terms[0])
        nnz += idx.size
        lbx = xr.DataArray(lb, coords=[time_ix])
        ubx = xr.DataArray(ub, coords=[time_ix])
        if np.array_equal(lb, ub):
            m.add_constraints(expr == lbx)
        else:
            if np.all(np.isfinite(ub)):
                m.add_constraints(expr <= ubx)
            if np.all(np.isfinite(lb)):
                m.add_constraints(expr >= lbx)
    return nnz


def timed(fn, *args):
    t0 = time.perf_counter()
    out = fn(*args)
    return time.perf_counter() - t0, out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--steps", type=int, default=8760)
    ap.add_argument("--bench-binary", default="build/bench/bench/ehub_bench_lp_build")
    ap.add_argument("--skip", nargs="*", default=[], help="peers to skip: pulp linopy")
    a = ap.parse_args()

    results = {}
    binary = pathlib.Path(a.bench_binary)
    if binary.exists():
        out = subprocess.run([str(binary), f"--benchmark_filter=BM_BuildDispatchLike/{a.steps}$",
                              "--benchmark_format=json", "--benchmark_min_time=0.5"],
                             capture_output=True, text=True, check=True).stdout
        b = json.loads(out)["benchmarks"][0]
        results["ehub (C++)"] = (b["real_time"] / 1e3, int(b["nonzeros"]))
    groups = rows_spec(a.steps)
    c = objective(a.steps)
    results["ehub (Python, numpy rows)"] = timed(build_ehub_python, a.steps, groups, c)
    if "linopy" not in a.skip:
        results["linopy"] = timed(build_linopy, a.steps, groups, c)
    if "pulp" not in a.skip:
        results["PuLP"] = timed(build_pulp, a.steps, groups, c)

    ref = results.get("ehub (C++)", results["ehub (Python, numpy rows)"])[0]
    print(f"dispatch-like LP, {a.steps} steps")
    print(f"{'builder':28s} {'seconds':>10s} {'nonzeros':>10s} {'x ehub C++':>11s}")
    for name, (sec, nnz) in results.items():
        print(f"{name:28s} {sec:10.4f} {nnz:10d} {sec / ref:11.1f}")


if __name__ == "__main__":
    sys.exit(main())
