// ehub::dr: events with paths on bad input, X-of-Y customer baselines with and without day-of
// adjustment, and settlement, each worked out by hand.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "ehub/core/error.hpp"
#include "ehub/dr/demand_response.hpp"
#include "ehub/store/store.hpp"

using namespace ehub;

namespace {

constexpr int kOff = 480;
const std::int64_t kJun25 = parse_iso8601("2025-06-25T00:00:00+08:00");

// Hourly kWh from 25 June to the end of 10 July (a Thursday): 50 by default, 100 at 10:00-13:00
// every day, and in the event hours 14:00-16:00 a level per day (9 July 100, 8 July 120, 7 July 90,
// 4 July 130, others 60).
ems::IntervalData meter(double event_day_10_13 = 110, double event_day_14_16 = 80) {
  const int days = 16;
  ems::IntervalData d;
  d.point = "site.kwh";
  d.grid = TimeGrid(kJun25, 60, days * 24);
  d.value = Eigen::VectorXd::Constant(days * 24, 50);
  d.quality.assign(static_cast<std::size_t>(days * 24), 0);
  for (int day = 0; day < days; ++day) {
    const int dom = day < 6 ? 25 + day : day - 5;  // day of month (June 25..30, then July 1..)
    const bool july = day >= 6;
    double level = 60;
    if (july && dom == 9) level = 100;
    if (july && dom == 8) level = 120;
    if (july && dom == 7) level = 90;
    if (july && dom == 4) level = 130;
    for (int h = 10; h < 13; ++h) d.value[day * 24 + h] = 100;
    for (int h = 14; h < 16; ++h) d.value[day * 24 + h] = level;
    if (july && dom == 10) {
      for (int h = 10; h < 13; ++h) d.value[day * 24 + h] = event_day_10_13;
      for (int h = 14; h < 16; ++h) d.value[day * 24 + h] = event_day_14_16;
    }
  }
  return d;
}

nlohmann::json events_json() {
  return {{"program", "summer-peak"}, {"min_notice_h", 24}, {"compensation_per_kwh", 0.85}, {"penalty_per_kwh", 0.3},
          {"utc_offset_minutes", kOff},
          {"events", {{{"id", "e1"}, {"type", "peak_shaving"}, {"notified", "2025-07-09T09:00:00+08:00"},
                       {"window", {{"start", "2025-07-10T14:00:00+08:00"}, {"end", "2025-07-10T16:00:00+08:00"}}}, {"requested_kw", 40}}}}};
}

void expect_error(nlohmann::json j, const std::string& path, const std::string& text, dr::EventCheck c = {}) {
  try {
    dr::parse_events(j, "events.json", c);
    ADD_FAILURE() << "no error";
  } catch (const InputError& e) {
    EXPECT_EQ(e.path(), path) << e.what();
    EXPECT_NE(e.detail().find(text), std::string::npos) << e.what();
  }
}

TEST(DemandResponse, EventsValidatedWithPaths) {
  const auto ev = dr::parse_events(events_json(), "events.json");
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(ev[0].requested_energy_kwh(), 80);  // 40 kW x 2 h
  EXPECT_EQ(ev[0].compensation_per_kwh, 0.85);
  auto j = events_json();
  j["events"].push_back(j["events"][0]);
  j["events"][1]["id"] = "e2";
  j["events"][1]["window"]["start"] = "2025-07-10T15:00:00+08:00";
  j["events"][1]["window"]["end"] = "2025-07-10T17:00:00+08:00";
  expect_error(j, "/events/1/window", "overlaps event \"e1\"");
  j = events_json();
  j["events"][0]["notified"] = "2025-07-10T09:00:00+08:00";
  expect_error(j, "/events/0/notified", "announced 5 h before its start, the programme needs 24 h");
  j = events_json();
  j["events"][0]["window"]["end"] = "2025-07-10T13:00:00+08:00";
  expect_error(j, "/events/0/window/end", "ends");
  j = events_json();
  j["events"][0]["requested_kwh"] = 10;
  expect_error(j, "/events/0/requested_kw", "one of them");
  dr::EventCheck now;
  now.now_unix_s = parse_iso8601("2025-07-11T00:00:00+08:00");
  expect_error(events_json(), "/events/0/window/start", "the event is in the past", now);
  j = events_json();
  j["events"][0]["window"]["start"] = "2025-07-10 14h";
  expect_error(j, "/events/0/window/start", "");
}

TEST(DemandResponse, XOfYBaselineWithDayOfAdjustment) {
  const auto e = dr::parse_events(events_json())[0];
  dr::BaselineRule r;
  r.x_days = 2;
  r.y_days = 3;
  r.utc_offset_minutes = kOff;
  // The 3 most recent weekdays before Thursday 10 July: 9 (100), 8 (120), 7 (90); the highest 2
  // average (120 + 100) / 2 = 110.
  auto b = dr::customer_baseline(e, meter(), r);
  EXPECT_EQ(b.days_used, (std::vector<std::string>{"2025-07-08", "2025-07-09"}));
  EXPECT_DOUBLE_EQ(b.baseline_kwh[0], 110);
  EXPECT_DOUBLE_EQ(b.baseline_kwh[1], 110);
  // 8 July had an event: not eligible. Then 9, 7 and 4 (Friday; 5 and 6 are a weekend): highest
  // 130 and 100, 115.
  dr::Event other = e;
  other.id = "e0";
  other.start_unix_s = parse_iso8601("2025-07-08T14:00:00+08:00");
  other.end_unix_s = other.start_unix_s + 7200;
  b = dr::customer_baseline(e, meter(), r, {other});
  EXPECT_EQ(b.days_used, (std::vector<std::string>{"2025-07-04", "2025-07-09"}));
  EXPECT_DOUBLE_EQ(b.baseline_kwh[0], 115);
  // Day-of adjustment over 10:00-13:00 (4 h before, 3 h long): the days used had 100, the event
  // day 110: factor 1.1, baseline 121; capped at 5 %: 1.05, 115.5.
  r.adjustment = "multiplicative";
  b = dr::customer_baseline(e, meter(), r);
  EXPECT_DOUBLE_EQ(b.adjustment_factor, 1.1);
  EXPECT_NEAR(b.baseline_kwh[0], 121, 1e-12);
  r.adjustment_cap = 0.05;
  b = dr::customer_baseline(e, meter(), r);
  EXPECT_NEAR(b.baseline_kwh[0], 115.5, 1e-12);
  r.adjustment = "additive";
  r.adjustment_cap = 0.2;
  b = dr::customer_baseline(e, meter(), r);
  EXPECT_NEAR(b.baseline_kwh[0], 120, 1e-12);  // 110 + (110 - 100)
  // Not enough history: 25 June .. 9 July has 11 weekdays, so 12 of 12 cannot be met.
  r.x_days = r.y_days = 12;
  try {
    dr::customer_baseline(e, meter(), r);
    ADD_FAILURE();
  } catch (const InputError& err) {
    EXPECT_EQ(err.path(), "baseline");
    EXPECT_NE(err.detail().find("only 11 eligible day(s)"), std::string::npos) << err.what();
  }
}

TEST(DemandResponse, SettlementPaysVerifiedReductionAndChargesShortfall) {
  const auto e = dr::parse_events(events_json())[0];
  dr::BaselineRule r;
  r.x_days = 2;
  r.y_days = 3;
  r.utc_offset_minutes = kOff;
  // Metered 80 against 110: 30 x 2 = 60 kWh of 80 asked (75 %): paid 60 x 0.85 = 51, short 20 x 0.3 = 6.
  auto s = dr::settle(e, meter(110, 80), r);
  EXPECT_DOUBLE_EQ(s.delivered_kwh, 60);
  EXPECT_DOUBLE_EQ(s.performance, 0.75);
  EXPECT_NEAR(s.payment, 51, 1e-12);
  EXPECT_NEAR(s.penalty, 6, 1e-12);
  EXPECT_NEAR(s.net, 45, 1e-12);
  // 100 metered: 20 kWh, 25 % < 50 %: nothing paid, 60 short: -18.
  s = dr::settle(e, meter(110, 100), r);
  EXPECT_EQ(s.payment, 0);
  EXPECT_NEAR(s.net, -18, 1e-12);
  // 0 metered: 220 kWh delivered, paid up to 1.2 x 80 = 96: 81.6.
  s = dr::settle(e, meter(110, 0), r);
  EXPECT_NEAR(s.payment, 81.6, 1e-12);
  EXPECT_EQ(s.penalty, 0);
  // Valley filling (more use asked for): the lowest 2 of 9, 8, 7 July (100, 120, 90) is 95; 130
  // metered is 35 x 2 = 70 kWh more of 80 asked: 70 x 0.85 - 10 x 0.3 = 56.5.
  auto valley = e;
  valley.type = dr::EventType::valley_filling;
  const auto v = dr::settle(valley, meter(110, 130), r);
  EXPECT_EQ(v.baseline.days_used, (std::vector<std::string>{"2025-07-07", "2025-07-09"}));
  EXPECT_DOUBLE_EQ(v.delivered_kwh, 70);
  EXPECT_NEAR(v.net, 56.5, 1e-12);
  auto st = store::Store::open("sqlite::memory:");
  const auto id = dr::record_settlement(st, e, s);
  const auto rows = st.dr_events();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].id, id);
  EXPECT_EQ(rows[0].program, "summer-peak");
  EXPECT_EQ(rows[0].requested_kw, 40);
  EXPECT_NEAR(*rows[0].baseline_kwh, 220, 1e-9);
  EXPECT_NEAR(*rows[0].delivered_kwh, 220, 1e-9);
  EXPECT_EQ(rows[0].status, "completed");
}

}  // namespace

