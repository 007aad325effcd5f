// `ehub simulate FILE.json`: the operations loop (rolling horizon, twin execution) for one or all
// strategies; a progress bar on stderr (--progress), a KPI table on stdout, --out the executed
// schedules as HDF5, and --summary a JSON file with each strategy's KPIs and the value of
// optimisation (docs/operations.md).
#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <functional>
#include <memory>
#include <iostream>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <unistd.h>

#include "commands.hpp"
#include "ehub/io/text_file.hpp"
#include "ehub/sim/rolling.hpp"

namespace ehub::cli {

Command add_simulate_command(CLI::App& app);

namespace {

struct SimulateArgs {
  std::string file;
  std::string strategy = "all";
  std::optional<int> days;
  int horizon_hours = 48;
  int reoptimize_every_hours = 24;
  std::string solver = "cbc";
  bool relax = false;
  std::optional<double> time_limit_s;
  std::optional<double> mip_gap;
  std::string summary;
  std::string out;
  std::string progress = "auto";
  std::string forecaster = "ridge";
  int refit_every_days = 7;
  std::string twin = "causal";
  double balancing_penalty = 2.0;
  double battery_taper = 0.1;
  double part_load_ratio = 0.9;
  double battery_efficiency_drop = 0.02;
};



std::string fmt(double v, const char* f = "%.2f") {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  std::string out = buf;
  // A value that rounds to zero prints as zero, not "-0.0".
  if (out.size() > 1 && out[0] == '-' && out.find_first_not_of("-0.") == std::string::npos) out.erase(0, 1);
  return out;
}

// A progress bar on stderr: redrawn in place on a terminal, a line every 10 % otherwise (logs).
class ProgressBar {
 public:
  ProgressBar(std::string name, bool tty) : name_(std::move(name)), tty_(tty), t0_(std::chrono::steady_clock::now()) {}
  void update(std::int64_t done, std::int64_t total) {
    const double frac = total > 0 ? static_cast<double>(done) / static_cast<double>(total) : 1.0;
    const double el = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0_).count();
    const int decile = static_cast<int>(frac * 10.0 + 1e-9);
    if (!tty_ && decile == last_decile_ && done < total) return;
    last_decile_ = decile;
    constexpr int kWidth = 30;
    const int filled = static_cast<int>(frac * kWidth + 1e-9);
    std::string bar(static_cast<std::size_t>(filled), '#');
    bar.append(static_cast<std::size_t>(kWidth - filled), '.');
    std::string line = "simulate ";
    line += name_;
    line += " [";
    line += bar;
    line += "] ";
    line += fmt(100.0 * frac, "%3.0f");
    line += "% ";
    line += std::to_string(done);
    line += "/";
    line += std::to_string(total);
    line += " steps, ";
    line += fmt(el, "%.1f");
    line += " s";
    if (done > 0 && done < total) {
      line += ", ~";
      line += fmt(el / frac - el, "%.0f");
      line += " s left";
    }
    if (tty_) std::cerr << '\r' << line << "\x1b[K" << (done >= total ? "\n" : "") << std::flush;
    else std::cerr << line << '\n' << std::flush;
  }

