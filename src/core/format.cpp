// The number formatter (core/format.hpp).
#include "ehub/core/format.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <cstdio>

namespace ehub {

namespace {
const char* non_finite(double v) { return std::isnan(v) ? "NaN" : v > 0 ? "inf" : "-inf"; }
}  // namespace

std::string format_number(double value) {
  if (!std::isfinite(value)) return non_finite(value);
  std::array<char, 64> buf{};
  const auto res = std::to_chars(buf.data(), buf.data() + buf.size(), value);
  return std::string(buf.data(), res.ptr);
}

std::string format_number(double value, int significant_digits) {
  if (!std::isfinite(value)) return non_finite(value);
  std::array<char, 64> buf{};
  std::snprintf(buf.data(), buf.size(), "%.*g", significant_digits, value);
  return buf.data();
}

}  // namespace ehub
