#include <gtest/gtest.h>

#include <cmath>

#include "ehub/core/error.hpp"
#include "helpers.hpp"

using namespace ehub;
using namespace ehub::forecast;
using ehub::forecast::test::make_history;
using ehub::forecast::test::noise;

TEST(RidgeForecaster, ReproducesAScheduleOfHourAndDayGroupWithHolidays) {
  // 2025 at +08:00 with the Chinese calendar: 100 + hour on working days (make-up days included),
  // 40 on weekends and holidays. Each (hour, day group) model sees a constant target, so ridge gives
  // exactly that constant whatever the features.
  ForecastOptions o;
  o.calendar.utc_offset_minutes = 480;
  o.calendar.holidays = HolidayCalendar::china_2025();
  const Calendar cal = o.calendar;
  History h = make_history("2025-07-01T00:00:00+08:00", 120, [](std::int64_t) { return 0.0; });
  for (std::int64_t i = 0; i < h.target.size(); ++i) {
    const std::int64_t t = h.target.grid().time_unix_s(i);
    h.target.values()[i] = cal.is_working_day(t) ? 100.0 + static_cast<double>(i % 24) : 40.0;
  }
  Forecaster f = make_forecaster("ridge", o, {{"min_group_rows", 5}});
  const std::int64_t cut = parse_iso8601("2025-09-26T10:00:00+08:00");  // Friday
  History train = h;
  const std::int64_t n = (cut - h.target.grid().start_unix_s()) / 3600;
  train.target = Series(h.target.grid().slice(0, n), h.target.values().head(n));
  f.fit(train);
  // Sunday 28 September is a make-up working day; 1-8 October are holidays (Wednesday 1st included).
  for (const char* origin : {"2025-09-27T10:00:00+08:00", "2025-09-30T10:00:00+08:00", "2025-10-05T10:00:00+08:00"}) {
    const std::int64_t o0 = parse_iso8601(origin);
    const Forecast fc = f.predict(h, o0);
    const std::int64_t i0 = (fc.grid.start_unix_s() - h.target.grid().start_unix_s()) / 3600;
    for (int j = 0; j < 24; ++j) EXPECT_NEAR(fc.point[j], h.target.values()[i0 + j], 1e-6) << origin << " " << j;
  }
}

TEST(RidgeForecaster, RecoversADegreeHourResponse) {
  // y = 300 + 12 CDH + 5 HDH with random temperatures: with lambda 0 and squared loss the fitted
  // coefficients are the generating ones (degree-hour bases 15.5 and 22 degC).
  History h = make_history("2025-01-06T00:00:00Z", 60, [](std::int64_t) { return 0.0; });
  Eigen::VectorXd T(h.target.size());
  for (std::int64_t i = 0; i < T.size(); ++i) {
    T[i] = 35.0 * noise(i, 3) - 2.0;
    h.target.values()[i] = 300.0 + 12.0 * std::max(0.0, T[i] - 22.0) + 5.0 * std::max(0.0, 15.5 - T[i]);
  }
  h.exogenous = Exogenous(h.target.grid());
  h.exogenous.add("temperature_c", T);
  RidgeModelOptions ro;
  ro.features.lags = false;
  ro.features.calendar = false;
  ro.features.yearly_harmonics = 0;
  ro.features.transform = "none";
  ro.lambda = 0.0;
  ro.huber_k = 0.0;
  Forecaster f{RidgeForecaster(ro)};
  f.fit(h);
  const RidgeForecaster* r = f.get<RidgeForecaster>();
  ASSERT_NE(r, nullptr);
  const auto names = r->feature_names();
  ASSERT_EQ(names, (std::vector<std::string>{"temperature", "heating_degree_hours", "cooling_degree_hours",
                                             "temperature_mean_24h"}));
  const LinearModel* m = r->model(14, -1);
  ASSERT_NE(m, nullptr);
  EXPECT_NEAR(m->coef[0], 0.0, 1e-8);
  EXPECT_NEAR(m->coef[1], 5.0, 1e-8);
  EXPECT_NEAR(m->coef[2], 12.0, 1e-8);
  EXPECT_NEAR(m->coef[3], 0.0, 1e-8);
  EXPECT_NEAR(m->intercept, 300.0, 1e-6);
  EXPECT_EQ(f.requirements().exogenous, std::vector<std::string>{"temperature_c"});
  // Forecast weather drives the forecast; weather must cover the window.
  const std::int64_t origin = parse_iso8601("2025-02-20T10:00:00Z");
  const Forecast fc = f.predict(h, origin);
  const std::int64_t i0 = (fc.grid.start_unix_s() - h.target.grid().start_unix_s()) / 3600;
  for (int j = 0; j < 24; ++j) EXPECT_NEAR(fc.point[j], h.target.values()[i0 + j], 1e-6);
  History short_weather = h;
  short_weather.exogenous = h.exogenous.slice(0, i0 + 12);
  try {
    (void)f.predict(short_weather, origin);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_EQ(e.path(), "exogenous/temperature_c");
  }
}

