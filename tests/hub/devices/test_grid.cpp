// Device grid (time-of-use tariff, demand charge, a rolling plan's peak so far): minimal hubs dispatched against optima computed by hand (the
// arithmetic is in each test's comment).
#include "device_park.hpp"

using namespace ehub_test;

TEST(DeviceGrid, TimeOfUseTariffAndDemandCharge) {
  // Tariff in local time (+08:00): 8-11 and 18-21 peak 1.35, 23-7 valley 0.42, else 0.92. Load 10 kW
  // for 24 h: energy cost 10 x (6 x 1.35 + 8 x 0.42 + 10 x 0.92) = 206.6. Demand charge 30 per
  // kW-month on a 10 kW peak, prorated 24 h / 744 h of January: 300 x 24 / 744 = 9.677419...
  json g{{"name", "grid"}, {"type", "grid"}, {"bus", "el"}, {"demand_charge_per_kw_month", 30},
         {"tariff",
          {{"periods",
            {{{"name", "peak"}, {"hours", {{8, 11}, {18, 21}}}, {"buy_per_kwh", 1.35}, {"sell_per_kwh", 0.85}},
             {{"name", "valley"}, {"hours", {{23, 7}}}, {"buy_per_kwh", 0.42}},
             {{"name", "flat"}, {"hours", {{7, 8}, {11, 18}, {21, 23}}}, {"buy_per_kwh", 0.92}}}}}}};
  std::vector<double> prof(24, 10.0);
  const auto r = run(scenario(24, el_bus(), json::array({g, load("el", prof)})), "clp", true);
  ASSERT_EQ(r.status, ehub::lp::Status::optimal);
  EXPECT_NEAR(r.kpis.cost.at("grid_energy"), 206.6, 1e-9);
  EXPECT_NEAR(r.kpis.cost.at("demand_charge"), 300.0 * 24.0 / 744.0, 1e-9);
  // The first step (00:00 local) is valley, step 8 (08:00) is peak.
  EXPECT_NEAR(r.prices[0].per_kwh[0], 0.42, 1e-9);
}

TEST(DeviceGrid, DemandChargeForARollingPlan) {
  // One January hour, load 100 kW from the grid at 1.0, demand charge 30 per kW-month.
  // Prorated (default): 100 + 30 x 100 x 1/744 = 104.0323. Not prorated: 100 + 30 x 100 = 3100.
  // With a peak of 150 kW already reached this month the peak variable starts there: the hour adds
  // no new peak and the plan carries the sunk 30 x 150: 100 + 4500 = 4600.
  json g = grid(1.0);
  g["demand_charge_per_kw_month"] = 30.0;
  auto r = run(scenario(1, el_bus(), json::array({g, load("el", {100})})));
  EXPECT_NEAR(r.objective, 100.0 + 30.0 * 100.0 / 744.0, 1e-6);
  g["demand_charge_prorated"] = false;
  r = run(scenario(1, el_bus(), json::array({g, load("el", {100})})));
  EXPECT_NEAR(r.objective, 3100.0, 1e-6);
  g["demand_peak_so_far_kw"] = 150.0;
  r = run(scenario(1, el_bus(), json::array({g, load("el", {100})})));
  EXPECT_NEAR(r.objective, 4600.0, 1e-6);
  EXPECT_NEAR(r.kpis.cost.at("demand_charge"), 4500.0, 1e-6);
}
