// The "glpk" backend (GPL-3.0, compiled into the separate library ehub_glpk): GLPK's primal/dual
// simplex or interior point for LPs and its branch-and-cut (glp_intopt) for MILPs.
//
// Threads and GLPK's environment. GLPK 5.0 (built with thread-local storage, as Debian's is:
// glp_config("TLS")) keeps one environment per thread, and every GLPK object is allocated in the
// environment of the thread that made it: freeing or growing it from another thread corrupts
// both environments. A Solver may be created on one thread and used on another, so no GLPK object
// outlives a solve() call: the backend keeps its own copy of the model (and, after an LP solve,
// the basis statuses), and each solve() builds a glp_prob on the calling thread, solves, copies the
// results out and deletes it. The per-solve conversion is reported as handoff_seconds. When the
// thread's environment then holds no GLPK memory at all (nobody else on this thread uses GLPK),
// glp_free_env() releases it, so worker threads leak nothing when they exit.
//
// GLPK reports fatal errors (internal assertion, out of memory) by calling abort(). An error hook
// turns them into a SolverError instead: it longjmp()s back to solve(), which frees the thread's
// GLPK environment (the only recovery GLPK allows) and throws. The code between the setjmp and
// GLPK's calls keeps only trivially destructible locals, so the jump skips no destructor.
//
// Output: terminal output goes through glp_term_hook to SolveOptions::log_callback (or stderr),
// and only when verbosity > 0; GLPK never writes to stdout.
//
// Signs: duals = d objective / d rhs and reduced costs = d objective / d x_j in the model's own
// sense, which is what GLPK reports for both GLP_MIN and GLP_MAX.
#include "ehub/lp/glpk.hpp"

#include <glpk.h>

#include <algorithm>
#include <climits>
#include <cmath>
#include <csetjmp>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "backend_common.hpp"
#include "ehub/lp/solver.hpp"

