// A dispatch-shaped synthetic LP shared by the benchmarks and the peer scripts in bench/peers/
// (which build the same rows with PuLP and linopy): per time step 40 variables (12 unit outputs,
// 4 storages x (charge, discharge, soc), 12 grid / auxiliary flows, 4 slacks) and 34 rows with
// 114 nonzeros; storage and ramp rows couple step t to step t-1 cyclically (step -1 is the last
// step, as for a cyclic end-of-horizon condition). 8,760 steps: 350,400 variables, 297,840 rows
// and 998,640 nonzeros.
#pragma once

#include <cmath>
#include <cstdint>

#include "ehub/lp/model.hpp"

namespace ehub::bench {

/// Load of step t in kW (the right-hand side of the four balances is a quarter of it each).
inline double dispatch_like_load_kw(std::int32_t t) { return 5000.0 + 2000.0 * std::sin(0.2618 * t); }
/// Grid price of auxiliary variable k (24..35) at step t in CNY/kWh.
inline double dispatch_like_price(std::int32_t t, int k) {
  static constexpr double kPrice[4] = {0.32, 0.42, 0.92, 1.35};
  return kPrice[(t / 6 + k) % 4];
}

/// Builds the dispatch-like model for `steps` time steps.
inline lp::Model build_dispatch_like(std::int32_t steps) {
  using lp::kInf;
  constexpr int kVars = 40, kRows = 34, kNnz = 114;
  lp::Model m;
  m.reserve(std::int64_t{steps} * kVars, std::int64_t{steps} * kRows, std::int64_t{steps} * kNnz);
  const lp::IndexRange all = m.add_vars(steps * kVars, 0.0, 4000.0);
  auto x = [&](std::int32_t t, int k) { return all[((t + steps) % steps) * kVars + k]; };
  for (std::int32_t t = 0; t < steps; ++t) {
    for (int k = 0; k < 12; ++k) m.set_obj(x(t, k), 0.3 + 0.05 * k);
    for (int k = 24; k < 36; ++k) m.set_obj(x(t, k), dispatch_like_price(t, k));
    for (int k = 36; k < 40; ++k) m.set_obj(x(t, k), 10.0);
    const double load = dispatch_like_load_kw(t);
    // 4 bus balances, 12 terms each (48 nonzeros).
    for (int b = 0; b < 4; ++b) {
      const int n = (3 * b + 3) % 12;  // the neighbouring group
      m.begin_row(load / 4, load / 4);
      for (int k = 0; k < 3; ++k) m.add_term(x(t, 3 * b + k), 1.0);       // 3 units
      m.add_term(x(t, 12 + 3 * b), -1.0);                                 // storage charge
      m.add_term(x(t, 12 + 3 * b + 1), 1.0);                              // storage discharge
      for (int k = 0; k < 3; ++k) m.add_term(x(t, 24 + 3 * b + k), 1.0);  // 3 grid/aux flows
      m.add_term(x(t, 36 + b), 1.0);                                      // slack
      m.add_term(x(t, 24 + n), -0.1);                                     // export share
      m.add_term(x(t, n), 0.05);                                          // conversion coupling
      m.add_term(x(t, 12 + n + 1), 0.02);                                 // neighbouring storage
    }
    // 4 storage rows, 4 terms each (16): soc_t - soc_{t-1} - 0.95 ch_t + dis_t / 0.95 = 0.
    for (int s = 0; s < 4; ++s) {
      m.begin_row(0.0, 0.0);
      m.add_term(x(t, 12 + 3 * s + 2), 1.0);
      m.add_term(x(t - 1, 12 + 3 * s + 2), -1.0);
      m.add_term(x(t, 12 + 3 * s), -0.95);
      m.add_term(x(t, 12 + 3 * s + 1), 1.0 / 0.95);
    }
    // 12 ranged ramp rows, 2 terms each (24): -1000 <= p_t - p_{t-1} <= 1000.
    for (int k = 0; k < 12; ++k) {
      m.begin_row(-1000.0, 1000.0);
      m.add_term(x(t, k), 1.0);
      m.add_term(x(t - 1, k), -1.0);
    }
    // 13 linking rows, 2 terms each (26): aux_k <= 2 p_k, and one cap on two grid flows.
    for (int k = 0; k < 12; ++k) {
      m.begin_row(-kInf, 0.0);
      m.add_term(x(t, 24 + k), 1.0);
      m.add_term(x(t, k), -2.0);
    }
    m.begin_row(-kInf, 9000.0);
    m.add_term(x(t, 24), 1.0);
    m.add_term(x(t, 25), 1.0);
  }
  return m;
}

}  // namespace ehub::bench
