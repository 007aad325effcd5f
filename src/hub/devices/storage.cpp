// Storage (battery, hot-water or ice storage): SOC dynamics with efficiencies, standing loss,
// SOC limits, end condition and exclusive charge/discharge (docs/devices.md, "battery").
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

// Storage (battery, thermal): soc_t = soc_{t-1} (1 - loss dt) + eta_c ch_t dt - dis_t dt / eta_d.
class Storage final : public Device {
 public:
  struct Params {
    Carrier carrier = Carrier::electricity;
    double energy_kwh = 0, charge_kw = 0, discharge_kw = 0, eta_c = 1, eta_d = 1, soc_min = 0, soc_max = 1,
           soc_initial = 0.5, loss_per_h = 0, degradation_per_kwh = 0;
    double soc_green_initial = 0;  // green part of the initial content (fraction of energy_kwh)
    EndCondition end = EndCondition::cyclic;
    double soc_end_min = 0;
    bool exclusive = true;
  };
  Storage(std::string name, std::string type, Params p) : Device(std::move(name)), type_(std::move(type)), p_(p) {}
  std::string type() const override { return type_; }
  std::vector<PortSpec> ports() const override {
    return {{p_.carrier == Carrier::electricity ? "el" : "port", p_.carrier, PortDirection::bidirectional}};
  }
  std::optional<StorageInfo> storage() const override {
    return StorageInfo{p_.carrier, ports()[0].name, p_.energy_kwh,  p_.charge_kw,       p_.discharge_kw,
                       p_.eta_c,   p_.eta_d,        p_.soc_min,     p_.soc_max,         p_.soc_initial,
                       p_.soc_green_initial,        p_.loss_per_h,  p_.end,             p_.soc_end_min};
  }
  std::unique_ptr<Device> with_state(const DeviceState& s) const override {
    auto d = std::make_unique<Storage>(*this);
    Params& p = d->p_;
    if (s.soc) p.soc_initial = std::clamp(*s.soc, p.soc_min, p.soc_max);
    p.soc_green_initial = std::min(p.soc_green_initial, p.soc_initial);
    if (s.soc_green) p.soc_green_initial = std::clamp(*s.soc_green, 0.0, p.soc_initial);
    if (s.end_condition) p.end = *s.end_condition;
    if (s.soc_end_min) p.soc_end_min = std::clamp(*s.soc_end_min, p.soc_min, p.soc_max);
    p.eta_c = std::max(1e-3, p.eta_c - s.charge_efficiency_derate);
    p.eta_d = std::max(1e-3, p.eta_d - s.discharge_efficiency_derate);
    return d;
  }
  void formulate(Builder& b) const override {
    auto& m = b.model();
    const std::string port = ports()[0].name;
    const double dt = b.dt_h();
    const double keep = 1.0 - p_.loss_per_h * dt;
    // With exclusive charge/discharge a step either charges or discharges, so neither can move
    // more energy than the SOC window allows in one step: those limits bound the flows and are
    // the big-M of the charging binary (power_kw = 1e12 with 400 kWh gives M ~ 400 kW, not 1e12,
    // which Cbc's scaling cannot handle). Without exclusivity, simultaneous charge and discharge
    // can move any amount, so the rated powers stay.
    double charge_kw = p_.charge_kw, discharge_kw = p_.discharge_kw;
    if (p_.exclusive) {
      const double lo = p_.soc_min * p_.energy_kwh, hi = p_.soc_max * p_.energy_kwh;
      charge_kw = std::min(charge_kw, std::max(0.0, hi - keep * lo) / (p_.eta_c * dt));
      discharge_kw = std::min(discharge_kw, std::max(0.0, keep * hi - lo) * p_.eta_d / dt);
    }
    IndexRange ch = b.add_vars("charge_kw", 0.0, charge_kw);
    IndexRange dis = b.add_vars("discharge_kw", 0.0, discharge_kw);
    IndexRange soc = b.add_vars("soc_kwh", p_.soc_min * p_.energy_kwh, p_.soc_max * p_.energy_kwh);
    const double soc0 = p_.soc_initial * p_.energy_kwh;
    for (std::int32_t t = 0; t < b.steps(); ++t) {
      const double rhs = t == 0 ? keep * soc0 : 0.0;
      m.begin_row(rhs, rhs);
      m.add_term(soc[t], 1.0);
      if (t > 0) m.add_term(soc[t - 1], -keep);
      m.add_term(ch[t], -p_.eta_c * dt);
      m.add_term(dis[t], dt / p_.eta_d);
    }
    const std::int32_t last = soc[b.steps() - 1];
    if (p_.end == EndCondition::cyclic) m.set_var_bounds(last, std::max(soc0, p_.soc_min * p_.energy_kwh), p_.soc_max * p_.energy_kwh);
    else if (p_.end == EndCondition::min) m.set_var_bounds(last, p_.soc_end_min * p_.energy_kwh, p_.soc_max * p_.energy_kwh);
    if (p_.exclusive) {  // charging_t in {0, 1}: ch <= Pc y, dis <= Pd (1 - y)
      IndexRange y = b.add_vars("charging", 0.0, 1.0, VarType::binary, false);
      for (std::int32_t t = 0; t < b.steps(); ++t) {
        m.begin_row(-kInf, 0.0);
        m.add_term(ch[t], 1.0);
        m.add_term(y[t], -charge_kw);
        m.begin_row(-kInf, discharge_kw);
        m.add_term(dis[t], 1.0);
        m.add_term(y[t], discharge_kw);
      }
    }
    b.mark_setpoint("charge_kw", Setpoint::storage);
    b.mark_setpoint("discharge_kw", Setpoint::storage);
    b.add_port_flow(port, dis, 1.0);
    b.add_port_flow(port, ch, -1.0);
    b.add_storage(StorageRecord{name(), port, ch, dis, soc, p_.eta_c, p_.eta_d, keep, soc0, p_.energy_kwh,
                                p_.soc_green_initial * p_.energy_kwh});
    if (p_.degradation_per_kwh > 0) b.add_energy_cost("degradation", dis, p_.degradation_per_kwh);
    b.add_energy_tally("storage_discharge_kwh." + name(), dis, 1.0);
  }
  const Params& params() const noexcept { return p_; }