// ---- the event answered by the operations loop (dr::answer_in_loop), computed by hand ----------

namespace {

// Six days hourly from Mon 2025-07-07 (UTC+8): load 1000 kW, 1500 kW 08-20 h; a flat grid price of
// 1.0 (sell 0.1), so without an event the 2 MWh / 1 MW battery (efficiency 0.9 each way, SOC 0.5,
// every plan ends at least there) does nothing.
nlohmann::json loop_park() {
  std::vector<double> load;
  for (int d = 0; d < 6; ++d)
    for (int h = 0; h < 24; ++h) load.push_back(h >= 8 && h < 20 ? 1500.0 : 1000.0);
  return nlohmann::json{
      {"name", "dr loop"},
      {"time", {{"start", "2025-07-07T00:00:00+08:00"}, {"step_minutes", 60}, {"steps", 144}}},
      {"buses", nlohmann::json::array({{{"name", "el"}, {"carrier", "electricity"}}})},
      {"devices",
       nlohmann::json::array(
           {{{"name", "grid"}, {"type", "grid"}, {"bus", "el"}, {"buy_price_per_kwh", 1.0}, {"sell_price_per_kwh", 0.1}},
            {{"name", "bat"}, {"type", "battery"}, {"bus", "el"}, {"energy_kwh", 2000}, {"power_kw", 1000},
             {"charge_efficiency", 0.9}, {"discharge_efficiency", 0.9}, {"soc_initial", 0.5}},
            {{"name", "load"}, {"type", "load"}, {"bus", "el"}, {"profile_kw", load}}})}};
}

}  // namespace

