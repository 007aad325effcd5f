// `ehub certify` on small HDF5 results files written here in the dispatch layout: the worked cases
// T1-T8 of CERTIFICATES.md through the command line (the command is compiled into this test and
// driven through CLI11 exactly as main() does), the certified copy, and the exit codes.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "../../src/cli/certify.cpp"  // the command under test (registered by src/cli/extra_commands.cpp)
#include "ehub/core/error.hpp"
#include "ehub/io/hdf5.hpp"
#include "ehub/io/json.hpp"

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr double kTol = 1e-9;

struct Flow {
  std::string name;  // "<device>.<port>"
  std::string type;  // device_type
  std::vector<double> kw;
  bool renewable = false;
  std::string carrier = "electricity";
};

class CertifyCli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("ehub_certify_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string path(const std::string& name) const { return (dir_ / name).string(); }

  // A results file in the dispatch layout: /time, /flows with attributes, extra datasets.
  std::string results(const std::string& name, std::size_t n, const std::vector<Flow>& flows,
                      const std::map<std::string, std::vector<double>>& extra = {},
                      const char* start = "2024-01-01T00:00:00Z", int step_minutes = 60) {
    const std::string p = path(name);
    ehub::io::H5Writer w(p);
    const auto t0 = ehub::parse_iso8601(start);
    std::vector<std::int64_t> time(n);
    for (std::size_t t = 0; t < n; ++t) time[t] = t0 + static_cast<std::int64_t>(t) * step_minutes * 60;
    w.write_vector_int64("/time", time);
    for (const auto& f : flows) {
      const std::string d = "/flows/" + f.name;
      w.write_vector(d, f.kw);
      w.write_string_attribute(d, "bus", f.carrier == "electricity" ? "el" : f.carrier);
      w.write_string_attribute(d, "carrier", f.carrier);
      w.write_string_attribute(d, "unit", "kW");
      w.write_string_attribute(d, "device_type", f.type);
      w.write_double_attribute(d, "renewable", f.renewable ? 1.0 : 0.0);
    }
    for (const auto& [k, v] : extra) w.write_vector(k, v);
    w.write_string_attribute("/", "status", "optimal");
    w.write_double_attribute("/", "objective", 0.0);
    w.write_double_attribute("/", "step_minutes", step_minutes);
    w.commit();
    return p;
  }

  // Runs `ehub certify <args>` as main() would; returns the exit code, the summary in `summary`.
  int certify(std::vector<std::string> args, json* summary = nullptr, std::string* error = nullptr) {
    CLI::App app{"ehub"};
    app.require_subcommand(0, 1);
    const ehub::cli::Command cmd = ehub::cli::add_certify_command(app);
    const std::string summary_path = path("summary.json");
    fs::remove(summary_path);
    if (summary) {
      args.push_back("--summary");
      args.push_back(summary_path);
    }
    std::vector<std::string> all{"ehub", "certify"};
    all.insert(all.end(), args.begin(), args.end());
    std::vector<const char*> argv;
    for (const auto& a : all) argv.push_back(a.c_str());
    try {
      app.parse(static_cast<int>(argv.size()), argv.data());
    } catch (const CLI::ParseError& e) {
      if (error) *error = e.what();
      return e.get_exit_code() == 0 ? ehub::cli::kExitOk : ehub::cli::kExitUsage;
    }
    int rc;
    try {
      rc = cmd.run();
    } catch (const ehub::InputError& e) {
      if (error) *error = e.what();
      return ehub::cli::kExitInput;
    }
    if (summary && rc == 0) *summary = ehub::io::load_json_file(summary_path);
    return rc;
  }

  fs::path dir_;
};

std::vector<double> read(const std::string& file, const std::string& dataset) {
  const ehub::io::H5Reader r(file);
  const Eigen::VectorXd v = r.read_vector(dataset);
  return {v.data(), v.data() + v.size()};
}

