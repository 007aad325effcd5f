#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "ehub/core/error.hpp"
#include "helpers.hpp"

using namespace ehub;
using namespace ehub::forecast;
using ehub::forecast::test::make_history;

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr std::int64_t kAll = std::numeric_limits<std::int64_t>::max();
}  // namespace

TEST(Cleaning, ShortTargetGapsAreInterpolatedLongOnesFilledFromTheDayBefore) {
  History h = make_history("2025-01-06T00:00:00Z", 3, [](std::int64_t i) { return 10.0 + static_cast<double>(i); });
  auto& v = h.target.values();
  v[30] = kNaN;
  v[31] = -999.0;  // sentinel
  for (int i = 50; i < 60; ++i) v[i] = kNaN;  // 10 steps > 6
  const ModelInput in = prepare_input(h, {}, {}, kAll, kAll);
  EXPECT_DOUBLE_EQ(in.target[30], 40.0);  // between 39 and 42
  EXPECT_DOUBLE_EQ(in.target[31], 41.0);
  EXPECT_EQ(in.observed[30], 0);
  EXPECT_EQ(in.observed[29], 1);
  for (int i = 50; i < 60; ++i) EXPECT_DOUBLE_EQ(in.target[i], 10.0 + i - 24) << i;  // a day earlier
  EXPECT_EQ(in.report.target_missing, 12);
  EXPECT_EQ(in.report.target_interpolated, 2);
  EXPECT_EQ(in.report.target_seasonal, 10);
}

TEST(Cleaning, OnlyStepsEndedByTheOriginAreKept) {
  History h = make_history("2025-01-06T00:00:00Z", 2, [](std::int64_t i) { return static_cast<double>(i); });
  const std::int64_t origin = parse_iso8601("2025-01-06T10:30:00Z");
  const ModelInput in = prepare_input(h, {}, {}, origin, kAll);
  EXPECT_EQ(in.grid.size(), 10);  // 09:00-10:00 ended, 10:00-11:00 not
  EXPECT_THROW(prepare_input(h, {}, {}, parse_iso8601("2025-01-06T00:30:00Z"), kAll), InputError);
}

TEST(Cleaning, WeatherGapsSentinelsAndNegativeIrradiance) {
  History h = make_history("2025-01-06T00:00:00Z", 2, [](std::int64_t) { return 1.0; });
  Eigen::VectorXd t = Eigen::VectorXd::Constant(48, 20.0), ghi = Eigen::VectorXd::Zero(48);
  t[5] = kNaN;
  t[6] = -9999.0;
  t[4] = 18.0;
  t[7] = 24.0;
  ghi[2] = -4.0;  // night-time sensor offset
  h.exogenous = Exogenous(h.target.grid());
  h.exogenous.add("temperature_c", t).add("ghi_w_m2", ghi);
  const ModelInput in = prepare_input(h, {}, {}, kAll, kAll);
  EXPECT_DOUBLE_EQ(in.exogenous.column("temperature_c")[5], 20.0);
  EXPECT_DOUBLE_EQ(in.exogenous.column("temperature_c")[6], 22.0);
  EXPECT_DOUBLE_EQ(in.exogenous.column("ghi_w_m2")[2], 0.0);
  EXPECT_EQ(in.report.exogenous_interpolated, 2);
  EXPECT_EQ(in.report.irradiance_clipped, 1);

  History bad = h;
  bad.exogenous.column("ghi_w_m2")[3] = -50.0;
  try {
    (void)prepare_input(bad, {}, {}, kAll, kAll);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_EQ(e.path(), "exogenous/ghi_w_m2");
  }
  History gap = h;
  for (int i = 10; i < 15; ++i) gap.exogenous.column("temperature_c")[i] = kNaN;
  try {
    (void)prepare_input(gap, {}, {}, kAll, kAll);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("gap of 5 steps"), std::string::npos) << e.what();
  }
  CleaningOptions lenient;
  lenient.max_exogenous_gap_steps = 5;
  EXPECT_NO_THROW((void)prepare_input(gap, {}, lenient, kAll, kAll));
}

TEST(Cleaning, MismatchedGridsAreErrors) {
  History h = make_history("2025-01-06T00:00:00Z", 2, [](std::int64_t) { return 1.0; });
  History a = h;
  a.exogenous = Exogenous(TimeGrid::from_iso("2025-01-06T00:00:00Z", 30, 96));
  a.exogenous.add("temperature_c", Eigen::VectorXd::Zero(96));
  EXPECT_THROW((void)prepare_input(a, {}, {}, kAll, kAll), InputError);
  History b = h;
  b.exogenous = Exogenous(TimeGrid::from_iso("2025-01-06T00:30:00Z", 60, 48));
  b.exogenous.add("temperature_c", Eigen::VectorXd::Zero(48));
  EXPECT_THROW((void)prepare_input(b, {}, {}, kAll, kAll), InputError);
  // A weather file that starts a day later is aligned; the missing part is NaN (not covered).
  History c = h;
  c.exogenous = Exogenous(TimeGrid::from_iso("2025-01-07T00:00:00Z", 60, 48));
  c.exogenous.add("temperature_c", Eigen::VectorXd::Constant(48, 5.0));
  const ModelInput in = prepare_input(c, {}, {}, kAll, kAll);
  EXPECT_TRUE(std::isnan(in.exogenous.column("temperature_c")[23]));
  EXPECT_DOUBLE_EQ(in.exogenous.column("temperature_c")[24], 5.0);
  EXPECT_EQ(in.exogenous.grid().size(), 72);
  Exogenous e(h.target.grid());
  EXPECT_THROW(e.add("x", Eigen::VectorXd::Zero(3)), InputError);
}

TEST(Cleaning, ColumnsAreFoundByTheirUsualNames) {
  Exogenous e(TimeGrid::from_iso("2025-01-06T00:00:00Z", 60, 2));
  e.add("Dry-bulb (C)", Eigen::VectorXd::Zero(2)).add("GHI", Eigen::VectorXd::Zero(2));
  EXPECT_EQ(find_temperature_column(e), "Dry-bulb (C)");
  EXPECT_EQ(find_ghi_column(e), "GHI");
  EXPECT_THROW((void)find_temperature_column(e, "t2m"), InputError);
  Exogenous none(TimeGrid::from_iso("2025-01-06T00:00:00Z", 60, 2));
  EXPECT_EQ(find_temperature_column(none), "");
}
