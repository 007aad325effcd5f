// ehub::ems: register reads to interval energy, cleaning rules, statistics, KPIs and meter-tree
// balance. Every expected value is worked out by hand in the comment next to it.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "ehub/core/error.hpp"
#include "ehub/ems/balance.hpp"
#include "ehub/ems/cleaning.hpp"
#include "ehub/ems/kpi.hpp"
#include "ehub/ems/meter_data.hpp"
#include "ehub/ems/statistics.hpp"

using namespace ehub;
using namespace ehub::ems;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr std::int64_t kT0 = 1735660800;  // 2025-01-01T00:00:00+08:00, a Wednesday
constexpr auto q8(Quality q) { return static_cast<std::uint8_t>(q); }

IntervalData series(std::vector<double> v, int step_minutes = 15, std::int64_t t0 = kT0) {
  IntervalData d;
  d.point = "p";
  d.grid = TimeGrid(t0, step_minutes, static_cast<std::int64_t>(v.size()));
  d.value = Eigen::Map<Eigen::VectorXd>(v.data(), static_cast<Eigen::Index>(v.size()));
  d.quality.assign(v.size(), q8(Quality::good));
  for (std::size_t i = 0; i < v.size(); ++i)
    if (std::isnan(v[i])) d.quality[i] = q8(Quality::missing);
  return d;
}

CleaningRules only_fill(int max_gap) {
  CleaningRules r;
  r.max_linear_gap_steps = max_gap;
  r.fill_long_gaps_by_profile = false;
  return r;
}

TEST(Cleaning, UtilityExampleFillsFourMissingReadsLinearly) {
  // 15-min reads 75, four missing, 100: the gap is filled 80, 85, 90, 95 (steps of 25 / 5).
  const auto c = clean(series({75, kNaN, kNaN, kNaN, kNaN, 100}), only_fill(4));
  const std::vector<double> want = {75, 80, 85, 90, 95, 100};
  for (int i = 0; i < 6; ++i) EXPECT_DOUBLE_EQ(c.data.value[i], want[i]) << i;
  for (int i = 1; i <= 4; ++i) EXPECT_EQ(c.data.quality[i], q8(Quality::estimated));
  EXPECT_EQ(c.data.quality[0], q8(Quality::good));
  ASSERT_EQ(c.edits.size(), 4u);
  EXPECT_EQ(c.edits[0].rule, "linear_fill");
  EXPECT_TRUE(std::isnan(c.edits[0].old_value));
  // With a maximum of 3 steps the same gap stays missing (no profile filling asked for).
  const auto longer = clean(series({75, kNaN, kNaN, kNaN, kNaN, 100}), only_fill(3));
  for (int i = 1; i <= 4; ++i) {
    EXPECT_TRUE(std::isnan(longer.data.value[i]));
    EXPECT_EQ(longer.data.quality[i], q8(Quality::missing));
  }
  EXPECT_TRUE(longer.edits.empty());
}

TEST(Cleaning, SentinelsRangeAndNaNLabelledAreEdits) {
  auto d = series({10, -999, 65535, 12, 500, 11});
  d.quality[5] = q8(Quality::good);
  CleaningRules r = only_fill(0);
  r.max_value = 100;
  const auto c = clean(d, r);
  EXPECT_EQ(c.data.quality[1], q8(Quality::missing));   // sentinel -999
  EXPECT_EQ(c.data.quality[2], q8(Quality::missing));   // sentinel 65535
  EXPECT_EQ(c.data.quality[4], q8(Quality::rejected));  // 500 > 100
  EXPECT_TRUE(std::isnan(c.data.value[4]));
  ASSERT_EQ(c.edits.size(), 3u);
  EXPECT_EQ(c.edits[2].rule, "range");
  EXPECT_DOUBLE_EQ(c.edits[2].old_value, 500);
  const auto counts = c.counts();
  EXPECT_EQ(counts[1], (std::pair<std::string, std::int64_t>{"sentinel", 2}));
}

