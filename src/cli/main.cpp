// The ehub command-line tool: `ehub --version`, `ehub lp FILE.mps`, ... Exit codes:
// 0 ok, 1 bad input, 2 usage, 3 solver failure. Errors go to stderr, results to stdout.
#include <CLI/CLI.hpp>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>

#include "ehub/core/error.hpp"
#include "ehub/lp/mps.hpp"
#include "ehub/lp/solver.hpp"
#include "ehub/version.hpp"
#ifdef EHUB_CLI_WITH_GLPK
#include "ehub/lp/glpk.hpp"
#endif

namespace {

constexpr int kExitOk = 0;
constexpr int kExitInput = 1;
constexpr int kExitUsage = 2;
constexpr int kExitSolver = 3;

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
  lp_cmd->add_option("--solver", lp.solver, "Backend: one of ehub's available solvers (cbc, clp, glpk, ...)");
  lp_cmd->add_option("--time-limit", lp.time_limit_s, "Wall-clock limit in seconds")->check(CLI::PositiveNumber);
  lp_cmd->add_option("--mip-gap", lp.mip_gap, "Relative MIP gap")->check(CLI::NonNegativeNumber);
  lp_cmd->add_option("--threads", lp.threads, "Threads the backend may use")->check(CLI::PositiveNumber);
  lp_cmd->add_option("-v,--verbosity", lp.verbosity, "Solver log to stderr: 0 silent .. 3 everything");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? kExitOk : kExitUsage;
  }
  try {
    if (lp_cmd->parsed()) return run_lp(lp);
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
