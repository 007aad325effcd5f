// PV physics against pvlib on real weather (TMY3 Greensboro NC): every model on pvlib's own inputs,
// and the whole chain (simulate_pv) against pvlib's ModelChain, AC power within 0.1 % in daylight.
// Reference values: tests/data/physics/pv_pvlib.csv, written once by make_reference.py.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <limits>
#include <string>
#include <vector>

#include "ehub/core/error.hpp"
#include "ehub/physics/atmosphere.hpp"
#include "ehub/physics/irradiance.hpp"
#include "ehub/physics/pv_model.hpp"
#include "ehub/physics/pvsystem.hpp"
#include "ehub/physics/solar_position.hpp"
#include "ehub/physics/tracking.hpp"
#include "reference_data.hpp"

namespace ep = ehub::physics;

namespace {

const ep_test::ReferenceTable& ref() {
  static const ep_test::ReferenceTable t = ep_test::read_reference_csv("pv_pvlib.csv");
  return t;
}
const Eigen::VectorXd& col(const char* name) { return ref().column(name); }

/// Compares element by element where pvlib is finite (and checks ehub is never NaN); returns the
/// largest |mine - pvlib| / max(|pvlib|, floor).
double expect_close(const char* what, const Eigen::VectorXd& mine, const Eigen::VectorXd& theirs, double rtol,
                    double atol, double floor = 1.0, const std::vector<bool>* rows = nullptr) {
  EXPECT_EQ(mine.size(), theirs.size()) << what;
  double worst = 0.0;
  for (Eigen::Index i = 0; i < std::min(mine.size(), theirs.size()); ++i) {
    EXPECT_FALSE(std::isnan(mine[i])) << what << "[" << i << "] is NaN";
    if (std::isnan(theirs[i])) continue;
    if (rows != nullptr && !(*rows)[static_cast<std::size_t>(i)]) continue;
    const double d = std::abs(mine[i] - theirs[i]);
    EXPECT_LE(d, atol + rtol * std::abs(theirs[i]))
        << what << "[" << i << "]: ehub " << mine[i] << ", pvlib " << theirs[i];
    worst = std::max(worst, d / std::max(std::abs(theirs[i]), floor));
  }
  return worst;
}

Eigen::VectorXd nan_to_inf(Eigen::VectorXd v) {
  for (auto& x : v)
    if (std::isnan(x)) x = std::numeric_limits<double>::infinity();
  return v;
}

ep::PvWeather weather() {
  ep::PvWeather w;
  w.time_unix_s = col("time_unix_s");
  w.ghi_w_m2 = col("ghi_w_m2");
  w.dni_w_m2 = col("dni_w_m2");
  w.dhi_w_m2 = col("dhi_w_m2");
  w.temp_air_c = col("temp_air_c");
  w.wind_speed_m_s = col("wind_speed_m_s");
  w.pressure_pa = col("pressure_pa");
  w.utc_offset_minutes = 0;  // pvlib takes the day of year in UTC
  return w;
}

ep::PvPlant base_plant() {
  ep::PvPlant p;
  p.latitude_deg = ref().meta_double("latitude_deg");
  p.longitude_deg = ref().meta_double("longitude_deg");
  p.altitude_m = ref().meta_double("altitude_m");
  p.dc_capacity_kw = 10e6;  // W in the reference: the chain is unit-agnostic
  p.gamma_pdc_per_c = -0.0035;
  p.inverter_pdc0_kw = 9e6;
  p.eta_inv_nom = 0.96;
  return p;
}

}  // namespace

TEST(PvReference, SolarPositionWithWeatherPressureAndTemperature) {
  const auto sp =
      ep::spa_python(col("time_unix_s"), ref().meta_double("latitude_deg"), ref().meta_double("longitude_deg"),
                     ref().meta_double("altitude_m"), col("pressure_pa"), col("temp_air_c"), 67.0);
  expect_close("apparent_zenith_deg", sp.apparent_zenith_deg, col("apparent_zenith_deg"), 0.0, 1e-4);
  expect_close("zenith_deg", sp.zenith_deg, col("zenith_deg"), 0.0, 1e-4);
  expect_close("azimuth_deg", sp.azimuth_deg, col("azimuth_deg"), 0.0, 1e-4);
  expect_close("equation_of_time_min", sp.equation_of_time_min, col("equation_of_time_min"), 0.0, 1e-4);
}

