// The store's schema as versioned migrations (one transaction each way up), and on PostgreSQL the
// row-level security that confines a tenant's login to its own rows.
#include <array>
#include <ctime>
#include <string>
#include <string_view>

#include "db.hpp"
#include "ehub/core/error.hpp"

namespace ehub::store::detail {
namespace {

// Portable SQL: {{id}} is an auto-numbered primary key, {{real}} a double, {{without_rowid}} the
// SQLite clustered-key option. Times are unix seconds (BIGINT), JSON documents are TEXT.
constexpr std::string_view kMigration1 = R"sql(
CREATE TABLE tenants (
  id {{id}},
  name TEXT NOT NULL UNIQUE CHECK (name <> ''),
  display_name TEXT NOT NULL DEFAULT '',
  created_unix_s BIGINT NOT NULL
);
CREATE TABLE sites (
  id {{id}},
  name TEXT NOT NULL UNIQUE CHECK (name <> ''),
  utc_offset_minutes INTEGER NOT NULL DEFAULT 0,
  latitude_deg {{real}} NOT NULL DEFAULT 0,
  longitude_deg {{real}} NOT NULL DEFAULT 0,
  created_unix_s BIGINT NOT NULL
);
CREATE TABLE meters (
  id {{id}},
  tenant_id BIGINT NOT NULL REFERENCES tenants(id),
  site_id BIGINT NOT NULL REFERENCES sites(id),
  name TEXT NOT NULL UNIQUE CHECK (name <> ''),
  kind TEXT NOT NULL,
  parent_id BIGINT REFERENCES meters(id),
  serial TEXT NOT NULL DEFAULT '',
  created_unix_s BIGINT NOT NULL
);
CREATE TABLE points (
  id {{id}},
  tenant_id BIGINT NOT NULL REFERENCES tenants(id),
  meter_id BIGINT NOT NULL REFERENCES meters(id),
  name TEXT NOT NULL UNIQUE CHECK (name <> ''),
  quantity TEXT NOT NULL,
  unit TEXT NOT NULL,
  multiplier {{real}} NOT NULL DEFAULT 1,
  cumulative INTEGER NOT NULL DEFAULT 0,
  interval_s INTEGER NOT NULL DEFAULT 0,
  created_unix_s BIGINT NOT NULL
);
CREATE TABLE point_tags (
  point_id BIGINT NOT NULL REFERENCES points(id),
  tenant_id BIGINT NOT NULL REFERENCES tenants(id),
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (point_id, key)
);
CREATE INDEX point_tags_key_value ON point_tags (key, value);
CREATE TABLE readings (
  point_id BIGINT NOT NULL,
  t_unix_s BIGINT NOT NULL,
  value {{real}},
  quality SMALLINT NOT NULL DEFAULT 0,
  tenant_id BIGINT NOT NULL,
  PRIMARY KEY (point_id, t_unix_s)
) {{without_rowid}};
CREATE TABLE audit_log (
  id {{id}},
  at_unix_s BIGINT NOT NULL,
  who TEXT NOT NULL,
  tenant_id BIGINT,
  table_name TEXT NOT NULL,
  row_key TEXT NOT NULL,
  action TEXT NOT NULL,
  old_value TEXT NOT NULL DEFAULT '',
  new_value TEXT NOT NULL DEFAULT ''
);
)sql";

constexpr std::string_view kMigration2 = R"sql(
CREATE TABLE assets (
  id {{id}},
  tenant_id BIGINT NOT NULL REFERENCES tenants(id),
  site_id BIGINT NOT NULL REFERENCES sites(id),
  name TEXT NOT NULL UNIQUE CHECK (name <> ''),
  kind TEXT NOT NULL,
  manufacturer TEXT NOT NULL DEFAULT '',
  model TEXT NOT NULL DEFAULT '',
  serial TEXT NOT NULL DEFAULT '',
  commissioned_unix_s BIGINT NOT NULL DEFAULT 0,
  rated_power_kw {{real}} NOT NULL DEFAULT 0,
  rated_energy_kwh {{real}} NOT NULL DEFAULT 0,
  params_json TEXT NOT NULL DEFAULT '{}',
  created_unix_s BIGINT NOT NULL
);
CREATE TABLE maintenance (
  id {{id}},
  tenant_id BIGINT NOT NULL REFERENCES tenants(id),
  asset_id BIGINT NOT NULL REFERENCES assets(id),
  start_unix_s BIGINT NOT NULL,
  end_unix_s BIGINT NOT NULL DEFAULT 0,
  kind TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  cost {{real}} NOT NULL DEFAULT 0,
  created_unix_s BIGINT NOT NULL
);
CREATE INDEX maintenance_asset ON maintenance (asset_id, start_unix_s);
)sql";

