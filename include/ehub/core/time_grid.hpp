// TimeGrid: the regular UTC time axis every series, schedule and result of ehub is aligned to,
// with ISO-8601 / unix-second conversions and local-calendar helpers for a fixed UTC offset.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "ehub/export.hpp"

namespace ehub {

/// Parses an ISO-8601 timestamp into unix seconds (UTC). Accepts `YYYY-MM-DD`,
/// `YYYY-MM-DDTHH:MM[:SS[.fff]]` (a space instead of `T` too) followed by `Z`, `+HH:MM`,
/// `+HHMM`, `+HH` or nothing; a timestamp without offset is read at `default_offset_minutes`
/// east of UTC (0: UTC). Throws InputError (path "") on a malformed or impossible timestamp.
EHUB_EXPORT std::int64_t parse_iso8601(std::string_view text, int default_offset_minutes = 0);

/// Formats unix seconds as `YYYY-MM-DDTHH:MM:SSZ` (offset 0) or `...+08:00` (offset in minutes).
EHUB_EXPORT std::string format_iso8601(std::int64_t unix_s, int utc_offset_minutes = 0);

/// A calendar reading of an instant in a fixed UTC offset (no daylight-saving rules).
struct LocalTime {
  int year = 1970;
  int month = 1;        ///< 1..12
  int day = 1;          ///< 1..31
  int hour = 0;         ///< 0..23
  int minute = 0;       ///< 0..59
  int second = 0;       ///< 0..59
  int weekday = 3;      ///< 0 = Monday ... 6 = Sunday (1970-01-01 was a Thursday)
  int day_of_year = 1;  ///< 1..366
};

/// Calendar fields of `unix_s` seen at `utc_offset_minutes` east of UTC (e.g. 480 for +08:00).
EHUB_EXPORT LocalTime to_local(std::int64_t unix_s, int utc_offset_minutes);

/// True for a Gregorian leap year.
EHUB_EXPORT bool is_leap(int year);
/// Days of `month` (1..12) of `year` in the Gregorian calendar (29 for February of a leap year).
EHUB_EXPORT int days_in_month(int year, int month);

/// Unix seconds of a civil date-time given at `utc_offset_minutes` east of UTC. Throws
/// InputError on an impossible date (month 13, 30 February, ...).
EHUB_EXPORT std::int64_t from_local(int year, int month, int day, int hour, int minute, int second,
                                    int utc_offset_minutes);

/// A regular time axis: `count` steps of `step_minutes` (5, 15, 30 or 60; 1 for meter data, which
/// scenarios and files do not take) starting at `start_unix_s` (UTC, aligned to a whole minute).
/// Step i covers [time(i), time(i) + step).
class EHUB_EXPORT TimeGrid {
 public:
  /// An empty hourly grid starting at the unix epoch.
  TimeGrid() = default;
  /// Validates and creates a grid; throws InputError naming the bad argument.
  TimeGrid(std::int64_t start_unix_s, int step_minutes, std::int64_t count);
  /// Grid starting at an ISO-8601 timestamp (see parse_iso8601).
  static TimeGrid from_iso(std::string_view start_iso, int step_minutes, std::int64_t count);

  /// Start of the first step, unix seconds (UTC).
  std::int64_t start_unix_s() const noexcept { return start_unix_s_; }
  /// Length of one step in minutes (1, 5, 15, 30 or 60).
  int step_minutes() const noexcept { return step_minutes_; }
  /// Length of one step in seconds.
  std::int64_t step_s() const noexcept { return std::int64_t{step_minutes_} * 60; }
  /// Length of one step in hours (kWh = kW x step_hours()).
  double step_hours() const noexcept { return step_minutes_ / 60.0; }
  /// Number of steps.
  std::int64_t size() const noexcept { return count_; }
  /// End of the last step (exclusive), unix seconds.
  std::int64_t end_unix_s() const noexcept { return start_unix_s_ + count_ * step_s(); }
  /// Start of step `i` in unix seconds (i may equal size(): the end).
  std::int64_t time_unix_s(std::int64_t i) const noexcept { return start_unix_s_ + i * step_s(); }
  /// Start of step `i` as ISO-8601 in the given UTC offset.
  std::string time_iso(std::int64_t i, int utc_offset_minutes = 0) const;
  /// Index of the step that starts exactly at `unix_s`, if any.
  std::optional<std::int64_t> index_of(std::int64_t unix_s) const noexcept;
  /// Index of the step containing `unix_s`, if the instant lies inside the grid.
  std::optional<std::int64_t> index_containing(std::int64_t unix_s) const noexcept;
  /// `count` steps starting at step `first`; throws InputError when out of range.
  TimeGrid slice(std::int64_t first, std::int64_t count) const;
  /// The same span of time with another step; throws InputError unless both the start and the
  /// total length are whole multiples of the new step.
  TimeGrid with_step(int step_minutes) const;

  friend bool operator==(const TimeGrid&, const TimeGrid&) = default;

 private:
  std::int64_t start_unix_s_ = 0;
  int step_minutes_ = 60;
  std::int64_t count_ = 0;
};

/// True when `step_minutes` is a step scenarios, CSV and HDF5 files take: 5, 15, 30, 60 (TimeGrid
/// itself also takes 1 minute, for meter data).
EHUB_EXPORT bool is_valid_step_minutes(int step_minutes) noexcept;

}  // namespace ehub
