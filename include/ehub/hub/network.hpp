// hub::Hub: the energy-hub network graph: buses (one carrier each) and devices whose typed ports
// connect to buses, with validation that names every problem.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ehub/export.hpp"
#include "ehub/hub/carrier.hpp"
#include "ehub/hub/device.hpp"

namespace ehub::hub {

/// A bus: a node where one carrier balances at every step.
struct Bus {
  std::string name;  ///< unique bus name
  Carrier carrier;   ///< the carrier it carries
};

/// A problem found by Hub::problems(): the JSON-pointer-like path and what is wrong.
struct Problem {
  std::string path;    ///< e.g. "/devices/3/ports/el"
  std::string detail;  ///< e.g. "bus \"dh\" carries heat, the port needs electricity"
};

/// Buses and devices joined port-to-bus: a bipartite graph held as dense tables. Connections are
/// given by name (connect()); resolve() turns them, once, into a bus index per device port, which
/// dispatch and the queries use (docs/architecture.md, "The hub graph").
class EHUB_EXPORT Hub {
 public:
  Hub();
  ~Hub();
  Hub(Hub&&) noexcept;
  Hub& operator=(Hub&&) noexcept;

  /// Adds a bus; throws InputError for a duplicate name. Returns its index.
  std::int32_t add_bus(std::string name, Carrier carrier);
  /// Adds a device; throws InputError for a duplicate name. Returns its index.
  std::int32_t add_device(std::unique_ptr<Device> device);
  /// Replaces device `i` by `device`, which must have the same name and ports (a copy with a
  /// carried state, Device::with_state, or a wrapper such as the twin's); the connections stay.
  /// Throws InputError naming the device otherwise.
  void replace_device(std::int32_t i, std::unique_ptr<Device> device);
  /// Replaces device `i` by `wrap(device i)` (e.g. a wrapper that formulates the device and adds
  /// rows to it, or a copy with a carried state), which must keep the name and ports.
  void wrap_device(std::int32_t i, const std::function<std::unique_ptr<Device>(std::unique_ptr<Device>)>& wrap);
  /// Connects port `port` of device `device` to bus `bus` (checked by validate()).
  void connect(std::string_view device, std::string_view port, std::string_view bus);

  /// All buses.
  const std::vector<Bus>& buses() const noexcept { return buses_; }
  /// Number of devices.
  std::int32_t num_devices() const noexcept { return static_cast<std::int32_t>(devices_.size()); }
  /// Device `i`.
  const Device& device(std::int32_t i) const { return *devices_.at(static_cast<std::size_t>(i)); }
  /// Index of a bus by name.
  std::optional<std::int32_t> find_bus(std::string_view name) const;
  /// Index of a device by name.
  std::optional<std::int32_t> find_device(std::string_view name) const;
  /// Bus index the port is connected to, if any.
  std::optional<std::int32_t> bus_of(std::string_view device, std::string_view port) const;
  /// Index of port `port` in device `device`'s ports(), or -1.
  std::int32_t port_index(std::int32_t device, std::string_view port) const;
  /// Bus index of port `port` (index in ports()) of device `device`, or -1 when it is not
  /// connected. After resolve() a table lookup; before, a search of the connections.
  std::int32_t port_bus(std::int32_t device, std::int32_t port) const;
  /// Names of the devices with at least one port on bus `bus` (graph neighbours).
  std::vector<std::string> devices_on_bus(std::int32_t bus) const;
  /// Resolves the connections into the dense port -> bus table (after validation; load_scenario
  /// does it). Adding a device or a connection afterwards drops the table until the next call.
  void resolve();
  /// True when the port -> bus table is current.
  bool resolved() const noexcept { return resolved_; }

  /// Every problem: a port joined to a bus of another carrier or to an unknown bus, an unconnected
  /// port, an unknown port name, a bus nothing can supply while something draws from it, a bus
  /// nothing uses. Paths are "/devices/<name>/ports/<port>" and "/buses/<name>".
  std::vector<Problem> problems() const;
  /// Throws InputError listing every problem (one per line) when there is any.
  void validate() const;

 private:
  std::vector<Bus> buses_;
  std::vector<std::unique_ptr<Device>> devices_;
  struct Connection {
    std::string device, port, bus;
  };
  std::vector<Connection> connections_;
  std::vector<std::vector<std::int32_t>> port_bus_;  // device -> bus per port (-1: none), after resolve()
  std::vector<std::vector<std::string>> port_names_;  // device -> its ports' names, after resolve()
  bool resolved_ = false;
};

}  // namespace ehub::hub