 private:
  std::string name_;
  bool tty_;
  std::chrono::steady_clock::time_point t0_;
  int last_decile_ = -1;
};

std::string table(const std::vector<sim::LoopReport>& reps) {
  std::vector<std::pair<std::string, std::function<std::string(const sim::LoopReport&)>>> rows = {
      {"days", [](const auto& r) { return fmt(static_cast<double>(r.steps) * r.step_minutes / 1440.0, "%.1f"); }},
      {"cost_total", [](const auto& r) { return fmt(r.kpis.cost_total); }},
      {"green_share", [](const auto& r) { return fmt(r.kpis.green_share, "%.4f"); }},
      {"emissions_t", [](const auto& r) { return fmt(r.kpis.emissions_kg / 1000.0, "%.1f"); }},
      {"grid_import_mwh", [](const auto& r) { return fmt(r.kpis.grid_import_kwh / 1000.0, "%.1f"); }},
      {"grid_export_mwh", [](const auto& r) { return fmt(r.kpis.grid_export_kwh / 1000.0, "%.1f"); }},
      {"curtailment_mwh", [](const auto& r) { return fmt(r.kpis.curtailment_kwh / 1000.0, "%.1f"); }},
      {"unserved_kwh", [](const auto& r) { return fmt(r.kpis.unserved_kwh, "%.1f"); }},
      {"solves", [](const auto& r) { return std::to_string(r.solves); }},
      {"wall_s", [](const auto& r) { return fmt(r.wall_s); }},
  };
  std::map<std::string, bool> cost_keys, cycle_keys, mae_keys;
  for (const auto& r : reps) {
    for (const auto& [k, v] : r.kpis.cost) cost_keys[k] = true;
    for (const auto& [k, v] : r.kpis.storage_cycles) cycle_keys[k] = true;
    for (const auto& [k, v] : r.forecast_mae) mae_keys[k] = true;
  }
  for (const auto& [k, _] : cost_keys)
    rows.push_back({"  cost." + k, [k = k](const auto& r) {
                      const auto it = r.kpis.cost.find(k);
                      return it == r.kpis.cost.end() ? std::string("-") : fmt(it->second);
                    }});
  for (const auto& [k, _] : cycle_keys)
    rows.push_back({"cycles." + k, [k = k](const auto& r) {
                      const auto it = r.kpis.storage_cycles.find(k);
                      return it == r.kpis.storage_cycles.end() ? std::string("-") : fmt(it->second, "%.1f");
                    }});
  for (const auto& [k, _] : mae_keys)
    rows.push_back({"mae." + k, [k = k](const auto& r) {
                      const auto it = r.forecast_mae.find(k);
                      return it == r.forecast_mae.end() ? std::string("-") : fmt(it->second, "%.3f");
                    }});
  std::string out;
  char buf[128];
  std::snprintf(buf, sizeof buf, "%-34s", "kpi");
  out += buf;
  for (const auto& r : reps) {
    std::snprintf(buf, sizeof buf, "%16s", std::string(sim::to_string(r.strategy)).c_str());
    out += buf;
  }
  out += '\n';
  for (const auto& [name, f] : rows) {
    std::snprintf(buf, sizeof buf, "%-34s", name.c_str());
    out += buf;
    for (const auto& r : reps) {
      std::snprintf(buf, sizeof buf, "%16s", f(r).c_str());
      out += buf;
    }
    out += '\n';
  }
  return out;
}

int run_simulate(const SimulateArgs& a) {
  for (const std::string* p : {&a.out, &a.summary})  // checked before the loop runs
    if (!p->empty()) io::check_output_path(*p);
  std::vector<sim::Strategy> strategies;
  if (a.strategy == "all") strategies = {sim::Strategy::rules, sim::Strategy::mpc, sim::Strategy::perfect};
  else strategies = {sim::strategy_from_string(a.strategy)};
  std::vector<sim::LoopReport> reps;
  for (const auto s : strategies) {
    sim::LoopOptions o;
    o.strategy = s;
    o.days = a.days;
    o.horizon_hours = a.horizon_hours;
    o.reoptimize_every_hours = a.reoptimize_every_hours;
    o.forecaster = a.forecaster;
    o.refit_every_days = a.refit_every_days;
    o.twin.causal = a.twin == "causal";
    o.twin.balancing_penalty_per_kwh = a.balancing_penalty;
    o.twin.battery_taper_fraction = a.battery_taper;
    o.twin.unit_min_load_efficiency_ratio = a.part_load_ratio;
    o.twin.battery_efficiency_drop = a.battery_efficiency_drop;
    o.dispatch.solver = a.solver;
    o.dispatch.relax_integers = a.relax;
    if (a.time_limit_s) o.dispatch.solve.time_limit_s = *a.time_limit_s;
    if (a.mip_gap) o.dispatch.solve.mip_gap = *a.mip_gap;
    if (a.progress != "off") {
      auto bar = std::make_shared<ProgressBar>(std::string(sim::to_string(s)),
                                               a.progress == "bar" || (a.progress == "auto" && isatty(2) != 0));
      o.progress = [bar](std::int64_t done, std::int64_t total) { bar->update(done, total); };
    }
    reps.push_back(sim::run_loop(a.file, o));
  }
  std::cout << table(reps) << std::flush;
  if (!a.out.empty()) sim::write_loop_h5(reps, a.out);
  if (!a.summary.empty()) {
    nlohmann::json j;
    j["file"] = a.file;
    j["horizon_hours"] = a.horizon_hours;
    j["reoptimize_every_hours"] = a.reoptimize_every_hours;
    j["solver"] = a.solver;
    j["relax"] = a.relax;
    j["forecaster"] = a.forecaster;
    j["twin"] = {{"settlement", a.twin}, {"balancing_penalty_per_kwh", a.balancing_penalty},
                 {"battery_taper_fraction", a.battery_taper}, {"unit_min_load_efficiency_ratio", a.part_load_ratio},
                 {"battery_efficiency_drop", a.battery_efficiency_drop}};
    std::map<sim::Strategy, double> cost;
    for (const auto& r : reps) {
      j[std::string(sim::to_string(r.strategy))] = r.summary();
      cost[r.strategy] = r.kpis.cost_total;
    }
    if (cost.count(sim::Strategy::rules) && cost.count(sim::Strategy::mpc))
      j["value_of_optimisation"] = cost[sim::Strategy::rules] - cost[sim::Strategy::mpc];
    if (cost.count(sim::Strategy::mpc) && cost.count(sim::Strategy::perfect))
      j["cost_of_forecast_error"] = cost[sim::Strategy::mpc] - cost[sim::Strategy::perfect];
    io::write_text_file_atomically(a.summary, j.dump(2) + "\n");
  }
  return kExitOk;
}

}  // namespace

