// The park's records in a database: one API and one schema over two backends, SQLite (a file,
// the default) and PostgreSQL (a server, with tenants enforced by row-level security).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ehub/core/enum_names.hpp"
#include "ehub/export.hpp"
#include "ehub/store/readings.hpp"
#include "ehub/store/records.hpp"

namespace ehub::store {

/// Which database a store talks to.
enum class Backend : std::uint8_t { sqlite = 0, postgresql = 1 };
/// The backends' names.
inline constexpr EnumName<Backend> kBackendNames[] = {{Backend::sqlite, "sqlite"}, {Backend::postgresql, "postgresql"}};
/// "sqlite" or "postgresql".
EHUB_EXPORT std::string_view to_string(Backend b) noexcept;

/// A parsed store URL: `sqlite:///abs/path/park.db`, `sqlite://relative/park.db`,
/// `sqlite::memory:`, `postgresql://user:password@host:port/db?sslmode=disable` (also
/// `postgres://`). Query parameters of a PostgreSQL URL are passed to libpq.
struct Url {
  Backend backend = Backend::sqlite;
  std::string path{};       ///< SQLite: file path (":memory:" for an in-memory database)
  std::string conninfo{};   ///< PostgreSQL: the URL as libpq takes it
  std::string display{};    ///< the URL with any password replaced by "***" (for messages)
};
/// Parses a store URL; throws InputError (file = the URL) for an unknown scheme or an empty path.
EHUB_EXPORT Url parse_url(std::string_view url);

/// The schema version this build of ehub writes (the number of migrations it knows).
EHUB_EXPORT int latest_schema_version() noexcept;

/// Options of Store::open.
struct OpenOptions {
  /// Scope the store to one tenant: it sees and writes only that tenant's rows. On PostgreSQL a
  /// tenant login (Store::create_tenant_login) is scoped by the server whatever this says; "" for
  /// the park manager's view of every tenant.
  std::string tenant{};
  /// Who makes the changes, for the audit log ("" = the login role, or the OS user for SQLite).
  std::string user{};
  /// Open without writing: no migrations, every write throws InputError.
  bool read_only = false;
  /// Create the SQLite file when it does not exist (PostgreSQL databases must exist).
  bool create = true;
  /// Upgrade the schema up to this version (0 = latest_schema_version()). For staged upgrades and
  /// tests; opening a database newer than this build is always refused.
  int schema_version = 0;
  /// SQLite: milliseconds to wait for another writer's lock before failing.
  int busy_timeout_ms = 5000;
};

/// A time range [start, end) in unix seconds; the defaults cover all time.
struct TimeRange {
  std::int64_t start_unix_s = INT64_MIN / 2;
  std::int64_t end_unix_s = INT64_MAX / 2;
};

/// Rows of a raw SQL query, as text (NULL as std::nullopt).
struct Table {
  std::vector<std::string> columns{};
  std::vector<std::vector<std::optional<std::string>>> rows;
};

/// A connection to the park's database. Not thread-safe: use one Store per thread (SQLite in WAL
/// mode and PostgreSQL both take many readers and serialise writers).
///
///     auto s = ehub::store::Store::open("sqlite:///data/park.db");
///     s.add_tenant({.name = "acme"});
///     ...
///     auto r = s.read("B1-main.kw", {t0, t1});
class EHUB_EXPORT Store {
 public:
  /// Opens (and creates or upgrades) the store at `url`. Throws InputError naming the URL when
  /// the scheme is unknown, the server is unreachable, the credentials are wrong, the file is not
  /// a database, its schema is newer than this build, or the tenant is unknown.
  static Store open(std::string_view url, const OpenOptions& options = {});
  Store(Store&&) noexcept;
  Store& operator=(Store&&) noexcept;
  ~Store();

  /// Which backend this store uses.
  Backend backend() const noexcept;
  /// The URL it was opened with (password hidden).
  const std::string& url() const noexcept;
  /// Schema version of the database (after any upgrade done by open()).
  int schema_version() const;
  /// The tenant this store is scoped to, "" for the park manager's view.
  const std::string& tenant() const noexcept;
  /// The user recorded in the audit log.
  const std::string& user() const noexcept;

  // --- tenants and logins --------------------------------------------------------------------
  /// Adds a tenant; returns its id. Throws InputError when the name is taken or empty.
  std::int64_t add_tenant(const Tenant& t);
  /// Every tenant visible to this store (only its own when scoped).
  std::vector<Tenant> tenants() const;
  /// PostgreSQL only: creates a login role for `tenant` (password authentication) that the
  /// server restricts to the tenant's rows by row-level security, whatever SQL it sends.
  /// `read_only` gives a viewer login. Throws InputError on SQLite, or when the role exists.
  void create_tenant_login(const std::string& tenant, const std::string& role, const std::string& password,
                           bool read_only = false);

  // --- sites, meters, points -----------------------------------------------------------------
  /// Adds a site; returns its id.
  std::int64_t add_site(const Site& s);
  /// Every site.
  std::vector<Site> sites() const;
  /// Adds a meter (tenant and site by name; parent meter by name or ""); returns its id.
  std::int64_t add_meter(const Meter& m);
  /// Meters visible to this store.
  std::vector<Meter> meters() const;
  /// Adds a measurement point with its tags; returns its id.
  std::int64_t add_point(const Point& p);
  /// Points visible to this store, with their tags.
  std::vector<Point> points() const;
  /// Id of the point called `name`; throws InputError "unknown point" when it is not visible.
  std::int64_t point_id(std::string_view name) const;
  /// Sets (or with an empty value removes) one tag of a point; audited.
  void set_point_tag(std::string_view point, const std::string& key, const std::string& value);

