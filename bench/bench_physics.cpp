// Physics speed: a year of hourly weather (8,760 steps) through a 10-MW PV plant (SPA, Perez,
// IAM, SAPM, PVWatts DC/inverter), a single-axis tracked plant, the SPA alone (interpolated slow
// terms and exact), and a two-type wind farm with density correction. Target: PV < 20 ms.
#include <benchmark/benchmark.h>

#include <cmath>
#include <numbers>

#include "ehub/physics/atmosphere.hpp"
#include "ehub/physics/irradiance.hpp"
#include "ehub/physics/pv_model.hpp"
#include "ehub/physics/solar_position.hpp"
#include "ehub/physics/wind.hpp"

namespace ep = ehub::physics;

namespace {

constexpr double kLat = 30.27, kLon = 120.16, kAlt = 10.0;  // Hangzhou

/// A year of hourly weather: Ineichen clear sky (Linke 3.5) dimmed by a deterministic cloud
/// pattern, seasonal and daily temperature, wind 1-6 m/s.
const ep::PvWeather& year_weather() {
  static const ep::PvWeather w = [] {
    ep::PvWeather x;
    const Eigen::Index n = 8760;
    const double start = 1704067200.0;  // 2024-01-01T00:00Z
    x.time_unix_s = Eigen::VectorXd::LinSpaced(n, start + 1800.0, start + 1800.0 + 3600.0 * (n - 1));
    const auto sp = ep::spa_python(x.time_unix_s, kLat, kLon, kAlt);
    const auto am = ep::get_absolute_airmass(ep::get_relative_airmass(sp.apparent_zenith_deg), ep::alt2pres_pa(kAlt));
    const auto cs = ep::clearsky_ineichen(sp.apparent_zenith_deg, am, 3.5, kAlt);
    x.ghi_w_m2.resize(n);
    x.dni_w_m2.resize(n);
    x.dhi_w_m2.resize(n);
    x.temp_air_c.resize(n);
    x.wind_speed_m_s.resize(n);
    for (Eigen::Index i = 0; i < n; ++i) {
      const double cloud =
          0.5 + 0.5 * std::sin(0.37 * static_cast<double>(i)) * std::sin(0.011 * static_cast<double>(i));
      x.dni_w_m2[i] = cs.dni_w_m2[i] * cloud;
      x.dhi_w_m2[i] = cs.dhi_w_m2[i] + 0.2 * cs.ghi_w_m2[i] * (1.0 - cloud);
      x.ghi_w_m2[i] =
          x.dhi_w_m2[i] + x.dni_w_m2[i] * std::max(0.0, std::cos(sp.apparent_zenith_deg[i] * std::numbers::pi / 180.0));
      const double day = static_cast<double>(i) / 24.0;
      x.temp_air_c[i] = 17.0 - 10.0 * std::cos(2.0 * std::numbers::pi * (day - 15.0) / 365.0) +
                        4.0 * std::sin(2.0 * std::numbers::pi * (static_cast<double>(i % 24) - 9.0) / 24.0);
      x.wind_speed_m_s[i] = 3.5 + 2.5 * std::sin(0.05 * static_cast<double>(i));
    }
    return x;
  }();
  return w;
}

ep::PvPlant plant_10mw() {
  ep::PvPlant p;
  p.latitude_deg = kLat;
  p.longitude_deg = kLon;
  p.altitude_m = kAlt;
  p.dc_capacity_kw = 10000.0;
  p.inverter_pdc0_kw = 8500.0 / 0.96;
  p.surface_tilt_deg = 22.0;
  return p;
}

void BM_PvPlant10MwYearFixedPerez(benchmark::State& state) {
  const auto& w = year_weather();
  const auto plant = plant_10mw();
  for (auto _ : state) {
    auto r = ep::simulate_pv(plant, w);
    benchmark::DoNotOptimize(r.ac_kw.data());
  }
  state.counters["steps"] = static_cast<double>(w.time_unix_s.size());
  state.counters["energy_mwh"] = ep::simulate_pv(plant, w).ac_kw.sum() / 1000.0;
}
BENCHMARK(BM_PvPlant10MwYearFixedPerez)->Unit(benchmark::kMillisecond);

void BM_PvPlant10MwYearSingleAxis(benchmark::State& state) {
  const auto& w = year_weather();
  auto plant = plant_10mw();
  plant.mount = ep::PvMount::single_axis;
  plant.gcr = 0.35;
  for (auto _ : state) {
    auto r = ep::simulate_pv(plant, w);
    benchmark::DoNotOptimize(r.ac_kw.data());
  }
}
BENCHMARK(BM_PvPlant10MwYearSingleAxis)->Unit(benchmark::kMillisecond);

void BM_SpaYear(benchmark::State& state) {
  const auto& w = year_weather();
  const auto eval = state.range(0) == 0 ? ep::SpaEvaluation::automatic : ep::SpaEvaluation::exact;
  for (auto _ : state) {
    auto sp = ep::spa_python(w.time_unix_s, kLat, kLon, kAlt, 101325.0, 12.0, 67.0, 0.5667, eval);
    benchmark::DoNotOptimize(sp.azimuth_deg.data());
  }
  state.SetLabel(state.range(0) == 0 ? "interpolated slow terms" : "exact");
}
BENCHMARK(BM_SpaYear)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

void BM_WindFarmYear(benchmark::State& state) {
  const Eigen::Index n = 8760;
  ep::WindWeather w;
  Eigen::VectorXd v10(n), t(n), p(n);
  for (Eigen::Index i = 0; i < n; ++i) {
    v10[i] = 5.0 + 4.0 * std::sin(0.03 * static_cast<double>(i)) * std::sin(0.2 * static_cast<double>(i));
    v10[i] = std::max(v10[i], 0.0);
    t[i] = 283.0 + 8.0 * std::sin(static_cast<double>(i) / 1400.0);
    p[i] = 101000.0 + 800.0 * std::sin(static_cast<double>(i) / 97.0);
  }
  w.wind_speed_m_s = {{10.0, v10}};
  w.temperature_k = {{2.0, t}};
  w.pressure_pa = {{0.0, p}};
  w.roughness_length_m = Eigen::VectorXd::Constant(1, 0.15);
  auto curve = [](double rated_w, double rated_speed) {
    ep::PowerCurve c;
    c.wind_speed_m_s = Eigen::VectorXd::LinSpaced(51, 0.0, 25.0);
    c.power_w.resize(51);
    for (Eigen::Index k = 0; k < 51; ++k) {
      const double v = c.wind_speed_m_s[k];
      c.power_w[k] = v < 3.0 ? 0.0 : rated_w * std::min(1.0, std::pow((v - 3.0) / (rated_speed - 3.0), 3.0));
    }
    return c;
  };
  ep::WindFarm farm;
  farm.fleet = {{{"A/2500", 100.0, 2.5e6, 100.0, curve(2.5e6, 12.0)}, 4.0},
                {{"B/3000", 120.0, 3.0e6, 120.0, curve(3.0e6, 12.5)}, 2.0}};
  farm.efficiency = 0.9;
  farm.availability = 0.97;
  ep::WindModelChainOptions o;
  o.density_correction = state.range(0) != 0;
  for (auto _ : state) {
    auto pw = ep::wind_farm_power_w(farm, w, o);
    benchmark::DoNotOptimize(pw.data());
  }
  state.SetLabel(o.density_correction ? "density correction" : "plain power curve");
}
BENCHMARK(BM_WindFarmYear)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
