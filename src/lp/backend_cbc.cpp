// The "cbc" backend: COIN-OR Cbc for MILPs, driven through CbcMain0/CbcMain1 exactly as the cbc
// program is, so Cbc's standard preprocessing, cuts and heuristics are on. Models without integer
// variables are solved by Clp directly (same code as the "clp" backend: duals, warm basis).
//
// Thread safety. Cbc 2.10's CbcMain1 keeps its command-line parser state in process-wide
// globals (CbcOrClpRead_mode and friends; coin-or/Cbc#332), and Debian builds it without
// CBC_THREAD_SAFE. So MILP solves of all "cbc" instances in one process run one at a time under a
// process-wide mutex; a thread waiting for it spends its own time limit while waiting (the wait
// counts as solve time). LPs (solved by Clp) run concurrently. Cbc's own parallel tree search
// (SolveOptions::threads > 1) works inside one solve.
//
// Warm start. The loaded OsiClpSolverInterface keeps the model across solves; set_* change it.
// For an LP the Clp basis is kept. For a MILP the previous solution is offered to Cbc as a MIP
// start (Cbc checks it, keeps its integer values and re-solves the continuous part), unless
// SolveOptions::mip_start gives one.
#include <CbcModel.hpp>
#include <CbcSolver.hpp>
#include <CoinPackedMatrix.hpp>
#include <OsiClpSolverInterface.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "backend_clp.hpp"
#include "backend_common.hpp"

namespace ehub::lp::detail {

namespace {

// Serialises CbcMain1 calls (see the file comment). A function-local static: no static
// initialiser in the library.
std::timed_mutex& cbc_main_mutex() {
  static std::timed_mutex m;
  return m;
}

int cbc_ignore_callback(CbcModel*, int) { return 0; }

// What one CbcMain1 run produced.
struct CbcOutcome {
  int status = -1;      // CbcModel::status(): 0 finished, 1 stopped on a limit, 2 numerical, 5 user
  int secondary = -1;   // CbcModel::secondaryStatus()
  bool proven_optimal = false, proven_infeasible = false, relaxation_unbounded = false;
  std::vector<double> x;  // best solution (original columns), empty when none
  double bound = 0.0;
  std::int64_t nodes = 0, iterations = 0;
};

// Runs CbcMain1 on a copy of `base` with the given arguments (without the program name and the
// final "-solve -quit"). The caller holds cbc_main_mutex().
CbcOutcome run_cbc_main(const OsiClpSolverInterface& base, ForwardingHandler& handler,
                        const std::vector<std::string>& args, const std::vector<double>* start) {
  CbcModel model(base);
  model.passInMessageHandler(&handler);
  model.solver()->passInMessageHandler(&handler);
  CbcSolverUsefulData data;
  CbcMain0(model, data);
  if (start) {
    std::vector<std::pair<std::string, double>> named;
    named.reserve(start->size());
    for (int j = 0; j < base.getNumCols(); ++j) named.emplace_back(base.getColName(j), (*start)[static_cast<std::size_t>(j)]);
    model.setMIPStart(named);
  }
  std::vector<const char*> argv;
  argv.reserve(args.size() + 3);
  argv.push_back("ehub");
  for (const auto& a : args) argv.push_back(a.c_str());
  argv.push_back("-solve");
  argv.push_back("-quit");
  CbcMain1(static_cast<int>(argv.size()), argv.data(), model, cbc_ignore_callback, data);

  CbcOutcome o;
  o.status = model.status();
  o.secondary = model.secondaryStatus();
  o.proven_optimal = model.isProvenOptimal();
  o.proven_infeasible = model.isProvenInfeasible();
  o.relaxation_unbounded = model.isContinuousUnbounded() || o.secondary == 7;
  const int n = base.getNumCols();
  if (const double* best = model.bestSolution(); best && model.getNumCols() == n)
    o.x.assign(best, best + n);
  o.bound = model.getBestPossibleObjValue();
  o.nodes = model.getNodeCount();
  o.iterations = model.getIterationCount();
  return o;
}

/// The "cbc" backend. See the file comment.
class CbcBackend final : public Solver {
 public:
  std::string name() const override { return "cbc"; }
  Capabilities capabilities() const override { return kCbcCapabilities; }

