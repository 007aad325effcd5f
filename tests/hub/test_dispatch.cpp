// Dispatch of minimal hubs, one device type at a time, against optima computed by hand (the
// arithmetic is in each test's comment), plus the result invariants and the cost breakdown.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "ehub/core/error.hpp"
#include "ehub/dispatch/dispatch.hpp"
#include "ehub/hub/scenario.hpp"
#include "ehub/io/hdf5.hpp"
#include "ehub/lp/glpk.hpp"

using nlohmann::json;
namespace d = ehub::dispatch;

// The GLPK backend lives in ehub::glpk and registers explicitly.
static const bool kGlpkRegistered = [] {
  ehub::lp::register_glpk_backend();
  return true;
}();

namespace {

// A scenario with `steps` hourly steps from 2025-01-01 00:00 +08:00 and the given buses/devices.
json scenario(int steps, json buses, json devices, double carbon_price_per_t = 0) {
  return json{{"name", "test"},
              {"time", {{"start", "2025-01-01T00:00:00+08:00"}, {"step_minutes", 60}, {"steps", steps}}},
              {"carbon_price_per_t", carbon_price_per_t},
              {"buses", buses},
              {"devices", devices}};
}

json el_bus() { return json::array({{{"name", "el"}, {"carrier", "electricity"}}}); }

json grid(json buy, double sell = 0.0, double import_limit = -1) {
  json g{{"name", "grid"}, {"type", "grid"}, {"bus", "el"}, {"buy_price_per_kwh", buy}, {"sell_price_per_kwh", sell},
         {"emission_factor_kg_per_kwh", 0.5}};
  if (import_limit >= 0) g["import_limit_kw"] = import_limit;
  return g;
}

json load(const std::string& bus, json profile, const std::string& carrier = "electricity") {
  return json{{"name", "load_" + bus}, {"type", "load"}, {"bus", bus}, {"carrier", carrier}, {"profile_kw", profile}};
}

// The MILP backends the dispatch tests run on: cbc, glpk, and highs where its library is found
// (cmake/ehub.sh installs it; ehub_lp_tests' Highs.AvailableWhereRequired fails when it is missing there).
std::vector<std::string> milp_solvers() {
  std::vector<std::string> s = {"cbc", "glpk"};
  if (ehub::lp::is_available("highs")) s.push_back("highs");
  return s;
}

d::Result run(const json& j, const std::string& solver = "cbc", bool relax = false) {
  const auto sc = ehub::hub::scenario_from_json(j, "test.json", ".");
  d::Options o;
  o.solver = solver;
  o.relax_integers = relax;
  return d::solve(sc, o);
}

const d::FlowSeries& flow(const d::Result& r, const std::string& device, const std::string& port) {
  for (const auto& f : r.flows)
    if (f.device == device && f.port == port) return f;
  throw std::runtime_error("no flow " + device + "." + port);
}

const d::StateSeries& state(const d::Result& r, const std::string& device, const std::string& name) {
  for (const auto& s : r.states)
    if (s.device == device && s.name == name) return s;
  throw std::runtime_error("no state " + device + "." + name);
}

}  // namespace

TEST(Dispatch, PvGridLoad) {
  // Load 100 kW for 2 h; PV 100 kWp available 0.5 then 1.0 -> PV 50, 100; grid 50, 0 at 1.0/kWh.
  json j = scenario(2, el_bus(), json::array({grid(1.0), load("el", {100, 100}),
                                             {{"name", "pv"}, {"type", "pv"}, {"bus", "el"}, {"capacity_kw", 100},
                                              {"availability", {0.5, 1.0}}}}));
  for (const std::string& solver : milp_solvers()) {
    const auto r = run(j, solver);
    ASSERT_EQ(r.status, ehub::lp::Status::optimal) << solver;
    EXPECT_NEAR(r.objective, 50.0, 1e-6);
    EXPECT_NEAR(flow(r, "pv", "el").kw[0], 50.0, 1e-6);
    EXPECT_NEAR(flow(r, "grid", "el").kw[0], 50.0, 1e-6);
    EXPECT_NEAR(flow(r, "load_el", "in").kw[1], -100.0, 1e-9);
    EXPECT_NEAR(r.kpis.grid_import_kwh, 50.0, 1e-6);
    EXPECT_NEAR(r.kpis.emissions_kg, 25.0, 1e-6);  // 50 kWh x 0.5 kg/kWh
    EXPECT_NEAR(r.kpis.green_share, 150.0 / 200.0, 1e-9);
    EXPECT_NEAR(r.kpis.cost.at("grid_energy"), 50.0, 1e-6);
  }
}

TEST(Dispatch, CurtailmentAndExport) {
  // PV 300 kW available, load 100, export limit 150 at 0.3/kWh: export 150 (revenue 45),
  // curtail 50 kWh; cost -45.
  json g = grid(1.0, 0.3);
  g["export_limit_kw"] = 150;
  json j = scenario(1, el_bus(), json::array({g, load("el", {100}),
                                             {{"name", "pv"}, {"type", "pv"}, {"bus", "el"}, {"capacity_kw", 300},
                                              {"availability", {1.0}}}}));
  const auto r = run(j, "clp", true);
  ASSERT_EQ(r.status, ehub::lp::Status::optimal);
  EXPECT_NEAR(r.objective, -45.0, 1e-6);
  EXPECT_NEAR(r.kpis.curtailment_kwh, 50.0, 1e-6);
  EXPECT_NEAR(r.kpis.grid_export_kwh, 150.0, 1e-6);
  ASSERT_EQ(r.prices.size(), 1u);
  // One more kWh of load would be served by curtailed PV: marginal price 0... but exports are
  // capped and PV is curtailed, so the bus price is 0 (free PV).
  EXPECT_NEAR(r.prices[0].per_kwh[0], 0.0, 1e-9);
}

