// dispatch: builds the hub's MILP (devices through hub::Builder, one balance row per bus and step,
// optionally the two-colour storage model for the green share), solves it for the chosen
// objective, reads flows/states/prices back, checks every invariant and computes KPIs. This file
// holds the public entry points; the parts live one concept per file (model.hpp lists them).
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

// The options with the scenario's own hard constraints filled in where the options set none.
Options with_scenario_constraints(const hub::Scenario& sc, Options o) {
  if (!o.min_green_share) o.min_green_share = sc.min_green_share;
  if (!o.max_emissions_kg) o.max_emissions_kg = sc.max_emissions_kg;
  if (!o.max_grid_import_kwh) o.max_grid_import_kwh = sc.max_grid_import_kwh;
  return o;
}

}  // namespace detail

using namespace detail;

std::string_view to_string(Objective o) noexcept { return enum_name(kObjectiveNames, o); }

Objective objective_from_string(std::string_view name) { return enum_from_name(kObjectiveNames, name, "objective", "objective"); }

void Options::validate() const {
  solve.validate();
  if (!(check_tolerance > 0)) throw InputError("", "check_tolerance", "must be > 0");
  if (workers < 0) throw InputError("", "workers", "must be >= 0 (0: one per core), got " + std::to_string(workers));
  if (!(weight_cost >= 0) || !(weight_green >= 0) || weight_cost + weight_green <= 0)
    throw InputError("", "weight_cost", "weights must be >= 0 and not both 0");
  if (!(lexicographic_tolerance >= 0)) throw InputError("", "lexicographic_tolerance", "must be >= 0");
  if (min_green_share && !(*min_green_share >= 0 && *min_green_share <= 1))
    throw InputError("", "min_green_share", "must be in [0, 1], got " + fmt(*min_green_share));
  if (max_emissions_kg && !(*max_emissions_kg >= 0)) throw InputError("", "max_emissions_kg", "must be >= 0");
  if (max_grid_import_kwh && !(*max_grid_import_kwh >= 0)) throw InputError("", "max_grid_import_kwh", "must be >= 0");
}

lp::Model build_model(const hub::Scenario& sc, const Options& options) {
  const Options o = with_scenario_constraints(sc, options);
  o.validate();
  const bool need_green = o.objective == Objective::green || o.objective == Objective::lexicographic ||
                          o.objective == Objective::weighted;
  return prepare(sc, o, need_green).base;
}

namespace detail {

ObjectiveSolve objective_solve(Objective o) {
  switch (o) {
    case Objective::cost: return solve_cost;
    case Objective::carbon: return solve_carbon;
    case Objective::green:
    case Objective::lexicographic: return solve_green;
    case Objective::weighted: return solve_weighted;
  }
  return solve_cost;
}

}  // namespace detail

Result solve(const hub::Scenario& sc, const Options& options) {
  const Options o = with_scenario_constraints(sc, options);
  o.validate();
  const bool need_green = o.objective == Objective::green || o.objective == Objective::lexicographic ||
                          o.objective == Objective::weighted;
  Prepared p = prepare(sc, o, need_green);
  // (limit_shedding adds rows to p.base, so the objectives take it by reference.)
  return objective_solve(o.objective)(p, o);
}

}  // namespace ehub::dispatch
