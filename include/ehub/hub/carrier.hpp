// Energy carriers of an energy hub (one per bus) and port directions of devices.
// New carriers are appended; their numbers never change.
#pragma once

#include <cstdint>
#include <string_view>

#include "ehub/core/enum_names.hpp"
#include "ehub/export.hpp"

namespace ehub::hub {

/// An energy carrier. Explicit numbers, append-only.
enum class Carrier : std::uint8_t {
  electricity = 0,  ///< kW electric
  heat = 1,         ///< kW thermal, hot water / steam
  cooling = 2,      ///< kW thermal, chilled water
  gas = 3,          ///< kW of natural gas (lower heating value)
  diesel = 4,       ///< kW of diesel fuel (lower heating value)
  hydrogen = 5,     ///< kW of hydrogen (lower heating value)
};

/// The carriers' names (one table: to_string, carrier_from_string, Python).
inline constexpr EnumName<Carrier> kCarrierNames[] = {{Carrier::electricity, "electricity"}, {Carrier::heat, "heat"},
                                                       {Carrier::cooling, "cooling"},         {Carrier::gas, "gas"},
                                                       {Carrier::diesel, "diesel"},           {Carrier::hydrogen, "hydrogen"}};
/// "electricity", "heat", "cooling", "gas", "diesel", "hydrogen".
EHUB_EXPORT std::string_view to_string(Carrier c) noexcept;
/// Inverse of to_string; throws InputError (path "carrier") listing the valid names.
EHUB_EXPORT Carrier carrier_from_string(std::string_view name);

/// Which way energy may pass a device port, seen from the bus.
enum class PortDirection : std::uint8_t {
  output = 0,         ///< device supplies the bus (flow >= 0)
  input = 1,          ///< device draws from the bus (flow <= 0)
  bidirectional = 2,  ///< either (storage, grid connection)
};

/// The port directions' names.
inline constexpr EnumName<PortDirection> kPortDirectionNames[] = {{PortDirection::output, "output"},
                                                                  {PortDirection::input, "input"},
                                                                  {PortDirection::bidirectional, "bidirectional"}};
/// "output", "input", "bidirectional".
EHUB_EXPORT std::string_view to_string(PortDirection d) noexcept;
/// Inverse of to_string; throws InputError (path "direction") listing the valid names.
EHUB_EXPORT PortDirection port_direction_from_string(std::string_view name);

}  // namespace ehub::hub
