// The ledger's steps: matching direct, green storage, grey storage and grid; take-in of the
// surplus; export and expiry (CERTIFICATES.md).
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

void Run::run() {
  const auto nP = in.producers.size();
  Steps& S = L.steps;
  for (auto* v : {&S.consumption, &S.produced, &S.contracted, &S.direct, &S.storage_green, &S.storage_grey, &S.unmatched,
                  &S.matched, &S.charged_green, &S.charged_grey, &S.exported, &S.expired, &S.lost, &S.cfe,
                  &S.grey_clean_share, &S.grid_clean_share, &S.import_kwh, &S.export_kwh, &S.scope1_kg,
                  &S.scope2_location_kg, &S.scope2_market_kg})
    v->assign(n, 0.0);

  // Producers: on-site first (their certificates are used first), then contracted.
  std::vector<std::size_t> order;
  for (std::size_t p = 0; p < nP; ++p)
    if (in.producers[p].on_site) order.push_back(p);
  const std::size_t n_on = order.size();
  for (std::size_t p = 0; p < nP; ++p)
    if (!in.producers[p].on_site) order.push_back(p);
  L.producer_kwh.assign(nP * n, 0.0);
  for (std::size_t i = 0; i < nP; ++i) {
    const Producer& pr = in.producers[order[i]];
    L.producers.push_back(pr.name);
    L.technologies.push_back(pr.technology);
    L.on_site.push_back(pr.on_site);
    L.issuers.push_back(pr.issuer);
    const auto u = to_units(pr.kwh, n, q);
    std::copy(u.begin(), u.end(), L.producer_kwh.begin() + static_cast<std::ptrdiff_t>(i * n));
    auto& dst = i < n_on ? S.produced : S.contracted;
    for (std::size_t t = 0; t < n; ++t) dst[t] += u[t];
  }
  const auto cons = to_units(in.consumption_kwh, n, q);
  const auto imp = to_units(in.import_kwh, n, q);
  const auto exp = to_units(in.export_kwh, n, q);
  // Step ranges and per-producer id starts.
  std::vector<double> step_first(n + 1, 0.0);
  for (std::size_t t = 0; t < n; ++t) step_first[t + 1] = step_first[t] + S.produced[t] + S.contracted[t];
  const double k_ids = q.ids_per_unit();
  if (opt.records) {
    L.producer_ids.assign(n * (nP + 1), 0);
    std::vector<double> off(step_first.begin(), step_first.end() - 1);
    for (std::size_t i = 0; i < nP; ++i) {
      const double* v = L.producer_kwh.data() + i * n;
      for (std::size_t t = 0; t < n; ++t) {
        L.producer_ids[t * (nP + 1) + i] = std::llround(off[t] * k_ids);
        off[t] += v[t];
      }
    }
    for (std::size_t t = 0; t < n; ++t) L.producer_ids[t * (nP + 1) + nP] = std::llround(step_first[t + 1] * k_ids);
  }
  prepare_stores();

  const double gas_f = opt.fuel.gas_kg_per_kwh(), diesel_f = opt.fuel.diesel_kg_per_kwh();
  std::vector<Portion> portions;
  for (std::size_t ts = 0; ts < n; ++ts) {
    const auto t = static_cast<std::int32_t>(ts);
    // 1. Standing loss on every lot (physical), applied to the content at the step's start.
    for (std::size_t k = 0; k < stores.size(); ++k) {
      Store& s = stores[k];
      if (s.losses != LossMode::physical || s.keep[ts] >= 1.0) continue;
      const double keep = s.keep[ts];
      for (auto& lot : s.green) {
        double kept = q.down(lot.content * keep);
        if (!q.wh && kept < 1e-12) kept = 0;
        lose_green(s, static_cast<std::int32_t>(k), lot, lot.content - kept, t);
        if (q.wh) s.rounding_budget += 1;
      }
      for (auto& lot : s.grey) {
        double kept = q.down(lot.content * keep);
        if (!q.wh && kept < 1e-12) kept = 0;
        lose_grey(s, lot, lot.content - kept);
        if (q.wh) s.rounding_budget += 1;
      }
      std::erase_if(s.green, [](const LotState& l) { return l.content <= 0; });
      std::erase_if(s.grey, [](const LotState& l) { return l.content <= 0; });
    }
    // 2. Releases (only lots charged in earlier steps exist at this point).
    portions.clear();
    double grey_units = 0, grey_clean = 0;
    for (std::size_t k = 0; k < stores.size(); ++k)
      release(stores[k], static_cast<std::int32_t>(k), t, portions, grey_units, grey_clean);
    double Sg = 0;
    for (const auto& p : portions) Sg += p.units;
    // 3. Matching.
    const double Lt = cons[ts], Pon = S.produced[ts], Pcon = S.contracted[ts];
    const double D = std::min(Lt, Pon + Pcon);
    const double Don = std::min(D, Pon), Dcon = D - Don;
    double rem = Lt - D;
    const double Sm = std::min(rem, Sg);
    rem -= Sm;
    const double R = std::min(rem, grey_units);
    rem -= R;
    const double U = std::max(0.0, rem);
    const double g_lot = grey_units > 0 ? grey_clean / grey_units : 0.0;
    const double g_t = in.grid_clean_share.empty() ? opt.grid_clean_share : std::clamp(in.grid_clean_share[ts], 0.0, 1.0);
    S.consumption[ts] = Lt;
    S.direct[ts] = D;
    S.storage_green[ts] = Sm;
    S.storage_grey[ts] = R;
    S.unmatched[ts] = U;
    S.matched[ts] = D + Sm;
    S.grey_clean_share[ts] = g_lot;
    S.grid_clean_share[ts] = g_t;
    S.cfe[ts] = Lt > 0 ? (D + Sm + g_lot * R + g_t * U) / Lt : kNaN;
    L.totals.matched_contracted_kwh += Dcon;
    const double first = step_first[ts];
    if (D > 0) {
      RawBundle b;
      b.first = first;
      b.end = first + D;
      b.units = D;
      b.production_step = b.release_step = t;
      b.status = Status::matched;
      add_raw(b);
    }
    // 4. Take-in of on-site certificates left in this step (contracted ones never enter storage).
    double avail = Pon - Don;
    double cursor = first + Don;
    double grey_charge = 0;
    const double loc_f = in.location_factor_kg_per_kwh.empty() ? opt.location_factor.kg_per_kwh
                                                               : std::max(0.0, in.location_factor_kg_per_kwh[ts]);
    for (std::size_t k = 0; k < stores.size(); ++k) {
      Store& s = stores[k];
      const double C = s.ch[ts];
      if (C <= 0) continue;
      double g;
      if (s.policy == Policy::schedule) {
        g = s.gc[ts];
        const auto where = [&] { return split_path(s.in->name, ".charge_kw", t); };
        if (g > C + s.tol)
          throw InputError(in.source, where(), "green charge " + num(q.to_kwh(g)) + " kWh exceeds the charge " + num(q.to_kwh(C)) + " kWh");
        if (g > avail + s.tol)
          throw InputError(in.source, where(),
                           "schedule split rejected: green direct use + green charge exceed the step's certificates (" +
                               num(q.to_kwh(g)) + " kWh green charge, " + num(q.to_kwh(avail)) +
                               " kWh of on-site certificates left after direct use)");
        g = std::min({g, C, avail});
      } else {
        g = std::min(C, avail);
      }
      const double y = C - g;
      const auto kk = static_cast<std::int32_t>(k);
      if (g > 0) {
        Lot rec;
        rec.storage = kk;
        rec.charge_step = t;
        rec.green = true;
        rec.charged_kwh = g;
        rec.clean_share = 1.0;
        rec.id_first = std::llround(cursor * k_ids);
        rec.id_end = std::llround((cursor + g) * k_ids);
        lots.push_back(rec);
        LotState ls;
        ls.rec = static_cast<std::int32_t>(lots.size() - 1);
        ls.seq = seq++;
        ls.charge_step = t;
        ls.green = true;
        ls.content = g;
        ls.front = cursor;
        ls.end = cursor + g;
        ls.clean_share = 1.0;
        cursor += g;
        avail -= g;
        s.rep.green_in_kwh += g;
        S.charged_green[ts] += g;
        if (s.losses == LossMode::physical) {
          const double stored = std::min(g, q.down(g * s.in->eta_charge));
          if (q.wh) s.rounding_budget += 1;
          lose_green(s, kk, ls, g - stored, t);
        }
        lots[static_cast<std::size_t>(ls.rec)].stored_kwh = ls.content;
        if (ls.content > 0) s.green.push_back(ls);
      }
      if (y > 0) {
        Lot rec;
        rec.storage = kk;
        rec.charge_step = t;
        rec.green = false;
        rec.charged_kwh = y;
        rec.clean_share = g_t;
        rec.factor_kg_per_kwh = loc_f;
        double stored = y;
        if (s.losses == LossMode::physical) {
          stored = std::min(y, q.down(y * s.in->eta_charge));
          if (q.wh) s.rounding_budget += 1;
          rec.lost_kwh = y - stored;
          s.rep.grey_lost_kwh += y - stored;
        }
        rec.stored_kwh = stored;
        lots.push_back(rec);
        if (stored > 0) {
          LotState ls;
          ls.rec = static_cast<std::int32_t>(lots.size() - 1);
          ls.seq = seq++;
          ls.charge_step = t;
          ls.content = stored;
          ls.clean_share = g_t;
          s.grey.push_back(ls);
        }
        grey_charge += y;
        S.charged_grey[ts] += y;
      }
    }
    // 5./6. Left-over certificates: exported when their energy was exported, else expired.
    double E = exp[ts];
    const double ex_on = std::min(avail, E);
    E -= ex_on;
    const double on_end = first + Pon;
    if (ex_on > 0) {
      RawBundle b;
      b.first = cursor;
      b.end = avail - ex_on > 0 ? cursor + ex_on : on_end;
      b.units = ex_on;
      b.production_step = b.release_step = t;
      b.status = Status::exported;
      add_raw(b);
      cursor = b.end;
    }
    double expired = avail - ex_on;
    if (expired > 0) {
      RawBundle b;
      b.first = cursor;
      b.end = on_end;
      b.units = expired;
      b.production_step = b.release_step = t;
      b.status = Status::expired;
      add_raw(b);
    }
    const double con_left = Pcon - Dcon;
    if (con_left > 0) {
      RawBundle b;
      b.first = Dcon > 0 ? first + D : on_end;  // the same offsets as the matched range's end
      b.end = step_first[ts + 1];
      b.units = con_left;
      b.production_step = b.release_step = t;
      b.status = Status::expired;
      add_raw(b);
      expired += con_left;
    }
    double exported = ex_on;
    // Storage-discharge bundles: matched first, then exported, then expired.
    double s_left = Sm;
    for (const auto& p : portions) {
      double left = p.units;
      double pf = p.pfirst;
      for (Status st : {Status::matched, Status::exported, Status::expired}) {
        if (left <= 0) break;
        double v;
        if (st == Status::matched) v = std::min(left, s_left), s_left -= v;
        else if (st == Status::exported) v = std::min(left, E), E -= v;
        else v = left;
        if (v <= 0) continue;
        left -= v;
        if (st == Status::exported) exported += v;
        if (st == Status::expired) expired += v;
        RawBundle b;
        b.first = reissued;
        b.end = reissued + v;
        reissued += v;
        b.pfirst = pf;
        b.pend = left > 0 ? std::min(p.pend, pf + v) : p.pend;
        pf = b.pend;
        b.units = v;
        b.production_step = p.production_step;
        b.release_step = t;
        b.storage = p.storage;
        b.lot = p.lot;
        b.efficiency = p.efficiency;
        b.origin = Origin::storage_discharge;
        b.status = st;
        add_raw(b);
      }
    }
    S.exported[ts] = exported;
    S.expired[ts] = expired;
    // Emissions.
    const double imp_kwh = q.to_kwh(imp[ts]);
    S.import_kwh[ts] = imp[ts];
    S.export_kwh[ts] = exp[ts];
    S.scope2_location_kg[ts] = imp_kwh * loc_f;
    const double res_f = in.residual_factor_kg_per_kwh.empty() ? opt.residual_factor.kg_per_kwh
                                                               : std::max(0.0, in.residual_factor_kg_per_kwh[ts]);
    S.scope2_market_kg[ts] = q.to_kwh(std::min(imp[ts], U + grey_charge)) * res_f;
    double s1 = 0;
    if (!in.gas_kwh.empty()) s1 += std::max(0.0, in.gas_kwh[ts]) * gas_f;
    if (!in.diesel_kwh.empty()) s1 += std::max(0.0, in.diesel_kwh[ts]) * diesel_f;
    S.scope1_kg[ts] = s1;
    // Storage contents at the step's end; physical lots must equal the recorded SOC.
    for (std::size_t k = 0; k < stores.size(); ++k) {
      Store& s = stores[k];
      double G = 0, Y = 0;
      for (const auto& l : s.green) G += l.content;
      for (const auto& l : s.grey) Y += l.content;
      s.rep.green_kwh[ts] = G;
      s.rep.grey_kwh[ts] = Y;
      if (s.losses == LossMode::physical && !s.in->soc_kwh.empty()) {
        const double soc = q.from_kwh(s.in->soc_kwh[ts]);
        if (std::abs(G + Y - soc) > s.tol + s.rounding_budget)
          throw InputError(in.source, "/states/" + s.in->name + ".soc_kwh",
                           "physical loss mode: the storage's lots hold " + num(q.to_kwh(G + Y)) +
                               " kWh at step " + std::to_string(t) + " (" + in.grid.time_iso(t, in.utc_offset_minutes) +
                               "), the recorded SOC is " + num(s.in->soc_kwh[ts]) +
                               " kWh: give the storage's efficiencies and standing loss (--scenario) or use "
                               "--losses metered for measured data");
      }
      if (s.policy == Policy::schedule && s.losses == LossMode::physical && !s.in->soc_green_kwh.empty()) {
        const double sg = q.from_kwh(s.in->soc_green_kwh[ts]);
        if (std::abs(G - sg) > s.tol + s.rounding_budget)
          throw InputError(in.source, "/states/" + s.in->name + ".soc_green_kwh",
                           "schedule split rejected: the green lots hold " + num(q.to_kwh(G)) + " kWh at step " +
                               std::to_string(t) + ", the recorded green SOC is " + num(s.in->soc_green_kwh[ts]) + " kWh");
      }
    }
  }
}

}  // namespace ehub::carbon::detail
