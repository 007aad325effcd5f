// Objective carbon: least emissions, then least cost among the least-emission schedules, with
// demand served as at the cost optimum (docs/objectives.md).
#include "ehub/dispatch/dispatch.hpp"

#include <algorithm>
#include <cmath>

#include "model.hpp"

namespace ehub::dispatch::detail {

Result solve_carbon(Prepared& p, const Options& o) {
  const Built& B = *p.built;
  // Emissions fall by serving less too: keep unserved and curtailed energy at the cost
  // optimum's amounts, as for every objective other than cost.
  Result c = solve_model(p, p.base, o, true);
  if (!lp::has_solution(c.status)) return c;
  limit_shedding(p, c);
  lp::Model m = p.base;
  set_tally_objective(B, m, "emissions.", 1.0);
  Result first = solve_model(p, m, o, false);
  if (!lp::has_solution(first.status)) return first;
  lp::Model m2 = p.base;  // least cost among the least-emission schedules
  add_tally_row(B, m2, "emissions.", -kInf, first.kpis.emissions_kg * (1 + 1e-7) + 1e-6, "emissions_best");
  Result r = solve_model(p, m2, o, true);
  r.objective_kind = o.objective;
  return r;
}

}  // namespace ehub::dispatch::detail
