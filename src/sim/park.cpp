// The park as the loop sees it: every device series pulled out once as a full-length vector,
// the devices asked for their storage, unit and grid parameters, window scenarios.
#include "ehub/sim/rolling.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <limits>
#include <map>
#include <optional>

#include "ehub/core/error.hpp"
#include "ehub/core/series.hpp"
#include "ehub/core/time_grid.hpp"
#include "ehub/forecast/forecaster.hpp"
#include "ehub/hub/scenario.hpp"
#include "ehub/io/csv.hpp"
#include "ehub/io/hdf5.hpp"
#include "ehub/io/json.hpp"
#include "ehub/sim/twin.hpp"
#include "park.hpp"

namespace ehub::sim::detail {

// Keys of a device object that are never series.
bool structural_key(const std::string& k) {
  static const char* const kKeys[] = {"name", "type", "bus", "ports", "description", "tariff", "power_curve",
                                      "part_load_curve", "end_condition", "carrier", "curtailable", "heat_dump",
                                      "commitment", "initial_on", "exclusive_charge_discharge"};
  for (const char* s : kKeys)
    if (k == s) return true;
  return false;
}

// Local calendar month of a time as year * 12 + month - 1.
int month_key(std::int64_t unix_s, int offset) {
  const auto lt = to_local(unix_s, offset);
  return lt.year * 12 + lt.month - 1;
}

// Hours of a local calendar month given by month_key.
double month_hours(int key) { return 24.0 * days_in_month(key / 12, key % 12 + 1); }

class Resolver {
 public:
  Resolver(const json& root, std::string file, std::string base_dir, TimeGrid grid, int offset)
      : root_(root), file_(std::move(file)), base_dir_(std::move(base_dir)), grid_(grid), offset_(offset) {}

  // The values of a series value `v` (at JSON pointer `where`), or nullopt when `v` is no series.
  std::optional<std::vector<double>> resolve(const json& v, const std::string& where, SeriesKind kind, int depth = 0) {
    const auto n = static_cast<std::size_t>(grid_.size());
    if (v.is_string()) {
      const auto name = v.get<std::string>();
      if (depth > 0 || !root_.contains("series") || !root_["series"].contains(name)) return std::nullopt;
      const json& s = root_["series"][name];
      if (s.is_number()) return std::vector<double>(n, s.get<double>());
      return resolve(s, "/series/" + name, kind, depth + 1);
    }
    if (v.is_array()) {
      if (v.size() != n || !std::all_of(v.begin(), v.end(), [](const json& e) { return e.is_number(); }))
        return std::nullopt;
      return v.get<std::vector<double>>();
    }
    if (v.is_object() && v.contains("values")) return resolve(v["values"], where + "/values", kind, depth);
    if (v.is_object() && v.contains("csv")) {
      const io::JsonReader r(v, file_, where);
      const std::string path = (std::filesystem::path(base_dir_) / r.required_string("csv")).string();
      const std::string col = r.required_string("column");
      auto it = cache_.find(path);
      if (it == cache_.end()) {
        io::CsvOptions co;
        co.default_utc_offset_minutes = offset_;
        it = cache_.emplace(path, io::read_timeseries_csv(path, co)).first;
      }
      Series s = it->second.series(col, kind);
      try {
        if (s.grid().step_minutes() != grid_.step_minutes()) s = s.resample(grid_.step_minutes());
        s = s.slice(grid_.start_unix_s(), grid_.end_unix_s());
      } catch (const InputError& e) {
        throw r.error_at("csv", e.detail());
      }
      if (s.grid().start_unix_s() != grid_.start_unix_s() || s.values().size() < grid_.size())
        throw r.error_at("csv", "column \"" + col + "\" does not cover the scenario's time grid");
      const double scale = r.optional_number("scale", 1.0);
      std::vector<double> out(n);
      for (std::size_t t = 0; t < n; ++t) out[t] = s.values()[static_cast<Eigen::Index>(t)] * scale;
      return out;
    }
    return std::nullopt;
  }

