// The certificate ledger (CERTIFICATES.md): per step, storage standing losses, releases by policy,
// matching (direct, green storage, grey storage, grid), take-in of the surplus, export/expiry of
// what is left; then scores, emissions, GEC view and the invariant checks.
//
// Quantities run in "units": kWh (double) or, with integer_wh, whole Wh held exactly in doubles.
// Certificates of a step occupy a contiguous range of offsets [first, first + P_t) ordered by
// producer (on-site first); every use consumes that range from the front, and a green lot keeps
// a contiguous sub-range that losses and releases consume from its front. Ids are those offsets
// in Wh, so bundles tile the id space and lineage is a pair of ids.
#include "ehub/carbon/ledger.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <deque>
#include <limits>
#include <numeric>

#include "ehub/core/error.hpp"
#include "ehub/io/json.hpp"

namespace ehub::carbon {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

[[noreturn]] void internal(const std::string& what) {
  std::string msg = "[ehub.internal] certificate ledger invariant violated: ";
  msg += what;
  msg += " (this is a bug in ehub; please report it with the input)";
  throw Error("ehub.internal", msg);
}

std::string num(double v) { return io::format_number(v); }

// Rounding of the integer-Wh mode: floor / ceil with a tolerance for binary representation
// (0.95 x 100000 is 94999.99999999999 in binary); identity in kWh mode.
struct Quant {
  bool wh = false;
  double down(double x) const { return wh ? std::floor(x + 1e-7) : x; }
  double up(double x) const { return wh ? std::ceil(x - 1e-7) : x; }
  double to_kwh(double u) const { return wh ? u / 1000.0 : u; }
  double from_kwh(double k) const { return wh ? k * 1000.0 : k; }
  double ids_per_unit() const { return wh ? 1.0 : 1000.0; }
};

// kWh series -> units; in Wh mode each value is floored and the remainder carried to the next.
std::vector<double> to_units(const std::vector<double>& kwh, std::size_t n, const Quant& q) {
  std::vector<double> out(n, 0.0);
  if (kwh.empty()) return out;
  if (!q.wh) {
    for (std::size_t i = 0; i < n; ++i) out[i] = std::max(0.0, kwh[i]);  // -1e-15 of float dust is 0
    return out;
  }
  double carry = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const double x = kwh[i] * 1000.0 + carry;
    const double v = std::max(0.0, q.down(x));
    carry = x - v;
    out[i] = v;
  }
  return out;
}

void check_series(const std::vector<double>& v, std::size_t n, const std::string& path, bool optional, double lo,
                  double hi) {
  if (v.empty() && optional) return;
  if (v.size() != n)
    throw InputError("", path, "has " + std::to_string(v.size()) + " values, the grid has " + std::to_string(n) + " steps");
  // Energies may carry floating-point dust below 0 (-1e-15 from a subtraction): accepted as 0.
  const double lo_ok = lo == 0 ? -1e-9 : lo;
  for (std::size_t i = 0; i < n; ++i)
    if (!std::isfinite(v[i]) || v[i] < lo_ok || v[i] > hi) {
      std::string d = "must be in [" + num(lo) + ", " + num(hi) + "], got " + num(v[i]);
      if (hi == std::numeric_limits<double>::max()) d = "must be a finite number >= " + num(lo) + ", got " + num(v[i]);
      throw InputError("", path + "/" + std::to_string(i), d);
    }
}

// ---------------------------------------------------------------------------------------------
// Internal records with offsets (double) before ids are assigned.
struct RawBundle {
  double first = 0, end = 0;    // production offsets (origin production) or re-issue offsets
  double pfirst = -1, pend = -1;  // parent production offsets (storage discharge)
  double units = 0;
  std::int32_t production_step = -1, release_step = -1, storage = -1, lot = -1;
  double efficiency = 1.0;
  Origin origin = Origin::production;
  Status status = Status::issued;
};

