// TimeGrid and ISO-8601 conversions. Civil-date arithmetic uses the proleptic Gregorian
// calendar via day counts from 1970-01-01 (era-based algorithm, valid for all int64 days).
#include "ehub/core/time_grid.hpp"

#include <charconv>
#include <cstdio>
#include <string>

#include "ehub/core/error.hpp"

namespace ehub {
namespace {

constexpr std::int64_t kDay = 86400;

// Days since 1970-01-01 of a proleptic Gregorian date.
std::int64_t days_from_civil(std::int64_t y, int m, int d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const std::int64_t yoe = y - era * 400;                                   // [0, 399]
  const std::int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;  // [0, 365]
  const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;          // [0, 146096]
  return era * 146097 + doe - 719468;
}

void civil_from_days(std::int64_t z, int& y, int& m, int& d) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const std::int64_t doe = z - era * 146097;
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::int64_t mp = (5 * doy + 2) / 153;
  d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  y = static_cast<int>(yoe + era * 400 + (m <= 2));
}


std::int64_t floor_div(std::int64_t a, std::int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

[[noreturn]] void bad_time(std::string_view text, const std::string& why) {
  throw InputError("", "", "bad timestamp \"" + std::string(text) + "\": " + why);
}

// Reads exactly `n` digits at `pos`.
int digits(std::string_view s, std::size_t& pos, int n, std::string_view text, const char* what) {
  if (pos + static_cast<std::size_t>(n) > s.size()) bad_time(text, std::string("expected ") + what);
  int v = 0;
  for (int k = 0; k < n; ++k) {
    const char c = s[pos + static_cast<std::size_t>(k)];
    if (c < '0' || c > '9') bad_time(text, std::string("expected ") + what);
    v = v * 10 + (c - '0');
  }
  pos += static_cast<std::size_t>(n);
  return v;
}

void expect(std::string_view s, std::size_t& pos, char c, std::string_view text) {
  if (pos >= s.size() || s[pos] != c) bad_time(text, std::string("expected '") + c + "'");
  ++pos;
}

}  // namespace

bool is_leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int days_in_month(int y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : kDays[m - 1];
}

std::int64_t from_local(int year, int month, int day, int hour, int minute, int second, int utc_offset_minutes) {
  if (month < 1 || month > 12) throw InputError("", "", "month " + std::to_string(month) + " is not in 1..12");
  if (day < 1 || day > days_in_month(year, month))
    throw InputError("", "", "day " + std::to_string(day) + " does not exist in " + std::to_string(year) + "-" +
                                 std::to_string(month));
  if (hour < 0 || hour > 24 || minute < 0 || minute > 59 || second < 0 || second > 60 ||
      (hour == 24 && (minute != 0 || second != 0)))
    throw InputError("", "", "time of day out of range");
  return days_from_civil(year, month, day) * kDay + hour * 3600 + minute * 60 + second -
         std::int64_t{utc_offset_minutes} * 60;
}

std::int64_t parse_iso8601(std::string_view text, int default_offset_minutes) {
  std::string_view s = text;
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  std::size_t pos = 0;
  const int year = digits(s, pos, 4, text, "a 4-digit year");
  expect(s, pos, '-', text);
  const int month = digits(s, pos, 2, text, "a 2-digit month");
  expect(s, pos, '-', text);
  const int day = digits(s, pos, 2, text, "a 2-digit day");
  int hour = 0, minute = 0, second = 0;
  if (pos < s.size() && (s[pos] == 'T' || s[pos] == 't' || s[pos] == ' ')) {
    ++pos;
    hour = digits(s, pos, 2, text, "a 2-digit hour");
    expect(s, pos, ':', text);
    minute = digits(s, pos, 2, text, "2-digit minutes");
    if (pos < s.size() && s[pos] == ':') {
      ++pos;
      second = digits(s, pos, 2, text, "2-digit seconds");
      if (pos < s.size() && (s[pos] == '.' || s[pos] == ',')) {  // fractional seconds: truncated
        ++pos;
        const std::size_t start = pos;
        while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') ++pos;
        if (pos == start) bad_time(text, "expected digits after the decimal point");
      }
    }
  }
  int offset = default_offset_minutes;
  if (pos < s.size()) {
    const char c = s[pos];
    if (c == 'Z' || c == 'z') {
      offset = 0;
      ++pos;
    } else if (c == '+' || c == '-') {
      ++pos;
      const int oh = digits(s, pos, 2, text, "a 2-digit offset hour");
      int om = 0;
      if (pos < s.size() && s[pos] == ':') {
        ++pos;
        om = digits(s, pos, 2, text, "2-digit offset minutes");
      } else if (pos < s.size()) {
        om = digits(s, pos, 2, text, "2-digit offset minutes");
      }
      if (oh > 18 || om > 59) bad_time(text, "UTC offset out of range");
      offset = (c == '+' ? 1 : -1) * (oh * 60 + om);
    }
  }
  if (pos != s.size()) bad_time(text, "unexpected text \"" + std::string(s.substr(pos)) + "\"");
  try {
    return from_local(year, month, day, hour, minute, second, offset);
  } catch (const InputError& e) {
    bad_time(text, e.detail());
  }
}

LocalTime to_local(std::int64_t unix_s, int utc_offset_minutes) {
  const std::int64_t t = unix_s + std::int64_t{utc_offset_minutes} * 60;
  const std::int64_t days = floor_div(t, kDay);
  const std::int64_t secs = t - days * kDay;
  LocalTime lt;
  civil_from_days(days, lt.year, lt.month, lt.day);
  lt.hour = static_cast<int>(secs / 3600);
  lt.minute = static_cast<int>((secs % 3600) / 60);
  lt.second = static_cast<int>(secs % 60);
  lt.weekday = static_cast<int>(((days % 7) + 7 + 3) % 7);  // 1970-01-01 was a Thursday (3)
  lt.day_of_year = static_cast<int>(days - days_from_civil(lt.year, 1, 1) + 1);
  return lt;
}

std::string format_iso8601(std::int64_t unix_s, int utc_offset_minutes) {
  const LocalTime lt = to_local(unix_s, utc_offset_minutes);
  char buf[48];
  if (utc_offset_minutes == 0) {
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02dZ", lt.year, lt.month, lt.day, lt.hour, lt.minute,
                  lt.second);
  } else {
    const int a = utc_offset_minutes < 0 ? -utc_offset_minutes : utc_offset_minutes;
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d", lt.year, lt.month, lt.day, lt.hour,
                  lt.minute, lt.second, utc_offset_minutes < 0 ? '-' : '+', a / 60, a % 60);
  }
  return buf;
}

