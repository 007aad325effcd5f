// The twin's balancing policy and physics on one-step settlements computed by hand: storage takes
// a deviation first, the grid only what storage cannot; the battery's SOC-dependent power limit.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "ehub/core/error.hpp"
#include "ehub/dispatch/dispatch.hpp"
#include "ehub/sim/twin.hpp"

namespace {

using nlohmann::json;

// One hour: load 300 kW (actual), grid at 1.0/kWh (sell 0.1), a 10 MWh / 500 kW battery with
// efficiencies 1 starting at `soc` (fraction).
json step(double soc) {
  return json{{"name", "twin step"},
              {"time", {{"start", "2025-06-01T10:00:00+08:00"}, {"step_minutes", 60}, {"steps", 1}}},
              {"buses", json::array({{{"name", "el"}, {"carrier", "electricity"}}})},
              {"devices",
               json::array({{{"name", "grid"}, {"type", "grid"}, {"bus", "el"}, {"buy_price_per_kwh", 1.0},
                             {"sell_price_per_kwh", 0.1}, {"emission_factor_kg_per_kwh", 0.5}},
                            {{"name", "battery"}, {"type", "battery"}, {"bus", "el"}, {"energy_kwh", 10000},
                             {"power_kw", 500}, {"charge_efficiency", 1.0}, {"discharge_efficiency", 1.0},
                             {"soc_initial", soc}, {"end_condition", "free"}},
                            {{"name", "load"}, {"type", "load"}, {"bus", "el"}, {"profile_kw", {300.0}}}})}};
}

double state(const ehub::dispatch::Result& r, const std::string& dev, const std::string& name) {
  for (const auto& s : r.states)
    if (s.device == dev && s.name == name) return s.values.at(0);
  throw std::runtime_error("no state " + dev + "." + name);
}

ehub::sim::Pins plan(double charge, double discharge, double import) {
  return {{"battery", {{"charge_kw", {charge}}, {"discharge_kw", {discharge}}}},
          {"grid", {{"import_kw", {import}}, {"export_kw", {0.0}}}}};
}

ehub::dispatch::Options cbc() {
  ehub::dispatch::Options o;
  o.solver = "cbc";
  return o;
}

}  // namespace

TEST(Twin, StorageTakesTheDeviationBeforeTheGrid) {
  // The plan expected 200 kW of load, all from the grid; the actual load is 300 kW. Policy (W = 2):
  // battery deviation 2/kWh < grid deviation 8/kWh, so the battery discharges the 100 kW and the
  // import stays at the plan's 200 kW (least cost alone would discharge 300 kW: energy in the
  // battery is free here). Cost = 200 x 1.0 = 200; the deviation prices are not a cost.
  const auto tr = ehub::sim::execute(step(0.5), "step", ".", plan(0, 0, 200), cbc());
  EXPECT_NEAR(state(tr.executed, "battery", "discharge_kw"), 100.0, 1e-6);
  EXPECT_NEAR(state(tr.executed, "grid", "import_kw"), 200.0, 1e-6);
  EXPECT_NEAR(tr.executed.kpis.cost_total, 200.0, 1e-6);
  EXPECT_EQ(tr.executed.kpis.cost.count("balancing_penalty"), 0u);
}

TEST(Twin, GridTakesWhatAnEmptyBatteryCannot) {
  // Same deviation with the battery empty (soc 0 = soc_min): the grid imports all 300 kW.
  const auto tr = ehub::sim::execute(step(0.0), "step", ".", plan(0, 0, 200), cbc());
  EXPECT_NEAR(state(tr.executed, "battery", "discharge_kw"), 0.0, 1e-6);
  EXPECT_NEAR(state(tr.executed, "grid", "import_kw"), 300.0, 1e-6);
  EXPECT_NEAR(tr.executed.kpis.cost_total, 300.0, 1e-6);
}