TEST(GbrtForecaster, LearnsAScheduleAndHonoursOptions) {
  History h = make_history("2025-01-06T00:00:00Z", 70, [](std::int64_t i) {
    const int hr = static_cast<int>(i % 24), d = static_cast<int>((i / 24) % 7);
    return (d < 5 && hr >= 8 && hr < 19 ? 900.0 : 300.0) + 20.0 * noise(i);
  });
  GbrtModelOptions go;
  go.trees.trees = 60;
  go.trees.learning_rate = 0.1;
  Forecaster f{GbrtForecaster(go)};
  f.fit(h);
  const Forecast fc = f.predict(h, parse_iso8601("2025-03-11T10:00:00Z"));  // Tuesday -> Wednesday
  for (int j = 0; j < 24; ++j) EXPECT_NEAR(fc.point[j], j >= 8 && j < 19 ? 910.0 : 310.0, 25.0) << j;
  EXPECT_THROW((void)make_forecaster("gbrt", {}, {{"trees", 0}}), InputError);
  EXPECT_THROW((void)make_forecaster("ridge", {}, {{"lamda", 1.0}}), InputError);
  EXPECT_THROW((void)make_forecaster("ridge", {}, {{"transform", "sqrt"}}), InputError);
  EXPECT_NO_THROW((void)make_forecaster("ridge", {}, {{"lambda", 3.0}, {"yearly_harmonics", 0}}));
}

TEST(RidgeHier, IsRegisteredAndReadsItsOptions) {
  bool listed = false;
  for (const auto& i : list_forecasters()) listed = listed || i.name == "ridge_hier";
  EXPECT_TRUE(listed);
  const Forecaster f = make_forecaster("ridge_hier");
  EXPECT_EQ(f.name(), "ridge_hier");
  EXPECT_NO_THROW((void)make_forecaster("ridge_hier", {}, {{"group_lambda", 0.0}, {"transform", "log_shift"}}));
  EXPECT_THROW((void)make_forecaster("ridge_hier", {}, {{"group_lambda", -1.0}}), InputError);
  EXPECT_THROW((void)make_forecaster("ridge", {}, {{"log_shift_fraction", 0.0}}), InputError);
  EXPECT_THROW((void)make_forecaster("ridge_hier", {}, {{"group_lamda", 1.0}}), InputError);
}

TEST(RidgeHier, LogShiftForecastsAProfileWithZerosExactly) {
  // The same day every day: 0 at night, 100 + hour from 06:00 to 18:00. Each step's target is
  // constant, so every model gives exp(log(y + c)) - c = y, also where y = 0.
  auto value = [](std::int64_t i) {
    const std::int64_t hr = i % 24;
    return hr >= 6 && hr <= 18 ? 100.0 + static_cast<double>(hr) : 0.0;
  };
  const History h = make_history("2024-03-04T00:00:00", 60, value);
  Forecaster f = make_forecaster("ridge_hier", {}, {{"transform", "log_shift"}});
  History train = h;
  train.target = Series(h.target.grid().slice(0, 50 * 24), h.target.values().head(50 * 24));
  f.fit(train);
  ASSERT_NE(f.get<RidgeForecaster>(), nullptr);
  EXPECT_EQ(f.get<RidgeForecaster>()->transform(), "log_shift");
  const std::int64_t origin = h.target.grid().time_unix_s(55 * 24 + 10);
  const Forecast fc = f.predict(h, origin);
  for (int j = 0; j < 24; ++j) EXPECT_NEAR(fc.point[j], value(j), 1e-9) << j;
}

TEST(RidgeHier, SelectsTheTransformUnderWhichTheLoadIsLinear) {
  // y = 60 + 20 sin(2 pi hour / 24) + 0.5 day: on its own scale y(t) = y(t - k days) + 0.5 k, a
  // linear function of the lags, so the untransformed ridge (lambda ~ 0) is exact and its
  // leave-one-out error is ~0, while log y and log(y + c) are not linear in their lags.
  const double pi = 3.14159265358979323846;
  auto value = [pi](std::int64_t i) {
    return 60.0 + 20.0 * std::sin(2 * pi * static_cast<double>(i % 24) / 24.0) + 0.5 * static_cast<double>(i / 24);
  };
  const History h = make_history("2024-03-04T00:00:00", 70, value);
  Forecaster f = make_forecaster("ridge_hier", {},
                                 {{"lambda", 1e-7}, {"huber_k", 0.0}, {"calendar", false}, {"yearly_harmonics", 0}});
  f.fit(h);
  const RidgeForecaster* m = f.get<RidgeForecaster>();
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m->transform(), "none");
  const auto& s = m->transform_scores();
  ASSERT_EQ(s.size(), 3u);  // none, log (positive target), log_shift (non-negative target)
  EXPECT_EQ(s[0].first, "none");
  EXPECT_EQ(s[1].first, "log");
  EXPECT_EQ(s[2].first, "log_shift");
  EXPECT_LT(s[0].second, 1e-3);
  EXPECT_GT(s[1].second, 10 * s[0].second);
  EXPECT_GT(s[2].second, 10 * s[0].second);
}
