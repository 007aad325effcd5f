// The "highs" backend's loading: found where the tests' environment has it (cmake/ehub.sh installs
// highsbox into the project's .venv), registered with its capabilities, refusing libraries of an
// incompatible version or without the C API, and HiGHS's own option names as backend options.
// Its solving is tested with every other backend's in test_solvers.cpp.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <string>

#include "ehub/core/error.hpp"
#include "ehub/lp/highs.hpp"
#include "ehub/lp/model.hpp"
#include "ehub/lp/solver.hpp"

namespace lp = ehub::lp;

namespace {

bool required() {
  const char* r = std::getenv("EHUB_REQUIRE_HIGHS");
  return r && std::string(r) == "1";
}

// max 3x + 5y s.t. x <= 4, 2y <= 12, 3x + 2y <= 18: (2, 6), z = 36 (Hillier & Lieberman, ch. 3).
lp::Model wyndor() {
  lp::Model m;
  m.set_sense(lp::Sense::maximize);
  m.add_var(0, lp::kInf, 3);
  m.add_var(0, lp::kInf, 5);
  m.add_row(-lp::kInf, 4, std::vector<std::int32_t>{0}, std::vector<double>{1});
  m.add_row(-lp::kInf, 12, std::vector<std::int32_t>{1}, std::vector<double>{2});
  m.add_row(-lp::kInf, 18, std::vector<std::int32_t>{0, 1}, std::vector<double>{3, 2});
  return m;
}

}  // namespace

TEST(Highs, AvailableWhereRequired) {
  const lp::HighsLibraryInfo info = lp::highs_library();
  if (!info.available) {
    if (required()) FAIL() << "EHUB_REQUIRE_HIGHS=1 but " << info.reason;
    GTEST_SKIP() << info.reason;
  }
  EXPECT_FALSE(info.path.empty());
  EXPECT_EQ(info.version.rfind("1.", 0), 0u) << info.version;
  ASSERT_FALSE(info.searched.empty());
  EXPECT_NE(info.searched.back().find("loaded"), std::string::npos) << info.searched.back();
  EXPECT_TRUE(lp::is_available("highs"));
  const auto names = lp::available_solvers();
  EXPECT_NE(std::find(names.begin(), names.end(), "highs"), names.end());
}

TEST(Highs, RegisteredWithItsCapabilitiesEvenWhenUnavailable) {
  const auto all = lp::registered_solvers();
  ASSERT_NE(std::find(all.begin(), all.end(), "highs"), all.end());
  const lp::Capabilities c = lp::solver_capabilities("highs");
  EXPECT_TRUE(c.integers && c.duals && c.warm_start && c.mip_start && c.interior_point && c.time_limit && c.mip_gap &&
              c.threads);
  const lp::Availability a = lp::solver_availability("highs");
  if (!a.available) {
    // The reason says where ehub looked, and make_solver() refuses with it.
    EXPECT_NE(a.reason.find("looked in"), std::string::npos) << a.reason;
    try {
      (void)lp::make_solver("highs");
      FAIL() << "no SolverError";
    } catch (const ehub::SolverError& e) {
      EXPECT_EQ(e.backend(), "highs");
      EXPECT_NE(std::string(e.what()).find("EHUB_HIGHS_LIBRARY"), std::string::npos) << e.what();
    }
  }
}

TEST(Highs, AnOldVersionIsRefusedWithItsVersion) {
  const lp::HighsLibraryInfo info = lp::probe_highs_library(EHUB_FAKE_HIGHS_OLD);
  EXPECT_FALSE(info.available);
  EXPECT_EQ(info.version, "0.9.3");
  EXPECT_NE(info.reason.find("HiGHS 0.9.3 is not supported"), std::string::npos) << info.reason;
  EXPECT_NE(info.reason.find(EHUB_FAKE_HIGHS_OLD), std::string::npos) << info.reason;
}

TEST(Highs, ALibraryWithoutTheCApiIsRefusedNamingWhatIsMissing) {
  const lp::HighsLibraryInfo info = lp::probe_highs_library(EHUB_FAKE_HIGHS_PARTIAL);
  EXPECT_FALSE(info.available);
  EXPECT_EQ(info.version, "1.8.3");
  EXPECT_NE(info.reason.find("lacks the C function Highs_version"), std::string::npos) << info.reason;
}

TEST(Highs, AFileThatIsNoLibraryIsRefused) {
  const std::string path = std::string(EHUB_TEST_DATA_DIR) + "/lp/README.md";
  const lp::HighsLibraryInfo info = lp::probe_highs_library(path);
  EXPECT_FALSE(info.available);
  EXPECT_TRUE(info.version.empty());
  EXPECT_NE(info.reason.find(path), std::string::npos) << info.reason;
  const lp::HighsLibraryInfo none = lp::probe_highs_library("/nonexistent/libhighs.so");
  EXPECT_FALSE(none.available);
  EXPECT_NE(none.reason.find("/nonexistent/libhighs.so"), std::string::npos) << none.reason;
}

TEST(Highs, TheLoadedLibraryProbesAsAvailable) {
  const lp::HighsLibraryInfo info = lp::highs_library();
  if (!info.available) GTEST_SKIP() << info.reason;
  const lp::HighsLibraryInfo again = lp::probe_highs_library(info.path);
  EXPECT_TRUE(again.available) << again.reason;
  EXPECT_EQ(again.version, info.version);
}

TEST(Highs, HighsOptionsByNameAndUnknownOnesWarned) {
  if (!lp::is_available("highs")) GTEST_SKIP() << lp::solver_availability("highs").reason;
  lp::SolveOptions o;
  o.backend_options = {{"highs:no_such_option", "1"},
                       {"highs:simplex_scale_strategy", "0"},  // int
                       {"highs:primal_feasibility_tolerance", "1e-8"},  // double
                       {"highs:allow_unbounded_or_infeasible", "off"},  // bool
                       {"highs:simplex_strategy", "4"},
                       {"cbc:cuts", "off"}};  // another backend's: silently skipped
  const auto r = lp::solve(wyndor(), "highs", o);
  ASSERT_EQ(r.status, lp::Status::optimal) << r.message;
  EXPECT_NEAR(r.objective, 36.0, 1e-9);
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_NE(r.warnings[0].find("highs:no_such_option"), std::string::npos) << r.warnings[0];
  o.backend_options = {{"highs:simplex_strategy", "many"}};
  EXPECT_THROW(lp::solve(wyndor(), "highs", o), ehub::InputError);
  o.backend_options = {{"highs:simplex_strategy", "99"}};  // out of HiGHS's range [0, 4]
  EXPECT_THROW(lp::solve(wyndor(), "highs", o), ehub::InputError);
  o.backend_options = {{"highs:presolve", "sometimes"}};  // a string option HiGHS checks itself
  EXPECT_THROW(lp::solve(wyndor(), "highs", o), ehub::InputError);
}
