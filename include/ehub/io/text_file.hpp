// Text inputs with a size bound, and the output side shared by every writer of ehub: output
// paths checked before any work, symlinks followed, character devices, pipes and "-" (stdout)
// written through, and regular files replaced atomically (a temporary file next to the target,
// then a rename), so a crash or an error never leaves a half-written file behind.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "ehub/export.hpp"

namespace ehub::io {

/// Largest file the text readers (JSON, CSV, MPS, holiday calendars) load: 256 MiB. A larger
/// input, or an endless one such as /dev/zero, is an InputError, not an out-of-memory crash.
inline constexpr std::size_t kMaxTextFileBytes = std::size_t{1} << 28;

/// Reads the whole file at `path` (regular files, pipes and character devices alike). Throws
/// InputError(path, "", ...) when it cannot be opened or read, when it is a directory, and when
/// it holds more than `max_bytes` bytes (read in chunks, so an endless device stops there).
EHUB_EXPORT std::string read_text_file(const std::string& path, std::size_t max_bytes = kMaxTextFileBytes);

/// Where an output path really leads (resolve_output_path()).
struct OutputTarget {
  /// How the bytes get there.
  enum class Kind {
    file,           ///< a regular file (existing or new): replaced atomically
    stream,         ///< an existing character device or pipe (/dev/null, a FIFO): written through
    stdout_stream,  ///< "-": the process's standard output
  };
  Kind kind = Kind::file;
  std::string requested;  ///< the path as given (named in errors)
  std::string path;       ///< the path after following symlinks ("-" for stdout)
  std::string dir;        ///< folder of `path` (Kind::file only)
};

/// Resolves an output path: "-" is stdout; symlinks are followed to the file they name (which is
/// replaced, the link kept); an existing character device or pipe is written through; any other
/// special file (block device, socket, directory) and a missing or non-directory parent folder
/// are an InputError naming `path`.
EHUB_EXPORT OutputTarget resolve_output_path(const std::string& path);

/// Checks, before any work is done, that `path` can be written: resolve_output_path() and, for a
/// regular file, creating and removing a temporary file in its folder (read-only folders, /proc).
/// Throws InputError naming `path` and the reason.
EHUB_EXPORT void check_output_path(const std::string& path);

/// Creates a new, empty temporary file next to a Kind::file target with a name no other run or
/// thread uses (`<path>.tmp-<pid>-<n>-<random>`, opened exclusively, retried on a clash) and
/// returns its path. Throws InputError when the folder cannot be written.
EHUB_EXPORT std::string create_temp_file(const OutputTarget& target);

/// Writes `data` to a Kind::stream or Kind::stdout_stream target. Throws InputError on failure.
EHUB_EXPORT void write_stream(const OutputTarget& target, std::string_view data);

/// Writes `text` to `path`: through to a character device, pipe or "-" (stdout); to the file a
/// symlink names; otherwise through a temporary file in the same folder and a rename (an existing
/// file keeps its permissions). Throws InputError naming the path when the folder cannot be
/// written, the path is a directory or another special file, or the write fails; a failed write
/// leaves neither the temporary file nor a partial target behind.
EHUB_EXPORT void write_text_file_atomically(const std::string& path, std::string_view text);

}  // namespace ehub::io
