// ehub::version(): the version compiled into the library (from CMake's project version).
#include "ehub/version.hpp"

namespace ehub {
std::string version() { return EHUB_VERSION_STRING; }
}  // namespace ehub
