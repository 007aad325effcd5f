// Issue 14: a wrong "optimal" from Cbc with huge battery powers (big-M from the rated power),
// the result check against the LP relaxation, and scenario inputs that used to crash or fail only
// after the solve (huge step counts, endless CSV devices, names that HDF5 cannot hold).
#include <gtest/gtest.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "ehub/core/error.hpp"
#include "ehub/dispatch/dispatch.hpp"
#include "ehub/hub/scenario.hpp"
#include "ehub/lp/model.hpp"
#include "ehub/lp/solver.hpp"

using nlohmann::json;
namespace d = ehub::dispatch;
using ehub::InputError;

namespace {

const std::string kRobust = std::string(EHUB_TEST_DATA_DIR) + "/robust/";

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

// Four hours at 1, 2, 1, 2 CNY/kWh, a 100 kW load and a lossless 100 kWh battery that starts
// empty. By hand: charge 100 kWh in each cheap hour (200 kWh bought at 1) and serve the load from
// the battery in each dear hour: 2 x 200 x 1 = 400 CNY; without the battery 100 x 6 = 600 CNY.
json arbitrage(double power_kw) {
  return json{
      {"name", "arbitrage"},
      {"time", {{"start", "2025-01-01T00:00:00+08:00"}, {"step_minutes", 60}, {"steps", 4}}},
      {"buses", json::array({{{"name", "el"}, {"carrier", "electricity"}}})},
      {"devices",
       json::array({{{"name", "grid"}, {"type", "grid"}, {"bus", "el"}, {"buy_price_per_kwh", {1, 2, 1, 2}},
                     {"sell_price_per_kwh", 0}, {"emission_factor_kg_per_kwh", 0.5}},
                    {{"name", "battery"}, {"type", "battery"}, {"bus", "el"}, {"energy_kwh", 100},
                     {"power_kw", power_kw}, {"charge_efficiency", 1}, {"discharge_efficiency", 1}, {"soc_min", 0},
                     {"soc_max", 1}, {"soc_initial", 0}, {"end_condition", "free"}},
                    {{"name", "load"}, {"type", "load"}, {"bus", "el"}, {"profile_kw", 100}}})}};
}

TEST(RobustDispatch, HugeBatteryPowerGivesTheHandOptimum) {
  // Cbc answered "optimal" 600 (battery unused) for power_kw 1e10 and 1e12 before big-M came
  // from what the battery can do in a step (100 kWh per hour here).
  for (const double p : {100.0, 1e6, 1e10, 1e12, 1e15}) {
    const auto sc = ehub::hub::scenario_from_json(arbitrage(p), "arbitrage.json", ".");
    const d::Result r = d::solve(sc, {});
    ASSERT_EQ(r.status, ehub::lp::Status::optimal) << p;
    EXPECT_NEAR(r.objective, 400.0, 1e-6) << "power_kw " << p << ": " << r.message;
  }
}

TEST(RobustDispatch, ReproBatteryFilesMatchTheirRelaxation) {
  // The campaign's park (400 kWh battery with power_kw 1e12): a 200 kW battery gives a feasible
  // 7158.61 and the LP relaxation (Clp) finds 7158.61, so the MILP optimum is 7158.61; Cbc said
  // 7523.92 before. battery_1e10.json (1e10 kWh, 1e10 kW): the MILP optimum equals its relaxation.
  {
    const auto sc = ehub::hub::load_scenario(kRobust + "battery_power_1e12.json");
    const d::Result r = d::solve(sc, {});
    ASSERT_EQ(r.status, ehub::lp::Status::optimal);
    EXPECT_NEAR(r.objective, 7158.61, 0.01) << r.message;
  }
  {
    const auto sc = ehub::hub::load_scenario(kRobust + "battery_1e10.json");
    d::Options relax;
    relax.relax_integers = true;
    relax.solver = "clp";
    const double bound = d::solve(sc, relax).objective;
    const d::Result r = d::solve(sc, {});
    ASSERT_EQ(r.status, ehub::lp::Status::optimal);
    EXPECT_LE(r.objective, bound + 1e-4 * std::abs(bound)) << r.message;
    EXPECT_GE(r.objective, bound - 1e-6 * std::abs(bound));
  }
}

// A real backend that returns a wrong "optimal": Cbc on the model with every integer fixed at its
// lower bound (the battery may never charge), reported as optimal for the model it was given.
class CbcWithIntegersAtZero final : public ehub::lp::Solver {
 public:
  std::string name() const override { return "cbc_integers_at_zero"; }
  ehub::lp::Capabilities capabilities() const override { return ehub::lp::solver_capabilities("cbc"); }
  void load(const ehub::lp::Model& model) override {
    ehub::lp::Model m = model;
    for (std::int32_t j = 0; j < m.num_vars(); ++j)
      if (m.col_type()[static_cast<std::size_t>(j)] != ehub::lp::VarType::continuous)
        m.set_var_bounds(j, m.col_lower()[static_cast<std::size_t>(j)], m.col_lower()[static_cast<std::size_t>(j)]);
    inner_->load(m);
  }
  ehub::lp::SolveResult solve(const ehub::lp::SolveOptions& o) override {
    auto r = inner_->solve(o);
    r.solver = name();
    return r;
  }
  void set_objective_coefficient(std::int32_t v, double c) override { inner_->set_objective_coefficient(v, c); }
  void set_var_bounds(std::int32_t v, double lb, double ub) override { inner_->set_var_bounds(v, lb, ub); }
  void set_row_bounds(std::int32_t r, double lb, double ub) override { inner_->set_row_bounds(r, lb, ub); }

