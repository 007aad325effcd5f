// The SQLite backend of the store: one file in WAL mode, prepared statements, one transaction per
// batch (a writer killed at any moment leaves the last committed batch intact).
#include <sqlite3.h>
#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <limits>
#include <pwd.h>

#include "db.hpp"
#include "ehub/core/error.hpp"

namespace ehub::store::detail {
namespace {

DbFailure failure_of(int extended_code) {
  switch (extended_code) {
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY: return DbFailure::unique;
    case SQLITE_CONSTRAINT_FOREIGNKEY: return DbFailure::foreign_key;
    case SQLITE_CONSTRAINT_NOTNULL: return DbFailure::not_null;
    case SQLITE_CONSTRAINT_CHECK: return DbFailure::check;
    case SQLITE_READONLY: return DbFailure::permission;
    default: return DbFailure::other;
  }
}

/// A prepared statement, finalized on destruction.
class Stmt {
 public:
  Stmt(sqlite3* db, std::string_view sql) : db_(db) {
    const char* tail = nullptr;
    const int rc = sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &s_, &tail);
    if (rc != SQLITE_OK) throw DbError(failure_of(sqlite3_extended_errcode(db)), sqlite3_errmsg(db));
  }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  ~Stmt() { sqlite3_finalize(s_); }
  sqlite3_stmt* get() const noexcept { return s_; }

  void bind(const std::vector<Value>& params) {
    sqlite3_reset(s_);
    sqlite3_clear_bindings(s_);
    for (std::size_t i = 0; i < params.size(); ++i) {
      const int k = static_cast<int>(i) + 1;
      int rc = SQLITE_OK;
      const Value& v = params[i];
      if (std::holds_alternative<std::monostate>(v)) rc = sqlite3_bind_null(s_, k);
      else if (const auto* n = std::get_if<std::int64_t>(&v)) rc = sqlite3_bind_int64(s_, k, *n);
      else if (const auto* d = std::get_if<double>(&v)) rc = std::isnan(*d) ? sqlite3_bind_null(s_, k) : sqlite3_bind_double(s_, k, *d);
      else {
        const auto& s = std::get<std::string>(v);
        rc = sqlite3_bind_text(s_, k, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
      }
      if (rc != SQLITE_OK) throw DbError(DbFailure::other, sqlite3_errmsg(db_));
    }
  }
  /// Steps once: true when a row is ready.
  bool step() {
    const int rc = sqlite3_step(s_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    throw DbError(failure_of(sqlite3_extended_errcode(db_)), sqlite3_errmsg(db_));
  }
  Value column(int i) const {
    switch (sqlite3_column_type(s_, i)) {
      case SQLITE_INTEGER: return Value(static_cast<std::int64_t>(sqlite3_column_int64(s_, i)));
      case SQLITE_FLOAT: return Value(sqlite3_column_double(s_, i));
      case SQLITE_NULL: return Value();
      default: {
        const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(s_, i));
        return Value(std::string(p ? p : "", static_cast<std::size_t>(sqlite3_column_bytes(s_, i))));
      }
    }
  }

 private:
  sqlite3* db_;
  sqlite3_stmt* s_ = nullptr;
};

class SqliteDb final : public Db {
 public:
  SqliteDb(const Url& url, const OpenOptions& o) : file_(url.path), read_only_(o.read_only) {
    if (file_ != ":memory:" && !o.create && !std::filesystem::exists(file_))
      throw InputError(url.display, "", "no such database file (create = false)");
    if (file_ != ":memory:" && !o.read_only) {
      const auto parent = std::filesystem::path(file_).parent_path();
      if (!parent.empty() && !std::filesystem::is_directory(parent))
        throw InputError(url.display, "", "directory " + parent.string() + " does not exist");
    }
    const int flags = (o.read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) |
                      SQLITE_OPEN_NOMUTEX;
    const int rc = sqlite3_open_v2(file_.c_str(), &db_, flags, nullptr);
    if (rc != SQLITE_OK) {
      const std::string msg = db_ ? sqlite3_errmsg(db_) : "out of memory";
      sqlite3_close(db_);
      db_ = nullptr;
      throw InputError(url.display, "", "cannot open SQLite database: " + msg);
    }
    sqlite3_extended_result_codes(db_, 1);
    sqlite3_busy_timeout(db_, o.busy_timeout_ms);
    try {
      // The first read tells a file that is not a database (SQLITE_NOTADB) from one that is.
      query("SELECT count(*) FROM sqlite_master", {});
      if (!o.read_only) {
        if (file_ != ":memory:") exec("PRAGMA journal_mode=WAL");
        exec("PRAGMA synchronous=NORMAL");
      }
      exec("PRAGMA foreign_keys=ON");
    } catch (const DbError& e) {
      sqlite3_close(db_);
      db_ = nullptr;
      throw InputError(url.display, "", std::string("not a usable SQLite database: ") + e.what());
    }
  }
  ~SqliteDb() override {
    cache_.clear();
    if (db_) sqlite3_close(db_);
  }

