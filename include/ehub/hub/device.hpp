// hub::Device: a device type of the energy hub (parameters, typed ports, MILP formulation) and
// the registry that creates device types by name from JSON, built-in and user-defined alike.
#pragma once

#include <Eigen/Core>
#include <functional>
#include <memory>
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