struct LotState {
  std::int32_t rec = 0;     // index into the lot records
  std::int64_t seq = 0;     // creation order (fifo / lifo across colours)
  std::int32_t charge_step = -1;
  bool green = false;
  double content = 0;       // units held
  double front = 0, end = 0;  // green: remaining certificate offsets
  double clean_share = 0;
  std::int32_t last_lost = -1;  // raw bundle of the last loss, to merge contiguous losses
};

struct Store {
  const StorageInput* in = nullptr;
  Policy policy = Policy::fifo;
  LossMode losses = LossMode::physical;
  std::vector<double> ch, dis, gc, gd;  // units
  std::vector<double> keep;             // physical: content kept over each step
  std::vector<double> eta_step;         // metered: factor per step
  std::deque<LotState> green, grey;
  double tol = 0;                       // units
  double rounding_budget = 0;           // Wh mode: floors applied (each loses < 1 Wh)
  StorageReport rep;
};

// A release portion: part of a green lot delivered in this step, status decided by matching.
struct Portion {
  std::int32_t storage = 0, lot = 0, production_step = 0;
  double pfirst = 0, pend = 0, units = 0, efficiency = 1;
};

struct Run {
  const Input& in;
  const Options& opt;
  Quant q;
  std::size_t n = 0;
  Ledger& L;
  std::vector<RawBundle> raw;
  std::vector<Lot> lots;  // in units until the end
  std::vector<Store> stores;
  std::int64_t seq = 0;
  double reissued = 0;  // re-issue offset
  // totals in units
  double lost_total = 0;

  Run(const Input& i, const Options& o, Ledger& l) : in(i), opt(o), L(l) { q.wh = o.integer_wh; }

  std::int32_t add_raw(const RawBundle& b) {
    if (!opt.records) return -1;
    raw.push_back(b);
    return static_cast<std::int32_t>(raw.size() - 1);
  }

  // Removes r units from the front of a green lot's range; returns the offsets taken.
  static std::pair<double, double> take(LotState& lot, double r) {
    const double a = lot.front;
    double b;
    if (r >= lot.content) {
      b = lot.end;
      lot.content = 0;
    } else {
      b = std::min(lot.end, a + r);
      lot.content -= r;
    }
    lot.front = b;
    return {a, b};
  }

  // Certificates of a green lot lost in step t: recorded, merged with the lot's previous loss
  // when contiguous.
  void lose_green(Store& s, std::int32_t k, LotState& lot, double r, std::int32_t t) {
    if (r <= 0) return;
    const auto [a, b] = take(lot, r);
    Lot& rec = lots[static_cast<std::size_t>(lot.rec)];
    rec.lost_kwh += r;
    s.rep.lost_kwh += r;
    lost_total += r;
    L.steps.lost[static_cast<std::size_t>(t)] += r;
    if (!opt.records) return;
    if (lot.last_lost >= 0 && raw[static_cast<std::size_t>(lot.last_lost)].end == a) {
      auto& prev = raw[static_cast<std::size_t>(lot.last_lost)];
      prev.end = b;
      prev.units += r;
      return;
    }
    RawBundle lb;
    lb.first = a;
    lb.end = b;
    lb.units = r;
    lb.production_step = lot.charge_step;
    lb.release_step = t;
    lb.storage = k;
    lb.lot = lot.rec;
    lb.status = Status::lost;
    lot.last_lost = add_raw(lb);
  }

  // Where a rejected split lies: "/green/<storage>.charge_kw: step 7 (2025-01-01T07:00:00+08:00)".
  std::string split_path(const std::string& storage, const char* dataset, std::int32_t t) const {
    std::string p = "/green/";
    p += storage;
    p += dataset;
    p += ": step ";
    p += std::to_string(t);
    p += " (";
    p += in.grid.time_iso(t, in.utc_offset_minutes);
    p += ")";
    return p;
  }

