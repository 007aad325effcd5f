// The store's suite, run against both backends: SQLite files in a temporary directory and a real
// PostgreSQL server started by tests/store/pg_server.sh (its admin URL in EHUB_TEST_PG_URL_FILE).
// Expected values are computed by hand in the comments next to them.
#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <string>
#include <thread>

#include "ehub/core/error.hpp"
#include "ehub/core/time_grid.hpp"
#include "ehub/store/store.hpp"

namespace fs = std::filesystem;
using namespace ehub;
using namespace ehub::store;

namespace ehub::store {
// Test names show the backend ("sqlite", "postgresql") instead of a byte dump.
inline void PrintTo(Backend b, std::ostream* os) { *os << to_string(b); }
}  // namespace ehub::store

namespace {

std::string read_first_line(const std::string& path) {
  std::ifstream f(path);
  std::string s;
  std::getline(f, s);
  return s;
}

/// The admin URL of the test server (from the ctest fixture), or "" when the tests run without one.
std::string pg_admin_url() {
  const char* file = std::getenv("EHUB_TEST_PG_URL_FILE");
  if (!file) return "";
  return read_first_line(file);
}

/// Runs one statement on the admin connection to database `db` of the test server.
void pg_admin_exec(const std::string& db, const std::string& sql) {
  std::string url = pg_admin_url();
  url = url.substr(0, url.rfind('/') + 1) + db;
  PGconn* c = PQconnectdb(url.c_str());
  ASSERT_EQ(PQstatus(c), CONNECTION_OK) << PQerrorMessage(c);
  PGresult* r = PQexec(c, sql.c_str());
  const auto st = PQresultStatus(r);
  const std::string err = PQresultErrorMessage(r);
  PQclear(r);
  PQfinish(c);
  ASSERT_TRUE(st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) << sql << ": " << err;
}

int g_counter = 0;

/// A fresh database for one test: a new SQLite file, or a new PostgreSQL database (dropped at the end).
class StoreTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    name_ = "ehub_t" + std::to_string(::getpid()) + "_" + std::to_string(++g_counter);
    if (GetParam() == Backend::sqlite) {
      dir_ = fs::temp_directory_path() / name_;
      fs::create_directories(dir_);
      url_ = "sqlite://" + (dir_ / "park.db").string();
    } else {
      const std::string admin = pg_admin_url();
      ASSERT_FALSE(admin.empty()) << "EHUB_TEST_PG_URL_FILE is not set: run through ctest (the store.pg fixture)";
      pg_admin_exec("postgres", "CREATE DATABASE " + name_);
      url_ = admin.substr(0, admin.rfind('/') + 1) + name_;
    }
  }
  void TearDown() override {
    if (GetParam() == Backend::sqlite) {
      std::error_code ec;
      fs::remove_all(dir_, ec);
    } else if (!pg_admin_url().empty()) {
      pg_admin_exec("postgres", "DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
      for (const auto& role : roles_) pg_admin_exec("postgres", "DROP ROLE IF EXISTS " + role);
    }
  }

  Store open(const OpenOptions& o = {}) { return Store::open(url_, o); }

  /// URL of a login role on the test database.
  std::string login_url(const std::string& role, const std::string& pw) {
    const std::string admin = pg_admin_url();
    const auto at = admin.find('@');
    return "postgresql://" + role + ":" + pw + admin.substr(at, admin.rfind('/') - at + 1) + name_;
  }
  std::string role(const std::string& base) {
    roles_.push_back(name_ + "_" + base);
    return roles_.back();
  }

  /// Two tenants, a site, a meter and a point each; point "a.kw" (multiplier 2) and "b.kw".
  void populate(Store& s) {
    s.add_tenant({.name = "acme", .display_name = "Acme Ltd"});
    s.add_tenant({.name = "beta"});
    s.add_site({.name = "kunming", .utc_offset_minutes = 480, .latitude_deg = 25.04, .longitude_deg = 102.71});
    s.add_meter({.name = "a.main", .tenant = "acme", .site = "kunming", .kind = MeterKind::electricity});
    s.add_meter({.name = "b.main", .tenant = "beta", .site = "kunming", .kind = MeterKind::electricity});
    s.add_point({.name = "a.kw", .meter = "a.main", .quantity = "power", .unit = "kW", .multiplier = 2,
                 .tags = {{"item", "hvac"}, {"area", "B1"}}});
    s.add_point({.name = "b.kw", .meter = "b.main", .quantity = "power", .unit = "kW", .tags = {{"item", "lighting"}}});
  }

  std::string name_, url_;
  fs::path dir_;
  std::vector<std::string> roles_;
};

