// The ehub command-line tool: `ehub --version`, `ehub lp FILE.mps`, ... Exit codes:
// 0 ok, 1 bad input, 2 usage, 3 solver failure. Errors go to stderr, results to stdout.
#include <CLI/CLI.hpp>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <optional>
#include <vector>

#include "ehub/core/error.hpp"
#include "ehub/dispatch/dispatch.hpp"
#include "ehub/hub/scenario.hpp"
#include "ehub/io/text_file.hpp"
#include "ehub/lp/lp_format.hpp"
#include "ehub/lp/mps.hpp"
#include "ehub/lp/solver.hpp"
#include "commands.hpp"
#include "ehub/version.hpp"
#ifdef EHUB_CLI_WITH_GLPK
#include "ehub/lp/glpk.hpp"
#endif

namespace ehub::cli {

// Commands defined in other files of src/cli (declared here, registered in main()).
std::vector<Command> extra_commands(CLI::App& app);

}  // namespace ehub::cli

namespace {

using namespace ehub::cli;

struct LpArgs {
  std::string file;
  std::string solver = "cbc";
  double time_limit_s = ehub::lp::kInf;
  double mip_gap = 1e-4;
  int threads = 1;
  int verbosity = 0;
};

int run_lp(const LpArgs& a) {
  const ehub::lp::Model model = ehub::lp::read_mps(a.file);
  ehub::lp::SolveOptions opt;
  opt.time_limit_s = a.time_limit_s;
  opt.mip_gap = a.mip_gap;
  opt.threads = a.threads;
  opt.verbosity = a.verbosity;
  if (a.verbosity > 0) opt.log_callback = [](std::string_view line) { std::cerr << line << '\n'; };
  const ehub::lp::SolveResult r = ehub::lp::solve(model, a.solver, opt);
  nlohmann::json out;
  out["status"] = std::string(ehub::lp::to_string(r.status));
  out["objective"] = ehub::lp::has_solution(r.status) && std::isfinite(r.objective) ? nlohmann::json(r.objective)
                                                                                     : nlohmann::json(nullptr);
  out["solver"] = r.solver;
  out["seconds"] = r.seconds;
  std::cout << out.dump() << std::endl;
  return r.status == ehub::lp::Status::error ? kExitSolver : kExitOk;
}

struct SolveArgs {
  std::string file;
  std::string solver = "cbc";
  std::string start;
  std::int64_t steps = 0;
  int step_minutes = 0;
  std::string out;
  std::string summary;
  std::string write_lp, write_mps;
  double time_limit_s = ehub::lp::kInf;
  double mip_gap = 1e-4;
  bool relax = false;
  int verbosity = 0;
  std::string objective = "cost";
  bool cost_first = false;
  double lex_tolerance = 0.001;
  double weight_cost = 0.5, weight_green = 0.5;
  std::optional<double> min_green_share, max_emissions_kg, max_grid_import_kwh;
  int points = 11;
};

// Adds the horizon, solver and constraint options shared by `solve` and `pareto`.
void add_dispatch_options(CLI::App* cmd, SolveArgs& sv) {
  cmd->add_option("file", sv.file, "Scenario JSON file")->required();
  cmd->add_option("--solver", sv.solver, "Backend (cbc, glpk, highs; clp with --relax)");
  cmd->add_option("--start", sv.start, "Horizon start, ISO-8601 (default: the scenario's start)");
  cmd->add_option("--steps", sv.steps, "Number of steps (default: all data)")->check(ehub::cli::positive_number());
  cmd->add_option("--step-minutes", sv.step_minutes, "Re-grid to 5, 15, 30 or 60 minutes");
  cmd->add_option("--summary", sv.summary, "Write the summary JSON here instead of stdout");
  cmd->add_option("--time-limit", sv.time_limit_s, "Solver time limit in seconds per solve")->check(ehub::cli::positive_number());
  cmd->add_option("--mip-gap", sv.mip_gap, "Relative MIP gap")->check(ehub::cli::non_negative_number());
  cmd->add_flag("--relax", sv.relax, "Relax on/off and charge/discharge binaries (LP)");
  cmd->add_option("--min-green-share", sv.min_green_share, "Hard constraint: green share >= X (0..1)");
  cmd->add_option("--max-emissions-kg", sv.max_emissions_kg, "Hard constraint: emissions <= X kgCO2");
  cmd->add_option("--max-grid-import-kwh", sv.max_grid_import_kwh, "Hard constraint: grid import <= X kWh");
  cmd->add_option("-v,--verbosity", sv.verbosity, "Solver log to stderr: 0 silent .. 3 everything");
}

ehub::dispatch::Options dispatch_options(const SolveArgs& a) {
  ehub::dispatch::Options opt;
  opt.solver = a.solver;
  opt.relax_integers = a.relax;
  opt.solve.time_limit_s = a.time_limit_s;
  opt.solve.mip_gap = a.mip_gap;
  opt.solve.verbosity = a.verbosity;
  if (a.verbosity > 0) opt.solve.log_callback = [](std::string_view line) { std::cerr << line << '\n'; };
  opt.objective = ehub::dispatch::objective_from_string(a.objective);
  opt.cost_first = a.cost_first;
  opt.lexicographic_tolerance = a.lex_tolerance;
  opt.weight_cost = a.weight_cost;
  opt.weight_green = a.weight_green;
  opt.min_green_share = a.min_green_share;  // validated by Options::validate (range, sign)
  opt.max_emissions_kg = a.max_emissions_kg;
  opt.max_grid_import_kwh = a.max_grid_import_kwh;
  return opt;
}

ehub::hub::Scenario load(const SolveArgs& a) {
  ehub::hub::HorizonOptions h;
  if (!a.start.empty()) h.start = a.start;
  if (a.steps > 0) h.steps = a.steps;
  if (a.step_minutes > 0) h.step_minutes = a.step_minutes;
  return ehub::hub::load_scenario(a.file, h);
}

void emit(const SolveArgs& a, const nlohmann::json& summary) {
  const std::string text = summary.dump(2);
  if (!a.summary.empty()) ehub::io::write_text_file_atomically(a.summary, text + "\n");
  else std::cout << text << std::endl;
}

// Every output path is checked before any work (13.8): a missing folder must not surface after
// a long solve, with the summary lost too.
void check_outputs(const SolveArgs& a) {
  for (const std::string* p : {&a.out, &a.summary, &a.write_lp, &a.write_mps})
    if (!p->empty()) ehub::io::check_output_path(*p);
}

int run_solve(const SolveArgs& a) {
  check_outputs(a);
  const auto scenario = load(a);
  if (!a.write_lp.empty() || !a.write_mps.empty()) {  // the model as the backend gets it, before solving
    const ehub::lp::Model m = ehub::dispatch::build_model(scenario, dispatch_options(a));
    if (!a.write_mps.empty()) ehub::lp::write_mps(m, a.write_mps);
    if (!a.write_lp.empty()) ehub::lp::write_lp(m, a.write_lp);
  }
  const auto r = ehub::dispatch::solve(scenario, dispatch_options(a));
  std::cerr << r.brief_report() << '\n';
  if (!a.out.empty() && ehub::lp::has_solution(r.status)) ehub::dispatch::write_result_h5(r, a.out);
  emit(a, r.summary());
  return ehub::lp::has_solution(r.status) ? kExitOk : kExitSolver;
}

int run_pareto(const SolveArgs& a) {
  check_outputs(a);
  const auto scenario = load(a);
  const auto pts = ehub::dispatch::pareto(scenario, dispatch_options(a), a.points);
  nlohmann::json list = nlohmann::json::array();
  // A point without a schedule has no figures: "null" in JSON, "no schedule" on stderr (never 0).
  const auto num = [](double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr); };
  for (const auto& p : pts) {
    if (ehub::lp::has_solution(p.status))
      std::cerr << "green_share=" << p.green_share << " cost_total=" << p.cost_total << " ("
                << ehub::lp::to_string(p.status) << ")\n";
    else
      std::cerr << "target green_share>=" << p.target_green_share << ": no schedule ("
                << ehub::lp::to_string(p.status) << ")\n";
    list.push_back({{"green_share", num(p.green_share)},
                    {"cost_total", num(p.cost_total)},
                    {"emissions_kg", num(p.emissions_kg)},
                    {"target_green_share", num(p.target_green_share)},
                    {"status", std::string(ehub::lp::to_string(p.status))}});
  }
  if (!a.out.empty()) ehub::dispatch::write_pareto_h5(pts, a.out);
  nlohmann::json summary{{"points", list}};
  if (!pts.empty() && !pts.front().result.diagnosis.empty()) summary["diagnosis"] = pts.front().result.diagnosis;
  emit(a, summary);
  for (const auto& p : pts)
    if (!ehub::lp::has_solution(p.status)) return kExitSolver;
  return kExitOk;
}

