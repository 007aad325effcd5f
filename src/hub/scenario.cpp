// Scenario loading: time grid and horizon, series resolution (constants, inline arrays, named
// series, CSV columns), buses, devices and port connections.
#include "ehub/hub/scenario.hpp"

#include <filesystem>
#include <functional>
#include <map>

#include "ehub/core/error.hpp"
#include "ehub/core/series.hpp"
#include "ehub/io/csv.hpp"
#include "ehub/io/json.hpp"

namespace ehub::hub {
namespace {

// Resolves series against the scenario's data grid and cuts/re-grids them to the horizon.
class ScenarioSeries final : public SeriesSource {
 public:
  ScenarioSeries(const io::JsonReader& root, std::string base_dir, TimeGrid data_grid, TimeGrid horizon,
                 int utc_offset_minutes)
      : root_(root), base_dir_(std::move(base_dir)), data_grid_(data_grid), horizon_(horizon),
        offset_(utc_offset_minutes) {}

  const TimeGrid& grid() const noexcept override { return horizon_; }
  int utc_offset_minutes() const noexcept override { return offset_; }

  Eigen::VectorXd get(const io::JsonReader& spec, std::string_view key, SeriesKind kind) const override {
    return resolve(spec.at(key), kind, 0);
  }

 private:
  Eigen::VectorXd resolve(const io::JsonReader& r, SeriesKind kind, int depth) const {
    const auto& j = r.json();
    if (j.is_number()) {
      const double v = r.number();
      return Eigen::VectorXd::Constant(horizon_.size(), v);
    }
    if (j.is_array()) return fit_values(r.numbers(), kind, r);
    if (j.is_string()) {
      if (depth > 0) throw r.error("a named series must not refer to another name");
      const std::string name = r.string();
      if (!root_.has("series") || !root_.at("series").has(name))
        throw r.error("no series named \"" + name + "\" in /series");
      return resolve(root_.at("series").at(name), kind, depth + 1);
    }
    if (j.is_object()) {
      r.expect_only_keys({"values", "csv", "column", "scale"}, "of a series object");
      if (r.has("values")) return fit_values(r.at("values").numbers(), kind, r.at("values"));
      if (r.has("csv")) {
        const std::string rel = r.required_string("csv");
        const std::string col = r.required_string("column");
        const std::string path = (std::filesystem::path(base_dir_) / rel).string();
        auto it = csv_cache_.find(path);
        if (it == csv_cache_.end()) {
          io::CsvOptions co;
          co.default_utc_offset_minutes = offset_;  // naive timestamps are the park's local time
          try {
            it = csv_cache_.emplace(path, io::read_timeseries_csv(path, co)).first;
          } catch (const InputError& e) {
            std::string where = e.file();
            if (!e.path().empty()) where += ": " + e.path();
            // The whole file is read for the first series that uses it; a bad value in another
            // column belongs to the series that reads that column (issue 13).
            const std::string at = series_reading(rel, bad_column(e.detail()));
            if (!at.empty()) throw InputError(root_.file(), at + "/csv", where + ": " + e.detail());
            throw r.error_at("csv", where + ": " + e.detail());
          }
        }
        const io::CsvSeriesTable& table = it->second;
        Series s = table.series(col, kind);
        if (!table.missing.empty())
          for (const auto& m : table.missing)
            if (m.column == col)
              throw r.error("column \"" + col + "\" of " + path + " has a missing value at line " +
                            std::to_string(m.line) + " (\"" + m.raw_text + "\"); fill it before optimising");
        const double scale = r.optional_number("scale", 1.0);
        s.values() *= scale;
        return fit(s, r);
      }
      throw r.error("a series object needs \"values\" or \"csv\" and \"column\"");
    }
    throw r.error("expected a number, an array, a series name or {\"csv\": ..., \"column\": ...}");
  }

  // The column named by a CSV error ('column "b": cannot read ...'), or "".
  static std::string bad_column(const std::string& detail) {
    const std::string key = "column \"";
    const auto p = detail.find(key);
    if (p == std::string::npos) return "";
    const auto q = detail.find('"', p + key.size());
    return q == std::string::npos ? "" : detail.substr(p + key.size(), q - p - key.size());
  }

  // JSON pointer of the first series object that reads column `col` of CSV file `rel`, or "".
  std::string series_reading(const std::string& rel, const std::string& col) const {
    if (col.empty()) return "";
    std::string found;
    const std::function<void(const nlohmann::json&, const std::string&)> walk = [&](const nlohmann::json& j,
                                                                                 const std::string& ptr) {
      if (!found.empty()) return;
      if (j.is_object()) {
        const auto c = j.find("csv"), k = j.find("column");
        if (c != j.end() && k != j.end() && c->is_string() && k->is_string() && *c == rel && *k == col) {
          found = ptr;
          return;
        }
        for (auto it = j.begin(); it != j.end(); ++it) walk(*it, ptr + "/" + io::escape_json_pointer_token(it.key()));
      } else if (j.is_array()) {
        for (std::size_t i = 0; i < j.size(); ++i) walk(j[i], ptr + "/" + std::to_string(i));
      }
    };
    walk(root_.json(), "");
    return found;
  }

