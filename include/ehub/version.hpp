// The library's version, for programs that need to know which ehub they run against.
#pragma once

#include <string>

#include "ehub/config.hpp"
#include "ehub/export.hpp"

namespace ehub {
/// The version of the ehub library this program is linked against, e.g. "0.1.0".
EHUB_EXPORT std::string version();
}  // namespace ehub
