// Carrier and port-direction names.
#include "ehub/hub/carrier.hpp"

#include <string>

#include "ehub/core/error.hpp"

namespace ehub::hub {

std::string_view to_string(Carrier c) noexcept {
  switch (c) {
    case Carrier::electricity: return "electricity";
    case Carrier::heat: return "heat";
    case Carrier::cooling: return "cooling";
    case Carrier::gas: return "gas";
    case Carrier::diesel: return "diesel";
    case Carrier::hydrogen: return "hydrogen";
  }
  return "electricity";
}

Carrier carrier_from_string(std::string_view name) {
  for (Carrier c : {Carrier::electricity, Carrier::heat, Carrier::cooling, Carrier::gas, Carrier::diesel,
                    Carrier::hydrogen})
    if (to_string(c) == name) return c;
  throw InputError("", "carrier",
                   "unknown carrier \"" + std::string(name) +
                       "\"; known: electricity, heat, cooling, gas, diesel, hydrogen");
}

std::string_view to_string(PortDirection d) noexcept {
  switch (d) {
    case PortDirection::output: return "output";
    case PortDirection::input: return "input";
    case PortDirection::bidirectional: return "bidirectional";
  }
  return "output";
}

}  // namespace ehub::hub
