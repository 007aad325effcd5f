// The execution twin: a pinned device wrapper (fixes chosen state variables of any device type)
// and the settlement of a plan's executed steps against actual data.
#include "ehub/sim/twin.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <mutex>

#include "ehub/core/error.hpp"
#include "ehub/hub/device.hpp"
#include "ehub/hub/scenario.hpp"

namespace ehub::sim {
namespace {

// Formulates the wrapped device, then fixes the pinned state variables step by step.
class Pinned final : public hub::Device {
 public:
  Pinned(std::string name, std::unique_ptr<hub::Device> inner, std::map<std::string, std::vector<double>> pins)
      : Device(std::move(name)), inner_(std::move(inner)), pins_(std::move(pins)) {}
  std::string type() const override { return inner_->type(); }
  std::vector<hub::PortSpec> ports() const override { return inner_->ports(); }
  bool renewable() const override { return inner_->renewable(); }
  void formulate(hub::Builder& b) const override {
    const std::size_t first = b.states().size();
    inner_->formulate(b);
    const auto& states = b.states();
    for (std::size_t k = first; k < states.size(); ++k) {
      const auto it = pins_.find(states[k].name);
      if (it == pins_.end() || states[k].device != name()) continue;
      const auto& v = it->second;
      for (std::int32_t t = 0; t < b.steps() && static_cast<std::size_t>(t) < v.size(); ++t) {
        const double x = v[static_cast<std::size_t>(t)];
        if (std::isfinite(x)) b.model().set_var_bounds(states[k].vars[t], x, x);
      }
    }
  }

 private:
  std::unique_ptr<hub::Device> inner_;
  std::map<std::string, std::vector<double>> pins_;
};

std::unique_ptr<hub::Device> make_pinned(const std::string& name, const io::JsonReader& r,
                                         const hub::SeriesSource& s) {
  for (const auto& k : r.keys())
    if (k != "name" && k != "type" && k != "bus" && k != "ports" && k != "device" && k != "pin")
      throw r.error_at(k, "unknown key for device type \"sim_pinned\"; known keys: device, pin");
  const io::JsonReader inner = r.at("device");
  auto dev = hub::make_device(inner.required_string("type"), name, inner, s);
  std::map<std::string, std::vector<double>> pins;
  if (r.has("pin"))
    for (const auto& key : r.at("pin").keys()) {
      std::vector<double> v;
      for (const auto& e : r.at("pin").at(key).json())
        v.push_back(e.is_number() ? e.get<double>() : std::numeric_limits<double>::quiet_NaN());
      pins.emplace(key, std::move(v));
    }
  return std::make_unique<Pinned>(name, std::move(dev), std::move(pins));
}

const dispatch::StateSeries* find_state(const dispatch::Result& r, const std::string& dev, const std::string& name) {
  for (const auto& s : r.states)
    if (s.device == dev && s.name == name) return &s;
  return nullptr;
}

}  // namespace

void shrink_storage_setpoints(std::vector<double>& kw) {
  for (auto& x : kw) x *= 1.0 - kStorageSetpointShrink;
}

void register_sim_devices() {
  static std::once_flag once;
  std::call_once(once, [] {
    hub::register_device_type("sim_pinned", make_pinned,
                              "A device with some state variables fixed per step (the operations loop's twin)");
  });
}

nlohmann::json pin_device(const nlohmann::json& device, const std::map<std::string, std::vector<double>>& pins) {
  nlohmann::json inner = device;
  nlohmann::json out = {{"name", device.at("name")}, {"type", "sim_pinned"}};
  for (const char* k : {"bus", "ports"})
    if (inner.contains(k)) {
      out[k] = inner[k];
      inner.erase(k);
    }
  inner.erase("name");
  inner.erase("description");
  nlohmann::json pin = nlohmann::json::object();
  for (const auto& [state, values] : pins) {
    nlohmann::json a = nlohmann::json::array();
    for (double v : values) a.push_back(std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr));
    pin[state] = std::move(a);
  }
  out["device"] = std::move(inner);
  out["pin"] = std::move(pin);
  return out;
}