constexpr std::string_view kMigration3 = R"sql(
CREATE TABLE resource_templates (
  id {{id}},
  name TEXT NOT NULL UNIQUE CHECK (name <> ''),
  device_type TEXT NOT NULL,
  params_json TEXT NOT NULL DEFAULT '{}',
  created_unix_s BIGINT NOT NULL
);
CREATE TABLE resources (
  id {{id}},
  tenant_id BIGINT NOT NULL REFERENCES tenants(id),
  template_id BIGINT NOT NULL REFERENCES resource_templates(id),
  asset_id BIGINT REFERENCES assets(id),
  name TEXT NOT NULL UNIQUE CHECK (name <> ''),
  params_json TEXT NOT NULL DEFAULT '{}',
  created_unix_s BIGINT NOT NULL
);
CREATE TABLE vpps (
  id {{id}},
  name TEXT NOT NULL UNIQUE CHECK (name <> ''),
  description TEXT NOT NULL DEFAULT '',
  created_unix_s BIGINT NOT NULL
);
CREATE TABLE vpp_members (
  vpp_id BIGINT NOT NULL REFERENCES vpps(id),
  resource_id BIGINT NOT NULL REFERENCES resources(id),
  PRIMARY KEY (vpp_id, resource_id)
);
CREATE TABLE strategies (
  id {{id}},
  name TEXT NOT NULL UNIQUE CHECK (name <> ''),
  kind TEXT NOT NULL,
  config_json TEXT NOT NULL DEFAULT '{}',
  created_unix_s BIGINT NOT NULL
);
CREATE TABLE trades (
  id {{id}},
  strategy_id BIGINT REFERENCES strategies(id),
  vpp_id BIGINT REFERENCES vpps(id),
  market TEXT NOT NULL,
  product TEXT NOT NULL DEFAULT '',
  delivery_start_unix_s BIGINT NOT NULL,
  delivery_end_unix_s BIGINT NOT NULL,
  side TEXT NOT NULL CHECK (side IN ('buy', 'sell')),
  quantity_kwh {{real}} NOT NULL,
  price_per_kwh {{real}} NOT NULL,
  status TEXT NOT NULL,
  created_unix_s BIGINT NOT NULL
);
CREATE INDEX trades_delivery ON trades (delivery_start_unix_s);
CREATE TABLE alarm_events (
  id {{id}},
  tenant_id BIGINT NOT NULL REFERENCES tenants(id),
  point_id BIGINT REFERENCES points(id),
  rule TEXT NOT NULL,
  severity TEXT NOT NULL,
  raised_unix_s BIGINT NOT NULL,
  cleared_unix_s BIGINT NOT NULL DEFAULT 0,
  value {{real}},
  message TEXT NOT NULL DEFAULT ''
);
CREATE INDEX alarm_events_raised ON alarm_events (raised_unix_s);
CREATE TABLE dr_events (
  id {{id}},
  tenant_id BIGINT REFERENCES tenants(id),
  program TEXT NOT NULL,
  start_unix_s BIGINT NOT NULL,
  end_unix_s BIGINT NOT NULL,
  requested_kw {{real}} NOT NULL,
  baseline_kwh {{real}},
  delivered_kwh {{real}},
  status TEXT NOT NULL,
  created_unix_s BIGINT NOT NULL
);
)sql";

// Version 4: virtual points (a formula over other points; "" for a measured point).
constexpr std::string_view kMigration4 = R"sql(
ALTER TABLE points ADD COLUMN formula TEXT NOT NULL DEFAULT '';
)sql";

