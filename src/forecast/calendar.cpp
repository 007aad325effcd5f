// Holiday calendars (built-in data and CSV files) and the day types of a site's local clock.
#include "ehub/forecast/calendar.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <tuple>

#include "ehub/core/error.hpp"
#include "ehub/core/time_grid.hpp"

namespace ehub::forecast {
namespace {

std::string trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return std::string(s);
}

std::vector<std::string> split(const std::string& line) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : line) {
    if (c == ',') {
      out.push_back(trim(cur));
      cur.clear();
    } else {
      cur += c;
    }
  }
  out.push_back(trim(cur));
  return out;
}

bool before(const HolidayEntry& a, int y, int m, int d) {
  return std::tie(a.year, a.month, a.day) < std::tie(y, m, d);
}

}  // namespace

std::string_view to_string(DayKind kind) noexcept { return kind == DayKind::holiday ? "holiday" : "working"; }

HolidayCalendar HolidayCalendar::china_2025() {
  // 国务院办公厅关于2025年部分节假日安排的通知 (国办发明电〔2024〕12号), 2024-11-12.
  HolidayCalendar c;
  auto range = [&c](int m0, int d0, int n, const char* name) {
    std::int64_t t = from_local(2025, m0, d0, 12, 0, 0, 0);
    for (int k = 0; k < n; ++k, t += 86400) {
      const LocalTime lt = to_local(t, 0);
      c.add(lt.year, lt.month, lt.day, DayKind::holiday, name);
    }
  };
  range(1, 1, 1, "New Year's Day");
  range(1, 28, 8, "Spring Festival");
  range(4, 4, 3, "Qingming Festival");
  range(5, 1, 5, "Labour Day");
  range(5, 31, 3, "Dragon Boat Festival");
  range(10, 1, 8, "National Day and Mid-Autumn Festival");
  c.add(2025, 1, 26, DayKind::working, "make-up working day (Spring Festival)");
  c.add(2025, 2, 8, DayKind::working, "make-up working day (Spring Festival)");
  c.add(2025, 4, 27, DayKind::working, "make-up working day (Labour Day)");
  c.add(2025, 9, 28, DayKind::working, "make-up working day (National Day)");
  c.add(2025, 10, 11, DayKind::working, "make-up working day (National Day)");
  c.name_ = "cn-2025";
  return c;
}

std::vector<std::string> HolidayCalendar::builtin_names() { return {"none", "cn-2025"}; }

HolidayCalendar HolidayCalendar::builtin(std::string_view name) {
  if (name == "none" || name.empty()) return {};
  if (name == "cn-2025") return china_2025();
  throw InputError("", "holidays", "unknown built-in calendar \"" + std::string(name) +
                                       "\" (built-in: none, cn-2025; or give a CSV file date,kind,name)");
}

HolidayCalendar HolidayCalendar::from_spec(const std::string& spec) {
  for (const auto& n : builtin_names())
    if (n == spec) return builtin(spec);
  if (spec.empty()) return {};
  return from_csv(spec);
}

HolidayCalendar HolidayCalendar::from_csv(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path, "", "cannot open the holiday calendar file");
  std::stringstream ss;
  ss << in.rdbuf();
  HolidayCalendar c = from_csv_string(ss.str(), path);
  const auto slash = path.find_last_of("/\\");
  c.name_ = slash == std::string::npos ? path : path.substr(slash + 1);
  return c;
}

