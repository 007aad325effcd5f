// The operations loop on the reference park (examples/data/reference_park.json) for a whole year:
// daily re-optimisation over 48 h with Cbc, including forecasting and the causal twin (target:
// under 60 s), the rules baseline, and hourly re-optimisation over 24 h (8,760 plans; target:
// under 10 minutes). One iteration each: these are minutes-long runs; counters report the KPIs.
#include <benchmark/benchmark.h>

#include <filesystem>
#include <string>

#include "ehub/sim/rolling.hpp"

namespace {

const std::string kPark = std::string(EHUB_SOURCE_DIR) + "/examples/data/reference_park.json";

void run(benchmark::State& state, ehub::sim::Strategy strategy, int horizon_h, int every_h, const char* forecaster) {
  if (!std::filesystem::exists(kPark)) {
    state.SkipWithError("examples/data/reference_park.json not found");
    return;
  }
  ehub::sim::LoopOptions o;
  o.strategy = strategy;
  o.horizon_hours = horizon_h;
  o.reoptimize_every_hours = every_h;
  o.forecaster = forecaster;
  o.dispatch.solver = "cbc";
  ehub::sim::LoopReport r;
  for (auto _ : state) r = ehub::sim::run_loop(kPark, o);
  state.counters["steps"] = static_cast<double>(r.steps);
  state.counters["solves"] = static_cast<double>(r.solves);
  state.counters["solve_s"] = r.solve_s;
  state.counters["cost_total"] = r.kpis.cost_total;
  state.counters["green_share"] = r.kpis.green_share;
}

void BM_YearMpcDaily48h(benchmark::State& s) { run(s, ehub::sim::Strategy::mpc, 48, 24, "seasonal_naive_day"); }
void BM_YearMpcDaily48hRidge(benchmark::State& s) { run(s, ehub::sim::Strategy::mpc, 48, 24, "ridge"); }
void BM_YearPerfectDaily48h(benchmark::State& s) { run(s, ehub::sim::Strategy::perfect, 48, 24, "seasonal_naive_day"); }
void BM_YearRules(benchmark::State& s) { run(s, ehub::sim::Strategy::rules, 48, 24, "seasonal_naive_day"); }
void BM_YearMpcHourly24h(benchmark::State& s) { run(s, ehub::sim::Strategy::mpc, 24, 1, "seasonal_naive_day"); }

BENCHMARK(BM_YearMpcDaily48h)->Iterations(1)->Unit(benchmark::kSecond)->UseRealTime();
BENCHMARK(BM_YearMpcDaily48hRidge)->Iterations(1)->Unit(benchmark::kSecond)->UseRealTime();
BENCHMARK(BM_YearPerfectDaily48h)->Iterations(1)->Unit(benchmark::kSecond)->UseRealTime();
BENCHMARK(BM_YearRules)->Iterations(1)->Unit(benchmark::kSecond)->UseRealTime();
BENCHMARK(BM_YearMpcHourly24h)->Iterations(1)->Unit(benchmark::kSecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
