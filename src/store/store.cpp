// The store's API over either backend: opening (URL, migrations, tenant), records, readings with
// their duplicate rules, aggregation pushed down to SQL, the audit log.
#include "ehub/store/store.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <ctime>
#include <limits>
#include <unordered_map>

#include "db.hpp"
#include "ehub/core/error.hpp"
#include "ehub/core/time_grid.hpp"

namespace ehub::store {

using detail::Db;
using detail::DbError;
using detail::DbFailure;
using detail::int_of;
using detail::is_null;
using detail::real_of;
using detail::Row;
using detail::text_of;
using detail::Value;

namespace detail {

std::string text_of(const Value& v) {
  if (const auto* s = std::get_if<std::string>(&v)) return *s;
  if (const auto* n = std::get_if<std::int64_t>(&v)) return std::to_string(*n);
  if (const auto* d = std::get_if<double>(&v)) {
    char buf[64];
    const auto r = std::to_chars(buf, buf + sizeof buf, *d);
    return std::string(buf, r.ptr);
  }
  return "";
}
std::int64_t int_of(const Value& v) {
  if (const auto* n = std::get_if<std::int64_t>(&v)) return *n;
  if (const auto* d = std::get_if<double>(&v)) return static_cast<std::int64_t>(*d);
  if (const auto* s = std::get_if<std::string>(&v)) return std::strtoll(s->c_str(), nullptr, 10);
  return 0;
}
double real_of(const Value& v) {
  if (const auto* d = std::get_if<double>(&v)) return *d;
  if (const auto* n = std::get_if<std::int64_t>(&v)) return static_cast<double>(*n);
  if (const auto* s = std::get_if<std::string>(&v)) return std::strtod(s->c_str(), nullptr);
  return std::numeric_limits<double>::quiet_NaN();
}

}  // namespace detail

namespace {

std::int64_t now_unix_s() { return static_cast<std::int64_t>(std::time(nullptr)); }

Value opt_id(std::int64_t id) { return id ? Value(id) : Value(); }

std::string format_value(double v) {
  if (std::isnan(v)) return "NaN";
  return text_of(Value(v));
}

}  // namespace

std::string_view to_string(Backend b) noexcept { return enum_name(kBackendNames, b); }

std::string_view to_string(MeterKind k) noexcept { return enum_name(kMeterKindNames, k); }

MeterKind meter_kind_from_string(std::string_view name) {
  for (const auto& e : kMeterKindNames)
    if (e.name == name) return e.value;
  throw InputError("", "", "unknown meter kind \"" + std::string(name) +
                               "\" (electricity, water, gas, heat, cooling, production)");
}

const std::vector<std::string>& units_for(MeterKind kind) {
  static const std::vector<std::string> electricity = {"kWh", "MWh", "kW", "MW", "kvarh", "kvar", "kVA", "V", "kV", "A", "Hz", "pf", "%"};
  static const std::vector<std::string> water = {"m3", "m3/h", "L", "L/s", "t", "t/h"};
  static const std::vector<std::string> gas = {"m3", "Nm3", "m3/h", "Nm3/h", "kWh", "MJ", "GJ", "kg"};
  static const std::vector<std::string> thermal = {"kWh", "MWh", "GJ", "MJ", "kW", "MW", "GJ/h", "degC", "m3", "m3/h", "t", "t/h"};
  static const std::vector<std::string> any;  // production counters: units of product
  switch (kind) {
    case MeterKind::electricity: return electricity;
    case MeterKind::water: return water;
    case MeterKind::gas: return gas;
    case MeterKind::heat:
    case MeterKind::cooling: return thermal;
    case MeterKind::production: return any;
  }
  return any;
}

std::vector<FormulaTerm> parse_formula(std::string_view f) {
  std::vector<FormulaTerm> terms;
  const std::string text(f);
  std::size_t i = 0;
  auto fail = [&](const std::string& why) {
    throw InputError("", "", "formula \"" + text + "\", at character " + std::to_string(i + 1) + ": " + why);
  };
  auto skip = [&] {
    while (i < f.size() && f[i] == ' ') ++i;
  };
  double sign = 1;
  skip();
  if (i < f.size() && (f[i] == '-' || f[i] == '+')) sign = f[i++] == '-' ? -1 : 1;
  while (true) {
    skip();
    double coef = 1;
    // An optional number followed by '*'.
    std::size_t j = i;
    while (j < f.size() && (std::isdigit(static_cast<unsigned char>(f[j])) || f[j] == '.' || f[j] == 'e')) ++j;
    std::size_t k = j;
    while (k < f.size() && f[k] == ' ') ++k;
    if (j > i && k < f.size() && f[k] == '*') {
      double v = 0;
      const auto r = std::from_chars(f.data() + i, f.data() + j, v);
      if (r.ec != std::errc() || r.ptr != f.data() + j) fail("not a number");
      coef = v;
      i = k + 1;
      skip();
    }
    std::size_t e = i;
    while (e < f.size() && f[e] != ' ' && f[e] != '+' && f[e] != '*' && !(f[e] == '-' && e > i && f[e - 1] == ' ')) ++e;
    if (e == i) fail("expected a point name");
    terms.push_back({sign * coef, std::string(f.substr(i, e - i))});
    i = e;
    skip();
    if (i == f.size()) break;
    if (f[i] != '+' && f[i] != '-') fail("expected + or -");
    sign = f[i++] == '-' ? -1 : 1;
  }
  return terms;
}

std::string_view to_string(Quality q) noexcept { return enum_name(kQualityNames, q); }

Quality quality_from_string(std::string_view name) {
  for (const auto& e : kQualityNames)  // the name, or the flag's number
    if (e.name == name || std::to_string(static_cast<int>(e.value)) == name) return e.value;
  throw InputError("", "", "unknown quality flag \"" + std::string(name) +
                               "\" (good, estimated, edited, suspect, missing, rejected or 0..5)");
}

std::string_view to_string(Aggregate a) noexcept { return enum_name(kAggregateNames, a); }

Aggregate aggregate_from_string(std::string_view name) {
  for (const auto a : {Aggregate::sum, Aggregate::mean, Aggregate::min, Aggregate::max, Aggregate::count})
    if (to_string(a) == name) return a;
  throw InputError("", "", "unknown aggregate \"" + std::string(name) + "\" (sum, mean, min, max, count)");
}

void ReadingBatch::reserve(std::size_t n) {
  point_id.reserve(n);
  t_unix_s.reserve(n);
  value.reserve(n);
  quality.reserve(n);
}

void ReadingBatch::push_back(std::int64_t point, std::int64_t t, double v, Quality q) {
  if (quality.size() != t_unix_s.size()) quality.resize(t_unix_s.size(), 0);
  point_id.push_back(point);
  t_unix_s.push_back(t);
  value.push_back(v);
  quality.push_back(static_cast<std::uint8_t>(q));
}

Series Readings::to_series(const TimeGrid& grid, SeriesKind kind) const {
  Eigen::VectorXd v = Eigen::VectorXd::Constant(grid.size(), std::numeric_limits<double>::quiet_NaN());
  for (std::size_t i = 0; i < t_unix_s.size(); ++i) {
    if (t_unix_s[i] < grid.start_unix_s() || t_unix_s[i] >= grid.end_unix_s()) continue;
    const auto k = grid.index_of(t_unix_s[i]);
    if (!k)
      throw InputError("", point, "reading at " + format_iso8601(t_unix_s[i]) + " is not on a step start of the grid (" +
                                      std::to_string(grid.step_minutes()) + "-minute steps from " +
                                      format_iso8601(grid.start_unix_s()) + ")");
    v[*k] = value[static_cast<Eigen::Index>(i)];
  }
  return Series(grid, std::move(v), kind, point);
}

Url parse_url(std::string_view url) {
  Url u;
  const std::string s(url);
  auto fail = [&](const std::string& why) { throw InputError(s, "", why); };
  if (s.rfind("sqlite:", 0) == 0) {
    u.backend = Backend::sqlite;
    u.display = s;
    std::string rest = s.substr(7);
    if (rest == ":memory:" || rest == "//:memory:") {
      u.path = ":memory:";
      return u;
    }
    if (rest.rfind("//", 0) != 0) fail("a SQLite URL is sqlite:///absolute/path.db, sqlite://relative/path.db or sqlite::memory:");
    u.path = rest.substr(2);
    if (const auto q = u.path.find('?'); q != std::string::npos) u.path.resize(q);
    if (u.path.empty()) fail("the SQLite URL names no file");
    return u;
  }
  if (s.rfind("postgresql://", 0) == 0 || s.rfind("postgres://", 0) == 0) {
    u.backend = Backend::postgresql;
    u.conninfo = s;
    // Hide the password: postgresql://user:secret@host -> postgresql://user:***@host
    u.display = s;
    const auto scheme_end = s.find("://") + 3;
    const auto at = s.find('@', scheme_end);
    const auto colon = s.find(':', scheme_end);
    if (at != std::string::npos && colon != std::string::npos && colon < at)
      u.display = s.substr(0, colon + 1) + "***" + s.substr(at);
    return u;
  }
  const auto colon = s.find(':');
  fail("unknown store URL scheme \"" + (colon == std::string::npos ? s : s.substr(0, colon)) +
       "\" (sqlite:///path/park.db or postgresql://user@host:port/db)");
  return u;
}

struct Store::Impl {
  std::unique_ptr<Db> db;
  Url url;
  OpenOptions options;
  std::string tenant;
  std::int64_t tenant_id = 0;  // 0: the park manager's view
  std::string user;
  bool server_scoped = false;  // a PostgreSQL tenant login
  int version = 0;             // schema version after open (points have formulas from 4 on)