 private:
  std::unique_ptr<ehub::lp::Solver> inner_ = ehub::lp::make_solver("cbc");
};

TEST(RobustDispatch, WrongOptimalIsCaughtByTheRelaxationCheck) {
  ehub::lp::register_solver("cbc_integers_at_zero", [] { return std::make_unique<CbcWithIntegersAtZero>(); },
                            ehub::lp::solver_capabilities("cbc"));
  const auto sc = ehub::hub::scenario_from_json(arbitrage(100), "arbitrage.json", ".");
  d::Options o;
  o.solver = "cbc_integers_at_zero";
  o.relaxation_check = false;
  EXPECT_NEAR(d::solve(sc, o).objective, 600.0, 1e-6);  // the wrong answer, unchecked
  o.relaxation_check = true;
  const d::Result r = d::solve(sc, o);
  EXPECT_EQ(r.status, ehub::lp::Status::optimal);
  EXPECT_NEAR(r.objective, 400.0, 1e-6);
  EXPECT_NE(r.message.find("reported optimal at 600"), std::string::npos) << r.message;
  ehub::lp::unregister_solver("cbc_integers_at_zero");
}

// ---- scenario inputs that crashed or failed late --------------------------------------------

json tiny(json buses, json devices, std::int64_t steps = 2) {
  return json{{"time", {{"start", "2025-01-01T00:00:00Z"}, {"step_minutes", 60}, {"steps", steps}}},
              {"buses", std::move(buses)},
              {"devices", std::move(devices)}};
}

json grid_and_load(const std::string& bus, const std::string& load_name = "load") {
  return json::array({{{"name", "grid"}, {"type", "grid"}, {"bus", bus}, {"buy_price_per_kwh", 1}},
                      {{"name", load_name}, {"type", "load"}, {"bus", bus}, {"profile_kw", 10}}});
}

TEST(RobustScenario, HugeStepCountIsAnInputErrorNotBadAlloc) {
  const InputError e = input_error([] {
    ehub::hub::scenario_from_json(tiny(json::array({{{"name", "el"}, {"carrier", "electricity"}}}), grid_and_load("el"), 1000000000),
                                  "big.json", ".");
  });
  EXPECT_EQ(e.file(), "big.json");
  EXPECT_EQ(e.path(), "/time/steps");
  EXPECT_NE(e.detail().find("at most 1051920"), std::string::npos) << e.what();
}

TEST(RobustScenario, EndlessCsvIsAnInputErrorNamingTheCsv) {
  json j = tiny(json::array({{{"name", "el"}, {"carrier", "electricity"}}}), grid_and_load("el"));
  j["devices"][1]["profile_kw"] = {{"csv", "/dev/zero"}, {"column", "x"}};
  const InputError e = input_error([&] { ehub::hub::scenario_from_json(j, "zero.json", "."); });
  EXPECT_EQ(e.file(), "zero.json");
  EXPECT_EQ(e.path(), "/devices/1/profile_kw/csv");
  EXPECT_NE(e.detail().find("/dev/zero"), std::string::npos) << e.what();
  EXPECT_NE(e.detail().find("bytes"), std::string::npos) << e.what();
}

TEST(RobustScenario, NamesHdf5CannotHoldAreRefusedUpFront) {
  for (const std::string& bad : std::vector<std::string>{".", "..", std::string("a\0b", 3), "tab\there", "\xff"}) {
    const InputError b = input_error([&] {
      ehub::hub::scenario_from_json(tiny(json::array({{{"name", bad}, {"carrier", "electricity"}}}), grid_and_load(bad)),
                                    "names.json", ".");
    });
    EXPECT_EQ(b.path(), "/buses/0/name") << b.what();
    const InputError dev = input_error([&] {
      ehub::hub::scenario_from_json(tiny(json::array({{{"name", "el"}, {"carrier", "electricity"}}}), grid_and_load("el", bad)),
                                    "names.json", ".");
    });
    EXPECT_EQ(dev.path(), "/devices/1/name") << dev.what();
    EXPECT_EQ(ehub::printable_utf8(dev.what()), dev.what());
  }
  // Two names that differed only after a NUL used to collide in HDF5; now neither loads.
  EXPECT_NO_THROW(ehub::hub::scenario_from_json(
      tiny(json::array({{{"name", "el"}, {"carrier", "electricity"}}}), grid_and_load("el", "load.1")), "ok.json", "."));
}

}  // namespace
