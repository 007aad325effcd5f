// Private helpers shared by the built-in device files: key checks, checked series, the
// registration functions of each file (called by register_builtin_devices()).
#pragma once

#include <Eigen/Core>
#include <initializer_list>
#include <string_view>
#include <vector>

#include "ehub/hub/device.hpp"
#include "ehub/io/json.hpp"
#include "params.hpp"

namespace ehub::hub::detail {

/// Rejects keys a device type does not read (a misspelt "capcity_kw" must not pass silently),
/// naming the nearest valid key.
void only_keys(const io::JsonReader& r, std::initializer_list<const char*> keys);

/// The values of an Eigen vector as a std::vector.
inline std::vector<double> to_vec(const Eigen::VectorXd& v) { return {v.data(), v.data() + v.size()}; }

/// Checks a per-step series is finite and within [lo, hi]; names the step on failure.
Eigen::VectorXd checked(const io::JsonReader& r, std::string_view key, Eigen::VectorXd v, double lo, double hi);

/// The carrier named at `key` (default `def`); InputError at the key for an unknown name.
Carrier carrier_at(const io::JsonReader& r, std::string_view key, const char* def);

// Registration of each file's device types.
void register_renewables();   // pv, wind
void register_grid();         // grid
void register_supplies();     // gas_supply, diesel_supply
void register_chp();          // chp
void register_diesel_generator();  // diesel_generator
void register_converters();   // gas_boiler, electric_chiller, absorption_chiller, heat_pump
void register_storages();     // battery, thermal_storage
void register_loads();        // load
void register_shiftable_load();  // shiftable_load

}  // namespace ehub::hub::detail
