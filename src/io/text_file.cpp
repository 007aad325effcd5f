// Reading text inputs with a size bound, and the output side shared by every writer of ehub:
// output paths checked before any work, symlinks resolved, devices and pipes written through,
// regular files replaced atomically through a uniquely named temporary file.
#include "ehub/io/text_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <random>
#include <string>
#include <thread>

#include "ehub/core/error.hpp"

namespace ehub::io {
namespace {
namespace fs = std::filesystem;

std::string errno_text(int err) { return std::strerror(err); }

// Writes all of `data` to `fd`; returns 0 or the errno of the failure.
int write_all(int fd, std::string_view data) {
  const char* p = data.data();
  std::size_t left = data.size();
  while (left > 0) {
    const ssize_t n = ::write(fd, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    p += n;
    left -= static_cast<std::size_t>(n);
  }
  return 0;
}

std::atomic<unsigned long> g_counter{0};

// A fresh random-looking suffix: pid, a process-wide counter and random bits, so neither a
// leftover of an earlier run with the same pid nor another thread can collide for long.
std::string temp_suffix() {
  static thread_local std::mt19937_64 rng(std::random_device{}() ^
                                          std::hash<std::thread::id>{}(std::this_thread::get_id()) ^
                                          static_cast<std::uint64_t>(
                                              std::chrono::steady_clock::now().time_since_epoch().count()));
  char buf[64];
  std::snprintf(buf, sizeof buf, ".tmp-%ld-%lu-%08llx", static_cast<long>(::getpid()), g_counter++,
                static_cast<unsigned long long>(rng() & 0xffffffffULL));
  return buf;
}

const char* special_kind(const fs::file_status& st) {
  switch (st.type()) {
    case fs::file_type::block: return "a block device";
    case fs::file_type::socket: return "a socket";
    case fs::file_type::directory: return "a directory";
    default: return "a special file";
  }
}

}  // namespace

std::string read_text_file(const std::string& path, std::size_t max_bytes) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) throw InputError(path, "", "cannot open: is a directory");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path, "", std::string("cannot open: ") + std::strerror(errno));
  std::string text;
  const auto size = fs::is_regular_file(path, ec) ? fs::file_size(path, ec) : 0;
  if (!ec && size > max_bytes)
    throw InputError(path, "", "the file has " + std::to_string(size) + " bytes, more than the " +
                                   std::to_string(max_bytes) + " a text input may have");
  if (!ec && size > 0) text.reserve(static_cast<std::size_t>(size));
  constexpr std::size_t kChunk = std::size_t{1} << 16;
  std::string chunk(kChunk, '\0');
  while (in) {
    in.read(chunk.data(), static_cast<std::streamsize>(kChunk));
    const auto got = static_cast<std::size_t>(in.gcount());
    if (text.size() + got > max_bytes)
      throw InputError(path, "", "more than " + std::to_string(max_bytes) +
                                     " bytes (a text input may have no more; an endless device such as /dev/zero?)");
    text.append(chunk.data(), got);
  }
  if (in.bad()) throw InputError(path, "", "cannot read the file");
  return text;
}

