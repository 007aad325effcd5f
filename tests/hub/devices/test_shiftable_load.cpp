// Device shiftable_load (daily energy moved to cheap hours): minimal hubs dispatched against optima computed by hand (the
// arithmetic is in each test's comment).
#include "device_park.hpp"

using namespace ehub_test;

TEST(DeviceShiftableLoad, ShiftableLoadMovesToCheapHours) {
  // 300 kWh per day inside 08:00-12:00 local, at most 100 kW; prices 1.0 except 0.5 at 10:00 and
  // 11:00: 100 kW in each cheap hour (100 kWh at 0.5 twice) plus 100 kWh at 1.0: 200 CNY.
  std::vector<double> price(24, 1.0);
  price[10] = price[11] = 0.5;
  json j = scenario(24, el_bus(), json::array({grid(price),
                                              {{"name", "ev"}, {"type", "shiftable_load"}, {"bus", "el"},
                                               {"energy_kwh_per_day", 300}, {"window_start_hour", 8},
                                               {"window_end_hour", 12}, {"max_kw", 100}}}));
  const auto r = run(j, "clp", true);
  ASSERT_EQ(r.status, ehub::lp::Status::optimal);
  EXPECT_NEAR(r.objective, 200.0, 1e-6);
  EXPECT_NEAR(flow(r, "ev", "in").kw[10], -100.0, 1e-6);
  EXPECT_NEAR(flow(r, "ev", "in").kw[7], 0.0, 1e-9);  // outside the window
}