  void lose_grey(Store& s, LotState& lot, double r) {
    if (r <= 0) return;
    lot.content = r >= lot.content ? 0.0 : lot.content - r;
    lots[static_cast<std::size_t>(lot.rec)].lost_kwh += r;
    s.rep.grey_lost_kwh += r;
  }

  void prepare_stores();
  void run();
  void finish();
  void release(Store& s, std::int32_t k, std::int32_t t, std::vector<Portion>& portions, double& grey_units,
               double& grey_clean);
  double take_from(Store& s, std::int32_t k, LotState& lot, double r, double eta, std::int32_t t,
                   std::vector<Portion>& portions, double& grey_units, double& grey_clean, double deliver_cap);
};

std::string storage_path(std::size_t k, const char* field) {
  std::string p = "/storages/";
  p += std::to_string(k);
  p += "/";
  p += field;
  return p;
}

// Local calendar index (year * 12 + month - 1) of each step.
std::vector<std::int32_t> month_index(const TimeGrid& g, int off, std::vector<std::int32_t>* hour_of_day) {
  std::vector<std::int32_t> m(static_cast<std::size_t>(g.size()));
  if (hour_of_day) hour_of_day->resize(m.size());
  for (std::int64_t t = 0; t < g.size(); ++t) {
    const LocalTime lt = to_local(g.time_unix_s(t), off);
    m[static_cast<std::size_t>(t)] = lt.year * 12 + lt.month - 1;
    if (hour_of_day) (*hour_of_day)[static_cast<std::size_t>(t)] = lt.hour;
  }
  return m;
}

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

}  // namespace

std::string_view to_string(Policy p) noexcept {
  switch (p) {
    case Policy::fifo: return "fifo";
    case Policy::pro_rata: return "pro_rata";
    case Policy::lifo: return "lifo";
    case Policy::schedule: return "schedule";
  }
  return "?";
}
std::string_view to_string(LossMode m) noexcept { return m == LossMode::physical ? "physical" : "metered"; }
std::string_view to_string(Status s) noexcept {
  switch (s) {
    case Status::issued: return "issued";
    case Status::stored: return "stored";
    case Status::matched: return "matched";
    case Status::exported: return "exported";
    case Status::expired: return "expired";
    case Status::lost: return "lost";
  }
  return "?";
}
std::string_view to_string(Origin o) noexcept { return o == Origin::production ? "production" : "storage_discharge"; }
std::string_view to_string(Issuer i) noexcept {
  switch (i) {
    case Issuer::internal: return "internal";
    case Issuer::gec: return "gec";
    case Issuer::i_rec: return "i_rec";
    case Issuer::registry: return "registry";
  }
  return "?";
}

Policy policy_from_string(std::string_view name) {
  for (Policy p : {Policy::fifo, Policy::pro_rata, Policy::lifo, Policy::schedule})
    if (to_string(p) == name) return p;
  if (name == "pro-rata") return Policy::pro_rata;
  std::string msg = "unknown allocation policy \"";
  msg += name;
  msg += "\"; known: schedule, fifo, pro_rata, lifo";
  throw InputError("", "policy", msg);
}
LossMode loss_mode_from_string(std::string_view name) {
  if (name == "physical") return LossMode::physical;
  if (name == "metered") return LossMode::metered;
  std::string msg = "unknown loss mode \"";
  msg += name;
  msg += "\"; known: physical, metered";
  throw InputError("", "losses", msg);
}
Issuer issuer_from_string(std::string_view name) {
  for (Issuer i : {Issuer::internal, Issuer::gec, Issuer::i_rec, Issuer::registry})
    if (to_string(i) == name) return i;
  std::string msg = "unknown issuer \"";
  msg += name;
  msg += "\"; known: internal, gec, i_rec, registry";
  throw InputError("", "issuer", msg);
}

