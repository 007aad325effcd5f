// Meter data at scale (issue target: clean and aggregate to hourly a year of 1-minute data for 100
// points, 52.6 M readings, in under 10 s on one core, memory under 1.5x the data). Synthetic
// points: a daily load shape plus noise with sentinels, spikes, stuck runs and gaps injected.
// Also the same work on points read from the store (SQLite; PostgreSQL when EHUB_BENCH_PG_URL is
// set), the reading measured apart from the cleaning.
// GCC 12 reports false -Wrestrict warnings on inlined std::string assignments here (GCC bug 105329).
#pragma GCC diagnostic ignored "-Wrestrict"
#include <benchmark/benchmark.h>
#include <libpq-fe.h>
#include <sys/resource.h>

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>

#include "ehub/ems/cleaning.hpp"
#include "ehub/ems/statistics.hpp"
#include "ehub/store/store.hpp"

using namespace ehub;
using namespace ehub::ems;

namespace {

constexpr std::int64_t kT0 = 1735660800;  // 2025-01-01T00:00:00+08:00
constexpr std::int64_t kYearMinutes = 525600;

double rss_mb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_maxrss) / 1024.0;
}

IntervalData point(int p, std::int64_t n) {
  std::mt19937_64 rng(static_cast<std::uint64_t>(p) + 1);
  std::normal_distribution<double> noise(0, 5);
  IntervalData d;
  d.point = std::string("p").append(std::to_string(p));  // not "p" + ...: GCC 12's false -Wrestrict
  d.grid = TimeGrid(kT0, 1, n);
  d.value.resize(n);
  d.quality.assign(static_cast<std::size_t>(n), 0);
  for (std::int64_t i = 0; i < n; ++i) d.value[i] = 500 + 200 * std::sin(2 * M_PI * static_cast<double>(i % 1440) / 1440) + noise(rng);
  std::uniform_int_distribution<std::int64_t> at(10, n - 200);
  for (int k = 0; k < 200; ++k) d.value[at(rng)] = -999;            // sentinels
  for (int k = 0; k < 200; ++k) d.value[at(rng)] += 2000;           // spikes
  for (int k = 0; k < 20; ++k) {                                      // stuck runs of 30 min
    const auto s = at(rng);
    for (int j = 1; j < 30; ++j) d.value[s + j] = d.value[s];
  }
  for (int k = 0; k < 50; ++k) {                                      // gaps of 3 and of 90 minutes
    const auto s = at(rng);
    for (int j = 0; j < (k % 2 ? 3 : 90); ++j) {
      d.value[s + j] = std::nan("");
      d.quality[static_cast<std::size_t>(s + j)] = 4;
    }
  }
  return d;
}

CleaningRules rules(bool hampel) {
  CleaningRules r;
  r.max_value = 2000;
  r.max_step_change = 300;
  r.stuck_steps = 20;
  r.max_linear_gap_steps = 5;
  r.hampel_half_window = hampel ? 5 : 0;
  r.utc_offset_minutes = 480;
  return r;
}

// 100 points x a year of minutes, held in memory (420 MB of values + 53 MB of flags); each point
// cleaned and totalled per local hour in turn.
void BM_CleanAndHourly100PointsYearOfMinutes(benchmark::State& st) {
  const bool hampel = st.range(0) == 1;
  std::vector<IntervalData> data;
  data.reserve(100);
  for (int p = 0; p < 100; ++p) data.push_back(point(p, kYearMinutes));
  const double data_mb = 100.0 * kYearMinutes * 9 / 1048576.0;
  const double before_mb = rss_mb();
  StatisticsOptions so;
  so.utc_offset_minutes = 480;
  std::int64_t edits = 0;
  for (auto _ : st) {
    edits = 0;
    double total = 0;
    for (const auto& d : data) {
      const Cleaned c = clean(d, rules(hampel));
      edits += static_cast<std::int64_t>(c.edits.size());
      const auto h = period_totals(c.data, Period::hour, so);
      total += h.energy_kwh[100];
    }
    benchmark::DoNotOptimize(total);
  }
  st.counters["readings"] = 100.0 * kYearMinutes;
  st.counters["edits"] = static_cast<double>(edits);
  st.counters["data_MB"] = data_mb;
  st.counters["peak_rss_over_data"] = rss_mb() / data_mb;
  st.counters["rss_before_MB"] = before_mb;
}
BENCHMARK(BM_CleanAndHourly100PointsYearOfMinutes)->Arg(0)->Arg(1)->Iterations(1)->Unit(benchmark::kSecond)->UseRealTime();

