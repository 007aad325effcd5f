// The certificate ledger on a synthetic year: 8,760 hourly steps, 50 producing devices (PV and
// wind shapes), one load and 3 batteries with a physically consistent SOC (the ledger checks its
// lots against it every step). Target (issue 7): a year under 50 ms. Variants: each policy, both
// loss modes, whole-Wh accounting, records off, the per-device bundle expansion, and writing the
// certified HDF5 copy.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <string>

#include "ehub/carbon/ledger.hpp"
#include "ehub/carbon/results_file.hpp"
#include "ehub/io/hdf5.hpp"

namespace c = ehub::carbon;

namespace {

constexpr int kSteps = 8760;
constexpr int kProducers = 50;
constexpr int kStorages = 3;

// Deterministic synthetic park; `split` adds the dispatch's green/grey split (the dispatch's
// colouring rule: same-step use first, green charge from the surplus, green discharge first).
c::Input make_year(bool split) {
  c::Input in;
  in.grid = ehub::TimeGrid::from_iso("2025-01-01T00:00:00+08:00", 60, kSteps);
  in.utc_offset_minutes = 480;
  in.consumption_kwh.resize(kSteps);
  in.import_kwh.assign(kSteps, 0.0);
  in.export_kwh.assign(kSteps, 0.0);
  in.grid_clean_share.resize(kSteps);
  in.producers.resize(kProducers);
  for (int p = 0; p < kProducers; ++p) {
    auto& pr = in.producers[static_cast<std::size_t>(p)];
    pr.name = (p % 5 == 4 ? "wind" : "pv") + std::to_string(p);
    pr.technology = p % 5 == 4 ? "wind" : "pv";
    pr.kwh.resize(kSteps);
  }
  in.storages.resize(kStorages);
  const double cap[kStorages] = {800, 500, 300};
  double soc[kStorages] = {0, 0, 0}, socg[kStorages] = {0, 0, 0};
  for (int k = 0; k < kStorages; ++k) {
    auto& s = in.storages[static_cast<std::size_t>(k)];
    s.name = "bat" + std::to_string(k);
    s.eta_charge = 0.95;
    s.eta_discharge = 0.93;
    s.standing_loss_per_h = 0.0005;
    s.charge_kwh.assign(kSteps, 0.0);
    s.discharge_kwh.assign(kSteps, 0.0);
    s.soc_kwh.assign(kSteps, 0.0);
    if (split) {
      s.green_charge_kwh.assign(kSteps, 0.0);
      s.green_discharge_kwh.assign(kSteps, 0.0);
    }
  }
  for (int t = 0; t < kSteps; ++t) {
    const auto ts = static_cast<std::size_t>(t);
    const int h = t % 24, d = t / 24;
    const double sun = std::max(0.0, std::sin((h - 6) * M_PI / 12.0)) * (0.75 + 0.25 * std::cos((d - 172) * 0.0172));
    double P = 0;
    for (int p = 0; p < kProducers; ++p) {
      const double v = p % 5 == 4 ? 40.0 * (0.5 + 0.5 * std::sin(t * 0.05 + p))
                                  : 55.0 * sun * (0.85 + 0.15 * std::sin(d * 0.3 + p));
      in.producers[static_cast<std::size_t>(p)].kwh[ts] = std::max(0.0, v);
      P += std::max(0.0, v);
    }
    const double load = 900 + 400 * (h >= 8 && h <= 20 ? 1 : 0) + 150 * std::sin(d * 0.9);
    in.consumption_kwh[ts] = load;
    in.grid_clean_share[ts] = 0.3;
    double surplus = std::max(0.0, P - load), deficit = std::max(0.0, load - P);
    const double direct = std::min(P, load);
    double avail = P - direct, unmet = load - direct;
    double net = load - P;
    for (int k = 0; k < kStorages; ++k) {
      auto& s = in.storages[static_cast<std::size_t>(k)];
      const double keep = 1 - s.standing_loss_per_h;
      const double soc0 = soc[k] * keep, socg0 = socg[k] * keep;
      double ch = 0, dis = 0;
      if (surplus > 0) ch = std::min(surplus, (cap[k] - soc0) / s.eta_charge);
      else if (h >= 17 || h < 2) dis = std::min({deficit, soc0 * s.eta_discharge, 200.0});
      if (h == 3 && soc0 < 0.2 * cap[k]) ch = 0.2 * cap[k];  // night top-up from the grid: grey
      surplus -= std::min(surplus, ch);
      deficit -= dis;
      soc[k] = soc0 + ch * s.eta_charge - dis / s.eta_discharge;
      s.charge_kwh[ts] = ch;
      s.discharge_kwh[ts] = dis;
      s.soc_kwh[ts] = soc[k];
      net += ch - dis;
      if (split) {
        const double gc = std::min(ch, avail);
        avail -= gc;
        const double grey_max = std::max(0.0, soc0 - socg0) * s.eta_discharge;
        double gd = std::min({dis, socg0 * s.eta_discharge, std::max(unmet, dis - grey_max)});
        gd = std::max(0.0, gd);
        unmet = std::max(0.0, unmet - gd);
        socg[k] = std::clamp(socg0 + gc * s.eta_charge - gd / s.eta_discharge, 0.0, soc[k]);
        s.green_charge_kwh[ts] = gc;
        s.green_discharge_kwh[ts] = gd;
      }
    }
    in.import_kwh[ts] = std::max(0.0, net);
    in.export_kwh[ts] = std::max(0.0, -net);
  }
  return in;
}

const c::Input& year(bool split) {
  static const c::Input plain = make_year(false), with_split = make_year(true);
  return split ? with_split : plain;
}

void report(benchmark::State& state, const c::Ledger& L) {
  state.counters["green_share"] = L.green_share_hourly;
  state.counters["cfe_score"] = L.cfe_score;
  state.counters["bundles"] = static_cast<double>(L.bundles.size());
  state.counters["lots"] = static_cast<double>(L.lots.size());
}

void BM_CertifyYear(benchmark::State& state, c::Policy policy, c::LossMode losses, bool wh, bool records) {
  const c::Input& in = year(policy == c::Policy::schedule);
  c::Options o;
  o.policy = policy;
  o.losses = losses;
  o.integer_wh = wh;
  o.records = records;
  c::Ledger L;
  for (auto _ : state) {
    L = c::certify(in, o);
    benchmark::DoNotOptimize(L.steps.cfe.data());
  }
  report(state, L);
}

BENCHMARK_CAPTURE(BM_CertifyYear, fifo_physical, c::Policy::fifo, c::LossMode::physical, false, true)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_CertifyYear, pro_rata_physical, c::Policy::pro_rata, c::LossMode::physical, false, true)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_CertifyYear, lifo_physical, c::Policy::lifo, c::LossMode::physical, false, true)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_CertifyYear, schedule_physical, c::Policy::schedule, c::LossMode::physical, false, true)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_CertifyYear, fifo_metered, c::Policy::fifo, c::LossMode::metered, false, true)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_CertifyYear, fifo_physical_wh, c::Policy::fifo, c::LossMode::physical, true, true)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_CertifyYear, fifo_physical_no_records, c::Policy::fifo, c::LossMode::physical, false, false)->Unit(benchmark::kMillisecond);

