// Wind physics against windpowerlib on its example weather (coastDat-2 extract): hub-height wind
// speed, temperature, density, turbine power with and without density correction, and a farm of
// two turbine types with farm efficiency or the dena wake curve. Reference values:
// tests/data/physics/wind_windpowerlib.csv, written once by make_reference.py.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <string>

#include "ehub/core/error.hpp"
#include "ehub/physics/wind.hpp"
#include "reference_data.hpp"

namespace ep = ehub::physics;

namespace {

const ep_test::ReferenceTable& ref() {
  static const ep_test::ReferenceTable t = ep_test::read_reference_csv("wind_windpowerlib.csv");
  return t;
}
const Eigen::VectorXd& col(const char* name) { return ref().column(name); }

ep::WindWeather weather() {
  ep::WindWeather w;
  w.wind_speed_m_s = {{10.0, col("wind_speed_10m_m_s")}, {80.0, col("wind_speed_80m_m_s")}};
  w.temperature_k = {{2.0, col("temperature_2m_k")}, {10.0, col("temperature_10m_k")}};
  w.pressure_pa = {{0.0, col("pressure_pa")}};
  w.roughness_length_m = col("roughness_length_m");
  return w;
}

ep::WindTurbine turbine(const std::string& type, double hub) {
  return ep::read_oedb_turbine(ep_test::data_path("oedb_power_curves.csv"), type, hub,
                               ep_test::data_path("oedb_turbine_data.csv"));
}

/// Largest relative difference (relative to max(|ref|, floor)); expects each within rtol.
double expect_rel(const char* what, const Eigen::VectorXd& mine, const Eigen::VectorXd& theirs, double rtol,
                  double floor) {
  EXPECT_EQ(mine.size(), theirs.size());
  double worst = 0.0;
  for (Eigen::Index i = 0; i < mine.size(); ++i) {
    const double rel = std::abs(mine[i] - theirs[i]) / std::max(std::abs(theirs[i]), floor);
    EXPECT_LE(rel, rtol) << what << "[" << i << "]: ehub " << mine[i] << ", windpowerlib " << theirs[i];
    worst = std::max(worst, rel);
  }
  return worst;
}

}  // namespace

TEST(WindReference, OedbTurbines) {
  const auto e126 = turbine("E-126/4200", 135.0);
  EXPECT_EQ(e126.nominal_power_w, 4200000.0);
  EXPECT_EQ(e126.rotor_diameter_m, 127.0);
  EXPECT_EQ(e126.power_curve.wind_speed_m_s[0], 1.0);  // empty cells are "no point", not zero
  EXPECT_EQ(e126.power_curve.power_w[e126.power_curve.power_w.size() - 1], 4200000.0);
  const auto v90 = turbine("V90/2000", 105.0);
  EXPECT_EQ(v90.power_curve.wind_speed_m_s[v90.power_curve.wind_speed_m_s.size() - 1], 16.5);
  EXPECT_THROW(turbine("NO/SUCH", 100.0), ehub::InputError);
}

TEST(WindReference, HubHeightQuantities) {
  const auto w = weather();
  ep::WindModelChainOptions o;
  expect_rel("log wind speed", ep::wind_speed_hub(w, 135.0, o), col("e126_wind_speed_hub_log_m_s"), 1e-8, 1e-3);
  o.wind_speed_model = ep::WindModelChainOptions::WindSpeedModel::hellman;
  expect_rel("hellman wind speed", ep::wind_speed_hub(w, 135.0, o), col("e126_wind_speed_hub_hellman_m_s"), 1e-8, 1e-3);
  expect_rel("temperature", ep::temperature_linear_gradient(col("temperature_10m_k"), 10.0, 135.0),
             col("e126_temperature_hub_k"), 1e-9, 1.0);
  expect_rel("barometric density", ep::density_hub(w, 135.0), col("e126_density_barometric_kg_m3"), 1e-8, 1.0);
  o.density_model = ep::WindModelChainOptions::DensityModel::ideal_gas;
  expect_rel("ideal gas density", ep::density_hub(w, 105.0, o), col("v90_density_ideal_gas_kg_m3"), 1e-8, 1.0);
}

TEST(WindReference, TurbinePowerAgreesWithWindpowerlib) {
  const auto w = weather();
  const auto e126 = turbine("E-126/4200", 135.0);
  const double floor = 0.001 * e126.nominal_power_w;
  const double a = expect_rel("E-126 power", ep::wind_turbine_power_w(e126, w), col("e126_power_w"), 1e-3, floor);
  ep::WindModelChainOptions o;
  o.wind_speed_model = ep::WindModelChainOptions::WindSpeedModel::hellman;
  o.density_correction = true;
  const double b = expect_rel("E-126 power hellman + density correction", ep::wind_turbine_power_w(e126, w, o),
                              col("e126_power_hellman_density_corrected_w"), 1e-3, floor);
  const auto v90 = turbine("V90/2000", 105.0);
  ep::WindModelChainOptions o2;
  o2.density_model = ep::WindModelChainOptions::DensityModel::ideal_gas;
  o2.density_correction = true;
  const double c = expect_rel("V90 power ideal gas + density correction", ep::wind_turbine_power_w(v90, w, o2),
                              col("v90_power_ideal_gas_density_corrected_w"), 1e-3, 0.001 * v90.nominal_power_w);
  std::printf("[ wpl      ] turbine power: max relative difference %.2e, %.2e, %.2e\n", a, b, c);
}

