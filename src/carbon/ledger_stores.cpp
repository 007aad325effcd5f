// The ledger's storages: lots prepared from the input, standing losses on green and grey
// content, releases by policy (fifo, lifo, pro rata, the dispatch's schedule).
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

void Run::prepare_stores() {
  const double dt = in.grid.step_hours();
  std::vector<std::int32_t> months;
  stores.resize(in.storages.size());
  for (std::size_t k = 0; k < in.storages.size(); ++k) {
    const StorageInput& si = in.storages[k];
    Store& s = stores[k];
    s.in = &si;
    Policy p = si.policy ? *si.policy : opt.policy ? *opt.policy : (si.has_split() ? Policy::schedule : Policy::fifo);
    if (p == Policy::schedule && !si.has_split()) {
      L.notes.push_back("storage " + si.name +
                        ": no green/grey split in the input (/green/<storage>.charge_kw, .discharge_kw); "
                        "policy schedule falls back to fifo");
      p = Policy::fifo;
    }
    s.policy = p;
    s.losses = si.losses ? *si.losses : opt.losses;
    s.ch = to_units(si.charge_kwh, n, q);
    s.dis = to_units(si.discharge_kwh, n, q);
    if (p == Policy::schedule) {
      s.gc = to_units(si.green_charge_kwh, n, q);
      s.gd = to_units(si.green_discharge_kwh, n, q);
    }
    s.rep.name = si.name;
    s.rep.policy = p;
    s.rep.losses = s.losses;
    s.rep.eta_charge = s.losses == LossMode::physical ? si.eta_charge : 1.0;
    s.rep.eta_discharge = s.losses == LossMode::physical ? si.eta_discharge : 1.0;
    s.rep.green_kwh.assign(n, 0.0);
    s.rep.grey_kwh.assign(n, 0.0);
    double scale = 1.0;
    for (std::size_t t = 0; t < n; ++t) scale = std::max({scale, s.ch[t], s.dis[t]});
    for (double v : si.soc_kwh) scale = std::max(scale, q.from_kwh(v));
    s.tol = opt.tolerance * scale;
    if (s.losses == LossMode::physical) {
      s.keep.resize(n);
      for (std::size_t t = 0; t < n; ++t)
        s.keep[t] = std::min(1.0, si.standing_loss_per_step.empty() ? 1.0 - si.standing_loss_per_h * dt
                                                                   : 1.0 - si.standing_loss_per_step[t]);
    } else {
      s.eta_step.resize(n);
      if (si.metered_efficiency) {
        std::fill(s.eta_step.begin(), s.eta_step.end(), *si.metered_efficiency);
        s.rep.metered_efficiency.push_back(*si.metered_efficiency);
      } else {
        // eta = output / input over audit windows of metered_window_months local months.
        if (months.empty()) months = month_index(in.grid, in.utc_offset_minutes, nullptr);
        const std::int32_t m0 = months.empty() ? 0 : months[0];
        double prev = 1.0;
        std::size_t t = 0;
        while (t < n) {
          const std::int32_t w = (months[t] - m0) / opt.metered_window_months;
          std::size_t u = t;
          double sin = 0, sout = 0;
          while (u < n && (months[u] - m0) / opt.metered_window_months == w) {
            sin += s.ch[u];
            sout += s.dis[u];
            ++u;
          }
          double eta = sin > 0 && sout > 0 ? std::min(1.0, sout / sin) : prev;
          prev = eta;
          s.rep.metered_efficiency.push_back(eta);
          for (std::size_t v = t; v < u; ++v) s.eta_step[v] = eta;
          t = u;
        }
      }
    }
    // Content at the start: given, or from the recorded SOC of step 0, else empty.
    double init = 0;
    if (si.initial_kwh) {
      init = q.down(q.from_kwh(*si.initial_kwh));
    } else if (!si.soc_kwh.empty()) {
      const double soc0 = q.from_kwh(si.soc_kwh[0]);
      if (s.losses == LossMode::physical) {
        const double keep0 = s.keep.empty() ? 1.0 : s.keep[0];
        init = keep0 > 0 ? (soc0 - si.eta_charge * s.ch[0] + s.dis[0] / si.eta_discharge) / keep0 : 0.0;
      } else {
        init = soc0 + s.dis[0] / s.eta_step[0] - s.ch[0];
      }
      init = std::max(0.0, q.down(init));
      if (init <= s.tol) init = 0;
    }
    if (init > 0) {
      Lot rec;
      rec.storage = static_cast<std::int32_t>(k);
      rec.charge_step = -1;
      rec.green = false;
      rec.charged_kwh = init;
      rec.stored_kwh = init;
      rec.clean_share = si.initial_clean_share;
      lots.push_back(rec);
      LotState ls;
      ls.rec = static_cast<std::int32_t>(lots.size() - 1);
      ls.seq = seq++;
      ls.charge_step = -1;
      ls.content = init;
      ls.clean_share = si.initial_clean_share;
      s.grey.push_back(ls);
    }
  }
}

