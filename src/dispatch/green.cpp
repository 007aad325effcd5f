// The green model: the two-colour storage model (green and grey content), certificate sales, the
// colouring of a solved schedule and the best green share by Dinkelbach's method
// (docs/objectives.md).
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

// Adds D_t, green charge/discharge/SOC per electric storage and their rows (docs/objectives.md).
void add_green_model(Built& B) {
  if (B.green.built) return;
  lp::Model& m = B.model;
  const auto n = static_cast<std::int32_t>(B.sc->grid.size());
  const double dt = B.sc->grid.step_hours();
  GreenModel& g = B.green;
  g.built = true;
  g.direct = m.add_vars(n, 0.0, kInf, 0.0, lp::VarType::continuous, "green.direct_kw");
  for (const auto* s : B.el_storages) {
    GreenModel::Store st;
    st.rec = s;
    st.gc = m.add_vars(n, 0.0, kInf, 0.0, lp::VarType::continuous, s->device + ".green_charge_kw");
    st.gd = m.add_vars(n, 0.0, kInf, 0.0, lp::VarType::continuous, s->device + ".green_discharge_kw");
    st.socg = m.add_vars(n, 0.0, kInf, 0.0, lp::VarType::continuous, s->device + ".soc_green_kwh");
    g.stores.push_back(st);
  }
  for (std::int32_t t = 0; t < n; ++t) {
    const auto ts = static_cast<std::size_t>(t);
    // D_t + sum_s Gc_s,t <= R_t
    m.begin_row(-kInf, B.renewable.constant[ts]);
    m.add_term(g.direct[t], 1.0);
    for (const auto& st : g.stores) m.add_term(st.gc[t], 1.0);
    for (const auto& [r, c] : B.renewable.terms) m.add_term(r[t], -c);
    // D_t + sum_s Gd_s,t <= L_t
    m.begin_row(-kInf, B.consumption.constant[ts]);
    m.add_term(g.direct[t], 1.0);
    for (const auto& st : g.stores) m.add_term(st.gd[t], 1.0);
    for (const auto& [r, c] : B.consumption.terms) m.add_term(r[t], -c);
    for (const auto& st : g.stores) {
      const auto& s = *st.rec;
      m.add_row(-kInf, 0.0, std::vector<std::int32_t>{st.gc[t], s.charge_kw[t]}, std::vector<double>{1.0, -1.0});
      m.add_row(-kInf, 0.0, std::vector<std::int32_t>{st.gd[t], s.discharge_kw[t]}, std::vector<double>{1.0, -1.0});
      m.add_row(-kInf, 0.0, std::vector<std::int32_t>{st.socg[t], s.soc_kwh[t]}, std::vector<double>{1.0, -1.0});
      // socg_t = keep socg_{t-1} + eta_c Gc dt - Gd dt / eta_d (socg_{-1}: the declared green
      // part of the initial content, 0 unless a chained window carries it)
      const double g0 = t == 0 ? s.keep_per_step * s.soc_initial_green_kwh : 0.0;
      m.begin_row(g0, g0);
      m.add_term(st.socg[t], 1.0);
      if (t > 0) m.add_term(st.socg[t - 1], -s.keep_per_step);
      m.add_term(st.gc[t], -s.eta_charge * dt);
      m.add_term(st.gd[t], dt / s.eta_discharge);
      // Only energy stored before the step may leave as green: Gd dt / eta_d <= keep socg_{t-1}
      m.begin_row(-kInf, g0);
      m.add_term(st.gd[t], dt / s.eta_discharge);
      if (t > 0) m.add_term(st.socg[t - 1], -s.keep_per_step);
    }
  }
}

