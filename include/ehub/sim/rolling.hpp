// sim rolling horizon: the operations loop (plan over a horizon with forecasts, execute the first
// steps in the twin against actual data, carry the states over, repeat) and its report.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ehub/dispatch/dispatch.hpp"
#include "ehub/export.hpp"
#include "ehub/sim/twin.hpp"

namespace ehub::sim {

/// How the park is operated. Explicit numbers, append-only.
enum class Strategy : std::uint8_t {
  perfect = 0,  ///< the loop with actual data as forecasts (the bound)
  mpc = 1,      ///< the loop with forecasts made from data before each decision time
  rules = 2,    ///< the rule-based baseline (docs/operations.md), no optimisation of setpoints
};

/// "perfect", "mpc", "rules".
/// The strategies' names.
inline constexpr EnumName<Strategy> kStrategyNames[] = {
    {Strategy::perfect, "perfect"}, {Strategy::mpc, "mpc"}, {Strategy::rules, "rules"}};
EHUB_EXPORT std::string_view to_string(Strategy s) noexcept;
/// Inverse of to_string; throws InputError on an unknown name.
EHUB_EXPORT Strategy strategy_from_string(std::string_view name);

/// Options of the loop.
struct LoopOptions {
  Strategy strategy = Strategy::mpc;   ///< how the park is operated
  int horizon_hours = 48;              ///< length of each plan
  int reoptimize_every_hours = 24;     ///< steps executed between decisions (<= horizon_hours)
  /// Per grid connection (device name): a price per kWh added to its import and export prices in
  /// the plans only, one value per step of the scenario's data (e.g. a demand-response incentive
  /// during an event window, ehub::dr); settlements and KPIs are at the park's own prices.
  std::map<std::string, std::vector<double>> plan_exchange_price_adder_per_kwh;
  std::optional<int> days;             ///< days to run from the scenario start (default: all data)
  dispatch::Options dispatch;          ///< solver and options of every plan and twin solve
  std::function<void(std::int64_t done, std::int64_t total)> progress;  ///< after each decision: steps done, total
  /// mpc: the model forecasting load profiles, PV availability and wind speed at each decision:
  /// "ridge" (default) or any other model of ehub::forecast by name (forecast::list_forecasters():
  /// "ridge_hier", "holt_winters", ...), fitted only on data before the decision time; or
  /// "seasonal_naive_day" (built in: the same hour one day before the decision).
  std::string forecaster = "ridge";
  int refit_every_days = 7;            ///< mpc with a forecast-module model: refit interval
  TwinOptions twin;                    ///< the twin's physics and balancing policy

  /// Throws InputError naming the bad field.
  void validate() const;
};

/// Per-step record of the executed steps (plan vs execution).
struct StepLog {
  std::vector<std::int64_t> time_unix_s;   ///< start of each executed step
  std::vector<double> plan_grid_kw;        ///< planned grid exchange, kW (import - export)
  std::vector<double> grid_kw;             ///< executed grid exchange, kW
  std::vector<double> plan_storage_kw;     ///< planned battery power, kW (discharge - charge)
  std::vector<double> storage_kw;          ///< executed battery power, kW
  std::map<std::string, std::vector<double>> soc_kwh;  ///< executed state of charge per storage (end of step)
  std::map<std::string, std::vector<double>> on;       ///< executed commitment per unit
};

/// What a loop run did, aggregated over the executed steps.
struct EHUB_EXPORT LoopReport {
  Strategy strategy = Strategy::mpc;  ///< the strategy run
  std::int64_t steps = 0;             ///< executed steps
  int step_minutes = 60;              ///< step length
  std::int64_t solves = 0;            ///< dispatch solves (plans and twin settlements)
  double wall_s = 0;                  ///< wall time of the run
  double solve_s = 0;                 ///< of which inside dispatch::solve (build + solve)
  dispatch::Kpis kpis;                ///< cost by category, emissions, energies, green share, cycles
  std::map<std::string, double> forecast_mae;  ///< mpc: "<device>.<key>" -> mean absolute error over executed steps
  std::int64_t forecast_fallback_steps = 0;    ///< mpc: executed steps with no history a day back (actuals used)
  std::int64_t forecast_baseline_steps = 0;    ///< mpc: executed steps forecast by seasonal naive because the chosen model had too little history
  std::string forecaster;                      ///< mpc: the forecasting model used
  double grid_deviation_kwh = 0;      ///< sum |executed - planned grid exchange| dt
  double storage_deviation_kwh = 0;   ///< sum |executed - planned battery power| dt
  StepLog log;                        ///< per-step plan vs execution
  /// The executed schedule of the whole run in the dispatch layout: every step's flows, states,
  /// green storage split and balance series (consumption, green matched) as the twin settled them;
  /// its status/objective fields are those of the last settlement, the run's KPIs are `kpis`.
  dispatch::Result executed;

  /// The KPIs as JSON (the `ehub simulate --summary` entry of one strategy).
  nlohmann::json summary() const;
  /// One line: strategy, days, cost, green share, solves, wall time.
  std::string brief_report() const;
};

/// Writes the executed schedules of `reports` to `path` (atomically), one group per strategy:
/// /<strategy>/time, /flows, /states, /green, /balance in the dispatch results layout, the group's
/// attribute "summary" holding LoopReport::summary() as JSON text.
EHUB_EXPORT void write_loop_h5(const std::vector<LoopReport>& reports, const std::string& path);

/// Runs the loop on a scenario file (series inline, named or from CSV; see docs/operations.md).
EHUB_EXPORT LoopReport run_loop(const std::string& scenario_path, const LoopOptions& options);
/// Runs the loop on a scenario held in memory; `file` names it in errors, `base_dir` resolves CSVs.
EHUB_EXPORT LoopReport run_loop(const nlohmann::json& scenario, const std::string& file, const std::string& base_dir,
                                const LoopOptions& options);

/// Every device series of a scenario resolved to a full-length inline array on its data grid
/// (names of "series" entries, {"csv", "column", "scale"}, {"values"}, arrays); "series" dropped.
EHUB_EXPORT nlohmann::json resolve_series(const nlohmann::json& scenario, const std::string& file,
                                          const std::string& base_dir);

}  // namespace ehub::sim
