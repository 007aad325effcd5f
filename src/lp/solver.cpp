// The solver-neutral part of ehub::lp: status names, option validation, result reports and the
// thread-safe registry of backends (built-ins registered lazily on first use, no static
// initialisers that a static link could drop).
#include "ehub/lp/solver.hpp"

#include <array>
#include <cmath>
#include <cstdio>
#include <mutex>
#include <utility>

#include "backend_common.hpp"
#include "ehub/core/error.hpp"

namespace ehub::lp {

namespace {
constexpr std::array<std::string_view, 7> kStatusNames = {
    "optimal", "feasible", "infeasible", "unbounded", "infeasible_or_unbounded", "time_limit", "error"};
}  // namespace

std::string_view to_string(Status s) noexcept {
  const auto k = static_cast<std::size_t>(s);
  return k < kStatusNames.size() ? kStatusNames[k] : std::string_view("error");
}

Status status_from_string(std::string_view name) {
  for (std::size_t k = 0; k < kStatusNames.size(); ++k)
    if (kStatusNames[k] == name) return static_cast<Status>(k);
  std::string known;
  for (auto n : kStatusNames) known.append(known.empty() ? "" : ", ").append(n);
  throw InputError("", "", "unknown solve status '" + std::string(name) + "' (known: " + known + ")");
}

void SolveOptions::validate() const {
  using detail::fmt_num;
  if (std::isnan(time_limit_s) || time_limit_s <= 0.0)
    throw InputError("", "/time_limit_s", "must be > 0 (lp::kInf for none), got " + fmt_num(time_limit_s));
  if (!std::isfinite(mip_gap) || mip_gap < 0.0)
    throw InputError("", "/mip_gap", "must be finite and >= 0, got " + fmt_num(mip_gap));
  if (threads < 1) throw InputError("", "/threads", "must be >= 1, got " + std::to_string(threads));
  if (verbosity < 0 || verbosity > 3)
    throw InputError("", "/verbosity", "must be in [0, 3], got " + std::to_string(verbosity));
  switch (lp_algorithm) {
    case LpAlgorithm::automatic:
    case LpAlgorithm::primal_simplex:
    case LpAlgorithm::dual_simplex:
    case LpAlgorithm::interior_point: break;
    default:
      throw InputError("", "/lp_algorithm",
                       "unknown value " + std::to_string(static_cast<int>(lp_algorithm)));
  }
  for (std::size_t j = 0; j < mip_start.size(); ++j)
    if (!std::isfinite(mip_start[j]))
      throw InputError("", "/mip_start/" + std::to_string(j), "must be finite, got " + fmt_num(mip_start[j]));
  for (const auto& [key, value] : backend_options)
    if (key.empty()) throw InputError("", "/backend_options", "empty option name");
}

std::string SolveResult::brief_report() const {
  std::string s(to_string(status));
  if (has_solution(status)) {
    s += " obj=" + detail::fmt_num(objective);
    if (status == Status::feasible || gap > 0.0)
      s += " bound=" + detail::fmt_num(best_bound) + " gap=" + detail::fmt_num(100.0 * gap) + "%";
  }
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.3g s", seconds);
  s += " (" + (solver.empty() ? std::string("?") : solver) + ", " + buf;
  if (nodes > 0) s += ", " + std::to_string(nodes) + (nodes == 1 ? " node" : " nodes");
  else if (iterations > 0) s += ", " + std::to_string(iterations) + (iterations == 1 ? " iteration" : " iterations");
  s += ")";
  return s;
}

Solver::~Solver() = default;

// ---- registry ---------------------------------------------------------------------------------

namespace {

struct Entry {
  SolverFactory factory;
  Capabilities caps;
  AvailabilityProbe probe;  // empty: always available
};

struct Registry {
  std::mutex mutex;
  std::map<std::string, Entry, std::less<>> entries;
};

// A function-local static: constructed on first use, so a static link cannot drop it and there is
// no initialisation-order dependence between translation units.
Registry& raw_registry() {
  static Registry r;
  return r;
}

void add_builtins_locked(Registry& r) {
  // Built-ins never replace a backend a user registered under the same name first.
  r.entries.try_emplace("clp", Entry{&detail::make_clp_backend, detail::kClpCapabilities, {}});
  r.entries.try_emplace("cbc", Entry{&detail::make_cbc_backend, detail::kCbcCapabilities, {}});
  r.entries.try_emplace("highs", Entry{&detail::make_highs_backend, detail::kHighsCapabilities,
                                       &detail::highs_availability});
}

// The registry with the built-ins present; locks nothing itself.
Registry& registry() {
  static std::once_flag once;
  Registry& r = raw_registry();
  std::call_once(once, [&r] {
    std::lock_guard lock(r.mutex);
    add_builtins_locked(r);
  });
  return r;
}

std::string names_locked(const Registry& r) {
  std::string s;
  for (const auto& [name, e] : r.entries) s.append(s.empty() ? "" : ", ").append(name);
  return s.empty() ? std::string("none") : s;
}

}  // namespace

void register_builtin_backends() {
  Registry& r = registry();  // adds them on first use
  std::lock_guard lock(r.mutex);
  add_builtins_locked(r);
}

void register_solver(std::string name, SolverFactory factory, Capabilities caps) {
  if (name.empty()) throw InputError("", "", "register_solver: empty backend name");
  if (!factory) throw InputError("", "", "register_solver: backend '" + name + "' has an empty factory");
  Registry& r = registry();
  std::lock_guard lock(r.mutex);
  r.entries.insert_or_assign(std::move(name), Entry{std::move(factory), caps, {}});
}

void register_solver(std::string name, SolverFactory factory, Capabilities caps, AvailabilityProbe probe) {
  if (name.empty()) throw InputError("", "", "register_solver: empty backend name");
  if (!factory) throw InputError("", "", "register_solver: backend '" + name + "' has an empty factory");
  Registry& r = registry();
  std::lock_guard lock(r.mutex);
  r.entries.insert_or_assign(std::move(name), Entry{std::move(factory), caps, std::move(probe)});
}

bool unregister_solver(std::string_view name) {
  Registry& r = registry();
  std::lock_guard lock(r.mutex);
  const auto it = r.entries.find(name);
  if (it == r.entries.end()) return false;
  r.entries.erase(it);
  return true;
}

std::vector<std::string> registered_solvers() {
  Registry& r = registry();
  std::lock_guard lock(r.mutex);
  std::vector<std::string> names;
  names.reserve(r.entries.size());
  for (const auto& [name, e] : r.entries) names.push_back(name);
  return names;  // std::map keeps them sorted
}

std::vector<std::string> available_solvers() {
  std::vector<std::pair<std::string, AvailabilityProbe>> all;
  {
    Registry& r = registry();
    std::lock_guard lock(r.mutex);
    for (const auto& [name, e] : r.entries) all.emplace_back(name, e.probe);
  }
  std::vector<std::string> names;
  for (auto& [name, probe] : all)  // probes run outside the lock (they may search for a library)
    if (!probe || probe().available) names.push_back(std::move(name));
  return names;
}

Availability solver_availability(std::string_view name) {
  AvailabilityProbe probe;
  {
    Registry& r = registry();
    std::lock_guard lock(r.mutex);
    const auto it = r.entries.find(name);
    if (it == r.entries.end())
      throw InputError("", "", "unknown solver '" + std::string(name) + "' (available: " + names_locked(r) + ")");
    probe = it->second.probe;
  }
  return probe ? probe() : Availability{};
}

bool is_available(std::string_view name) {
  try {
    return solver_availability(name).available;
  } catch (const InputError&) {
    return false;
  }
}

Capabilities solver_capabilities(std::string_view name) {
  Registry& r = registry();
  std::lock_guard lock(r.mutex);
  const auto it = r.entries.find(name);
  if (it == r.entries.end())
    throw InputError("", "", "unknown solver '" + std::string(name) + "' (available: " + names_locked(r) + ")");
  return it->second.caps;
}

std::unique_ptr<Solver> make_solver(std::string_view name) {
  SolverFactory factory;
  AvailabilityProbe probe;
  {
    Registry& r = registry();
    std::lock_guard lock(r.mutex);
    const auto it = r.entries.find(name);
    if (it == r.entries.end())
      throw InputError("", "", "unknown solver '" + std::string(name) + "' (available: " + names_locked(r) + ")");
    factory = it->second.factory;  // copied so a factory may itself use the registry
    probe = it->second.probe;
  }
  if (probe) {
    Availability a = probe();
    if (!a.available) throw SolverError(std::string(name), std::move(a.reason));
  }
  std::unique_ptr<Solver> s = factory();
  if (!s) throw SolverError(std::string(name), "the registered factory returned no solver");
  return s;
}

SolveResult solve(const Model& model, std::string_view solver, const SolveOptions& options) {
  options.validate();
  std::unique_ptr<Solver> s = make_solver(solver);
  s->load(model);
  return s->solve(options);
}

}  // namespace ehub::lp
