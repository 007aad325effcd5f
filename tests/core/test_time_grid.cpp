// Tests of TimeGrid and the ISO-8601 / calendar helpers. Expected unix times were computed by
// hand from the day count since 1970-01-01 (e.g. 2025-01-01 is day 20089).
#include <gtest/gtest.h>

#include "ehub/core/error.hpp"
#include "ehub/core/time_grid.hpp"

using ehub::InputError;
using ehub::TimeGrid;

TEST(Iso8601, ParsesUtcAndOffsets) {
  // 2025-01-01: 55 years since 1970 incl. 14 leap days (1972..2024) -> 55*365+14 = 20089 days.
  EXPECT_EQ(ehub::parse_iso8601("2025-01-01T00:00:00Z"), 20089LL * 86400);
  EXPECT_EQ(ehub::parse_iso8601("2025-01-01"), 20089LL * 86400);
  EXPECT_EQ(ehub::parse_iso8601("2025-01-01 08:00"), 20089LL * 86400 + 8 * 3600);
  // 08:00 at +08:00 is midnight UTC.
  EXPECT_EQ(ehub::parse_iso8601("2025-01-01T08:00:00+08:00"), 20089LL * 86400);
  EXPECT_EQ(ehub::parse_iso8601("2025-01-01T08:00:00+0800"), 20089LL * 86400);
  EXPECT_EQ(ehub::parse_iso8601("2024-12-31T19:00:00-05:00"), 20089LL * 86400);
  // Naive timestamp read at a default offset of +08:00.
  EXPECT_EQ(ehub::parse_iso8601("2025-01-01T08:00", 480), 20089LL * 86400);
  // Leap day 2024-02-29: day 19782 (2024-01-01 is day 19723, +31 +28).
  EXPECT_EQ(ehub::parse_iso8601("2024-02-29T12:30:15.250Z"), 19782LL * 86400 + 12 * 3600 + 30 * 60 + 15);
  EXPECT_EQ(ehub::parse_iso8601("1969-12-31T23:00:00Z"), -3600);
}

TEST(Iso8601, RejectsMalformedAndImpossible) {
  for (const char* bad : {"2025-13-01", "2023-02-29", "2025-01-32", "2025/01/01", "25-01-01", "2025-01-01T25:00",
                          "2025-01-01T10:00junk", "", "2025-01-01T10:00+1"}) {
    EXPECT_THROW(ehub::parse_iso8601(bad), InputError) << bad;
  }
  try {
    ehub::parse_iso8601("2025-13-01");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("2025-13-01"), std::string::npos);
  }
}

TEST(Iso8601, FormatsAtOffsets) {
  EXPECT_EQ(ehub::format_iso8601(20089LL * 86400), "2025-01-01T00:00:00Z");
  EXPECT_EQ(ehub::format_iso8601(20089LL * 86400, 480), "2025-01-01T08:00:00+08:00");
  EXPECT_EQ(ehub::format_iso8601(20089LL * 86400, -330), "2024-12-31T18:30:00-05:30");
  EXPECT_EQ(ehub::format_iso8601(-1), "1969-12-31T23:59:59Z");
}

TEST(LocalTime, CalendarFields) {
  // 2025-01-01 was a Wednesday (weekday 2 with Monday = 0).
  auto lt = ehub::to_local(20089LL * 86400, 480);
  EXPECT_EQ(lt.year, 2025);
  EXPECT_EQ(lt.month, 1);
  EXPECT_EQ(lt.day, 1);
  EXPECT_EQ(lt.hour, 8);
  EXPECT_EQ(lt.weekday, 2);
  EXPECT_EQ(lt.day_of_year, 1);
  // 2024-12-31T20:00Z at +08:00 is 2025-01-01 04:00 local; at UTC it is day 366 of leap 2024.
  lt = ehub::to_local(20089LL * 86400 - 4 * 3600, 0);
  EXPECT_EQ(lt.day_of_year, 366);
  EXPECT_EQ(lt.weekday, 1);  // Tuesday
  EXPECT_EQ(ehub::from_local(2025, 1, 1, 8, 0, 0, 480), 20089LL * 86400);
  EXPECT_THROW(ehub::from_local(2025, 2, 29, 0, 0, 0, 0), InputError);
}

TEST(TimeGrid, StepsAndIndices) {
  const auto g = TimeGrid::from_iso("2025-01-01T00:00:00+08:00", 15, 96);
  EXPECT_EQ(g.start_unix_s(), 20089LL * 86400 - 8 * 3600);
  EXPECT_EQ(g.step_s(), 900);
  EXPECT_DOUBLE_EQ(g.step_hours(), 0.25);
  EXPECT_EQ(g.end_unix_s(), g.start_unix_s() + 86400);
  EXPECT_EQ(g.time_iso(4, 480), "2025-01-01T01:00:00+08:00");
  EXPECT_EQ(g.index_of(g.start_unix_s() + 3600), 4);
  EXPECT_FALSE(g.index_of(g.start_unix_s() + 60).has_value());
  EXPECT_FALSE(g.index_of(g.end_unix_s()).has_value());
  EXPECT_EQ(g.index_containing(g.start_unix_s() + 899), 0);
  EXPECT_EQ(g.index_containing(g.end_unix_s() - 1), 95);
  const auto h = g.with_step(60);
  EXPECT_EQ(h.size(), 24);
  EXPECT_EQ(g.slice(4, 8).start_unix_s(), g.start_unix_s() + 3600);
  EXPECT_THROW(g.slice(90, 10), InputError);
  EXPECT_THROW(TimeGrid(0, 20, 10), InputError);
  EXPECT_THROW(TimeGrid(0, 60, -1), InputError);
  EXPECT_THROW(TimeGrid(30, 60, 1), InputError);
  EXPECT_EQ(TimeGrid(0, 60, 3).with_step(5).size(), 36);
  EXPECT_THROW(TimeGrid(0, 15, 3).with_step(60), InputError);  // 45 minutes are no whole hours
}
