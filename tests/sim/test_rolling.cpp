// Operations loop: perfect foresight equals one long dispatch, SOC carried exactly, mpc with
// seasonal-naive forecasts on daily-repeating data equals perfect, no look-ahead.
#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "ehub/dispatch/dispatch.hpp"
#include "ehub/hub/scenario.hpp"
#include "ehub/sim/rolling.hpp"
#include "ehub/sim/twin.hpp"

namespace {

using nlohmann::json;

// Two days hourly: 1 MW load, 1.5 MW PV around noon, a 2 MWh / 1 MW battery, a TOU grid.
json tiny(int days = 2, bool repeat = true) {
  std::vector<double> load, pv;
  for (int d = 0; d < days; ++d)
    for (int h = 0; h < 24; ++h) {
      load.push_back(1000.0 + (repeat ? 0.0 : 100.0 * d) + (h >= 8 && h < 20 ? 500.0 : 0.0));
      const double x = (h - 12) / 4.0;
      pv.push_back(std::abs(x) < 1.5 ? std::max(0.0, 1.0 - x * x / 2.25) * (repeat ? 1.0 : 1.0 - 0.3 * d) : 0.0);
    }
  return json{
      {"name", "tiny"},
      {"time", {{"start", "2025-06-01T00:00:00+08:00"}, {"step_minutes", 60}, {"steps", 24 * days}}},
      {"buses", json::array({{{"name", "el"}, {"carrier", "electricity"}}})},
      {"devices",
       json::array({{{"name", "grid"}, {"type", "grid"}, {"bus", "el"}, {"emission_factor_kg_per_kwh", 0.5},
                     {"tariff",
                      {{"periods", json::array({{{"name", "peak"}, {"hours", {{8, 22}}}, {"buy_per_kwh", 1.0}, {"sell_per_kwh", 0.1}},
                                                {{"name", "valley"}, {"hours", {{22, 8}}}, {"buy_per_kwh", 0.4}, {"sell_per_kwh", 0.1}}})}}}},
                    {{"name", "pv"}, {"type", "pv"}, {"bus", "el"}, {"capacity_kw", 1500}, {"availability", pv}},
                    {{"name", "battery"}, {"type", "battery"}, {"bus", "el"}, {"energy_kwh", 2000}, {"power_kw", 1000},
                     {"round_trip_efficiency", 0.81}, {"soc_initial", 0.5}, {"end_condition", "free"}},
                    {{"name", "load"}, {"type", "load"}, {"bus", "el"}, {"profile_kw", load}}})}};
}

ehub::sim::LoopOptions opts(ehub::sim::Strategy s) {
  ehub::sim::LoopOptions o;
  o.strategy = s;
  o.dispatch.solver = "cbc";
  o.forecaster = "seasonal_naive_day";  // the tests below reason about its forecasts exactly
  return o;
}

TEST(Rolling, PerfectForesightEqualsOneLongDispatch) {
  const json j = tiny();
  const auto sc = ehub::hub::scenario_from_json(j, "tiny", ".");
  const auto single = ehub::dispatch::solve(sc, {});
  ASSERT_EQ(single.status, ehub::lp::Status::optimal);
  const auto rep = ehub::sim::run_loop(j, "tiny", ".", opts(ehub::sim::Strategy::perfect));
  EXPECT_EQ(rep.steps, 48);
  EXPECT_EQ(rep.solves, 2 + 48);  // two plans, one causal settlement per executed step
  // Bellman: the second plan solves the tail of the first problem from the same SOC with the same
  // data and end condition, so its optimum equals the tail of the single dispatch; the twin keeps
  // the plan's setpoints and the data are the plan's.
  EXPECT_NEAR(rep.kpis.cost_total, single.kpis.cost_total, 1e-6 * std::abs(single.kpis.cost_total) + 1e-6);
  EXPECT_NEAR(rep.kpis.grid_import_kwh, single.kpis.grid_import_kwh, 1e-2);
  EXPECT_NEAR(rep.grid_deviation_kwh, 0.0, 1e-2);  // storage setpoints shrink by 1e-7 (twin.hpp)
  EXPECT_GT(rep.kpis.storage_cycles.at("battery"), 0.5);  // the battery does work (valley charge, peak use)
  // SOC carry-over: the executed SOC path is the plan's and continuous across the decision at 24 h.
  const auto& soc = rep.log.soc_kwh.at("battery");
  ASSERT_EQ(soc.size(), 48u);
  const double e_c = std::sqrt(0.81);
  double s = 1000.0;
  for (std::size_t t = 0; t < 48; ++t) {  // replay the executed battery power through the dynamics
    const double p = rep.log.storage_kw[t];
    s += p < 0 ? -p * e_c : -p / e_c;
    EXPECT_NEAR(soc[t], s, 1e-5) << "step " << t;
  }
}

TEST(Rolling, WindowSettlementGivesTheSameSchedule) {
  // With the plan's data as the actual data, settling the executed day at once or step by step
  // follows the same setpoints: same cost, one settlement per window instead of per step.
  const json j = tiny();
  auto o = opts(ehub::sim::Strategy::perfect);
  const auto causal = ehub::sim::run_loop(j, "tiny", ".", o);
  o.twin.causal = false;
  const auto window = ehub::sim::run_loop(j, "tiny", ".", o);
  EXPECT_EQ(window.solves, 4);
  EXPECT_NEAR(window.kpis.cost_total, causal.kpis.cost_total, 1e-6 * std::abs(causal.kpis.cost_total) + 1e-6);
}

TEST(Rolling, MpcWithSeasonalNaiveOnRepeatingDataEqualsPerfect) {
  const json j = tiny(3, true);
  const auto perfect = ehub::sim::run_loop(j, "tiny", ".", opts(ehub::sim::Strategy::perfect));
  const auto mpc = ehub::sim::run_loop(j, "tiny", ".", opts(ehub::sim::Strategy::mpc));
  EXPECT_NEAR(mpc.kpis.cost_total, perfect.kpis.cost_total, 1e-6 * std::abs(perfect.kpis.cost_total));
  EXPECT_EQ(mpc.forecast_fallback_steps, 24);  // no history before the first day
  EXPECT_EQ(mpc.summary()["forecaster"], "seasonal_naive_day");
  EXPECT_EQ(mpc.summary()["forecast_baseline_steps"], 0);
  for (const auto& [name, mae] : mpc.forecast_mae) EXPECT_NEAR(mae, 0.0, 1e-12) << name;
}

TEST(Rolling, MpcNeverReadsDataAfterTheDecisionTime) {
  json a = tiny(4, false);
  json b = a;
  // Corrupt the forecastable series from step 48 (the third decision time) on.
  for (auto& d : b["devices"]) {
    if (d["name"] == "load")
      for (std::size_t t = 48; t < 96; ++t) d["profile_kw"][t] = 5000.0;
    if (d["name"] == "pv")
      for (std::size_t t = 48; t < 96; ++t) d["availability"][t] = 0.0;
  }
  const auto ra = ehub::sim::run_loop(a, "a", ".", opts(ehub::sim::Strategy::mpc));
  const auto rb = ehub::sim::run_loop(b, "b", ".", opts(ehub::sim::Strategy::mpc));
  ASSERT_EQ(ra.log.plan_grid_kw.size(), 96u);
  // Plans made at 0, 24 and 48 h only see data before their decision time: identical.
  for (std::size_t t = 0; t < 72; ++t) {
    EXPECT_NEAR(ra.log.plan_grid_kw[t], rb.log.plan_grid_kw[t], 1e-6) << "step " << t;
    EXPECT_NEAR(ra.log.plan_storage_kw[t], rb.log.plan_storage_kw[t], 1e-6) << "step " << t;
  }
  // Execution from step 48 meets the corrupted actuals.
  EXPECT_GT(std::abs(ra.log.grid_kw[60] - rb.log.grid_kw[60]), 100.0);
}

TEST(Rolling, RulesChargeInTheValleyAndDischargeAtPeak) {
  const json j = tiny();
  // The rule computes its setpoints with the battery's constant efficiencies; with the twin's
  // SOC-dependent efficiency the last charge step near full would deviate by about 1 kWh.
  auto o = opts(ehub::sim::Strategy::rules);
  o.twin.battery_efficiency_drop = 0.0;
  const auto r = ehub::sim::run_loop(j, "tiny", ".", o);
  const auto& p = r.log.storage_kw;  // executed = the rule's setpoints (pinned)
  // 00:00 is a valley hour with SOC 0.5 < soc_max 1: full charge power 1000 kW.
  EXPECT_NEAR(p[0], -1000.0, 0.1);
  // 08:00 is peak: discharge at 1000 kW while the battery holds energy (full by 01:00-02:00).
  EXPECT_NEAR(p[8], 1000.0, 0.1);
  EXPECT_NEAR(r.storage_deviation_kwh, 0.0, 1e-6);
  const auto perfect = ehub::sim::run_loop(j, "tiny", ".", opts(ehub::sim::Strategy::perfect));
  EXPECT_GE(r.kpis.cost_total, perfect.kpis.cost_total - 1e-6);
}

TEST(Rolling, OptionsAreValidated) {
  ehub::sim::LoopOptions o;
  o.reoptimize_every_hours = 72;
  EXPECT_THROW(o.validate(), ehub::InputError);
  EXPECT_EQ(ehub::sim::strategy_from_string("rules"), ehub::sim::Strategy::rules);
  EXPECT_THROW(ehub::sim::strategy_from_string("oracle"), ehub::InputError);
}

}  // namespace

