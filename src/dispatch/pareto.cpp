// The green-vs-cost frontier by the epsilon-constraint method (docs/objectives.md).
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
#include "parallel.hpp"

namespace ehub::dispatch {
namespace detail {

// A frontier point from a solve for green share >= target; NaN figures when there is no schedule.
ParetoPoint pareto_point(double target, Result r) {
  ParetoPoint pt;
  pt.status = r.status;
  pt.target_green_share = target;
  if (lp::has_solution(r.status)) {
    pt.green_share = r.kpis.green_share;
    pt.cost_total = r.kpis.cost_total;
    pt.emissions_kg = r.kpis.emissions_kg;
  } else {
    pt.green_share = pt.cost_total = pt.emissions_kg = std::numeric_limits<double>::quiet_NaN();
  }
  pt.result = std::move(r);
  return pt;
}

}  // namespace detail

using namespace detail;

std::vector<ParetoPoint> pareto(const hub::Scenario& sc, const Options& options, int points) {
  const Options o = with_scenario_constraints(sc, options);
  o.validate();
  if (points < 2) throw InputError("", "points", "must be >= 2, got " + std::to_string(points));
  Prepared p = prepare(sc, o, true);
  const Built& B = *p.built;
  std::vector<ParetoPoint> out;
  Result lo = solve_model(p, p.base, o, true);
  if (!lp::has_solution(lo.status)) {
    out.push_back(pareto_point(std::numeric_limits<double>::quiet_NaN(), std::move(lo)));
    return out;
  }
  limit_shedding(p, lo);
  GreenBest g = max_green(p, o);
  const double s_lo = lo.kpis.green_share;
  const double s_hi = g.ok ? std::max(g.share, s_lo) : s_lo;
  out.resize(static_cast<std::size_t>(points));
  out[0] = pareto_point(s_lo, lo);
  // The other points are independent solves: o.workers at a time, one solver each (parallel.hpp).
  const std::size_t rest = static_cast<std::size_t>(points) - 1;
  detail::for_each_index(rest, detail::effective_workers(o, p.base.num_integers() > 0, rest), [&](std::size_t i) {
    const int k = static_cast<int>(i) + 1;
    const double target = s_lo + (s_hi - s_lo) * k / (points - 1);
    lp::Model m = p.base;
    add_share_row(B, m, k == points - 1 ? std::max(0.0, target - 1e-9) : target);
    out[i + 1] = pareto_point(target, solve_model(p, m, o, true));
  });
  // In target order (each point's share is at least its target, so this is green-share order for
  // the points with a schedule; a point without one stays at its target's place).
  std::stable_sort(out.begin(), out.end(),
                   [](const ParetoPoint& a, const ParetoPoint& b) { return a.target_green_share < b.target_green_share; });
  return out;
}

}  // namespace ehub::dispatch
