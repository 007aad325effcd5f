#!/usr/bin/env bash
# ehub's one entry point behind `make demo` and `make test`: installs what is missing (Debian
# packages, the project's .venv), configures and builds incrementally, then runs the job.
#   cmake/ehub.sh setup | build | test | demo | bench | asan | tsan | fuzz | sanitizers
# Environment: EHUB_PRESET (default dev; CI uses ci), EHUB_JOBS (default: number of cores),
# EHUB_SANITIZERS (default 1: `test` also runs the sanitizer and fuzzing jobs; 0 skips them),
# EHUB_FUZZ_SECONDS (default 30 per harness).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$here"
preset=${EHUB_PRESET:-dev}
jobs=${EHUB_JOBS:-$(nproc 2>/dev/null || echo 2)}
venv="$here/.venv"

# Debian 12 packages the C++ build needs (dpkg name list; keep in sync with README).
debs=(build-essential cmake ninja-build ccache pkg-config python3-dev python3-venv clang libclang-rt-14-dev
      libeigen3-dev libglpk-dev coinor-libclp-dev coinor-libcbc-dev coinor-libcgl-dev
      nlohmann-json3-dev pybind11-dev libhdf5-dev libgtest-dev libgmock-dev
      libbenchmark-dev libcli11-dev libsqlite3-dev libpq-dev postgresql-15)
# PyPI packages for everything Python (the bindings' build included).
# highspy and highsbox: the "highs" backend loads libhighs at run time; highsbox (the HiGHS team's binary
# distribution) ships libhighs.so with the C API, highspy (its Python interface) is what users have.
pips=(numpy pandas pytest matplotlib scikit-build-core pybind11 h5py nbclient nbformat ipykernel dask distributed mypy tqdm
      highspy highsbox)

log() { printf '[ehub] %s\n' "$*" >&2; }

install_debs() {
  local missing=()
  for p in "${debs[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    log "missing Debian packages: ${missing[*]}"
    log "run as root, or ask an administrator: apt-get install ${missing[*]}"
    exit 1
  fi
  log "installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

setup_venv() {
  local stamp="$venv/.ehub-stamp" want
  want="$(printf '%s\n' "${pips[@]}" | sha256sum | cut -c1-16)"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -x "$venv/bin/python" ]; then return 0; fi
  log "creating Python environment $venv"
  local py=python3
  command -v python3 >/dev/null || { log "python3 not found"; exit 1; }
  [ -x "$venv/bin/python" ] || "$py" -m venv "$venv"
  "$venv/bin/python" -m pip install -q --upgrade pip
  "$venv/bin/python" -m pip install -q "${pips[@]}"
  echo "$want" > "$stamp"
}

setup() { install_debs; setup_venv; }

build() {
  setup
  export CCACHE_BASEDIR="$here" CCACHE_DIR="${CCACHE_DIR:-$HOME/.cache/ccache}" CCACHE_NOHASHDIR=1
  if [ ! -f "build/$preset/build.ninja" ]; then
    cmake --preset "$preset" >/dev/null
  fi
  cmake --build --preset "$preset" -j "$jobs"
}

run_tests() {
  build
  local rc=0
  ctest --preset "$preset" -j "$jobs" || rc=$?
  PYTHONPATH="$here/build/$preset/python" EHUB_BUILD_DIR="$here/build/$preset" \
    "$venv/bin/python" -m pytest -q tests/python || rc=$?
  if [ "${EHUB_SANITIZERS:-1}" != 0 ]; then
    (sanitizers) || rc=$?
  fi
  return $rc
}

demo() {  # the examples, the reference park: a day's dispatch, a week's frontier, a year of operations
  build
  local ehub="build/$preset/src/cli/ehub" park=examples/data/reference_park.json out="build/$preset/demo"
  mkdir -p "$out"
  "$ehub" --version
  PYTHONPATH="$here/build/$preset/python" "$venv/bin/python" examples/quickstart.py
  "build/$preset/examples/quickstart_cpp"
  log "reference park, one day (MILP, Cbc): $out/day.json, $out/day.h5"
  "$ehub" solve "$park" --steps 24 --summary "$out/day.json" --out "$out/day.h5"
  log "certificates of that day: $out/day_certs.json"
  "$ehub" certify "$out/day.h5" --scenario "$park" --summary "$out/day_certs.json" --out "$out/day_certified.h5"
  log "green share vs cost, one week, 5 points: $out/pareto.json"
  "$ehub" pareto "$park" --steps 168 --points 5 --summary "$out/pareto.json" >/dev/null
  log "operations loop, the whole year, rules vs mpc vs perfect foresight (a few minutes): $out/year.h5, $out/year.json"
  "$ehub" simulate "$park" --strategy all --out "$out/year.h5" --summary "$out/year.json"
  log "year report (KPI table, dispatch weeks, monthly green share, costs, SOC): $out/report/report.md"
  PYTHONPATH="$here/build/$preset/python" "$venv/bin/python" examples/operations_report.py \
    --h5 "$out/year.h5" --summary "$out/year.json" --scenario "$park" --out-dir "$out/report"
  log "year report written: $out/report/report.md and its PNGs in $out/report/"
  log "the park's records in SQLite: $out/park.db (tenants, meters, points, an asset), a day of readings, its statistics"
  rm -f "$out/park.db" "$out/park.db-wal" "$out/park.db-shm"
  "$ehub" store init "sqlite://$here/$out/park.db" --config examples/data/park_meters.json
  "$venv/bin/python" - "$here/examples/data/reference_park.csv" "$here/$out/readings.csv" <<'PY'
import csv, sys  # a day of the reference park's office load as the meter acme.hvac.kw (15-min, kW)
rows = list(csv.DictReader(open(sys.argv[1])))[:24]
with open(sys.argv[2], "w") as f:
    f.write("time,acme.hvac.kw\n")
    for r in rows:
        for q in range(4):
            f.write(f"{r['timestamp'][:14]}{15 * q:02d}{r['timestamp'][16:]},{float(r['office_el_kw']) * 0.4:.1f}\n")
PY
  "$ehub" store import "sqlite://$here/$out/park.db" "$out/readings.csv"
  "$ehub" ems stats --store "sqlite://$here/$out/park.db" --point acme.hvac.kw --start 2025-01-01T00:00:00+08:00 \
    --end 2025-01-02T00:00:00+08:00 --utc-offset 480 --period day
}