// T2/T3 park: PV 200 at h1 (100 used, 100 charged), grid charge 50 at h2, discharges at h3/h4.
std::vector<Flow> t23_flows(double l4, double d4) {
  return {{"pv.el", "pv", {200, 0, 0, 0}, true},
          {"load.in", "load", {-100, 0, -90, -l4}},
          {"bat.el", "battery", {-100, -50, 90, d4}},
          {"grid.el", "grid", {0, 50, 0, l4 - d4}}};
}

}  // namespace

TEST_F(CertifyCli, T1HourlyVsAnnual) {
  const auto f = results("t1.h5", 2,
                         {{"pv.el", "pv", {150, 0}, true}, {"load.in", "load", {-100, -100}}, {"grid.el", "grid", {-50, 100}}});
  json s;
  ASSERT_EQ(certify({f, "--grid-factor", "0.5", "--residual-factor", "0.6", "--clean-share", "0.3", "--out",
                     path("t1c.h5")},
                    &s),
            0);
  EXPECT_NEAR(s["green_share_hourly"].get<double>(), 0.50, kTol);
  EXPECT_NEAR(s["green_share_annual"].get<double>(), 0.75, kTol);
  EXPECT_NEAR(s["cfe_score"].get<double>(), 0.65, kTol);
  EXPECT_NEAR(s["scope2_location_kg"].get<double>(), 50, kTol);
  EXPECT_NEAR(s["scope2_market_kg"].get<double>(), 60, kTol);
  EXPECT_NEAR(s["scope2_market_annual_kg"].get<double>(), 30, kTol);
  EXPECT_NEAR(s["issued_kwh"].get<double>(), 150, kTol);
  EXPECT_NEAR(s["matched_kwh"].get<double>(), 100, kTol);
  EXPECT_NEAR(s["exported_kwh"].get<double>(), 50, kTol);
  EXPECT_NEAR(s["storage_loss_kwh"].get<double>(), 0, kTol);
  EXPECT_NEAR(s["scope1_kg"].get<double>(), 0, kTol);
  EXPECT_EQ(s["policy"], "fifo");
  // The certified copy: the results (with their attributes) plus /certificates.
  const ehub::io::H5Reader r(path("t1c.h5"));
  EXPECT_EQ(r.read_vector_int64("/time").size(), 2u);
  EXPECT_EQ(r.string_attribute("/flows/pv.el", "device_type"), "pv");
  EXPECT_EQ(r.double_attribute("/flows/pv.el", "renewable"), 1.0);
  EXPECT_EQ(r.string_attribute("/", "status"), "optimal");
  const auto cfe = read(path("t1c.h5"), "/certificates/steps/cfe");
  ASSERT_EQ(cfe.size(), 2u);
  EXPECT_NEAR(cfe[0], 1.0, kTol);
  EXPECT_NEAR(cfe[1], 0.3, kTol);
  const auto status = r.read_vector_int64("/certificates/bundles/status");
  const auto kwh = read(path("t1c.h5"), "/certificates/bundles/kwh");
  double matched = 0, exported = 0;
  for (std::size_t i = 0; i < status.size(); ++i) {
    if (status[i] == static_cast<std::int64_t>(ehub::carbon::Status::matched)) matched += kwh[i];
    if (status[i] == static_cast<std::int64_t>(ehub::carbon::Status::exported)) exported += kwh[i];
  }
  EXPECT_NEAR(matched, 100, kTol);
  EXPECT_NEAR(exported, 50, kTol);
  EXPECT_EQ(json::parse(r.string_attribute("/certificates", "summary"))["policy"], "fifo");
}

