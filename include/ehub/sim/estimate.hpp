// sim estimate: model update of the digital twin. Device parameters are estimated from measured
// series by linear least squares (column-scaled, column-pivoting QR), each with its fit error.
// Equations: docs/operations.md, "Model update: parameter estimation".
#pragma once

#include <Eigen/Core>
#include <cstdint>

#include "ehub/export.hpp"

namespace ehub::sim {

/// How well a least-squares fit matches the measurements it was fitted on.
struct FitError {
  double rmse = 0;        ///< root mean square residual, in the unit of the fitted target (see each estimator)
  double r_squared = 0;   ///< 1 - SSR / SST, SST about the mean of the target; NaN when the target is constant
  std::int64_t points = 0;  ///< measurements used (rows of the least-squares problem)
};

/// Battery parameters estimated from measured charge, discharge and state of charge.
struct BatteryEstimate {
  double charge_efficiency = 0;      ///< eta_c, per unit
  double discharge_efficiency = 0;   ///< eta_d, per unit
  double round_trip_efficiency = 0;  ///< eta_c * eta_d, per unit
  double loss_per_step = 0;          ///< share of the SOC lost per step (l * dt in docs/devices.md)
  double self_discharge_per_h = 0;   ///< loss_per_step / step_hours, per unit per h (`self_discharge_per_h`)
  FitError fit;                      ///< residuals of the SOC change, kWh
};

/// Estimates a battery's efficiencies and standing loss from measured series (equal lengths; value
/// t is step t; soc_kwh[t] is the SOC at the end of step t, as dispatch results record it):
///   soc[t] - soc[t-1] = eta_c * charge_kw[t] * dt - discharge_kw[t] * dt / eta_d - loss * soc[t-1],
/// for t = 1..n-1, linear in (eta_c, 1/eta_d, loss). Needs at least 5 steps, charging and
/// discharging each in some step. Throws InputError naming the argument: lengths differ, a value
/// is not finite, negative power, step_hours <= 0, too few steps, singular design (e.g. never
/// discharged), or a fit without a positive discharge efficiency.
EHUB_EXPORT BatteryEstimate estimate_battery(const Eigen::VectorXd& charge_kw, const Eigen::VectorXd& discharge_kw,
                                             const Eigen::VectorXd& soc_kwh, double step_hours);

/// CHP (or diesel generator) fuel line estimated from measured points.
struct ChpFuelEstimate {
  double no_load_fuel_kw = 0;           ///< a: fuel per committed step at zero output, kW of fuel
  double fuel_per_kw_el = 0;            ///< b: incremental fuel per kW of electricity, kW fuel / kW el
  double rated_kw = 0;                  ///< the rated electric power the efficiency below refers to, kW
  double electric_efficiency_at_rated = 0;  ///< rated_kw / (a + b * rated_kw), per unit
  FitError fit;                         ///< residuals of the fuel, kW of fuel

  /// Electrical efficiency p / (a + b p) at electric output `p_el_kw` (> 0) when committed.
  double electric_efficiency_at(double p_el_kw) const noexcept {
    return p_el_kw / (no_load_fuel_kw + fuel_per_kw_el * p_el_kw);
  }
};

/// Estimates the fuel line fuel_kw = a * on + b * p_el_kw (docs/devices.md, chp) from measured
/// electric output and fuel input. `on` (commitment, each in [0, 1]) may be empty: then a step is
/// committed when p_el_kw > 0. Only committed steps (on > 0) are used; at least 3 are needed, with
/// at least two different outputs. `rated_kw` (> 0) gives electric_efficiency_at_rated. Throws
/// InputError naming the argument for mismatched lengths, non-finite or negative values, too few
/// committed steps and a singular design.
EHUB_EXPORT ChpFuelEstimate estimate_chp_fuel(const Eigen::VectorXd& p_el_kw, const Eigen::VectorXd& fuel_kw,
                                              const Eigen::VectorXd& on, double rated_kw);

/// Electric chiller COP as a straight line in the outdoor temperature.
struct ChillerCopEstimate {
  double cop_at_0c = 0;        ///< c0: COP extrapolated to 0 degC, per unit
  double cop_per_degc = 0;     ///< c1: change of the COP per degC of outdoor temperature, 1/degC
  FitError fit;                ///< residuals of the COP, per unit

  /// The fitted COP c0 + c1 * T at outdoor temperature `temperature_c`.
  double cop_at(double temperature_c) const noexcept { return cop_at_0c + cop_per_degc * temperature_c; }
};

/// Estimates COP = c0 + c1 * T from measured cooling output, electricity input and outdoor
/// temperature: the measured COP cooling_kw / electricity_kw of every step with electricity_kw >
/// min_electricity_kw (>= 0; part-load steps with little electricity give noisy ratios) is
/// regressed on temperature_c. At least 3 such steps with two different temperatures are needed.
/// Throws InputError naming the argument for mismatched lengths, non-finite or negative values,
/// too few usable steps and a constant temperature (singular design).
EHUB_EXPORT ChillerCopEstimate estimate_chiller_cop(const Eigen::VectorXd& cooling_kw, const Eigen::VectorXd& electricity_kw,
                                                    const Eigen::VectorXd& temperature_c, double min_electricity_kw = 0);

/// PV performance ratio: measured AC output over the reference output.
struct PvPerformanceEstimate {
  double performance_ratio = 0;  ///< PR, per unit: ac_kw = PR * capacity_kw * reference
  FitError fit;                  ///< residuals of the AC output, kW
};

/// Estimates the performance ratio by least squares through the origin,
///   ac_kw[t] = PR * capacity_kw * reference[t],  PR = sum(x y) / sum(x x), x = capacity_kw * reference,
/// where `reference` is the availability per kW installed (per unit, as the pv device's
/// `availability`) or the plane-of-array irradiance / 1000 W/m2. Steps with reference <=
/// min_reference (night) are skipped; at least 2 steps must remain. Throws InputError naming the
/// argument for mismatched lengths, non-finite values, a negative reference, capacity_kw <= 0 and too few
/// usable steps.
EHUB_EXPORT PvPerformanceEstimate estimate_pv_performance_ratio(const Eigen::VectorXd& ac_kw,
                                                                const Eigen::VectorXd& reference, double capacity_kw,
                                                                double min_reference = 0);

}  // namespace ehub::sim
