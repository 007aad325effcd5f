// Error types: formats messages as "[id] file: path: detail".
#include "ehub/core/error.hpp"

namespace ehub {
namespace {
// Length of the valid UTF-8 sequence starting at s[i], or 0 when the bytes there are not one.
std::size_t utf8_sequence(const std::string& s, std::size_t i) {
  const auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = b(i);
  if (c < 0x80) return 1;
  std::size_t n = 0;
  unsigned lo = 0x80, hi = 0xBF;  // allowed range of the second byte (no overlongs, no surrogates)
  if (c >= 0xC2 && c <= 0xDF) n = 2;
  else if (c >= 0xE0 && c <= 0xEF) n = 3, lo = c == 0xE0 ? 0xA0 : 0x80, hi = c == 0xED ? 0x9F : 0xBF;
  else if (c >= 0xF0 && c <= 0xF4) n = 4, lo = c == 0xF0 ? 0x90 : 0x80, hi = c == 0xF4 ? 0x8F : 0xBF;
  else return 0;
  if (i + n > s.size()) return 0;
  if (b(i + 1) < lo || b(i + 1) > hi) return 0;
  for (std::size_t k = 2; k < n; ++k)
    if (b(i + k) < 0x80 || b(i + k) > 0xBF) return 0;
  return n;
}
}  // namespace

std::string printable_utf8(std::string s) {
  std::string out;
  std::size_t i = 0;
  bool clean = true;
  for (; i < s.size(); ++i) {
    const std::size_t n = utf8_sequence(s, i);
    if (n == 0 || s[i] == '\0') {
      clean = false;
      break;
    }
    i += n - 1;
  }
  if (clean) return s;
  out.reserve(s.size() + 16);
  out.append(s, 0, i);
  static const char* hex = "0123456789ABCDEF";
  while (i < s.size()) {
    const std::size_t n = s[i] == '\0' ? 0 : utf8_sequence(s, i);
    if (n == 0) {
      const auto c = static_cast<unsigned char>(s[i]);
      out += "\\x";
      out += hex[c >> 4];
      out += hex[c & 15];
      ++i;
    } else {
      out.append(s, i, n);
      i += n;
    }
  }
  return out;
}

namespace {
std::string format_input(const std::string& file, const std::string& path, const std::string& detail) {
  // Appended piece by piece: GCC 12 reports a false -Wrestrict on chained operator+ at -O2.
  std::string s;
  s.reserve(16 + file.size() + path.size() + detail.size());
  s.append("[ehub.input] ");
  if (!file.empty()) s.append(file).append(": ");
  if (!path.empty()) s.append(path).append(": ");
  s.append(detail);
  return s;
}
}  // namespace

Error::Error(std::string id, const std::string& what) : std::runtime_error(printable_utf8(what)), id_(std::move(id)) {}

InputError::InputError(std::string file, std::string path, std::string detail)
    : Error("ehub.input", format_input(file, path, detail)),
      file_(printable_utf8(std::move(file))), path_(printable_utf8(std::move(path))),
      detail_(printable_utf8(std::move(detail))) {}

SolverError::SolverError(std::string backend, const std::string& detail)
    : Error("ehub.solver", std::string("[ehub.solver] ").append(backend).append(": ").append(detail)),
      backend_(std::move(backend)) {}

}  // namespace ehub
