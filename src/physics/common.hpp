// Private helpers of the physics layer: angle conversions, number formatting for error messages,
// argument checks.
#pragma once

#include <Eigen/Core>
#include <cmath>
#include <numbers>
#include <string>
#include <string_view>

#include "ehub/core/error.hpp"
#include "ehub/physics/broadcast.hpp"

namespace ehub::physics::detail {

inline constexpr double kPi = std::numbers::pi;
inline constexpr double kDegToRad = std::numbers::pi / 180.0;
inline constexpr double kRadToDeg = 180.0 / std::numbers::pi;

inline double sind(double deg) { return std::sin(deg * kDegToRad); }
inline double cosd(double deg) { return std::cos(deg * kDegToRad); }

/// Shortest round-trip text of a number ("nan", "-3.5", "1e+20").
std::string format_number(double v);

/// InputError for argument `name` at index `i` (no index when i < 0).
[[noreturn]] void throw_bad_value(std::string_view name, Eigen::Index i, std::string_view what, double got,
                                  std::string_view hint = {});

/// InputError for a scalar argument that fails a check.
[[noreturn]] void throw_bad_scalar(std::string_view name, std::string_view what, double got);

/// Scalar checks.
inline void check_scalar_finite(std::string_view name, double v) {
  if (!std::isfinite(v)) throw_bad_scalar(name, "must be finite", v);
}
inline void check_scalar_range(std::string_view name, double v, double lo, double hi) {
  if (!(v >= lo && v <= hi)) {
    std::string what = "must be in [";
    what += format_number(lo);
    what += ", ";
    what += format_number(hi);
    what += "]";
    throw_bad_scalar(name, what, v);
  }
}
inline void check_scalar_greater(std::string_view name, double v, double bound) {
  if (!(v > bound) || !std::isfinite(v)) {
    std::string what = "must be finite and > ";
    what += format_number(bound);
    throw_bad_scalar(name, what, v);
  }
}
inline void check_scalar_at_least(std::string_view name, double v, double bound) {
  if (!(v >= bound) || !std::isfinite(v)) {
    std::string what = "must be finite and >= ";
    what += format_number(bound);
    throw_bad_scalar(name, what, v);
  }
}

/// Hint appended to negative-irradiance errors.
inline constexpr std::string_view kIrradianceHint =
    " (clean measured irradiance first, e.g. with ehub::physics::clean_irradiance)";

}  // namespace ehub::physics::detail
