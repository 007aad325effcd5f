// dispatch: builds the hub's MILP (devices through hub::Builder, one balance row per bus and step,
// optionally the two-colour storage model for the green share), solves it for the chosen
// objective, reads flows/states/prices back, checks every invariant and computes KPIs.
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
#include "ehub/io/hdf5.hpp"
#include "parallel.hpp"

namespace ehub::dispatch {
namespace {

using lp::IndexRange;
using lp::kInf;

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

[[noreturn]] void internal(const std::string& what) {
  throw Error("ehub.internal", "[ehub.internal] dispatch result check failed: " + what +
                                   " (this is a bug in ehub; please report it with the scenario)");
}

std::string fmt(double v) {
  char b[32];
  std::snprintf(b, sizeof b, "%.6g", v);
  return b;
}

// Linear expression per step: sum of (var block, coef) terms plus a constant per step.
struct StepExpr {
  std::vector<std::pair<IndexRange, double>> terms;
  std::vector<double> constant;  // one per step
};

// The two-colour storage model (docs/objectives.md): green direct use D_t, and per electric
// storage green charge, green discharge and green state of charge.
struct GreenModel {
  bool built = false;
  IndexRange direct;
  struct Store {
    const hub::StorageRecord* rec = nullptr;
    IndexRange gc, gd, socg;
  };
  std::vector<Store> stores;
  // Certificate sales (scenario certificate_price_per_mwh > 0): certificates sold X_t, the
  // binary choosing which of L_t and R_t bounds D_t, and the grids' export variables.
  bool sales = false;
  IndexRange sold, direct_is_load;
  std::vector<IndexRange> exports;
};

// Everything a solve needs, kept together because the builder refers to the model.
struct Built {
  const hub::Scenario* sc = nullptr;
  lp::Model model;
  std::unique_ptr<hub::Builder> builder;
  std::vector<std::int32_t> balance_first_row;
  StepExpr renewable;    // renewable electricity output R_t (kW)
  StepExpr consumption;  // electricity consumption L_t (kW)
  std::vector<const hub::StorageRecord*> el_storages;
  GreenModel green;
  double build_s = 0;
};

// Adds scale x (the flow without its shortfall terms) to e.
void add_scaled(StepExpr& e, const hub::PortFlow& f, double scale, std::int32_t n) {
  for (std::size_t k = 0; k < f.terms.size(); ++k)
    if (!f.shortfall[k]) e.terms.emplace_back(f.terms[k].first, f.terms[k].second * scale);
  if (!f.constant_kw.empty())
    for (std::int32_t t = 0; t < n; ++t) e.constant[static_cast<std::size_t>(t)] += scale * f.constant_kw[static_cast<std::size_t>(t)];
}

std::unique_ptr<Built> build(const hub::Scenario& sc, const Options& options) {
  const auto t0 = std::chrono::steady_clock::now();
  auto bp = std::make_unique<Built>();
  Built& B = *bp;
  B.sc = &sc;
  const hub::Hub& h = sc.hub;
  const auto n = static_cast<std::int32_t>(sc.grid.size());
  B.builder = std::make_unique<hub::Builder>(B.model, sc.grid, sc.utc_offset_minutes, sc.carbon_price_per_t / 1000.0,
                                             options.relax_integers);
  hub::Builder& b = *B.builder;
  for (std::int32_t d = 0; d < h.num_devices(); ++d) {
    b.set_device(h.device(d).name());
    h.device(d).formulate(b);
  }
  lp::Model& m = B.model;
  const auto& buses = h.buses();
  std::vector<std::vector<const hub::PortFlow*>> on_bus(buses.size());
  B.renewable.constant.assign(static_cast<std::size_t>(n), 0.0);
  B.consumption.constant.assign(static_cast<std::size_t>(n), 0.0);
  for (const auto& f : b.port_flows()) {
    const auto bus = h.bus_of(f.device, f.port);
    if (!bus) throw InputError(sc.file, "/devices/" + f.device + "/ports/" + f.port, "port is not connected");
    on_bus[static_cast<std::size_t>(*bus)].push_back(&f);
    if (buses[static_cast<std::size_t>(*bus)].carrier != hub::Carrier::electricity) continue;
    const auto& dev = h.device(*h.find_device(f.device));
    if (dev.renewable()) {
      add_scaled(B.renewable, f, 1.0, n);
      continue;
    }
    for (const auto& p : dev.ports())
      if (p.name == f.port && p.direction == hub::PortDirection::input) add_scaled(B.consumption, f, -1.0, n);
  }
  for (const auto& s : b.storages()) {
    const auto bus = h.bus_of(s.device, s.port);
    if (bus && buses[static_cast<std::size_t>(*bus)].carrier == hub::Carrier::electricity) B.el_storages.push_back(&s);
  }
  // Balance rows: for each bus and step, sum of port flows = 0 (constants moved to the bounds).
  B.balance_first_row.resize(buses.size());
  for (std::size_t k = 0; k < buses.size(); ++k) {
    B.balance_first_row[k] = m.num_rows();
    for (std::int32_t t = 0; t < n; ++t) {
      double c = 0;
      for (const auto* f : on_bus[k]) c += f->constant_kw.empty() ? 0.0 : f->constant_kw[static_cast<std::size_t>(t)];
      m.begin_row(-c, -c);
      for (const auto* f : on_bus[k])
        for (const auto& [range, coef] : f->terms) m.add_term(range[t], coef);
    }
  }
  B.build_s = seconds_since(t0);
  return bp;
}

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

// Largest value of a step's expression over the variables' bounds (+inf when unbounded).
double upper_bound(const lp::Model& m, const StepExpr& e, std::int32_t t) {
  double u = e.constant[static_cast<std::size_t>(t)];
  for (const auto& [r, c] : e.terms) {
    const auto j = static_cast<std::size_t>(r[t]);
    u += c > 0 ? c * m.col_upper()[j] : c * m.col_lower()[j];
  }
  return u;
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
  const hub::Hub& h = sc.hub;
  std::vector<IndexRange> exports;
  for (const auto& s : b.states())
    if (s.name == "export_kw" && h.device(*h.find_device(s.device)).type() == "grid") exports.push_back(s.vars);
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

// Adds sum_t dt (D_t + sum Gd) - share * sum_t dt L_t >= 0 to `m` (a copy of the built model).
std::int32_t add_share_row(const Built& B, lp::Model& m, double share) {
  const auto n = static_cast<std::int32_t>(B.sc->grid.size());
  const double dt = B.sc->grid.step_hours();
  double lconst = 0;
  for (double c : B.consumption.constant) lconst += c;
  const std::int32_t row = m.begin_row(share * lconst * dt, kInf, "green_share");
  // Merge coefficients per variable: a variable may appear in several consumption terms.
  std::map<std::int32_t, double> coef;
  for (std::int32_t t = 0; t < n; ++t) {
    coef[B.green.direct[t]] += dt;
    for (const auto& st : B.green.stores) coef[st.gd[t]] += dt;
    for (const auto& [r, c] : B.consumption.terms) coef[r[t]] -= share * c * dt;
  }
  for (const auto& [j, c] : coef)
    if (c != 0.0) m.add_term(j, c);
  return row;
}

// Objective coefficients of "maximise M - share * L" as a minimisation (negated).
void set_green_objective(const Built& B, lp::Model& m, double share) {
  const auto n = static_cast<std::int32_t>(B.sc->grid.size());
  const double dt = B.sc->grid.step_hours();
  for (std::int32_t j = 0; j < m.num_vars(); ++j) m.set_obj(j, 0.0);
  m.set_obj_constant(0.0);
  for (std::int32_t t = 0; t < n; ++t) {
    m.add_obj(B.green.direct[t], -dt);
    for (const auto& st : B.green.stores) m.add_obj(st.gd[t], -dt);
    for (const auto& [r, c] : B.consumption.terms) m.add_obj(r[t], share * c * dt);
  }
}

// Sum of the tallies whose names start with `prefix`, as objective coefficients on `m`.
void set_tally_objective(const Built& B, lp::Model& m, const std::string& prefix, double scale) {
  for (std::int32_t j = 0; j < m.num_vars(); ++j) m.set_obj(j, 0.0);
  for (const auto& [name, tl] : B.builder->tallies())
    if (name.rfind(prefix, 0) == 0)
      for (std::size_t k = 0; k < tl.vars.size(); ++k) m.add_obj(tl.vars[k], scale * tl.coefs[k]);
}

// Adds lb <= sum of tallies with the prefix <= ub.
void add_tally_row(const Built& B, lp::Model& m, const std::string& prefix, double lb, double ub, const char* name) {
  std::map<std::int32_t, double> coef;
  double constant = 0;
  for (const auto& [tname, tl] : B.builder->tallies())
    if (tname.rfind(prefix, 0) == 0) {
      constant += tl.constant;
      for (std::size_t k = 0; k < tl.vars.size(); ++k) coef[tl.vars[k]] += tl.coefs[k];
    }
  m.begin_row(lb - constant, ub - constant, name);
  for (const auto& [j, c] : coef) m.add_term(j, c);
}

double evaluate(const StepExpr& e, std::span<const double> x, std::int32_t t) {
  double v = e.constant[static_cast<std::size_t>(t)];
  for (const auto& [r, c] : e.terms) v += c * x[static_cast<std::size_t>(r[t])];
  return v;
}

// Row activities and bounds of the solution must hold within the tolerance.
void check_rows(const lp::Model& m, const std::vector<double>& x, double tol, bool relaxed) {
  const auto rs = m.row_start();
  const auto ci = m.col_index();
  const auto va = m.values();
  for (std::int32_t i = 0; i < m.num_rows(); ++i) {
    double a = 0, scale = 1;
    for (auto p = rs[static_cast<std::size_t>(i)]; p < rs[static_cast<std::size_t>(i) + 1]; ++p) {
      const double coef = va[static_cast<std::size_t>(p)];
      const double term = coef * x[static_cast<std::size_t>(ci[static_cast<std::size_t>(p)])];
      a += term;
      // The coefficient's size counts too: with a unit off (on = 0), p <= Pmax on may be met only
      // to the backend's absolute feasibility tolerance times Pmax.
      scale = std::max({scale, std::abs(term), std::abs(coef)});
    }
    const double lb = m.row_lower()[static_cast<std::size_t>(i)], ub = m.row_upper()[static_cast<std::size_t>(i)];
    if (a < lb - tol * std::max(scale, std::abs(lb)) || a > ub + tol * std::max(scale, std::abs(ub)))
      internal("row " + m.row_name(i) + " activity " + fmt(a) + " outside [" + fmt(lb) + ", " + fmt(ub) + "]");
  }
  for (std::int32_t j = 0; j < m.num_vars(); ++j) {
    const double v = x[static_cast<std::size_t>(j)];
    const double lb = m.col_lower()[static_cast<std::size_t>(j)], ub = m.col_upper()[static_cast<std::size_t>(j)];
    if (v < lb - tol * std::max(1.0, std::abs(lb)) || v > ub + tol * std::max(1.0, std::abs(ub)))
      internal("variable " + m.var_name(j) + " = " + fmt(v) + " outside [" + fmt(lb) + ", " + fmt(ub) + "]");
    if (!relaxed && m.col_type()[static_cast<std::size_t>(j)] != lp::VarType::continuous &&
        std::abs(v - std::round(v)) > 1e-5)
      internal("integer variable " + m.var_name(j) + " = " + fmt(v));
  }
}

// Objective of `x` in `m` (constant included).
double objective_of(const lp::Model& m, const std::vector<double>& x) {
  double z = m.obj_constant();
  const auto c = m.objective();
  for (std::size_t j = 0; j < x.size(); ++j) z += c[j] * x[j];
  return z;
}

// True when x meets every bound, row and integrality of m within `tol` (relative to each size).
bool meets(const lp::Model& m, const std::vector<double>& x, double tol) {
  const auto lb = m.col_lower(), ub = m.col_upper();
  const auto ty = m.col_type();
  for (std::size_t j = 0; j < x.size(); ++j) {
    if (x[j] < lb[j] - tol * std::max(1.0, std::abs(lb[j])) || x[j] > ub[j] + tol * std::max(1.0, std::abs(ub[j])))
      return false;
    if (ty[j] != lp::VarType::continuous && std::abs(x[j] - std::round(x[j])) > 1e-6) return false;
  }
  const auto rs = m.row_start();
  const auto ci = m.col_index();
  const auto va = m.values();
  for (std::int32_t i = 0; i < m.num_rows(); ++i) {
    double a = 0, scale = 1;
    for (auto p = rs[static_cast<std::size_t>(i)]; p < rs[static_cast<std::size_t>(i) + 1]; ++p) {
      const double term = va[static_cast<std::size_t>(p)] * x[static_cast<std::size_t>(ci[static_cast<std::size_t>(p)])];
      a += term;
      scale = std::max(scale, std::abs(term));
    }
    const double rl = m.row_lower()[static_cast<std::size_t>(i)], ru = m.row_upper()[static_cast<std::size_t>(i)];
    if (a < rl - tol * std::max(scale, std::abs(rl)) || a > ru + tol * std::max(scale, std::abs(ru))) return false;
  }
  return true;
}

// The result check against the LP relaxation (docs/objectives.md, "Result checks"): a MILP
// "optimal" can never be worse than a schedule that is integer-feasible. The relaxation is solved
// with Clp; when its optimum is integer-feasible it is the MILP optimum, otherwise the integers
// are rounded, fixed and the LP re-solved. If either schedule beats the backend's "optimal" by
// more than the MIP gap, the backend was wrong (big-M or scaling trouble): the better schedule
// is returned instead, "optimal" only when it meets the relaxation bound, and the message says so.
void check_against_relaxation(const lp::Model& m, const Options& o, lp::SolveResult& sr) {
  if (sr.status != lp::Status::optimal || m.num_integers() == 0) return;
  const auto solver_names = lp::available_solvers();
  if (std::find(solver_names.begin(), solver_names.end(), "clp") == solver_names.end()) return;
  lp::Model relaxed = m;
  for (std::int32_t j = 0; j < relaxed.num_vars(); ++j)
    if (relaxed.col_type()[static_cast<std::size_t>(j)] != lp::VarType::continuous)
      relaxed.set_var_type(j, lp::VarType::continuous);
  lp::SolveOptions so = o.solve;
  so.mip_start.clear();
  const auto lr = lp::solve(relaxed, "clp", so);
  if (lr.status != lp::Status::optimal || lr.x.size() != sr.x.size()) return;
  const double sign = m.sense() == lp::Sense::minimize ? 1.0 : -1.0;  // > 0: sr is worse by that much
  const double slack = std::max(o.solve.mip_gap, 1e-6) * std::max(1.0, std::abs(sr.objective)) + 1e-6;
  if (sign * (sr.objective - lr.objective) <= slack) return;  // within the gap of the bound: fine
  std::vector<double> candidate;
  bool proven = false;
  if (meets(m, lr.x, 1e-7)) {
    candidate = lr.x;
    proven = true;
  } else {
    lp::Model fixed = m;
    for (std::int32_t j = 0; j < fixed.num_vars(); ++j)
      if (fixed.col_type()[static_cast<std::size_t>(j)] != lp::VarType::continuous) {
        const double v = std::clamp(std::round(lr.x[static_cast<std::size_t>(j)]), fixed.col_lower()[static_cast<std::size_t>(j)],
                                    fixed.col_upper()[static_cast<std::size_t>(j)]);
        fixed.set_var_type(j, lp::VarType::continuous);
        fixed.set_var_bounds(j, v, v);
      }
    const auto fr = lp::solve(fixed, "clp", so);
    if (fr.status != lp::Status::optimal || !meets(m, fr.x, 1e-7)) return;
    candidate = fr.x;
    proven = sign * (objective_of(m, candidate) - lr.objective) <= slack;
  }
  const double z = objective_of(m, candidate);
  if (sign * (sr.objective - z) <= slack) return;  // the rounded schedule is no better
  sr.message = sr.solver + " reported optimal at " + fmt(sr.objective) + ", but " +
               (proven ? "the LP relaxation's optimum is integer-feasible at " : "a rounded LP-relaxation schedule costs ") +
               fmt(z) + " (relaxation bound " + fmt(lr.objective) + "): returned that schedule" +
               (proven ? " (optimal)" : " (feasible, not proven optimal)");
  sr.warnings.push_back(sr.message);
  sr.x = std::move(candidate);
  sr.objective = z;
  sr.best_bound = lr.objective;
  sr.gap = std::abs(z - lr.objective) / std::max(1e-10, std::abs(z));
  sr.row_activity.clear();
  sr.duals.clear();
  sr.reduced_costs.clear();
  sr.status = proven ? lp::Status::optimal : lp::Status::feasible;
}

lp::SolveResult run_solver(const lp::Model& m, const Options& o) {
  auto solver = lp::make_solver(o.solver);
  solver->load(m);
  lp::SolveResult sr = solver->solve(o.solve);
  if (o.relaxation_check && !o.relax_integers) check_against_relaxation(m, o, sr);
  return sr;
}

// Bus prices from the LP duals; for a MILP, from the LP with every integer fixed at its value.
void read_prices(const Built& B, const lp::Model& m, const lp::SolveResult& sr, const Options& o, Result& r) {
  std::vector<double> duals = sr.duals;
  if (duals.empty() && o.milp_prices && m.num_integers() > 0) {
    lp::Model fixed = m;
    for (std::int32_t j = 0; j < fixed.num_vars(); ++j)
      if (fixed.col_type()[static_cast<std::size_t>(j)] != lp::VarType::continuous) {
        const double v = std::round(sr.x[static_cast<std::size_t>(j)]);
        fixed.set_var_type(j, lp::VarType::continuous);
        fixed.set_var_bounds(j, v, v);
      }
    Options lo = o;
    lo.solver = "clp";
    const auto fr = run_solver(fixed, lo);
    if (fr.status == lp::Status::optimal && !fr.duals.empty()) {
      duals = fr.duals;
      r.prices_from_fixed_integers = true;
    }
  }
  if (duals.empty()) return;
  const auto& buses = B.sc->hub.buses();
  const auto n = static_cast<std::int32_t>(B.sc->grid.size());
  const double sign = m.sense() == lp::Sense::minimize ? 1.0 : -1.0;
  for (std::size_t k = 0; k < buses.size(); ++k) {
    BusPrice p{buses[k].name, std::vector<double>(static_cast<std::size_t>(n))};
    for (std::int32_t t = 0; t < n; ++t)
      p.per_kwh[static_cast<std::size_t>(t)] =
          sign * duals[static_cast<std::size_t>(B.balance_first_row[k] + t)] / B.sc->grid.step_hours();
    r.prices.push_back(std::move(p));
  }
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
    r.states.push_back({dev, "soc_green_kwh", cols[k].socg});
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

Result make_result(const Built& B, const lp::Model& m, const lp::SolveResult& sr, const Options& o, bool cost_objective) {
  const hub::Scenario& sc = *B.sc;
  const hub::Hub& h = sc.hub;
  const auto& buses = h.buses();
  const auto n = static_cast<std::int32_t>(sc.grid.size());
  const hub::Builder& b = *B.builder;
  Result r;
  r.grid = sc.grid;
  r.utc_offset_minutes = sc.utc_offset_minutes;
  r.objective_kind = o.objective;
  r.variables = m.num_vars();
  r.constraints = m.num_rows();
  r.nonzeros = m.num_nonzeros();
  r.integers = m.num_integers();
  r.build_s = B.build_s;
  r.status = sr.status;
  r.solver = sr.solver;
  r.message = sr.message;
  for (const auto& w : sr.warnings) r.message += "; " + w;  // e.g. Cbc solved again without preprocessing
  r.objective = sr.objective;
  if (!lp::has_solution(sr.status)) return r;
  const auto& x = sr.x;
  check_rows(m, x, o.check_tolerance, o.relax_integers);
  for (const auto& f : b.port_flows()) {
    const auto bus = static_cast<std::size_t>(*h.bus_of(f.device, f.port));
    const auto& dev = h.device(*h.find_device(f.device));
    FlowSeries fs{f.device, f.port, buses[bus].name, buses[bus].carrier, dev.type(), dev.renewable(),
                  std::vector<double>(static_cast<std::size_t>(n))};
    for (std::int32_t t = 0; t < n; ++t) {
      double v = f.constant_kw.empty() ? 0.0 : f.constant_kw[static_cast<std::size_t>(t)];
      for (const auto& [range, coef] : f.terms) v += coef * x[static_cast<std::size_t>(range[t])];
      fs.kw[static_cast<std::size_t>(t)] = v;
    }
    r.flows.push_back(std::move(fs));
  }
  std::vector<std::vector<const FlowSeries*>> flows_on_bus(buses.size());
  for (const auto& f : r.flows) flows_on_bus[static_cast<std::size_t>(*h.find_bus(f.bus))].push_back(&f);
  for (std::size_t k = 0; k < buses.size(); ++k)
    for (std::int32_t t = 0; t < n; ++t) {
      double sum = 0, scale = 1;
      for (const auto* f : flows_on_bus[k]) {
        sum += f->kw[static_cast<std::size_t>(t)];
        scale = std::max(scale, std::abs(f->kw[static_cast<std::size_t>(t)]));
      }
      if (std::abs(sum) > o.check_tolerance * scale)
        internal("bus " + buses[k].name + " does not balance at " + sc.grid.time_iso(t) + ": " + fmt(sum) + " kW");
    }
  for (const auto& s : b.states()) {
    StateSeries ss{s.device, s.name, std::vector<double>(static_cast<std::size_t>(n))};
    for (std::int32_t t = 0; t < n; ++t) ss.values[static_cast<std::size_t>(t)] = x[static_cast<std::size_t>(s.vars[t])];
    r.states.push_back(std::move(ss));
  }
  for (const auto& [name, tl] : b.tallies()) r.tallies[name] = tl.evaluate(x);
  Kpis& k = r.kpis;
  for (const auto& [name, v] : r.tallies) {
    if (name.rfind("cost.", 0) == 0) {
      k.cost[name.substr(5)] = v;
      k.cost_total += v;
    } else if (name.rfind("emissions.", 0) == 0) {
      k.emissions_kg_by_source[name.substr(10)] = v;
      k.emissions_kg += v;
    }
  }
  if (cost_objective) {
    const double obj = sr.objective - m.obj_constant();
    if (std::abs(k.cost_total - obj) > 1e-6 * std::max(1.0, std::abs(k.cost_total)))
      internal("cost breakdown " + fmt(k.cost_total) + " differs from the objective " + fmt(obj));
  }
  r.objective = k.cost_total;
  auto tally = [&](const std::string& key) {
    auto it = r.tallies.find(key);
    return it == r.tallies.end() ? 0.0 : it->second;
  };
  k.grid_import_kwh = tally("energy.grid_import_kwh");
  k.grid_export_kwh = tally("energy.grid_export_kwh");
  k.curtailment_kwh = tally("energy.curtailment_kwh");
  k.unserved_kwh = tally("energy.unserved_kwh");
  k.renewable_kwh = tally("energy.renewable_kwh");
  k.certificates_sold_kwh = tally("energy.certificates_sold_kwh");
  k.heat_dumped_kwh = tally("energy.heat_dumped_kwh");  // summed over every CHP
  colour_schedule(B, x, r, o.relax_integers);
  k.self_sufficiency =
      k.electricity_consumption_kwh > 0 ? std::max(0.0, 1.0 - k.grid_import_kwh / k.electricity_consumption_kwh) : 0.0;
  for (const auto& s : b.storages())  // equivalent full cycles: discharged energy / nominal capacity
    if (s.capacity_kwh > 0) k.storage_cycles[s.device] = tally("energy.storage_discharge_kwh." + s.device) / s.capacity_kwh;
  if (k.unserved_kwh > 1e-6)
    for (const auto& s : r.states)
      if (s.name == "unserved_kw") {
        const auto dev = h.find_device(s.device);
        const auto bus = h.bus_of(s.device, h.device(*dev).ports()[0].name);
        describe_runs(B, s.values, std::string(hub::to_string(buses[static_cast<std::size_t>(*bus)].carrier)) + " bus '" +
                                       buses[static_cast<std::size_t>(*bus)].name + "' (load " + s.device + ") unserved",
                      r.diagnosis);
      }
  read_prices(B, m, sr, o, r);
  return r;
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

struct Prepared {
  std::unique_ptr<Built> built;
  lp::Model base;  // cost objective plus hard constraints
  std::vector<std::pair<std::int32_t, std::string>> hard_rows;
};

Prepared prepare(const hub::Scenario& sc, const Options& o, bool need_green) {
  Prepared p;
  p.built = build(sc, o);
  if (need_green || o.min_green_share) add_green_model(*p.built);
  add_certificate_sales(*p.built, o);
  p.base = p.built->model;
  if (o.min_green_share) p.hard_rows.emplace_back(add_share_row(*p.built, p.base, *o.min_green_share), "min_green_share");
  if (o.max_emissions_kg) {
    add_tally_row(*p.built, p.base, "emissions.", -kInf, *o.max_emissions_kg, "max_emissions_kg");
    p.hard_rows.emplace_back(p.base.num_rows() - 1, "max_emissions_kg");
  }
  if (o.max_grid_import_kwh) {
    add_tally_row(*p.built, p.base, "energy.grid_import_kwh", -kInf, *o.max_grid_import_kwh, "max_grid_import_kwh");
    p.hard_rows.emplace_back(p.base.num_rows() - 1, "max_grid_import_kwh");
  }
  return p;
}

// Solves `m`; on infeasibility adds a diagnosis.
Result solve_model(const Prepared& p, const lp::Model& m, const Options& o, bool cost_objective) {
  const auto t0 = std::chrono::steady_clock::now();
  const auto sr = run_solver(m, o);
  const double solve_s = seconds_since(t0);
  Result r = make_result(*p.built, m, sr, o, cost_objective);
  r.solve_s = solve_s;
  if (!lp::has_solution(sr.status) && o.diagnose_infeasible &&
      (sr.status == lp::Status::infeasible || sr.status == lp::Status::infeasible_or_unbounded))
    r.diagnosis = diagnose(*p.built, m, o, p.hard_rows);
  return r;
}

// Every objective other than cost is met by how energy is supplied, never by serving less (less
// demand served raises the green share and cuts emissions): demand left unserved and load
// curtailed are kept at most at the cost optimum's amounts (any carrier: less cooling served would
// also cut chiller electricity).
void limit_shedding(Prepared& p, const Result& cost_optimum) {
  for (const char* key : {"energy.unserved_kwh", "energy.load_curtailed_kwh"}) {
    const auto it = cost_optimum.tallies.find(key);
    if (it == cost_optimum.tallies.end()) continue;
    add_tally_row(*p.built, p.base, key, -kInf, it->second * (1 + 1e-9) + 1e-6, key);
  }
}

// Largest green share by Dinkelbach's method: x <- M(z)/L(z), z = argmax M - x L.
struct GreenBest {
  double share = 0;
  double solve_s = 0;  // wall time of all Dinkelbach solves
  Result result;
  bool ok = false;
};

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

}  // namespace

std::string_view to_string(Objective o) noexcept {
  switch (o) {
    case Objective::cost: return "cost";
    case Objective::green: return "green";
    case Objective::carbon: return "carbon";
    case Objective::weighted: return "weighted";
    case Objective::lexicographic: return "lexicographic";
  }
  return "cost";
}

Objective objective_from_string(std::string_view name) {
  for (Objective o : {Objective::cost, Objective::green, Objective::carbon, Objective::weighted,
                      Objective::lexicographic})
    if (to_string(o) == name) return o;
  throw InputError("", "objective",
                   "unknown objective \"" + std::string(name) + "\"; known: cost, green, carbon, weighted, lexicographic");
}

void Options::validate() const {
  solve.validate();
  if (!(check_tolerance > 0)) throw InputError("", "check_tolerance", "must be > 0");
  if (workers < 0) throw InputError("", "workers", "must be >= 0 (0: one per core), got " + std::to_string(workers));
  if (!(weight_cost >= 0) || !(weight_green >= 0) || weight_cost + weight_green <= 0)
    throw InputError("", "weight_cost", "weights must be >= 0 and not both 0");
  if (!(lexicographic_tolerance >= 0)) throw InputError("", "lexicographic_tolerance", "must be >= 0");
  if (min_green_share && !(*min_green_share >= 0 && *min_green_share <= 1))
    throw InputError("", "min_green_share", "must be in [0, 1], got " + fmt(*min_green_share));
  if (max_emissions_kg && !(*max_emissions_kg >= 0)) throw InputError("", "max_emissions_kg", "must be >= 0");
  if (max_grid_import_kwh && !(*max_grid_import_kwh >= 0)) throw InputError("", "max_grid_import_kwh", "must be >= 0");
}

std::string Result::brief_report() const {
  std::string s = std::string(lp::to_string(status)) + " cost=" + fmt(kpis.cost_total) + " green_share=" +
                  fmt(kpis.green_share) + " emissions_kg=" + fmt(kpis.emissions_kg) + " (" + solver + ", build " +
                  fmt(build_s) + " s, solve " + fmt(solve_s) + " s)";
  for (const auto& d : diagnosis) s += "\n  " + d;
  return s;
}

nlohmann::json kpis_json(const Kpis& kpis) {
  nlohmann::json k;
  k["cost_total"] = kpis.cost_total;
  k["cost_breakdown"] = kpis.cost;
  k["green_share"] = kpis.green_share;
  k["green_matched_kwh"] = kpis.green_matched_kwh;
  k["emissions_kg"] = kpis.emissions_kg;
  k["emissions_kg_by_source"] = kpis.emissions_kg_by_source;
  k["electricity_consumption_kwh"] = kpis.electricity_consumption_kwh;
  k["renewable_kwh"] = kpis.renewable_kwh;
  k["self_consumption"] = kpis.self_consumption;
  k["self_sufficiency"] = kpis.self_sufficiency;
  k["grid_import_kwh"] = kpis.grid_import_kwh;
  k["grid_export_kwh"] = kpis.grid_export_kwh;
  k["certificates_sold_kwh"] = kpis.certificates_sold_kwh;
  k["curtailment_kwh"] = kpis.curtailment_kwh;
  k["heat_dumped_kwh"] = kpis.heat_dumped_kwh;
  k["unserved_kwh"] = kpis.unserved_kwh;
  k["storage_cycles"] = kpis.storage_cycles;
  return k;
}

nlohmann::json Result::summary() const {
  nlohmann::json j;
  j["status"] = std::string(lp::to_string(status));
  j["objective"] = lp::has_solution(status) ? nlohmann::json(objective) : nlohmann::json(nullptr);
  j["objective_kind"] = std::string(to_string(objective_kind));
  j["solver"] = solver;
  j["message"] = message;
  j["timings"] = {{"build_s", build_s}, {"solve_s", solve_s}};
  j["model"] = {{"variables", variables}, {"constraints", constraints}, {"nonzeros", nonzeros}, {"integers", integers}};
  j["horizon"] = {{"start", grid.time_iso(0, utc_offset_minutes)}, {"step_minutes", grid.step_minutes()}, {"steps", grid.size()}};
  j["diagnosis"] = diagnosis;
  j["prices_from_fixed_integers"] = prices_from_fixed_integers;
  if (lp::has_solution(status)) {
    j["kpis"] = kpis_json(kpis);
  }
  return j;
}

// The options with the scenario's own hard constraints filled in where the options set none.
Options with_scenario_constraints(const hub::Scenario& sc, Options o) {
  if (!o.min_green_share) o.min_green_share = sc.min_green_share;
  if (!o.max_emissions_kg) o.max_emissions_kg = sc.max_emissions_kg;
  if (!o.max_grid_import_kwh) o.max_grid_import_kwh = sc.max_grid_import_kwh;
  return o;
}

Result solve(const hub::Scenario& sc, const Options& options) {
  const Options o = with_scenario_constraints(sc, options);
  o.validate();
  const bool need_green = o.objective == Objective::green || o.objective == Objective::lexicographic ||
                          o.objective == Objective::weighted;
  Prepared p = prepare(sc, o, need_green);
  const Built& B = *p.built;
  // (limit_shedding adds rows to p.base, so the cases below take it by reference.)
  switch (o.objective) {
    case Objective::cost: return solve_model(p, p.base, o, true);
    case Objective::carbon: {
      // Emissions fall by serving less too: keep unserved and curtailed energy at the cost
      // optimum's amounts, as for every objective other than cost.
      Result c = solve_model(p, p.base, o, true);
      if (!lp::has_solution(c.status)) return c;
      limit_shedding(p, c);
      lp::Model m = p.base;
      set_tally_objective(B, m, "emissions.", 1.0);
      Result first = solve_model(p, m, o, false);
      if (!lp::has_solution(first.status)) return first;
      lp::Model m2 = p.base;  // least cost among the least-emission schedules
      add_tally_row(B, m2, "emissions.", -kInf, first.kpis.emissions_kg * (1 + 1e-7) + 1e-6, "emissions_best");
      Result r = solve_model(p, m2, o, true);
      r.objective_kind = o.objective;
      return r;
    }
    case Objective::green:
    case Objective::lexicographic: {
      const double tol = o.objective == Objective::green ? 1e-7 : o.lexicographic_tolerance;
      if (o.objective == Objective::lexicographic && o.cost_first) {
        Result c = solve_model(p, p.base, o, true);
        if (!lp::has_solution(c.status)) return c;
        limit_shedding(p, c);
        lp::Model m = p.base;  // best green share with cost within tolerance of the least cost
        add_tally_row(B, m, "cost.", -kInf, c.kpis.cost_total + tol * std::abs(c.kpis.cost_total) + 1e-9, "cost_best");
        set_green_objective(B, m, c.kpis.green_share);
        Result r = solve_model(p, m, o, false);
        r.objective_kind = o.objective;
        return r;
      }
      Result c = solve_model(p, p.base, o, true);
      if (!lp::has_solution(c.status)) return c;
      limit_shedding(p, c);
      GreenBest g = max_green(p, o);
      if (!g.ok) return g.result;
      lp::Model m = p.base;
      add_share_row(B, m, std::max(0.0, g.share - tol));
      Result r = solve_model(p, m, o, true);
      r.objective_kind = o.objective;
      return r;
    }
    case Objective::weighted: {
      Result c = solve_model(p, p.base, o, true);
      if (!lp::has_solution(c.status)) return c;
      limit_shedding(p, c);
      GreenBest g = max_green(p, o);
      if (!g.ok) return g.result;
      bool weighted_budget_note = false;
      // minimise w_c * cost / |C*| - w_g * M / (G* x L_ref), L_ref the cost optimum's consumption.
      lp::Model m = p.base;
      const double cnorm = std::max(1e-9, std::abs(c.kpis.cost_total));
      const double lref = std::max(1e-9, c.kpis.electricity_consumption_kwh);
      const double gnorm = std::max(1e-9, g.share);
      for (std::int32_t j = 0; j < m.num_vars(); ++j) m.set_obj(j, m.objective()[static_cast<std::size_t>(j)] * o.weight_cost / cnorm);
      const auto n = static_cast<std::int32_t>(sc.grid.size());
      const double dt = sc.grid.step_hours();
      for (std::int32_t t = 0; t < n; ++t) {
        m.add_obj(B.green.direct[t], -o.weight_green * dt / (gnorm * lref));
        for (const auto& st : B.green.stores) m.add_obj(st.gd[t], -o.weight_green * dt / (gnorm * lref));
      }
      // + w_g (a column fixed at 1): the objective becomes w_c C/|C*| + w_g (1 - M/(G* L_ref)), about
      // w_c + small at the optimum, so the relative MIP gap means what it means for the cost
      // objective instead of applying to a difference of two near-equal terms.
      m.add_var(1.0, 1.0, o.weight_green, lp::VarType::continuous, "weighted.offset");
      // The weighted MILP can be far harder for Cbc than its single objectives (issue 13: the
      // 168-h kunming park ran for many minutes inside Cbc's root heuristics). Without a time limit
      // of the caller's, it is bounded by its single-objective solves: 10 x their solve time, at
      // least 30 s; stopping there gives status "feasible" with the best schedule found.
      Options ow = o;
      if (!std::isfinite(o.solve.time_limit_s)) {
        ow.solve.time_limit_s = std::max(30.0, 10.0 * (c.solve_s + g.solve_s));
        weighted_budget_note = true;
      }
      Result r = solve_model(p, m, ow, false);
      if (weighted_budget_note && r.status == lp::Status::feasible)
        r.diagnosis.push_back("weighted objective: stopped at its time budget of " + fmt(ow.solve.time_limit_s) +
                              " s (10 x the cost and green solves, at least 30 s); the schedule is the best found, "
                              "not proven optimal; give --time-limit to choose the budget");
      r.objective_kind = o.objective;
      return r;
    }
  }
  return solve_model(p, p.base, o, true);
}

// A frontier point from a solve for green share >= target; NaN figures when there is no schedule.
ParetoPoint pareto_point(double target, Result r) {
  ParetoPoint pt;
  pt.status = r.status;
  pt.target_green_share = target;
  if (lp::has_solution(r.status)) {
    pt.green_share = r.kpis.green_share;
    pt.cost_total = r.kpis.cost_total;
    pt.emissions_kg = r.kpis.emissions_kg;
  } else {
    pt.green_share = pt.cost_total = pt.emissions_kg = std::numeric_limits<double>::quiet_NaN();
  }
  pt.result = std::move(r);
  return pt;
}

std::vector<ParetoPoint> pareto(const hub::Scenario& sc, const Options& options, int points) {
  const Options o = with_scenario_constraints(sc, options);
  o.validate();
  if (points < 2) throw InputError("", "points", "must be >= 2, got " + std::to_string(points));
  Prepared p = prepare(sc, o, true);
  const Built& B = *p.built;
  std::vector<ParetoPoint> out;
  Result lo = solve_model(p, p.base, o, true);
  if (!lp::has_solution(lo.status)) {
    out.push_back(pareto_point(std::numeric_limits<double>::quiet_NaN(), std::move(lo)));
    return out;
  }
  limit_shedding(p, lo);
  GreenBest g = max_green(p, o);
  const double s_lo = lo.kpis.green_share;
  const double s_hi = g.ok ? std::max(g.share, s_lo) : s_lo;
  out.resize(static_cast<std::size_t>(points));
  out[0] = pareto_point(s_lo, lo);
  // The other points are independent solves: o.workers at a time, one solver each (parallel.hpp).
  const std::size_t rest = static_cast<std::size_t>(points) - 1;
  detail::for_each_index(rest, detail::effective_workers(o, p.base.num_integers() > 0, rest), [&](std::size_t i) {
    const int k = static_cast<int>(i) + 1;
    const double target = s_lo + (s_hi - s_lo) * k / (points - 1);
    lp::Model m = p.base;
    add_share_row(B, m, k == points - 1 ? std::max(0.0, target - 1e-9) : target);
    out[i + 1] = pareto_point(target, solve_model(p, m, o, true));
  });
  // In target order (each point's share is at least its target, so this is green-share order for
  // the points with a schedule; a point without one stays at its target's place).
  std::stable_sort(out.begin(), out.end(),
                   [](const ParetoPoint& a, const ParetoPoint& b) { return a.target_green_share < b.target_green_share; });
  return out;
}

// Writes /time, /flows, /states, /green, /balance, /prices of `r` under `prefix` ("" for the file root).
void write_result_group(io::H5Writer& w, const Result& r, const std::string& prefix) {
  std::vector<std::int64_t> time(static_cast<std::size_t>(r.grid.size()));
  for (std::int64_t t = 0; t < r.grid.size(); ++t) time[static_cast<std::size_t>(t)] = r.grid.time_unix_s(t);
  w.write_vector_int64(prefix + "/time", time);
  for (const auto& f : r.flows) {
    const std::string p = prefix + "/flows/" + f.device + "." + f.port;
    w.write_vector(p, f.kw);
    w.write_string_attribute(p, "bus", f.bus);
    w.write_string_attribute(p, "carrier", std::string(hub::to_string(f.carrier)));
    w.write_string_attribute(p, "unit", "kW");
    w.write_string_attribute(p, "device_type", f.device_type);
    w.write_double_attribute(p, "renewable", f.renewable ? 1.0 : 0.0);
  }
  for (const auto& s : r.states) w.write_vector(prefix + "/states/" + s.device + "." + s.name, s.values);
  for (const auto& g : r.green) w.write_vector(prefix + "/green/" + g.device + "." + g.name, g.values);
  for (const auto& p : r.prices) w.write_vector(prefix + "/prices/" + p.bus, p.per_kwh);
  if (!r.consumption_kw.empty()) {
    w.write_vector(prefix + "/balance/electricity_consumption_kw", r.consumption_kw);
    w.write_vector(prefix + "/balance/green_matched_kw", r.green_matched_kw);
  }
  const std::string obj = prefix.empty() ? "/" : prefix;
  w.write_string_attribute(obj, "status", std::string(lp::to_string(r.status)));
  w.write_double_attribute(obj, "objective", r.objective);
  w.write_double_attribute(obj, "step_minutes", r.grid.step_minutes());
  w.write_double_attribute(obj, "prices_from_fixed_integers", r.prices_from_fixed_integers ? 1.0 : 0.0);
}

void write_result_h5(const Result& r, const std::string& path) {
  io::H5Writer w(path);
  write_result_group(w, r, "");
  w.commit();
}

void write_pareto_h5(const std::vector<ParetoPoint>& points, const std::string& path) {
  io::H5Writer w(path);
  std::vector<double> share, cost, em, target;
  for (std::size_t k = 0; k < points.size(); ++k) {
    target.push_back(points[k].target_green_share);
    share.push_back(points[k].green_share);
    cost.push_back(points[k].cost_total);
    em.push_back(points[k].emissions_kg);
    if (lp::has_solution(points[k].status)) write_result_group(w, points[k].result, "/points/" + std::to_string(k));
  }
  w.write_vector("/frontier/green_share", share);
  w.write_vector("/frontier/cost_total", cost);
  w.write_vector("/frontier/emissions_kg", em);
  w.write_vector("/frontier/target_green_share", target);
  w.commit();
}

}  // namespace ehub::dispatch
