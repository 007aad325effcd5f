// Tests of ehub/io/csv.hpp: timestamps (ISO, unix, offsets), line endings, missing values and
// sentinels, grid detection, and every rejected-row error with its line number.
#include "ehub/io/csv.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "ehub/core/error.hpp"

namespace {

using ehub::InputError;
using ehub::io::CsvOptions;
using ehub::io::read_timeseries_csv;
using ehub::io::read_timeseries_csv_string;

// 2025-01-01T00:00:00Z: 55 years since 1970 with 14 leap days (1972..2024) -> 20089 days.
constexpr std::int64_t kJan1st2025 = 20089LL * 86400;  // 1735689600

template <typename F>
InputError input_error(F&& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e;
  }
  ADD_FAILURE() << "expected an InputError";
  return InputError("", "", "");
}

std::string temp_csv(const std::string& name, const std::string& content) {
  const auto p = std::filesystem::temp_directory_path() / ("ehub_csv_test_" + std::to_string(::getpid()) + "_" + name);
  std::ofstream(p, std::ios::binary) << content;
  return p.string();
}

TEST(Csv, IsoTimestampsValuesAndMissingReport) {
  const char* text =
      "time,pv_kw,load_kw\n"
      "2025-01-01T00:00:00Z,0,10.5\n"
      "2025-01-01T00:15:00Z,1.25,11\n"
      "2025-01-01T00:30:00Z,2.5,-999\n"
      "2025-01-01T00:45:00Z,,12\n";
  const auto t = read_timeseries_csv_string(text, "mem.csv");
  EXPECT_EQ(t.source, "mem.csv");
  ASSERT_EQ(t.rows(), 4);
  EXPECT_EQ(t.columns, (std::vector<std::string>{"pv_kw", "load_kw"}));
  EXPECT_EQ(t.time_unix_s,
            (std::vector<std::int64_t>{kJan1st2025, kJan1st2025 + 900, kJan1st2025 + 1800, kJan1st2025 + 2700}));
  EXPECT_EQ(t.lines, (std::vector<std::int64_t>{2, 3, 4, 5}));
  EXPECT_DOUBLE_EQ(t.values[0][1], 1.25);
  EXPECT_DOUBLE_EQ(t.values[0][2], 2.5);
  EXPECT_DOUBLE_EQ(t.values[1][0], 10.5);
  EXPECT_DOUBLE_EQ(t.values[1][3], 12.0);
  EXPECT_TRUE(std::isnan(t.values[1][2]));  // the -999 sentinel
  EXPECT_TRUE(std::isnan(t.values[0][3]));  // the empty field
  ASSERT_EQ(t.missing.size(), 2u);
  EXPECT_EQ(t.missing[0].column, "load_kw");
  EXPECT_EQ(t.missing[0].line, 4);
  EXPECT_EQ(t.missing[0].raw_text, "-999");
  EXPECT_EQ(t.missing[1].column, "pv_kw");
  EXPECT_EQ(t.missing[1].line, 5);
  EXPECT_EQ(t.missing[1].raw_text, "");

  const auto grid = t.grid();
  ASSERT_TRUE(grid.has_value());
  EXPECT_EQ(grid->start_unix_s(), kJan1st2025);
  EXPECT_EQ(grid->step_minutes(), 15);
  EXPECT_EQ(grid->size(), 4);
  const ehub::Series pv = t.series("pv_kw", ehub::SeriesKind::power);
  EXPECT_EQ(pv.grid(), *grid);
  EXPECT_EQ(pv.name(), "pv_kw");
  EXPECT_DOUBLE_EQ(pv[2], 2.5);
}

TEST(Csv, UnixSecondsAreDetected) {
  const auto t = read_timeseries_csv_string("t,v\n1735689600,1\n1735693200,2\n1735696800,-3.5e1\n", "");
  EXPECT_EQ(t.time_unix_s, (std::vector<std::int64_t>{kJan1st2025, kJan1st2025 + 3600, kJan1st2025 + 7200}));
  EXPECT_DOUBLE_EQ(t.values[0][2], -35.0);
  ASSERT_TRUE(t.grid().has_value());
  EXPECT_EQ(t.grid()->step_minutes(), 60);
  // Once the first row is unix seconds, an ISO row is a bad timestamp.
  const InputError e = input_error([] { read_timeseries_csv_string("t,v\n0,1\n2025-01-01,2\n", "u.csv"); });
  EXPECT_EQ(e.path(), "line 3");
  EXPECT_NE(e.detail().find("expected unix seconds"), std::string::npos) << e.detail();
  // Milliseconds are caught instead of being read as the year 56970.
  const InputError ms = input_error([] { read_timeseries_csv_string("t,v\n1735689600000,1\n", "ms.csv"); });
  EXPECT_EQ(ms.path(), "line 2");
  EXPECT_NE(ms.detail().find("milliseconds"), std::string::npos) << ms.detail();
}

