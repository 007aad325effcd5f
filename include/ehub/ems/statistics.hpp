// Load statistics of a point (peak, base load, load factor, night and weekend shares, data
// completeness) and totals per calendar period in the park's local time, with year-on-year and
// period-on-period changes.
#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <string_view>
#include <vector>

#include "ehub/ems/meter_data.hpp"
#include "ehub/export.hpp"

namespace ehub::ems {

/// Options of load_statistics and period_totals.
struct StatisticsOptions {
  int utc_offset_minutes = 0;   ///< the park's local time
  int night_start_hour = 22;    ///< night is [start, end) in local hours, wrapping midnight
  int night_end_hour = 6;
  double base_percentile = 0.05;  ///< base load = this quantile of the power values (linear interpolation)
};

/// Figures of a power series (kW) over its grid. NaN values are left out of every figure.
struct LoadStatistics {
  double energy_kwh = 0;         ///< sum of value x step hours
  double mean_kw = 0;            ///< mean of the values
  double peak_kw = 0;            ///< largest value
  std::int64_t peak_unix_s = 0;  ///< start of the step with the peak (the first, if several)
  double min_kw = 0;             ///< smallest value
  double base_kw = 0;            ///< base_percentile quantile of the values
  double load_factor = 0;        ///< mean / peak
  double peak_to_valley = 0;     ///< peak / min (NaN when min <= 0)
  double night_share = 0;        ///< energy in night hours / energy
  double weekend_share = 0;      ///< energy on local Saturdays and Sundays / energy
  double completeness = 0;       ///< steps with a value / steps
  double good_share = 0;         ///< steps flagged good / steps
  std::int64_t steps = 0;
};

/// Load statistics of `power_kw`. Throws InputError naming the point when it has no value at all.
EHUB_EXPORT LoadStatistics load_statistics(const IntervalData& power_kw, const StatisticsOptions& options = {});

/// Calendar periods in local time.
enum class Period : std::uint8_t { hour = 0, day = 1, week = 2, month = 3, year = 4, quarter_hour = 5 };
/// "hour", "day", "week", "month", "year", "quarter_hour".
EHUB_EXPORT std::string_view to_string(Period p) noexcept;
/// Inverse of to_string; throws InputError.
EHUB_EXPORT Period period_from_string(std::string_view name);

/// Totals per period (weeks start on Monday).
struct PeriodTotals {
  Period period = Period::day;
  std::vector<std::int64_t> start_unix_s{};  ///< start of each period (local midnight, 1st of the month, ...)
  std::vector<double> energy_kwh{};          ///< energy of the steps with a value
  std::vector<double> peak_kw{};             ///< largest value (NaN when none)
  std::vector<double> completeness{};        ///< steps with a value / steps of the period inside the grid
};

/// Totals of a power series (kW) per local calendar period; a period the grid covers only in part
/// has its completeness below 1 for the part outside too.
EHUB_EXPORT PeriodTotals period_totals(const IntervalData& power_kw, Period period, const StatisticsOptions& options = {});

/// Relative change of each period against the one `lag` periods earlier: x[i] / x[i - lag] - 1
/// (NaN for the first `lag` periods and where the earlier value is 0 or NaN). Month-on-month is
/// lag 1 of monthly totals, year-on-year lag 12 (or lag 1 of yearly totals).
EHUB_EXPORT std::vector<double> change_ratio(const std::vector<double>& x, std::size_t lag);

/// Energy (kWh) of a power series per class of local hour: `hour_labels[h]` names the class of
/// hour h (0..23), such as the tariff's time-of-use periods (分时: "peak", "flat", "valley") or the
/// shifts ("night", "day", "evening"). Returns (label, kWh) in order of first appearance in the
/// labels. Throws InputError unless there are exactly 24 non-empty labels.
EHUB_EXPORT std::vector<std::pair<std::string, double>> energy_by_hour_class(const IntervalData& power_kw,
                                                                            const std::vector<std::string>& hour_labels,
                                                                            int utc_offset_minutes = 0);

/// Totals of groups rolled up a hierarchy (分项 / 分区: "chillers" and "ahu" under "hvac", "hvac"
/// under "building"): `parent_of[child] = parent`. Each node's row is its own value plus those of
/// all its descendants (NaN cells count as 0 unless every contribution is NaN). Nodes that appear
/// only as parents get rows too. Returns the node names (sorted) and their rows. Throws
/// InputError for a cycle, naming it.
EHUB_EXPORT std::pair<std::vector<std::string>, Eigen::MatrixXd> roll_up(const std::vector<std::string>& groups,
                                                                         const Eigen::MatrixXd& values,
                                                                         const std::map<std::string, std::string>& parent_of);

}  // namespace ehub::ems
