// Objective cost: least total cost (energy, fuel, O&M, start-ups, demand charges, carbon cost).
#include "ehub/dispatch/dispatch.hpp"

#include <algorithm>
#include <cmath>

#include "model.hpp"

namespace ehub::dispatch::detail {

Result solve_cost(Prepared& p, const Options& o) { return solve_model(p, p.base, o, true); }

}  // namespace ehub::dispatch::detail