TEST(Cleaning, HampelAndStepChangeRemoveASpikeAndKeepAStep) {
  // Window of 5 around index 3: {10, 11, 60, 10, 11}: median 11, deviations {1, 0, 49, 1, 0}, MAD 1;
  // |60 - 11| = 49 > 3 x 1.4826 x 1 = 4.45: a spike. The step from ~10 to ~30 at index 7 is not:
  // around index 7 the window {10, 11, 30, 31, 30} has median 30, MAD 1 and |30 - 30| = 0.
  auto d = series({10, 11, 10, 60, 10, 11, 10, 30, 31, 30, 31});
  CleaningRules r = only_fill(0);
  r.hampel_half_window = 2;
  auto c = clean(d, r);
  ASSERT_EQ(c.edits.size(), 1u);
  EXPECT_EQ(c.edits[0].index, 3);
  EXPECT_EQ(c.edits[0].rule, "hampel");
  // Rate of change: 60 is 50 above 10 on the left and 50 above 10 on the right (> 20 both ways);
  // 30 at index 7 rises by 20 from 10 but falls by only -1 to 31: kept.
  CleaningRules s = only_fill(0);
  s.max_step_change = 20;
  c = clean(d, s);
  ASSERT_EQ(c.edits.size(), 1u);
  EXPECT_EQ(c.edits[0].rule, "step_change");
  EXPECT_EQ(c.edits[0].index, 3);
}

TEST(Cleaning, StuckValuesFlaggedSuspectZerosIgnored) {
  CleaningRules r = only_fill(0);
  r.stuck_steps = 4;
  const auto c = clean(series({5, 7, 7, 7, 7, 8, 0, 0, 0, 0, 0, 9}), r);
  for (int i = 1; i <= 4; ++i) EXPECT_EQ(c.data.quality[i], q8(Quality::suspect)) << i;
  EXPECT_DOUBLE_EQ(c.data.value[2], 7);  // kept
  for (int i = 6; i <= 10; ++i) EXPECT_EQ(c.data.quality[i], q8(Quality::good)) << i;
  EXPECT_EQ(c.edits.size(), 4u);
}

TEST(Cleaning, LongGapFromTheSimilarDayProfile) {
  // Hourly data for 3 weeks from Wednesday 2025-01-01; on Wednesday 8 Jan 10:00-15:00 (6 steps,
  // more than the linear maximum of 4) nothing was read. Each weekday hour h has value 100 + h +
  // day index d (days 0..20): the nearest Wednesday before (d = 0) has 100 + h and the nearest after
  // (d = 14) has 114 + h, so the profile gives 107 + h.
  std::vector<double> v;
  for (int d = 0; d < 21; ++d)
    for (int h = 0; h < 24; ++h) v.push_back(100 + h + d);
  for (int h = 10; h < 16; ++h) v[7 * 24 + h] = kNaN;
  CleaningRules r;
  r.utc_offset_minutes = 480;
  const auto c = clean(series(v, 60), r);
  for (int h = 10; h < 16; ++h) {
    EXPECT_DOUBLE_EQ(c.data.value[7 * 24 + h], 107.0 + h) << h;
    EXPECT_EQ(c.data.quality[static_cast<std::size_t>(7 * 24 + h)], q8(Quality::estimated));
  }
  EXPECT_EQ(c.counts()[7].second, 6);  // profile_fill
}

TEST(Cleaning, EditedValuesAreNeverChangedAndBadRulesNamed) {
  auto d = series({1, -999, 3});
  d.quality[1] = q8(Quality::edited);  // an operator typed -999 on purpose
  const auto c = clean(d, only_fill(4));
  EXPECT_DOUBLE_EQ(c.data.value[1], -999);
  EXPECT_TRUE(c.edits.empty());
  CleaningRules bad;
  bad.min_value = 5;
  bad.max_value = 1;
  try {
    clean(d, bad);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_EQ(e.path(), "rules/min_value");
  }
}

