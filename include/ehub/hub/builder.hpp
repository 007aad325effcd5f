// hub::Builder: the narrow model-building view a device formulates itself through. It adds
// per-step variables and rows to an lp::Model, records port flows, costs, emissions and tallies.
#pragma once

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ehub/core/enum_names.hpp"
#include "ehub/core/time_grid.hpp"
#include "ehub/export.hpp"
#include "ehub/lp/model.hpp"

namespace ehub::hub {

/// A linear expression sum(coef_k * x[var_k]) + constant, evaluated on a solution.
struct LinearTally {
  std::vector<std::int32_t> vars;  ///< variable handles
  std::vector<double> coefs;       ///< coefficients
  double constant = 0.0;           ///< constant part

  /// Value at primal solution x.
  double evaluate(std::span<const double> x) const noexcept {
    double v = constant;
    for (std::size_t k = 0; k < vars.size(); ++k) v += coefs[k] * x[static_cast<std::size_t>(vars[k])];
    return v;
  }
};

/// The flow at one port for every step: flow[t] = sum_k coef_k * x[var_k(t)] + constant[t] (kW,
/// positive into the bus).
struct PortFlow {
  std::string device;                                  ///< device name
  std::string port;                                    ///< port name
  std::vector<std::pair<lp::IndexRange, double>> terms;  ///< variable blocks (one var per step) and coefficients
  std::vector<double> constant_kw;                     ///< constant part per step (empty: zero)
  std::vector<char> shortfall;  ///< per term: 1 when it is demand not met (unserved energy), which
                                ///< still counts as consumption for the green share
  std::int32_t device_index = -1;  ///< the device's index in its hub (-1: not given to set_device)
};

/// What a state is to the operations twin (docs/operations.md, "Twin"): a setpoint the plan
/// hands over and how the settlement follows it. The twin prices a deviation from a setpoint of
/// each kind at a multiple of its weight W, so that it gives way in this order.
enum class Setpoint : std::uint8_t {
  none,         ///< not a setpoint
  commitment,   ///< on/off: fixed
  storage,      ///< charge and discharge power: W per kWh (fixed when W = 0)
  output,       ///< a unit's or a boiler's output: 2W
  exchange,     ///< grid import and export: 4W
  curtailment,  ///< curtailed load: 8W
  available,    ///< renewable output: follows its available upper bound at 8W (not from the plan)
};
/// The setpoint kinds' names.
inline constexpr EnumName<Setpoint> kSetpointNames[] = {
    {Setpoint::none, "none"},         {Setpoint::commitment, "commitment"},   {Setpoint::storage, "storage"},
    {Setpoint::output, "output"},     {Setpoint::exchange, "exchange"},       {Setpoint::curtailment, "curtailment"},
    {Setpoint::available, "available"}};
/// "none", "commitment", "storage", "output", "exchange", "curtailment", "available".
EHUB_EXPORT std::string_view to_string(Setpoint s) noexcept;
/// Inverse of to_string; throws InputError (path "setpoint") listing the valid names.
EHUB_EXPORT Setpoint setpoint_from_string(std::string_view name);

/// A per-step block of variables a device asked to be reported as a state (e.g. "soc_kwh", "on").
struct StateRecord {
  std::string device;    ///< device name
  std::string name;      ///< state name with unit, e.g. "soc_kwh"
  lp::IndexRange vars;   ///< one variable per step
  Setpoint setpoint = Setpoint::none;  ///< what the state is to the operations twin
};

/// A storage's variables and dynamics, declared so that dispatch can follow the colour (green
/// or grey) of its energy: soc_t = keep * soc_{t-1} + eta_charge * charge_t * dt - discharge_t * dt / eta_discharge.
struct StorageRecord {
  std::string device;         ///< device name
  std::string port;           ///< the port charge and discharge pass through
  lp::IndexRange charge_kw;   ///< charge power per step
  lp::IndexRange discharge_kw;  ///< discharge power per step
  lp::IndexRange soc_kwh;     ///< state of charge at the end of each step
  double eta_charge = 1.0;    ///< charge efficiency
  double eta_discharge = 1.0;  ///< discharge efficiency
  double keep_per_step = 1.0;  ///< 1 - standing loss per step
  double soc_initial_kwh = 0.0;  ///< state of charge before the first step
  double capacity_kwh = 0.0;     ///< nominal energy capacity (for equivalent full cycles)
  double soc_initial_green_kwh = 0.0;  ///< green part of the initial content (chained windows; 0: all grey)
};

/// The model-building view handed to Device::formulate(). Costs and emissions are added to the
/// objective and recorded per category so that results carry a cost breakdown.
class EHUB_EXPORT Builder {
 public:
  /// A builder appending to `model` over `grid`; `carbon_price_per_kg` prices emissions.
  Builder(lp::Model& model, const TimeGrid& grid, int utc_offset_minutes, double carbon_price_per_kg,
          bool relax_integers);

