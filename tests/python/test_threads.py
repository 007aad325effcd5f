"""The GIL is released while a dispatch is built and solved: Python code keeps running beside a
solve, and two threads solving two scenarios run in parallel on two cores (total time under 1.6x
one solve, the acceptance figure of issue 8)."""
import hashlib
import os
import pathlib
import threading
import time

import pytest

import ehub

ROOT = pathlib.Path(__file__).resolve().parents[2]
PARK = str(ROOT / "examples" / "data" / "reference_park.json")
# 12 weeks of hourly steps as an LP (integers relaxed) take about 0.8 s with clp: long enough for
# thread start-up and timer noise not to matter, short enough for the test suite.
STEPS = 12 * 7 * 24


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


@pytest.fixture(scope="module")
def scenarios():
    winter = ehub.hub.load_scenario(PARK, start="2025-01-01T00:00:00+08:00", steps=STEPS)
    summer = ehub.hub.load_scenario(PARK, start="2025-05-01T00:00:00+08:00", steps=STEPS)
    return winter, summer


def solve(sc):
    r = ehub.dispatch.solve(sc, solver="clp", relax=True)
    assert r.status == "optimal"
    return r


def timed(fn, *args):
    t = time.perf_counter()
    fn(*args)
    return time.perf_counter() - t


def in_threads(fn, *args):
    """Wall time of fn(a) for every a in args, each in its own thread, all at once."""
    errors = []

    def run(a):
        try:
            fn(a)
        except BaseException as e:  # reported below, not lost in the thread
            errors.append(e)

    threads = [threading.Thread(target=run, args=(a,)) for a in args]
    t = time.perf_counter()
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    elapsed = time.perf_counter() - t
    if errors:
        raise errors[0]
    return elapsed


def test_python_runs_while_a_dispatch_solves(scenarios):
    """Independent of the number of cores: while another thread solves, this thread executes
    Python bytecode (it could not if the solve held the GIL)."""
    winter, _ = scenarios
    done = threading.Event()
    th = threading.Thread(target=lambda: (solve(winter), done.set()))
    ticks = 0
    th.start()
    t0 = time.perf_counter()
    while not done.is_set():
        ticks += 1
        time.sleep(0)  # yield so the solver thread can start; the GIL is taken back each round
    elapsed = time.perf_counter() - t0
    th.join()
    assert elapsed > 0.05, "the solve was too quick to tell"
    # With the GIL held for the whole solve the loop would run a handful of times (switch
    # interval 5 ms, and only between bytecodes of the solver thread, which has none while in C++).
    assert ticks > 1000, f"only {ticks} iterations of Python ran beside a {elapsed:.2f} s solve"


def hash_work(buf):
    """GIL-free reference work: hashlib releases the GIL while it hashes a large buffer."""
    hashlib.sha256(buf).digest()


def test_two_threads_solve_in_parallel(scenarios):
    if cores() < 2:
        pytest.skip(f"needs 2 cores to show a parallel speed-up; this process may use {cores()}")
    winter, summer = scenarios
    solve(winter)  # warm up (first use of the backend, page faults)
    buf = os.urandom(1 << 20) * 400  # ~400 MB of hashing, about as long as one solve
    attempts = []
    # The machine may be shared: measure single and parallel runs back to back, a few times, and
    # judge the best attempt (noise only ever makes a run slower). A reference that certainly runs
    # in parallel (hashing, GIL released) tells a busy machine from a serialised solve.
    for _ in range(3):
        one = min(timed(solve, winter), timed(solve, summer))
        two = in_threads(solve, winter, summer)
        ref = in_threads(hash_work, buf, buf) / timed(hash_work, buf)
        attempts.append((one, two, ref))
        if two < 1.6 * one:
            return
    detail = ", ".join(f"one {one:.2f} s / two in threads {two:.2f} s (hashing reference {ref:.2f}x)"
                       for one, two, ref in attempts)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    ratio = min(two / one for one, two, _ in attempts)
    if min(ref for *_, ref in attempts) >= 1.5:
        pytest.skip(f"machine too busy to show a speed-up (load average {load:.1f} on {cores()} cores): even "
                    f"GIL-free hashing in two threads took >= 1.5x one; solves: {detail}")
    assert ratio < 1.6, (f"two solves in two threads took {ratio:.2f}x one solve (want < 1.6) while hashing "
                         f"reached the speed-up: {detail}; load average {load:.1f} on {cores()} cores")


def sweep(scs, workers):
    rs = ehub.dispatch.solve_each(scs, solver="clp", relax=True, workers=workers)
    assert [r.status for r in rs] == ["optimal"] * len(scs)
    return rs


def test_a_sweep_uses_the_cores_and_gives_each_scenarios_own_result(scenarios):
    """solve_each runs the scenarios on separate threads, one solver each: the results are those
    of solving each alone, and on 2 cores two scenarios take under 1.6x one (as above, loosely)."""
    winter, summer = scenarios
    alone = [solve(winter).objective, solve(summer).objective]
    assert [r.objective for r in sweep([winter, summer], 2)] == pytest.approx(alone, rel=1e-9)
    with pytest.raises(ValueError, match="workers"):
        ehub.dispatch.solve_each([winter], solver="clp", relax=True, workers=-1)
    if cores() < 2:
        pytest.skip(f"needs 2 cores to show a parallel speed-up; this process may use {cores()}")
    attempts = []
    for _ in range(3):
        one = min(timed(solve, winter), timed(solve, summer))
        two = timed(sweep, [winter, summer], 2)
        attempts.append((one, two))
        if two < 1.6 * one:
            return
    detail = ", ".join(f"one {one:.2f} s / sweep of two {two:.2f} s" for one, two in attempts)
    buf = os.urandom(1 << 20) * 400
    ref = in_threads(hash_work, buf, buf) / timed(hash_work, buf)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    if ref >= 1.5:
        pytest.skip(f"machine too busy to show a speed-up (load average {load:.1f}; hashing in two threads "
                    f"took {ref:.2f}x one); sweeps: {detail}")
    assert min(two / one for one, two in attempts) < 1.6, f"{detail}; load average {load:.1f}"