// Certificate sales (docs/objectives.md, "Certificate sales"): certificates of same-step renewable
// energy that is neither used directly nor stored green, up to the energy exported, are sold at
// certificate_price_per_mwh. The ledger matches same-step certificates to consumption before
// anything else, so D_t = min(L_t, R_t) is imposed with a binary z_t:
//   X_t <= sum_g export_g,t;  D_t + sum_s Gc_s,t + X_t <= R_t;
//   D_t >= L_t - M_t z_t;  D_t >= R_t - M_t (1 - z_t);  M_t = max(upper(L_t), upper(R_t)).
void add_certificate_sales(Built& B, const Options& o) {
  const hub::Scenario& sc = *B.sc;
  if (!(sc.certificate_price_per_mwh > 0)) return;
  hub::Builder& b = *B.builder;
  std::vector<IndexRange> exports;
  for (const auto& s : b.states())
    if (s.name == "export_kw" && s.setpoint == hub::Setpoint::exchange) exports.push_back(s.vars);
  if (exports.empty()) return;  // nothing leaves the park through a grid: nothing to sell
  add_green_model(B);
  lp::Model& m = B.model;
  GreenModel& g = B.green;
  const auto n = static_cast<std::int32_t>(sc.grid.size());
  g.sales = true;
  g.exports = exports;
  g.sold = m.add_vars(n, 0.0, kInf, 0.0, lp::VarType::continuous, "certificates.sold_kw");
  g.direct_is_load = m.add_vars(n, 0.0, 1.0, 0.0, o.relax_integers ? lp::VarType::continuous : lp::VarType::binary,
                                "certificates.direct_is_load");
  for (std::int32_t t = 0; t < n; ++t) {
    const auto ts = static_cast<std::size_t>(t);
    const double big = std::max({upper_bound(m, B.consumption, t), upper_bound(m, B.renewable, t), 0.0}) + 1.0;
    if (!std::isfinite(big))
      throw InputError(sc.file, "/certificate_price_per_mwh",
                       "certificate sales need finite upper bounds on renewable output and electricity consumption "
                       "at " + sc.grid.time_iso(t) + " (a device with an unbounded input or output is on an electricity bus)");
    m.begin_row(-kInf, 0.0);  // X_t <= exports
    m.add_term(g.sold[t], 1.0);
    for (const auto& e : exports) m.add_term(e[t], -1.0);
    m.begin_row(-kInf, B.renewable.constant[ts]);  // D + sum Gc + X <= R
    m.add_term(g.direct[t], 1.0);
    for (const auto& st : g.stores) m.add_term(st.gc[t], 1.0);
    m.add_term(g.sold[t], 1.0);
    for (const auto& [r, c] : B.renewable.terms) m.add_term(r[t], -c);
    m.begin_row(B.consumption.constant[ts], kInf);  // D - L + M z >= 0
    m.add_term(g.direct[t], 1.0);
    for (const auto& [r, c] : B.consumption.terms) m.add_term(r[t], -c);
    m.add_term(g.direct_is_load[t], big);
    m.begin_row(B.renewable.constant[ts] - big, kInf);  // D - R - M z >= -M
    m.add_term(g.direct[t], 1.0);
    for (const auto& [r, c] : B.renewable.terms) m.add_term(r[t], -c);
    m.add_term(g.direct_is_load[t], -big);
  }
  b.add_energy_cost("certificate_sales", g.sold, -sc.certificate_price_per_mwh / 1000.0);
  b.add_energy_tally("certificates_sold_kwh", g.sold, 1.0);
}