TEST(Register, RolloverReplacementAndNegativeIncrement) {
  // Hourly reads of a 5-digit register: 99990, 99995, then 3 (rolled over at 100000: +8), 10 (+7).
  const TimeGrid g(kT0, 60, 3);
  RegisterOptions o;
  o.rollover_at = 100000;
  auto d = register_to_interval("m", {kT0, kT0 + 3600, kT0 + 7200, kT0 + 10800}, Eigen::Vector4d(99990, 99995, 3, 10), g, o);
  EXPECT_DOUBLE_EQ(d.value[0], 5);
  EXPECT_DOUBLE_EQ(d.value[1], 8);
  EXPECT_DOUBLE_EQ(d.value[2], 7);
  EXPECT_EQ(d.quality[1], q8(Quality::good));
  // Without a width the drop from 99995 to 3 is rejected, never a negative energy.
  d = register_to_interval("m", {kT0, kT0 + 3600, kT0 + 7200, kT0 + 10800}, Eigen::Vector4d(99990, 99995, 3, 10), g);
  EXPECT_TRUE(std::isnan(d.value[1]));
  EXPECT_EQ(d.quality[1], q8(Quality::rejected));
  EXPECT_DOUBLE_EQ(d.value[2], 7);
  // Replaced at 01:30 (old meter's last read 1204, new meter starts at 0, reads 6 at 02:00):
  // (1204 - 1200) + (6 - 0) = 10 in the second hour.
  RegisterOptions rep;
  rep.replacements = {{kT0 + 5400, 1204, 0}};
  d = register_to_interval("m", {kT0, kT0 + 3600, kT0 + 7200, kT0 + 10800}, Eigen::Vector4d(1190, 1200, 6, 16), g, rep);
  EXPECT_DOUBLE_EQ(d.value[1], 10);
  EXPECT_DOUBLE_EQ(d.value[2], 10);
  // A reset to 0 (no replacement listed): 1200 then 6 means 6 counted since the reset, estimated.
  RegisterOptions reset;
  reset.drop_is_reset = true;
  d = register_to_interval("m", {kT0, kT0 + 3600, kT0 + 7200, kT0 + 10800}, Eigen::Vector4d(1190, 1200, 6, 16), g, reset);
  EXPECT_DOUBLE_EQ(d.value[1], 6);
  EXPECT_EQ(d.quality[1], q8(Quality::estimated));
  EXPECT_EQ(d.quality[2], q8(Quality::good));
}

TEST(Register, IrregularReadsApportionedByTime) {
  // Reads at 00:00 (0), 00:30 (10) and 02:00 (40): the first hour gets 10 + 30 x 30/90 = 20 and the
  // second hour 30 x 60/90 = 20; both estimated (no read on the hour). 02:00-03:00 has no read after it.
  const TimeGrid g(kT0, 60, 3);
  const auto d = register_to_interval("m", {kT0, kT0 + 1800, kT0 + 7200}, Eigen::Vector3d(0, 10, 40), g);
  EXPECT_DOUBLE_EQ(d.value[0], 20);
  EXPECT_DOUBLE_EQ(d.value[1], 20);
  EXPECT_EQ(d.quality[0], q8(Quality::estimated));
  EXPECT_TRUE(std::isnan(d.value[2]));
  EXPECT_EQ(d.quality[2], q8(Quality::missing));
  EXPECT_THROW(register_to_interval("m", {kT0, kT0}, Eigen::Vector2d(0, 1), g), InputError);
}

TEST(Statistics, FiguresOfATwoDayProfile) {
  // Hourly kW from Friday 2025-01-03 00:00 +08:00 for 48 h: 100 kW at night (22-06), 300 kW by day.
  // Friday: night hours 0-5 and 22-23 = 8 h; Saturday the same.
  std::vector<double> v;
  for (int d = 0; d < 2; ++d)
    for (int h = 0; h < 24; ++h) v.push_back(h < 6 || h >= 22 ? 100 : 300);
  const auto data = series(v, 60, kT0 + 2 * 86400);
  StatisticsOptions o;
  o.utc_offset_minutes = 480;
  const auto s = load_statistics(data, o);
  // Energy: 2 x (8 x 100 + 16 x 300) = 11,200 kWh; mean 11200 / 48 = 233.33; load factor 0.7778.
  EXPECT_DOUBLE_EQ(s.energy_kwh, 11200);
  EXPECT_DOUBLE_EQ(s.mean_kw, 11200.0 / 48);
  EXPECT_DOUBLE_EQ(s.load_factor, 11200.0 / 48 / 300);
  EXPECT_DOUBLE_EQ(s.peak_to_valley, 3);
  EXPECT_DOUBLE_EQ(s.night_share, 1600.0 / 11200);
  EXPECT_DOUBLE_EQ(s.weekend_share, 0.5);  // Saturday is half of it
  EXPECT_DOUBLE_EQ(s.base_kw, 100);        // 16 of 48 values are 100: the 5 % quantile is 100
  EXPECT_EQ(s.peak_unix_s, kT0 + 2 * 86400 + 6 * 3600);
  EXPECT_DOUBLE_EQ(s.completeness, 1);
  // Daily totals at local midnight: 5,600 kWh each; day-on-day change 0.
  const auto t = period_totals(data, Period::day, o);
  ASSERT_EQ(t.energy_kwh.size(), 2u);
  EXPECT_DOUBLE_EQ(t.energy_kwh[1], 5600);
  EXPECT_EQ(t.start_unix_s[1], kT0 + 3 * 86400);
  EXPECT_DOUBLE_EQ(change_ratio(t.energy_kwh, 1)[1], 0);
}

