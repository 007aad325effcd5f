// hub::Device: a device type of the energy hub (parameters, typed ports, MILP formulation) and
// the registry that creates device types by name from JSON, built-in and user-defined alike.
#pragma once

#include <Eigen/Core>
#include <functional>
#include <cmath>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ehub/core/series.hpp"
#include "ehub/export.hpp"
#include "ehub/hub/builder.hpp"
#include "ehub/hub/carrier.hpp"
#include "ehub/io/json.hpp"

namespace ehub::hub {

/// A device port: its name (e.g. "el", "heat", "fuel"), carrier and direction.
struct PortSpec {
  std::string name;         ///< port name, unique within the device
  Carrier carrier;          ///< carrier the connected bus must carry
  PortDirection direction;  ///< output, input or bidirectional
};

/// Resolves series given in a scenario: a number (constant), an inline array, the name of an
/// entry of the scenario's "series" table, or {"csv": FILE, "column": NAME}. Every series comes
/// back with one value per step of the horizon, resampled to its step.
class EHUB_EXPORT SeriesSource {
 public:
  virtual ~SeriesSource();
  /// The series at member `key` of `spec`, of the given kind; throws InputError naming the path.
  virtual Eigen::VectorXd get(const io::JsonReader& spec, std::string_view key, SeriesKind kind) const = 0;
  /// The horizon every series is aligned to.
  virtual const TimeGrid& grid() const noexcept = 0;
  /// The park's local time as minutes east of UTC (tariff hours and calendars use it).
  virtual int utc_offset_minutes() const noexcept = 0;
};

/// How a storage's end-of-horizon level is bounded: at least the initial level ("cyclic"), at
/// least `soc_end_min` ("min"), or not at all ("free").
enum class EndCondition { cyclic, free, min };
/// The end conditions' names.
inline constexpr EnumName<EndCondition> kEndConditionNames[] = {
    {EndCondition::cyclic, "cyclic"}, {EndCondition::free, "free"}, {EndCondition::min, "min"}};
/// "cyclic", "free" or "min".
EHUB_EXPORT std::string_view to_string(EndCondition e) noexcept;
/// Inverse of to_string; throws InputError (path "end_condition") listing the valid names.
EHUB_EXPORT EndCondition end_condition_from_string(std::string_view name);

/// What a storage device tells the layers above (the operations loop, the twin, the certificate
/// ledger): its parameters after defaults, SOC as a fraction of `energy_kwh`.
struct StorageInfo {
  Carrier carrier = Carrier::electricity;  ///< carrier stored
  std::string port;                        ///< the port charge and discharge pass through
  double energy_kwh = 0;                   ///< nominal energy capacity, kWh
  double charge_kw = 0;                    ///< rated charge power, kW
  double discharge_kw = 0;                 ///< rated discharge power, kW
  double charge_efficiency = 1;            ///< stored = charged x charge_efficiency
  double discharge_efficiency = 1;         ///< delivering X takes X / discharge_efficiency
  double soc_min = 0;                      ///< lowest SOC, fraction
  double soc_max = 1;                      ///< highest SOC, fraction
  double soc_initial = 0.5;                ///< SOC before the first step, fraction
  double soc_green_initial = 0;            ///< green part of the initial content, fraction
  double standing_loss_per_h = 0;          ///< fraction of the content lost per hour
  EndCondition end_condition = EndCondition::cyclic;  ///< end-of-horizon rule
  double soc_end_min = 0;                  ///< lowest final SOC under EndCondition::min, fraction
};

/// What a committed thermal unit (CHP, diesel generator, a user's own) tells the layers above.
struct UnitInfo {
  double capacity_kw = 0;            ///< rated electric output, kW
  double min_load = 0;               ///< minimum stable output, fraction of capacity
  double min_up_h = 0;               ///< minimum up time, h
  double min_down_h = 0;             ///< minimum down time, h
  double electric_efficiency = 0;    ///< electric output / fuel input at full load
  double thermal_efficiency = 0;     ///< useful heat / fuel input (0: no heat output)
  bool initial_on = false;           ///< on in the step before the first
  bool has_part_load_data = false;   ///< the parameters give the efficiency below full load
};

/// What a grid connection tells the layers above.
struct GridInfo {
  double import_limit_kw = INFINITY;         ///< import limit (the contract capacity), kW
  double export_limit_kw = INFINITY;         ///< export limit, kW
  double demand_charge_per_kw_month = 0;     ///< monthly demand charge on the peak import
  std::vector<double> buy_price_per_kwh;     ///< import price per step of the device's horizon
  std::vector<double> emission_factor_kg_per_kwh;  ///< location-based factor of imports per step
  bool emission_factor_given = false;        ///< the factor is the scenario's (false: ehub's default)
  /// Tariff period name per step when priced by a time-of-use tariff ("peak", "valley", ...);
  /// empty when priced by a series.
  std::vector<std::string> tariff_period;
};

/// What a demand (a load profile) tells the layers above.
struct LoadInfo {
  Carrier carrier = Carrier::electricity;  ///< carrier drawn
  std::vector<double> profile_kw;          ///< demand per step of the device's horizon, kW
  /// Price of unserved energy per kWh; infinity: the demand must be met (no unserved variable).
  double value_of_lost_load_per_kwh = INFINITY;
};

/// A fuel supply's price and emissions per kWh of fuel (lower heating value).
struct SupplyInfo {
  Carrier carrier = Carrier::gas;  ///< fuel carrier
  double price_per_kwh = 0;        ///< currency per kWh of fuel
  double kg_co2_per_kwh = 0;       ///< emission factor per kWh of fuel
};

/// A single-input single-output converter (boiler, chiller, heat pump): out = efficiency x in.
struct ConverterInfo {
  Carrier input = Carrier::electricity;   ///< input carrier
  Carrier output = Carrier::heat;         ///< output carrier
  double capacity_kw = 0;                 ///< rated output, kW
  std::vector<double> efficiency;         ///< efficiency or COP per step (one value: constant)
};

/// State and conditions the layers above change in a device between horizons (the operations
/// loop's carry-over, the twin's physics). Unset fields keep the device's own values.
struct DeviceState {
  std::optional<double> soc;                 ///< storage: SOC before the first step, fraction
  std::optional<double> soc_green;           ///< storage: green part of it, fraction
  std::optional<EndCondition> end_condition; ///< storage: end-of-horizon rule
  std::optional<double> soc_end_min;         ///< storage: lowest final SOC (EndCondition::min)
  double charge_efficiency_derate = 0;       ///< storage: absolute reduction of the charge efficiency
  double discharge_efficiency_derate = 0;    ///< storage: absolute reduction of the discharge efficiency
  std::optional<bool> on;                    ///< unit: on in the step before the first
  std::optional<double> hours_in_state_h;    ///< unit: hours on (off) before the first step
  std::optional<double> last_output_kw;      ///< unit: output in the step before the first
  std::optional<double> part_load_efficiency_ratio;  ///< unit: efficiency at min load / at full load
  std::optional<double> demand_peak_so_far_kw;  ///< grid: peak import of the month so far
  std::optional<bool> demand_charge_prorated;   ///< grid: prorate the demand charge to the horizon
  bool demand_charge_off = false;               ///< grid: no demand charge (billed by the caller)
  /// grid: added to the import and the export price per step of the horizon (e.g. a
  /// demand-response incentive: each kWh less of net import is worth this much more); empty: none.
  std::vector<double> exchange_price_adder_per_kwh;

