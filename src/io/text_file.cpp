// Atomic text-file writing shared by every writer of ehub.
#include "ehub/io/text_file.hpp"

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <thread>

#include "ehub/core/error.hpp"

namespace ehub::io {

void write_text_file_atomically(const std::string& path, std::string_view text) {
  namespace fs = std::filesystem;
  const fs::path target(path);
  std::error_code ec;
  if (fs::is_directory(target, ec)) throw InputError(path, "", "cannot write: is a directory");
  const auto salt = std::hash<std::thread::id>{}(std::this_thread::get_id()) ^
                    static_cast<std::size_t>(std::chrono::steady_clock::now().time_since_epoch().count());
  fs::path tmp = target;
  tmp += ".tmp-" + std::to_string(salt % 1000000007u);
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw InputError(path, "", std::string("cannot write: ") + std::strerror(errno));
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    out.close();
    if (!out) {
      const int err = errno;
      fs::remove(tmp, ec);
      throw InputError(path, "", std::string("cannot write: ") + std::strerror(err));
    }
  }
  fs::rename(tmp, target, ec);
  if (ec) {
    std::error_code ignored;
    fs::remove(tmp, ignored);
    throw InputError(path, "", "cannot write: " + ec.message());
  }
}

}  // namespace ehub::io
