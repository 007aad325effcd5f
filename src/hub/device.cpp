// Device base class and the thread-safe device-type registry.
#include "ehub/hub/device.hpp"

#include <map>
#include <mutex>

#include "ehub/core/error.hpp"

namespace ehub::hub {

SeriesSource::~SeriesSource() = default;
Device::Device(std::string name) : name_(std::move(name)) {}
Device::~Device() = default;
std::unique_ptr<Device> Device::with_state(const DeviceState&) const { return nullptr; }

std::string_view to_string(EndCondition e) noexcept { return enum_name(kEndConditionNames, e); }

EndCondition end_condition_from_string(std::string_view name) {
  return enum_from_name(kEndConditionNames, name, "end condition", "end_condition");
}

bool DeviceState::empty() const noexcept {
  return !soc && !soc_green && !end_condition && !soc_end_min && charge_efficiency_derate == 0 &&
         discharge_efficiency_derate == 0 && !on && !hours_in_state_h && !last_output_kw &&
         !part_load_efficiency_ratio && !demand_peak_so_far_kw && !demand_charge_prorated && !demand_charge_off &&
         exchange_price_adder_per_kwh.empty();
}

namespace {
struct Entry {
  DeviceFactory factory;
  std::string description;
};
std::mutex& registry_mutex() {
  static std::mutex m;
  return m;
}
std::map<std::string, Entry>& registry() {
  static std::map<std::string, Entry> r;
  return r;
}
thread_local bool registering_builtins = false;  // register_builtin_devices() is running here
void ensure_builtins() {
  static std::once_flag once;
  if (registering_builtins) return;
  std::call_once(once, [] {
    registering_builtins = true;
    register_builtin_devices();
    registering_builtins = false;
  });
}
}  // namespace

void register_device_type(std::string type, DeviceFactory factory, std::string description) {
  ensure_builtins();  // so a user's type of a built-in's name replaces it and is not replaced later
  std::lock_guard lock(registry_mutex());
  registry()[std::move(type)] = Entry{std::move(factory), std::move(description)};
}

std::vector<std::string> device_types() {
  ensure_builtins();
  std::lock_guard lock(registry_mutex());
  std::vector<std::string> out;
  for (const auto& [k, v] : registry()) out.push_back(k);
  return out;
}

std::unique_ptr<Device> make_device(const std::string& type, const std::string& name, const io::JsonReader& spec,
                                    const SeriesSource& series) {
  ensure_builtins();
  DeviceFactory f;
  {
    std::lock_guard lock(registry_mutex());
    auto it = registry().find(type);
    if (it == registry().end()) {
      std::string known;
      for (const auto& [k, v] : registry()) known += (known.empty() ? "" : ", ") + k;
      throw InputError(spec.file(), spec.pointer_of("type"),
                       "unknown device type \"" + type + "\"; known types: " + known);
    }
    f = it->second.factory;
  }
  return f(name, spec, series);
}

}  // namespace ehub::hub
