// Energy baselines and measurement and verification (M&V): the time-of-week-and-temperature
// hourly model (LBNL, CalTRACK 2.0 hourly), change-point regressions 3P/4P/5P on daily or monthly
// data (ASHRAE inverse modelling), similar-day averages, ASHRAE Guideline 14-2014 gates, avoided
// energy with its fractional savings uncertainty, and CalTRACK data sufficiency (docs/baselines.md).
#pragma once

#include <Eigen/Core>
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "ehub/core/time_grid.hpp"
#include "ehub/ems/meter_data.hpp"
#include "ehub/export.hpp"

namespace ehub::ems {

/// The granularity of the data a baseline is judged on (it sets the Guideline 14 gates).
enum class Granularity : std::uint8_t { hourly = 0, daily = 1, monthly = 2 };
/// "hourly", "daily" or "monthly".
EHUB_EXPORT std::string_view to_string(Granularity g) noexcept;
/// Inverse of to_string; throws InputError listing the names.
EHUB_EXPORT Granularity granularity_from_string(std::string_view name);

/// ASHRAE Guideline 14-2014 calibration gates: CV(RMSE) <= 30 % and |NMBE| <= 10 % for hourly
/// data, <= 15 % and <= 5 % for monthly data. Daily data is held to the hourly gates (Guideline
/// 14 names only the two; docs/baselines.md).
struct Gates {
  double max_cv_rmse = 0.30;
  double max_abs_nmbe = 0.10;
};
/// The Guideline 14 gates of a granularity.
EHUB_EXPORT Gates guideline14_gates(Granularity g) noexcept;

/// How well a baseline model fits its baseline period (Guideline 14 statistics).
struct GoodnessOfFit {
  Granularity granularity = Granularity::hourly;
  std::int64_t n = 0;       ///< observations with a measured and a modelled value
  int p = 0;                ///< model parameters
  double mean_y = 0;        ///< mean of the measured values
  double rmse = 0;          ///< sqrt(SSE / (n - p))
  double cv_rmse = 0;       ///< rmse / mean_y (a fraction: 0.2 = 20 %)
  double nmbe = 0;          ///< sum(y - yhat) / ((n - p) mean_y)
  double r_squared = 0;     ///< 1 - SSE / SST
  double rho_lag1 = 0;      ///< lag-1 autocorrelation of the residuals (in time order, gaps skipped)
  double residual_std = 0;  ///< standard deviation of the residuals (for anomaly alarms)
  Gates gates{};
  bool acceptable = false;  ///< cv_rmse <= gates.max_cv_rmse and |nmbe| <= gates.max_abs_nmbe
  std::string reason{};     ///< why not acceptable ("" when acceptable)
};

/// Guideline 14 statistics of `y` against `yhat` (pairs where either is NaN are left out) for a
/// model with `p` parameters. Throws InputError when the sizes differ or n <= p.
EHUB_EXPORT GoodnessOfFit goodness_of_fit(const Eigen::VectorXd& y, const Eigen::VectorXd& yhat, int p,
                                          Granularity granularity);

/// Data sufficiency of a baseline period as CalTRACK 2.0 (section 2.2) judges it: the period is a
/// year (`min_days`), at least `min_day_coverage` of its days have data (a day has data when at
/// least half its hours have an energy value and a temperature, CalTRACK's daily rule), and for
/// hourly methods every calendar month has at least `min_month_coverage` of its hours with both.
struct DataSufficiency {
  bool sufficient = false;
  double days = 0;                 ///< length of the period in days
  double day_coverage = 0;         ///< share of days with data (at least half their hours with a pair)
  std::vector<std::string> months{};          ///< local "YYYY-MM" of each calendar month touched
  std::vector<double> month_hour_coverage{};  ///< share of each month's hours that have a pair
  std::vector<std::string> problems{};        ///< one line per failed criterion
};

/// Options of data_sufficiency.
struct SufficiencyOptions {
  double min_days = 365;            ///< CalTRACK: a baseline year (use fewer only outside CalTRACK)
  double min_day_coverage = 0.9;    ///< CalTRACK 2.2.1.2
  double min_month_coverage = 0.9;  ///< CalTRACK hourly: each calendar month
  bool hourly = true;               ///< check the monthly hour coverage
  int utc_offset_minutes = 0;
};

/// Judges the baseline period of `energy` (with temperature on the same grid; NaN = missing).
EHUB_EXPORT DataSufficiency data_sufficiency(const IntervalData& energy, const Eigen::VectorXd& temperature_c,
                                             const SufficiencyOptions& options = {});

// --- time of week and temperature (hourly) ----------------------------------------------------

/// Options of the time-of-week-and-temperature model.
struct TowtOptions {
  /// Temperature bin endpoints, deg C: CalTRACK's 30, 45, 55, 65, 75, 90 deg F.
  std::vector<double> temperature_knots_c{-10.0 / 9.0, 65.0 / 9.0, 115.0 / 9.0, 165.0 / 9.0, 215.0 / 9.0, 290.0 / 9.0};
  /// A bin with fewer hours than this in a segment is merged with its neighbour.
  int min_hours_per_bin = 20;
  /// A time of week is occupied when a heating/cooling-degree regression (10 and 18.3 deg C)
  /// under-predicts more than this share of its hours.
  double occupancy_threshold = 0.65;
  /// CalTRACK's segmentation: one model per calendar month fitted on that month (weight 1) and
  /// its neighbours (weight 0.5). Needs every month of the year in the baseline; false: one model.
  bool monthly_segments = true;
  /// The park's local time (time of week and months).
  int utc_offset_minutes = 0;
  /// The data sufficiency demanded of the baseline (fit_towt throws when it fails).
  SufficiencyOptions sufficiency{};
  /// Throws InputError naming the bad field.
  void validate() const;
};

/// One fitted segment of the model (one calendar month, or the whole period).
struct TowtSegment {
  int month = 0;                          ///< 1..12, 0 for the unsegmented model
  std::vector<double> knots_c{};          ///< temperature bin endpoints after merging
  std::array<bool, 168> occupied{};       ///< by hour of week (0 = Monday 00:00 local)
  std::array<double, 168> tow_kwh{};      ///< time-of-week coefficient (NaN: hour never seen)
  std::vector<double> slope_occupied{};   ///< kWh per K in each temperature bin, occupied hours
  std::vector<double> slope_unoccupied{}; ///< the same for unoccupied hours
  int rank = 0;                           ///< parameters the fit could determine
};

/// A fitted time-of-week-and-temperature model.
struct TowtModel {
  TowtOptions options{};
  std::vector<TowtSegment> segments{};    ///< 12 (monthly) or 1
  Eigen::VectorXd fitted_kwh{};           ///< the model on the baseline grid
  GoodnessOfFit fit{};                    ///< against the baseline (p = the largest segment rank)
  DataSufficiency sufficiency{};