constexpr std::int64_t kT0 = 1735660800;  // 2025-01-01T00:00:00+08:00 = 2024-12-31T16:00:00Z

/// n readings of `point` every 15 minutes from kT0 with value i (i = 0..n-1).
ReadingBatch ramp(std::int64_t point, int n, double offset = 0) {
  ReadingBatch b;
  for (int i = 0; i < n; ++i) b.push_back(point, kT0 + 900 * i, i + offset);
  return b;
}

template <class F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "(no error)";
}

TEST_P(StoreTest, NewDatabaseGetsTheLatestSchema) {
  {
    auto s = open();
    EXPECT_EQ(s.schema_version(), latest_schema_version());
    EXPECT_EQ(s.backend(), GetParam());
    EXPECT_EQ(s.integrity_check(), "ok");
  }
  auto again = open();  // reopening changes nothing
  EXPECT_EQ(again.schema_version(), latest_schema_version());
}

TEST_P(StoreTest, OlderSchemaIsUpgradedKeepingItsRows) {
  {
    OpenOptions o;
    o.schema_version = 1;
    auto s = open(o);
    ASSERT_EQ(s.schema_version(), 1);
    populate(s);
    s.append_readings(ramp(s.point_id("a.kw"), 4));
    // Version 1 has no assets table.
    EXPECT_NE(error_of([&] { s.add_asset({.name = "bat", .tenant = "acme", .site = "kunming", .kind = "battery"}); }),
              "(no error)");
  }
  auto s = open();
  EXPECT_EQ(s.schema_version(), latest_schema_version());
  EXPECT_EQ(s.count_readings("a.kw"), 4);
  EXPECT_GT(s.add_asset({.name = "bat", .tenant = "acme", .site = "kunming", .kind = "battery"}), 0);
}

TEST_P(StoreTest, NewerSchemaIsRefused) {
  {
    auto s = open();
    s.execute_sql("INSERT INTO schema_version (version, applied_unix_s) VALUES (99, 0)");
  }
  const std::string msg = error_of([&] { open(); });
  EXPECT_NE(msg.find("schema version 99, newer than this build"), std::string::npos) << msg;
  EXPECT_NE(msg.find(GetParam() == Backend::sqlite ? "park.db" : name_), std::string::npos) << msg;
}

