// The execution twin: a pinned device wrapper (fixes chosen state variables of any device type)
// and the settlement of a plan's executed steps against actual data.
#include "ehub/sim/twin.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <mutex>
#include <optional>
#include <set>

#include "ehub/core/error.hpp"
#include "ehub/hub/device.hpp"
#include "ehub/hub/scenario.hpp"

namespace ehub::sim {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Formulates the wrapped device, then fixes the pinned state variables step by step, prices the
// deviations from the soft ones and adds the battery taper.
// The balancing policy's multiple of W for a deviation from a setpoint of kind `k` (0: fixed or
// not followed; see TwinOptions::balancing_penalty_per_kwh).
double policy_multiple(hub::Setpoint k) {
  switch (k) {
    case hub::Setpoint::storage: return 1.0;
    case hub::Setpoint::output: return 2.0;
    case hub::Setpoint::exchange: return 4.0;
    case hub::Setpoint::curtailment:
    case hub::Setpoint::available: return 8.0;
    case hub::Setpoint::none:
    case hub::Setpoint::commitment: break;
  }
  return 0.0;
}

// The twin's balancing policy for one device: its plan setpoints by state, applied by the kind
// each state declares (hub::Setpoint), at weight W.
struct Policy {
  std::map<std::string, std::vector<double>> setpoints;
  double weight = 0;
};

class Pinned final : public hub::Device {
 public:
  Pinned(std::string name, std::unique_ptr<hub::Device> inner, DevicePins pins, std::optional<Policy> policy = {})
      : Device(std::move(name)), inner_(std::move(inner)), pins_(std::move(pins)), policy_(std::move(policy)) {}
  std::string type() const override { return inner_->type(); }
  std::vector<hub::PortSpec> ports() const override { return inner_->ports(); }
  bool renewable() const override { return inner_->renewable(); }
  std::optional<hub::StorageInfo> storage() const override { return inner_->storage(); }
  std::optional<hub::UnitInfo> unit() const override { return inner_->unit(); }
  std::optional<hub::GridInfo> grid_connection() const override { return inner_->grid_connection(); }
  std::optional<hub::LoadInfo> load() const override { return inner_->load(); }
  std::optional<hub::SupplyInfo> supply() const override { return inner_->supply(); }
  std::optional<hub::ConverterInfo> converter() const override { return inner_->converter(); }
  std::vector<std::string> forecast_inputs() const override { return inner_->forecast_inputs(); }
  void formulate(hub::Builder& b) const override {
    const std::size_t first = b.states().size(), first_storage = b.storages().size();
    inner_->formulate(b);
    auto& m = b.model();
    const std::int32_t n = b.steps();
    // Copies: adding variables below may grow the builder's state list.
    const std::vector<hub::StateRecord> states(b.states().begin() + static_cast<std::ptrdiff_t>(first), b.states().end());
    DevicePins pins = pins_;
    if (policy_) apply_policy(states, pins);
    for (const auto& st : states) {
      if (st.device != name()) continue;
      if (const auto it = pins.hard.find(st.name); it != pins.hard.end()) {
        const auto& v = it->second;
        for (std::int32_t t = 0; t < n && static_cast<std::size_t>(t) < v.size(); ++t) {
          const auto j = static_cast<std::size_t>(st.vars[t]);
          // A setpoint from a solution may lie a rounding error outside the variable's bounds.
          const double x = std::clamp(v[static_cast<std::size_t>(t)], m.col_lower()[j], m.col_upper()[j]);
          if (std::isfinite(x)) m.set_var_bounds(st.vars[t], x, x);
        }
      }
      if (const auto it = pins.soft.find(st.name); it != pins.soft.end()) {
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
    if (pins.taper_fraction > 0 && b.storages().size() > first_storage) add_taper(b, b.storages().back(), pins.taper_fraction);
  }

 private:
  // The policy's setpoints as hard and soft pins by the kind of each state: commitment fixed;
  // storage followed at W (fixed when W = 0); outputs, exchange and curtailment at their multiple
  // of W (not followed when W = 0); available renewable output followed to its upper bound.
  void apply_policy(const std::vector<hub::StateRecord>& states, DevicePins& pins) const {
    const double w = policy_->weight;
    for (const auto& st : states) {
      if (st.device != name() || st.setpoint == hub::Setpoint::none) continue;
      const double pw = w > 0 ? policy_multiple(st.setpoint) * w : 0.0;
      if (st.setpoint == hub::Setpoint::available) {
        if (pw > 0) pins.soft[st.name] = SoftPin{{}, true, pw};
        continue;
      }
      const auto it = policy_->setpoints.find(st.name);
      if (it == policy_->setpoints.end()) continue;
      if (pw > 0) pins.soft[st.name] = SoftPin{it->second, false, pw};
      else if (st.setpoint == hub::Setpoint::commitment || st.setpoint == hub::Setpoint::storage)
        pins.hard[st.name] = it->second;
    }
  }

  // charge_t <= Pc (Emax - soc_{t-1}) / band and discharge_t <= Pd (soc_{t-1} - Emin) / band,
  // band = taper_fraction x capacity: full power outside the band next to each SOC limit.
  static void add_taper(hub::Builder& b, const hub::StorageRecord& s, double taper_fraction) {
    auto& m = b.model();
    const double band = taper_fraction * s.capacity_kwh;
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
  std::optional<Policy> policy_;
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
  for (const auto& s : plan.states) {
    using hub::Setpoint;
    if (s.setpoint == Setpoint::none || s.setpoint == Setpoint::available) continue;
    std::vector<double> v(s.values.begin(), s.values.begin() + static_cast<std::ptrdiff_t>(std::min(n, s.values.size())));
    if (s.setpoint == Setpoint::commitment) {  // commitment is 0/1; a relaxed plan's fractions are kept as they are
      for (auto& x : v)
        if (std::abs(x - std::round(x)) < 1e-6) x = std::round(x);
    } else if (s.setpoint == Setpoint::storage) {
      shrink_storage_setpoints(v);
    }
    pins[s.device][s.name] = std::move(v);
  }
  return pins;
}

namespace {
// Sum over the flows of the devices for which `pick` holds of a state of theirs (and the flow's
// carrier is electricity), per step.
template <class Pick>
std::vector<double> electric_flow_sum(const dispatch::Result& r, Pick pick) {
  std::set<std::string> devices;
  for (const auto& s : r.states)
    if (pick(s)) devices.insert(s.device);
  std::vector<double> out(static_cast<std::size_t>(r.grid.size()), 0.0);
  for (const auto& f : r.flows)
    if (f.carrier == hub::Carrier::electricity && devices.count(f.device))
      for (std::size_t t = 0; t < out.size() && t < f.kw.size(); ++t) out[t] += f.kw[t];
  return out;
}
}  // namespace

std::vector<double> grid_exchange_kw(const dispatch::Result& r) {
  return electric_flow_sum(r, [](const dispatch::StateSeries& s) { return s.setpoint == hub::Setpoint::exchange; });
}

std::vector<double> storage_power_kw(const dispatch::Result& r) {
  return electric_flow_sum(r, [](const dispatch::StateSeries& s) { return s.setpoint == hub::Setpoint::storage; });
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

// W lowered so that 16 W stays below every load's value of lost load (unserved energy is last).
double effective_weight(const hub::Hub& h, double w) {
  for (std::int32_t i = 0; i < h.num_devices(); ++i)
    if (const auto l = h.device(i).load()) w = std::min(w, l->value_of_lost_load_per_kwh / 16.0);
  return w;
}

// The twin's physics for device `dev` in a settlement of `steps` steps at weight `w`: the
// part-load efficiency of units without part-load data, and for a one-step settlement an
// electric storage's efficiency lowered inside the top (bottom) taper band in proportion to how
// deep the SOC at the start of the step lies in it (docs/operations.md).
hub::DeviceState twin_physics(const hub::Device& dev, const TwinOptions& twin, double w, std::int64_t steps) {
  hub::DeviceState st;
  if (const auto u = dev.unit(); u && twin.unit_min_load_efficiency_ratio < 1 && !u->has_part_load_data)
    st.part_load_efficiency_ratio = twin.unit_min_load_efficiency_ratio;
  if (const auto s = dev.storage(); s && s->carrier == hub::Carrier::electricity && twin.battery_taper_fraction > 0 &&
                                    twin.battery_efficiency_drop > 0 && w > 0 && steps == 1) {
    const double band = twin.battery_taper_fraction, soc = s->soc_initial;
    const double top = std::clamp((soc - (s->soc_max - band)) / band, 0.0, 1.0);
    const double bottom = std::clamp(((s->soc_min + band) - soc) / band, 0.0, 1.0);
    st.charge_efficiency_derate = twin.battery_efficiency_drop * top;
    st.discharge_efficiency_derate = twin.battery_efficiency_drop * bottom;
  }
  return st;
}

}  // namespace

TwinResult execute(const nlohmann::json& actual_window, const std::string& file, const std::string& base_dir,
                   const Pins& pins, const dispatch::Options& options, const TwinOptions& twin) {
  twin.validate();
  register_sim_devices();
  return execute(hub::scenario_from_json(actual_window, file, base_dir), pins, options, twin);
}

TwinResult execute(hub::Scenario sc, const Pins& pins, const dispatch::Options& options, const TwinOptions& twin) {
  twin.validate();
  hub::Hub& h = sc.hub;
  const double w = effective_weight(h, twin.balancing_penalty_per_kwh);
  for (std::int32_t i = 0; i < h.num_devices(); ++i)
    h.wrap_device(i, [&](std::unique_ptr<hub::Device> dev) -> std::unique_ptr<hub::Device> {
      // A device without with_state() is settled without the twin's physics.
      if (const hub::DeviceState st = twin_physics(*dev, twin, w, sc.grid.size()); !st.empty())
        if (auto d = dev->with_state(st)) dev = std::move(d);
      Policy policy;
      policy.weight = w;
      if (const auto it = pins.find(dev->name()); it != pins.end()) policy.setpoints = it->second;
      DevicePins dp;
      // The taper needs setpoints that can yield (W > 0); with fixed setpoints it is left out.
      if (const auto s = dev->storage();
          s && s->carrier == hub::Carrier::electricity && twin.battery_taper_fraction > 0 && w > 0)
        dp.taper_fraction = twin.battery_taper_fraction;
      const std::string name = dev->name();
      return std::make_unique<Pinned>(name, std::move(dev), std::move(dp), std::move(policy));
    });
  dispatch::Options o = options;  o.objective = dispatch::Objective::cost;
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
