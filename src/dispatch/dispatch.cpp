// dispatch::solve: builds the hub's MILP (devices through hub::Builder, one balance row per bus
// and step), solves it, reads flows/states/prices back, checks every invariant, computes KPIs.
#include "ehub/dispatch/dispatch.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>

#include "ehub/core/error.hpp"
#include "ehub/hub/builder.hpp"
#include "ehub/io/hdf5.hpp"

namespace ehub::dispatch {
namespace {

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

[[noreturn]] void internal(const std::string& what) {
  throw Error("ehub.internal", "[ehub.internal] dispatch result check failed: " + what +
                                   " (this is a bug in ehub; please report it with the scenario)");
}

std::string fmt(double v) {
  char b[32];
  std::snprintf(b, sizeof b, "%.6g", v);
  return b;
}

// Row activities and bounds of the solution must hold within the tolerance.
void check_rows(const lp::Model& m, const std::vector<double>& x, double tol, bool relaxed) {
  const auto rs = m.row_start();
  const auto ci = m.col_index();
  const auto va = m.values();
  for (std::int32_t i = 0; i < m.num_rows(); ++i) {
    double a = 0, scale = 1;
    for (auto p = rs[static_cast<std::size_t>(i)]; p < rs[static_cast<std::size_t>(i) + 1]; ++p) {
      const double term = va[static_cast<std::size_t>(p)] * x[static_cast<std::size_t>(ci[static_cast<std::size_t>(p)])];
      a += term;
      scale = std::max(scale, std::abs(term));
    }
    const double lb = m.row_lower()[static_cast<std::size_t>(i)], ub = m.row_upper()[static_cast<std::size_t>(i)];
    if (a < lb - tol * std::max(scale, std::abs(lb)) || a > ub + tol * std::max(scale, std::abs(ub)))
      internal("row " + m.row_name(i) + " activity " + fmt(a) + " outside [" + fmt(lb) + ", " + fmt(ub) + "]");
  }
  for (std::int32_t j = 0; j < m.num_vars(); ++j) {
    const double v = x[static_cast<std::size_t>(j)];
    const double lb = m.col_lower()[static_cast<std::size_t>(j)], ub = m.col_upper()[static_cast<std::size_t>(j)];
    if (v < lb - tol * std::max(1.0, std::abs(lb)) || v > ub + tol * std::max(1.0, std::abs(ub)))
      internal("variable " + m.var_name(j) + " = " + fmt(v) + " outside [" + fmt(lb) + ", " + fmt(ub) + "]");
    if (!relaxed && m.col_type()[static_cast<std::size_t>(j)] != lp::VarType::continuous &&
        std::abs(v - std::round(v)) > 1e-5)
      internal("integer variable " + m.var_name(j) + " = " + fmt(v));
  }
}

}  // namespace

std::string Result::brief_report() const {
  return std::string(lp::to_string(status)) + " cost=" + fmt(kpis.cost_total) + " green_share=" +
         fmt(kpis.green_share) + " emissions_kg=" + fmt(kpis.emissions_kg) + " (" + solver + ", build " +
         fmt(build_s) + " s, solve " + fmt(solve_s) + " s)";
}

nlohmann::json Result::summary() const {
  nlohmann::json j;
  j["status"] = std::string(lp::to_string(status));
  j["objective"] = lp::has_solution(status) ? nlohmann::json(objective) : nlohmann::json(nullptr);
  j["solver"] = solver;
  j["message"] = message;
  j["timings"] = {{"build_s", build_s}, {"solve_s", solve_s}};
  j["model"] = {{"variables", variables}, {"constraints", constraints}, {"nonzeros", nonzeros}, {"integers", integers}};
  j["horizon"] = {{"start", grid.time_iso(0)}, {"step_minutes", grid.step_minutes()}, {"steps", grid.size()}};
  if (lp::has_solution(status)) {
    nlohmann::json k;
    k["cost_total"] = kpis.cost_total;
    k["cost_breakdown"] = kpis.cost;
    k["green_share"] = kpis.green_share;
    k["emissions_kg"] = kpis.emissions_kg;
    k["emissions_kg_by_source"] = kpis.emissions_kg_by_source;
    k["electricity_consumption_kwh"] = kpis.electricity_consumption_kwh;
    k["renewable_kwh"] = kpis.renewable_kwh;
    k["self_consumption"] = kpis.self_consumption;
    k["self_sufficiency"] = kpis.self_sufficiency;
    k["grid_import_kwh"] = kpis.grid_import_kwh;
    k["grid_export_kwh"] = kpis.grid_export_kwh;
    k["curtailment_kwh"] = kpis.curtailment_kwh;
    k["unserved_kwh"] = kpis.unserved_kwh;
    k["storage_cycles"] = kpis.storage_cycles;
    j["kpis"] = k;
  }
  return j;
}

Result solve(const hub::Scenario& sc, const Options& options) {
  options.solve.validate();
  if (!(options.check_tolerance > 0)) throw InputError("", "check_tolerance", "must be > 0");
  const auto t0 = std::chrono::steady_clock::now();
  const hub::Hub& h = sc.hub;
  const TimeGrid& grid = sc.grid;
  const auto n = static_cast<std::int32_t>(grid.size());
  lp::Model m;
  hub::Builder b(m, grid, sc.utc_offset_minutes, sc.carbon_price_per_t / 1000.0, options.relax_integers);
  for (std::int32_t d = 0; d < h.num_devices(); ++d) {
    b.set_device(h.device(d).name());
    h.device(d).formulate(b);
  }
  // Balance rows: for each bus and step, sum of port flows = 0 (constants moved to the bounds).
  const auto& buses = h.buses();
  std::vector<std::vector<const hub::PortFlow*>> on_bus(buses.size());
  for (const auto& f : b.port_flows()) {
    const auto bus = h.bus_of(f.device, f.port);
    if (!bus) throw InputError(sc.file, "/devices/" + f.device + "/ports/" + f.port, "port is not connected");
    on_bus[static_cast<std::size_t>(*bus)].push_back(&f);
  }
  std::vector<std::int32_t> first_row(buses.size());
  for (std::size_t k = 0; k < buses.size(); ++k) {
    first_row[k] = m.num_rows();
    for (std::int32_t t = 0; t < n; ++t) {
      double c = 0;
      for (const auto* f : on_bus[k]) c += f->constant_kw.empty() ? 0.0 : f->constant_kw[static_cast<std::size_t>(t)];
      m.begin_row(-c, -c, {});
      for (const auto* f : on_bus[k])
        for (const auto& [range, coef] : f->terms) m.add_term(range[t], coef);
    }
  }
  Result r;
  r.grid = grid;
  r.variables = m.num_vars();
  r.constraints = m.num_rows();
  r.nonzeros = m.num_nonzeros();
  r.integers = m.num_integers();
  r.build_s = seconds_since(t0);
  const auto t1 = std::chrono::steady_clock::now();
  auto solver = lp::make_solver(options.solver);
  solver->load(m);  // hand-off to the backend counts as solve time
  const lp::SolveResult sr = solver->solve(options.solve);
  r.solve_s = seconds_since(t1);
  r.status = sr.status;
  r.solver = sr.solver;
  r.message = sr.message;
  r.objective = sr.objective;
  if (!lp::has_solution(sr.status)) return r;
  const auto& x = sr.x;
  check_rows(m, x, options.check_tolerance, options.relax_integers);

  // Flows and bus balances.
  for (const auto& f : b.port_flows()) {
    const auto bus = static_cast<std::size_t>(*h.bus_of(f.device, f.port));
    const auto& dev = h.device(*h.find_device(f.device));
    FlowSeries fs{f.device, f.port, buses[bus].name, buses[bus].carrier, dev.type(), dev.renewable(),
                  std::vector<double>(static_cast<std::size_t>(n))};
    for (std::int32_t t = 0; t < n; ++t) {
      double v = f.constant_kw.empty() ? 0.0 : f.constant_kw[static_cast<std::size_t>(t)];
      for (const auto& [range, coef] : f.terms) v += coef * x[static_cast<std::size_t>(range[t])];
      fs.kw[static_cast<std::size_t>(t)] = v;
    }
    r.flows.push_back(std::move(fs));
  }
  for (std::size_t k = 0; k < buses.size(); ++k)
    for (std::int32_t t = 0; t < n; ++t) {
      double sum = 0, scale = 1;
      for (const auto& f : r.flows)
        if (f.bus == buses[k].name) {
          sum += f.kw[static_cast<std::size_t>(t)];
          scale = std::max(scale, std::abs(f.kw[static_cast<std::size_t>(t)]));
        }
      if (std::abs(sum) > options.check_tolerance * scale)
        internal("bus " + buses[k].name + " does not balance at " + grid.time_iso(t) + ": " + fmt(sum) + " kW");
    }
  for (const auto& s : b.states()) {
    StateSeries ss{s.device, s.name, std::vector<double>(static_cast<std::size_t>(n))};
    for (std::int32_t t = 0; t < n; ++t) ss.values[static_cast<std::size_t>(t)] = x[static_cast<std::size_t>(s.vars[t])];
    r.states.push_back(std::move(ss));
  }
  if (!sr.duals.empty())
    for (std::size_t k = 0; k < buses.size(); ++k) {
      BusPrice p{buses[k].name, std::vector<double>(static_cast<std::size_t>(n))};
      for (std::int32_t t = 0; t < n; ++t)
        p.per_kwh[static_cast<std::size_t>(t)] = sr.duals[static_cast<std::size_t>(first_row[k] + t)] / grid.step_hours();
      r.prices.push_back(std::move(p));
    }

  // KPIs from the tallies and flows.
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
  const double objective_without_constant = sr.objective - m.obj_constant();
  if (std::abs(k.cost_total - objective_without_constant) > 1e-6 * std::max(1.0, std::abs(k.cost_total)))
    internal("cost breakdown " + fmt(k.cost_total) + " differs from the objective " + fmt(objective_without_constant));
  auto tally = [&](const std::string& key) {
    auto it = r.tallies.find(key);
    return it == r.tallies.end() ? 0.0 : it->second;
  };
  k.grid_import_kwh = tally("energy.grid_import_kwh");
  k.grid_export_kwh = tally("energy.grid_export_kwh");
  k.curtailment_kwh = tally("energy.curtailment_kwh");
  k.unserved_kwh = tally("energy.unserved_kwh");
  k.renewable_kwh = tally("energy.renewable_kwh");
  // Electricity consumption: draws on electricity buses by loads and converters (not storage
  // charging, not export); same-step green use: min(renewable output, consumption) per step.
  const double dt = grid.step_hours();
  std::vector<double> cons(static_cast<std::size_t>(n), 0.0), ren(static_cast<std::size_t>(n), 0.0);
  for (const auto& f : r.flows) {
    if (f.carrier != hub::Carrier::electricity) continue;
    const auto& dev = h.device(*h.find_device(f.device));
    const std::string type = dev.type();
    const bool passive = type == "battery" || type == "grid";
    for (std::int32_t t = 0; t < n; ++t) {
      const double v = f.kw[static_cast<std::size_t>(t)];
      if (dev.renewable()) ren[static_cast<std::size_t>(t)] += v;
      else if (!passive && v < 0) cons[static_cast<std::size_t>(t)] -= v;
    }
  }
  double green = 0;
  for (std::int32_t t = 0; t < n; ++t) {
    k.electricity_consumption_kwh += cons[static_cast<std::size_t>(t)] * dt;
    green += std::min(ren[static_cast<std::size_t>(t)], cons[static_cast<std::size_t>(t)]) * dt;
  }
  k.green_share = k.electricity_consumption_kwh > 0 ? green / k.electricity_consumption_kwh : 0.0;
  k.self_consumption = k.renewable_kwh > 0 ? std::max(0.0, 1.0 - k.grid_export_kwh / k.renewable_kwh) : 0.0;
  k.self_sufficiency =
      k.electricity_consumption_kwh > 0 ? std::max(0.0, 1.0 - k.grid_import_kwh / k.electricity_consumption_kwh) : 0.0;
  for (const auto& s : b.states())
    if (s.name == "soc_kwh") {
      const double cap = m.col_upper()[static_cast<std::size_t>(s.vars[0])];
      if (cap > 0) k.storage_cycles[s.device] = tally("energy.storage_discharge_kwh." + s.device) / cap;
    }
  return r;
}

void write_result_h5(const Result& r, const std::string& path) {
  io::H5Writer w(path);
  std::vector<std::int64_t> time(static_cast<std::size_t>(r.grid.size()));
  for (std::int64_t t = 0; t < r.grid.size(); ++t) time[static_cast<std::size_t>(t)] = r.grid.time_unix_s(t);
  w.write_vector_int64("/time", time);
  for (const auto& f : r.flows) {
    const std::string p = "/flows/" + f.device + "." + f.port;
    w.write_vector(p, f.kw);
    w.write_string_attribute(p, "bus", f.bus);
    w.write_string_attribute(p, "carrier", std::string(hub::to_string(f.carrier)));
    w.write_string_attribute(p, "unit", "kW");
    w.write_string_attribute(p, "device_type", f.device_type);
    w.write_double_attribute(p, "renewable", f.renewable ? 1.0 : 0.0);
  }
  for (const auto& s : r.states) w.write_vector("/states/" + s.device + "." + s.name, s.values);
  for (const auto& p : r.prices) w.write_vector("/prices/" + p.bus, p.per_kwh);
  w.write_string_attribute("/", "status", std::string(lp::to_string(r.status)));
  w.write_double_attribute("/", "objective", r.objective);
  w.write_double_attribute("/", "step_minutes", r.grid.step_minutes());
  w.commit();
}

}  // namespace ehub::dispatch