void Input::validate() const {
  const auto n = static_cast<std::size_t>(grid.size());
  const double big = std::numeric_limits<double>::max();
  try {
    if (n == 0) throw InputError("", "/grid", "the time grid has no steps");
    check_series(consumption_kwh, n, "/consumption_kwh", false, 0, big);
    for (std::size_t p = 0; p < producers.size(); ++p) {
      const std::string at = "/producers/" + std::to_string(p);
      if (producers[p].name.empty()) throw InputError("", at + "/name", "must not be empty");
      check_series(producers[p].kwh, n, at + "/kwh", false, 0, big);
    }
    for (std::size_t k = 0; k < storages.size(); ++k) {
      const StorageInput& s = storages[k];
      if (s.name.empty()) throw InputError("", storage_path(k, "name"), "must not be empty");
      check_series(s.charge_kwh, n, storage_path(k, "charge_kwh"), false, 0, big);
      check_series(s.discharge_kwh, n, storage_path(k, "discharge_kwh"), false, 0, big);
      for (auto [v, f] : {std::pair{s.eta_charge, "eta_charge"}, std::pair{s.eta_discharge, "eta_discharge"}})
        if (!(v > 0 && v <= 1)) throw InputError("", storage_path(k, f), "must be in (0, 1], got " + num(v));
      if (!(s.standing_loss_per_h >= 0 && s.standing_loss_per_h <= 1))
        throw InputError("", storage_path(k, "standing_loss_per_h"), "must be in [0, 1], got " + num(s.standing_loss_per_h));
      if (s.standing_loss_per_h * grid.step_hours() > 1)
        throw InputError("", storage_path(k, "standing_loss_per_h"), "loses more than the content in one step");
      check_series(s.standing_loss_per_step, n, storage_path(k, "standing_loss_per_step"), true, 0, 1);
      if (s.initial_kwh && !(std::isfinite(*s.initial_kwh) && *s.initial_kwh >= 0))
        throw InputError("", storage_path(k, "initial_kwh"), "must be >= 0, got " + num(*s.initial_kwh));
      if (!(s.initial_clean_share >= 0 && s.initial_clean_share <= 1))
        throw InputError("", storage_path(k, "initial_clean_share"), "must be in [0, 1], got " + num(s.initial_clean_share));
      check_series(s.soc_kwh, n, storage_path(k, "soc_kwh"), true, -1e-6, big);
      check_series(s.green_charge_kwh, n, storage_path(k, "green_charge_kwh"), true, -1e-9, big);
      check_series(s.green_discharge_kwh, n, storage_path(k, "green_discharge_kwh"), true, -1e-9, big);
      check_series(s.soc_green_kwh, n, storage_path(k, "soc_green_kwh"), true, -1e-6, big);
      if (s.green_charge_kwh.empty() != s.green_discharge_kwh.empty())
        throw InputError("", storage_path(k, "green_charge_kwh"), "the split needs both green charge and green discharge");
      if (s.metered_efficiency && !(*s.metered_efficiency > 0 && *s.metered_efficiency <= 1))
        throw InputError("", storage_path(k, "metered_efficiency"), "must be in (0, 1], got " + num(*s.metered_efficiency));
    }
    check_series(import_kwh, n, "/import_kwh", true, 0, big);
    check_series(export_kwh, n, "/export_kwh", true, 0, big);
    check_series(grid_clean_share, n, "/grid_clean_share", true, 0, 1);
    check_series(location_factor_kg_per_kwh, n, "/location_factor_kg_per_kwh", true, 0, 10);
    check_series(residual_factor_kg_per_kwh, n, "/residual_factor_kg_per_kwh", true, 0, 10);
    check_series(gas_kwh, n, "/gas_kwh", true, 0, big);
    check_series(diesel_kwh, n, "/diesel_kwh", true, 0, big);
    if (!(std::isfinite(gas_m3) && gas_m3 >= 0)) throw InputError("", "/gas_m3", "must be >= 0, got " + num(gas_m3));
    if (!(std::isfinite(diesel_kg) && diesel_kg >= 0)) throw InputError("", "/diesel_kg", "must be >= 0, got " + num(diesel_kg));
  } catch (const InputError& e) {
    if (source.empty()) throw;
    throw InputError(source, e.path(), e.detail());
  }
}

