// PV and wind power forecasts: the physical models of ehub::physics run on forecast weather, plus
// a statistical correction fitted on history (scale, then a piecewise-linear function of the
// physical output's share of capacity).
#pragma once

#include <Eigen/Core>
#include <nlohmann/json.hpp>
#include <string>

#include "ehub/export.hpp"
#include "ehub/forecast/forecaster.hpp"
#include "ehub/forecast/linear.hpp"
#include "ehub/physics/pv_model.hpp"
#include "ehub/physics/wind.hpp"

namespace ehub::forecast {

/// The statistical correction y ~ c P + sum_k b_k phi_k(P / P_ref) of a physical output P: c by
/// least squares through the origin, then the residual by ridge on K hat functions phi_k centred
/// at u_k = k / (K - 1) (piecewise-linear interpolation in u), shrunk towards 0 so that output
/// levels never seen in the history keep the scaled physics.
struct EHUB_EXPORT PhysicalCorrection {
  bool enabled = true;
  int knots = 11;          ///< K >= 2
  double lambda = 10.0;    ///< ridge penalty on the hat coefficients
  double scale = 1.0;      ///< fitted c
  Eigen::VectorXd coef;    ///< fitted b_k
  double reference = 1.0;  ///< P_ref: the plant's AC (or nominal) capacity, same unit as P
  /// Fits c and b on finite (P, y) pairs; with `enabled` false, c = 1 and b = 0.
  void fit(const Eigen::VectorXd& physical, const Eigen::VectorXd& measured);
  /// The corrected value of P.
  double apply(double physical) const noexcept;
  void validate() const;
};

/// Options of PvForecaster.
struct EHUB_EXPORT PvForecastOptions {
  physics::PvPlant plant;
  std::string ghi_column, dni_column, dhi_column;  ///< "" = detect by name; DNI/DHI from Erbs when absent
  std::string temperature_column;                  ///< "" = detect; absent: 20 degC
  std::string wind_speed_column;                   ///< "" = detect; absent: 1 m/s
  PhysicalCorrection correction;
  void validate() const;
  /// Reads {"plant": {PvPlant fields}, "correction": bool, "knots", "lambda", "*_column"}.
  static PvForecastOptions from_json(const nlohmann::json& j);
};

/// PV power: simulate_pv (SPA, transposition, IAM, cell temperature, PVWatts, inverter) on the
/// window's weather at mid-step, then the correction. Forecasts are clipped to >= 0.
class EHUB_EXPORT PvForecaster {
 public:
  explicit PvForecaster(PvForecastOptions options = {});
  std::string name() const { return "pv_physics"; }
  void fit(const ModelInput& in, const ForecastOptions& options);
  Eigen::VectorXd predict(const ModelInput& known, std::int64_t origin, const TimeGrid& window) const;
  Requirements requirements() const;
  /// The physical model's AC power (kW) on steps [first, first + count) of the input's grid.
  Eigen::VectorXd physical_kw(const ModelInput& in, std::int64_t first, std::int64_t count) const;
  const PhysicalCorrection& correction() const noexcept { return options_.correction; }

 private:
  void resolve(const Exogenous& ex);
  PvForecastOptions options_;
  std::string ghi_, dni_, dhi_, temp_, wind_;
};

/// Options of WindForecaster.
struct EHUB_EXPORT WindForecastOptions {
  physics::WindFarm farm;
  double wind_speed_height_m = 10.0;  ///< height of the wind speed column
  double roughness_length_m = 0.1;
  physics::WindModelChainOptions chain;
  std::string wind_speed_column;   ///< "" = detect (wind_speed_m_s, wind_speed_m_per_s, wind_speed, "Wspd (m/s)")
  std::string temperature_column;  ///< "" = detect; absent: 15 degC at 2 m
  std::string pressure_column;     ///< "" = detect (pressure_pa); absent: 101325 Pa at 0 m
  PhysicalCorrection correction;
  void validate() const;
  /// Reads {"turbines": [{"power_curves_csv", "turbine_type", "turbine_data_csv"} or
  /// {"power_curve": [[m/s, kW], ...], "nominal_power_kw"}, with "hub_height_m" and "number"],
  /// "efficiency", "availability", "wind_speed_height_m", "roughness_length_m", "correction",
  /// "knots", "lambda", "*_column"}.
  static WindForecastOptions from_json(const nlohmann::json& j);
};

/// Wind power: the windpowerlib-style farm model (hub-height wind, density, power curves, wake
/// and availability) on the window's weather, then the correction. Forecasts are clipped to >= 0.
class EHUB_EXPORT WindForecaster {
 public:
  explicit WindForecaster(WindForecastOptions options = {});
  std::string name() const { return "wind_physics"; }
  void fit(const ModelInput& in, const ForecastOptions& options);
  Eigen::VectorXd predict(const ModelInput& known, std::int64_t origin, const TimeGrid& window) const;
  Requirements requirements() const;
  /// The physical model's power (kW) on steps [first, first + count) of the input's grid.
  Eigen::VectorXd physical_kw(const ModelInput& in, std::int64_t first, std::int64_t count) const;
  const PhysicalCorrection& correction() const noexcept { return options_.correction; }

 private:
  void resolve(const Exogenous& ex);
  WindForecastOptions options_;
  std::string wind_, temp_, pres_;
};

}  // namespace ehub::forecast
