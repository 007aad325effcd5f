// The ledger on a real optimised schedule: a park with PV, a load, a battery (charged from PV and,
// at night, from the grid) is dispatched, its result written in the HDF5 layout, read back and
// certified with the default policy (`schedule`, since the result carries the green split). The
// ledger must reproduce the optimiser's green share to 1e-9 relative (CERTIFICATES.md, issue 7).
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "ehub/carbon/ledger.hpp"
#include "ehub/carbon/from_dispatch.hpp"
#include "ehub/carbon/results_file.hpp"
#include "ehub/dispatch/dispatch.hpp"
#include "ehub/hub/scenario.hpp"
#include "ehub/io/hdf5.hpp"

namespace fs = std::filesystem;
using nlohmann::json;
namespace c = ehub::carbon;

namespace {

json park(int steps) {
  json buy = json::array(), avail = json::array(), load = json::array();
  for (int t = 0; t < steps; ++t) {
    const int h = t % 24;
    buy.push_back(h < 7 ? 0.3 : (h >= 17 && h <= 22 ? 1.2 : 0.6));
    avail.push_back(std::max(0.0, std::sin((h - 6) * M_PI / 12.0)) * (t < 24 ? 1.0 : 0.6));
    load.push_back(120.0 + 40.0 * (h >= 8 && h <= 20 ? 1 : 0) + 30.0 * (h >= 18 && h <= 21 ? 1 : 0));
  }
  return json{{"name", "green split"},
              {"time", {{"start", "2025-06-01T00:00:00+08:00"}, {"step_minutes", 60}, {"steps", steps}}},
              {"buses", json::array({{{"name", "el"}, {"carrier", "electricity"}}})},
              {"devices",
               json::array({{{"name", "grid"}, {"type", "grid"}, {"bus", "el"}, {"buy_price_per_kwh", buy},
                             {"sell_price_per_kwh", 0.05}, {"emission_factor_kg_per_kwh", 0.5}},
                            {{"name", "pv"}, {"type", "pv"}, {"bus", "el"}, {"capacity_kw", 350}, {"availability", avail}},
                            {{"name", "load"}, {"type", "load"}, {"bus", "el"}, {"profile_kw", load}},
                            {{"name", "bat"}, {"type", "battery"}, {"bus", "el"}, {"energy_kwh", 300}, {"power_kw", 100},
                             {"charge_efficiency", 0.95}, {"discharge_efficiency", 0.9}, {"soc_initial", 0.2},
                             {"self_discharge_per_h", 0.001}}})}};
}

}  // namespace