TEST(Csv, UtcOffsetsExplicitAndDefault) {
  // 08:00 at +08:00 is 00:00 UTC.
  auto t = read_timeseries_csv_string("time,v\n2025-01-01T08:00:00+08:00,1\n2025-01-01T08:30+08:00,2\n", "");
  EXPECT_EQ(t.time_unix_s, (std::vector<std::int64_t>{kJan1st2025, kJan1st2025 + 1800}));
  EXPECT_EQ(t.grid()->step_minutes(), 30);
  CsvOptions beijing;
  beijing.default_utc_offset_minutes = 480;
  t = read_timeseries_csv_string("time,v\n2025-01-01 08:00,1\n2025-01-01 09:00:00Z,2\n", "", beijing);
  // Naive 08:00 is read at +08:00; 09:00Z keeps its own offset: 9 hours later.
  EXPECT_EQ(t.time_unix_s, (std::vector<std::int64_t>{kJan1st2025, kJan1st2025 + 9LL * 3600}));
  EXPECT_FALSE(t.grid().has_value());  // 540 minutes is no supported step
}

TEST(Csv, CrlfQuotesBomAndNoFinalNewline) {
  const std::string text =
      "\xEF\xBB\xBFtime,\"load, kW\",pv_kw\r\n"
      "2025-01-01T00:00Z,\"12.5\", 3 \r\n"
      "2025-01-01T01:00Z,\"1\"\"0\"\"\",4";
  // The second row's quoted field holds 1"0" -- not a number.
  const InputError e = input_error([&] { read_timeseries_csv_string(text, "q.csv"); });
  EXPECT_EQ(e.path(), "line 3");
  EXPECT_EQ(e.detail(), "column \"load, kW\": cannot read \"1\"0\"\" as a number");

  const auto t = read_timeseries_csv_string(
      "\xEF\xBB\xBFtime,\"load, kW\",pv_kw\r\n2025-01-01T00:00Z,\"12.5\", 3 \r\n2025-01-01T01:00Z,7,4", "q.csv");
  EXPECT_EQ(t.columns, (std::vector<std::string>{"load, kW", "pv_kw"}));
  ASSERT_EQ(t.rows(), 2);
  EXPECT_DOUBLE_EQ(t.values[0][0], 12.5);
  EXPECT_DOUBLE_EQ(t.values[1][0], 3.0);
  EXPECT_DOUBLE_EQ(t.values[0][1], 7.0);
  EXPECT_DOUBLE_EQ(t.values[1][1], 4.0);
  EXPECT_EQ(t.time_unix_s[1], kJan1st2025 + 3600);
}

TEST(Csv, SemicolonsTimeColumnCommentsAndBlankLines) {
  CsvOptions o;
  o.delimiter = ';';
  o.time_column = "stamp";
  const char* text =
      "# exported by a meter\n"
      "load_kw;stamp;price_per_kwh\n"
      "\n"
      "5;2025-01-01T00:00Z;0.6\n"
      "6;2025-01-01T00:05Z;0.7\n";
  const auto t = read_timeseries_csv_string(text, "", o);
  EXPECT_EQ(t.columns, (std::vector<std::string>{"load_kw", "price_per_kwh"}));
  EXPECT_EQ(t.lines, (std::vector<std::int64_t>{4, 5}));
  EXPECT_DOUBLE_EQ(t.values[1][1], 0.7);
  EXPECT_EQ(t.grid()->step_minutes(), 5);
  // Line numbers count comment and blank lines: the bad number is on line 4.
  const InputError e =
      input_error([] { read_timeseries_csv_string("# note\ntime,v\n\n2025-01-01T00:00Z,x1\n", "c.csv"); });
  EXPECT_EQ(e.path(), "line 4");
  EXPECT_EQ(e.detail(), "column \"v\": cannot read \"x1\" as a number");
  // A file read with the wrong delimiter gets a hint.
  const InputError d = input_error([] { read_timeseries_csv_string("time;v\n2025-01-01;1\n", "s.csv"); });
  EXPECT_EQ(d.path(), "line 1");
  EXPECT_NE(d.detail().find("is the delimiter \";\"?"), std::string::npos) << d.detail();
  const InputError n = input_error([&] {
    CsvOptions bad = o;
    bad.time_column = "time";
    read_timeseries_csv_string(text, "s.csv", bad);
  });
  EXPECT_EQ(n.path(), "line 2");
  EXPECT_EQ(n.detail(), "no time column \"time\" in the header (columns: load_kw, stamp, price_per_kwh)");
}

