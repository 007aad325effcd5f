// The carried state: applied to each window's devices in memory (Device::with_state), carried
// from each executed step to the next, executed windows appended.
#include "ehub/sim/rolling.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <limits>
#include <map>
#include <optional>

#include "ehub/core/error.hpp"
#include "ehub/core/series.hpp"
#include "ehub/core/time_grid.hpp"
#include "ehub/forecast/forecaster.hpp"
#include "ehub/hub/scenario.hpp"
#include "ehub/io/csv.hpp"
#include "ehub/io/hdf5.hpp"
#include "ehub/io/json.hpp"
#include "ehub/sim/twin.hpp"
#include "park.hpp"

namespace ehub::sim::detail {

// Applies the carried states to the devices of a window scenario starting at step d, in memory
// (Device::with_state): SOC and its green part, the end condition (plans return to the scenario's
// initial level at every horizon end unless `free_end`; settlements end free), commitment, hours
// in state and last output of units, and the demand-charge peak so far (plans) or no demand
// charge (settlements: the loop bills the executed monthly peak itself).
void apply_states(hub::Scenario& sc, const Park& P, std::int64_t d, const Carry& c, bool plan, bool free_end,
                  const std::map<std::string, std::vector<double>>& adders) {
  hub::Hub& h = sc.hub;
  for (std::int32_t i = 0; i < h.num_devices(); ++i) {
    const hub::Device& dev = h.device(i);
    const std::string& name = dev.name();
    hub::DeviceState st;
    for (const auto& s : P.storages)
      if (s.name == name) {
        st.soc = c.soc.at(name);
        if (const auto g = c.soc_green.find(name); g != c.soc_green.end())
          st.soc_green = std::min(g->second, c.soc.at(name));
        if (!plan || free_end || s.info.end_condition == hub::EndCondition::free) {
          st.end_condition = hub::EndCondition::free;
        } else if (s.info.end_condition == hub::EndCondition::cyclic) {  // back to the initial level
          st.end_condition = hub::EndCondition::min;
          st.soc_end_min = s.info.soc_initial;
        }
      }
    for (const auto& g : P.demand_charges)
      if (g.grid == name) {
        if (plan) {  // a new peak costs the whole month's charge; the month's peak so far is sunk
          st.demand_charge_prorated = false;
          const auto it = c.peak_kw.find(name);
          const int key = month_key(P.grid.time_unix_s(d), P.offset);
          if (it != c.peak_kw.end() && it->second.count(key)) st.demand_peak_so_far_kw = it->second.at(key);
        } else {
          st.demand_charge_off = true;
        }
      }
    if (plan)
      if (const auto a = adders.find(name); a != adders.end())
        st.exchange_price_adder_per_kwh.assign(a->second.begin() + static_cast<std::ptrdiff_t>(d),
                                               a->second.begin() + static_cast<std::ptrdiff_t>(d + sc.grid.size()));
    for (const auto& u : P.units)
      if (u.name == name) {
        st.on = c.on.at(name);
        if (const auto hs = c.hours_in_state.find(name); hs != c.hours_in_state.end() && std::isfinite(hs->second))
          st.hours_in_state_h = hs->second;
        if (const auto p = c.p_kw.find(name); p != c.p_kw.end()) st.last_output_kw = p->second;
      }
    if (st.empty()) continue;
    auto next = dev.with_state(st);
    if (!next) {
      std::string msg = "device type \"" + dev.type() +
                        "\" reports a storage, unit or grid state but does not implement with_state(), so the "
                        "operations loop cannot carry its state from one horizon to the next";
      throw InputError(P.file, "/devices/" + name, msg);
    }
    h.replace_device(i, std::move(next));
  }
}

// The window scenario of steps [d, d + w) with the carried states applied.
hub::Scenario window_scenario(const Park& P, std::int64_t d, std::int64_t w, const std::vector<std::vector<double>>& vals,
                              const Carry& c, bool plan, bool free_end,
                              const std::map<std::string, std::vector<double>>& adders) {
  hub::Scenario sc = hub::scenario_from_json(window_json(P, d, w, vals), P.file, P.base_dir);
  apply_states(sc, P, d, c, plan, free_end, adders);
  return sc;
}

const dispatch::StateSeries* find_state(const dispatch::Result& r, const std::string& dev, const std::string& name) {
  for (const auto& s : r.states)
    if (s.device == dev && s.name == name) return &s;
  return nullptr;
}

// Appends the executed steps of `part` to `into` (the same devices and states in every window).
void append_executed(dispatch::Result& into, const dispatch::Result& part) {
  if (into.flows.empty() && into.states.empty()) {
    const TimeGrid start = part.grid;
    into = part;
    into.grid = start;
    into.prices.clear();
    return;
  }
  auto cat = [](std::vector<double>& a, const std::vector<double>& b) { a.insert(a.end(), b.begin(), b.end()); };
  if (into.flows.size() != part.flows.size() || into.states.size() != part.states.size() ||
      into.green.size() != part.green.size())
    throw Error("ehub.internal", "the twin's executed windows differ in their devices");
  for (std::size_t k = 0; k < part.flows.size(); ++k) cat(into.flows[k].kw, part.flows[k].kw);
  for (std::size_t k = 0; k < part.states.size(); ++k) cat(into.states[k].values, part.states[k].values);
  for (std::size_t k = 0; k < part.green.size(); ++k) cat(into.green[k].values, part.green[k].values);
  cat(into.consumption_kw, part.consumption_kw);
  cat(into.green_matched_kw, part.green_matched_kw);
  into.grid = TimeGrid(into.grid.start_unix_s(), into.grid.step_minutes(), into.grid.size() + part.grid.size());
  into.status = part.status;
  into.diagnosis.insert(into.diagnosis.end(), part.diagnosis.begin(), part.diagnosis.end());
}

// Steps [s0, s0 + l) of every pin.
Pins slice_pins(const Pins& pins, std::int64_t s0, std::int64_t l) {
  Pins out;
  for (const auto& [dev, states] : pins)
    for (const auto& [name, v] : states) {
      std::vector<double> part(static_cast<std::size_t>(l), kNaN);
      for (std::int64_t t = 0; t < l; ++t)
        if (static_cast<std::size_t>(s0 + t) < v.size()) part[static_cast<std::size_t>(t)] = v[static_cast<std::size_t>(s0 + t)];
      out[dev][name] = std::move(part);
    }
  return out;
}

// Carries the executed states to the next window (SOC and its green part, commitment, hours in
// the current on/off state, last output) and logs SOC and commitment.
void carry_over(const Park& P, const dispatch::Result& ex, double dt, Carry& c, StepLog& log) {
  for (std::int64_t t = 0; t < ex.grid.size(); ++t) c.hours_in_month[month_key(ex.grid.time_unix_s(t), P.offset)] += dt;
  for (const auto& g : P.demand_charges)
    if (const auto* imp = find_state(ex, g.grid, "import_kw"))
      for (std::int64_t t = 0; t < ex.grid.size(); ++t) {
        double& pk = c.peak_kw[g.grid][month_key(ex.grid.time_unix_s(t), P.offset)];
        pk = std::max(pk, imp->values[static_cast<std::size_t>(t)]);
      }
  for (const auto& s : P.storages)
    if (const auto* st = find_state(ex, s.name, "soc_kwh")) {
      auto& l = log.soc_kwh[s.name];
      l.insert(l.end(), st->values.begin(), st->values.end());
      c.soc[s.name] = std::clamp(st->values.back() / s.info.energy_kwh, s.info.soc_min, s.info.soc_max);
      const auto* g = find_state(ex, s.name, "soc_green_kwh");
      c.soc_green[s.name] = g ? std::clamp(g->values.back() / s.info.energy_kwh, 0.0, c.soc[s.name]) : 0.0;
    }
  for (const auto& u : P.units)
    if (const auto* st = find_state(ex, u.name, "on")) {
      auto& l = log.on[u.name];
      l.insert(l.end(), st->values.begin(), st->values.end());
      for (double v : st->values) {
        const bool on = v > 0.5;
        const auto h = c.hours_in_state.find(u.name);
        if (on == c.on[u.name] && h != c.hours_in_state.end()) h->second += dt;
        else c.hours_in_state[u.name] = on == c.on[u.name] ? std::numeric_limits<double>::infinity() : dt;
        c.on[u.name] = on;
      }
      if (const auto* p = find_state(ex, u.name, "p_kw")) c.p_kw[u.name] = p->values.back();
    }
}

void add_kpis(dispatch::Kpis& a, const dispatch::Kpis& k, double& self_used) {
  for (const auto& [n, v] : k.cost) a.cost[n] += v;
  a.cost_total += k.cost_total;
  for (const auto& [n, v] : k.emissions_kg_by_source) a.emissions_kg_by_source[n] += v;
  a.emissions_kg += k.emissions_kg;
  a.electricity_consumption_kwh += k.electricity_consumption_kwh;
  a.renewable_kwh += k.renewable_kwh;
  a.green_matched_kwh += k.green_matched_kwh;
  a.grid_import_kwh += k.grid_import_kwh;
  a.grid_export_kwh += k.grid_export_kwh;
  a.curtailment_kwh += k.curtailment_kwh;
  a.unserved_kwh += k.unserved_kwh;
  a.heat_dumped_kwh += k.heat_dumped_kwh;
  a.certificates_sold_kwh += k.certificates_sold_kwh;
  for (const auto& [n, v] : k.storage_cycles) a.storage_cycles[n] += v;
  self_used += k.self_consumption * (k.renewable_kwh + k.curtailment_kwh);
}

}  // namespace ehub::sim::detail