TEST_F(CertifyCli, T2FifoMetered) {
  const auto f = results("t2.h5", 4, t23_flows(60, 45), {{"/series/clean_share", {0, 0.2, 0, 0.3}}});
  json s;
  ASSERT_EQ(certify({f, "--policy", "fifo", "--losses", "metered", "--clean-share", "/series/clean_share",
                     "--grid-factor", "0.5", "--residual-factor", "0.6"},
                    &s),
            0);
  EXPECT_NEAR(s["matched_kwh"].get<double>(), 190, kTol);
  EXPECT_NEAR(s["green_share_hourly"].get<double>(), 0.76, kTol);
  EXPECT_NEAR(s["cfe_score"].get<double>(), 0.814, kTol);
  EXPECT_NEAR(s["scope2_location_kg"].get<double>(), 32.5, kTol);
  EXPECT_NEAR(s["scope2_market_kg"].get<double>(), 39.0, kTol);
  EXPECT_NEAR(s["storage_loss_kwh"].get<double>(), 10, kTol);
  EXPECT_NEAR(s["issued_kwh"].get<double>(), 200, kTol);
  EXPECT_NEAR(s["storages"][0]["metered_efficiency"][0].get<double>(), 0.9, kTol);  // 135 / 150
  EXPECT_EQ(s["policy"], "fifo");
  EXPECT_EQ(s["losses"], "metered");
}

TEST_F(CertifyCli, T3PoliciesAndSchedule) {
  const auto f = results("t3.h5", 4, t23_flows(45, 45), {{"/series/clean_share", {0, 0.2, 0, 0}}});
  const std::map<std::string, std::pair<double, double>> expected = {
      {"fifo", {1.0, 0.2}}, {"lifo", {0.6, 1.0}}, {"pro_rata", {66.0 / 90, 33.0 / 45}}};
  for (const auto& [policy, cfe34] : expected) {
    SCOPED_TRACE(policy);
    const std::string out = path("t3_" + policy + ".h5");
    json s;
    ASSERT_EQ(certify({f, "--policy", policy, "--losses", "metered", "--clean-share", "/series/clean_share", "--out", out},
                      &s),
              0);
    const auto cfe = read(out, "/certificates/steps/cfe");
    EXPECT_NEAR(cfe[2], cfe34.first, kTol);
    EXPECT_NEAR(cfe[3], cfe34.second, kTol);
    EXPECT_NEAR((cfe[2] * 90 + cfe[3] * 45) / 135, 99.0 / 135, kTol);
    EXPECT_NEAR(s["matched_kwh"].get<double>(), 190, kTol);
    EXPECT_EQ(s["policy"], policy);
  }
  // The dispatch's split 45/45 then 45/0 (the lifo hours) is accepted and is the default policy.
  const auto g = results("t3s.h5", 4, t23_flows(45, 45),
                         {{"/series/clean_share", {0, 0.2, 0, 0}},
                          {"/green/bat.charge_kw", {100, 0, 0, 0}},
                          {"/green/bat.discharge_kw", {0, 0, 45, 45}}});
  json s;
  ASSERT_EQ(certify({g, "--losses", "metered", "--clean-share", "/series/clean_share", "--out", path("t3sc.h5")}, &s), 0);
  EXPECT_EQ(s["policy"], "schedule");
  const auto cfe = read(path("t3sc.h5"), "/certificates/steps/cfe");
  EXPECT_NEAR(cfe[2], 0.6, kTol);
  EXPECT_NEAR(cfe[3], 1.0, kTol);
  // 95 green at h3 is rejected: at most 100 x 0.9 = 90 green.
  const auto bad = results("t3bad.h5", 4,
                           {{"pv.el", "pv", {200, 0, 0, 0}, true},
                            {"load.in", "load", {-100, 0, -95, -40}},
                            {"bat.el", "battery", {-100, -50, 95, 40}},
                            {"grid.el", "grid", {0, 50, 0, 0}}},
                           {{"/green/bat.charge_kw", {100, 0, 0, 0}}, {"/green/bat.discharge_kw", {0, 0, 95, 0}}});
  std::string err;
  EXPECT_EQ(certify({bad, "--losses", "metered", "--metered-window-months", "6"}, nullptr, &err), ehub::cli::kExitInput);
  EXPECT_NE(err.find("rejected"), std::string::npos) << err;
  // --policy fifo ignores the split.
  EXPECT_EQ(certify({bad, "--losses", "metered", "--policy", "fifo", "--summary", path("x.json")}), 0);
}

