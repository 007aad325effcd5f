// Hand-off and warm re-solve on the dispatch-like LP (bench/dispatch_like_model.hpp), per backend:
// the time load() takes to convert the model into the backend's own structures against the time
// of the LP solve, and a modified model re-solved warm against a cold build-and-solve.
#include <benchmark/benchmark.h>

#include <chrono>
#include <cmath>

#include "dispatch_like_model.hpp"
#include "ehub/lp/glpk.hpp"
#include "ehub/lp/solver.hpp"

namespace {

double since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

const char* kBackends[] = {"clp", "cbc", "glpk"};

void BM_HandoffVsSolve(benchmark::State& state) {
  const char* backend = kBackends[state.range(0)];
  const auto steps = static_cast<std::int32_t>(state.range(1));
  state.SetLabel(backend);
  const ehub::lp::Model m = ehub::bench::build_dispatch_like(steps);
  double load_s = 0, solve_s = 0;
  for (auto _ : state) {
    auto s = ehub::lp::make_solver(backend);
    auto t0 = std::chrono::steady_clock::now();
    s->load(m);
    load_s = since(t0);
    t0 = std::chrono::steady_clock::now();
    const auto r = s->solve({});
    solve_s = since(t0);
    if (r.status != ehub::lp::Status::optimal) state.SkipWithError("not optimal");
  }
  state.counters["load_s"] = load_s;
  state.counters["solve_s"] = solve_s;
  state.counters["load_share"] = load_s / solve_s;
  state.counters["nonzeros"] = static_cast<double>(m.num_nonzeros());
}
BENCHMARK(BM_HandoffVsSolve)->ArgsProduct({{0, 1, 2}, {720}})->Unit(benchmark::kSecond)->Iterations(1);

// Cold: build + load + solve of a model whose prices changed; warm: the loaded solver gets the new
// prices through set_objective_coefficient and solves from its previous basis.
void BM_ResolveWarmVsCold(benchmark::State& state) {
  const char* backend = kBackends[state.range(0)];
  const auto steps = static_cast<std::int32_t>(state.range(1));
  state.SetLabel(backend);
  double cold_s = 0, warm_s = 0;
  for (auto _ : state) {
    ehub::lp::Model m = ehub::bench::build_dispatch_like(steps);
    auto s = ehub::lp::make_solver(backend);
    s->load(m);
    (void)s->solve({});
    // New prices: grid flows of every step 10 % dearer.
    auto t0 = std::chrono::steady_clock::now();
    for (std::int32_t t = 0; t < steps; ++t)
      for (int k = 24; k < 36; ++k) s->set_objective_coefficient(t * 40 + k, 1.1 * ehub::bench::dispatch_like_price(t, k));
    const auto warm = s->solve({});
    warm_s = since(t0);
    t0 = std::chrono::steady_clock::now();
    ehub::lp::Model m2 = ehub::bench::build_dispatch_like(steps);
    for (std::int32_t t = 0; t < steps; ++t)
      for (int k = 24; k < 36; ++k) m2.set_obj(t * 40 + k, 1.1 * ehub::bench::dispatch_like_price(t, k));
    const auto cold = ehub::lp::solve(m2, backend, {});
    cold_s = since(t0);
    if (std::abs(warm.objective - cold.objective) > 1e-6 * std::abs(cold.objective)) state.SkipWithError("objectives differ");
  }
  state.counters["warm_s"] = warm_s;
  state.counters["cold_s"] = cold_s;
  state.counters["speedup"] = cold_s / warm_s;
}
BENCHMARK(BM_ResolveWarmVsCold)->ArgsProduct({{0, 2}, {720}})->Unit(benchmark::kSecond)->Iterations(1);

}  // namespace

int main(int argc, char** argv) {
  ehub::lp::register_glpk_backend();
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
}
