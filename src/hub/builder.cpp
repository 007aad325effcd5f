// hub::Builder: appends device variables to the model and records flows, states and tallies.
#include "ehub/hub/builder.hpp"

#include <string>

#include "ehub/core/error.hpp"

namespace ehub::hub {

Builder::Builder(lp::Model& model, const TimeGrid& grid, int utc_offset_minutes, double carbon_price_per_kg,
                 bool relax_integers)
    : model_(model),
      grid_(grid),
      utc_offset_minutes_(utc_offset_minutes),
      carbon_price_per_kg_(carbon_price_per_kg),
      relax_integers_(relax_integers) {}

void Builder::set_device(std::string_view device_name, std::int32_t device_index) {
  device_ = device_name;
  device_index_ = device_index;
}

lp::IndexRange Builder::add_vars(std::string_view name, double lb, double ub, lp::VarType type, bool record) {
  if (relax_integers_) type = lp::VarType::continuous;
  const lp::IndexRange r = model_.add_vars(steps(), lb, ub, 0.0, type);
  if (record) states_.push_back({device_, std::string(name), r});
  return r;
}

lp::IndexRange Builder::add_vars(std::string_view name, double lb, std::span<const double> ub, bool record) {
  if (static_cast<std::int32_t>(ub.size()) != steps())
    throw InputError("", device_, "upper bounds of " + std::string(name) + " need one value per step");
  const lp::IndexRange r = model_.add_vars(steps(), lb, lp::kInf);
  for (std::int32_t t = 0; t < steps(); ++t) model_.set_var_bounds(r[t], lb, ub[static_cast<std::size_t>(t)]);
  if (record) states_.push_back({device_, std::string(name), r});
  return r;
}

std::string_view to_string(Setpoint s) noexcept { return enum_name(kSetpointNames, s); }

Setpoint setpoint_from_string(std::string_view name) { return enum_from_name(kSetpointNames, name, "setpoint kind", "setpoint"); }

void Builder::mark_setpoint(std::string_view name, Setpoint kind) {
  for (auto it = states_.rbegin(); it != states_.rend(); ++it)
    if (it->device == device_ && it->name == name) {
      it->setpoint = kind;
      return;
    }
  throw Error("ehub.internal", "device \"" + device_ + "\" marks state \"" + std::string(name) +
                                   "\" as a setpoint but recorded no such state");
}

std::int32_t Builder::add_scalar(std::string_view /*name*/, double lb, double ub) { return model_.add_var(lb, ub); }

PortFlow& Builder::flow(std::string_view port) {
  for (auto& f : flows_)
    if (f.device == device_ && f.port == port) return f;
  flows_.push_back(PortFlow{device_, std::string(port), {}, {}, {}, device_index_});
  return flows_.back();
}

void Builder::add_port_flow(std::string_view port, lp::IndexRange vars, double coef, bool shortfall) {
  auto& f = flow(port);
  f.terms.emplace_back(vars, coef);
  f.shortfall.push_back(shortfall ? 1 : 0);
}

void Builder::add_port_constant(std::string_view port, std::span<const double> constant_kw) {
  auto& f = flow(port);
  if (f.constant_kw.empty()) f.constant_kw.assign(static_cast<std::size_t>(steps()), 0.0);
  for (std::size_t t = 0; t < f.constant_kw.size(); ++t) f.constant_kw[t] += constant_kw[t];
}

void Builder::tally(const std::string& name, lp::IndexRange vars, std::span<const double> coef_per_step,
                    double scale, bool objective) {
  auto& tl = tallies_[name];
  tl.vars.reserve(tl.vars.size() + static_cast<std::size_t>(vars.count));
  tl.coefs.reserve(tl.coefs.size() + static_cast<std::size_t>(vars.count));
  for (std::int32_t t = 0; t < vars.count; ++t) {
    const double c = scale * (coef_per_step.size() == 1 ? coef_per_step[0] : coef_per_step[static_cast<std::size_t>(t)]);
    if (c == 0.0) continue;
    tl.vars.push_back(vars[t]);
    tl.coefs.push_back(c);
    if (objective) model_.add_obj(vars[t], c);
  }
}

void Builder::add_energy_cost(std::string_view category, lp::IndexRange vars, std::span<const double> price_per_kwh) {
  if (price_per_kwh.size() != 1 && static_cast<std::int32_t>(price_per_kwh.size()) != vars.count)
    throw InputError("", device_, "price series of " + std::string(category) + " needs one value per step");
  tally("cost." + std::string(category), vars, price_per_kwh, dt_h(), true);
}

void Builder::add_energy_cost(std::string_view category, lp::IndexRange vars, double price_per_kwh) {
  add_energy_cost(category, vars, std::span<const double>(&price_per_kwh, 1));
}

void Builder::add_unit_cost(std::string_view category, std::int32_t var, double cost_per_unit) {
  const double c = cost_per_unit;
  tally("cost." + std::string(category), lp::IndexRange{var, 1}, std::span<const double>(&c, 1), 1.0, true);
}

void Builder::add_emissions(std::string_view source, lp::IndexRange vars, std::span<const double> kg_per_kwh) {
  if (kg_per_kwh.size() != 1 && static_cast<std::int32_t>(kg_per_kwh.size()) != vars.count)
    throw InputError("", device_, "emission factors of " + std::string(source) + " need one value per step");
  tally("emissions." + std::string(source), vars, kg_per_kwh, dt_h(), false);
  if (carbon_price_per_kg_ != 0.0) tally("cost.carbon", vars, kg_per_kwh, dt_h() * carbon_price_per_kg_, true);
}

void Builder::add_emissions(std::string_view source, lp::IndexRange vars, double kg_per_kwh) {
  add_emissions(source, vars, std::span<const double>(&kg_per_kwh, 1));
}

void Builder::add_storage(StorageRecord record) {
  record.device = device_;
  storages_.push_back(std::move(record));
}

void Builder::add_energy_tally(std::string_view name, lp::IndexRange vars, double coef) {
  tally("energy." + std::string(name), vars, std::span<const double>(&coef, 1), dt_h(), false);
}

void Builder::add_tally_constant(std::string_view name, double value) {
  tallies_["energy." + std::string(name)].constant += value;
}

}  // namespace ehub::hub
