// Private: the narrow connection interface the store's API is written against, implemented once
// for SQLite (sqlite_db.cpp) and once for PostgreSQL (pg_db.cpp). No backend header leaks here.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "ehub/store/readings.hpp"
#include "ehub/store/store.hpp"

namespace ehub::store::detail {

/// A bound parameter or a fetched value: NULL, integer, real or text.
using Value = std::variant<std::monostate, std::int64_t, double, std::string>;
/// One fetched row.
using Row = std::vector<Value>;

/// Text of a value (NULL as "").
std::string text_of(const Value& v);
/// Integer of a value (NULL as 0; text parsed).
std::int64_t int_of(const Value& v);
/// Real of a value (NULL as NaN; text parsed).
double real_of(const Value& v);
/// True for NULL.
inline bool is_null(const Value& v) { return std::holds_alternative<std::monostate>(v); }

/// Why a statement failed, as far as the store needs to tell.
enum class DbFailure : std::uint8_t { other = 0, unique = 1, foreign_key = 2, permission = 3, not_null = 4, check = 5, unsupported = 6 };

/// A statement the database refused: the backend's message and what kind of failure it was.
class DbError : public std::runtime_error {
 public:
  DbError(DbFailure kind, const std::string& message) : std::runtime_error(message), kind_(kind) {}
  DbFailure kind() const noexcept { return kind_; }

 private:
  DbFailure kind_;
};

/// The rows of one reading at (point, time) that conflicted with what is stored.
struct DuplicateReading {
  std::int64_t row = -1;         ///< index in the batch
  std::int64_t point_id = 0;
  std::int64_t t_unix_s = 0;
  double stored_value = 0;
  int stored_quality = 0;
  double new_value = 0;
  int new_quality = 0;
};

/// Outcome of a bulk append.
struct AppendOutcome {
  std::int64_t written = 0;                 ///< rows inserted or replaced
  std::vector<DuplicateReading> replaced;   ///< rows replaced (on_duplicate = replace)
  std::optional<DuplicateReading> conflict; ///< first conflicting row (on_duplicate = reject): nothing written
};

/// A connection. SQL uses `?` placeholders (translated to $n for PostgreSQL).
class Db {
 public:
  virtual ~Db() = default;
  /// Which backend.
  virtual Backend backend() const noexcept = 0;
  /// Runs one or more statements without parameters.
  virtual void exec(std::string_view sql) = 0;
  /// Runs one statement with parameters; returns its rows (empty for commands).
  virtual std::vector<Row> query(std::string_view sql, const std::vector<Value>& params = {}) = 0;
  /// Runs one statement with parameters; returns the number of rows it changed.
  virtual std::int64_t execute(std::string_view sql, const std::vector<Value>& params = {}) = 0;
  /// Begins a transaction that takes the write lock at once (SQLite BEGIN IMMEDIATE).
  virtual void begin() = 0;
  /// Commits the open transaction.
  virtual void commit() = 0;
  /// Rolls back the open transaction (never throws).
  virtual void rollback() noexcept = 0;
  /// True when a table of that name exists.
  virtual bool has_table(std::string_view name) = 0;
  /// Inserts the batch into `readings` (inside an open transaction) with tenant ids per row;
  /// conflicts handled as `on_duplicate` says. On a conflict with reject, nothing of the batch is
  /// left in the transaction and outcome.conflict is set.
  virtual AppendOutcome append_readings(const ReadingBatch& batch, const std::vector<std::int64_t>& tenant_of_row,
                                        OnDuplicate on_duplicate) = 0;
  /// Fetches (point_id, t, value, quality) rows of a query as columns, fast (no per-row Value).
  virtual void fetch_readings(std::string_view sql, const std::vector<Value>& params, std::vector<std::int64_t>& point,
                              std::vector<std::int64_t>& t, std::vector<double>& value,
                              std::vector<std::uint8_t>& quality) = 0;
  /// Fetches a query whose columns are all numbers into `out`, row after row (NULL as NaN): for
  /// large numeric results without a Value per cell.
  virtual void fetch_numbers(std::string_view sql, const std::vector<Value>& params, std::vector<double>& out) = 0;
  /// The login role (PostgreSQL) or the OS user (SQLite).
  virtual std::string login() = 0;
  /// "ok" when the database is sound.
  virtual std::string integrity_check() = 0;
  /// Column names of the last query() (for execute_sql).
  virtual std::vector<std::string> last_columns() const = 0;
};

/// Opens SQLite at `url.path`; throws InputError naming the file.
std::unique_ptr<Db> open_sqlite(const Url& url, const OpenOptions& options);
/// Connects to PostgreSQL; throws InputError naming the URL (password hidden).
std::unique_ptr<Db> open_postgresql(const Url& url, const OpenOptions& options);

/// The schema's migrations, oldest first: migration k (1-based) brings version k-1 to k.
/// Each is portable SQL run through dialect(); PostgreSQL also gets its row-level security.
void migrate(Db& db, const std::string& display_url, int target_version, bool read_only);
/// Portable schema SQL for `backend`: {{id}} (an auto-numbered primary key), {{real}} (a double),
/// {{without_rowid}} (SQLite's clustered-key option, nothing on PostgreSQL) replaced.
std::string dialect(Backend backend, std::string_view portable_sql);
/// Version stored in the database, 0 for an empty one.
int stored_schema_version(Db& db);
/// PostgreSQL: GRANT statements giving a tenant's login (read-only: a viewer) its rights on the
/// tables created by migrations from_version+1 .. to_version, and on the sequences.
std::string pg_grants_sql(const std::string& role, bool read_only, int from_version, int to_version);
/// Names of the tables with a tenant_id column (scoped by the API, and by RLS on PostgreSQL).
const std::vector<std::string>& tenant_tables();

/// Replaces `?` placeholders by $1, $2, ... outside quoted strings (PostgreSQL).
std::string number_placeholders(std::string_view sql);

}  // namespace ehub::store::detail
