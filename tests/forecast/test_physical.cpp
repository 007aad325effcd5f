#include <gtest/gtest.h>

#include <cmath>

#include "ehub/core/error.hpp"
#include "ehub/physics/pv_model.hpp"
#include "ehub/physics/solar_position.hpp"
#include "ehub/physics/wind.hpp"
#include "helpers.hpp"

using namespace ehub;
using namespace ehub::forecast;
using ehub::forecast::test::make_history;
using ehub::forecast::test::noise;

namespace {

// Ten days of weather at a site at 30 N 120 E: clear-sky-like irradiance scaled by cloudiness.
Exogenous pv_weather(const TimeGrid& g, const physics::PvPlant& plant) {
  const Eigen::VectorXd t = physics::grid_times_unix_s(g, 0.5);
  const physics::SolarPosition sp = physics::spa_python(t, plant.latitude_deg, plant.longitude_deg);
  Eigen::VectorXd ghi(g.size()), dni(g.size()), dhi(g.size()), temp(g.size()), wind(g.size());
  for (std::int64_t i = 0; i < g.size(); ++i) {
    const double cz = std::max(0.0, std::cos(sp.apparent_zenith_deg[i] * M_PI / 180.0));
    const double cloud = 0.4 + 0.6 * noise(i / 24, 11);
    dni[i] = cz > 0 ? 850.0 * cloud * std::pow(cz, 0.3) : 0.0;
    dhi[i] = cz > 0 ? 60.0 + 80.0 * (1 - cloud) * cz : 0.0;
    ghi[i] = dni[i] * cz + dhi[i];
    temp[i] = 15.0 + 10.0 * cz;
    wind[i] = 2.0;
  }
  Exogenous e(g);
  e.add("ghi_w_m2", ghi).add("dni_w_m2", dni).add("dhi_w_m2", dhi).add("temp_air_c", temp).add("wind_speed_m_s", wind);
  return e;
}

}  // namespace

TEST(PvForecaster, PhysicsPlusAScaleCorrection) {
  PvForecastOptions o;
  o.plant.latitude_deg = 30.0;
  o.plant.longitude_deg = 120.0;
  o.plant.dc_capacity_kw = 1000.0;
  o.plant.inverter_pdc0_kw = 1000.0;
  History h = make_history("2025-06-01T00:00:00Z", 12, [](std::int64_t) { return 0.0; });
  h.exogenous = pv_weather(h.target.grid(), o.plant);
  // The plant's measured power is 90 % of the model's (e.g. soiling the model does not know).
  physics::PvWeather w;
  w.time_unix_s = physics::grid_times_unix_s(h.target.grid(), 0.5);
  w.ghi_w_m2 = h.exogenous.column("ghi_w_m2");
  w.dni_w_m2 = h.exogenous.column("dni_w_m2");
  w.dhi_w_m2 = h.exogenous.column("dhi_w_m2");
  w.temp_air_c = h.exogenous.column("temp_air_c");
  w.wind_speed_m_s = h.exogenous.column("wind_speed_m_s");
  const Eigen::VectorXd P = physics::simulate_pv(o.plant, w).ac_kw;
  h.target.values() = 0.9 * P;
  ASSERT_GT(P.maxCoeff(), 500.0);
  Forecaster f{PvForecaster(o)};
  History train = h;
  train.target = Series(h.target.grid().slice(0, 9 * 24), h.target.values().head(9 * 24));
  f.fit(train);
  const PvForecaster* pv = f.get<PvForecaster>();
  EXPECT_NEAR(pv->correction().scale, 0.9, 1e-9);
  EXPECT_LT(pv->correction().coef.cwiseAbs().maxCoeff(), 1e-6);
  const Forecast fc = f.predict(h, parse_iso8601("2025-06-09T10:00:00Z"));
  for (int j = 0; j < 24; ++j) EXPECT_NEAR(fc.point[j], 0.9 * P[9 * 24 + j], 1e-6) << j;
  // Quantiles of a perfect model collapse on the point forecast; night hours are 0.
  EXPECT_NEAR((fc.quantiles.col(0) - fc.point).cwiseAbs().maxCoeff(), 0.0, 1e-6);

  // Only GHI given: DNI and DHI come from the Erbs decomposition.
  History ghi_only = h;
  Exogenous e(h.target.grid());
  e.add("ghi_w_m2", h.exogenous.column("ghi_w_m2"));
  ghi_only.exogenous = e;
  Forecaster g{PvForecaster(o)};
  g.fit(ghi_only);
  const Forecast gc = g.predict(ghi_only, parse_iso8601("2025-06-09T10:00:00Z"));
  EXPECT_GT(gc.point.maxCoeff(), 300.0);
  EXPECT_GE(gc.point.minCoeff(), 0.0);
  EXPECT_GT(g.get<PvForecaster>()->physical_kw(prepare_input(ghi_only, {}, {}, INT64_MAX, INT64_MAX), 0, 24).sum(), 0.0);

  // Bad irradiance: small negative values are cleaned, large ones are an error; a weather gap in
  // the window is an error too.
  History neg = h;
  neg.exogenous.column("ghi_w_m2")[9 * 24 + 2] = -3.0;
  EXPECT_NO_THROW((void)f.predict(neg, parse_iso8601("2025-06-09T10:00:00Z")));
  neg.exogenous.column("ghi_w_m2")[9 * 24 + 2] = -80.0;
  EXPECT_THROW((void)f.predict(neg, parse_iso8601("2025-06-09T10:00:00Z")), InputError);
  History gap = h;
  for (int k = 0; k < 5; ++k) gap.exogenous.column("dni_w_m2")[9 * 24 + 8 + k] = std::nan("");
  EXPECT_THROW((void)f.predict(gap, parse_iso8601("2025-06-09T10:00:00Z")), InputError);
  EXPECT_THROW((void)PvForecastOptions::from_json({{"correction", true}}), InputError);
  EXPECT_NO_THROW((void)PvForecastOptions::from_json(
      {{"plant", {{"latitude_deg", 30.0}, {"longitude_deg", 120.0}, {"dc_capacity_kw", 500.0}}}, {"knots", 6}}));
}

