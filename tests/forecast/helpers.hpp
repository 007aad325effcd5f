// Shared helpers of the forecast tests: synthetic hourly histories with known structure.
#pragma once

#include <cmath>
#include <functional>

#include "ehub/core/series.hpp"
#include "ehub/forecast/forecast.hpp"

namespace ehub::forecast::test {

/// `days` hourly values from `start_iso` (UTC unless it carries an offset), value(i) for step i.
inline History make_history(const char* start_iso, int days, const std::function<double(std::int64_t)>& value) {
  const TimeGrid g = TimeGrid::from_iso(start_iso, 60, std::int64_t{days} * 24);
  Eigen::VectorXd v(g.size());
  for (std::int64_t i = 0; i < g.size(); ++i) v[i] = value(i);
  History h;
  h.target = Series(g, v);
  return h;
}

/// A deterministic pseudo-random number in [0, 1) for step i (no global state).
inline double noise(std::int64_t i, std::uint64_t seed = 7) {
  std::uint64_t x = static_cast<std::uint64_t>(i) * 6364136223846793005ULL + seed * 1442695040888963407ULL;
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  return static_cast<double>(x >> 11) / 9007199254740992.0;
}

}  // namespace ehub::forecast::test
