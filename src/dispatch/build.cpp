// Model building: every device formulates itself through the builder, one balance row per bus
// and step, expressions of renewable output and consumption, rows and objectives on tallies, and
// the prepared model with its hard constraints.
#include "ehub/core/format.hpp"
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

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

[[noreturn]] void internal(const std::string& what) {
  throw Error("ehub.internal", "[ehub.internal] dispatch result check failed: " + what +
                                   " (this is a bug in ehub; please report it with the scenario)");
}

std::string fmt(double v) { return format_number(v, 6); }

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
    b.set_device(h.device(d).name(), d);
    h.device(d).formulate(b);
  }
  lp::Model& m = B.model;
  const auto& buses = h.buses();
  std::vector<std::vector<const hub::PortFlow*>> on_bus(buses.size());
  B.renewable.constant.assign(static_cast<std::size_t>(n), 0.0);
  B.consumption.constant.assign(static_cast<std::size_t>(n), 0.0);
  for (const auto& f : b.port_flows()) {
    // Dense ids: the device's index from the builder, its port's bus from the hub's table.
    const std::int32_t port = h.port_index(f.device_index, f.port);
    const std::int32_t bus = h.port_bus(f.device_index, port);
    if (bus < 0) throw InputError(sc.file, "/devices/" + f.device + "/ports/" + f.port, "port is not connected");
    on_bus[static_cast<std::size_t>(bus)].push_back(&f);
    if (buses[static_cast<std::size_t>(bus)].carrier != hub::Carrier::electricity) continue;
    const auto& dev = h.device(f.device_index);
    if (dev.renewable()) {
      add_scaled(B.renewable, f, 1.0, n);
      continue;
    }
    if (dev.ports()[static_cast<std::size_t>(port)].direction == hub::PortDirection::input) add_scaled(B.consumption, f, -1.0, n);
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

// Largest value of a step's expression over the variables' bounds (+inf when unbounded).
double upper_bound(const lp::Model& m, const StepExpr& e, std::int32_t t) {
  double u = e.constant[static_cast<std::size_t>(t)];
  for (const auto& [r, c] : e.terms) {
    const auto j = static_cast<std::size_t>(r[t]);
    u += c > 0 ? c * m.col_upper()[j] : c * m.col_lower()[j];
  }
  return u;
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

}  // namespace detail

}  // namespace ehub::dispatch
