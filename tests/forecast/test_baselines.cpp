#include <gtest/gtest.h>

#include <cmath>

#include "ehub/core/error.hpp"
#include "helpers.hpp"

using namespace ehub;
using namespace ehub::forecast;
using ehub::forecast::test::make_history;
using ehub::forecast::test::noise;

TEST(Baselines, SeasonalNaiveAndPersistenceOnARamp) {
  // y_i = i from Monday 2025-01-06 00:00 UTC; origin Wednesday 2025-01-22 10:00 (step 394), the
  // window is Thursday 00:00-24:00 (steps 408..431).
  const History h = make_history("2025-01-06T00:00:00Z", 28, [](std::int64_t i) { return static_cast<double>(i); });
  const std::int64_t origin = parse_iso8601("2025-01-22T10:00:00Z");
  Forecaster day{SeasonalNaive(SeasonalNaive::Period::day)};
  Forecaster week{SeasonalNaive(SeasonalNaive::Period::week)};
  Forecaster last(Persistence{});
  for (Forecaster* f : {&day, &week, &last}) f->fit(h);
  const Forecast fd = day.predict(h, origin), fw = week.predict(h, origin), fp = last.predict(h, origin);
  ASSERT_EQ(fd.grid.start_unix_s(), parse_iso8601("2025-01-23T00:00:00Z"));
  for (int j = 0; j < 24; ++j) {
    const double i = 408 + j;
    // Hours 0..9 of Wednesday had ended by 10:00; later hours come from Tuesday.
    EXPECT_DOUBLE_EQ(fd.point[j], j < 10 ? i - 24 : i - 48) << j;
    EXPECT_DOUBLE_EQ(fw.point[j], i - 168) << j;
    EXPECT_DOUBLE_EQ(fp.point[j], 393.0) << j;  // 09:00-10:00 on Wednesday
  }
  EXPECT_EQ(fd.model, "seasonal_naive_day");
}

TEST(Baselines, HoltWintersContinuesAnExactDoubleSeasonalPattern) {
  // Level 50, daily and weekly indices: after the start-up from the first two weeks every
  // one-step error is 0, so any smoothing parameters forecast the pattern exactly.
  auto y = [](std::int64_t i) {
    const double h = static_cast<double>(i % 24), d = static_cast<double>((i / 24) % 7);
    return 50.0 + 10.0 * std::sin(2 * M_PI * h / 24) + (d >= 5 ? -8.0 : 3.2) + 0.5 * d;
  };
  const History hist = make_history("2025-01-06T00:00:00Z", 35, y);
  for (double alpha : {-1.0, 0.3}) {
    HoltWintersOptions o;
    o.alpha = alpha;
    Forecaster f{HoltWinters(o)};
    f.fit(hist);
    const std::int64_t origin = parse_iso8601("2025-02-05T10:00:00Z");
    const Forecast fc = f.predict(hist, origin);
    const std::int64_t i0 = (fc.grid.start_unix_s() - hist.target.grid().start_unix_s()) / 3600;
    for (int j = 0; j < 24; ++j) EXPECT_NEAR(fc.point[j], y(i0 + j), 1e-9) << j;
  }
}

TEST(Baselines, HoltWintersEstimationLowersTheOneStepError) {
  auto y = [](std::int64_t i) {
    return 100.0 + 20.0 * std::sin(2 * M_PI * static_cast<double>(i % 24) / 24) + ((i / 24) % 7 >= 5 ? -15.0 : 0.0) +
           0.02 * static_cast<double>(i) + 4.0 * (noise(i) - 0.5);
  };
  const History hist = make_history("2025-01-06T00:00:00Z", 42, y);
  const ModelInput in = prepare_input(hist, {}, {}, INT64_MAX, INT64_MAX);
  HoltWinters hw;
  hw.fit(in, {});
  const Eigen::Vector4d p = hw.parameters();
  for (int k = 0; k < 4; ++k) {
    EXPECT_GE(p[k], 0.0);
    EXPECT_LE(p[k], 1.0);
  }
  const double fitted = HoltWinters::one_step_sse(in.target, in.observed, 24, 168, p);
  for (const Eigen::Vector4d& q : {Eigen::Vector4d(0.1, 0.1, 0.1, 0.8), Eigen::Vector4d(0.5, 0.5, 0.5, 0.0),
                                   Eigen::Vector4d(0.01, 0.01, 0.01, 0.5)})
    EXPECT_LT(fitted, HoltWinters::one_step_sse(in.target, in.observed, 24, 168, q));
}

TEST(Baselines, TooShortHistoriesAndHorizonsAreErrors) {
  const History h = make_history("2025-01-06T00:00:00Z", 5, [](std::int64_t i) { return static_cast<double>(i % 24); });
  Forecaster hw(HoltWinters{});
  try {
    hw.fit(h);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("holt_winters needs at least 336 h"), std::string::npos) << e.what();
  }
  Forecaster day{SeasonalNaive(SeasonalNaive::Period::day)};
  day.fit(h);
  // A 96-step window from an origin 26 h after the start: longer than the history allows.
  ForecastOptions o;
  o.schedule.horizon_steps = 96;
  day.set_options(o);
  day.fit(h);
  try {
    (void)day.predict(h, parse_iso8601("2025-01-07T02:00:00Z"));
    FAIL();
  } catch (const InputError& e) {
    EXPECT_EQ(e.path(), "horizon");
  }
  Forecaster unfit(Persistence{});
  EXPECT_THROW((void)unfit.predict(h, parse_iso8601("2025-01-08T10:00:00Z")), InputError);
}
