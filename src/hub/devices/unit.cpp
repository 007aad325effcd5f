// The committed thermal unit shared by the CHP and the diesel generator (docs/devices.md, "Units").
#include <algorithm>
#include <cmath>
#include <string>

#include "common.hpp"
#include "unit.hpp"
#include "ehub/core/error.hpp"
#include "ehub/core/time_grid.hpp"

namespace ehub::hub::detail {

using lp::IndexRange;
using lp::kInf;
using lp::VarType;

UnitParams unit_params(const io::JsonReader& r, double default_eff) {
  UnitParams u;
  u.capacity_kw = r.positive_number("capacity_kw");
  u.min_load = opt_range(r, "min_load", 0.0, 1.0, 0.0);
  u.eff_full = given(r, "electric_efficiency") ? r.number_in_range("electric_efficiency", 1e-3, 1.0) : default_eff;
  // Without an efficiency at min load, `part_load_efficiency_ratio` (default 1) gives it relative
  // to the full-load efficiency.
  u.part_load_ratio = opt_range(r, "part_load_efficiency_ratio", 1e-3, 1.0, 1.0);
  u.part_load_given = given(r, "electric_efficiency_at_min_load") || given(r, "part_load_curve") ||
                      given(r, "part_load_efficiency_ratio");
  u.eff_min = given(r, "electric_efficiency_at_min_load")
                  ? r.number_in_range("electric_efficiency_at_min_load", 1e-3, 1.0) : u.eff_full * u.part_load_ratio;
  u.startup_cost = opt_non_negative(r, "startup_cost", 0.0);
  u.min_up_h = opt_non_negative(r, "min_up_h", 0.0);
  u.min_down_h = opt_non_negative(r, "min_down_h", 0.0);
  u.ramp_kw_per_h = opt_limit(r, "ramp_kw_per_h", kInf);
  u.om_per_kwh = opt_non_negative(r, "om_per_kwh", 0.0);
  u.initial_on = r.optional_boolean("initial_on", false);
  u.commitment = r.optional_boolean("commitment", true);
  if (given(r, "initial_hours_in_state")) u.initial_hours_in_state = r.non_negative_number("initial_hours_in_state");
  if (given(r, "initial_p_kw")) {
    u.initial_p_kw = r.number_in_range("initial_p_kw", 0.0, u.capacity_kw);
    if (!u.initial_on && u.initial_p_kw > 0) throw r.error_at("initial_p_kw", "must be 0 when initial_on is false");
  }
  return u;
}


UnitVars formulate_unit(Builder& b, const UnitParams& u) {
  auto& m = b.model();
  const std::int32_t n = b.steps();
  IndexRange p = b.add_vars("p_kw", 0.0, u.capacity_kw);
  IndexRange on = b.add_vars("on", 0.0, 1.0, u.commitment ? VarType::binary : VarType::continuous);
  // Binary start/stop (with on binary) so a paired start+stop cannot lift ramp limits.
  const VarType sv = u.commitment ? VarType::binary : VarType::continuous;
  IndexRange st = b.add_vars("start", 0.0, 1.0, sv, false);
  IndexRange sd = b.add_vars("stop", 0.0, 1.0, sv, false);
  const double pmin = u.min_load * u.capacity_kw;
  for (std::int32_t t = 0; t < n; ++t) {
    m.begin_row(-kInf, 0.0);  // p <= Pmax * on
    m.add_term(p[t], 1.0);
    m.add_term(on[t], -u.capacity_kw);
    if (pmin > 0) {
      m.begin_row(0.0, kInf);  // p >= Pmin * on
      m.add_term(p[t], 1.0);
      m.add_term(on[t], -pmin);
    }
    const double prev_on = t == 0 && u.initial_on ? 1.0 : 0.0;  // on_{t-1} for t = 0
    m.begin_row(t == 0 ? prev_on : 0.0, t == 0 ? prev_on : 0.0);  // on_t - on_{t-1} - start_t + stop_t = 0
    m.add_term(on[t], 1.0);
    if (t > 0) m.add_term(on[t - 1], -1.0);
    m.add_term(st[t], -1.0);
    m.add_term(sd[t], 1.0);
    m.begin_row(-kInf, 1.0);  // not starting and stopping in the same step
    m.add_term(st[t], 1.0);
    m.add_term(sd[t], 1.0);
  }
  const auto up = static_cast<std::int32_t>(std::ceil(u.min_up_h / b.dt_h() - 1e-9));
  const auto down = static_cast<std::int32_t>(std::ceil(u.min_down_h / b.dt_h() - 1e-9));
  // History before the first step: a unit on (off) for h hours stays on (off) until it has been
  // so for min_up_h (min_down_h).
  if (std::isfinite(u.initial_hours_in_state)) {
    const double left_h = (u.initial_on ? u.min_up_h : u.min_down_h) - u.initial_hours_in_state;
    const auto keep = std::min(n, static_cast<std::int32_t>(std::ceil(left_h / b.dt_h() - 1e-9)));
    for (std::int32_t t = 0; t < keep; ++t)
      if (u.initial_on) m.set_var_bounds(on[t], 1.0, 1.0);
      else m.set_var_bounds(on[t], 0.0, 0.0);
  }
  if (std::isfinite(u.ramp_kw_per_h) && u.initial_p_kw >= 0 && n > 0) {  // ramp from the step before
    const double r = u.ramp_kw_per_h * b.dt_h();
    m.begin_row(-kInf, r + u.initial_p_kw);
    m.add_term(p[0], 1.0);
    m.add_term(st[0], -u.capacity_kw);
    m.begin_row(-kInf, r - u.initial_p_kw);
    m.add_term(p[0], -1.0);
    m.add_term(sd[0], -u.capacity_kw);
  }
  for (std::int32_t t = 0; t < n; ++t) {
    if (up > 1) {  // sum_{k=t-up+1..t} start_k <= on_t
      m.begin_row(-kInf, 0.0);
      for (std::int32_t k = std::max(0, t - up + 1); k <= t; ++k) m.add_term(st[k], 1.0);
      m.add_term(on[t], -1.0);
    }
    if (down > 1) {  // sum_{k=t-down+1..t} stop_k + on_t <= 1
      m.begin_row(-kInf, 1.0);
      for (std::int32_t k = std::max(0, t - down + 1); k <= t; ++k) m.add_term(sd[k], 1.0);
      m.add_term(on[t], 1.0);
    }
    if (std::isfinite(u.ramp_kw_per_h) && t > 0) {  // |p_t - p_{t-1}| <= R dt, plus Pmax at start/stop
      const double r = u.ramp_kw_per_h * b.dt_h();
      m.begin_row(-kInf, r);
      m.add_term(p[t], 1.0);
      m.add_term(p[t - 1], -1.0);
      m.add_term(st[t], -u.capacity_kw);
      m.begin_row(-kInf, r);
      m.add_term(p[t - 1], 1.0);
      m.add_term(p[t], -1.0);
      m.add_term(sd[t], -u.capacity_kw);
    }
  }
  b.mark_setpoint("on", Setpoint::commitment);
  b.mark_setpoint("p_kw", Setpoint::output);
  if (u.startup_cost > 0)
    for (std::int32_t t = 0; t < n; ++t) b.add_unit_cost("startups", st[t], u.startup_cost);
  if (u.om_per_kwh > 0) b.add_energy_cost("om", p, u.om_per_kwh);
  return {p, on};
}

void fuel_coefficients(const UnitParams& u, double& a, double& slope) {
  const double pmax = u.capacity_kw, pmin = u.min_load * u.capacity_kw;
  if (pmin <= 0 || u.eff_min == u.eff_full || pmax - pmin < 1e-9 * pmax) {
    a = 0;
    slope = 1.0 / u.eff_full;
    return;
  }
  slope = (pmax / u.eff_full - pmin / u.eff_min) / (pmax - pmin);
  a = pmin / u.eff_min - slope * pmin;
}

UnitInfo unit_info(const UnitParams& u, double eff_th, bool has_curve) {
  return UnitInfo{u.capacity_kw, u.min_load, u.min_up_h, u.min_down_h, u.eff_full, eff_th, u.initial_on,
                  u.part_load_given || has_curve};
}

UnitParams with_unit_state(UnitParams u, const DeviceState& s) {
  if (s.on) u.initial_on = *s.on;
  if (s.hours_in_state_h) u.initial_hours_in_state = std::max(0.0, *s.hours_in_state_h);
  if (s.last_output_kw) u.initial_p_kw = u.initial_on ? std::clamp(*s.last_output_kw, 0.0, u.capacity_kw) : 0.0;
  else if (s.on && !u.initial_on) u.initial_p_kw = std::min(u.initial_p_kw, 0.0);
  if (s.part_load_efficiency_ratio && !u.part_load_given) {  // a ratio for a unit without part-load data
    u.part_load_ratio = *s.part_load_efficiency_ratio;
    u.eff_min = u.eff_full * u.part_load_ratio;
  }
  return u;
}

}  // namespace ehub::hub::detail