# The C++ tests under AddressSanitizer + UndefinedBehaviorSanitizer (clang; the same build holds the
# libFuzzer harnesses). LeakSanitizer runs too, with the suppressions of cmake/lsan.supp
# (HDF5 leaks on damaged files). The slow and consumer tests are left out (CMakePresets.json).
asan() {
  preset=asan; build
  ASAN_OPTIONS=detect_leaks=1 LSAN_OPTIONS="suppressions=$here/cmake/lsan.supp" \
    UBSAN_OPTIONS=print_stacktrace=1 ctest --preset asan -j "$jobs"
}

# ThreadSanitizer on the concurrency tests only (the C++ tests that run threads: 4-thread solves
# on every backend, the solver registry, HDF5 readers and writers in threads); the rest of the
# suite is single-threaded and covered by the asan job. Only the two test binaries are built.
tsan_filter='Concurrency.*:Registry.ConcurrentUseIsSafe:Hdf5.ThreadsWriteAndReadTheirOwnFiles'
tsan() {
  preset=tsan
  setup
  export CCACHE_BASEDIR="$here" CCACHE_DIR="${CCACHE_DIR:-$HOME/.cache/ccache}" CCACHE_NOHASHDIR=1
  [ -f "build/$preset/build.ninja" ] || cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset" -j "$jobs" --target ehub_lp_tests ehub_io_tests
  local rc=0 b
  for b in ehub_lp_tests ehub_io_tests; do
    # setarch -R: TSan's fixed shadow layout clashes with high mmap randomisation on new kernels.
    # The .venv first on PATH: the concurrency tests then run the highs backend too (libhighs).
    PATH="$venv/bin:$PATH" TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" setarch "$(uname -m)" -R \
      "build/$preset/tests/$b" --gtest_filter="$tsan_filter" || rc=$?
  done
  return $rc
}

fuzz() { preset=asan; build; bash "$here/cmake/fuzz.sh"; }

sanitizers() {  # what `test` adds in CI: asan + ubsan tests, the fuzzers, tsan on the threads
  local rc=0 t0=$SECONDS
  asan || rc=$?
  log "asan+ubsan tests: $((SECONDS - t0)) s"; t0=$SECONDS
  bash "$here/cmake/fuzz.sh" || rc=$?
  log "fuzzers: $((SECONDS - t0)) s"; t0=$SECONDS
  tsan || rc=$?
  log "tsan concurrency tests: $((SECONDS - t0)) s"
  return $rc
}

bench() {  # Google Benchmark programs, then the peer scripts (PyPI peers installed on demand)
  preset=bench; build
  debs+=(coinor-cbc coinor-clp) && install_debs   # the peers call the cbc executable
  "$venv/bin/python" -m pip install -q pulp linopy highspy pypsa oemof.solph pvlib windpowerlib
  # The store's benchmarks need a PostgreSQL server: one on loopback, with fsync on, for this run.
  local pgdir="$here/build/bench/pg_server"
  EHUB_PG_FSYNC=on bash tests/store/pg_server.sh start "$pgdir" >/dev/null
  trap 'bash "$here/tests/store/pg_server.sh" stop "$pgdir"' EXIT
  export EHUB_BENCH_PG_URL; EHUB_BENCH_PG_URL=$(cat "$pgdir/url")
  # The .venv first on PATH: the "highs" backend asks its python3 where highsbox keeps libhighs.
  for b in build/bench/bench/ehub_bench_*; do [ -x "$b" ] && PATH="$venv/bin:$PATH" "$b"; done
  PYTHONPATH="$here/build/bench/python" "$venv/bin/python" bench/peers/lp_build_peers.py \
    --bench-binary build/bench/bench/ehub_bench_lp_build
  PYTHONPATH="$here/build/bench/python" "$venv/bin/python" bench/peers/dispatch_peers.py --repeat 3
  "$venv/bin/python" -m pip install -q statsmodels scikit-learn lightgbm
  if [ -d ../shared/data ]; then  # the forecast peers read the DOE profiles from ../shared
    "$venv/bin/python" bench/peers/forecast_peers.py make-csv build/bench/fcdata
    PATH="$here/build/bench/src/cli:$PATH" "$venv/bin/python" bench/peers/forecast_peers.py run \
      build/bench/fcdata/doe_atlanta.csv:office_el_kw --holidays tests/data/forecast/holidays_us_doe_2017.csv
  fi
}

case "${1:-}" in
  setup) setup ;;
  build) build ;;
  test) run_tests ;;
  demo) demo ;;
  bench) bench ;;
  asan) asan ;;
  tsan) tsan ;;
  fuzz) fuzz ;;
  sanitizers) sanitizers ;;
  *) echo "usage: cmake/ehub.sh setup|build|test|demo|bench|asan|tsan|fuzz|sanitizers" >&2; exit 2 ;;
esac
