// Private to the dispatch layer: the model being built (devices, balances, the green model) and
// the steps every objective shares (prepare, solve and check, read back, diagnose). One file per
// concept: build.cpp, green.cpp, check.cpp, prices.cpp, result.cpp, diagnosis.cpp, the objectives
// objective_*.cpp behind ObjectiveSolve, pareto.cpp, result_io.cpp; dispatch.cpp ties them.
#pragma once

#include <chrono>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "ehub/dispatch/dispatch.hpp"
#include "ehub/hub/builder.hpp"
#include "ehub/lp/model.hpp"
#include "ehub/lp/solver.hpp"

namespace ehub::dispatch::detail {

using lp::IndexRange;
using lp::kInf;

/// Wall time since t0, seconds.
double seconds_since(std::chrono::steady_clock::time_point t0);
/// Throws the internal error of a failed result check (a bug in ehub).
[[noreturn]] void internal(const std::string& what);
/// A number with 6 significant digits.
std::string fmt(double v);

// Linear expression per step: sum of (var block, coef) terms plus a constant per step.
struct StepExpr {
  std::vector<std::pair<IndexRange, double>> terms;
  std::vector<double> constant;  // one per step
};

// The two-colour storage model (docs/objectives.md): green direct use D_t, and per electric
// storage green charge, green discharge and green state of charge.
struct GreenModel {
  bool built = false;
  IndexRange direct;
  struct Store {
    const hub::StorageRecord* rec = nullptr;
    IndexRange gc, gd, socg;
  };
  std::vector<Store> stores;
  // Certificate sales (scenario certificate_price_per_mwh > 0): certificates sold X_t, the
  // binary choosing which of L_t and R_t bounds D_t, and the grids' export variables.
  bool sales = false;
  IndexRange sold, direct_is_load;
  std::vector<IndexRange> exports;
};

// Everything a solve needs, kept together because the builder refers to the model.
struct Built {
  const hub::Scenario* sc = nullptr;
  lp::Model model;
  std::unique_ptr<hub::Builder> builder;
  std::vector<std::int32_t> balance_first_row;
  StepExpr renewable;    // renewable electricity output R_t (kW)
  StepExpr consumption;  // electricity consumption L_t (kW)
  std::vector<const hub::StorageRecord*> el_storages;
  GreenModel green;
  double build_s = 0;
};

struct Prepared {
  std::unique_ptr<Built> built;
  lp::Model base;  // cost objective plus hard constraints
  std::vector<std::pair<std::int32_t, std::string>> hard_rows;
};

// Largest green share by Dinkelbach's method: x <- M(z)/L(z), z = argmax M - x L.
struct GreenBest {
  double share = 0;
  double solve_s = 0;  // wall time of all Dinkelbach solves
  Result result;
  bool ok = false;
};

// ---- build.cpp: devices, balances, expressions, rows on tallies
void add_scaled(StepExpr& e, const hub::PortFlow& f, double scale, std::int32_t n);
std::unique_ptr<Built> build(const hub::Scenario& sc, const Options& options);
double upper_bound(const lp::Model& m, const StepExpr& e, std::int32_t t);
double evaluate(const StepExpr& e, std::span<const double> x, std::int32_t t);
std::int32_t add_share_row(const Built& B, lp::Model& m, double share);
void set_green_objective(const Built& B, lp::Model& m, double share);
void set_tally_objective(const Built& B, lp::Model& m, const std::string& prefix, double scale);
void add_tally_row(const Built& B, lp::Model& m, const std::string& prefix, double lb, double ub, const char* name);
/// The built model with the green model when needed, certificate sales and the hard constraints.
Prepared prepare(const hub::Scenario& sc, const Options& o, bool need_green);
/// The options with the scenario's own "constraints" where the options give none.
Options with_scenario_constraints(const hub::Scenario& sc, Options o);

// ---- green.cpp: the two-colour storage model, certificate sales, colouring, best green share
void add_green_model(Built& B);
void add_certificate_sales(Built& B, const Options& o);
void colour_schedule(const Built& B, const std::vector<double>& x, Result& r, bool relaxed);
GreenBest max_green(const Prepared& p, const Options& o);

// ---- check.cpp: solving and checking every returned schedule
void check_rows(const lp::Model& m, const std::vector<double>& x, double tol, bool relaxed);
double objective_of(const lp::Model& m, const std::vector<double>& x);
bool meets(const lp::Model& m, const std::vector<double>& x, double tol);
void check_against_relaxation(const lp::Model& m, const Options& o, lp::SolveResult& sr);
lp::SolveResult run_solver(const lp::Model& m, const Options& o);
/// Solves `m`; on infeasibility adds a diagnosis.
Result solve_model(const Prepared& p, const lp::Model& m, const Options& o, bool cost_objective);
void limit_shedding(Prepared& p, const Result& cost_optimum);

// ---- prices.cpp, result.cpp, diagnosis.cpp
void read_prices(const Built& B, const lp::Model& m, const lp::SolveResult& sr, const Options& o, Result& r);
Result make_result(const Built& B, const lp::Model& m, const lp::SolveResult& sr, const Options& o, bool cost_objective);
void describe_runs(const Built& B, const std::vector<double>& kw, const std::string& what, std::vector<std::string>& out);
std::vector<std::string> diagnose(const Built& B, const lp::Model& m, const Options& o,
                                  const std::vector<std::pair<std::int32_t, std::string>>& hard_rows);

// ---- the objectives, one file each behind one signature (docs/objectives.md)
/// Solves a prepared model for one objective.
using ObjectiveSolve = Result (*)(Prepared& p, const Options& o);
Result solve_cost(Prepared& p, const Options& o);          // objective_cost.cpp
Result solve_carbon(Prepared& p, const Options& o);        // objective_carbon.cpp
Result solve_green(Prepared& p, const Options& o);         // objective_green.cpp (green, lexicographic)
Result solve_weighted(Prepared& p, const Options& o);      // objective_weighted.cpp
/// The solve of objective `o`.
ObjectiveSolve objective_solve(Objective o);

// ---- pareto.cpp
ParetoPoint pareto_point(double target, Result r);

}  // namespace ehub::dispatch::detail