TEST(CarbonDispatch, ScheduleReproducesTheOptimisersGreenShare) {
  const fs::path dir = fs::temp_directory_path() / "ehub_carbon_dispatch_test";
  fs::remove_all(dir);
  fs::create_directories(dir);
  const json j = park(48);
  const std::string scen = (dir / "park.json").string(), res = (dir / "run.h5").string();
  std::ofstream(scen) << j.dump();
  const auto sc = ehub::hub::scenario_from_json(j, scen, dir.string());
  ehub::dispatch::Options o;
  o.solver = "cbc";
  const auto r = ehub::dispatch::solve(sc, o);
  ASSERT_TRUE(ehub::lp::has_solution(r.status));
  ASSERT_GT(r.kpis.green_share, 0.0);
  ehub::dispatch::write_result_h5(r, res);

  const auto settings = c::read_scenario_settings(scen);
  ASSERT_EQ(settings.storages.size(), 1u);
  EXPECT_DOUBLE_EQ(settings.storages[0].eta_charge, 0.95);
  EXPECT_DOUBLE_EQ(settings.storages[0].eta_discharge, 0.9);
  EXPECT_DOUBLE_EQ(settings.storages[0].standing_loss_per_h, 0.001);
  ASSERT_TRUE(settings.utc_offset_minutes.has_value());
  EXPECT_EQ(*settings.utc_offset_minutes, 480);
  c::ReadOptions ro;
  ro.storages = settings.storages;
  ro.utc_offset_minutes = *settings.utc_offset_minutes;
  const c::Input in = c::read_results_h5(res, ro);
  ASSERT_EQ(in.storages.size(), 1u);
  ASSERT_TRUE(in.storages[0].has_split()) << "the dispatch result carries /green/bat.charge_kw and .discharge_kw";
  c::Options co;
  co.location_factor = {"scenario", *settings.grid_factor_kg_per_kwh, 0, "scenario"};
  const auto L = c::certify(in, co);
  EXPECT_EQ(L.storages[0].policy, c::Policy::schedule);
  const auto rel = [](double a, double b) { return std::abs(a - b) / std::max(1e-300, std::abs(b)); };
  EXPECT_LT(rel(L.totals.consumption_kwh, r.kpis.electricity_consumption_kwh), 1e-9);
  EXPECT_LT(rel(L.totals.matched_kwh, r.kpis.green_matched_kwh), 1e-9);
  EXPECT_LT(rel(L.green_share_hourly, r.kpis.green_share), 1e-9)
      << "ledger " << L.green_share_hourly << " vs dispatch " << r.kpis.green_share;
  EXPECT_LT(rel(L.totals.import_kwh, r.kpis.grid_import_kwh), 1e-9);
  EXPECT_LT(rel(L.totals.scope2_location_kg, r.kpis.emissions_kg_by_source.at("grid")), 1e-9);
  // In memory, without the file: the same Input (the file reader is only an adapter in front of
  // the same conversion), the storage efficiencies asked from the device, the same ledger.
  const c::Input mem = c::input_from_dispatch(sc, r);
  ASSERT_EQ(mem.storages.size(), 1u);
  EXPECT_DOUBLE_EQ(mem.storages[0].eta_charge, 0.95);
  EXPECT_DOUBLE_EQ(mem.storages[0].eta_discharge, 0.9);
  EXPECT_DOUBLE_EQ(mem.storages[0].standing_loss_per_h, 0.001);
  EXPECT_EQ(mem.utc_offset_minutes, 480);
  EXPECT_EQ(mem.consumption_kwh, in.consumption_kwh);
  EXPECT_EQ(mem.import_kwh, in.import_kwh);
  EXPECT_EQ(mem.storages[0].green_charge_kwh, in.storages[0].green_charge_kwh);
  EXPECT_EQ(mem.storages[0].soc_kwh, in.storages[0].soc_kwh);
  const auto Lm = c::certify(mem, co);
  EXPECT_LT(rel(Lm.green_share_hourly, r.kpis.green_share), 1e-9);
  EXPECT_DOUBLE_EQ(Lm.totals.matched_kwh, L.totals.matched_kwh);
  // The battery's initial content (soc_initial 0.2 x 300 kWh) is grey; lots follow the SOC.
  EXPECT_GT(L.storages[0].green_out_kwh, 0.0);
  const auto T = L.totals;
  EXPECT_NEAR(T.issued_kwh, T.matched_kwh + T.stored_end_kwh + T.exported_kwh + T.storage_loss_kwh + T.expired_kwh,
              1e-9 * T.issued_kwh);
  // Other policies run on the same file (the split is then ignored) and conserve as well.
  for (c::Policy p : {c::Policy::fifo, c::Policy::pro_rata, c::Policy::lifo}) {
    c::Options po = co;
    po.policy = p;
    const auto Lp = c::certify(in, po);
    EXPECT_NEAR(Lp.totals.issued_kwh, L.totals.issued_kwh, 1e-9 * T.issued_kwh);
    EXPECT_LE(Lp.totals.matched_kwh, Lp.totals.consumption_kwh);
  }
  fs::remove_all(dir);
}

