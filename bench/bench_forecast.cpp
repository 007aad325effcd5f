// Forecasting speed and accuracy. Speed target (docs/forecasting.md): fit plus a year of daily
// day-ahead forecasts of one hourly series under 1 s for the regression model. Data: the
// reference park's office load and temperature (examples/data, in the repository). Accuracy on
// GEFCom2014 wind (../shared/data/forecasting or $EHUB_SHARED_DATA, licence unclear: read from
// there, never copied; skipped when absent) reports nMAE of the physics + correction forecaster.
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <vector>
#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>

#include "ehub/core/time_grid.hpp"
#include "ehub/forecast/forecast.hpp"
#include "ehub/io/csv.hpp"

namespace fc = ehub::forecast;

namespace {

const fc::History& park(bool weather) {
  static const auto load = [](bool w) {
    ehub::io::CsvOptions o;
    const auto t = ehub::io::read_timeseries_csv(EHUB_SOURCE_DIR "/examples/data/reference_park.csv", o);
    fc::History h;
    h.target = t.series("office_el_kw");
    if (w) {
      fc::Exogenous e(*t.grid());
      e.add("temperature_c", t.values[t.column_index("temperature_c")]);
      h.exogenous = e;
    }
    return h;
  };
  static const fc::History plain = load(false), with_weather = load(true);
  return weather ? with_weather : plain;
}

fc::ForecastOptions park_options() {
  fc::ForecastOptions o;
  o.calendar.utc_offset_minutes = 480;
  o.calendar.holidays = fc::HolidayCalendar::china_2025();
  return o;
}

// Fit on the whole year, then forecast the next day from 10:00 of every day of the year that has
// two weeks of history before it (Holt-Winters' minimum) and its window inside the data: 350
// forecasts. The timing is the point here, not the accuracy (these forecasts are in-sample).
void fit_and_year(benchmark::State& state, const char* model, bool weather) {
  const fc::History& h = park(weather);
  const fc::ForecastOptions o = park_options();
  const std::int64_t start = h.target.grid().start_unix_s();
  double checksum = 0.0;
  int forecasts = 0;
  for (auto _ : state) {
    fc::Forecaster f = fc::make_forecaster(model, o);
    f.fit(h);
    forecasts = 0;
    for (int d = 14; d < 364; ++d) {
      const std::int64_t origin = start + std::int64_t{d} * 86400 + 10 * 3600;
      const ehub::TimeGrid w = o.schedule.window(origin, o.calendar, 60);
      const fc::ModelInput in = fc::prepare_input(h, o.calendar, o.cleaning, origin, w.end_unix_s());
      checksum += f.predict_prepared(in, origin, w).point[12];
      ++forecasts;
    }
  }
  benchmark::DoNotOptimize(checksum);
  state.counters["forecasts"] = forecasts;
}

void BM_RidgeFitAndYearOfDayAhead(benchmark::State& s) { fit_and_year(s, "ridge", false); }
void BM_RidgeWeatherFitAndYearOfDayAhead(benchmark::State& s) { fit_and_year(s, "ridge", true); }
void BM_GbrtFitAndYearOfDayAhead(benchmark::State& s) { fit_and_year(s, "gbrt", false); }
void BM_HoltWintersFitAndYearOfDayAhead(benchmark::State& s) { fit_and_year(s, "holt_winters", false); }
void BM_SeasonalNaiveYearOfDayAhead(benchmark::State& s) { fit_and_year(s, "seasonal_naive_week", false); }

// The CLI's backtest of the regression model: refit every 7 days on an expanding window.
void BM_RidgeBacktestYear(benchmark::State& state) {
  const fc::History& h = park(true);
  fc::BacktestOptions bo;
  bo.forecast = park_options();
  double mae = 0.0;
  for (auto _ : state) {
    const fc::BacktestResult r = fc::backtest(h, {fc::make_forecaster("ridge", bo.forecast)}, bo);
    mae = r.model("ridge").metrics.mae;
  }
  state.counters["mae_kw"] = mae;
}

// GEFCom2014 wind, zone 1 (Task 15 file): measured normalised power and ECMWF 100 m wind
// forecasts, hourly 2012-01-01 01:00 .. 2013-12-01 00:00 (UTC assumed). A generic 2 MW curve
// (cut-in 3, rated 12, cut-out 25 m/s) plus the fitted correction, day-ahead from 10:00.
bool read_gefcom_wind(fc::History& h) {
  const char* env = std::getenv("EHUB_SHARED_DATA");  // default: ../shared/data next to the repository
  const std::string dir = env ? env : EHUB_SOURCE_DIR "/../shared/data";
  std::ifstream in(dir + "/forecasting/gefcom2014_wind/Task15_W_Zone1.csv");
  if (!in) return false;
  std::string line;
  std::getline(in, line);
  std::vector<double> y, v;
  std::int64_t t0 = 0;
  while (std::getline(in, line)) {
    std::stringstream ss(line);
    std::string zone, ts, target, u10, v10, u100, v100;
    std::getline(ss, zone, ',');
    std::getline(ss, ts, ',');
    std::getline(ss, target, ',');
    std::getline(ss, u10, ',');
    std::getline(ss, v10, ',');
    std::getline(ss, u100, ',');
    std::getline(ss, v100, ',');
    if (y.empty()) {
      int Y = 0, M = 0, D = 0, H = 0, Mi = 0;
      std::sscanf(ts.c_str(), "%4d%2d%2d %d:%d", &Y, &M, &D, &H, &Mi);
      t0 = ehub::from_local(Y, M, D, H, Mi, 0, 0) - 3600;  // hour-ending stamp: the step starts an hour earlier
    }
    y.push_back(target == "NA" || target.empty() ? std::nan("") : std::stod(target));
    v.push_back(std::hypot(std::stod(u100), std::stod(v100)));
  }
  const ehub::TimeGrid g(t0, 60, static_cast<std::int64_t>(y.size()));
  h.target = ehub::Series(g, Eigen::Map<Eigen::VectorXd>(y.data(), static_cast<Eigen::Index>(y.size())));
  fc::Exogenous e(g);
  e.add("wind_speed_m_s", Eigen::Map<Eigen::VectorXd>(v.data(), static_cast<Eigen::Index>(v.size())));
  h.exogenous = e;
  return true;
}

void BM_GefcomWindBacktest(benchmark::State& state) {
  fc::History h;
  if (!read_gefcom_wind(h)) {
    state.SkipWithError("GEFCom2014 wind data not found (../shared/data/forecasting); skipped");
    return;
  }
  fc::BacktestOptions bo;
  bo.min_history_days = 60;
  bo.refit_every_days = 28;
  bo.normaliser = 1.0;  // power is normalised by capacity
  const nlohmann::json farm = {
      {"turbines", {{{"power_curve", {{0, 0}, {3, 0}, {5, 150}, {7, 550}, {9, 1150}, {11, 1800}, {12, 2000}, {25, 2000}}},
                     {"hub_height_m", 100.0}}}},
      {"wind_speed_height_m", 100.0}};
  fc::BacktestResult r;
  for (auto _ : state) {
    r = fc::backtest(h,
                     {fc::make_forecaster("wind_physics", bo.forecast, farm), fc::make_forecaster("persistence", bo.forecast),
                      fc::make_forecaster("gbrt", bo.forecast, {{"lags", false}, {"extra_columns", {"wind_speed_m_s"}}})},
                     bo);
  }
  state.counters["nmae_wind_physics"] = r.model("wind_physics").metrics.nmae;
  state.counters["nmae_persistence"] = r.model("persistence").metrics.nmae;
  state.counters["nmae_snaive_week"] = r.model("seasonal_naive_week").metrics.nmae;
  state.counters["nmae_gbrt_weather"] = r.model("gbrt").metrics.nmae;
  state.counters["skill_wind_physics"] = r.model("wind_physics").metrics.skill;
  state.counters["pinball_wind_physics"] = r.model("wind_physics").metrics.pinball;
  state.counters["origins"] = static_cast<double>(r.origins.size());
}

// GEFCom2014 solar, task 1, zone 1: measured PV power (normalised) and ECMWF forecasts; GHI from
// the accumulated VAR169 (J/m2, restarting daily: the 01:00 value covers 00-01 UTC), T from
// VAR167 (K), wind from VAR165/VAR166. The plant description is the third-party, unverified
// GEFCom configuration of the data README (37.5 S 145 E, 595 m, tilt 36, azimuth 38 deg): the
// correction absorbs what it gets wrong. Local clock UTC+10 (Australia): origins at 10:00 local.
std::int64_t gefcom_time(const std::string& ts) {
  int Y = 0, M = 0, D = 0, H = 0, Mi = 0;
  std::sscanf(ts.c_str(), "%4d%2d%2d %d:%d", &Y, &M, &D, &H, &Mi);
  return ehub::from_local(Y, M, D, H, Mi, 0, 0) - 3600;  // hour-ending stamps
}

bool read_gefcom_solar(fc::History& h) {
  const char* env = std::getenv("EHUB_SHARED_DATA");
  const std::string dir = std::string(env ? env : EHUB_SOURCE_DIR "/../shared/data") + "/forecasting/gefcom2014_solar/";
  std::ifstream tin(dir + "train1.csv"), pin(dir + "predictors1.csv");
  if (!tin || !pin) return false;
  std::string line;
  std::vector<double> y;
  std::int64_t t0 = 0;
  std::getline(tin, line);
  while (std::getline(tin, line)) {
    std::stringstream ss(line);
    std::string zone, ts, power;
    std::getline(ss, zone, ',');
    std::getline(ss, ts, ',');
    std::getline(ss, power, ',');
    if (zone != "1") break;
    if (y.empty()) t0 = gefcom_time(ts);
    y.push_back(std::stod(power));
  }
  std::vector<double> ghi, temp, wind;
  double prev_acc = 0.0;
  std::getline(pin, line);
  while (std::getline(pin, line)) {
    std::stringstream ss(line);
    std::vector<std::string> f;
    for (std::string c; std::getline(ss, c, ',');) f.push_back(c);
    if (f.size() < 11 || f[0] != "1") continue;  // rows are day by day, the three zones in turn
    const double acc = std::stod(f[10]);
    const bool first_hour = f[1].size() >= 14 && f[1].substr(9, 5) == "01:00";
    ghi.push_back(std::max(0.0, (first_hour ? acc : acc - prev_acc) / 3600.0));
    prev_acc = acc;
    temp.push_back(std::stod(f[9]) - 273.15);
    wind.push_back(std::hypot(std::stod(f[7]), std::stod(f[8])));
  }
  const ehub::TimeGrid g(t0, 60, static_cast<std::int64_t>(y.size()));
  h.target = ehub::Series(g, Eigen::Map<Eigen::VectorXd>(y.data(), static_cast<Eigen::Index>(y.size())));
  fc::Exogenous e(ehub::TimeGrid(t0, 60, static_cast<std::int64_t>(ghi.size())));
  e.add("ghi_w_m2", Eigen::Map<Eigen::VectorXd>(ghi.data(), static_cast<Eigen::Index>(ghi.size())));
  e.add("temp_air_c", Eigen::Map<Eigen::VectorXd>(temp.data(), static_cast<Eigen::Index>(temp.size())));
  e.add("wind_speed_m_s", Eigen::Map<Eigen::VectorXd>(wind.data(), static_cast<Eigen::Index>(wind.size())));
  h.exogenous = e;
  return true;
}

void BM_GefcomSolarBacktest(benchmark::State& state) {
  fc::History h;
  if (!read_gefcom_solar(h)) {
    state.SkipWithError("GEFCom2014 solar data not found (../shared/data/forecasting); skipped");
    return;
  }
  fc::BacktestOptions bo;
  bo.forecast.calendar.utc_offset_minutes = 600;
  bo.min_history_days = 60;
  bo.refit_every_days = 28;
  bo.normaliser = 1.0;
  bo.benchmark = "seasonal_naive_day";
  const nlohmann::json plant = {{"plant",
                                 {{"latitude_deg", -37.5},
                                  {"longitude_deg", 145.0},
                                  {"altitude_m", 595.0},
                                  {"surface_tilt_deg", 36.0},
                                  {"surface_azimuth_deg", 38.0},
                                  {"dc_capacity_kw", 1.0},
                                  {"inverter_pdc0_kw", 1.0}}}};
  fc::BacktestResult r;
  for (auto _ : state) {
    r = fc::backtest(h,
                     {fc::make_forecaster("pv_physics", bo.forecast, plant), fc::make_forecaster("persistence", bo.forecast),
                      fc::make_forecaster("gbrt", bo.forecast, {{"lags", false}})},
                     bo);
  }
  state.counters["nmae_pv_physics"] = r.model("pv_physics").metrics.nmae;
  state.counters["nmae_gbrt_weather"] = r.model("gbrt").metrics.nmae;
  state.counters["nmae_snaive_day"] = r.model("seasonal_naive_day").metrics.nmae;
  state.counters["skill_pv_physics"] = r.model("pv_physics").metrics.skill;
  state.counters["pinball_pv_physics"] = r.model("pv_physics").metrics.pinball;
  state.counters["origins"] = static_cast<double>(r.origins.size());
}

}  // namespace

BENCHMARK(BM_RidgeFitAndYearOfDayAhead)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_RidgeWeatherFitAndYearOfDayAhead)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_GbrtFitAndYearOfDayAhead)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_HoltWintersFitAndYearOfDayAhead)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_SeasonalNaiveYearOfDayAhead)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_RidgeBacktestYear)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_GefcomWindBacktest)->Unit(benchmark::kMillisecond)->Iterations(1);
BENCHMARK(BM_GefcomSolarBacktest)->Unit(benchmark::kMillisecond)->Iterations(1);

BENCHMARK_MAIN();
