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

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Formulates the wrapped device, then fixes the pinned state variables step by step, prices the
// deviations from the soft ones and adds the battery taper.
class Pinned final : public hub::Device {
 public:
  Pinned(std::string name, std::unique_ptr<hub::Device> inner, DevicePins pins)
      : Device(std::move(name)), inner_(std::move(inner)), pins_(std::move(pins)) {}
  std::string type() const override { return inner_->type(); }
  std::vector<hub::PortSpec> ports() const override { return inner_->ports(); }
  bool renewable() const override { return inner_->renewable(); }
  void formulate(hub::Builder& b) const override {
    const std::size_t first = b.states().size(), first_storage = b.storages().size();
    inner_->formulate(b);
    auto& m = b.model();
    const std::int32_t n = b.steps();
    // Copies: adding variables below may grow the builder's state list.
    const std::vector<hub::StateRecord> states(b.states().begin() + static_cast<std::ptrdiff_t>(first), b.states().end());
    for (const auto& st : states) {
      if (st.device != name()) continue;
      if (const auto it = pins_.hard.find(st.name); it != pins_.hard.end()) {
        const auto& v = it->second;
        for (std::int32_t t = 0; t < n && static_cast<std::size_t>(t) < v.size(); ++t) {
          const auto j = static_cast<std::size_t>(st.vars[t]);
          // A setpoint from a solution may lie a rounding error outside the variable's bounds.
          const double x = std::clamp(v[static_cast<std::size_t>(t)], m.col_lower()[j], m.col_upper()[j]);
          if (std::isfinite(x)) m.set_var_bounds(st.vars[t], x, x);
        }
      }
      if (const auto it = pins_.soft.find(st.name); it != pins_.soft.end()) {
        const SoftPin& sp = it->second;
        const lp::IndexRange up = b.add_vars(st.name + "_above", 0.0, kInf, lp::VarType::continuous, false);
        const lp::IndexRange down = b.add_vars(st.name + "_below", 0.0, kInf, lp::VarType::continuous, false);
        for (std::int32_t t = 0; t < n; ++t) {
          const auto ts = static_cast<std::size_t>(t);
          const double target = sp.to_upper ? m.col_upper()[static_cast<std::size_t>(st.vars[t])]
                                            : (ts < sp.values.size() ? sp.values[ts] : kNaN);
          if (!std::isfinite(target)) {  // free step: no deviation to price
            m.set_var_bounds(up[t], 0.0, 0.0);
            m.set_var_bounds(down[t], 0.0, 0.0);
            continue;
          }
          m.begin_row(target, target);  // x - above + below = setpoint
          m.add_term(st.vars[t], 1.0);
          m.add_term(up[t], -1.0);
          m.add_term(down[t], 1.0);
        }
        b.add_energy_cost("balancing_penalty", up, sp.penalty_per_kwh);
        b.add_energy_cost("balancing_penalty", down, sp.penalty_per_kwh);
      }
    }
    if (pins_.taper_fraction > 0 && b.storages().size() > first_storage) add_taper(b, b.storages().back());
  }

 private:
  // charge_t <= Pc (Emax - soc_{t-1}) / band and discharge_t <= Pd (soc_{t-1} - Emin) / band,
  // band = taper_fraction x capacity: full power outside the band next to each SOC limit.
  void add_taper(hub::Builder& b, const hub::StorageRecord& s) const {
    auto& m = b.model();
    const double band = pins_.taper_fraction * s.capacity_kwh;
    const auto j0 = static_cast<std::size_t>(s.soc_kwh[0]);
    const double emin = m.col_lower()[j0], emax = m.col_upper()[j0];
    const double pc = m.col_upper()[static_cast<std::size_t>(s.charge_kw[0])];
    const double pd = m.col_upper()[static_cast<std::size_t>(s.discharge_kw[0])];
    for (std::int32_t t = 0; t < b.steps(); ++t) {
      if (t == 0) {
        const double soc0 = s.soc_initial_kwh;
        m.set_var_bounds(s.charge_kw[0], 0.0, std::clamp(pc * (emax - soc0) / band, 0.0, pc));
        m.set_var_bounds(s.discharge_kw[0], 0.0, std::clamp(pd * (soc0 - emin) / band, 0.0, pd));
        continue;
      }
      m.begin_row(-kInf, pc * emax);  // band charge_t + Pc soc_{t-1} <= Pc Emax
      m.add_term(s.charge_kw[t], band);
      m.add_term(s.soc_kwh[t - 1], pc);
      m.begin_row(-kInf, -pd * emin);  // band discharge_t - Pd soc_{t-1} <= -Pd Emin
      m.add_term(s.discharge_kw[t], band);
      m.add_term(s.soc_kwh[t - 1], -pd);
    }
  }

  std::unique_ptr<hub::Device> inner_;
  DevicePins pins_;
};

