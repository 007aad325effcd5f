// Objective weighted: w_c x cost / |C*| - w_g x green share / G*, normalised by the cost optimum
// C* and the best share G*, bounded in time by its single-objective solves (docs/objectives.md).
#include "ehub/dispatch/dispatch.hpp"

#include <algorithm>
#include <cmath>

#include "model.hpp"

namespace ehub::dispatch::detail {

Result solve_weighted(Prepared& p, const Options& o) {
  const Built& B = *p.built;
  Result c = solve_model(p, p.base, o, true);
  if (!lp::has_solution(c.status)) return c;
  limit_shedding(p, c);
  GreenBest g = max_green(p, o);
  if (!g.ok) return g.result;
  bool weighted_budget_note = false;
  // minimise w_c * cost / |C*| - w_g * M / (G* x L_ref), L_ref the cost optimum's consumption.
  lp::Model m = p.base;
  const double cnorm = std::max(1e-9, std::abs(c.kpis.cost_total));
  const double lref = std::max(1e-9, c.kpis.electricity_consumption_kwh);
  const double gnorm = std::max(1e-9, g.share);
  for (std::int32_t j = 0; j < m.num_vars(); ++j) m.set_obj(j, m.objective()[static_cast<std::size_t>(j)] * o.weight_cost / cnorm);
  const auto n = static_cast<std::int32_t>(B.sc->grid.size());
  const double dt = B.sc->grid.step_hours();
  for (std::int32_t t = 0; t < n; ++t) {
    m.add_obj(B.green.direct[t], -o.weight_green * dt / (gnorm * lref));
    for (const auto& st : B.green.stores) m.add_obj(st.gd[t], -o.weight_green * dt / (gnorm * lref));
  }
  // + w_g (a column fixed at 1): the objective becomes w_c C/|C*| + w_g (1 - M/(G* L_ref)), about
  // w_c + small at the optimum, so the relative MIP gap means what it means for the cost
  // objective instead of applying to a difference of two near-equal terms.
  m.add_var(1.0, 1.0, o.weight_green, lp::VarType::continuous, "weighted.offset");
  // The weighted MILP can be far harder for Cbc than its single objectives (issue 13: the
  // 168-h kunming park ran for many minutes inside Cbc's root heuristics). Without a time limit
  // of the caller's, it is bounded by its single-objective solves: 10 x their solve time, at
  // least 30 s; stopping there gives status "feasible" with the best schedule found.
  Options ow = o;
  if (!std::isfinite(o.solve.time_limit_s)) {
    ow.solve.time_limit_s = std::max(30.0, 10.0 * (c.solve_s + g.solve_s));
    weighted_budget_note = true;
  }
  Result r = solve_model(p, m, ow, false);
  if (weighted_budget_note && r.status == lp::Status::feasible)
    r.diagnosis.push_back("weighted objective: stopped at its time budget of " + fmt(ow.solve.time_limit_s) +
                          " s (10 x the cost and green solves, at least 30 s); the schedule is the best found, "
                          "not proven optimal; give --time-limit to choose the budget");
  r.objective_kind = o.objective;
  return r;
}

}  // namespace ehub::dispatch::detail
