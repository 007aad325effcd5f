// Shiftable load: a daily energy drawn inside a local-time window (docs/devices.md,
// "shiftable_load").
#include <algorithm>
#include <cmath>
#include <string>

#include "common.hpp"
#include "ehub/core/error.hpp"
#include "ehub/core/time_grid.hpp"

namespace ehub::hub {
namespace {

using detail::checked;
using detail::given;
using detail::only_keys;
using detail::opt_limit;
using detail::opt_non_negative;
using detail::opt_positive;
using detail::opt_range;
using detail::to_vec;
using lp::IndexRange;
using lp::kInf;
using lp::VarType;

// Shiftable load: a daily energy that must be drawn inside a local-time window, at most max_kw:
// p_t in [0, max_kw] inside the window, 0 outside, and sum over each day's window of p_t dt equal
// to the daily energy (prorated when the horizon cuts a window).
class ShiftableLoad final : public Device {
 public:
  ShiftableLoad(std::string name, Carrier carrier, double energy_kwh_per_day, int from_h, int to_h, double max_kw)
      : Device(std::move(name)), carrier_(carrier), energy_(energy_kwh_per_day), from_h_(from_h), to_h_(to_h),
        max_kw_(max_kw) {}
  std::string type() const override { return "shiftable_load"; }
  std::vector<PortSpec> ports() const override { return {{"in", carrier_, PortDirection::input}}; }
  void formulate(Builder& b) const override {
    auto& m = b.model();
    const double window_h = to_h_ - from_h_;
    std::vector<double> ub(static_cast<std::size_t>(b.steps()), 0.0);
    std::vector<int> day(ub.size());
    for (std::int32_t t = 0; t < b.steps(); ++t) {
      const auto lt = to_local(b.grid().time_unix_s(t), b.utc_offset_minutes());
      const double h = lt.hour + lt.minute / 60.0;
      day[static_cast<std::size_t>(t)] = lt.year * 400 + lt.day_of_year;
      if (h >= from_h_ && h < to_h_) ub[static_cast<std::size_t>(t)] = max_kw_;
    }
    IndexRange p = b.add_vars("p_kw", 0.0, ub);
    std::int32_t t = 0;
    while (t < b.steps()) {  // one energy row per local day that has window steps in the horizon
      const int d = day[static_cast<std::size_t>(t)];
      std::int32_t u = t;
      double inside_h = 0;
      while (u < b.steps() && day[static_cast<std::size_t>(u)] == d) {
        if (ub[static_cast<std::size_t>(u)] > 0) inside_h += b.dt_h();
        ++u;
      }
      if (inside_h > 0) {
        const double e = energy_ * inside_h / window_h;
        if (e > max_kw_ * inside_h + 1e-9)
          throw InputError("", "/devices/" + name(),
                           "the daily energy cannot be drawn at max_kw inside the window");
        m.begin_row(e, e);
        for (std::int32_t k = t; k < u; ++k)
          if (ub[static_cast<std::size_t>(k)] > 0) m.add_term(p[k], b.dt_h());
      }
      t = u;
    }
    b.add_port_flow("in", p, -1.0);
    b.add_energy_tally("shiftable_kwh", p, 1.0);
  }

 private:
  Carrier carrier_;
  double energy_;
  int from_h_, to_h_;
  double max_kw_;
};

std::unique_ptr<Device> make_shiftable(const std::string& name, const io::JsonReader& r, const SeriesSource&) {
  only_keys(r, {"carrier", "energy_kwh_per_day", "window_start_hour", "window_end_hour", "max_kw"});
  const Carrier c = detail::carrier_at(r, "carrier", "electricity");
  const auto from = r.required_int("window_start_hour"), to = r.required_int("window_end_hour");
  if (from < 0 || from > 23) throw r.error_at("window_start_hour", "must be in 0..23");
  if (to <= from || to > 24) throw r.error_at("window_end_hour", "must be after window_start_hour and <= 24");
  const double e = r.non_negative_number("energy_kwh_per_day"), max_kw = r.positive_number("max_kw");
  if (e > max_kw * static_cast<double>(to - from) + 1e-9)
    throw r.error_at("energy_kwh_per_day", "exceeds max_kw x window hours");
  return std::make_unique<ShiftableLoad>(name, c, e, static_cast<int>(from), static_cast<int>(to), max_kw);
}

}  // namespace

void detail::register_shiftable_load() {
  register_device_type("shiftable_load", make_shiftable,
                       "Daily energy drawn inside a local-time window (e.g. EV charging, batch processes)");
}

}  // namespace ehub::hub
