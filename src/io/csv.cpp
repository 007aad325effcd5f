// Time-series CSV reader. One pass over the text; fields are split in place into reused buffers
// and values written into preallocated columns, so a year of 5-minute data reads without
// per-value allocation.
#include "ehub/io/csv.hpp"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>

#include "ehub/core/error.hpp"
#include "ehub/io/text_file.hpp"

namespace ehub::io {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string in_quotes(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  out += '"';
  out += s;
  out += '"';
  return out;
}

std::string join(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

// Splits one line (without its line break) into `fields`, reusing their storage; returns the
// number of fields. Quoted fields may contain the delimiter and "" for a quote; blanks around
// unquoted fields are dropped.
std::size_t split_line(std::string_view line, char delim, std::vector<std::string>& fields, const std::string& source,
                       std::int64_t line_no) {
  std::size_t n = 0;
  std::size_t pos = 0;
  while (true) {
    if (fields.size() <= n) fields.emplace_back();
    std::string& f = fields[n++];
    f.clear();
    while (pos < line.size() && line[pos] != delim && (line[pos] == ' ' || line[pos] == '\t')) ++pos;
    if (pos < line.size() && line[pos] == '"') {
      ++pos;
      while (true) {
        if (pos >= line.size())
          throw InputError(source, "line " + std::to_string(line_no),
                           "unterminated quoted field (a quoted field must end on the same line)");
        if (line[pos] == '"') {
          if (pos + 1 < line.size() && line[pos + 1] == '"') {
            f += '"';
            pos += 2;
            continue;
          }
          ++pos;
          break;
        }
        f += line[pos++];
      }
      while (pos < line.size() && line[pos] != delim && (line[pos] == ' ' || line[pos] == '\t')) ++pos;
      if (pos < line.size() && line[pos] != delim)
        throw InputError(source, "line " + std::to_string(line_no),
                         "unexpected text after the closing quote of field " + std::to_string(n));
    } else {
      const std::size_t start = pos;
      while (pos < line.size() && line[pos] != delim) ++pos;
      f.assign(trim(line.substr(start, pos - start)));
    }
    if (pos >= line.size()) break;
    ++pos;  // the delimiter
  }
  return n;
}

// 9999-12-31T23:59:59Z: larger "unix seconds" are almost surely milliseconds.
constexpr std::int64_t kMaxUnixS = 253402300799;

bool is_integer_text(std::string_view s) {
  if (!s.empty() && (s.front() == '-' || s.front() == '+')) s.remove_prefix(1);
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Iterates over the physical lines of a text: handles "\n", "\r\n" and a missing final newline.
class LineCursor {
 public:
  explicit LineCursor(std::string_view text) : text_(text) {
    if (text_.size() >= 3 && text_.substr(0, 3) == "\xEF\xBB\xBF") text_.remove_prefix(3);  // UTF-8 BOM
  }
  // Next line into `line`; false at the end of the text.
  bool next(std::string_view& line) {
    if (pos_ >= text_.size()) return false;
    std::size_t end = text_.find('\n', pos_);
    if (end == std::string_view::npos) end = text_.size();
    line = text_.substr(pos_, end - pos_);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    pos_ = end + 1;
    ++line_no_;
    return true;
  }
  std::int64_t line_no() const noexcept { return line_no_; }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
  std::int64_t line_no_ = 0;
};

bool skippable(std::string_view line, char comment_char) {
  const std::string_view t = trim(line);
  return t.empty() || (comment_char != '\0' && line.front() == comment_char);
}

}  // namespace

void CsvOptions::validate() const {
  if (delimiter == '"' || delimiter == '\n' || delimiter == '\r' || delimiter == '\0')
    throw InputError("", "delimiter", "must not be a quote, a line break or NUL");
  if (comment_char == delimiter || comment_char == '"')
    throw InputError("", "comment_char", "must differ from the delimiter and the quote character");
  if (default_utc_offset_minutes < -18 * 60 || default_utc_offset_minutes > 18 * 60)
    throw InputError("", "default_utc_offset_minutes",
                     "must be in [-1080, 1080], got " + std::to_string(default_utc_offset_minutes));
}

std::optional<TimeGrid> CsvSeriesTable::grid() const {
  if (time_unix_s.size() < 2) return std::nullopt;
  const std::int64_t step_s = time_unix_s[1] - time_unix_s[0];
  if (step_s <= 0 || step_s % 60 != 0 || step_s / 60 > 60 || !is_valid_step_minutes(static_cast<int>(step_s / 60)))
    return std::nullopt;
  if (time_unix_s[0] % 60 != 0) return std::nullopt;
  for (std::size_t i = 1; i < time_unix_s.size(); ++i)
    if (time_unix_s[i] - time_unix_s[i - 1] != step_s) return std::nullopt;
  return TimeGrid(time_unix_s[0], static_cast<int>(step_s / 60), rows());
}

std::size_t CsvSeriesTable::column_index(std::string_view column) const {
  const auto it = std::find(columns.begin(), columns.end(), column);
  if (it == columns.end())
    throw InputError(source, "", "no column " + in_quotes(column) + " (columns: " + join(columns) + ")");
  return static_cast<std::size_t>(it - columns.begin());
}

Series CsvSeriesTable::series(const std::string& column, SeriesKind kind) const {
  const std::size_t c = column_index(column);
  const auto g = grid();
  if (!g) {
    std::string why = "the timestamps are not a regular grid with a 5, 15, 30 or 60 minute step";
    if (time_unix_s.size() < 2) why = "a regular grid needs at least two rows";
    for (std::size_t i = 2; i < time_unix_s.size() && time_unix_s.size() >= 2; ++i) {
      if (time_unix_s[i] - time_unix_s[i - 1] != time_unix_s[1] - time_unix_s[0]) {
        why += " (the spacing changes at line " + std::to_string(lines[i]) + ")";
        break;
      }
    }
    throw InputError(source, "", "cannot make a series of column " + in_quotes(column) + ": " + why);
  }
  return Series(*g, values[c], kind, column);
}

CsvSeriesTable read_timeseries_csv_string(std::string_view text, const std::string& source_name,
                                          const CsvOptions& options) {
  options.validate();
  CsvSeriesTable table;
  table.source = source_name;
  const auto at_line = [](std::int64_t n) { return "line " + std::to_string(n); };

  LineCursor cursor(text);
  std::string_view line;
  std::vector<std::string> fields;

  // Header.
  bool have_header = false;
  while (cursor.next(line)) {
    if (skippable(line, options.comment_char)) continue;
    have_header = true;
    break;
  }
  if (!have_header) throw InputError(source_name, "", "empty file: no header row");
  const std::int64_t header_line = cursor.line_no();
  const std::size_t n_fields = split_line(line, options.delimiter, fields, source_name, header_line);
  if (n_fields < 2) {
    std::string hint;
    for (const char d : {';', ',', '\t'})
      if (d != options.delimiter && line.find(d) != std::string_view::npos)
        hint = std::string(" (is the delimiter ") + (d == '\t' ? std::string("a tab") : in_quotes(std::string(1, d))) +
               "?)";
    throw InputError(source_name, at_line(header_line),
                     "the header has one column " + in_quotes(trim(line)) +
                         "; a time-series CSV needs a time column and at least one value column" + hint);
  }
  std::vector<std::string> header(fields.begin(), fields.begin() + static_cast<std::ptrdiff_t>(n_fields));
  for (std::size_t i = 0; i < header.size(); ++i) {
    if (header[i].empty())
      throw InputError(source_name, at_line(header_line), "column " + std::to_string(i + 1) + " has an empty name");
    for (std::size_t k = 0; k < i; ++k)
      if (header[k] == header[i])
        throw InputError(source_name, at_line(header_line), "duplicate column name " + in_quotes(header[i]));
  }
  std::size_t time_col = 0;
  if (!options.time_column.empty()) {
    const auto it = std::find(header.begin(), header.end(), options.time_column);
    if (it == header.end())
      throw InputError(
          source_name, at_line(header_line),
          "no time column " + in_quotes(options.time_column) + " in the header (columns: " + join(header) + ")");
    time_col = static_cast<std::size_t>(it - header.begin());
  }
  for (std::size_t i = 0; i < header.size(); ++i)
    if (i != time_col) table.columns.push_back(header[i]);
  const std::string& time_name = header[time_col];

  // Capacity from the number of line breaks left: one allocation per column.
  const auto capacity = static_cast<Eigen::Index>(std::count(text.begin(), text.end(), '\n') + 1);
  table.values.assign(table.columns.size(), Eigen::VectorXd(capacity));
  table.time_unix_s.reserve(static_cast<std::size_t>(capacity));
  table.lines.reserve(static_cast<std::size_t>(capacity));

  TimestampFormat format = options.timestamp_format;
  Eigen::Index row = 0;
  std::int64_t prev_line = 0;
  while (cursor.next(line)) {
    if (skippable(line, options.comment_char)) continue;
    const std::int64_t line_no = cursor.line_no();
    const std::size_t n = split_line(line, options.delimiter, fields, source_name, line_no);
    if (n != n_fields)
      throw InputError(source_name, at_line(line_no),
                       "expected " + std::to_string(n_fields) + " fields (as in the header), got " + std::to_string(n));

    // Timestamp.
    const std::string& ts = fields[time_col];
    if (format == TimestampFormat::auto_detect)
      format = is_integer_text(ts) ? TimestampFormat::unix_seconds : TimestampFormat::iso8601;
    std::int64_t t = 0;
    if (format == TimestampFormat::unix_seconds) {
      const char* first = ts.data() + (!ts.empty() && ts.front() == '+' ? 1 : 0);
      const auto res = std::from_chars(first, ts.data() + ts.size(), t);
      if (ts.empty() || res.ec != std::errc() || res.ptr != ts.data() + ts.size())
        throw InputError(
            source_name, at_line(line_no),
            "bad timestamp " + in_quotes(ts) + " in column " + in_quotes(time_name) +
                ": expected unix seconds (an integer)" +
                (options.timestamp_format == TimestampFormat::auto_detect ? " like the first data row" : ""));
      if (t > kMaxUnixS || t < -kMaxUnixS)
        throw InputError(source_name, at_line(line_no),
                         "bad timestamp " + in_quotes(ts) +
                             ": beyond the year 9999 as unix seconds (milliseconds are not supported)");
    } else {
      try {
        t = parse_iso8601(ts, options.default_utc_offset_minutes);
      } catch (const InputError& e) {
        throw InputError(source_name, at_line(line_no), e.detail());
      }
    }
    if (row > 0 && t <= table.time_unix_s.back()) {
      const bool dup = t == table.time_unix_s.back();
      throw InputError(source_name, at_line(line_no),
                       "timestamp " + format_iso8601(t) + " is not after the previous one " +
                           (dup ? "(duplicate of line " + std::to_string(prev_line) + ")"
                                : "(" + format_iso8601(table.time_unix_s.back()) + " on line " +
                                      std::to_string(prev_line) + ": timestamps must increase)"));
    }
    table.time_unix_s.push_back(t);
    table.lines.push_back(line_no);
    prev_line = line_no;

    // Values.
    std::size_t c = 0;
    for (std::size_t i = 0; i < n_fields; ++i) {
      if (i == time_col) continue;
      const std::string& f = fields[i];
      double v = 0.0;
      bool missing =
          std::find(options.missing_markers.begin(), options.missing_markers.end(), f) != options.missing_markers.end();
      if (!missing) {
        const char* first = f.data() + (!f.empty() && f.front() == '+' ? 1 : 0);
        const auto res = std::from_chars(first, f.data() + f.size(), v);
        if (res.ec == std::errc::result_out_of_range || (res.ec == std::errc() && std::isinf(v)))
          throw InputError(source_name, at_line(line_no),
                           "column " + in_quotes(table.columns[c]) + ": " + in_quotes(f) + " is not a finite number");
        if (f.empty() || res.ec != std::errc() || res.ptr != f.data() + f.size())
          throw InputError(source_name, at_line(line_no),
                           "column " + in_quotes(table.columns[c]) + ": cannot read " + in_quotes(f) + " as a number");
        missing = std::isnan(v) ||
                  std::find(options.sentinels.begin(), options.sentinels.end(), v) != options.sentinels.end();
      }
      if (missing) {
        if (options.missing_policy == MissingPolicy::error)
          throw InputError(source_name, at_line(line_no),
                           "column " + in_quotes(table.columns[c]) + ": missing value " + in_quotes(f));
        table.missing.push_back(MissingValue{table.columns[c], line_no, f});
        v = std::numeric_limits<double>::quiet_NaN();
      }
      table.values[c][row] = v;
      ++c;
    }
    ++row;
  }
  if (row == 0) throw InputError(source_name, "", "no data rows after the header");
  for (auto& col : table.values) col.conservativeResize(row);
  return table;
}

CsvSeriesTable read_timeseries_csv(const std::string& path, const CsvOptions& options) {
  const std::string text = read_text_file(path);
  if (text.empty()) throw InputError(path, "", "empty file: no header row");
  return read_timeseries_csv_string(text, path, options);
}

}  // namespace ehub::io
