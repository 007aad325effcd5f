// Tests of the solver registry (built-ins, a user's own backend, unknown names, thread safety),
// of status names and of SolveOptions / SolveResult helpers.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <string>
#include <thread>
#include <vector>

#include "ehub/core/error.hpp"
#include "ehub/lp/model.hpp"
#include "ehub/lp/solver.hpp"

namespace lp = ehub::lp;
using lp::Status;

namespace {

// A toy backend for models without rows: each variable sits at the bound its objective
// coefficient prefers (lower bound for a positive coefficient when minimising, and so on).
// Unbounded when that bound is infinite. It shows that a user's backend plugs in by name.
class BoundsOnly final : public lp::Solver {
 public:
  std::string name() const override { return "toy"; }
  lp::Capabilities capabilities() const override { return {}; }
  void load(const lp::Model& model) override {
    model.validate();
    if (model.num_rows() > 0) throw ehub::SolverError("toy", "the toy backend solves models without rows only");
    model_ = model;
    loaded_ = true;
  }
  lp::SolveResult solve(const lp::SolveOptions& options) override {
    options.validate();
    lp::SolveResult r;
    r.solver = "toy";
    const double dir = model_.sense() == lp::Sense::maximize ? -1.0 : 1.0;
    r.objective = model_.obj_constant();
    for (int j = 0; j < model_.num_vars(); ++j) {
      const double c = dir * model_.objective()[static_cast<std::size_t>(j)];
      const double lb = model_.col_lower()[static_cast<std::size_t>(j)];
      const double ub = model_.col_upper()[static_cast<std::size_t>(j)];
      const double v = c > 0 ? lb : c < 0 ? ub : (std::isfinite(lb) ? lb : std::isfinite(ub) ? ub : 0.0);
      if (!std::isfinite(v)) {
        r.status = Status::unbounded;
        r.x.clear();
        return r;
      }
      r.x.push_back(v);
      r.objective += model_.objective()[static_cast<std::size_t>(j)] * v;
    }
    r.status = Status::optimal;
    r.best_bound = r.objective;
    return r;
  }
  void set_objective_coefficient(std::int32_t var, double coef) override { model_.set_obj(var, coef); }
  void set_var_bounds(std::int32_t var, double lb, double ub) override { model_.set_var_bounds(var, lb, ub); }
  void set_row_bounds(std::int32_t, double, double) override {
    throw ehub::SolverError("toy", "the toy backend has no rows");
  }

 private:
  lp::Model model_;
  bool loaded_ = false;
};

bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

}  // namespace

TEST(Registry, BuiltinsAreThereSortedWithTheirCapabilities) {
  const auto names = lp::available_solvers();
  EXPECT_TRUE(contains(names, "clp"));
  EXPECT_TRUE(contains(names, "cbc"));
  EXPECT_TRUE(std::is_sorted(names.begin(), names.end()));
  EXPECT_FALSE(lp::solver_capabilities("clp").integers);
  EXPECT_TRUE(lp::solver_capabilities("clp").duals);
  EXPECT_TRUE(lp::solver_capabilities("clp").warm_start);
  EXPECT_TRUE(lp::solver_capabilities("cbc").integers);
  EXPECT_TRUE(lp::solver_capabilities("cbc").mip_start);
  EXPECT_EQ(lp::make_solver("cbc")->name(), "cbc");
  EXPECT_EQ(lp::make_solver("clp")->name(), "clp");
  lp::register_builtin_backends();  // harmless again
  EXPECT_EQ(lp::available_solvers(), names);
}

TEST(Registry, UnknownNameIsAnInputErrorListingTheAvailableOnes) {
  try {
    lp::make_solver("gurobi");
    FAIL() << "no InputError";
  } catch (const ehub::InputError& e) {
    const std::string w = e.what();
    EXPECT_NE(w.find("unknown solver 'gurobi'"), std::string::npos) << w;
    EXPECT_NE(w.find("cbc, clp"), std::string::npos) << w;
  }
  EXPECT_THROW(lp::solver_capabilities("gurobi"), ehub::InputError);
  EXPECT_THROW(lp::solve(lp::Model{}, "gurobi"), ehub::InputError);
  EXPECT_FALSE(lp::unregister_solver("gurobi"));
}

