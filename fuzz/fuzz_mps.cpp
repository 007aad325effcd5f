// Fuzzes the MPS reader (lp::read_mps_string); a model it accepts goes through the MPS and LP
// writers, is read back, and, when small, is solved with Clp (LP) or Cbc (MILP): huge values that
// made Clp abort must be refused before they reach a backend (docs/lp.md). ehub has no LP-format
// reader; the LP writer runs on every model read.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "ehub/lp/lp_format.hpp"
#include "ehub/lp/mps.hpp"
#include "ehub/lp/solver.hpp"
#include "fuzz_common.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  ehub::fuzz::expect_input_errors_only([&] {
    const ehub::lp::Model m = ehub::lp::read_mps_string(text, "fuzz.mps");
    const std::string mps = ehub::lp::to_mps_string(m);
    (void)ehub::lp::read_mps_string(mps, "round-trip.mps");
    (void)ehub::lp::to_lp_string(m);
    if (m.num_vars() <= 40 && m.num_rows() <= 40 && m.num_nonzeros() <= 400) {
      ehub::lp::SolveOptions o;
      o.time_limit_s = 2;
      (void)ehub::lp::solve(m, m.num_integers() > 0 ? "cbc" : "clp", o);
    }
  });
  return 0;
}
