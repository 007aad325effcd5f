// ehub::ems asset health: rainflow counting on the ASTM E1049-85 worked example (exact), the
// degradation model of Xu et al. (2018) by hand, CHP start wear, operating counters and
// maintenance due dates under a planned schedule, also from the store's ledger.
#include <gtest/gtest.h>

#include <cmath>
#include <map>

#include "ehub/core/error.hpp"
#include "ehub/ems/assets.hpp"
#include "ehub/store/store.hpp"

using namespace ehub;
using namespace ehub::ems;

namespace {

Eigen::VectorXd vec(std::initializer_list<double> v) {
  Eigen::VectorXd x(static_cast<Eigen::Index>(v.size()));
  Eigen::Index i = 0;
  for (double d : v) x[i++] = d;
  return x;
}

TEST(Assets, RainflowAstmE1049WorkedExample) {
  // ASTM E1049-85 (2017), Fig. 6 / Table 4: peaks and valleys -2, 1, -3, 5, -1, 3, -4, 4, -2 give
  // range 3: 0.5 cycles, 4: 1.5, 6: 0.5, 8: 1.0, 9: 0.5. Points inside a monotone run (0 between
  // -2 and 1, 2 between -1 and 3) and a repeat are not peaks or valleys and change nothing.
  const auto cycles = rainflow(vec({-2, 0, 1, -3, 5, 5, -1, 2, 3, -4, 4, -2}));
  std::map<double, double> by_range;
  for (const auto& c : cycles) by_range[c.range] += c.count;
  const std::map<double, double> want = {{3, 0.5}, {4, 1.5}, {6, 0.5}, {8, 1.0}, {9, 0.5}};
  EXPECT_EQ(by_range, want);
  // In the order the standard extracts them: half 3 (-2, 1), half 4 (1, -3), full 4 (-1, 3),
  // half 8 (-3, 5), then the residue 5 -4, -4 4, 4 -2 as halves.
  ASSERT_EQ(cycles.size(), 7u);
  EXPECT_EQ(cycles[2].count, 1.0);
  EXPECT_EQ(cycles[2].range, 4);
  EXPECT_EQ(cycles[2].mean, 1);   // (-1 + 3) / 2
  EXPECT_EQ(cycles[2].start, 6);  // the -1 at index 6 of the input
  EXPECT_EQ(cycles[2].end, 8);
  EXPECT_EQ(cycles[3].range, 8);
  EXPECT_EQ(cycles[3].count, 0.5);
}

TEST(Assets, DegradationModelByHand) {
  // One full cycle 0 -> 1 -> 0 (two half cycles of depth 1, mean 0.5) over 3 hours at 25 deg C:
  // cycle stress 1 / (1.4e5 x 1 - 1.23e5) = 1 / 17000; calendar 4.14e-10 x 10800 s x
  // exp(1.04 (1/3 - 0.5)); L = 1 - 0.0575 e^(-121 f) - 0.9425 e^(-f).
  const auto d = battery_degradation(vec({0, 1, 0}), 1.0);
  EXPECT_NEAR(d.cycle_stress, 1.0 / 17000, 1e-15);
  const double cal = 4.14e-10 * 10800 * std::exp(1.04 * (1.0 / 3 - 0.5));
  EXPECT_NEAR(d.calendar_stress, cal, 1e-18);
  const double f = 1.0 / 17000 + cal;
  EXPECT_NEAR(d.capacity_loss, 1 - 0.0575 * std::exp(-121 * f) - 0.9425 * std::exp(-f), 1e-15);
  EXPECT_NEAR(d.equivalent_full_cycles, 1, 1e-15);
  // A year at rest at 50 %: f = 4.14e-10 x 31,536,000 = 0.013056; L = 0.05788 (the SEI part is
  // most of the first year's loss).
  const auto rest = battery_degradation(Eigen::VectorXd::Constant(8760, 0.5), 1.0);
  EXPECT_NEAR(rest.calendar_stress, 0.01305590, 1e-8);
  EXPECT_NEAR(rest.capacity_loss, 0.05788, 2e-5);
  // Warmer ages faster: at 35 deg C the stress is scaled by exp(0.0693 x 10 x 298.15 / 308.15).
  const auto warm = battery_degradation(Eigen::VectorXd::Constant(8760, 0.5), 1.0, 35);
  EXPECT_NEAR(warm.calendar_stress / rest.calendar_stress, std::exp(0.0693 * 10 * 298.15 / 308.15), 1e-12);
  EXPECT_THROW(battery_degradation(vec({0.2, 1.2}), 1.0), InputError);
  const auto soh = state_of_health_over_time(Eigen::VectorXd::Constant(8760, 0.5), 1.0, 12);
  EXPECT_NEAR(soh[11], rest.state_of_health, 1e-15);
  EXPECT_GT(soh[0], soh[11]);
}

TEST(Assets, ChpStartWearColdAndHot) {
  // Hourly: off 2, on 3, off 2, on 2, off 6, on 1. The first start is cold, the second after 2 h
  // off is from hot standby (<= 4 h), the third after 6 h off is cold: 2 x 0.8 % + 0.05 % = 1.65 %
  // of a life worth 2,000,000 = 33,000.
  const auto p = vec({0, 0, 1, 1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 1});
  StartWear w;
  w.life_cost = 2e6;
  const auto s = start_wear(p * 4000, 1.0, w);
  EXPECT_EQ(s.cold_starts, 2);
  EXPECT_EQ(s.hot_starts, 1);
  EXPECT_NEAR(s.life_used_share, 0.0165, 1e-15);
  EXPECT_NEAR(s.cost, 33000, 1e-6);
  const auto c = operating_counters(p * 4000, 1.0);
  EXPECT_EQ(c.starts, 3);
  EXPECT_EQ(c.run_hours, 6);
  EXPECT_EQ(c.energy_out_kwh, 24000);
  w.hot_start_life_share = 2;
  EXPECT_THROW(start_wear(p, 1.0, w), InputError);
}

constexpr std::int64_t kT0 = 1735660800;  // 2025-01-01T00:00+08:00
constexpr std::int64_t kDay = 86400;

Operation daily(std::int64_t start, int days) {  // on 08:00-20:00 local, 500 kW
  Operation o;
  o.grid = TimeGrid(start, 60, days * 24);
  o.power_kw = Eigen::VectorXd::Zero(days * 24);
  for (int d = 0; d < days; ++d)
    for (int h = 8; h < 20; ++h) o.power_kw[d * 24 + h] = 500;
  return o;
}

void check_due(const std::vector<MaintenanceDue>& due) {
  const std::int64_t now = kT0 + 30 * kDay;
  ASSERT_EQ(due.size(), 5u);
  // Since the inspection that ended on day 10: 20 days x 12 h = 240 h, 20 starts.
  EXPECT_EQ(due[0].run_hours_since, 240);
  EXPECT_EQ(due[0].starts_since, 20);
  // 500 h: 260 more, 21 plan days (252 h) and 8 h of day 21: at 16:00.
  EXPECT_EQ(due[0].due_unix_s, now + 21 * kDay + 16 * 3600);
  EXPECT_EQ(due[0].due_by, "run_hours");
  // 30 starts: the 10th start of the plan, day 9 at 08:00.
  EXPECT_EQ(due[1].due_unix_s, now + 9 * kDay + 8 * 3600);
  EXPECT_EQ(due[1].due_by, "starts");
  // 6 months after 2025-01-11T00:00+08:00.
  EXPECT_EQ(due[2].due_unix_s, kT0 + (31 + 28 + 31 + 30 + 31 + 30 + 10) * kDay);
  EXPECT_EQ(due[2].due_by, "months");
  // 2000 h: 1760 more, the plan gives 360 at 0.5 h per hour, 1400 h more take 2800 h after it.
  EXPECT_EQ(due[3].due_unix_s, now + 30 * kDay + 2800 * 3600);
  EXPECT_TRUE(due[3].beyond_plan);
  // 200 h were reached in the past: day 26 at 16:00 (16 days x 12 h + 8 h), overdue.
  EXPECT_EQ(due[4].due_unix_s, kT0 + 26 * kDay + 16 * 3600);
  EXPECT_TRUE(due[4].overdue);
}

std::vector<MaintenanceRule> due_rules() {
  return {{"A", "inspection", 500, 0, 0}, {"B", "inspection", 0, 30, 0}, {"C", "inspection", 0, 0, 6},
          {"D", "inspection", 2000, 0, 0}, {"E", "inspection", 200, 0, 0}};
}

TEST(Assets, MaintenanceDueUnderThePlannedSchedule) {
  store::Asset a;
  a.name = "chp-1";
  a.commissioned_unix_s = kT0;
  std::vector<store::Maintenance> h = {{.id = 1, .asset = "chp-1", .start_unix_s = kT0 + 9 * kDay, .end_unix_s = kT0 + 10 * kDay,
                                        .kind = "inspection", .description = "", .cost = 0},
                                       {.id = 2, .asset = "chp-1", .start_unix_s = kT0 + 20 * kDay, .end_unix_s = kT0 + 21 * kDay,
                                        .kind = "repair", .description = "", .cost = 0}};  // another kind: no reset
  const std::int64_t now = kT0 + 30 * kDay;
  MaintenanceOptions o;
  o.utc_offset_minutes = 480;
  check_due(maintenance_due(a, h, daily(kT0, 30), daily(now, 30), due_rules(), now, o));
  EXPECT_THROW(maintenance_due(a, h, daily(kT0, 29), daily(now, 30), due_rules(), now, o), InputError);
  auto bad = due_rules();
  bad[1].every_starts = -1;
  try {
    maintenance_due(a, h, daily(kT0, 30), daily(now, 30), bad, now, o);
    ADD_FAILURE();
  } catch (const InputError& e) {
    EXPECT_EQ(e.path(), "rules/1/every_starts");
  }
}

TEST(Assets, MaintenanceDueFromTheStoreLedger) {
  auto s = store::Store::open("sqlite::memory:");
  s.add_tenant({.name = "t", .display_name = ""});
  s.add_site({.name = "s", .utc_offset_minutes = 480, .latitude_deg = 0, .longitude_deg = 0});
  store::Asset a;
  a.name = "chp-1";
  a.tenant = "t";
  a.site = "s";
  a.kind = "chp";
  a.commissioned_unix_s = kT0;
  a.rated_power_kw = 4000;
  s.add_asset(a);
  s.add_maintenance({.asset = "chp-1", .start_unix_s = kT0 + 9 * kDay, .end_unix_s = kT0 + 10 * kDay, .kind = "inspection"});
  const std::int64_t now = kT0 + 30 * kDay;
  MaintenanceOptions o;
  o.utc_offset_minutes = 480;
  check_due(maintenance_due(s, "chp-1", daily(kT0, 30), daily(now, 30), due_rules(), now, o));
  try {
    maintenance_due(s, "chp-2", daily(kT0, 30), daily(now, 30), due_rules(), now, o);
    ADD_FAILURE();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("did you mean \"chp-1\""), std::string::npos);
  }
}

}  // namespace