  /// True when no field is set.
  bool empty() const noexcept;
};

/// The defaults of the built-in storage types for carrier `c` (battery: electricity, efficiencies
/// 0.95 each way; thermal storage: heat or cooling, efficiencies 1): SOC limits 0..1, initial 0.5,
/// no standing loss, end condition cyclic. The one place these defaults are written.
EHUB_EXPORT StorageInfo builtin_storage_defaults(Carrier c);

/// Base class of every device type. A device owns its parameters (validated on construction),
/// declares its ports and formulates its variables, rows, port flows and costs for a horizon.
class EHUB_EXPORT Device {
 public:
  /// A device called `name` (unique in its hub).
  explicit Device(std::string name);
  virtual ~Device();
  /// The device's name.
  const std::string& name() const noexcept { return name_; }
  /// Registry name of the type ("pv", "battery", ...).
  virtual std::string type() const = 0;
  /// The ports, in a fixed order.
  virtual std::vector<PortSpec> ports() const = 0;
  /// Adds variables, rows, port flows and costs for the builder's horizon.
  virtual void formulate(Builder& builder) const = 0;
  /// True for renewable producers (PV, wind): their output counts as green.
  virtual bool renewable() const { return false; }

  // ---- capability queries: what the layers above ask instead of reading JSON or type names --
  /// A storage's parameters; nullopt for other devices.
  virtual std::optional<StorageInfo> storage() const { return std::nullopt; }
  /// A committed unit's parameters; nullopt for other devices.
  virtual std::optional<UnitInfo> unit() const { return std::nullopt; }
  /// A grid connection's limits and prices; nullopt for other devices.
  virtual std::optional<GridInfo> grid_connection() const { return std::nullopt; }
  /// A demand's carrier, profile and value of lost load; nullopt for other devices.
  virtual std::optional<LoadInfo> load() const { return std::nullopt; }
  /// A fuel supply's price and emissions; nullopt for other devices.
  virtual std::optional<SupplyInfo> supply() const { return std::nullopt; }
  /// A converter's carriers and efficiency; nullopt for other devices.
  virtual std::optional<ConverterInfo> converter() const { return std::nullopt; }
  /// The keys of the device's JSON whose series are uncertain (forecast by the operations loop's
  /// mpc strategy): a load's profile, a PV plant's availability, a wind farm's speed.
  virtual std::vector<std::string> forecast_inputs() const { return {}; }
  /// A copy of the device with `state` applied (see DeviceState); nullptr when the device has no
  /// such state (the default). Devices whose storage(), unit() or grid_connection() is set
  /// should implement it so that a rolling horizon can carry their state.
  virtual std::unique_ptr<Device> with_state(const DeviceState& state) const;

 private:
  std::string name_;
};

/// Creates a device from its JSON object (at `spec`) with the given name.
using DeviceFactory =
    std::function<std::unique_ptr<Device>(const std::string& name, const io::JsonReader& spec, const SeriesSource&)>;

/// Registers (or replaces) a device type under `type`; thread-safe. User types take part in
/// validation and dispatch exactly like built-in ones.
EHUB_EXPORT void register_device_type(std::string type, DeviceFactory factory, std::string description);
/// Registered type names, sorted.
EHUB_EXPORT std::vector<std::string> device_types();
/// Creates a device of type `type`; throws InputError (path of the "type" key) for an unknown type,
/// listing the known ones.
EHUB_EXPORT std::unique_ptr<Device> make_device(const std::string& type, const std::string& name,
                                                const io::JsonReader& spec, const SeriesSource& series);
/// Registers the built-in device types (called on first registry use).
EHUB_EXPORT void register_builtin_devices();

}  // namespace ehub::hub