  void load(const Model& model) override {
    model.validate();
    const Stopwatch sw;
    const CscMatrix a = to_csc(model, "cbc");
    const std::vector<double> col_lb = backend_bounds(model.col_lower()), col_ub = backend_bounds(model.col_upper());
    const std::vector<double> row_lb = backend_bounds(model.row_lower()), row_ub = backend_bounds(model.row_upper());
    auto osi = std::make_unique<OsiClpSolverInterface>();
    osi->passInMessageHandler(&handler_);
    osi->messageHandler()->setLogLevel(0);
    osi->loadProblem(model.num_vars(), model.num_rows(), a.start.data(), a.index.data(), a.value.data(),
                     col_lb.data(), col_ub.data(), model.objective().data(), row_lb.data(), row_ub.data());
    osi->setObjSense(model.sense() == Sense::maximize ? -1.0 : 1.0);
    std::vector<int> ints;
    const auto types = model.col_type();
    for (std::int32_t j = 0; j < model.num_vars(); ++j)
      if (types[static_cast<std::size_t>(j)] != VarType::continuous) ints.push_back(j);
    if (!ints.empty()) osi->setInteger(ints.data(), static_cast<int>(ints.size()));
    osi_ = std::move(osi);
    is_mip_ = !ints.empty();
    types_.assign(types.begin(), types.end());
    lp_state_ = ClpLpState{};
    remember_clp_defaults(*osi_->getModelPtr(), lp_state_);
    lp_state_.pending_handoff_s = sw.seconds();
    last_solution_.clear();
    obj_constant_ = model.obj_constant();
    num_vars_ = model.num_vars();
    num_rows_ = model.num_rows();
  }

  SolveResult solve(const SolveOptions& options) override {
    const Stopwatch sw;
    if (!osi_) throw SolverError("cbc", "solve() called before load()");
    check_options(options, num_vars_);
    SolveResult r;
    r.solver = "cbc";
    LogSink sink(options);
    if (is_mip_) {
      solve_mip(options, sw, sink, r);
    } else {
      if (!options.mip_start.empty()) r.warnings.push_back("cbc: the model has no integer variables; mip_start ignored");
      solve_lp_with_clp(*osi_->getModelPtr(), handler_, options, lp_state_, obj_constant_, "cbc", sink, r);
    }
    sink.rethrow_if_failed();
    r.seconds = sw.seconds();
    return r;
  }

  void set_objective_coefficient(std::int32_t var, double coef) override {
    require_loaded();
    check_objective_call(var, num_vars_, coef);
    osi_->setObjCoeff(var, coef);
    lp_state_.obj_changed = true;
  }

  void set_var_bounds(std::int32_t var, double lb, double ub) override {
    require_loaded();
    check_var_bounds_call(var, num_vars_, lb, ub);
    osi_->setColBounds(var, backend_bound(lb), backend_bound(ub));
    lp_state_.bounds_changed = true;
  }

  void set_row_bounds(std::int32_t row, double lb, double ub) override {
    require_loaded();
    check_row_bounds_call(row, num_rows_, lb, ub);
    osi_->setRowBounds(row, backend_bound(lb), backend_bound(ub));
    lp_state_.bounds_changed = true;
  }

 private:
  void require_loaded() const {
    if (!osi_) throw SolverError("cbc", "no model loaded: call load() first");
  }

  // Cbc command-line arguments for `options` with `seconds` left.
  std::vector<std::string> cbc_args(const SolveOptions& options, double seconds, SolveResult& r) const {
    // Cbc's log level is capped at 1: above it, the small branch-and-bounds inside Cbc's
    // heuristics preprocess with a CglPreProcess whose default message handler prints to stdout,
    // bypassing ours. Level 1 already reports progress, cuts, heuristics and the result.
    const int v = std::min(options.verbosity, 1);
    std::vector<std::string> a = {"-log", std::to_string(v), "-slog", "0", "-timeMode", "elapsed"};
    if (std::isfinite(seconds)) {
      a.insert(a.end(), {"-sec", fmt_num(std::max(seconds, 1e-3))});
    }
    a.insert(a.end(), {"-ratioGap", fmt_num(options.mip_gap)});
    if (options.threads > 1) a.insert(a.end(), {"-threads", std::to_string(options.threads)});
    if (!options.presolve) a.insert(a.end(), {"-preprocess", "off", "-presolve", "off"});
    // Any other "cbc:<name>" option is handed to Cbc's own parser as "-<name> <value>", so every
    // parameter of the cbc program is available ("cbc:cuts": "off", "cbc:maxNodes": "100").
    for (const auto& [key, value] : backend_options_for(options, "cbc", r.warnings)) {
      a.push_back("-" + key);
      if (!value.empty()) a.push_back(value);
    }
    return a;
  }