TEST_F(CertifyCli, T4PhysicalLossesWholeWhWithScenarioEfficiencies) {
  const auto f = results("t4.h5", 4,
                         {{"pv.el", "pv", {100, 0, 0, 0}, true},
                          {"load.in", "load", {0, -47.5, 0, -50}},
                          {"bat.el", "battery", {-100, 47.5, 0, 42.3225}},
                          {"grid.el", "grid", {0, 0, 0, 7.6775}}},
                         {{"/states/bat.charge_kw", {100, 0, 0, 0}},
                          {"/states/bat.discharge_kw", {0, 47.5, 0, 42.3225}},
                          {"/states/bat.soc_kwh", {95, 45, 44.55, 0}},
                          {"/losses/bat.standing_fraction", {0, 0, 0.01, 0}}});
  const std::string scen = path("park.json");
  std::ofstream(scen) << R"({"time": {"start": "2024-01-01T00:00:00Z", "step_minutes": 60, "steps": 4},
    "devices": [{"name": "bat", "type": "battery", "bus": "el", "energy_kwh": 100,
                 "charge_efficiency": 0.95, "discharge_efficiency": 0.95}]})";
  json s;
  ASSERT_EQ(certify({f, "--wh", "--scenario", scen, "--out", path("t4c.h5")}, &s), 0);
  EXPECT_EQ(std::llround(s["storage_loss_kwh"].get<double>() * 1000), 10178);
  EXPECT_EQ(std::llround(s["matched_kwh"].get<double>() * 1000), 89822);
  EXPECT_EQ(std::llround(s["issued_kwh"].get<double>() * 1000), 100000);
  EXPECT_EQ(s["integer_wh"], true);
  EXPECT_EQ(s["losses"], "physical");
  const auto lost = read(path("t4c.h5"), "/certificates/steps/lost_kwh");
  EXPECT_EQ(std::llround(lost[0] * 1000), 5000);
  EXPECT_EQ(std::llround(lost[1] * 1000), 2500);
  EXPECT_EQ(std::llround(lost[2] * 1000), 450);
  EXPECT_EQ(std::llround(lost[3] * 1000), 2228);
  // Without the scenario the default efficiencies (0.95 / 0.95) give the same; a wrong round-trip
  // efficiency contradicts the recorded SOC and is reported.
  std::ofstream(scen) << R"({"devices": [{"name": "bat", "type": "battery", "round_trip_efficiency": 0.81}]})";
  std::string err;
  EXPECT_EQ(certify({f, "--wh", "--scenario", scen}, nullptr, &err), ehub::cli::kExitInput);
  EXPECT_NE(err.find("soc_kwh"), std::string::npos) << err;
}

TEST_F(CertifyCli, T5NoBanking) {
  auto f = results("t5.h5", 2, {{"pv.el", "pv", {150, 0}, true}, {"load.in", "load", {-100, -100}}, {"grid.el", "grid", {0, 100}}});
  json s;
  ASSERT_EQ(certify({f}, &s), 0);
  EXPECT_NEAR(s["matched_kwh"].get<double>(), 100, kTol);
  EXPECT_NEAR(s["expired_kwh"].get<double>(), 50, kTol);
  f = results("t5e.h5", 2, {{"pv.el", "pv", {150, 0}, true}, {"load.in", "load", {-100, -100}}, {"grid.el", "grid", {-50, 100}}});
  ASSERT_EQ(certify({f}, &s), 0);
  EXPECT_NEAR(s["exported_kwh"].get<double>(), 50, kTol);
  EXPECT_NEAR(s["expired_kwh"].get<double>(), 0, kTol);
  EXPECT_NEAR(s["months"][0]["hourly_share"].get<double>(), 0.5, kTol);
}