TEST_P(StoreTest, RecordsRoundTrip) {
  auto s = open();
  populate(s);
  ASSERT_EQ(s.tenants().size(), 2u);
  EXPECT_EQ(s.tenants()[0].display_name, "Acme Ltd");
  ASSERT_EQ(s.sites().size(), 1u);
  EXPECT_EQ(s.sites()[0].utc_offset_minutes, 480);
  EXPECT_DOUBLE_EQ(s.sites()[0].latitude_deg, 25.04);
  s.add_meter({.name = "a.sub", .tenant = "acme", .site = "kunming", .kind = MeterKind::heat, .parent = "a.main"});
  const auto meters = s.meters();
  ASSERT_EQ(meters.size(), 3u);
  EXPECT_EQ(meters[1].name, "a.sub");
  EXPECT_EQ(meters[1].parent, "a.main");
  EXPECT_EQ(meters[1].kind, MeterKind::heat);
  const auto points = s.points();
  ASSERT_EQ(points.size(), 2u);
  EXPECT_EQ(points[0].name, "a.kw");
  EXPECT_EQ(points[0].tags.at("item"), "hvac");
  EXPECT_EQ(points[0].tags.at("area"), "B1");
  EXPECT_DOUBLE_EQ(points[0].multiplier, 2);
  s.set_point_tag("a.kw", "item", "power");
  EXPECT_EQ(s.points()[0].tags.at("item"), "power");

  s.add_asset({.name = "bat1", .tenant = "acme", .site = "kunming", .kind = "battery", .manufacturer = "CATL",
               .commissioned_unix_s = kT0, .rated_power_kw = 2000, .rated_energy_kwh = 8000,
               .params_json = R"({"power_kw":2000})"});
  s.add_maintenance({.asset = "bat1", .start_unix_s = kT0 + 86400, .end_unix_s = kT0 + 90000, .kind = "inspection", .cost = 1200});
  s.add_maintenance({.asset = "bat1", .start_unix_s = kT0, .kind = "repair", .description = "BMS fault"});
  const auto assets = s.assets();
  ASSERT_EQ(assets.size(), 1u);
  EXPECT_EQ(assets[0].manufacturer, "CATL");
  EXPECT_DOUBLE_EQ(assets[0].rated_energy_kwh, 8000);
  EXPECT_EQ(assets[0].params_json, R"({"power_kw":2000})");
  const auto m = s.maintenance("bat1");
  ASSERT_EQ(m.size(), 2u);
  EXPECT_EQ(m[0].kind, "repair");  // ordered by start time
  EXPECT_DOUBLE_EQ(m[1].cost, 1200);

  s.add_resource_template({.name = "battery-2MW", .device_type = "battery", .params_json = R"({"power_kw":2000})"});
  s.add_resource({.name = "acme-bat", .tenant = "acme", .template_name = "battery-2MW", .asset = "bat1"});
  s.add_vpp("park-vpp", "all flexible resources");
  s.add_vpp_member("park-vpp", "acme-bat");
  EXPECT_EQ(s.vpp_members("park-vpp"), std::vector<std::string>{"acme-bat"});
  EXPECT_EQ(s.resources()[0].asset, "bat1");
  s.add_strategy({.name = "da-rules", .kind = "rules", .config_json = R"({"sell_above":0.8})"});
  s.add_trade({.strategy = "da-rules", .vpp = "park-vpp", .market = "day_ahead", .product = "H09",
               .delivery_start_unix_s = kT0 + 9 * 3600, .delivery_end_unix_s = kT0 + 10 * 3600, .side = "sell",
               .quantity_kwh = 1500, .price_per_kwh = 0.62});
  const auto trades = s.trades();
  ASSERT_EQ(trades.size(), 1u);
  EXPECT_EQ(trades[0].strategy, "da-rules");
  EXPECT_DOUBLE_EQ(trades[0].price_per_kwh, 0.62);
  const auto id = s.add_alarm({.point = "a.kw", .rule = "day_over_limit", .severity = "critical", .raised_unix_s = kT0, .value = 5400});
  s.clear_alarm(id, kT0 + 3600);
  const auto alarms = s.alarms();
  ASSERT_EQ(alarms.size(), 1u);
  EXPECT_EQ(alarms[0].tenant, "acme");
  EXPECT_EQ(alarms[0].cleared_unix_s, kT0 + 3600);
  EXPECT_NE(error_of([&] { s.clear_alarm(id, kT0 + 7200); }).find("no active alarm"), std::string::npos);
  s.add_dr_event({.program = "peak-shave", .start_unix_s = kT0 + 14 * 3600, .end_unix_s = kT0 + 16 * 3600, .requested_kw = 800});
  const auto dr = s.dr_events();
  ASSERT_EQ(dr.size(), 1u);
  EXPECT_FALSE(dr[0].baseline_kwh.has_value());
  EXPECT_DOUBLE_EQ(dr[0].requested_kw, 800);
  // Every configuration change is audited (2 tenants, site, 3 meters, 2 points, a tag, asset, 2
  // maintenance records, template, resource, VPP, member, strategy, trade, DR event = 19; alarms
  // are events, not configuration).
  EXPECT_EQ(s.audit_log().size(), 19u);
  EXPECT_EQ(s.audit_log()[0].table, "tenants");
}

TEST_P(StoreTest, DuplicateNamesAndUnknownReferencesNameTheRecord) {
  auto s = open();
  populate(s);
  std::string msg = error_of([&] { s.add_tenant({.name = "acme"}); });
  EXPECT_NE(msg.find("tenants/acme: already exists"), std::string::npos) << msg;
  msg = error_of([&] { s.add_meter({.name = "x", .tenant = "acme", .site = "nowhere"}); });
  EXPECT_NE(msg.find("meters/x/site: unknown site \"nowhere\""), std::string::npos) << msg;
  msg = error_of([&] { s.add_point({.name = "p", .meter = "a.main", .quantity = "power", .unit = "kW", .multiplier = 0}); });
  EXPECT_NE(msg.find("points/p/multiplier"), std::string::npos) << msg;
  msg = error_of([&] { s.add_trade({.market = "day_ahead", .delivery_start_unix_s = 1, .delivery_end_unix_s = 2, .side = "hold"}); });
  EXPECT_NE(msg.find("trades/side"), std::string::npos) << msg;
  EXPECT_EQ(s.meters().size(), 2u);  // nothing half written
}