TEST(Dispatch, BatteryArbitrageWithLosses) {
  // Prices 0.2 then 1.0, load 100 kW both hours; battery 100 kWh / 100 kW, 0.9 each way, empty at
  // start, cyclic (end >= start = 0). Charging c at t0 gives 0.81 c at t1; worth it: 0.81 > 0.2.
  // c = 100 (power limit): cost 0.2 * 200 + 1.0 * (100 - 81) = 59.
  json bat{{"name", "bat"}, {"type", "battery"}, {"bus", "el"}, {"energy_kwh", 100}, {"power_kw", 100},
           {"charge_efficiency", 0.9}, {"discharge_efficiency", 0.9}, {"soc_initial", 0.0}};
  json j = scenario(2, el_bus(), json::array({grid({0.2, 1.0}), load("el", {100, 100}), bat}));
  for (const std::string& solver : milp_solvers()) {
    const auto r = run(j, solver);
    ASSERT_EQ(r.status, ehub::lp::Status::optimal) << solver;
    EXPECT_NEAR(r.objective, 59.0, 1e-6) << solver;
    EXPECT_NEAR(state(r, "bat", "soc_kwh").values[0], 90.0, 1e-6);
    EXPECT_NEAR(flow(r, "bat", "el").kw[1], 81.0, 1e-6);
    EXPECT_NEAR(r.kpis.storage_cycles.at("bat"), 0.81, 1e-6);  // 81 kWh out of 100 kWh
  }
}

TEST(Dispatch, ChpCoversHeatAndPower) {
  // CHP 100 kW el, 40 % el / 40 % th: full load burns 250 kW gas, gives 100 kW heat. Gas 2.0 per
  // m3 at 10 kWh/m3 = 0.2 per kWh -> 50 per hour. Alternative: grid 100 x 1.0 + boiler
  // 50 / 0.9 x 0.2 = 111.1. So the CHP runs at full load, dumps 50 kW heat: cost 50;
  // emissions 250 kWh x 0.2 kg/kWh = 50 kg.
  json buses = json::array({{{"name", "el"}, {"carrier", "electricity"}},
                            {{"name", "heat"}, {"carrier", "heat"}},
                            {{"name", "gas"}, {"carrier", "gas"}}});
  json devs = json::array(
      {grid(1.0), load("el", {100}), load("heat", {50}, "heat"),
       {{"name", "gas"}, {"type", "gas_supply"}, {"bus", "gas"}, {"price_per_m3", 2.0},
        {"heating_value_kwh_per_m3", 10.0}, {"emission_factor_kg_per_m3", 2.0}},
       {{"name", "chp"}, {"type", "chp"}, {"capacity_kw", 100}, {"electric_efficiency", 0.4},
        {"thermal_efficiency", 0.4}, {"min_load", 0.3}, {"ports", {{"fuel", "gas"}, {"el", "el"}, {"heat", "heat"}}}},
       {{"name", "boiler"}, {"type", "gas_boiler"}, {"capacity_kw", 100}, {"efficiency", 0.9},
        {"ports", {{"in", "gas"}, {"out", "heat"}}}}});
  const auto r = run(scenario(1, buses, devs));
  ASSERT_EQ(r.status, ehub::lp::Status::optimal);
  EXPECT_NEAR(r.objective, 50.0, 1e-6);
  EXPECT_NEAR(flow(r, "chp", "el").kw[0], 100.0, 1e-6);
  EXPECT_NEAR(flow(r, "chp", "fuel").kw[0], -250.0, 1e-6);
  EXPECT_NEAR(r.kpis.emissions_kg_by_source.at("gas"), 50.0, 1e-6);
  EXPECT_NEAR(state(r, "chp", "on").values[0], 1.0, 1e-9);
}

