// Solving and checking: every row of a returned schedule is checked, a MILP "optimal" is compared
// with its LP relaxation, infeasible models get a diagnosis; demand is never shed to meet an
// objective other than cost.
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

// Row activities and bounds of the solution must hold within the tolerance.
void check_rows(const lp::Model& m, const std::vector<double>& x, double tol, bool relaxed) {
  const auto rs = m.row_start();
  const auto ci = m.col_index();
  const auto va = m.values();
  for (std::int32_t i = 0; i < m.num_rows(); ++i) {
    double a = 0, scale = 1;
    for (auto p = rs[static_cast<std::size_t>(i)]; p < rs[static_cast<std::size_t>(i) + 1]; ++p) {
      const double coef = va[static_cast<std::size_t>(p)];
      const double term = coef * x[static_cast<std::size_t>(ci[static_cast<std::size_t>(p)])];
      a += term;
      // The coefficient's size counts too: with a unit off (on = 0), p <= Pmax on may be met only
      // to the backend's absolute feasibility tolerance times Pmax.
      scale = std::max({scale, std::abs(term), std::abs(coef)});
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

// Objective of `x` in `m` (constant included).
double objective_of(const lp::Model& m, const std::vector<double>& x) {
  double z = m.obj_constant();
  const auto c = m.objective();
  for (std::size_t j = 0; j < x.size(); ++j) z += c[j] * x[j];
  return z;
}

// True when x meets every bound, row and integrality of m within `tol` (relative to each size).
bool meets(const lp::Model& m, const std::vector<double>& x, double tol) {
  const auto lb = m.col_lower(), ub = m.col_upper();
  const auto ty = m.col_type();
  for (std::size_t j = 0; j < x.size(); ++j) {
    if (x[j] < lb[j] - tol * std::max(1.0, std::abs(lb[j])) || x[j] > ub[j] + tol * std::max(1.0, std::abs(ub[j])))
      return false;
    if (ty[j] != lp::VarType::continuous && std::abs(x[j] - std::round(x[j])) > 1e-6) return false;
  }
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
    const double rl = m.row_lower()[static_cast<std::size_t>(i)], ru = m.row_upper()[static_cast<std::size_t>(i)];
    if (a < rl - tol * std::max(scale, std::abs(rl)) || a > ru + tol * std::max(scale, std::abs(ru))) return false;
  }
  return true;
}

// The result check against the LP relaxation (docs/objectives.md, "Result checks"): a MILP
// "optimal" can never be worse than a schedule that is integer-feasible. The relaxation is solved
// with Clp; when its optimum is integer-feasible it is the MILP optimum, otherwise the integers
// are rounded, fixed and the LP re-solved. If either schedule beats the backend's "optimal" by
// more than the MIP gap, the backend was wrong (big-M or scaling trouble): the better schedule
// is returned instead, "optimal" only when it meets the relaxation bound, and the message says so.
void check_against_relaxation(const lp::Model& m, const Options& o, lp::SolveResult& sr) {
  if (sr.status != lp::Status::optimal || m.num_integers() == 0) return;
  const auto solver_names = lp::available_solvers();
  if (std::find(solver_names.begin(), solver_names.end(), "clp") == solver_names.end()) return;
  lp::Model relaxed = m;
  for (std::int32_t j = 0; j < relaxed.num_vars(); ++j)
    if (relaxed.col_type()[static_cast<std::size_t>(j)] != lp::VarType::continuous)
      relaxed.set_var_type(j, lp::VarType::continuous);
  lp::SolveOptions so = o.solve;
  so.mip_start.clear();
  const auto lr = lp::solve(relaxed, "clp", so);
  if (lr.status != lp::Status::optimal || lr.x.size() != sr.x.size()) return;
  const double sign = m.sense() == lp::Sense::minimize ? 1.0 : -1.0;  // > 0: sr is worse by that much
  const double slack = std::max(o.solve.mip_gap, 1e-6) * std::max(1.0, std::abs(sr.objective)) + 1e-6;
  if (sign * (sr.objective - lr.objective) <= slack) return;  // within the gap of the bound: fine
  std::vector<double> candidate;
  bool proven = false;
  if (meets(m, lr.x, 1e-7)) {
    candidate = lr.x;
    proven = true;
  } else {
    lp::Model fixed = m;
    for (std::int32_t j = 0; j < fixed.num_vars(); ++j)
      if (fixed.col_type()[static_cast<std::size_t>(j)] != lp::VarType::continuous) {
        const double v = std::clamp(std::round(lr.x[static_cast<std::size_t>(j)]), fixed.col_lower()[static_cast<std::size_t>(j)],
                                    fixed.col_upper()[static_cast<std::size_t>(j)]);
        fixed.set_var_type(j, lp::VarType::continuous);
        fixed.set_var_bounds(j, v, v);
      }
    const auto fr = lp::solve(fixed, "clp", so);
    if (fr.status != lp::Status::optimal || !meets(m, fr.x, 1e-7)) return;
    candidate = fr.x;
    proven = sign * (objective_of(m, candidate) - lr.objective) <= slack;
  }
  const double z = objective_of(m, candidate);
  if (sign * (sr.objective - z) <= slack) return;  // the rounded schedule is no better
  sr.message = sr.solver + " reported optimal at " + fmt(sr.objective) + ", but " +
               (proven ? "the LP relaxation's optimum is integer-feasible at " : "a rounded LP-relaxation schedule costs ") +
               fmt(z) + " (relaxation bound " + fmt(lr.objective) + "): returned that schedule" +
               (proven ? " (optimal)" : " (feasible, not proven optimal)");
  sr.warnings.push_back(sr.message);
  sr.x = std::move(candidate);
  sr.objective = z;
  sr.best_bound = lr.objective;
  sr.gap = std::abs(z - lr.objective) / std::max(1e-10, std::abs(z));
  sr.row_activity.clear();
  sr.duals.clear();
  sr.reduced_costs.clear();
  sr.status = proven ? lp::Status::optimal : lp::Status::feasible;
}

lp::SolveResult run_solver(const lp::Model& m, const Options& o) {
  auto solver = lp::make_solver(o.solver);
  solver->load(m);
  lp::SolveResult sr = solver->solve(o.solve);
  if (o.relaxation_check && !o.relax_integers) check_against_relaxation(m, o, sr);
  return sr;
}

// Solves `m`; on infeasibility adds a diagnosis.
Result solve_model(const Prepared& p, const lp::Model& m, const Options& o, bool cost_objective) {
  const auto t0 = std::chrono::steady_clock::now();
  const auto sr = run_solver(m, o);
  const double solve_s = seconds_since(t0);
  Result r = make_result(*p.built, m, sr, o, cost_objective);
  r.solve_s = solve_s;
  if (!lp::has_solution(sr.status) && o.diagnose_infeasible &&
      (sr.status == lp::Status::infeasible || sr.status == lp::Status::infeasible_or_unbounded))
    r.diagnosis = diagnose(*p.built, m, o, p.hard_rows);
  return r;
}

// Every objective other than cost is met by how energy is supplied, never by serving less (less
// demand served raises the green share and cuts emissions): demand left unserved and load
// curtailed are kept at most at the cost optimum's amounts (any carrier: less cooling served would
// also cut chiller electricity).
void limit_shedding(Prepared& p, const Result& cost_optimum) {
  for (const char* key : {"energy.unserved_kwh", "energy.load_curtailed_kwh"}) {
    const auto it = cost_optimum.tallies.find(key);
    if (it == cost_optimum.tallies.end()) continue;
    add_tally_row(*p.built, p.base, key, -kInf, it->second * (1 + 1e-9) + 1e-6, key);
  }
}

}  // namespace detail

}  // namespace ehub::dispatch
