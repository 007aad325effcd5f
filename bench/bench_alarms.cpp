// Streaming alarm evaluation (docs/performance.md, "Alarms"): 1,000 rules, readings pushed one
// at a time on one core; the rate and the latency of a push (p50, p99, max, in microseconds).
//   taskset -c 0 build/ci/bench/ehub_bench_alarms
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <random>
#include <string>
#include <vector>

#include "ehub/ems/alarms.hpp"

using namespace ehub;
using namespace ehub::ems;

namespace {

constexpr std::int64_t kT0 = 1735660800;  // 2025-01-01T00:00+08:00

// `points` points with 1000 / points rules each, cycling through threshold (3 levels, hysteresis,
// minimum duration), rate of change, daily limit and no-data rules.
AlarmRules rules_for(int points) {
  AlarmRules r;
  r.utc_offset_minutes = 480;
  const int per_point = 1000 / points;
  for (int p = 0; p < points; ++p)
    for (int k = 0; k < per_point; ++k) {
      AlarmRule a;
      const double x = k;
      a.name = std::string("r").append(std::to_string(p)).append("_").append(std::to_string(k));
      a.points = {std::string("p").append(std::to_string(p))};
      switch (k % 4) {
        case 0:
          a.kind = RuleKind::threshold;
          a.levels = {{Severity::warning, 900 + x}, {Severity::alarm, 950 + x}, {Severity::critical, 1000 + x}};
          a.hysteresis = 10;
          a.min_duration_s = 1800;
          break;
        case 1:
          a.kind = RuleKind::rate_of_change;
          a.rate_window_s = 900;
          a.levels = {{Severity::warning, 300 + x}, {Severity::alarm, 400 + x}};
          break;
        case 2:
          a.kind = RuleKind::daily_limit;
          a.levels = {{Severity::warning, 60000 + 10 * x}, {Severity::alarm, 70000 + 10 * x}};
          break;
        default:
          a.kind = RuleKind::no_data;
          a.levels = {{Severity::alarm, 0}};
          a.interval_s = 900;
          a.no_data_intervals = 4;
      }
      r.rules.push_back(a);
    }
  return r;
}

void BM_AlarmPush(benchmark::State& st) {
  const int points = static_cast<int>(st.range(0));
  const std::int64_t readings = 100000;
  std::mt19937 rng(7);
  std::normal_distribution<double> load(700, 150);
  std::vector<double> values(static_cast<std::size_t>(readings));
  for (auto& v : values) v = load(rng);
  std::vector<double> latency_us;
  std::int64_t events = 0;
  for (auto _ : st) {
    st.PauseTiming();
    AlarmEngine e(rules_for(points));
    e.add_sink([&events](const AlarmEvent&) { ++events; });
    std::vector<int> ids;
    for (int p = 0; p < points; ++p) ids.push_back(e.point_id(std::string("p").append(std::to_string(p))));
    latency_us.clear();
    latency_us.reserve(static_cast<std::size_t>(readings));
    st.ResumeTiming();
    for (std::int64_t i = 0; i < readings; ++i) {
      const auto t_start = std::chrono::steady_clock::now();
      e.push(ids[static_cast<std::size_t>(i % points)], kT0 + (i / points) * 900, values[static_cast<std::size_t>(i)]);
      latency_us.push_back(std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t_start).count());
    }
  }
  std::sort(latency_us.begin(), latency_us.end());
  const auto at = [&](double q) { return latency_us[static_cast<std::size_t>(q * static_cast<double>(latency_us.size() - 1))]; };
  st.counters["readings_per_s"] = benchmark::Counter(static_cast<double>(readings) * static_cast<double>(st.iterations()),
                                                     benchmark::Counter::kIsRate);
  st.counters["p50_us"] = at(0.5);
  st.counters["p99_us"] = at(0.99);
  st.counters["max_us"] = latency_us.back();
  st.counters["events"] = static_cast<double>(events) / static_cast<double>(st.iterations());
}
// 250 points x 4 rules, and the worst case: all 1,000 rules on one point (every reading judged by all).
BENCHMARK(BM_AlarmPush)->Arg(250)->Arg(1)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