TEST(Registry, AUsersBackendIsFirstClass) {
  lp::register_solver("toy", [] { return std::make_unique<BoundsOnly>(); }, lp::Capabilities{});
  EXPECT_TRUE(contains(lp::available_solvers(), "toy"));
  EXPECT_FALSE(lp::solver_capabilities("toy").integers);

  // min 2a - 3b + c + 4 with a in [1, 5], b in [-2, 3], c in [0, 7]: a = 1, b = 3, c = 0,
  // z = 2 - 9 + 0 + 4 = -3.
  lp::Model m;
  m.add_var(1, 5, 2);
  m.add_var(-2, 3, -3);
  m.add_var(0, 7, 1);
  m.set_obj_constant(4);
  auto r = lp::solve(m, "toy");
  ASSERT_EQ(r.status, Status::optimal);
  EXPECT_DOUBLE_EQ(r.objective, -3);
  EXPECT_EQ(r.x, (std::vector<double>{1, 3, 0}));
  // Same answer from the built-in backends.
  for (const char* b : {"clp", "cbc"}) EXPECT_NEAR(lp::solve(m, b).objective, -3, 1e-9) << b;
  m.set_sense(lp::Sense::maximize);  // a = 5, b = -2, c = 7: 10 + 6 + 7 + 4 = 27
  EXPECT_DOUBLE_EQ(lp::solve(m, "toy").objective, 27);
  m.set_var_bounds(2, 0, lp::kInf);
  EXPECT_EQ(lp::solve(m, "toy").status, Status::unbounded);

  EXPECT_TRUE(lp::unregister_solver("toy"));
  EXPECT_FALSE(contains(lp::available_solvers(), "toy"));
  EXPECT_THROW(lp::make_solver("toy"), ehub::InputError);
}

TEST(Registry, BuiltinsDoNotReplaceAUsersBackendOfTheSameName) {
  lp::register_solver("clp", [] { return std::make_unique<BoundsOnly>(); }, lp::Capabilities{});
  lp::register_builtin_backends();
  EXPECT_EQ(lp::make_solver("clp")->name(), "toy");
  EXPECT_TRUE(lp::unregister_solver("clp"));
  EXPECT_FALSE(contains(lp::available_solvers(), "clp"));
  lp::register_builtin_backends();  // brings the built-in back
  EXPECT_EQ(lp::make_solver("clp")->name(), "clp");
}

TEST(Registry, AnUnavailableBackendIsRegisteredButNotAvailable) {
  // A backend whose library is missing (as "highs" without libhighs): listed among the registered
  // ones with its capabilities, not among the available ones; make_solver() refuses with the reason.
  int factory_calls = 0;
  lp::register_solver(
      "absent",
      [&factory_calls] {
        ++factory_calls;
        return std::make_unique<BoundsOnly>();
      },
      lp::Capabilities{.integers = true}, [] { return lp::Availability{false, "libabsent.so not found in /opt/absent"}; });
  EXPECT_TRUE(contains(lp::registered_solvers(), "absent"));
  EXPECT_FALSE(contains(lp::available_solvers(), "absent"));
  EXPECT_TRUE(lp::solver_capabilities("absent").integers);
  EXPECT_FALSE(lp::is_available("absent"));
  EXPECT_EQ(lp::solver_availability("absent").reason, "libabsent.so not found in /opt/absent");
  try {
    (void)lp::make_solver("absent");
    FAIL() << "no SolverError";
  } catch (const ehub::SolverError& e) {
    EXPECT_EQ(e.backend(), "absent");
    EXPECT_NE(std::string(e.what()).find("libabsent.so not found in /opt/absent"), std::string::npos) << e.what();
  }
  EXPECT_EQ(factory_calls, 0);
  EXPECT_TRUE(lp::unregister_solver("absent"));
  // Unknown names: not available; their availability is an InputError like their capabilities.
  EXPECT_FALSE(lp::is_available("absent"));
  EXPECT_THROW(lp::solver_availability("absent"), ehub::InputError);
  // Built-ins without a probe are available.
  EXPECT_TRUE(lp::is_available("clp"));
  EXPECT_TRUE(lp::solver_availability("cbc").available);
  EXPECT_TRUE(lp::solver_availability("cbc").reason.empty());
}

