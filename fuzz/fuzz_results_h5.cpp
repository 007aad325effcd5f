// Fuzzes the result-HDF5 readers: the bytes are written to a file (HDF5 reads paths), which then
// goes through carbon::read_results_h5 (the `ehub certify` reader), io::read_series_h5 and a walk
// of every group, dataset and attribute with io::H5Reader that visits each object once.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <set>
#include <string>

#include "ehub/carbon/results_file.hpp"
#include "ehub/io/hdf5.hpp"
#include "fuzz_common.hpp"

namespace {

void walk(const ehub::io::H5Reader& r, const std::string& group, std::set<std::uint64_t>& seen, int depth) {
  if (depth > 64 || !seen.insert(r.object_address(group)).second) return;
  for (const auto& name : r.list(group)) {
    const std::string p = (group == "/" ? "" : group) + "/" + name;
    for (const char* a : {"kind", "carrier", "device_type", "unit", "format", "renewable", "step_minutes"}) {
      if (!r.has(p) || !r.has_attribute(p, a)) continue;
      ehub::fuzz::expect_input_errors_only([&] { (void)r.string_attribute(p, a); });
      ehub::fuzz::expect_input_errors_only([&] { (void)r.double_attribute(p, a); });
    }
    if (r.is_group(p)) walk(r, p, seen, depth + 1);
    else if (r.is_dataset(p)) ehub::fuzz::expect_input_errors_only([&] { (void)r.read_vector(p); });
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::string path = "/tmp/ehub-fuzz-results-" + std::to_string(::getpid()) + ".h5";
  if (std::FILE* f = std::fopen(path.c_str(), "wb")) {
    std::fwrite(data, 1, size, f);
    std::fclose(f);
  } else {
    return 0;
  }
  ehub::fuzz::expect_input_errors_only([&] { (void)ehub::carbon::read_results_h5(path); });
  ehub::fuzz::expect_input_errors_only([&] { (void)ehub::io::read_series_h5(path); });
  ehub::fuzz::expect_input_errors_only([&] {
    const ehub::io::H5Reader r(path);
    std::set<std::uint64_t> seen;
    walk(r, "/", seen, 0);
  });
  return 0;
}