// Version 5: the alarm life cycle (acknowledged by whom and when, suppressed under a parent alarm).
constexpr std::string_view kMigration5 = R"sql(
ALTER TABLE alarm_events ADD COLUMN acknowledged_unix_s BIGINT NOT NULL DEFAULT 0;
ALTER TABLE alarm_events ADD COLUMN acknowledged_by TEXT NOT NULL DEFAULT '';
ALTER TABLE alarm_events ADD COLUMN suppressed_by TEXT NOT NULL DEFAULT '';
)sql";

constexpr std::array<std::string_view, 5> kMigrations = {kMigration1, kMigration2, kMigration3, kMigration4, kMigration5};

// Tables whose rows belong to a tenant, with the migration that created them.
struct TenantTable {
  const char* name;
  int since;
  const char* rights = "SELECT, INSERT, UPDATE";  ///< what a tenant's (writing) login may do
};
constexpr std::array<TenantTable, 10> kTenantTables = {{{"tenants", 1, "SELECT"},
                                                        {"meters", 1},
                                                        {"points", 1},
                                                        {"point_tags", 1, "SELECT, INSERT, UPDATE, DELETE"},
                                                        {"readings", 1},
                                                        {"audit_log", 1, "SELECT, INSERT"},
                                                        {"assets", 2},
                                                        {"maintenance", 2},
                                                        {"resources", 3},
                                                        {"alarm_events", 3}}};
// Park-level tables a tenant may read but not change.
constexpr std::array<TenantTable, 8> kParkTables = {{{"sites", 1},
                                                     {"schema_version", 1},
                                                     {"resource_templates", 3},
                                                     {"vpps", 3},
                                                     {"vpp_members", 3},
                                                     {"strategies", 3},
                                                     {"trades", 3},
                                                     {"dr_events", 3}}};

// PostgreSQL: tenant logins are listed in ehub_tenant_roles; ehub_tenant_id() gives the tenant of
// the session's login (NULL for the owner). The policies compare each row's tenant with it, so a
// tenant's connection sees and writes only its rows whatever SQL it sends; the owner (the park
// manager's login, which created the tables) is not subject to the policies.
constexpr std::string_view kPgSecurity = R"sql(
CREATE TABLE IF NOT EXISTS ehub_tenant_roles (
  role_name TEXT PRIMARY KEY,
  tenant_id BIGINT NOT NULL REFERENCES tenants(id),
  read_only BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE OR REPLACE FUNCTION ehub_tenant_id() RETURNS BIGINT LANGUAGE sql STABLE SECURITY DEFINER
  SET search_path = pg_catalog, public
  AS $$ SELECT tenant_id FROM ehub_tenant_roles WHERE role_name = session_user $$;
REVOKE ALL ON ehub_tenant_roles FROM PUBLIC;
)sql";

std::string pg_policy_sql(const std::string& table) {
  const std::string col = table == "tenants" ? "id" : "tenant_id";
  return "ALTER TABLE " + table + " ENABLE ROW LEVEL SECURITY;\n" + "DROP POLICY IF EXISTS ehub_tenant ON " + table +
         ";\n" + "CREATE POLICY ehub_tenant ON " + table + " USING (" + col + " = (SELECT ehub_tenant_id())) WITH CHECK (" +
         col + " = (SELECT ehub_tenant_id()));\n";
}

}  // namespace

const std::vector<std::string>& tenant_tables() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> v;
    for (const auto& t : kTenantTables) v.emplace_back(t.name);
    return v;
  }();
  return names;
}

std::string dialect(Backend backend, std::string_view sql) {
  const bool pg = backend == Backend::postgresql;
  std::string s(sql);
  auto rep = [&s](std::string_view from, std::string_view to) {
    for (std::size_t p = s.find(from); p != std::string::npos; p = s.find(from, p + to.size())) s.replace(p, from.size(), to);
  };
  rep("{{id}}", pg ? "BIGSERIAL PRIMARY KEY" : "INTEGER PRIMARY KEY");
  rep("{{real}}", pg ? "DOUBLE PRECISION" : "REAL");
  rep("{{without_rowid}}", pg ? "" : "WITHOUT ROWID");
  return s;
}