namespace {

TEST(Rolling, DemandChargeOnTheExecutedMonthlyPeak) {
  // The loop bills a monthly demand charge on the executed peak import of each month, prorated to
  // the share of the month run: 2 days of June (720 h) at 30 per kW-month = 30 x peak x 48/720.
  // The peak is read here from the executed grid import of every step.
  json j = tiny();
  j["devices"][0]["demand_charge_per_kw_month"] = 30.0;
  for (auto s : {ehub::sim::Strategy::rules, ehub::sim::Strategy::perfect}) {
    const auto r = ehub::sim::run_loop(j, "tiny", ".", opts(s));
    double peak = 0;
    for (const auto& st : r.executed.states)
      if (st.device == "grid" && st.name == "import_kw")
        for (double v : st.values) peak = std::max(peak, v);
    ASSERT_GT(peak, 100.0);
    EXPECT_NEAR(r.kpis.cost.at("demand_charge"), 30.0 * peak * 48.0 / 720.0, 1e-6) << to_string(s);
    double sum = 0;
    for (const auto& [name, v] : r.kpis.cost) sum += v;
    EXPECT_NEAR(r.kpis.cost_total, sum, 1e-6);
  }
}

}  // namespace

TEST(Rolling, MoreDaysThanTheDataIsAnError) {
  // Issue 13 item 10: `simulate --days 30` on 2 days of data silently ran 2 days.
  auto o = opts(ehub::sim::Strategy::perfect);
  o.days = 30;
  try {
    ehub::sim::run_loop(tiny(2), "tiny.json", ".", o);
    FAIL() << "no error";
  } catch (const ehub::InputError& e) {
    EXPECT_EQ(e.path(), "--days");
    EXPECT_NE(std::string(e.detail()).find("asks for 30 days but the scenario's data hold 2 days (48 steps)"),
              std::string::npos) << e.what();
  }
  o.days = 2;
  EXPECT_NO_THROW(ehub::sim::run_loop(tiny(2), "tiny.json", ".", o));
}
