// hub::Scenario: a park described in JSON (time grid, buses, devices with parameters, series
// inline or from CSV files), loaded into a Hub over a chosen horizon.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "ehub/core/time_grid.hpp"
#include "ehub/export.hpp"
#include "ehub/hub/network.hpp"

namespace ehub::hub {

/// Most steps a scenario's time grid may have (ten years of 5-minute steps); "time.steps" above
/// it is an InputError, checked before any series is allocated.
inline constexpr std::int64_t kMaxScenarioSteps = 1'051'920;

/// Horizon overrides applied when loading (the CLI's --start, --steps, --step-minutes).
struct HorizonOptions {
  std::optional<std::string> start;   ///< ISO-8601 start; default: the scenario's time.start
  std::optional<std::int64_t> steps;  ///< number of steps; default: all data from the start
  std::optional<int> step_minutes;    ///< re-grid to this step (powers averaged, energies summed)
};

/// A loaded scenario: the horizon, the park's settings and its hub.
struct EHUB_EXPORT Scenario {
  std::string name;                 ///< scenario name
  std::string currency = "CNY";     ///< currency of every price
  TimeGrid data_grid;               ///< grid of the series given in the file (time.*)
  TimeGrid grid;                    ///< the horizon being optimised
  int utc_offset_minutes = 0;       ///< park's local time (time.utc_offset_minutes or the start's offset)
  double carbon_price_per_t = 0.0;  ///< carbon price per tonne CO2 (currency/t)
  /// Price of a certificate of exported renewable energy sold (currency per MWh); 0: certificates
  /// are kept by the park and not priced (docs/objectives.md, "Certificate sales").
  double certificate_price_per_mwh = 0.0;
  Hub hub;                          ///< buses and devices
  std::optional<double> min_green_share;      ///< "constraints": {"min_green_share": 0..1}
  std::optional<double> max_emissions_kg;     ///< "constraints": {"max_emissions_kg": ...}
  std::optional<double> max_grid_import_kwh;  ///< "constraints": {"max_grid_import_kwh": ...}
  std::string file;                 ///< source file ("" from memory)
  std::string base_dir = ".";       ///< folder CSV paths were resolved against
  nlohmann::json source;            ///< the JSON it was loaded from (round trip, bug reports)
};

/// Loads and validates a scenario file; series paths are relative to the file's folder. Throws
/// InputError naming the file and the JSON path of the first problem; hub problems are all listed.
EHUB_EXPORT Scenario load_scenario(const std::string& path, const HorizonOptions& horizon = {});
/// Loads a scenario from JSON in memory; `file` names it in errors, `base_dir` resolves CSV paths.
EHUB_EXPORT Scenario scenario_from_json(const nlohmann::json& j, const std::string& file, const std::string& base_dir,
                                        const HorizonOptions& horizon = {});
/// Every problem of a scenario file, as "path: detail" lines with the file named (for
/// `ehub validate`); empty when the scenario loads cleanly.
EHUB_EXPORT std::vector<std::string> validate_scenario_file(const std::string& path);

}  // namespace ehub::hub
