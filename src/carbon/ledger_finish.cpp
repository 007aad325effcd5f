// The ledger's results: scores, emissions (Scope 1, Scope 2 location and market), the GEC view
// and the invariant checks.
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

void Run::finish() {
  Steps& S = L.steps;
  Totals& T = L.totals;
  // Stored at the end: the remaining ranges of green lots.
  double stored_end = 0;
  for (std::size_t k = 0; k < stores.size(); ++k) {
    Store& s = stores[k];
    for (auto& lot : s.green) {
      stored_end += lot.content;
      s.rep.end_green_kwh += lot.content;
      lots[static_cast<std::size_t>(lot.rec)].end_kwh = lot.content;
      RawBundle b;
      b.first = lot.front;
      b.end = lot.end;
      b.units = lot.content;
      b.production_step = lot.charge_step;
      b.release_step = -1;
      b.storage = static_cast<std::int32_t>(k);
      b.lot = lot.rec;
      b.status = Status::stored;
      add_raw(b);
    }
    for (auto& lot : s.grey) {
      s.rep.end_grey_kwh += lot.content;
      lots[static_cast<std::size_t>(lot.rec)].end_kwh = lot.content;
    }
  }
  auto sum = [](const std::vector<double>& v) { return std::accumulate(v.begin(), v.end(), 0.0); };
  const double issued_on = sum(S.produced), issued_con = sum(S.contracted);
  const double issued = issued_on + issued_con;
  const double matched = sum(S.matched), exported = sum(S.exported), expired = sum(S.expired);
  // Conservation, CERTIFICATES.md: issued = matched + stored at end + exported + lost + expired.
  const double rhs = matched + stored_end + exported + lost_total + expired;
  const double slack = q.wh ? 0.0 : 1e-9 * std::max(1.0, issued);
  if (std::abs(issued - rhs) > slack)
    internal("issued " + num(q.to_kwh(issued)) + " kWh != matched " + num(q.to_kwh(matched)) + " + stored " +
             num(q.to_kwh(stored_end)) + " + exported " + num(q.to_kwh(exported)) + " + lost " +
             num(q.to_kwh(lost_total)) + " + expired " + num(q.to_kwh(expired)));
  const double tiny = q.wh ? 0.0 : 1e-9;
  for (std::size_t t = 0; t < n; ++t) {
    if (S.matched[t] < -tiny || S.matched[t] > S.consumption[t] * (1 + 1e-12) + tiny)
      internal("M_t outside [0, L_t] at step " + std::to_string(t));
    if (S.consumption[t] > 0 && (S.cfe[t] < -1e-12 || S.cfe[t] > 1 + 1e-12))
      internal("cfe_t = " + num(S.cfe[t]) + " outside [0, 1] at step " + std::to_string(t));
  }
  // Every record in one terminal state; the status sums equal the totals; time order holds.
  if (opt.records) {
    double by[6] = {0, 0, 0, 0, 0, 0};
    for (const auto& b : raw) {
      by[static_cast<int>(b.status)] += b.units;
      if (b.origin == Origin::storage_discharge && !(b.production_step < b.release_step))
        internal("storage-discharge bundle released in step " + std::to_string(b.release_step) +
                 " from a lot charged in step " + std::to_string(b.production_step));
      if (b.status == Status::issued) internal("a bundle was left in status issued");
    }
    auto close = [&](double a, double b) { return std::abs(a - b) <= (q.wh ? 0.0 : 1e-9 * std::max(1.0, issued)); };
    if (!close(by[static_cast<int>(Status::matched)], matched) || !close(by[static_cast<int>(Status::exported)], exported) ||
        !close(by[static_cast<int>(Status::expired)], expired) || !close(by[static_cast<int>(Status::lost)], lost_total) ||
        !close(by[static_cast<int>(Status::stored)], stored_end))
      internal("bundle records do not add up to the totals");
  }

  // Convert to kWh and ids.
  const double k_ids = q.ids_per_unit();
  const std::int64_t issued_ids = std::llround(issued * k_ids);
  if (opt.records) {
    L.bundles.reserve(raw.size());
    for (const auto& r : raw) {
      Bundle b;
      if (r.origin == Origin::storage_discharge) {
        b.id_first = issued_ids + std::llround(r.first * k_ids);
        b.id_end = issued_ids + std::llround(r.end * k_ids);
        b.parent_first = std::llround(r.pfirst * k_ids);
        b.parent_end = std::llround(r.pend * k_ids);
      } else {
        b.id_first = std::llround(r.first * k_ids);
        b.id_end = std::llround(r.end * k_ids);
      }
      b.kwh = q.to_kwh(r.units);
      b.production_step = r.production_step;
      b.release_step = r.release_step;
      b.storage = r.storage;
      b.lot = r.lot;
      b.efficiency = r.efficiency;
      b.origin = r.origin;
      b.status = r.status;
      L.bundles.push_back(b);
    }
    for (auto& l : lots) {
      l.charged_kwh = q.to_kwh(l.charged_kwh);
      l.stored_kwh = q.to_kwh(l.stored_kwh);
      l.removed_kwh = q.to_kwh(l.removed_kwh);
      l.delivered_kwh = q.to_kwh(l.delivered_kwh);
      l.lost_kwh = q.to_kwh(l.lost_kwh);
      l.end_kwh = q.to_kwh(l.end_kwh);
    }
    L.lots = std::move(lots);
  }
  for (auto* v : {&S.consumption, &S.produced, &S.contracted, &S.direct, &S.storage_green, &S.storage_grey,
                  &S.unmatched, &S.matched, &S.charged_green, &S.charged_grey, &S.exported, &S.expired, &S.lost,
                  &S.import_kwh, &S.export_kwh})
    for (auto& x : *v) x = q.to_kwh(x);
  for (auto& x : L.producer_kwh) x = q.to_kwh(x);
  for (auto& s : stores) {
    StorageReport& r = s.rep;
    for (double* x : {&r.green_in_kwh, &r.green_out_kwh, &r.grey_out_kwh, &r.lost_kwh, &r.grey_lost_kwh, &r.unbacked_kwh,
                      &r.end_green_kwh, &r.end_grey_kwh})
      *x = q.to_kwh(*x);
    for (auto& x : r.green_kwh) x = q.to_kwh(x);
    for (auto& x : r.grey_kwh) x = q.to_kwh(x);
    L.storages.push_back(std::move(r));
  }

  // Totals and scores.
  T.issued_kwh = q.to_kwh(issued);
  T.issued_onsite_kwh = q.to_kwh(issued_on);
  T.issued_contracted_kwh = q.to_kwh(issued_con);
  T.matched_kwh = sum(S.matched);
  T.matched_direct_kwh = sum(S.direct);
  T.matched_storage_kwh = sum(S.storage_green);
  T.matched_contracted_kwh = q.to_kwh(T.matched_contracted_kwh);
  T.exported_kwh = sum(S.exported);
  T.expired_kwh = sum(S.expired);
  T.storage_loss_kwh = q.to_kwh(lost_total);
  T.stored_end_kwh = q.to_kwh(stored_end);
  T.consumption_kwh = sum(S.consumption);
  T.unmatched_kwh = sum(S.unmatched);
  T.grey_storage_kwh = sum(S.storage_grey);
  T.import_kwh = sum(S.import_kwh);
  T.export_kwh = sum(S.export_kwh);
  const double sold = opt.sell_exported_certificates ? T.exported_kwh : 0.0;
  T.kept_kwh = T.issued_kwh - T.storage_loss_kwh - sold + opt.purchased_certificates_kwh;
  const double matched_onsite = T.matched_kwh - T.matched_contracted_kwh;
  T.retired_against_imports_kwh = std::min(T.import_kwh, std::max(0.0, T.kept_kwh - matched_onsite));
  T.scope1_kg = sum(S.scope1_kg) + scope1_kg(in.gas_m3, in.diesel_kg, opt.fuel);
  T.scope2_location_kg = sum(S.scope2_location_kg);
  T.scope2_market_kg = sum(S.scope2_market_kg);
  // Hourly factor series: the annual figures and the report use their import-weighted mean.
  auto weighted = [&](const std::vector<double>& series, const char* what) {
    double w = 0, fw = 0, f = 0;
    for (std::size_t t = 0; t < n; ++t) {
      w += S.import_kwh[t];
      fw += S.import_kwh[t] * std::max(0.0, series[t]);
      f += std::max(0.0, series[t]);
    }
    EmissionFactor e;
    e.name = "series";
    e.kg_per_kwh = w > 0 ? fw / w : f / static_cast<double>(n);
    e.source = std::string("hourly ") + what + " series of the input (import-weighted mean shown)";
    return e;
  };
  if (!in.location_factor_kg_per_kwh.empty()) L.options.location_factor = weighted(in.location_factor_kg_per_kwh, "location factor");
  if (!in.residual_factor_kg_per_kwh.empty()) L.options.residual_factor = weighted(in.residual_factor_kg_per_kwh, "residual factor");
  const double not_covered = std::max(0.0, T.import_kwh - T.retired_against_imports_kwh);
  T.scope2_market_annual_kg = not_covered * L.options.residual_factor.kg_per_kwh;
  const EmissionFactor alt =
      L.options.alternative_residual_factor ? *L.options.alternative_residual_factor : L.options.location_factor;
  T.scope2_market_annual_alt_kg = not_covered * alt.kg_per_kwh;
  T.carbon_cost = (T.scope1_kg + T.scope2_market_kg) / 1000.0 * opt.carbon_price_per_t;
  const double Ltot = T.consumption_kwh;
  L.green_share_hourly = Ltot > 0 ? T.matched_kwh / Ltot : 0.0;
  L.green_share_annual = Ltot > 0 ? std::min(1.0, T.kept_kwh / Ltot) : 0.0;
  double cfe_w = 0;
  for (std::size_t t = 0; t < n; ++t)
    if (S.consumption[t] > 0) cfe_w += S.cfe[t] * S.consumption[t];
  L.cfe_score = Ltot > 0 ? cfe_w / Ltot : 0.0;

  // Months and hours of day (local calendar).
  std::vector<std::int32_t> hod;
  const auto mi = month_index(L.grid, L.utc_offset_minutes, &hod);
  std::array<double, 24> hm{}, hl{};
  for (std::size_t t = 0; t < n; ++t) {
    hm[static_cast<std::size_t>(hod[t])] += S.matched[t];
    hl[static_cast<std::size_t>(hod[t])] += S.consumption[t];
    if (L.months.empty() || L.months.back().year * 12 + L.months.back().month - 1 != mi[t]) {
      Month m;
      m.year = mi[t] / 12;
      m.month = mi[t] % 12 + 1;
      L.months.push_back(m);
    }
    Month& m = L.months.back();
    m.consumption_kwh += S.consumption[t];
    m.matched_kwh += S.matched[t];
    m.issued_kwh += S.produced[t] + S.contracted[t];
    m.kept_kwh += S.produced[t] + S.contracted[t] - S.lost[t] - (opt.sell_exported_certificates ? S.exported[t] : 0.0);
    m.import_kwh += S.import_kwh[t];
    m.scope1_kg += S.scope1_kg[t];
    m.scope2_location_kg += S.scope2_location_kg[t];
    m.scope2_market_kg += S.scope2_market_kg[t];
  }
  for (auto& m : L.months) {
    m.hourly_share = m.consumption_kwh > 0 ? m.matched_kwh / m.consumption_kwh : 0.0;
    m.volumetric_share = m.consumption_kwh > 0 ? std::min(1.0, m.kept_kwh / m.consumption_kwh) : 0.0;
  }
  for (std::size_t h = 0; h < 24; ++h) L.hour_of_day_share[h] = hl[h] > 0 ? hm[h] / hl[h] : kNaN;

  // GEC view of on-site producers (whole MWh per device and month).
  if (opt.gec) {
    for (std::size_t i = 0; i < L.producers.size(); ++i) {
      if (!L.on_site[i]) continue;
      std::vector<MonthlyProduction> months;
      const double* v = L.producer_kwh.data() + i * n;
      for (std::size_t t = 0; t < n; ++t) {
        if (months.empty() || months.back().year * 12 + months.back().month - 1 != mi[t])
          months.push_back({mi[t] / 12, mi[t] % 12 + 1, 0.0});
        months.back().kwh += v[t];
      }
      auto g = gec_bundles(L.producers[i], months);
      L.gec.insert(L.gec.end(), g.begin(), g.end());
    }
  }
}

}  // namespace ehub::carbon::detail
