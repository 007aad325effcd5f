// Built-in device types of ehub: the shared helpers and the registration of every type. Each
// type lives in its own file (renewable.cpp, grid.cpp, ...); the equations are in docs/devices.md.
// Every device formulates per-step variables in kW (average over the step) and energies in kWh.
#include <algorithm>
#include <cmath>
#include <string>

#include "common.hpp"
#include "ehub/core/error.hpp"

namespace ehub::hub {
namespace detail {

void only_keys(const io::JsonReader& r, std::initializer_list<const char*> keys) {
  static const char* const kCommon[] = {"name", "type", "bus", "ports", "description"};
  std::vector<std::string> known(keys.begin(), keys.end()), all(known);
  all.insert(all.end(), std::begin(kCommon), std::end(kCommon));
  for (const auto& k : r.keys())
    if (std::find(all.begin(), all.end(), k) == all.end()) {
      // The hint may be any allowed name, the list shows the type's own keys.
      std::string msg = "unknown key for device type \"" + r.optional_string("type", "") + "\"";
      if (const auto near = io::nearest_name(k, all); !near.empty()) msg += " (did you mean \"" + near + "\"?)";
      std::string list;
      for (const auto& c : known) list += (list.empty() ? "" : ", ") + c;
      throw r.error_at(k, msg + "; known keys: " + list);
    }
}

Eigen::VectorXd checked(const io::JsonReader& r, std::string_view key, Eigen::VectorXd v, double lo, double hi) {
  for (Eigen::Index t = 0; t < v.size(); ++t)
    if (!std::isfinite(v[t]) || v[t] < lo || v[t] > hi)
      throw r.error_at(key, "value at step " + std::to_string(t) + " is " + io::format_number(v[t]) +
                                ", must be in [" + io::format_number(lo) + ", " + io::format_number(hi) + "]");
  return v;
}

Carrier carrier_at(const io::JsonReader& r, std::string_view key, const char* def) {
  try {
    return carrier_from_string(r.optional_string(key, def));
  } catch (const InputError& e) {
    throw r.error_at(key, e.detail());
  }
}

}  // namespace detail

void register_builtin_devices() {
  detail::register_renewables();
  detail::register_grid();
  detail::register_supplies();
  detail::register_chp();
  detail::register_diesel_generator();
  detail::register_converters();
  detail::register_storages();
  detail::register_loads();
  detail::register_shiftable_load();
}

}  // namespace ehub::hub
