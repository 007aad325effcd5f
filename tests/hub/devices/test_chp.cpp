// Device chp (heat and power, dumped heat, part-load curve, unit history): minimal hubs dispatched against optima computed by hand (the
// arithmetic is in each test's comment).
#include "device_park.hpp"

using namespace ehub_test;

TEST(DeviceChp, ChpCoversHeatAndPower) {
  // CHP 100 kW el, 40 % el / 40 % th: full load burns 250 kW gas, gives 100 kW heat. Gas 2.0 per
  // m3 at 10 kWh/m3 = 0.2 per kWh -> 50 per hour. Alternative: grid 100 x 1.0 + boiler
  // 50 / 0.9 x 0.2 = 111.1. So the CHP runs at full load, dumps 50 kW heat: cost 50;
  // emissions 250 kWh x 0.2 kg/kWh = 50 kg.
  json buses = json::array({{{"name", "el"}, {"carrier", "electricity"}},
                            {{"name", "heat"}, {"carrier", "heat"}},
                            {{"name", "gas"}, {"carrier", "gas"}}});
  json devs = json::array(
      {grid(1.0), load("el", {100}), load("heat", {50}, "heat"),
       {{"name", "gas"}, {"type", "gas_supply"}, {"bus", "gas"}, {"price_per_m3", 2.0},
        {"heating_value_kwh_per_m3", 10.0}, {"emission_factor_kg_per_m3", 2.0}},
       {{"name", "chp"}, {"type", "chp"}, {"capacity_kw", 100}, {"electric_efficiency", 0.4},
        {"thermal_efficiency", 0.4}, {"min_load", 0.3}, {"ports", {{"fuel", "gas"}, {"el", "el"}, {"heat", "heat"}}}},
       {{"name", "boiler"}, {"type", "gas_boiler"}, {"capacity_kw", 100}, {"efficiency", 0.9},
        {"ports", {{"in", "gas"}, {"out", "heat"}}}}});
  const auto r = run(scenario(1, buses, devs));
  ASSERT_EQ(r.status, ehub::lp::Status::optimal);
  EXPECT_NEAR(r.objective, 50.0, 1e-6);
  EXPECT_NEAR(flow(r, "chp", "el").kw[0], 100.0, 1e-6);
  EXPECT_NEAR(flow(r, "chp", "fuel").kw[0], -250.0, 1e-6);
  EXPECT_NEAR(r.kpis.emissions_kg_by_source.at("gas"), 50.0, 1e-6);
  EXPECT_NEAR(state(r, "chp", "on").values[0], 1.0, 1e-9);
}

TEST(DeviceChp, ChpDumpedHeatIsReportedAsStateAndKpi) {
  // Issue 13 item 4. Three hours of the case above without the boiler: the CHP runs at full load
  // (100 kW el, 250 kW gas at 0.2/kWh = 50 per hour, against 100 per hour from the grid), makes
  // 0.4 x 250 = 100 kW heat of which the 50 kW heat load uses 50: 50 kW dumped per hour, 150 kWh
  // over the 3 hours. With "heat_dump": false the CHP must use all its heat: it can run only at
  // 50 kW heat = 125 kW gas = 50 kW el (min load 30), the grid buys 50 kW: cost 3 x (25 + 50) = 225.
  json buses = json::array({{{"name", "el"}, {"carrier", "electricity"}},
                            {{"name", "heat"}, {"carrier", "heat"}},
                            {{"name", "gas"}, {"carrier", "gas"}}});
  json chp = {{"name", "chp"}, {"type", "chp"}, {"capacity_kw", 100}, {"electric_efficiency", 0.4},
              {"thermal_efficiency", 0.4}, {"min_load", 0.3}, {"ports", {{"fuel", "gas"}, {"el", "el"}, {"heat", "heat"}}}};
  json devs = json::array(
      {grid(1.0), load("el", {100, 100, 100}), load("heat", {50, 50, 50}, "heat"),
       {{"name", "gas"}, {"type", "gas_supply"}, {"bus", "gas"}, {"price_per_m3", 2.0},
        {"heating_value_kwh_per_m3", 10.0}, {"emission_factor_kg_per_m3", 2.0}},
       chp});
  const auto r = run(scenario(3, buses, devs));
  ASSERT_EQ(r.status, ehub::lp::Status::optimal);
  EXPECT_NEAR(r.objective, 150.0, 1e-6);
  EXPECT_NEAR(r.kpis.heat_dumped_kwh, 150.0, 1e-6);
  for (int t = 0; t < 3; ++t) {
    EXPECT_NEAR(state(r, "chp", "heat_dumped_kw").values[static_cast<std::size_t>(t)], 50.0, 1e-6);
    EXPECT_NEAR(state(r, "chp", "heat_kw").values[static_cast<std::size_t>(t)], 50.0, 1e-6);
  }
  EXPECT_NEAR(d::kpis_json(r.kpis).at("heat_dumped_kwh").get<double>(), 150.0, 1e-6);
  devs[4]["heat_dump"] = false;
  const auto tied = run(scenario(3, buses, devs));
  ASSERT_EQ(tied.status, ehub::lp::Status::optimal);
  EXPECT_NEAR(tied.objective, 225.0, 1e-6);
  EXPECT_NEAR(tied.kpis.heat_dumped_kwh, 0.0, 1e-9);
}