TEST_F(CertifyCli, T6KunmingParkScope1And2) {
  const std::size_t n = 1000;
  const auto f = results("t6.h5", n, {{"load.in", "load", std::vector<double>(n, -1000)}, {"grid.el", "grid", std::vector<double>(n, 1000)}});
  json s;
  ASSERT_EQ(certify({f, "--gas-m3", "10000", "--diesel-kg", "2000", "--grid-factor", "cn_yunnan_2022", "--residual-factor",
                     "cn_yunnan_2022", "--alt-residual-factor", "cn_national_excl_market_nonfossil_2022", "--purchased-kwh",
                     "400000"},
                    &s),
            0);
  EXPECT_NEAR(s["scope1_kg"].get<double>(), 21622.0 + 6191.8, 1e-6);
  EXPECT_NEAR(s["scope2_location_kg"].get<double>(), 107300, 1e-6);
  EXPECT_NEAR(s["scope2_market_annual_kg"].get<double>(), 64380, 1e-6);
  EXPECT_NEAR(s["scope2_market_annual_alt_kg"].get<double>(), 351360, 1e-6);
  EXPECT_EQ(s["factors"]["residual"]["name"], "cn_yunnan_2022");
  EXPECT_EQ(s["factors"]["alternative_residual"]["name"], "cn_national_excl_market_nonfossil_2022");
}

TEST_F(CertifyCli, T7GecBundles) {
  const std::size_t n = 24 * 60;  // January and February 2024 in +08:00
  std::vector<double> pv(n, 0.0), load(n, 0.0), grid(n, 0.0);
  pv[10] = 12345.678;
  pv[24 * 31 + 10] = 1700;
  for (std::size_t t = 0; t < n; ++t) grid[t] = -pv[t];
  const auto f = results("t7.h5", n, {{"pv.el", "pv", pv, true}, {"load.in", "load", load}, {"grid.el", "grid", grid}}, {},
                         "2024-01-01T00:00:00+08:00");
  json s;
  ASSERT_EQ(certify({f, "--utc-offset", "480", "--out", path("t7c.h5")}, &s), 0);
  EXPECT_EQ(s["gec"]["certificates"], 14);
  const ehub::io::H5Reader r(path("t7c.h5"));
  EXPECT_EQ(r.read_vector_int64("/certificates/gec/certificates"), (std::vector<std::int64_t>{12, 2}));
  EXPECT_EQ(r.read_vector_int64("/certificates/gec/expiry_year"), (std::vector<std::int64_t>{2026, 2026}));
  EXPECT_EQ(r.read_vector_int64("/certificates/gec/expiry_month"), (std::vector<std::int64_t>{1, 2}));
  const auto carry = read(path("t7c.h5"), "/certificates/gec/carry_out_kwh");
  EXPECT_NEAR(carry[0], 345.678, 1e-9);
  EXPECT_NEAR(carry[1], 45.678, 1e-9);
}

TEST_F(CertifyCli, T8WeightingAndFuelFromFlows) {
  const auto f = results("t8.h5", 3,
                         {{"pv.el", "pv", {10, 0, 50}, true},
                          {"load.in", "load", {-10, -90, 0}},
                          {"grid.el", "grid", {0, 90, -50}},
                          {"boiler.fuel", "gas_boiler", {-10, -10, -10}, false, "gas"},
                          {"gas.fuel", "gas_supply", {10, 10, 10}, false, "gas"}});
  json s;
  ASSERT_EQ(certify({f}, &s), 0);
  EXPECT_NEAR(s["cfe_score"].get<double>(), 0.10, kTol);
  // 30 kWh of gas burnt (negative gas flows) x 2.1622 kg/m3 / (38,931 kJ/m3 / 3600).
  EXPECT_NEAR(s["scope1_kg"].get<double>(), 30 * 2.1622 / (38931.0 / 3600.0), 1e-9);
}