  // --- errors ---------------------------------------------------------------------------------
  [[noreturn]] void input(const std::string& where, const std::string& what) const { throw InputError(url.display, where, what); }

  /// Runs f, turning database refusals into errors that name the URL and the record.
  template <class F>
  auto guarded(const std::string& where, F&& f) -> decltype(f()) {
    try {
      return f();
    } catch (const DbError& e) {
      switch (e.kind()) {
        case DbFailure::unique: input(where, std::string("already exists (") + e.what() + ")");
        case DbFailure::foreign_key: input(where, std::string("refers to a record that does not exist (") + e.what() + ")");
        case DbFailure::permission: input(where, std::string("not permitted for this login (") + e.what() + ")");
        case DbFailure::not_null:
        case DbFailure::check: input(where, std::string("invalid value (") + e.what() + ")");
        case DbFailure::unsupported:
        case DbFailure::other: break;
      }
      throw Error("ehub.store", "[ehub.store] " + url.display + ": " + where + ": " + e.what());
    }
  }

  void writable(const std::string& what) const {
    if (options.read_only) input(what, "the store was opened read-only");
  }

  /// Runs f inside a transaction (rolled back if it throws).
  template <class F>
  auto transaction(const std::string& where, F&& f) -> decltype(f()) {
    writable(where);
    return guarded(where, [&] {
      db->begin();
      try {
        if constexpr (std::is_void_v<decltype(f())>) {
          f();
          db->commit();
        } else {
          auto r = f();
          db->commit();
          return r;
        }
      } catch (...) {
        db->rollback();
        throw;
      }
    });
  }

  // --- lookups --------------------------------------------------------------------------------
  std::string tenant_filter(const char* col = "tenant_id") const {
    return tenant_id ? std::string(" AND ") + col + " = " + std::to_string(tenant_id) : std::string();
  }

  /// id and tenant id of a named row of a tenant table; InputError when unknown or not visible.
  std::pair<std::int64_t, std::int64_t> named(const char* table, const std::string& name, const std::string& where) {
    if (name.empty()) input(where, "a name is required");
    const auto rows = guarded(where, [&] {
      return db->query(std::string("SELECT id, tenant_id FROM ") + table + " WHERE name = ?" + tenant_filter(),
                       {Value(name)});
    });
    if (rows.empty()) input(where, std::string("unknown ") + singular(table) + " \"" + name + "\"" + scope_note());
    return {int_of(rows[0][0]), int_of(rows[0][1])};
  }
  /// id of a named row of a park-level table.
  std::int64_t park_named(const char* table, const std::string& name, const std::string& where) {
    if (name.empty()) input(where, "a name is required");
    const auto rows = guarded(where, [&] { return db->query(std::string("SELECT id FROM ") + table + " WHERE name = ?", {Value(name)}); });
    if (rows.empty()) input(where, std::string("unknown ") + singular(table) + " \"" + name + "\"");
    return int_of(rows[0][0]);
  }
  std::int64_t tenant_named(const std::string& name, const std::string& where) {
    if (name.empty()) {
      if (tenant_id) return tenant_id;
      input(where, "a tenant is required (the store is not scoped to one)");
    }
    const auto rows = guarded(where, [&] { return db->query("SELECT id FROM tenants WHERE name = ?", {Value(name)}); });
    if (rows.empty()) input(where, "unknown tenant \"" + name + "\"" + scope_note());
    const std::int64_t id = int_of(rows[0][0]);
    if (tenant_id && id != tenant_id) input(where, "tenant \"" + name + "\" is not this store's tenant \"" + tenant + "\"");
    return id;
  }
  std::string name_of(const char* table, std::int64_t id) {
    if (!id) return "";
    const auto rows = db->query(std::string("SELECT name FROM ") + table + " WHERE id = ?", {Value(id)});
    return rows.empty() ? "" : text_of(rows[0][0]);
  }
  std::string scope_note() const { return tenant_id ? " (for tenant \"" + tenant + "\")" : ""; }
  static std::string singular(std::string_view table) {
    if (table == "resource_templates") return "resource template";
    if (table == "strategies") return "strategy";
    std::string s(table);
    if (!s.empty() && s.back() == 's') s.pop_back();
    return s;
  }

  void audit(std::int64_t row_tenant, const std::string& table, const std::string& key, const std::string& action,
             const std::string& old_value, const std::string& new_value) {
    db->execute(
        "INSERT INTO audit_log (at_unix_s, who, tenant_id, table_name, row_key, action, old_value, new_value) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        {Value(now_unix_s()), Value(user), opt_id(row_tenant), Value(table), Value(key), Value(action), Value(old_value),
         Value(new_value)});
  }

  /// Inserts a row and returns its id (RETURNING works on SQLite >= 3.35 and PostgreSQL).
  std::int64_t insert(const std::string& sql, const std::vector<Value>& params) {
    const auto rows = db->query(sql + " RETURNING id", params);
    return int_of(rows.at(0).at(0));
  }
};