TEST(Statistics, MonthsInLocalTimeAndYearOnYear) {
  // Hourly 1 kW from 2025-01-31 00:00 to 2025-02-02 00:00 (+08:00): January gets 24 kWh of its
  // 744 hours (completeness 24/744), February 24 of 672.
  const auto data = series(std::vector<double>(48, 1.0), 60, kT0 + 30 * 86400);
  StatisticsOptions o;
  o.utc_offset_minutes = 480;
  const auto t = period_totals(data, Period::month, o);
  ASSERT_EQ(t.energy_kwh.size(), 2u);
  EXPECT_DOUBLE_EQ(t.energy_kwh[0], 24);
  EXPECT_DOUBLE_EQ(t.completeness[0], 24.0 / 744);
  EXPECT_DOUBLE_EQ(t.completeness[1], 24.0 / 672);
  // 1-minute data to quarter hours: minute m has value m (0..29): the first quarter hour holds
  // sum(0..14) / 60 h = 105 / 60 kWh, the second sum(15..29) / 60 = 330 / 60.
  std::vector<double> minutes(30);
  for (int m = 0; m < 30; ++m) minutes[static_cast<std::size_t>(m)] = m;
  const auto q = period_totals(series(minutes, 1), Period::quarter_hour, o);
  ASSERT_EQ(q.energy_kwh.size(), 2u);
  EXPECT_DOUBLE_EQ(q.energy_kwh[0], 105.0 / 60);
  EXPECT_DOUBLE_EQ(q.energy_kwh[1], 330.0 / 60);
  EXPECT_DOUBLE_EQ(q.peak_kw[1], 29);
  const auto yoy = change_ratio({100, 110, 0, 5}, 2);  // 0 / 100 - 1 = -1; 5 / 110 - 1
  EXPECT_TRUE(std::isnan(yoy[1]));
  EXPECT_DOUBLE_EQ(yoy[2], -1);
  EXPECT_DOUBLE_EQ(yoy[3], 5.0 / 110 - 1);
}

TEST(Kpis, StandardCoalByGbT2589AndCarbon) {
  // 1,000,000 kWh, 100,000 m3 of gas, 2,000 kg diesel:
  // calorific: 1e6 x 0.1229 + 1e5 x 1.2143 + 2000 x 1.4571 = 122,900 + 121,430 + 2,914.2 = 247,244.2 kgce;
  // equal value at 0.3 kgce/kWh: 300,000 + 124,344.2 = 424,344.2 kgce;
  // carbon (location-based, national average 0.5366): 536,600 + 216,220 + 6,191.8 = 759,011.8 kg;
  // market-based with 400,000 kWh of certificates: 600,000 x 0.5856 = 351,360 + 222,411.8 = 573,771.8.
  EnergyUse u;
  u.electricity_kwh = 1e6;
  u.natural_gas_m3 = 1e5;
  u.diesel_kg = 2000;
  KpiOptions o;
  o.coal.electricity_equal_value_kgce_per_kwh = 0.3;
  o.floor_area_m2 = 50000;
  o.certificates_retired_kwh = 400000;
  const auto k = energy_kpis(u, o);
  EXPECT_NEAR(k.scope2_market_kg, 351360, 1e-8);
  EXPECT_NEAR(k.carbon_market_kg, 573771.8, 1e-8);
  EXPECT_NEAR(k.coal_calorific_kgce, 247244.2, 1e-8);
  EXPECT_NEAR(k.coal_equal_value_kgce, 424344.2, 1e-8);
  EXPECT_NEAR(k.kgce_per_m2, 247244.2 / 50000, 1e-12);
  EXPECT_NEAR(k.carbon_location_kg, 759011.8, 1e-8);
  EXPECT_TRUE(std::isnan(k.kgce_per_person));
  EXPECT_TRUE(std::isnan(energy_kpis(u).coal_equal_value_kgce));  // no equal-value coefficient given
  u.diesel_kg = -1;
  EXPECT_THROW(energy_kpis(u), InputError);
}

