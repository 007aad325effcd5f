// The "clp" backend: COIN-OR Clp for LPs (primal/dual simplex or barrier), warm-started from its
// basis after set_* changes; and the Clp LP routine the "cbc" backend reuses for LPs.
//
// Sign conventions (also those of glpk and of cbc for LPs): duals[i] = d objective / d rhs_i and
// reduced_costs[j] = d objective / d x_j along the bound x_j is held at, both for the model's own
// sense. So for a minimisation a binding `<=` row has dual <= 0 and a binding `>=` row dual >= 0;
// for a maximisation the signs flip. Clp reports exactly these numbers (it applies the
// optimisation direction itself), so they are passed through unchanged.
#include <ClpSimplex.hpp>
#include <ClpSolve.hpp>
#include <CoinFinite.hpp>

#include <cmath>
#include <limits>
#include <memory>
#include <string>

#include "backend_clp.hpp"
#include "backend_common.hpp"

namespace ehub::lp::detail {

namespace {

int clp_log_level(int verbosity) { return verbosity <= 0 ? 0 : verbosity == 1 ? 1 : verbosity == 2 ? 2 : 3; }

double parse_double(const std::string& backend, const std::string& key, const std::string& value) {
  try {
    std::size_t used = 0;
    const double v = std::stod(value, &used);
    if (used == value.size() && std::isfinite(v)) return v;
  } catch (const std::exception&) {
  }
  throw InputError("", "/backend_options/" + backend + ":" + key, "expects a number, got '" + value + "'");
}

int parse_int(const std::string& backend, const std::string& key, const std::string& value) {
  const double v = parse_double(backend, key, value);
  if (v != std::floor(v) || std::abs(v) > std::numeric_limits<int>::max())
    throw InputError("", "/backend_options/" + backend + ":" + key, "expects an integer, got '" + value + "'");
  return static_cast<int>(v);
}

// Applies "<backend>:max_iterations|primal_tolerance|dual_tolerance|perturbation|scaling".
void apply_clp_options(ClpSimplex& clp, const SolveOptions& options, const ClpLpState& st, const char* backend,
                       SolveResult& r) {
  clp.setPrimalTolerance(st.primal_tolerance);
  clp.setDualTolerance(st.dual_tolerance);
  clp.setPerturbation(st.perturbation);
  clp.scaling(st.scaling);
  clp.setMaximumIterations(std::numeric_limits<int>::max());
  const std::string b = backend;
  for (const auto& [key, value] : backend_options_for(options, backend, r.warnings)) {
    if (key == "max_iterations") clp.setMaximumIterations(parse_int(b, key, value));
    else if (key == "primal_tolerance") clp.setPrimalTolerance(parse_double(b, key, value));
    else if (key == "dual_tolerance") clp.setDualTolerance(parse_double(b, key, value));
    else if (key == "perturbation") clp.setPerturbation(parse_int(b, key, value));
    else if (key == "scaling") clp.scaling(parse_int(b, key, value));
    else if (b != "cbc")  // cbc passes its other keys to Cbc's own parser (MILP only)
      r.warnings.push_back("unknown backend option '" + b + ":" + key + "' ignored (known: max_iterations, "
                           "primal_tolerance, dual_tolerance, perturbation, scaling)");
  }
}

// Is the LP in `clp` primal feasible? Solves a copy with a zero objective (used when Clp reports
// dual infeasibility without a primal feasible point, to tell unbounded from infeasible).
// Returns 1 feasible, 0 infeasible, -1 undecided.
int clp_feasibility(const ClpSimplex& clp) {
  ClpSimplex copy(clp);
  const int n = copy.numberColumns();
  double* obj = copy.objective();
  for (int j = 0; j < n; ++j) obj[j] = 0.0;
  copy.setLogLevel(0);
  ClpSolve s;
  s.setPresolveType(ClpSolve::presolveOff);
  s.setSolveType(ClpSolve::useDual);
  copy.initialSolve(s);
  return copy.status() == 0 ? 1 : copy.status() == 1 ? 0 : -1;
}

// Clp 1.17 can call an LP infeasible that is feasible (netlib gas11, which is unbounded: the
// objective swamps the composite big-M phase 1 at every scaling but none). A solve of a copy with a
// zero objective checks the claim; when it finds a feasible basis, the original is re-solved from
// it with the primal simplex, which then stays feasible. Returns 0 when infeasibility is
// confirmed, 1 when `clp` was re-solved (read its status again), -1 when undecided. Adds the
// iterations spent to `iterations`.
int recheck_infeasible(ClpSimplex& clp, std::int64_t& iterations) {
  ClpSimplex copy(clp);
  const int n = copy.numberColumns();
  double* obj = copy.objective();
  for (int j = 0; j < n; ++j) obj[j] = 0.0;
  ClpSolve s;
  s.setPresolveType(ClpSolve::presolveOff);
  s.setSolveType(ClpSolve::useDual);
  copy.initialSolve(s);
  iterations += copy.numberIterations();
  if (copy.status() == 1) return 0;
  if (copy.status() != 0) return -1;
  clp.copyinStatus(copy.statusArray());
  clp.primal(0);
  iterations += clp.numberIterations();
  return 1;
}

}  // namespace

void remember_clp_defaults(const ClpSimplex& clp, ClpLpState& state) {
  state.primal_tolerance = clp.primalTolerance();
  state.dual_tolerance = clp.dualTolerance();
  state.perturbation = clp.perturbation();
  state.scaling = clp.scalingFlag();
}

void solve_lp_with_clp(ClpSimplex& clp, ForwardingHandler& handler, const SolveOptions& options, ClpLpState& state,
                       double obj_constant, const char* backend, LogSink& sink, SolveResult& r) {
  SinkScope scope(handler, sink);
  clp.passInMessageHandler(&handler);
  clp.setLogLevel(clp_log_level(options.verbosity));
  apply_clp_options(clp, options, state, backend, r);
  r.handoff_seconds += state.pending_handoff_s;
  state.pending_handoff_s = 0.0;

  // Wall-clock limit, counted from here; the CPU-time limit stays off.
  clp.setMaximumSeconds(-1.0);
  clp.setMaximumWallSeconds(std::isfinite(options.time_limit_s) ? options.time_limit_s : -1.0);

  const bool warm = state.has_basis && options.lp_algorithm != LpAlgorithm::interior_point;
  if (warm) {
    // Primal simplex keeps primal feasibility when only costs changed; dual simplex keeps dual
    // feasibility when only bounds changed (the usual re-solve in a rolling horizon).
    const bool use_primal = options.lp_algorithm == LpAlgorithm::primal_simplex ||
                            (options.lp_algorithm == LpAlgorithm::automatic && state.obj_changed &&
                             !state.bounds_changed);
    if (use_primal) clp.primal(0);
    else clp.dual(0);
    if (options.presolve && (state.obj_changed || state.bounds_changed) && options.verbosity > 0)
      sink.write("ehub: warm start from the previous basis; presolve skipped\n");
  } else {
    ClpSolve how;
    how.setPresolveType(options.presolve ? ClpSolve::presolveOn : ClpSolve::presolveOff);
    switch (options.lp_algorithm) {
      case LpAlgorithm::primal_simplex: how.setSolveType(ClpSolve::usePrimal); break;
      case LpAlgorithm::dual_simplex: how.setSolveType(ClpSolve::useDual); break;
      case LpAlgorithm::interior_point: how.setSolveType(ClpSolve::useBarrier); break;
      case LpAlgorithm::automatic: how.setSolveType(ClpSolve::automatic); break;
    }
    clp.initialSolve(how);
    if (options.lp_algorithm == LpAlgorithm::interior_point && clp.status() == 0) {
      // Clp 1.17's barrier + crossover can call an unbounded LP optimal (tests: UnboundedMax).
      // Primal simplex from the crossover basis confirms an optimum in zero iterations and
      // detects the unbounded ray otherwise.
      const int barrier_iterations = clp.numberIterations();
      clp.primal(0);
      clp.setNumberIterations(barrier_iterations + clp.numberIterations());
    }
  }
  state.obj_changed = state.bounds_changed = false;
  if (options.threads > 1)
    r.warnings.push_back(std::string(backend) + ": Clp solves LPs on one thread; threads = " +
                         std::to_string(options.threads) + " ignored");

  r.iterations = clp.numberIterations();
  int status = clp.status();
  if (status == 1) {
    const int check = recheck_infeasible(clp, r.iterations);
    if (check == 1) {
      r.warnings.push_back(std::string(backend) + ": Clp called the LP infeasible but a zero-objective solve found "
                           "a feasible point; re-solved from it");
      status = clp.status();
    } else if (check == -1) {
      r.warnings.push_back(std::string(backend) + ": Clp called the LP infeasible; a zero-objective check was "
                           "inconclusive");
    }
  }
  const int secondary = clp.secondaryStatus();
  state.has_basis = status >= 0 && status <= 3;
  bool carry_solution = false, carry_duals = false;
  switch (status) {
    case 0:
      r.status = Status::optimal;
      r.message = "Clp: optimal";
      if (secondary >= 2 && secondary <= 4)
        r.warnings.push_back("Clp: the scaled problem is optimal but the unscaled one has small infeasibilities");
      carry_solution = carry_duals = true;
      break;
    case 1:
      r.status = Status::infeasible;
      r.message = "Clp: primal infeasible";
      break;
    case 2:
      if (clp.primalFeasible()) {
        r.status = Status::unbounded;
        r.message = "Clp: dual infeasible at a primal feasible point (unbounded)";
      } else {
        const int f = clp_feasibility(clp);
        r.status = f == 1 ? Status::unbounded : f == 0 ? Status::infeasible : Status::infeasible_or_unbounded;
        r.message = "Clp: dual infeasible; a zero-objective solve found the model " +
                    std::string(f == 1 ? "feasible (unbounded)" : f == 0 ? "infeasible" : "undecided");
      }
      break;
    case 3: {
      const bool on_time = clp.numberIterations() < clp.maximumIterations();
      if (clp.primalFeasible() && clp.numberIterations() > 0) {
        r.status = Status::feasible;
        carry_solution = true;
      } else {
        r.status = on_time ? Status::time_limit : Status::error;
      }
      r.message = on_time ? "Clp: stopped on the time limit" : "Clp: stopped on the iteration limit";
      break;
    }
    case 4:
      r.status = Status::error;
      r.message = "Clp: stopped on numerical difficulties (secondary status " + std::to_string(secondary) + ")";
      break;
    default:
      r.status = Status::error;
      r.message = "Clp: status " + std::to_string(status) + ", secondary status " + std::to_string(secondary);
      break;
  }
  if (carry_solution) {
    const auto n = static_cast<std::size_t>(clp.numberColumns());
    const auto m = static_cast<std::size_t>(clp.numberRows());
    const double* x = clp.primalColumnSolution();
    const double* act = clp.primalRowSolution();
    r.x.assign(x, x + n);
    r.row_activity.assign(act, act + m);
    r.objective = clp.objectiveValue() + obj_constant;
    r.best_bound = r.objective;
    r.gap = 0.0;
    if (carry_duals) {
      const double* y = clp.dualRowSolution();
      const double* d = clp.dualColumnSolution();
      r.duals.assign(y, y + m);
      r.reduced_costs.assign(d, d + n);
    }
  }
}

namespace {

/// The "clp" backend. See the file comment.
class ClpBackend final : public Solver {
 public:
  std::string name() const override { return "clp"; }
  Capabilities capabilities() const override { return kClpCapabilities; }