Store::Store(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Store::Store(Store&&) noexcept = default;
Store& Store::operator=(Store&&) noexcept = default;
Store::~Store() = default;

int latest_schema_version() noexcept { return 5; }  // the number of migrations in schema.cpp

Store Store::open(std::string_view url_text, const OpenOptions& options) {
  auto impl = std::make_unique<Impl>();
  impl->url = parse_url(url_text);
  impl->options = options;
  impl->db = impl->url.backend == Backend::sqlite ? detail::open_sqlite(impl->url, options)
                                                  : detail::open_postgresql(impl->url, options);
  Impl& s = *impl;
  Db& db = *s.db;
  // A PostgreSQL tenant login: its tenant comes from the server, and it cannot change the schema.
  if (s.url.backend == Backend::postgresql) {
    const bool has_security = s.guarded("open", [&] {
      return !db.query("SELECT 1 FROM pg_catalog.pg_proc WHERE proname = 'ehub_tenant_id'", {}).empty();
    });
    if (has_security) {
      const auto rows = s.guarded("open", [&] {
        return db.query("SELECT t.id, t.name FROM tenants t WHERE t.id = ehub_tenant_id()", {});
      });
      if (!rows.empty()) {
        s.server_scoped = true;
        s.tenant_id = int_of(rows[0][0]);
        s.tenant = text_of(rows[0][1]);
      }
    }
  }
  if (s.server_scoped) {
    const int have = detail::stored_schema_version(db);
    const int want = options.schema_version > 0 ? options.schema_version : latest_schema_version();
    if (have > latest_schema_version())
      throw InputError(s.url.display, "", "the database has schema version " + std::to_string(have) +
                                              ", newer than this build of ehub (" +
                                              std::to_string(latest_schema_version()) + ")");
    if (have < want)
      throw InputError(s.url.display, "", "the database has schema version " + std::to_string(have) +
                                              "; a tenant login cannot upgrade it: open it once as the park manager");
    if (!options.tenant.empty() && options.tenant != s.tenant)
      throw InputError(s.url.display, "", "this login belongs to tenant \"" + s.tenant + "\", not \"" + options.tenant + "\"");
  } else {
    detail::migrate(db, s.url.display, options.schema_version, options.read_only);
    if (!options.tenant.empty()) {
      const auto rows = s.guarded("open", [&] { return db.query("SELECT id FROM tenants WHERE name = ?", {Value(options.tenant)}); });
      if (rows.empty()) throw InputError(s.url.display, "", "unknown tenant \"" + options.tenant + "\"");
      s.tenant_id = int_of(rows[0][0]);
      s.tenant = options.tenant;
    }
  }
  s.user = options.user.empty() ? db.login() : options.user;
  s.version = detail::stored_schema_version(db);
  return Store(std::move(impl));
}

Backend Store::backend() const noexcept { return impl_->url.backend; }
const std::string& Store::url() const noexcept { return impl_->url.display; }
int Store::schema_version() const { return detail::stored_schema_version(*impl_->db); }
const std::string& Store::tenant() const noexcept { return impl_->tenant; }
const std::string& Store::user() const noexcept { return impl_->user; }

// --- tenants ------------------------------------------------------------------------------------

std::int64_t Store::add_tenant(const Tenant& t) {
  Impl& s = *impl_;
  const std::string where = "tenants/" + t.name;
  if (s.tenant_id) s.input(where, "a store scoped to a tenant cannot add tenants");
  if (t.name.empty()) s.input("tenants", "a tenant needs a name");
  return s.transaction(where, [&] {
    const auto id = s.insert("INSERT INTO tenants (name, display_name, created_unix_s) VALUES (?, ?, ?)",
                             {Value(t.name), Value(t.display_name), Value(now_unix_s())});
    s.audit(id, "tenants", "name=" + t.name, "insert", "", t.display_name);
    return id;
  });
}

std::vector<Tenant> Store::tenants() const {
  Impl& s = *impl_;
  std::vector<Tenant> out;
  const auto rows = s.guarded("tenants", [&] {
    return s.db->query("SELECT id, name, display_name FROM tenants WHERE 1 = 1" + s.tenant_filter("id") + " ORDER BY name", {});
  });
  for (const auto& r : rows) out.push_back({int_of(r[0]), text_of(r[1]), text_of(r[2])});
  return out;
}

void Store::create_tenant_login(const std::string& tenant, const std::string& role, const std::string& password,
                                bool read_only) {
  Impl& s = *impl_;
  const std::string where = "logins/" + role;
  if (s.url.backend != Backend::postgresql)
    s.input(where, "SQLite has no logins: open the file with OpenOptions::tenant (the API then scopes every query)");
  if (s.tenant_id) s.input(where, "a store scoped to a tenant cannot create logins");
  if (role.empty() || role.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_") != std::string::npos)
    s.input(where, "a login name is lower-case letters, digits and '_'");
  const std::int64_t tid = s.tenant_named(tenant, where);
  s.transaction(where, [&] {
    std::string pw;  // a literal: CREATE ROLE takes no parameters
    for (char c : password) {
      pw.push_back(c);
      if (c == '\'') pw.push_back('\'');
    }
    s.db->exec("CREATE ROLE \"" + role + "\" LOGIN PASSWORD '" + pw + "' NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT");
    s.db->execute("INSERT INTO ehub_tenant_roles (role_name, tenant_id, read_only) VALUES (?, ?, ?)",
                  {Value(role), Value(tid), Value(std::string(read_only ? "true" : "false"))});
    s.db->exec(detail::pg_grants_sql(role, read_only, 0, detail::stored_schema_version(*s.db)));
    s.audit(tid, "logins", "role=" + role, "insert", "", read_only ? "viewer" : "tenant user");
  });
}

// --- sites, meters, points ------------------------------------------------------------------

std::int64_t Store::add_site(const Site& site) {
  Impl& s = *impl_;
  const std::string where = "sites/" + site.name;
  if (s.tenant_id) s.input(where, "a store scoped to a tenant cannot add sites");
  if (site.name.empty()) s.input("sites", "a site needs a name");
  if (site.utc_offset_minutes < -14 * 60 || site.utc_offset_minutes > 14 * 60)
    s.input(where + "/utc_offset_minutes", "must be within -840..840, got " + std::to_string(site.utc_offset_minutes));
  return s.transaction(where, [&] {
    const auto id = s.insert(
        "INSERT INTO sites (name, utc_offset_minutes, latitude_deg, longitude_deg, created_unix_s) VALUES (?, ?, ?, ?, ?)",
        {Value(site.name), Value(std::int64_t{site.utc_offset_minutes}), Value(site.latitude_deg),
         Value(site.longitude_deg), Value(now_unix_s())});
    s.audit(0, "sites", "name=" + site.name, "insert", "", "utc_offset_minutes=" + std::to_string(site.utc_offset_minutes));
    return id;
  });
}

std::vector<Site> Store::sites() const {
  Impl& s = *impl_;
  std::vector<Site> out;
  const auto rows = s.guarded("sites", [&] {
    return s.db->query("SELECT id, name, utc_offset_minutes, latitude_deg, longitude_deg FROM sites ORDER BY name", {});
  });
  for (const auto& r : rows)
    out.push_back({int_of(r[0]), text_of(r[1]), static_cast<int>(int_of(r[2])), real_of(r[3]), real_of(r[4])});
  return out;
}

std::int64_t Store::add_meter(const Meter& m) {
  Impl& s = *impl_;
  const std::string where = "meters/" + m.name;
  if (m.name.empty()) s.input("meters", "a meter needs a name");
  return s.transaction(where, [&] {
    const std::int64_t tid = s.tenant_named(m.tenant, where + "/tenant");
    const std::int64_t site = s.park_named("sites", m.site, where + "/site");
    std::int64_t parent = 0;
    if (!m.parent.empty()) parent = s.named("meters", m.parent, where + "/parent").first;
    const auto id = s.insert(
        "INSERT INTO meters (tenant_id, site_id, name, kind, parent_id, serial, created_unix_s) VALUES (?, ?, ?, ?, ?, ?, ?)",
        {Value(tid), Value(site), Value(m.name), Value(std::string(to_string(m.kind))), opt_id(parent), Value(m.serial),
         Value(now_unix_s())});
    s.audit(tid, "meters", "name=" + m.name, "insert", "", std::string(to_string(m.kind)));
    return id;
  });
}

std::vector<Meter> Store::meters() const {
  Impl& s = *impl_;
  std::vector<Meter> out;
  const auto rows = s.guarded("meters", [&] {
    return s.db->query(
        "SELECT m.id, m.name, t.name, si.name, m.kind, p.name, m.serial FROM meters m JOIN tenants t ON t.id = m.tenant_id "
        "JOIN sites si ON si.id = m.site_id LEFT JOIN meters p ON p.id = m.parent_id WHERE 1 = 1" +
            s.tenant_filter("m.tenant_id") + " ORDER BY m.name",
        {});
  });
  for (const auto& r : rows)
    out.push_back({int_of(r[0]), text_of(r[1]), text_of(r[2]), text_of(r[3]), meter_kind_from_string(text_of(r[4])),
                   text_of(r[5]), text_of(r[6])});
  return out;
}

std::int64_t Store::add_point(const Point& p) {
  Impl& s = *impl_;
  const std::string where = "points/" + p.name;
  if (p.name.empty()) s.input("points", "a point needs a name");
  if (p.unit.empty()) s.input(where + "/unit", "a point needs a unit (kWh, kW, m3, ...)");
  if (p.quantity.empty()) s.input(where + "/quantity", "a point needs a quantity (energy, power, volume, ...)");
  if (!std::isfinite(p.multiplier) || p.multiplier == 0)
    s.input(where + "/multiplier", "must be a finite non-zero number, got " + format_value(p.multiplier));
  if (p.interval_s < 0) s.input(where + "/interval_s", "must be >= 0, got " + std::to_string(p.interval_s));
  std::vector<FormulaTerm> terms;
  if (!p.formula.empty()) {
    if (s.version < 4) s.input(where + "/formula", "virtual points need schema version 4 (this database has " + std::to_string(s.version) + ")");
    try {
      terms = parse_formula(p.formula);
    } catch (const InputError& e) {
      s.input(where + "/formula", e.detail());
    }
    for (const auto& t : terms)
      if (t.point == p.name) s.input(where + "/formula", "the formula names the point itself");
  }
  return s.transaction(where, [&] {
    const auto [meter, tid] = s.named("meters", p.meter, where + "/meter");
    const auto kind = meter_kind_from_string(text_of(s.db->query("SELECT kind FROM meters WHERE id = ?", {Value(meter)}).at(0).at(0)));
    const auto& units = units_for(kind);
    if (!units.empty() && std::find(units.begin(), units.end(), p.unit) == units.end()) {
      std::string list;
      for (const auto& u : units) list += (list.empty() ? "" : ", ") + u;
      s.input(where + "/unit", "\"" + p.unit + "\" is not a unit of a " + std::string(to_string(kind)) + " meter (" + list + ")");
    }
    for (const auto& t : terms) {
      const auto [pid, ptid] = s.named("points", t.point, where + "/formula/" + t.point);
      if (ptid != tid) s.input(where + "/formula/" + t.point, "belongs to another tenant");
    }
    const bool virt = !p.formula.empty();
    const auto id = s.insert(
        std::string("INSERT INTO points (tenant_id, meter_id, name, quantity, unit, multiplier, cumulative, interval_s, created_unix_s") +
            (virt ? ", formula) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)" : ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"),
        virt ? std::vector<Value>{Value(tid), Value(meter), Value(p.name), Value(p.quantity), Value(p.unit), Value(p.multiplier),
                                  Value(std::int64_t{p.cumulative ? 1 : 0}), Value(std::int64_t{p.interval_s}), Value(now_unix_s()),
                                  Value(p.formula)}
             : std::vector<Value>{Value(tid), Value(meter), Value(p.name), Value(p.quantity), Value(p.unit), Value(p.multiplier),
                                  Value(std::int64_t{p.cumulative ? 1 : 0}), Value(std::int64_t{p.interval_s}), Value(now_unix_s())});
    for (const auto& [k, v] : p.tags) {
      if (k.empty()) s.input(where + "/tags", "a tag needs a key");
      s.db->execute("INSERT INTO point_tags (point_id, tenant_id, key, value) VALUES (?, ?, ?, ?)",
                    {Value(id), Value(tid), Value(k), Value(v)});
    }
    s.audit(tid, "points", "name=" + p.name, "insert", "", p.unit + " x" + format_value(p.multiplier) + (virt ? " = " + p.formula : ""));
    return id;
  });
}

std::vector<Point> Store::points() const {
  Impl& s = *impl_;
  std::vector<Point> out;
  std::unordered_map<std::int64_t, std::size_t> index;
  s.guarded("points", [&] {
    for (const auto& r : s.db->query(
             std::string("SELECT p.id, p.name, m.name, p.quantity, p.unit, p.multiplier, p.cumulative, p.interval_s, ") +
                 (s.version >= 4 ? "p.formula" : "''") + " FROM points p JOIN meters m ON m.id = p.meter_id WHERE 1 = 1" +
                 s.tenant_filter("p.tenant_id") + " ORDER BY p.name",
             {})) {
      Point p;
      p.id = int_of(r[0]);
      p.name = text_of(r[1]);
      p.meter = text_of(r[2]);
      p.quantity = text_of(r[3]);
      p.unit = text_of(r[4]);
      p.multiplier = real_of(r[5]);
      p.cumulative = int_of(r[6]) != 0;
      p.interval_s = static_cast<int>(int_of(r[7]));
      p.formula = text_of(r[8]);
      index[p.id] = out.size();
      out.push_back(std::move(p));
    }
    for (const auto& r : s.db->query("SELECT point_id, key, value FROM point_tags WHERE 1 = 1" + s.tenant_filter(), {}))
      if (auto it = index.find(int_of(r[0])); it != index.end()) out[it->second].tags[text_of(r[1])] = text_of(r[2]);
    return 0;
  });
  return out;
}

std::int64_t Store::point_id(std::string_view name) const { return impl_->named("points", std::string(name), "points/" + std::string(name)).first; }

void Store::set_point_tag(std::string_view point, const std::string& key, const std::string& value) {
  Impl& s = *impl_;
  const std::string where = "points/" + std::string(point) + "/tags/" + key;
  if (key.empty()) s.input(where, "a tag needs a key");
  s.transaction(where, [&] {
    const auto [pid, tid] = s.named("points", std::string(point), where);
    const auto old = s.db->query("SELECT value FROM point_tags WHERE point_id = ? AND key = ?", {Value(pid), Value(key)});
    const std::string old_value = old.empty() ? "" : text_of(old[0][0]);
    s.db->execute("DELETE FROM point_tags WHERE point_id = ? AND key = ?", {Value(pid), Value(key)});
    if (!value.empty())
      s.db->execute("INSERT INTO point_tags (point_id, tenant_id, key, value) VALUES (?, ?, ?, ?)",
                    {Value(pid), Value(tid), Value(key), Value(value)});
    s.audit(tid, "point_tags", "point=" + std::string(point) + " key=" + key, value.empty() ? "delete" : "update",
            old_value, value);
  });
}

// --- readings -------------------------------------------------------------------------------

std::int64_t Store::append_readings(const ReadingBatch& b, const AppendOptions& options) {
  Impl& s = *impl_;
  const std::string where = "readings";
  const std::size_t n = b.size();
  if (b.point_id.size() != n || b.value.size() != n || (!b.quality.empty() && b.quality.size() != n))
    s.input(where, "batch columns differ in length (point_id " + std::to_string(b.point_id.size()) + ", t_unix_s " +
                       std::to_string(n) + ", value " + std::to_string(b.value.size()) + ", quality " +
                       std::to_string(b.quality.size()) + ")");
  if (n == 0) return 0;
  // Every point must be visible to this store: one lookup per distinct point, not per row.
  std::unordered_map<std::int64_t, std::int64_t> tenant_of_point;
  std::vector<std::int64_t> tenant_of_row(n);
  std::int64_t last_point = std::numeric_limits<std::int64_t>::min(), last_tenant = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (b.point_id[i] != last_point) {
      auto it = tenant_of_point.find(b.point_id[i]);
      if (it == tenant_of_point.end()) {
        const auto rows = s.guarded(where, [&] {
          return s.db->query(std::string("SELECT tenant_id, ") + (s.version >= 4 ? "formula" : "''") +
                                 " FROM points WHERE id = ?" + s.tenant_filter(),
                             {Value(b.point_id[i])});
        });
        if (rows.empty())
          s.input("readings/row " + std::to_string(i),
                  "unknown point id " + std::to_string(b.point_id[i]) + s.scope_note() + " (nothing written)");
        if (!text_of(rows[0][1]).empty())
          s.input("readings/row " + std::to_string(i), "point \"" + s.name_of("points", b.point_id[i]) +
                                                           "\" is virtual (= " + text_of(rows[0][1]) + "): it has no readings of its own");
        it = tenant_of_point.emplace(b.point_id[i], int_of(rows[0][0])).first;
      }
      last_point = b.point_id[i];
      last_tenant = it->second;
    }
    tenant_of_row[i] = last_tenant;
    if (!b.quality.empty() && b.quality[i] > static_cast<std::uint8_t>(Quality::rejected))
      s.input("readings/row " + std::to_string(i), "quality flag " + std::to_string(b.quality[i]) + " is not 0..5");
    if (std::isinf(b.value[i]))
      s.input("readings/row " + std::to_string(i), "value must be finite or NaN (missing), got " + format_value(b.value[i]));
  }
  return s.transaction(where, [&] {
    const detail::AppendOutcome out = s.db->append_readings(b, tenant_of_row, options.on_duplicate);
    if (out.conflict) {
      const auto& d = *out.conflict;
      s.input("readings/row " + std::to_string(d.row),
              "point \"" + s.name_of("points", d.point_id) + "\" at " + format_iso8601(d.t_unix_s) + " already has value " +
                  format_value(d.stored_value) + " (" + std::string(to_string(static_cast<Quality>(d.stored_quality))) +
                  "), the batch has " + format_value(d.new_value) + " (" +
                  std::string(to_string(static_cast<Quality>(d.new_quality))) +
                  "); nothing written (to replace it: on_duplicate = replace, or --replace on the command line)");
    }
    if (!out.replaced.empty()) {
      std::unordered_map<std::int64_t, std::string> names;
      for (const auto& d : out.replaced) {
        auto& name = names[d.point_id];
        if (name.empty()) name = s.name_of("points", d.point_id);
        s.audit(tenant_of_point[d.point_id], "readings", "point=" + name + " t=" + std::to_string(d.t_unix_s),
                "replace:" + options.source, format_value(d.stored_value) + " q=" + std::to_string(d.stored_quality),
                format_value(d.new_value) + " q=" + std::to_string(d.new_quality));
      }
    }
    return out.written;
  });
}

std::vector<Readings> Store::read_many(const std::vector<std::string>& names, TimeRange range, bool raw) const {
  Impl& s = *impl_;
  std::vector<Readings> out;
  out.reserve(names.size());
  for (const auto& name : names) {
    const std::string where = "points/" + name;
    const auto rows = s.guarded(where, [&] {
      return s.db->query("SELECT id, multiplier FROM points WHERE name = ?" + s.tenant_filter(), {Value(name)});
    });
    if (rows.empty()) s.input(where, "unknown point \"" + name + "\"" + s.scope_note());
    const std::int64_t pid = int_of(rows[0][0]);
    const double mult = raw ? 1.0 : real_of(rows[0][1]);
    std::vector<std::int64_t> pts, t;
    std::vector<double> v;
    Readings r;
    r.point = name;
    s.guarded(where, [&] {
      s.db->fetch_readings(
          "SELECT point_id, t_unix_s, value, quality FROM readings WHERE point_id = ? AND t_unix_s >= ? AND t_unix_s < ? "
          "ORDER BY t_unix_s",
          {Value(pid), Value(range.start_unix_s), Value(range.end_unix_s)}, pts, t, v, r.quality);
      return 0;
    });
    r.t_unix_s = std::move(t);
    r.value = Eigen::Map<const Eigen::VectorXd>(v.data(), static_cast<Eigen::Index>(v.size()));
    if (mult != 1.0) r.value *= mult;
    out.push_back(std::move(r));
  }
  return out;
}

Readings Store::read(std::string_view point, TimeRange range, bool raw) const {
  return std::move(read_many({std::string(point)}, range, raw).front());
}

Aggregates Store::aggregate(const AggregateQuery& q) const {
  Impl& s = *impl_;
  const std::string where = "aggregate";
  if (q.interval_s <= 0) s.input(where + "/interval_s", "must be > 0, got " + std::to_string(q.interval_s));
  if (q.end_unix_s <= q.start_unix_s)
    s.input(where, "end (" + format_iso8601(q.end_unix_s) + ") must be after start (" + format_iso8601(q.start_unix_s) + ")");
  const std::int64_t buckets = (q.end_unix_s - q.start_unix_s + q.interval_s - 1) / q.interval_s;
  for (const auto& name : q.points) s.named("points", name, where + "/points/" + name);  // unknown names are errors

  // 1. The points taking part, their multipliers and groups (point name or tag value).
  std::vector<Value> params;
  std::string sql = "SELECT p.id, p.name, p.multiplier" + std::string(q.group_by_tag.empty() ? "" : ", g.value") + " FROM points p";
  if (!q.group_by_tag.empty()) {
    sql += " JOIN point_tags g ON g.point_id = p.id AND g.key = ?";
    params.emplace_back(q.group_by_tag);
  }
  int k = 0;
  for (const auto& [key, val] : q.where_tags) {
    const std::string a = "w" + std::to_string(k++);
    sql += " JOIN point_tags " + a + " ON " + a + ".point_id = p.id AND " + a + ".key = ? AND " + a + ".value = ?";
    params.emplace_back(key);
    params.emplace_back(val);
  }
  sql += " WHERE 1 = 1" + s.tenant_filter("p.tenant_id");
  if (!q.points.empty()) {
    sql += " AND p.name IN (";
    for (std::size_t i = 0; i < q.points.size(); ++i) {
      sql += i ? ", ?" : "?";
      params.emplace_back(q.points[i]);
    }
    sql += ")";
  }
  const auto prow = s.guarded(where, [&] { return s.db->query(sql, params); });
  struct Member {
    std::int64_t id;
    double multiplier;
    std::string group;
  };
  std::vector<Member> members;
  for (const auto& r : prow)
    members.push_back({int_of(r[0]), q.raw ? 1.0 : real_of(r[2]), q.group_by_tag.empty() ? text_of(r[1]) : text_of(r[3])});
  if (static_cast<double>(buckets) * static_cast<double>(std::max<std::size_t>(members.size(), 1)) > 2e8)
    s.input(where, std::to_string(buckets) + " buckets x " + std::to_string(members.size()) +
                       " points asked for: choose a longer interval or fewer points");

  // 2. Per point and bucket: sum, count, min and max of the stored values. PostgreSQL computes them
  // with GROUP BY; SQLite's GROUP BY sorts through a temporary B-tree (4x slower than streaming the
  // rows here, docs/performance.md), so its rows are read in key order and accumulated in one pass.
  const auto np = static_cast<Eigen::Index>(members.size());
  Eigen::MatrixXd sum = Eigen::MatrixXd::Zero(np, buckets), cnt = Eigen::MatrixXd::Zero(np, buckets);
  Eigen::MatrixXd lo = Eigen::MatrixXd::Constant(np, buckets, std::numeric_limits<double>::infinity());
  Eigen::MatrixXd hi = Eigen::MatrixXd::Constant(np, buckets, -std::numeric_limits<double>::infinity());
  std::unordered_map<std::int64_t, Eigen::Index> row_of;
  for (Eigen::Index i = 0; i < np; ++i) row_of[members[static_cast<std::size_t>(i)].id] = i;
  const std::string flagged = q.skip_flagged ? " AND quality NOT IN (3, 4, 5)" : "";
  if (np > 0 && s.url.backend == Backend::postgresql) {
    std::string ids;
    for (const auto& m : members) ids += (ids.empty() ? "" : ",") + std::to_string(m.id);
    std::vector<double> rows;  // point_id, bucket, sum, count, min, max per row (ids < 2^53)
    s.guarded(where, [&] {
      // One bucket per (point, interval) can be a million groups: give the hash table room.
      s.db->begin();
      try {
        s.db->exec("SET LOCAL work_mem = '256MB'");
        s.db->fetch_numbers("SELECT point_id, (t_unix_s - ?) / ? AS b, sum(value), count(value), min(value), max(value) "
                          "FROM readings WHERE point_id IN (" + ids + ") AND t_unix_s >= ? AND t_unix_s < ?" + flagged +
                              " GROUP BY point_id, b",
                          {Value(q.start_unix_s), Value(q.interval_s), Value(q.start_unix_s), Value(q.end_unix_s)}, rows);
        s.db->commit();
      } catch (...) {
        s.db->rollback();
        throw;
      }
      return 0;
    });
    for (std::size_t r = 0; r + 5 < rows.size(); r += 6) {
      const Eigen::Index i = row_of.at(static_cast<std::int64_t>(rows[r])), b = static_cast<Eigen::Index>(rows[r + 1]);
      cnt(i, b) = rows[r + 3];
      if (cnt(i, b) == 0) continue;
      sum(i, b) = rows[r + 2];
      lo(i, b) = rows[r + 4];
      hi(i, b) = rows[r + 5];
    }
  } else {
    std::vector<std::int64_t> pts, t;
    std::vector<double> v;
    std::vector<std::uint8_t> quality;
    for (Eigen::Index i = 0; i < np; ++i) {
      pts.clear();
      t.clear();
      v.clear();
      quality.clear();
      s.guarded(where, [&] {
        s.db->fetch_readings("SELECT point_id, t_unix_s, value, quality FROM readings WHERE point_id = ? AND t_unix_s >= ? "
                             "AND t_unix_s < ?" + flagged,
                             {Value(members[static_cast<std::size_t>(i)].id), Value(q.start_unix_s), Value(q.end_unix_s)}, pts,
                             t, v, quality);
        return 0;
      });
      for (std::size_t r = 0; r < t.size(); ++r) {
        if (std::isnan(v[r])) continue;
        const auto b = static_cast<Eigen::Index>((t[r] - q.start_unix_s) / q.interval_s);
        sum(i, b) += v[r];
        cnt(i, b) += 1;
        lo(i, b) = std::min(lo(i, b), v[r]);
        hi(i, b) = std::max(hi(i, b), v[r]);
      }
    }
  }

  // 3. Groups: engineering values (x multiplier; a negative multiplier swaps min and max).
  Aggregates out;
  out.start_unix_s = q.start_unix_s;
  out.interval_s = q.interval_s;
  for (const auto& m : members) out.groups.push_back(m.group);
  std::sort(out.groups.begin(), out.groups.end());
  out.groups.erase(std::unique(out.groups.begin(), out.groups.end()), out.groups.end());
  const auto ng = static_cast<Eigen::Index>(out.groups.size());
  Eigen::MatrixXd gsum = Eigen::MatrixXd::Zero(ng, buckets);
  out.counts = Eigen::MatrixXd::Zero(ng, buckets);
  Eigen::MatrixXd glo = Eigen::MatrixXd::Constant(ng, buckets, std::numeric_limits<double>::infinity());
  Eigen::MatrixXd ghi = Eigen::MatrixXd::Constant(ng, buckets, -std::numeric_limits<double>::infinity());
  for (Eigen::Index i = 0; i < np; ++i) {
    const auto& m = members[static_cast<std::size_t>(i)];
    const auto g = static_cast<Eigen::Index>(std::lower_bound(out.groups.begin(), out.groups.end(), m.group) - out.groups.begin());
    gsum.row(g) += m.multiplier * sum.row(i);
    out.counts.row(g) += cnt.row(i);
    for (Eigen::Index b = 0; b < buckets; ++b) {
      if (cnt(i, b) == 0) continue;
      const double a = m.multiplier * lo(i, b), c = m.multiplier * hi(i, b);
      glo(g, b) = std::min({glo(g, b), a, c});
      ghi(g, b) = std::max({ghi(g, b), a, c});
    }
  }
  out.values = Eigen::MatrixXd::Constant(ng, buckets, std::numeric_limits<double>::quiet_NaN());
  for (Eigen::Index g = 0; g < ng; ++g)
    for (Eigen::Index b = 0; b < buckets; ++b) {
      const double n = out.counts(g, b);
      if (q.function == Aggregate::count) out.values(g, b) = n;
      else if (n > 0) {
        switch (q.function) {
          case Aggregate::sum: out.values(g, b) = gsum(g, b); break;
          case Aggregate::mean: out.values(g, b) = gsum(g, b) / n; break;
          case Aggregate::min: out.values(g, b) = glo(g, b); break;
          case Aggregate::max: out.values(g, b) = ghi(g, b); break;
          case Aggregate::count: break;
        }
      }
    }
  return out;
}

void Store::edit_reading(std::string_view point, std::int64_t t, double value, Quality q, const std::string& reason) {
  Impl& s = *impl_;
  const std::string where = "readings/" + std::string(point) + "@" + format_iso8601(t);
  if (std::isinf(value)) s.input(where, "value must be finite or NaN (missing)");
  s.transaction(where, [&] {
    const auto [pid, tid] = s.named("points", std::string(point), where);
    const auto old = s.db->query("SELECT value, quality FROM readings WHERE point_id = ? AND t_unix_s = ?", {Value(pid), Value(t)});
    if (old.empty()) s.input(where, "no reading stored at this time");
    s.db->execute("UPDATE readings SET value = ?, quality = ? WHERE point_id = ? AND t_unix_s = ?",
                  {std::isnan(value) ? Value() : Value(value), Value(std::int64_t{static_cast<int>(q)}), Value(pid), Value(t)});
    s.audit(tid, "readings", "point=" + std::string(point) + " t=" + std::to_string(t), reason.empty() ? "edit" : "edit:" + reason,
            format_value(real_of(old[0][0])) + " q=" + std::to_string(int_of(old[0][1])),
            format_value(value) + " q=" + std::to_string(static_cast<int>(q)));
  });
}

std::int64_t Store::count_readings(std::string_view point) const {
  Impl& s = *impl_;
  if (point.empty()) {
    const auto rows = s.guarded("readings", [&] { return s.db->query("SELECT count(*) FROM readings WHERE 1 = 1" + s.tenant_filter(), {}); });
    return int_of(rows[0][0]);
  }
  const auto pid = s.named("points", std::string(point), "points/" + std::string(point)).first;
  const auto rows = s.guarded("readings", [&] { return s.db->query("SELECT count(*) FROM readings WHERE point_id = ?", {Value(pid)}); });
  return int_of(rows[0][0]);
}

// --- assets ---------------------------------------------------------------------------------

std::int64_t Store::add_asset(const Asset& a) {
  Impl& s = *impl_;
  const std::string where = "assets/" + a.name;
  if (a.name.empty()) s.input("assets", "an asset needs a name");
  if (a.kind.empty()) s.input(where + "/kind", "an asset needs a kind (battery, chp, pv, ...)");
  if (!(a.rated_power_kw >= 0) || !std::isfinite(a.rated_power_kw))
    s.input(where + "/rated_power_kw", "must be a finite number >= 0, got " + format_value(a.rated_power_kw));
  if (!(a.rated_energy_kwh >= 0) || !std::isfinite(a.rated_energy_kwh))
    s.input(where + "/rated_energy_kwh", "must be a finite number >= 0, got " + format_value(a.rated_energy_kwh));
  return s.transaction(where, [&] {
    const std::int64_t tid = s.tenant_named(a.tenant, where + "/tenant");
    const std::int64_t site = s.park_named("sites", a.site, where + "/site");
    const auto id = s.insert(
        "INSERT INTO assets (tenant_id, site_id, name, kind, manufacturer, model, serial, commissioned_unix_s, "
        "rated_power_kw, rated_energy_kwh, params_json, created_unix_s) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        {Value(tid), Value(site), Value(a.name), Value(a.kind), Value(a.manufacturer), Value(a.model), Value(a.serial),
         Value(a.commissioned_unix_s), Value(a.rated_power_kw), Value(a.rated_energy_kwh), Value(a.params_json),
         Value(now_unix_s())});
    s.audit(tid, "assets", "name=" + a.name, "insert", "", a.kind);
    return id;
  });
}

std::vector<Asset> Store::assets() const {
  Impl& s = *impl_;
  std::vector<Asset> out;
  const auto rows = s.guarded("assets", [&] {
    return s.db->query(
        "SELECT a.id, a.name, t.name, si.name, a.kind, a.manufacturer, a.model, a.serial, a.commissioned_unix_s, "
        "a.rated_power_kw, a.rated_energy_kwh, a.params_json FROM assets a JOIN tenants t ON t.id = a.tenant_id "
        "JOIN sites si ON si.id = a.site_id WHERE 1 = 1" +
            s.tenant_filter("a.tenant_id") + " ORDER BY a.name",
        {});
  });
  for (const auto& r : rows)
    out.push_back({int_of(r[0]), text_of(r[1]), text_of(r[2]), text_of(r[3]), text_of(r[4]), text_of(r[5]), text_of(r[6]),
                   text_of(r[7]), int_of(r[8]), real_of(r[9]), real_of(r[10]), text_of(r[11])});
  return out;
}

std::int64_t Store::add_maintenance(const Maintenance& m) {
  Impl& s = *impl_;
  const std::string where = "maintenance/" + m.asset;
  if (m.kind.empty()) s.input(where + "/kind", "a maintenance record needs a kind (inspection, repair, outage, ...)");
  if (m.end_unix_s != 0 && m.end_unix_s < m.start_unix_s) s.input(where + "/end_unix_s", "ends before it starts");
  return s.transaction(where, [&] {
    const auto [asset, tid] = s.named("assets", m.asset, where + "/asset");
    const auto id = s.insert(
        "INSERT INTO maintenance (tenant_id, asset_id, start_unix_s, end_unix_s, kind, description, cost, created_unix_s) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        {Value(tid), Value(asset), Value(m.start_unix_s), Value(m.end_unix_s), Value(m.kind), Value(m.description),
         Value(m.cost), Value(now_unix_s())});
    s.audit(tid, "maintenance", "asset=" + m.asset + " id=" + std::to_string(id), "insert", "", m.kind);
    return id;
  });
}

