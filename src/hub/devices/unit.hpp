// Private: the committed thermal unit shared by the CHP and the diesel generator (unit
// commitment with min load, start-up cost, minimum up/down times, ramps; docs/devices.md).
#pragma once

#include "ehub/hub/builder.hpp"
#include "ehub/hub/device.hpp"
#include "ehub/io/json.hpp"

namespace ehub::hub::detail {

// Thermal unit (CHP, diesel generator): unit commitment with min load, start-up cost, minimum up
// and down times and ramp limits; fuel_t = a * on_t + b * p_t through the min-load and full-load
// efficiency points.
struct UnitParams {
  double capacity_kw = 0, min_load = 0, eff_full = 0.4, eff_min = 0.4, startup_cost = 0, min_up_h = 0,
         min_down_h = 0, ramp_kw_per_h = lp::kInf, om_per_kwh = 0;
  double initial_hours_in_state = lp::kInf;  // hours on (initial_on) or off before the first step
  double initial_p_kw = -1;              // output in the step before the first (< 0: unknown)
  double part_load_ratio = 1.0;          // efficiency at min load / full load when not given
  bool initial_on = false, commitment = true;
  bool part_load_given = false;          // electric_efficiency_at_min_load, part_load_curve or the ratio given
};

/// Reads the unit keys (EHUB_UNIT_KEYS) with `default_eff` as the full-load electric efficiency.
UnitParams unit_params(const io::JsonReader& r, double default_eff);

/// The variables every unit adds: output p_kw and commitment on.
struct UnitVars {
  lp::IndexRange p, on;
};

/// Adds p, on, start, stop and the commitment rows (marking on and p_kw as the twin's setpoints).
UnitVars formulate_unit(Builder& b, const UnitParams& u);

/// Fuel use fuel_t = a * on_t + slope * p_t (kW of fuel), a line through (Pmin, Pmin / eff_min)
/// and (Pmax, Pmax / eff_full); with no minimum load, fuel = p / eff_full.
void fuel_coefficients(const UnitParams& u, double& a, double& slope);

/// What the unit tells the layers above; `eff_th` its thermal efficiency (0: none).
UnitInfo unit_info(const UnitParams& u, double eff_th, bool has_curve);

/// `u` with the carried state and twin conditions of `s` applied.
UnitParams with_unit_state(UnitParams u, const DeviceState& s);

}  // namespace ehub::hub::detail

#define EHUB_UNIT_KEYS                                                                                       \
  "capacity_kw", "min_load", "electric_efficiency", "electric_efficiency_at_min_load", "startup_cost", "min_up_h", \
      "min_down_h", "ramp_kw_per_h", "om_per_kwh", "initial_on", "commitment", "initial_hours_in_state", "initial_p_kw", \
      "part_load_efficiency_ratio"
