// The solver interface of ehub: solver-neutral options and results, the Solver base class every
// backend implements, and the registry that creates backends by name ("glpk", "clp", "cbc",
// "highs" when its library is found at run time, or a user's own registered at run time).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ehub/export.hpp"
#include "ehub/lp/model.hpp"

namespace ehub::lp {

/// Outcome of a solve. Explicit numbers, append-only.
enum class Status : std::uint8_t {
  optimal = 0,                  ///< proven optimal (within the MIP gap for MILP)
  feasible = 1,                 ///< a limit was hit; the result carries an incumbent
  infeasible = 2,               ///< proven infeasible
  unbounded = 3,                ///< proven unbounded
  infeasible_or_unbounded = 4,  ///< one of the two, the backend cannot tell which
  time_limit = 5,               ///< the time limit was hit with no solution
  error = 6,                    ///< the backend stopped for another reason (see message)
};

/// "optimal", "feasible", "infeasible", "unbounded", "infeasible_or_unbounded", "time_limit", "error".
EHUB_EXPORT std::string_view to_string(Status s) noexcept;
/// Inverse of to_string; throws InputError on an unknown name.
EHUB_EXPORT Status status_from_string(std::string_view name);
/// True for optimal and feasible: the result carries primal values.
constexpr bool has_solution(Status s) noexcept { return s == Status::optimal || s == Status::feasible; }

/// Which LP algorithm to use where the backend offers a choice.
enum class LpAlgorithm : std::uint8_t { automatic = 0, primal_simplex = 1, dual_simplex = 2, interior_point = 3 };

/// Solver-neutral options; each backend maps what it can and logs a warning for what it cannot.
struct SolveOptions {
  double time_limit_s = kInf;         ///< wall-clock limit in seconds (> 0)
  double mip_gap = 1e-4;              ///< relative MIP gap at which to stop (>= 0)
  int threads = 1;                    ///< threads the backend may use (>= 1)
  bool presolve = true;               ///< let the backend presolve
  int verbosity = 0;                  ///< 0 silent, 1 summary, 2 progress, 3 everything
  LpAlgorithm lp_algorithm = LpAlgorithm::automatic;  ///< LP algorithm choice
  /// Receives each log line (no trailing newline) the backend writes at `verbosity` (none at 0).
  /// When unset, those lines go to stderr; backends never write to stdout.
  std::function<void(std::string_view line)> log_callback;
  /// Optional MIP start: one value per variable (integers are rounded by the backend).
  std::vector<double> mip_start;
  /// Backend-specific options by name ("cbc:cuts": "off", ...); unknown keys are a warning.
  std::map<std::string, std::string> backend_options;

  /// Throws InputError naming the bad field (e.g. "/time_limit_s: must be > 0, got -1").
  void validate() const;
};

/// Result of one solve.
struct SolveResult {
  Status status = Status::error;  ///< outcome
  double objective = 0.0;         ///< objective value incl. constant (valid when has_solution)
  double best_bound = 0.0;        ///< best proven bound (MILP; equals objective for LP)
  double gap = 0.0;               ///< relative gap |obj - bound| / max(1e-10, |obj|) (MILP)
  std::vector<double> x;          ///< primal values, one per variable (empty without solution)
  std::vector<double> row_activity;  ///< A x, one per row (empty without solution)
  std::vector<double> duals;      ///< row duals (LP only; empty for MILP)
  std::vector<double> reduced_costs;  ///< reduced costs (LP only; empty for MILP)
  std::int64_t iterations = 0;    ///< simplex / barrier iterations
  std::int64_t nodes = 0;         ///< branch-and-bound nodes (MILP)
  double seconds = 0.0;           ///< wall time of the solve call
  double handoff_seconds = 0.0;   ///< time spent converting the model into backend structures
  std::string solver;             ///< backend name
  std::string message;            ///< the backend's own status text
  std::vector<std::string> warnings;  ///< options the backend could not honour, etc.

