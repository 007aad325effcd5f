// Converters with one input and one output: gas boiler, electric and absorption chillers,
// heat pump (docs/devices.md).
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

// Converter (gas boiler, electric chiller, absorption chiller, heat pump): out_t in [0, cap],
// in_t = out_t / efficiency_t (efficiency or COP, constant or per step).
class Converter final : public Device {
 public:
  Converter(std::string name, std::string type, Carrier in, Carrier out, double cap_kw, Eigen::VectorXd eff,
            double om_per_kwh, Setpoint out_setpoint)
      : Device(std::move(name)), type_(std::move(type)), in_(in), out_(out), cap_kw_(cap_kw), eff_(std::move(eff)),
        om_(om_per_kwh), out_setpoint_(out_setpoint) {}
  std::string type() const override { return type_; }
  std::optional<ConverterInfo> converter() const override { return ConverterInfo{in_, out_, cap_kw_, to_vec(eff_)}; }
  std::vector<PortSpec> ports() const override {
    return {{"in", in_, PortDirection::input}, {"out", out_, PortDirection::output}};
  }
  void formulate(Builder& b) const override {
    auto& m = b.model();
    IndexRange y = b.add_vars("out_kw", 0.0, cap_kw_);
    IndexRange x = b.add_vars("in_kw", 0.0, kInf);
    for (std::int32_t t = 0; t < b.steps(); ++t) {
      m.begin_row(0.0, 0.0);  // eff_t * in_t = out_t
      m.add_term(x[t], eff_[t]);
      m.add_term(y[t], -1.0);
    }
    if (out_setpoint_ != Setpoint::none) b.mark_setpoint("out_kw", out_setpoint_);
    b.add_port_flow("in", x, -1.0);
    b.add_port_flow("out", y, 1.0);
    if (om_ > 0) b.add_energy_cost("om", y, om_);
  }

 private:
  std::string type_;
  Carrier in_, out_;
  double cap_kw_;
  Eigen::VectorXd eff_;
  double om_;
  Setpoint out_setpoint_;  // the twin follows a boiler's planned output; chillers follow their load
};

DeviceFactory converter_factory(std::string type, Carrier in, Carrier out, std::string eff_key, double lo,
                                double hi, Setpoint out_setpoint = Setpoint::none) {
  return [=](const std::string& name, const io::JsonReader& r, const SeriesSource& s) -> std::unique_ptr<Device> {
    only_keys(r, {"capacity_kw", eff_key.c_str(), "om_per_kwh"});
    Eigen::VectorXd eff = checked(r, eff_key, s.get(r, eff_key, SeriesKind::intensive), lo, hi);
    return std::make_unique<Converter>(name, type, in, out, r.positive_number("capacity_kw"), std::move(eff),
                                       opt_non_negative(r, "om_per_kwh", 0.0), out_setpoint);
  };
}

}  // namespace

void detail::register_converters() {
  register_device_type("gas_boiler",
                       converter_factory("gas_boiler", Carrier::gas, Carrier::heat, "efficiency", 1e-3, 1.2, Setpoint::output),
                       "Gas boiler: capacity_kw (heat), efficiency");
  register_device_type("electric_chiller",
                       converter_factory("electric_chiller", Carrier::electricity, Carrier::cooling, "cop", 1e-2, 20),
                       "Electric chiller: capacity_kw (cooling), cop (constant or series)");
  register_device_type("absorption_chiller",
                       converter_factory("absorption_chiller", Carrier::heat, Carrier::cooling, "cop", 1e-2, 5),
                       "Absorption chiller: capacity_kw (cooling), cop");
  register_device_type("heat_pump",
                       converter_factory("heat_pump", Carrier::electricity, Carrier::heat, "cop", 1e-2, 20),
                       "Air-source heat pump: capacity_kw (heat), cop (constant or series)");
}

}  // namespace ehub::hub
