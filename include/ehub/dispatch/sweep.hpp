// A scenario sweep: many scenarios dispatched with the same options, several at once (one solver
// per thread), e.g. the same park under different prices, weather years or device sizes.
#pragma once

#include <vector>

#include "ehub/dispatch/dispatch.hpp"
#include "ehub/export.hpp"
#include "ehub/hub/scenario.hpp"

namespace ehub::dispatch {

/// Dispatches every scenario with `options` (as solve() does each), options.workers at a time
/// (0: one per core), each on its own thread with its own solver; the results are in the order
/// of `scenarios`, each the same as solve() alone would give. A backend whose MILPs run one at a
/// time per process (cbc) solves MILPs one after the other. When dispatches throw, all others
/// still run and the exception of the first scenario (in order) that threw is rethrown.
EHUB_EXPORT std::vector<Result> solve_each(const std::vector<hub::Scenario>& scenarios, const Options& options);
/// As above, for scenarios held elsewhere (none may be null: InputError naming its index).
EHUB_EXPORT std::vector<Result> solve_each(const std::vector<const hub::Scenario*>& scenarios, const Options& options);

}  // namespace ehub::dispatch