TEST_P(StoreTest, ReadingsRangeMultiplierAndMissing) {
  auto s = open();
  populate(s);
  const auto a = s.point_id("a.kw");
  ReadingBatch b = ramp(a, 96);
  b.value[5] = std::nan("");
  b.quality[5] = static_cast<std::uint8_t>(Quality::missing);
  EXPECT_EQ(s.append_readings(b), 96);
  // [kT0 + 10 x 900, kT0 + 20 x 900): readings 10..19, engineering value = 2 x i (multiplier 2).
  const auto r = s.read("a.kw", {kT0 + 9000, kT0 + 18000});
  ASSERT_EQ(r.size(), 10u);
  EXPECT_EQ(r.t_unix_s[0], kT0 + 9000);
  EXPECT_DOUBLE_EQ(r.value[0], 20.0);
  EXPECT_DOUBLE_EQ(r.value[9], 38.0);
  const auto raw = s.read("a.kw", {kT0, kT0 + 86400}, true);
  ASSERT_EQ(raw.size(), 96u);
  EXPECT_DOUBLE_EQ(raw.value[95], 95.0);
  EXPECT_TRUE(std::isnan(raw.value[5]));
  EXPECT_EQ(raw.quality[5], static_cast<std::uint8_t>(Quality::missing));
  // As a series on an hourly grid: the readings at whole hours (i = 0, 4, 8, ...), x2.
  const auto grid = TimeGrid(kT0, 60, 24);
  EXPECT_NE(error_of([&] { raw.to_series(grid); }).find("not on a step start"), std::string::npos);
  const auto q = s.read("a.kw", {kT0, kT0 + 900});
  EXPECT_DOUBLE_EQ(q.to_series(TimeGrid(kT0, 15, 4)).values()[0], 0.0);
  EXPECT_TRUE(std::isnan(q.to_series(TimeGrid(kT0, 15, 4)).values()[1]));
  EXPECT_EQ(s.count_readings(), 96);
}

TEST_P(StoreTest, DuplicatesEqualAcceptedOtherRejectedOrReplacedAndAudited) {
  auto s = open();
  populate(s);
  const auto a = s.point_id("a.kw");
  s.append_readings(ramp(a, 4));  // values 0, 1, 2, 3
  EXPECT_EQ(s.append_readings(ramp(a, 4)), 0);  // the same again: nothing changes
  // Three new readings and one that contradicts the stored value 2 at row 2 of the batch.
  ReadingBatch b;
  b.push_back(a, kT0 + 900 * 10, 7);
  b.push_back(a, kT0 + 900 * 11, 8);
  b.push_back(a, kT0 + 900 * 2, 2.5);
  b.push_back(a, kT0 + 900 * 12, 9);
  const std::string msg = error_of([&] { s.append_readings(b); });
  EXPECT_NE(msg.find("readings/row 2"), std::string::npos) << msg;
  EXPECT_NE(msg.find("\"a.kw\" at 2024-12-31T16:30:00Z already has value 2"), std::string::npos) << msg;
  EXPECT_NE(msg.find("the batch has 2.5"), std::string::npos) << msg;
  EXPECT_EQ(s.count_readings("a.kw"), 4);  // nothing of the batch written
  // A second reading of the same (point, time) inside one batch with another value.
  ReadingBatch twice;
  twice.push_back(a, kT0 + 900 * 20, 1);
  twice.push_back(a, kT0 + 900 * 20, 2);
  EXPECT_NE(error_of([&] { s.append_readings(twice); }).find("readings/row 1"), std::string::npos);
  EXPECT_EQ(s.count_readings("a.kw"), 4);
  // Replace when asked: 3 new rows + 1 replaced, the old value 2 and the new 2.5 audited.
  const auto audit_before = s.audit_log().size();
  AppendOptions replace;
  replace.on_duplicate = OnDuplicate::replace;
  replace.source = "import";
  EXPECT_EQ(s.append_readings(b, replace), 4);
  EXPECT_EQ(s.count_readings("a.kw"), 7);
  EXPECT_DOUBLE_EQ(s.read("a.kw", {kT0 + 1800, kT0 + 2700}, true).value[0], 2.5);
  const auto log = s.audit_log();
  ASSERT_EQ(log.size(), audit_before + 1);
  EXPECT_EQ(log.back().action, "replace:import");
  EXPECT_EQ(log.back().row_key, "point=a.kw t=" + std::to_string(kT0 + 1800));
  EXPECT_EQ(log.back().old_value, "2 q=0");
  EXPECT_EQ(log.back().new_value, "2.5 q=0");
  EXPECT_EQ(log.back().tenant, "acme");
}

