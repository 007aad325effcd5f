// The GLPK backend lives in the separate GPL-3.0 library ehub::glpk (CMake option EHUB_WITH_GLPK).
// Programs that link it call register_glpk_backend() once to make "glpk" available by name.
#pragma once

#include "ehub/export.hpp"

namespace ehub::lp {
/// Registers the GLPK backend under the name "glpk" (simplex or interior point for LPs,
/// branch-and-cut for MILPs). Defined in ehub::glpk; harmless to call twice.
EHUB_EXPORT void register_glpk_backend();
}  // namespace ehub::lp
