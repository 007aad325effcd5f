// Private to the certificate ledger: the run's state (quantities in units, raw bundles, lots,
// stores, portions) and its parts: ledger_stores.cpp (storages: preparation, losses, releases),
// ledger_steps.cpp (the per-step matching), ledger_finish.cpp (scores, emissions, GEC view,
// invariant checks), ledger_hours.cpp (sub-hourly input pooled into hours); ledger.cpp ties them.
#pragma once

#include <deque>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "ehub/carbon/ledger.hpp"
#include "ehub/io/json.hpp"

namespace ehub::carbon::detail {

inline constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

/// Throws the internal error of a violated ledger invariant (a bug in ehub).
[[noreturn]] void internal(const std::string& what);
/// A number as the messages print it.
inline std::string num(double v) { return io::format_number(v); }

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
std::vector<double> to_units(const std::vector<double>& kwh, std::size_t n, const Quant& q);

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

std::string storage_path(std::size_t k, const char* field);
// Local calendar index (year * 12 + month - 1) of each step.
std::vector<std::int32_t> month_index(const TimeGrid& g, int off, std::vector<std::int32_t>* hour_of_day);
// Sub-hourly input pooled into hours: energies summed, intensive values averaged.
Input pool_to_hours(const Input& in, Ledger& L);

}  // namespace ehub::carbon::detail
