// Files in front of the store: a JSON description of tenants, sites, meters, points and assets,
// and readings as CSV (long: point,time,value[,quality]; or wide: time,<point>,<point>,...).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "ehub/export.hpp"
#include "ehub/store/store.hpp"

namespace ehub::io {

/// What apply_store_config added.
struct StoreConfigCounts {
  int tenants = 0, sites = 0, meters = 0, points = 0, assets = 0;
};

/// Adds the records described by `config` to the store: `{"tenants": [{"name", "display_name"}],
/// "sites": [{"name", "utc_offset_minutes", "latitude_deg", "longitude_deg"}], "meters": [{"name",
/// "tenant", "site", "kind", "parent", "serial", "points": [{"name", "quantity", "unit",
/// "multiplier", "cumulative", "interval_s", "tags": {...}}]}], "assets": [{"name", "tenant",
/// "site", "kind", "manufacturer", "model", "serial", "commissioned", "rated_power_kw",
/// "rated_energy_kwh", "params": {...}}]}`. Records that already exist with the same name are
/// skipped (a config can be applied again). Unknown keys and bad values throw InputError naming
/// `file` and the JSON pointer.
EHUB_EXPORT StoreConfigCounts apply_store_config(store::Store& s, const nlohmann::json& config, const std::string& file);

/// Options of read_readings_csv.
struct ReadingsCsvOptions {
  int default_utc_offset_minutes = 0;  ///< offset of timestamps written without one (0: UTC)
  /// When set, receives the file's line number of every reading (to name lines in later errors).
  std::vector<std::size_t>* line_of_row = nullptr;
};

/// Reads readings from a CSV file for `s` (point names are resolved to ids through the store).
/// Long layout: a header with `point`, `time` and `value` (and optionally `quality`: a name or
/// 0..4). Wide layout: first column `time`, every other column a point name. Empty cells are
/// missing values (NaN, flag missing). Throws InputError naming the file, line and column.
EHUB_EXPORT store::ReadingBatch read_readings_csv(const std::string& path, const store::Store& s,
                                                  const ReadingsCsvOptions& options = {});

/// Writes readings of one point as CSV (`time,point,value,quality`, times ISO-8601 at the given
/// offset) to `path` atomically; "-" writes to standard output.
EHUB_EXPORT void write_readings_csv(const std::string& path, const store::Readings& r, int utc_offset_minutes = 0);

}  // namespace ehub::io