TEST(DeviceChp, ChpPartLoadCurve) {
  // CHP 100 kW, curve (0.5, 0.30), (1.0, 0.40): fuel 166.67 kW at 50 kW and 250 kW at 100 kW,
  // slope 1.6667 per kW. Electricity load 75 kW, grid 10 per kWh (never cheaper), gas 0.1 per kWh
  // fuel: fuel at 75 kW = 166.67 + 25 x 1.6667 = 208.33 kW -> 20.833 per hour.
  json buses = json::array({{{"name", "el"}, {"carrier", "electricity"}},
                            {{"name", "heat"}, {"carrier", "heat"}},
                            {{"name", "gas"}, {"carrier", "gas"}}});
  json devs = json::array(
      {grid(10.0), load("el", {75}),
       {{"name", "gas"}, {"type", "gas_supply"}, {"bus", "gas"}, {"price_per_m3", 1.0},
        {"heating_value_kwh_per_m3", 10.0}, {"emission_factor_kg_per_m3", 0.0}},
       {{"name", "chp"}, {"type", "chp"}, {"capacity_kw", 100}, {"min_load", 0.5}, {"electric_efficiency", 0.4},
        {"thermal_efficiency", 0.4}, {"part_load_curve", {{0.5, 0.3}, {1.0, 0.4}}},
        {"ports", {{"fuel", "gas"}, {"el", "el"}, {"heat", "heat"}}}},
       {{"name", "dump"}, {"type", "load"}, {"bus", "heat"}, {"carrier", "heat"}, {"profile_kw", {0}}}});
  const auto r = run(scenario(1, buses, devs));
  ASSERT_EQ(r.status, ehub::lp::Status::optimal);
  EXPECT_NEAR(flow(r, "chp", "fuel").kw[0], -(50.0 / 0.3 + 25.0 * (250.0 - 50.0 / 0.3) / 50.0), 1e-6);
  EXPECT_NEAR(r.objective, 0.1 * (50.0 / 0.3 + 25.0 * (250.0 - 50.0 / 0.3) / 50.0), 1e-6);
}

TEST(DeviceChp, UnitHistoryBeforeTheFirstStep) {
  // Load 100 kW for 2 h from the grid at 0.1; a diesel generator (min up 2 h, min load 50 % of
  // 200 kW, 1.0 per kWh of electricity as in DieselMinimumLoadAndUpTime) was started 1 h before the
  // first step: it must run 1 more hour at >= 100 kW (exported at 0), then may stop.
  // Cost: 100 (diesel step 0) + 100 x 0.1 (grid step 1) = 110.
  json buses = json::array({{{"name", "el"}, {"carrier", "electricity"}}, {{"name", "dsl"}, {"carrier", "diesel"}}});
  json gen{{"name", "gen"}, {"type", "diesel_generator"}, {"capacity_kw", 200}, {"min_load", 0.5},
           {"min_up_h", 2}, {"min_down_h", 2}, {"fuel_g_per_kwh", 200}, {"fuel_heating_value_kwh_per_kg", 10},
           {"initial_on", true}, {"initial_hours_in_state", 1}, {"ports", {{"fuel", "dsl"}, {"el", "el"}}}};
  json fuel{{"name", "diesel"}, {"type", "diesel_supply"}, {"bus", "dsl"}, {"price_per_kg", 5.0},
            {"heating_value_kwh_per_kg", 10.0}};
  auto r = run(scenario(2, buses, json::array({grid(0.1), load("el", {100, 100}), gen, fuel})));
  ASSERT_EQ(r.status, ehub::lp::Status::optimal);
  EXPECT_NEAR(state(r, "gen", "on").values[0], 1.0, 1e-9);
  EXPECT_NEAR(state(r, "gen", "on").values[1], 0.0, 1e-9);
  EXPECT_NEAR(r.objective, 110.0, 1e-6);
  // Already on for 2 h: free to stop at once; cost 200 x 0.1 = 20.
  gen["initial_hours_in_state"] = 2;
  r = run(scenario(2, buses, json::array({grid(0.1), load("el", {100, 100}), gen, fuel})));
  EXPECT_NEAR(r.objective, 20.0, 1e-6);
  // Off for 1 h with min down 2 h and the grid limited to 50 kW: the unit cannot start in step 0,
  // so 50 kWh are unserved at the default value of lost load 50: 5 + 2500, then the unit runs
  // in step 1 at 100 kW (grid 0): 100. Total 2605.
  gen["initial_on"] = false;
  gen["initial_hours_in_state"] = 1;
  r = run(scenario(2, buses, json::array({grid(0.1, 0.0, 50), load("el", {100, 100}), gen, fuel})));
  EXPECT_NEAR(state(r, "gen", "on").values[0], 0.0, 1e-9);
  EXPECT_NEAR(r.kpis.unserved_kwh, 50.0, 1e-6);
  EXPECT_NEAR(r.objective, 2605.0, 1e-6);
}
