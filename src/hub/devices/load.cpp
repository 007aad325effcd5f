// Load: a demand profile with an optional curtailable share and unserved energy at the value
// of lost load (docs/devices.md, "load").
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

// Load: a fixed profile on a bus, with optional curtailable share (penalty per kWh) and unserved
// energy at the value of lost load: flow = -(profile - curtailed - unserved).
class Load final : public Device {
 public:
  Load(std::string name, Carrier carrier, Eigen::VectorXd profile_kw, double curtailable_share,
       double curtail_penalty, double voll)
      : Device(std::move(name)), carrier_(carrier), profile_(std::move(profile_kw)), share_(curtailable_share),
        penalty_(curtail_penalty), voll_(voll) {}
  std::string type() const override { return "load"; }
  std::vector<PortSpec> ports() const override { return {{"in", carrier_, PortDirection::input}}; }
  std::optional<LoadInfo> load() const override {
    return LoadInfo{carrier_, to_vec(profile_), voll_ >= 0 ? voll_ : kInf};
  }
  std::vector<std::string> forecast_inputs() const override { return {"profile_kw"}; }
  void formulate(Builder& b) const override {
    auto& m = b.model();
    std::vector<double> neg(static_cast<std::size_t>(b.steps())), ub(neg.size());
    double demand_kwh = 0;
    for (std::int32_t t = 0; t < b.steps(); ++t) {
      neg[static_cast<std::size_t>(t)] = -profile_[t];
      ub[static_cast<std::size_t>(t)] = profile_[t];
      demand_kwh += profile_[t] * b.dt_h();
    }
    b.add_port_constant("in", neg);
    IndexRange u{};
    if (voll_ >= 0) {  // a negative value means: no unserved energy allowed (hard demand)
      u = b.add_vars("unserved_kw", 0.0, ub);
      b.add_port_flow("in", u, 1.0, /*shortfall=*/true);
      b.add_energy_cost("unserved", u, voll_);
      b.add_energy_tally("unserved_kwh", u, 1.0);
    }
    b.add_tally_constant(std::string("demand_") + std::string(to_string(carrier_)) + "_kwh", demand_kwh);
    if (share_ > 0) {
      std::vector<double> cub(ub);
      for (auto& v : cub) v *= share_;
      IndexRange c = b.add_vars("curtailed_kw", 0.0, cub);
      for (std::int32_t t = 0; t < b.steps(); ++t) {  // curtailed + unserved <= profile
        m.begin_row(-kInf, profile_[t]);
        m.add_term(c[t], 1.0);
        if (u.count > 0) m.add_term(u[t], 1.0);
      }
      b.mark_setpoint("curtailed_kw", Setpoint::curtailment);
      b.add_port_flow("in", c, 1.0);
      b.add_energy_cost("load_curtailment", c, penalty_);
      b.add_energy_tally("load_curtailed_kwh", c, 1.0);
    }
  }

 private:
  Carrier carrier_;
  Eigen::VectorXd profile_;
  double share_, penalty_, voll_;
};

std::unique_ptr<Device> make_load(const std::string& name, const io::JsonReader& r, const SeriesSource& s) {
  only_keys(r, {"carrier", "profile_kw", "curtailable_share", "curtail_penalty_per_kwh", "value_of_lost_load_per_kwh"});
  const Carrier c = detail::carrier_at(r, "carrier", "electricity");
  Eigen::VectorXd profile = checked(r, "profile_kw", s.get(r, "profile_kw", SeriesKind::power), 0.0, 1e12);
  const double share = opt_range(r, "curtailable_share", 0.0, 1.0, 0.0);
  // "value_of_lost_load_per_kwh": null makes the demand hard (no unserved energy variable).
  const bool hard = r.has("value_of_lost_load_per_kwh") && r.at("value_of_lost_load_per_kwh").is_null();
  return std::make_unique<Load>(name, c, std::move(profile), share, opt_non_negative(r, "curtail_penalty_per_kwh", 0.0),
                                hard ? -1.0 : opt_non_negative(r, "value_of_lost_load_per_kwh", 50.0));
}

}  // namespace

void detail::register_loads() {
  register_device_type("load", make_load, "Load profile with curtailable share and value of lost load");
}

}  // namespace ehub::hub