TEST(Dispatch, ChpDumpedHeatIsReportedAsStateAndKpi) {
  // Issue 13 item 4. Three hours of the case above without the boiler: the CHP runs at full load
  // (100 kW el, 250 kW gas at 0.2/kWh = 50 per hour, against 100 per hour from the grid), makes
  // 0.4 x 250 = 100 kW heat of which the 50 kW heat load uses 50: 50 kW dumped per hour, 150 kWh
  // over the 3 hours. With "heat_dump": false the CHP must use all its heat: it can run only at
  // 50 kW heat = 125 kW gas = 50 kW el (min load 30), the grid buys 50 kW: cost 3 x (25 + 50) = 225.
  json buses = json::array({{{"name", "el"}, {"carrier", "electricity"}},
                            {{"name", "heat"}, {"carrier", "heat"}},
                            {{"name", "gas"}, {"carrier", "gas"}}});
  json chp = {{"name", "chp"}, {"type", "chp"}, {"capacity_kw", 100}, {"electric_efficiency", 0.4},
              {"thermal_efficiency", 0.4}, {"min_load", 0.3}, {"ports", {{"fuel", "gas"}, {"el", "el"}, {"heat", "heat"}}}};
  json devs = json::array(
      {grid(1.0), load("el", {100, 100, 100}), load("heat", {50, 50, 50}, "heat"),
       {{"name", "gas"}, {"type", "gas_supply"}, {"bus", "gas"}, {"price_per_m3", 2.0},
        {"heating_value_kwh_per_m3", 10.0}, {"emission_factor_kg_per_m3", 2.0}},
       chp});
  const auto r = run(scenario(3, buses, devs));
  ASSERT_EQ(r.status, ehub::lp::Status::optimal);
  EXPECT_NEAR(r.objective, 150.0, 1e-6);
  EXPECT_NEAR(r.kpis.heat_dumped_kwh, 150.0, 1e-6);
  for (int t = 0; t < 3; ++t) {
    EXPECT_NEAR(state(r, "chp", "heat_dumped_kw").values[static_cast<std::size_t>(t)], 50.0, 1e-6);
    EXPECT_NEAR(state(r, "chp", "heat_kw").values[static_cast<std::size_t>(t)], 50.0, 1e-6);
  }
  EXPECT_NEAR(d::kpis_json(r.kpis).at("heat_dumped_kwh").get<double>(), 150.0, 1e-6);
  devs[4]["heat_dump"] = false;
  const auto tied = run(scenario(3, buses, devs));
  ASSERT_EQ(tied.status, ehub::lp::Status::optimal);
  EXPECT_NEAR(tied.objective, 225.0, 1e-6);
  EXPECT_NEAR(tied.kpis.heat_dumped_kwh, 0.0, 1e-9);
}

TEST(Dispatch, ElectricChillerAndCarbonPrice) {
  // Cooling 400 kW with COP 4 needs 100 kW el at 0.5 -> 50; emissions 100 x 0.5 = 50 kg at a
  // carbon price of 100 per t -> 5; objective 55.
  json buses = json::array({{{"name", "el"}, {"carrier", "electricity"}}, {{"name", "cool"}, {"carrier", "cooling"}}});
  json devs = json::array({grid(0.5), load("cool", {400}, "cooling"),
                           {{"name", "ch"}, {"type", "electric_chiller"}, {"capacity_kw", 500}, {"cop", 4.0},
                            {"ports", {{"in", "el"}, {"out", "cool"}}}}});
  const auto r = run(scenario(1, buses, devs, 100.0), "clp", true);
  ASSERT_EQ(r.status, ehub::lp::Status::optimal);
  EXPECT_NEAR(r.objective, 55.0, 1e-6);
  EXPECT_NEAR(r.kpis.cost.at("carbon"), 5.0, 1e-9);
  EXPECT_NEAR(r.kpis.electricity_consumption_kwh, 100.0, 1e-6);
  // Marginal price of cooling: 1 kWh cooling = 0.25 kWh el x (0.5 + 0.05 carbon) = 0.1375.
  ASSERT_EQ(r.prices.size(), 2u);
  EXPECT_NEAR(r.prices[1].per_kwh[0], 0.1375, 1e-9);
}

TEST(Dispatch, DieselMinimumLoadAndUpTime) {
  // Load 100, 0, 0 kW; grid import <= 50 at 0.1; diesel 200 kW, min load 50 % (100 kW), min up
  // 2 h, start cost 10; 200 g/kWh at 10 kWh/kg -> efficiency 0.5; diesel 5 per kg = 0.5 per kWh
  // fuel = 1.0 per kWh el. Step 0 needs the diesel at >= 100 kW (grid alone is short), so it runs
  // 100 kW; min up time keeps it at >= 100 kW in step 1 (exported at 0): 100 + 100 + 10 = 210.
  json buses = json::array({{{"name", "el"}, {"carrier", "electricity"}}, {{"name", "dsl"}, {"carrier", "diesel"}}});
  json gen{{"name", "gen"}, {"type", "diesel_generator"}, {"capacity_kw", 200}, {"min_load", 0.5},
           {"min_up_h", 2}, {"startup_cost", 10}, {"fuel_g_per_kwh", 200}, {"fuel_heating_value_kwh_per_kg", 10},
           {"ports", {{"fuel", "dsl"}, {"el", "el"}}}};
  json fuel{{"name", "diesel"}, {"type", "diesel_supply"}, {"bus", "dsl"}, {"price_per_kg", 5.0},
            {"heating_value_kwh_per_kg", 10.0}};
  json devs = json::array({grid(0.1, 0.0, 50), load("el", {100, 0, 0}), gen, fuel});
  auto r = run(scenario(3, buses, devs));
  ASSERT_EQ(r.status, ehub::lp::Status::optimal);
  EXPECT_NEAR(r.objective, 210.0, 1e-6);
  EXPECT_NEAR(state(r, "gen", "on").values[1], 1.0, 1e-9);
  EXPECT_NEAR(state(r, "gen", "on").values[2], 0.0, 1e-9);
  gen["min_up_h"] = 0;  // without it: 100 (fuel) + 10 (start) = 110
  devs = json::array({grid(0.1, 0.0, 50), load("el", {100, 0, 0}), gen, fuel});
  r = run(scenario(3, buses, devs));
  EXPECT_NEAR(r.objective, 110.0, 1e-6);
}

