// Meter data on a regular grid: interval values with a quality flag each, and the conversion of
// cumulative register reads (rollover, meter replacement, irregular times) into interval energy.
#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <string>
#include <vector>

#include "ehub/core/time_grid.hpp"
#include "ehub/export.hpp"
#include "ehub/store/readings.hpp"

namespace ehub::ems {

using store::Quality;

/// Values of one point on a regular grid, each with its quality flag (store::Quality numbers).
/// Missing and rejected values are NaN.
struct IntervalData {
  std::string point{};
  TimeGrid grid{};
  Eigen::VectorXd value{};
  std::vector<std::uint8_t> quality{};

  /// Number of steps.
  std::int64_t size() const noexcept { return grid.size(); }
  /// Throws InputError naming the point when value or quality does not match the grid.
  void validate() const;
};

/// Places readings (times need not be sorted) on `grid`: a reading stamped at a step start fills
/// that step; steps without one are NaN and flagged missing. Throws InputError naming the point and
/// the reading for a time off the grid's step starts or a time given twice.
EHUB_EXPORT IntervalData on_grid(const store::Readings& r, const TimeGrid& grid);

/// A meter replaced between two reads: the old meter's last reading and the new meter's first.
struct MeterReplacement {
  std::int64_t t_unix_s = 0;       ///< when the new meter was installed
  double old_final_reading = 0;    ///< last reading of the old meter
  double new_initial_reading = 0;  ///< first reading of the new meter (often 0)
};

/// Options of register_to_interval.
struct RegisterOptions {
  /// The register's width: it counts up to this value and starts again at 0 (99999.9 for a
  /// five-digit register with one decimal). 0: the register never rolls over.
  double rollover_at = 0;
  /// An increment larger than this between two reads (in register units per hour) is not
  /// plausible: the span is flagged rejected instead of apportioned. Infinite: no limit.
  double max_rate_per_h = 1e300;
  /// Replacements inside the reads' time span.
  std::vector<MeterReplacement> replacements{};
  /// A drop that is neither a rollover nor a listed replacement is a reset to 0: the span's energy
  /// is taken as the new reading r1 (what was counted before the reset in that span is unknown, so
  /// its steps are estimated). False: such a span is rejected.
  bool drop_is_reset = false;
};

/// Interval energy from cumulative register reads (`t_unix_s` strictly increasing): the increment
/// between two consecutive reads is apportioned to the grid's steps in proportion to the time
/// each step overlaps the span (reads need not fall on step starts). An increment below zero is a
/// rollover when `rollover_at` is set (increment + rollover_at), a replacement when one is listed
/// inside the span ((old_final - r0) + (r1 - new_initial)), a reset with `drop_is_reset` (r1),
/// otherwise the span is flagged rejected
/// and its steps left NaN: never a negative energy. Steps covered by one span that is exactly one
/// step long are good; steps filled from a longer span (a gap between reads) are estimated; steps
/// no span covers are missing. Throws InputError naming the point for unsorted or duplicated times.
EHUB_EXPORT IntervalData register_to_interval(const std::string& point, const std::vector<std::int64_t>& t_unix_s,
                                              const Eigen::VectorXd& reading, const TimeGrid& grid,
                                              const RegisterOptions& options = {});

}  // namespace ehub::ems