TEST(PvReference, ExtraterrestrialAndAirmass) {
  const auto doy = ep::day_of_year(col("time_unix_s"));
  expect_close("dni_extra", ep::get_extra_radiation(doy), col("dni_extra_w_m2"), 1e-7, 0.0);
  const auto am = ep::get_relative_airmass(col("apparent_zenith_deg"));
  expect_close("airmass_relative", am, col("airmass_relative"), 1e-6, 0.0);
  for (Eigen::Index i = 0; i < am.size(); ++i)
    if (std::isnan(col("airmass_relative")[i])) {
      EXPECT_TRUE(std::isinf(am[i]));
    }
  expect_close("airmass_absolute", ep::get_absolute_airmass(am, col("pressure_pa")), col("airmass_absolute"), 1e-6,
               0.0);
}

TEST(PvReference, ClearSky) {
  const auto am_abs = nan_to_inf(col("airmass_absolute"));
  const auto cs = ep::clearsky_ineichen(col("apparent_zenith_deg"), am_abs, col("linke_turbidity"),
                                        ref().meta_double("altitude_m"), col("dni_extra_w_m2"));
  expect_close("ineichen ghi", cs.ghi_w_m2, col("ineichen_ghi_w_m2"), 1e-6, 1e-6);
  expect_close("ineichen dni", cs.dni_w_m2, col("ineichen_dni_w_m2"), 1e-6, 1e-6);
  expect_close("ineichen dhi", cs.dhi_w_m2, col("ineichen_dhi_w_m2"), 1e-6, 1e-6);
  expect_close("haurwitz", ep::clearsky_haurwitz(col("apparent_zenith_deg")), col("haurwitz_ghi_w_m2"), 1e-6, 1e-6);
}

TEST(PvReference, Decomposition) {
  const auto doy = ep::day_of_year(col("time_unix_s"));
  const auto e = ep::erbs(col("ghi_w_m2"), col("zenith_deg"), doy);
  expect_close("erbs dni", e.dni_w_m2, col("erbs_dni_w_m2"), 1e-6, 1e-6);
  expect_close("erbs dhi", e.dhi_w_m2, col("erbs_dhi_w_m2"), 1e-6, 1e-6);
  expect_close("erbs kt", e.kt, col("erbs_kt"), 1e-6, 1e-9);
  const auto d = ep::disc(col("ghi_w_m2"), col("zenith_deg"), doy, col("pressure_pa"));
  expect_close("disc dni", d.dni_w_m2, col("disc_dni_w_m2"), 1e-5, 1e-4);
  expect_close("disc kt", d.kt, col("disc_kt"), 1e-6, 1e-9);
}

TEST(PvReference, TranspositionIamTemperature) {
  const auto& zen = col("apparent_zenith_deg");
  const auto& az = col("azimuth_deg");
  expect_close("aoi", ep::aoi(25.0, 180.0, zen, az), col("fixed_aoi_deg"), 0.0, 1e-5);
  const auto am = nan_to_inf(col("airmass_relative"));
  auto poa = [&](ep::TranspositionModel m) {
    return ep::get_total_irradiance(25.0, 180.0, zen, az, col("dni_w_m2"), col("ghi_w_m2"), col("dhi_w_m2"),
                                    col("dni_extra_w_m2"), am, 0.25, m);
  };
  expect_close("poa isotropic", poa(ep::TranspositionModel::isotropic).poa_global_w_m2,
               col("fixed_poa_global_isotropic_w_m2"), 1e-6, 1e-6);
  expect_close("poa haydavies", poa(ep::TranspositionModel::haydavies).poa_global_w_m2,
               col("fixed_poa_global_haydavies_w_m2"), 1e-6, 1e-6);
  const auto perez = poa(ep::TranspositionModel::perez);
  expect_close("poa perez", perez.poa_global_w_m2, col("fixed_poa_global_w_m2"), 1e-6, 1e-6);
  expect_close("poa perez direct", perez.poa_direct_w_m2, col("fixed_poa_direct_w_m2"), 1e-6, 1e-6);
  expect_close("poa perez sky", perez.poa_sky_diffuse_w_m2, col("fixed_poa_sky_diffuse_w_m2"), 1e-6, 1e-6);
  expect_close("poa ground", perez.poa_ground_diffuse_w_m2, col("fixed_poa_ground_diffuse_w_m2"), 1e-6, 1e-6);
  expect_close("iam physical", ep::iam_physical(col("fixed_aoi_deg")), col("fixed_iam_physical"), 1e-6, 1e-6);
  expect_close("iam ashrae", ep::iam_ashrae(col("fixed_aoi_deg")), col("fixed_iam_ashrae"), 1e-6, 1e-6);
  const auto p = ep::sapm_temperature_parameters("open_rack_glass_polymer");
  expect_close(
      "sapm cell",
      ep::sapm_cell(col("fixed_poa_global_w_m2"), col("temp_air_c"), col("wind_speed_m_s"), p.a, p.b, p.delta_t_c),
      col("fixed_temp_cell_sapm_c"), 1e-6, 1e-6);
  expect_close("faiman", ep::faiman(col("fixed_poa_global_w_m2"), col("temp_air_c"), col("wind_speed_m_s")),
               col("fixed_temp_cell_faiman_c"), 1e-6, 1e-6);
}

