"""The GIL is released while a dispatch is built and solved: Python code keeps running beside a
solve, and two threads solving two scenarios run in parallel on two cores (total time under 1.6x
one solve, the acceptance figure of issue 8)."""
import os
import pathlib
import threading
import time

import pytest

import ehub

ROOT = pathlib.Path(__file__).resolve().parents[2]
PARK = str(ROOT / "examples" / "data" / "reference_park.json")
# ~16 weeks of hourly steps as an LP (integers relaxed) takes about 1 s with clp: long enough for
# thread start-up and timer noise not to matter, short enough for the test suite.
STEPS = 16 * 7 * 24


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


def in_threads(*scs):
    errors = []

    def run(sc):
        try:
            solve(sc)
        except BaseException as e:  # reported below, not lost in the thread
            errors.append(e)

    threads = [threading.Thread(target=run, args=(sc,)) for sc in scs]
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


def test_two_threads_solve_in_parallel(scenarios):
    if cores() < 2:
        pytest.skip(f"needs 2 cores to show a parallel speed-up; this process may use {cores()}")
    winter, summer = scenarios
    solve(winter)  # warm up (first use of the backend, page faults)
    attempts = []
    # The machine may be shared: measure single and parallel runs back to back, a few times, and
    # judge the best attempt (noise only ever makes a run slower).
    for _ in range(3):
        one = min(timed(solve, winter), timed(solve, summer))
        two = in_threads(winter, summer)
        attempts.append((one, two))
        if two < 1.6 * one:
            break
    ratio = min(two / one for one, two in attempts)
    detail = ", ".join(f"one {one:.2f} s / two in threads {two:.2f} s" for one, two in attempts)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    assert ratio < 1.6, (f"two solves in two threads took {ratio:.2f}x one solve (want < 1.6): {detail}; "
                         f"load average {load:.1f} on {cores()} cores (a busy machine slows the parallel run)")