  // "" when `x` satisfies every row, bound and integrality of the loaded model within Cbc's own
  // tolerances (scaled by the size of the row's terms), else what it breaks first.
  std::string violation(const std::vector<double>& x) const {
    const int n = osi_->getNumCols(), m = osi_->getNumRows();
    const double* cl = osi_->getColLower();
    const double* cu = osi_->getColUpper();
    for (int j = 0; j < n; ++j) {
      const double v = x[static_cast<std::size_t>(j)];
      if (v < cl[j] - 1e-6 * std::max(1.0, std::abs(cl[j])) || v > cu[j] + 1e-6 * std::max(1.0, std::abs(cu[j])))
        return "column " + std::to_string(j) + " = " + fmt_num(v) + " outside [" + fmt_num(cl[j]) + ", " + fmt_num(cu[j]) + "]";
      if (types_[static_cast<std::size_t>(j)] != VarType::continuous && std::abs(v - std::round(v)) > 1e-5)
        return "integer column " + std::to_string(j) + " = " + fmt_num(v);
    }
    const CoinPackedMatrix* a = osi_->getMatrixByRow();
    const double* rl = osi_->getRowLower();
    const double* ru = osi_->getRowUpper();
    for (int i = 0; i < m; ++i) {
      const auto first = a->getVectorFirst(i), last = a->getVectorLast(i);
      double act = 0, scale = 1;
      for (auto k = first; k < last; ++k) {
        const double term = a->getElements()[k] * x[static_cast<std::size_t>(a->getIndices()[k])];
        act += term;
        scale = std::max(scale, std::abs(term));
      }
      if (act < rl[i] - 1e-6 * std::max(scale, std::abs(rl[i])) || act > ru[i] + 1e-6 * std::max(scale, std::abs(ru[i])))
        return "row " + std::to_string(i) + " activity " + fmt_num(act) + " outside [" + fmt_num(rl[i]) + ", " +
               fmt_num(ru[i]) + "]";
    }
    return "";
  }

  // Objective c'x + c0 of `x` in the model's own sense.
  double objective_of(const std::vector<double>& x) const {
    const double* c = osi_->getObjCoefficients();
    double s = obj_constant_;
    for (std::size_t j = 0; j < x.size(); ++j) s += c[j] * x[j];
    return s;
  }