  /// One line: "optimal obj=... (cbc, 0.12 s, 35 nodes)".
  std::string brief_report() const;
};

/// What a backend can do.
struct Capabilities {
  bool integers = false;    ///< solves models with integer variables
  bool duals = false;       ///< returns row duals and reduced costs for LPs
  bool warm_start = false;  ///< keeps its basis across modify-and-resolve
  bool mip_start = false;   ///< accepts SolveOptions::mip_start
  bool interior_point = false;  ///< offers LpAlgorithm::interior_point for LPs
  bool time_limit = false;      ///< honours SolveOptions::time_limit_s
  bool mip_gap = false;         ///< honours SolveOptions::mip_gap (MILP)
  bool threads = false;         ///< uses SolveOptions::threads > 1 inside one solve
  /// MILP solves of all instances in one process run one at a time (cbc: Cbc 2.10 keeps its
  /// parser state in process-wide globals), so parallel callers gain nothing from more threads.
  bool milp_one_at_a_time = false;
};

/// Whether a registered backend can create solvers in this process: a backend whose library is
/// loaded at run time ("highs") is registered with its capabilities but unavailable when the
/// library is missing or of an incompatible version; `reason` then says why and where ehub looked.
struct Availability {
  bool available = true;  ///< make_solver() can create this backend
  std::string reason;     ///< empty when available
};

/// Decides a backend's availability (may be slow the first time: it may search for a library).
using AvailabilityProbe = std::function<Availability()>;

/// A solver backend instance. Usage: load(model) once, solve(options), optionally change
/// objective coefficients / bounds through the set_* methods and solve again (warm-started where
/// the backend allows). One instance is used by one thread at a time; distinct instances may be
/// used concurrently.
class EHUB_EXPORT Solver {
 public:
  virtual ~Solver();
  /// Registry name of the backend.
  virtual std::string name() const = 0;
  /// What this backend can do.
  virtual Capabilities capabilities() const = 0;
  /// Copies `model` into the backend's own structures (replacing any model loaded before).
  /// Validates the model first; throws InputError on bad numbers and SolverError when the
  /// backend cannot handle the model (e.g. integers for an LP-only backend).
  virtual void load(const Model& model) = 0;
  /// Solves the loaded model. Throws SolverError if nothing is loaded.
  virtual SolveResult solve(const SolveOptions& options) = 0;
  /// Changes the objective coefficient of a loaded variable.
  virtual void set_objective_coefficient(std::int32_t var, double coef) = 0;
  /// Changes the bounds of a loaded variable.
  virtual void set_var_bounds(std::int32_t var, double lb, double ub) = 0;
  /// Changes the bounds of a loaded row.
  virtual void set_row_bounds(std::int32_t row, double lb, double ub) = 0;
};

/// Creates a fresh backend instance.
using SolverFactory = std::function<std::unique_ptr<Solver>()>;

/// Registers (or replaces) a backend under `name`. Thread-safe. Lets a user plug in a backend
/// (say a commercial solver) without rebuilding ehub.
EHUB_EXPORT void register_solver(std::string name, SolverFactory factory, Capabilities caps);
/// As above, for a backend that may be unavailable at run time: `probe` is asked by
/// solver_availability() / available_solvers() (outside the registry's lock).
EHUB_EXPORT void register_solver(std::string name, SolverFactory factory, Capabilities caps, AvailabilityProbe probe);
/// Removes a backend registered under `name`; returns whether one was there.
EHUB_EXPORT bool unregister_solver(std::string_view name);
/// Names of the registered backends that are available, sorted ("cbc", "clp", "highs" when its
/// library was found, "glpk" when ehub::glpk is linked and register_glpk_backend() was called,
/// plus users' own).
EHUB_EXPORT std::vector<std::string> available_solvers();
/// Names of all registered backends, available or not, sorted.
EHUB_EXPORT std::vector<std::string> registered_solvers();
/// Availability of a registered backend (see Availability); throws InputError for an unknown name.
EHUB_EXPORT Availability solver_availability(std::string_view name);
/// solver_availability(name).available; false for an unknown name.
EHUB_EXPORT bool is_available(std::string_view name);
/// Capabilities of a registered backend; throws InputError for an unknown name.
EHUB_EXPORT Capabilities solver_capabilities(std::string_view name);
/// A new instance of backend `name`; throws InputError listing the available names when unknown
/// and SolverError with the reason (and where ehub looked) when it is registered but unavailable.
EHUB_EXPORT std::unique_ptr<Solver> make_solver(std::string_view name);
/// Registers the built-in backends that live in the core library (clp, cbc, and highs, which
/// loads libhighs at run time; see ehub/lp/highs.hpp). Called on first use of the registry;
/// calling it again is harmless.
EHUB_EXPORT void register_builtin_backends();

/// Convenience: make_solver(solver), load(model), solve(options).
EHUB_EXPORT SolveResult solve(const Model& model, std::string_view solver = "cbc",
                              const SolveOptions& options = {});

}  // namespace ehub::lp