  Backend backend() const noexcept override { return Backend::sqlite; }

  void exec(std::string_view sql) override {
    char* err = nullptr;
    const std::string s(sql);
    if (sqlite3_exec(db_, s.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
      const std::string msg = err ? err : sqlite3_errmsg(db_);
      sqlite3_free(err);
      throw DbError(failure_of(sqlite3_extended_errcode(db_)), msg);
    }
  }

  std::vector<Row> query(std::string_view sql, const std::vector<Value>& params) override {
    Stmt& st = prepared(sql);
    st.bind(params);
    std::vector<Row> rows;
    const int n = sqlite3_column_count(st.get());
    columns_.clear();
    for (int i = 0; i < n; ++i) columns_.emplace_back(sqlite3_column_name(st.get(), i));
    while (st.step()) {
      Row r;
      r.reserve(static_cast<std::size_t>(n));
      for (int i = 0; i < n; ++i) r.push_back(st.column(i));
      rows.push_back(std::move(r));
    }
    sqlite3_reset(st.get());
    return rows;
  }

  std::int64_t execute(std::string_view sql, const std::vector<Value>& params) override {
    Stmt& st = prepared(sql);
    st.bind(params);
    while (st.step()) {
    }
    sqlite3_reset(st.get());
    return sqlite3_changes64(db_);
  }

  void begin() override { exec("BEGIN IMMEDIATE"); }
  void commit() override { exec("COMMIT"); }
  void rollback() noexcept override {
    if (!sqlite3_get_autocommit(db_)) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  }

  bool has_table(std::string_view name) override {
    return !query("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", {Value(std::string(name))}).empty();
  }

  AppendOutcome append_readings(const ReadingBatch& b, const std::vector<std::int64_t>& tenant_of_row,
                                OnDuplicate on_dup) override {
    AppendOutcome out;
    Stmt& ins = prepared(
        "INSERT INTO readings (point_id, t_unix_s, value, quality, tenant_id) VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT (point_id, t_unix_s) DO NOTHING");
    sqlite3_stmt* s = ins.get();
    const bool has_q = !b.quality.empty();
    for (std::size_t i = 0; i < b.size(); ++i) {
      sqlite3_reset(s);
      sqlite3_bind_int64(s, 1, b.point_id[i]);
      sqlite3_bind_int64(s, 2, b.t_unix_s[i]);
      if (std::isnan(b.value[i])) sqlite3_bind_null(s, 3);
      else sqlite3_bind_double(s, 3, b.value[i]);
      const int q = has_q ? b.quality[i] : 0;
      sqlite3_bind_int(s, 4, q);
      sqlite3_bind_int64(s, 5, tenant_of_row[i]);
      if (sqlite3_step(s) != SQLITE_DONE) throw DbError(failure_of(sqlite3_extended_errcode(db_)), sqlite3_errmsg(db_));
      if (sqlite3_changes(db_) == 1) {
        ++out.written;
        continue;
      }
      // (point, t) is stored already (or earlier in this batch): equal value and flag change nothing.
      auto stored = query("SELECT value, quality FROM readings WHERE point_id = ? AND t_unix_s = ?",
                          {Value(b.point_id[i]), Value(b.t_unix_s[i])});
      DuplicateReading d;
      d.row = static_cast<std::int64_t>(i);
      d.point_id = b.point_id[i];
      d.t_unix_s = b.t_unix_s[i];
      d.stored_value = stored.empty() ? std::nan("") : real_of(stored[0][0]);
      d.stored_quality = stored.empty() ? 0 : static_cast<int>(int_of(stored[0][1]));
      d.new_value = b.value[i];
      d.new_quality = q;
      const bool same_value = (std::isnan(d.stored_value) && std::isnan(d.new_value)) || d.stored_value == d.new_value;
      if (same_value && d.stored_quality == d.new_quality) continue;
      if (on_dup == OnDuplicate::reject) {
        sqlite3_reset(s);
        out.conflict = d;
        out.written = 0;
        return out;
      }
      execute("UPDATE readings SET value = ?, quality = ? WHERE point_id = ? AND t_unix_s = ?",
              {std::isnan(d.new_value) ? Value() : Value(d.new_value), Value(std::int64_t{q}), Value(d.point_id),
               Value(d.t_unix_s)});
      out.replaced.push_back(d);
      ++out.written;
    }
    sqlite3_reset(s);
    return out;
  }

  void fetch_readings(std::string_view sql, const std::vector<Value>& params, std::vector<std::int64_t>& point,
                      std::vector<std::int64_t>& t, std::vector<double>& value,
                      std::vector<std::uint8_t>& quality) override {
    Stmt& st = prepared(sql);
    st.bind(params);
    sqlite3_stmt* s = st.get();
    const double nan = std::numeric_limits<double>::quiet_NaN();
    while (st.step()) {
      point.push_back(sqlite3_column_int64(s, 0));
      t.push_back(sqlite3_column_int64(s, 1));
      value.push_back(sqlite3_column_type(s, 2) == SQLITE_NULL ? nan : sqlite3_column_double(s, 2));
      quality.push_back(static_cast<std::uint8_t>(sqlite3_column_int(s, 3)));
    }
    sqlite3_reset(s);
  }

  void fetch_numbers(std::string_view sql, const std::vector<Value>& params, std::vector<double>& out) override {
    Stmt& st = prepared(sql);
    st.bind(params);
    sqlite3_stmt* s = st.get();
    const int m = sqlite3_column_count(s);
    const double nan = std::numeric_limits<double>::quiet_NaN();
    while (st.step())
      for (int c = 0; c < m; ++c) out.push_back(sqlite3_column_type(s, c) == SQLITE_NULL ? nan : sqlite3_column_double(s, c));
    sqlite3_reset(s);
  }

  std::string login() override {
    if (const char* u = std::getenv("USER"); u && *u) return u;
    if (const passwd* pw = getpwuid(getuid())) return pw->pw_name;
    return "unknown";
  }

  std::string integrity_check() override {
    const auto rows = query("PRAGMA integrity_check", {});
    std::string s;
    for (const auto& r : rows) s += (s.empty() ? "" : "; ") + text_of(r[0]);
    return s;
  }

  std::vector<std::string> last_columns() const override { return columns_; }

 private:
  Stmt& prepared(std::string_view sql) {
    // A small cache of prepared statements keyed by SQL text (the API uses a few dozen).
    for (auto& [text, st] : cache_)
      if (text == sql) return *st;
    if (cache_.size() > 64) cache_.erase(cache_.begin());
    cache_.emplace_back(std::string(sql), std::make_unique<Stmt>(db_, sql));
    return *cache_.back().second;
  }

  std::string file_;
  bool read_only_ = false;
  sqlite3* db_ = nullptr;
  std::vector<std::pair<std::string, std::unique_ptr<Stmt>>> cache_;
  std::vector<std::string> columns_;
};

}  // namespace

std::unique_ptr<Db> open_sqlite(const Url& url, const OpenOptions& options) {
  return std::make_unique<SqliteDb>(url, options);
}

}  // namespace ehub::store::detail