Pins plan_pins(const dispatch::Result& plan, std::int64_t steps) {
  Pins pins;
  const auto n = static_cast<std::size_t>(steps);
  std::map<std::string, std::string> types;
  for (const auto& f : plan.flows) types[f.device] = f.device_type;
  for (const auto& [dev, type] : types) {
    std::vector<std::string> names;
    if (type == "chp" || type == "diesel_generator") names = {"on"};
    else if (type == "battery" || type == "thermal_storage") names = {"charge_kw", "discharge_kw"};
    for (const auto& name : names)
      if (const auto* s = find_state(plan, dev, name)) {
        std::vector<double> v(s->values.begin(), s->values.begin() + static_cast<std::ptrdiff_t>(std::min(n, s->values.size())));
        if (name == "on") {  // commitment is 0/1; a relaxed plan's fractions are kept as they are
          for (auto& x : v)
            if (std::abs(x - std::round(x)) < 1e-6) x = std::round(x);
        } else {
          shrink_storage_setpoints(v);
        }
        pins[dev][name] = std::move(v);
      }
  }
  return pins;
}

std::vector<double> grid_exchange_kw(const dispatch::Result& r) {
  std::vector<double> out(static_cast<std::size_t>(r.grid.size()), 0.0);
  for (const auto& f : r.flows)
    if (f.device_type == "grid")
      for (std::size_t t = 0; t < out.size() && t < f.kw.size(); ++t) out[t] += f.kw[t];
  return out;
}

std::vector<double> storage_power_kw(const dispatch::Result& r) {
  std::vector<double> out(static_cast<std::size_t>(r.grid.size()), 0.0);
  for (const auto& f : r.flows)
    if (f.device_type == "battery")
      for (std::size_t t = 0; t < out.size() && t < f.kw.size(); ++t) out[t] += f.kw[t];
  return out;
}

TwinResult execute(const nlohmann::json& actual_window, const std::string& file, const std::string& base_dir,
                   const Pins& pins, const dispatch::Result* plan, const dispatch::Options& options) {
  register_sim_devices();
  nlohmann::json j = actual_window;
  for (auto& d : j.at("devices")) {
    const auto it = pins.find(d.at("name").get<std::string>());
    if (it != pins.end()) d = pin_device(d, it->second);
  }
  const hub::Scenario sc = hub::scenario_from_json(j, file, base_dir);
  dispatch::Options o = options;
  o.objective = dispatch::Objective::cost;
  o.milp_prices = false;  // the twin's prices are not used
  TwinResult tr;
  tr.executed = dispatch::solve(sc, o);
  if (!lp::has_solution(tr.executed.status)) {
    std::string why;
    for (const auto& d : tr.executed.diagnosis) why += "; " + d;
    std::string msg = "the twin could not settle the steps from ";
    msg += sc.grid.time_iso(0, sc.utc_offset_minutes);
    msg += ": ";
    msg += lp::to_string(tr.executed.status);
    msg += why;
    throw SolverError(o.solver, msg);
  }
  const auto n = static_cast<std::size_t>(sc.grid.size());
  tr.grid_kw = grid_exchange_kw(tr.executed);
  tr.storage_kw = storage_power_kw(tr.executed);
  if (plan) {
    tr.plan_grid_kw = grid_exchange_kw(*plan);
    tr.plan_storage_kw = storage_power_kw(*plan);
    tr.plan_grid_kw.resize(n);
    tr.plan_storage_kw.resize(n);
  } else {
    tr.plan_grid_kw.assign(n, std::numeric_limits<double>::quiet_NaN());
    tr.plan_storage_kw.assign(n, std::numeric_limits<double>::quiet_NaN());
  }
  return tr;
}

}  // namespace ehub::sim