std::vector<double> pin_values(const io::JsonReader& r) {
  std::vector<double> v;
  for (const auto& e : r.json()) {
    if (!e.is_number() && !e.is_null()) throw r.error("expected numbers or null");
    v.push_back(e.is_number() ? e.get<double>() : kNaN);
  }
  return v;
}

std::unique_ptr<hub::Device> make_pinned(const std::string& name, const io::JsonReader& r,
                                         const hub::SeriesSource& s) {
  for (const auto& k : r.keys())
    if (k != "name" && k != "type" && k != "bus" && k != "ports" && k != "device" && k != "pin" && k != "soft" &&
        k != "taper_fraction")
      throw r.error_at(k, "unknown key for device type \"sim_pinned\"; known keys: device, pin, soft, taper_fraction");
  const io::JsonReader inner = r.at("device");
  auto dev = hub::make_device(inner.required_string("type"), name, inner, s);
  DevicePins pins;
  if (r.has("pin"))
    for (const auto& key : r.at("pin").keys()) pins.hard.emplace(key, pin_values(r.at("pin").at(key)));
  if (r.has("soft"))
    for (const auto& key : r.at("soft").keys()) {
      const io::JsonReader sr = r.at("soft").at(key);
      SoftPin sp;
      sp.penalty_per_kwh = sr.non_negative_number("penalty_per_kwh");
      if (sr.at("values").json().is_string()) {
        if (sr.at("values").json().get<std::string>() != "upper") throw sr.error_at("values", "expected an array or \"upper\"");
        sp.to_upper = true;
      } else {
        sp.values = pin_values(sr.at("values"));
      }
      pins.soft.emplace(key, std::move(sp));
    }
  if (r.has("taper_fraction")) pins.taper_fraction = r.number_in_range("taper_fraction", 0.0, 0.5);
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

namespace {
nlohmann::json values_json(const std::vector<double>& values) {
  nlohmann::json a = nlohmann::json::array();
  for (double v : values) a.push_back(std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr));
  return a;
}
}  // namespace

nlohmann::json pin_device(const nlohmann::json& device, const std::map<std::string, std::vector<double>>& pins) {
  DevicePins p;
  p.hard = pins;
  return pin_device(device, p);
}

nlohmann::json pin_device(const nlohmann::json& device, const DevicePins& pins) {
  nlohmann::json inner = device;
  nlohmann::json out = {{"name", device.at("name")}, {"type", "sim_pinned"}};
  for (const char* k : {"bus", "ports"})
    if (inner.contains(k)) {
      out[k] = inner[k];
      inner.erase(k);
    }
  inner.erase("name");
  inner.erase("description");
  nlohmann::json pin = nlohmann::json::object(), soft = nlohmann::json::object();
  for (const auto& [state, values] : pins.hard) pin[state] = values_json(values);
  for (const auto& [state, sp] : pins.soft)
    soft[state] = {{"values", sp.to_upper ? nlohmann::json("upper") : values_json(sp.values)},
                   {"penalty_per_kwh", sp.penalty_per_kwh}};
  out["device"] = std::move(inner);
  out["pin"] = std::move(pin);
  if (!soft.empty()) out["soft"] = std::move(soft);
  if (pins.taper_fraction > 0) out["taper_fraction"] = pins.taper_fraction;
  return out;
}