 private:
  std::string type_;
  Params p_;
};

Storage::Params storage_params(const io::JsonReader& r, Carrier carrier) {
  only_keys(r, {"energy_kwh", "power_kw", "charge_kw", "discharge_kw", "round_trip_efficiency", "charge_efficiency",
                "discharge_efficiency", "charge_efficiency_derate", "discharge_efficiency_derate", "soc_min",
                "soc_max", "soc_initial", "soc_green_initial",
                carrier == Carrier::electricity ? "self_discharge_per_h" : "standing_loss_per_h",
                "degradation_cost_per_kwh", "end_condition", "soc_end_min", "exclusive_charge_discharge", "carrier"});
  Storage::Params p;
  p.carrier = carrier;
  p.energy_kwh = r.positive_number("energy_kwh");
  const double power = opt_positive(r, "power_kw", p.energy_kwh);
  p.charge_kw = opt_positive(r, "charge_kw", power);
  p.discharge_kw = opt_positive(r, "discharge_kw", power);
  if (given(r, "round_trip_efficiency")) {
    p.eta_c = p.eta_d = std::sqrt(r.number_in_range("round_trip_efficiency", 1e-3, 1.0));
  } else {
    const StorageInfo def = builtin_storage_defaults(carrier);
    p.eta_c = opt_range(r, "charge_efficiency", 1e-3, 1.0, def.charge_efficiency);
    p.eta_d = opt_range(r, "discharge_efficiency", 1e-3, 1.0, def.discharge_efficiency);
  }
  // Absolute reductions of the efficiencies (e.g. set by the operations twin near the SOC limits).
  p.eta_c -= opt_range(r, "charge_efficiency_derate", 0.0, p.eta_c - 1e-3, 0.0);
  p.eta_d -= opt_range(r, "discharge_efficiency_derate", 0.0, p.eta_d - 1e-3, 0.0);
  p.soc_min = opt_range(r, "soc_min", 0.0, 1.0, 0.0);
  p.soc_max = opt_range(r, "soc_max", 0.0, 1.0, 1.0);
  if (p.soc_min > p.soc_max) throw r.error_at("soc_min", "must not exceed soc_max");
  p.soc_initial = opt_range(r, "soc_initial", p.soc_min, p.soc_max, std::clamp(0.5, p.soc_min, p.soc_max));
  p.soc_green_initial = opt_range(r, "soc_green_initial", 0.0, p.soc_initial, 0.0);
  p.loss_per_h = opt_range(r, carrier == Carrier::electricity ? "self_discharge_per_h" : "standing_loss_per_h", 0.0,
                           1.0, 0.0);
  p.degradation_per_kwh = opt_non_negative(r, "degradation_cost_per_kwh", 0.0);
  const std::string end = r.optional_string("end_condition", "cyclic");
  try {
    p.end = end_condition_from_string(end);
  } catch (const InputError&) {
    throw r.error_at("end_condition", "must be \"cyclic\", \"free\" or \"min\", got \"" + end + "\"");
  }
  p.soc_end_min = opt_range(r, "soc_end_min", p.soc_min, p.soc_max, p.soc_min);
  p.exclusive = r.optional_boolean("exclusive_charge_discharge", carrier == Carrier::electricity);
  return p;
}

}  // namespace

StorageInfo builtin_storage_defaults(Carrier c) {
  StorageInfo s;
  s.carrier = c;
  s.port = c == Carrier::electricity ? "el" : "port";
  s.charge_efficiency = s.discharge_efficiency = c == Carrier::electricity ? 0.95 : 1.0;
  return s;
}

void detail::register_storages() {
  register_device_type(
      "battery",
      [](const std::string& n, const io::JsonReader& r, const SeriesSource&) -> std::unique_ptr<Device> {
        return std::make_unique<Storage>(n, "battery", storage_params(r, Carrier::electricity));
      },
      "Battery: energy_kwh, power_kw, efficiencies, SOC limits, end condition");
  register_device_type(
      "thermal_storage",
      [](const std::string& n, const io::JsonReader& r, const SeriesSource&) -> std::unique_ptr<Device> {
        Carrier c = Carrier::heat;
        const std::string cs = r.optional_string("carrier", "heat");
        if (cs == "cooling") c = Carrier::cooling;
        else if (cs != "heat") throw r.error_at("carrier", "must be \"heat\" or \"cooling\", got \"" + cs + "\"");
        return std::make_unique<Storage>(n, "thermal_storage", storage_params(r, c));
      },
      "Hot-water or ice storage: energy_kwh, power_kw, standing loss");
}

}  // namespace ehub::hub
