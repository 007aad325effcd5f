// hub::Hub: buses, devices, port connections resolved into a dense port -> bus table, and
// validation.
#include "ehub/hub/network.hpp"

#include <algorithm>
#include <map>

#include "ehub/core/error.hpp"

namespace ehub::hub {

Hub::Hub() = default;
Hub::~Hub() = default;
Hub::Hub(Hub&&) noexcept = default;
Hub& Hub::operator=(Hub&&) noexcept = default;

namespace {
// Names become HDF5 paths (/flows/<device>.<port>): no '/' and not empty.
void check_name(const std::string& kind, const std::string& name) {
  if (name.empty()) throw InputError("", "/" + kind, "a name must not be empty");
  if (name.find('/') != std::string::npos)
    throw InputError("", "/" + kind + "/" + name, "a name must not contain '/'");
  // Names become HDF5 object names and CSV/JSON keys of every result: checked here, once, so a
  // run never fails at --out after its solve.
  if (name == "." || name == "..")
    throw InputError("", "/" + kind + "/" + name, "\".\" and \"..\" are not valid names");
  for (const char c : name)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
      throw InputError("", "/" + kind + "/" + name,
                       "a name must not contain control characters (NUL, tab, newline, ...)");
  if (printable_utf8(name) != name) throw InputError("", "/" + kind + "/" + name, "a name must be valid UTF-8");
}
}  // namespace

std::int32_t Hub::add_bus(std::string name, Carrier carrier) {
  check_name("buses", name);
  if (find_bus(name)) throw InputError("", "/buses/" + name, "duplicate bus name \"" + name + "\"");
  buses_.push_back(Bus{std::move(name), carrier});
  resolved_ = false;
  return static_cast<std::int32_t>(buses_.size() - 1);
}

std::int32_t Hub::add_device(std::unique_ptr<Device> device) {
  if (!device) throw InputError("", "/devices", "null device");
  check_name("devices", device->name());
  if (find_device(device->name()))
    throw InputError("", "/devices/" + device->name(), "duplicate device name \"" + device->name() + "\"");
  devices_.push_back(std::move(device));
  resolved_ = false;
  return static_cast<std::int32_t>(devices_.size() - 1);
}

namespace {
// Throws unless `b` keeps the name and ports of a device called `name` with ports `ports`.
void check_replacement(const std::string& name, const std::vector<PortSpec>& a, const Device* b) {
  if (!b) throw InputError("", "/devices/" + name, "null replacement device");
  if (b->name() != name)
    throw InputError("", "/devices/" + name, "a replacement must keep the name, got \"" + b->name() + "\"");
  const auto p = b->ports();
  bool same = a.size() == p.size();
  for (std::size_t k = 0; same && k < a.size(); ++k)
    same = a[k].name == p[k].name && a[k].carrier == p[k].carrier && a[k].direction == p[k].direction;
  if (!same) throw InputError("", "/devices/" + name, "a replacement must keep the device's ports");
}
}  // namespace

void Hub::replace_device(std::int32_t i, std::unique_ptr<Device> device) {
  if (i < 0 || static_cast<std::size_t>(i) >= devices_.size())
    throw InputError("", "/devices", "no device at index " + std::to_string(i));
  auto& old = devices_[static_cast<std::size_t>(i)];
  check_replacement(old->name(), old->ports(), device.get());
  old = std::move(device);
}

void Hub::wrap_device(std::int32_t i, const std::function<std::unique_ptr<Device>(std::unique_ptr<Device>)>& wrap) {
  if (i < 0 || static_cast<std::size_t>(i) >= devices_.size())
    throw InputError("", "/devices", "no device at index " + std::to_string(i));
  auto& slot = devices_[static_cast<std::size_t>(i)];
  const std::string name = slot->name();
  const auto ports = slot->ports();
  std::unique_ptr<Device> next = wrap(std::move(slot));
  try {
    check_replacement(name, ports, next.get());
  } catch (...) {
    // The slot must not stay empty: a hub with a null device would crash later.
    throw Error("ehub.internal", "wrap_device: the wrapper of \"" + name + "\" broke its name or ports");
  }
  slot = std::move(next);
}

void Hub::connect(std::string_view device, std::string_view port, std::string_view bus) {
  connections_.push_back(Connection{std::string(device), std::string(port), std::string(bus)});
  resolved_ = false;
}

std::optional<std::int32_t> Hub::find_bus(std::string_view name) const {
  for (std::size_t i = 0; i < buses_.size(); ++i)
    if (buses_[i].name == name) return static_cast<std::int32_t>(i);
  return std::nullopt;
}

std::optional<std::int32_t> Hub::find_device(std::string_view name) const {
  for (std::size_t i = 0; i < devices_.size(); ++i)
    if (devices_[i]->name() == name) return static_cast<std::int32_t>(i);
  return std::nullopt;
}

std::optional<std::int32_t> Hub::bus_of(std::string_view device, std::string_view port) const {
  for (const auto& c : connections_)
    if (c.device == device && c.port == port) return find_bus(c.bus);
  return std::nullopt;
}

std::int32_t Hub::port_index(std::int32_t device, std::string_view port) const {
  if (resolved_) {
    const auto& names = port_names_.at(static_cast<std::size_t>(device));
    for (std::size_t k = 0; k < names.size(); ++k)
      if (names[k] == port) return static_cast<std::int32_t>(k);
    return -1;
  }
  const auto ports = devices_.at(static_cast<std::size_t>(device))->ports();
  for (std::size_t k = 0; k < ports.size(); ++k)
    if (ports[k].name == port) return static_cast<std::int32_t>(k);
  return -1;
}

std::int32_t Hub::port_bus(std::int32_t device, std::int32_t port) const {
  if (port < 0) return -1;
  if (resolved_) {
    const auto& row = port_bus_.at(static_cast<std::size_t>(device));
    return static_cast<std::size_t>(port) < row.size() ? row[static_cast<std::size_t>(port)] : -1;
  }
  const auto ports = devices_.at(static_cast<std::size_t>(device))->ports();
  if (static_cast<std::size_t>(port) >= ports.size()) return -1;
  const auto b = bus_of(devices_[static_cast<std::size_t>(device)]->name(), ports[static_cast<std::size_t>(port)].name);
  return b ? *b : -1;
}

void Hub::resolve() {
  port_bus_.assign(devices_.size(), {});
  port_names_.assign(devices_.size(), {});
  std::map<std::string, std::int32_t, std::less<>> dev_index, bus_index;
  for (std::size_t d = 0; d < devices_.size(); ++d) {
    dev_index.emplace(devices_[d]->name(), static_cast<std::int32_t>(d));
    for (const auto& p : devices_[d]->ports()) port_names_[d].push_back(p.name);
    port_bus_[d].assign(port_names_[d].size(), -1);
  }
  for (std::size_t b = 0; b < buses_.size(); ++b) bus_index.emplace(buses_[b].name, static_cast<std::int32_t>(b));
  for (const auto& c : connections_) {
    const auto d = dev_index.find(c.device);
    const auto b = bus_index.find(c.bus);
    if (d == dev_index.end() || b == bus_index.end()) continue;  // reported by problems()
    const auto& names = port_names_[static_cast<std::size_t>(d->second)];
    for (std::size_t k = 0; k < names.size(); ++k)
      if (names[k] == c.port) port_bus_[static_cast<std::size_t>(d->second)][k] = b->second;
  }
  resolved_ = true;
}

std::vector<std::string> Hub::devices_on_bus(std::int32_t bus) const {
  std::vector<std::string> out;
  for (std::int32_t d = 0; d < num_devices(); ++d) {
    const auto nports = resolved_ ? port_names_[static_cast<std::size_t>(d)].size() : devices_[static_cast<std::size_t>(d)]->ports().size();
    for (std::size_t k = 0; k < nports; ++k)
      if (port_bus(d, static_cast<std::int32_t>(k)) == bus) {
        out.push_back(devices_[static_cast<std::size_t>(d)]->name());
        break;
      }
  }
  return out;
}

std::vector<Problem> Hub::problems() const {
  std::vector<Problem> out;
  std::vector<int> supplies(buses_.size(), 0), draws(buses_.size(), 0);
  std::map<std::pair<std::string, std::string>, int> port_uses;
  for (const auto& c : connections_) {
    const std::string path = "/devices/" + c.device + "/ports/" + c.port;
    const auto d = find_device(c.device);
    if (!d) {
      out.push_back({path, "no device named \"" + c.device + "\""});
      continue;
    }
    const auto ports = devices_[static_cast<std::size_t>(*d)]->ports();
    const auto p = std::find_if(ports.begin(), ports.end(), [&](const PortSpec& s) { return s.name == c.port; });
    if (p == ports.end()) {
      std::string names;
      for (const auto& s : ports) names += (names.empty() ? "" : ", ") + s.name;
      out.push_back({path, "device type \"" + devices_[static_cast<std::size_t>(*d)]->type() + "\" has no port \"" +
                               c.port + "\" (ports: " + names + ")"});
      continue;
    }
    if (++port_uses[{c.device, c.port}] > 1) out.push_back({path, "port is connected more than once"});
    const auto b = find_bus(c.bus);
    if (!b) {
      out.push_back({path, "no bus named \"" + c.bus + "\""});
      continue;
    }
    const Bus& bus = buses_[static_cast<std::size_t>(*b)];
    if (bus.carrier != p->carrier) {
      out.push_back({path, "bus \"" + bus.name + "\" carries " + std::string(to_string(bus.carrier)) +
                               ", the port needs " + std::string(to_string(p->carrier)) +
                               (p->carrier == Carrier::electricity && device(*find_device(c.device)).load().has_value()
                                    ? " (a load is electric unless its \"carrier\" key says otherwise: add \"carrier\": \"" +
                                          std::string(to_string(bus.carrier)) + "\")"
                                    : "")});
      continue;
    }
    if (p->direction != PortDirection::input) ++supplies[static_cast<std::size_t>(*b)];
    if (p->direction != PortDirection::output) ++draws[static_cast<std::size_t>(*b)];
  }
  for (const auto& d : devices_)
    for (const auto& p : d->ports())
      if (!port_uses.count({d->name(), p.name}))
        out.push_back({"/devices/" + d->name() + "/ports/" + p.name,
                       "port \"" + p.name + "\" (" + std::string(to_string(p.carrier)) + ") is not connected to a bus"});
  for (std::size_t b = 0; b < buses_.size(); ++b) {
    const std::string path = "/buses/" + buses_[b].name;
    if (draws[b] > 0 && supplies[b] == 0)
      out.push_back({path, "bus \"" + buses_[b].name + "\" has demand but no device can supply it"});
    else if (draws[b] == 0 && supplies[b] == 0)
      out.push_back({path, "bus \"" + buses_[b].name + "\" has no device connected"});
  }
  return out;
}

void Hub::validate() const {
  const auto ps = problems();
  if (ps.empty()) return;
  std::string msg;
  for (std::size_t k = 0; k < ps.size(); ++k) msg += (k ? "\n" : "") + ps[k].path + ": " + ps[k].detail;
  throw InputError("", ps.size() == 1 ? ps[0].path : "", ps.size() == 1 ? ps[0].detail : msg);
}

}  // namespace ehub::hub
