// Huge and infinite numbers (issue 14): inputs found by fuzzing that made COIN-OR Clp abort on an
// assertion (objective coefficients of 1e25..1e30, bounds of +-1e308) or gave errors without the
// file and line. Every one must now be an InputError naming the place, or a clean solve in which
// bounds of magnitude >= 1e20 mean infinity (docs/lp.md, "Huge and infinite values").
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "ehub/core/error.hpp"
#include "ehub/lp/model.hpp"
#include "ehub/lp/mps.hpp"
#include "ehub/lp/solver.hpp"

using ehub::InputError;
using ehub::lp::kInf;
using ehub::lp::Model;
using ehub::lp::Status;

namespace {

const std::string kRobust = std::string(EHUB_TEST_DATA_DIR) + "/robust/";

// Runs f, which must throw InputError, and returns the error.
template <typename F>
InputError input_error(F&& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e;
  }
  ADD_FAILURE() << "expected an InputError";
  return InputError("", "", "");
}

TEST(RobustLp, HugeObjectiveCoefficientInMpsNamesFileAndLine) {
  // "x obj -1e25" on line 7: Clp aborted in ClpSimplex::createRim.
  const std::string f = kRobust + "mps_obj_m1e25_abort.mps";
  const InputError e = input_error([&] { ehub::lp::read_mps(f); });
  EXPECT_EQ(e.file(), f);
  EXPECT_EQ(e.path(), "line 7");
  EXPECT_NE(e.detail().find("-1e+25"), std::string::npos) << e.what();
  const InputError e2 = input_error([&] { ehub::lp::read_mps(kRobust + "mps_clp_assert_createRim.mps"); });
  EXPECT_EQ(e2.path(), "line 8");
}

TEST(RobustLp, InfiniteCoefficientInMpsNamesFileAndLine) {
  const std::string f = kRobust + "mps_coef_inf_no_filename.mps";
  const InputError e = input_error([&] { ehub::lp::read_mps(f); });
  EXPECT_EQ(e.file(), f);
  EXPECT_EQ(e.path(), "line 6");
  EXPECT_NE(e.detail().find("not finite"), std::string::npos) << e.what();
}

TEST(RobustLp, UpperBoundMinus1e308InMpsIsMinusInfinity) {
  // "UP BND y -1e308": Clp aborted in ClpSimplexPrimal. An upper bound of -inf leaves y no value.
  for (const auto& [file, line] : std::vector<std::pair<std::string, std::string>>{
           {"mps_up_m1e308_abort.mps", "line 9"}, {"mps_clp_assert_primal.mps", "line 11"}}) {
    const std::string name = file;  // (clang 14 cannot capture a structured binding)
    const InputError e = input_error([&] { ehub::lp::read_mps(kRobust + name); });
    EXPECT_EQ(e.file(), kRobust + name);
    EXPECT_EQ(e.path(), line) << e.what();
    EXPECT_NE(e.detail().find("-inf"), std::string::npos) << e.what();
  }
  const InputError lo = input_error([&] {
    ehub::lp::read_mps_string("NAME t\nROWS\n N obj\n G c1\nCOLUMNS\n x c1 1\nBOUNDS\n LO BND x 1e308\nENDATA\n", "lo.mps");
  });
  EXPECT_EQ(lo.path(), "line 8");
}

TEST(RobustLp, ModelApiRejectsCoefficientsBeyondTheLimitBeforeTheBackend) {
  for (const char* solver : {"clp", "cbc"}) {
    Model m;
    const auto x = m.add_var(0, 10, -1e25);
    m.add_row(-kInf, 5, std::vector{x}, std::vector{1.0});
    const InputError e = input_error([&] { ehub::lp::solve(m, solver); });
    EXPECT_EQ(e.path(), "/vars/0") << solver;
    Model a;
    const auto y = a.add_var(0, 10, 1.0);
    a.add_row(-kInf, 5, std::vector{y}, std::vector{1e16});
    EXPECT_EQ(input_error([&] { ehub::lp::solve(a, solver); }).path(), "/rows/0") << solver;
  }
  // The limit itself is allowed: min -1e15 x, x <= 5 has the optimum -5e15 at x = 5.
  Model ok;
  const auto x = ok.add_var(0, 10, -1e15);
  ok.add_row(-kInf, 5, std::vector{x}, std::vector{1.0});
  const auto r = ehub::lp::solve(ok, "clp");
  ASSERT_EQ(r.status, Status::optimal);
  EXPECT_DOUBLE_EQ(r.objective, -5e15);
}

TEST(RobustLp, BoundsBeyond1e20AreInfinite) {
  // max x + y with x <= 1e25 (no bound) and x + y <= 7, y in [0, 3]: 7, for every backend.
  for (const char* solver : {"clp", "cbc"}) {
    Model m;
    m.set_sense(ehub::lp::Sense::maximize);
    const auto x = m.add_var(-1e308, 1e25, 1.0), y = m.add_var(0, 3, 1.0);
    m.add_row(-1e30, 7, std::vector{x, y}, std::vector{1.0, 1.0});
    const auto r = ehub::lp::solve(m, solver);
    ASSERT_EQ(r.status, Status::optimal) << solver;
    EXPECT_NEAR(r.objective, 7.0, 1e-9) << solver;
    // Without the row, x is unbounded: 1e25 is no bound.
    Model u;
    u.set_sense(ehub::lp::Sense::maximize);
    u.add_var(0, 1e25, 1.0);
    const auto ru = ehub::lp::solve(u, solver);
    EXPECT_TRUE(ru.status == Status::unbounded || ru.status == Status::infeasible_or_unbounded)
        << solver << " " << ehub::lp::to_string(ru.status);
  }
  // A lower bound of 1e308 leaves no value: an InputError, not an abort inside the backend.
  Model bad;
  bad.add_var(1e308, kInf, 1.0);
  EXPECT_EQ(input_error([&] { ehub::lp::solve(bad, "clp"); }).path(), "/vars/0");
}

}  // namespace