  void solve_mip(const SolveOptions& options, const Stopwatch& sw, LogSink& sink, SolveResult& r) {
    r.handoff_seconds += lp_state_.pending_handoff_s;
    lp_state_.pending_handoff_s = 0.0;
    lp_state_.obj_changed = lp_state_.bounds_changed = false;

    std::unique_lock lock(cbc_main_mutex(), std::defer_lock);
    const double limit = options.time_limit_s;
    if (std::isfinite(limit)) {
      if (!lock.try_lock_for(std::chrono::duration<double>(limit))) {
        r.status = Status::time_limit;
        r.message = "cbc: the time limit passed while waiting for another cbc solve (Cbc 2.10 runs one "
                    "MILP at a time per process)";
        return;
      }
    } else {
      lock.lock();
    }
    const double remaining = limit - sw.seconds();
    if (remaining <= 0.0) {
      r.status = Status::time_limit;
      r.message = "cbc: the time limit passed while waiting for another cbc solve";
      return;
    }

    std::vector<double> start;
    if (!options.mip_start.empty()) start = rounded_mip_start(options.mip_start, types_);
    else start = last_solution_;

    const Stopwatch handoff;
    const std::vector<std::string> args = cbc_args(options, remaining, r);
    SinkScope scope(handler_, sink);
    r.handoff_seconds += handoff.seconds();
    CbcOutcome o = run_cbc_main(*osi_, handler_, args, start.empty() ? nullptr : &start);
    // Cbc's preprocessing (CglPreProcess) can hand back a point that breaks the original model:
    // its log then says "Postprocessing changed objective ... possible tolerance issue - try without
    // preprocessing" and the result still claims optimality. On the kunming park (issue 13) the green
    // objective's first solve returned such a point, which overstated the best green share and made
    // the next solve infeasible. Every solution is checked against the original rows, bounds and
    // integrality; a broken one is solved again without preprocessing, as Cbc suggests.
    if (!o.x.empty() && options.presolve) {
      const std::string broken = violation(o.x);
      if (!broken.empty()) {
        const double left = limit - sw.seconds();
        if (left > 0.0) {
          SolveResult scratch;
          std::vector<std::string> again = cbc_args(options, left, scratch);
          again.insert(again.end(), {"-preprocess", "off"});
          o = run_cbc_main(*osi_, handler_, again, start.empty() ? nullptr : &start);
          r.warnings.push_back("cbc: the preprocessed solve returned a point that violates the model (" + broken +
                               "); solved again without preprocessing");
        } else {
          o.x.clear();
          o.status = 1;
          o.secondary = 4;
        }
      }
    }
    if (!o.x.empty()) {
      if (const std::string broken = violation(o.x); !broken.empty()) {
        r.status = Status::error;
        r.message = "Cbc returned a point that violates the model (" + broken + ")";
        return;
      }
    }
    r.nodes = o.nodes;
    r.iterations = o.iterations;

    const bool has_x = !o.x.empty();
    if (o.status == 0 && (o.proven_optimal || (has_x && !o.relaxation_unbounded))) {
      r.status = Status::optimal;
      r.message = o.secondary == 2 ? "Cbc: optimal within the gap tolerance" : "Cbc: optimal";
    } else if (o.status == 0 && o.relaxation_unbounded) {
      // The relaxation is unbounded: the MILP is unbounded if it has any integer-feasible point
      // (rational data), else infeasible. Decide it with a zero-objective solve.
      OsiClpSolverInterface feasibility(*osi_);
      for (int j = 0; j < feasibility.getNumCols(); ++j) feasibility.setObjCoeff(j, 0.0);
      const double left = limit - sw.seconds();
      SolveResult scratch;  // the warnings about options were given once already
      const CbcOutcome f = left > 0.0 ? run_cbc_main(feasibility, handler_, cbc_args(options, left, scratch), nullptr)
                                      : CbcOutcome{};
      if (f.status == 0 && !f.x.empty()) {
        r.status = Status::unbounded;
        r.message = "Cbc: the relaxation is unbounded and a feasible integer point exists (unbounded)";
      } else if (f.status == 0 && f.proven_infeasible) {
        r.status = Status::infeasible;
        r.message = "Cbc: the relaxation is unbounded but no integer point is feasible (infeasible)";
      } else {
        r.status = Status::infeasible_or_unbounded;
        r.message = "Cbc: the relaxation is unbounded; feasibility undecided";
      }
      o.x.clear();
    } else if (o.status == 0 && o.proven_infeasible) {
      r.status = Status::infeasible;
      r.message = "Cbc: infeasible";
    } else if (o.status == 1 || o.status == 5) {
      const bool on_time = o.secondary == 4 || o.status == 1;
      if (has_x) {
        r.status = Status::feasible;
      } else {
        r.status = on_time && o.secondary == 4 ? Status::time_limit : Status::error;
      }
      r.message = o.secondary == 4   ? "Cbc: stopped on the time limit"
                  : o.secondary == 3 ? "Cbc: stopped on the node limit"
                  : o.secondary == 6 ? "Cbc: stopped on the solution limit"
                  : o.secondary == 8 ? "Cbc: stopped on the iteration limit"
                                     : "Cbc: stopped (status " + std::to_string(o.status) + ", secondary " +
                                           std::to_string(o.secondary) + ")";
    } else {
      r.status = Status::error;
      r.message = "Cbc: " + std::string(o.status == 2 ? "abandoned on numerical difficulties"
                                                       : "unexpected outcome") +
                  " (status " + std::to_string(o.status) + ", secondary " + std::to_string(o.secondary) + ")";
      o.x.clear();
    }

    if (has_solution(r.status)) {
      r.x = std::move(o.x);
      r.row_activity.assign(static_cast<std::size_t>(num_rows_), 0.0);
      if (num_rows_ > 0) osi_->getMatrixByRow()->times(r.x.data(), r.row_activity.data());
      r.objective = objective_of(r.x);
      // Cbc's bound excludes our constant and is meaningless (+-1e50 or worse) before the root
      // LP; an optimal result is its own bound up to the gap tolerance.
      const double bound = o.bound + obj_constant_;
      const bool bound_ok = std::isfinite(bound) && std::abs(o.bound) < 1e40;
      const bool minimize = osi_->getObjSense() > 0;
      if (r.status == Status::optimal && o.secondary != 2) r.best_bound = r.objective;  // search finished
      else if (bound_ok) r.best_bound = bound;
      else r.best_bound = minimize ? -kInf : kInf;  // no bound known yet: say so
      r.gap = relative_gap(r.objective, r.best_bound);
      last_solution_ = r.x;
    }
  }

  ForwardingHandler handler_;  // declared first: outlives osi_, which points to it
  std::unique_ptr<OsiClpSolverInterface> osi_;
  ClpLpState lp_state_;
  std::vector<VarType> types_;
  std::vector<double> last_solution_;
  bool is_mip_ = false;
  double obj_constant_ = 0.0;
  std::int32_t num_vars_ = 0, num_rows_ = 0;
};

}  // namespace

std::unique_ptr<Solver> make_cbc_backend() { return std::make_unique<CbcBackend>(); }

}  // namespace ehub::lp::detail
