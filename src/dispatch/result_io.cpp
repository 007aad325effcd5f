// Results files: the dispatch layout in HDF5 (docs/scenario.md) and the Pareto file.
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
#include "ehub/io/hdf5.hpp"

namespace ehub::dispatch {
namespace detail {


}  // namespace detail

using namespace detail;

// Writes /time, /flows, /states, /green, /balance, /prices of `r` under `prefix` ("" for the file root).
void write_result_group(io::H5Writer& w, const Result& r, const std::string& prefix) {
  std::vector<std::int64_t> time(static_cast<std::size_t>(r.grid.size()));
  for (std::int64_t t = 0; t < r.grid.size(); ++t) time[static_cast<std::size_t>(t)] = r.grid.time_unix_s(t);
  w.write_vector_int64(prefix + "/time", time);
  for (const auto& f : r.flows) {
    const std::string p = prefix + "/flows/" + f.device + "." + f.port;
    w.write_vector(p, f.kw);
    w.write_string_attribute(p, "bus", f.bus);
    w.write_string_attribute(p, "carrier", std::string(hub::to_string(f.carrier)));
    w.write_string_attribute(p, "unit", "kW");
    w.write_string_attribute(p, "device_type", f.device_type);
    w.write_double_attribute(p, "renewable", f.renewable ? 1.0 : 0.0);
  }
  for (const auto& s : r.states) {
    const std::string p = prefix + "/states/" + s.device + "." + s.name;
    w.write_vector(p, s.values);
    if (s.setpoint != hub::Setpoint::none) w.write_string_attribute(p, "setpoint", std::string(hub::to_string(s.setpoint)));
  }
  for (const auto& g : r.green) w.write_vector(prefix + "/green/" + g.device + "." + g.name, g.values);
  for (const auto& p : r.prices) w.write_vector(prefix + "/prices/" + p.bus, p.per_kwh);
  if (!r.consumption_kw.empty()) {
    w.write_vector(prefix + "/balance/electricity_consumption_kw", r.consumption_kw);
    w.write_vector(prefix + "/balance/green_matched_kw", r.green_matched_kw);
  }
  const std::string obj = prefix.empty() ? "/" : prefix;
  w.write_string_attribute(obj, "status", std::string(lp::to_string(r.status)));
  w.write_double_attribute(obj, "objective", r.objective);
  w.write_double_attribute(obj, "step_minutes", r.grid.step_minutes());
  w.write_double_attribute(obj, "prices_from_fixed_integers", r.prices_from_fixed_integers ? 1.0 : 0.0);
}

void write_result_h5(const Result& r, const std::string& path) {
  io::H5Writer w(path);
  write_result_group(w, r, "");
  w.commit();
}

void write_pareto_h5(const std::vector<ParetoPoint>& points, const std::string& path) {
  io::H5Writer w(path);
  std::vector<double> share, cost, em, target;
  for (std::size_t k = 0; k < points.size(); ++k) {
    target.push_back(points[k].target_green_share);
    share.push_back(points[k].green_share);
    cost.push_back(points[k].cost_total);
    em.push_back(points[k].emissions_kg);
    if (lp::has_solution(points[k].status)) write_result_group(w, points[k].result, "/points/" + std::to_string(k));
  }
  w.write_vector("/frontier/green_share", share);
  w.write_vector("/frontier/cost_total", cost);
  w.write_vector("/frontier/emissions_kg", em);
  w.write_vector("/frontier/target_green_share", target);
  w.commit();
}

}  // namespace ehub::dispatch