  void load(const Model& model) override {
    model.validate();
    if (const std::int32_t k = model.num_integers(); k > 0)
      throw SolverError("clp", "clp solves LPs only; the model has " + std::to_string(k) +
                                   " integer variables: use cbc or glpk");
    const Stopwatch sw;
    const CscMatrix a = to_csc(model, "clp");
    const std::vector<double> col_lb = backend_bounds(model.col_lower()), col_ub = backend_bounds(model.col_upper());
    const std::vector<double> row_lb = backend_bounds(model.row_lower()), row_ub = backend_bounds(model.row_upper());
    auto clp = std::make_unique<ClpSimplex>();
    clp->passInMessageHandler(&handler_);
    clp->setLogLevel(0);
    clp->loadProblem(model.num_vars(), model.num_rows(), a.start.data(), a.index.data(), a.value.data(),
                     col_lb.data(), col_ub.data(), model.objective().data(), row_lb.data(), row_ub.data());
    clp->setOptimizationDirection(model.sense() == Sense::maximize ? -1.0 : 1.0);
    clp_ = std::move(clp);
    state_ = ClpLpState{};
    remember_clp_defaults(*clp_, state_);
    state_.pending_handoff_s = sw.seconds();
    obj_constant_ = model.obj_constant();
    num_vars_ = model.num_vars();
    num_rows_ = model.num_rows();
  }