TEST(PvReference, SingleAxisTracking) {
  const auto t = ep::singleaxis(col("apparent_zenith_deg"), col("azimuth_deg"), 0.0, 180.0, 60.0, true, 0.35);
  expect_close("tracker_theta", t.tracker_theta_deg, col("tracker_theta_deg"), 0.0, 1e-5);
  expect_close("surface_tilt", t.surface_tilt_deg, col("tracker_surface_tilt_deg"), 0.0, 1e-5);
  expect_close("surface_azimuth", t.surface_azimuth_deg, col("tracker_surface_azimuth_deg"), 0.0, 1e-5);
  expect_close("tracker aoi", t.aoi_deg, col("tracker_aoi_deg"), 0.0, 1e-5);
  // Night: the stow position (flat), not NaN.
  for (Eigen::Index i = 0; i < t.tracker_theta_deg.size(); ++i)
    if (std::isnan(col("tracker_theta_deg")[i])) {
      EXPECT_EQ(t.tracker_theta_deg[i], 0.0);
    }
}

TEST(PvReference, FixedTiltChainAgreesWithPvlibModelChain) {
  ep::PvPlant p = base_plant();
  p.surface_tilt_deg = 25.0;
  p.surface_azimuth_deg = 180.0;
  const auto r = ep::simulate_pv(p, weather());
  expect_close("effective irradiance", r.effective_irradiance_w_m2, col("fixed_effective_irradiance_w_m2"), 1e-5, 1e-4);
  expect_close("temp cell", r.temp_cell_c, col("fixed_temp_cell_sapm_c"), 1e-5, 1e-4);
  const double dc = expect_close("dc", r.dc_kw, col("fixed_dc_w"), 1e-3, 1e-3);
  const double ac = expect_close("ac", r.ac_kw, col("fixed_ac_w"), 1e-3, 1e-3);
  std::printf("[ pvlib    ] fixed-tilt chain: max relative difference dc %.2e, ac %.2e (daylight, %ld hours)\n", dc, ac,
              static_cast<long>(r.ac_kw.size()));
  EXPECT_GT(r.ac_kw.maxCoeff(), 8.0e6);  // inverter clipping reached on the brightest hours
}

TEST(PvReference, SingleAxisChainAgreesWithPvlibModelChain) {
  ep::PvPlant p = base_plant();
  p.mount = ep::PvMount::single_axis;
  p.axis_tilt_deg = 0.0;
  p.axis_azimuth_deg = 180.0;
  p.max_angle_deg = 60.0;
  p.backtrack = true;
  p.gcr = 0.35;
  p.transposition = ep::TranspositionModel::haydavies;
  p.iam = ep::IamModel::ashrae;
  p.temperature_model = ep::CellTemperatureModel::faiman;
  const auto r = ep::simulate_pv(p, weather());
  expect_close("tracker poa", r.poa.poa_global_w_m2, col("tracker_poa_global_w_m2"), 1e-5, 1e-4);
  expect_close("tracker temp cell", r.temp_cell_c, col("tracker_temp_cell_c"), 1e-5, 1e-4);
  // pvlib's tracker is NaN (AC filled with 0) whenever the sun is below the horizon at the instant;
  // ehub stows the tracker flat and converts the diffuse light of such dawn/dusk hours. Compare
  // the hours with the sun up; check the others give a small positive output.
  std::vector<bool> sun_up(static_cast<std::size_t>(r.ac_kw.size()));
  for (Eigen::Index i = 0; i < r.ac_kw.size(); ++i) {
    sun_up[static_cast<std::size_t>(i)] = col("apparent_zenith_deg")[i] < 90.0;
    if (!sun_up[static_cast<std::size_t>(i)]) {
      EXPECT_LT(r.ac_kw[i], 0.02 * p.dc_capacity_kw) << i;
      EXPECT_GE(r.ac_kw[i], 0.0) << i;
    }
  }
  const double ac = expect_close("tracker ac", r.ac_kw, col("tracker_ac_w"), 1e-3, 1e-3, 1.0, &sun_up);
  std::printf("[ pvlib    ] single-axis chain: max relative difference ac %.2e (sun above the horizon)\n", ac);
}