std::vector<Maintenance> Store::maintenance(std::string_view asset) const {
  Impl& s = *impl_;
  std::vector<Value> params;
  std::string sql =
      "SELECT m.id, a.name, m.start_unix_s, m.end_unix_s, m.kind, m.description, m.cost FROM maintenance m "
      "JOIN assets a ON a.id = m.asset_id WHERE 1 = 1" + s.tenant_filter("m.tenant_id");
  if (!asset.empty()) {
    params.emplace_back(s.named("assets", std::string(asset), "assets/" + std::string(asset)).first);
    sql += " AND m.asset_id = ?";
  }
  sql += " ORDER BY m.start_unix_s, m.id";
  std::vector<Maintenance> out;
  for (const auto& r : s.guarded("maintenance", [&] { return s.db->query(sql, params); }))
    out.push_back({int_of(r[0]), text_of(r[1]), int_of(r[2]), int_of(r[3]), text_of(r[4]), text_of(r[5]), real_of(r[6])});
  return out;
}

// --- VPP resources --------------------------------------------------------------------------

std::int64_t Store::add_resource_template(const ResourceTemplate& t) {
  Impl& s = *impl_;
  const std::string where = "resource_templates/" + t.name;
  if (s.tenant_id) s.input(where, "a store scoped to a tenant cannot add park-level templates");
  if (t.name.empty()) s.input("resource_templates", "a template needs a name");
  if (t.device_type.empty()) s.input(where + "/device_type", "a template needs a device type");
  return s.transaction(where, [&] {
    const auto id = s.insert("INSERT INTO resource_templates (name, device_type, params_json, created_unix_s) VALUES (?, ?, ?, ?)",
                             {Value(t.name), Value(t.device_type), Value(t.params_json), Value(now_unix_s())});
    s.audit(0, "resource_templates", "name=" + t.name, "insert", "", t.params_json);
    return id;
  });
}

