// `ehub store ...`: the park's records from the command line: init (schema, and records from a
// JSON description), import readings from CSV, export readings (or aggregates) to CSV, info.
#include <CLI/CLI.hpp>
#include <cmath>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "commands.hpp"
#include "ehub/core/error.hpp"
#include "ehub/core/time_grid.hpp"
#include "ehub/io/json.hpp"
#include "ehub/io/store_files.hpp"
#include "ehub/io/text_file.hpp"
#include "ehub/store/store.hpp"

namespace ehub::cli {

Command add_store_command(CLI::App& app);

namespace {

struct StoreArgs {
  std::string url;
  std::string tenant;
  std::string user;
  std::string config;     // init
  std::string csv;        // import
  bool replace = false;   // import
  int utc_offset = 0;     // import / export
  std::string point;      // export
  std::string start, end; // export
  std::string out = "-";  // export
  bool raw = false;       // export
  std::int64_t interval_s = 0;   // export aggregates
  std::string function = "sum";  // export aggregates
};

store::Store open_store(const StoreArgs& a, bool read_only = false) {
  store::OpenOptions o;
  o.tenant = a.tenant;
  o.user = a.user;
  o.read_only = read_only;
  return store::Store::open(a.url, o);
}

std::int64_t time_arg(const std::string& text, const char* name, int offset, std::int64_t fallback) {
  if (text.empty()) return fallback;
  try {
    return parse_iso8601(text, offset);
  } catch (const InputError& e) {
    throw InputError("", std::string("--").append(name), e.detail());
  }
}

int run_init(const StoreArgs& a) {
  auto s = open_store(a);
  nlohmann::json out = {{"url", s.url()}, {"backend", std::string(store::to_string(s.backend()))}, {"schema_version", s.schema_version()}};
  if (!a.config.empty()) {
    const auto n = io::apply_store_config(s, io::load_json_file(a.config), a.config);
    out["added"] = {{"tenants", n.tenants}, {"sites", n.sites}, {"meters", n.meters}, {"points", n.points}, {"assets", n.assets}};
  }
  std::cout << out.dump() << std::endl;
  return kExitOk;
}

int run_import(const StoreArgs& a) {
  auto s = open_store(a);
  io::ReadingsCsvOptions o;
  o.default_utc_offset_minutes = a.utc_offset;
  std::vector<std::size_t> lines;
  o.line_of_row = &lines;
  const store::ReadingBatch b = io::read_readings_csv(a.csv, s, o);
  store::AppendOptions ao;
  ao.on_duplicate = a.replace ? store::OnDuplicate::replace : store::OnDuplicate::reject;
  ao.source = "import " + a.csv;
  std::int64_t written = 0;
  try {
    written = s.append_readings(b, ao);
  } catch (const InputError& e) {
    // "readings/row K" (a reading of the batch) becomes the line of the file it came from.
    std::string where = e.path();
    const std::string prefix = "readings/row ";
    if (where.rfind(prefix, 0) == 0) {
      const std::size_t k = std::stoul(where.substr(prefix.size()));
      if (k < lines.size()) where = "line " + std::to_string(lines[k]);
    }
    throw InputError(a.csv, where, e.detail());
  }
  std::cout << nlohmann::json{{"file", a.csv}, {"readings", b.size()}, {"written", written}}.dump() << std::endl;
  return kExitOk;
}

int run_export(const StoreArgs& a) {
  auto s = open_store(a, true);
  const std::int64_t start = time_arg(a.start, "start", a.utc_offset, store::TimeRange{}.start_unix_s);
  const std::int64_t end = time_arg(a.end, "end", a.utc_offset, store::TimeRange{}.end_unix_s);
  if (a.interval_s <= 0) {
    if (a.point.empty()) throw InputError("", "--point", "name the point to export (or give --interval for aggregates)");
    io::write_readings_csv(a.out, s.read(a.point, {start, end}, a.raw), a.utc_offset);
    return kExitOk;
  }
  if (a.start.empty() || a.end.empty()) throw InputError("", "--start/--end", "aggregates need both --start and --end");
  store::AggregateQuery q;
  if (!a.point.empty()) q.points = {a.point};
  q.start_unix_s = start;
  q.end_unix_s = end;
  q.interval_s = a.interval_s;
  q.function = store::aggregate_from_string(a.function);
  q.raw = a.raw;
  const auto r = s.aggregate(q);
  std::string text = "time";
  for (const auto& g : r.groups) text.append(",").append(g);
  text += "\n";
  for (Eigen::Index b = 0; b < r.values.cols(); ++b) {
    text += format_iso8601(r.start_unix_s + b * r.interval_s, a.utc_offset);
    for (Eigen::Index g = 0; g < r.values.rows(); ++g)
      text.append(",").append(std::isnan(r.values(g, b)) ? std::string() : io::format_number(r.values(g, b)));
    text += "\n";
  }
  if (a.out == "-") std::cout << text << std::flush;
  else io::write_text_file_atomically(a.out, text);
  return kExitOk;
}

int run_info(const StoreArgs& a) {
  auto s = open_store(a, true);
  nlohmann::json out = {{"url", s.url()},
                        {"backend", std::string(store::to_string(s.backend()))},
                        {"schema_version", s.schema_version()},
                        {"tenant", s.tenant()},
                        {"tenants", s.tenants().size()},
                        {"sites", s.sites().size()},
                        {"meters", s.meters().size()},
                        {"points", s.points().size()},
                        {"assets", s.assets().size()},
                        {"readings", s.count_readings()},
                        {"integrity", s.integrity_check()}};
  std::cout << out.dump(2) << std::endl;
  return kExitOk;
}

}  // namespace

Command add_store_command(CLI::App& app) {
  auto a = std::make_shared<StoreArgs>();
  auto* c = app.add_subcommand("store", "The park's records in SQLite (default) or PostgreSQL: init, import, export, info");
  c->require_subcommand(1);
  auto common = [&](CLI::App* sub) {
    sub->add_option("url", a->url, "Store URL: sqlite:///path/park.db or postgresql://user:pw@host:port/db")->required();
    sub->add_option("--tenant", a->tenant, "Scope to one tenant's rows");
    sub->add_option("--user", a->user, "Who makes the changes (audit log; default: the login or OS user)");
  };
  auto* init = c->add_subcommand("init", "Create or upgrade the schema; add tenants, sites, meters, points, assets from JSON");
  common(init);
  init->add_option("--config", a->config, "JSON description of the records (docs/store.md)")->check(CLI::ExistingFile);
  auto* imp = c->add_subcommand("import", "Append readings from CSV (point,time,value[,quality] or time,<point>,...)");
  common(imp);
  imp->add_option("csv", a->csv, "Readings CSV")->required()->check(CLI::ExistingFile);
  imp->add_flag("--replace", a->replace, "Replace stored readings that differ (audited) instead of refusing the file");
  imp->add_option("--utc-offset", a->utc_offset, "Offset in minutes of timestamps written without one (default 0: UTC)");
  auto* exp = c->add_subcommand("export", "Write one point's readings, or aggregates per interval, as CSV");
  common(exp);
  exp->add_option("--point", a->point, "Point name");
  exp->add_option("--start", a->start, "First time (ISO-8601)");
  exp->add_option("--end", a->end, "End time, exclusive (ISO-8601)");
  exp->add_option("--out", a->out, "CSV file to write (default -: standard output)");
  exp->add_flag("--raw", a->raw, "Stored values, without the point's multiplier");
  exp->add_option("--utc-offset", a->utc_offset, "Offset in minutes for the times written and read (default 0: UTC)");
  exp->add_option("--interval", a->interval_s, "Aggregate in buckets of this many seconds (computed by the database)")
      ->check(CLI::PositiveNumber);
  exp->add_option("--function", a->function, "sum, mean, min, max or count (with --interval)")
      ->check(CLI::IsMember({"sum", "mean", "min", "max", "count"}));
  auto* info = c->add_subcommand("info", "Schema version and counts of records and readings");
  common(info);
  auto run = [a, init, imp, exp, info]() -> int {
    if (init->parsed()) return run_init(*a);
    if (imp->parsed()) return run_import(*a);
    if (exp->parsed()) return run_export(*a);
    if (info->parsed()) return run_info(*a);
    return kExitUsage;
  };
  return {c, run};
}

}  // namespace ehub::cli