TEST_P(StoreTest, BadReadingsWriteNothing) {
  auto s = open();
  populate(s);
  const auto a = s.point_id("a.kw");
  ReadingBatch b = ramp(a, 3);
  b.point_id[1] = 999;
  std::string msg = error_of([&] { s.append_readings(b); });
  EXPECT_NE(msg.find("readings/row 1: unknown point id 999"), std::string::npos) << msg;
  b = ramp(a, 3);
  b.value[2] = INFINITY;
  msg = error_of([&] { s.append_readings(b); });
  EXPECT_NE(msg.find("readings/row 2: value must be finite"), std::string::npos) << msg;
  b = ramp(a, 3);
  b.quality[0] = 9;
  EXPECT_NE(error_of([&] { s.append_readings(b); }).find("quality flag 9 is not 0..5"), std::string::npos);
  b = ramp(a, 3);
  b.value.pop_back();
  EXPECT_NE(error_of([&] { s.append_readings(b); }).find("differ in length"), std::string::npos);
  EXPECT_EQ(s.count_readings(), 0);
}

TEST_P(StoreTest, AggregationPushedDownMatchesHandSums) {
  auto s = open();
  populate(s);
  // a.kw: stored value i (engineering 2i) every 15 min for a day; b.kw: stored 100 + i.
  s.append_readings(ramp(s.point_id("a.kw"), 96));
  s.append_readings(ramp(s.point_id("b.kw"), 96, 100));
  AggregateQuery q;
  q.start_unix_s = kT0;
  q.end_unix_s = kT0 + 86400;
  q.interval_s = 3600;
  auto r = s.aggregate(q);
  ASSERT_EQ(r.groups, (std::vector<std::string>{"a.kw", "b.kw"}));
  ASSERT_EQ(r.values.cols(), 24);
  // Hour h holds i = 4h..4h+3: sum of 2i = 2(16h + 6) = 32h + 12; b: 400 + 16h + 6.
  for (int h = 0; h < 24; ++h) {
    EXPECT_DOUBLE_EQ(r.values(0, h), 32.0 * h + 12) << h;
    EXPECT_DOUBLE_EQ(r.values(1, h), 406.0 + 16 * h) << h;
    EXPECT_EQ(r.counts(0, h), 4);
  }
  q.function = Aggregate::mean;
  r = s.aggregate(q);
  EXPECT_DOUBLE_EQ(r.values(0, 3), 2 * (12 + 1.5));  // mean of 2i for i = 12..15 = 2 x 13.5
  q.function = Aggregate::max;
  q.raw = true;
  r = s.aggregate(q);
  EXPECT_DOUBLE_EQ(r.values(1, 23), 100 + 95.0);
  // Grouped by the item tag, daily buckets, only hvac: sum of 2i, i = 0..95 = 2 x 4560 = 9120.
  AggregateQuery t;
  t.start_unix_s = kT0;
  t.end_unix_s = kT0 + 2 * 86400;
  t.interval_s = 86400;
  t.group_by_tag = "item";
  r = s.aggregate(t);
  ASSERT_EQ(r.groups, (std::vector<std::string>{"hvac", "lighting"}));
  EXPECT_DOUBLE_EQ(r.values(0, 0), 9120);
  EXPECT_DOUBLE_EQ(r.values(1, 0), 9600 + 4560);  // 96 x 100 + 4560
  EXPECT_TRUE(std::isnan(r.values(0, 1)));       // no reading on day 2
  t.where_tags = {{"area", "B1"}};
  r = s.aggregate(t);
  ASSERT_EQ(r.groups, std::vector<std::string>{"hvac"});
  // An inverted point (multiplier -1, an export register read with the wrong sign): its hourly
  // minimum is -(4h + 3) and its maximum -4h.
  s.add_point({.name = "c.kw", .meter = "a.main", .quantity = "power", .unit = "kW", .multiplier = -1});
  s.append_readings(ramp(s.point_id("c.kw"), 8));
  AggregateQuery inv;
  inv.points = {"c.kw"};
  inv.start_unix_s = kT0;
  inv.end_unix_s = kT0 + 7200;
  inv.function = Aggregate::min;
  EXPECT_EQ(s.aggregate(inv).values(0, 1), -7.0);
  inv.function = Aggregate::max;
  EXPECT_EQ(s.aggregate(inv).values(0, 1), -4.0);
  EXPECT_NE(error_of([&] {
              AggregateQuery bad = q;
              bad.points = {"nope"};
              s.aggregate(bad);
            }).find("unknown point \"nope\""),
            std::string::npos);
}

