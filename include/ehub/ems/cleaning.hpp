// Validation, estimation and editing of interval meter data: sentinels, range, spikes (Hampel and
// rate of change), stuck values, gap filling (linear, then the similar-day profile), every change
// listed with the rule that made it.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "ehub/ems/meter_data.hpp"
#include "ehub/export.hpp"

namespace ehub::ems {

/// The rules of clean(). Each can be switched off; the defaults are a cautious set for 15-min to
/// hourly power or energy data.
struct CleaningRules {
  /// Values that mean "no reading" (exact match): flagged missing, value NaN.
  std::vector<double> sentinels{-999.0, -9999.0, 65535.0};
  /// Range check: a value outside [min_value, max_value] is rejected (NaN).
  double min_value = -std::numeric_limits<double>::infinity();
  double max_value = std::numeric_limits<double>::infinity();
  /// Hampel filter: a value further than hampel_threshold x 1.4826 x MAD from the median of the
  /// 2 x hampel_half_window + 1 values around it is a spike (rejected). 0 switches it off. A window
  /// whose MAD is 0 flags nothing (a flat signal has no scale to judge by).
  int hampel_half_window = 0;
  double hampel_threshold = 3.0;
  /// Rate of change: a value that differs from both neighbours by more than this (in the value's
  /// unit per step), in opposite directions, is a spike (rejected). Infinite switches it off.
  double max_step_change = std::numeric_limits<double>::infinity();
  /// Stuck values: this many or more equal consecutive values are flagged suspect (kept). 0 off.
  int stuck_steps = 0;
  /// Zeros do not count as stuck (a load that is off).
  bool stuck_ignores_zero = true;
  /// Gaps (missing or rejected runs) of at most this many steps are filled linearly between the
  /// values on both sides (flagged estimated). 0: no linear filling.
  int max_linear_gap_steps = 4;
  /// Longer gaps are filled from the similar-day profile: the mean of the values at the same time
  /// of day on the nearest days of the same kind (weekday / Saturday / Sunday) before and after,
  /// up to profile_search_days away (flagged estimated). False: they stay missing.
  bool fill_long_gaps_by_profile = true;
  int profile_search_days = 14;
  /// Offset of the park's local time (day kinds and times of day), minutes east of UTC.
  int utc_offset_minutes = 0;

  /// Throws InputError naming the bad field.
  void validate() const;
};

/// One change clean() made.
struct Edit {
  std::int64_t index = 0;      ///< step of the grid
  std::int64_t t_unix_s = 0;   ///< its start
  double old_value = 0;        ///< NaN when there was none
  double new_value = 0;        ///< NaN when removed
  std::uint8_t old_quality = 0;
  std::uint8_t new_quality = 0;
  std::string rule{};          ///< "sentinel", "range", "hampel", "step_change", "stuck", "linear_fill", "profile_fill"
};

/// What clean() returns: the cleaned data and every change.
struct Cleaned {
  IntervalData data{};
  std::vector<Edit> edits{};
  /// Counts of edits per rule, in the order the rules run.
  std::vector<std::pair<std::string, std::int64_t>> counts() const;
};

/// Applies the rules in order (sentinels, range, Hampel, step change, stuck, linear fill, profile
/// fill) to a copy of `in`. Values already flagged edited are never changed; nothing is changed
/// without an Edit. Throws InputError for invalid rules or data.
EHUB_EXPORT Cleaned clean(const IntervalData& in, const CleaningRules& rules = {});

}  // namespace ehub::ems