// Splitting every bundle at producer boundaries (the per-device table of the certified file).
void BM_DeviceBundles(benchmark::State& state) {
  c::Options o;
  o.policy = c::Policy::fifo;
  const auto L = c::certify(year(false), o);
  std::size_t n = 0;
  for (auto _ : state) {
    const auto b = L.device_bundles();
    n = b.size();
    benchmark::DoNotOptimize(b.data());
  }
  state.counters["device_bundles"] = static_cast<double>(n);
}
BENCHMARK(BM_DeviceBundles)->Unit(benchmark::kMillisecond);

// `ehub certify --out`: copy of a results file plus the /certificates tables (disk I/O included).
void BM_WriteCertified(benchmark::State& state) {
  const auto dir = std::filesystem::temp_directory_path() / "ehub_bench_carbon";
  std::filesystem::create_directories(dir);
  const std::string res = (dir / "year.h5").string(), out = (dir / "certified.h5").string();
  {
    ehub::io::H5Writer w(res);
    std::vector<std::int64_t> time(kSteps);
    const auto& g = year(false).grid;
    for (int t = 0; t < kSteps; ++t) time[static_cast<std::size_t>(t)] = g.time_unix_s(t);
    w.write_vector_int64("/time", time);
    w.write_vector("/flows/load.in", year(false).consumption_kwh);
    w.commit();
  }
  c::Options o;
  o.policy = c::Policy::fifo;
  const auto L = c::certify(year(false), o);
  for (auto _ : state) c::write_certified_h5(res, L, out);
  state.counters["bytes"] = static_cast<double>(std::filesystem::file_size(out));
  std::filesystem::remove_all(dir);
}
BENCHMARK(BM_WriteCertified)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