namespace ehub::lp {

namespace {

using detail::backend_bound;
using detail::LogSink;
using detail::Stopwatch;

constexpr Capabilities kGlpkCapabilities{.integers = true, .duals = true, .warm_start = true, .mip_start = true,
                                         .interior_point = true, .time_limit = true, .mip_gap = true, .threads = false};

// State GLPK's hooks see during one solve; lives in solve()'s frame, outside the guarded region.
struct HookContext {
  LogSink* sink = nullptr;
  std::string tail;  // the last output, quoted in the message of a fatal error
  std::jmp_buf jump;
};

int term_hook(void* info, const char* s) {
  auto* ctx = static_cast<HookContext*>(info);
  try {
    ctx->sink->write(s);
    ctx->tail.append(s);
    if (ctx->tail.size() > 2000) ctx->tail.erase(0, ctx->tail.size() - 1000);
  } catch (...) {  // never unwind into GLPK
  }
  return 1;  // handled: GLPK prints nothing itself
}

[[noreturn]] void error_hook(void* info) { std::longjmp(static_cast<HookContext*>(info)->jump, 1); }

// Tuning read from "glpk:..." backend options before the guarded region.
struct GlpkTuning {
  // glpk:cuts (default on, unlike glpsol): Gomory, MIR, cover and clique cuts. On the MIPLIB
  // instances of tests/data/lp they turn minutes into milliseconds (gt2: > 60 s -> 0.03 s,
  // p0548: 14 s -> 0.05 s, bell5: 15 s -> 0.4 s with glpsol 5.0).
  bool cuts = true;
  bool fp_heur = false;   // glpk:fp_heur = on -> feasibility pump
  bool ps_heur = false;   // glpk:ps_heur = on -> proximity search
  int br_tech = GLP_BR_DTH;  // glpk:branching = ffv|lfv|mfv|dth|pch
  int bt_tech = GLP_BT_BLB;  // glpk:backtracking = dfs|bfs|blb|bph
};

GlpkTuning read_tuning(const SolveOptions& options, SolveResult& r) {
  GlpkTuning t;
  auto on_off = [](const std::string& key, const std::string& v) {
    if (v == "on" || v == "1" || v == "true") return true;
    if (v == "off" || v == "0" || v == "false") return false;
    throw InputError("", "/backend_options/glpk:" + key, "expects on or off, got '" + v + "'");
  };
  for (const auto& [key, value] : detail::backend_options_for(options, "glpk", r.warnings)) {
    if (key == "cuts") t.cuts = on_off(key, value);
    else if (key == "fp_heur") t.fp_heur = on_off(key, value);
    else if (key == "ps_heur") t.ps_heur = on_off(key, value);
    else if (key == "branching") {
      static constexpr const char* names[] = {"ffv", "lfv", "mfv", "dth", "pch"};
      const auto it = std::find(std::begin(names), std::end(names), value);
      if (it == std::end(names))
        throw InputError("", "/backend_options/glpk:branching", "expects ffv, lfv, mfv, dth or pch, got '" + value + "'");
      t.br_tech = GLP_BR_FFV + static_cast<int>(it - std::begin(names));
    } else if (key == "backtracking") {
      static constexpr const char* names[] = {"dfs", "bfs", "blb", "bph"};
      const auto it = std::find(std::begin(names), std::end(names), value);
      if (it == std::end(names))
        throw InputError("", "/backend_options/glpk:backtracking", "expects dfs, bfs, blb or bph, got '" + value + "'");
      t.bt_tech = GLP_BT_DFS + static_cast<int>(it - std::begin(names));
    } else {
      r.warnings.push_back("unknown backend option 'glpk:" + key +
                           "' ignored (known: cuts, fp_heur, ps_heur, branching, backtracking)");
    }
  }
  return t;
}

// Everything one guarded GLPK run reads and writes. Owned by solve(), outside the guarded region.
struct Work {
  const Model* model = nullptr;
  const SolveOptions* options = nullptr;
  SolveResult* r = nullptr;
  GlpkTuning tuning;
  Stopwatch clock;  // started at solve()
  // inputs prepared before the run
  std::vector<int> ia, ja;   // 1-based triplets for glp_load_matrix
  std::vector<double> ar;
  std::vector<double> start1;  // 1-based MIP start, or empty
  const std::vector<int>* row_stat = nullptr;  // basis from the last LP solve, or null
  const std::vector<int>* col_stat = nullptr;
  bool bounds_changed = false;
  // state of the run
  glp_prob* P = nullptr;
  bool start_pending = false;
  bool start_accepted = false;
  double bound = 0.0;
  bool have_bound = false;
  std::int64_t nodes = 0;
  bool need_feasibility = false;  // relaxation unbounded: decide with a zero objective
  bool save_basis = false;
};

int msg_level(int verbosity) {
  return verbosity <= 0 ? GLP_MSG_OFF : verbosity == 1 ? GLP_MSG_ERR : verbosity == 2 ? GLP_MSG_ON : GLP_MSG_ALL;
}

// Milliseconds left of the time limit (INT_MAX for none, at least 1).
int ms_left(const Work& w) {
  const double limit = w.options->time_limit_s;
  if (!std::isfinite(limit)) return INT_MAX;
  const double left_ms = (limit - w.clock.seconds()) * 1000.0;
  return left_ms >= static_cast<double>(INT_MAX) ? INT_MAX : std::max(1, static_cast<int>(left_ms));
}

// Bounds of magnitude >= kInfBound count as infinite (backend_bound()).
int bound_type(double lb, double ub) {
  lb = backend_bound(lb), ub = backend_bound(ub);
  if (lb == -kInf && ub == kInf) return GLP_FR;
  if (lb == -kInf) return GLP_UP;
  if (ub == kInf) return GLP_LO;
  if (lb == ub) return GLP_FX;
  return GLP_DB;
}

// ---- the guarded part: only trivially destructible locals below ------------------------------

void build(Work& w) {
  const Model& m = *w.model;
  const int n = m.num_vars(), rows = m.num_rows();
  glp_prob* P = glp_create_prob();
  w.P = P;
  glp_set_obj_dir(P, m.sense() == Sense::maximize ? GLP_MAX : GLP_MIN);
  glp_set_obj_coef(P, 0, m.obj_constant());
  if (rows > 0) glp_add_rows(P, rows);
  if (n > 0) glp_add_cols(P, n);
  const double* rl = m.row_lower().data();
  const double* ru = m.row_upper().data();
  for (int i = 0; i < rows; ++i) glp_set_row_bnds(P, i + 1, bound_type(rl[i], ru[i]), rl[i], ru[i]);
  const double* cl = m.col_lower().data();
  const double* cu = m.col_upper().data();
  const double* c = m.objective().data();
  const VarType* ty = m.col_type().data();
  for (int j = 0; j < n; ++j) {
    glp_set_col_bnds(P, j + 1, bound_type(cl[j], cu[j]), cl[j], cu[j]);
    glp_set_obj_coef(P, j + 1, c[j]);
    if (ty[j] != VarType::continuous) glp_set_col_kind(P, j + 1, GLP_IV);
  }
  const int ne = static_cast<int>(w.ar.size()) - 1;
  if (ne > 0) glp_load_matrix(P, ne, w.ia.data(), w.ja.data(), w.ar.data());
}

void copy_basic_solution(Work& w, bool with_duals) {
  glp_prob* P = w.P;
  SolveResult& r = *w.r;
  const int n = glp_get_num_cols(P), m = glp_get_num_rows(P);
  r.x.resize(static_cast<std::size_t>(n));
  r.row_activity.resize(static_cast<std::size_t>(m));
  for (int j = 0; j < n; ++j) r.x[static_cast<std::size_t>(j)] = glp_get_col_prim(P, j + 1);
  for (int i = 0; i < m; ++i) r.row_activity[static_cast<std::size_t>(i)] = glp_get_row_prim(P, i + 1);
  r.objective = glp_get_obj_val(P);
  r.best_bound = r.objective;
  r.gap = 0.0;
  if (with_duals) {
    r.duals.resize(static_cast<std::size_t>(m));
    r.reduced_costs.resize(static_cast<std::size_t>(n));
    for (int i = 0; i < m; ++i) r.duals[static_cast<std::size_t>(i)] = glp_get_row_dual(P, i + 1);
    for (int j = 0; j < n; ++j) r.reduced_costs[static_cast<std::size_t>(j)] = glp_get_col_dual(P, j + 1);
  }
}

void copy_interior_solution(Work& w) {
  glp_prob* P = w.P;
  SolveResult& r = *w.r;
  const int n = glp_get_num_cols(P), m = glp_get_num_rows(P);
  r.x.resize(static_cast<std::size_t>(n));
  r.row_activity.resize(static_cast<std::size_t>(m));
  r.duals.resize(static_cast<std::size_t>(m));
  r.reduced_costs.resize(static_cast<std::size_t>(n));
  for (int j = 0; j < n; ++j) {
    r.x[static_cast<std::size_t>(j)] = glp_ipt_col_prim(P, j + 1);
    r.reduced_costs[static_cast<std::size_t>(j)] = glp_ipt_col_dual(P, j + 1);
  }
  for (int i = 0; i < m; ++i) {
    r.row_activity[static_cast<std::size_t>(i)] = glp_ipt_row_prim(P, i + 1);
    r.duals[static_cast<std::size_t>(i)] = glp_ipt_row_dual(P, i + 1);
  }
  r.objective = glp_ipt_obj_val(P);
  r.best_bound = r.objective;
  r.gap = 0.0;
}

void copy_mip_solution(Work& w) {
  glp_prob* P = w.P;
  SolveResult& r = *w.r;
  const int n = glp_get_num_cols(P), m = glp_get_num_rows(P);
  r.x.resize(static_cast<std::size_t>(n));
  r.row_activity.resize(static_cast<std::size_t>(m));
  for (int j = 0; j < n; ++j) r.x[static_cast<std::size_t>(j)] = glp_mip_col_val(P, j + 1);
  for (int i = 0; i < m; ++i) r.row_activity[static_cast<std::size_t>(i)] = glp_mip_row_val(P, i + 1);
  r.objective = glp_mip_obj_val(P);
}

// Runs the simplex method on w.P with presolve as asked (a stored basis disables it);
// `force_primal` overrides the method choice.
int run_simplex(Work& w, bool presolve, bool use_stored_basis, bool force_primal = false) {
  glp_prob* P = w.P;
  const SolveOptions& o = *w.options;
  glp_smcp sm;
  glp_init_smcp(&sm);
  sm.msg_lev = msg_level(o.verbosity);
  sm.tm_lim = ms_left(w);
  switch (o.lp_algorithm) {
    case LpAlgorithm::primal_simplex: sm.meth = GLP_PRIMAL; break;
    case LpAlgorithm::dual_simplex: sm.meth = GLP_DUALP; break;
    default: sm.meth = use_stored_basis && w.bounds_changed ? GLP_DUALP : GLP_PRIMAL; break;
  }
  if (force_primal) sm.meth = GLP_PRIMAL;
  if (use_stored_basis) {
    const int m = glp_get_num_rows(P), n = glp_get_num_cols(P);
    for (int i = 0; i < m; ++i) glp_set_row_stat(P, i + 1, (*w.row_stat)[static_cast<std::size_t>(i)]);
    for (int j = 0; j < n; ++j) glp_set_col_stat(P, j + 1, (*w.col_stat)[static_cast<std::size_t>(j)]);
    sm.presolve = GLP_OFF;
  } else if (presolve) {
    sm.presolve = GLP_ON;
  } else {
    glp_adv_basis(P, 0);
    sm.presolve = GLP_OFF;
  }
  int ret = glp_simplex(P, &sm);
  if (use_stored_basis && (ret == GLP_EBADB || ret == GLP_ESING || ret == GLP_ECOND)) {
    glp_adv_basis(P, 0);  // the stored basis does not fit any more: start cold
    sm.tm_lim = ms_left(w);
    ret = glp_simplex(P, &sm);
  }
  return ret;
}

void solve_lp(Work& w) {
  glp_prob* P = w.P;
  SolveResult& r = *w.r;
  const SolveOptions& o = *w.options;
  if (o.lp_algorithm == LpAlgorithm::interior_point) {
    glp_iptcp ip;
    glp_init_iptcp(&ip);
    ip.msg_lev = msg_level(o.verbosity);
    const int ret = glp_interior(P, &ip);
    if (ret == 0 && glp_ipt_status(P) == GLP_OPT) {
      r.status = Status::optimal;
      r.message = "GLPK interior point: optimal";
      copy_interior_solution(w);
      return;
    }
    const int ist = glp_ipt_status(P);  // no GLPK call inside an expression holding temporaries
    r.warnings.push_back("glpk: the interior-point method ended with code " + std::to_string(ret) + ", status " +
                         std::to_string(ist) + "; the simplex method decided the outcome");
  }
  const bool warm = w.row_stat != nullptr && o.lp_algorithm != LpAlgorithm::interior_point;
  int ret = run_simplex(w, o.presolve, warm);
  if (ret == GLP_ENODFS) {
    // The presolver found no dual feasible solution: unbounded or infeasible. Without presolve
    // the simplex method tells which.
    ret = run_simplex(w, false, false);
  }
  if (ret == 0) {
    const int st = glp_get_status(P);
    if (st != GLP_OPT && st != GLP_NOFEAS && st != GLP_UNBND) {
      // The dual simplex stopped on dual infeasibility without deciding primal feasibility
      // (GLP_INFEAS / GLP_UNDEF): the primal simplex decides between unbounded and infeasible.
      ret = run_simplex(w, false, false, true);
    }
  }
  r.iterations = glp_get_it_cnt(P);
  if (ret == 0) {
    const int st = glp_get_status(P);
    if (st == GLP_OPT) {
      r.status = Status::optimal;
      r.message = "GLPK simplex: optimal";
      copy_basic_solution(w, true);
      w.save_basis = true;
    } else if (st == GLP_NOFEAS) {
      r.status = Status::infeasible;
      r.message = "GLPK simplex: no primal feasible solution";
    } else if (st == GLP_UNBND) {
      r.status = Status::unbounded;
      r.message = "GLPK simplex: unbounded";
    } else {
      r.status = Status::error;
      r.message = "GLPK simplex: finished with solution status " + std::to_string(st);
    }
  } else if (ret == GLP_ENOPFS) {
    r.status = Status::infeasible;
    r.message = "GLPK presolver: no primal feasible solution";
  } else if (ret == GLP_ETMLIM || ret == GLP_EITLIM) {
    // With the presolver on, GLPK leaves no solution after a limit.
    if (glp_get_prim_stat(P) == GLP_FEAS && !(o.presolve && !warm)) {
      r.status = Status::feasible;
      copy_basic_solution(w, false);
    } else {
      r.status = ret == GLP_ETMLIM ? Status::time_limit : Status::error;
    }
    r.message = ret == GLP_ETMLIM ? "GLPK simplex: time limit" : "GLPK simplex: iteration limit";
  } else {
    r.status = Status::error;
    r.message = "GLPK simplex: failed with code " + std::to_string(ret);
  }
}

void mip_callback(glp_tree* T, void* info) {
  Work& w = *static_cast<Work*>(info);
  if (glp_ios_reason(T) == GLP_IHEUR && w.start_pending) {
    w.start_pending = false;
    w.start_accepted = glp_ios_heur_sol(T, w.start1.data()) == 0;
  }
  const int best = glp_ios_best_node(T);
  if (best != 0) {
    w.bound = glp_ios_node_bound(T, best);
    w.have_bound = true;
  }
  int active = 0, current = 0, total = 0;
  glp_ios_tree_size(T, &active, &current, &total);
  w.nodes = total;
}

void solve_mip(Work& w) {
  glp_prob* P = w.P;
  SolveResult& r = *w.r;
  const SolveOptions& o = *w.options;
  const bool presolve = o.presolve && w.start1.empty();  // a MIP start needs the original columns
  if (!presolve) {
    // Without the MIP presolver glp_intopt needs an optimal basis of the relaxation first.
    const int ret = run_simplex(w, false, false);
    const int st = ret == 0 ? glp_get_status(P) : 0;
    if (!(ret == 0 && st == GLP_OPT)) {
      r.iterations = glp_get_it_cnt(P);
      if (ret == 0 && st == GLP_NOFEAS) {
        r.status = Status::infeasible;
        r.message = "GLPK: the LP relaxation has no feasible solution";
      } else if (ret == 0 && st == GLP_UNBND) {
        w.need_feasibility = true;
      } else if (ret == GLP_ETMLIM) {
        r.status = Status::time_limit;
        r.message = "GLPK: time limit while solving the LP relaxation";
      } else {
        r.status = Status::error;
        r.message = "GLPK: the LP relaxation failed with code " + std::to_string(ret);
      }
      return;
    }
  }
  glp_iocp io;
  glp_init_iocp(&io);
  io.msg_lev = msg_level(o.verbosity);
  io.mip_gap = o.mip_gap;
  io.tm_lim = ms_left(w);
  io.presolve = presolve ? GLP_ON : GLP_OFF;
  io.br_tech = w.tuning.br_tech;
  io.bt_tech = w.tuning.bt_tech;
  if (w.tuning.cuts) io.gmi_cuts = io.mir_cuts = io.cov_cuts = io.clq_cuts = GLP_ON;
  io.fp_heur = w.tuning.fp_heur ? GLP_ON : GLP_OFF;
  io.ps_heur = w.tuning.ps_heur ? GLP_ON : GLP_OFF;
  io.cb_func = mip_callback;
  io.cb_info = &w;
  w.start_pending = !w.start1.empty();
  const int ret = glp_intopt(P, &io);
  const int mst = glp_mip_status(P);
  r.iterations = glp_get_it_cnt(P);
  r.nodes = w.nodes;
  const bool have_x = mst == GLP_OPT || mst == GLP_FEAS;
  if (ret == 0 && mst == GLP_OPT) {
    r.status = Status::optimal;
    r.message = "GLPK branch-and-cut: optimal";
  } else if (ret == GLP_EMIPGAP && have_x) {
    r.status = Status::optimal;
    r.message = "GLPK branch-and-cut: optimal within the gap tolerance";
  } else if (ret == 0 && mst == GLP_NOFEAS) {
    r.status = Status::infeasible;
    r.message = "GLPK branch-and-cut: no integer feasible solution";
  } else if (ret == GLP_ENOPFS) {
    r.status = Status::infeasible;
    r.message = "GLPK MIP presolver: no primal feasible solution";
  } else if (ret == GLP_ENODFS) {
    w.need_feasibility = true;
    return;
  } else if (ret == GLP_ETMLIM) {
    r.status = have_x ? Status::feasible : Status::time_limit;
    r.message = "GLPK branch-and-cut: time limit";
  } else {
    r.status = have_x ? Status::feasible : Status::error;
    r.message = "GLPK branch-and-cut: stopped with code " + std::to_string(ret);
  }
  if (has_solution(r.status)) {
    copy_mip_solution(w);
    const bool proven = r.status == Status::optimal && ret == 0;
    if (proven || !w.have_bound) {
      // Finished search: the incumbent is the bound. No bound known: report +-inf honestly.
      r.best_bound = proven ? r.objective : (glp_get_obj_dir(P) == GLP_MIN ? -kInf : kInf);
    } else {
      r.best_bound = w.bound;
    }
    r.gap = detail::relative_gap(r.objective, r.best_bound);
  }
}

// The relaxation is unbounded or has no dual solution: with a zero objective, the MILP or LP is
// feasible (then unbounded, for rational data) or infeasible.
void decide_feasibility(Work& w) {
  glp_prob* P = w.P;
  SolveResult& r = *w.r;
  const int n = glp_get_num_cols(P);
  for (int j = 0; j <= n; ++j) glp_set_obj_coef(P, j, 0.0);
  glp_iocp io;
  glp_init_iocp(&io);
  io.msg_lev = msg_level(w.options->verbosity);
  io.tm_lim = ms_left(w);
  io.presolve = GLP_ON;
  const int ret = glp_intopt(P, &io);
  const int mst = glp_mip_status(P);
  if (mst == GLP_OPT || mst == GLP_FEAS) {
    r.status = Status::unbounded;
    r.message = "GLPK: the relaxation is unbounded and a feasible integer point exists (unbounded)";
  } else if (ret == GLP_ENOPFS || (ret == 0 && mst == GLP_NOFEAS)) {
    r.status = Status::infeasible;
    r.message = "GLPK: the relaxation is unbounded but no integer point is feasible (infeasible)";
  } else {
    r.status = Status::infeasible_or_unbounded;
    r.message = "GLPK: the relaxation is unbounded; feasibility undecided (code " + std::to_string(ret) + ")";
  }
}

void run(Work& w) {
  const Stopwatch handoff;
  build(w);
  w.r->handoff_seconds += handoff.seconds();
  if (w.model->num_integers() > 0) solve_mip(w);
  else solve_lp(w);
  if (w.need_feasibility) decide_feasibility(w);
}

// Returns false when GLPK reported a fatal error (the hook jumped back here).
bool guarded_run(Work& w, HookContext& ctx) {
  if (setjmp(ctx.jump) != 0) return false;
  glp_error_hook(error_hook, &ctx);
  run(w);
  glp_error_hook(nullptr, nullptr);
  return true;
}

// ---- the backend ---------------------------------------------------------------------------

class GlpkBackend final : public Solver {
 public:
  std::string name() const override { return "glpk"; }
  Capabilities capabilities() const override { return kGlpkCapabilities; }

