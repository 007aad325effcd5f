// A PV plant from weather to AC power in one call, the chain of pvlib's ModelChain with PVWatts
// models: SPA sun position, air mass, transposition, IAM, cell temperature, PVWatts DC, losses,
// degradation, PVWatts inverter; fixed tilt or single-axis tracking.
#pragma once

#include <Eigen/Core>
#include <string_view>

#include "ehub/export.hpp"
#include "ehub/physics/irradiance.hpp"
#include "ehub/physics/pvsystem.hpp"
#include "ehub/physics/solar_position.hpp"
#include "ehub/physics/tracking.hpp"

namespace ehub::physics {

/// How the modules are mounted.
enum class PvMount : int { fixed = 0, single_axis = 1 };
/// Incidence-angle modifier of the direct beam.
enum class IamModel : int { none = 0, ashrae = 1, physical = 2 };
/// Cell-temperature model.
enum class CellTemperatureModel : int { sapm = 0, faiman = 1 };

/// A PV plant: site, mount, models and their parameters. Power in kW. Defaults mirror pvlib.
struct PvPlant {
  double latitude_deg = 0.0;
  double longitude_deg = 0.0;
  double altitude_m = 0.0;
  double dc_capacity_kw = 1000.0;   ///< PVWatts pdc0 at 1000 W/m2 and temp_ref_c
  double gamma_pdc_per_c = -0.004;  ///< PVWatts temperature coefficient
  double temp_ref_c = 25.0;
  double inverter_pdc0_kw = 1000.0;  ///< PVWatts inverter DC input limit; AC limit = eta_inv_nom x this
  double eta_inv_nom = 0.96;
  double eta_inv_ref = 0.9637;
  PvMount mount = PvMount::fixed;
  double surface_tilt_deg = 20.0;      ///< fixed mount
  double surface_azimuth_deg = 180.0;  ///< fixed mount, eastward from north
  double axis_tilt_deg = 0.0;          ///< single-axis tracker
  double axis_azimuth_deg = 180.0;     ///< single-axis tracker
  double max_angle_deg = 60.0;         ///< single-axis tracker
  bool backtrack = true;               ///< single-axis tracker
  double gcr = 2.0 / 7.0;              ///< single-axis tracker ground coverage ratio
  double cross_axis_tilt_deg = 0.0;    ///< single-axis tracker
  double albedo = 0.25;
  TranspositionModel transposition = TranspositionModel::perez;
  IamModel iam = IamModel::physical;
  double iam_ashrae_b = 0.05;
  double iam_n = 1.526, iam_k_per_m = 4.0, iam_l_m = 0.002;
  CellTemperatureModel temperature_model = CellTemperatureModel::sapm;
  SapmTemperatureParameters sapm{};  ///< default: open_rack_glass_polymer
  double faiman_u0 = 25.0, faiman_u1 = 6.84;
  PvWattsLosses losses;  ///< applied to DC power, as pvlib's ModelChain does
  double degradation_rate_per_year = 0.0;
  double age_years = 0.0;
  double delta_t_s = 67.0;  ///< TT - UT1 for the SPA
  /// Throws InputError naming the bad field.
  EHUB_EXPORT void validate() const;
};

/// Weather for a PvPlant, one value per instant.
struct PvWeather {
  Eigen::VectorXd time_unix_s;  ///< the instant of each value for the sun position (e.g. grid_times_unix_s())
  Eigen::VectorXd ghi_w_m2;
  Eigen::VectorXd dni_w_m2;
  Eigen::VectorXd dhi_w_m2;
  Eigen::VectorXd temp_air_c;
  Eigen::VectorXd wind_speed_m_s;
  Eigen::VectorXd pressure_pa;  ///< optional (empty: standard atmosphere at the plant's altitude)
  int utc_offset_minutes = 0;   ///< calendar of the day of year for the extraterrestrial irradiance (0: UTC, as pvlib)
};

/// Every intermediate of the chain, one value per instant.
struct PvResult {
  SolarPosition solar_position;
  Eigen::VectorXd dni_extra_w_m2;
  Eigen::VectorXd airmass_relative;  ///< Kasten-Young on the apparent zenith (+inf at night)
  Eigen::VectorXd surface_tilt_deg;  ///< per instant (constant for a fixed mount)
  Eigen::VectorXd surface_azimuth_deg;
  Eigen::VectorXd tracker_theta_deg;  ///< single-axis only (empty for fixed)
  Eigen::VectorXd aoi_deg;
  PoaIrradiance poa;
  Eigen::VectorXd iam;
  Eigen::VectorXd effective_irradiance_w_m2;
  Eigen::VectorXd temp_cell_c;
  Eigen::VectorXd dc_kw;  ///< after PVWatts losses and degradation
  Eigen::VectorXd ac_kw;
};

/// Runs the chain. Irradiance must be >= 0 and finite (see clean_irradiance()); throws InputError
/// naming the weather field and index otherwise, or the PvPlant field.
EHUB_EXPORT PvResult simulate_pv(const PvPlant& plant, const PvWeather& weather);

}  // namespace ehub::physics