TEST_P(StoreTest, EditingAReadingIsAudited) {
  auto s = open({.user = "operator-li"});
  populate(s);
  s.append_readings(ramp(s.point_id("b.kw"), 4));
  s.edit_reading("b.kw", kT0 + 900, 42.5, Quality::edited, "meter swap");
  const auto r = s.read("b.kw");
  EXPECT_DOUBLE_EQ(r.value[1], 42.5);
  EXPECT_EQ(r.quality[1], static_cast<std::uint8_t>(Quality::edited));
  const auto e = s.audit_log().back();
  EXPECT_EQ(e.who, "operator-li");
  EXPECT_EQ(e.action, "edit:meter swap");
  EXPECT_EQ(e.old_value, "1 q=0");
  EXPECT_EQ(e.new_value, "42.5 q=2");
  EXPECT_NE(error_of([&] { s.edit_reading("b.kw", kT0 + 7, 1); }).find("no reading stored"), std::string::npos);
}

TEST_P(StoreTest, StoreScopedToATenantSeesOnlyItsRows) {
  {
    auto s = open();
    populate(s);
    s.append_readings(ramp(s.point_id("a.kw"), 8));
    s.append_readings(ramp(s.point_id("b.kw"), 5));
  }
  auto a = open({.tenant = "acme"});
  EXPECT_EQ(a.tenant(), "acme");
  EXPECT_EQ(a.tenants().size(), 1u);
  EXPECT_EQ(a.meters().size(), 1u);
  EXPECT_EQ(a.points().size(), 1u);
  EXPECT_EQ(a.count_readings(), 8);
  EXPECT_NE(error_of([&] { a.read("b.kw"); }).find("unknown point \"b.kw\" (for tenant \"acme\")"), std::string::npos);
  auto admin = open();
  const auto b_point = admin.point_id("b.kw");
  EXPECT_NE(error_of([&] { a.append_readings(ramp(b_point, 1)); }).find("unknown point id"), std::string::npos);
  EXPECT_NE(error_of([&] { a.add_meter({.name = "m", .tenant = "beta", .site = "kunming"}); }).find("not this store's tenant"),
            std::string::npos);
  AggregateQuery q;
  q.start_unix_s = kT0;
  q.end_unix_s = kT0 + 86400;
  EXPECT_EQ(a.aggregate(q).groups, std::vector<std::string>{"a.kw"});
  EXPECT_NE(error_of([&] { open({.tenant = "gamma"}); }).find("unknown tenant \"gamma\""), std::string::npos);
  auto ro = open({.tenant = "acme", .read_only = true});
  EXPECT_NE(error_of([&] { ro.add_meter({.name = "m", .tenant = "acme", .site = "kunming"}); }).find("read-only"),
            std::string::npos);
}

TEST_P(StoreTest, BadUrlsAndFilesNameTheUrl) {
  EXPECT_NE(error_of([] { Store::open("mysql://x/y"); }).find("unknown store URL scheme \"mysql\""), std::string::npos);
  EXPECT_NE(error_of([] { Store::open("sqlite:"); }).find("sqlite:"), std::string::npos);
  if (GetParam() == Backend::sqlite) {
    const auto junk = dir_ / "junk.db";
    std::ofstream(junk) << std::string(4096, 'x');
    const std::string msg = error_of([&] { Store::open("sqlite://" + junk.string()); });
    EXPECT_NE(msg.find("junk.db: not a usable SQLite database"), std::string::npos) << msg;
    EXPECT_NE(error_of([&] { Store::open("sqlite://" + (dir_ / "no/such/dir/x.db").string()); }).find("does not exist"),
              std::string::npos);
    EXPECT_NE(error_of([&] { Store::open("sqlite://" + (dir_ / "absent.db").string(), {.create = false}); }).find("no such database"),
              std::string::npos);
  } else {
    // Nothing listens on port 1; wrong password; the password never appears in the message.
    std::string msg = error_of([] { Store::open("postgresql://u:secret1@127.0.0.1:1/x?connect_timeout=5"); });
    EXPECT_NE(msg.find("postgresql://u:***@127.0.0.1:1/x"), std::string::npos) << msg;
    EXPECT_NE(msg.find("cannot connect"), std::string::npos) << msg;
    EXPECT_EQ(msg.find("secret1"), std::string::npos) << msg;
    std::string bad = url_;
    bad.replace(bad.find(':', 14) + 1, bad.find('@') - bad.find(':', 14) - 1, "wrongpw");
    msg = error_of([&] { Store::open(bad); });
    EXPECT_NE(msg.find("password authentication failed"), std::string::npos) << msg;
    EXPECT_EQ(msg.find("wrongpw"), std::string::npos) << msg;
  }
}