Command add_simulate_command(CLI::App& app) {
  auto args = std::make_shared<SimulateArgs>();
  auto* cmd = app.add_subcommand("simulate",
                                 "Operate the park with the rolling-horizon loop and its twin; compare strategies");
  cmd->add_option("file", args->file, "Scenario JSON file")->required();
  cmd->add_option("--strategy", args->strategy, "rules, mpc, perfect or all (default)")
      ->check(CLI::IsMember({"rules", "mpc", "perfect", "all"}));
  cmd->add_option("--days", args->days, "Days to simulate from the scenario start (default: all data)")
      ->check(ehub::cli::positive_number());
  cmd->add_option("--horizon-hours", args->horizon_hours, "Length of each plan in hours (default 48)")
      ->check(ehub::cli::positive_number());
  cmd->add_option("--reoptimize-every-hours", args->reoptimize_every_hours,
                  "Hours executed between decisions (default 24)")
      ->check(ehub::cli::positive_number());
  cmd->add_option("--solver", args->solver, "Backend (cbc, glpk, highs; clp with --relax)");
  cmd->add_flag("--relax", args->relax, "Relax on/off and charge/discharge binaries (LP)");
  cmd->add_option("--time-limit", args->time_limit_s, "Solver time limit in seconds per solve")
      ->check(ehub::cli::positive_number());
  cmd->add_option("--mip-gap", args->mip_gap, "Relative MIP gap")->check(ehub::cli::non_negative_number());
  cmd->add_option("--summary", args->summary, "Write each strategy's KPIs as JSON here");
  cmd->add_option("--forecaster", args->forecaster,
                  "mpc: ridge (default), another forecast model (ehub forecast --list-models) or seasonal_naive_day");
  cmd->add_option("--refit-every-days", args->refit_every_days, "mpc: refit interval of the forecast model (default 7)")
      ->check(ehub::cli::positive_number());
  cmd->add_option("--twin", args->twin, "causal (default: step by step) or window (the executed window at once)")
      ->check(CLI::IsMember({"causal", "window"}));
  cmd->add_option("--balancing-penalty", args->balancing_penalty,
                  "W of the twin's balancing order: storage W, units 2W, grid 4W, curtailment 8W (default 2)")
      ->check(ehub::cli::non_negative_number());
  cmd->add_option("--battery-taper", args->battery_taper,
                  "Twin battery power taper band, fraction of energy next to soc_min/soc_max (default 0.1; 0: none)")
      ->check(CLI::Range(0.0, 0.5));
  cmd->add_option("--battery-efficiency-drop", args->battery_efficiency_drop,
                  "Causal twin: battery efficiency drop at the SOC limits inside the taper band (default 0.02)")
      ->check(CLI::Range(0.0, 0.49));
  cmd->add_option("--unit-part-load-ratio", args->part_load_ratio,
                  "Twin: efficiency at min load / full load of units without part-load data (default 0.9; 1: as planned)")
      ->check(CLI::Range(0.01, 1.0));
  cmd->add_option("--out", args->out,
                  "Write each strategy's executed schedule (HDF5, dispatch layout under /<strategy>/) here");
  cmd->add_option("--progress", args->progress,
                  "Progress on stderr: auto (bar on a terminal, a line every 10 % otherwise), bar, lines, off")
      ->check(CLI::IsMember({"auto", "bar", "lines", "off"}));
  return {cmd, [args] { return run_simulate(*args); }};
}

}  // namespace ehub::cli
