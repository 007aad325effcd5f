// Carrier and port-direction names.
#include "ehub/hub/carrier.hpp"

#include <string>

#include "ehub/core/error.hpp"

namespace ehub::hub {

std::string_view to_string(Carrier c) noexcept { return enum_name(kCarrierNames, c); }

Carrier carrier_from_string(std::string_view name) { return enum_from_name(kCarrierNames, name, "carrier", "carrier"); }

std::string_view to_string(PortDirection d) noexcept { return enum_name(kPortDirectionNames, d); }

PortDirection port_direction_from_string(std::string_view name) {
  return enum_from_name(kPortDirectionNames, name, "port direction", "direction");
}

}  // namespace ehub::hub