 private:
  const json& root_;
  std::string file_, base_dir_;
  TimeGrid grid_;
  int offset_;
  std::map<std::string, io::CsvSeriesTable> cache_;
};

Park make_park(const json& j, const std::string& file, const std::string& base_dir) {
  // Validates the whole scenario once; its devices give the parameters the loop needs.
  Park P;
  P.full = hub::scenario_from_json(j, file, base_dir);
  const hub::Hub& hub = P.full.hub;
  P.file = file;
  P.base_dir = base_dir;
  P.grid = P.full.data_grid;
  P.offset = P.full.utc_offset_minutes;
  P.skeleton = j;
  P.skeleton.erase("series");
  Resolver res(j, file, base_dir, P.grid, P.offset);
  auto& devices = P.skeleton.at("devices");
  for (std::size_t i = 0; i < devices.size(); ++i) {
    json& d = devices[i];
    const std::string name = d.value("name", "");
    const hub::Device& dev = hub.device(*hub.find_device(name));
    const auto uncertain = dev.forecast_inputs();
    std::vector<std::string> keys;
    for (auto it = d.begin(); it != d.end(); ++it) keys.push_back(it.key());
    for (const auto& k : keys) {
      if (structural_key(k)) continue;
      const SeriesKind kind = k == "profile_kw" ? SeriesKind::power : SeriesKind::intensive;
      auto v = res.resolve(d[k], "/devices/" + std::to_string(i) + "/" + k, kind);
      if (!v) continue;
      const bool fc = std::find(uncertain.begin(), uncertain.end(), k) != uncertain.end();
      P.series.push_back({i, k, name, fc, std::move(*v)});
      d[k] = nullptr;
    }
    if (const auto s = dev.storage()) P.storages.push_back({name, *s});
    if (const auto g = dev.grid_connection(); g && g->demand_charge_per_kw_month > 0)
      P.demand_charges.push_back({name, g->demand_charge_per_kw_month});
    if (const auto g = dev.grid_connection()) {
      P.rules.import_limit_kw = std::min(P.rules.import_limit_kw, g->import_limit_kw);
      if (!P.rules.grid) P.rules.grid = *g;
    }
    if (auto l = dev.load()) P.rules.loads.push_back(std::move(*l));
    if (const auto f = dev.supply(); f && f->carrier == hub::Carrier::gas && std::isnan(P.rules.gas_per_kwh))
      P.rules.gas_per_kwh = f->price_per_kwh;
    // A gas boiler with a constant efficiency prices the heat a CHP replaces.
    if (const auto b = dev.converter(); b && b->input == hub::Carrier::gas && b->output == hub::Carrier::heat &&
                                        std::isnan(P.rules.boiler_eff) && !b->efficiency.empty() &&
                                        std::all_of(b->efficiency.begin(), b->efficiency.end(),
                                                    [&](double x) { return x == b->efficiency.front(); }))
      P.rules.boiler_eff = b->efficiency.front();
    if (const auto u = dev.unit()) {
      bool heat = false;
      for (const auto& port : dev.ports())
        heat = heat || (port.carrier == hub::Carrier::heat && port.direction == hub::PortDirection::output);
      P.units.push_back({name, *u, heat});
    }
  }
  return P;
}

// The scenario JSON of steps [d, d + w) with `vals[k]` (w values each) for series k.
json window_json(const Park& P, std::int64_t d, std::int64_t w, const std::vector<std::vector<double>>& vals) {
  json j = P.skeleton;
  j["time"] = {{"start", format_iso8601(P.grid.time_unix_s(d), P.offset)},
               {"step_minutes", P.grid.step_minutes()},
               {"steps", w},
               {"utc_offset_minutes", P.offset}};
  auto& devices = j["devices"];
  for (std::size_t k = 0; k < P.series.size(); ++k) devices[P.series[k].device][P.series[k].key] = vals[k];
  return j;
}

std::vector<std::vector<double>> actual_slices(const Park& P, std::int64_t d, std::int64_t w) {
  std::vector<std::vector<double>> out;
  out.reserve(P.series.size());
  for (const auto& s : P.series)
    out.emplace_back(s.values.begin() + static_cast<std::ptrdiff_t>(d), s.values.begin() + static_cast<std::ptrdiff_t>(d + w));
  return out;
}

}  // namespace ehub::sim::detail
