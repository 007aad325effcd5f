// Bus prices: LP duals, or for a MILP the duals of the LP with its integers fixed.
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

// Bus prices from the LP duals; for a MILP, from the LP with every integer fixed at its value.
void read_prices(const Built& B, const lp::Model& m, const lp::SolveResult& sr, const Options& o, Result& r) {
  std::vector<double> duals = sr.duals;
  if (duals.empty() && o.milp_prices && m.num_integers() > 0) {
    lp::Model fixed = m;
    for (std::int32_t j = 0; j < fixed.num_vars(); ++j)
      if (fixed.col_type()[static_cast<std::size_t>(j)] != lp::VarType::continuous) {
        const double v = std::round(sr.x[static_cast<std::size_t>(j)]);
        fixed.set_var_type(j, lp::VarType::continuous);
        fixed.set_var_bounds(j, v, v);
      }
    Options lo = o;
    lo.solver = "clp";
    const auto fr = run_solver(fixed, lo);
    if (fr.status == lp::Status::optimal && !fr.duals.empty()) {
      duals = fr.duals;
      r.prices_from_fixed_integers = true;
    }
  }
  if (duals.empty()) return;
  const auto& buses = B.sc->hub.buses();
  const auto n = static_cast<std::int32_t>(B.sc->grid.size());
  const double sign = m.sense() == lp::Sense::minimize ? 1.0 : -1.0;
  for (std::size_t k = 0; k < buses.size(); ++k) {
    BusPrice p{buses[k].name, std::vector<double>(static_cast<std::size_t>(n))};
    for (std::int32_t t = 0; t < n; ++t)
      p.per_kwh[static_cast<std::size_t>(t)] =
          sign * duals[static_cast<std::size_t>(B.balance_first_row[k] + t)] / B.sc->grid.step_hours();
    r.prices.push_back(std::move(p));
  }
}

}  // namespace detail

}  // namespace ehub::dispatch