int run_validate(const std::string& file) {
  const auto problems = ehub::hub::validate_scenario_file(file);
  for (const auto& p : problems) std::cerr << "ehub: " << p << '\n';
  if (problems.empty()) std::cout << file << ": ok" << std::endl;
  return problems.empty() ? kExitOk : kExitInput;
}

}  // namespace

int main(int argc, char** argv) {
#ifdef EHUB_CLI_WITH_GLPK
  ehub::lp::register_glpk_backend();
#endif
  CLI::App app{"ehub: integrated energy optimisation of zero-carbon industrial parks"};
  app.set_version_flag("--version", "ehub " + ehub::version());
  app.require_subcommand(0, 1);

  LpArgs lp;
  auto* lp_cmd = app.add_subcommand("lp", "Solve an LP/MILP given as a free-format MPS file; prints one JSON object");
  lp_cmd->add_option("file", lp.file, "MPS file")->required();
  lp_cmd->add_option("--solver", lp.solver, "Backend: one of ehub's available solvers (cbc, clp, glpk, highs when libhighs is found, ...)");
  lp_cmd->add_option("--time-limit", lp.time_limit_s, "Wall-clock limit in seconds")->check(ehub::cli::positive_number());
  lp_cmd->add_option("--mip-gap", lp.mip_gap, "Relative MIP gap")->check(ehub::cli::non_negative_number());
  lp_cmd->add_option("--threads", lp.threads, "Threads the backend may use")->check(ehub::cli::positive_number());
  lp_cmd->add_option("-v,--verbosity", lp.verbosity, "Solver log to stderr: 0 silent .. 3 everything");

  SolveArgs sv;
  auto* solve_cmd = app.add_subcommand("solve", "Cost-optimal dispatch of a scenario (JSON); prints or writes a summary");
  add_dispatch_options(solve_cmd, sv);
  solve_cmd->add_option("--out", sv.out, "Write flows, states, green split and prices to this HDF5 file");
  solve_cmd->add_option("--write-mps", sv.write_mps, "Write the model handed to the solver to this MPS file first");
  solve_cmd->add_option("--write-lp", sv.write_lp, "Write the model handed to the solver to this LP file first");
  solve_cmd->add_option("--objective", sv.objective, "cost, green, carbon, weighted or lexicographic")
      ->check(CLI::IsMember({"cost", "green", "carbon", "weighted", "lexicographic"}));
  solve_cmd->add_flag("--cost-first", sv.cost_first, "lexicographic: least cost first, then green share");
  solve_cmd->add_option("--lexicographic-tolerance", sv.lex_tolerance, "lexicographic: tolerance (share, 0.001 = 0.1 pp)");
  solve_cmd->add_option("--weight-cost", sv.weight_cost, "weighted: weight of normalised cost");
  solve_cmd->add_option("--weight-green", sv.weight_green, "weighted: weight of normalised green share");
  SolveArgs pa;
  auto* pareto_cmd = app.add_subcommand("pareto", "Green-share vs cost frontier (epsilon-constraint); prints a summary");
  add_dispatch_options(pareto_cmd, pa);
  pareto_cmd->add_option("--points", pa.points, "Number of frontier points (>= 2)")->check(CLI::Range(2, 1000));
  pareto_cmd->add_option("--out", pa.out, "Write the frontier and every point's schedule to this HDF5 file");
  std::string validate_file;
  auto* validate_cmd = app.add_subcommand("validate", "Check a scenario file; lists every problem with its JSON path");
  validate_cmd->add_option("file", validate_file, "Scenario JSON file")->required();

  const std::vector<Command> extra = ehub::cli::extra_commands(app);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? kExitOk : kExitUsage;
  }
  try {
    if (lp_cmd->parsed()) return run_lp(lp);
    if (solve_cmd->parsed()) return run_solve(sv);
    if (pareto_cmd->parsed()) return run_pareto(pa);
    if (validate_cmd->parsed()) return run_validate(validate_file);
    for (const auto& c : extra)
      if (c.app->parsed()) return c.run();
    std::cout << app.help() << std::flush;
    return kExitOk;
  } catch (const ehub::InputError& e) {
    std::cerr << "ehub: " << e.what() << '\n';
    return kExitInput;
  } catch (const ehub::SolverError& e) {
    std::cerr << "ehub: " << e.what() << '\n';
    return kExitSolver;
  } catch (const std::exception& e) {
    std::cerr << "ehub: internal error: " << e.what() << '\n';
    return kExitSolver;
  }
}