TEST(Dispatch, UnservedAndCurtailableLoad) {
  // Import limit 60 kW, load 100 kW, 30 % curtailable at 2.0/kWh, VOLL 50: curtail 30, unserved 10:
  // cost 60 x 1.0 + 30 x 2.0 + 10 x 50 = 620.
  json l = load("el", {100});
  l["curtailable_share"] = 0.3;
  l["curtail_penalty_per_kwh"] = 2.0;
  l["value_of_lost_load_per_kwh"] = 50.0;
  const auto r = run(scenario(1, el_bus(), json::array({grid(1.0, 0.0, 60), l})), "clp", true);
  ASSERT_EQ(r.status, ehub::lp::Status::optimal);
  EXPECT_NEAR(r.objective, 620.0, 1e-6);
  EXPECT_NEAR(r.kpis.unserved_kwh, 10.0, 1e-6);
  EXPECT_NEAR(r.kpis.cost.at("unserved"), 500.0, 1e-6);
}

TEST(Dispatch, TimeOfUseTariffAndDemandCharge) {
  // Tariff in local time (+08:00): 8-11 and 18-21 peak 1.35, 23-7 valley 0.42, else 0.92. Load 10 kW
  // for 24 h: energy cost 10 x (6 x 1.35 + 8 x 0.42 + 10 x 0.92) = 206.6. Demand charge 30 per
  // kW-month on a 10 kW peak, prorated 24 h / 744 h of January: 300 x 24 / 744 = 9.677419...
  json g{{"name", "grid"}, {"type", "grid"}, {"bus", "el"}, {"demand_charge_per_kw_month", 30},
         {"tariff",
          {{"periods",
            {{{"name", "peak"}, {"hours", {{8, 11}, {18, 21}}}, {"buy_per_kwh", 1.35}, {"sell_per_kwh", 0.85}},
             {{"name", "valley"}, {"hours", {{23, 7}}}, {"buy_per_kwh", 0.42}},
             {{"name", "flat"}, {"hours", {{7, 8}, {11, 18}, {21, 23}}}, {"buy_per_kwh", 0.92}}}}}}};
  std::vector<double> prof(24, 10.0);
  const auto r = run(scenario(24, el_bus(), json::array({g, load("el", prof)})), "clp", true);
  ASSERT_EQ(r.status, ehub::lp::Status::optimal);
  EXPECT_NEAR(r.kpis.cost.at("grid_energy"), 206.6, 1e-9);
  EXPECT_NEAR(r.kpis.cost.at("demand_charge"), 300.0 * 24.0 / 744.0, 1e-9);
  // The first step (00:00 local) is valley, step 8 (08:00) is peak.
  EXPECT_NEAR(r.prices[0].per_kwh[0], 0.42, 1e-9);
}

TEST(Dispatch, RegriddingTo15MinutesKeepsEnergy) {
  // Hourly data re-gridded to 15 min: a 100 kW load stays 100 kW in every quarter; one hour at 1.0
  // costs 100 either way.
  json j = scenario(2, el_bus(), json::array({grid({1.0, 2.0}), load("el", {100, 100})}));
  ehub::hub::HorizonOptions h;
  h.step_minutes = 15;
  h.steps = 8;
  const auto sc = ehub::hub::scenario_from_json(j, "test.json", ".", h);
  d::Options o;
  o.solver = "clp";
  o.relax_integers = true;
  const auto r = d::solve(sc, o);
  ASSERT_EQ(r.status, ehub::lp::Status::optimal);
  EXPECT_EQ(r.grid.size(), 8);
  EXPECT_NEAR(r.objective, 100.0 * 1.0 + 100.0 * 2.0, 1e-6);
  EXPECT_NEAR(r.kpis.grid_import_kwh, 200.0, 1e-6);
}