TEST(Balance, LossesFlaggedAndTheWorstBranchNamed) {
  // main = 100 kWh per step; children a = 40, b = 50 (10 % loss). b's children b1 = 30, b2 = 19
  // (1 kWh, 2 %). Threshold 5 %: main is flagged, b is not; worst = main.
  auto mk = [](const char* name, const char* parent, double v) {
    TreeMeter m;
    m.name = name;
    m.parent = parent;
    m.energy_kwh = series(std::vector<double>(4, v));
    return m;
  };
  auto tree = std::vector<TreeMeter>{mk("main", "", 100), mk("a", "main", 40), mk("b", "main", 50), mk("b1", "b", 30), mk("b2", "b", 19)};
  tree[1].energy_kwh.value[3] = kNaN;  // a step without a's value is not compared
  const auto bal = meter_tree_balance(tree, 0.05);
  ASSERT_EQ(bal.nodes.size(), 2u);
  EXPECT_EQ(bal.nodes[0].name, "main");
  EXPECT_DOUBLE_EQ(bal.nodes[0].loss_total_kwh, 30);  // 3 steps x 10
  EXPECT_DOUBLE_EQ(bal.nodes[0].loss_share, 0.1);
  EXPECT_TRUE(bal.nodes[0].flagged);
  EXPECT_DOUBLE_EQ(bal.nodes[1].loss_share, 0.02);
  EXPECT_FALSE(bal.nodes[1].flagged);
  EXPECT_EQ(bal.worst, "main");
  tree[0].parent = "b2";  // main under its own grandchild
  try {
    meter_tree_balance(tree);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("cycle"), std::string::npos) << e.what();
  }
}

}  // namespace

namespace {

// The sliding Hampel filter against the definition computed directly (sort each window) on
// random data with NaNs, spikes and ties.
TEST(Cleaning, HampelMatchesTheDefinitionOnRandomData) {
  std::vector<double> v(3000);
  std::uint64_t st = 42;
  auto next = [&] { st = st * 6364136223846793005ULL + 1442695040888963407ULL; return static_cast<double>(st >> 40) / 16777216.0; };
  for (auto& x : v) {
    const double u = next();
    x = u < 0.03 ? kNaN : u < 0.06 ? 50 + 100 * next() : std::round(10 * next());  // ties from rounding
  }
  auto d = series(v);
  CleaningRules r = only_fill(0);
  r.sentinels.clear();
  r.hampel_half_window = 3;
  r.hampel_threshold = 2.5;
  const auto c = clean(d, r);
  std::vector<std::int64_t> want;
  auto median = [](std::vector<double> a) {
    std::sort(a.begin(), a.end());
    return a.size() % 2 ? a[a.size() / 2] : 0.5 * (a[a.size() / 2 - 1] + a[a.size() / 2]);
  };
  for (std::int64_t i = 0; i < static_cast<std::int64_t>(v.size()); ++i) {
    if (std::isnan(v[static_cast<std::size_t>(i)])) continue;
    std::vector<double> w;
    for (std::int64_t j = std::max<std::int64_t>(0, i - 3); j <= std::min<std::int64_t>(2999, i + 3); ++j)
      if (!std::isnan(v[static_cast<std::size_t>(j)])) w.push_back(v[static_cast<std::size_t>(j)]);
    if (w.size() < 3) continue;
    const double m = median(w);
    std::vector<double> dev;
    for (double y : w) dev.push_back(std::abs(y - m));
    const double mad = median(dev);
    if (mad > 0 && std::abs(v[static_cast<std::size_t>(i)] - m) > 2.5 * 1.4826 * mad) want.push_back(i);
  }
  std::vector<std::int64_t> got;
  for (const auto& e : c.edits)
    if (e.rule == "hampel") got.push_back(e.index);
  EXPECT_GT(want.size(), 50u);
  EXPECT_EQ(got, want);
}

}  // namespace

#include "ehub/ems/store_io.hpp"

