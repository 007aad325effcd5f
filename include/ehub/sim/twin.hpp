// sim twin: executes a plan for a few steps against actual data. Unit on/off and storage
// setpoints are pinned to the plan; the rest of the park settles the deviations (docs/operations.md).
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "ehub/dispatch/dispatch.hpp"
#include "ehub/export.hpp"

namespace ehub::sim {

/// Per-device, per-state setpoints for every executed step: pins["chp1"]["on"][t],
/// pins["battery"]["charge_kw"][t]; NaN leaves a step free. State names are those a device
/// records in dispatch results ("on", "p_kw", "charge_kw", "discharge_kw", ...).
using Pins = std::map<std::string, std::map<std::string, std::vector<double>>>;

/// Registers the device type "sim_pinned" (idempotent, thread-safe): {"name", "type":
/// "sim_pinned", "bus"/"ports", "device": {the wrapped device's JSON with its own "type"},
/// "pin": {"<state>": [value or null per step], ...}}. It formulates the wrapped device and fixes
/// the named state variables (lower = upper bound) where a value is given.
EHUB_EXPORT void register_sim_devices();

/// The device JSON `device` wrapped so that the states in `pins` are fixed step by step.
EHUB_EXPORT nlohmann::json pin_device(const nlohmann::json& device, const std::map<std::string, std::vector<double>>& pins);

/// Relative reduction of pinned storage setpoints. A setpoint at full power would need the
/// charge/discharge binary at exactly 1, and solvers return 1 - 1e-9 (integrality tolerance), which
/// the dispatch's row check rejects; scaling every charge and discharge by the same factor keeps
/// the SOC path inside its limits (soc_t - soc_0 shrinks by the same factor).
inline constexpr double kStorageSetpointShrink = 1e-7;
/// Multiplies storage setpoints by 1 - kStorageSetpointShrink.
EHUB_EXPORT void shrink_storage_setpoints(std::vector<double>& kw);

/// The pins the twin applies for a plan's first `steps` steps: "on" of every unit (chp,
/// diesel_generator) and "charge_kw"/"discharge_kw" of every storage (battery, thermal_storage).
EHUB_EXPORT Pins plan_pins(const dispatch::Result& plan, std::int64_t steps);

/// What the twin did over the executed steps, with the deviations from the plan.
struct TwinResult {
  dispatch::Result executed;               ///< the settled schedule (flows, states, KPIs of the executed steps)
  std::vector<double> plan_grid_kw;        ///< planned grid exchange per step, kW (import - export)
  std::vector<double> grid_kw;             ///< executed grid exchange per step, kW (import - export)
  std::vector<double> plan_storage_kw;     ///< planned electric storage power per step, kW (discharge - charge)
  std::vector<double> storage_kw;          ///< executed electric storage power per step, kW (discharge - charge)
};

/// Grid exchange (import - export, kW) of a schedule per step, summed over grid devices.
EHUB_EXPORT std::vector<double> grid_exchange_kw(const dispatch::Result& r);
/// Electric storage power (discharge - charge, kW) of a schedule per step, summed over batteries.
EHUB_EXPORT std::vector<double> storage_power_kw(const dispatch::Result& r);

/// Executes the steps of `actual_window` (a scenario JSON over exactly the executed steps, with
/// actual data and the carried states) with `pins` applied, as a least-cost settlement: the pinned
/// commitment and storage setpoints are kept, unit output within the committed range, boilers,
/// chillers, grid (within its limits), curtailment and unserved energy (at the value of lost
/// load) absorb the deviations. `plan` (its first steps) is only used to record deviations.
/// Throws SolverError when the settlement has no solution.
EHUB_EXPORT TwinResult execute(const nlohmann::json& actual_window, const std::string& file, const std::string& base_dir,
                               const Pins& pins, const dispatch::Result* plan, const dispatch::Options& options);

}  // namespace ehub::sim