  void load(const Model& model) override {
    model.validate();
    if (model.num_rows() >= INT_MAX || model.num_vars() >= INT_MAX || model.num_nonzeros() >= INT_MAX)
      throw SolverError("glpk", "the model is too large for GLPK's int indices");
    const Stopwatch sw;
    auto copy = std::make_unique<Model>(model);
    model_ = std::move(copy);
    row_stat_.clear();
    col_stat_.clear();
    bounds_changed_ = false;
    pending_handoff_s_ = sw.seconds();
  }

  SolveResult solve(const SolveOptions& options) override {
    if (!model_) throw SolverError("glpk", "solve() called before load()");
    detail::check_options(options, model_->num_vars());
    SolveResult r;
    r.solver = "glpk";
    LogSink sink(options);
    Work w;  // starts the clock
    w.model = model_.get();
    w.options = &options;
    w.r = &r;
    w.tuning = read_tuning(options, r);
    w.bounds_changed = bounds_changed_;
    if (options.threads > 1) r.warnings.push_back("glpk: GLPK is single-threaded; threads ignored");
    const bool mip = model_->num_integers() > 0;
    if (!mip && !options.mip_start.empty()) r.warnings.push_back("glpk: the model has no integer variables; mip_start ignored");
    if (mip && !options.mip_start.empty()) {
      std::vector<double> x = detail::rounded_mip_start(options.mip_start, model_->col_type());
      const detail::Violation v = detail::max_violation(*model_, x);
      if (v.amount > 0.0) {
        r.warnings.push_back("glpk: mip_start violates " + v.where + " by " + detail::fmt_num(v.amount) + "; ignored");
      } else {
        w.start1.reserve(x.size() + 1);
        w.start1.push_back(0.0);
        w.start1.insert(w.start1.end(), x.begin(), x.end());
      }
    }
    if (!mip && !row_stat_.empty()) {
      w.row_stat = &row_stat_;
      w.col_stat = &col_stat_;
    }
    if (mip && options.lp_algorithm == LpAlgorithm::interior_point)
      r.warnings.push_back("glpk: interior point is for LPs; branch-and-cut uses the simplex method");
    if (!mip && options.lp_algorithm == LpAlgorithm::interior_point && std::isfinite(options.time_limit_s))
      r.warnings.push_back("glpk: the interior-point method has no time limit");
    {  // 1-based triplets (part of the hand-off)
      const Stopwatch sw;
      const auto rs = model_->row_start();
      const auto ci = model_->col_index();
      const auto va = model_->values();
      const auto nnz = static_cast<std::size_t>(model_->num_nonzeros());
      w.ia.resize(nnz + 1);
      w.ja.resize(nnz + 1);
      w.ar.resize(nnz + 1);
      std::size_t k = 1;
      for (std::int32_t i = 0; i < model_->num_rows(); ++i)
        for (auto p = static_cast<std::size_t>(rs[static_cast<std::size_t>(i)]);
             p < static_cast<std::size_t>(rs[static_cast<std::size_t>(i) + 1]); ++p, ++k) {
          w.ia[k] = i + 1;
          w.ja[k] = ci[p] + 1;
          w.ar[k] = va[p];
        }
      r.handoff_seconds = pending_handoff_s_ + sw.seconds();
      pending_handoff_s_ = 0.0;
    }

    HookContext ctx;
    ctx.sink = &sink;
    // Deletes the problem and removes the hooks on every way out (an exception such as bad_alloc
    // while copying results included), then frees the thread's GLPK environment if nothing else
    // on this thread holds GLPK memory.
    struct Cleanup {
      Work& w;
      int old_term_out = GLP_ON;
      bool env_lost = false;
      ~Cleanup() {
        if (env_lost) return;
        if (w.P) glp_delete_prob(w.P);
        w.P = nullptr;
        glp_error_hook(nullptr, nullptr);
        glp_term_hook(nullptr, nullptr);
        glp_term_out(old_term_out);
        int blocks = 0;
        glp_mem_usage(&blocks, nullptr, nullptr, nullptr);
        if (blocks == 0) glp_free_env();
      }
    } cleanup{w};
    glp_term_hook(term_hook, &ctx);
    cleanup.old_term_out = glp_term_out(options.verbosity > 0 ? GLP_ON : GLP_OFF);
    if (!guarded_run(w, ctx)) {
      // GLPK's environment is unusable after a fatal error; freeing it is the documented way out
      // (w.P died with it).
      cleanup.env_lost = true;
      glp_free_env();
      row_stat_.clear();
      col_stat_.clear();
      throw SolverError("glpk", "GLPK stopped with a fatal error: " + ctx.tail);
    }
    if (w.save_basis) {
      const int m = model_->num_rows(), n = model_->num_vars();
      row_stat_.resize(static_cast<std::size_t>(m));
      col_stat_.resize(static_cast<std::size_t>(n));
      for (int i = 0; i < m; ++i) row_stat_[static_cast<std::size_t>(i)] = glp_get_row_stat(w.P, i + 1);
      for (int j = 0; j < n; ++j) col_stat_[static_cast<std::size_t>(j)] = glp_get_col_stat(w.P, j + 1);
    }
    if (w.start_accepted) r.message += " (MIP start accepted)";
    else if (!w.start1.empty() && has_solution(r.status)) r.message += " (MIP start not used)";
    bounds_changed_ = false;
    sink.rethrow_if_failed();
    r.seconds = w.clock.seconds();
    return r;
  }

