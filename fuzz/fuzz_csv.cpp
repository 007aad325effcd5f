// Fuzzes the time-series CSV reader (io::read_timeseries_csv_string) with the default options and,
// chosen by the first byte, the other missing-value and timestamp modes.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "ehub/io/csv.hpp"
#include "fuzz_common.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  ehub::io::CsvOptions o;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  if (!text.empty() && text.front() == '\x01') {  // a mode byte, then the CSV
    o.default_utc_offset_minutes = 480;
    text.remove_prefix(1);
  }
  ehub::fuzz::expect_input_errors_only([&] {
    const auto table = ehub::io::read_timeseries_csv_string(text, "fuzz.csv", o);
    for (const auto& c : table.columns) (void)table.series(c, ehub::SeriesKind::power);
  });
  return 0;
}