std::vector<ResourceTemplate> Store::resource_templates() const {
  Impl& s = *impl_;
  std::vector<ResourceTemplate> out;
  for (const auto& r : s.guarded("resource_templates", [&] {
         return s.db->query("SELECT id, name, device_type, params_json FROM resource_templates ORDER BY name", {});
       }))
    out.push_back({int_of(r[0]), text_of(r[1]), text_of(r[2]), text_of(r[3])});
  return out;
}

std::int64_t Store::add_resource(const Resource& r) {
  Impl& s = *impl_;
  const std::string where = "resources/" + r.name;
  if (r.name.empty()) s.input("resources", "a resource needs a name");
  return s.transaction(where, [&] {
    const std::int64_t tid = s.tenant_named(r.tenant, where + "/tenant");
    const std::int64_t tpl = s.park_named("resource_templates", r.template_name, where + "/template");
    std::int64_t asset = 0;
    if (!r.asset.empty()) {
      const auto [aid, atid] = s.named("assets", r.asset, where + "/asset");
      if (atid != tid) s.input(where + "/asset", "asset \"" + r.asset + "\" belongs to another tenant");
      asset = aid;
    }
    const auto id = s.insert(
        "INSERT INTO resources (tenant_id, template_id, asset_id, name, params_json, created_unix_s) VALUES (?, ?, ?, ?, ?, ?)",
        {Value(tid), Value(tpl), opt_id(asset), Value(r.name), Value(r.params_json), Value(now_unix_s())});
    s.audit(tid, "resources", "name=" + r.name, "insert", "", r.template_name);
    return id;
  });
}

