// The store's speed on both backends: bulk append of 10 M readings (targets: SQLite >= 500,000
// readings/s, PostgreSQL COPY >= 300,000 readings/s), a year of 15-min readings of one point
// (target < 50 ms), and the hourly aggregation of a year for 100 points, pushed down to the
// database vs fetched and aggregated in C++. PostgreSQL runs when EHUB_BENCH_PG_URL names an
// admin URL (cmake/ehub.sh bench starts a server with fsync on); SQLite writes to EHUB_BENCH_DIR
// (default /tmp), synchronous=NORMAL in WAL mode as the store always opens it.
#include <benchmark/benchmark.h>
#include <libpq-fe.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <string>

#include "ehub/store/store.hpp"

namespace fs = std::filesystem;
using namespace ehub::store;

namespace {

constexpr std::int64_t kT0 = 1735660800;  // 2025-01-01T00:00:00+08:00
constexpr int kYear15 = 35040;            // 15-min readings in 2025

std::string pg_admin() {
  const char* u = std::getenv("EHUB_BENCH_PG_URL");
  return u ? u : "";
}

/// "p17" (appended piece by piece: GCC 12 reports a false -Wrestrict on "p" + std::to_string).
std::string pname(int p) {
  std::string s = "p";
  s.append(std::to_string(p));
  return s;
}

/// A fresh database: a new SQLite file, or a new PostgreSQL database.
std::string fresh(Backend b, const std::string& name) {
  if (b == Backend::sqlite) {
    const fs::path dir = std::getenv("EHUB_BENCH_DIR") ? std::getenv("EHUB_BENCH_DIR") : "/tmp";
    const fs::path file = dir / ("ehub_bench_" + name + ".db");
    for (const char* ext : {"", "-wal", "-shm"}) fs::remove(file.string() + ext);
    return "sqlite://" + file.string();
  }
  const std::string admin = pg_admin();
  const std::string base = admin.substr(0, admin.rfind('/') + 1);
  PGconn* c = PQconnectdb((base + "postgres").c_str());
  PQclear(PQexec(c, ("DROP DATABASE IF EXISTS bench_" + name + " WITH (FORCE)").c_str()));
  PQclear(PQexec(c, ("CREATE DATABASE bench_" + name).c_str()));
  PQfinish(c);
  return base + "bench_" + name;
}

/// A store with `points` points of one tenant (tags: item = point mod 4).
Store park(const std::string& url, int points) {
  Store s = Store::open(url);
  s.add_tenant({.name = "acme"});
  s.add_site({.name = "kunming", .utc_offset_minutes = 480});
  s.add_meter({.name = "m", .tenant = "acme", .site = "kunming"});
  for (int p = 0; p < points; ++p)
    s.add_point({.name = pname(p), .meter = "m", .quantity = "power", .unit = "kW",
                 .tags = {{"item", std::string("item").append(std::to_string(p % 4))}}});
  return s;
}

/// Readings of points [0, points) every 15 min for `per_point` steps; values vary smoothly.
ReadingBatch readings(const Store& s, int points, int per_point, int first_step = 0) {
  ReadingBatch b;
  b.reserve(static_cast<std::size_t>(points) * per_point);
  for (int p = 0; p < points; ++p) {
    const auto id = s.point_id(pname(p));
    for (int i = 0; i < per_point; ++i)
      b.push_back(id, kT0 + 900LL * (first_step + i), 100 + 50 * std::sin(0.01 * (first_step + i) + p));
  }
  return b;
}

bool skip_pg(benchmark::State& st, Backend b) {
  if (b == Backend::postgresql && pg_admin().empty()) {
    st.SkipWithError("EHUB_BENCH_PG_URL not set (cmake/ehub.sh bench starts a server)");
    return true;
  }
  return false;
}

// 10 M readings of 100 points in 10 batches of 1 M (one transaction each).
void BM_Append10M(benchmark::State& st) {
  const auto b = static_cast<Backend>(st.range(0));
  if (skip_pg(st, b)) return;
  for (auto _ : st) {
    st.PauseTiming();
    Store s = park(fresh(b, "append"), 100);
    std::vector<ReadingBatch> batches;
    for (int k = 0; k < 10; ++k) batches.push_back(readings(s, 100, 10000, k * 10000));
    st.ResumeTiming();
    for (const auto& batch : batches) s.append_readings(batch);
    st.PauseTiming();
    if (s.count_readings() != 10'000'000) st.SkipWithError("not every reading was written");
    st.ResumeTiming();
  }
  st.SetItemsProcessed(st.iterations() * 10'000'000);
}
BENCHMARK(BM_Append10M)->Arg(0)->Arg(1)->Iterations(1)->Unit(benchmark::kSecond)->UseRealTime();

// A year of 15-min readings of one point (among 100 points of a year each).
void BM_QueryYearOnePoint(benchmark::State& st) {
  const auto b = static_cast<Backend>(st.range(0));
  if (skip_pg(st, b)) return;
  const std::string url = fresh(b, "year");
  {
    Store s = park(url, 100);
    s.append_readings(readings(s, 100, kYear15));
  }
  Store s = Store::open(url);
  for (auto _ : st) {
    auto r = s.read("p42", {kT0, kT0 + 900LL * kYear15});
    if (r.size() != kYear15) st.SkipWithError("wrong number of readings");
    benchmark::DoNotOptimize(r.value.data());
  }
  st.SetItemsProcessed(st.iterations() * kYear15);
}
BENCHMARK(BM_QueryYearOnePoint)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->UseRealTime();

// Means of a year for 100 points per hour (arg 2 = 3600) or per day (86400): aggregated by the
// store (arg 1 = 1: GROUP BY in PostgreSQL, one ordered pass on SQLite) or fetched with read_many
// and averaged by the caller (0).
void BM_HourlyYear100Points(benchmark::State& st) {
  const auto b = static_cast<Backend>(st.range(0));
  const bool pushed_down = st.range(1) == 1;
  const std::int64_t interval_s = st.range(2);
  const auto buckets = static_cast<Eigen::Index>(900LL * kYear15 / interval_s);
  if (skip_pg(st, b)) return;
  const std::string url = fresh(b, "agg");
  std::vector<std::string> names;
  {
    Store s = park(url, 100);
    s.append_readings(readings(s, 100, kYear15));
  }
  for (int p = 0; p < 100; ++p) names.push_back(pname(p));
  Store s = Store::open(url);
  const std::int64_t end = kT0 + 900LL * kYear15;
  for (auto _ : st) {
    double check = 0;
    if (pushed_down) {
      AggregateQuery q;
      q.start_unix_s = kT0;
      q.end_unix_s = end;
      q.interval_s = interval_s;
      q.function = Aggregate::mean;
      const auto r = s.aggregate(q);
      check = r.values(99, buckets - 1);
    } else {
      const auto all = s.read_many(names, {kT0, end});
      Eigen::MatrixXd sum = Eigen::MatrixXd::Zero(100, buckets), cnt = Eigen::MatrixXd::Zero(100, buckets);
      for (std::size_t p = 0; p < all.size(); ++p)
        for (std::size_t i = 0; i < all[p].size(); ++i) {
          const auto h = static_cast<Eigen::Index>((all[p].t_unix_s[i] - kT0) / interval_s);
          sum(static_cast<Eigen::Index>(p), h) += all[p].value[static_cast<Eigen::Index>(i)];
          cnt(static_cast<Eigen::Index>(p), h) += 1;
        }
      check = sum(99, buckets - 1) / cnt(99, buckets - 1);
    }
    benchmark::DoNotOptimize(check);
  }
  st.SetItemsProcessed(st.iterations() * 100LL * kYear15);
}
BENCHMARK(BM_HourlyYear100Points)
    ->Args({0, 1, 3600})->Args({0, 0, 3600})->Args({1, 1, 3600})->Args({1, 0, 3600})
    ->Args({0, 1, 86400})->Args({0, 0, 86400})->Args({1, 1, 86400})->Args({1, 0, 86400})
    ->Iterations(3)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