int stored_schema_version(Db& db) {
  if (!db.has_table("schema_version")) return 0;
  const auto rows = db.query("SELECT max(version) FROM schema_version", {});
  return rows.empty() || is_null(rows[0][0]) ? 0 : static_cast<int>(int_of(rows[0][0]));
}

void migrate(Db& db, const std::string& display_url, int target_version, bool read_only) {
  const int latest = static_cast<int>(kMigrations.size());
  if (target_version <= 0) target_version = latest;
  if (target_version > latest)
    throw InputError(display_url, "", "schema version " + std::to_string(target_version) +
                                          " asked for, this build of ehub knows versions 1.." + std::to_string(latest));
  int have = stored_schema_version(db);
  if (have > latest)
    throw InputError(display_url, "",
                     "the database has schema version " + std::to_string(have) + ", newer than this build of ehub (" +
                         std::to_string(latest) + "): open it with a newer ehub");
  if (have >= target_version) return;
  if (read_only)
    throw InputError(display_url, "", "the database has schema version " + std::to_string(have) +
                                          " and needs an upgrade to " + std::to_string(target_version) +
                                          ", which a read-only store cannot do");
  db.begin();
  try {
    if (db.backend() == Backend::postgresql) {
      // Two processes opening a new database at once: the second waits, then finds it done.
      db.exec("SELECT pg_advisory_xact_lock(7262635)");
      have = stored_schema_version(db);
    }
    if (!db.has_table("schema_version"))
      db.exec("CREATE TABLE schema_version (version INTEGER PRIMARY KEY, applied_unix_s BIGINT NOT NULL)");
    const bool pg = db.backend() == Backend::postgresql;
    for (int v = have + 1; v <= target_version; ++v) {
      db.exec(dialect(db.backend(), kMigrations[static_cast<std::size_t>(v - 1)]));
      if (pg) {
        if (v == 1) db.exec(kPgSecurity);
        for (const auto& t : kTenantTables)
          if (t.since == v) db.exec(pg_policy_sql(t.name));
      }
      db.execute("INSERT INTO schema_version (version, applied_unix_s) VALUES (?, ?)",
                 {Value(std::int64_t{v}), Value(static_cast<std::int64_t>(std::time(nullptr)))});
    }
    if (pg) {
      // Logins created before this upgrade get the new tables too.
      for (const auto& row : db.query("SELECT role_name, read_only FROM ehub_tenant_roles", {})) {
        const std::string role = text_of(row[0]);
        const bool ro = int_of(row[1]) != 0;
        db.exec(pg_grants_sql(role, ro, have, target_version));
      }
    }
    db.commit();
  } catch (const DbError& e) {
    db.rollback();
    throw Error("ehub.store", "[ehub.store] " + display_url + ": schema upgrade failed (nothing changed): " + e.what());
  } catch (...) {
    db.rollback();
    throw;
  }
}

std::string pg_grants_sql(const std::string& role, bool read_only, int from_version, int to_version) {
  std::string s;
  for (const auto& t : kTenantTables)
    if (t.since > from_version && t.since <= to_version)
      s += "GRANT " + std::string(read_only ? "SELECT" : t.rights) + " ON " + t.name + " TO \"" + role + "\";\n";
  for (const auto& t : kParkTables)
    if (t.since > from_version && t.since <= to_version)
      s += "GRANT SELECT ON " + std::string(t.name) + " TO \"" + role + "\";\n";
  if (!read_only) s += "GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO \"" + role + "\";\n";
  s += "GRANT EXECUTE ON FUNCTION ehub_tenant_id() TO \"" + role + "\";\n";
  return s;
}

std::string number_placeholders(std::string_view sql) {
  std::string out;
  out.reserve(sql.size() + 16);
  int n = 0;
  char quote = 0;
  for (char c : sql) {
    if (quote) {
      if (c == quote) quote = 0;
      out.push_back(c);
    } else if (c == '\'' || c == '"') {
      quote = c;
      out.push_back(c);
    } else if (c == '?') {
      out += '$' + std::to_string(++n);
    } else {
      out.push_back(c);
    }
  }
  return out;
}

}  // namespace ehub::store::detail
