// Time-series CSV reader: a header row, a timestamp column (ISO-8601 or unix seconds) and numeric
// columns; missing values and -999-style sentinels are reported, bad rows rejected by line number.
#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ehub/core/series.hpp"
#include "ehub/core/time_grid.hpp"
#include "ehub/export.hpp"

namespace ehub::io {

/// How the timestamp column is read.
enum class TimestampFormat : std::uint8_t {
  auto_detect = 0,   ///< unix seconds when the first data row's timestamp is an integer, else ISO-8601
  iso8601 = 1,       ///< ISO-8601 (see ehub::parse_iso8601); naive times use the default offset
  unix_seconds = 2,  ///< integer seconds since 1970-01-01T00:00:00Z
};

/// What happens to a missing value (an empty field, "NA", "NaN", ... or a sentinel such as -999).
enum class MissingPolicy : std::uint8_t {
  report = 0,  ///< the value becomes NaN and is listed in CsvSeriesTable::missing
  error = 1,   ///< InputError at the line of the first missing value
};

/// Options of read_timeseries_csv. The defaults read a comma-separated file whose first column
/// holds UTC (or offset-qualified) ISO-8601 timestamps or unix seconds.
struct EHUB_EXPORT CsvOptions {
  /// Name of the timestamp column; empty: the first column.
  std::string time_column;
  /// Field separator: ',' (default), ';', '\t', ...; never '"' or a line break.
  char delimiter = ',';
  /// Lines whose first character is this one are skipped ('\0': none).
  char comment_char = '#';
  /// How to read timestamps.
  TimestampFormat timestamp_format = TimestampFormat::auto_detect;
  /// UTC offset in minutes east of UTC applied to ISO timestamps that carry none (480 = +08:00).
  int default_utc_offset_minutes = 0;
  /// Values that mean "no measurement" (compared exactly after parsing: "-999.0" matches -999).
  std::vector<double> sentinels = {-999.0, -9999.0, -9900.0};
  /// Field texts that mean "missing" (compared after trimming blanks).
  std::vector<std::string> missing_markers = {"", "NA", "N/A", "NaN", "nan", "null"};
  /// What a missing value does.
  MissingPolicy missing_policy = MissingPolicy::report;

  /// Throws InputError (path = the field name) when an option is unusable.
  void validate() const;
};

/// One missing value found in the file.
struct MissingValue {
  std::string column;     ///< name of the column
  std::int64_t line = 0;  ///< 1-based line in the file (the header is line 1)
  std::string raw_text;   ///< the field as written ("", "-999", "NA", ...)
};

/// The content of a time-series CSV: one timestamp per row and one value vector per column.
struct EHUB_EXPORT CsvSeriesTable {
  /// File name (or the source name given to read_timeseries_csv_string), used in errors.
  std::string source;
  /// Timestamp of each data row, unix seconds, strictly increasing.
  std::vector<std::int64_t> time_unix_s;
  /// Names of the value columns, in file order (the time column excluded).
  std::vector<std::string> columns;
  /// values[c][r]: column c, data row r; NaN where a value is missing.
  std::vector<Eigen::VectorXd> values;
  /// Every missing value, in file order (empty with MissingPolicy::error).
  std::vector<MissingValue> missing;
  /// 1-based file line of each data row (for messages about rows found later).
  std::vector<std::int64_t> lines;

  /// Number of data rows.
  std::int64_t rows() const noexcept { return static_cast<std::int64_t>(time_unix_s.size()); }
  /// The regular time grid of the rows when there are at least two, the spacing is constant and
  /// a supported step (5, 15, 30, 60 minutes) and the first timestamp falls on a whole minute.
  std::optional<TimeGrid> grid() const;
  /// Index of `column` in `columns`; throws InputError naming the available columns.
  std::size_t column_index(std::string_view column) const;
  /// Column `column` as a Series on grid() (missing values stay NaN). Throws InputError when the
  /// column does not exist or the timestamps are not a regular grid.
  Series series(const std::string& column, SeriesKind kind = SeriesKind::power) const;
};

/// Reads a time-series CSV file. Throws InputError(path, "line N", ...) for a bad timestamp,
/// a timestamp not after the previous one, a row with the wrong number of fields, a field that is
/// not a number, and InputError(path, "", ...) for an unreadable or empty file.
EHUB_EXPORT CsvSeriesTable read_timeseries_csv(const std::string& path, const CsvOptions& options = {});

/// Reads time-series CSV text held in memory; `source_name` stands in for the file name in errors.
EHUB_EXPORT CsvSeriesTable read_timeseries_csv_string(std::string_view text, const std::string& source_name,
                                                      const CsvOptions& options = {});

}  // namespace ehub::io