TEST(WindReference, FarmOfTwoTurbineTypesAgreesWithWindpowerlib) {
  const auto w = weather();
  ep::WindFarm farm;
  farm.fleet = {{turbine("E-126/4200", 135.0), 6.0}, {turbine("V90/2000", 105.0), 3.0}};
  farm.efficiency = 0.9;
  EXPECT_NEAR(ep::wind_farm_mean_hub_height_m(farm), ref().meta_double("farm_mean_hub_height_m"), 1e-9);
  EXPECT_EQ(farm.nominal_power_w(), ref().meta_double("farm_nominal_power_w"));
  const double floor = 0.001 * farm.nominal_power_w();
  const double a = expect_rel("farm efficiency 0.9", ep::wind_farm_power_w(farm, w), col("farm_power_efficiency_0_9_w"),
                              1e-3, floor);
  farm.efficiency = 1.0;
  farm.wind_efficiency_curve =
      ep::read_wind_efficiency_curve(ep_test::data_path("wind_efficiency_curves_dena.csv"), "dena_mean");
  const double b =
      expect_rel("farm dena_mean", ep::wind_farm_power_w(farm, w), col("farm_power_dena_mean_w"), 1e-3, floor);
  // Availability is a plain factor on top (not part of windpowerlib).
  farm.availability = 0.97;
  const Eigen::VectorXd expected = 0.97 * col("farm_power_dena_mean_w");
  expect_rel("farm dena_mean x availability", ep::wind_farm_power_w(farm, w), expected, 1e-3, floor);
  std::printf("[ wpl      ] farm power: max relative difference %.2e (efficiency 0.9), %.2e (dena_mean)\n", a, b);
}

TEST(Wind, ProfilesByHand) {
  // v80 = v10 ln(80/0.15) / ln(10/0.15); Hellman with 1/7.
  const auto v = ep::wind_speed_logarithmic_profile(5.0, 10.0, 80.0, 0.15);
  EXPECT_NEAR(v[0], 5.0 * std::log(80.0 / 0.15) / std::log(10.0 / 0.15), 1e-12);
  const auto h = ep::wind_speed_hellman(5.0, 10.0, 80.0);
  EXPECT_NEAR(h[0], 5.0 * std::pow(8.0, 1.0 / 7.0), 1e-12);
  // Density correction at rho = 1.225 leaves the curve unchanged.
  ep::PowerCurve pc;
  pc.wind_speed_m_s = Eigen::Vector4d(3.0, 8.0, 12.0, 25.0);
  pc.power_w = Eigen::Vector4d(0.0, 1000.0, 2000.0, 2000.0);
  Eigen::VectorXd ws(4);
  ws << 2.0, 5.5, 10.0, 26.0;
  const auto p0 = ep::power_curve_power_w(ws, pc);
  const auto p1 = ep::power_curve_density_correction(ws, pc, 1.225);
  EXPECT_EQ(p0[0], 0.0);
  EXPECT_NEAR(p0[1], 500.0, 1e-12);
  EXPECT_NEAR(p0[2], 1500.0, 1e-12);
  EXPECT_EQ(p0[3], 0.0);  // beyond the last point: cut out
  for (int i = 0; i < 4; ++i) EXPECT_NEAR(p1[i], p0[i], 1e-9);
}

TEST(WindBadInput, ClearErrors) {
  Eigen::VectorXd ws(3);
  ws << 5.0, NAN, 6.0;
  try {
    ep::wind_speed_logarithmic_profile(ws, 10.0, 100.0, 0.1);
    FAIL();
  } catch (const ehub::InputError& e) {
    EXPECT_EQ(e.path(), "wind_speed_m_s[1]");
  }
  ws[1] = -1.0;
  EXPECT_THROW(ep::wind_speed_hellman(ws, 10.0, 100.0), ehub::InputError);
  ep::PowerCurve pc;
  pc.wind_speed_m_s = Eigen::Vector3d(3.0, 2.0, 4.0);
  pc.power_w = Eigen::Vector3d(0.0, 1.0, 2.0);
  try {
    ep::power_curve_power_w(5.0, pc);
    FAIL();
  } catch (const ehub::InputError& e) {
    EXPECT_EQ(e.path(), "power_curve.wind_speed_m_s[1]");
  }
  ep::WindWeather w = weather();
  w.temperature_k[1].values.conservativeResize(5);
  EXPECT_THROW(ep::density_hub(w, 100.0), ehub::InputError);
}
