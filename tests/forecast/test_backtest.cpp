#include <gtest/gtest.h>

#include <cmath>

#include "ehub/core/error.hpp"
#include "helpers.hpp"

using namespace ehub;
using namespace ehub::forecast;
using ehub::forecast::test::make_history;
using ehub::forecast::test::noise;

namespace {

// Ten weeks of a load with a daily and weekly shape, a temperature response and noise.
History load_with_weather() {
  History h = make_history("2025-03-03T00:00:00+08:00", 70, [](std::int64_t) { return 0.0; });
  Eigen::VectorXd T(h.target.size() + 48);  // the weather reaches two days past the target
  for (std::int64_t i = 0; i < T.size(); ++i)
    T[i] = 18.0 + 8.0 * std::sin(2 * M_PI * static_cast<double>(i % 24 - 9) / 24) + 4.0 * std::sin(static_cast<double>(i) / 90.0);
  for (std::int64_t i = 0; i < h.target.size(); ++i) {
    const int hr = static_cast<int>(i % 24), d = static_cast<int>((i / 24) % 7);
    h.target.values()[i] = (d < 5 && hr >= 8 && hr < 19 ? 900.0 : 400.0) + 25.0 * std::max(0.0, T[i] - 22.0) +
                           10.0 * noise(i);
  }
  h.exogenous = Exogenous(TimeGrid(h.target.grid().start_unix_s(), 60, T.size()));
  h.exogenous.add("temperature_c", T);
  return h;
}

std::vector<Forecaster> all_models() {
  ForecastOptions o;
  std::vector<Forecaster> m;
  for (const char* n : {"persistence", "seasonal_naive_day", "seasonal_naive_week", "holt_winters", "ridge", "ridge_hier"})
    m.push_back(make_forecaster(n, o));
  m.push_back(make_forecaster("gbrt", o, {{"trees", 30}}));
  return m;
}

}  // namespace

TEST(Backtest, ForecastsDoNotChangeWhenTheFutureIsCorrupted) {
  const History data = load_with_weather();
  BacktestOptions bo;
  bo.forecast.calendar.utc_offset_minutes = 480;
  bo.min_history_days = 21;
  bo.refit_every_days = 3;
  bo.online_min_days = 5;
  const BacktestResult a = backtest(data, all_models(), bo);
  ASSERT_GT(a.origins.size(), 40u);

  // The future after origin k: target values after the origin replaced (NaN, sentinels, absurd
  // numbers) and weather after the end of the origin's window replaced too.
  const std::size_t k = 25;
  const std::int64_t cut = a.origins[k];
  const std::int64_t window_end = a.window_start_unix_s[k] + 24 * 3600;
  History bad = data;
  for (std::int64_t i = 0; i < bad.target.size(); ++i) {
    if (bad.target.grid().time_unix_s(i) + 3600 > cut)
      bad.target.values()[i] = i % 3 == 0 ? std::nan("") : (i % 3 == 1 ? -999.0 : 1e7 * (1.0 + noise(i)));
  }
  Eigen::VectorXd& T = bad.exogenous.column("temperature_c");
  for (std::int64_t i = 0; i < T.size(); ++i)
    if (bad.exogenous.grid().time_unix_s(i) >= window_end) T[i] = 60.0 + 50.0 * noise(i, 5);
  const BacktestResult b = backtest(bad, all_models(), bo);
  ASSERT_EQ(a.models.size(), b.models.size());
  for (std::size_t m = 0; m < a.models.size(); ++m) {
    for (Eigen::Index r = 0; r <= static_cast<Eigen::Index>(k); ++r) {
      EXPECT_EQ(a.models[m].point.row(r), b.models[m].point.row(r)) << a.models[m].model << " origin " << r;
      for (std::size_t l = 0; l < a.models[m].quantiles.size(); ++l)
        EXPECT_EQ(a.models[m].quantiles[l].row(r), b.models[m].quantiles[l].row(r)) << a.models[m].model;
    }
    // Ten days after the cut the corrupted history does change the forecasts (the test would be
    // vacuous otherwise).
    EXPECT_NE(a.models[m].point.row(static_cast<Eigen::Index>(k) + 10), b.models[m].point.row(static_cast<Eigen::Index>(k) + 10))
        << a.models[m].model;
  }
}

TEST(Backtest, ScoresAndSummary) {
  const History data = load_with_weather();
  BacktestOptions bo;
  bo.forecast.calendar.utc_offset_minutes = 480;
  bo.min_history_days = 21;
  std::vector<Forecaster> models{make_forecaster("ridge"), make_forecaster("seasonal_naive_day")};
  const BacktestResult r = backtest(data, models, bo);
  // The benchmark was appended; its skill is 0 by definition.
  ASSERT_EQ(r.models.size(), 3u);
  EXPECT_EQ(r.models.back().model, "seasonal_naive_week");
  EXPECT_DOUBLE_EQ(r.model("seasonal_naive_week").metrics.skill, 0.0);
  // The window of an origin at 10:00 is the next local day.
  EXPECT_EQ(r.window_start_unix_s[0] - r.origins[0], 14 * 3600);
  EXPECT_EQ(format_iso8601(r.origins[0], 480), "2025-03-24T10:00:00+08:00");
  // Metrics recomputed by hand from the stored matrices.
  const ModelBacktest& ridge = r.model("ridge");
  double ae = 0, ae_ref = 0;
  for (Eigen::Index i = 0; i < r.actual.rows(); ++i)
    for (Eigen::Index j = 0; j < r.actual.cols(); ++j) {
      ae += std::abs(ridge.point(i, j) - r.actual(i, j));
      ae_ref += std::abs(r.model("seasonal_naive_week").point(i, j) - r.actual(i, j));
    }
  EXPECT_NEAR(ridge.metrics.mae, ae / static_cast<double>(r.actual.size()), 1e-9);
  EXPECT_NEAR(ridge.metrics.skill, 1.0 - ae / ae_ref, 1e-12);
  // The weather response is learnt: ridge with the temperature beats ridge without it.
  History no_weather = data;
  no_weather.exogenous = Exogenous();
  const BacktestResult nw = backtest(no_weather, {make_forecaster("ridge")}, bo);
  EXPECT_LT(ridge.metrics.mae, 0.8 * nw.model("ridge").metrics.mae)
      << ridge.metrics.mae << " vs " << nw.model("ridge").metrics.mae;
  EXPECT_GT(ridge.metrics.skill, 0.2);
  for (Eigen::Index i = 0; i < r.actual.rows(); ++i)
    for (Eigen::Index j = 0; j < r.actual.cols(); ++j)
      for (std::size_t l = 1; l < ridge.quantiles.size(); ++l)
        EXPECT_LE(ridge.quantiles[l - 1](i, j), ridge.quantiles[l](i, j));
  const auto s = r.summary();
  for (const char* key : {"mae", "rmse", "mape", "pinball", "skill_vs_seasonal_naive"})
    EXPECT_TRUE(s["models"]["ridge"].contains(key)) << key;
  EXPECT_EQ(s["origins"].get<std::size_t>(), r.origins.size());
  EXPECT_NE(r.brief_report().find("ridge"), std::string::npos);

  BacktestOptions too_long = bo;
  too_long.min_history_days = 80;
  EXPECT_THROW((void)backtest(data, models, too_long), InputError);
  BacktestOptions bad_bench = bo;
  bad_bench.benchmark = "prophet";
  EXPECT_THROW((void)backtest(data, models, bad_bench), InputError);
}
