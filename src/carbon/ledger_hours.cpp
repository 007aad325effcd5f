// Sub-hourly input pooled into hours (Options::pool_hours): energies summed, intensive values
// averaged.
#include "ehub/carbon/ledger.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <deque>
#include <limits>
#include <numeric>

#include "ehub/core/error.hpp"
#include "ehub/io/json.hpp"
#include "ledger_run.hpp"

namespace ehub::carbon::detail {

// Sub-hourly input pooled into hours: energies summed, intensive values averaged.
Input pool_to_hours(const Input& in, Ledger& L) {
  Input out;
  out.grid = in.grid.with_step(60);
  const auto f = static_cast<std::size_t>(60 / in.grid.step_minutes());
  const std::size_t n = static_cast<std::size_t>(out.grid.size());
  auto sum = [&](const std::vector<double>& v) {
    if (v.empty()) return v;
    std::vector<double> r(n, 0.0);
    for (std::size_t i = 0; i < v.size(); ++i) r[i / f] += v[i];
    return r;
  };
  auto mean = [&](const std::vector<double>& v) {
    auto r = sum(v);
    for (auto& x : r) x /= static_cast<double>(f);
    return r;
  };
  out.utc_offset_minutes = in.utc_offset_minutes;
  out.consumption_kwh = sum(in.consumption_kwh);
  for (const auto& p : in.producers) {
    Producer q = p;
    q.kwh = sum(p.kwh);
    out.producers.push_back(std::move(q));
  }
  const double dt = in.grid.step_hours();
  for (const auto& s : in.storages) {
    StorageInput q = s;
    // Charge and discharge of the same hour are netted: a lot charged in an hour could not serve
    // a discharge of that hour, and the dispatch's split belongs to the native steps.
    q.charge_kwh = sum(s.charge_kwh);
    q.discharge_kwh = sum(s.discharge_kwh);
    for (std::size_t h = 0; h < n; ++h) {
      const double net = q.discharge_kwh[h] - q.charge_kwh[h];
      q.discharge_kwh[h] = std::max(0.0, net);
      q.charge_kwh[h] = std::max(0.0, -net);
    }
    q.green_charge_kwh.clear();
    q.green_discharge_kwh.clear();
    L.notes.push_back("storage " + s.name + ": charge and discharge netted within each hour; " +
                      (s.has_split() ? "the dispatch's green split is not used when pooling" : "no green split"));
    // Standing loss per hour: the product of the steps' keeps.
    std::vector<double> loss(n, 0.0);
    for (std::size_t h = 0; h < n; ++h) {
      double keep = 1;
      for (std::size_t i = h * f; i < (h + 1) * f; ++i)
        keep *= s.standing_loss_per_step.empty() ? 1.0 - s.standing_loss_per_h * dt : 1.0 - s.standing_loss_per_step[i];
      loss[h] = 1.0 - keep;
    }
    q.standing_loss_per_step = std::move(loss);
    if (!q.initial_kwh && !s.soc_kwh.empty()) {
      const double keep0 = s.standing_loss_per_step.empty() ? 1.0 - s.standing_loss_per_h * dt : 1.0 - s.standing_loss_per_step[0];
      q.initial_kwh = std::max(0.0, (s.soc_kwh[0] - s.eta_charge * s.charge_kwh[0] + s.discharge_kwh[0] / s.eta_discharge) /
                                        std::max(keep0, 1e-12));
    }
    q.soc_kwh.clear();
    q.soc_green_kwh.clear();
    out.storages.push_back(std::move(q));
  }
  out.import_kwh = sum(in.import_kwh);
  out.export_kwh = sum(in.export_kwh);
  out.grid_clean_share = mean(in.grid_clean_share);
  out.location_factor_kg_per_kwh = mean(in.location_factor_kg_per_kwh);
  out.residual_factor_kg_per_kwh = mean(in.residual_factor_kg_per_kwh);
  out.gas_kwh = sum(in.gas_kwh);
  out.diesel_kwh = sum(in.diesel_kwh);
  out.gas_m3 = in.gas_m3;
  out.diesel_kg = in.diesel_kg;
  out.source = in.source;
  L.notes.push_back("steps of " + std::to_string(in.grid.step_minutes()) +
                    " min pooled into hours; recorded SOC not checked");
  return out;
}

}  // namespace ehub::carbon::detail