Pins plan_pins(const dispatch::Result& plan, std::int64_t steps) {
  Pins pins;
  const auto n = static_cast<std::size_t>(steps);
  std::map<std::string, std::string> types;
  for (const auto& f : plan.flows) types[f.device] = f.device_type;
  for (const auto& [dev, type] : types) {
    std::vector<std::string> names;
    if (type == "chp" || type == "diesel_generator") names = {"on", "p_kw"};
    else if (type == "battery" || type == "thermal_storage") names = {"charge_kw", "discharge_kw"};
    else if (type == "gas_boiler") names = {"out_kw"};
    else if (type == "grid") names = {"import_kw", "export_kw"};
    else if (type == "load") names = {"curtailed_kw"};
    for (const auto& name : names)
      if (const auto* s = find_state(plan, dev, name)) {
        std::vector<double> v(s->values.begin(), s->values.begin() + static_cast<std::ptrdiff_t>(std::min(n, s->values.size())));
        if (name == "on") {  // commitment is 0/1; a relaxed plan's fractions are kept as they are
          for (auto& x : v)
            if (std::abs(x - std::round(x)) < 1e-6) x = std::round(x);
        } else if (name == "charge_kw" || name == "discharge_kw") {
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

void TwinOptions::validate() const {
  if (!(balancing_penalty_per_kwh >= 0) || !std::isfinite(balancing_penalty_per_kwh))
    throw InputError("", "balancing_penalty_per_kwh", "must be a finite number >= 0");
  if (!(battery_taper_fraction >= 0 && battery_taper_fraction <= 0.5))
    throw InputError("", "battery_taper_fraction", "must be in [0, 0.5]");
  if (!(battery_efficiency_drop >= 0 && battery_efficiency_drop < 0.5))
    throw InputError("", "battery_efficiency_drop", "must be in [0, 0.5)");
  if (!(unit_min_load_efficiency_ratio > 0 && unit_min_load_efficiency_ratio <= 1))
    throw InputError("", "unit_min_load_efficiency_ratio", "must be in (0, 1]");
}

namespace {

// The balancing policy's price of a deviation from a setpoint of `state` of a device of `type`
// per kWh (0: the setpoint is fixed).
double deviation_weight(const std::string& type, const std::string& state, double w) {
  if (state == "on" || w <= 0) return 0.0;
  if (type == "battery" || type == "thermal_storage") return w;
  if (type == "chp" || type == "diesel_generator" || type == "gas_boiler") return 2.0 * w;
  if (type == "grid") return 4.0 * w;
  if (type == "load" || type == "pv" || type == "wind") return 8.0 * w;
  return 0.0;
}

// W lowered so that 16 W stays below every load's value of lost load (unserved energy is last).
double effective_weight(const nlohmann::json& scenario, double w) {
  for (const auto& d : scenario.at("devices"))
    if (d.value("type", "") == "load") {
      const auto it = d.find("value_of_lost_load_per_kwh");
      const double voll = it == d.end() ? 50.0 : it->is_number() ? it->get<double>() : kInf;  // null: hard demand
      w = std::min(w, voll / 16.0);
    }
  return w;
}

// Charge (discharge) efficiency of a one-step battery lowered inside the top (bottom) taper band
// in proportion to how deep the SOC at the start of the step lies in it (docs/operations.md),
// through the storage's derate keys (the device keeps its own efficiencies and defaults).
void apply_soc_efficiency(nlohmann::json& d, const TwinOptions& twin) {
  const double lo = d.value("soc_min", 0.0), hi = d.value("soc_max", 1.0);
  const double soc = d.value("soc_initial", std::clamp(0.5, lo, hi)), band = twin.battery_taper_fraction;
  const double top = std::clamp((soc - (hi - band)) / band, 0.0, 1.0), bottom = std::clamp(((lo + band) - soc) / band, 0.0, 1.0);
  if (top > 0) d["charge_efficiency_derate"] = twin.battery_efficiency_drop * top;
  if (bottom > 0) d["discharge_efficiency_derate"] = twin.battery_efficiency_drop * bottom;
}

}  // namespace

TwinResult execute(const nlohmann::json& actual_window, const std::string& file, const std::string& base_dir,
                   const Pins& pins, const dispatch::Options& options, const TwinOptions& twin) {
  twin.validate();
  register_sim_devices();
  nlohmann::json j = actual_window;
  const double w = effective_weight(j, twin.balancing_penalty_per_kwh);
  for (auto& d : j.at("devices")) {
    const std::string type = d.value("type", "");
    // Units without part-load data of their own get the twin's part-load ratio (the device applies it).
    if ((type == "chp" || type == "diesel_generator") && twin.unit_min_load_efficiency_ratio < 1 &&
        !d.contains("electric_efficiency_at_min_load") && !d.contains("part_load_curve") &&
        !d.contains("part_load_efficiency_ratio"))
      d["part_load_efficiency_ratio"] = twin.unit_min_load_efficiency_ratio;
    if (type == "battery" && twin.battery_taper_fraction > 0 && twin.battery_efficiency_drop > 0 && w > 0 &&
        j.at("time").value("steps", 0) == 1)
      apply_soc_efficiency(d, twin);
    DevicePins dp;
    if (const auto it = pins.find(d.at("name").get<std::string>()); it != pins.end())
      for (const auto& [state, values] : it->second) {
        const double pw = deviation_weight(type, state, w);
        const bool storage_setpoint = type == "battery" || type == "thermal_storage";
        if (pw > 0) dp.soft[state] = SoftPin{values, false, pw};
        else if (state == "on" || storage_setpoint) dp.hard[state] = values;  // W = 0: storage setpoints fixed
      }
    if ((type == "pv" || type == "wind") && w > 0) dp.soft["p_kw"] = SoftPin{{}, true, deviation_weight(type, "p_kw", w)};
    // The taper needs setpoints that can yield (W > 0); with fixed setpoints it is left out.
    if (type == "battery" && twin.battery_taper_fraction > 0 && w > 0) dp.taper_fraction = twin.battery_taper_fraction;
    if (!dp.hard.empty() || !dp.soft.empty() || dp.taper_fraction > 0) d = pin_device(d, dp);
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
  // The policy's deviation prices are not a cost of the park.
  auto& k = tr.executed.kpis;
  if (const auto it = k.cost.find("balancing_penalty"); it != k.cost.end()) {
    k.cost_total -= it->second;
    k.cost.erase(it);
    tr.executed.tallies.erase("cost.balancing_penalty");
    tr.executed.objective = k.cost_total;
  }
  tr.grid_kw = grid_exchange_kw(tr.executed);
  tr.storage_kw = storage_power_kw(tr.executed);
  return tr;
}

}  // namespace ehub::sim
