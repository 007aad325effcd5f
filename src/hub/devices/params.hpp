// Private helpers for device parameter parsing: optional checked numbers with defaults.
#pragma once

#include <cmath>
#include <string>
#include <string_view>

#include "ehub/io/json.hpp"

namespace ehub::hub::detail {

/// True when member `key` is present and not null.
inline bool given(const io::JsonReader& r, std::string_view key) { return r.has(key) && !r.at(key).is_null(); }

/// Optional number > 0 with a default.
inline double opt_positive(const io::JsonReader& r, std::string_view key, double def) {
  return given(r, key) ? r.positive_number(key) : def;
}
/// Optional number >= 0 with a default.
inline double opt_non_negative(const io::JsonReader& r, std::string_view key, double def) {
  return given(r, key) ? r.non_negative_number(key) : def;
}
/// Optional number in [lo, hi] with a default.
inline double opt_range(const io::JsonReader& r, std::string_view key, double lo, double hi, double def) {
  return given(r, key) ? r.number_in_range(key, lo, hi) : def;
}
/// Optional number >= 0 or the string "inf"/null meaning unlimited.
inline double opt_limit(const io::JsonReader& r, std::string_view key, double def) {
  if (!given(r, key)) return def;
  const auto& j = r.at(key).json();
  if (j.is_string() && j.get<std::string>() == "inf") return INFINITY;
  return r.non_negative_number(key);
}

}  // namespace ehub::hub::detail
