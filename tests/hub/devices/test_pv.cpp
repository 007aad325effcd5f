// Device pv (output up to the available power, curtailment, export): minimal hubs dispatched against optima computed by hand (the
// arithmetic is in each test's comment).
#include "device_park.hpp"

using namespace ehub_test;

TEST(DevicePv, PvGridLoad) {
  // Load 100 kW for 2 h; PV 100 kWp available 0.5 then 1.0 -> PV 50, 100; grid 50, 0 at 1.0/kWh.
  json j = scenario(2, el_bus(), json::array({grid(1.0), load("el", {100, 100}),
                                             {{"name", "pv"}, {"type", "pv"}, {"bus", "el"}, {"capacity_kw", 100},
                                              {"availability", {0.5, 1.0}}}}));
  for (const std::string& solver : milp_solvers()) {
    const auto r = run(j, solver);
    ASSERT_EQ(r.status, ehub::lp::Status::optimal) << solver;
    EXPECT_NEAR(r.objective, 50.0, 1e-6);
    EXPECT_NEAR(flow(r, "pv", "el").kw[0], 50.0, 1e-6);
    EXPECT_NEAR(flow(r, "grid", "el").kw[0], 50.0, 1e-6);
    EXPECT_NEAR(flow(r, "load_el", "in").kw[1], -100.0, 1e-9);
    EXPECT_NEAR(r.kpis.grid_import_kwh, 50.0, 1e-6);
    EXPECT_NEAR(r.kpis.emissions_kg, 25.0, 1e-6);  // 50 kWh x 0.5 kg/kWh
    EXPECT_NEAR(r.kpis.green_share, 150.0 / 200.0, 1e-9);
    EXPECT_NEAR(r.kpis.cost.at("grid_energy"), 50.0, 1e-6);
  }
}

TEST(DevicePv, CurtailmentAndExport) {
  // PV 300 kW available, load 100, export limit 150 at 0.3/kWh: export 150 (revenue 45),
  // curtail 50 kWh; cost -45.
  json g = grid(1.0, 0.3);
  g["export_limit_kw"] = 150;
  json j = scenario(1, el_bus(), json::array({g, load("el", {100}),
                                             {{"name", "pv"}, {"type", "pv"}, {"bus", "el"}, {"capacity_kw", 300},
                                              {"availability", {1.0}}}}));
  const auto r = run(j, "clp", true);
  ASSERT_EQ(r.status, ehub::lp::Status::optimal);
  EXPECT_NEAR(r.objective, -45.0, 1e-6);
  EXPECT_NEAR(r.kpis.curtailment_kwh, 50.0, 1e-6);
  EXPECT_NEAR(r.kpis.grid_export_kwh, 150.0, 1e-6);
  ASSERT_EQ(r.prices.size(), 1u);
  // One more kWh of load would be served by curtailed PV: marginal price 0... but exports are
  // capped and PV is curtailed, so the bus price is 0 (free PV).
  EXPECT_NEAR(r.prices[0].per_kwh[0], 0.0, 1e-9);
}