  static Eigen::VectorXd as_vector(const std::vector<double>& v) {
    return Eigen::Map<const Eigen::VectorXd>(v.data(), static_cast<Eigen::Index>(v.size()));
  }

  // Values given on the scenario's data grid, cut to the horizon.
  Eigen::VectorXd fit_values(const std::vector<double>& v, SeriesKind kind, const io::JsonReader& where) const {
    if (static_cast<std::int64_t>(v.size()) != data_grid_.size())
      throw where.error("series has " + std::to_string(v.size()) + " values but its time grid has " +
                        std::to_string(data_grid_.size()) + " steps");
    return fit(Series(data_grid_, as_vector(v), kind), where);
  }

  // The horizon's part of a series, re-gridded to the horizon's step.
  Eigen::VectorXd fit(const Series& s, const io::JsonReader& where) const {
    try {
      const std::int64_t step_s = s.grid().step_s();
      const std::int64_t start = horizon_.start_unix_s();
      std::int64_t end = horizon_.end_unix_s();
      if ((end - s.grid().start_unix_s()) % step_s != 0) end += step_s - (end - s.grid().start_unix_s()) % step_s;
      if (start < s.grid().start_unix_s() || end > s.grid().end_unix_s())
        throw InputError("", "", "covers " + s.grid().time_iso(0) + " to " + format_iso8601(s.grid().end_unix_s()) +
                                     ", the horizon needs " + horizon_.time_iso(0) + " to " +
                                     format_iso8601(horizon_.end_unix_s()));
      Series cut = s.slice(start - (start - s.grid().start_unix_s()) % step_s, end);
      if (cut.grid().start_unix_s() != start)
        throw InputError("", "", "the horizon start does not fall on a step of the series");
      Series out = cut.resample(horizon_.step_minutes());
      return out.values().head(horizon_.size());
    } catch (const InputError& e) {
      throw where.error(e.detail());
    }
  }