  SolveResult solve(const SolveOptions& options) override {
    const Stopwatch sw;
    if (!clp_) throw SolverError("clp", "solve() called before load()");
    check_options(options, num_vars_);
    SolveResult r;
    r.solver = "clp";
    LogSink sink(options);
    if (!options.mip_start.empty()) r.warnings.push_back("clp: mip_start ignored (LP)");
    solve_lp_with_clp(*clp_, handler_, options, state_, obj_constant_, "clp", sink, r);
    sink.rethrow_if_failed();
    r.seconds = sw.seconds();
    return r;
  }

  void set_objective_coefficient(std::int32_t var, double coef) override {
    require_loaded();
    check_objective_call(var, num_vars_, coef);
    clp_->setObjectiveCoefficient(var, coef);
    state_.obj_changed = true;
  }

  void set_var_bounds(std::int32_t var, double lb, double ub) override {
    require_loaded();
    check_var_bounds_call(var, num_vars_, lb, ub);
    clp_->setColumnBounds(var, backend_bound(lb), backend_bound(ub));
    state_.bounds_changed = true;
  }

  void set_row_bounds(std::int32_t row, double lb, double ub) override {
    require_loaded();
    check_row_bounds_call(row, num_rows_, lb, ub);
    clp_->setRowBounds(row, backend_bound(lb), backend_bound(ub));
    state_.bounds_changed = true;
  }

 private:
  void require_loaded() const {
    if (!clp_) throw SolverError("clp", "no model loaded: call load() first");
  }

  ForwardingHandler handler_;  // declared first: outlives clp_, which points to it
  std::unique_ptr<ClpSimplex> clp_;
  ClpLpState state_;
  double obj_constant_ = 0.0;
  std::int32_t num_vars_ = 0, num_rows_ = 0;
};

}  // namespace

std::unique_ptr<Solver> make_clp_backend() { return std::make_unique<ClpBackend>(); }

}  // namespace ehub::lp::detail
