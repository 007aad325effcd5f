// dispatch::solve: the cost-optimal schedule of every device of a scenario over its horizon as
// one MILP (or its LP relaxation), returned with flows, states, prices and KPIs, checked.
#pragma once

#include <map>
#include <optional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "ehub/core/time_grid.hpp"
#include "ehub/export.hpp"
#include "ehub/io/hdf5.hpp"
#include "ehub/hub/carrier.hpp"
#include "ehub/hub/scenario.hpp"
#include "ehub/lp/solver.hpp"

namespace ehub::dispatch {

/// What a dispatch optimises (docs/objectives.md). Explicit numbers, append-only.
enum class Objective : std::uint8_t {
  cost = 0,           ///< least total cost (energy, demand charges, fuel, O&M, start-ups, carbon, penalties)
  green = 1,          ///< largest certified green share of electricity consumption, then least cost
  carbon = 2,         ///< least emissions, then least cost
  weighted = 3,       ///< weighted sum of cost and green share, each normalised by its single-objective optimum
  lexicographic = 4,  ///< best green share, then least cost within a tolerance of it (or cost first)
};

/// "cost", "green", "carbon", "weighted", "lexicographic".
/// The objectives' names.
inline constexpr EnumName<Objective> kObjectiveNames[] = {{Objective::cost, "cost"},
                                                          {Objective::green, "green"},
                                                          {Objective::carbon, "carbon"},
                                                          {Objective::weighted, "weighted"},
                                                          {Objective::lexicographic, "lexicographic"}};
EHUB_EXPORT std::string_view to_string(Objective o) noexcept;
/// Inverse of to_string; throws InputError on an unknown name.
EHUB_EXPORT Objective objective_from_string(std::string_view name);

/// Options of a dispatch.
struct Options {
  std::string solver = "cbc";      ///< backend name (clp needs relax_integers)
  lp::SolveOptions solve;          ///< time limit, MIP gap, threads, ...
  bool relax_integers = false;     ///< LP relaxation: on/off and charge/discharge binaries continuous
  double check_tolerance = 1e-6;   ///< relative tolerance of the balance and row checks
  Objective objective = Objective::cost;  ///< what to optimise
  double weight_cost = 0.5;        ///< weighted: weight of normalised cost
  double weight_green = 0.5;       ///< weighted: weight of normalised green share
  double lexicographic_tolerance = 0.001;  ///< lexicographic: share (or relative cost) kept within this
  bool cost_first = false;         ///< lexicographic: least cost first, then best green share
  std::optional<double> min_green_share;      ///< hard constraint: green share >= this (0..1)
  std::optional<double> max_emissions_kg;     ///< hard constraint: emissions <= this
  std::optional<double> max_grid_import_kwh;  ///< hard constraint: grid import <= this
  bool diagnose_infeasible = true;  ///< on infeasibility, re-solve with penalised slacks and explain
  bool milp_prices = true;          ///< MILP: fix the integers and re-solve the LP for bus prices
  /// MILP: compare the backend's "optimal" with the LP relaxation (Clp) and a rounded relaxation
  /// schedule; a better integer-feasible schedule replaces a wrong "optimal" (docs/objectives.md).
  bool relaxation_check = true;
  /// pareto() and solve_each(): how many solves run at once, each on its own thread with its own
  /// solver (0: one per core; 1: one after the other). A backend whose MILPs run one at a time per
  /// process (cbc, lp::Capabilities::milp_one_at_a_time) solves MILPs one after the other anyway.
  int workers = 0;

