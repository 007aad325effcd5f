// Asset health: counters from operation (run hours, starts, energy throughput), maintenance due
// by rules (every N hours, starts or months) with the dates under a planned schedule, battery
// ageing (ASTM E1049-85 rainflow counting, a cycle-plus-calendar model, state of health) and CHP
// start wear as a cost per start (docs/assets.md).
#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <string>
#include <vector>

#include "ehub/core/time_grid.hpp"
#include "ehub/export.hpp"
#include "ehub/store/records.hpp"

namespace ehub::store {
class Store;
}

namespace ehub::ems {

// --- counters -------------------------------------------------------------------------------------

/// Counters of an asset's operation over a period.
struct OperatingCounters {
  double run_hours = 0;             ///< hours with |power| above the on threshold
  std::int64_t starts = 0;          ///< off -> on transitions (the first step counts when it is on and `initially_on` is false)
  double energy_throughput_kwh = 0; ///< sum |power| x step hours
  double energy_out_kwh = 0;        ///< positive power (generation, discharge) x step hours
  double energy_in_kwh = 0;         ///< negative power (charge) x step hours, as a positive number
};

/// Counts from a power series (kW per step; a dispatch or operations-loop result's device flow, or a
/// meter) with `step_hours`: on means |power| > `on_threshold_kw`; NaN steps count as off.
EHUB_EXPORT OperatingCounters operating_counters(const Eigen::VectorXd& power_kw, double step_hours, double on_threshold_kw = 0,
                                                 bool initially_on = false);

// --- maintenance due ------------------------------------------------------------------------------

/// A maintenance rule: work of `kind` every so many run hours, starts or calendar months (0: not
/// by that measure), whichever comes first, counted since the last maintenance record of that kind
/// (or commissioning).
struct MaintenanceRule {
  std::string name{};
  std::string kind = "inspection";  ///< matches store::Maintenance::kind
  double every_run_hours = 0;
  std::int64_t every_starts = 0;
  int every_months = 0;
  /// Throws InputError naming the bad field (path "rules/<i>/...").
  void validate(std::size_t index = 0) const;
};

/// When a rule falls due.
struct MaintenanceDue {
  std::string rule{};
  std::string kind{};
  std::int64_t last_done_unix_s = 0;  ///< end of the last record of the kind, or commissioning
  double run_hours_since = 0;         ///< at `now`
  std::int64_t starts_since = 0;
  std::int64_t due_unix_s = 0;        ///< the first time a limit is reached (<= now: overdue)
  std::string due_by{};               ///< "run_hours", "starts" or "months"
  bool overdue = false;
  bool beyond_plan = false;           ///< the date is extrapolated past the planned schedule at its average rate
};

/// The operation of an asset: power per step on a grid (past: measured; plan: scheduled).
struct Operation {
  TimeGrid grid{};
  Eigen::VectorXd power_kw{};
};

/// Options of maintenance_due.
struct MaintenanceOptions {
  double on_threshold_kw = 0;
  int utc_offset_minutes = 0;  ///< calendar months in the park's local time
};

/// When each rule falls due for `asset`, given its maintenance `history`, its past operation up to
/// `now_unix_s` and the planned operation after it. Counters since the last record of a rule's
/// kind come from `past`; the date a run-hour or start limit is reached is found by walking the
/// plan, and past the plan's end extrapolated at the plan's average rate (flagged beyond_plan).
/// Throws InputError for invalid rules, a plan that does not start at `now_unix_s`, or a past that
/// does not end there.
EHUB_EXPORT std::vector<MaintenanceDue> maintenance_due(const store::Asset& asset, const std::vector<store::Maintenance>& history,
                                                        const Operation& past, const Operation& plan,
                                                        const std::vector<MaintenanceRule>& rules, std::int64_t now_unix_s,
                                                        const MaintenanceOptions& options = {});
/// The same for an asset of the store's ledger (its record and maintenance history read from there).
EHUB_EXPORT std::vector<MaintenanceDue> maintenance_due(const store::Store& s, const std::string& asset, const Operation& past,
                                                        const Operation& plan, const std::vector<MaintenanceRule>& rules,
                                                        std::int64_t now_unix_s, const MaintenanceOptions& options = {});

// --- battery ageing -------------------------------------------------------------------------------

/// A cycle (1) or half cycle (0.5) found by rainflow counting.
struct RainflowCycle {
  double range = 0;        ///< |peak - valley|
  double mean = 0;         ///< (peak + valley) / 2
  double count = 0;        ///< 1 or 0.5
  std::int64_t start = 0;  ///< index of its first point in the input
  std::int64_t end = 0;    ///< index of its last point
};

/// Rainflow counting of ASTM E1049-85 (section 5.4.4, a history not taken as periodic): the series
/// is reduced to its peaks and valleys, cycles are extracted with the three-point rule, and the
/// ranges left at the end count as half cycles. NaN values are skipped.
EHUB_EXPORT std::vector<RainflowCycle> rainflow(const Eigen::VectorXd& series);

/// Parameters of the cycle-plus-calendar degradation model of Xu, Oudalov, Ulbig, Andersson and
/// Kirschen, "Modeling of lithium-ion battery degradation for cell life assessment", IEEE Trans.
/// Smart Grid 9(2), 2018 (their fitted values for an LMO cell are the defaults).
struct DegradationModel {
  double k_delta1 = 1.4e5;     ///< depth-of-discharge stress: f_d(delta) = 1 / (k1 delta^k2 + k3)
  double k_delta2 = -0.501;
  double k_delta3 = -1.23e5;
  double k_sigma = 1.04;       ///< state-of-charge stress exp(k_sigma (sigma - sigma_ref))
  double sigma_ref = 0.5;
  double k_temperature = 0.0693;  ///< temperature stress exp(k_T (T - T_ref) T_ref / T), kelvin
  double temperature_ref_c = 25;
  double k_time_per_s = 4.14e-10; ///< calendar ageing per second
  double alpha_sei = 0.0575;   ///< share of the fast SEI-formation loss
  double k_sei = 121;
  double end_of_life_loss = 0.2;  ///< capacity loss at end of life (80 % state of health)
  /// Throws InputError naming the bad parameter.
  void validate() const;
};

/// Degradation of a battery from its state-of-charge series (fractions 0..1, one per step).
struct Degradation {
  double cycle_stress = 0;        ///< sum over rainflow cycles of count x f_d(range) f_sigma(mean) f_T
  double calendar_stress = 0;     ///< k_t x seconds x f_sigma(mean soc) f_T
  double capacity_loss = 0;       ///< L = 1 - alpha e^(-k_sei f) - (1 - alpha) e^(-f), f = cycle + calendar stress
  double state_of_health = 1;     ///< 1 - L
  double equivalent_full_cycles = 0;  ///< sum count x range
  std::int64_t cycles_counted = 0;    ///< rainflow entries (half cycles count as one entry)
};

/// The model on `soc` (fractions) with steps of `step_hours` at `temperature_c`. Throws InputError
/// for a state of charge outside [0, 1].
EHUB_EXPORT Degradation battery_degradation(const Eigen::VectorXd& soc, double step_hours, double temperature_c = 25,
                                            const DegradationModel& model = {});
/// State of health at the end of each of `periods` equal parts of the series (e.g. 12 months of a
/// year): the model applied to the series up to that point.
EHUB_EXPORT Eigen::VectorXd state_of_health_over_time(const Eigen::VectorXd& soc, double step_hours, int periods,
                                                      double temperature_c = 25, const DegradationModel& model = {});

// --- CHP start wear -------------------------------------------------------------------------------

/// Wear of a start as a share of the unit's life (the seeds: a start costs about 0.8 % of life in
/// the first design, 0.05 % from hot standby); `life_cost` is what that life is worth (an overhaul
/// or the unit, in the park's currency), so a start costs share x life_cost.
struct StartWear {
  double cold_start_life_share = 0.008;
  double hot_start_life_share = 0.0005;
  double life_cost = 0;
  /// A start after at most this many hours off is from hot standby (kept warm); longer is cold.
  double hot_standby_max_off_hours = 4;
  /// Throws InputError naming the bad field.
  void validate() const;
};

/// The starts of a unit's power series and what they cost.
struct StartsSummary {
  std::int64_t cold_starts = 0;
  std::int64_t hot_starts = 0;
  double life_used_share = 0;  ///< cold x cold share + hot x hot share
  double cost = 0;             ///< life_used_share x life_cost
};

/// Classifies each start of `power_kw` (on: > `on_threshold_kw`) by the hours the unit was off
/// before it; the first start of the series is cold unless `initially_hot`.
EHUB_EXPORT StartsSummary start_wear(const Eigen::VectorXd& power_kw, double step_hours, const StartWear& wear,
                                     double on_threshold_kw = 0, bool initially_hot = false);

}  // namespace ehub::ems
