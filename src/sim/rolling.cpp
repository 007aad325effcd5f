// The operations loop: series resolved once, a window scenario per decision time (forecasts for
// mpc, actuals for perfect, rule setpoints for rules), the twin executes the first steps, the
// storage and commitment states carry over exactly. Equations and policies: docs/operations.md.
#include "ehub/sim/rolling.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <limits>

#include "ehub/core/error.hpp"
#include "ehub/core/series.hpp"
#include "ehub/core/time_grid.hpp"
#include "ehub/forecast/forecaster.hpp"
#include "ehub/hub/scenario.hpp"
#include "ehub/io/csv.hpp"
#include "ehub/io/hdf5.hpp"
#include "ehub/io/json.hpp"
#include "ehub/sim/twin.hpp"
#include "park.hpp"

namespace ehub::sim {

std::string_view to_string(Strategy s) noexcept { return enum_name(kStrategyNames, s); }

Strategy strategy_from_string(std::string_view name) { return enum_from_name(kStrategyNames, name, "strategy", "strategy"); }

void LoopOptions::validate() const {
  if (horizon_hours < 1) throw InputError("", "horizon_hours", "must be >= 1, got " + std::to_string(horizon_hours));
  if (reoptimize_every_hours < 1 || reoptimize_every_hours > horizon_hours)
    throw InputError("", "reoptimize_every_hours",
                     "must be in 1..horizon_hours (" + std::to_string(horizon_hours) + "), got " +
                         std::to_string(reoptimize_every_hours));
  if (days && *days < 1) throw InputError("", "days", "must be >= 1, got " + std::to_string(*days));
  if (refit_every_days < 1) throw InputError("", "refit_every_days", "must be >= 1, got " + std::to_string(refit_every_days));
  if (forecaster != "seasonal_naive_day") {
    bool known = false;
    std::string names = "seasonal_naive_day";
    for (const auto& f : forecast::list_forecasters()) {
      known = known || f.name == forecaster;
      names += ", ";
      names += f.name;
    }
    if (!known) {
      std::string msg = "unknown forecaster \"";
      msg += forecaster;
      msg += "\"; known: ";
      msg += names;
      throw InputError("", "forecaster", msg);
    }
  }
  twin.validate();
  dispatch.validate();
}

using namespace detail;

json resolve_series(const json& scenario, const std::string& file, const std::string& base_dir) {
  const Park P = make_park(scenario, file, base_dir);
  json j = P.skeleton;
  for (const auto& s : P.series) j["devices"][s.device][s.key] = s.values;
  return j;
}

LoopReport run_loop(const std::string& scenario_path, const LoopOptions& options) {
  const json j = io::load_json_file(scenario_path);
  const auto dir = std::filesystem::path(scenario_path).parent_path().string();
  return run_loop(j, scenario_path, dir.empty() ? "." : dir, options);
}

LoopReport run_loop(const json& scenario, const std::string& file, const std::string& base_dir,
                    const LoopOptions& options) {
  using clock = std::chrono::steady_clock;
  const auto t_start = clock::now();
  options.validate();
  register_sim_devices();
  const Park P = make_park(scenario, file, base_dir);
  dispatch::Options dopt = options.dispatch;
  dopt.milp_prices = false;  // plans and settlements use no bus prices
  // Cbc's "strategy 0" (lighter cuts and strong branching) solves these small, repeated MILPs about
  // 30 % faster at the same optimum on the reference park (docs/operations.md); a user's own
  // cbc:strategy wins.
  if (dopt.solver == "cbc" && !dopt.solve.backend_options.count("cbc:strategy")) dopt.solve.backend_options["cbc:strategy"] = "0";
  const int sm = P.grid.step_minutes();
  const std::int64_t per_h = 60 / sm, n = P.grid.size(), day = 24 * per_h;
  const std::int64_t H = options.horizon_hours * per_h, K = options.reoptimize_every_hours * per_h;
  if (options.days && *options.days * day > n)
    throw InputError(file, "--days",
                     "asks for " + std::to_string(*options.days) + " days but the scenario's data hold " +
                         std::to_string(n / day) + (n % day ? " and a part" : "") + " days (" + std::to_string(n) +
                         " steps); give --days " + std::to_string(n / day) + " or fewer, or omit it for all the data");
  const std::int64_t total = options.days ? *options.days * day : n;
  for (const auto& [grid, adder] : options.plan_exchange_price_adder_per_kwh) {
    const auto i = P.full.hub.find_device(grid);
    if (!i || !P.full.hub.device(*i).grid_connection())
      throw InputError(file, "plan_exchange_price_adder_per_kwh/" + grid, "no grid connection named \"" + grid + "\"");
    if (static_cast<std::int64_t>(adder.size()) != n)
      throw InputError(file, "plan_exchange_price_adder_per_kwh/" + grid,
                       "needs one value per step of the scenario's data (" + std::to_string(n) + "), got " +
                           std::to_string(adder.size()));
    for (std::size_t t = 0; t < adder.size(); ++t)
      if (!std::isfinite(adder[t]))
        throw InputError(file, "plan_exchange_price_adder_per_kwh/" + grid + "/" + std::to_string(t), "must be finite");
  }
  const double dt = P.grid.step_hours();

  LoopReport rep;
  rep.strategy = options.strategy;
  rep.step_minutes = sm;
  Carry c;
  for (const auto& s : P.storages) c.soc[s.name] = s.info.soc_initial;
  for (const auto& u : P.units) c.on[u.name] = u.info.initial_on;
  std::map<std::string, double> abs_err;
  std::int64_t err_steps = 0;
  double self_used = 0;
  rep.forecaster = options.strategy == Strategy::mpc ? options.forecaster : "";
  std::vector<SeriesModel> models;  // empty: the built-in seasonal naive
  if (options.strategy == Strategy::mpc && options.forecaster != "seasonal_naive_day") {
    models.resize(P.series.size());
    forecast::ForecastOptions fo;
    fo.calendar.utc_offset_minutes = P.offset;
    fo.schedule.origin_hour = to_local(P.grid.start_unix_s(), P.offset).hour;
    fo.schedule.origin_minute = to_local(P.grid.start_unix_s(), P.offset).minute;
    fo.schedule.horizon_steps = static_cast<int>(H);
    fo.schedule.day_ahead = false;
    fo.non_negative = 1;
    for (std::size_t k = 0; k < P.series.size(); ++k)
      if (P.series[k].forecastable) models[k].model = forecast::make_forecaster(options.forecaster, fo);
  }

  for (std::int64_t d = 0; d < total; d += K) {
    const std::int64_t w = std::min(H, n - d), e = std::min(K, total - d);
    Pins pins;
    dispatch::Result plan;
    bool have_plan = false;
    std::vector<double> rules_storage;
    if (options.strategy == Strategy::rules) {
      pins = rules_pins(P, c, d, e, rules_storage);
    } else {
      std::vector<std::vector<double>> vals = actual_slices(P, d, w);
      if (options.strategy == Strategy::mpc) {
        std::int64_t fb = 0, base = 0;  // the same for every series: counted once per executed step
        for (std::size_t k = 0; k < P.series.size(); ++k) {
          if (!P.series[k].forecastable) continue;
          fb = 0;
          base = 0;
          vals[k] = models.empty() ? seasonal_naive(P.series[k].values, d, w, day, fb, e)
                                   : models[k].forecast(P, P.series[k].values, d, w, day, options.refit_every_days, fb, base, e);
          double& acc = abs_err[P.series[k].device_name + "." + P.series[k].key];
          for (std::int64_t t = 0; t < e; ++t)
            acc += std::abs(vals[k][static_cast<std::size_t>(t)] - P.series[k].values[static_cast<std::size_t>(d + t)]);
        }
        err_steps += e;
        rep.forecast_fallback_steps += fb;
        rep.forecast_baseline_steps += base;
      }
      for (int attempt = 0; attempt < 2 && !have_plan; ++attempt) {
        const hub::Scenario sc = window_scenario(P, d, w, vals, c, true, attempt == 1, options.plan_exchange_price_adder_per_kwh);
        plan = dispatch::solve(sc, dopt);
        ++rep.solves;
        rep.solve_s += plan.build_s + plan.solve_s;
        have_plan = lp::has_solution(plan.status);
      }
      if (!have_plan) {
        std::string msg = "no plan at ";
        msg += P.grid.time_iso(d, P.offset);
        msg += ": ";
        msg += lp::to_string(plan.status);
        for (const auto& x : plan.diagnosis) msg += "; " + x;
        throw SolverError(options.dispatch.solver, msg);
      }
      pins = plan_pins(plan, e);
    }
    // Planned grid exchange and storage power of the executed steps (deviations are recorded).
    std::vector<double> plan_grid(static_cast<std::size_t>(e), kNaN), plan_storage = rules_storage;
    if (have_plan) {
      const auto g = grid_exchange_kw(plan), st = storage_power_kw(plan);
      plan_grid.assign(g.begin(), g.begin() + e);
      plan_storage.assign(st.begin(), st.begin() + e);
    }
    plan_storage.resize(static_cast<std::size_t>(e), kNaN);
    // The twin: step by step (causal) or the executed window at once.
    const std::int64_t len = options.twin.causal ? 1 : e;
    for (std::int64_t s0 = 0; s0 < e; s0 += len) {
      const std::int64_t l = std::min(len, e - s0);
      TwinResult tr = execute(window_scenario(P, d + s0, l, actual_slices(P, d + s0, l), c, false, true, {}),
                              slice_pins(pins, s0, l), dopt, options.twin);
      ++rep.solves;
      rep.solve_s += tr.executed.build_s + tr.executed.solve_s;
      add_kpis(rep.kpis, tr.executed.kpis, self_used);
      append_executed(rep.executed, tr.executed);
      for (std::int64_t t = 0; t < l; ++t) {
        const auto ts = static_cast<std::size_t>(t), ps = static_cast<std::size_t>(s0 + t);
        rep.log.time_unix_s.push_back(P.grid.time_unix_s(d + s0 + t));
        rep.log.plan_grid_kw.push_back(plan_grid[ps]);
        rep.log.grid_kw.push_back(tr.grid_kw[ts]);
        rep.log.plan_storage_kw.push_back(plan_storage[ps]);
        rep.log.storage_kw.push_back(tr.storage_kw[ts]);
        if (std::isfinite(plan_grid[ps])) rep.grid_deviation_kwh += std::abs(tr.grid_kw[ts] - plan_grid[ps]) * dt;
        if (std::isfinite(plan_storage[ps])) rep.storage_deviation_kwh += std::abs(tr.storage_kw[ts] - plan_storage[ps]) * dt;
      }
      carry_over(P, tr.executed, dt, c, rep.log);
    }
    rep.steps += e;
    if (options.progress) options.progress(d + e, total);
  }
  auto& k = rep.kpis;
  // Demand charges on the executed monthly peaks, prorated to the share of each month run.
  for (const auto& g : P.demand_charges)
    if (const auto it = c.peak_kw.find(g.grid); it != c.peak_kw.end())
      for (const auto& [key, peak] : it->second) {
        const double cost = g.per_kw_month * peak * c.hours_in_month[key] / month_hours(key);
        k.cost["demand_charge"] += cost;
        k.cost_total += cost;
      }
  k.green_share = k.electricity_consumption_kwh > 0 ? k.green_matched_kwh / k.electricity_consumption_kwh : 0.0;
  k.self_sufficiency = k.electricity_consumption_kwh > 0 ? 1.0 - k.grid_import_kwh / k.electricity_consumption_kwh : 0.0;
  const double gen = k.renewable_kwh + k.curtailment_kwh;
  k.self_consumption = gen > 0 ? self_used / gen : 0.0;
  if (err_steps > 0)
    for (const auto& [name, v] : abs_err) rep.forecast_mae[name] = v / static_cast<double>(err_steps);
  rep.wall_s = std::chrono::duration<double>(clock::now() - t_start).count();
  return rep;
}

}  // namespace ehub::sim