  const io::JsonReader& root_;
  std::string base_dir_;
  TimeGrid data_grid_, horizon_;
  int offset_;
  mutable std::map<std::string, io::CsvSeriesTable> csv_cache_;
};

// Offset of an ISO timestamp's explicit "+HH:MM" part in minutes (0 for Z or none).
int iso_offset_minutes(const std::string& iso) {
  const auto t = iso.find_first_of("Tt ");
  if (t == std::string::npos) return 0;
  const auto p = iso.find_first_of("+-", t);
  if (p == std::string::npos) return 0;
  return static_cast<int>((parse_iso8601(iso.substr(0, p) + "Z") - parse_iso8601(iso)) / 60);
}

}  // namespace

Scenario scenario_from_json(const nlohmann::json& j, const std::string& file, const std::string& base_dir,
                            const HorizonOptions& horizon) {
  io::check_json_depth(j, file);  // before the copy into sc.source, which recurses
  const io::JsonReader root(j, file);
  // Unknown keys are errors everywhere (a misspelt "constraint" must not be dropped silently).
  root.expect_only_keys({"name", "description", "currency", "carbon_price_per_t", "certificate_price_per_mwh", "time",
                         "series", "buses", "devices", "constraints"},
                        "at the top level of the scenario");
  Scenario sc;
  sc.file = file;
  sc.base_dir = base_dir;
  sc.source = j;
  sc.name = root.optional_string("name", "");
  sc.currency = root.optional_string("currency", "CNY");
  sc.carbon_price_per_t = root.has("carbon_price_per_t") ? root.non_negative_number("carbon_price_per_t") : 0.0;
  sc.certificate_price_per_mwh =
      root.has("certificate_price_per_mwh") ? root.non_negative_number("certificate_price_per_mwh") : 0.0;

  if (root.has("constraints")) {
    const io::JsonReader c = root.at("constraints");
    c.expect_only_keys({"min_green_share", "max_emissions_kg", "max_grid_import_kwh"}, "in /constraints");
    if (c.has("min_green_share")) sc.min_green_share = c.number_in_range("min_green_share", 0.0, 1.0);
    if (c.has("max_emissions_kg")) sc.max_emissions_kg = c.non_negative_number("max_emissions_kg");
    if (c.has("max_grid_import_kwh")) sc.max_grid_import_kwh = c.non_negative_number("max_grid_import_kwh");
  }
  const io::JsonReader time = root.at("time");
  time.expect_only_keys({"start", "step_minutes", "steps", "utc_offset_minutes"}, "in /time");
  const std::string start_iso = time.required_string("start");
  const auto wrap = [&](const io::JsonReader& at, std::string_view key, auto fn) {
    try {
      return fn();
    } catch (const InputError& e) {
      if (!e.file().empty()) throw;
      throw at.error_at(key, e.detail());
    }
  };
  sc.utc_offset_minutes = time.has("utc_offset_minutes")
                              ? static_cast<int>(time.required_int("utc_offset_minutes"))
                              : wrap(time, "start", [&] { return iso_offset_minutes(start_iso); });
  const std::int64_t start_unix_s = wrap(time, "start", [&] { return parse_iso8601(start_iso, sc.utc_offset_minutes); });
  const int data_step = static_cast<int>(time.required_int("step_minutes"));
  if (!is_valid_step_minutes(data_step))
    throw time.error_at("step_minutes", "must be 5, 15, 30 or 60, got " + std::to_string(data_step));
  // Bounded before any series is allocated: "steps": 1e9 would ask for gigabytes per series.
  if (const std::int64_t steps = time.required_int("steps"); steps > kMaxScenarioSteps)
    throw time.error_at("steps", "must be at most " + std::to_string(kMaxScenarioSteps) +
                                     " (ten years of 5-minute steps), got " + std::to_string(steps));
  sc.data_grid = wrap(time, "start", [&] { return TimeGrid(start_unix_s, data_step, time.required_int("steps")); });
  if (sc.data_grid.size() < 1) throw time.error_at("steps", "must be >= 1");
  {
    const std::int64_t h_start = horizon.start ? parse_iso8601(*horizon.start, sc.utc_offset_minutes)
                                               : sc.data_grid.start_unix_s();
    const int h_step = horizon.step_minutes.value_or(sc.data_grid.step_minutes());
    if (!is_valid_step_minutes(h_step))
      throw InputError(file, "--step-minutes", "must be 5, 15, 30 or 60, got " + std::to_string(h_step));
    const std::int64_t avail = (sc.data_grid.end_unix_s() - h_start) / (std::int64_t{h_step} * 60);
    const std::int64_t n = horizon.steps.value_or(avail);
    if (h_start < sc.data_grid.start_unix_s() || n < 1 || n > avail)
      throw InputError(file, "/time",
                       "the horizon " + format_iso8601(h_start, sc.utc_offset_minutes) + " + " + std::to_string(n) +
                           " x " + std::to_string(h_step) + " min is outside the scenario's data (" +
                           sc.data_grid.time_iso(0, sc.utc_offset_minutes) + " + " +
                           std::to_string(sc.data_grid.size()) + " x " + std::to_string(sc.data_grid.step_minutes()) +
                           " min)");
    sc.grid = TimeGrid(h_start, h_step, n);
  }

  for (const auto& b : root.at("buses").elements()) {
    b.expect_only_keys({"name", "carrier", "description"}, "of a bus");
    const std::string name = b.required_string("name");
    Carrier c;
    try {
      c = carrier_from_string(b.required_string("carrier"));
    } catch (const InputError& e) {
      if (!e.file().empty()) throw;
      throw b.error_at("carrier", e.detail());
    }
    try {
      sc.hub.add_bus(name, c);
    } catch (const InputError& e) {
      throw b.error_at("name", e.detail());
    }
  }
  ScenarioSeries series(root, base_dir, sc.data_grid, sc.grid, sc.utc_offset_minutes);
  for (const auto& d : root.at("devices").elements()) {
    const std::string name = d.required_string("name");
    const std::string type = d.required_string("type");
    auto dev = make_device(type, name, d, series);
    const auto ports = dev->ports();
    try {
      sc.hub.add_device(std::move(dev));
    } catch (const InputError& e) {
      throw d.error_at("name", e.detail());
    }
    if (d.has("bus")) {  // shorthand for single-port devices
      if (ports.size() != 1) throw d.error_at("bus", "\"bus\" is only for devices with one port; use \"ports\"");
      sc.hub.connect(name, ports[0].name, d.required_string("bus"));
    }
    if (d.has("ports"))
      for (const auto& key : d.at("ports").keys()) sc.hub.connect(name, key, d.at("ports").required_string(key));
  }
  const auto problems = sc.hub.problems();
  if (!problems.empty()) {
    std::string msg;
    for (const auto& p : problems) msg += (msg.empty() ? "" : "\n  ") + p.path + ": " + p.detail;
    throw InputError(file, problems.size() == 1 ? problems[0].path : "",
                     problems.size() == 1 ? problems[0].detail : std::to_string(problems.size()) + " problems:\n  " + msg);
  }
  sc.hub.resolve();
  return sc;
}

Scenario load_scenario(const std::string& path, const HorizonOptions& horizon) {
  const nlohmann::json j = io::load_json_file(path);
  const auto dir = std::filesystem::path(path).parent_path().string();
  return scenario_from_json(j, path, dir.empty() ? "." : dir, horizon);
}

std::vector<std::string> validate_scenario_file(const std::string& path) {
  try {
    load_scenario(path);
    return {};
  } catch (const InputError& e) {
    std::vector<std::string> out;
    const std::string what = e.what();
    out.push_back(what);
    return out;
  }
}

}  // namespace ehub::hub
