// Device diesel_generator (minimum load, minimum up time): minimal hubs dispatched against optima computed by hand (the
// arithmetic is in each test's comment).
#include "device_park.hpp"

using namespace ehub_test;

TEST(DeviceDieselGenerator, DieselMinimumLoadAndUpTime) {
  // Load 100, 0, 0 kW; grid import <= 50 at 0.1; diesel 200 kW, min load 50 % (100 kW), min up
  // 2 h, start cost 10; 200 g/kWh at 10 kWh/kg -> efficiency 0.5; diesel 5 per kg = 0.5 per kWh
  // fuel = 1.0 per kWh el. Step 0 needs the diesel at >= 100 kW (grid alone is short), so it runs
  // 100 kW; min up time keeps it at >= 100 kW in step 1 (exported at 0): 100 + 100 + 10 = 210.
  json buses = json::array({{{"name", "el"}, {"carrier", "electricity"}}, {{"name", "dsl"}, {"carrier", "diesel"}}});
  json gen{{"name", "gen"}, {"type", "diesel_generator"}, {"capacity_kw", 200}, {"min_load", 0.5},
           {"min_up_h", 2}, {"startup_cost", 10}, {"fuel_g_per_kwh", 200}, {"fuel_heating_value_kwh_per_kg", 10},
           {"ports", {{"fuel", "dsl"}, {"el", "el"}}}};
  json fuel{{"name", "diesel"}, {"type", "diesel_supply"}, {"bus", "dsl"}, {"price_per_kg", 5.0},
            {"heating_value_kwh_per_kg", 10.0}};
  json devs = json::array({grid(0.1, 0.0, 50), load("el", {100, 0, 0}), gen, fuel});
  auto r = run(scenario(3, buses, devs));
  ASSERT_EQ(r.status, ehub::lp::Status::optimal);
  EXPECT_NEAR(r.objective, 210.0, 1e-6);
  EXPECT_NEAR(state(r, "gen", "on").values[1], 1.0, 1e-9);
  EXPECT_NEAR(state(r, "gen", "on").values[2], 0.0, 1e-9);
  gen["min_up_h"] = 0;  // without it: 100 (fuel) + 10 (start) = 110
  devs = json::array({grid(0.1, 0.0, 50), load("el", {100, 0, 0}), gen, fuel});
  r = run(scenario(3, buses, devs));
  EXPECT_NEAR(r.objective, 110.0, 1e-6);
}