HolidayCalendar HolidayCalendar::from_csv_string(std::string_view text, const std::string& source) {
  HolidayCalendar c;
  std::istringstream in{std::string(text)};
  std::string line;
  std::int64_t line_no = 0;
  bool header = false;
  int date_col = -1, kind_col = -1, name_col = -1;
  while (std::getline(in, line)) {
    ++line_no;
    const std::string t = trim(line);
    if (t.empty() || t.front() == '#') continue;
    const auto f = split(t);
    const std::string where = "line " + std::to_string(line_no);
    if (!header) {
      for (std::size_t i = 0; i < f.size(); ++i) {
        if (f[i] == "date") date_col = static_cast<int>(i);
        if (f[i] == "kind") kind_col = static_cast<int>(i);
        if (f[i] == "name") name_col = static_cast<int>(i);
      }
      if (date_col < 0 || kind_col < 0)
        throw InputError(source, where, "the header must name the columns date and kind (and optionally name)");
      header = true;
      continue;
    }
    if (static_cast<int>(f.size()) <= std::max(date_col, kind_col))
      throw InputError(source, where, "expected the fields date and kind");
    const std::string& d = f[static_cast<std::size_t>(date_col)];
    int y = 0, m = 0, dd = 0;
    if (d.size() != 10 || d[4] != '-' || d[7] != '-' || std::sscanf(d.c_str(), "%4d-%2d-%2d", &y, &m, &dd) != 3)
      throw InputError(source, where, "date must be YYYY-MM-DD, got \"" + d + "\"");
    const std::string& k = f[static_cast<std::size_t>(kind_col)];
    DayKind kind;
    if (k == "holiday") kind = DayKind::holiday;
    else if (k == "working") kind = DayKind::working;
    else throw InputError(source, where, "kind must be \"holiday\" or \"working\", got \"" + k + "\"");
    try {
      c.add(y, m, dd, kind, name_col >= 0 && static_cast<int>(f.size()) > name_col ? f[static_cast<std::size_t>(name_col)] : "");
    } catch (const InputError& e) {
      throw InputError(source, where, e.detail());
    }
  }
  if (!header) throw InputError(source, "", "empty holiday calendar (expected a header date,kind[,name])");
  c.name_ = source;
  return c;
}

void HolidayCalendar::add(int year, int month, int day, DayKind kind, std::string name) {
  (void)from_local(year, month, day, 0, 0, 0, 0);  // throws on an impossible date
  auto it = std::find_if(entries_.begin(), entries_.end(), [&](const HolidayEntry& e) { return !before(e, year, month, day); });
  HolidayEntry e{year, month, day, kind, std::move(name)};
  if (it != entries_.end() && it->year == year && it->month == month && it->day == day) *it = std::move(e);
  else entries_.insert(it, std::move(e));
  if (name_ == "none") name_ = "custom";
}

std::optional<HolidayEntry> HolidayCalendar::find(int year, int month, int day) const {
  auto it = std::lower_bound(entries_.begin(), entries_.end(), 0, [&](const HolidayEntry& e, int) {
    return before(e, year, month, day);
  });
  if (it != entries_.end() && it->year == year && it->month == month && it->day == day) return *it;
  return std::nullopt;
}

std::vector<int> HolidayCalendar::years() const {
  std::vector<int> y;
  for (const auto& e : entries_)
    if (y.empty() || y.back() != e.year) y.push_back(e.year);
  return y;
}

void Calendar::validate() const {
  if (utc_offset_minutes < -14 * 60 || utc_offset_minutes > 14 * 60)
    throw InputError("", "utc_offset_minutes", "must lie in [-840, 840], got " + std::to_string(utc_offset_minutes));
}

std::int64_t Calendar::local_midnight(std::int64_t unix_s) const {
  const std::int64_t off = std::int64_t{utc_offset_minutes} * 60;
  const std::int64_t t = unix_s + off;
  const std::int64_t days = t / 86400 - ((t % 86400 != 0) && (t < 0));
  return days * 86400 - off;
}

bool Calendar::is_holiday(std::int64_t unix_s) const {
  if (holidays.empty()) return false;
  const LocalTime lt = to_local(unix_s, utc_offset_minutes);
  const auto e = holidays.find(lt.year, lt.month, lt.day);
  return e && e->kind == DayKind::holiday;
}

int Calendar::effective_weekday(std::int64_t unix_s) const {
  const LocalTime lt = to_local(unix_s, utc_offset_minutes);
  if (!holidays.empty()) {
    if (const auto e = holidays.find(lt.year, lt.month, lt.day)) return e->kind == DayKind::holiday ? 6 : 2;
  }
  return lt.weekday;
}

DayGroup Calendar::day_group(std::int64_t unix_s) const {
  const LocalTime lt = to_local(unix_s, utc_offset_minutes);
  if (!holidays.empty()) {
    if (const auto e = holidays.find(lt.year, lt.month, lt.day))
      return e->kind == DayKind::holiday ? DayGroup::sunday_holiday : DayGroup::working;
  }
  if (lt.weekday == 6) return DayGroup::sunday_holiday;
  if (lt.weekday == 5) return DayGroup::saturday;
  return DayGroup::working;
}

}  // namespace ehub::forecast