// Takes up to r units from one lot, delivering r x eta (rounded down in Wh mode, at most
// deliver_cap). Returns the units actually delivered.
double Run::take_from(Store& s, std::int32_t k, LotState& lot, double r, double eta, std::int32_t t,
                      std::vector<Portion>& portions, double& grey_units, double& grey_clean, double deliver_cap) {
  r = std::min(r, lot.content);
  if (r <= 0) return 0.0;
  double d = std::min(deliver_cap, q.down(r * eta));
  if (q.wh) s.rounding_budget += 1;
  d = std::max(0.0, std::min(d, r));
  Lot& rec = lots[static_cast<std::size_t>(lot.rec)];
  rec.removed_kwh += r;
  rec.delivered_kwh += d;
  if (lot.green) {
    const double content_before = lot.content;
    const auto [a, b] = take(lot, r);
    // The first d units are re-issued, the rest is lost (its own record).
    const double mid = r >= content_before ? std::min(b, a + d) : a + d;
    portions.push_back({k, lot.rec, lot.charge_step, a, mid, d, eta});
    const double lost = r - d;
    if (lost > 0) {
      rec.lost_kwh += lost;
      s.rep.lost_kwh += lost;
      lost_total += lost;
      L.steps.lost[static_cast<std::size_t>(t)] += lost;
      RawBundle lb;
      lb.first = mid;
      lb.end = b;
      lb.units = lost;
      lb.production_step = lot.charge_step;
      lb.release_step = t;
      lb.storage = k;
      lb.lot = lot.rec;
      lb.status = Status::lost;
      lot.last_lost = add_raw(lb);
    }
    s.rep.green_out_kwh += d;
  } else {
    lot.content = r >= lot.content ? 0.0 : lot.content - r;
    rec.lost_kwh += r - d;
    s.rep.grey_lost_kwh += r - d;
    grey_units += d;
    grey_clean += d * lot.clean_share;
    s.rep.grey_out_kwh += d;
  }
  return d;
}