TEST(Twin, BatteryChargePowerTapersNearFull) {
  // SOC 0.97 of 10 MWh, taper band 0.1 x 10 MWh = 1 MWh below soc_max 1.0: the charge limit is
  // 500 x (10000 - 9700) / 1000 = 150 kW. The plan asked for 500 kW (import 800 kW); the battery
  // takes 150 kW and the grid imports 300 + 150 = 450 kW: cost 450.
  const auto tr = ehub::sim::execute(step(0.97), "step", ".", plan(500, 0, 800), cbc());
  EXPECT_NEAR(state(tr.executed, "battery", "charge_kw"), 150.0, 1e-6);
  EXPECT_NEAR(state(tr.executed, "grid", "import_kw"), 450.0, 1e-6);
  EXPECT_NEAR(tr.executed.kpis.cost_total, 450.0, 1e-6);
  // The SOC lies 0.7 deep into the top band: charge efficiency 1 - 0.02 x 0.7 = 0.986, so the
  // 150 kWh charged add 147.9 kWh: SOC 9847.9 kWh.
  EXPECT_NEAR(state(tr.executed, "battery", "soc_kwh"), 9700.0 + 150.0 * 0.986, 1e-6);
  // Without the taper only the SOC limit binds: 10000 - 9700 = 300 kW in the hour.
  ehub::sim::TwinOptions no_taper;
  no_taper.battery_taper_fraction = 0.0;  // (also no efficiency drop: it lives in the band)
  const auto full = ehub::sim::execute(step(0.97), "step", ".", plan(500, 0, 800), cbc(), no_taper);
  EXPECT_NEAR(state(full.executed, "battery", "charge_kw"), 300.0, 1e-6);
  EXPECT_NEAR(state(full.executed, "battery", "soc_kwh"), 10000.0, 1e-6);
}

TEST(Twin, OptionsAreValidated) {
  ehub::sim::TwinOptions o;
  o.battery_taper_fraction = 0.7;
  EXPECT_THROW(o.validate(), ehub::InputError);
  o.battery_taper_fraction = 0.1;
  o.balancing_penalty_per_kwh = -1;
  EXPECT_THROW(o.validate(), ehub::InputError);
  o.balancing_penalty_per_kwh = 2;
  o.battery_efficiency_drop = 0.6;
  EXPECT_THROW(o.validate(), ehub::InputError);
}

TEST(Twin, UnitsBurnMoreFuelAtPartLoadThanThePlanAssumed) {
  // A 1 MW CHP (electric efficiency 0.40, min load 0.3, no part-load data) committed by the plan
  // serves a 300 kW load at minimum load. The plan's fuel is 300 / 0.40 = 750 kW; the twin's
  // efficiency at min load is 0.9 x 0.40 = 0.36, on the fuel line through (300, 300/0.36) and
  // (1000, 1000/0.40): fuel = 833.33 kW at 300 kW.
  json j{{"name", "chp step"},
         {"time", {{"start", "2025-01-10T10:00:00+08:00"}, {"step_minutes", 60}, {"steps", 1}}},
         {"buses", json::array({{{"name", "el"}, {"carrier", "electricity"}}, {{"name", "gas"}, {"carrier", "gas"}},
                                {{"name", "heat"}, {"carrier", "heat"}}})},
         {"devices",
          json::array({{{"name", "grid"}, {"type", "grid"}, {"bus", "el"}, {"buy_price_per_kwh", 5.0},
                        {"sell_price_per_kwh", 0.0}, {"emission_factor_kg_per_kwh", 0.5}},
                       {{"name", "gas"}, {"type", "gas_supply"}, {"bus", "gas"}, {"price_per_m3", 1.0},
                        {"heating_value_kwh_per_m3", 10.0}},
                       {{"name", "chp"}, {"type", "chp"}, {"ports", {{"fuel", "gas"}, {"el", "el"}, {"heat", "heat"}}},
                        {"capacity_kw", 1000}, {"electric_efficiency", 0.40}, {"thermal_efficiency", 0.40},
                        {"min_load", 0.3}},
                       {{"name", "load"}, {"type", "load"}, {"bus", "el"}, {"profile_kw", {300.0}}}})}};
  const ehub::sim::Pins pins{{"chp", {{"on", {1.0}}, {"p_kw", {300.0}}}}};
  const auto tr = ehub::sim::execute(j, "chp step", ".", pins, cbc());
  EXPECT_NEAR(state(tr.executed, "chp", "p_kw"), 300.0, 1e-6);
  EXPECT_NEAR(state(tr.executed, "chp", "fuel_kw"), 300.0 / 0.36, 1e-6);
  ehub::sim::TwinOptions same;
  same.unit_min_load_efficiency_ratio = 1.0;
  const auto plan_like = ehub::sim::execute(j, "chp step", ".", pins, cbc(), same);
  EXPECT_NEAR(state(plan_like.executed, "chp", "fuel_kw"), 750.0, 1e-6);
}