TEST(Csv, MissingPolicyErrorStopsAtTheFirstMissingValue) {
  CsvOptions o;
  o.missing_policy = ehub::io::MissingPolicy::error;
  const char* text = "time,a,b\n2025-01-01T00:00Z,1,2\n2025-01-01T01:00Z,3,-9999.0\n2025-01-01T02:00Z,NA,4\n";
  InputError e = input_error([&] { read_timeseries_csv_string(text, "m.csv", o); });
  EXPECT_EQ(e.path(), "line 3");
  EXPECT_EQ(e.detail(), "column \"b\": missing value \"-9999.0\"");
  // With the default policy both are reported; NA is a missing marker.
  const auto t = read_timeseries_csv_string(text, "m.csv");
  ASSERT_EQ(t.missing.size(), 2u);
  EXPECT_EQ(t.missing[1].line, 4);
  EXPECT_EQ(t.missing[1].column, "a");
  EXPECT_EQ(t.missing[1].raw_text, "NA");
  // Sentinels are configurable: with none, -9999 is an ordinary value.
  o.missing_policy = ehub::io::MissingPolicy::report;
  o.sentinels.clear();
  EXPECT_DOUBLE_EQ(read_timeseries_csv_string(text, "m.csv", o).values[1][1], -9999.0);
}

TEST(Csv, BadTimestampNamesFileAndLine) {
  const std::string path = temp_csv("bad_ts.csv",
                                    "time,v\n"
                                    "2025-01-01T00:00Z,1\n"
                                    "2025-01-01T01:00Z,2\n"
                                    "2025-01-01T02:00Z,3\n"
                                    "2025-13-01,4\n");
  const InputError e = input_error([&] { read_timeseries_csv(path); });
  EXPECT_EQ(e.file(), path);
  EXPECT_EQ(e.path(), "line 5");
  EXPECT_EQ(e.detail().rfind("bad timestamp \"2025-13-01\": ", 0), 0u) << e.detail();
  EXPECT_NE(std::string(e.what()).find(path + ": line 5: bad timestamp"), std::string::npos) << e.what();
  std::filesystem::remove(path);
}

TEST(Csv, DuplicateAndDecreasingTimestampsAreRejected) {
  const char* dup =
      "time,v\n"
      "2025-01-01T00:00:00Z,1\n"
      "2025-01-01T01:00:00Z,2\n"
      "2025-01-01T02:00:00Z,3\n"
      "2025-01-01T03:00:00Z,4\n"
      "2025-01-01T04:00:00Z,5\n"
      "2025-01-01T04:00:00Z,6\n";
  InputError e = input_error([&] { read_timeseries_csv_string(dup, "d.csv"); });
  EXPECT_EQ(e.path(), "line 7");
  EXPECT_EQ(e.detail(), "timestamp 2025-01-01T04:00:00Z is not after the previous one (duplicate of line 6)");
  // The same instant written in another offset is still a duplicate: 10:00+08:00 is 02:00Z.
  e = input_error(
      [] { read_timeseries_csv_string("time,v\n2025-01-01T02:00Z,1\n2025-01-01T10:00+08:00,2\n", "d.csv"); });
  EXPECT_EQ(e.path(), "line 3");
  EXPECT_NE(e.detail().find("duplicate of line 2"), std::string::npos) << e.detail();
  e = input_error([] { read_timeseries_csv_string("time,v\n1735693200,1\n1735696800,2\n1735689600,3\n", "d.csv"); });
  EXPECT_EQ(e.path(), "line 4");
  EXPECT_EQ(e.detail(),
            "timestamp 2025-01-01T00:00:00Z is not after the previous one (2025-01-01T02:00:00Z on line 3: "
            "timestamps must increase)");
}

