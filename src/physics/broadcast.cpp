// Broadcast inputs: length agreement and value checks that name the argument and the index.
#include "ehub/core/format.hpp"
#include "ehub/physics/broadcast.hpp"

#include <charconv>
#include <cmath>
#include <string>

#include "common.hpp"
#include "ehub/core/error.hpp"

namespace ehub::physics {
namespace detail {

std::string format_number(double v) { return ehub::format_number(v); }

void throw_bad_value(std::string_view name, Eigen::Index i, std::string_view what, double got, std::string_view hint) {
  std::string path(name);
  if (i >= 0) {
    path += '[';
    path += std::to_string(i);
    path += ']';
  }
  std::string detail(what);
  detail += ", got ";
  detail += format_number(got);
  detail += hint;
  throw InputError("", path, detail);
}

void throw_bad_scalar(std::string_view name, std::string_view what, double got) {
  throw_bad_value(name, -1, what, got);
}

}  // namespace detail

Eigen::Index common_size(std::initializer_list<NamedInput> inputs) {
  Eigen::Index n = -1;
  std::string_view first;
  for (const auto& in : inputs) {
    const Eigen::Index s = in.values.size();
    if (s < 0) continue;
    if (n < 0) {
      n = s;
      first = in.name;
    } else if (s != n) {
      std::string detail = "has ";
      detail += std::to_string(s);
      detail += " values but ";
      detail += first;
      detail += " has ";
      detail += std::to_string(n);
      throw InputError("", std::string(in.name), detail);
    }
  }
  return n < 0 ? 1 : n;
}

namespace {
template <class Ok>
void check_all(std::string_view name, const Broadcast& v, Ok ok, std::string_view what, std::string_view hint = {}) {
  const Eigen::Index n = v.is_scalar() ? 1 : v.size();
  for (Eigen::Index i = 0; i < n; ++i) {
    const double x = v[i];
    if (!ok(x)) detail::throw_bad_value(name, v.is_scalar() ? -1 : i, what, x, hint);
  }
}
}  // namespace

void require_finite(std::string_view name, const Broadcast& values) {
  check_all(
      name, values, [](double x) { return std::isfinite(x); }, "must be finite");
}

void require_at_least(std::string_view name, const Broadcast& values, double minimum, std::string_view hint) {
  std::string what = "must be finite and >= ";
  what += detail::format_number(minimum);
  check_all(
      name, values, [minimum](double x) { return std::isfinite(x) && x >= minimum; }, what, hint);
}

void require_in_range(std::string_view name, const Broadcast& values, double lo, double hi) {
  std::string what = "must be in [";
  what += detail::format_number(lo);
  what += ", ";
  what += detail::format_number(hi);
  what += "]";
  check_all(
      name, values, [lo, hi](double x) { return x >= lo && x <= hi; }, what);
}

void require_greater(std::string_view name, const Broadcast& values, double bound) {
  std::string what = "must be finite and > ";
  what += detail::format_number(bound);
  check_all(
      name, values, [bound](double x) { return std::isfinite(x) && x > bound; }, what);
}

}  // namespace ehub::physics