// The reference park's year (examples/data/reference_park.json: PV, wind, CHPs, diesel, battery,
// chillers, five loads) as an LP: schedule reproduces the dispatch's green share, and every
// policy and loss mode conserves certificates on the real year (the ledger checks the battery's
// lots against its SOC at every step in physical mode).
TEST(CarbonReferencePark, SlowYearScheduleAndConservation) {
  const std::string park = std::string(EHUB_TEST_DATA_DIR) + "/../../examples/data/reference_park.json";
  if (!fs::exists(park)) GTEST_SKIP() << "no " << park;
  const fs::path dir = fs::temp_directory_path() / "ehub_carbon_reference_park";
  fs::create_directories(dir);
  const std::string res = (dir / "year.h5").string();
  const auto sc = ehub::hub::load_scenario(park);
  ehub::dispatch::Options o;
  o.solver = "clp";
  o.relax_integers = true;
  const auto r = ehub::dispatch::solve(sc, o);
  ASSERT_EQ(r.status, ehub::lp::Status::optimal);
  ehub::dispatch::write_result_h5(r, res);
  const auto settings = c::read_scenario_settings(park);
  c::ReadOptions ro;
  ro.storages = settings.storages;
  ro.utc_offset_minutes = settings.utc_offset_minutes.value_or(0);
  const c::Input in = c::read_results_h5(res, ro);
  const auto L = c::certify(in);
  EXPECT_EQ(L.storages.at(0).policy, c::Policy::schedule);
  EXPECT_LT(std::abs(L.green_share_hourly - r.kpis.green_share) / r.kpis.green_share, 1e-9);
  EXPECT_EQ(L.months.size(), 12u);
  for (c::Policy p : {c::Policy::fifo, c::Policy::pro_rata, c::Policy::lifo, c::Policy::schedule})
    for (c::LossMode m : {c::LossMode::physical, c::LossMode::metered}) {
      SCOPED_TRACE(std::string(c::to_string(p)) + " " + std::string(c::to_string(m)));
      c::Options co;
      co.policy = p;
      co.losses = m;
      if (p == c::Policy::schedule && m == c::LossMode::metered) continue;  // the split follows the physical model
      const auto Lp = c::certify(in, co);
      const auto& T = Lp.totals;
      EXPECT_NEAR(T.issued_kwh, T.matched_kwh + T.stored_end_kwh + T.exported_kwh + T.storage_loss_kwh + T.expired_kwh,
                  1e-9 * T.issued_kwh);
      EXPECT_NEAR(T.issued_kwh, r.kpis.renewable_kwh, 1e-6 * T.issued_kwh);
      EXPECT_LE(Lp.green_share_hourly, 1.0);
    }
  c::Options wh;
  wh.integer_wh = true;
  const auto Lw = c::certify(in, wh);
  const auto& T = Lw.totals;
  const auto w = [](double kwh) { return std::llround(kwh * 1000); };
  EXPECT_EQ(w(T.issued_kwh), w(T.matched_kwh) + w(T.stored_end_kwh) + w(T.exported_kwh) + w(T.storage_loss_kwh) +
                                 w(T.expired_kwh));
  fs::remove_all(dir);
}

// With certificate sales (docs/objectives.md) the result carries the optimiser's own green charge;
// certified with the `schedule` policy, the ledger exports exactly the certificates the optimiser
// sold (none of this park's green storage discharge leaves through the grid), reproduces its green
// share, and with sell_exported_certificates the annual share no longer counts them.
TEST(CarbonDispatch, SoldCertificatesAreTheLedgersExportedOnes) {
  const fs::path dir = fs::temp_directory_path() / "ehub_carbon_sold_certificates";
  fs::remove_all(dir);
  fs::create_directories(dir);
  json j = park(48);
  j["certificate_price_per_mwh"] = 60.0;
  const std::string scen = (dir / "park.json").string(), res = (dir / "run.h5").string();
  std::ofstream(scen) << j.dump();
  const auto sc = ehub::hub::scenario_from_json(j, scen, dir.string());
  ehub::dispatch::Options o;
  o.solver = "cbc";
  const auto r = ehub::dispatch::solve(sc, o);
  ASSERT_TRUE(ehub::lp::has_solution(r.status));
  ASSERT_GT(r.kpis.certificates_sold_kwh, 1.0);
  EXPECT_NEAR(r.kpis.cost.at("certificate_sales"), -0.06 * r.kpis.certificates_sold_kwh, 1e-9 * r.kpis.certificates_sold_kwh);
  ehub::dispatch::write_result_h5(r, res);
  c::ReadOptions ro;
  ro.storages = c::read_scenario_settings(scen).storages;
  ro.utc_offset_minutes = 480;
  const c::Input in = c::read_results_h5(res, ro);
  c::Options co;
  const auto L = c::certify(in, co);
  EXPECT_EQ(L.storages[0].policy, c::Policy::schedule);
  const auto rel = [](double a, double b) { return std::abs(a - b) / std::max(1e-300, std::abs(b)); };
  EXPECT_LT(rel(L.totals.exported_kwh, r.kpis.certificates_sold_kwh), 1e-9)
      << "ledger exported " << L.totals.exported_kwh << " vs sold " << r.kpis.certificates_sold_kwh;
  EXPECT_LT(rel(L.green_share_hourly, r.kpis.green_share), 1e-9);
  co.sell_exported_certificates = true;
  const auto S = c::certify(in, co);
  EXPECT_LT(S.green_share_annual, L.green_share_annual + 1e-12);
  fs::remove_all(dir);
}