bool is_valid_step_minutes(int step_minutes) noexcept {
  return step_minutes == 5 || step_minutes == 15 || step_minutes == 30 || step_minutes == 60;
}

TimeGrid::TimeGrid(std::int64_t start_unix_s, int step_minutes, std::int64_t count)
    : start_unix_s_(start_unix_s), step_minutes_(step_minutes), count_(count) {
  if (step_minutes != 1 && !is_valid_step_minutes(step_minutes))
    throw InputError("", "step_minutes", "must be 1, 5, 15, 30 or 60, got " + std::to_string(step_minutes));
  if (count < 0) throw InputError("", "count", "must be >= 0, got " + std::to_string(count));
  if (start_unix_s % 60 != 0)
    throw InputError("", "start", "must fall on a whole minute, got " + format_iso8601(start_unix_s));
}

TimeGrid TimeGrid::from_iso(std::string_view start_iso, int step_minutes, std::int64_t count) {
  return TimeGrid(parse_iso8601(start_iso), step_minutes, count);
}

std::string TimeGrid::time_iso(std::int64_t i, int utc_offset_minutes) const {
  return format_iso8601(time_unix_s(i), utc_offset_minutes);
}

std::optional<std::int64_t> TimeGrid::index_of(std::int64_t unix_s) const noexcept {
  const std::int64_t d = unix_s - start_unix_s_;
  if (d < 0 || d % step_s() != 0) return std::nullopt;
  const std::int64_t i = d / step_s();
  if (i >= count_) return std::nullopt;
  return i;
}

std::optional<std::int64_t> TimeGrid::index_containing(std::int64_t unix_s) const noexcept {
  if (unix_s < start_unix_s_ || unix_s >= end_unix_s()) return std::nullopt;
  return (unix_s - start_unix_s_) / step_s();
}

TimeGrid TimeGrid::slice(std::int64_t first, std::int64_t count) const {
  if (first < 0 || count < 0 || first + count > count_)
    throw InputError("", "", "slice [" + std::to_string(first) + ", " + std::to_string(first + count) +
                                 ") is outside the grid of " + std::to_string(count_) + " steps");
  return TimeGrid(time_unix_s(first), step_minutes_, count);
}

TimeGrid TimeGrid::with_step(int step_minutes) const {
  if (!is_valid_step_minutes(step_minutes))
    throw InputError("", "step_minutes", "must be 5, 15, 30 or 60, got " + std::to_string(step_minutes));
  const std::int64_t new_step_s = std::int64_t{step_minutes} * 60;
  const std::int64_t span = end_unix_s() - start_unix_s_;
  if (span % new_step_s != 0)
    throw InputError("", "step_minutes",
                     "a span of " + std::to_string(span / 60) + " minutes is not a whole number of " +
                         std::to_string(step_minutes) + "-minute steps");
  return TimeGrid(start_unix_s_, step_minutes, span / new_step_s);
}

}  // namespace ehub