// Green/grey colouring of a fixed schedule (the ledger's rule, docs/objectives.md): same-step
// renewable use first, green charge from what is left, green discharge only for consumption not
// yet matched (or when the grey part cannot cover the discharge). Fills r.green, green states and
// the green KPIs.
void colour_schedule(const Built& B, const std::vector<double>& x, Result& r, bool relaxed) {
  const auto n = static_cast<std::int32_t>(B.sc->grid.size());
  const double dt = B.sc->grid.step_hours();
  struct Col {
    std::vector<double> gc, gd, socg;
  };
  std::vector<Col> cols(B.el_storages.size(), Col{std::vector<double>(static_cast<std::size_t>(n)),
                                                   std::vector<double>(static_cast<std::size_t>(n)),
                                                   std::vector<double>(static_cast<std::size_t>(n))});
  double matched = 0, consumption = 0, renewable = 0, self_used = 0, over_sold_kwh = 0;
  r.consumption_kw.assign(static_cast<std::size_t>(n), 0.0);
  r.green_matched_kw.assign(static_cast<std::size_t>(n), 0.0);
  std::vector<double> socg_prev(B.el_storages.size(), 0.0), soc_prev(B.el_storages.size());
  for (std::size_t k = 0; k < B.el_storages.size(); ++k) {
    soc_prev[k] = B.el_storages[k]->soc_initial_kwh;
    socg_prev[k] = std::min(B.el_storages[k]->soc_initial_green_kwh, soc_prev[k]);
  }
  for (std::int32_t t = 0; t < n; ++t) {
    const auto ts = static_cast<std::size_t>(t);
    const double R = std::max(0.0, evaluate(B.renewable, x, t));
    const double L = std::max(0.0, evaluate(B.consumption, x, t));
    const double direct = std::min(R, L);
    double avail = R - direct, unmet = L - direct;
    double gd_total = 0;
    for (std::size_t k = 0; k < B.el_storages.size(); ++k) {
      const auto& s = *B.el_storages[k];
      const double ch = x[static_cast<std::size_t>(s.charge_kw[t])];
      const double dis = x[static_cast<std::size_t>(s.discharge_kw[t])];
      const double soc = x[static_cast<std::size_t>(s.soc_kwh[t])];
      // With certificate sales the optimiser chose the green charge (the ledger's `schedule`
      // policy); otherwise the ledger's rule: green charge from what direct use left.
      const double gc = B.green.sales ? std::clamp(x[static_cast<std::size_t>(B.green.stores[k].gc[t])], 0.0, std::min(ch, avail))
                                      : std::min(ch, avail);
      avail -= gc;
      const double green_out_max = s.keep_per_step * socg_prev[k] * s.eta_discharge / dt;
      const double grey_out_max = s.keep_per_step * std::max(0.0, soc_prev[k] - socg_prev[k]) * s.eta_discharge / dt;
      double gd = std::min({dis, green_out_max, std::max(unmet, dis - grey_out_max)});
      gd = std::max(0.0, gd);
      unmet = std::max(0.0, unmet - gd);
      gd_total += gd;
      double socg = s.keep_per_step * socg_prev[k] + s.eta_charge * gc * dt - gd * dt / s.eta_discharge;
      socg = std::clamp(socg, 0.0, std::max(0.0, soc));
      cols[k].gc[ts] = gc;
      cols[k].gd[ts] = gd;
      cols[k].socg[ts] = socg;
      socg_prev[k] = socg;
      soc_prev[k] = soc;
    }
    if (B.green.sales) {  // sold certificates never exceed what the ledger exports in the step
      double exported = 0;
      for (const auto& e : B.green.exports) exported += x[static_cast<std::size_t>(e[t])];
      const double sold = x[static_cast<std::size_t>(B.green.sold[t])];
      const double allowed = std::min(avail, exported);
      if (sold > allowed + 1e-6 * std::max(1.0, allowed)) {
        if (!relaxed)
          internal("certificates sold " + fmt(sold) + " kW at " + B.sc->grid.time_iso(t) + " exceed the exported left-over " + fmt(allowed));
        over_sold_kwh += (sold - allowed) * dt;
      }
    }
    r.consumption_kw[ts] = L;
    r.green_matched_kw[ts] = direct + std::min(gd_total, L - direct);
    matched += r.green_matched_kw[ts] * dt;
    consumption += L * dt;
    renewable += R * dt;
    self_used += (R - avail) * dt;  // used directly or stored green; the rest left the park
  }
  for (std::size_t k = 0; k < B.el_storages.size(); ++k) {
    const std::string& dev = B.el_storages[k]->device;
    r.green.push_back({dev, "charge_kw", cols[k].gc});
    r.green.push_back({dev, "discharge_kw", cols[k].gd});
    r.states.push_back({dev, "soc_green_kwh", cols[k].socg, hub::Setpoint::none});
  }
  r.kpis.electricity_consumption_kwh = consumption;
  r.kpis.green_matched_kwh = matched;
  r.kpis.green_share = consumption > 0 ? matched / consumption : 0.0;
  r.kpis.self_consumption = renewable > 0 ? self_used / renewable : 0.0;
  if (over_sold_kwh > 1e-6) {
    char buf[200];
    std::snprintf(buf, sizeof buf,
                  "integers relaxed: %.6g kWh of the certificates sold exceed what the ledger exports (direct use below "
                  "min(consumption, renewable)); solve the MILP for an exact certificate revenue",
                  over_sold_kwh);
    r.diagnosis.emplace_back(buf);
  }
}

GreenBest max_green(const Prepared& p, const Options& o) {
  const Built& B = *p.built;
  GreenBest best;
  double x = 0;
  for (int it = 0; it < 20; ++it) {
    lp::Model m = p.base;
    set_green_objective(B, m, x);
    const auto t0 = std::chrono::steady_clock::now();
    const auto sr = run_solver(m, o);
    best.solve_s += seconds_since(t0);
    if (!lp::has_solution(sr.status)) {
      best.result = make_result(B, m, sr, o, false);
      best.result.solve_s = seconds_since(t0);
      return best;
    }
    // The share of a point that breaks the model would be overstated (issue 13: the next solve,
    // share >= it, was then infeasible): check it as every returned schedule is checked.
    check_rows(m, sr.x, o.check_tolerance, o.relax_integers);
    const auto n = static_cast<std::int32_t>(B.sc->grid.size());
    double M = 0, L = 0;
    for (std::int32_t t = 0; t < n; ++t) {
      M += sr.x[static_cast<std::size_t>(B.green.direct[t])];
      for (const auto& st : B.green.stores) M += sr.x[static_cast<std::size_t>(st.gd[t])];
      L += evaluate(B.consumption, sr.x, t);
    }
    const double nx = L > 0 ? M / L : 0.0;
    best.share = nx;
    best.ok = true;
    if (std::abs(nx - x) <= 1e-9) break;
    x = nx;
  }
  return best;
}

}  // namespace detail

}  // namespace ehub::dispatch