TEST_P(StoreTest, TenantLoginCannotReadOtherTenantsRowsThroughRawSql) {
  if (GetParam() == Backend::sqlite) {  // a file has no logins: the API scopes a tenant's store
    auto s = open();
    populate(s);
    EXPECT_NE(error_of([&] { s.create_tenant_login("acme", "acme_user", "pw"); }).find("SQLite has no logins"),
              std::string::npos);
    return;
  }
  const std::string ra = role("acme"), rb = role("beta_viewer");
  {
    auto s = open();
    populate(s);
    s.append_readings(ramp(s.point_id("a.kw"), 8));
    s.append_readings(ramp(s.point_id("b.kw"), 5));
    s.create_tenant_login("acme", ra, "pw-a");
    s.create_tenant_login("beta", rb, "pw-b", true);
  }
  auto a = Store::open(login_url(ra, "pw-a"));
  EXPECT_EQ(a.tenant(), "acme");  // the tenant comes from the login, not from options
  EXPECT_EQ(a.execute_sql("SELECT count(*) FROM readings").rows[0][0], "8");
  EXPECT_EQ(a.execute_sql("SELECT count(*) FROM readings WHERE tenant_id <> (SELECT id FROM tenants WHERE name = 'acme')").rows[0][0], "0");
  EXPECT_EQ(a.execute_sql("SELECT count(*) FROM points").rows[0][0], "1");
  EXPECT_EQ(a.execute_sql("SELECT count(*) FROM tenants").rows[0][0], "1");
  EXPECT_EQ(a.execute_sql("SELECT count(*) FROM audit_log WHERE tenant_id IS DISTINCT FROM (SELECT id FROM tenants)").rows[0][0], "0");
  // Updates reach only its own rows; writing another tenant's id is refused by the server.
  a.execute_sql("UPDATE readings SET value = -1");
  EXPECT_NE(error_of([&] { a.execute_sql("INSERT INTO readings (point_id, t_unix_s, value, quality, tenant_id) VALUES (2, 0, 1, 0, 2)"); })
                .find("row-level security"),
            std::string::npos);
  EXPECT_NE(error_of([&] { a.execute_sql("SET ROLE ehub_admin"); }).find("permission denied"), std::string::npos);
  EXPECT_NE(error_of([&] { a.execute_sql("DELETE FROM readings"); }).find("permission denied"), std::string::npos);
  EXPECT_NE(error_of([&] { a.execute_sql("SELECT * FROM ehub_tenant_roles"); }).find("permission denied"), std::string::npos);
  // The API works for the login: append through the staging path (COPY is not allowed under RLS).
  ReadingBatch later;
  for (int i = 0; i < 3; ++i) later.push_back(a.point_id("a.kw"), kT0 + 86400 + 900 * i, 1000 + i);
  EXPECT_EQ(a.append_readings(later), 3);
  EXPECT_EQ(a.count_readings(), 11);
  auto admin = open();
  EXPECT_EQ(admin.count_readings("b.kw"), 5);
  EXPECT_DOUBLE_EQ(admin.read("b.kw", {}, true).value[4], 4.0);  // untouched by acme's UPDATE
  EXPECT_EQ(admin.read("a.kw", {}, true).value[7], -1.0);       // acme's own rows were updated
  // The viewer sees beta's rows only and cannot write.
  auto b = Store::open(login_url(rb, "pw-b"));
  EXPECT_EQ(b.execute_sql("SELECT count(*) FROM readings").rows[0][0], "5");
  EXPECT_NE(error_of([&] { b.execute_sql("UPDATE readings SET value = 0"); }).find("permission denied"), std::string::npos);
  EXPECT_NE(error_of([&] { Store::open(login_url(ra, "pw-a"), {.tenant = "beta"}); }).find("belongs to tenant \"acme\""),
            std::string::npos);
}