TEST_F(CertifyCli, UsageAndInputErrors) {
  const auto f = results("ok.h5", 2, {{"pv.el", "pv", {1, 0}, true}, {"load.in", "load", {-1, -1}}});
  EXPECT_EQ(certify({f, "--policy", "random"}), ehub::cli::kExitUsage);
  std::string err;
  // Issue 13 item 10: a missing results file is bad input (exit 1, as README documents), not a
  // usage error with CLI11's message.
  EXPECT_EQ(certify({path("missing.h5")}, nullptr, &err), ehub::cli::kExitInput);
  EXPECT_NE(err.find("missing.h5: cannot open: no such file"), std::string::npos) << err;
  EXPECT_EQ(certify({f, "--losses", "measured"}), ehub::cli::kExitUsage);
  // A negative number is named plainly, not with CLI11's 309-digit range.
  EXPECT_EQ(certify({f, "--carbon-price", "-1"}, nullptr, &err), ehub::cli::kExitUsage);
  EXPECT_NE(err.find("must be >= 0, got -1"), std::string::npos) << err;
  EXPECT_LT(err.size(), 120u) << err;
  EXPECT_EQ(certify({f, "--out", f}, nullptr, &err), ehub::cli::kExitInput);
  EXPECT_NE(err.find("new file"), std::string::npos) << err;
  EXPECT_EQ(certify({f, "--clean-share", "/series/none", "--summary", path("s.json")}, nullptr, &err), ehub::cli::kExitInput);
  EXPECT_NE(err.find("/series/none"), std::string::npos) << err;
  EXPECT_EQ(certify({f, "--grid-factor", "cn_mars", "--summary", path("s.json")}, nullptr, &err), ehub::cli::kExitInput);
  {
    ehub::io::H5Writer w(path("other.h5"));
    w.write_vector("/foo", std::vector<double>{1.0});
    w.commit();
  }
  EXPECT_EQ(certify({path("other.h5"), "--summary", path("s.json")}, nullptr, &err), ehub::cli::kExitInput);
  EXPECT_NE(err.find("/time"), std::string::npos) << err;
}

// The installed command, once src/cli/extra_commands.cpp registers it.
TEST_F(CertifyCli, RealBinaryWhenRegistered) {
  const fs::path exe = fs::path(EHUB_BINARY_DIR) / "src" / "cli" / "ehub";
  if (!fs::exists(exe)) GTEST_SKIP() << "no ehub binary in " << exe;
  const std::string help = path("help.txt");
  std::system((exe.string() + " --help > " + help + " 2>&1").c_str());
  std::ifstream h(help);
  const std::string text((std::istreambuf_iterator<char>(h)), std::istreambuf_iterator<char>());
  if (text.find("certify") == std::string::npos) GTEST_SKIP() << "certify is not registered in this ehub binary yet";
  const auto f = results("bin.h5", 2, {{"pv.el", "pv", {150, 0}, true}, {"load.in", "load", {-100, -100}}, {"grid.el", "grid", {-50, 100}}});
  const int rc = std::system((exe.string() + " certify " + f + " --summary " + path("bin.json") + " 2> /dev/null").c_str());
  ASSERT_EQ(rc, 0);
  const json s = ehub::io::load_json_file(path("bin.json"));
  EXPECT_NEAR(s["green_share_hourly"].get<double>(), 0.5, kTol);
  EXPECT_NEAR(s["green_share_annual"].get<double>(), 0.75, kTol);
  const int bad = std::system((exe.string() + " certify " + f + " --policy nope > /dev/null 2>&1").c_str());
  EXPECT_EQ(WEXITSTATUS(bad), ehub::cli::kExitUsage);
}
