// Writing text files atomically: the text goes to a temporary file next to the target, which is
// then renamed over it, so a crash or an error never leaves a half-written file behind.
#pragma once

#include <string>
#include <string_view>

#include "ehub/export.hpp"

namespace ehub::io {

/// Writes `text` to `path` through a temporary file in the same folder and a rename. Throws
/// InputError naming the path when the folder cannot be written or the path is a directory.
EHUB_EXPORT void write_text_file_atomically(const std::string& path, std::string_view text);

}  // namespace ehub::io
