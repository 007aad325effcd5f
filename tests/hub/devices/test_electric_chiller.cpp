// Device electric_chiller (COP, carbon price): minimal hubs dispatched against optima computed by hand (the
// arithmetic is in each test's comment).
#include "device_park.hpp"

using namespace ehub_test;

TEST(DeviceElectricChiller, ElectricChillerAndCarbonPrice) {
  // Cooling 400 kW with COP 4 needs 100 kW el at 0.5 -> 50; emissions 100 x 0.5 = 50 kg at a
  // carbon price of 100 per t -> 5; objective 55.
  json buses = json::array({{{"name", "el"}, {"carrier", "electricity"}}, {{"name", "cool"}, {"carrier", "cooling"}}});
  json devs = json::array({grid(0.5), load("cool", {400}, "cooling"),
                           {{"name", "ch"}, {"type", "electric_chiller"}, {"capacity_kw", 500}, {"cop", 4.0},
                            {"ports", {{"in", "el"}, {"out", "cool"}}}}});
  const auto r = run(scenario(1, buses, devs, 100.0), "clp", true);
  ASSERT_EQ(r.status, ehub::lp::Status::optimal);
  EXPECT_NEAR(r.objective, 55.0, 1e-6);
  EXPECT_NEAR(r.kpis.cost.at("carbon"), 5.0, 1e-9);
  EXPECT_NEAR(r.kpis.electricity_consumption_kwh, 100.0, 1e-6);
  // Marginal price of cooling: 1 kWh cooling = 0.25 kWh el x (0.5 + 0.05 carbon) = 0.1375.
  ASSERT_EQ(r.prices.size(), 2u);
  EXPECT_NEAR(r.prices[1].per_kwh[0], 0.1375, 1e-9);
}
