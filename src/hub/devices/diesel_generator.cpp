// Diesel generator: unit commitment, fuel from specific consumption or efficiency
// (docs/devices.md, "diesel_generator").
#include <algorithm>
#include <cmath>
#include <string>

#include "common.hpp"
#include "unit.hpp"
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
using detail::UnitParams;
using detail::UnitVars;
using lp::IndexRange;
using lp::kInf;
using lp::VarType;

class DieselGenerator final : public Device {
 public:
  DieselGenerator(std::string name, UnitParams u) : Device(std::move(name)), u_(u) {}
  std::string type() const override { return "diesel_generator"; }
  std::optional<UnitInfo> unit() const override { return detail::unit_info(u_, 0.0, false); }
  std::unique_ptr<Device> with_state(const DeviceState& s) const override {
    auto d = std::make_unique<DieselGenerator>(*this);
    d->u_ = detail::with_unit_state(u_, s);
    return d;
  }
  std::vector<PortSpec> ports() const override {
    return {{"fuel", Carrier::diesel, PortDirection::input}, {"el", Carrier::electricity, PortDirection::output}};
  }
  void formulate(Builder& b) const override {
    auto& m = b.model();
    const UnitVars v = detail::formulate_unit(b, u_);
    double a = 0, slope = 0;
    detail::fuel_coefficients(u_, a, slope);
    IndexRange f = b.add_vars("fuel_kw", 0.0, kInf);
    for (std::int32_t t = 0; t < b.steps(); ++t) {
      m.begin_row(0.0, 0.0);
      m.add_term(f[t], 1.0);
      m.add_term(v.p[t], -slope);
      if (a != 0) m.add_term(v.on[t], -a);
    }
    b.add_port_flow("fuel", f, -1.0);
    b.add_port_flow("el", v.p, 1.0);
  }

 private:
  UnitParams u_;
};

std::unique_ptr<Device> make_diesel_generator(const std::string& name, const io::JsonReader& r,
                                              const SeriesSource&) {
  only_keys(r, {EHUB_UNIT_KEYS, "fuel_g_per_kwh", "fuel_heating_value_kwh_per_kg"});
  // Specific fuel consumption (g/kWh) and the fuel's heating value give the efficiency:
  // eff = 1 / (sfc_kg_per_kwh * hv_kwh_per_kg); 200 g/kWh and 11.848 kWh/kg -> 0.422.
  UnitParams u = detail::unit_params(r, 0.42);
  if (given(r, "fuel_g_per_kwh")) {
    const double hv = opt_positive(r, "fuel_heating_value_kwh_per_kg", 11.848);
    u.eff_full = 1.0 / (r.positive_number("fuel_g_per_kwh") / 1000.0 * hv);
    if (u.eff_full > 1.0) throw r.error_at("fuel_g_per_kwh", "implies an efficiency above 1");
    if (!given(r, "electric_efficiency_at_min_load")) u.eff_min = u.eff_full * u.part_load_ratio;
  }
  return std::make_unique<DieselGenerator>(name, u);
}

}  // namespace

void detail::register_diesel_generator() {
  register_device_type("diesel_generator", make_diesel_generator, "Diesel generator with unit commitment");
}

}  // namespace ehub::hub
