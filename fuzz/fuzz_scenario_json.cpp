// Fuzzes the scenario reader: JSON text -> io::parse_json -> hub::scenario_from_json (every device
// factory, series resolution, network checks). CSV references resolve against a folder that does
// not exist, so the harness reads no files.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "ehub/hub/scenario.hpp"
#include "ehub/io/json.hpp"
#include "fuzz_common.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  ehub::fuzz::expect_input_errors_only([&] {
    const nlohmann::json j = ehub::io::parse_json(text, "fuzz.json");
    (void)ehub::hub::scenario_from_json(j, "fuzz.json", "/nonexistent-ehub-fuzz");
  });
  return 0;
}