  /// Throws InputError naming the bad field.
  void validate() const;
};

/// Power at one device port for every step (kW, positive into the bus).
struct FlowSeries {
  std::string device, port, bus;  ///< where
  hub::Carrier carrier;           ///< the bus's carrier
  std::string device_type;        ///< registry type of the device ("pv", "battery", ...)
  bool renewable = false;         ///< the device's output counts as green
  std::vector<double> kw;         ///< one value per step
};

/// A device state for every step (e.g. battery soc_kwh, chp on).
struct StateSeries {
  std::string device, name;  ///< device and state name (with unit)
  std::vector<double> values;  ///< one value per step
  hub::Setpoint setpoint = hub::Setpoint::none;  ///< what the state is to the operations twin
};

/// Marginal price of one more kWh at a bus for every step (LP duals).
struct BusPrice {
  std::string bus;                ///< bus name
  std::vector<double> per_kwh;    ///< currency per kWh, one per step
};

/// Key figures of a schedule (energies in kWh, money in the scenario's currency, kgCO2).
struct Kpis {
  double cost_total = 0;                    ///< sum of the cost breakdown (equals the objective)
  std::map<std::string, double> cost;       ///< grid_energy, demand_charge, gas, diesel, om, startups, ...
  double emissions_kg = 0;                  ///< total emissions
  std::map<std::string, double> emissions_kg_by_source;  ///< grid, gas, diesel
  double electricity_consumption_kwh = 0;   ///< electricity drawn by loads and converters
  double renewable_kwh = 0;                 ///< renewable generation used (after curtailment)
  double green_share = 0;                   ///< green_matched_kwh / electricity_consumption_kwh
  double green_matched_kwh = 0;             ///< same-step renewable use + green storage discharge used
  double self_consumption = 0;              ///< renewable used on site (directly or stored) / renewable generation
  double self_sufficiency = 0;              ///< 1 - grid import / electricity consumption
  double grid_import_kwh = 0, grid_export_kwh = 0, curtailment_kwh = 0, unserved_kwh = 0;
  double heat_dumped_kwh = 0;               ///< CHP heat released unused (heat_dump), all CHPs
  double certificates_sold_kwh = 0;         ///< certificates of exported renewable energy sold (scenario certificate_price_per_mwh > 0)
  std::map<std::string, double> storage_cycles;  ///< equivalent full cycles per storage
};

/// The key figures as the JSON object of `ehub solve --summary` ("kpis") and of each strategy
/// of `ehub simulate --summary`: cost_total, cost_breakdown, emissions_kg, ... (docs/devices.md).
EHUB_EXPORT nlohmann::json kpis_json(const Kpis& kpis);

/// Result of a dispatch.
struct EHUB_EXPORT Result {
  lp::Status status = lp::Status::error;  ///< solver outcome
  double objective = 0;                   ///< objective value (total cost incl. carbon cost)
  std::string solver;                     ///< backend name
  std::string message;                    ///< backend's message
  double build_s = 0;                     ///< wall time building the model (devices and balances)
  double solve_s = 0;                     ///< wall time handing the model to the backend and solving
  std::int64_t variables = 0, constraints = 0, nonzeros = 0, integers = 0;  ///< model size
  TimeGrid grid;                          ///< the horizon
  int utc_offset_minutes = 0;             ///< the park's local time (for reports)
  std::vector<FlowSeries> flows;          ///< every port's flow
  std::vector<StateSeries> states;        ///< every recorded state
  std::vector<BusPrice> prices;           ///< bus prices (LP duals; for a MILP from the LP with integers fixed)
  bool prices_from_fixed_integers = false;  ///< prices come from the LP with the MILP's integers fixed
  std::vector<StateSeries> green;         ///< per storage: charge_kw, discharge_kw of green origin (device, name)
  std::vector<double> consumption_kw;     ///< electricity consumption L_t per step (kW; the green share's denominator)
  std::vector<double> green_matched_kw;   ///< green matched M_t per step (kW: same-step renewable use + green discharge used)
  std::vector<std::string> diagnosis;     ///< why there is no feasible schedule, or unserved energy, if any
  Objective objective_kind = Objective::cost;  ///< the objective this result optimised
  std::map<std::string, double> tallies;  ///< raw tallies: cost.*, emissions.*, energy.*
  Kpis kpis;                              ///< key figures

  /// One line: status, cost, green share, timings.
  std::string brief_report() const;
  /// The summary JSON of `ehub solve --summary` (status, objective, solver, timings, model, kpis).
  nlohmann::json summary() const;
};

/// One point of a green-vs-cost frontier. A point whose solve found no schedule (status
/// infeasible, time_limit, ...) has NaN green_share, cost_total and emissions_kg (null in JSON):
/// never zeros that read as a free, grey schedule.
struct ParetoPoint {
  double green_share = 0;   ///< certified green share of electricity consumption (NaN without a schedule)
  double cost_total = 0;    ///< total cost (NaN without a schedule)
  double emissions_kg = 0;  ///< total emissions, kgCO2 (NaN without a schedule)
  lp::Status status = lp::Status::error;  ///< outcome of this point's solve
  Result result;            ///< the full schedule
  double target_green_share = 0;  ///< the epsilon constraint: green share >= this (the cost optimum's own share for the first point)
};

/// The green-vs-cost frontier by the epsilon-constraint method: `points` (>= 2) schedules from the
/// cost optimum to the greenest, each the least-cost schedule with green share >= its target,
/// in the order of the targets (so of green share). When the cost optimum itself has no schedule
/// the list holds that one point (target NaN).
EHUB_EXPORT std::vector<ParetoPoint> pareto(const hub::Scenario& scenario, const Options& options, int points = 11);

/// Builds the model of `scenario`, solves it and returns the checked result. Throws InputError
/// for bad options, SolverError for backend failures, ehub::Error("ehub.internal") when a returned
/// schedule violates a balance or a row beyond the tolerance (a bug, never silently returned).
EHUB_EXPORT Result solve(const hub::Scenario& scenario, const Options& options = {});
/// The MILP (or LP with options.relax_integers) that solve() hands to the backend first: the cost
/// objective with the scenario's and the options' hard constraints, and the green model when a
/// green constraint or objective needs it. For the green, carbon, weighted and lexicographic
/// objectives it is the first of the models they solve (each later one adds a row or changes the
/// objective). Written with lp::write_mps / lp::write_lp (`ehub solve --write-mps/--write-lp`), it
/// lets another solver be compared or a bug be reported by sending one file.
EHUB_EXPORT lp::Model build_model(const hub::Scenario& scenario, const Options& options = {});

/// Writes a result to HDF5 (written to a temporary file, then renamed): /time (int64 unix s),
/// /flows/<device>.<port> (attributes bus, carrier, unit "kW", device_type, renewable 0/1),
/// /states/<device>.<name>, /prices/<bus>; root attributes status, objective, step_minutes.
EHUB_EXPORT void write_result_h5(const Result& result, const std::string& path);
/// Writes `result` under the group `prefix` ("" for the file root) of an open writer, in the
/// write_result_h5 layout (for files holding several schedules, e.g. one per strategy).
EHUB_EXPORT void write_result_group(io::H5Writer& writer, const Result& result, const std::string& prefix);

/// Writes a frontier: /frontier/{green_share, cost_total, emissions_kg} (one value per point) and
/// each point's schedule under /points/<k>/ in the write_result_h5 layout (atomically).
EHUB_EXPORT void write_pareto_h5(const std::vector<ParetoPoint>& points, const std::string& path);

}  // namespace ehub::dispatch
