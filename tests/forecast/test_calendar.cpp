#include <gtest/gtest.h>

#include "ehub/core/error.hpp"
#include "ehub/core/time_grid.hpp"
#include "ehub/forecast/calendar.hpp"

using namespace ehub;
using namespace ehub::forecast;

TEST(Calendar, China2025HasThePublishedDates) {
  const HolidayCalendar c = HolidayCalendar::china_2025();
  int holidays = 0, working = 0;
  for (const auto& e : c.entries()) (e.kind == DayKind::holiday ? holidays : working)++;
  // 国办发明电〔2024〕12号: 1 + 8 + 3 + 5 + 3 + 8 days off; make-up days 1/26, 2/8, 4/27, 9/28, 10/11.
  EXPECT_EQ(holidays, 28);
  EXPECT_EQ(working, 5);
  EXPECT_EQ(c.find(2025, 1, 28)->kind, DayKind::holiday);  // New Year's Eve of the lunar calendar
  EXPECT_EQ(c.find(2025, 2, 4)->kind, DayKind::holiday);
  EXPECT_FALSE(c.find(2025, 2, 5).has_value());
  EXPECT_EQ(c.find(2025, 1, 26)->kind, DayKind::working);
  EXPECT_EQ(c.find(2025, 10, 11)->kind, DayKind::working);
  EXPECT_EQ(c.find(2025, 10, 8)->kind, DayKind::holiday);
  EXPECT_EQ(c.years(), std::vector<int>{2025});
}

TEST(Calendar, BuiltinEqualsTheDataFile) {
  const HolidayCalendar file = HolidayCalendar::from_csv(EHUB_TEST_DATA_DIR "/forecast/holidays_cn_2025.csv");
  const HolidayCalendar builtin = HolidayCalendar::builtin("cn-2025");
  ASSERT_EQ(file.entries().size(), builtin.entries().size());
  for (std::size_t k = 0; k < file.entries().size(); ++k) {
    const auto& a = file.entries()[k];
    const auto& b = builtin.entries()[k];
    EXPECT_EQ(a.year * 10000 + a.month * 100 + a.day, b.year * 10000 + b.month * 100 + b.day);
    EXPECT_EQ(a.kind, b.kind);
    EXPECT_EQ(a.name, b.name);
  }
}

TEST(Calendar, DayGroupsAtTheSiteClock) {
  Calendar cal;
  cal.utc_offset_minutes = 480;
  cal.holidays = HolidayCalendar::china_2025();
  // 2025-01-26 is a Sunday but a make-up working day; 2025-02-08 a Saturday working day.
  EXPECT_EQ(cal.day_group(parse_iso8601("2025-01-26T09:00:00+08:00")), DayGroup::working);
  EXPECT_EQ(cal.effective_weekday(parse_iso8601("2025-01-26T09:00:00+08:00")), 2);
  EXPECT_EQ(cal.day_group(parse_iso8601("2025-02-08T09:00:00+08:00")), DayGroup::working);
  EXPECT_EQ(cal.day_group(parse_iso8601("2025-02-15T09:00:00+08:00")), DayGroup::saturday);
  EXPECT_EQ(cal.day_group(parse_iso8601("2025-10-01T09:00:00+08:00")), DayGroup::sunday_holiday);  // a Wednesday
  EXPECT_EQ(cal.effective_weekday(parse_iso8601("2025-10-01T09:00:00+08:00")), 6);
  EXPECT_TRUE(cal.is_holiday(parse_iso8601("2025-10-01T23:30:00+08:00")));
  // 2025-10-01T23:30+08:00 is 15:30 UTC the same day; 2025-09-30T16:30Z is already 1 October in China.
  EXPECT_TRUE(cal.is_holiday(parse_iso8601("2025-09-30T16:30:00Z")));
  EXPECT_FALSE(cal.is_holiday(parse_iso8601("2025-09-30T15:30:00Z")));
  EXPECT_EQ(cal.day_group(parse_iso8601("2025-03-03T09:00:00+08:00")), DayGroup::working);  // Monday
  EXPECT_EQ(cal.local_midnight(parse_iso8601("2025-01-01T03:00:00+08:00")), parse_iso8601("2024-12-31T16:00:00Z"));
  Calendar west;
  west.utc_offset_minutes = -300;
  EXPECT_EQ(west.local_midnight(parse_iso8601("2017-01-01T03:00:00Z")), parse_iso8601("2016-12-31T05:00:00Z"));
}

TEST(Calendar, CsvErrorsNameTheLine) {
  try {
    (void)HolidayCalendar::from_csv_string("date,kind\n2025-01-01,holiday\n2025-01-02,vacation\n", "h.csv");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_EQ(e.file(), "h.csv");
    EXPECT_EQ(e.path(), "line 3");
  }
  EXPECT_THROW((void)HolidayCalendar::from_csv_string("date,kind\n2025-02-30,holiday\n", "h.csv"), InputError);
  EXPECT_THROW((void)HolidayCalendar::from_csv_string("when,kind\n", "h.csv"), InputError);
  EXPECT_THROW((void)HolidayCalendar::builtin("cn-2031"), InputError);
  const auto c = HolidayCalendar::from_csv_string("# comment\ndate,kind,name\n2017-07-04,holiday,Independence Day\n", "us");
  EXPECT_EQ(c.find(2017, 7, 4)->name, "Independence Day");
  Calendar bad;
  bad.utc_offset_minutes = 900;
  EXPECT_THROW(bad.validate(), InputError);
}
