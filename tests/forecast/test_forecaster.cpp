#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "ehub/core/error.hpp"
#include "helpers.hpp"

using namespace ehub;
using namespace ehub::forecast;
using ehub::forecast::test::make_history;
using ehub::forecast::test::noise;

namespace {

// A user's own model: the mean of the last `days` days at the same hour.
struct DailyMean {
  int days = 3;
  std::string name() const { return "daily_mean"; }
  void fit(const ModelInput&, const ForecastOptions&) {}
  Eigen::VectorXd predict(const ModelInput& in, std::int64_t, const TimeGrid& w) const {
    Eigen::VectorXd out(w.size());
    const std::int64_t n = in.grid.size(), i0 = in.index_of(w.start_unix_s());
    for (std::int64_t j = 0; j < w.size(); ++j) {
      std::int64_t i = i0 + j;
      while (i >= n) i -= 24;
      double s = 0;
      for (int d = 0; d < days; ++d) s += in.target[i - 24 * d];
      out[j] = s / days;
    }
    return out;
  }
  Requirements requirements() const { return {std::int64_t{days + 2} * 86400, {}, 0.0, 1000.0}; }
};
static_assert(ForecastModel<DailyMean>);

struct Broken : DailyMean {
  std::string name() const { return "broken"; }
  Eigen::VectorXd predict(const ModelInput&, std::int64_t, const TimeGrid& w) const {
    Eigen::VectorXd v = Eigen::VectorXd::Zero(w.size());
    v[3] = std::nan("");
    return v;
  }
};

}  // namespace

TEST(Forecaster, RegistryListsTheBuiltinsAndAcceptsUserModels) {
  std::vector<std::string> names;
  for (const auto& i : list_forecasters()) names.push_back(i.name);
  for (const char* n : {"persistence", "seasonal_naive_day", "seasonal_naive_week", "holt_winters", "ridge", "gbrt",
                        "pv_physics", "wind_physics"})
    EXPECT_NE(std::find(names.begin(), names.end(), n), names.end()) << n;
  try {
    (void)make_forecaster("prophet");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("holt_winters"), std::string::npos);
  }
  EXPECT_THROW((void)make_forecaster("persistence", {}, {{"x", 1}}), InputError);
  register_forecaster({"daily_mean", "mean of the last days", false, false},
                      [](const nlohmann::json& j, const ForecastOptions& o) {
                        DailyMean m;
                        if (j.contains("days")) m.days = j["days"].get<int>();
                        return Forecaster(m, o);
                      });
  const History h = make_history("2025-01-06T00:00:00Z", 40, [](std::int64_t i) { return 100.0 + 10 * noise(i); });
  BacktestOptions bo;
  bo.min_history_days = 10;
  const BacktestResult r = backtest(h, {make_forecaster("daily_mean", {}, {{"days", 4}})}, bo);
  EXPECT_EQ(r.models.front().model, "daily_mean");
  EXPECT_LT(r.models.front().metrics.mae, r.model("seasonal_naive_week").metrics.mae);
}

TEST(Forecaster, QuantilesComeFromCalibrationResidualsAndBounds) {
  // Target = 100 + hour + uniform noise in [0, 20); the model forecasts the mean of 4 days.
  const History h = make_history("2025-01-06T00:00:00Z", 40, [](std::int64_t i) {
    return 100.0 + static_cast<double>(i % 24) + 20.0 * noise(i);
  });
  ForecastOptions o;
  o.quantile_levels = {0.05, 0.5, 0.95};
  o.calibration_days = 20;
  Forecaster f(DailyMean{4}, o);
  f.fit(h);
  EXPECT_EQ(f.fit_summary().calibration_origins, 20);
  std::size_t pooled = 0;
  for (const auto& r : f.residuals_by_step_of_day()) pooled += r.size();
  EXPECT_EQ(pooled, 20u * 24u);
  const Forecast fc = f.predict(h, parse_iso8601("2025-02-14T10:00:00Z"));
  for (int j = 0; j < 24; ++j) {
    EXPECT_LE(fc.quantiles(j, 0), fc.quantiles(j, 1));
    EXPECT_LE(fc.quantiles(j, 1), fc.quantiles(j, 2));
    // The residual of a 4-day mean of uniform noise spans about +-13; the 90 % band is wide but bounded.
    EXPECT_GT(fc.quantiles(j, 2) - fc.quantiles(j, 0), 8.0);
    EXPECT_LT(fc.quantiles(j, 2) - fc.quantiles(j, 0), 30.0);
    EXPECT_LE(fc.quantiles(j, 2), 1000.0);  // the model's upper bound
  }
  EXPECT_DOUBLE_EQ(fc.quantile(0.5)[0], fc.quantiles(0, 1));
  EXPECT_THROW((void)fc.quantile(0.25), InputError);

  // Offsets by hand: residuals {-2, 0, 1, 5} in one slot, quantile 0.5 = 0.5, 0.9 = 3.8 (linear).
  std::vector<std::vector<double>> slots(24);
  slots[0] = {5, -2, 1, 0};
  const Eigen::MatrixXd off = Forecaster::residual_offsets(slots, TimeGrid::from_iso("2025-01-01T00:00:00Z", 60, 1), {},
                                                           {0.5, 0.9});
  EXPECT_DOUBLE_EQ(off(0, 0), 0.5);
  EXPECT_NEAR(off(0, 1), 3.8, 1e-12);
}

TEST(Forecaster, NonFiniteModelOutputIsAnError) {
  const History h = make_history("2025-01-06T00:00:00Z", 12, [](std::int64_t i) { return static_cast<double>(i); });
  ForecastOptions o;
  o.calibration_days = 0;
  Forecaster f(Broken{}, o);
  f.fit(h);
  try {
    (void)f.predict(h, parse_iso8601("2025-01-15T10:00:00Z"));
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("2025-01-16T03:00:00Z"), std::string::npos) << e.what();
  }
  ForecastOptions bad;
  bad.quantile_levels = {0.5, 0.2};
  EXPECT_THROW(bad.validate(), InputError);
  bad.quantile_levels = {1.0};
  EXPECT_THROW(bad.validate(), InputError);
}

TEST(Forecaster, NegativeForecastsAreClippedForNonNegativeTargets) {
  // A falling ramp that persistence-like models push below zero stays >= 0 (the history is >= 0).
  const History h = make_history("2025-01-06T00:00:00Z", 20, [](std::int64_t i) { return std::max(0.0, 300.0 - i); });
  Forecaster f = make_forecaster("holt_winters", {});
  f.fit(h);
  const Forecast fc = f.predict(h, parse_iso8601("2025-01-25T10:00:00Z"));
  EXPECT_GE(fc.point.minCoeff(), 0.0);
  EXPECT_GE(fc.quantiles.minCoeff(), 0.0);
}