void Run::release(Store& s, std::int32_t k, std::int32_t t, std::vector<Portion>& portions, double& grey_units,
                  double& grey_clean) {
  const auto ts = static_cast<std::size_t>(t);
  const double X = s.dis[ts];
  if (X <= 0) return;
  const double eta = s.losses == LossMode::physical ? s.in->eta_discharge : s.eta_step[ts];
  double G = 0, Y = 0;
  for (const auto& l : s.green) G += l.content;
  for (const auto& l : s.grey) Y += l.content;
  double delivered = 0;
  auto from_deque = [&](std::deque<LotState>& dq, double r, bool newest_first) {
    while (r > 0 && !dq.empty()) {
      LotState& lot = newest_first ? dq.back() : dq.front();
      const double take_r = std::min(r, lot.content);
      delivered += take_from(s, k, lot, take_r, eta, t, portions, grey_units, grey_clean, X - delivered);
      r -= take_r;
      if (lot.content <= 0) {
        if (newest_first) dq.pop_back();
        else dq.pop_front();
      }
    }
  };
  const double need = q.up(X / eta);
  switch (s.policy) {
    case Policy::fifo:
    case Policy::lifo: {
      const bool newest = s.policy == Policy::lifo;
      double r = need;
      while (r > 0 && (!s.green.empty() || !s.grey.empty())) {
        bool use_green;
        if (s.green.empty()) use_green = false;
        else if (s.grey.empty()) use_green = true;
        else use_green = newest ? s.green.back().seq > s.grey.back().seq : s.green.front().seq < s.grey.front().seq;
        auto& dq = use_green ? s.green : s.grey;
        LotState& lot = newest ? dq.back() : dq.front();
        const double take_r = std::min(r, lot.content);
        delivered += take_from(s, k, lot, take_r, eta, t, portions, grey_units, grey_clean, X - delivered);
        r -= take_r;
        if (lot.content <= 0) {
          if (newest) dq.pop_back();
          else dq.pop_front();
        }
      }
      break;
    }
    case Policy::pro_rata: {
      const double total = G + Y;
      if (total <= 0) break;
      const double r = std::min(need, total);
      double rg = q.down(r * (G / total));
      rg = std::min(rg, G);
      const double ry = std::min(Y, r - rg);
      // The grey part carries the weighted-average clean share of the grey content.
      double gsum = 0;
      for (const auto& l : s.grey) gsum += l.content * l.clean_share;
      const double gavg = Y > 0 ? gsum / Y : 0.0;
      from_deque(s.green, rg, false);
      const double gu0 = grey_units, gc0 = grey_clean;
      from_deque(s.grey, ry, false);
      grey_clean = gc0 + (grey_units - gu0) * gavg;
      break;
    }
    case Policy::schedule: {
      const double Xg = s.gd[ts];
      const auto where = [&] { return split_path(s.in->name, ".discharge_kw", t); };
      if (Xg > X + s.tol)
        throw InputError(in.source, where(),
                         "green discharge " + num(q.to_kwh(Xg)) + " kWh exceeds the discharge " + num(q.to_kwh(X)) + " kWh");
      const double rg = q.up(std::min(Xg, X) / eta);
      // Whole-Wh lots drift below the dispatch's real-valued content by < 1 Wh per rounding.
      if (rg > G + s.tol + s.rounding_budget)
        throw InputError(in.source, where(),
                         "schedule split rejected: green discharge " + num(q.to_kwh(Xg)) + " kWh needs " +
                             num(q.to_kwh(rg)) + " kWh of green content, the storage holds " + num(q.to_kwh(G)) +
                             " kWh green (at most " + num(q.to_kwh(G)) + " x " + num(eta) + " = " +
                             num(q.to_kwh(G * eta)) + " kWh green)");
      const double ry = q.up(std::max(0.0, X - Xg) / eta);
      if (ry > Y + s.tol + s.rounding_budget)
        throw InputError(in.source, where(),
                         "schedule split rejected: grey discharge " + num(q.to_kwh(X - Xg)) + " kWh needs " +
                             num(q.to_kwh(ry)) + " kWh of grey content, the storage holds " + num(q.to_kwh(Y)) +
                             " kWh grey");
      from_deque(s.green, std::min(rg, G), false);
      from_deque(s.grey, std::min(ry, Y), false);
      break;
    }
  }
  // Discharge no lot covers (data the loss model does not explain, or Wh rounding) is grey with
  // clean share 0; floating-point dust of the kWh mode is ignored.
  const double unbacked = X - delivered;
  if (unbacked > (q.wh ? 0.0 : 1e-12 * std::max(1.0, X))) {
    s.rep.unbacked_kwh += unbacked;
    grey_units += unbacked;
  }
}

}  // namespace ehub::carbon::detail
