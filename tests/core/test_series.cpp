// Tests of Series: length checks, energy-conserving resampling, slicing. Expected values are
// hand sums of the inputs.
#include <gtest/gtest.h>

#include "ehub/core/error.hpp"
#include "ehub/core/series.hpp"

using ehub::InputError;
using ehub::Series;
using ehub::SeriesKind;
using ehub::TimeGrid;

namespace {
Eigen::VectorXd vec(std::initializer_list<double> v) {
  Eigen::VectorXd x(static_cast<Eigen::Index>(v.size()));
  Eigen::Index i = 0;
  for (double d : v) x[i++] = d;
  return x;
}
}  // namespace

TEST(Series, LengthMustMatchGrid) {
  const TimeGrid g(0, 60, 3);
  EXPECT_THROW(Series(g, vec({1, 2}), SeriesKind::power, "pv"), InputError);
  try {
    Series(g, vec({1, 2}), SeriesKind::power, "pv");
  } catch (const InputError& e) {
    EXPECT_EQ(e.path(), "pv");
    EXPECT_NE(std::string(e.what()).find("2 values but its time grid has 3 steps"), std::string::npos);
  }
}

TEST(Series, CoarsenAveragesPowerAndSumsEnergy) {
  const TimeGrid g(0, 15, 8);  // two hours
  const auto v = vec({4, 8, 0, 4, 1, 1, 1, 1});
  const Series p(g, v, SeriesKind::power);
  const Series e(g, v, SeriesKind::energy);
  const Series t(g, v, SeriesKind::intensive);
  const auto ph = p.resample(60);
  ASSERT_EQ(ph.size(), 2);
  EXPECT_DOUBLE_EQ(ph[0], 4.0);  // (4+8+0+4)/4 kW
  EXPECT_DOUBLE_EQ(ph[1], 1.0);
  const auto eh = e.resample(60);
  EXPECT_DOUBLE_EQ(eh[0], 16.0);  // kWh summed
  EXPECT_DOUBLE_EQ(eh[1], 4.0);
  EXPECT_DOUBLE_EQ(t.resample(30)[0], 6.0);
  // Energy is conserved either way: power 16 kW*0.25 h... total = (16+4) * 0.25 = 5 kWh.
  EXPECT_DOUBLE_EQ(p.total_kwh(), 5.0);
  EXPECT_DOUBLE_EQ(ph.total_kwh(), 5.0);
  EXPECT_DOUBLE_EQ(e.total_kwh(), 20.0);
  EXPECT_DOUBLE_EQ(eh.total_kwh(), 20.0);
  EXPECT_THROW(t.total_kwh(), InputError);
}

TEST(Series, RefineRepeatsPowerAndSplitsEnergy) {
  const TimeGrid g(3600, 60, 2);
  const Series p(g, vec({10, 20}), SeriesKind::power);
  const Series e(g, vec({10, 20}), SeriesKind::energy);
  const auto p15 = p.resample(15);
  const auto e15 = e.resample(15);
  ASSERT_EQ(p15.size(), 8);
  EXPECT_EQ(p15.grid().start_unix_s(), 3600);
  EXPECT_DOUBLE_EQ(p15[3], 10.0);
  EXPECT_DOUBLE_EQ(p15[4], 20.0);
  EXPECT_DOUBLE_EQ(e15[3], 2.5);
  EXPECT_DOUBLE_EQ(e15[4], 5.0);
  EXPECT_DOUBLE_EQ(p15.total_kwh(), 30.0);
  EXPECT_DOUBLE_EQ(e15.total_kwh(), 30.0);
}

TEST(Series, ResampleRejectsPartialSteps) {
  const Series p(TimeGrid(0, 15, 6), Eigen::VectorXd::Ones(6));  // 90 minutes
  EXPECT_THROW(p.resample(60), InputError);
  EXPECT_EQ(p.resample(30).size(), 3);
}

TEST(Series, SliceByTime) {
  const Series p(TimeGrid(0, 60, 5), vec({0, 1, 2, 3, 4}), SeriesKind::power, "load");
  const auto s = p.slice(3600, 4 * 3600);
  ASSERT_EQ(s.size(), 3);
  EXPECT_DOUBLE_EQ(s[0], 1.0);
  EXPECT_DOUBLE_EQ(s[2], 3.0);
  EXPECT_EQ(s.grid().start_unix_s(), 3600);
  EXPECT_EQ(p.slice(0, 5 * 3600).size(), 5);
  EXPECT_THROW(p.slice(1800, 3600), InputError);
  EXPECT_THROW(p.slice(3600, 6 * 3600), InputError);
}

TEST(Series, KindNames) {
  EXPECT_EQ(ehub::to_string(SeriesKind::energy), "energy");
  EXPECT_EQ(ehub::series_kind_from_string("intensive"), SeriesKind::intensive);
  EXPECT_THROW(ehub::series_kind_from_string("volts"), InputError);
}
