// ehub::ems alarms: every rule kind on readings worked out by hand, the life cycle (hysteresis,
// minimum duration, suppression under a parent, acknowledgement), rule files with paths, the
// store sink and fault location on the meter tree.
#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "ehub/core/error.hpp"
#include "ehub/ems/alarms.hpp"
#include "ehub/store/store.hpp"

using namespace ehub;
using namespace ehub::ems;

namespace {

struct Log {
  std::vector<AlarmEvent> events;
  std::string text() const {
    std::string s;
    for (const auto& e : events)
      s += std::string(to_string(e.kind)) + ":" + e.rule + ":" + std::string(to_string(e.severity)) + "@" + std::to_string(e.t_unix_s) + " ";
    return s;
  }
};

AlarmEngine engine(const nlohmann::json& j, Log& log) {
  AlarmEngine e(parse_alarm_rules(j));
  e.add_sink([&log](const AlarmEvent& ev) { log.events.push_back(ev); });
  return e;
}

TEST(Alarms, ThresholdLevelsWithHysteresisAndMinimumDuration) {
  // warning 80, alarm 90, critical 100; hysteresis 5; a level must hold 120 s. One reading a minute:
  // 70; 85 (warning pending from 60); 86; 87 at 180 (held 120 s: raised warning); 95 at 240 (alarm
  // pending); 96; 97 at 360 (updated to alarm); 88 (alarm holds while > 90 - 5); 84 at 480 (down to
  // warning, which holds while > 75); 76 (holds); 74 at 600 (cleared).
  Log log;
  auto e = engine({{"rules", {{{"name", "hi"}, {"kind", "threshold"}, {"point", "p"},
                               {"levels", {{"warning", 80}, {"alarm", 90}, {"critical", 100}}},
                               {"hysteresis", 5}, {"min_duration_s", 120}}}}},
                  log);
  const double v[] = {70, 85, 86, 87, 95, 96, 97, 88, 84, 76, 74};
  for (int i = 0; i < 11; ++i) e.push("p", i * 60, v[i]);
  EXPECT_EQ(log.text(), "raised:hi:warning@180 updated:hi:alarm@360 updated:hi:warning@480 cleared:hi:none@600 ");
  // One alarm through its life; a new activation would get a new id.
  for (const auto& ev : log.events) EXPECT_EQ(ev.alarm_id, log.events[0].alarm_id);
  EXPECT_TRUE(e.active().empty());
}

TEST(Alarms, RateOfChangePhaseImbalancePowerFactorAnomaly) {
  Log log;
  auto e = engine({{"rules",
                    {{{"name", "ramp"}, {"kind", "rate_of_change"}, {"point", "p"}, {"levels", {{"alarm", 50}}}},
                     {{"name", "imb"}, {"kind", "phase_imbalance"}, {"points", {"ia", "ib", "ic"}}, {"levels", {{"warning", 0.1}, {"alarm", 0.2}}}},
                     {{"name", "pf"}, {"kind", "power_factor"}, {"points", {"P", "Q"}}, {"levels", {{"warning", 0.9}, {"alarm", 0.85}}}},
                     {{"name", "odd"}, {"kind", "anomaly"}, {"point", "m"}, {"residual_std", 10}, {"levels", {{"warning", 3}, {"alarm", 5}}}}}}},
                  log);
  // Rate per 60 s: 100 -> 120 is 20; 120 -> 200 is 80 (alarm); 200 -> 210 is 10 (cleared).
  e.push("p", 0, 100);
  e.push("p", 60, 120);
  e.push("p", 120, 200);
  e.push("p", 180, 210);
  // Phases 100, 100, 70: mean 90, largest deviation 20, 20 / 90 = 0.222 >= 0.2: alarm.
  e.push("ia", 0, 100);
  e.push("ib", 0, 100);
  e.push("ic", 0, 70);
  // P 800 kW, Q 600 kvar: pf = 800 / 1000 = 0.8 <= 0.85 (a low rule): alarm.
  e.push("P", 0, 800);
  e.push("Q", 0, 600);
  // Expected 100, residual std 10: 135 is 3.5 sigma (warning), 160 is 6 (alarm).
  e.set_expected("m", 0, 100);
  e.set_expected("m", 60, 100);
  e.push("m", 0, 135);
  e.push("m", 60, 160);
  EXPECT_EQ(log.text(),
            "raised:ramp:alarm@120 cleared:ramp:none@180 raised:imb:alarm@0 raised:pf:alarm@0 raised:odd:warning@0 "
            "updated:odd:alarm@60 ");
  EXPECT_NEAR(log.events[2].value, 20.0 / 90.0, 1e-12);
  EXPECT_NEAR(log.events[3].value, 0.8, 1e-12);
  EXPECT_THROW(e.set_expected("p", 0, 1), InputError);  // no anomaly rule on p
  EXPECT_THROW(e.push("p", 180, 1), InputError);        // not after the previous reading
}

TEST(Alarms, DailyLimitResetsAtLocalMidnight) {
  // 10 kWh per 15 minutes at UTC+8: the day's total passes 800 at the 80th reading (warning) and
  // 900 at the 90th (alarm); the next local day starts from 0 (cleared at its first reading).
  Log log;
  auto e = engine({{"utc_offset_minutes", 480},
                   {"rules", {{{"name", "day"}, {"kind", "daily_limit"}, {"point", "kwh"}, {"levels", {{"warning", 800}, {"alarm", 900}}}}}}},
                  log);
  const std::int64_t t0 = 1735660800;  // 2025-01-01T00:00+08:00
  for (int i = 0; i < 100; ++i) e.push("kwh", t0 + i * 900, 10);
  EXPECT_EQ(log.text(), "raised:day:warning@" + std::to_string(t0 + 79 * 900) + " updated:day:alarm@" + std::to_string(t0 + 89 * 900) +
                            " cleared:day:none@" + std::to_string(t0 + 96 * 900) + " ");
}

TEST(Alarms, NoDataAndEstimatedShare) {
  // x reports at 0 and then stops; y every 900 s moves the clock. With 4 intervals of 900 s the
  // readings due at 900 .. 3600 are missing once the clock passes 3600: raised at 4500; x's reading
  // at 5400 clears it.
  Log log;
  auto e = engine({{"rules",
                    {{{"name", "silent"}, {"kind", "no_data"}, {"point", "x"}, {"interval_s", 900}, {"no_data_intervals", 4}, {"severity", "alarm"}},
                     {{"name", "est"}, {"kind", "estimated_share"}, {"point", "y"}, {"window_readings", 4}, {"levels", {{"alarm", 0.5}}}}}}},
                  log);
  e.push("x", 0, 1);
  const auto est = store::Quality::estimated, good = store::Quality::good;
  const store::Quality q[] = {good, est, est, good, good, good};
  for (int i = 0; i < 6; ++i) e.push("y", (i + 1) * 900, 1, q[i]);
  e.push("x", 5400, 1);
  // Estimated share of the window of 4: (good est est good) = 0.5 at the 4th reading (3600): alarm;
  // (est est good good) at 4500 still 0.5; (est good good good) = 0.25 at 5400: cleared.
  EXPECT_EQ(log.text(), "raised:est:alarm@3600 raised:silent:alarm@4500 cleared:est:none@5400 cleared:silent:none@5400 ");
}

TEST(Alarms, ChildSuppressedWhileItsParentIsActiveAndAcknowledged) {
  Log log;
  auto e = engine({{"rules",
                    {{{"name", "main"}, {"kind", "threshold"}, {"point", "main.kw"}, {"levels", {{"alarm", 1000}}}},
                     {{"name", "feeder"}, {"kind", "threshold"}, {"point", "f.kw"}, {"levels", {{"alarm", 400}}}, {"parent", "main"}}}}},
                  log);
  e.push("f.kw", 0, 450);      // feeder raised on its own
  e.push("main.kw", 0, 1100);  // main raised: the feeder is now suppressed under it
  e.push("main.kw", 60, 900);  // main cleared: the feeder (still high) is raised again
  e.push("f.kw", 60, 300);     // feeder cleared
  e.push("main.kw", 120, 1200);
  e.push("f.kw", 120, 500);    // raised while main is active: suppressed from the start
  EXPECT_EQ(log.text(),
            "raised:feeder:alarm@0 raised:main:alarm@0 suppressed:feeder:alarm@0 cleared:main:none@60 raised:feeder:alarm@60 "
            "cleared:feeder:none@60 raised:main:alarm@120 suppressed:feeder:alarm@120 ");
  EXPECT_EQ(log.events.back().suppressed_by, "main");
  const auto active = e.active();
  ASSERT_EQ(active.size(), 2u);
  EXPECT_TRUE(active[1].suppressed);
  e.acknowledge(active[0].alarm_id, 180, "operator");
  EXPECT_EQ(log.events.back().kind, EventKind::acknowledged);
  EXPECT_EQ(log.events.back().acknowledged_by, "operator");
  EXPECT_THROW(e.acknowledge(active[0].alarm_id, 181, "operator"), InputError);
  EXPECT_THROW(e.acknowledge(999, 181, "x"), InputError);
}

void expect_error(const nlohmann::json& j, const std::vector<std::string>& known, const std::string& path, const std::string& text) {
  try {
    parse_alarm_rules(j, "rules.json", known);
    ADD_FAILURE() << "no error for " << j.dump();
  } catch (const InputError& e) {
    EXPECT_EQ(e.file(), "rules.json");
    EXPECT_EQ(e.path(), path) << e.what();
    EXPECT_NE(e.detail().find(text), std::string::npos) << e.what();
  }
}

TEST(Alarms, RuleFilesValidatedWithPaths) {
  using J = nlohmann::json;
  const std::vector<std::string> known = {"main.kw", "feeder.kw"};
  expect_error({{"rules", {{{"name", "a"}, {"kind", "threshold"}, {"point", "main.kw"}, {"levels", {{"warning", 900}, {"alarm", 800}}}}}}},
               known, "/rules/0/levels/alarm", "thresholds out of order: alarm 800 must be above warning 900");
  expect_error({{"rules", {{{"name", "a"}, {"kind", "power_factor"}, {"point", "main.kw"}, {"levels", {{"warning", 0.8}, {"alarm", 0.9}}}}}}},
               known, "/rules/0/levels/alarm", "must be below warning 0.8 (a low rule)");
  expect_error({{"rules", {{{"name", "a"}, {"kind", "threshold"}, {"point", "feedr.kw"}, {"levels", {{"alarm", 1}}}}}}}, known,
               "/rules/0/point", "unknown point \"feedr.kw\" (did you mean \"feeder.kw\"?)");
  expect_error({{"rules", {{{"name", "a"}, {"kind", "threshold"}, {"points", {"feedr.kw"}}, {"levels", {{"alarm", 1}}}}}}}, known,
               "/rules/0/points/0", "unknown point \"feedr.kw\"");
  expect_error({{"rules", {{{"name", "a"}, {"kind", "treshold"}, {"point", "main.kw"}, {"levels", {{"alarm", 1}}}}}}}, known,
               "/rules/0/kind", "did you mean \"threshold\"?");
  expect_error({{"rules", {{{"name", "a"}, {"kind", "phase_imbalance"}, {"points", {"main.kw"}}, {"levels", {{"alarm", 0.1}}}}}}}, known,
               "/rules/0/points", "takes 3 point(s), got 1");
  expect_error({{"rules",
                 {{{"name", "a"}, {"kind", "threshold"}, {"point", "main.kw"}, {"levels", {{"alarm", 1}}}, {"parent", "b"}},
                  {{"name", "b"}, {"kind", "threshold"}, {"point", "main.kw"}, {"levels", {{"alarm", 1}}}, {"parent", "a"}}}}},
               known, "/rules/0/parent", "the parents form a cycle: a -> b -> a");
  expect_error({{"rules", {{{"name", "a"}, {"kind", "threshold"}, {"point", "main.kw"}, {"levels", {{"alarm", 1}}}, {"hysteresis", -1}}}}},
               known, "/rules/0/hysteresis", "must be >= 0");
  expect_error({{"rules", {{{"name", "a"}, {"kind", "threshold"}, {"point", "main.kw"}, {"levels", {{"alarm", 1}}}, {"hysterisis", 1}}}}},
               known, "/rules/0/hysterisis", "unknown key");
  expect_error({{"rules", {{{"name", "a"}, {"kind", "anomaly"}, {"point", "main.kw"}, {"levels", {{"alarm", 3}}}}}}}, known,
               "/rules/0/residual_std", "residual standard deviation");
  expect_error(J{{"rules", {{{"name", "a"}, {"kind", "no_data"}, {"point", "main.kw"}, {"levels", {{"alarm", 3}}}}}}}, known,
               "/rules/0/levels", "takes \"severity\"");
}

TEST(Alarms, StoreSinkRecordsTheLifeCycle) {
  auto s = store::Store::open("sqlite::memory:");
  s.add_tenant({.name = "t", .display_name = ""});
  s.add_site({.name = "s", .utc_offset_minutes = 0, .latitude_deg = 0, .longitude_deg = 0});
  store::Meter m;
  m.name = "main";
  m.tenant = "t";
  m.site = "s";
  s.add_meter(m);
  store::Point p;
  p.name = "main.kw";
  p.meter = "main";
  p.quantity = "power";
  p.unit = "kW";
  s.add_point(p);
  AlarmEngine e(parse_alarm_rules({{"rules", {{{"name", "hi"}, {"kind", "threshold"}, {"point", "main.kw"},
                                                {"levels", {{"warning", 80}, {"critical", 100}}}}}}},
                                  "", {"main.kw"}));
  StoreAlarmSink sink(s, "t");
  e.add_sink([&sink](const AlarmEvent& ev) { sink(ev); });
  e.push("main.kw", 0, 85);
  e.push("main.kw", 60, 120);
  e.push("main.kw", 120, 50);
  e.acknowledge(1, 130, "duty engineer");
  const auto rows = s.alarms();
  ASSERT_EQ(rows.size(), 1u);  // one alarm, de-duplicated through its updates
  EXPECT_EQ(rows[0].rule, "hi");
  EXPECT_EQ(rows[0].point, "main.kw");
  EXPECT_EQ(rows[0].severity, "critical");
  EXPECT_EQ(rows[0].raised_unix_s, 0);
  EXPECT_EQ(rows[0].cleared_unix_s, 120);
  EXPECT_EQ(rows[0].value, 120);
  EXPECT_EQ(rows[0].acknowledged_unix_s, 130);
  EXPECT_EQ(rows[0].acknowledged_by, "duty engineer");
  EXPECT_THROW(s.acknowledge_alarm(rows[0].id, 140, "again"), InputError);
  // A child raised on its own and then suppressed under its parent: the row says so.
  AlarmEngine f(parse_alarm_rules({{"rules", {{{"name", "main"}, {"kind", "threshold"}, {"point", "main.kw"}, {"levels", {{"alarm", 1000}}}},
                                               {{"name", "child"}, {"kind", "threshold"}, {"point", "main.kw"}, {"levels", {{"alarm", 500}}},
                                                {"parent", "main"}}}}}));
  StoreAlarmSink sink2(s, "t");
  f.add_sink([&sink2](const AlarmEvent& ev) { sink2(ev); });
  f.push("main.kw", 1000, 600);   // child raised
  f.push("main.kw", 1060, 1100);  // main raised, child suppressed under it
  const auto after = s.alarms({1000, 2000});
  ASSERT_EQ(after.size(), 2u);
  EXPECT_EQ(after[0].rule, "child");
  EXPECT_EQ(after[0].suppressed_by, "main");
  EXPECT_EQ(after[1].suppressed_by, "");
}

IntervalData flat(double v, int n = 4) {
  IntervalData d;
  d.grid = TimeGrid(0, 15, n);
  d.value = Eigen::VectorXd::Constant(n, v);
  d.quality.assign(static_cast<std::size_t>(n), 0);
  return d;
}

TEST(Alarms, FaultLocatedOnTheMeterTree) {
  // main -> A, B; B -> B1, B2. Normal: A 10, B1 5, B2 5 (B 10), main 20.4 (2 % loss) kWh per step.
  // Alarm window: B2 draws 9 (+4), so B 14 and main 24.4: main +4 per step x 4 steps = +16 kWh,
  // explained by B (+16) and within B by B2 (+16).
  auto tree = [](double a, double b1, double b2, double loss_main) {
    return std::vector<TreeMeter>{{"main", "", flat(a + b1 + b2 + loss_main)}, {"A", "main", flat(a)},
                                  {"B", "main", flat(b1 + b2)}, {"B1", "B", flat(b1)}, {"B2", "B", flat(b2)}};
  };
  const auto ref = tree(10, 5, 5, 0.4);
  const auto f = locate_deviation(tree(10, 5, 9, 0.4), ref, "main");
  EXPECT_EQ(f.path, (std::vector<std::string>{"main", "B", "B2"}));
  EXPECT_EQ(f.branch, "B2");
  EXPECT_NEAR(f.parent_deviation_kwh, 16, 1e-9);
  EXPECT_NEAR(f.deviation_kwh, 16, 1e-9);
  EXPECT_NEAR(f.share_explained, 1, 1e-12);
  // A bypass of main's own meter (children unchanged, main +3 per step): the unmetered rest of main.
  const auto u = locate_deviation(tree(10, 5, 5, 3.4), ref, "main");
  EXPECT_EQ(u.branch, "main:unmetered");
  EXPECT_NEAR(u.deviation_kwh, 12, 1e-9);
  EXPECT_THROW(locate_deviation(ref, ref, "nope"), InputError);
}

}  // namespace
