// Dispatch of minimal hubs against optima computed by hand (the arithmetic is in each test's
// comment): the model export, re-gridding, scenario errors, the result file, certificate sales.
// Each device type's own tests are in tests/hub/devices/test_<device>.cpp.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "../hub/devices/device_park.hpp"
#include "ehub/core/error.hpp"
#include "ehub/dispatch/dispatch.hpp"
#include "ehub/hub/scenario.hpp"
#include "ehub/io/hdf5.hpp"
#include "ehub/lp/glpk.hpp"
#include "ehub/lp/mps.hpp"
#include "ehub/lp/solver.hpp"

using nlohmann::json;
namespace d = ehub::dispatch;

using namespace ehub_test;


TEST(Dispatch, BuiltModelIsTheOneSolvedAndRoundTripsThroughMps) {
  // The PV/grid case above: cost 50. The exported model, read back from its MPS text and solved
  // by a backend on its own, has the same optimum; a battery adds its charging binary.
  json j = scenario(2, el_bus(), json::array({grid(1.0), load("el", {100, 100}),
                                             {{"name", "pv"}, {"type", "pv"}, {"bus", "el"}, {"capacity_kw", 100},
                                              {"availability", {0.5, 1.0}}},
                                             {{"name", "bat"}, {"type", "battery"}, {"bus", "el"}, {"energy_kwh", 10},
                                              {"soc_initial", 0.0}, {"end_condition", "free"}}}));
  const auto sc = ehub::hub::scenario_from_json(j, "test.json", ".");
  const ehub::lp::Model m = d::build_model(sc);
  EXPECT_EQ(m.num_integers(), 2);  // one charging binary per step
  const ehub::lp::Model back = ehub::lp::read_mps_string(ehub::lp::to_mps_string(m));
  const auto sr = ehub::lp::solve(back, "cbc");
  ASSERT_EQ(sr.status, ehub::lp::Status::optimal);
  EXPECT_NEAR(sr.objective, 50.0, 1e-6);
  // A hard green-share constraint is part of the exported model: with min share 0.8 (160 of
  // 200 kWh green, only 150 kWh of PV) it is infeasible on its own as well.
  d::Options o;
  o.min_green_share = 0.8;
  const auto infeasible = ehub::lp::solve(d::build_model(sc, o), "cbc");
  EXPECT_EQ(infeasible.status, ehub::lp::Status::infeasible);
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