void Options::validate() const {
  if (!(grid_clean_share >= 0 && grid_clean_share <= 1))
    throw InputError("", "grid_clean_share", "must be in [0, 1], got " + num(grid_clean_share));
  if (!(std::isfinite(purchased_certificates_kwh) && purchased_certificates_kwh >= 0))
    throw InputError("", "purchased_certificates_kwh", "must be >= 0, got " + num(purchased_certificates_kwh));
  location_factor.validate("location_factor");
  residual_factor.validate("residual_factor");
  if (alternative_residual_factor) alternative_residual_factor->validate("alternative_residual_factor");
  fuel.validate();
  for (auto [v, f] : {std::pair{carbon_price_per_t, "carbon_price_per_t"}, std::pair{floor_area_m2, "floor_area_m2"},
                      std::pair{production_units, "production_units"}})
    if (!(std::isfinite(v) && v >= 0)) throw InputError("", f, "must be >= 0, got " + num(v));
  if (metered_window_months < 1 || metered_window_months > 6)
    throw InputError("", "metered_window_months", "must be in 1..6 (an audit window of at most 6 months), got " +
                                                      std::to_string(metered_window_months));
  if (!(tolerance > 0 && tolerance < 0.1)) throw InputError("", "tolerance", "must be in (0, 0.1), got " + num(tolerance));
}

Ledger certify(const Input& input, const Options& options) {
  options.validate();
  input.validate();
  Ledger L;
  L.options = options;
  const bool pool = options.pool_hours && input.grid.step_minutes() < 60;
  Input pooled;
  if (pool) {
    try {
      pooled = pool_to_hours(input, L);
    } catch (const InputError& e) {
      throw InputError(input.source, "pool_hours", e.detail());
    }
  }
  const Input& in = pool ? pooled : input;
  L.grid = in.grid;
  L.utc_offset_minutes = in.utc_offset_minutes;
  Run r(in, options, L);
  r.n = static_cast<std::size_t>(in.grid.size());
  r.run();
  r.finish();
  return L;
}

std::vector<double> Ledger::issued(std::size_t producer) const {
  const auto n = static_cast<std::size_t>(grid.size());
  if (producer >= producers.size()) throw InputError("", "producer", "no producer " + std::to_string(producer));
  return {producer_kwh.begin() + static_cast<std::ptrdiff_t>(producer * n),
          producer_kwh.begin() + static_cast<std::ptrdiff_t>((producer + 1) * n)};
}

std::vector<Bundle> Ledger::device_bundles() const {
  std::vector<Bundle> out;
  const std::size_t nP = producers.size();
  if (producer_ids.empty()) return out;
  out.reserve(bundles.size() * 2);
  for (const auto& b : bundles) {
    const bool sd = b.origin == Origin::storage_discharge;
    const std::int64_t a = sd ? b.parent_first : b.id_first, e = sd ? b.parent_end : b.id_end;
    const auto s = static_cast<std::size_t>(b.production_step);
    if (b.production_step < 0 || e <= a) {
      out.push_back(b);
      continue;
    }
    const std::int64_t* ids = producer_ids.data() + s * (nP + 1);
    const double len = static_cast<double>(e - a);
    double given = 0;
    std::size_t parts_start = out.size();
    for (std::size_t p = 0; p < nP; ++p) {
      const std::int64_t lo = std::max(a, ids[p]), hi = std::min(e, ids[p + 1]);
      if (hi <= lo) continue;
      Bundle c = b;
      c.producer = static_cast<std::int32_t>(p);
      c.kwh = b.kwh * static_cast<double>(hi - lo) / len;
      given += c.kwh;
      if (sd) {
        c.parent_first = lo;
        c.parent_end = hi;
        c.id_first = b.id_first + (lo - a);
        c.id_end = b.id_first + (hi - a);
      } else {
        c.id_first = lo;
        c.id_end = hi;
      }
      out.push_back(c);
    }
    if (out.size() == parts_start) out.push_back(b);
    else out.back().kwh += b.kwh - given;  // rounding of the proportional split stays in the bundle
  }
  return out;
}