TEST(Csv, WrongFieldCountAndBadNumbers) {
  InputError e = input_error(
      [] { read_timeseries_csv_string("time,a,b\n2025-01-01T00:00Z,1,2\n2025-01-01T01:00Z,3\n", "f.csv"); });
  EXPECT_EQ(e.path(), "line 3");
  EXPECT_EQ(e.detail(), "expected 3 fields (as in the header), got 2");
  e = input_error([] { read_timeseries_csv_string("time,a\n2025-01-01T00:00Z,1,\n", "f.csv"); });
  EXPECT_EQ(e.detail(), "expected 2 fields (as in the header), got 3");
  e = input_error([] { read_timeseries_csv_string("time,a\n2025-01-01T00:00Z,1.5.2\n", "f.csv"); });
  EXPECT_EQ(e.detail(), "column \"a\": cannot read \"1.5.2\" as a number");
  e = input_error([] { read_timeseries_csv_string("time,a\n2025-01-01T00:00Z,1e999\n", "f.csv"); });
  EXPECT_EQ(e.detail(), "column \"a\": \"1e999\" is not a finite number");
  e = input_error([] { read_timeseries_csv_string("time,a\n2025-01-01T00:00Z,\"1\n", "f.csv"); });
  EXPECT_EQ(e.path(), "line 2");
  e = input_error([] { read_timeseries_csv_string("time,a,a\n2025-01-01T00:00Z,1,2\n", "f.csv"); });
  EXPECT_EQ(e.path(), "line 1");
  EXPECT_EQ(e.detail(), "duplicate column name \"a\"");
}

TEST(Csv, EmptyFilesAndUnknownColumns) {
  InputError e = input_error([] { read_timeseries_csv_string("", "e.csv"); });
  EXPECT_EQ(e.file(), "e.csv");
  EXPECT_EQ(e.detail(), "empty file: no header row");
  e = input_error([] { read_timeseries_csv_string("time,v\r\n\r\n", "e.csv"); });
  EXPECT_EQ(e.detail(), "no data rows after the header");
  const std::string empty = temp_csv("empty.csv", "");
  e = input_error([&] { read_timeseries_csv(empty); });
  EXPECT_EQ(e.file(), empty);
  std::filesystem::remove(empty);
  e = input_error([] { read_timeseries_csv("/nonexistent/x.csv"); });
  EXPECT_EQ(e.file(), "/nonexistent/x.csv");
  EXPECT_EQ(e.detail().rfind("cannot open", 0), 0u);

  const auto t = read_timeseries_csv_string("time,a,b\n2025-01-01T00:00Z,1,2\n2025-01-01T01:00Z,3,4\n", "u.csv");
  e = input_error([&] { t.series("c"); });
  EXPECT_EQ(e.file(), "u.csv");
  EXPECT_EQ(e.detail(), "no column \"c\" (columns: a, b)");
  EXPECT_EQ(t.column_index("b"), 1u);
}

TEST(Csv, GridDetection) {
  // Irregular spacing (15 then 30 minutes): no grid, and series() explains where.
  const auto irregular =
      read_timeseries_csv_string("time,v\n2025-01-01T00:00Z,1\n2025-01-01T00:15Z,2\n2025-01-01T00:45Z,3\n", "g.csv");
  EXPECT_FALSE(irregular.grid().has_value());
  const InputError e = input_error([&] { irregular.series("v"); });
  EXPECT_NE(e.detail().find("spacing changes at line 4"), std::string::npos) << e.detail();
  // A 10-minute step is regular but not a supported step.
  EXPECT_FALSE(read_timeseries_csv_string("time,v\n0,1\n600,2\n1200,3\n", "").grid().has_value());
  // One row cannot define a step.
  EXPECT_FALSE(read_timeseries_csv_string("time,v\n0,1\n", "").grid().has_value());
  // A day of 15-minute data: 96 rows, 24 kWh when the power is 1 kW throughout.
  std::string day = "time,p_kw\n";
  for (int i = 0; i < 96; ++i) day += std::to_string(kJan1st2025 + i * 900LL) + ",1\n";
  const auto t = read_timeseries_csv_string(day, "");
  ASSERT_TRUE(t.grid().has_value());
  EXPECT_EQ(t.grid()->size(), 96);
  EXPECT_EQ(t.grid()->step_minutes(), 15);
  EXPECT_DOUBLE_EQ(t.series("p_kw").total_kwh(), 24.0);
}

TEST(Csv, OptionsAreValidated) {
  CsvOptions o;
  o.delimiter = '"';
  EXPECT_EQ(input_error([&] { o.validate(); }).path(), "delimiter");
  o = CsvOptions{};
  o.default_utc_offset_minutes = 20 * 60;
  EXPECT_EQ(input_error([&] { read_timeseries_csv_string("t,v\n0,1\n", "", o); }).path(), "default_utc_offset_minutes");
}

}  // namespace
