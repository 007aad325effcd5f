// ehub::ems baselines and M&V: Guideline 14 statistics by hand, change-point fits recovering
// known forms exactly, TOWT recovering a known time-of-week pattern and slope, CalTRACK data
// sufficiency, and a 10 % savings injected into the DOE large office (Baltimore) with the
// Greensboro TMY3 temperatures (tests/data/ems/README.md) recovered within its uncertainty.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <limits>
#include <random>
#include <sstream>
#include <string>

#include "ehub/core/error.hpp"
#include "ehub/ems/baseline.hpp"

using namespace ehub;
using namespace ehub::ems;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

IntervalData hourly(const Eigen::VectorXd& v, std::int64_t t0) {
  IntervalData d;
  d.point = "p";
  d.grid = TimeGrid(t0, 60, v.size());
  d.value = v;
  d.quality.assign(static_cast<std::size_t>(v.size()), 0);
  for (Eigen::Index i = 0; i < v.size(); ++i)
    if (std::isnan(v[i])) d.quality[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(Quality::missing);
  return d;
}

Eigen::VectorXd vec(std::initializer_list<double> v) {
  Eigen::VectorXd x(static_cast<Eigen::Index>(v.size()));
  Eigen::Index i = 0;
  for (double d : v) x[i++] = d;
  return x;
}

TEST(Baseline, GoodnessOfFitByHand) {
  // y 10 12 14 16, yhat 11 11 15 15, p = 1: residuals -1 1 -1 1, SSE 4, n - p = 3,
  // RMSE sqrt(4/3), mean 13, CV = 1.1547/13 = 0.088823, NMBE 0, SST 20 -> R2 0.8,
  // lag-1 autocorrelation (-1 - 1 - 1) / 4 = -0.75.
  const auto g = goodness_of_fit(vec({10, 12, 14, 16}), vec({11, 11, 15, 15}), 1, Granularity::hourly);
  EXPECT_EQ(g.n, 4);
  EXPECT_NEAR(g.rmse, std::sqrt(4.0 / 3.0), 1e-12);
  EXPECT_NEAR(g.cv_rmse, std::sqrt(4.0 / 3.0) / 13.0, 1e-12);
  EXPECT_NEAR(g.nmbe, 0.0, 1e-15);
  EXPECT_NEAR(g.r_squared, 0.8, 1e-12);
  EXPECT_NEAR(g.rho_lag1, -0.75, 1e-12);
  EXPECT_TRUE(g.acceptable);
  // Monthly gates are 15 % / 5 %: a bias of +1 on a mean of 13 with n - p = 3 is
  // NMBE = 4 / (3 x 13) = 10.3 %: not acceptable monthly nor hourly (> 10 %).
  const auto b = goodness_of_fit(vec({10, 12, 14, 16}), vec({9, 11, 13, 15}), 1, Granularity::monthly);
  EXPECT_NEAR(b.nmbe, 4.0 / 39.0, 1e-12);
  EXPECT_FALSE(b.acceptable);
  EXPECT_NE(b.reason.find("NMBE"), std::string::npos);
  EXPECT_THROW(goodness_of_fit(vec({1, 2}), vec({1, 2}), 2, Granularity::hourly), InputError);
}

TEST(Baseline, TwoParameterOlsByHand) {
  // (1, 2), (2, 3), (3, 5): slope Sxy/Sxx = 3/2, intercept 10/3 - 3 = 1/3, residuals 1/6, -1/3,
  // 1/6, SSE 1/6, n - p = 1, RMSE 0.408248, CV = 0.408248 / (10/3) = 0.122474.
  const auto m = fit_change_point(vec({1, 2, 3}), vec({2, 3, 5}), ChangePointKind::two_p);
  EXPECT_NEAR(m.b1, 1.5, 1e-12);
  EXPECT_NEAR(m.b0, 1.0 / 3.0, 1e-12);
  EXPECT_NEAR(m.fit.cv_rmse, std::sqrt(1.0 / 6.0) / (10.0 / 3.0), 1e-12);
}

TEST(Baseline, ChangePointsFoundByGridSearch) {
  // 3P heating: y = 100 + 4 (12 - x)+ ; 7 points -5..25. The grid runs from the 10 % quantile
  // (-2) to the 90 % (22) in 0.25 steps and contains 12.
  const Eigen::VectorXd x = vec({-5, 0, 5, 10, 15, 20, 25});
  Eigen::VectorXd y(7);
  for (int i = 0; i < 7; ++i) y[i] = 100 + 4 * std::max(12 - x[i], 0.0);
  auto h = fit_change_point(x, y, ChangePointKind::three_p_heating);
  EXPECT_NEAR(h.cp1_c, 12, 1e-9);
  EXPECT_NEAR(h.b0, 100, 1e-9);
  EXPECT_NEAR(h.b1, 4, 1e-9);
  // 3P cooling on the same x: y = 60 + 2.5 (x - 17)+.
  for (int i = 0; i < 7; ++i) y[i] = 60 + 2.5 * std::max(x[i] - 17, 0.0);
  auto c = fit_change_point(x, y, ChangePointKind::three_p_cooling);
  EXPECT_NEAR(c.cp1_c, 17, 1e-9);
  EXPECT_NEAR(c.b1, 2.5, 1e-9);
  // 4P: y = 80 - 3 (x - 15)- + 1.5 (x - 15)+ (slope -3 below 15... written with (x - cp)- <= 0).
  const Eigen::VectorXd x9 = vec({-5, 0, 5, 10, 15, 20, 25, 30, 35});
  Eigen::VectorXd y9(9);
  for (int i = 0; i < 9; ++i) y9[i] = 80 - 3 * std::min(x9[i] - 15, 0.0) + 1.5 * std::max(x9[i] - 15, 0.0);
  auto f = fit_change_point(x9, y9, ChangePointKind::four_p);
  EXPECT_NEAR(f.cp1_c, 15, 1e-9);
  EXPECT_NEAR(f.b1, -3, 1e-9);
  EXPECT_NEAR(f.b2, 1.5, 1e-9);
  // 5P: y = 50 + 3 (10 - x)+ + 5 (x - 20)+.
  for (int i = 0; i < 9; ++i) y9[i] = 50 + 3 * std::max(10 - x9[i], 0.0) + 5 * std::max(x9[i] - 20, 0.0);
  auto five = fit_change_point(x9, y9, ChangePointKind::five_p);
  EXPECT_NEAR(five.cp1_c, 10, 1e-9);
  EXPECT_NEAR(five.cp2_c, 20, 1e-9);
  EXPECT_NEAR(five.b0, 50, 1e-9);
  EXPECT_NEAR(five.b1, 3, 1e-9);
  EXPECT_NEAR(five.b2, 5, 1e-9);
  EXPECT_NEAR(five.fit.cv_rmse, 0, 1e-9);
  // The best of all forms for 5P data is the 5P (CV 0; a 4P cannot bend twice).
  EXPECT_EQ(fit_best_change_point(x9, y9).kind, ChangePointKind::five_p);
  // Fewer points than parameters + 1.
  EXPECT_THROW(fit_change_point(vec({1, 2, 3}), vec({1, 2, 3}), ChangePointKind::three_p_heating), InputError);
}

TEST(Baseline, FractionalSavingsUncertaintyOfGuideline14) {
  // n = 102 baseline points, p = 4, CV 10 %, rho 0.5: n' = 102 x 0.5 / 1.5 = 34, n' - p = 30
  // degrees of freedom; two-sided 90 %: t(0.95, 30) = 1.6973 (Student t table). 50 reporting
  // steps of 100 kWh predicted and 90 metered: F = 0.1, avoided 500 kWh.
  // U = 1.26 x 1.6973 x 0.10 x sqrt((102/34)(1 + 2/34)/50) / 0.1 = 0.53903.
  GoodnessOfFit g;
  g.n = 102;
  g.p = 4;
  g.cv_rmse = 0.10;
  g.rho_lag1 = 0.5;
  g.acceptable = true;
  const Eigen::VectorXd pred = Eigen::VectorXd::Constant(50, 100.0), met = Eigen::VectorXd::Constant(50, 90.0);
  const auto s = verify_savings(g, pred, met, {.confidence = 0.90});
  EXPECT_EQ(s.status, "ok");
  EXPECT_NEAR(s.avoided_kwh, 500, 1e-9);
  EXPECT_NEAR(s.savings_fraction, 0.1, 1e-12);
  EXPECT_NEAR(s.n_effective, 34, 1e-9);
  EXPECT_NEAR(s.t_value, 1.6973, 1e-4);
  const double u = 1.26 * 1.6973 * 0.10 * std::sqrt(3.0 * (1 + 2.0 / 34) / 50) / 0.1;
  EXPECT_NEAR(s.fractional_uncertainty, u, 1e-4);
  EXPECT_NEAR(s.uncertainty_kwh, u * 500, 0.05);
  EXPECT_NEAR(s.enpi, 0.9, 1e-12);
  // A model that fails its gates gives no savings unless asked.
  g.acceptable = false;
  g.reason = "CV(RMSE) 40.0 % > 30 %";
  const auto bad = verify_savings(g, pred, met);
  EXPECT_FALSE(bad.model_acceptable);
  EXPECT_EQ(bad.status.rfind("not_acceptable", 0), 0u);
  EXPECT_TRUE(std::isnan(bad.avoided_kwh));
  EXPECT_THROW(verify_savings(g, pred, met, {.confidence = 1.5}), InputError);
}

// 2023-01-01 00:00 local at UTC-5 (Greensboro's standard time), a Sunday like the DOE year's 1 January.
constexpr std::int64_t kT2023 = 1672549200;  // 2023-01-01T05:00Z
constexpr int kOffset = -300;

TEST(Baseline, TowtRecoversAKnownPatternAndSlope) {
  // y = a(hour of week) + 2 T with a sinusoidal T over a year: the model holds the form exactly
  // (the temperature features sum to T), so every segment recovers it and predicts new weather.
  const Eigen::Index n = 8760;
  Eigen::VectorXd t(n), y(n);
  for (Eigen::Index i = 0; i < n; ++i) {
    const double day = static_cast<double>(i) / 24.0;
    t[i] = 12 - 14 * std::cos(2 * M_PI * day / 365) + 5 * std::sin(2 * M_PI * static_cast<double>(i % 24) / 24);
    const auto l = to_local(kT2023 + i * 3600, kOffset);
    const double a = (l.weekday < 5 && l.hour >= 8 && l.hour < 18) ? 300 : 100 + l.hour;
    y[i] = a + 2 * t[i];
  }
  TowtOptions o;
  o.utc_offset_minutes = kOffset;
  const auto m = fit_towt(hourly(y, kT2023), t, o);
  ASSERT_EQ(m.segments.size(), 12u);
  EXPECT_NEAR(m.fit.cv_rmse, 0, 1e-7);
  EXPECT_TRUE(m.fit.acceptable);
  Eigen::VectorXd t2 = t.array() + 3.0;
  const auto pred = m.predict(TimeGrid(kT2023, 60, n), t2);
  double worst = 0;
  for (Eigen::Index i = 0; i < n; ++i) worst = std::max(worst, std::abs(pred[i] - (y[i] + 6)));
  EXPECT_LT(worst, 1e-6);
  // Weekday office hours are occupied (the degree-day regression under-predicts them).
  const auto& jan = m.segments[0];
  EXPECT_TRUE(jan.occupied[0 * 24 + 10]);  // Monday 10:00
  EXPECT_FALSE(jan.occupied[6 * 24 + 3]);  // Sunday 03:00
}

TEST(Baseline, DataSufficiencyAsCalTrackReportsIt) {
  const Eigen::Index n = 8760;
  Eigen::VectorXd t = Eigen::VectorXd::Constant(n, 15.0), y = Eigen::VectorXd::Constant(n, 100.0);
  // March 2023 (local) loses 80 % of its hours: 2023-03-01 is day 59, 744 hours, 595 removed.
  for (Eigen::Index i = 59 * 24; i < 59 * 24 + 595; ++i) y[i] = kNaN;
  SufficiencyOptions so;
  so.utc_offset_minutes = kOffset;
  const auto d = data_sufficiency(hourly(y, kT2023), t, so);
  EXPECT_FALSE(d.sufficient);
  ASSERT_EQ(d.months.size(), 12u);
  EXPECT_EQ(d.months[2], "2023-03");
  EXPECT_NEAR(d.month_hour_coverage[2], 149.0 / 744.0, 1e-12);
  // Days with data: 24 full days lost of 365 (595 h = 24 days and 19 h; the 25th keeps 5 h < 12).
  EXPECT_NEAR(d.day_coverage, 340.0 / 365.0, 1e-12);
  ASSERT_EQ(d.problems.size(), 1u);
  EXPECT_NE(d.problems[0].find("2023-03 has 20.0 %"), std::string::npos);
  TowtOptions o;
  o.utc_offset_minutes = kOffset;
  try {
    fit_towt(hourly(y, kT2023), t, o);
    ADD_FAILURE() << "no error";
  } catch (const InputError& e) {
    EXPECT_EQ(e.path(), "baseline");
    EXPECT_NE(e.detail().find("2023-03"), std::string::npos);
  }
  // Half a year is not a CalTRACK baseline.
  const auto half = data_sufficiency(hourly(y.head(4380), kT2023), t.head(4380), so);
  EXPECT_FALSE(half.sufficient);
  EXPECT_NE(half.problems[0].find("182.5 days"), std::string::npos);
}

struct DoeYear {
  Eigen::VectorXd kwh, temperature_c;
};

DoeYear read_doe() {
  std::ifstream f(std::string(EHUB_TEST_DATA_DIR) + "/ems/doe_office_greensboro.csv");
  std::string line;
  std::getline(f, line);
  DoeYear d;
  d.kwh.resize(8760);
  d.temperature_c.resize(8760);
  for (int i = 0; i < 8760; ++i) {
    std::getline(f, line);
    std::stringstream ss(line);
    std::string a, b, c;
    std::getline(ss, a, ',');
    std::getline(ss, b, ',');
    std::getline(ss, c, ',');
    d.kwh[i] = std::stod(b) * 6836130.0;  // the Baltimore large office's annual kWh (REopt, total_electric_annual_kwh.json)
    d.temperature_c[i] = std::stod(c);
  }
  return d;
}

TEST(Baseline, InjectedSavingsInTheDoeOfficeRecoveredWithinTheirUncertainty) {
  const auto doe = read_doe();
  std::mt19937 rng(2025);
  std::normal_distribution<double> noise(0.0, 0.03);
  Eigen::VectorXd base(8760), report(8760);
  for (int i = 0; i < 8760; ++i) {
    base[i] = doe.kwh[i] * (1 + noise(rng));
    report[i] = 0.90 * doe.kwh[i] * (1 + noise(rng));  // 10 % saved in every hour
  }
  TowtOptions o;
  o.utc_offset_minutes = kOffset;
  const auto m = fit_towt(hourly(base, kT2023), doe.temperature_c, o);
  EXPECT_TRUE(m.fit.acceptable) << m.fit.reason;
  EXPECT_LT(m.fit.cv_rmse, 0.30);
  // The reporting year starts 364 days later (a Sunday again) with the same typical weather.
  const TimeGrid rg(kT2023 + 364 * 86400, 60, 8760);
  const auto pred = m.predict(rg, doe.temperature_c);
  const auto s = verify_savings(m.fit, pred, report, {.confidence = 0.90});
  ASSERT_EQ(s.status, "ok");
  const double true_avoided = report.sum() / 9;  // the counterfactual is report / 0.9
  EXPECT_LT(std::abs(s.avoided_kwh - true_avoided), s.uncertainty_kwh)
      << s.brief_report() << " true avoided " << true_avoided;
  EXPECT_NEAR(s.savings_fraction, 0.10, s.fractional_uncertainty * s.savings_fraction);
  EXPECT_GT(s.fractional_uncertainty, 0);
  EXPECT_LT(s.fractional_uncertainty, 0.5);  // Guideline 14: savings reported with < 50 % uncertainty at 68 %
  const auto table = savings_table(rg, pred, report, Granularity::monthly, kOffset);
  EXPECT_EQ(table.size(), 13u);  // 2023-12-31 alone, then Jan..Dec 2024 (to 2024-12-29)
  EXPECT_NEAR(table.back().cumulative_avoided_kwh, s.avoided_kwh, 1e-6 * std::abs(s.avoided_kwh));
  // A daily 3P/5P baseline of the same year (CalTRACK daily style), judged on the daily gates.
  const auto pd = period_data(hourly(base, kT2023), doe.temperature_c, Granularity::daily, kOffset);
  EXPECT_EQ(pd.energy_per_day_kwh.size(), 365);
  const auto cp = fit_best_change_point(pd.mean_temperature_c, pd.energy_per_day_kwh);
  EXPECT_GT(cp.fit.n, 300);
}

TEST(Baseline, SimilarDaysAverageTheClosestDaysOfTheSameKind) {
  // Two baseline weeks of hourly data; every day is flat at its own level L_d and mean temperature
  // T_d = d. A target Monday at 7.4 deg C with k = 2 averages the weekdays with T closest to 7.4
  // (days 7 and 8 of the baseline: a Monday and a Tuesday, levels 107 and 108) = 107.5.
  const Eigen::Index n = 14 * 24;
  const std::int64_t monday = kT2023 + 86400;  // 2023-01-02
  Eigen::VectorXd y(n), t(n);
  for (Eigen::Index i = 0; i < n; ++i) {
    const Eigen::Index d = i / 24;
    y[i] = 100 + static_cast<double>(d);
    t[i] = static_cast<double>(d);
  }
  const TimeGrid target(monday + 21 * 86400, 60, 24);
  const Eigen::VectorXd tt = Eigen::VectorXd::Constant(24, 7.4);
  SimilarDayOptions o;
  o.days = 2;
  o.utc_offset_minutes = kOffset;
  const auto p = similar_day_baseline(hourly(y, monday), t, target, tt, o);
  for (int h = 0; h < 24; ++h) EXPECT_DOUBLE_EQ(p[h], 107.5);
  // A Sunday target at 7.4: the only Sundays are days 6 and 13 (T 6 and 13): 13 is 5.6 K away,
  // beyond the 3 K limit, so only day 6 counts (level 106).
  const TimeGrid sunday(monday + 27 * 86400, 60, 24);
  const auto ps = similar_day_baseline(hourly(y, monday), t, sunday, tt, o);
  EXPECT_DOUBLE_EQ(ps[5], 106);
}

}  // namespace