std::string store_url(int backend) {
  if (backend == 0) {
    const std::filesystem::path f = std::filesystem::temp_directory_path() / "ehub_bench_ems.db";
    for (const char* ext : {"", "-wal", "-shm"}) std::filesystem::remove(f.string() + ext);
    return std::string("sqlite://").append(f.string());
  }
  const char* admin = std::getenv("EHUB_BENCH_PG_URL");
  if (!admin) return "";
  const std::string a(admin), base = a.substr(0, a.rfind('/') + 1);
  PGconn* c = PQconnectdb(std::string(base).append("postgres").c_str());
  PQclear(PQexec(c, "DROP DATABASE IF EXISTS bench_ems WITH (FORCE)"));
  PQclear(PQexec(c, "CREATE DATABASE bench_ems"));
  PQfinish(c);
  return std::string(base).append("bench_ems");
}

// 100 points x a year of minutes (52.56 M readings) stored, then read back (timed as "read_s"),
// cleaned and totalled per hour (the rest of the time). Loading them is not timed.
void BM_StoreReadCleanHourly100Points(benchmark::State& st) {
  const std::string url = store_url(static_cast<int>(st.range(0)));
  if (url.empty()) {
    st.SkipWithError("EHUB_BENCH_PG_URL not set");
    return;
  }
  std::vector<std::string> names;
  {
    auto s = store::Store::open(url);
    s.add_tenant({.name = "t", .display_name = ""});
    s.add_site({.name = "s", .utc_offset_minutes = 480, .latitude_deg = 0, .longitude_deg = 0});
    s.add_meter({.name = "m", .tenant = "t", .site = "s", .kind = store::MeterKind::electricity, .parent = "", .serial = ""});
    for (int p = 0; p < 100; ++p) {
      const auto d = point(p, kYearMinutes);
      store::Point pt;
      pt.name = d.point;
      pt.meter = "m";
      pt.quantity = "power";
      pt.unit = "kW";
      s.add_point(pt);
      store::ReadingBatch b;
      b.reserve(kYearMinutes);
      const auto id = s.point_id(d.point);
      for (std::int64_t i = 0; i < kYearMinutes; ++i) b.push_back(id, d.grid.time_unix_s(i), d.value[i], static_cast<store::Quality>(d.quality[static_cast<std::size_t>(i)]));
      s.append_readings(b);
      names.push_back(d.point);
    }
  }
  auto s = store::Store::open(url);
  const TimeGrid grid(kT0, 1, kYearMinutes);
  StatisticsOptions so;
  so.utc_offset_minutes = 480;
  double read_s = 0;
  for (auto _ : st) {
    read_s = 0;
    for (const auto& name : names) {
      const auto t0 = std::chrono::steady_clock::now();
      const auto d = on_grid(s.read(name, {grid.start_unix_s(), grid.end_unix_s()}), grid);
      read_s += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      const auto c = clean(d, rules(false));
      benchmark::DoNotOptimize(period_totals(c.data, Period::hour, so).energy_kwh.data());
    }
  }
  st.counters["read_s"] = read_s;
  st.counters["readings"] = 100.0 * kYearMinutes;
}
BENCHMARK(BM_StoreReadCleanHourly100Points)->Arg(0)->Arg(1)->Iterations(1)->Unit(benchmark::kSecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
