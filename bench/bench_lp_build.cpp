// Model-building speed and memory of lp::Model on the dispatch-like structure (about 1,000,000
// nonzeros for 8,760 steps). Reports nonzeros per second and bytes per nonzero.
#include <benchmark/benchmark.h>

#include "dispatch_like_model.hpp"

static void BM_BuildDispatchLike(benchmark::State& state) {
  const auto steps = static_cast<std::int32_t>(state.range(0));
  std::int64_t nnz = 0;
  std::size_t bytes = 0;
  for (auto _ : state) {
    auto m = ehub::bench::build_dispatch_like(steps);
    nnz = m.num_nonzeros();
    bytes = m.memory_bytes();
    benchmark::DoNotOptimize(m);
  }
  state.counters["nonzeros"] = static_cast<double>(nnz);
  state.counters["bytes_per_nonzero"] = static_cast<double>(bytes) / static_cast<double>(nnz);
  state.counters["nonzeros_per_s"] = benchmark::Counter(static_cast<double>(nnz), benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_BuildDispatchLike)->Arg(24)->Arg(8760)->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