std::vector<Resource> Store::resources() const {
  Impl& s = *impl_;
  std::vector<Resource> out;
  for (const auto& r : s.guarded("resources", [&] {
         return s.db->query(
             "SELECT r.id, r.name, t.name, tp.name, a.name, r.params_json FROM resources r JOIN tenants t ON t.id = r.tenant_id "
             "JOIN resource_templates tp ON tp.id = r.template_id LEFT JOIN assets a ON a.id = r.asset_id WHERE 1 = 1" +
                 s.tenant_filter("r.tenant_id") + " ORDER BY r.name",
             {});
       }))
    out.push_back({int_of(r[0]), text_of(r[1]), text_of(r[2]), text_of(r[3]), text_of(r[4]), text_of(r[5])});
  return out;
}

std::int64_t Store::add_vpp(const std::string& name, const std::string& description) {
  Impl& s = *impl_;
  const std::string where = "vpps/" + name;
  if (s.tenant_id) s.input(where, "a store scoped to a tenant cannot add VPPs");
  if (name.empty()) s.input("vpps", "a VPP needs a name");
  return s.transaction(where, [&] {
    const auto id = s.insert("INSERT INTO vpps (name, description, created_unix_s) VALUES (?, ?, ?)",
                             {Value(name), Value(description), Value(now_unix_s())});
    s.audit(0, "vpps", "name=" + name, "insert", "", description);
    return id;
  });
}

