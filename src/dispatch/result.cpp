// Reading a solution back: flows, states, KPIs, the colouring; the summary JSON and one-line report.
#include "ehub/dispatch/dispatch.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <memory>

#include "ehub/core/error.hpp"
#include "ehub/hub/builder.hpp"
#include "model.hpp"

namespace ehub::dispatch {
namespace detail {

Result make_result(const Built& B, const lp::Model& m, const lp::SolveResult& sr, const Options& o, bool cost_objective) {
  const hub::Scenario& sc = *B.sc;
  const hub::Hub& h = sc.hub;
  const auto& buses = h.buses();
  const auto n = static_cast<std::int32_t>(sc.grid.size());
  const hub::Builder& b = *B.builder;
  Result r;
  r.grid = sc.grid;
  r.utc_offset_minutes = sc.utc_offset_minutes;
  r.objective_kind = o.objective;
  r.variables = m.num_vars();
  r.constraints = m.num_rows();
  r.nonzeros = m.num_nonzeros();
  r.integers = m.num_integers();
  r.build_s = B.build_s;
  r.status = sr.status;
  r.solver = sr.solver;
  r.message = sr.message;
  for (const auto& w : sr.warnings) r.message += "; " + w;  // e.g. Cbc solved again without preprocessing
  r.objective = sr.objective;
  if (!lp::has_solution(sr.status)) return r;
  const auto& x = sr.x;
  check_rows(m, x, o.check_tolerance, o.relax_integers);
  for (const auto& f : b.port_flows()) {
    const auto bus = static_cast<std::size_t>(h.port_bus(f.device_index, h.port_index(f.device_index, f.port)));
    const auto& dev = h.device(f.device_index);
    FlowSeries fs{f.device, f.port, buses[bus].name, buses[bus].carrier, dev.type(), dev.renewable(),
                  std::vector<double>(static_cast<std::size_t>(n))};
    for (std::int32_t t = 0; t < n; ++t) {
      double v = f.constant_kw.empty() ? 0.0 : f.constant_kw[static_cast<std::size_t>(t)];
      for (const auto& [range, coef] : f.terms) v += coef * x[static_cast<std::size_t>(range[t])];
      fs.kw[static_cast<std::size_t>(t)] = v;
    }
    r.flows.push_back(std::move(fs));
  }
  std::vector<std::vector<const FlowSeries*>> flows_on_bus(buses.size());
  for (const auto& f : r.flows) flows_on_bus[static_cast<std::size_t>(*h.find_bus(f.bus))].push_back(&f);
  for (std::size_t k = 0; k < buses.size(); ++k)
    for (std::int32_t t = 0; t < n; ++t) {
      double sum = 0, scale = 1;
      for (const auto* f : flows_on_bus[k]) {
        sum += f->kw[static_cast<std::size_t>(t)];
        scale = std::max(scale, std::abs(f->kw[static_cast<std::size_t>(t)]));
      }
      if (std::abs(sum) > o.check_tolerance * scale)
        internal("bus " + buses[k].name + " does not balance at " + sc.grid.time_iso(t) + ": " + fmt(sum) + " kW");
    }
  for (const auto& s : b.states()) {
    StateSeries ss{s.device, s.name, std::vector<double>(static_cast<std::size_t>(n)), s.setpoint};
    for (std::int32_t t = 0; t < n; ++t) ss.values[static_cast<std::size_t>(t)] = x[static_cast<std::size_t>(s.vars[t])];
    r.states.push_back(std::move(ss));
  }
  for (const auto& [name, tl] : b.tallies()) r.tallies[name] = tl.evaluate(x);
  Kpis& k = r.kpis;
  for (const auto& [name, v] : r.tallies) {
    if (name.rfind("cost.", 0) == 0) {
      k.cost[name.substr(5)] = v;
      k.cost_total += v;
    } else if (name.rfind("emissions.", 0) == 0) {
      k.emissions_kg_by_source[name.substr(10)] = v;
      k.emissions_kg += v;
    }
  }
  if (cost_objective) {
    const double obj = sr.objective - m.obj_constant();
    if (std::abs(k.cost_total - obj) > 1e-6 * std::max(1.0, std::abs(k.cost_total)))
      internal("cost breakdown " + fmt(k.cost_total) + " differs from the objective " + fmt(obj));
  }
  r.objective = k.cost_total;
  auto tally = [&](const std::string& key) {
    auto it = r.tallies.find(key);
    return it == r.tallies.end() ? 0.0 : it->second;
  };
  k.grid_import_kwh = tally("energy.grid_import_kwh");
  k.grid_export_kwh = tally("energy.grid_export_kwh");
  k.curtailment_kwh = tally("energy.curtailment_kwh");
  k.unserved_kwh = tally("energy.unserved_kwh");
  k.renewable_kwh = tally("energy.renewable_kwh");
  k.certificates_sold_kwh = tally("energy.certificates_sold_kwh");
  k.heat_dumped_kwh = tally("energy.heat_dumped_kwh");  // summed over every CHP
  colour_schedule(B, x, r, o.relax_integers);
  k.self_sufficiency =
      k.electricity_consumption_kwh > 0 ? std::max(0.0, 1.0 - k.grid_import_kwh / k.electricity_consumption_kwh) : 0.0;
  for (const auto& s : b.storages()) {  // equivalent full cycles: discharged energy / nominal capacity
    if (!(s.capacity_kwh > 0)) continue;
    const double dt = sc.grid.step_hours();
    double discharged_kwh = 0;  // from the declared storage's own variables: a user's storage type counts too
    for (std::int32_t t = 0; t < s.discharge_kw.count; ++t) discharged_kwh += x[static_cast<std::size_t>(s.discharge_kw[t])] * dt;
    k.storage_cycles[s.device] = discharged_kwh / s.capacity_kwh;
  }
  if (k.unserved_kwh > 1e-6)
    for (const auto& s : r.states)
      if (s.name == "unserved_kw") {
        const auto dev = h.find_device(s.device);
        const auto bus = h.bus_of(s.device, h.device(*dev).ports()[0].name);
        describe_runs(B, s.values, std::string(hub::to_string(buses[static_cast<std::size_t>(*bus)].carrier)) + " bus '" +
                                       buses[static_cast<std::size_t>(*bus)].name + "' (load " + s.device + ") unserved",
                      r.diagnosis);
      }
  read_prices(B, m, sr, o, r);
  return r;
}

}  // namespace detail

using namespace detail;

std::string Result::brief_report() const {
  std::string s = std::string(lp::to_string(status)) + " cost=" + fmt(kpis.cost_total) + " green_share=" +
                  fmt(kpis.green_share) + " emissions_kg=" + fmt(kpis.emissions_kg) + " (" + solver + ", build " +
                  fmt(build_s) + " s, solve " + fmt(solve_s) + " s)";
  for (const auto& d : diagnosis) s += "\n  " + d;
  return s;
}

nlohmann::json kpis_json(const Kpis& kpis) {
  nlohmann::json k;
  k["cost_total"] = kpis.cost_total;
  k["cost_breakdown"] = kpis.cost;
  k["green_share"] = kpis.green_share;
  k["green_matched_kwh"] = kpis.green_matched_kwh;
  k["emissions_kg"] = kpis.emissions_kg;
  k["emissions_kg_by_source"] = kpis.emissions_kg_by_source;
  k["electricity_consumption_kwh"] = kpis.electricity_consumption_kwh;
  k["renewable_kwh"] = kpis.renewable_kwh;
  k["self_consumption"] = kpis.self_consumption;
  k["self_sufficiency"] = kpis.self_sufficiency;
  k["grid_import_kwh"] = kpis.grid_import_kwh;
  k["grid_export_kwh"] = kpis.grid_export_kwh;
  k["certificates_sold_kwh"] = kpis.certificates_sold_kwh;
  k["curtailment_kwh"] = kpis.curtailment_kwh;
  k["heat_dumped_kwh"] = kpis.heat_dumped_kwh;
  k["unserved_kwh"] = kpis.unserved_kwh;
  k["storage_cycles"] = kpis.storage_cycles;
  return k;
}

nlohmann::json Result::summary() const {
  nlohmann::json j;
  j["status"] = std::string(lp::to_string(status));
  j["objective"] = lp::has_solution(status) ? nlohmann::json(objective) : nlohmann::json(nullptr);
  j["objective_kind"] = std::string(to_string(objective_kind));
  j["solver"] = solver;
  j["message"] = message;
  j["timings"] = {{"build_s", build_s}, {"solve_s", solve_s}};
  j["model"] = {{"variables", variables}, {"constraints", constraints}, {"nonzeros", nonzeros}, {"integers", integers}};
  j["horizon"] = {{"start", grid.time_iso(0, utc_offset_minutes)}, {"step_minutes", grid.step_minutes()}, {"steps", grid.size()}};
  j["diagnosis"] = diagnosis;
  j["prices_from_fixed_integers"] = prices_from_fixed_integers;
  if (lp::has_solution(status)) {
    j["kpis"] = kpis_json(kpis);
  }
  return j;
}

}  // namespace ehub::dispatch