TEST(DemandResponse, AnsweredByTheOperationsLoop) {
  // A 500 kW peak-shaving event on Friday 11 July 14-16 h at 0.85 per kWh, announced the day before.
  const auto events = dr::parse_events(nlohmann::json::parse(R"({"program": "peak", "compensation_per_kwh": 0.85,
    "events": [{"id": "E1", "type": "peak_shaving", "notified": "2025-07-10T12:00:00+08:00",
     "window": {"start": "2025-07-11T14:00:00+08:00", "end": "2025-07-11T16:00:00+08:00"}, "requested_kw": 500}]})"));
  ehub::sim::LoopOptions o;
  o.strategy = ehub::sim::Strategy::perfect;
  o.horizon_hours = 24;  // the Friday plan is the first to see the event
  o.reoptimize_every_hours = 24;
  o.dispatch.solver = "cbc";
  o.twin.battery_taper_fraction = 0;  // the twin delivers the plan exactly (no taper, no derate)
  o.twin.battery_efficiency_drop = 0;
  dr::BaselineRule rule;
  rule.x_days = 2;
  rule.y_days = 2;
  rule.select = "recent";
  rule.utc_offset_minutes = 480;
  const auto a = dr::answer_in_loop(loop_park(), "park.json", ".", o, events[0], rule);
  // The plan sees each kWh of import in the window 0.85 dearer: the battery charges from 1000 to
  // 2000 kWh before it (1111.1 kWh from the grid), delivers 2000 x 0.9 = 1800 kWh in the two hours
  // and is charged back to 1000 kWh by the day's end (1111.1 kWh): 422.2 kWh more import at 1.0.
  EXPECT_NEAR(a.cost_with - a.cost_without, 2 * 1000 / 0.9 - 1800, 0.05);
  // Baseline: Wednesday and Thursday, 1500 kW x 2 h = 3000 kWh (the battery idle then); metered
  // 3000 - 1800 = 1200 kWh; paid min(1800, 1.2 x 1000) = 1200 kWh x 0.85 = 1020.
  EXPECT_NEAR(a.settlement.baseline_kwh, 3000.0, 1e-6);
  EXPECT_NEAR(a.settlement.delivered_kwh, 1800.0, 0.05);
  EXPECT_NEAR(a.settlement.paid_kwh, 1200.0, 1e-6);
  EXPECT_NEAR(a.settlement.payment, 1020.0, 1e-6);
  EXPECT_NEAR(a.value, 1020.0 - (2 * 1000 / 0.9 - 1800), 0.05);
  // The incentive is no cost of the park: the run without the event costs the load at 1.0.
  EXPECT_NEAR(a.cost_without, 6 * (12 * 1500.0 + 12 * 1000.0), 0.05);
  // Bad input: a grid that does not exist, a run that stops before the event.
  EXPECT_THROW(dr::answer_in_loop(loop_park(), "park.json", ".", o, events[0], rule, "nope"), ehub::InputError);
  o.days = 4;
  EXPECT_THROW(dr::answer_in_loop(loop_park(), "park.json", ".", o, events[0], rule), ehub::InputError);
}
