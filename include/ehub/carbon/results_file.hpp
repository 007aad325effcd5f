// The ledger's file side: reads a dispatch results HDF5 file (any schedule in that layout) into a
// carbon::Input, storage efficiencies from a scenario JSON, and writes the certified copy with
// its /certificates tables (docs/carbon.md lists every dataset).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "ehub/carbon/ledger.hpp"
#include "ehub/export.hpp"

namespace ehub::carbon {

/// Loss parameters of one storage (physical loss mode).
struct StorageSpec {
  std::string name;               ///< device name
  double eta_charge = 0.95;       ///< stored = charged x eta_charge
  double eta_discharge = 0.95;    ///< delivering X takes X / eta_discharge
  double standing_loss_per_h = 0; ///< fraction of the content lost per hour
  std::vector<double> standing_loss_per_step;  ///< optional: fraction lost in each step (overrides per_h)

  /// Throws InputError naming the bad field (efficiencies in (0, 1], loss in [0, 1]).
  void validate() const;
};

/// What the ledger takes from a scenario file (the one the schedule was optimised for).
struct ScenarioSettings {
  std::vector<StorageSpec> storages;            ///< every electric storage, as the device reports it
  std::optional<int> utc_offset_minutes;        ///< time.utc_offset_minutes or the start's offset
  std::optional<double> carbon_price_per_t;     ///< carbon_price_per_t
  std::optional<double> grid_factor_kg_per_kwh; ///< a "grid" device's constant emission_factor_kg_per_kwh
};

/// Reads the settings above from a scenario file: the scenario is loaded (its series too) and every
/// electric storage device is asked for its efficiencies and standing loss (hub::Device::storage(),
/// so a user's storage type counts and the defaults live with the device); the grid factor is a
/// grid connection's emission factor when it is constant. Throws InputError with the JSON path of
/// a bad value.
EHUB_EXPORT ScenarioSettings read_scenario_settings(const std::string& scenario_json_path);

/// How a results file is turned into a ledger Input.
struct ReadOptions {
  std::vector<StorageSpec> storages;    ///< efficiencies by storage name (else flow attributes, else defaults)
  int utc_offset_minutes = 0;           ///< local calendar of the park
  std::string clean_share_dataset;      ///< dataset in the results file with g_t per step ("" none)
  std::string location_factor_dataset;  ///< dataset with the location factor per step ("" none)
  std::string residual_factor_dataset;  ///< dataset with the residual factor per step ("" none)
  bool use_split = true;                ///< read the dispatch's green split when present
};

/// Reads a results HDF5 file in the dispatch layout (docs/carbon.md): /time; /flows/<dev>.<port>
/// with attributes carrier, device_type, renewable; /states/<storage>.charge_kw, .discharge_kw,
/// .soc_kwh; /states/<grid>.import_kw, .export_kw (attribute setpoint: storage, exchange, ...);
/// the green split /green/<storage>.charge_kw, .discharge_kw and /states/<storage>.soc_green_kwh;
/// /losses/<storage>.standing_fraction. The file adapter in front of input_from_result()
/// (from_dispatch.hpp): storages are devices with a soc_kwh state or storage setpoints, grids
/// devices with exchange setpoints; files without setpoint attributes (older ehub, other tools)
/// fall back to device_type "battery" and "grid". Efficiencies: options.storages by name, else
/// the flow's eta_charge / eta_discharge / standing_loss_per_h attributes, else 0.95 / 0.95 / 0.
/// Throws InputError naming the file and dataset of a problem.
EHUB_EXPORT Input read_results_h5(const std::string& path, const ReadOptions& options = {});

/// Writes `out_path` (atomically): a copy of every dataset of `results_path` (with the layout's
/// attributes) plus the ledger's tables under /certificates. `out_path` must differ from
/// `results_path`. Throws InputError on a bad path.
EHUB_EXPORT void write_certified_h5(const std::string& results_path, const Ledger& ledger, const std::string& out_path);

}  // namespace ehub::carbon
