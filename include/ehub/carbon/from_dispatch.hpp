// The in-memory hand-off from dispatch to the ledger: a dispatch::Result (and the scenario it was
// solved for) becomes a carbon::Input without a file. The results-file reader (results_file.hpp)
// is only the file adapter in front of the same conversion. This is the one carbon header that
// includes the dispatch layer (docs/architecture.md, "Layers").
#pragma once

#include <map>
#include <set>
#include <string>

#include "ehub/carbon/ledger.hpp"
#include "ehub/carbon/results_file.hpp"
#include "ehub/dispatch/dispatch.hpp"
#include "ehub/export.hpp"
#include "ehub/hub/scenario.hpp"

namespace ehub::carbon {

/// Which devices of a schedule are electric storages and which are grid connections.
struct ScheduleRoles {
  std::set<std::string> storages;  ///< devices whose electricity flow is storage charge/discharge
  std::set<std::string> grids;     ///< devices whose electricity flow is grid import/export
};

/// The roles of a dispatch result's devices from what they declared: a storage has a "soc_kwh"
/// state or charge/discharge states of setpoint kind storage; a grid connection has import/export
/// states of setpoint kind exchange (hub::Setpoint).
EHUB_EXPORT ScheduleRoles schedule_roles(const dispatch::Result& result);

/// The ledger's Input from a schedule: producers are the electricity flows of renewable devices
/// (positive part); storages (by `roles`) give charge/discharge (their states, else the flow's two
/// parts), the SOC, the green split (result.green and the soc_green_kwh state, when
/// options.use_split) and their losses from `storages` (by name; StorageSpec defaults otherwise);
/// grids give import/export (their states, else the flow's two parts); every other electricity
/// flow's negative part is consumption; the negative parts of gas and diesel flows are fuel.
/// Errors name `source` (a file, or "" in memory) and the flow's dataset path.
EHUB_EXPORT Input input_from_result(const dispatch::Result& result, const ScheduleRoles& roles,
                                    const std::map<std::string, StorageSpec>& storages, const ReadOptions& options,
                                    const std::string& source = "");

/// The ledger's Input from a dispatch result in memory and the scenario it was solved for: roles
/// from schedule_roles(), storage efficiencies and standing losses from the devices themselves
/// (hub::Device::storage()), overridden by options.storages; the park's local time from the
/// result. (options' *_dataset fields name file datasets and are not used here.)
EHUB_EXPORT Input input_from_dispatch(const hub::Scenario& scenario, const dispatch::Result& result,
                                      const ReadOptions& options = {});

/// The loss parameters of every electric storage of a loaded scenario, asked from the devices.
EHUB_EXPORT std::vector<StorageSpec> storage_specs(const hub::Scenario& scenario);

}  // namespace ehub::carbon
