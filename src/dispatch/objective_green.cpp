// Objectives green and lexicographic: the best certified green share (Dinkelbach), then least
// cost within a tolerance of it; or, cost first, the best share within a tolerance of the least
// cost (docs/objectives.md).
#include "ehub/dispatch/dispatch.hpp"

#include <algorithm>
#include <cmath>

#include "model.hpp"

namespace ehub::dispatch::detail {

Result solve_green(Prepared& p, const Options& o) {
  const Built& B = *p.built;
  const double tol = o.objective == Objective::green ? 1e-7 : o.lexicographic_tolerance;
  if (o.objective == Objective::lexicographic && o.cost_first) {
    Result c = solve_model(p, p.base, o, true);
    if (!lp::has_solution(c.status)) return c;
    limit_shedding(p, c);
    lp::Model m = p.base;  // best green share with cost within tolerance of the least cost
    add_tally_row(B, m, "cost.", -kInf, c.kpis.cost_total + tol * std::abs(c.kpis.cost_total) + 1e-9, "cost_best");
    set_green_objective(B, m, c.kpis.green_share);
    Result r = solve_model(p, m, o, false);
    r.objective_kind = o.objective;
    return r;
  }
  Result c = solve_model(p, p.base, o, true);
  if (!lp::has_solution(c.status)) return c;
  limit_shedding(p, c);
  GreenBest g = max_green(p, o);
  if (!g.ok) return g.result;
  lp::Model m = p.base;
  add_share_row(B, m, std::max(0.0, g.share - tol));
  Result r = solve_model(p, m, o, true);
  r.objective_kind = o.objective;
  return r;
}

}  // namespace ehub::dispatch::detail
