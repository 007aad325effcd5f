// Time series of meter readings in the store: columnar batches for bulk append, range results and
// aggregations pushed down to the database (sum / mean / min / max per interval, per point or tag).
#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "ehub/core/series.hpp"
#include "ehub/core/enum_names.hpp"
#include "ehub/export.hpp"

namespace ehub::store {

/// Quality flag of a reading (validation, estimation and editing status). Numbers are stored in
/// the database: append-only.
enum class Quality : std::uint8_t {
  good = 0,       ///< as measured
  estimated = 1,  ///< filled by estimation (cleaning)
  edited = 2,     ///< corrected by hand
  suspect = 3,    ///< failed a validation rule, kept as measured
  missing = 4,    ///< no value (the value is NaN)
  rejected = 5,   ///< failed a validation rule and was removed (the value is NaN)
};
/// "good", "estimated", "edited", "suspect", "missing", "rejected".
/// The quality flags' names.
inline constexpr EnumName<Quality> kQualityNames[] = {
    {Quality::good, "good"},       {Quality::estimated, "estimated"}, {Quality::edited, "edited"},
    {Quality::suspect, "suspect"}, {Quality::missing, "missing"},     {Quality::rejected, "rejected"}};
EHUB_EXPORT std::string_view to_string(Quality q) noexcept;
/// Inverse of to_string (also accepts the number as text); throws InputError.
EHUB_EXPORT Quality quality_from_string(std::string_view name);

/// Readings of one or more points, column by column (row i is point_id[i], t_unix_s[i], ...).
/// NaN values are stored as SQL NULL and come back as NaN.
struct ReadingBatch {
  std::vector<std::int64_t> point_id{};   ///< store ids (Store::point_id(name) gives them)
  std::vector<std::int64_t> t_unix_s{};   ///< reading time, unix seconds (UTC)
  std::vector<double> value{};            ///< value in the point's unit, before its multiplier
  std::vector<std::uint8_t> quality{};    ///< Quality as a number; may be empty (all good)

  /// Number of readings.
  std::size_t size() const noexcept { return t_unix_s.size(); }
  /// Reserves room for n readings in every column.
  void reserve(std::size_t n);
  /// Appends one reading.
  void push_back(std::int64_t point, std::int64_t t_unix_s, double value, Quality q = Quality::good);
};

/// What to do with a reading whose (point, time) is already stored with another value or flag.
enum class OnDuplicate : std::uint8_t {
  reject = 0,   ///< the whole batch is refused (nothing written), the error names the row
  replace = 1,  ///< the stored reading is replaced and the change goes to the audit log
};

/// Options of Store::append_readings.
struct AppendOptions {
  OnDuplicate on_duplicate = OnDuplicate::reject;
  std::string source = "append";  ///< why the rows changed, recorded in the audit log ("import", "cleaning")
};

/// Readings of one point in a time range, ordered by time.
struct Readings {
  std::string point{};                    ///< point name
  std::vector<std::int64_t> t_unix_s{};
  Eigen::VectorXd value;                ///< engineering values (stored value x multiplier unless raw)
  std::vector<std::uint8_t> quality{};

  /// Number of readings.
  std::size_t size() const noexcept { return t_unix_s.size(); }
  /// The readings as a Series on `grid`: each step takes the reading stamped at its start, NaN
  /// where none is stored. Throws InputError when a reading does not fall on a step start.
  Series to_series(const TimeGrid& grid, SeriesKind kind = SeriesKind::power) const;
};

/// Aggregation function pushed down to the database.
enum class Aggregate : std::uint8_t { sum = 0, mean = 1, min = 2, max = 3, count = 4 };
/// "sum", "mean", "min", "max", "count".
/// The aggregates' names.
inline constexpr EnumName<Aggregate> kAggregateNames[] = {{Aggregate::sum, "sum"}, {Aggregate::mean, "mean"},
                                                          {Aggregate::min, "min"}, {Aggregate::max, "max"},
                                                          {Aggregate::count, "count"}};
EHUB_EXPORT std::string_view to_string(Aggregate a) noexcept;
/// Inverse of to_string; throws InputError.
EHUB_EXPORT Aggregate aggregate_from_string(std::string_view name);

/// An aggregation over [start_unix_s, end_unix_s) in buckets of interval_s seconds aligned to
/// start_unix_s, grouped by point or by the value of one tag.
struct AggregateQuery {
  std::vector<std::string> points{};      ///< the points to aggregate; empty = every point visible
  std::map<std::string, std::string> where_tags{};  ///< only points carrying all these tag values
  std::string group_by_tag{};             ///< "" groups by point; "item" groups by the item tag's value
  std::int64_t start_unix_s = 0;
  std::int64_t end_unix_s = 0;
  std::int64_t interval_s = 3600;
  Aggregate function = Aggregate::sum;
  bool raw = false;                     ///< true: stored values, without the points' multipliers
  bool skip_flagged = false;            ///< true: suspect, missing and rejected readings are left out
};

/// Result of an aggregation: one row per group, one column per bucket (NaN where no reading).
struct Aggregates {
  std::vector<std::string> groups{};      ///< point names or tag values, sorted
  std::int64_t start_unix_s = 0;
  std::int64_t interval_s = 3600;
  Eigen::MatrixXd values;               ///< groups x buckets
  Eigen::MatrixXd counts;               ///< readings per cell
};

}  // namespace ehub::store
