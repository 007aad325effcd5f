// Solar position: the SPA report's worked example (Reda & Andreas 2008, table A5.1) and pvlib's
// spa_python over a year of hours (reference values in tests/data/physics/spa_year_pvlib.csv).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>

#include "ehub/core/error.hpp"
#include "ehub/core/time_grid.hpp"
#include "ehub/physics/solar_position.hpp"
#include "reference_data.hpp"

namespace ep = ehub::physics;

namespace {
// SPA report, section A5: 2003-10-17 12:30:30 local time at UTC-7, Golden CO.
double spa_example_time() { return static_cast<double>(ehub::from_local(2003, 10, 17, 12, 30, 30, -7 * 60)); }
constexpr double kLat = 39.742476, kLon = -105.1786, kAlt = 1830.14, kPressurePa = 82000.0, kTempC = 11.0;
}  // namespace

TEST(SolarPosition, SpaReportWorkedExample) {
  Eigen::VectorXd t(1);
  t << spa_example_time();
  const auto sp = ep::spa_python(t, kLat, kLon, kAlt, kPressurePa, kTempC, 67.0, 0.5667, ep::SpaEvaluation::exact);
  EXPECT_NEAR(sp.apparent_zenith_deg[0], 50.11162, 1e-5);
  EXPECT_NEAR(sp.azimuth_deg[0], 194.34024, 1e-5);
  EXPECT_NEAR(sp.apparent_elevation_deg[0], 90.0 - 50.11162, 1e-5);
}

TEST(SolarPosition, InterpolatedSlowTermsMatchTheWorkedExample) {
  // The example instant inside a year of hours, where the slow terms are interpolated.
  const double t0 = spa_example_time();
  Eigen::VectorXd t(8760);
  for (int i = 0; i < 8760; ++i) t[i] = t0 + (i - 4000) * 3600.0;
  const auto fast = ep::spa_python(t, kLat, kLon, kAlt, kPressurePa, kTempC, 67.0);
  EXPECT_NEAR(fast.apparent_zenith_deg[4000], 50.11162, 1e-5);
  EXPECT_NEAR(fast.azimuth_deg[4000], 194.34024, 1e-5);
  const auto exact = ep::spa_python(t, kLat, kLon, kAlt, kPressurePa, kTempC, 67.0, 0.5667, ep::SpaEvaluation::exact);
  EXPECT_LT((fast.apparent_zenith_deg - exact.apparent_zenith_deg).cwiseAbs().maxCoeff(), 1e-6);
  EXPECT_LT((fast.zenith_deg - exact.zenith_deg).cwiseAbs().maxCoeff(), 1e-6);
  EXPECT_LT((fast.azimuth_deg - exact.azimuth_deg).cwiseAbs().maxCoeff(), 1e-6);
  EXPECT_LT((fast.equation_of_time_min - exact.equation_of_time_min).cwiseAbs().maxCoeff(), 1e-6);
}

TEST(SolarPosition, YearOfHoursAgreesWithPvlib) {
  const auto ref = ep_test::read_reference_csv("spa_year_pvlib.csv");
  const double lat = ref.meta_double("latitude_deg"), lon = ref.meta_double("longitude_deg");
  const double alt = ref.meta_double("altitude_m");
  const double start = ref.meta_double("start_unix_s"), step = ref.meta_double("step_s");
  const auto& zen = ref.column("apparent_zenith_deg");
  const auto& az = ref.column("azimuth_deg");
  Eigen::VectorXd t(zen.size());
  for (Eigen::Index i = 0; i < t.size(); ++i) t[i] = start + static_cast<double>(i) * step;
  // pvlib's delta_t=None: its own Delta-T polynomial per UTC year and month.
  const auto sp = ep::spa_python(t, lat, lon, alt, 101325.0, 12.0, ep::calculate_deltat_s(t));
  double max_zen = 0, max_az = 0;
  for (Eigen::Index i = 0; i < t.size(); ++i) {
    max_zen = std::max(max_zen, std::abs(sp.apparent_zenith_deg[i] - zen[i]));
    double d = std::abs(sp.azimuth_deg[i] - az[i]);
    max_az = std::max(max_az, std::min(d, 360.0 - d));
  }
  EXPECT_LT(max_zen, 1e-4);
  EXPECT_LT(max_az, 1e-4);
  RecordProperty("max_abs_diff_apparent_zenith_deg", std::to_string(max_zen));
  RecordProperty("max_abs_diff_azimuth_deg", std::to_string(max_az));
  std::printf("[ pvlib    ] spa year: max |d apparent zenith| %.3g deg, max |d azimuth| %.3g deg over %ld hours\n",
              max_zen, max_az, static_cast<long>(t.size()));
}

TEST(SolarPosition, DeltaTPolynomial) {
  // Espenak & Meeus polynomial, 2000 <= year < 2005 branch evaluated by hand at y = 2003.79167:
  // 63.86 + 0.3345 dy - 0.060374 dy^2 + 0.0017275 dy^3 + 0.000651814 dy^4 + 0.00002373599 dy^5.
  const double dy = 2003.0 + 9.5 / 12.0 - 2000.0;
  const double expected = 63.86 + 0.3345 * dy - 0.060374 * dy * dy + 0.0017275 * std::pow(dy, 3) +
                          0.000651814 * std::pow(dy, 4) + 0.00002373599 * std::pow(dy, 5);
  EXPECT_NEAR(ep::calculate_deltat_s(2003, 10), expected, 1e-12);
}

TEST(SolarPosition, BadInputNamesArgumentAndIndex) {
  Eigen::VectorXd t = Eigen::VectorXd::Constant(3, 1.0e9);
  t[1] = NAN;
  try {
    ep::spa_python(t, 30.0, 120.0);
    FAIL() << "no exception";
  } catch (const ehub::InputError& e) {
    EXPECT_EQ(e.path(), "time_unix_s[1]");
  }
  t[1] = 1.0e9;
  EXPECT_THROW(ep::spa_python(t, 91.0, 120.0), ehub::InputError);
  Eigen::VectorXd p = Eigen::VectorXd::Constant(2, 101325.0);
  try {
    ep::spa_python(t, 30.0, 120.0, 0.0, p);
    FAIL() << "no exception";
  } catch (const ehub::InputError& e) {
    EXPECT_EQ(e.path(), "pressure_pa");
  }
}

TEST(SolarPosition, GridTimesAndDayOfYear) {
  const ehub::TimeGrid g = ehub::TimeGrid::from_iso("2021-12-31T23:00:00Z", 60, 2);
  const auto t = ep::grid_times_unix_s(g);
  EXPECT_DOUBLE_EQ(t[0], static_cast<double>(ehub::parse_iso8601("2021-12-31T23:30:00Z")));
  const auto doy = ep::day_of_year(t, 8 * 60);  // already 1 January in UTC+8
  EXPECT_EQ(doy[0], 1.0);
  EXPECT_EQ(ep::day_of_year(t, 0)[0], 365.0);
}
