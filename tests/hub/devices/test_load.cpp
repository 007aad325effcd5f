// Device load (unserved and curtailable demand): minimal hubs dispatched against optima computed by hand (the
// arithmetic is in each test's comment).
#include "device_park.hpp"

using namespace ehub_test;

TEST(DeviceLoad, UnservedAndCurtailableLoad) {
  // Import limit 60 kW, load 100 kW, 30 % curtailable at 2.0/kWh, VOLL 50: curtail 30, unserved 10:
  // cost 60 x 1.0 + 30 x 2.0 + 10 x 50 = 620.
  json l = load("el", {100});
  l["curtailable_share"] = 0.3;
  l["curtail_penalty_per_kwh"] = 2.0;
  l["value_of_lost_load_per_kwh"] = 50.0;
  const auto r = run(scenario(1, el_bus(), json::array({grid(1.0, 0.0, 60), l})), "clp", true);
  ASSERT_EQ(r.status, ehub::lp::Status::optimal);
  EXPECT_NEAR(r.objective, 620.0, 1e-6);
  EXPECT_NEAR(r.kpis.unserved_kwh, 10.0, 1e-6);
  EXPECT_NEAR(r.kpis.cost.at("unserved"), 500.0, 1e-6);
}
