// Why a model is infeasible: a re-solve with penalised slacks on the balances and hard
// constraints, described in words per bus and run of steps.
#include "ehub/dispatch/dispatch.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <memory>

#include "ehub/core/error.hpp"
#include "ehub/hub/builder.hpp"
#include "model.hpp"

namespace ehub::dispatch {
namespace detail {

// Groups positive per-step values into "<what> X kWh <from>-<to>" lines in local time.
void describe_runs(const Built& B, const std::vector<double>& kw, const std::string& what, std::vector<std::string>& out) {
  const auto& g = B.sc->grid;
  const int off = B.sc->utc_offset_minutes;
  std::int64_t t = 0;
  while (t < g.size()) {
    if (kw[static_cast<std::size_t>(t)] <= 1e-6) {
      ++t;
      continue;
    }
    std::int64_t u = t;
    double kwh = 0;
    while (u < g.size() && kw[static_cast<std::size_t>(u)] > 1e-6) kwh += kw[static_cast<std::size_t>(u++)] * g.step_hours();
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.1f", kwh);
    out.push_back(what + ": " + buf + " kWh from " + g.time_iso(t, off) + " to " + format_iso8601(g.time_unix_s(u), off));
    t = u;
  }
}

// Re-solves with penalised slack on every balance row and hard constraint and explains which bus
// or constraint is short, when and by how much.
std::vector<std::string> diagnose(const Built& B, const lp::Model& m, const Options& o,
                                  const std::vector<std::pair<std::int32_t, std::string>>& hard_rows) {
  const auto n = static_cast<std::int32_t>(B.sc->grid.size());
  const auto& buses = B.sc->hub.buses();
  // Slacks enter as new columns; rows are CSR, so the rows are copied with the slack added. Only
  // the slacks are priced: the question is feasibility, not cost.
  lp::Model s;
  s.reserve(m.num_vars() + 2 * m.num_rows(), m.num_rows(), m.num_nonzeros() + 2 * m.num_rows());
  for (std::int32_t j = 0; j < m.num_vars(); ++j)
    s.add_var(m.col_lower()[static_cast<std::size_t>(j)], m.col_upper()[static_cast<std::size_t>(j)], 0.0,
              o.relax_integers ? lp::VarType::continuous : m.col_type()[static_cast<std::size_t>(j)]);
  std::vector<char> relaxable(static_cast<std::size_t>(m.num_rows()), 0);
  for (std::size_t k = 0; k < buses.size(); ++k)
    std::fill_n(relaxable.begin() + B.balance_first_row[k], n, 1);
  for (const auto& [row, name] : hard_rows) relaxable[static_cast<std::size_t>(row)] = 1;
  std::vector<std::pair<std::int32_t, std::int32_t>> slack(static_cast<std::size_t>(m.num_rows()), {-1, -1});
  for (std::int32_t i = 0; i < m.num_rows(); ++i)
    if (relaxable[static_cast<std::size_t>(i)]) slack[static_cast<std::size_t>(i)] = {s.add_var(0, kInf, 1.0), s.add_var(0, kInf, 1.0)};
  for (std::int32_t i = 0; i < m.num_rows(); ++i) {
    const auto ii = static_cast<std::size_t>(i);
    s.begin_row(m.row_lower()[ii], m.row_upper()[ii]);
    for (auto p = m.row_start()[ii]; p < m.row_start()[ii + 1]; ++p)
      s.add_term(m.col_index()[static_cast<std::size_t>(p)], m.values()[static_cast<std::size_t>(p)]);
    if (slack[ii].first >= 0) {
      s.add_term(slack[ii].first, 1.0);    // shortage: supply from nowhere
      s.add_term(slack[ii].second, -1.0);  // surplus: demand into nowhere
    }
  }
  const auto sr = run_solver(s, o);
  std::vector<std::string> out;
  if (!lp::has_solution(sr.status)) {
    out.push_back("no feasible schedule even with slack on every balance and hard constraint (" +
                  std::string(lp::to_string(sr.status)) + "): a device's own limits contradict each other");
    return out;
  }
  const double dt = B.sc->grid.step_hours();
  for (std::size_t k = 0; k < buses.size(); ++k) {
    std::vector<double> short_kw(static_cast<std::size_t>(n)), surplus_kw(static_cast<std::size_t>(n));
    for (std::int32_t t = 0; t < n; ++t) {
      const auto& sl = slack[static_cast<std::size_t>(B.balance_first_row[k] + t)];
      short_kw[static_cast<std::size_t>(t)] = sr.x[static_cast<std::size_t>(sl.first)];
      surplus_kw[static_cast<std::size_t>(t)] = sr.x[static_cast<std::size_t>(sl.second)];
    }
    const std::string bus = std::string(hub::to_string(buses[k].carrier)) + " bus '" + buses[k].name + "'";
    describe_runs(B, short_kw, bus + " short (demand above what its devices can supply)", out);
    describe_runs(B, surplus_kw, bus + " surplus (supply that nothing can take)", out);
  }
  for (const auto& [row, name] : hard_rows) {
    const auto& sl = slack[static_cast<std::size_t>(row)];
    const double v = sr.x[static_cast<std::size_t>(sl.first)] + sr.x[static_cast<std::size_t>(sl.second)];
    if (v > 1e-6) {
      char buf[160];
      std::snprintf(buf, sizeof buf, "%s cannot be met: missing %.6g (in the constraint's units, kWh or kg)",
                    name.c_str(), v / (name == "min_green_share" ? dt : 1.0));
      out.push_back(buf);
    }
  }
  if (out.empty()) out.push_back("the slack re-solve found no shortage; the infeasibility lies in integer restrictions");
  return out;
}

}  // namespace detail

}  // namespace ehub::dispatch
