// solve_each(): a scenario sweep on several threads (parallel.hpp).
#include "ehub/dispatch/sweep.hpp"

#include <string>

#include "ehub/core/error.hpp"
#include "parallel.hpp"

namespace ehub::dispatch {

std::vector<Result> solve_each(const std::vector<const hub::Scenario*>& scenarios, const Options& options) {
  options.validate();
  for (std::size_t k = 0; k < scenarios.size(); ++k)
    if (!scenarios[k]) throw InputError("", "/scenarios/" + std::to_string(k), "is null");
  std::vector<Result> out(scenarios.size());
  // Integers relaxed: LPs, which every backend solves concurrently.
  const int workers = detail::effective_workers(options, !options.relax_integers, scenarios.size());
  detail::for_each_index(scenarios.size(), workers, [&](std::size_t k) { out[k] = solve(*scenarios[k], options); });
  return out;
}

std::vector<Result> solve_each(const std::vector<hub::Scenario>& scenarios, const Options& options) {
  std::vector<const hub::Scenario*> ptrs;
  ptrs.reserve(scenarios.size());
  for (const auto& s : scenarios) ptrs.push_back(&s);
  return solve_each(ptrs, options);
}

}  // namespace ehub::dispatch