TEST(WindForecaster, PowerCurveByHandAndCorrection) {
  // One turbine, curve 0 kW at 3 m/s, 2000 kW at 12 m/s (linear between), wind measured at hub
  // height: 7.5 m/s gives 1000 kW, 12 m/s and above 2000 kW, below 3 m/s 0.
  WindForecastOptions o = WindForecastOptions::from_json(
      {{"turbines", {{{"power_curve", {{0.0, 0.0}, {3.0, 0.0}, {12.0, 2000.0}, {25.0, 2000.0}}}, {"hub_height_m", 80.0}}}},
       {"wind_speed_height_m", 80.0}});
  History h = make_history("2025-01-06T00:00:00Z", 10, [](std::int64_t) { return 0.0; });
  Eigen::VectorXd v(h.target.size());
  for (std::int64_t i = 0; i < v.size(); ++i) v[i] = 15.0 * noise(i, 21);
  v[0] = 7.5;
  v[1] = 12.0;
  v[2] = 2.0;
  v[3] = 30.0;
  h.exogenous = Exogenous(h.target.grid());
  h.exogenous.add("wind_speed_m_s", v);
  WindForecaster wf(o);
  const ModelInput in = prepare_input(h, {}, {}, INT64_MAX, INT64_MAX);
  wf.fit(in, {});  // resolves the columns (the target is 0: the correction is fitted to 0)
  const Eigen::VectorXd P = wf.physical_kw(in, 0, 4);
  EXPECT_NEAR(P[0], 1000.0, 1e-9);
  EXPECT_NEAR(P[1], 2000.0, 1e-9);
  EXPECT_NEAR(P[2], 0.0, 1e-12);
  EXPECT_NEAR(P[3], 0.0, 1e-12);  // above the last point of the curve
  const Eigen::VectorXd Pall = wf.physical_kw(in, 0, in.grid.size());
  // The measured farm delivers 0.8 of the curve: the correction finds the scale.
  h.target.values() = 0.8 * Pall;
  Forecaster f(WindForecaster{o});
  f.fit(h);
  EXPECT_NEAR(f.get<WindForecaster>()->correction().scale, 0.8, 1e-9);
  const Forecast fc = f.predict(h, parse_iso8601("2025-01-14T10:00:00Z"));
  for (int j = 0; j < 24; ++j) EXPECT_NEAR(fc.point[j], 0.8 * Pall[9 * 24 + j], 1e-6);
  EXPECT_THROW((void)WindForecastOptions::from_json({{"turbines", nlohmann::json::array()}}), InputError);
}
