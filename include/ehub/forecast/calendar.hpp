// Calendars for forecasting: the local clock of a site (fixed UTC offset), public holidays and
// make-up working days as data, and the day types that load models use (working, Saturday, Sunday).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ehub/export.hpp"

namespace ehub::forecast {

/// What a calendar entry says about a date.
enum class DayKind : std::uint8_t {
  holiday = 0,  ///< a public holiday: a non-working day whatever the weekday
  working = 1,  ///< a make-up working day (China's 调休): a working day even on a weekend
};

/// "holiday" or "working".
EHUB_EXPORT std::string_view to_string(DayKind kind) noexcept;

/// One dated entry of a holiday calendar.
struct HolidayEntry {
  int year = 0;
  int month = 0;  ///< 1..12
  int day = 0;    ///< 1..31
  DayKind kind = DayKind::holiday;
  std::string name;
};

/// A set of dated holidays and make-up working days. Dates are local civil dates.
class EHUB_EXPORT HolidayCalendar {
 public:
  /// An empty calendar (no holidays).
  HolidayCalendar() = default;

  /// Chinese public holidays and make-up working days of 2025, as published by the General Office
  /// of the State Council (国务院办公厅关于2025年部分节假日安排的通知, 国办发明电〔2024〕12号,
  /// 12 November 2024): 28 holiday dates and 5 make-up working days (see docs/forecasting.md).
  static HolidayCalendar china_2025();
  /// A built-in calendar by name: "none" (empty) or "cn-2025". Throws InputError listing the names.
  static HolidayCalendar builtin(std::string_view name);
  /// Names accepted by builtin().
  static std::vector<std::string> builtin_names();
  /// Reads a CSV file with a header `date,kind[,name]`: `date` as YYYY-MM-DD, `kind` "holiday" or
  /// "working"; '#' starts a comment line. Throws InputError naming the file and line.
  static HolidayCalendar from_csv(const std::string& path);
  /// Parses CSV text as from_csv does; `source` stands in for the file name in errors.
  static HolidayCalendar from_csv_string(std::string_view text, const std::string& source);
  /// builtin(spec) when `spec` is a built-in name, else from_csv(spec).
  static HolidayCalendar from_spec(const std::string& spec);

  /// Adds an entry; a later entry for the same date replaces the earlier one. Throws InputError on
  /// an impossible date.
  void add(int year, int month, int day, DayKind kind, std::string name = {});
  /// The entry of a date, if any.
  std::optional<HolidayEntry> find(int year, int month, int day) const;
  /// Every entry, sorted by date.
  const std::vector<HolidayEntry>& entries() const noexcept { return entries_; }
  /// The distinct years the entries cover, ascending.
  std::vector<int> years() const;
  /// True when there are no entries.
  bool empty() const noexcept { return entries_.empty(); }
  /// A name for reports ("cn-2025", a file name, "none", ...).
  const std::string& name() const noexcept { return name_; }
  /// Sets the report name.
  void set_name(std::string name) { name_ = std::move(name); }

 private:
  std::vector<HolidayEntry> entries_;  // sorted by (year, month, day)
  std::string name_ = "none";
};

/// Day groups with different load shapes: the unit of the per-group regressions.
enum class DayGroup : std::uint8_t {
  working = 0,         ///< Monday..Friday that is not a holiday, and make-up working days
  saturday = 1,        ///< a Saturday that is neither a holiday nor a make-up working day
  sunday_holiday = 2,  ///< a Sunday or a public holiday
};

/// The local clock of a site: a fixed UTC offset (no daylight saving) and its holidays.
struct EHUB_EXPORT Calendar {
  /// Minutes east of UTC of the site's clock (480: China, -300: US Eastern standard time).
  int utc_offset_minutes = 0;
  /// Holidays and make-up working days (empty: weekdays only).
  HolidayCalendar holidays;

  /// Throws InputError unless the offset lies in [-14 h, +14 h].
  void validate() const;
  /// Local midnight (unix s) of the day containing `unix_s`.
  std::int64_t local_midnight(std::int64_t unix_s) const;
  /// Weekday as the model sees it: 0 = Monday .. 6 = Sunday; a holiday counts as a Sunday (6)
  /// and a make-up working day as a Wednesday (2).
  int effective_weekday(std::int64_t unix_s) const;
  /// The day group of the local day containing `unix_s`.
  DayGroup day_group(std::int64_t unix_s) const;
  /// True for a working day (DayGroup::working).
  bool is_working_day(std::int64_t unix_s) const { return day_group(unix_s) == DayGroup::working; }
  /// True when the holiday calendar has an entry for the local date of `unix_s`.
  bool is_holiday(std::int64_t unix_s) const;
};

}  // namespace ehub::forecast