void Store::add_vpp_member(const std::string& vpp, const std::string& resource) {
  Impl& s = *impl_;
  const std::string where = "vpps/" + vpp + "/members/" + resource;
  if (s.tenant_id) s.input(where, "a store scoped to a tenant cannot change VPPs");
  s.transaction(where, [&] {
    const auto v = s.park_named("vpps", vpp, where);
    const auto r = s.named("resources", resource, where).first;
    s.db->execute("INSERT INTO vpp_members (vpp_id, resource_id) VALUES (?, ?)", {Value(v), Value(r)});
    s.audit(0, "vpp_members", "vpp=" + vpp + " resource=" + resource, "insert", "", "");
  });
}

std::vector<std::string> Store::vpp_members(const std::string& vpp) const {
  Impl& s = *impl_;
  const auto v = s.park_named("vpps", vpp, "vpps/" + vpp);
  std::vector<std::string> out;
  for (const auto& r : s.guarded("vpps/" + vpp, [&] {
         return s.db->query(
             "SELECT r.name FROM vpp_members m JOIN resources r ON r.id = m.resource_id WHERE m.vpp_id = ?" +
                 s.tenant_filter("r.tenant_id") + " ORDER BY r.name",
             {Value(v)});
       }))
    out.push_back(text_of(r[0]));
  return out;
}

// --- trading --------------------------------------------------------------------------------

std::int64_t Store::add_strategy(const Strategy& st) {
  Impl& s = *impl_;
  const std::string where = "strategies/" + st.name;
  if (s.tenant_id) s.input(where, "a store scoped to a tenant cannot add strategies");
  if (st.name.empty()) s.input("strategies", "a strategy needs a name");
  if (st.kind.empty()) s.input(where + "/kind", "a strategy needs a kind (rules, optimisation, hybrid)");
  return s.transaction(where, [&] {
    const auto id = s.insert("INSERT INTO strategies (name, kind, config_json, created_unix_s) VALUES (?, ?, ?, ?)",
                             {Value(st.name), Value(st.kind), Value(st.config_json), Value(now_unix_s())});
    s.audit(0, "strategies", "name=" + st.name, "insert", "", st.config_json);
    return id;
  });
}

std::vector<Strategy> Store::strategies() const {
  Impl& s = *impl_;
  std::vector<Strategy> out;
  for (const auto& r : s.guarded("strategies", [&] {
         return s.db->query("SELECT id, name, kind, config_json FROM strategies ORDER BY name", {});
       }))
    out.push_back({int_of(r[0]), text_of(r[1]), text_of(r[2]), text_of(r[3])});
  return out;
}

std::int64_t Store::add_trade(const Trade& t) {
  Impl& s = *impl_;
  const std::string where = "trades";
  if (s.tenant_id) s.input(where, "a store scoped to a tenant cannot record trades");
  if (t.side != "buy" && t.side != "sell") s.input(where + "/side", "must be \"buy\" or \"sell\", got \"" + t.side + "\"");
  if (t.market.empty()) s.input(where + "/market", "a trade needs a market");
  if (t.delivery_end_unix_s <= t.delivery_start_unix_s) s.input(where + "/delivery_end_unix_s", "delivery ends before it starts");
  if (!std::isfinite(t.quantity_kwh) || t.quantity_kwh < 0)
    s.input(where + "/quantity_kwh", "must be a finite number >= 0, got " + format_value(t.quantity_kwh));
  if (!std::isfinite(t.price_per_kwh)) s.input(where + "/price_per_kwh", "must be finite, got " + format_value(t.price_per_kwh));
  return s.transaction(where, [&] {
    const std::int64_t strategy = t.strategy.empty() ? 0 : s.park_named("strategies", t.strategy, where + "/strategy");
    const std::int64_t vpp = t.vpp.empty() ? 0 : s.park_named("vpps", t.vpp, where + "/vpp");
    const auto id = s.insert(
        "INSERT INTO trades (strategy_id, vpp_id, market, product, delivery_start_unix_s, delivery_end_unix_s, side, "
        "quantity_kwh, price_per_kwh, status, created_unix_s) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        {opt_id(strategy), opt_id(vpp), Value(t.market), Value(t.product), Value(t.delivery_start_unix_s),
         Value(t.delivery_end_unix_s), Value(t.side), Value(t.quantity_kwh), Value(t.price_per_kwh), Value(t.status),
         Value(now_unix_s())});
    s.audit(0, "trades", "id=" + std::to_string(id), "insert", "",
            t.side + " " + format_value(t.quantity_kwh) + " kWh at " + format_value(t.price_per_kwh));
    return id;
  });
}

std::vector<Trade> Store::trades(TimeRange range) const {
  Impl& s = *impl_;
  std::vector<Trade> out;
  for (const auto& r : s.guarded("trades", [&] {
         return s.db->query(
             "SELECT t.id, st.name, v.name, t.market, t.product, t.delivery_start_unix_s, t.delivery_end_unix_s, t.side, "
             "t.quantity_kwh, t.price_per_kwh, t.status FROM trades t LEFT JOIN strategies st ON st.id = t.strategy_id "
             "LEFT JOIN vpps v ON v.id = t.vpp_id WHERE t.delivery_start_unix_s >= ? AND t.delivery_start_unix_s < ? "
             "ORDER BY t.delivery_start_unix_s, t.id",
             {Value(range.start_unix_s), Value(range.end_unix_s)});
       }))
    out.push_back({int_of(r[0]), text_of(r[1]), text_of(r[2]), text_of(r[3]), text_of(r[4]), int_of(r[5]), int_of(r[6]),
                   text_of(r[7]), real_of(r[8]), real_of(r[9]), text_of(r[10])});
  return out;
}

// --- events ---------------------------------------------------------------------------------

