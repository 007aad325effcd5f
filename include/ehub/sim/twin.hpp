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
/// records in dispatch results ("on", "p_kw", "charge_kw", "discharge_kw", ...). How the twin
/// applies each (fixed, or followed at a price) is its balancing policy (see execute()).
using Pins = std::map<std::string, std::map<std::string, std::vector<double>>>;

/// A setpoint followed at a price: each kWh above or below it costs `penalty_per_kwh` in the
/// settlement (not a cost of the park: execute() strips it from the KPIs).
struct SoftPin {
  std::vector<double> values;   ///< setpoint per step (NaN: free); ignored when to_upper
  bool to_upper = false;        ///< the setpoint is the variable's own upper bound (e.g. available PV)
  double penalty_per_kwh = 0;   ///< price of a deviation (currency/kWh)
};

/// What the twin imposes on one device.
struct DevicePins {
  std::map<std::string, std::vector<double>> hard;  ///< states fixed per step (NaN: free)
  std::map<std::string, SoftPin> soft;              ///< states followed at a price
  /// Battery only: charge power falls linearly to 0 over the top `taper_fraction` x energy_kwh
  /// below soc_max, discharge power over the same band above soc_min (0: no taper).
  double taper_fraction = 0;
};

/// The twin's physics and balancing policy (docs/operations.md, "Twin").
struct TwinOptions {
  /// Settle step by step, each step knowing only its own actual data (no foresight within the
  /// executed window); false: the executed window is settled as one dispatch.
  bool causal = true;
  /// W of the priority order: deviations from storage setpoints cost W per kWh, from unit and
  /// boiler outputs 2W, from the planned grid exchange 4W, renewable and load curtailment 8W;
  /// unserved energy costs the load's value of lost load. Lowered to VOLL / 16 when a load's VOLL
  /// is smaller, so that unserved energy stays the last resort.
  double balancing_penalty_per_kwh = 2.0;
  /// Battery SOC-dependent power limits (DevicePins::taper_fraction); 0 turns them off.
  double battery_taper_fraction = 0.1;
  /// Battery efficiency near the SOC limits (one-step settlements, i.e. the causal twin): inside the
  /// taper band the charge efficiency (top band) or the discharge efficiency (bottom band) falls
  /// linearly with the SOC at the start of the step, by this much at the limit (absolute, per unit);
  /// 0 keeps the plan's constant efficiencies.
  double battery_efficiency_drop = 0.02;
  /// Part load of units (chp, diesel_generator) whose scenario gives no part-load data
  /// (electric_efficiency_at_min_load, part_load_curve): in the twin their electric efficiency at
  /// minimum load is this fraction of the full-load efficiency (a fuel line with no-load fuel,
  /// docs/devices.md); 1 keeps the plan's constant efficiency.
  double unit_min_load_efficiency_ratio = 0.9;
  /// Throws InputError naming the bad field.
  void validate() const;
};

/// Registers the device type "sim_pinned" (idempotent, thread-safe): {"name", "type":
/// "sim_pinned", "bus"/"ports", "device": {the wrapped device's JSON with its own "type"},
/// "pin": {"<state>": [value or null per step], ...}, "soft": {"<state>": {"values": [...] or
/// "upper", "penalty_per_kwh": w}}, "taper_fraction": f}. It formulates the wrapped device, fixes
/// the pinned states, prices deviations from the soft ones (cost category "balancing_penalty")
/// and adds the battery taper rows.
EHUB_EXPORT void register_sim_devices();

/// The device JSON `device` wrapped so that the states in `pins` are fixed step by step.
EHUB_EXPORT nlohmann::json pin_device(const nlohmann::json& device, const std::map<std::string, std::vector<double>>& pins);
/// The device JSON `device` wrapped with hard pins, soft pins and taper.
EHUB_EXPORT nlohmann::json pin_device(const nlohmann::json& device, const DevicePins& pins);

/// Relative reduction of pinned storage setpoints. A setpoint at full power would need the
/// charge/discharge binary at exactly 1, and solvers return 1 - 1e-9 (integrality tolerance), which
/// the dispatch's row check rejects; scaling every charge and discharge by the same factor keeps
/// the SOC path inside its limits (soc_t - soc_0 shrinks by the same factor).
inline constexpr double kStorageSetpointShrink = 1e-7;
/// Multiplies storage setpoints by 1 - kStorageSetpointShrink.
EHUB_EXPORT void shrink_storage_setpoints(std::vector<double>& kw);

/// The setpoints of a plan's first `steps` steps: every state a device declared a setpoint
/// (hub::Setpoint other than none and available): for the built-in types "on" and "p_kw" of
/// units, "charge_kw"/"discharge_kw" of storages, "out_kw" of gas boilers, "import_kw"/
/// "export_kw" of grids, "curtailed_kw" of loads.
EHUB_EXPORT Pins plan_pins(const dispatch::Result& plan, std::int64_t steps);

/// What the twin did over the executed steps (compare with the plan's grid_exchange_kw and
/// storage_power_kw for the deviations).
struct TwinResult {
  dispatch::Result executed;               ///< the settled schedule (flows, states, KPIs of the executed steps)
  std::vector<double> grid_kw;             ///< executed grid exchange per step, kW (import - export)
  std::vector<double> storage_kw;          ///< executed electric storage power per step, kW (discharge - charge)
};

/// Grid exchange (import - export, kW) of a schedule per step, summed over the devices with an
/// exchange setpoint (grid connections).
EHUB_EXPORT std::vector<double> grid_exchange_kw(const dispatch::Result& r);
/// Electric storage power (discharge - charge, kW) of a schedule per step, summed over the
/// electricity flows of the devices with storage setpoints.
EHUB_EXPORT std::vector<double> storage_power_kw(const dispatch::Result& r);

/// Executes the steps of `actual_window` (a scenario JSON over exactly the executed steps, with
/// actual data and the carried states) as a settlement at least cost plus the balancing policy of
/// `twin`: unit commitment ("on") is fixed; storage, unit, boiler and grid setpoints in `pins` are
/// followed with deviation prices W, 2W, 2W, 4W; renewable output and load curtailment at 8W; so a
/// difference between plan and actual data is taken first by storage (within its power, SOC and
/// taper limits), then by unit and boiler headroom, then by the grid (within its limits), then by
/// curtailment, and last as unserved energy at the value of lost load. Without setpoints (rules
/// strategy) only the given pins apply and the rest settles at least cost. The deviation prices
/// are not in the returned KPIs.
/// Throws SolverError when the settlement has no solution.
EHUB_EXPORT TwinResult execute(const nlohmann::json& actual_window, const std::string& file, const std::string& base_dir,
                               const Pins& pins, const dispatch::Options& options, const TwinOptions& twin = {});
/// The same settlement of a scenario already loaded (the operations loop's route: the carried
/// states are applied to its devices in memory). Every device is asked, not named: the kind of
/// each setpoint comes from the state the device declared (hub::Setpoint), the taper and the
/// SOC-dependent efficiency apply to every electric storage (Device::storage()), the part-load
/// efficiency to every unit without part-load data (Device::unit()), the value of lost load from
/// every demand (Device::load()). A device type of the user's is settled exactly like a built-in
/// one when it answers these queries and implements Device::with_state().
EHUB_EXPORT TwinResult execute(hub::Scenario scenario, const Pins& pins, const dispatch::Options& options,
                               const TwinOptions& twin = {});

}  // namespace ehub::sim
