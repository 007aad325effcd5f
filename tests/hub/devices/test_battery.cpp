// Device battery (arbitrage with losses, green part of the initial content): minimal hubs dispatched against optima computed by hand (the
// arithmetic is in each test's comment).
#include "device_park.hpp"

using namespace ehub_test;

TEST(DeviceBattery, BatteryArbitrageWithLosses) {
  // Prices 0.2 then 1.0, load 100 kW both hours; battery 100 kWh / 100 kW, 0.9 each way, empty at
  // start, cyclic (end >= start = 0). Charging c at t0 gives 0.81 c at t1; worth it: 0.81 > 0.2.
  // c = 100 (power limit): cost 0.2 * 200 + 1.0 * (100 - 81) = 59.
  json bat{{"name", "bat"}, {"type", "battery"}, {"bus", "el"}, {"energy_kwh", 100}, {"power_kw", 100},
           {"charge_efficiency", 0.9}, {"discharge_efficiency", 0.9}, {"soc_initial", 0.0}};
  json j = scenario(2, el_bus(), json::array({grid({0.2, 1.0}), load("el", {100, 100}), bat}));
  for (const std::string& solver : milp_solvers()) {
    const auto r = run(j, solver);
    ASSERT_EQ(r.status, ehub::lp::Status::optimal) << solver;
    EXPECT_NEAR(r.objective, 59.0, 1e-6) << solver;
    EXPECT_NEAR(state(r, "bat", "soc_kwh").values[0], 90.0, 1e-6);
    EXPECT_NEAR(flow(r, "bat", "el").kw[1], 81.0, 1e-6);
    EXPECT_NEAR(r.kpis.storage_cycles.at("bat"), 0.81, 1e-6);  // 81 kWh out of 100 kWh
  }
}

TEST(DeviceBattery, GreenPartOfTheInitialStorageContent) {
  // No renewable output; load 100 kW for 1 h; a battery (efficiencies 1, 1000 kWh, soc 0.5) whose
  // initial content is 30 % green (300 kWh) discharges 100 kW at a peak price: all of it green,
  // green share 100 / 100 = 1. With the content grey (default) the share is 0.
  json bat{{"name", "bat"}, {"type", "battery"}, {"bus", "el"}, {"energy_kwh", 1000}, {"power_kw", 100},
           {"charge_efficiency", 1.0}, {"discharge_efficiency", 1.0}, {"soc_initial", 0.5},
           {"soc_green_initial", 0.3}, {"end_condition", "free"}};
  auto r = run(scenario(1, el_bus(), json::array({grid(1.0), load("el", {100}), bat})));
  ASSERT_EQ(r.status, ehub::lp::Status::optimal);
  EXPECT_NEAR(flow(r, "bat", "el").kw[0], 100.0, 1e-6);
  EXPECT_NEAR(r.kpis.green_share, 1.0, 1e-9);
  EXPECT_NEAR(state(r, "bat", "soc_green_kwh").values[0], 200.0, 1e-6);
  bat.erase("soc_green_initial");
  r = run(scenario(1, el_bus(), json::array({grid(1.0), load("el", {100}), bat})));
  EXPECT_NEAR(r.kpis.green_share, 0.0, 1e-9);
}
