// Gas CHP unit: unit commitment, electric and thermal output from one fuel line or a
// part-load curve, optional heat dump (docs/devices.md, "chp").
#include <algorithm>
#include <cmath>
#include <string>

#include "common.hpp"
#include "unit.hpp"
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
using detail::UnitParams;
using detail::UnitVars;
using lp::IndexRange;
using lp::kInf;
using lp::VarType;

class Chp final : public Device {
 public:
  /// `curve`: optional part-load points (electric kW, fuel kW), ascending, first at minimum load.
  Chp(std::string name, UnitParams u, double eff_th, bool heat_dump, std::vector<std::pair<double, double>> curve)
      : Device(std::move(name)), u_(u), eff_th_(eff_th), heat_dump_(heat_dump), curve_(std::move(curve)) {}
  std::string type() const override { return "chp"; }
  std::optional<UnitInfo> unit() const override { return detail::unit_info(u_, eff_th_, !curve_.empty()); }
  std::unique_ptr<Device> with_state(const DeviceState& s) const override {
    auto c = std::make_unique<Chp>(*this);
    c->u_ = detail::with_unit_state(u_, s);
    return c;
  }
  std::vector<PortSpec> ports() const override {
    return {{"fuel", Carrier::gas, PortDirection::input},
            {"el", Carrier::electricity, PortDirection::output},
            {"heat", Carrier::heat, PortDirection::output}};
  }
  void formulate(Builder& b) const override {
    auto& m = b.model();
    const UnitVars v = detail::formulate_unit(b, u_);
    double a = 0, slope = 0;
    detail::fuel_coefficients(u_, a, slope);
    IndexRange f = b.add_vars("fuel_kw", 0.0, kInf);
    IndexRange h = b.add_vars("heat_kw", 0.0, kInf);
    // Heat released unused (cooling tower / dump radiator): eta_th F = heat used + heat dumped.
    IndexRange dump = b.add_vars("heat_dumped_kw", 0.0, heat_dump_ ? kInf : 0.0);
    // Part-load curve: one binary z_k per segment k (sum z_k = on) and the segment's share p_k in
    // [P_k z_k, P_k+1 z_k]; p = sum p_k; fuel = sum F_k z_k + s_k (p_k - P_k z_k). Exact for any
    // piecewise-linear curve, convex or not.
    const std::size_t segs = curve_.size() > 1 ? curve_.size() - 1 : 0;
    std::vector<IndexRange> z(segs), ps(segs);
    for (std::size_t k = 0; k < segs; ++k) {
      z[k] = b.add_vars("segment", 0.0, 1.0, u_.commitment ? VarType::binary : VarType::continuous, false);
      ps[k] = b.add_vars("segment_kw", 0.0, kInf, VarType::continuous, false);
    }
    for (std::int32_t t = 0; t < b.steps(); ++t) {
      if (segs == 0) {
        m.begin_row(0.0, 0.0);  // fuel = a on + slope p
        m.add_term(f[t], 1.0);
        m.add_term(v.p[t], -slope);
        if (a != 0) m.add_term(v.on[t], -a);
      } else {
        m.begin_row(0.0, 0.0);  // sum z_k = on
        for (std::size_t k = 0; k < segs; ++k) m.add_term(z[k][t], 1.0);
        m.add_term(v.on[t], -1.0);
        m.begin_row(0.0, 0.0);  // p = sum p_k
        for (std::size_t k = 0; k < segs; ++k) m.add_term(ps[k][t], 1.0);
        m.add_term(v.p[t], -1.0);
        m.begin_row(0.0, 0.0);  // fuel = sum (F_k - s_k P_k) z_k + s_k p_k
        m.add_term(f[t], 1.0);
        for (std::size_t k = 0; k < segs; ++k) {
          const auto [p0, f0] = curve_[k];
          const auto [p1, f1] = curve_[k + 1];
          const double sk = (f1 - f0) / (p1 - p0);
          m.add_term(z[k][t], -(f0 - sk * p0));
          m.add_term(ps[k][t], -sk);
          m.add_row(-kInf, 0.0, std::vector<std::int32_t>{ps[k][t], z[k][t]}, std::vector<double>{1.0, -p1});
          m.add_row(0.0, kInf, std::vector<std::int32_t>{ps[k][t], z[k][t]}, std::vector<double>{1.0, -p0});
        }
      }
      m.begin_row(0.0, 0.0);  // heat + heat_dumped = eff_th * fuel (heat_dumped = 0 without heat_dump)
      m.add_term(h[t], 1.0);
      m.add_term(dump[t], 1.0);
      m.add_term(f[t], -eff_th_);
    }
    b.add_port_flow("fuel", f, -1.0);
    b.add_port_flow("el", v.p, 1.0);
    b.add_port_flow("heat", h, 1.0);
    b.add_energy_tally("heat_dumped_kwh", dump, 1.0);
  }

 private:
  UnitParams u_;
  double eff_th_;
  bool heat_dump_;
  std::vector<std::pair<double, double>> curve_;
};

std::unique_ptr<Device> make_chp(const std::string& name, const io::JsonReader& r, const SeriesSource&) {
  only_keys(r, {EHUB_UNIT_KEYS, "thermal_efficiency", "heat_dump", "part_load_curve"});
  UnitParams u = detail::unit_params(r, 0.40);
  const double eff_th = r.number_in_range("thermal_efficiency", 0.0, 1.0);
  if (u.eff_full + eff_th > 1.0 + 1e-9) throw r.error("electric + thermal efficiency exceeds 1");
  // "part_load_curve": [[load_fraction, electric_efficiency], ...], ascending, from min_load to 1.
  std::vector<std::pair<double, double>> curve;
  if (given(r, "part_load_curve")) {
    const auto pts = r.at("part_load_curve").elements();
    if (pts.size() < 2) throw r.error_at("part_load_curve", "needs at least two [load_fraction, efficiency] points");
    for (const auto& p : pts) {
      const auto xy = p.numbers();
      if (xy.size() != 2 || !(xy[0] > 0 && xy[0] <= 1) || !(xy[1] > 0 && xy[1] <= 1))
        throw p.error("expected [load_fraction in (0, 1], electric_efficiency in (0, 1]]");
      if (!curve.empty() && xy[0] * u.capacity_kw <= curve.back().first) throw p.error("load fractions must increase");
      curve.emplace_back(xy[0] * u.capacity_kw, xy[0] * u.capacity_kw / xy[1]);
    }
    if (std::abs(curve.front().first - u.min_load * u.capacity_kw) > 1e-9 * u.capacity_kw ||
        std::abs(curve.back().first - u.capacity_kw) > 1e-9 * u.capacity_kw)
      throw r.error_at("part_load_curve", "must start at min_load and end at load fraction 1");
  }
  return std::make_unique<Chp>(name, u, eff_th, r.optional_boolean("heat_dump", true), std::move(curve));
}

}  // namespace

void detail::register_chp() {
  register_device_type("chp", make_chp, "Gas CHP unit with unit commitment");
}

}  // namespace ehub::hub