  void set_objective_coefficient(std::int32_t var, double coef) override {
    require_loaded();
    detail::check_objective_call(var, model_->num_vars(), coef);
    model_->set_obj(var, coef);
  }

  void set_var_bounds(std::int32_t var, double lb, double ub) override {
    require_loaded();
    detail::check_var_bounds_call(var, model_->num_vars(), lb, ub);
    model_->set_var_bounds(var, lb, ub);
    bounds_changed_ = true;
  }

  void set_row_bounds(std::int32_t row, double lb, double ub) override {
    require_loaded();
    detail::check_row_bounds_call(row, model_->num_rows(), lb, ub);
    model_->set_row_bounds(row, lb, ub);
    bounds_changed_ = true;
  }

 private:
  void require_loaded() const {
    if (!model_) throw SolverError("glpk", "no model loaded: call load() first");
  }

  std::unique_ptr<Model> model_;
  std::vector<int> row_stat_, col_stat_;  // basis of the last optimal LP solve
  bool bounds_changed_ = false;
  double pending_handoff_s_ = 0.0;
};

}  // namespace

void register_glpk_backend() {
  register_solver("glpk", [] { return std::unique_ptr<Solver>(std::make_unique<GlpkBackend>()); },
                  kGlpkCapabilities);
}

}  // namespace ehub::lp