namespace {

TEST(EmsStore, VirtualPointEvaluatedAndCleaningWrittenBackAudited) {
  auto s = store::Store::open("sqlite::memory:");
  s.add_tenant({.name = "t", .display_name = ""});
  s.add_site({.name = "s", .utc_offset_minutes = 480, .latitude_deg = 0, .longitude_deg = 0});
  store::Meter m;
  m.name = "main";
  m.tenant = "t";
  m.site = "s";
  s.add_meter(m);
  auto add = [&](const char* name, const char* formula) {
    store::Point p;
    p.name = name;
    p.meter = "main";
    p.quantity = "power";
    p.unit = "kW";
    p.formula = formula;
    s.add_point(p);
  };
  add("main.kw", "");
  add("b1.kw", "");
  add("rest.kw", "main.kw - b1.kw");         // unmetered rest
  add("twice.kw", "2 * rest.kw");            // a virtual point over a virtual point
  store::ReadingBatch b;
  for (int i = 0; i < 4; ++i) b.push_back(s.point_id("main.kw"), kT0 + 900 * i, 100 + i);
  for (int i = 0; i < 4; ++i) b.push_back(s.point_id("b1.kw"), kT0 + 900 * i, i == 2 ? -999.0 : 40.0);
  s.append_readings(b);
  const TimeGrid g(kT0, 15, 4);
  // rest = main - b1: 60, 61, 102 + 999 = 1101 (the sentinel is still there), 63; twice = 2 x rest.
  auto twice = read_interval(s, "twice.kw", g);
  EXPECT_DOUBLE_EQ(twice.value[0], 120);
  EXPECT_DOUBLE_EQ(twice.value[2], 2202);
  // Clean b1 and write back: -999 -> missing (sentinel) -> 40 (linear between 40 and 40).
  const auto c = clean(read_interval(s, "b1.kw", g));
  EXPECT_EQ(write_edits(s, "b1.kw", c), 2);
  twice = read_interval(s, "twice.kw", g);
  EXPECT_DOUBLE_EQ(twice.value[2], 2 * (102 - 40));
  EXPECT_EQ(twice.quality[2], q8(Quality::estimated));  // the worst flag of its terms
  const auto log = s.audit_log();
  EXPECT_EQ(log[log.size() - 2].action, "replace:cleaning:sentinel");
  EXPECT_EQ(log.back().action, "replace:cleaning:linear_fill");
  EXPECT_EQ(log.back().new_value, "40 q=1");
}

}  // namespace

namespace {

TEST(Statistics, EnergyByTimeOfUseClass) {
  // 10 kW all day for one local day: peak 08-11 and 18-21 (7 h) = 70 kWh, valley 00-07 (8 h) = 80,
  // flat the other 9 h = 90.
  std::vector<std::string> tou(24, "flat");
  for (int h = 0; h < 8; ++h) tou[static_cast<std::size_t>(h)] = "valley";
  for (int h : {8, 9, 10, 18, 19, 20, 21}) tou[static_cast<std::size_t>(h)] = "peak";
  const auto r = energy_by_hour_class(series(std::vector<double>(96, 10.0)), tou, 480);
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[0], (std::pair<std::string, double>{"valley", 80}));
  EXPECT_EQ(r[1], (std::pair<std::string, double>{"peak", 70}));
  EXPECT_EQ(r[2], (std::pair<std::string, double>{"flat", 90}));
  EXPECT_THROW(energy_by_hour_class(series({1, 2}), {"a"}), InputError);
  // Priced 0.3 valley, 0.6 flat, 1.0 peak: 80 x 0.3 + 90 x 0.6 + 70 x 1.0 = 24 + 54 + 70 = 148.
  EXPECT_DOUBLE_EQ(tariff_cost(series(std::vector<double>(96, 10.0)), tou, {{"valley", 0.3}, {"flat", 0.6}, {"peak", 1.0}}, 480), 148);
  EXPECT_THROW(tariff_cost(series(std::vector<double>(96, 10.0)), tou, {{"valley", 0.3}}, 480), InputError);
}

TEST(Statistics, RollUpATagHierarchyAndRefuseACycle) {
  // chillers 10, ahu 5 under hvac (own 1), hvac and lighting 4 under building: hvac 16, building 20.
  Eigen::MatrixXd v(4, 1);
  v << 5, 10, 1, 4;
  const auto [names, rows] = roll_up({"ahu", "chillers", "hvac", "lighting"}, v,
                                     {{"chillers", "hvac"}, {"ahu", "hvac"}, {"hvac", "building"}, {"lighting", "building"}});
  ASSERT_EQ(names, (std::vector<std::string>{"ahu", "building", "chillers", "hvac", "lighting"}));
  EXPECT_DOUBLE_EQ(rows(1, 0), 20);
  EXPECT_DOUBLE_EQ(rows(3, 0), 16);
  try {
    roll_up({"a"}, Eigen::MatrixXd::Ones(1, 1), {{"a", "b"}, {"b", "c"}, {"c", "a"}});
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("cycle: a -> b -> c -> a"), std::string::npos) << e.what();
  }
}

}  // namespace