  /// The time grid of the horizon.
  const TimeGrid& grid() const noexcept { return grid_; }
  /// Number of steps.
  std::int32_t steps() const noexcept { return static_cast<std::int32_t>(grid_.size()); }
  /// Step length in hours.
  double dt_h() const noexcept { return grid_.step_hours(); }
  /// UTC offset of the park's local time in minutes (for tariffs and calendars).
  int utc_offset_minutes() const noexcept { return utc_offset_minutes_; }
  /// True when integer variables are created continuous (LP relaxation).
  bool relax_integers() const noexcept { return relax_integers_; }
  /// The model, for rows (begin_row/add_term). Variables should come from add_vars().
  lp::Model& model() noexcept { return model_; }

  /// Sets the device whose variables, flows and costs follow (dispatch does this).
  void set_device(std::string_view device_name, std::int32_t device_index = -1);
  /// Name of the device being formulated.
  const std::string& device() const noexcept { return device_; }

  /// One variable per step with bounds [lb, ub] (unnamed, for speed). Binary and integer
  /// variables become continuous when relax_integers(). If `record` it is reported as a state.
  lp::IndexRange add_vars(std::string_view name, double lb, double ub, lp::VarType type = lp::VarType::continuous,
                          bool record = true);
  /// One variable per step with per-step upper bounds `ub` (lower bound `lb`).
  lp::IndexRange add_vars(std::string_view name, double lb, std::span<const double> ub, bool record = true);
  /// Marks the current device's recorded state `name` as a setpoint of kind `kind` (the
  /// operations twin follows it; see Setpoint). Throws when no such state was recorded.
  void mark_setpoint(std::string_view name, Setpoint kind);
  /// A single variable (e.g. a monthly peak), not a state.
  std::int32_t add_scalar(std::string_view name, double lb, double ub);

  /// flow(port)[t] += coef * x[vars[t]] (kW, positive into the bus the port is connected to).
  /// `shortfall` marks demand that is not met (unserved energy): it balances the bus but still
  /// counts as consumption, so shedding load never raises the green share.
  void add_port_flow(std::string_view port, lp::IndexRange vars, double coef, bool shortfall = false);
  /// flow(port)[t] += constant_kw[t] (a fixed profile, e.g. a load: negative).
  void add_port_constant(std::string_view port, std::span<const double> constant_kw);

  /// Energy cost: objective and tally `cost.<category>` += price[t] * x[vars[t]] * dt (x in kW,
  /// price per kWh). `price` has one value per step, or one value for all steps.
  void add_energy_cost(std::string_view category, lp::IndexRange vars, std::span<const double> price_per_kwh);
  /// Energy cost with one price for all steps.
  void add_energy_cost(std::string_view category, lp::IndexRange vars, double price_per_kwh);
  /// Cost per unit of a variable, not scaled by the step (start-ups, demand charges).
  void add_unit_cost(std::string_view category, std::int32_t var, double cost_per_unit);
  /// Emissions: tally `emissions.<source>` += kg_per_kwh[t] * x * dt, and the carbon price times
  /// that in the objective (tally `cost.carbon`). One value per step or one for all.
  void add_emissions(std::string_view source, lp::IndexRange vars, std::span<const double> kg_per_kwh);
  /// Emissions with one factor for all steps.
  void add_emissions(std::string_view source, lp::IndexRange vars, double kg_per_kwh);
  /// An energy tally for KPIs only (not in the objective): `name` += coef * x * dt (kWh).
  void add_energy_tally(std::string_view name, lp::IndexRange vars, double coef);
  /// A constant for an energy tally (e.g. available renewable energy), kWh.
  void add_tally_constant(std::string_view name, double value);

  /// Declares the device being formulated as a storage (for green/grey colour tracking).
  void add_storage(StorageRecord record);

  // ---- read back (dispatch) --------------------------------------------------------------
  /// Storages declared so far.
  const std::vector<StorageRecord>& storages() const noexcept { return storages_; }
  /// Port flows recorded so far.
  const std::vector<PortFlow>& port_flows() const noexcept { return flows_; }
  /// States recorded so far.
  const std::vector<StateRecord>& states() const noexcept { return states_; }
  /// Tallies by name ("cost.grid_energy", "emissions.gas", "energy.curtailment_kwh", ...).
  const std::map<std::string, LinearTally>& tallies() const noexcept { return tallies_; }

 private:
  PortFlow& flow(std::string_view port);
  void tally(const std::string& name, lp::IndexRange vars, std::span<const double> coef_per_step, double scale,
             bool objective);

  lp::Model& model_;
  TimeGrid grid_;
  int utc_offset_minutes_;
  double carbon_price_per_kg_;
  bool relax_integers_;
  std::string device_;
  std::int32_t device_index_ = -1;
  std::vector<PortFlow> flows_;
  std::vector<StateRecord> states_;
  std::vector<StorageRecord> storages_;
  std::map<std::string, LinearTally> tallies_;
};

}  // namespace ehub::hub