OutputTarget resolve_output_path(const std::string& path) {
  if (path.empty()) throw InputError("", "", "an output path must not be empty");
  OutputTarget t;
  t.requested = path;
  if (path == "-") {
    t.kind = OutputTarget::Kind::stdout_stream;
    t.path = path;  // (not = "-": GCC 12 reports a false -Wrestrict on that at -O3)
    return t;
  }
  // Follow a chain of symlinks (relative targets are relative to the link's folder); a dangling
  // last link names the file to create.
  fs::path p(path);
  std::error_code ec;
  for (int hops = 0;; ++hops) {
    const fs::file_status ls = fs::symlink_status(p, ec);
    if (ec || ls.type() != fs::file_type::symlink) break;
    if (hops >= 40) throw InputError(path, "", "cannot write: too many levels of symbolic links");
    const fs::path link = fs::read_symlink(p, ec);
    if (ec) throw InputError(path, "", "cannot write: cannot read the symbolic link: " + ec.message());
    p = link.is_absolute() ? link : p.parent_path() / link;
  }
  t.path = p.string();
  const fs::file_status st = fs::status(p, ec);
  if (!ec && fs::exists(st)) {
    switch (st.type()) {
      case fs::file_type::regular: t.kind = OutputTarget::Kind::file; break;
      case fs::file_type::character:
      case fs::file_type::fifo: t.kind = OutputTarget::Kind::stream; break;
      default:
        throw InputError(path, "", std::string("cannot write: is ") + special_kind(st) +
                                       " (ehub writes regular files, character devices, pipes and - for stdout)");
    }
  }
  if (t.kind == OutputTarget::Kind::file) {
    fs::path parent = p.parent_path();
    if (parent.empty()) parent = ".";
    const fs::file_status ps = fs::status(parent, ec);
    if (ec || !fs::exists(ps))
      throw InputError(path, "", "cannot write: directory \"" + parent.string() + "\" does not exist");
    if (!fs::is_directory(ps)) throw InputError(path, "", "cannot write: \"" + parent.string() + "\" is not a directory");
    t.dir = parent.string();
  }
  return t;
}

std::string create_temp_file(const OutputTarget& target) {
  if (target.kind != OutputTarget::Kind::file)
    throw InputError(target.requested, "", "a temporary file is only made for a regular file target");
  for (int attempt = 0; attempt < 100; ++attempt) {
    const std::string tmp = target.path + temp_suffix();
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd >= 0) {
      ::close(fd);
      return tmp;
    }
    if (errno != EEXIST)
      throw InputError(target.requested, "",
                       "cannot write in directory \"" + target.dir + "\": " + errno_text(errno));
  }
  throw InputError(target.requested, "", "cannot create a temporary file next to it (100 names taken)");
}

void check_output_path(const std::string& path) {
  const OutputTarget t = resolve_output_path(path);
  if (t.kind != OutputTarget::Kind::file) return;
  // The only reliable test of "can this folder be written" (read-only mounts, /proc, ACLs): make
  // and remove a temporary file there.
  const std::string tmp = create_temp_file(t);
  ::unlink(tmp.c_str());
}

void write_stream(const OutputTarget& target, std::string_view data) {
  if (target.kind == OutputTarget::Kind::stdout_stream) {
    std::fflush(stdout);
    if (const int err = write_all(STDOUT_FILENO, data); err != 0)
      throw InputError(target.requested, "", "cannot write to stdout: " + errno_text(err));
    return;
  }
  const int fd = ::open(target.path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) throw InputError(target.requested, "", "cannot open for writing: " + errno_text(errno));
  const int err = write_all(fd, data);
  ::close(fd);
  if (err != 0) throw InputError(target.requested, "", "cannot write: " + errno_text(err));
}

void write_text_file_atomically(const std::string& path, std::string_view text) {
  const OutputTarget t = resolve_output_path(path);
  if (t.kind != OutputTarget::Kind::file) {
    write_stream(t, text);
    return;
  }
  const std::string tmp = create_temp_file(t);
  const auto fail = [&](const std::string& detail) {
    ::unlink(tmp.c_str());
    throw InputError(path, "", detail);
  };
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC);
  if (fd < 0) fail("cannot write: " + errno_text(errno));
  int err = write_all(fd, text);
  if (err == 0 && ::fsync(fd) != 0 && errno != EINVAL) err = errno;
  // An existing file keeps its permissions; a new one gets 0666 minus the umask (as open made it).
  struct stat old {};
  if (err == 0 && ::stat(t.path.c_str(), &old) == 0) (void)::fchmod(fd, old.st_mode & 07777);
  if (::close(fd) != 0 && err == 0) err = errno;
  if (err != 0) fail("cannot write: " + errno_text(err));
  if (::rename(tmp.c_str(), t.path.c_str()) != 0) fail("cannot write: " + errno_text(errno));
}

}  // namespace ehub::io