nlohmann::json Ledger::summary() const {
  using nlohmann::json;
  const Totals& T = totals;
  json j;
  std::string pol;
  for (const auto& s : storages) {
    const std::string p(to_string(s.policy));
    if (pol.empty()) pol = p;
    else if (pol != p) pol = "mixed";
  }
  if (pol.empty()) pol = options.policy ? std::string(to_string(*options.policy)) : "fifo";
  j["policy"] = pol;
  j["losses"] = std::string(to_string(options.losses));
  j["integer_wh"] = options.integer_wh;
  j["pooled_hours"] = options.pool_hours && grid.step_minutes() == 60;
  j["zone"] = options.zone;
  j["start"] = grid.time_iso(0, utc_offset_minutes);
  j["steps"] = grid.size();
  j["step_minutes"] = grid.step_minutes();
  j["green_share_hourly"] = green_share_hourly;
  j["green_share_annual"] = green_share_annual;
  j["cfe_score"] = cfe_score;
  j["consumption_kwh"] = T.consumption_kwh;
  j["issued_kwh"] = T.issued_kwh;
  j["issued_onsite_kwh"] = T.issued_onsite_kwh;
  j["issued_contracted_kwh"] = T.issued_contracted_kwh;
  j["matched_kwh"] = T.matched_kwh;
  j["matched_direct_kwh"] = T.matched_direct_kwh;
  j["matched_storage_kwh"] = T.matched_storage_kwh;
  j["matched_contracted_kwh"] = T.matched_contracted_kwh;
  j["exported_kwh"] = T.exported_kwh;
  j["expired_kwh"] = T.expired_kwh;
  j["storage_loss_kwh"] = T.storage_loss_kwh;
  j["stored_end_kwh"] = T.stored_end_kwh;
  j["unmatched_kwh"] = T.unmatched_kwh;
  j["grey_storage_kwh"] = T.grey_storage_kwh;
  j["import_kwh"] = T.import_kwh;
  j["export_kwh"] = T.export_kwh;
  j["kept_kwh"] = T.kept_kwh;
  j["purchased_certificates_kwh"] = options.purchased_certificates_kwh;
  j["retired_against_imports_kwh"] = T.retired_against_imports_kwh;
  j["conservation"] = {{"issued_kwh", T.issued_kwh},
                       {"matched_kwh", T.matched_kwh},
                       {"stored_end_kwh", T.stored_end_kwh},
                       {"exported_kwh", T.exported_kwh},
                       {"lost_kwh", T.storage_loss_kwh},
                       {"expired_kwh", T.expired_kwh}};
  j["scope1_kg"] = T.scope1_kg;
  j["scope2_location_kg"] = T.scope2_location_kg;
  j["scope2_market_kg"] = T.scope2_market_kg;
  j["scope2_market_annual_kg"] = T.scope2_market_annual_kg;
  j["scope2_market_annual_alt_kg"] = T.scope2_market_annual_alt_kg;
  auto fj = [](const EmissionFactor& f) {
    return json{{"name", f.name}, {"kg_per_kwh", f.kg_per_kwh}, {"year", f.year}, {"source", f.source}};
  };
  const EmissionFactor alt = options.alternative_residual_factor ? *options.alternative_residual_factor : options.location_factor;
  j["factors"] = {{"location", fj(options.location_factor)},
                  {"residual", fj(options.residual_factor)},
                  {"alternative_residual", fj(alt)},
                  {"gas_kg_per_kwh", options.fuel.gas_kg_per_kwh()},
                  {"diesel_kg_per_kwh", options.fuel.diesel_kg_per_kwh()},
                  {"market_based_uses", "residual"}};
  j["carbon_price_per_t"] = options.carbon_price_per_t;
  j["carbon_cost"] = T.carbon_cost;
  const double total_loc = T.scope1_kg + T.scope2_location_kg, total_mkt = T.scope1_kg + T.scope2_market_kg;
  j["emissions_location_kg"] = total_loc;
  j["emissions_market_kg"] = total_mkt;
  if (T.consumption_kwh > 0) {
    j["intensity_location_kg_per_kwh"] = total_loc / T.consumption_kwh;
    j["intensity_market_kg_per_kwh"] = total_mkt / T.consumption_kwh;
  }
  if (options.floor_area_m2 > 0) j["intensity_market_kg_per_m2"] = total_mkt / options.floor_area_m2;
  if (options.production_units > 0) j["intensity_market_kg_per_unit"] = total_mkt / options.production_units;
  json st = json::array();
  for (const auto& s : storages) {
    st.push_back({{"name", s.name},
                  {"policy", std::string(to_string(s.policy))},
                  {"losses", std::string(to_string(s.losses))},
                  {"eta_charge", s.eta_charge},
                  {"eta_discharge", s.eta_discharge},
                  {"metered_efficiency", s.metered_efficiency},
                  {"green_in_kwh", s.green_in_kwh},
                  {"green_out_kwh", s.green_out_kwh},
                  {"grey_out_kwh", s.grey_out_kwh},
                  {"lost_kwh", s.lost_kwh},
                  {"grey_lost_kwh", s.grey_lost_kwh},
                  {"unbacked_kwh", s.unbacked_kwh},
                  {"end_green_kwh", s.end_green_kwh},
                  {"end_grey_kwh", s.end_grey_kwh}});
  }
  j["storages"] = st;
  json months_j = json::array();
  for (const auto& m : months) {
    char ym[16];
    std::snprintf(ym, sizeof ym, "%04d-%02d", m.year, m.month);
    months_j.push_back({{"month", ym},
                        {"consumption_kwh", m.consumption_kwh},
                        {"matched_kwh", m.matched_kwh},
                        {"issued_kwh", m.issued_kwh},
                        {"kept_kwh", m.kept_kwh},
                        {"hourly_share", m.hourly_share},
                        {"volumetric_share", m.volumetric_share},
                        {"import_kwh", m.import_kwh},
                        {"scope1_kg", m.scope1_kg},
                        {"scope2_location_kg", m.scope2_location_kg},
                        {"scope2_market_kg", m.scope2_market_kg}});
  }
  j["months"] = months_j;
  json hod = json::array();
  for (double v : hour_of_day_share) hod.push_back(std::isnan(v) ? json(nullptr) : json(v));
  j["hour_of_day_share"] = hod;
  std::int64_t gec_count = 0;
  json gec_by = json::object();
  for (const auto& g : gec) {
    gec_count += g.certificates;
    gec_by[g.producer] = gec_by.value(g.producer, std::int64_t{0}) + g.certificates;
  }
  j["gec"] = {{"certificates", gec_count}, {"by_producer", gec_by}};
  j["bundles"] = bundles.size();
  j["lots"] = lots.size();
  j["notes"] = notes;
  return j;
}

std::string Ledger::brief_report() const {
  char b[320];
  std::snprintf(b, sizeof b,
                "green share %.4f hourly, %.4f annual; CFE %.4f; issued %.6g kWh, matched %.6g, exported %.6g, "
                "lost %.6g; Scope 1 %.6g kg, Scope 2 %.6g kg location / %.6g kg market",
                green_share_hourly, green_share_annual, cfe_score, totals.issued_kwh, totals.matched_kwh,
                totals.exported_kwh, totals.storage_loss_kwh, totals.scope1_kg, totals.scope2_location_kg,
                totals.scope2_market_kg);
  return b;
}

}  // namespace ehub::carbon
