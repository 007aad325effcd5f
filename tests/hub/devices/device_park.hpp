// Small parks for the device tests (tests/hub/devices/test_<device>.cpp) and the dispatch tests:
// a scenario of hourly steps, a grid, a load, a solve, and lookups of flows and states.
#pragma once

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "ehub/core/error.hpp"
#include "ehub/dispatch/dispatch.hpp"
#include "ehub/hub/scenario.hpp"
#include "ehub/lp/glpk.hpp"
#include "ehub/lp/solver.hpp"

namespace ehub_test {

using nlohmann::json;
namespace d = ehub::dispatch;

// The GLPK backend lives in ehub::glpk and registers explicitly.
inline const bool kGlpkRegistered = [] {
  ehub::lp::register_glpk_backend();
  return true;
}();

// A scenario with `steps` hourly steps from 2025-01-01 00:00 +08:00 and the given buses/devices.
inline json scenario(int steps, json buses, json devices, double carbon_price_per_t = 0) {
  return json{{"name", "test"},
              {"time", {{"start", "2025-01-01T00:00:00+08:00"}, {"step_minutes", 60}, {"steps", steps}}},
              {"carbon_price_per_t", carbon_price_per_t},
              {"buses", buses},
              {"devices", devices}};
}

inline json el_bus() { return json::array({{{"name", "el"}, {"carrier", "electricity"}}}); }

inline json grid(json buy, double sell = 0.0, double import_limit = -1) {
  json g{{"name", "grid"}, {"type", "grid"}, {"bus", "el"}, {"buy_price_per_kwh", buy}, {"sell_price_per_kwh", sell},
         {"emission_factor_kg_per_kwh", 0.5}};
  if (import_limit >= 0) g["import_limit_kw"] = import_limit;
  return g;
}

inline json load(const std::string& bus, json profile, const std::string& carrier = "electricity") {
  return json{{"name", "load_" + bus}, {"type", "load"}, {"bus", bus}, {"carrier", carrier}, {"profile_kw", profile}};
}

// The MILP backends the dispatch tests run on: cbc, glpk, and highs where its library is found
// (cmake/ehub.sh installs it; ehub_lp_tests' Highs.AvailableWhereRequired fails when it is missing there).
inline std::vector<std::string> milp_solvers() {
  std::vector<std::string> s = {"cbc", "glpk"};
  if (ehub::lp::is_available("highs")) s.push_back("highs");
  return s;
}

inline d::Result run(const json& j, const std::string& solver = "cbc", bool relax = false) {
  const auto sc = ehub::hub::scenario_from_json(j, "test.json", ".");
  d::Options o;
  o.solver = solver;
  o.relax_integers = relax;
  return d::solve(sc, o);
}

inline const d::FlowSeries& flow(const d::Result& r, const std::string& device, const std::string& port) {
  for (const auto& f : r.flows)
    if (f.device == device && f.port == port) return f;
  throw std::runtime_error("no flow " + device + "." + port);
}

inline const d::StateSeries& state(const d::Result& r, const std::string& device, const std::string& name) {
  for (const auto& s : r.states)
    if (s.device == device && s.name == name) return s;
  throw std::runtime_error("no state " + device + "." + name);
}


}  // namespace ehub_test
