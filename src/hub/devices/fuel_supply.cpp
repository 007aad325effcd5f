// Fuel supplies (natural gas, diesel): fuel bought at a price per kWh of heating value
// (docs/devices.md, "gas_supply", "diesel_supply").
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

// Fuel supply (natural gas or diesel): q_t >= 0 kW of fuel (lower heating value) into a fuel bus.
class FuelSupply final : public Device {
 public:
  FuelSupply(std::string name, std::string type, Carrier carrier, double price_per_kwh, double kg_co2_per_kwh,
             double max_kw)
      : Device(std::move(name)), type_(std::move(type)), carrier_(carrier), price_per_kwh_(price_per_kwh),
        kg_per_kwh_(kg_co2_per_kwh), max_kw_(max_kw) {}
  std::string type() const override { return type_; }
  std::vector<PortSpec> ports() const override { return {{"fuel", carrier_, PortDirection::output}}; }
  std::optional<SupplyInfo> supply() const override { return SupplyInfo{carrier_, price_per_kwh_, kg_per_kwh_}; }
  void formulate(Builder& b) const override {
    IndexRange q = b.add_vars("fuel_kw", 0.0, max_kw_);
    b.add_port_flow("fuel", q, 1.0);
    b.add_energy_cost(carrier_ == Carrier::gas ? "gas" : "diesel", q, price_per_kwh_);
    b.add_emissions(carrier_ == Carrier::gas ? "gas" : "diesel", q, kg_per_kwh_);
    b.add_energy_tally(std::string(carrier_ == Carrier::gas ? "gas" : "diesel") + "_kwh", q, 1.0);
  }

 private:
  std::string type_;
  Carrier carrier_;
  double price_per_kwh_, kg_per_kwh_, max_kw_;
};

std::unique_ptr<Device> make_gas_supply(const std::string& name, const io::JsonReader& r, const SeriesSource&) {
  only_keys(r, {"price_per_m3", "heating_value_kwh_per_m3", "emission_factor_kg_per_m3", "max_kw"});
  const double hv = opt_positive(r, "heating_value_kwh_per_m3", 10.814);  // NCV 38,931 kJ/m3 (CERTIFICATES.md)
  const double ef = opt_non_negative(r, "emission_factor_kg_per_m3", 2.1622);  // 15.3 tC/TJ, oxidation 0.99
  return std::make_unique<FuelSupply>(name, "gas_supply", Carrier::gas, r.non_negative_number("price_per_m3") / hv,
                                      ef / hv, opt_limit(r, "max_kw", kInf));
}

std::unique_ptr<Device> make_diesel_supply(const std::string& name, const io::JsonReader& r, const SeriesSource&) {
  only_keys(r, {"price_per_kg", "heating_value_kwh_per_kg", "emission_factor_kg_per_kg", "max_kw"});
  const double hv = opt_positive(r, "heating_value_kwh_per_kg", 11.848);  // NCV 42,652 kJ/kg (CERTIFICATES.md)
  const double ef = opt_non_negative(r, "emission_factor_kg_per_kg", 3.0959);  // 20.2 tC/TJ, oxidation 0.98
  return std::make_unique<FuelSupply>(name, "diesel_supply", Carrier::diesel,
                                      r.non_negative_number("price_per_kg") / hv, ef / hv,
                                      opt_limit(r, "max_kw", kInf));
}

}  // namespace

void detail::register_supplies() {
  register_device_type("gas_supply", make_gas_supply, "Natural gas supply: price_per_m3, heating value");
  register_device_type("diesel_supply", make_diesel_supply, "Diesel supply: price_per_kg, heating value");
}

}  // namespace ehub::hub
