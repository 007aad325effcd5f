// PV plants and wind farms: output up to the available power (docs/devices.md, "pv", "wind").
#include <algorithm>
#include <cmath>
#include <string>

#include "common.hpp"
#include "ehub/core/error.hpp"
#include "ehub/core/time_grid.hpp"

namespace ehub::hub {
namespace {

using detail::checked;
using detail::given;
using detail::only_keys;
using detail::opt_limit;
using detail::opt_non_negative;
using detail::opt_positive;
using detail::opt_range;
using detail::to_vec;
using lp::IndexRange;
using lp::kInf;
using lp::VarType;

// Renewable producer (PV plant, wind farm): p_t <= capacity_kw * availability_t.
class Renewable final : public Device {
 public:
  Renewable(std::string name, std::string type, double capacity_kw, Eigen::VectorXd availability, bool curtailable,
            double om_per_kwh, std::vector<std::string> forecast_inputs)
      : Device(std::move(name)), type_(std::move(type)), capacity_kw_(capacity_kw),
        availability_(std::move(availability)), curtailable_(curtailable), om_per_kwh_(om_per_kwh),
        forecast_inputs_(std::move(forecast_inputs)) {}
  std::string type() const override { return type_; }
  std::vector<PortSpec> ports() const override { return {{"el", Carrier::electricity, PortDirection::output}}; }
  bool renewable() const override { return true; }
  std::vector<std::string> forecast_inputs() const override { return forecast_inputs_; }
  void formulate(Builder& b) const override {
    std::vector<double> avail_kw(static_cast<std::size_t>(b.steps()));
    double available_kwh = 0;
    for (std::int32_t t = 0; t < b.steps(); ++t) {
      avail_kw[static_cast<std::size_t>(t)] = capacity_kw_ * availability_[t];
      available_kwh += avail_kw[static_cast<std::size_t>(t)] * b.dt_h();
    }
    IndexRange p = b.add_vars("p_kw", 0.0, avail_kw);
    if (!curtailable_)
      for (std::int32_t t = 0; t < b.steps(); ++t)
        b.model().set_var_bounds(p[t], avail_kw[static_cast<std::size_t>(t)], avail_kw[static_cast<std::size_t>(t)]);
    b.mark_setpoint("p_kw", Setpoint::available);
    b.add_port_flow("el", p, 1.0);
    if (om_per_kwh_ > 0) b.add_energy_cost("om", p, om_per_kwh_);
    b.add_energy_tally("renewable_kwh", p, 1.0);
    b.add_tally_constant("curtailment_kwh", available_kwh);
    b.add_energy_tally("curtailment_kwh", p, -1.0);
  }

 private:
  std::string type_;
  double capacity_kw_;
  Eigen::VectorXd availability_;
  bool curtailable_;
  double om_per_kwh_;
  std::vector<std::string> forecast_inputs_;
};

std::unique_ptr<Device> make_pv(const std::string& name, const io::JsonReader& r, const SeriesSource& s) {
  only_keys(r, {"capacity_kw", "availability", "curtailable", "om_per_kwh"});
  const double cap = r.positive_number("capacity_kw");
  auto avail = checked(r, "availability", s.get(r, "availability", SeriesKind::intensive), 0.0, 1.0 + 1e-9);
  return std::make_unique<Renewable>(name, "pv", cap, std::move(avail), r.optional_boolean("curtailable", true),
                                     opt_non_negative(r, "om_per_kwh", 0.0), std::vector<std::string>{"availability"});
}

// Wind power curve: piecewise-linear points, or the cubic shape between cut-in and rated speed.
double wind_power_pu(double v, double cut_in, double rated, double cut_out) {
  if (!(v >= cut_in) || v >= cut_out) return 0.0;
  if (v >= rated) return 1.0;
  const double a = cut_in * cut_in * cut_in;
  return (v * v * v - a) / (rated * rated * rated - a);
}

std::unique_ptr<Device> make_wind(const std::string& name, const io::JsonReader& r, const SeriesSource& s) {
  only_keys(r, {"turbines", "rated_kw", "availability", "wind_speed_m_per_s", "power_curve", "cut_in_m_per_s",
                "rated_speed_m_per_s", "cut_out_m_per_s", "losses", "curtailable", "om_per_kwh"});
  const double turbines = static_cast<double>(r.optional_int("turbines", 1));
  if (turbines < 1) throw r.error_at("turbines", "must be >= 1");
  const double rated_kw = r.positive_number("rated_kw");
  Eigen::VectorXd avail;
  if (given(r, "availability")) {
    avail = checked(r, "availability", s.get(r, "availability", SeriesKind::intensive), 0.0, 1.0 + 1e-9);
  } else {
    const Eigen::VectorXd v = checked(r, "wind_speed_m_per_s", s.get(r, "wind_speed_m_per_s", SeriesKind::intensive),
                                      0.0, 100.0);
    avail.resize(v.size());
    if (given(r, "power_curve")) {  // [[speed_m_per_s, power_kw], ...] ascending speeds
      const auto pts = r.at("power_curve").elements();
      std::vector<double> sp, pw;
      for (const auto& p : pts) {
        const auto xy = p.numbers();
        if (xy.size() != 2) throw p.error("expected [speed_m_per_s, power_kw]");
        if (!sp.empty() && xy[0] <= sp.back()) throw p.error("speeds must increase");
        sp.push_back(xy[0]);
        pw.push_back(xy[1] / rated_kw);
      }
      if (sp.size() < 2) throw r.error_at("power_curve", "needs at least two points");
      for (Eigen::Index t = 0; t < v.size(); ++t) {
        const double x = v[t];
        if (x <= sp.front() || x > sp.back()) {
          avail[t] = 0.0;
          continue;
        }
        if (x == sp.back()) {
          avail[t] = std::clamp(pw.back(), 0.0, 1.0);
          continue;
        }
        const auto k = static_cast<std::size_t>(std::upper_bound(sp.begin(), sp.end(), x) - sp.begin());
        const double w = (x - sp[k - 1]) / (sp[k] - sp[k - 1]);
        avail[t] = std::clamp(pw[k - 1] + w * (pw[k] - pw[k - 1]), 0.0, 1.0);
      }
    } else {
      const double cut_in = opt_positive(r, "cut_in_m_per_s", 3.0);
      const double rated = opt_positive(r, "rated_speed_m_per_s", 12.0);
      const double cut_out = opt_positive(r, "cut_out_m_per_s", 25.0);
      if (!(cut_in < rated && rated < cut_out)) throw r.error("needs cut_in < rated speed < cut_out");
      for (Eigen::Index t = 0; t < v.size(); ++t) avail[t] = wind_power_pu(v[t], cut_in, rated, cut_out);
    }
    avail *= 1.0 - opt_range(r, "losses", 0.0, 1.0, 0.0);
  }
  return std::make_unique<Renewable>(name, "wind", turbines * rated_kw, std::move(avail),
                                     r.optional_boolean("curtailable", true), opt_non_negative(r, "om_per_kwh", 0.0),
                                     std::vector<std::string>{"wind_speed_m_per_s", "availability"});
}

}  // namespace

void detail::register_renewables() {
  register_device_type("pv", make_pv, "PV plant: capacity_kw, availability (per unit)");
  register_device_type("wind", make_wind, "Wind farm: turbines x rated_kw, availability or wind speed");
}

}  // namespace ehub::hub