  // --- readings ------------------------------------------------------------------------------
  /// Appends readings in one transaction (prepared statements on SQLite, COPY on PostgreSQL).
  /// A reading for an unknown (or another tenant's) point, or a duplicate (point, time) with
  /// another value or flag, throws InputError naming the row and writes nothing (unless
  /// options.on_duplicate is replace: then the stored rows are replaced and audited). Duplicates
  /// with the same value and flag are accepted and change nothing. Returns the rows written.
  std::int64_t append_readings(const ReadingBatch& batch, const AppendOptions& options = {});
  /// Readings of one point in `range`, ordered by time; engineering values unless `raw`.
  Readings read(std::string_view point, TimeRange range = {}, bool raw = false) const;
  /// Readings of several points in `range` in one query (same order as `points`).
  std::vector<Readings> read_many(const std::vector<std::string>& points, TimeRange range = {},
                                  bool raw = false) const;
  /// Aggregation computed by the database (GROUP BY point or tag, bucket).
  Aggregates aggregate(const AggregateQuery& q) const;
  /// Corrects one stored reading by hand (flag `edited` unless given); the old and new value go
  /// to the audit log. Throws InputError when no reading is stored at (point, t).
  void edit_reading(std::string_view point, std::int64_t t_unix_s, double value, Quality q = Quality::edited,
                    const std::string& reason = "");
  /// Number of readings visible to this store (of one point, or all when point is "").
  std::int64_t count_readings(std::string_view point = "") const;

  // --- assets and maintenance ----------------------------------------------------------------
  /// Adds an asset; returns its id.
  std::int64_t add_asset(const Asset& a);
  /// Assets visible to this store.
  std::vector<Asset> assets() const;
  /// Adds a maintenance record to an asset; returns its id.
  std::int64_t add_maintenance(const Maintenance& m);
  /// Maintenance records of one asset ("" for every visible asset), by start time.
  std::vector<Maintenance> maintenance(std::string_view asset = "") const;

  // --- VPP resources -------------------------------------------------------------------------
  /// Adds a resource template (park level); returns its id.
  std::int64_t add_resource_template(const ResourceTemplate& t);
  /// Every resource template.
  std::vector<ResourceTemplate> resource_templates() const;
  /// Adds a resource (a tenant's instance of a template); returns its id.
  std::int64_t add_resource(const Resource& r);
  /// Resources visible to this store.
  std::vector<Resource> resources() const;
  /// Adds a VPP (park level); returns its id.
  std::int64_t add_vpp(const std::string& name, const std::string& description = "");
  /// Makes a resource a member of a VPP.
  void add_vpp_member(const std::string& vpp, const std::string& resource);
  /// Resource names of a VPP, sorted.
  std::vector<std::string> vpp_members(const std::string& vpp) const;

  // --- trading -------------------------------------------------------------------------------
  /// Adds a strategy; returns its id.
  std::int64_t add_strategy(const Strategy& s);
  /// Every strategy.
  std::vector<Strategy> strategies() const;
  /// Records a trade; returns its id.
  std::int64_t add_trade(const Trade& t);
  /// Trades whose delivery starts in `range`, by delivery start.
  std::vector<Trade> trades(TimeRange range = {}) const;

  // --- events --------------------------------------------------------------------------------
  /// Records an alarm event; returns its id.
  std::int64_t add_alarm(const AlarmEvent& a);
  /// Marks an alarm cleared at `cleared_unix_s`.
  void clear_alarm(std::int64_t id, std::int64_t cleared_unix_s);
  /// An active alarm's new severity, value and message (it escalated or eased) and the parent rule
  /// it is suppressed under ("" when shown); throws InputError naming the id when no active alarm has it.
  void update_alarm(std::int64_t id, const std::string& severity, double value, const std::string& message,
                    const std::string& suppressed_by = "");
  /// Records who acknowledged an alarm and when (active or cleared, once); throws InputError
  /// naming the id when there is no such alarm or it was acknowledged already.
  void acknowledge_alarm(std::int64_t id, std::int64_t acknowledged_unix_s, const std::string& who);
  /// Alarms raised in `range` visible to this store, by raise time.
  std::vector<AlarmEvent> alarms(TimeRange range = {}) const;
  /// Records a demand-response event; returns its id.
  std::int64_t add_dr_event(const DrEvent& e);
  /// Demand-response events starting in `range`, by start time.
  std::vector<DrEvent> dr_events(TimeRange range = {}) const;

  // --- audit and raw SQL ---------------------------------------------------------------------
  /// Audit entries visible to this store, oldest first (at most `limit`, 0 = all).
  std::vector<AuditEntry> audit_log(std::size_t limit = 0) const;
  /// Runs one SQL statement as it is (no ehub checks; PostgreSQL's row-level security still
  /// applies to a tenant login) and returns its rows as text. For inspection and tests.
  Table execute_sql(const std::string& sql);
  /// SQLite: `PRAGMA integrity_check` ("ok" when sound); PostgreSQL: "ok" when the connection works.
  std::string integrity_check() const;

 private:
  struct Impl;
  explicit Store(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace ehub::store
