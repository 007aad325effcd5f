// The "highs" backend's library: HiGHS (MIT) is not linked at build time; ehub loads libhighs with
// dlopen the first time the backend is asked for, and uses its documented C API only. Where ehub
// looks, in this order (docs/lp.md, "HiGHS"):
//   1. the file named by the environment variable EHUB_HIGHS_LIBRARY (nothing else when it is set);
//   2. the active Python environment: the directories of the packages `highspy` and `highsbox`
//      (the HiGHS team's binary distribution, which ships libhighs.so with the C API), as told by
//      the interpreter hosting ehub's Python module, else by the `python3` on PATH, plus the
//      site-packages of $VIRTUAL_ENV and $CONDA_PREFIX;
//   3. the system's library path: dlopen("libhighs.so") (LD_LIBRARY_PATH, ld.so.cache, /usr/lib).
// A library is accepted when it exports every C function ehub uses, reports HiGHS 1.7 or a later
// 1.x and uses 32-bit HighsInt; otherwise it is refused with its version or the missing symbol.
#pragma once

#include <string>
#include <vector>

#include "ehub/export.hpp"

namespace ehub::lp {

/// What ehub found when it looked for libhighs.
struct HighsLibraryInfo {
  bool available = false;             ///< a compatible library is loaded
  std::string path;                   ///< the file loaded (empty when none)
  std::string version;                ///< "1.15.1" as the library reports it (empty when none answered)
  std::string reason;                 ///< why not available: what was refused, where ehub looked
  std::vector<std::string> searched;  ///< every candidate tried, in order, each "path: outcome"
};

/// The library the "highs" backend uses: searched on the first call, the result kept for the life
/// of the process (a failed search is repeated after set_highs_python_dirs()). Thread-safe.
EHUB_EXPORT HighsLibraryInfo highs_library();

/// Tries one file as libhighs without keeping it as the backend's library (for diagnostics and
/// tests): available, its version, or why it is refused (cannot be opened, a missing symbol, an
/// incompatible version). A library that was opened stays mapped.
EHUB_EXPORT HighsLibraryInfo probe_highs_library(const std::string& path);

/// Directories of the hosting Python interpreter in which to look for libhighs (the packages'
/// directories and site-packages); the Python module calls it at import. Thread-safe.
EHUB_EXPORT void set_highs_python_dirs(std::vector<std::string> dirs);

}  // namespace ehub::lp