// kill -9 during bulk inserts: every batch the writer saw committed is there in full, no batch is
// there in part, and the database passes its integrity check.
TEST_P(StoreTest, WriterKilledMidBatchLeavesCommittedBatchesIntact) {
  std::int64_t point = 0;
  {
    auto s = open();
    populate(s);
    point = s.point_id("a.kw");
  }
  constexpr int kRows = 5000;
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::close(fds[0]);
    try {
      auto s = Store::open(url_);
      for (int k = 0;; ++k) {
        ReadingBatch b;
        b.reserve(kRows);
        for (int i = 0; i < kRows; ++i) b.push_back(point, std::int64_t{k} * kRows * 60 + i * 60, k);
        s.append_readings(b);
        if (::write(fds[1], &k, sizeof k) != sizeof k) ::_exit(3);
      }
    } catch (...) {
      ::_exit(2);
    }
  }
  ::close(fds[1]);
  std::mt19937 rng(12345);
  int committed = -1, k = 0;
  const int wait_for = 3 + static_cast<int>(rng() % 4);
  while (committed < wait_for && ::read(fds[0], &k, sizeof k) == sizeof k) committed = k;
  std::this_thread::sleep_for(std::chrono::microseconds(rng() % 20000));
  ::kill(child, SIGKILL);
  while (::read(fds[0], &k, sizeof k) == sizeof k) committed = k;  // commits reported before the kill
  ::close(fds[0]);
  int status = 0;
  ::waitpid(child, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status)) << "the writer ended by itself with " << status;
  auto s = open();
  EXPECT_EQ(s.integrity_check(), "ok");
  const auto r = s.read("a.kw", {}, true);
  std::map<int, int> per_batch;
  for (Eigen::Index i = 0; i < r.value.size(); ++i) ++per_batch[static_cast<int>(r.value[i])];
  for (int b = 0; b <= committed; ++b) EXPECT_EQ(per_batch[b], kRows) << "batch " << b << " committed but not complete";
  for (const auto& [b, n] : per_batch) EXPECT_EQ(n, kRows) << "batch " << b << " is there in part";
  EXPECT_GE(static_cast<int>(per_batch.size()), committed + 1);
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreTest, ::testing::Values(Backend::sqlite, Backend::postgresql),
                         [](const auto& info) { return std::string(to_string(info.param)); });

TEST(StoreUrl, ParsesBothSchemesAndHidesThePassword) {
  auto u = parse_url("sqlite:///var/park.db");
  EXPECT_EQ(u.backend, Backend::sqlite);
  EXPECT_EQ(u.path, "/var/park.db");
  EXPECT_EQ(parse_url("sqlite://rel/park.db").path, "rel/park.db");
  EXPECT_EQ(parse_url("sqlite::memory:").path, ":memory:");
  u = parse_url("postgresql://ops:s3cret@db.local:5433/park");
  EXPECT_EQ(u.backend, Backend::postgresql);
  EXPECT_EQ(u.display, "postgresql://ops:***@db.local:5433/park");
  EXPECT_EQ(u.conninfo, "postgresql://ops:s3cret@db.local:5433/park");
  EXPECT_EQ(parse_url("postgres://ops@h/p").display, "postgres://ops@h/p");
}

}  // namespace

namespace {

TEST_P(StoreTest, VirtualPointsAndUnitsOfTheMeterKind) {
  auto s = open();
  populate(s);
  s.add_point({.name = "a.rest", .meter = "a.main", .quantity = "power", .unit = "kW", .formula = "a.kw - 0.5 * a.kw"});
  const auto pts = s.points();
  EXPECT_EQ(pts[1].name, "a.rest");
  EXPECT_EQ(pts[1].formula, "a.kw - 0.5 * a.kw");
  std::string msg = error_of([&] {
    s.add_point({.name = "a.self", .meter = "a.main", .quantity = "power", .unit = "kW", .formula = "a.kw + a.self"});
  });
  EXPECT_NE(msg.find("points/a.self/formula: the formula names the point itself"), std::string::npos) << msg;
  msg = error_of([&] { s.add_point({.name = "x", .meter = "a.main", .quantity = "power", .unit = "kW", .formula = "a.kw + b.kw"}); });
  EXPECT_NE(msg.find("points/x/formula/b.kw: belongs to another tenant"), std::string::npos) << msg;  // beta's point
  msg = error_of([&] { s.add_point({.name = "y", .meter = "a.main", .quantity = "power", .unit = "kW", .formula = "a.kw +"}); });
  EXPECT_NE(msg.find("expected a point name"), std::string::npos) << msg;
  msg = error_of([&] { s.add_point({.name = "w", .meter = "a.main", .quantity = "volume", .unit = "m3"}); });
  EXPECT_NE(msg.find("points/w/unit: \"m3\" is not a unit of a electricity meter"), std::string::npos) << msg;
  msg = error_of([&] { s.append_readings(ramp(s.point_id("a.rest"), 2)); });
  EXPECT_NE(msg.find("is virtual"), std::string::npos) << msg;
  const auto terms = parse_formula("B1-main.kw - 2.5 * b2 + c");
  ASSERT_EQ(terms.size(), 3u);
  EXPECT_EQ(terms[0].point, "B1-main.kw");
  EXPECT_DOUBLE_EQ(terms[1].coefficient, -2.5);
  EXPECT_DOUBLE_EQ(terms[2].coefficient, 1);
}

}  // namespace