std::int64_t Store::add_alarm(const AlarmEvent& a) {
  Impl& s = *impl_;
  const std::string where = "alarm_events/" + a.rule;
  if (a.rule.empty()) s.input("alarm_events", "an alarm needs a rule name");
  if (a.severity != "info" && a.severity != "warning" && a.severity != "alarm" && a.severity != "critical")
    s.input(where + "/severity", "must be info, warning, alarm or critical, got \"" + a.severity + "\"");
  return s.transaction(where, [&] {
    std::int64_t tid = 0, pid = 0;
    if (!a.point.empty()) {
      std::tie(pid, tid) = s.named("points", a.point, where + "/point");
      if (!a.tenant.empty() && s.tenant_named(a.tenant, where + "/tenant") != tid)
        s.input(where + "/tenant", "point \"" + a.point + "\" belongs to another tenant");
    } else {
      tid = s.tenant_named(a.tenant, where + "/tenant");
    }
    const auto id = s.insert(
        "INSERT INTO alarm_events (tenant_id, point_id, rule, severity, raised_unix_s, cleared_unix_s, value, message, "
        "acknowledged_unix_s, acknowledged_by, suppressed_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        {Value(tid), opt_id(pid), Value(a.rule), Value(a.severity), Value(a.raised_unix_s), Value(a.cleared_unix_s),
         Value(a.value), Value(a.message), Value(a.acknowledged_unix_s), Value(a.acknowledged_by), Value(a.suppressed_by)});
    return id;
  });
}

void Store::clear_alarm(std::int64_t id, std::int64_t cleared_unix_s) {
  Impl& s = *impl_;
  const std::string where = "alarm_events/" + std::to_string(id);
  s.transaction(where, [&] {
    const auto n = s.db->execute("UPDATE alarm_events SET cleared_unix_s = ? WHERE id = ? AND cleared_unix_s = 0" + s.tenant_filter(),
                                 {Value(cleared_unix_s), Value(id)});
    if (n == 0) s.input(where, "no active alarm with this id" + s.scope_note());
  });
}

void Store::update_alarm(std::int64_t id, const std::string& severity, double value, const std::string& message,
                         const std::string& suppressed_by) {
  Impl& s = *impl_;
  const std::string where = "alarm_events/" + std::to_string(id);
  if (severity != "info" && severity != "warning" && severity != "alarm" && severity != "critical")
    s.input(where + "/severity", "must be info, warning, alarm or critical, got \"" + severity + "\"");
  s.transaction(where, [&] {
    const auto n = s.db->execute(
        "UPDATE alarm_events SET severity = ?, value = ?, message = ?, suppressed_by = ? WHERE id = ? AND cleared_unix_s = 0" +
            s.tenant_filter(),
        {Value(severity), Value(value), Value(message), Value(suppressed_by), Value(id)});
    if (n == 0) s.input(where, "no active alarm with this id" + s.scope_note());
  });
}

void Store::acknowledge_alarm(std::int64_t id, std::int64_t t, const std::string& who) {
  Impl& s = *impl_;
  const std::string where = "alarm_events/" + std::to_string(id);
  s.transaction(where, [&] {
    const auto n = s.db->execute("UPDATE alarm_events SET acknowledged_unix_s = ?, acknowledged_by = ? WHERE id = ? AND "
                                 "acknowledged_unix_s = 0" + s.tenant_filter(),
                                 {Value(t), Value(who), Value(id)});
    if (n == 0) s.input(where, "no unacknowledged alarm with this id" + s.scope_note());
  });
}

std::vector<AlarmEvent> Store::alarms(TimeRange range) const {
  Impl& s = *impl_;
  std::vector<AlarmEvent> out;
  for (const auto& r : s.guarded("alarm_events", [&] {
         return s.db->query(
             "SELECT a.id, t.name, p.name, a.rule, a.severity, a.raised_unix_s, a.cleared_unix_s, a.value, a.message, "
             "a.acknowledged_unix_s, a.acknowledged_by, a.suppressed_by "
             "FROM alarm_events a JOIN tenants t ON t.id = a.tenant_id LEFT JOIN points p ON p.id = a.point_id "
             "WHERE a.raised_unix_s >= ? AND a.raised_unix_s < ?" +
                 s.tenant_filter("a.tenant_id") + " ORDER BY a.raised_unix_s, a.id",
             {Value(range.start_unix_s), Value(range.end_unix_s)});
       }))
    out.push_back({int_of(r[0]), text_of(r[1]), text_of(r[2]), text_of(r[3]), text_of(r[4]), int_of(r[5]), int_of(r[6]),
                   real_of(r[7]), text_of(r[8]), int_of(r[9]), text_of(r[10]), text_of(r[11])});
  return out;
}

std::int64_t Store::add_dr_event(const DrEvent& e) {
  Impl& s = *impl_;
  const std::string where = "dr_events/" + e.program;
  if (s.tenant_id) s.input(where, "a store scoped to a tenant cannot add demand-response events");
  if (e.program.empty()) s.input("dr_events", "an event needs a programme name");
  if (e.end_unix_s <= e.start_unix_s) s.input(where + "/end_unix_s", "the event ends before it starts");
  if (!std::isfinite(e.requested_kw) || e.requested_kw < 0)
    s.input(where + "/requested_kw", "must be a finite number >= 0, got " + format_value(e.requested_kw));
  return s.transaction(where, [&] {
    const std::int64_t tid = e.tenant.empty() ? 0 : s.tenant_named(e.tenant, where + "/tenant");
    const auto id = s.insert(
        "INSERT INTO dr_events (tenant_id, program, start_unix_s, end_unix_s, requested_kw, baseline_kwh, delivered_kwh, "
        "status, created_unix_s) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        {opt_id(tid), Value(e.program), Value(e.start_unix_s), Value(e.end_unix_s), Value(e.requested_kw),
         e.baseline_kwh ? Value(*e.baseline_kwh) : Value(), e.delivered_kwh ? Value(*e.delivered_kwh) : Value(),
         Value(e.status), Value(now_unix_s())});
    s.audit(tid, "dr_events", "id=" + std::to_string(id), "insert", "", e.program);
    return id;
  });
}

std::vector<DrEvent> Store::dr_events(TimeRange range) const {
  Impl& s = *impl_;
  std::vector<DrEvent> out;
  std::string filter = s.tenant_id ? " AND (e.tenant_id IS NULL OR e.tenant_id = " + std::to_string(s.tenant_id) + ")" : "";
  for (const auto& r : s.guarded("dr_events", [&] {
         return s.db->query(
             "SELECT e.id, t.name, e.program, e.start_unix_s, e.end_unix_s, e.requested_kw, e.baseline_kwh, e.delivered_kwh, "
             "e.status FROM dr_events e LEFT JOIN tenants t ON t.id = e.tenant_id WHERE e.start_unix_s >= ? AND "
             "e.start_unix_s < ?" + filter + " ORDER BY e.start_unix_s, e.id",
             {Value(range.start_unix_s), Value(range.end_unix_s)});
       })) {
    DrEvent e;
    e.id = int_of(r[0]);
    e.tenant = text_of(r[1]);
    e.program = text_of(r[2]);
    e.start_unix_s = int_of(r[3]);
    e.end_unix_s = int_of(r[4]);
    e.requested_kw = real_of(r[5]);
    if (!is_null(r[6])) e.baseline_kwh = real_of(r[6]);
    if (!is_null(r[7])) e.delivered_kwh = real_of(r[7]);
    e.status = text_of(r[8]);
    out.push_back(std::move(e));
  }
  return out;
}

// --- audit and raw SQL ------------------------------------------------------------------------

std::vector<AuditEntry> Store::audit_log(std::size_t limit) const {
  Impl& s = *impl_;
  std::string sql =
      "SELECT a.id, a.at_unix_s, a.who, t.name, a.table_name, a.row_key, a.action, a.old_value, a.new_value FROM audit_log a "
      "LEFT JOIN tenants t ON t.id = a.tenant_id WHERE 1 = 1" + s.tenant_filter("a.tenant_id") + " ORDER BY a.id";
  if (limit) sql += " LIMIT " + std::to_string(limit);
  std::vector<AuditEntry> out;
  for (const auto& r : s.guarded("audit_log", [&] { return s.db->query(sql, {}); }))
    out.push_back({int_of(r[0]), int_of(r[1]), text_of(r[2]), text_of(r[3]), text_of(r[4]), text_of(r[5]), text_of(r[6]),
                   text_of(r[7]), text_of(r[8])});
  return out;
}

Table Store::execute_sql(const std::string& sql) {
  Impl& s = *impl_;
  Table t;
  try {
    const auto rows = s.db->query(sql, {});
    t.columns = s.db->last_columns();
    for (const auto& r : rows) {
      std::vector<std::optional<std::string>> row;
      for (const auto& v : r) row.push_back(is_null(v) ? std::nullopt : std::optional<std::string>(text_of(v)));
      t.rows.push_back(std::move(row));
    }
  } catch (const DbError& e) {
    throw InputError(s.url.display, "sql", e.what());
  }
  return t;
}

std::string Store::integrity_check() const { return impl_->db->integrity_check(); }

}  // namespace ehub::store
