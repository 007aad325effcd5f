// Wind power mirroring windpowerlib: hub-height wind speed (logarithmic profile, Hellmann power
// law), temperature gradient, air density (barometric, ideal gas), power-curve interpolation with
// IEC 61400-12 density correction, turbines from the OEDB turbine library, wind farms of several
// turbine types with wake (farm efficiency) and availability losses.
#pragma once

#include <Eigen/Core>
#include <string>
#include <string_view>
#include <vector>

#include "ehub/export.hpp"
#include "ehub/physics/broadcast.hpp"

namespace ehub::physics {

/// Logarithmic wind profile (windpowerlib.wind_speed.logarithmic_profile):
/// v_hub = v ln((h_hub - 0.7 d) / z0) / ln((h - 0.7 d) / z0), d the obstacle height.
EHUB_EXPORT Eigen::VectorXd wind_speed_logarithmic_profile(const Broadcast& wind_speed_m_s, double wind_speed_height_m,
                                                           double hub_height_m, const Broadcast& roughness_length_m,
                                                           double obstacle_height_m = 0.0);

/// Hellmann power law (windpowerlib.wind_speed.hellman): v (h_hub / h)^alpha.
EHUB_EXPORT Eigen::VectorXd wind_speed_hellman(const Broadcast& wind_speed_m_s, double wind_speed_height_m,
                                               double hub_height_m, const Broadcast& hellman_exponent = 1.0 / 7.0);
/// The Hellmann exponent windpowerlib derives from a roughness length: 1 / ln(h_hub / z0).
EHUB_EXPORT Eigen::VectorXd hellman_exponent_from_roughness(double hub_height_m, const Broadcast& roughness_length_m);

/// Temperature at hub height with the standard gradient -6.5 K/km
/// (windpowerlib.temperature.linear_gradient). Kelvin in, Kelvin out.
EHUB_EXPORT Eigen::VectorXd temperature_linear_gradient(const Broadcast& temperature_k, double temperature_height_m,
                                                        double hub_height_m);

/// Air density at hub height by the barometric height equation (windpowerlib.density.barometric):
/// (p / 100 - (h_hub - h_p) / 8) 1.225 288.15 100 / (101330 T_hub), p in Pa, T in K, kg/m3.
EHUB_EXPORT Eigen::VectorXd density_barometric(const Broadcast& pressure_pa, double pressure_height_m,
                                               double hub_height_m, const Broadcast& temperature_hub_height_k);
/// Air density at hub height from the ideal gas law (windpowerlib.density.ideal_gas):
/// (p / 100 - (h_hub - h_p) / 8) 100 / (287.058 T_hub).
EHUB_EXPORT Eigen::VectorXd density_ideal_gas(const Broadcast& pressure_pa, double pressure_height_m,
                                              double hub_height_m, const Broadcast& temperature_hub_height_k);

/// A power curve: electrical power in W at strictly increasing wind speeds in m/s.
struct PowerCurve {
  Eigen::VectorXd wind_speed_m_s;
  Eigen::VectorXd power_w;
  /// Throws InputError unless both have the same length >= 2, speeds are finite, >= 0 and strictly
  /// increasing, and powers are finite and >= 0. `name` prefixes the field names.
  EHUB_EXPORT void validate(std::string_view name = "power_curve") const;
};

/// Power from a power curve (windpowerlib.power_output.power_curve without density correction):
/// linear interpolation, 0 below the first and above the last point of the curve.
EHUB_EXPORT Eigen::VectorXd power_curve_power_w(const Broadcast& wind_speed_m_s, const PowerCurve& curve);

/// Power from a density-corrected power curve (windpowerlib power_curve_density_correction, after
/// IEC 61400-12-1 and Svenningsen 2010): the curve's wind speeds are scaled by
/// (1.225 / rho)^p, p = 1/3 below 7.5 m/s, 2/3 above 12.5 m/s and linear in between, then
/// interpolated as power_curve_power_w does.
EHUB_EXPORT Eigen::VectorXd power_curve_density_correction(const Broadcast& wind_speed_m_s, const PowerCurve& curve,
                                                           const Broadcast& density_kg_m3);

/// A wind turbine type at a hub height.
struct WindTurbine {
  std::string turbine_type;  ///< e.g. "E-126/4200"
  double hub_height_m = 0.0;
  double nominal_power_w = 0.0;
  double rotor_diameter_m = 0.0;  ///< 0: unknown
  PowerCurve power_curve;
  /// Throws InputError naming the field.
  EHUB_EXPORT void validate() const;
};

/// Reads one turbine from the OEDB turbine library files of windpowerlib (power_curves.csv: one
/// row per turbine, wind speeds in the header, W in the cells, empty cell = no point;
/// turbine_data.csv for nominal_power and rotor_diameter; pass "" to take the curve's maximum as
/// nominal power). Throws InputError naming the file and line on a bad file or unknown type.
EHUB_EXPORT WindTurbine read_oedb_turbine(const std::string& power_curves_csv, const std::string& turbine_type,
                                          double hub_height_m, const std::string& turbine_data_csv = "");

/// A wind efficiency curve (windpowerlib.wake_losses, dena / Knorr): the factor applied to the
/// wind speed of a farm, linear in wind speed between points, held constant outside.
struct WindEfficiencyCurve {
  Eigen::VectorXd wind_speed_m_s;
  Eigen::VectorXd efficiency;
};
/// Reads column `curve_name` ("dena_mean", "knorr_mean", ...) of a windpowerlib
/// wind_efficiency_curves_*.csv file.
EHUB_EXPORT WindEfficiencyCurve read_wind_efficiency_curve(const std::string& csv_path, const std::string& curve_name);

/// Weather at several heights, as windpowerlib's multi-index weather DataFrame.
struct WindWeather {
  struct AtHeight {
    double height_m = 0.0;
    Eigen::VectorXd values;
  };
  std::vector<AtHeight> wind_speed_m_s;
  std::vector<AtHeight> temperature_k;
  std::vector<AtHeight> pressure_pa;
  Eigen::VectorXd roughness_length_m;  ///< one per time (or a single value for all)
  /// Number of time steps; throws InputError naming the field on missing data or mismatched lengths.
  EHUB_EXPORT Eigen::Index validate() const;
};

/// Options of the wind model chain (windpowerlib.modelchain.ModelChain defaults).
struct WindModelChainOptions {
  enum class WindSpeedModel : int { logarithmic = 0, hellman = 1 };
  enum class DensityModel : int { barometric = 0, ideal_gas = 1 };
  WindSpeedModel wind_speed_model = WindSpeedModel::logarithmic;
  DensityModel density_model = DensityModel::barometric;
  bool density_correction = false;
  double obstacle_height_m = 0.0;
  double hellman_exponent = NAN;  ///< NaN: 1 / ln(h_hub / z0) from the weather's roughness length
};

/// Wind speed at hub height by the chosen model from the measurement height closest to the hub
/// (the measured series itself when one is at hub height), as windpowerlib's ModelChain.
EHUB_EXPORT Eigen::VectorXd wind_speed_hub(const WindWeather& weather, double hub_height_m,
                                           const WindModelChainOptions& options = {});
/// Air density at hub height (temperature by the linear gradient from the closest height).
EHUB_EXPORT Eigen::VectorXd density_hub(const WindWeather& weather, double hub_height_m,
                                        const WindModelChainOptions& options = {});

/// Power output in W of one turbine (windpowerlib ModelChain.run_model with a power curve).
EHUB_EXPORT Eigen::VectorXd wind_turbine_power_w(const WindTurbine& turbine, const WindWeather& weather,
                                                 const WindModelChainOptions& options = {});

/// A wind farm of several turbine types.
struct WindFarm {
  struct Member {
    WindTurbine turbine;
    double number_of_turbines = 1.0;
  };
  std::vector<Member> fleet;
  /// Wake losses as a constant farm efficiency applied to the aggregated power curve
  /// (windpowerlib wake_losses_model='wind_farm_efficiency'); 1: none.
  double efficiency = 1.0;
  /// Wake losses as a wind-efficiency curve reducing the hub wind speed (windpowerlib
  /// wake_losses_model='dena_mean' etc.); empty: not used. Used together with efficiency = 1.
  WindEfficiencyCurve wind_efficiency_curve;
  /// Availability factor (technical availability, curtailment) applied to the output; not part
  /// of windpowerlib.
  double availability = 1.0;
  /// Throws InputError naming the field.
  EHUB_EXPORT void validate() const;
  /// Installed capacity in W: sum of nominal power x number of turbines.
  EHUB_EXPORT double nominal_power_w() const;
};

/// The farm's mean hub height: exp(sum P_i ln h_i / sum P_i) weighted by capacity
/// (windpowerlib.wind_farm.WindFarm.mean_hub_height).
EHUB_EXPORT double wind_farm_mean_hub_height_m(const WindFarm& farm);
/// The aggregated farm power curve (windpowerlib WindFarm.assign_power_curve without smoothing):
/// each turbine curve padded with 0 W at 0 m/s and 0.5 m/s after its last point, interpolated on
/// the union of wind speeds, times the number of turbines, summed, times `efficiency`.
EHUB_EXPORT PowerCurve wind_farm_power_curve(const WindFarm& farm);
/// Power output in W of a farm (windpowerlib TurbineClusterModelChain.run_model without
/// smoothing) times availability.
EHUB_EXPORT Eigen::VectorXd wind_farm_power_w(const WindFarm& farm, const WindWeather& weather,
                                              const WindModelChainOptions& options = {});

}  // namespace ehub::physics
