// Dispatch of the reference park (examples/data/reference_park.json): model build time for a
// year with binaries relaxed, the year's LP end to end with Clp and with HiGHS, one day at 15
// minutes as a full MILP (0.1 % gap) and a week's 11-point Pareto frontier with Cbc and with
// HiGHS. Counters report model size, objective and solve time. The HiGHS cases are skipped with
// the reason when libhighs is not found (docs/lp.md).
#include <benchmark/benchmark.h>

#include <cmath>
#include <filesystem>

#include "ehub/dispatch/dispatch.hpp"
#include "ehub/hub/scenario.hpp"
#include "ehub/lp/glpk.hpp"
#include "ehub/lp/solver.hpp"

namespace {

const std::string kPark = std::string(EHUB_SOURCE_DIR) + "/examples/data/reference_park.json";

void run(benchmark::State& state, std::int64_t steps, int step_minutes, bool relax, const char* solver,
         bool build_only) {
  if (!std::filesystem::exists(kPark)) {
    state.SkipWithError("examples/data/reference_park.json not found");
    return;
  }
  if (const auto a = ehub::lp::solver_availability(solver); !a.available) {
    state.SkipWithError(a.reason.c_str());
    return;
  }
  ehub::hub::HorizonOptions h;
  h.steps = steps;
  h.step_minutes = step_minutes;
  const auto sc = ehub::hub::load_scenario(kPark, h);
  ehub::dispatch::Options o;
  o.solver = solver;
  o.relax_integers = relax;
  o.solve.mip_gap = 1e-3;
  if (build_only) o.solve.time_limit_s = 1e-3;  // hand-off happens; the solve stops at once
  double build = 0, solve = 0, objective = 0;
  std::int64_t vars = 0, rows = 0, nnz = 0;
  for (auto _ : state) {
    const auto r = ehub::dispatch::solve(sc, o);
    build = r.build_s;
    solve = r.solve_s;
    objective = r.objective;
    vars = r.variables;
    rows = r.constraints;
    nnz = r.nonzeros;
    if (!build_only && r.status != ehub::lp::Status::optimal) state.SkipWithError("not optimal");
  }
  state.counters["build_s"] = build;
  state.counters["solve_s"] = solve;
  state.counters["objective"] = objective;
  state.counters["variables"] = static_cast<double>(vars);
  state.counters["constraints"] = static_cast<double>(rows);
  state.counters["nonzeros"] = static_cast<double>(nnz);
}

// One week (168 x 1 h) Pareto frontier with 11 points as full MILPs, `workers` points at a time
// (0: one per core; Cbc's MILPs run one at a time anyway); counts whether the frontier's cost is
// monotone in the green share.
void week_pareto(benchmark::State& state, const char* solver, int workers) {
  if (!std::filesystem::exists(kPark)) {
    state.SkipWithError("examples/data/reference_park.json not found");
    return;
  }
  if (const auto a = ehub::lp::solver_availability(solver); !a.available) {
    state.SkipWithError(a.reason.c_str());
    return;
  }
  ehub::hub::HorizonOptions h;
  h.steps = 168;
  const auto sc = ehub::hub::load_scenario(kPark, h);
  ehub::dispatch::Options o;
  o.solver = solver;
  o.workers = workers;
  bool monotone = true;
  double lo = 0, hi = 0, cost_lo = 0, cost_hi = 0;
  for (auto _ : state) {
    const auto pts = ehub::dispatch::pareto(sc, o, 11);
    for (std::size_t k = 1; k < pts.size(); ++k)
      monotone = monotone && pts[k].cost_total >= pts[k - 1].cost_total - 1e-6 * std::abs(pts[k - 1].cost_total);
    lo = pts.front().green_share;
    hi = pts.back().green_share;
    cost_lo = pts.front().cost_total;
    cost_hi = pts.back().cost_total;
  }
  state.counters["monotone"] = monotone ? 1 : 0;
  state.counters["share_lo"] = lo;
  state.counters["share_hi"] = hi;
  state.counters["cost_lo"] = cost_lo;
  state.counters["cost_hi"] = cost_hi;
}
void BM_WeekPareto11Cbc(benchmark::State& s) { week_pareto(s, "cbc", 0); }
void BM_WeekPareto11Highs(benchmark::State& s) { week_pareto(s, "highs", 1); }
void BM_WeekPareto11HighsAllCores(benchmark::State& s) { week_pareto(s, "highs", 0); }
BENCHMARK(BM_WeekPareto11Cbc)->Unit(benchmark::kSecond)->Iterations(1);
BENCHMARK(BM_WeekPareto11Highs)->Unit(benchmark::kSecond)->Iterations(1);
BENCHMARK(BM_WeekPareto11HighsAllCores)->Unit(benchmark::kSecond)->Iterations(1);

void BM_YearRelaxedBuild(benchmark::State& s) { run(s, 8760, 60, true, "clp", true); }
void BM_YearRelaxedClp(benchmark::State& s) { run(s, 8760, 60, true, "clp", false); }
void BM_YearRelaxedHighs(benchmark::State& s) { run(s, 8760, 60, true, "highs", false); }
void BM_Day15MinMilpCbc(benchmark::State& s) { run(s, 96, 15, false, "cbc", false); }
void BM_Day15MinMilpHighs(benchmark::State& s) { run(s, 96, 15, false, "highs", false); }

}  // namespace

BENCHMARK(BM_YearRelaxedBuild)->Unit(benchmark::kMillisecond)->Iterations(3);
BENCHMARK(BM_Day15MinMilpCbc)->Unit(benchmark::kSecond)->Iterations(1);
BENCHMARK(BM_Day15MinMilpHighs)->Unit(benchmark::kSecond)->Iterations(1);
BENCHMARK(BM_YearRelaxedClp)->Unit(benchmark::kSecond)->Iterations(1);
BENCHMARK(BM_YearRelaxedHighs)->Unit(benchmark::kSecond)->Iterations(1);

int main(int argc, char** argv) {
  ehub::lp::register_glpk_backend();
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
}