TEST(ScenarioErrors, ExactMessages) {
  auto msg = [](const json& j) {
    try {
      ehub::hub::scenario_from_json(j, "park.json", ".");
    } catch (const ehub::InputError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  json buses = json::array({{{"name", "el"}, {"carrier", "electricity"}}, {{"name", "dh"}, {"carrier", "heat"}}});
  // A port joined to a bus of another carrier (which also leaves the heat bus without supply).
  EXPECT_EQ(msg(scenario(1, buses, json::array({grid(1.0), load("dh", {1}, "heat"),
                                               {{"name", "pv"}, {"type", "pv"}, {"bus", "dh"}, {"capacity_kw", 1},
                                                {"availability", 1.0}}}))),
            "[ehub.input] park.json: 2 problems:\n  /devices/pv/ports/el: bus \"dh\" carries heat, the port needs "
            "electricity\n  /buses/dh: bus \"dh\" has demand but no device can supply it");
  // A load bus that no device can supply.
  EXPECT_EQ(msg(scenario(1, buses, json::array({grid(1.0), load("dh", {1}, "heat")}))),
            "[ehub.input] park.json: /buses/dh: bus \"dh\" has demand but no device can supply it");
  // Duplicate names.
  EXPECT_EQ(msg(scenario(1, el_bus(), json::array({grid(1.0), grid(1.0)}))),
            "[ehub.input] park.json: /devices/1/name: duplicate device name \"grid\"");
  // An unknown device type.
  EXPECT_NE(msg(scenario(1, el_bus(), json::array({{{"name", "x"}, {"type", "fusion"}, {"bus", "el"}}})))
                .find("park.json: /devices/0/type: unknown device type \"fusion\"; known types: absorption_chiller"),
            std::string::npos);
  // An unconnected port.
  EXPECT_EQ(msg(scenario(1, el_bus(), json::array({grid(1.0), {{"name", "ch"}, {"type", "electric_chiller"},
                                                               {"capacity_kw", 1}, {"cop", 3},
                                                               {"ports", {{"in", "el"}}}}}))),
            "[ehub.input] park.json: /devices/ch/ports/out: port \"out\" (cooling) is not connected to a bus");
  // A negative capacity and a NaN-like string.
  EXPECT_EQ(msg(scenario(1, el_bus(), json::array({grid(1.0), {{"name", "pv"}, {"type", "pv"}, {"bus", "el"},
                                                               {"capacity_kw", -5}, {"availability", 1.0}}}))),
            "[ehub.input] park.json: /devices/1/capacity_kw: must be > 0, got -5");
  // A misspelt key is an error, not a silently dropped limit.
  EXPECT_EQ(msg(scenario(1, el_bus(), json::array({grid(1.0), {{"name", "pv"}, {"type", "pv"}, {"bus", "el"},
                                                               {"capcity_kw", 5}, {"availability", 1.0}}}))),
            "[ehub.input] park.json: /devices/1/capcity_kw: unknown key for device type \"pv\" (did you mean "
            "\"capacity_kw\"?); known keys: capacity_kw, availability, curtailable, om_per_kwh");
  // A series whose length does not match the grid.
  EXPECT_EQ(msg(scenario(2, el_bus(), json::array({grid(1.0), load("el", {1, 2, 3})}))),
            "[ehub.input] park.json: /devices/1/profile_kw: series has 3 values but its time grid has 2 steps");
}

TEST(ScenarioErrors, HeatLoadWithoutCarrierNamesTheKey) {
  // Issue 13 item 10: a heat load without "carrier" said only "the port needs electricity".
  json buses = json::array({{{"name", "el"}, {"carrier", "electricity"}}, {{"name", "dh"}, {"carrier", "heat"}},
                            {{"name", "gas"}, {"carrier", "gas"}}});
  json heat_load = {{"name", "heat"}, {"type", "load"}, {"bus", "dh"}, {"profile_kw", {1}}};
  json devs = json::array({grid(1.0), load("el", {1}), heat_load,
                           {{"name", "gas"}, {"type", "gas_supply"}, {"bus", "gas"}, {"price_per_m3", 3.0}},
                           {{"name", "boiler"}, {"type", "gas_boiler"}, {"capacity_kw", 10}, {"efficiency", 0.9},
                            {"ports", {{"in", "gas"}, {"out", "dh"}}}}});
  try {
    ehub::hub::scenario_from_json(scenario(1, buses, devs), "park.json", ".");
    FAIL() << "no error";
  } catch (const ehub::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("/devices/heat/ports/in: bus \"dh\" carries heat, the port needs electricity "
                                         "(a load is electric unless its \"carrier\" key says otherwise: add \"carrier\": \"heat\")"),
              std::string::npos) << e.what();
  }
}

TEST(ScenarioErrors, BadCsvValueIsReportedAtTheSeriesThatReadsItsColumn) {
  // Issue 13 item 10: a non-number in column "b" was reported at /series/a/csv, the first series
  // reading the file. It belongs to /series/b, the series that reads column "b".
  const auto dir = std::filesystem::temp_directory_path() / "ehub_csv_column_test";
  std::filesystem::create_directories(dir);
  {
    std::ofstream f(dir / "d.csv");
    f << "timestamp,a,b\n2025-01-01T00:00:00+08:00,1,2\n2025-01-01T01:00:00+08:00,1,x\n";
  }
  json j = scenario(2, el_bus(), json::array({grid(1.0), load("el", "a"),
                                             {{"name", "l2"}, {"type", "load"}, {"bus", "el"}, {"profile_kw", "b"}}}));
  j["series"] = {{"a", {{"csv", "d.csv"}, {"column", "a"}}}, {"b", {{"csv", "d.csv"}, {"column", "b"}}}};
  try {
    ehub::hub::scenario_from_json(j, "park.json", dir.string());
    FAIL() << "no error";
  } catch (const ehub::InputError& e) {
    EXPECT_EQ(e.path(), "/series/b/csv") << e.what();
    EXPECT_NE(std::string(e.detail()).find("cannot read \"x\" as a number"), std::string::npos) << e.what();
  }
  std::filesystem::remove_all(dir);
}

TEST(ScenarioErrors, UnknownKeysEverywhereAreErrorsWithTheNearestName) {
  // Issue 13 item 9: a misspelt key anywhere in the scenario used to be dropped silently (a tariff
  // period's "sell_price_per_kwh" made the export revenue 0; a top-level "constraint" dropped the
  // limit). Each is now an error at its JSON path, suggesting the valid name.
  auto msg = [](const json& j) {
    try {
      ehub::hub::scenario_from_json(j, "park.json", ".");
    } catch (const ehub::InputError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  const json tou_grid = {{"name", "grid"}, {"type", "grid"}, {"bus", "el"},
                         {"tariff", {{"periods", json::array({{{"name", "all"}, {"hours", {{0, 24}}},
                                                               {"buy_per_kwh", 1.0}, {"sell_price_per_kwh", 0.3}}})}}}};
  EXPECT_EQ(msg(scenario(1, el_bus(), json::array({tou_grid, load("el", {1})}))),
            "[ehub.input] park.json: /devices/0/tariff/periods/0/sell_price_per_kwh: unknown key \"sell_price_per_kwh\" "
            "of a tariff period (did you mean \"sell_per_kwh\"?); known keys: name, hours, buy_per_kwh, sell_per_kwh");
  json j = scenario(1, el_bus(), json::array({grid(1.0), load("el", {1})}));
  j["constraint"] = {{"min_green_share", 0.5}};
  EXPECT_EQ(msg(j).substr(0, 120),
            std::string("[ehub.input] park.json: /constraint: unknown key \"constraint\" at the top level of the scenario "
                        "(did you mean \"constraints\"?)").substr(0, 120));
  j = scenario(1, el_bus(), json::array({grid(1.0), load("el", {1})}));
  j["time"]["step_minute"] = 60;
  EXPECT_NE(msg(j).find("/time/step_minute: unknown key \"step_minute\" in /time (did you mean \"step_minutes\"?)"),
            std::string::npos) << msg(j);
  j = scenario(1, el_bus(), json::array({grid(1.0), load("el", {1})}));
  j["buses"][0]["carier"] = "electricity";
  EXPECT_NE(msg(j).find("/buses/0/carier: unknown key \"carier\" of a bus (did you mean \"carrier\"?)"), std::string::npos)
      << msg(j);
  j = scenario(1, el_bus(), json::array({grid(1.0), load("el", "l")}));
  j["series"] = {{"l", {{"values", {1}}, {"scal", 2}}}};
  EXPECT_NE(msg(j).find("/series/l/scal: unknown key \"scal\" of a series object (did you mean \"scale\"?)"),
            std::string::npos) << msg(j);
  j["devices"][0]["tariff"] = {{"period", json::array()}};
  j["series"] = {{"l", {{"values", {1}}}}};
  EXPECT_NE(msg(j).find("/devices/0/tariff/period: unknown key \"period\" of a tariff (did you mean \"periods\"?)"),
            std::string::npos) << msg(j);
}

TEST(Dispatch, ResultFileLayout) {
  // /time, /flows/<device>.<port> with bus and carrier, /states, /prices written atomically.
  json j = scenario(2, el_bus(), json::array({grid({1.0, 2.0}), load("el", {5, 7})}));
  const auto r = run(j, "clp", true);
  const std::string path = std::string(EHUB_BINARY_DIR) + "/dispatch_layout_test.h5";
  d::write_result_h5(r, path);
  ehub::io::H5Reader h5(path);
  EXPECT_EQ(h5.read_vector_int64("/time")[1] - h5.read_vector_int64("/time")[0], 3600);
  EXPECT_DOUBLE_EQ(h5.read_vector("/flows/load_el.in")[1], -7.0);
  EXPECT_EQ(h5.string_attribute("/flows/grid.el", "carrier"), "electricity");
  EXPECT_EQ(h5.string_attribute("/flows/grid.el", "bus"), "el");
  EXPECT_NEAR(h5.read_vector("/prices/el")[1], 2.0, 1e-9);
}

TEST(Dispatch, ShiftableLoadMovesToCheapHours) {
  // 300 kWh per day inside 08:00-12:00 local, at most 100 kW; prices 1.0 except 0.5 at 10:00 and
  // 11:00: 100 kW in each cheap hour (100 kWh at 0.5 twice) plus 100 kWh at 1.0: 200 CNY.
  std::vector<double> price(24, 1.0);
  price[10] = price[11] = 0.5;
  json j = scenario(24, el_bus(), json::array({grid(price),
                                              {{"name", "ev"}, {"type", "shiftable_load"}, {"bus", "el"},
                                               {"energy_kwh_per_day", 300}, {"window_start_hour", 8},
                                               {"window_end_hour", 12}, {"max_kw", 100}}}));
  const auto r = run(j, "clp", true);
  ASSERT_EQ(r.status, ehub::lp::Status::optimal);
  EXPECT_NEAR(r.objective, 200.0, 1e-6);
  EXPECT_NEAR(flow(r, "ev", "in").kw[10], -100.0, 1e-6);
  EXPECT_NEAR(flow(r, "ev", "in").kw[7], 0.0, 1e-9);  // outside the window
}

TEST(Dispatch, ChpPartLoadCurve) {
  // CHP 100 kW, curve (0.5, 0.30), (1.0, 0.40): fuel 166.67 kW at 50 kW and 250 kW at 100 kW,
  // slope 1.6667 per kW. Electricity load 75 kW, grid 10 per kWh (never cheaper), gas 0.1 per kWh
  // fuel: fuel at 75 kW = 166.67 + 25 x 1.6667 = 208.33 kW -> 20.833 per hour.
  json buses = json::array({{{"name", "el"}, {"carrier", "electricity"}},
                            {{"name", "heat"}, {"carrier", "heat"}},
                            {{"name", "gas"}, {"carrier", "gas"}}});
  json devs = json::array(
      {grid(10.0), load("el", {75}),
       {{"name", "gas"}, {"type", "gas_supply"}, {"bus", "gas"}, {"price_per_m3", 1.0},
        {"heating_value_kwh_per_m3", 10.0}, {"emission_factor_kg_per_m3", 0.0}},
       {{"name", "chp"}, {"type", "chp"}, {"capacity_kw", 100}, {"min_load", 0.5}, {"electric_efficiency", 0.4},
        {"thermal_efficiency", 0.4}, {"part_load_curve", {{0.5, 0.3}, {1.0, 0.4}}},
        {"ports", {{"fuel", "gas"}, {"el", "el"}, {"heat", "heat"}}}},
       {{"name", "dump"}, {"type", "load"}, {"bus", "heat"}, {"carrier", "heat"}, {"profile_kw", {0}}}});
  const auto r = run(scenario(1, buses, devs));
  ASSERT_EQ(r.status, ehub::lp::Status::optimal);
  EXPECT_NEAR(flow(r, "chp", "fuel").kw[0], -(50.0 / 0.3 + 25.0 * (250.0 - 50.0 / 0.3) / 50.0), 1e-6);
  EXPECT_NEAR(r.objective, 0.1 * (50.0 / 0.3 + 25.0 * (250.0 - 50.0 / 0.3) / 50.0), 1e-6);
}

TEST(Dispatch, CertificateSalesPayForExportedRenewableEnergy) {
  // PV 300 kW available, load 100 kW, export limit 150 kW sold at 0 per kWh: without a certificate
  // price exporting is worth nothing; with 40 per MWh the 150 kWh exported carry 150 certificates
  // sold for 150 x 0.04 = 6.0, so cost = -6.0 and 50 kWh are curtailed.
  json g = grid(1.0, 0.0);
  g["export_limit_kw"] = 150;
  json j = scenario(1, el_bus(), json::array({g, load("el", {100}),
                                             {{"name", "pv"}, {"type", "pv"}, {"bus", "el"}, {"capacity_kw", 300},
                                              {"availability", {1.0}}}}));
  j["certificate_price_per_mwh"] = 40.0;
  const auto r = run(j);
  ASSERT_EQ(r.status, ehub::lp::Status::optimal);
  EXPECT_NEAR(r.objective, -6.0, 1e-6);
  EXPECT_NEAR(r.kpis.grid_export_kwh, 150.0, 1e-6);
  EXPECT_NEAR(r.kpis.certificates_sold_kwh, 150.0, 1e-6);
  EXPECT_NEAR(r.kpis.cost.at("certificate_sales"), -6.0, 1e-6);
  EXPECT_NEAR(r.kpis.curtailment_kwh, 50.0, 1e-6);
  EXPECT_NEAR(r.kpis.green_share, 1.0, 1e-9);  // the load still uses its own PV first
  EXPECT_EQ(r.summary()["kpis"]["certificates_sold_kwh"].get<double>(), r.kpis.certificates_sold_kwh);
}

TEST(Dispatch, CertificateSalesFollowTheLedgerMatchingOrder) {
  // Load 100 kW, PV 100 kW, a diesel generator of 100 kW at 0.1 per kWh of electricity (200 g/kWh,
  // 10 kWh/kg -> efficiency 0.5; 0.5 per kg -> 0.05 per kWh of fuel) and export at 0.3 per kWh:
  // the generator exports 100 kWh (fuel 10, revenue 30; cost -20). Certificates are matched to the
  // park's own consumption first (CERTIFICATES.md: D = min(L, P) = 100), so none is left to sell
  // with the exported diesel energy, although 50 per MWh is offered: cost stays -20 and 0 are sold.
  json buses = json::array({{{"name", "el"}, {"carrier", "electricity"}}, {{"name", "dsl"}, {"carrier", "diesel"}}});
  json gen{{"name", "gen"}, {"type", "diesel_generator"}, {"capacity_kw", 100}, {"min_load", 0.0},
           {"fuel_g_per_kwh", 200}, {"fuel_heating_value_kwh_per_kg", 10}, {"ports", {{"fuel", "dsl"}, {"el", "el"}}}};
  json fuel{{"name", "diesel"}, {"type", "diesel_supply"}, {"bus", "dsl"}, {"price_per_kg", 0.5},
            {"heating_value_kwh_per_kg", 10.0}};
  json pv{{"name", "pv"}, {"type", "pv"}, {"bus", "el"}, {"capacity_kw", 100}, {"availability", {1.0}}};
  json j = scenario(1, buses, json::array({grid(1.0, 0.3), load("el", {100}), gen, fuel, pv}));
  j["certificate_price_per_mwh"] = 50.0;
  const auto r = run(j);
  ASSERT_EQ(r.status, ehub::lp::Status::optimal);
  EXPECT_NEAR(r.objective, -20.0, 1e-6);
  EXPECT_NEAR(r.kpis.grid_export_kwh, 100.0, 1e-6);
  EXPECT_NEAR(r.kpis.certificates_sold_kwh, 0.0, 1e-6);
  EXPECT_NEAR(r.kpis.green_share, 1.0, 1e-9);
  EXPECT_TRUE(r.diagnosis.empty());
  // With integers relaxed the binary choosing D = min(L, R) is fractional (z = 0.5 with M = 101:
  // D >= 49.5), so 50.5 certificates are sold that the ledger would not export; the result says so.
  const auto rr = run(j, "clp", true);
  ASSERT_EQ(rr.status, ehub::lp::Status::optimal);
  EXPECT_NEAR(rr.kpis.certificates_sold_kwh, 50.5, 1e-6);
  ASSERT_EQ(rr.diagnosis.size(), 1u);
  EXPECT_NE(rr.diagnosis[0].find("integers relaxed: 50.5 kWh of the certificates sold exceed"), std::string::npos)
      << rr.diagnosis[0];
}

TEST(Dispatch, UnitHistoryBeforeTheFirstStep) {
  // Load 100 kW for 2 h from the grid at 0.1; a diesel generator (min up 2 h, min load 50 % of
  // 200 kW, 1.0 per kWh of electricity as in DieselMinimumLoadAndUpTime) was started 1 h before the
  // first step: it must run 1 more hour at >= 100 kW (exported at 0), then may stop.
  // Cost: 100 (diesel step 0) + 100 x 0.1 (grid step 1) = 110.
  json buses = json::array({{{"name", "el"}, {"carrier", "electricity"}}, {{"name", "dsl"}, {"carrier", "diesel"}}});
  json gen{{"name", "gen"}, {"type", "diesel_generator"}, {"capacity_kw", 200}, {"min_load", 0.5},
           {"min_up_h", 2}, {"min_down_h", 2}, {"fuel_g_per_kwh", 200}, {"fuel_heating_value_kwh_per_kg", 10},
           {"initial_on", true}, {"initial_hours_in_state", 1}, {"ports", {{"fuel", "dsl"}, {"el", "el"}}}};
  json fuel{{"name", "diesel"}, {"type", "diesel_supply"}, {"bus", "dsl"}, {"price_per_kg", 5.0},
            {"heating_value_kwh_per_kg", 10.0}};
  auto r = run(scenario(2, buses, json::array({grid(0.1), load("el", {100, 100}), gen, fuel})));
  ASSERT_EQ(r.status, ehub::lp::Status::optimal);
  EXPECT_NEAR(state(r, "gen", "on").values[0], 1.0, 1e-9);
  EXPECT_NEAR(state(r, "gen", "on").values[1], 0.0, 1e-9);
  EXPECT_NEAR(r.objective, 110.0, 1e-6);
  // Already on for 2 h: free to stop at once; cost 200 x 0.1 = 20.
  gen["initial_hours_in_state"] = 2;
  r = run(scenario(2, buses, json::array({grid(0.1), load("el", {100, 100}), gen, fuel})));
  EXPECT_NEAR(r.objective, 20.0, 1e-6);
  // Off for 1 h with min down 2 h and the grid limited to 50 kW: the unit cannot start in step 0,
  // so 50 kWh are unserved at the default value of lost load 50: 5 + 2500, then the unit runs
  // in step 1 at 100 kW (grid 0): 100. Total 2605.
  gen["initial_on"] = false;
  gen["initial_hours_in_state"] = 1;
  r = run(scenario(2, buses, json::array({grid(0.1, 0.0, 50), load("el", {100, 100}), gen, fuel})));
  EXPECT_NEAR(state(r, "gen", "on").values[0], 0.0, 1e-9);
  EXPECT_NEAR(r.kpis.unserved_kwh, 50.0, 1e-6);
  EXPECT_NEAR(r.objective, 2605.0, 1e-6);
}

TEST(Dispatch, GreenPartOfTheInitialStorageContent) {
  // No renewable output; load 100 kW for 1 h; a battery (efficiencies 1, 1000 kWh, soc 0.5) whose
  // initial content is 30 % green (300 kWh) discharges 100 kW at a peak price: all of it green,
  // green share 100 / 100 = 1. With the content grey (default) the share is 0.
  json bat{{"name", "bat"}, {"type", "battery"}, {"bus", "el"}, {"energy_kwh", 1000}, {"power_kw", 100},
           {"charge_efficiency", 1.0}, {"discharge_efficiency", 1.0}, {"soc_initial", 0.5},
           {"soc_green_initial", 0.3}, {"end_condition", "free"}};
  auto r = run(scenario(1, el_bus(), json::array({grid(1.0), load("el", {100}), bat})));
  ASSERT_EQ(r.status, ehub::lp::Status::optimal);
  EXPECT_NEAR(flow(r, "bat", "el").kw[0], 100.0, 1e-6);
  EXPECT_NEAR(r.kpis.green_share, 1.0, 1e-9);
  EXPECT_NEAR(state(r, "bat", "soc_green_kwh").values[0], 200.0, 1e-6);
  bat.erase("soc_green_initial");
  r = run(scenario(1, el_bus(), json::array({grid(1.0), load("el", {100}), bat})));
  EXPECT_NEAR(r.kpis.green_share, 0.0, 1e-9);
}

TEST(Dispatch, DemandChargeForARollingPlan) {
  // One January hour, load 100 kW from the grid at 1.0, demand charge 30 per kW-month.
  // Prorated (default): 100 + 30 x 100 x 1/744 = 104.0323. Not prorated: 100 + 30 x 100 = 3100.
  // With a peak of 150 kW already reached this month the peak variable starts there: the hour adds
  // no new peak and the plan carries the sunk 30 x 150: 100 + 4500 = 4600.
  json g = grid(1.0);
  g["demand_charge_per_kw_month"] = 30.0;
  auto r = run(scenario(1, el_bus(), json::array({g, load("el", {100})})));
  EXPECT_NEAR(r.objective, 100.0 + 30.0 * 100.0 / 744.0, 1e-6);
  g["demand_charge_prorated"] = false;
  r = run(scenario(1, el_bus(), json::array({g, load("el", {100})})));
  EXPECT_NEAR(r.objective, 3100.0, 1e-6);
  g["demand_peak_so_far_kw"] = 150.0;
  r = run(scenario(1, el_bus(), json::array({g, load("el", {100})})));
  EXPECT_NEAR(r.objective, 4600.0, 1e-6);
  EXPECT_NEAR(r.kpis.cost.at("demand_charge"), 4500.0, 1e-6);
}