TEST(Registry, RejectsEmptyNamesAndFactories) {
  EXPECT_THROW(lp::register_solver("", [] { return std::make_unique<BoundsOnly>(); }, {}), ehub::InputError);
  EXPECT_THROW(lp::register_solver("x", nullptr, {}), ehub::InputError);
  lp::register_solver("null", [] { return std::unique_ptr<lp::Solver>(); }, {});
  EXPECT_THROW(lp::make_solver("null"), ehub::SolverError);
  EXPECT_TRUE(lp::unregister_solver("null"));
}

TEST(Registry, ConcurrentUseIsSafe) {
  std::atomic<int> failures{0};
  std::vector<std::thread> pool;
  for (int t = 0; t < 4; ++t) {
    pool.emplace_back([t, &failures] {
      const std::string mine = "toy" + std::to_string(t);
      for (int k = 0; k < 200; ++k) {
        lp::register_solver(mine, [] { return std::make_unique<BoundsOnly>(); }, {});
        if (!lp::make_solver(mine) || !lp::make_solver("cbc")) ++failures;
        if (!contains(lp::available_solvers(), "clp")) ++failures;
        if (!lp::unregister_solver(mine)) ++failures;
      }
    });
  }
  for (auto& th : pool) th.join();
  EXPECT_EQ(failures.load(), 0);
}

TEST(StatusNames, RoundTripAndUnknown) {
  const std::vector<std::pair<Status, std::string>> all = {
      {Status::optimal, "optimal"},     {Status::feasible, "feasible"},
      {Status::infeasible, "infeasible"}, {Status::unbounded, "unbounded"},
      {Status::infeasible_or_unbounded, "infeasible_or_unbounded"},
      {Status::time_limit, "time_limit"}, {Status::error, "error"}};
  for (const auto& [s, n] : all) {
    EXPECT_EQ(lp::to_string(s), n);
    EXPECT_EQ(lp::status_from_string(n), s);
  }
  EXPECT_EQ(static_cast<int>(Status::time_limit), 5);  // explicit, append-only numbers
  EXPECT_THROW(lp::status_from_string("Optimal"), ehub::InputError);
  EXPECT_TRUE(lp::has_solution(Status::feasible));
  EXPECT_FALSE(lp::has_solution(Status::time_limit));
}

TEST(SolveOptions, ValidateNamesTheBadField) {
  auto path_of = [](const lp::SolveOptions& o) -> std::string {
    try {
      o.validate();
    } catch (const ehub::InputError& e) {
      return e.path();
    }
    return "";
  };
  lp::SolveOptions o;
  EXPECT_EQ(path_of(o), "");
  o.time_limit_s = 0;
  EXPECT_EQ(path_of(o), "/time_limit_s");
  o = {};
  o.time_limit_s = std::nan("");
  EXPECT_EQ(path_of(o), "/time_limit_s");
  o = {};
  o.mip_gap = -0.1;
  EXPECT_EQ(path_of(o), "/mip_gap");
  o = {};
  o.threads = 0;
  EXPECT_EQ(path_of(o), "/threads");
  o = {};
  o.verbosity = 4;
  EXPECT_EQ(path_of(o), "/verbosity");
  o = {};
  o.mip_start = {0, std::nan("")};
  EXPECT_EQ(path_of(o), "/mip_start/1");
  o = {};
  o.backend_options[""] = "x";
  EXPECT_EQ(path_of(o), "/backend_options");
}

TEST(SolveResult, BriefReport) {
  lp::SolveResult r;
  r.status = Status::optimal;
  r.objective = 13;
  r.solver = "cbc";
  r.seconds = 0.125;
  r.nodes = 35;
  EXPECT_EQ(r.brief_report(), "optimal obj=13 (cbc, 0.125 s, 35 nodes)");
  r.status = Status::feasible;
  r.best_bound = 10;
  r.gap = 0.3;
  EXPECT_EQ(r.brief_report(), "feasible obj=13 bound=10 gap=30% (cbc, 0.125 s, 35 nodes)");
  r.status = Status::infeasible;
  r.nodes = 0;
  r.iterations = 1;
  r.solver = "clp";
  EXPECT_EQ(r.brief_report(), "infeasible (clp, 0.125 s, 1 iteration)");
}