  /// Energy per hour on `grid` (hourly) with the temperature on it; NaN where the temperature is
  /// missing or the hour of week was never seen in the baseline. Throws InputError for a grid
  /// that is not hourly or a temperature of another length.
  Eigen::VectorXd predict(const TimeGrid& grid, const Eigen::VectorXd& temperature_c) const;
};

/// Fits the model to hourly energy (kWh per hour) and temperature (deg C, same grid). Throws
/// InputError for data that is not hourly, sizes that differ or a baseline that fails the data
/// sufficiency (the message lists each problem).
EHUB_EXPORT TowtModel fit_towt(const IntervalData& energy_kwh, const Eigen::VectorXd& temperature_c,
                               const TowtOptions& options = {});

// --- change-point models (daily or monthly) ---------------------------------------------------

/// ASHRAE inverse-modelling change-point forms, with x the mean outdoor temperature of a period
/// and y the mean energy per day: 2P y = b0 + b1 x; 3P heating y = b0 + b1 (cp - x)+;
/// 3P cooling y = b0 + b1 (x - cp)+; 4P y = b0 + b1 (x - cp)- + b2 (x - cp)+ (two slopes meeting
/// at cp); 5P y = b0 + b1 (cp1 - x)+ + b2 (x - cp2)+ (cp1 <= cp2).
enum class ChangePointKind : std::uint8_t { two_p = 0, three_p_heating = 1, three_p_cooling = 2, four_p = 3, five_p = 4 };
/// "2P", "3PH", "3PC", "4P", "5P".
EHUB_EXPORT std::string_view to_string(ChangePointKind k) noexcept;
/// Inverse of to_string; throws InputError listing the names.
EHUB_EXPORT ChangePointKind change_point_kind_from_string(std::string_view name);

/// Options of fit_change_point.
struct ChangePointOptions {
  /// Candidate change points: from the `search_quantile` to the 1 - `search_quantile` quantile of
  /// x in steps of `search_step_c` (ASHRAE's grid search).
  double search_quantile = 0.1;
  double search_step_c = 0.25;
  Granularity granularity = Granularity::daily;
  /// Throws InputError naming the bad field.
  void validate() const;
};

/// A fitted change-point model.
struct ChangePointModel {
  ChangePointKind kind = ChangePointKind::three_p_heating;
  double b0 = 0;          ///< energy per day at the flat part (2P: intercept)
  double b1 = 0;          ///< heating slope (3PH, 5P: kWh/day per K below cp1; 4P: slope below cp; 2P: slope)
  double b2 = 0;          ///< cooling slope (5P: per K above cp2; 4P: slope above cp)
  double cp1_c = 0;       ///< change point (5P: the heating one)
  double cp2_c = 0;       ///< 5P: the cooling change point (otherwise equal to cp1_c)
  GoodnessOfFit fit{};
  /// y at mean temperatures x.
  Eigen::VectorXd predict(const Eigen::VectorXd& x_c) const;
};

/// Fits `kind` to (x, y) with optional weights (e.g. days per month; empty: all 1) by grid
/// search of the change points and ordinary least squares for the rest; the fit with the least
/// weighted SSE wins. NaN pairs are left out. Throws InputError when there are fewer than
/// parameters + 1 points or the sizes differ.
EHUB_EXPORT ChangePointModel fit_change_point(const Eigen::VectorXd& x_c, const Eigen::VectorXd& y,
                                              ChangePointKind kind, const ChangePointOptions& options = {},
                                              const Eigen::VectorXd& weights = {});
/// Fits every kind and returns the acceptable one with the smallest CV(RMSE) (or, when none is
/// acceptable, the one with the smallest CV(RMSE), flagged not acceptable).
EHUB_EXPORT ChangePointModel fit_best_change_point(const Eigen::VectorXd& x_c, const Eigen::VectorXd& y,
                                                   const ChangePointOptions& options = {},
                                                   const Eigen::VectorXd& weights = {});

/// Daily or monthly totals of hourly energy with the mean temperature (for change-point models).
struct PeriodData {
  std::vector<std::int64_t> start_unix_s{};
  Eigen::VectorXd energy_per_day_kwh{};  ///< the period's energy / its days (NaN below coverage)
  Eigen::VectorXd mean_temperature_c{};  ///< mean of the hours with a temperature
  Eigen::VectorXd days{};                ///< length in days (the weight of a monthly fit)
  Eigen::VectorXd coverage{};            ///< share of hours with both values
};
/// Sums `energy_kwh` (any step) per local day or month; a period whose coverage is below
/// `min_coverage` gets NaN energy (it is left out of a fit). Energy of a partly covered period
/// is scaled to the whole period.
EHUB_EXPORT PeriodData period_data(const IntervalData& energy_kwh, const Eigen::VectorXd& temperature_c,
                                   Granularity granularity, int utc_offset_minutes = 0, double min_coverage = 0.9);

// --- similar days ------------------------------------------------------------------------------

/// Options of the similar-day baseline.
struct SimilarDayOptions {
  int days = 5;                 ///< the k baseline days averaged
  bool same_day_kind = true;    ///< only days of the same kind (weekday, Saturday, Sunday)
  double max_temperature_difference_c = 3.0;  ///< days further apart in mean temperature are not similar (infinite: no limit)
  int utc_offset_minutes = 0;
};

/// The similar-day baseline: each day of `grid` is the step-by-step mean of the `days` baseline
/// days of its kind whose mean temperature is closest to its own (NaN when none qualifies).
/// Baseline and grid must have the same step; the temperature vectors their grids' lengths.
EHUB_EXPORT Eigen::VectorXd similar_day_baseline(const IntervalData& baseline_kwh, const Eigen::VectorXd& baseline_temperature_c,
                                                 const TimeGrid& grid, const Eigen::VectorXd& temperature_c,
                                                 const SimilarDayOptions& options = {});

// --- savings ----------------------------------------------------------------------------------

/// Options of verify_savings.
struct SavingsOptions {
  double confidence = 0.90;   ///< two-sided confidence of the uncertainty (Guideline 14 reports at 68 % or 90 %)
  /// Use a model that fails its gates anyway (the result still says so). False: the result has
  /// status not_acceptable and no savings figures.
  bool allow_unacceptable = false;
};

/// Avoided energy over a reporting period, with its Guideline 14 fractional savings uncertainty.
struct Savings {
  bool model_acceptable = false;
  std::string status{};           ///< "ok", "not_acceptable: <reason>"
  std::int64_t m = 0;             ///< reporting observations with both values
  double adjusted_baseline_kwh = 0;  ///< sum of the model over the reporting period
  double metered_kwh = 0;
  double avoided_kwh = 0;         ///< adjusted baseline - metered
  double savings_fraction = 0;    ///< F = avoided / adjusted baseline
  double n_effective = 0;         ///< n' = n (1 - rho) / (1 + rho)
  double t_value = 0;             ///< Student t at the confidence with n' - p degrees of freedom
  double fractional_uncertainty = 0;  ///< U = 1.26 t CV sqrt((n/n')(1 + 2/n')/m) / F
  double uncertainty_kwh = 0;     ///< U x avoided (the +- band at the confidence)
  double confidence = 0.9;
  double enpi = 0;                ///< energy performance indicator: metered / adjusted baseline
  /// One line per figure.
  std::string brief_report() const;
};

/// Savings of `metered` against the baseline `predicted` (same length; NaN pairs left out), with
/// the uncertainty from the baseline's `fit`. Throws InputError for different lengths or a
/// confidence outside (0, 1).
EHUB_EXPORT Savings verify_savings(const GoodnessOfFit& fit, const Eigen::VectorXd& predicted_kwh,
                                   const Eigen::VectorXd& metered_kwh, const SavingsOptions& options = {});

/// One row of a reporting table.
struct SavingsRow {
  std::int64_t start_unix_s = 0;
  std::string label{};            ///< local "YYYY-MM" or "YYYY-MM-DD"
  double adjusted_baseline_kwh = 0;
  double metered_kwh = 0;
  double avoided_kwh = 0;
  double savings_fraction = 0;
  double cumulative_avoided_kwh = 0;
};
/// The reporting period's savings per local month (or day), in time order.
EHUB_EXPORT std::vector<SavingsRow> savings_table(const TimeGrid& grid, const Eigen::VectorXd& predicted_kwh,
                                                  const Eigen::VectorXd& metered_kwh, Granularity per = Granularity::monthly,
                                                  int utc_offset_minutes = 0);

}  // namespace ehub::ems
