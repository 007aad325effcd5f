// Private: runs independent dispatch solves on several threads, one solver per thread
// (pareto()'s frontier points, solve_each()'s scenarios).
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <exception>
#include <string>
#include <thread>
#include <vector>

#include "ehub/dispatch/dispatch.hpp"
#include "ehub/lp/solver.hpp"

namespace ehub::dispatch::detail {

/// Threads to use for `jobs` independent solves with `o`: o.workers (0: one per core), at most
/// `jobs`, and 1 when the solves are MILPs (`milp`) of a backend that runs MILPs one at a time
/// per process (cbc).
inline int effective_workers(const Options& o, bool milp, std::size_t jobs) {
  int w = o.workers > 0 ? o.workers : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  w = static_cast<int>(std::min<std::size_t>(static_cast<std::size_t>(w), std::max<std::size_t>(jobs, 1)));
  if (milp && w > 1 && lp::solver_capabilities(o.solver).milp_one_at_a_time) w = 1;
  return w;
}

/// Calls fn(k) for k = 0 .. count-1 on `workers` threads (the calling thread is one of them);
/// every k runs once. After all have run, rethrows the exception of the smallest k that threw.
template <class Fn>
void for_each_index(std::size_t count, int workers, Fn fn) {
  if (workers <= 1 || count <= 1) {
    for (std::size_t k = 0; k < count; ++k) fn(k);
    return;
  }
  std::atomic<std::size_t> next{0};
  std::vector<std::exception_ptr> errors(count);
  auto work = [&] {
    for (std::size_t k; (k = next.fetch_add(1)) < count;) {
      try {
        fn(k);
      } catch (...) {
        errors[k] = std::current_exception();
      }
    }
  };
  std::vector<std::thread> pool;
  pool.reserve(static_cast<std::size_t>(workers) - 1);
  try {
    for (int t = 1; t < workers; ++t) pool.emplace_back(work);
  } catch (...) {  // no more threads: the ones started and this one do the work
  }
  work();
  for (auto& th : pool) th.join();
  for (const auto& e : errors)
    if (e) std::rethrow_exception(e);
}

}  // namespace ehub::dispatch::detail