TEST(PvSystem, PvwattsLossesAndDegradationByHand) {
  // pvlib defaults: 1 - 0.98 0.97 1 0.98 0.98 0.995 0.985 0.99 1 0.97 = 14.0754 %.
  const double perf = 0.98 * 0.97 * 0.98 * 0.98 * 0.995 * 0.985 * 0.99 * 0.97;
  EXPECT_NEAR(ep::pvwatts_losses(), (1.0 - perf) * 100.0, 1e-12);
  EXPECT_NEAR(ep::degradation_factor(10.0, 0.005), std::pow(0.995, 10.0), 1e-15);
  EXPECT_THROW(ep::degradation_factor(1.0, 1.5), ehub::InputError);
  ep::PvWattsLosses bad;
  bad.shading_pct = 120.0;
  try {
    bad.validate();
    FAIL();
  } catch (const ehub::InputError& e) {
    EXPECT_EQ(e.path(), "shading_pct");
  }
}

TEST(PvSystem, InverterByHand) {
  // Dobos 2014 at half load: zeta 0.5, eta = 0.96/0.9637 (-0.0162*0.5 - 0.0059/0.5 + 0.9858).
  const double eta = 0.96 / 0.9637 * (-0.0162 * 0.5 - 0.0059 / 0.5 + 0.9858);
  Eigen::VectorXd pdc(4);
  pdc << 500.0, 0.0, 2000.0, 1.0;
  const auto ac = ep::inverter_pvwatts(pdc, 1000.0);
  EXPECT_NEAR(ac[0], eta * 500.0, 1e-9);
  EXPECT_EQ(ac[1], 0.0);
  EXPECT_EQ(ac[2], 960.0);  // clipped at eta_inv_nom pdc0
  EXPECT_EQ(ac[3], 0.0);    // negative efficiency at tiny load clipped to 0
}

TEST(PvBadInput, NegativeIrradianceNamesArgumentAndIndex) {
  ep::PvWeather w = weather();
  w.ghi_w_m2[7] = -5.0;
  try {
    ep::simulate_pv(base_plant(), w);
    FAIL();
  } catch (const ehub::InputError& e) {
    EXPECT_EQ(e.path(), "ghi_w_m2[7]");
    EXPECT_NE(std::string(e.what()).find("clean_irradiance"), std::string::npos);
  }
  // The documented cleaning step: small negative night offsets become 0, NaN and large negatives throw.
  w.ghi_w_m2 = ep::clean_irradiance(w.ghi_w_m2, "ghi_w_m2");
  EXPECT_EQ(w.ghi_w_m2[7], 0.0);
  EXPECT_NO_THROW(ep::simulate_pv(base_plant(), w));
  w.dni_w_m2[3] = NAN;
  try {
    ep::clean_irradiance(w.dni_w_m2, "dni_w_m2");
    FAIL();
  } catch (const ehub::InputError& e) {
    EXPECT_EQ(e.path(), "dni_w_m2[3]");
  }
  try {
    ep::simulate_pv(base_plant(), w);
    FAIL();
  } catch (const ehub::InputError& e) {
    EXPECT_EQ(e.path(), "dni_w_m2[3]");
  }
  Eigen::VectorXd big(2);
  big << -50.0, 0.0;
  EXPECT_THROW(ep::clean_irradiance(big, "ghi_w_m2"), ehub::InputError);
}

TEST(PvBadInput, MismatchedLengthsAndBadPlantField) {
  ep::PvWeather w = weather();
  w.temp_air_c.conservativeResize(10);
  try {
    ep::simulate_pv(base_plant(), w);
    FAIL();
  } catch (const ehub::InputError& e) {
    EXPECT_EQ(e.path(), "temp_air_c");
  }
  ep::PvPlant p = base_plant();
  p.albedo = 1.5;
  try {
    ep::simulate_pv(p, weather());
    FAIL();
  } catch (const ehub::InputError& e) {
    EXPECT_EQ(e.path(), "albedo");
  }
}

TEST(PvModels, ZeroDiffuseDaylightGivesZeroNotNan) {
  // pvlib's perez returns NaN when DHI = DNI = 0 with the sun up; ehub returns 0.
  const auto s = ep::perez(30.0, 180.0, 0.0, 0.0, 1367.0, 40.0, 180.0, 1.3);
  EXPECT_EQ(s[0], 0.0);
  const auto am = ep::get_relative_airmass(Eigen::VectorXd::Constant(1, 95.0));
  EXPECT_TRUE(std::isinf(am[0]));
}
